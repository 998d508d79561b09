// The short version of `npm run soak` (10 minutes there): 16 workers uploading and deleting through the
// MediaService against the emulator with 10% injected faults on every endpoint, for 20 seconds. Zero
// failed operations after retries and zero orphans on either side; the RSS figure is only reported here
// (its slope is meaningful over the long run, docs/soak.json).
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

test('soak (20 s): 16 workers, 10% faults: no failures, no orphans', () => {
  const run = spawnSync(process.execPath, [fileURLToPath(new URL('../../scripts/soak.mjs', import.meta.url)), '--seconds', '20'], {
    encoding: 'utf8', timeout: 180_000,
  });
  assert.equal(run.signal, null, run.stderr);
  const report = JSON.parse(run.stdout.trim().split('\n').pop());
  console.log(`soak 20 s: ${report.uploads} uploads + ${report.removes} removes, ${report.emulator.faults_injected} faults injected, `
    + `${report.failed} failed, orphans ${JSON.stringify(report.orphans)}, RSS ${report.rss_mb.first} -> ${report.rss_mb.last} MB`);
  assert.deepEqual(report.failures, []);
  assert.equal(report.failed, 0);
  assert.deepEqual(report.orphans, { cloud_only: 0, record_only: 0 });
  assert.equal(report.unfinished_records, 0, 'no pending or deleting record left behind');
  assert.ok(report.uploads > 100 && report.emulator.faults_injected > 10, 'the soak did real work under faults');
  assert.equal(run.status, 0);
});
