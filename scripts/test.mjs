// `npm test`: installs what is missing, builds, and runs every suite:
// Rust (core unit tests + conformance vectors, emulator unit tests), the Node addon, the wasm package in
// Node and Chromium, and the emulator against the official SDK and at the wire level.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { root, run } from './run.mjs';
import { ensureChromium, ensureNpmDeps, ensureServers } from './setup.mjs';

ensureNpmDeps();
const { buildEmulator, buildNestjs, buildNode, buildWeb } = await import('./build.mjs');
buildNode();
buildWeb();
buildEmulator();
buildNestjs();
ensureChromium();
ensureServers();

run('cargo', ['test', '-p', 'cirrus-core', '-p', 'cirrus-emulator', '-p', 'cirrus-transport', '-p', 'cirrus-media']);

const suites = ['node', 'web', 'emulator', 'nestjs', 'demo'].flatMap((dir) =>
  readdirSync(join(root, 'tests', dir)).filter((f) => f.endsWith('.test.mjs')).map((f) => join('tests', dir, f)));
run(process.execPath, ['--test', '--test-concurrency=1', ...suites]);
