// The browser module (cirrus-browser.wasm, the small one a page loads) in Node, on the url and account
// vectors (every options argument written by value-text.js, the web package's one writer).
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as web from 'cirrus-web';
import { loadVectors } from '../shared/load-vectors.mjs';
import { runAll } from '../shared/vector-runner.mjs';

test('conformance vectors: the browser module in Node (url and account_url)', async () => {
  await web.init(await readFile(new URL('../../npm/web/cirrus-browser.wasm', import.meta.url)));
  assert.throws(() => web.apiSignRequest({ a: 1 }, 's'), { code: 'NOT_IN_BROWSER_BUILD' }, 'the small module is the one loaded');
  const report = runAll(web, loadVectors(), ['url', 'account_url'], { signedUrls: false });
  for (const [area, r] of Object.entries(report.areas)) console.log(`browser module  ${area.padEnd(12)} ${r.passed}/${r.cases}`);
  assert.deepEqual(report.failures.slice(0, 20), []);
  assert.equal(report.failed, 0);
  assert.ok(report.areas.url.cases >= 3000);
});
