// The conformance vectors against the Node addon (npm/node).
import test from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { loadVectors } from '../shared/load-vectors.mjs';
import { runAll } from '../shared/vector-runner.mjs';

const cirrus = createRequire(import.meta.url)('../../npm/node');

test('conformance vectors: Node addon', () => {
  const report = runAll(cirrus, loadVectors());
  for (const [area, r] of Object.entries(report.areas)) console.log(`node  ${area.padEnd(20)} ${r.passed}/${r.cases}`);
  console.log(`node  deviations           ${report.deviations.held}/${report.deviations.cases}`);
  assert.deepEqual(report.failures.slice(0, 20), []);
  assert.equal(report.failed, 0);
});
