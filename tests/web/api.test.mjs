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
