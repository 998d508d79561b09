// Installs what builds and tests need, when it is missing: npm dependencies, the wasm32 target,
// wasm-bindgen-cli (pinned to the wasm-bindgen crate version), rustup's llvm-tools (the addon's
// profile-guided build) and, for browser tests, Debian's Chromium.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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

/**
 * The pinned nightly the browser module is built with when it can be had: `-Cpanic=immediate-abort` and
 * `-Zbuild-std` take every panic's formatting and location out of the module (53.4 → 45.9 KB gzipped
 * when measured: −7.5 KB). Stable Rust cannot; without this toolchain (no network, say) the browser module is
 * built with stable, correct and larger, and the build says so.
 */
export const SIZE_TOOLCHAIN = 'nightly-2026-05-19';

/** Whether SIZE_TOOLCHAIN (with rust-src) is installed, installing it if it can. */
export function ensureSizeToolchain() {
  const has = () => succeeds('rustup', ['run', SIZE_TOOLCHAIN, 'rustc', '--version'])
    && output('rustup', ['component', 'list', '--installed', '--toolchain', SIZE_TOOLCHAIN]).includes('rust-src');
  if (has()) return true;
  succeeds('rustup', ['toolchain', 'install', SIZE_TOOLCHAIN, '--profile', 'minimal', '--component', 'rust-src']);
  return has();
}

/**
 * `llvm-profdata` of the active toolchain (rustup's `llvm-tools` component), installed when missing: the
 * release addon's profile-guided build merges its training counts with it (scripts/pgo.mjs). Undefined
 * when it cannot be had (no network, say): the addon is then built without a profile.
 */
export function ensurePgoTools() {
  // <sysroot>/lib/rustlib/<host>/lib: llvm-tools puts its programs in the `bin` beside it.
  const libdir = output('rustc', ['--print', 'target-libdir']);
  if (!libdir) return undefined;
  const tool = join(libdir, '..', 'bin', `llvm-profdata${process.platform === 'win32' ? '.exe' : ''}`);
  if (!existsSync(tool)) run('rustup', ['component', 'add', 'llvm-tools'], { allowFailure: true });
  return existsSync(tool) ? tool : undefined;
}

/** Installs Debian packages (as root, or through sudo). */
function aptInstall(packages) {
  const sudo = process.getuid && process.getuid() === 0 ? [] : ['sudo'];
  const apt = (args) => (sudo.length ? run('sudo', ['apt-get', ...args]) : run('apt-get', args));
  apt(['update']);
  apt(['install', '-y', '--no-install-recommends', ...packages]);
}

export function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  aptInstall(['chromium']);
  if (!succeeds(CHROMIUM, ['--version'])) throw new Error('Chromium did not install');
}

export const POSTGRES_BIN = '/usr/lib/postgresql/15/bin';
export const REDIS_SERVER = '/usr/bin/redis-server';

/** The database servers the tests start themselves: PostgreSQL 15 and Redis, from Debian's packages. */
export function ensureServers() {
  const missing = [];
  if (!existsSync(join(POSTGRES_BIN, 'initdb'))) missing.push('postgresql');
  if (!existsSync(REDIS_SERVER)) missing.push('redis-server');
  if (missing.length === 0) return;
  aptInstall(missing);
  // The packages start system services on the default ports; the tests start their own servers.
  for (const service of ['postgresql', 'redis-server']) {
    if (missing.some((m) => service.startsWith(m))) succeeds('service', [service, 'stop']);
  }
  if (!existsSync(join(POSTGRES_BIN, 'initdb')) || !existsSync(REDIS_SERVER)) throw new Error(`${missing.join(', ')} did not install`);
}

/**
 * Running linux-arm64 binaries here: qemu-user-static, Debian's arm64 C and C++ runtimes (multiarch), and
 * qemu registered with binfmt_misc so that arm64 executables (Node, the emulator, child processes) start
 * as if native. Needs root (a CI container is).
 */
export function ensureArm64Emulation() {
  const binfmt = '/proc/sys/fs/binfmt_misc';
  if (!existsSync('/usr/bin/qemu-aarch64-static') || !existsSync('/lib/ld-linux-aarch64.so.1')) {
    if (!output('dpkg', ['--print-foreign-architectures']).split('\n').includes('arm64')) run('dpkg', ['--add-architecture', 'arm64']);
    aptInstall(['qemu-user-static', 'libc6:arm64', 'libstdc++6:arm64']);
  }
  if (!existsSync(join(binfmt, 'register'))) run('mount', ['binfmt_misc', '-t', 'binfmt_misc', binfmt]);
  if (!existsSync(join(binfmt, 'qemu-aarch64'))) {
    writeFileSync(join(binfmt, 'register'), readFileSync('/usr/lib/binfmt.d/qemu-aarch64.conf', 'utf8').trim());
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureNpmDeps();
  ensureWasmToolchain();
  ensurePgoTools();
  ensureChromium();
  ensureServers();
}
