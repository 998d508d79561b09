// The conformance vectors against the web package in real headless Chromium (Debian's): the browser
// entry's small modules (url vectors, the functions they leave out, their allocator) and `cirrus-web/full`.
import test from 'node:test';
import assert from 'node:assert/strict';
import { withRepoPage } from '../shared/chromium.mjs';

async function report(entry) {
  return withRepoPage(`/tests/web/browser.html?entry=${entry}`, async ({ page, browser, errors }) => {
    await page.waitForFunction(() => window.__report, null, { timeout: 120_000 });
    const r = await page.evaluate(() => window.__report);
    assert.equal(r.error, undefined, r.error);
    assert.deepEqual(errors, []);
    const version = browser.version();
    for (const [area, a] of Object.entries(r.areas)) console.log(`chromium ${version} ${entry.padEnd(7)} ${area.padEnd(20)} ${a.passed}/${a.cases}`);
    console.log(`chromium ${version} ${entry.padEnd(7)} deviations           ${r.deviations.held}/${r.deviations.cases}`);
    assert.deepEqual(r.failures.slice(0, 20), []);
    assert.equal(r.failed, 0);
    return r;
  });
}

test('conformance vectors: cirrus-web/full (the full module) in headless Chromium', async () => {
  const r = await report('full');
  assert.equal(Object.keys(r.areas).length, 10);
});

test('the browser entry: url and account vectors on the small module; what it leaves out is NOT_IN_BROWSER_BUILD; memory bounded', async () => {
  const r = await report('browser');
  assert.deepEqual(Object.keys(r.areas), ['url', 'account_url']);
  assert.ok(r.areas.url.cases >= 3000);
  // Signed URLs (sign_url: a signature or an auth token) are the full module's; every other case holds.
  console.log(`browser module: ${r.unsigned} url cases that ask to sign answered NOT_IN_BROWSER_BUILD`);
  assert.ok(r.unsigned > 100 && r.unsigned < 900, `unsigned ${r.unsigned}`);
  for (const [name, code] of Object.entries(r.serverOnly)) assert.equal(code, 'NOT_IN_BROWSER_BUILD', name);
  assert.equal(r.urlSigned, 'NOT_IN_BROWSER_BUILD', 'url(sign_url)');
  assert.deepEqual(r.parsed, { resource_type: 'image', type: 'upload', version: 12, public_id: 'a/b', format: 'png', identifier: 'image/upload/v12/a/b.png', signature: 'abc' });
  console.log(`browser module memory after one pass ${r.memory.before} B, after ${r.memory.calls} url() calls ${r.memory.after} B`);
  assert.equal(r.memory.after, r.memory.before, 'the allocator reuses its blocks');
});

test('the url module (a page that imports url() alone): url vectors; memory bounded', async () => {
  const r = await report('url');
  assert.deepEqual(Object.keys(r.areas), ['url']);
  assert.ok(r.areas.url.cases >= 3000);
  assert.ok(r.unsigned > 100 && r.unsigned < 900, `unsigned ${r.unsigned}`);
  assert.equal(r.urlSigned, 'NOT_IN_BROWSER_BUILD', 'url(sign_url)');
  console.log(`url module memory after one pass ${r.memory.before} B, after ${r.memory.calls} url() calls ${r.memory.after} B`);
  assert.equal(r.memory.after, r.memory.before, 'the allocator reuses its blocks');
});
