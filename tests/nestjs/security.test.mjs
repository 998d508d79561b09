// cirrus-nestjs attacked as a hostile client would: anonymous uploads, abandoned and stalled bodies,
// multipart floods, oversized buffered files, error bodies that could leak what is behind the service,
// signatures that constrain nothing, relabelled identifiers. Each test measures what it guards (status,
// file descriptors, temp files, records, RSS, time); docs/security.md has the figures before and after.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { request as httpRequest } from 'node:http';
import request from 'supertest';
import { ACCOUNT, basicAuth, cloudinaryUrl, startEmulator } from '../shared/emulator.mjs';
import { makePng } from '../shared/png.mjs';
import { abandon, fds, fieldFlood, stall } from './clients.mjs';

const require = createRequire(import.meta.url);
const cirrus = require('../../npm/node');
let emulator;
let app;
let repository;
let port;

before(async () => {
  emulator = await startEmulator({ args: ['--quiet'] });
  process.env.CLOUDINARY_URL = cloudinaryUrl(emulator);
  const { createApp } = await import('./dist/app.js');
  repository = cirrus.SqliteRepository.open(':memory:');
  app = await createApp('sync', repository);
  const server = app.getHttpServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  port = server.address().port;
});
after(async () => {
  await app?.close();
  await emulator?.stop();
});

const http = () => request(app.getHttpServer());
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const listing = async (prefix) => (await (await fetch(`${emulator.url}/v1_1/demo/resources/image/upload?prefix=${prefix}&max_results=500`, { headers: { authorization: basicAuth() } })).json()).resources;
const records = async (owner) => (await repository.list({ ownerId: owner, deleted: 'include', limit: 1000 })).items;

test('an anonymous request to an owned upload route is 401 and stores nothing', async () => {
  const before = (await listing('nest/')).length;
  const res = await http().post('/media/stream').attach('file', Buffer.from('<svg onload="alert(1)"/>'), 'x.svg').expect(401);
  assert.equal(res.body.code, 'SIGN_IN_REQUIRED');
  assert.ok(res.body.requestId);
  assert.equal((await listing('nest/')).length, before);
  const { StreamingUpload } = await import('cirrus-nestjs');
  assert.throws(() => StreamingUpload({}), /owner\(request\).*unowned: true/, 'an ownerless route must say so explicitly');
});

test('abandoned uploads are cancelled: file descriptors, temp files and pending records back to baseline', async () => {
  await sleep(200);
  const baseline = fds();
  await Promise.all(Array.from({ length: 20 }, () => abandon(port, '/media/stream', 30 * 2 ** 20, Math.round(4.5 * 2 ** 20))));
  let now;
  for (let i = 0; i < 50; i++) {
    await sleep(100);
    now = fds();
    if (now.open <= baseline.open && now.deletedFiles <= baseline.deletedFiles) break;
  }
  console.log(`20 abandoned 4.5 MB uploads: file fds ${baseline.open} -> ${now.open}, sockets ${baseline.sockets} -> ${now.sockets}, deleted temp files held ${baseline.deletedFiles} -> ${now.deletedFiles}`);
  assert.ok(now.open <= baseline.open, `file fds back to baseline (${baseline.open} -> ${now.open})`);
  assert.ok(now.sockets <= baseline.sockets + 32, 'sockets within the client\'s connection limit');
  assert.ok(now.deletedFiles <= baseline.deletedFiles, 'no spool file held');
  for (let i = 0; i < 30 && (await records('quitter')).length > 0; i++) await sleep(100);
  assert.deepEqual(await records('quitter'), [], 'every intent was retired');
  assert.deepEqual(await listing('nest/quitter/'), [], 'nothing reached the cloud');
});

test('a stalled upload is abandoned after the idle timeout: 408', async () => {
  const result = await stall(port, '/media/slow');
  assert.equal(result.status, 408);
  assert.equal(result.body.code, 'UPLOAD_IDLE');
});

test('multipart floods are refused by limits: 300,000 empty fields answer 413 at once', async () => {
  const boundary = 'floodboundary';
  const body = fieldFlood(300_000, boundary);
  const started = process.cpuUsage();
  const t = performance.now();
  const res = await http().post('/media/stream').set('x-user', 'flooder').set('content-type', `multipart/form-data; boundary=${boundary}`).send(body);
  const ms = performance.now() - t;
  const cpu = process.cpuUsage(started);
  console.log(`300k empty fields (${(body.length / 2 ** 20).toFixed(1)} MB): ${res.status} in ${ms.toFixed(0)} ms, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU (client and server)`);
  assert.equal(res.status, 413);
  assert.equal(res.body.code, 'TOO_MANY_PARTS');
});

test('a buffered upload (multer) is limited before it is buffered: 300 MB answers 413 without growing the process', async () => {
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 10);
  const status = await new Promise((resolve) => {
    const boundary = 'bigboundary';
    const total = 300 * 2 ** 20;
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const req = httpRequest({ host: '127.0.0.1', port, path: '/media/validate', method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + total + tail.length } }, (res) => {
      res.resume();
      res.on('end', () => { req.destroy(); resolve(res.statusCode); });
    });
    req.on('error', () => {});
    req.write(head);
    const block = Buffer.alloc(2 ** 20);
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        sent += block.length;
        if (!req.write(block)) return req.once('drain', pump);
      }
      req.end(tail);
    };
    pump();
  });
  clearInterval(sampler);
  const grew = (peak - rssBefore) / 2 ** 20;
  console.log(`300 MB to a multer route with CirrusFileInterceptor(maxSize 1 MB): ${status}, the process grew by ${grew.toFixed(0)} MB`);
  assert.equal(status, 413);
  assert.ok(grew < 80, `grew ${grew} MB`);
});

test('server-side failures answer with a generic message and a request id; the details go to the log', async () => {
  const { createApp } = await import('./dist/app.js');
  const { Logger } = await import('@nestjs/common');
  const logged = [];
  const original = Logger.prototype.error;
  Logger.prototype.error = function capture(message) { logged.push(String(message)); };
  const saved = process.env.CLOUDINARY_URL;
  const apps = [];
  try {
    // 1. Cloudinary unreachable: the OS error and the upstream URL stay in the log.
    process.env.CLOUDINARY_URL = `cloudinary://${ACCOUNT.api_key}:${ACCOUNT.api_secret}@demo?upload_prefix=${encodeURIComponent('http://127.0.0.1:9')}`;
    apps.push(await createApp('sync', cirrus.SqliteRepository.open(':memory:')));
    const down = await request(apps[0].getHttpServer()).post('/media/stream').set('x-user', 'u').set('x-request-id', 'req-down-1').attach('file', makePng(8, 8), 'a.png');
    // 2. The wrong secret: Cloudinary's answer carries its string to sign.
    process.env.CLOUDINARY_URL = `cloudinary://${ACCOUNT.api_key}:wrong-secret@demo?upload_prefix=${encodeURIComponent(emulator.url)}`;
    apps.push(await createApp('sync', cirrus.SqliteRepository.open(':memory:')));
    const badSecret = await request(apps[1].getHttpServer()).post('/media/stream').set('x-user', 'u').attach('file', makePng(8, 8), 'a.png');
    // 3. The database fails with its host, user and constraint in the message.
    process.env.CLOUDINARY_URL = saved;
    const failing = cirrus.SqliteRepository.open(':memory:');
    const broken = new Proxy(failing, { get: (t, k) => (k === 'insert' ? () => Promise.reject(new Error('password authentication failed for user "media_admin" at db.internal:5432 (constraint cirrus_media_owner_key)')) : (typeof t[k] === 'function' ? t[k].bind(t) : t[k])) });
    apps.push(await createApp('sync', broken));
    const dbDown = await request(apps[2].getHttpServer()).post('/media/stream').set('x-user', 'u').attach('file', makePng(8, 8), 'a.png');
    for (const [label, res, secret] of [['unreachable', down, /127\.0\.0\.1|http:|refused|ECONN|:9\b/i], ['bad secret', badSecret, /String to sign|signature|timestamp=/i], ['database', dbDown, /media_admin|db\.internal|5432|constraint|password/]]) {
      assert.ok(res.status >= 500, `${label}: ${res.status}`);
      assert.doesNotMatch(JSON.stringify(res.body), secret, `${label} leaks: ${JSON.stringify(res.body)}`);
      assert.ok(res.body.requestId && res.body.message.includes(res.body.requestId), label);
      assert.ok(logged.some((l) => l.includes(res.body.requestId)), `${label}: the detail is logged under the request id`);
    }
    assert.equal(down.body.requestId, 'req-down-1', 'a client\'s x-request-id is kept');
    assert.ok(logged.some((l) => /String to sign/.test(l)), 'the log keeps what the body does not');
  } finally {
    Logger.prototype.error = original;
    process.env.CLOUDINARY_URL = saved;
    for (const a of apps) await a.close();
  }
});

/** Posts a file with a plain signing answer, as a browser would, to `resourceType`'s upload URL. */
async function postSigned(fields, bytes, name, resourceType) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) if (!['upload_url', 'cloud_name'].includes(k)) form.append(k, String(v));
  form.append('file', new Blob([bytes]), name);
  const url = resourceType ? fields.upload_url.replace(/\/image\/upload$/, `/${resourceType}/upload`) : fields.upload_url;
  const res = await fetch(url, { method: 'POST', body: form });
  return { status: res.status, body: await res.json() };
}

test('plain signatures constrain content, folder and time', async () => {
  const sent = Math.floor(Date.now() / 1000) + 3000;
  const { body: fields } = await http().post('/cirrus/sign-plain').set('x-user', 'a/../b').send({ timestamp: sent }).expect(200);
  assert.equal(fields.folder, 'direct/a_2F_2E_2E_2Fb', 'the owner is one encoded folder segment');
  assert.equal(String(fields.allowed_formats), 'jpg,png,gif,webp,avif,heic');
  assert.match(String(fields.tags), /cirrus-direct/);
  assert.ok(fields.timestamp <= Math.floor(Date.now() / 1000), 'a future timestamp from the widget is not signed');
  assert.match(fields.upload_url, /\/image\/upload$/);
  const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>');
  for (const [bytes, name, rt] of [[svg, 'x.svg', undefined], [Buffer.from('<html><script>alert(1)</script>'), 'x.html', 'raw'], [Buffer.from('MZ\x90\x00'), 'x.exe', 'raw']]) {
    const res = await postSigned(fields, bytes, name, rt);
    assert.equal(res.status, 400, `${name} to ${rt ?? 'image'}: ${JSON.stringify(res.body)}`);
    assert.match(res.body.error.message, /format .* not allowed/);
  }
  assert.equal((await postSigned(fields, makePng(9, 9), 'ok.png')).status, 200);
});

test('identifiers: the signature covers the public id and version only; lookup holds the policy to the stored asset', async () => {
  // A raw HTML file uploaded with a server signature, its identifier relabelled as a PNG image.
  const signed = cirrus.signRequest({ timestamp: Math.floor(Date.now() / 1000), public_id: 'relabel/page' }, ACCOUNT);
  const form = new FormData();
  for (const [k, v] of Object.entries(signed)) form.append(k, String(v));
  form.append('file', new Blob(['<html><script>alert(1)</script>']), 'page.html');
  const raw = await (await fetch(`${emulator.url}/v1_1/demo/raw/upload`, { method: 'POST', body: form })).json();
  const relabelled = `image/upload/v${raw.version}/relabel/page.png#${raw.signature}`;
  const trusting = await http().post('/media/attach').send({ image: relabelled });
  assert.equal(trusting.status, 201, 'without lookup the policy sees only the identifier\'s text (documented)');
  const checked = await http().post('/media/attach-checked').send({ image: relabelled });
  assert.equal(checked.status, 400);
  assert.match(checked.body.code, /INVALID_IDENTIFIER|IDENTIFIER_NOT_ALLOWED/);
  // adopt refuses identifiers whose segments would steer the Admin API path.
  for (const steer of [`../../x/v1/a.png#${raw.signature}`, `image/upload%2F..%2Fraw/v1/a.png#${raw.signature}`, `image/upload/v1/a?max_results=500#${raw.signature}`]) {
    const res = await http().post('/media/adopt').set('x-user', 'u').send({ identifier: steer });
    assert.equal(res.status, 400, steer);
  }
});
