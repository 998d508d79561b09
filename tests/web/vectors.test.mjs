// The conformance vectors against the web package (wasm) in Node.
import test from 'node:test';
import assert from 'node:assert/strict';
import * as web from 'cirrus-web';
import { loadVectors } from '../shared/load-vectors.mjs';
import { runAll } from '../shared/vector-runner.mjs';

test('conformance vectors: wasm package in Node', async () => {
  await web.init();
  const report = runAll(web, loadVectors());
  for (const [area, r] of Object.entries(report.areas)) console.log(`wasm  ${area.padEnd(20)} ${r.passed}/${r.cases}`);
  console.log(`wasm  deviations           ${report.deviations.held}/${report.deviations.cases}`);
  assert.deepEqual(report.failures.slice(0, 20), []);
  assert.equal(report.failed, 0);
});
