// The training run of the profile-guided build (scripts/pgo.mjs): the conformance vectors, through the
// package at argv[2] (npm/node's JavaScript beside an instrumented addon), checked as the suites check
// them. `CIRRUS_NO_FAST_PATH=1` trains the ordinary readers instead of the text twins.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { loadVectors } from '../tests/shared/load-vectors.mjs';
import { runAll } from '../tests/shared/vector-runner.mjs';

const cirrus = createRequire(import.meta.url)(resolve(process.argv[2]));
const report = runAll(cirrus, loadVectors());
// An instrumented build that answers differently would train the wrong paths: the training fails, and
// the addon is built without a profile (scripts/pgo.mjs); the suites then say what is wrong.
if (report.failed !== 0) {
  console.error(report.failures.slice(0, 5));
  throw new Error(`the instrumented addon failed ${report.failed} conformance vectors`);
}
console.log(`pgo training: ${report.total} vectors${process.env.CIRRUS_NO_FAST_PATH === '1' ? ' (ordinary readers)' : ''}`);
