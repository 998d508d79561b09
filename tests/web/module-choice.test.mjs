// The browser entry's choice of module, driven through npm/web/ready.js in Node (no bundler here, so the
// package's own index.js would always see beyond-url.js): the url module while nothing asked for more; a
// request evaluated while it loads (a chunk split off by a bundler) makes the next init() load the browser
// module after it, with url() answering from the url module meanwhile (module-choice-failure.test.mjs:
// when that load fails). fetch serves the package's files, slowly.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { chooseModule, initWith, inModule, isReady, needBrowserModule } from '../../npm/web/ready.js';
import { url } from '../../npm/web/generated.js';

const fetched = [];
globalThis.fetch = async (where) => {
  const name = String(where).split('/').pop();
  fetched.push(name);
  await new Promise((resolve) => setTimeout(resolve, 30));
  return new Response(await readFile(new URL(String(where))), { headers: { 'Content-Type': 'application/wasm' } });
};

const web = (file) => new URL(`../../npm/web/${file}`, import.meta.url);
const init = () => initWith(() => chooseModule(web('cirrus-url.wasm')));
const OPTIONS = { cloud_name: 'demo', width: 100, crop: 'fill' };
const URL_OUT = 'https://res.cloudinary.com/demo/image/upload/c_fill,w_100/sample';

test('the url module until something needs more; then init() loads the browser module after it', async () => {
  const first = init();
  assert.equal(init(), first, 'one load for concurrent calls');
  await new Promise((resolve) => setTimeout(resolve, 10)); // the url module is being fetched
  assert.deepEqual(fetched, ['cirrus-url.wasm']);
  // A chunk evaluated now: the next init() replaces the url module, once this load is done.
  needBrowserModule(() => web('cirrus-browser.wasm'));
  const second = init();
  assert.notEqual(second, first);
  await first;
  assert.ok(isReady());
  assert.equal(url('sample', OPTIONS), URL_OUT, 'url() from the url module meanwhile');
  assert.equal(inModule('parseIdentifier'), false);
  await second;
  assert.deepEqual(fetched, ['cirrus-url.wasm', 'cirrus-browser.wasm']);
  assert.equal(inModule('parseIdentifier'), true);
  assert.equal(url('sample', OPTIONS), URL_OUT);
  assert.equal(init(), second, 'loaded: init() loads nothing more');
});
