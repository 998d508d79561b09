// Wire-level behaviour of the emulator that the SDK does not exercise: chunk order and expiry, body
// limits, hostile public ids, auth tokens, concurrent writers. Requests are signed with cirrus.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ACCOUNT, basicAuth, startEmulator } from '../shared/emulator.mjs';
import { imageSize, makePng } from '../shared/png.mjs';

const cirrus = createRequire(import.meta.url)('../../npm/node');
const TOKEN_KEY = '00112233445566778899aabbccddeeff';
let emulator;

before(async () => {
  emulator = await startEmulator({ args: ['--quiet', '--chunk-ttl-secs', '1', '--max-body-mb', '2', '--auth-token-key', TOKEN_KEY] });
});
after(() => emulator.stop());

const md5 = (b) => createHash('md5').update(b).digest('hex');

function signedForm(params, file) {
  const signed = cirrus.signRequest({ timestamp: Math.floor(Date.now() / 1000), ...params }, ACCOUNT);
  const form = new FormData();
  for (const [k, v] of Object.entries(signed)) form.append(k, String(v));
  if (file) form.append('file', new Blob([file]), 'upload.png');
  return form;
}

async function post(action, params, file, headers = {}) {
  const res = await fetch(`${emulator.url}/v1_1/demo/image/${action}`, { method: 'POST', body: signedForm(params, file), headers });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

const admin = (path) => fetch(`${emulator.url}/v1_1/demo/resources/${path}`, { headers: { authorization: basicAuth() } });

test('chunks out of order: partial uploads invisible, the completing chunk gets the result', async () => {
  const png = makePng(200, 200, { noise: true });
  const size = 40 * 1024;
  const ranges = [];
  for (let start = 0; start < png.length; start += size) ranges.push([start, Math.min(start + size, png.length) - 1]);
  const order = [ranges.length - 1, ...ranges.keys()].filter((v, i, a) => a.indexOf(v) === i).reverse();
  const id = `chunks-${Date.now()}`;
  let final;
  for (const [n, i] of order.entries()) {
    const [start, end] = ranges[i];
    const total = i === ranges.length - 1 ? png.length : -1;
    const res = await post('upload', { public_id: 'proto/chunked' }, png.subarray(start, end + 1), {
      'X-Unique-Upload-Id': id, 'Content-Range': `bytes ${start}-${end}/${total}`,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    if (n < order.length - 1) {
      assert.equal(res.body.done, false);
      assert.equal((await admin('image/upload/proto%2Fchunked')).status, 404, 'partial upload is invisible');
    } else {
      final = res.body;
    }
  }
  assert.deepEqual([final.public_id, final.bytes, final.etag, final.width], ['proto/chunked', png.length, md5(png), 200]);
});

test('abandoned chunked uploads expire', async () => {
  const res = await post('upload', {}, makePng(4, 4), { 'X-Unique-Upload-Id': 'abandoned-1', 'Content-Range': 'bytes 0-9/-1' });
  assert.equal(res.status, 400, 'a chunk whose size does not match its range is refused');
  const chunk = Buffer.alloc(1000, 7);
  const ok = await post('upload', {}, chunk, { 'X-Unique-Upload-Id': 'abandoned-2', 'Content-Range': 'bytes 0-999/-1' });
  assert.equal(ok.body.done, false);
  const dir = join(emulator.dataDir, 'chunks', 'abandoned-2');
  assert.ok(existsSync(dir));
  for (let i = 0; i < 50 && existsSync(dir); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(!existsSync(dir), 'expired after the TTL');
});

test('oversize bodies are 413; malformed bodies and hostile public ids are 400', async () => {
  const big = await post('upload', { public_id: 'proto/big' }, Buffer.alloc(3 * 1024 * 1024, 1));
  assert.equal(big.status, 413);
  for (const id of ['../escape', 'a/../../b', '/abs', 'a//b', 'back\\slash']) {
    const res = await post('upload', { public_id: id }, makePng(4, 4));
    assert.equal(res.status, 400, id);
    assert.match(res.body.error.message, /Invalid public_id/);
  }
  const folder = await post('upload', { public_id: 'x', folder: '../../etc' }, makePng(4, 4));
  assert.equal(folder.status, 400);
  const garbage = await fetch(`${emulator.url}/v1_1/demo/image/upload`, {
    method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=zzz' }, body: '--zzz\r\nContent-Disposition: form-da',
  });
  assert.equal(garbage.status, 400);
  assert.ok((await garbage.json()).error.message);
  const notImage = await post('upload', {}, Buffer.from('plain text, not an image'));
  assert.equal(notImage.status, 400);
  const files = readdirSync(emulator.dataDir).sort();
  assert.deepEqual(files, ['blobs', 'chunks', 'derived', 'index.redb', 'tmp']);
  const everything = readdirSync(resolve(emulator.dataDir, '..')).filter((f) => f === 'etc' || f === 'escape');
  assert.deepEqual(everything, [], 'nothing written outside the data directory');
});

test('raw and auto uploads keep their extension; data stays byte-exact', async () => {
  const csv = Buffer.from('id,name\n1,ünï\n2,b\n');
  const form = signedForm({});
  form.append('file', new Blob([csv]), 'report.csv');
  const res = await fetch(`${emulator.url}/v1_1/demo/auto/upload`, { method: 'POST', body: form });
  const body = await res.json();
  assert.equal(body.resource_type, 'raw');
  assert.match(body.public_id, /\.csv$/);
  const delivered = await fetch(body.url);
  assert.equal(md5(Buffer.from(await delivered.arrayBuffer())), md5(csv));
  // A PDF under `auto` is an image, as Cloudinary treats it.
  const pdfForm = signedForm({});
  pdfForm.append('file', new Blob([Buffer.from('%PDF-1.4\n% tiny\n')]), 'doc.pdf');
  const pdf = await (await fetch(`${emulator.url}/v1_1/demo/auto/upload`, { method: 'POST', body: pdfForm })).json();
  assert.deepEqual([pdf.resource_type, pdf.format], ['image', 'pdf']);
});

test('authenticated assets open with an auth token, and only within its ACL and time', async () => {
  const res = await post('upload', { public_id: 'proto/token', type: 'authenticated' }, makePng(16, 9));
  assert.equal(res.status, 200);
  const base = { cloud_name: 'demo', type: 'authenticated', secure: false, cname: `127.0.0.1:${emulator.port}`, sign_url: true, version: res.body.version };
  const now = Math.floor(Date.now() / 1000);
  const good = cirrus.url('proto/token.png', { ...base, auth_token: { key: TOKEN_KEY, start_time: now - 10, duration: 300, acl: '/demo/image/authenticated/*' } });
  assert.equal((await fetch(good)).status, 200);
  const expired = cirrus.url('proto/token.png', { ...base, auth_token: { key: TOKEN_KEY, start_time: now - 1000, duration: 300, acl: '/demo/image/authenticated/*' } });
  assert.equal((await fetch(expired)).status, 401);
  const otherAcl = cirrus.url('proto/token.png', { ...base, auth_token: { key: TOKEN_KEY, duration: 300, acl: '/demo/video/*' } });
  assert.equal((await fetch(otherAcl)).status, 401);
  const wrongKey = cirrus.url('proto/token.png', { ...base, auth_token: { key: 'ff'.repeat(16), duration: 300, acl: '/demo/*' } });
  assert.equal((await fetch(wrongKey)).status, 401);
  const urlToken = cirrus.url('proto/token.png', { ...base, auth_token: { key: TOKEN_KEY, duration: 300 } });
  const urlRes = await fetch(urlToken);
  assert.equal(urlRes.status, 200, urlToken);
  assert.equal(imageSize(Buffer.from(await urlRes.arrayBuffer())).width, 16);
});

test('concurrent uploads to one public id: every one succeeds, versions strictly increase, one asset remains', async () => {
  const results = await Promise.all(Array.from({ length: 16 }, (_, i) => post('upload', { public_id: 'proto/contended' }, makePng(5 + i, 5))));
  for (const r of results) assert.equal(r.status, 200, JSON.stringify(r.body));
  const versions = results.map((r) => r.body.version);
  assert.equal(new Set(versions).size, 16, 'distinct versions');
  assert.equal(new Set(results.map((r) => r.body.asset_id)).size, 1, 'one asset');
  const listing = await (await admin('image/upload?prefix=proto/contended')).json();
  assert.equal(listing.resources.length, 1);
  assert.equal(listing.resources[0].version, Math.max(...versions));
  assert.equal(readdirSync(join(emulator.dataDir, 'blobs')).length, readdirSync(join(emulator.dataDir, 'blobs')).length);
});

test('overwrite=false keeps the existing asset', async () => {
  const first = await post('upload', { public_id: 'proto/keep' }, makePng(7, 7));
  const second = await post('upload', { public_id: 'proto/keep', overwrite: 0 }, makePng(9, 9));
  assert.deepEqual([second.body.version, second.body.width], [first.body.version, 7]);
});

test('Admin API deletes by public id and by prefix', async () => {
  await post('upload', { public_id: 'proto/del/a' }, makePng(3, 3));
  await post('upload', { public_id: 'proto/del/b' }, makePng(3, 3));
  const res = await fetch(`${emulator.url}/v1_1/demo/resources/image/upload?prefix=proto/del/`, { method: 'DELETE', headers: { authorization: basicAuth() } });
  assert.deepEqual((await res.json()).deleted, { 'proto/del/a': 'deleted', 'proto/del/b': 'deleted' });
});

test('video originals are stored and delivered as they are', async () => {
  const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(4096, 3)]);
  const form = signedForm({ public_id: 'proto/clip' });
  form.append('file', new Blob([mp4]), 'clip.mp4');
  const res = await fetch(`${emulator.url}/v1_1/demo/video/upload`, { method: 'POST', body: form });
  const body = await res.json();
  assert.deepEqual([res.status, body.resource_type, body.format], [200, 'video', 'mp4']);
  const delivered = await fetch(body.url);
  assert.equal(delivered.headers.get('content-type'), 'video/mp4');
  assert.equal(md5(Buffer.from(await delivered.arrayBuffer())), md5(mp4));
});

test('killed in the middle of an upload: nothing half-written is visible after a restart', async () => {
  const victim = await startEmulator({ args: ['--quiet'] });
  const params = cirrus.signRequest({ timestamp: Math.floor(Date.now() / 1000), public_id: 'proto/half' }, ACCOUNT);
  const boundary = 'cirrus-boundary';
  const head = Object.entries(params).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('')
    + `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="half.png"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  const { request } = await import('node:http');
  const req = request(`${victim.url}/v1_1/demo/image/upload`, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
  req.on('error', () => {});
  req.write(head);
  req.write(makePng(300, 300, { noise: true }).subarray(0, 100_000));
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(readdirSync(join(victim.dataDir, 'tmp')).length >= 1, 'the upload is being written');
  victim.child.kill('SIGKILL');
  await victim.stop();
  const revived = await startEmulator({ dataDir: victim.dataDir, args: ['--quiet'] });
  try {
    const res = await fetch(`${revived.url}/v1_1/demo/resources/image/upload/proto%2Fhalf`, { headers: { authorization: basicAuth() } });
    assert.equal(res.status, 404);
    assert.deepEqual(readdirSync(join(victim.dataDir, 'tmp')), [], 'leftovers swept at start');
    assert.deepEqual(readdirSync(join(victim.dataDir, 'blobs')), []);
  } finally {
    await revived.stop();
  }
});

test("Cloudinary's refusals: chunks under 5 MB but the last, empty files, formats outside allowed_formats", async () => {
  // The default minimum chunk (this suite's main emulator lifts it to chunk small files).
  const strict = await startEmulator({ args: ['--quiet', '--min-chunk-bytes', String(5 * 1024 * 1024)] });
  try {
    const png = makePng(64, 64, { noise: true });
    const send = (start, end, total, id) => fetch(`${strict.url}/v1_1/demo/image/upload`, {
      method: 'POST',
      body: signedForm({ public_id: 'proto/small-chunks' }, png.subarray(start, end + 1)),
      headers: { 'X-Unique-Upload-Id': id, 'Content-Range': `bytes ${start}-${end}/${total}` },
    });
    const first = await send(0, 999, -1, 'small-1');
    assert.equal(first.status, 400);
    assert.equal((await first.json()).error.message, 'All parts except EOF-chunk must be larger than 5mb');
    // The EOF chunk may be small: a one-chunk upload of a small file works.
    const only = await send(0, png.length - 1, png.length, 'small-2');
    assert.equal(only.status, 200, await only.clone().text());
    assert.equal((await only.json()).bytes, png.length);
  } finally {
    await strict.stop();
  }
  const empty = await post('upload', { public_id: 'proto/empty' }, Buffer.alloc(0));
  assert.equal(empty.status, 400);
  assert.equal(empty.body.error.message, 'Empty file');
  const formats = await post('upload', { public_id: 'proto/formats', allowed_formats: 'jpg,gif' }, makePng(4, 4));
  assert.equal(formats.status, 400);
  assert.match(formats.body.error.message, /png.*not allowed/i);
  assert.equal((await admin('image/upload/proto%2Fformats')).status, 404, 'nothing stored');
  const unsupported = await post('create_slideshow', { public_id: 'proto/show' });
  assert.equal(unsupported.status, 404);
  assert.equal(unsupported.body.error.message, 'Unsupported action: create_slideshow');
});
