// `npm test`: installs what is missing, builds, and runs every suite:
// Rust (core unit tests + conformance vectors), the Node addon, and the wasm package in Node and Chromium.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { root, run } from './run.mjs';
import { ensureChromium, ensureNpmDeps } from './setup.mjs';

ensureNpmDeps();
const { buildNode, buildWeb } = await import('./build.mjs');
buildNode();
buildWeb();
ensureChromium();

run('cargo', ['test', '-p', 'cirrus-core']);

const suites = ['node', 'web'].flatMap((dir) =>
  readdirSync(join(root, 'tests', dir)).filter((f) => f.endsWith('.test.mjs')).map((f) => join('tests', dir, f)));
run(process.execPath, ['--test', '--test-concurrency=1', ...suites]);
