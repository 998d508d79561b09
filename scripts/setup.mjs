// Installs what builds and tests need, when it is missing: npm dependencies, the wasm32 target,
// wasm-bindgen-cli (pinned to the wasm-bindgen crate version) and, for browser tests, Debian's Chromium.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { output, root, run, succeeds } from './run.mjs';

export const WASM_BINDGEN_VERSION = '0.2.130';
export const CHROMIUM = '/usr/bin/chromium';

export function ensureNpmDeps() {
  if (!existsSync(join(root, 'node_modules', '@napi-rs', 'cli'))) run('npm', ['install', '--no-audit', '--no-fund']);
}

export function ensureWasmToolchain() {
  if (!output('rustup', ['target', 'list', '--installed']).split('\n').includes('wasm32-unknown-unknown')) {
    run('rustup', ['target', 'add', 'wasm32-unknown-unknown']);
  }
  if (!output('wasm-bindgen', ['--version']).endsWith(WASM_BINDGEN_VERSION)) {
    run('cargo', ['install', 'wasm-bindgen-cli', '--version', WASM_BINDGEN_VERSION]);
  }
}

export function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  const sudo = process.getuid && process.getuid() === 0 ? [] : ['sudo'];
  const apt = (args) => (sudo.length ? run('sudo', ['apt-get', ...args]) : run('apt-get', args));
  apt(['update']);
  apt(['install', '-y', '--no-install-recommends', 'chromium']);
  if (!succeeds(CHROMIUM, ['--version'])) throw new Error('Chromium did not install');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureNpmDeps();
  ensureWasmToolchain();
  ensureChromium();
}
