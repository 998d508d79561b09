// directUpload in headless Chromium, from the page straight to the emulator, signed by a server endpoint
// that uses the Node package; the identifier the browser gets back verifies on the server.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { serveRepo } from '../shared/static-server.mjs';
import { launchChromium } from '../shared/chromium.mjs';
import { ACCOUNT, basicAuth, startEmulator } from '../shared/emulator.mjs';
import { makePng } from '../shared/png.mjs';

const cirrus = createRequire(import.meta.url)('../../npm/node');
let emulator;
let server;
let browser;
let page;
/** Upload requests the `/not-json` route answered (a proxy's page with a 200). */
let notJsonHits = 0;

before(async () => {
  emulator = await startEmulator({ args: ['--quiet', '--preset', 'browser,unsigned,folder=guests'] });
  server = await serveRepo({
    '/sign': async (req, res) => {
      let body = '';
      for await (const piece of req) body += piece;
      const params = { ...JSON.parse(body), timestamp: Math.floor(Date.now() / 1000) };
      const signed = cirrus.signRequest(params, ACCOUNT);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...signed, upload_url: `${emulator.url}/v1_1/demo/auto/upload` }));
    },
    '/no-asset': async (req, res) => {
      for await (const piece of req) void piece;
      notJsonHits += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"error":"x"}');
    },
    '/not-json': async (req, res) => {
      for await (const piece of req) void piece;
      notJsonHits += 1;
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>a proxy says hello</body></html>');
    },
  });
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(`${server.url}/tests/web/browser.html`);
  await page.waitForFunction(() => window.__report);
});
after(async () => {
  await browser.close();
  await server.close();
  await emulator.stop();
});

/** Runs directUpload in the page on `bytes` with `options` (functions given as source text). */
function upload(bytes, options) {
  return page.evaluate(async ({ b64, options }) => {
    const web = await import('/npm/web/index.js');
    await web.init();
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const file = new File([bytes], 'photo.png', { type: 'image/png' });
    const progress = [];
    const controller = new AbortController();
    const sign = async (params) => ({ ...(await (await fetch('/sign', { method: 'POST', body: JSON.stringify(params) })).json()), ...options.answerAlso });
    const cancelled = [];
    const { withCancel, answerAlso, ...given } = options;
    const opts = { ...given, onProgress: (p) => { progress.push(p); if (options.abortAt && p.loaded >= options.abortAt) controller.abort(); } };
    if (withCancel) opts.cancel = (fields) => { cancelled.push(fields); };
    if (options.signed) opts.sign = sign;
    if (options.abortAt) opts.signal = controller.signal;
    try {
      const { result, identifier } = await web.directUpload(file, opts);
      return { result, identifier, progress, cancelled };
    } catch (e) {
      return { error: { code: e.code, message: e.message, http_code: e.http_code }, progress, cancelled };
    }
  }, { b64: Buffer.from(bytes).toString('base64'), options });
}

test('signed direct upload in one request; the identifier verifies on the server', async () => {
  const png = makePng(64, 48);
  const { result, identifier, progress, error } = await upload(png, { signed: true, params: { folder: 'browser', tags: 'web' } });
  assert.equal(error, undefined, JSON.stringify(error));
  assert.deepEqual([result.width, result.height, result.etag], [64, 48, createHash('md5').update(png).digest('hex')]);
  assert.match(result.public_id, /^browser\//);
  assert.equal(cirrus.verifyIdentifier(identifier, ACCOUNT.api_secret, { allowed_formats: ['png'] }).public_id, result.public_id);
  assert.deepEqual(progress.at(-1), { loaded: png.length, total: png.length });
});

/** Sets the emulator's upload faults ({} for none). */
const setFaults = (upload) => fetch(`${emulator.url}/__emulator/faults`, { method: 'PUT', headers: { authorization: basicAuth() }, body: JSON.stringify({ upload }) });
/** How many faults of each kind the emulator has injected so far (`upload:429`, ...). */
const injected = async () => (await (await fetch(`${emulator.url}/__emulator/stats`, { headers: { authorization: basicAuth() } })).json()).faults_by_kind;

test('chunked direct upload to a fixed public_id with injected faults: each chunk is retried, the last too, the bytes are exact', async () => {
  const png = makePng(200, 200, { noise: true });
  await setFaults({ error_502: 0.3 });
  try {
    const { result, error, progress } = await upload(png, { signed: true, chunkSize: 30_000, retries: 10, retryDelay: 10, params: { public_id: 'chunked/faulty' } });
    assert.equal(error, undefined, JSON.stringify(error));
    assert.equal(result.etag, createHash('md5').update(png).digest('hex'));
    assert.equal(progress.at(-1).loaded, png.length);
  } finally {
    await setFaults({});
  }
});

// The browser's retries follow the core's decision, as the Node transport's do (crates/core/src/retry.rs).
test('a rate-limited upload waits at least the core floor of a second, whatever retryDelay says', async () => {
  await setFaults({ error_429: 1 });
  try {
    const before = (await injected())['upload:429'] ?? 0;
    const started = Date.now();
    const { error } = await upload(makePng(10, 10), { signed: true, retries: 1, retryDelay: 10 });
    const took = Date.now() - started;
    assert.deepEqual([error?.code, error?.http_code], ['RATE_LIMITED', 429]);
    assert.equal((await injected())['upload:429'] - before, 2, 'the first try and one retry');
    assert.ok(took >= 1000, `the retry waited ${took} ms`);
  } finally {
    await setFaults({});
  }
});

test('an upload the server may have stored is sent again only under a fixed public_id', async () => {
  // Stored, then the answer is a 500: resending an upload without a public_id would store a second asset.
  await setFaults({ after_500: 1 });
  try {
    const count = async () => (await injected())['upload:after500'] ?? 0;
    let before = await count();
    const anonymous = await upload(makePng(10, 10), { signed: true, retries: 3, retryDelay: 10 });
    assert.equal(anonymous.error?.code, 'UPLOAD_FAILED');
    assert.match(anonymous.error.message, /not retried: the server may have applied the request/);
    assert.equal(await count() - before, 1, 'sent once');
    before = await count();
    const fixed = await upload(makePng(10, 10), { signed: true, retries: 3, retryDelay: 10, params: { public_id: 'retry/fixed' } });
    assert.equal(fixed.error?.code, 'UPLOAD_FAILED');
    assert.doesNotMatch(fixed.error.message, /not retried/);
    assert.equal(await count() - before, 4, 'the first try and three retries');
  } finally {
    await setFaults({});
  }
});

test('a 200 whose body is not a JSON object is no answer, as in the Node transport: sent again only under a fixed public_id', async () => {
  notJsonHits = 0;
  const anonymous = await upload(makePng(10, 10), { signed: true, retries: 2, retryDelay: 10, answerAlso: { upload_url: '/not-json' } });
  assert.deepEqual([anonymous.error?.code, anonymous.error?.http_code], ['UPLOAD_FAILED', 200], JSON.stringify(anonymous.error));
  assert.match(anonymous.error.message, /^The server returned invalid JSON \(not retried: the server may have applied the request/);
  assert.equal(notJsonHits, 1, 'sent once');
  notJsonHits = 0;
  const fixed = await upload(makePng(10, 10), { signed: true, retries: 2, retryDelay: 10, params: { public_id: 'retry/not-json' }, answerAlso: { upload_url: '/not-json' } });
  assert.deepEqual([fixed.error?.code, fixed.error?.message], ['UPLOAD_FAILED', 'The server returned invalid JSON']);
  assert.equal(notJsonHits, 3, 'the first try and two retries');
});

test('a whole file answered 200 with an object that names no asset fails at once: it is not sent again (it could be stored twice)', async () => {
  notJsonHits = 0;
  const { error } = await upload(makePng(10, 10), { signed: true, retries: 2, retryDelay: 10, answerAlso: { upload_url: '/no-asset' } });
  assert.deepEqual([error?.code, error?.http_code, error?.message], ['UPLOAD_FAILED', 200, 'The server answered without an asset']);
  assert.equal(notJsonHits, 1, 'sent once');
});

test('unsigned preset uploads; coded errors; abort', async () => {
  const unsigned = await upload(makePng(10, 10), { uploadPreset: 'browser', cloudName: 'demo', uploadPrefix: emulator.url });
  assert.match(unsigned.result.public_id, /^guests\//);
  const denied = await upload(makePng(10, 10), { uploadPreset: 'nope', cloudName: 'demo', uploadPrefix: emulator.url });
  assert.deepEqual([denied.error.code, denied.error.http_code], ['INVALID_REQUEST', 400]);
  const aborted = await upload(makePng(200, 200, { noise: true }), { signed: true, chunkSize: 20_000, abortAt: 20_000, withCancel: true });
  assert.equal(aborted.error.code, 'ABORTED');
  // Not resumable: stopped by its signal, nothing can continue it, so `cancel` hears of it.
  assert.equal(aborted.cancelled.length, 1);
  assert.ok(aborted.cancelled[0].signature);
  const done = await upload(makePng(10, 10), { signed: true, withCancel: true });
  assert.deepEqual([done.error, done.cancelled], [undefined, []], 'a finished upload is not cancelled');
  const preset = await upload(makePng(10, 10), { uploadPreset: 'nope', cloudName: 'demo', uploadPrefix: emulator.url, withCancel: true });
  assert.deepEqual([preset.error.code, preset.cancelled], ['INVALID_REQUEST', []], 'an unsigned upload has no record to cancel');
  const badUrl = await upload(makePng(10, 10), { uploadPreset: 'browser', cloudName: 'demo', uploadPrefix: 'http://[bad' });
  assert.deepEqual([badUrl.error.code, badUrl.error.message], ['INVALID_OPTION', 'The upload URL is not an http(s) URL: http://[bad/v1_1/demo/auto/upload']);
  // Signed fields with nowhere an upload can go: refused before sending, and `cancel` hears of them.
  const nowhere = await upload(makePng(10, 10), { signed: true, withCancel: true, answerAlso: { upload_url: 'javascript:void 0' } });
  assert.deepEqual([nowhere.error.code, nowhere.error.message], ['INVALID_OPTION', 'The upload URL is not an http(s) URL: javascript:void 0']);
  assert.equal(nowhere.cancelled.length, 1);
  const badCancel = await upload(makePng(10, 10), { signed: true, cancel: 'yes' });
  assert.deepEqual([badCancel.error.code, badCancel.error.message], ['INVALID_OPTION', 'cancel must be a function']);
});
