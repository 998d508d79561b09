// The web package's public behaviour, in Node.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as web from 'cirrus-web';
import { contract } from '../shared/api-contract.mjs';
import { fastPathCases } from '../shared/fast-path-cases.mjs';

test('calling before init() is a coded error', () => {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `
    import { url } from 'cirrus-web';
    try { url('x', { cloud_name: 'demo' }); } catch (e) { console.log(e.code); }`], { encoding: 'utf8', cwd: new URL('../..', import.meta.url) });
  assert.equal(r.stdout.trim(), 'NOT_INITIALIZED');
});

test('web package API contract', async (t) => {
  await web.init();
  await web.init();
  await contract(t, web);
});

test('the fast paths answer as the SDK on \\0, tokens, nesting and -0 (full module)', async (t) => {
  await web.init();
  await fastPathCases(t, web);
});

// The glue's Symbol.dispose alias is a method of the class (made so for tree shaking, scripts/build.mjs
// shakableGlue): `using` still frees the instance, and a freed instance refuses calls.
test('a Cloudinary instance is disposable (Symbol.dispose frees it)', async () => {
  await web.init();
  const client = new web.Cloudinary({ cloud_name: 'demo' });
  assert.equal(client.url('sample'), 'https://res.cloudinary.com/demo/image/upload/sample');
  assert.equal(typeof client[Symbol.dispose], 'function');
  client[Symbol.dispose]();
  assert.throws(() => client.url('sample'));
});
