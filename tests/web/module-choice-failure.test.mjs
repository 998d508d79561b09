// As module-choice.test.mjs (its own process: the module loads once per process), when the browser
// module cannot be fetched: the url module keeps answering, the error is WASM_LOAD_FAILED, and the next
// init() tries again.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { chooseModule, initWith, inModule, isReady, needBrowserModule } from '../../npm/web/ready.js';
import { url } from '../../npm/web/generated.js';

let fail = false;
globalThis.fetch = async (where) => (fail
  ? new Response('gone', { status: 503, statusText: 'Service Unavailable' })
  : new Response(await readFile(new URL(String(where))), { headers: { 'Content-Type': 'application/wasm' } }));

const web = (file) => new URL(`../../npm/web/${file}`, import.meta.url);
const init = () => initWith(() => chooseModule(web('cirrus-url.wasm')));
const OPTIONS = { cloud_name: 'demo', width: 100, crop: 'fill' };
const URL_OUT = 'https://res.cloudinary.com/demo/image/upload/c_fill,w_100/sample';

test('a browser module that cannot be fetched leaves the url module working, and init() tries again', async () => {
  await init();
  assert.equal(inModule('parseIdentifier'), false);
  needBrowserModule(() => web('cirrus-browser.wasm'));
  fail = true;
  await assert.rejects(init(), { code: 'WASM_LOAD_FAILED', message: /cirrus-browser\.wasm: HTTP 503 Service Unavailable/ });
  assert.ok(isReady());
  assert.equal(url('sample', OPTIONS), URL_OUT);
  assert.equal(inModule('parseIdentifier'), false);
  fail = false;
  await init();
  assert.equal(inModule('parseIdentifier'), true);
  assert.equal(url('sample', OPTIONS), URL_OUT);
});
