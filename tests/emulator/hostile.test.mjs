// The emulator as anyone on its network could use it (it is the embedded default of the demo and of
// users' test suites): every request below is unauthenticated or cheap to send, and each must be refused
// without the emulator paying for it in memory, disk or CPU. Memory is the emulator process's peak RSS
// (VmHWM), read from /proc; each test starts its own emulator so peaks do not mix. docs/security.md lists
// what each test measured before and after the fix.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readdirSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { ACCOUNT, basicAuth, peakRssMb, startEmulator } from '../shared/emulator.mjs';
import { makeBombPng, makePng } from '../shared/png.mjs';

const cirrus = createRequire(import.meta.url)('../../npm/node');
const now = () => Math.floor(Date.now() / 1000);

function form(fields, file, name = 'x.png') {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, String(v));
  if (file) f.append('file', new Blob([file]), name);
  return f;
}
const signed = (params) => cirrus.signRequest({ timestamp: now(), ...params }, ACCOUNT);
async function upload(emulator, fields, file, headers = {}) {
  const res = await fetch(`${emulator.url}/v1_1/demo/image/upload`, { method: 'POST', body: form(fields, file), headers });
  return { status: res.status, body: await res.json().catch(() => null) };
}
async function withEmulator(args, fn) {
  const emulator = await startEmulator({ args: ['--quiet', ...args] });
  try {
    return await fn(emulator);
  } finally {
    await emulator.stop();
  }
}

test('a transformation asking for 20000 px of a 64x64 image is refused without allocating it', () => withEmulator([], async (emulator) => {
  const up = await upload(emulator, signed({ public_id: 'tiny' }), makePng(64, 64));
  assert.equal(up.status, 200);
  for (const t of ['w_20000', 'h_20000', 'w_20000,h_20,c_fill', 'w_9000,h_9000,c_pad', 'w_5000,dpr_4.0']) {
    const res = await fetch(`${emulator.url}/demo/image/upload/${t}/tiny.png`);
    assert.equal(res.status, 400, t);
    assert.match(res.headers.get('x-cld-error'), /too large/, t);
  }
  const peak = peakRssMb(emulator);
  console.log(`w_20000 on 64x64: emulator peak RSS ${peak.toFixed(0)} MB`);
  assert.ok(peak < 150, `peak RSS ${peak} MB`);
}));

test('a 350 KB PNG declaring 118 megapixels is refused at upload without being decoded', () => withEmulator([], async (emulator) => {
  const bomb = makeBombPng(10000, 11800);
  const res = await upload(emulator, signed({ public_id: 'bomb' }), bomb);
  assert.equal(res.status, 400);
  assert.match(res.body.error.message, /too large: 118\.0 megapixels/);
  const peak = peakRssMb(emulator);
  console.log(`decompression bomb (${(bomb.length / 1024).toFixed(0)} KB, 118 MP): emulator peak RSS ${peak.toFixed(0)} MB`);
  assert.ok(peak < 150, `peak RSS ${peak} MB`);
}));

/** Posts a multipart body of `fields` and a `bytes`-long file part; resolves to the status and how much was sent. */
function streamUpload(emulator, fields, bytes, { fileFirst = false, asText = false } = {}) {
  const boundary = 'hostileboundary';
  const part = (name, value) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const head = Buffer.from(Object.entries(fields).map(([k, v]) => part(k, v)).join(''));
  const fileHead = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"${asText ? '' : '; filename="big.png"'}\r\nContent-Type: image/png\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const { port } = new URL(emulator.url);
  return new Promise((resolve) => {
    let sent = 0;
    let answered = false;
    const req = httpRequest({ host: '127.0.0.1', port, path: '/v1_1/demo/image/upload', method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + fileHead.length + bytes + tail.length } }, (res) => {
      answered = true;
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => { req.destroy(); resolve({ status: res.statusCode, text, sent }); });
    });
    req.on('error', (e) => { if (!answered) resolve({ status: 0, text: String(e), sent }); });
    if (!fileFirst) req.write(head);
    req.write(fileHead);
    const block = Buffer.alloc(1 << 20, 0x41);
    const pump = () => {
      while (sent < bytes) {
        const n = Math.min(block.length, bytes - sent);
        sent += n;
        if (!req.write(block.subarray(0, n))) return req.once('drain', pump);
      }
      req.end(Buffer.concat([tail, fileFirst ? head : Buffer.alloc(0)]));
    };
    pump();
  });
}

test('a 200 MB body with a bad signature is refused before its file is read; text parameters are capped', () => withEmulator([], async (emulator) => {
  const bad = await streamUpload(emulator, { ...signed({ public_id: 'big' }), signature: 'bad' }, 200 * 2 ** 20);
  assert.equal(bad.status, 401, bad.text);
  const unsigned = await streamUpload(emulator, { public_id: 'big' }, 200 * 2 ** 20);
  assert.equal(unsigned.status, 400, unsigned.text);
  const asText = await streamUpload(emulator, signed({ public_id: 'text' }), 200 * 2 ** 20, { asText: true });
  assert.equal(asText.status, 413, asText.text);
  const peak = peakRssMb(emulator);
  console.log(`200 MB bodies (bad signature, unsigned, file as text): ${[bad, unsigned, asText].map((r) => r.status).join('/')}, emulator peak RSS ${peak.toFixed(0)} MB`);
  assert.ok(peak < 150, `peak RSS ${peak} MB`);
  const tmp = readdirSync(join(emulator.dataDir, 'tmp'));
  assert.deepEqual(tmp, [], 'no temp file left');
}));

test('unsigned presets take only the unsigned allow-list and never overwrite', () => withEmulator(['--preset', 'open,unsigned'], async (emulator) => {
  const first = await upload(emulator, { upload_preset: 'open', public_id: 'guest/one' }, makePng(10, 10));
  assert.equal(first.status, 200);
  for (const extra of [{ overwrite: 1 }, { transformation: 'w_10' }, { type: 'authenticated' }, { eager: 'w_100' }, { access_mode: 'public' }]) {
    const res = await upload(emulator, { upload_preset: 'open', public_id: 'guest/two', ...extra }, makePng(11, 11));
    assert.equal(res.status, 400, JSON.stringify(extra));
    assert.match(res.body.error.message, /parameter is not allowed when using unsigned upload/);
  }
  const again = await upload(emulator, { upload_preset: 'open', public_id: 'guest/one' }, makePng(30, 30));
  assert.deepEqual([again.status, again.body.existing, again.body.width], [200, true, 10], 'the first upload stays');
}));

test('chunked uploads: an upload id belongs to its signer and params; open uploads are capped; ranges are checked', () => withEmulator(['--preset', 'open,unsigned'], async (emulator) => {
  const piece = makePng(40, 40, { noise: true });
  const chunk = (fields, id, range) => upload(emulator, fields, piece.subarray(0, 1000), { 'X-Unique-Upload-Id': id, 'Content-Range': range });
  const mine = await chunk(signed({ public_id: 'victim' }), 'upload-1', 'bytes 0-999/-1');
  assert.equal(mine.status, 200);
  const hijack = await chunk({ upload_preset: 'open', public_id: 'victim' }, 'upload-1', 'bytes 1000-1999/-1');
  assert.equal(hijack.status, 400, 'another signer cannot add to it');
  const changed = await chunk(signed({ public_id: 'elsewhere' }), 'upload-1', 'bytes 1000-1999/-1');
  assert.equal(changed.status, 400, 'nor change what it becomes');
  for (const range of [`bytes 0-${2 ** 64}/-1`, 'bytes 0-999/18446744073709551615', 'bytes 5-4/-1']) {
    assert.equal((await chunk(signed({ public_id: 'r' }), `range-${range.length}`, range)).status, 400, range);
  }
  let refused;
  for (let i = 0; i < 70 && !refused; i++) {
    const res = await chunk({ upload_preset: 'open' }, `flood-${i}`, 'bytes 0-999/-1');
    if (res.status !== 200) refused = [i, res.status];
  }
  assert.deepEqual(refused, [64, 429], 'the 65th open upload of one signer is refused');
}));

test('timestamps in the future are refused like stale ones', () => withEmulator([], async (emulator) => {
  const later = await upload(emulator, cirrus.signRequest({ timestamp: now() + 7200, public_id: 'future' }, ACCOUNT), makePng(8, 8));
  assert.equal(later.status, 400);
  assert.match(later.body.error.message, /in the future/);
  const skew = await upload(emulator, cirrus.signRequest({ timestamp: now() + 60, public_id: 'skew' }, ACCOUNT), makePng(8, 8));
  assert.equal(skew.status, 200, 'a minute of clock skew is fine');
}));

test('CORS is open for uploads and delivery only, and never for credentials', () => withEmulator([], async (emulator) => {
  const preflight = (path, headers) => fetch(`${emulator.url}${path}`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET', ...headers } });
  const up = await preflight('/v1_1/demo/image/upload', { 'access-control-request-headers': 'content-type' });
  assert.equal(up.headers.get('access-control-allow-origin'), '*');
  assert.doesNotMatch(up.headers.get('access-control-allow-headers'), /authorization/);
  for (const path of ['/v1_1/demo/resources/image', '/__emulator/faults', '/v1_1/demo/image/destroy']) {
    const res = await preflight(path, { 'access-control-request-headers': 'authorization' });
    assert.equal(res.headers.get('access-control-allow-origin'), null, path);
  }
  const adminRead = await fetch(`${emulator.url}/v1_1/demo/resources/image`, { headers: { origin: 'https://evil.example', authorization: basicAuth() } });
  assert.equal(adminRead.headers.get('access-control-allow-origin'), null, 'a page cannot read Admin API answers');
}));

test('the derived-image cache stays under its cap', () => withEmulator(['--derived-cache-mb', '1'], async (emulator) => {
  await upload(emulator, signed({ public_id: 'cache' }), makePng(300, 300, { noise: true }));
  for (let w = 100; w < 300; w += 2) {
    const res = await fetch(`${emulator.url}/demo/image/upload/w_${w}/cache.png`);
    assert.equal(res.status, 200);
    await res.arrayBuffer();
  }
  const dir = join(emulator.dataDir, 'derived');
  const bytes = readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
  console.log(`derived cache after 100 transformations (~${(100 * 200 * 200 * 3 / 2 ** 20).toFixed(0)} MB computed): ${(bytes / 2 ** 20).toFixed(2)} MB on disk, cap 1 MB`);
  assert.ok(bytes <= 1.2 * 2 ** 20, `${bytes} bytes`);
}));
