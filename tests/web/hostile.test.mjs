// Hostile input against every synchronous export of the web package (wasm, in Node), in a child process:
// each call must fail with an Error carrying a string `code` (or succeed) and the wasm instance must
// survive it (a panic would abort it). directUpload's argument handling is covered in Chromium
// (direct-upload.test.mjs).
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

test('every web export survives hostile arguments with coded errors', () => {
  const child = spawnSync(process.execPath, [fileURLToPath(new URL('./hostile-child.mjs', import.meta.url))], {
    encoding: 'utf8', timeout: 240_000, maxBuffer: 16 << 20,
  });
  assert.equal(child.signal, null, `the child was killed (${child.signal}): a crash or a hang\n${child.stderr}`);
  assert.equal(child.status, 0, `${child.stdout}\n${child.stderr}`);
  const report = JSON.parse(child.stdout.trim().split('\n').pop());
  console.log(`hostile matrix (web/wasm): ${report.calls} calls over ${report.functions} functions, all coded`);
  assert.ok(report.calls > 1000);
});

test('inputs the fuzzers found are coded errors in wasm, and the instance survives', async () => {
  const { readFileSync } = await import('node:fs');
  const api = await import('cirrus-web');
  await api.init();
  const read = (name) => JSON.parse(readFileSync(new URL(`../../fuzz/regressions/${name}.json`, import.meta.url), 'utf8')).inputs;
  for (const input of read('cloudinary_url')) assert.throws(() => api.parseCloudinaryUrl(input), (e) => e.code === 'INVALID_CONFIG');
  for (const [total, size] of read('chunk_plan')) assert.throws(() => api.planChunks(total, size), (e) => e.code === 'INVALID_OPTION');
  assert.equal(api.url('sample', { cloud_name: 'demo' }), 'https://res.cloudinary.com/demo/image/upload/sample');
});

test('a __proto__ key in a result is an own property, not a new prototype', async () => {
  const api = await import('cirrus-web');
  await api.init();
  const config = api.parseCloudinaryUrl('cloudinary://a:b@c?__proto__[x]=1&y=2');
  assert.equal(Object.getPrototypeOf(config), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyDescriptor(config, '__proto__').value, { x: '1' });
  assert.equal(config.x, undefined);
});
