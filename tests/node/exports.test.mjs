// One declaration of the surface (scripts/exports/table.mjs): the generated files are up to date, and the
// table, the Node package's CommonJS and ESM entries and its declarations, and the web package's module
// and declarations all name the same functions. Then the vector suites run once more with the JSON fast
// path off, so both paths into the core stay exact.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EXPORTS } from '../../scripts/exports/table.mjs';
import { generate } from '../../scripts/exports/generate.mjs';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (p) => readFileSync(`${root}/${p}`, 'utf8');

/** Names a declaration file exports (`export declare function|class|const X`, `export { a, b } from`). */
function declared(text) {
  const names = new Set();
  for (const m of text.matchAll(/export (?:declare )?(?:function|class|const|interface) (\w+)/g)) names.add(m[1]);
  for (const m of text.matchAll(/export \{([^}]*)\}/g)) for (const n of m[1].split(',')) if (n.trim()) names.add(n.trim().split(/\s+as\s+/).pop());
  return names;
}

test('the generated bindings and wrappers are up to date with the export table', () => {
  assert.deepEqual(generate({ check: true }), [], 'run npm run generate');
});

test('the table, CJS, ESM, index.d.ts and the web package export the same functions', async () => {
  const table = EXPORTS.map((e) => e.name);
  const cjs = require('../../npm/node');
  const esm = await import('../../npm/node/index.mjs');
  const cjsNames = Object.keys(cjs).sort();
  const esmNames = Object.keys(esm).filter((n) => n !== 'default').sort();
  assert.deepEqual(esmNames, cjsNames, 'ESM exports what CJS exports');
  const nodeTypes = new Set([...declared(read('npm/node/index.d.ts')), ...declared(read('npm/node/native.d.ts'))]);
  const typedNode = read('npm/node/index.d.ts');
  for (const name of cjsNames) assert.ok(nodeTypes.has(name) && new RegExp(`\\b${name}\\b`).test(typedNode), `index.d.ts declares ${name}`);
  for (const name of table) assert.equal(typeof cjs[name], 'function', `CJS exports ${name}`);
  assert.ok(!cjsNames.some((n) => n.endsWith('Json')), 'the JSON twins stay private');
  const web = await import('cirrus-web');
  const webTypes = new Set([...declared(read('npm/web/index.d.ts')), ...declared(read('npm/web/generated.d.ts'))]);
  for (const name of table) {
    assert.equal(typeof web[name], 'function', `the web package exports ${name}`);
    assert.ok(webTypes.has(name), `the web declarations declare ${name}`);
  }
  for (const name of Object.keys(web)) assert.ok(webTypes.has(name), `the web declarations declare ${name}`);
  for (const e of EXPORTS.filter((x) => x.method)) {
    assert.equal(typeof cjs.Cloudinary.prototype[e.name], 'function', `Node Cloudinary#${e.name}`);
    assert.equal(typeof web.Cloudinary.prototype[e.name], 'function', `web Cloudinary#${e.name}`);
  }
  await web.init();
  process.env.CLOUDINARY_URL = 'cloudinary://k:s@from-env';
  assert.ok(web.Cloudinary.fromEnv() instanceof web.Cloudinary, 'fromEnv returns the exported class');
  assert.ok(cjs.Cloudinary.fromEnv() instanceof cjs.Cloudinary);
  delete process.env.CLOUDINARY_URL;
});

// (The web package writes every options argument with value-text.js whatever the switch; it turns off only
// its flat twins' params writer, which the full module's vectors use. The browser module has none.)
test('the vector suites pass with the text fast path off too (web: the flat twins off)', () => {
  const { NODE_TEST_CONTEXT, ...env } = process.env;
  const run = spawnSync(process.execPath, ['--test', '--test-reporter=tap', 'tests/node/vectors.test.mjs', 'tests/web/vectors.test.mjs'], {
    cwd: root, env: { ...env, CIRRUS_NO_FAST_PATH: '1' }, encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stdout.slice(-3000));
  assert.match(run.stdout, /^# pass 2$/m);
});
