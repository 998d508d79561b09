// The short chaos run (`npm run chaos` runs it longer): three MediaService processes on one PostgreSQL
// database and one emulator with faults before and after the server stores, one process SIGKILLed and
// replaced half-way; pages cancel direct uploads before, after and during them, and replay them after.
// Nothing acknowledged is lost, no asset is an orphan, no key made two records, nothing
// removed lingers, nothing is left unfinished, and reconcile finds no drift afterwards.
import test from 'node:test';
import assert from 'node:assert/strict';
import { runChaos } from '../../scripts/chaos.mjs';

test('chaos (15 s, 3 processes, one SIGKILL): lost, orphans, duplicates, dangling, unfinished all 0', async () => {
  const r = await runChaos({ seconds: 15, processes: 3 });
  console.log(`chaos: ${JSON.stringify({ operations: r.operations, faults: r.faults_injected, failed: r.failed_operations, records: r.records, assets: r.assets })}`);
  assert.deepEqual(
    { lost: r.lost, orphans: r.orphans, duplicates: r.duplicates, dangling: r.dangling, unfinished: r.unfinished, reconcile: r.reconcile_after },
    { lost: 0, orphans: 0, duplicates: 0, dangling: 0, unfinished: 0, reconcile: { destroyed: 0, removed: 0 } },
    JSON.stringify(r.examples),
  );
  for (const kind of ['upload:after500', 'upload:afterreset', 'destroy:after500']) assert.ok(r.faults_injected[kind] > 0, `${kind} faults were injected`);
  assert.ok(r.operations.create > 100 && r.operations.remove > 20 && r.operations.adopt > 10 && r.operations.cancel > 5, 'the run did real work (cancels that ended an intent among it)');
});
