// The url module (cirrus-url.wasm, which a page that imports url() alone loads) in Node: the url vectors,
// and what it leaves out answering a coded error that says which module has it.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as web from 'cirrus-web';
import { loadVectors } from '../shared/load-vectors.mjs';
import { runAll } from '../shared/vector-runner.mjs';

test('conformance vectors: the url module in Node (url)', async () => {
  await web.init(await readFile(new URL('../../npm/web/cirrus-url.wasm', import.meta.url)));
  const report = runAll(web, loadVectors(), ['url'], { signedUrls: false });
  for (const [area, r] of Object.entries(report.areas)) console.log(`url module  ${area.padEnd(12)} ${r.passed}/${r.cases}`);
  assert.deepEqual(report.failures.slice(0, 20), []);
  assert.equal(report.failed, 0);
  assert.ok(report.areas.url.cases >= 3000);
});

test('what the url module leaves out is NOT_IN_BROWSER_BUILD, naming the module that has it', async () => {
  await web.init(await readFile(new URL('../../npm/web/cirrus-url.wasm', import.meta.url)));
  const inBrowserModule = { code: 'NOT_IN_BROWSER_BUILD', message: /not in cirrus-url\.wasm.*cirrus-browser\.wasm/ };
  assert.throws(() => web.parseIdentifier('image/upload/v1/sample.jpg#abc'), inBrowserModule);
  assert.throws(() => new web.Cloudinary({ cloud_name: 'demo' }), inBrowserModule);
  assert.throws(() => web.planChunks(10, 5), inBrowserModule);
  assert.throws(() => web.classifyStatus(500, true), inBrowserModule);
  assert.throws(() => web.createUpload(new Blob(['x']), { cloudName: 'demo', uploadPreset: 'p' }), inBrowserModule);
  await assert.rejects(web.directUpload(new Blob(['x']), { cloudName: 'demo', uploadPreset: 'p' }), inBrowserModule);
  assert.throws(() => web.uploadMany([new Blob(['x'])], { cloudName: 'demo', uploadPreset: 'p' }), inBrowserModule);
  // What no browser module has says so as before.
  assert.throws(() => web.apiSignRequest({ a: 1 }, 's'), { code: 'NOT_IN_BROWSER_BUILD', message: /a browser holds no api_secret/ });
});
