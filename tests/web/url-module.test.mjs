// The url module (cirrus-url.wasm, which a page that imports url() alone loads) in Node: the url vectors,
// and what it leaves out answering a coded error that says which module has it.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as web from 'cirrus-web';
import * as beyond from '../../npm/web/beyond-url.js';
import { EXPORTS } from '../../scripts/exports/table.mjs';
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
  const inBrowserModule = { code: 'NOT_IN_BROWSER_BUILD', message: /not in the loaded module, cirrus-url\.wasm.*cirrus-browser\.wasm/ };
  // Every export beyond-url.js defines (the ones that ask for the browser module) refuses, coded.
  const args = { createUpload: [new Blob(['x']), { cloudName: 'demo', uploadPreset: 'p' }], directUpload: [new Blob(['x']), { cloudName: 'demo', uploadPreset: 'p' }], uploadMany: [[new Blob(['x'])], { cloudName: 'demo', uploadPreset: 'p' }] };
  for (const [name, fn] of Object.entries(beyond)) {
    assert.equal(web[name], fn, `cirrus-web exports beyond-url.js's ${name}`);
    const call = () => (name === 'Cloudinary' ? new fn({ cloud_name: 'demo' }) : fn(...(args[name] ?? ['image/upload/v1/sample.jpg#abc'])));
    if (name === 'directUpload') await assert.rejects(call(), inBrowserModule, name);
    else assert.throws(call, inBrowserModule, name);
  }
  // What no browser module has says so as before.
  assert.throws(() => web.apiSignRequest({ a: 1 }, 's'), { code: 'NOT_IN_BROWSER_BUILD', message: /a browser holds no api_secret/ });
});

test('every export the browser module has beyond the url module is reached through beyond-url.js', async () => {
  const exported = async (file) => WebAssembly.Module.exports(await WebAssembly.compile(await readFile(new URL(`../../npm/web/${file}`, import.meta.url)))).map((e) => e.name);
  const urlModule = new Set(await exported('cirrus-url.wasm'));
  const only = (await exported('cirrus-browser.wasm')).filter((name) => !urlModule.has(name));
  assert.ok(only.includes('parseIdentifier') && only.includes('planChunks'), only.join(', '));
  // The table's browser-module functions are defined there (their generated wrappers are not exported
  // from elsewhere), and every raw export only the browser module has is named in it: the Cloudinary
  // class's (`cloudinary_*`) by the class, the upload helpers by the uploads.
  for (const e of EXPORTS.filter((x) => x.browser === true)) assert.ok(e.name in beyond, `${e.name} is defined in beyond-url.js`);
  // Its code, not its comments.
  const source = (await readFile(new URL('../../npm/web/beyond-url.js', import.meta.url), 'utf8')).replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
  for (const name of only) {
    const named = /^(?:__wbg_)?cloudinary_/.test(name) ? 'Cloudinary' : name;
    assert.match(source, new RegExp(`\\b${named}\\b`), `${name}: only the browser module has it, and beyond-url.js does not reach it`);
  }
});
