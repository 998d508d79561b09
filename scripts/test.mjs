// `npm test`: installs what is missing (`npm run setup`), builds what ships (release), runs every suite,
// and prints how long each stage took.
// `npm test -- <suite>...`: the inner loop. Builds only what those suites need, in the `quick` profile
// (incremental, no LTO), and runs only them. Suites:
//   core      cargo: core unit tests and the conformance vectors
//   rust      cargo: every crate's tests (core, transport, media, emulator, the addon's own: its allocator)
//   node      the Node package: API, vectors, exports, errors, uploads, hostile input, types, CLI, secrets
//   media     MediaService: lifecycle, repositories (SQLite, PostgreSQL, TypeORM), chaos (short), soak (short)
//   web       the wasm package in Node
//   browser   the wasm package in headless Chromium: vectors, resumable/paused/concurrent uploads, downscale
//   emulator  the emulator against the official SDK, at the wire, and attacked
//   nestjs    cirrus-nestjs in a NestJS 12 app on Express and on Fastify (and its security tests)
//   demo      the demo in Chromium
//   node22, node24   the Node package's suites (node, and media without the stress runs) on Node 22 / 24
//   packages  publish-ready: `npm pack` contents, every platform package's binaries, and the tarballs
//             installed into fresh apps outside the repo (CJS, ESM, TypeScript, NestJS, Vite, esbuild,
//             Chromium, Deno, Bun, workerd)
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { root, run } from './run.mjs';
import { nodeOf } from './runtimes.mjs';

const tests = (dir, filter = () => true) => readdirSync(join(root, 'tests', dir))
  .filter((f) => f.endsWith('.test.mjs') && filter(f)).map((f) => join('tests', dir, f));
const MEDIA = ['media.test.mjs', 'repository-contract.test.mjs', 'typeorm-adapter.test.mjs', 'chaos.test.mjs', 'soak.test.mjs'];
const STRESS = ['chaos.test.mjs', 'soak.test.mjs'];
const PACKAGING = ['platforms.test.mjs'];
// The Chromium suite: the conformance vectors, and the uploads over a bad network (against the emulator).
const BROWSER = ['browser.test.mjs', 'resumable.test.mjs'];
const nodePackage = () => tests('node', (f) => !STRESS.includes(f) && !PACKAGING.includes(f));

/** What each suite needs built, and what it runs (`cargo` crates and node test files). */
const SUITES = {
  core: { build: [], cargo: ['cirrus-core'] },
  rust: { build: [], cargo: ['cirrus-core', 'cirrus-emulator', 'cirrus-transport', 'cirrus-media', 'cirrus-node'] },
  // errors.test.mjs checks the NestJS module's answers too: it needs the nestjs build.
  node: { build: ['node', 'emulator', 'nestjs'], node: () => tests('node', (f) => !MEDIA.includes(f) && !PACKAGING.includes(f)) },
  media: { build: ['node', 'emulator', 'servers'], node: () => tests('node', (f) => MEDIA.includes(f)) },
  web: { build: ['web', 'emulator'], node: () => tests('web', (f) => !BROWSER.includes(f)) },
  browser: { build: ['web', 'chromium', 'emulator'], node: () => tests('web', (f) => BROWSER.includes(f)) },
  emulator: { build: ['node', 'emulator'], cargo: ['cirrus-emulator'], node: () => tests('emulator') },
  nestjs: { build: ['node', 'emulator', 'nestjs', 'servers'], node: () => tests('nestjs') },
  demo: { build: ['node', 'web', 'release-emulator', 'nestjs', 'chromium'], node: () => tests('demo') },
  node22: { build: ['node', 'emulator', 'nestjs', 'servers'], runtime: () => nodeOf(22), node: nodePackage },
  node24: { build: ['node', 'emulator', 'nestjs', 'servers'], runtime: () => nodeOf(24), node: nodePackage },
  packages: {
    build: ['node', 'web', 'emulator', 'nestjs', 'chromium', 'platform'],
    node: () => [...tests('node', (f) => PACKAGING.includes(f)), ...tests('packages')],
  },
};

const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = asked.filter((s) => !SUITES[s]);
if (unknown.length) {
  console.error(`unknown suite ${unknown.join(', ')}; suites: ${Object.keys(SUITES).join(', ')}`);
  process.exit(2);
}
const whole = asked.length === 0;
const chosen = whole ? Object.keys(SUITES).filter((s) => s !== 'core') : asked;
if (!whole && !process.env.CIRRUS_PROFILE) process.env.CIRRUS_PROFILE = 'quick';

const timings = [];
function stage(name, fn) {
  const started = performance.now();
  try {
    return fn();
  } finally {
    timings.push([name, (performance.now() - started) / 1000]);
  }
}

process.on('exit', () => {
  if (timings.length === 0) return;
  console.log('\n== stages (seconds)');
  for (const [name, s] of timings) console.log(`${name.padEnd(28)} ${s.toFixed(1).padStart(7)}`);
});

const setup = await import('./setup.mjs');
stage('setup', () => {
  setup.ensureNpmDeps();
  if (whole) {
    setup.ensureWasmToolchain();
    setup.ensureChromium();
    setup.ensureServers();
  }
});

const needs = new Set(chosen.flatMap((s) => SUITES[s].build));
const build = await import('./build.mjs');
if (needs.has('node')) stage(`build addon (${build.PROFILE})`, build.buildNode);
if (needs.has('web')) stage(`build web (${build.PROFILE})`, build.buildWeb);
if (needs.has('emulator') || needs.has('release-emulator')) stage(`build emulator (${build.PROFILE})`, build.buildEmulator);
if (needs.has('release-emulator') && build.PROFILE !== 'release') stage('build emulator (release)', () => run('cargo', ['build', '-p', 'cirrus-emulator', '--release']));
if (needs.has('nestjs')) stage('build nestjs, demo (tsc)', build.buildNestjs);
if (needs.has('chromium') && !whole) stage('chromium', setup.ensureChromium);
if (needs.has('servers') && !whole) stage('postgresql, redis', setup.ensureServers);
if (needs.has('platform')) stage('host platform package', build.packHost);

const crates = [...new Set(chosen.flatMap((s) => SUITES[s].cargo ?? []))];
if (crates.length) stage(`cargo test ${crates.join(' ')}`, () => run('cargo', ['test', ...crates.flatMap((c) => ['-p', c])]));

for (const suite of chosen.filter((s) => SUITES[s].node)) {
  const files = SUITES[suite].node();
  const node = SUITES[suite].runtime?.() ?? process.execPath;
  stage(`${suite} (${files.length} files)`, () => run(node, ['--test', '--test-concurrency=1', ...files]));
}
