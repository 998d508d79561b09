// cirrus-nestjs on Fastify (@nestjs/platform-fastify), over real HTTP against the emulator: the same app as
// the Express suites (tests/nestjs/src/app.ts) with nothing but a FastifyAdapter. Signing through Fastify's
// JSON parser, streaming uploads (Fastify refuses multipart bodies unless a parser is registered: the
// interceptor registers one), their limits, abandoned and stalled bodies, request ids in error bodies.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import request from 'supertest';
import { ACCOUNT, basicAuth, cloudinaryUrl, startEmulator } from '../shared/emulator.mjs';
import { makePng } from '../shared/png.mjs';
import { abandon, fds, fieldFlood, stall, streamLarge } from './clients.mjs';

const require = createRequire(import.meta.url);
const cirrus = require('../../npm/node');
const fastify = { platform: 'fastify' };
let emulator;
let createApp;
let repository;
let apps;
let port;

before(async () => {
  emulator = await startEmulator({ args: ['--quiet'] });
  process.env.CLOUDINARY_URL = cloudinaryUrl(emulator);
  ({ createApp } = await import('./dist/app.js'));
  repository = cirrus.SqliteRepository.open(':memory:');
  apps = { sync: await createApp('sync', repository, undefined, fastify), async: await createApp('async', repository, undefined, fastify) };
  await apps.sync.listen(0, '127.0.0.1');
  port = apps.sync.getHttpServer().address().port;
});
after(async () => {
  for (const app of Object.values(apps ?? {})) await app.close();
  await emulator?.stop();
});

const http = (wiring = 'sync') => request(apps[wiring].getHttpServer());
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const listing = async (prefix) => (await (await fetch(`${emulator.url}/v1_1/demo/resources/image/upload?prefix=${prefix}&max_results=500`, { headers: { authorization: basicAuth() } })).json()).resources;
const records = async (owner) => (await repository.list({ ownerId: owner, deleted: 'include', limit: 1000 })).items;

test('the apps run on Fastify', () => {
  for (const app of Object.values(apps)) assert.equal(app.getHttpAdapter().getType(), 'fastify');
});

test('signing reads its JSON body through Fastify\'s parser: intents both wirings, plain signing, 401 for anonymous users', async () => {
  for (const wiring of ['sync', 'async']) {
    const res = await http(wiring).post('/cirrus/sign').set('x-user', 'alice').send({ params: { tags: 'a', overwrite: true } }).expect(200);
    assert.match(res.body.public_id, /^nest\/alice\/[a-z0-9]{20}$/, wiring);
    assert.equal(res.body.upload_url, `${emulator.url}/v1_1/demo/image/upload`);
    const { signature, api_key: apiKey, cloud_name: cloud, upload_url: url, resource_type: rt, record_id: id, ...signed } = res.body;
    assert.equal(signature, cirrus.apiSignRequest(signed, ACCOUNT.api_secret));
    assert.ok(id, 'the pending record');
  }
  // The body's params and timestamp are used: Fastify parsed it.
  const sent = Math.floor(Date.now() / 1000) - 60;
  const plain = await http().post('/cirrus/sign-plain').set('x-user', 'alice').send({ params: { tags: 'mine', overwrite: true }, timestamp: sent }).expect(200);
  assert.equal(plain.body.folder, 'direct/alice');
  assert.equal(plain.body.timestamp, sent);
  assert.match(String(plain.body.tags), /mine/);
  assert.equal(plain.body.overwrite, undefined, 'only whitelisted params are signed');
  for (const path of ['/cirrus/sign', '/cirrus/sign-plain']) {
    const denied = await http().post(path).set('x-request-id', 'req-sign').send({}).expect(401);
    assert.deepEqual([denied.body.code, denied.body.requestId], ['SIGN_IN_REQUIRED', 'req-sign']);
  }
});

test('a direct upload is adopted; the identifier pipe accepts it and refuses tampering', async () => {
  const { body: fields } = await http().post('/cirrus/sign').set('x-user', 'carol').send({}).expect(200);
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) if (!['upload_url', 'cloud_name', 'resource_type', 'record_id'].includes(k)) form.append(k, String(v));
  form.append('file', new Blob([makePng(12, 9)]), 'x.png');
  const r = await (await fetch(fields.upload_url, { method: 'POST', body: form })).json();
  const identifier = `${r.resource_type}/${r.type}/v${r.version}/${r.public_id}.${r.format}#${r.signature}`;
  const adopted = await http().post('/media/adopt').set('x-user', 'carol').send({ identifier }).expect(201);
  assert.deepEqual([adopted.body.public_id, adopted.body.state], [fields.public_id, 'committed']);
  assert.equal((await http().post('/media/adopt').set('x-user', 'mallory').send({ identifier }).expect(400)).body.code, 'IDENTIFIER_NOT_ALLOWED');
  assert.equal((await http().post('/media/attach').send({ image: identifier }).expect(201)).body.public_id, r.public_id);
  assert.equal((await http().post('/media/attach').send({ image: identifier.replace('/v', '/v9') }).expect(400)).body.code, 'INVALID_SIGNATURE');
});

test('streaming uploads into the media service; limits are clear 4xx', async () => {
  const png = makePng(33, 22);
  const res = await http().post('/media/stream').set('x-user', 'dave').attach('file', png, 'one.png').attach('file', makePng(7, 7), 'two.png').expect(201);
  assert.equal(res.body.length, 2);
  assert.deepEqual([res.body[0].bytes, res.body[0].filename], [png.length, 'one.png']);
  assert.ok(res.body[0].id, 'recorded by the MediaService');
  const three = await http().post('/media/stream').set('x-user', 'dave').attach('file', png, 'a.png').attach('file', png, 'b.png').attach('file', png, 'c.png').expect(413);
  assert.equal(three.body.code, 'TOO_MANY_FILES');
  const big = await http().post('/media/small').attach('file', makePng(100, 100, { noise: true }), 'big.png').expect(413);
  assert.equal(big.body.code, 'FILE_TOO_LARGE');
  const fake = await http().post('/media/stream').set('x-user', 'dave').attach('file', Buffer.from('just text'), 'fake.png').expect(415);
  assert.equal(fake.body.code, 'UNSUPPORTED_TYPE');
  assert.equal((await http().post('/media/stream').set('x-user', 'dave').send({ a: 1 }).expect(400)).body.code, 'MISSING_FILE');
});

test('a 200 MB streaming upload goes through with bounded memory', async () => {
  const total = 200 * 1024 * 1024;
  const sent = await streamLarge(port, '/media/raw', total);
  console.log(`fastify 200 MB streaming upload: ${sent.seconds.toFixed(2)} s, process RSS ${(sent.base / 1e6).toFixed(0)} MB before, peak ${(sent.peak / 1e6).toFixed(0)} MB`);
  assert.equal(sent.status, 201, JSON.stringify(sent.json));
  assert.deepEqual(sent.json, [{ bytes: total, etag: sent.md5 }]);
  assert.ok(sent.peak - sent.base < 150 * 1024 * 1024, `memory grew by ${((sent.peak - sent.base) / 1e6).toFixed(0)} MB`);
});

test('an anonymous request to an owned upload route is 401 before its body is read, and stores nothing', async () => {
  const before = (await listing('nest/')).length;
  const res = await http().post('/media/stream').attach('file', Buffer.from('<svg onload="alert(1)"/>'), 'x.svg').expect(401);
  assert.equal(res.body.code, 'SIGN_IN_REQUIRED');
  assert.ok(res.body.requestId);
  // A body declared 10 MB of which 50 KB arrive: the answer does not wait for the rest.
  const partial = await stall(port, '/media/stream', '');
  assert.equal(partial.status, 401);
  assert.equal(partial.body.code, 'SIGN_IN_REQUIRED');
  assert.equal((await listing('nest/')).length, before);
});

test('abandoned uploads are cancelled: file descriptors, temp files and pending records back to baseline', async () => {
  await sleep(200);
  const baseline = fds();
  // Sampled meanwhile: the uploads began (each stored its intent) before their clients went away.
  let begun = 0;
  const sampling = (async () => { for (let i = 0; i < 200 && begun < 20; i++) { begun = Math.max(begun, (await records('fquitter')).length); await sleep(10); } })();
  await Promise.all(Array.from({ length: 20 }, () => abandon(port, '/media/stream', 30 * 2 ** 20, Math.round(4.5 * 2 ** 20), 'fquitter')));
  await sampling;
  assert.ok(begun > 0, 'the uploads reached the media service');
  let now;
  for (let i = 0; i < 50; i++) {
    await sleep(100);
    now = fds();
    if (now.open <= baseline.open && now.deletedFiles <= baseline.deletedFiles) break;
  }
  console.log(`fastify, 20 abandoned 4.5 MB uploads: file fds ${baseline.open} -> ${now.open}, sockets ${baseline.sockets} -> ${now.sockets}, deleted temp files held ${baseline.deletedFiles} -> ${now.deletedFiles}`);
  assert.ok(now.open <= baseline.open, `file fds back to baseline (${baseline.open} -> ${now.open})`);
  assert.ok(now.sockets <= baseline.sockets + 32, 'sockets within the client\'s connection limit');
  assert.ok(now.deletedFiles <= baseline.deletedFiles, 'no spool file held');
  for (let i = 0; i < 30 && (await records('fquitter')).length > 0; i++) await sleep(100);
  assert.deepEqual(await records('fquitter'), [], 'every intent was retired');
  assert.deepEqual(await listing('nest/fquitter/'), [], 'nothing reached the cloud');
});

test('a stalled upload is abandoned after the idle timeout: 408', async () => {
  const result = await stall(port, '/media/slow');
  assert.equal(result.status, 408);
  assert.equal(result.body.code, 'UPLOAD_IDLE');
  assert.ok(result.body.requestId);
});

test('multipart floods are refused by limits: 300,000 empty fields answer 413', async () => {
  const boundary = 'floodboundary';
  const res = await http().post('/media/stream').set('x-user', 'flooder').set('content-type', `multipart/form-data; boundary=${boundary}`).send(fieldFlood(300_000, boundary));
  assert.equal(res.status, 413);
  assert.equal(res.body.code, 'TOO_MANY_PARTS');
});

test('every error body cirrus answers with carries the request id: the client\'s x-request-id, else a fresh one', async () => {
  const refusals = [
    http().post('/media/stream').attach('file', makePng(4, 4), 'a.png'),
    http().post('/media/stream').set('x-user', 'dave').send({ a: 1 }),
    http().post('/media/stream').set('x-user', 'dave').attach('file', Buffer.from('just text'), 'fake.png'),
    http().post('/media/small').attach('file', makePng(100, 100, { noise: true }), 'big.png'),
    http().post('/cirrus/sign').send({}),
    http().post('/media/adopt').set('x-user', 'dave').send({ identifier: 'nonsense' }),
  ];
  for (const [i, pending] of refusals.entries()) {
    const res = await pending.set('x-request-id', `freq-${i}`);
    assert.ok(res.status >= 400, `${i}: ${res.status}`);
    assert.deepEqual([res.body.requestId, typeof res.body.code], [`freq-${i}`, 'string'], `${i}: ${JSON.stringify(res.body)}`);
  }
  const fresh = await http().post('/media/stream').attach('file', makePng(4, 4), 'a.png').expect(401);
  assert.match(fresh.body.requestId, /^[0-9a-f-]{36}$/);
  assert.ok((await http().post('/media/attach').send({ image: 'nonsense' }).expect(400)).body.requestId, 'pipes too');
});

test('server-side failures answer with a generic message and the request id; the details go to the log', async () => {
  const { Logger } = await import('@nestjs/common');
  const logged = [];
  const original = Logger.prototype.error;
  Logger.prototype.error = function capture(message) { logged.push(String(message)); };
  const saved = process.env.CLOUDINARY_URL;
  const failing = [];
  try {
    process.env.CLOUDINARY_URL = `cloudinary://${ACCOUNT.api_key}:${ACCOUNT.api_secret}@demo?upload_prefix=${encodeURIComponent('http://127.0.0.1:9')}`;
    failing.push(await createApp('sync', cirrus.SqliteRepository.open(':memory:'), undefined, fastify));
    process.env.CLOUDINARY_URL = saved;
    const db = cirrus.SqliteRepository.open(':memory:');
    const broken = new Proxy(db, { get: (t, k) => (k === 'insert' ? () => Promise.reject(new Error('password authentication failed for user "media_admin" at db.internal:5432')) : (typeof t[k] === 'function' ? t[k].bind(t) : t[k])) });
    failing.push(await createApp('sync', broken, undefined, fastify));
    const down = await request(failing[0].getHttpServer()).post('/media/stream').set('x-user', 'u').set('x-request-id', 'freq-down').attach('file', makePng(8, 8), 'a.png');
    const dbDown = await request(failing[1].getHttpServer()).post('/media/stream').set('x-user', 'u').attach('file', makePng(8, 8), 'a.png');
    for (const [label, res, secret] of [['unreachable', down, /127\.0\.0\.1|http:|refused|ECONN|:9\b/i], ['database', dbDown, /media_admin|db\.internal|5432|password/]]) {
      assert.ok(res.status >= 500, `${label}: ${res.status}`);
      assert.doesNotMatch(JSON.stringify(res.body), secret, `${label} leaks: ${JSON.stringify(res.body)}`);
      assert.ok(res.body.requestId && res.body.message.includes(res.body.requestId), label);
      assert.ok(logged.some((l) => l.includes(res.body.requestId)), `${label}: the detail is logged under the request id`);
    }
    assert.equal(down.body.requestId, 'freq-down', 'a client\'s x-request-id is kept');
  } finally {
    Logger.prototype.error = original;
    process.env.CLOUDINARY_URL = saved;
    for (const a of failing) await a.close();
  }
});

test('an app\'s own multipart parser is kept (registering a second would fail its startup), and uploads still stream', async () => {
  let kept = 0;
  // What main.ts does with @fastify/multipart: a root-level plugin adding a parser that leaves the body unread.
  const plugin = Object.assign(async (instance) => {
    instance.addContentTypeParser('multipart/form-data', (_req, _payload, done) => { kept++; done(null); });
  }, { [Symbol.for('skip-override')]: true });
  const app = await createApp('sync', cirrus.SqliteRepository.open(':memory:'), undefined, {
    ...fastify,
    configure: (a) => { a.getHttpAdapter().getInstance().register(plugin); },
  });
  try {
    const res = await request(app.getHttpServer()).post('/media/stream').set('x-user', 'owner').attach('file', makePng(6, 6), 'a.png').expect(201);
    assert.equal(res.body.length, 1);
    assert.equal(kept, 1, 'the app\'s parser ran');
  } finally {
    await app.close();
  }
});

test('registerCirrusMultipart is what lets multipart through: without it Fastify answers 415', async () => {
  const { registerCirrusMultipart } = await import('cirrus-nestjs');
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  const bare = new FastifyAdapter();
  bare.getInstance().post('/echo', async () => 'ok');
  const form = () => request(bare.getInstance().server).post('/echo').attach('file', makePng(2, 2), 'a.png');
  const withParser = new FastifyAdapter();
  withParser.getInstance().post('/echo', async () => 'ok');
  registerCirrusMultipart(withParser);
  registerCirrusMultipart(withParser); // once per instance, however often it is asked
  registerCirrusMultipart({ getType: () => 'express', getInstance: () => { throw new Error('Express needs nothing'); } });
  try {
    await bare.getInstance().ready();
    await withParser.getInstance().ready();
    assert.equal((await form()).status, 415);
    assert.equal((await request(withParser.getInstance().server).post('/echo').attach('file', makePng(2, 2), 'a.png')).status, 200);
  } finally {
    await bare.getInstance().close();
    await withParser.getInstance().close();
  }
});

test('CirrusFileInterceptor (multer) refuses to start on Fastify, naming what to use', async () => {
  await assert.rejects(createApp('sync', cirrus.SqliteRepository.open(':memory:'), undefined, { ...fastify, buffered: true }), /CirrusFileInterceptor\('file'\).*StreamingUpload/);
});
