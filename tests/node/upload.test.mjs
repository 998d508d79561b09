// The Node package's transport against the emulator over real HTTP: every source kind, chunking, progress,
// abort, retries under injected faults, timeouts, a real proxy, and coded errors.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { createServer, request as httpRequest } from 'node:http';
import { createReadStream, readdirSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { ACCOUNT, basicAuth, startEmulator } from '../shared/emulator.mjs';
import { makePng } from '../shared/png.mjs';
import { tempDir } from '../shared/temp.mjs';

const { Cloudinary } = createRequire(import.meta.url)('../../npm/node');
const md5 = (b) => createHash('md5').update(b).digest('hex');
let emulator;
let cld;

before(async () => {
  emulator = await startEmulator({ args: ['--quiet', '--preset', 'open,unsigned'] });
  cld = new Cloudinary({ ...ACCOUNT, upload_prefix: emulator.url });
});
after(() => emulator.stop());

const setFaults = (rules) => fetch(`${emulator.url}/__emulator/faults`, {
  method: 'PUT', headers: { authorization: basicAuth(), 'content-type': 'application/json' }, body: JSON.stringify(rules),
});
const listing = async (prefix) => (await (await fetch(`${emulator.url}/v1_1/demo/resources/image/upload?max_results=500&prefix=${encodeURIComponent(prefix)}`, { headers: { authorization: basicAuth() } })).json()).resources;

test('every source kind uploads the exact bytes', async () => {
  const png = makePng(120, 90, { noise: true });
  const path = join(tempDir('cirrus-up-'), `cirrus-up-${process.pid}.png`);
  writeFileSync(path, png);
  const sources = {
    path: { path },
    fileUrl: new URL(`file://${path}`),
    buffer: png,
    uint8array: new Uint8Array(png),
    arrayBuffer: png.buffer.slice(png.byteOffset, png.byteOffset + png.length),
    readable: Readable.from([png.subarray(0, 1000), png.subarray(1000)]),
    fsStream: createReadStream(path, { highWaterMark: 4096 }),
    webStream: Readable.toWeb(Readable.from([png])),
    dataUri: `data:image/png;base64,${png.toString('base64')}`,
  };
  for (const [name, source] of Object.entries(sources)) {
    const result = await cld.upload(source, { public_id: `sources/${name}` });
    assert.deepEqual([result.public_id, result.etag, result.width], [`sources/${name}`, md5(png), 120], name);
  }
  await assert.rejects(cld.upload('https://example.com/x.png'), (e) => e.code === 'INVALID_REQUEST' && e.http_code === 400);
  await assert.rejects(cld.upload(42), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(cld.upload({ path: '/no/such/file.png' }), { code: 'INVALID_ARGUMENT' });
  // A string is never read from the server's disk, however it looks.
  for (const s of [path, '/etc/passwd', '../../etc/hosts', 'C:\\Windows\\win.ini']) {
    await assert.rejects(cld.upload(s), (e) => e.code === 'INVALID_ARGUMENT' && /\{ path \}/.test(e.message), s);
  }
});

test('large sources go chunked by themselves; concurrency; progress reaches the total', async () => {
  const png = makePng(400, 400, { noise: true });
  const events = [];
  const result = await cld.upload(png, { public_id: 'chunks/buffer', chunk_size: 100_000, concurrency: 3, onProgress: (p) => events.push(p) });
  assert.equal(result.etag, md5(png));
  assert.equal(result.uploadStats.chunks, Math.ceil(png.length / 100_000));
  assert.ok(!Object.keys(result).includes('uploadStats'), 'stats are not enumerable');
  assert.deepEqual(events.at(-1), { loaded: png.length, total: png.length });
  for (let i = 1; i < events.length; i++) assert.ok(events[i].loaded >= events[i - 1].loaded, 'monotonic');
  const streamed = await cld.upload(Readable.from([png]), { public_id: 'chunks/stream', chunk_size: 150_000 });
  assert.deepEqual([streamed.etag, streamed.uploadStats.chunks], [md5(png), 4]);
  const small = await cld.upload(makePng(10, 10), { public_id: 'chunks/small' });
  assert.equal(small.uploadStats.chunks, 1);
  // resource_type auto in chunks (what `cirrus upload` sends): bytes that are no image are filed as raw.
  const bytes = Buffer.alloc(350_000, 'not an image; ');
  const raw = await cld.upload(bytes, { public_id: 'chunks/notes.txt', resource_type: 'auto', chunk_size: 100_000 });
  assert.deepEqual([raw.resource_type, raw.public_id, raw.etag, raw.uploadStats.chunks], ['raw', 'chunks/notes.txt', md5(bytes), 4]);
});

test('uploadStream: pipe with backpressure, result promise and event, errors as events', async () => {
  const png = makePng(256, 256, { noise: true });
  const writable = cld.uploadStream({ public_id: 'ws/piped', chunk_size: 64 * 1024 });
  const event = new Promise((resolve) => writable.on('result', resolve));
  Readable.from((function* () { for (let i = 0; i < png.length; i += 10_000) yield png.subarray(i, i + 10_000); })()).pipe(writable);
  const [result, emitted] = await Promise.all([writable.result, event]);
  assert.equal(result.etag, md5(png));
  assert.equal(emitted, result);
  const bad = new Cloudinary({ ...ACCOUNT, api_secret: 'wrong', upload_prefix: emulator.url }).uploadStream({ retries: 0 });
  const error = new Promise((resolve) => bad.on('error', resolve));
  bad.end(png.subarray(0, 5000));
  const err = await error;
  assert.deepEqual([err.code, err.http_code], ['UNAUTHORIZED', 401]);
  assert.ok(!err.message.includes('wrong'), 'the secret is not in the message');
});

test('abort in the middle of a chunked upload leaves nothing', async () => {
  const piece = makePng(100, 100, { noise: true });
  const controller = new AbortController();
  let sent = 0;
  async function* slow() {
    for (let i = 0; i < 40; i++) {
      yield piece;
      sent += piece.length;
      if (i === 6) controller.abort();
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  await assert.rejects(cld.upload(Readable.from(slow()), { public_id: 'aborted/stream', chunk_size: 50_000, signal: controller.signal }), { code: 'ABORTED' });
  assert.ok(sent > 50_000, 'chunks had been sent');
  const writable = cld.uploadStream({ public_id: 'aborted/writable', chunk_size: 50_000, signal: AbortSignal.abort() });
  await assert.rejects(writable.result, { code: 'ABORTED' });
  assert.deepEqual(await listing('aborted/'), []);
});

test('200 uploads at a 20% injected fault rate all succeed; chunk retries are counted', async () => {
  await setFaults({ upload: { error_500: 0.05, error_502: 0.05, error_429: 0.05, reset: 0.05 } });
  try {
    const options = { retries: 10, retry_delay: 20 };
    const small = makePng(16, 16);
    const big = makePng(150, 150, { noise: true });
    let next = 0;
    const results = [];
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (next < 200) {
        const i = next++;
        const chunked = i % 10 === 0;
        results[i] = await cld.upload(chunked ? big : small, { ...options, public_id: `faults/${i}`, chunk_size: chunked ? 20_000 : undefined });
      }
    }));
    const retries = results.reduce((n, r) => n + r.uploadStats.retries, 0);
    const chunkRetries = results.filter((r) => r.uploadStats.chunks > 1).reduce((n, r) => n + r.uploadStats.retries, 0);
    const requests = results.reduce((n, r) => n + r.uploadStats.requests, 0);
    console.log(`faults: 200 uploads, ${requests} requests, ${retries} retries (${chunkRetries} in chunked uploads)`);
    assert.equal(results.filter(Boolean).length, 200);
    assert.ok(retries > 0 && chunkRetries > 0);
    assert.equal((await listing('faults/')).length, 200, 'every upload landed once');
    for (const r of results.filter((x) => x.uploadStats.chunks > 1)) assert.equal(r.etag, md5(big));
  } finally {
    await setFaults({});
  }
});

test('answers lost after the server stored: a fixed public_id is retried onto the same asset; without one, no blind retry', async () => {
  // Every upload is stored, then its answer is lost (a 500, a reset, or held past the client's timeout).
  for (const fault of [{ after_500: 1 }, { after_reset: 1 }, { after_timeout: 1, hang_ms: 1500 }]) {
    await setFaults({ upload: fault });
    const before = (await listing('')).length;
    const plain = await cld.upload(makePng(9, 9), { retries: 5, retry_delay: 5, timeout: 800 }).then(() => null, (e) => e);
    assert.ok(plain, `${JSON.stringify(fault)}: a maybe-applied plain upload fails instead of retrying`);
    assert.match(plain.message, /may have applied the request/);
    assert.equal((await listing('')).length, before + 1, 'exactly one asset: the first attempt, stored, and no duplicate');
  }
  await setFaults({ upload: { after_500: 0.25, after_reset: 0.15, after_timeout: 0.1, hang_ms: 1500 } });
  for (let i = 0; i < 8; i++) {
    const r = await cld.upload(makePng(10 + i, 10), { public_id: `lost/${i}`, retries: 12, retry_delay: 5, timeout: 800 });
    assert.equal(r.public_id, `lost/${i}`);
  }
  await setFaults({});
  assert.equal((await listing('lost/')).length, 8, 'one asset per public_id');
});

test('Retry-After is waited out; the deadline stops retries', async () => {
  await setFaults({ upload: { error_429: 1 } }); // the emulator answers 429 with Retry-After: 1
  const started = performance.now();
  const err = await cld.upload(makePng(9, 9), { retries: 5, retry_delay: 1, deadline: 2500 }).then(() => null, (e) => e);
  const waited = performance.now() - started;
  await setFaults({});
  assert.equal(err.code, 'RATE_LIMITED');
  assert.match(err.message, /deadline/);
  assert.ok(waited >= 2000, `two Retry-After waits of 1 s happened before the deadline stopped it (${Math.round(waited)} ms)`);
});

test('timeouts are TIMEOUT with http_code 499; 4xx are not retried', async () => {
  await setFaults({ upload: { latency_ms: 1500 } });
  try {
    await assert.rejects(cld.upload(makePng(4, 4), { timeout: 200, retries: 0 }), (e) => e.code === 'TIMEOUT' && e.http_code === 499);
  } finally {
    await setFaults({});
  }
  const bad = new Cloudinary({ ...ACCOUNT, api_secret: 'wrong', upload_prefix: emulator.url });
  const err = await bad.upload(makePng(4, 4), { retries: 5, retry_delay: 1000 }).catch((e) => e);
  assert.deepEqual([err.code, err.http_code], ['UNAUTHORIZED', 401]);
  assert.match(err.message, /Invalid Signature/);
});

test('destroy, rename and explicit; NOT_FOUND; unsigned preset uploads', async () => {
  await cld.upload(makePng(30, 20), { public_id: 'calls/a' });
  assert.equal((await cld.rename('calls/a', 'calls/b')).public_id, 'calls/b');
  await assert.rejects(cld.rename('calls/a', 'calls/c'), (e) => e.code === 'NOT_FOUND' && e.http_code === 404);
  const explicit = await cld.explicit('calls/b', { type: 'upload', tags: ['t1'], eager: [{ width: 10, crop: 'scale' }] });
  assert.deepEqual(explicit.tags, ['t1']);
  assert.deepEqual(await cld.destroy('calls/b'), { result: 'ok' });
  assert.deepEqual(await cld.destroy('calls/b'), { result: 'not found' });
  await assert.rejects(cld.destroy(''), { code: 'INVALID_ARGUMENT' });
  const guest = await new Cloudinary({ cloud_name: 'demo', upload_prefix: emulator.url }).upload(makePng(5, 5), { upload_preset: 'open', unsigned: true });
  assert.ok(guest.public_id);
});

test('several accounts in one process', async () => {
  const other = await startEmulator({ args: ['--quiet'], account: { cloud_name: 'second', api_key: '42', api_secret: 'other-secret' } });
  try {
    const second = new Cloudinary({ cloud_name: 'second', api_key: '42', api_secret: 'other-secret', upload_prefix: other.url });
    const [a, b] = await Promise.all([cld.upload(makePng(3, 3), { public_id: 'multi/one' }), second.upload(makePng(3, 3), { public_id: 'multi/two' })]);
    assert.match(a.url, /\/demo\//);
    assert.match(b.url, /\/second\//);
  } finally {
    await other.stop();
  }
});

test('a config that names no cloud, or an upload_prefix that is no http(s) URL, is refused before any request', async () => {
  // Before, each call went out (to `/v1_1//...`, or nowhere) and failed after its retries.
  const requests = [];
  const server = createServer((req, res) => { requests.push(req.url); res.end('{}'); });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const prefix = `http://127.0.0.1:${server.address().port}`;
  try {
    for (const [config, code] of [
      [{ ...ACCOUNT, cloud_name: '', upload_prefix: prefix }, 'MISSING_OPTION'],
      [{ ...ACCOUNT, upload_prefix: `ftp${prefix.slice(4)}` }, 'INVALID_CONFIG'],
      [{ ...ACCOUNT, upload_prefix: prefix.slice('http://'.length) }, 'INVALID_CONFIG'],
    ]) {
      const client = new Cloudinary(config);
      await assert.rejects(client.upload(makePng(2, 2), { public_id: 'refused' }), { code }, JSON.stringify(config));
      await assert.rejects(client.destroy('refused'), { code });
    }
    assert.deepEqual(requests, []);
  } finally {
    server.close();
  }
});

test('a 200 whose body is not a JSON object is no answer (the server may have stored the upload): sent again only under a fixed public_id, as in the browser', async () => {
  let hits = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => { hits += 1; res.writeHead(200, { 'content-type': 'text/html' }); res.end('<html><body>a proxy says hello</body></html>'); });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const client = new Cloudinary({ ...ACCOUNT, upload_prefix: `http://127.0.0.1:${server.address().port}` });
    const anonymous = await client.upload(makePng(2, 2), { retries: 2, retry_delay: 5 }).then(() => null, (e) => e);
    assert.deepEqual([anonymous?.code, anonymous?.http_code], ['UPLOAD_FAILED', 200]);
    assert.match(anonymous.message, /^The server returned invalid JSON \(not retried: the server may have applied the request/);
    assert.equal(hits, 1, 'sent once');
    hits = 0;
    const fixed = await client.upload(makePng(2, 2), { public_id: 'retry/not-json', retries: 2, retry_delay: 5 }).then(() => null, (e) => e);
    assert.deepEqual([fixed?.code, fixed?.message], ['UPLOAD_FAILED', 'The server returned invalid JSON']);
    assert.equal(hits, 3, 'the first try and two retries');
  } finally {
    server.close();
  }
});

test('an HTTP proxy really carries the requests', async () => {
  const seen = [];
  const proxy = createServer((req, res) => {
    seen.push(req.url);
    const upstream = httpRequest(req.url, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
  try {
    const viaProxy = new Cloudinary({ ...ACCOUNT, upload_prefix: emulator.url, api_proxy: `http://127.0.0.1:${proxy.address().port}` });
    const result = await viaProxy.upload(makePng(6, 6), { public_id: 'proxied/one' });
    assert.equal(result.public_id, 'proxied/one');
    assert.deepEqual(seen, [`${emulator.url}/v1_1/demo/image/upload`]);
  } finally {
    proxy.close();
  }
});

test('no partial uploads are left on the emulator', () => {
  assert.deepEqual(readdirSync(join(emulator.dataDir, 'tmp')), []);
});
