// What `npm pack` would publish: exactly the files each package needs (no build leftovers, no native
// code in `cirrus` itself), README and LICENSE everywhere, every path package.json points at present,
// and exact versions between the packages.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pack, packageDirs } from '../../scripts/pack.mjs';
import { PLATFORMS } from '../../scripts/platforms.mjs';
import { root } from '../../scripts/run.mjs';

const manifest = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
const packed = packageDirs().map((dir) => ({ dir, manifest: manifest(dir), ...pack(dir) }));
const byName = Object.fromEntries(packed.map((p) => [p.name, p]));
const VERSION = byName.cirrus.version;

const EXPECTED = {
  cirrus: [
    'LICENSE', 'README.md', 'arguments.cjs', 'cli.cjs', ...['args', 'doctor', 'files', 'format', 'help', 'lifeline', 'progress', 'run-files', 'sync', 'upload', 'url-options'].map((m) => `cli/${m}.cjs`), 'emulator.cjs', 'errors.d.ts', 'fast-args.cjs', 'flat-bytes.cjs',
    'generated.cjs', 'index.cjs', 'index.d.ts', 'index.mjs', 'media.cjs', 'native.cjs', 'native.d.ts',
    'options.d.ts', 'package.json', 'platform.cjs', 'postgres-repository.cjs', 'repository-contract.cjs',
    'testing.cjs', 'testing.d.ts', 'testing.mjs',
  ],
  'cirrus-web': [
    'LICENSE', 'README.md', 'beyond-url.js', 'cirrus-browser.wasm', 'cirrus-url.wasm', 'cirrus.wasm', 'common.js', 'direct-upload.js', 'downscale.js', 'errors.d.ts', 'fast-args.js',
    'full.js', 'generated.d.ts', 'generated.js', 'http.js', 'index.d.ts', 'index.js', 'index.node.js', 'index.workerd.js',
    'options.d.ts', 'package.json', 'pkg/cirrus_wasm.js', 'ready.js', 'resume-store.js', 'upload-many.js', 'value-text.js',
  ],
  'cirrus-nestjs': ['LICENSE', 'README.md', 'package.json', ...['cirrus', 'cleanup', 'codes', 'errors', 'fastify', 'health', 'index', 'module', 'node-http', 'pipes', 'signing', 'streaming-upload.interceptor', 'tokens'].flatMap((m) => [`dist/${m}.d.ts`, `dist/${m}.js`])],
};

test('cirrus, cirrus-web and cirrus-nestjs publish exactly their files', () => {
  for (const [name, files] of Object.entries(EXPECTED)) {
    assert.deepEqual(byName[name].files, [...files].sort(), name);
    console.log(`${name}: ${byName[name].files.length} files, ${(byName[name].size / 1024).toFixed(1)} KB packed`);
  }
});

test('every platform package publishes its addon, its emulator, README, LICENSE', () => {
  for (const p of packed.filter((x) => x.name.startsWith('cirrus-') && !EXPECTED[x.name])) {
    const platform = PLATFORMS.find((x) => `cirrus-${x.name}` === p.name);
    assert.ok(platform, `${p.name} is a known platform`);
    const exe = platform.exe ?? '';
    assert.deepEqual(p.files, ['LICENSE', 'README.md', `cirrus-emulator${exe}`, `cirrus.${platform.name}.node`, 'package.json'].sort());
    assert.equal(p.version, VERSION, `${p.name} has cirrus's version`);
    console.log(`${p.name}: ${(p.size / 1024 / 1024).toFixed(2)} MB packed, ${(p.unpackedSize / 1024 / 1024).toFixed(2)} MB unpacked`);
  }
});

/** Every file path a manifest points at: main, module, types, bin, and each export target. */
function pointedAt(m) {
  const paths = [m.main, m.module, m.types, ...Object.values(m.bin ?? {})];
  const walk = (v) => (typeof v === 'string' ? paths.push(v) : Object.values(v ?? {}).forEach(walk));
  walk(m.exports);
  return paths.filter(Boolean).map((p) => p.replace(/^\.\//, ''));
}

test('everything package.json points at is in the tarball', () => {
  for (const p of packed) {
    for (const path of pointedAt(p.manifest)) assert.ok(p.files.includes(path), `${p.name}: ${path} is published`);
  }
});

test('the packages pin each other exactly and declare the Node versions they are tested on', () => {
  const cirrus = byName.cirrus.manifest;
  assert.deepEqual(Object.keys(cirrus.optionalDependencies).sort(), PLATFORMS.map((p) => `cirrus-${p.name}`).sort());
  assert.deepEqual(createRequire(import.meta.url)('../../npm/node/platform.cjs').SUPPORTED, PLATFORMS.map((p) => p.name), 'the loader knows every platform');
  for (const v of Object.values(cirrus.optionalDependencies)) assert.equal(v, VERSION);
  assert.equal(byName['cirrus-nestjs'].manifest.peerDependencies.cirrus, VERSION);
  for (const p of packed) {
    assert.equal(p.version, VERSION, `${p.name} version`);
    assert.equal(p.manifest.engines?.node, '>=20', `${p.name} engines`);
    assert.equal(p.manifest.license, 'MIT', `${p.name} license`);
  }
  // The LICENSE copies are the repository's.
  const license = readFileSync(join(root, 'LICENSE'), 'utf8');
  for (const p of packed) assert.equal(readFileSync(join(p.dir, 'LICENSE'), 'utf8'), license, `${p.name} LICENSE`);
});

test('cirrus-web keeps Node built-ins out of the browser entry and its imports', () => {
  const web = join(root, 'npm', 'web');
  const browserGraph = ['index.js', 'full.js', 'common.js', 'beyond-url.js', 'ready.js', 'generated.js', 'direct-upload.js', 'fast-args.js', 'value-text.js', 'pkg/cirrus_wasm.js'];
  for (const f of browserGraph) assert.doesNotMatch(readFileSync(join(web, f), 'utf8'), /from ['"]node:|import\(['"]node:|require\(/, f);
  const conditions = Object.keys(byName['cirrus-web'].manifest.exports['.']);
  assert.deepEqual(conditions, ['types', 'workerd', 'deno', 'bun', 'browser', 'node', 'default']);
});
