// Hostile input against every export of the Node package, in a child process: a crash or a hang of the
// process would be invisible inside it. Each call must fail with an Error carrying a string `code` (or
// succeed), the addon must keep working, and no prototype may be polluted.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

test('every Node export survives hostile arguments with coded errors', () => {
  const child = spawnSync(process.execPath, [fileURLToPath(new URL('./hostile-child.mjs', import.meta.url))], {
    encoding: 'utf8', timeout: 240_000, maxBuffer: 16 << 20,
  });
  assert.equal(child.signal, null, `the child was killed (${child.signal}): a crash or a hang\n${child.stderr}`);
  assert.equal(child.status, 0, `${child.stdout}\n${child.stderr}`);
  const report = JSON.parse(child.stdout.trim().split('\n').pop());
  console.log(`hostile matrix (Node): ${report.calls} calls over ${report.functions} functions, all coded`);
  assert.ok(report.calls > 1000);
});

test('inputs the fuzzers found are coded errors through the addon', async () => {
  const { readFileSync } = await import('node:fs');
  const { createRequire } = await import('node:module');
  const api = createRequire(import.meta.url)('../../npm/node');
  const { inputs } = JSON.parse(readFileSync(new URL('../../fuzz/regressions/cloudinary_url.json', import.meta.url), 'utf8'));
  for (const input of inputs) assert.throws(() => api.parseCloudinaryUrl(input), (e) => e.code === 'INVALID_CONFIG');
});

test('a __proto__ key in a result is an own property, not a new prototype', async () => {
  const { createRequire } = await import('node:module');
  const api = createRequire(import.meta.url)('../../npm/node');
  const config = api.parseCloudinaryUrl('cloudinary://a:b@c?__proto__[x]=1&y=2');
  assert.equal(Object.getPrototypeOf(config), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyDescriptor(config, '__proto__').value, { x: '1' });
  assert.equal(config.x, undefined);
});
