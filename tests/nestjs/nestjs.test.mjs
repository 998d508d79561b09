// cirrus-nestjs in a NestJS 12 app against the emulator (supertest): module wiring both ways, streaming
// uploads (including 200 MB with memory sampled), validation, signing, identifier verification.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import request from 'supertest';
import { ACCOUNT, cloudinaryUrl, startEmulator } from '../shared/emulator.mjs';
import { makePng } from '../shared/png.mjs';
import { streamLarge } from './clients.mjs';
import { tempDir } from '../shared/temp.mjs';

const require = createRequire(import.meta.url);
const cirrus = require('../../npm/node');
let emulator;
let apps;

before(async () => {
  emulator = await startEmulator({ args: ['--quiet'] });
  process.env.CLOUDINARY_URL = cloudinaryUrl(emulator);
  const { createApp } = await import('./dist/app.js');
  const repository = await cirrus.SqliteRepository.open(':memory:');
  apps = { sync: await createApp('sync', repository), async: await createApp('async', repository) };
});
after(async () => {
  for (const app of Object.values(apps)) await app.close();
  await emulator.stop();
});

const http = (wiring = 'sync') => request(apps[wiring].getHttpServer());

test('wired with forRoot and with forRootAsync + ConfigService: each signature stores an intent bound to its public_id', async () => {
  for (const wiring of ['sync', 'async']) {
    const res = await http(wiring).post('/cirrus/sign').set('x-user', 'alice').send({ params: { tags: 'a', overwrite: true } }).expect(200);
    assert.match(res.body.public_id, /^nest\/alice\/[a-z0-9]{20}$/, wiring);
    assert.equal(res.body.overwrite, 0, 'a signature never overwrites');
    assert.equal(res.body.allowed_formats, 'jpg,png,gif,webp,avif,heic');
    assert.equal(res.body.cloud_name, 'demo');
    assert.equal(res.body.upload_url, `${emulator.url}/v1_1/demo/image/upload`);
    const { signature, api_key: apiKey, cloud_name: cloud, upload_url: url, resource_type: rt, record_id: id, ...signed } = res.body;
    assert.equal(signature, cirrus.apiSignRequest(signed, ACCOUNT.api_secret));
    assert.equal(apiKey, ACCOUNT.api_key);
    assert.ok(id, 'the pending record');
  }
});

test('a long or resumed upload names its record and is signed again for the same public_id; another user\'s or a finished one is 409', async () => {
  const { body: first } = await http().post('/cirrus/sign').set('x-user', 'dora').send({}).expect(200);
  const { body: again } = await http().post('/cirrus/sign').set('x-user', 'dora').send({ previous: first }).expect(200);
  assert.equal(again.public_id, first.public_id);
  assert.equal(again.record_id, first.record_id);
  const { signature, api_key: apiKey, cloud_name: cloud, upload_url: url, resource_type: rt, record_id: id, ...signed } = again;
  assert.equal(signature, cirrus.apiSignRequest(signed, ACCOUNT.api_secret));
  const stolen = await http().post('/cirrus/sign').set('x-user', 'eve').send({ previous: { record_id: first.record_id } }).expect(409);
  assert.equal(stolen.body.code, 'INTENT_EXPIRED');
  // The renewed signature uploads; once adopted, the record cannot be signed again.
  const result = await browserUpload(again, makePng(10, 10));
  await http().post('/media/adopt').set('x-user', 'dora').send({ identifier: identifierOf(result) }).expect(201);
  assert.equal((await http().post('/cirrus/sign').set('x-user', 'dora').send({ previous: { record_id: first.record_id } }).expect(409)).body.code, 'INTENT_EXPIRED');
});

test('a page cancels an intent it will not use: its record ends; another user\'s is 404; plain signing has none to cancel', async () => {
  const { body: unused } = await http().post('/cirrus/sign').set('x-user', 'fred').send({}).expect(200);
  assert.equal((await http().post('/cirrus/sign').set('x-user', 'eve').send({ cancel: unused.record_id }).expect(404)).body.code, 'NOT_FOUND');
  assert.deepEqual((await http().post('/cirrus/sign').set('x-user', 'fred').send({ cancel: unused.record_id }).expect(200)).body, { cancelled: true });
  assert.equal((await http().post('/cirrus/sign').set('x-user', 'fred').send({ previous: { record_id: unused.record_id } }).expect(409)).body.code, 'INTENT_EXPIRED');
  assert.equal((await http().post('/cirrus/sign-plain').set('x-user', 'fred').send({ cancel: 1 }).expect(400)).body.code, 'INVALID_ARGUMENT');
  await http().post('/cirrus/sign').send({ cancel: unused.record_id }).expect(401);
});

test('plain signing: the widget\'s timestamp is used when recent; anonymous users get 401', async () => {
  const res = await http().post('/cirrus/sign-plain').set('x-user', 'alice').send({ params: { tags: 'a', overwrite: true } }).expect(200);
  assert.equal(res.body.folder, 'direct/alice');
  assert.equal(res.body.overwrite, undefined, 'only whitelisted params are signed');
  const sent = Math.floor(Date.now() / 1000) - 60;
  assert.equal((await http().post('/cirrus/sign-plain').set('x-user', 'bob').send({ timestamp: sent }).expect(200)).body.timestamp, sent);
  const stale = sent - 7200;
  assert.notEqual((await http().post('/cirrus/sign-plain').set('x-user', 'bob').send({ timestamp: stale }).expect(200)).body.timestamp, stale);
  for (const path of ['/cirrus/sign', '/cirrus/sign-plain']) {
    const denied = await http().post(path).send({}).expect(401);
    assert.equal(denied.body.code, 'SIGN_IN_REQUIRED');
  }
});

/** Uploads a file with a signing answer as a browser would; returns Cloudinary's answer. */
async function browserUpload(fields, bytes, name = 'x.png') {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) if (!['upload_url', 'cloud_name', 'resource_type', 'record_id'].includes(k)) form.append(k, String(v));
  form.append('file', new Blob([bytes]), name);
  return (await fetch(fields.upload_url, { method: 'POST', body: form })).json();
}

const identifierOf = (r) => `${r.resource_type}/${r.type}/v${r.version}/${r.public_id}.${r.format}#${r.signature}`;

test('a direct upload is adopted into a committed record; the identifier pipe accepts it; tampering is 400', async () => {
  const { body: fields } = await http().post('/cirrus/sign').set('x-user', 'carol').send({}).expect(200);
  const result = await browserUpload(fields, makePng(12, 9));
  const identifier = identifierOf(result);
  const adopted = await http().post('/media/adopt').set('x-user', 'carol').send({ identifier }).expect(201);
  assert.deepEqual([adopted.body.public_id, adopted.body.state, adopted.body.width], [fields.public_id, 'committed', 12]);
  assert.equal((await http().post('/media/adopt').set('x-user', 'mallory').send({ identifier }).expect(400)).body.code, 'IDENTIFIER_NOT_ALLOWED');
  const ok = await http().post('/media/attach').send({ image: identifier }).expect(201);
  assert.equal(ok.body.identifier, identifier.split('#')[0]);
  assert.equal(ok.body.public_id, result.public_id);
  const tampered = await http().post('/media/attach').send({ image: identifier.replace('/v', '/v9') }).expect(400);
  assert.equal(tampered.body.code, 'INVALID_SIGNATURE');
  assert.equal((await http().post('/media/attach').send({ image: 'nonsense' }).expect(400)).body.code, 'INVALID_IDENTIFIER');
  const pdf = identifier.replace('.png#', '.pdf#');
  assert.equal((await http().post('/media/attach').send({ image: pdf }).expect(400)).body.code, 'IDENTIFIER_NOT_ALLOWED');
});

test('cleanup as a BullMQ repeatable job: two replicas, one Redis, one database; every expired record swept exactly once', async () => {
  const { startRedis } = await import('../shared/servers.mjs');
  const { join } = await import('node:path');
  const { CirrusCleanup } = await import('cirrus-nestjs');
  const redis = await startRedis();
  const db = join(tempDir('cirrus-nest-cleanup-'), 'media.db');
  const { createApp } = await import('./dist/app.js');
  const cleanup = { intervalMs: 200, queue: { connection: { host: redis.host, port: redis.port }, name: `cleanup-${process.pid}` } };
  const replicas = [await createApp('sync', cirrus.SqliteRepository.open(db), cleanup), await createApp('sync', cirrus.SqliteRepository.open(db), cleanup)];
  try {
    // Twelve direct uploads signed and uploaded but never adopted (a closed tab): their intents expire.
    const http0 = request(replicas[0].getHttpServer());
    for (let i = 0; i < 12; i++) {
      const { body: fields } = await http0.post('/cirrus/sign').set('x-user', 'erin').send({}).expect(200);
      if (i % 2 === 0) await browserUpload(fields, makePng(10 + i, 10));
    }
    const repo = cirrus.SqliteRepository.open(db);
    // Fast-forward: their leases and signatures end now (the default lease of a direct upload is two
    // hours, its signature's life 70 minutes: a record is kept while a signature given for it runs).
    const past = new Date(Date.now() - 1).toISOString();
    for (const r of (await repo.list({ ownerId: 'erin', state: 'pending', limit: 100 })).items) {
      await repo.update(r.id, 'pending', { leaseUntil: past, signedUntil: past });
    }
    const deadline = Date.now() + 15000;
    let left;
    do {
      await new Promise((r) => setTimeout(r, 200));
      left = (await repo.list({ deleted: 'include', limit: 100, ownerId: 'erin' })).items.length;
    } while (left > 0 && Date.now() < deadline);
    assert.equal(left, 0, `the scheduled sweeps finished every expired intent: ${JSON.stringify(replicas.flatMap((app) => app.get(CirrusCleanup).runs).slice(-4))}`);
    const runs = replicas.flatMap((app) => app.get(CirrusCleanup).runs);
    const finished = runs.reduce((n, r) => n + (r.result?.finished ?? 0), 0);
    assert.equal(finished, 12, 'each record was finished by exactly one run');
    assert.ok(runs.every((r) => !r.error), JSON.stringify(runs.filter((r) => r.error)));
    const listing = await (await fetch(`${emulator.url}/v1_1/demo/resources/image/upload?prefix=nest/erin/&max_results=100`, { headers: { authorization: `Basic ${Buffer.from(`${ACCOUNT.api_key}:${ACCOUNT.api_secret}`).toString('base64')}` } })).json();
    assert.deepEqual(listing.resources, [], 'the six uploaded assets were destroyed');
  } finally {
    for (const app of replicas) await app.close();
    await redis.stop();
  }
});

test('the validation pipe sniffs content: a lying mimetype is 415', async () => {
  const ok = await http().post('/media/validate').attach('file', makePng(5, 5), { filename: 'a.png', contentType: 'image/png' }).expect(201);
  assert.deepEqual(ok.body, { format: 'png', claimed: 'image/png' });
  const lie = await http().post('/media/validate').attach('file', Buffer.from('<?php system($_GET[1]);'), { filename: 'a.png', contentType: 'image/png' }).expect(415);
  assert.equal(lie.body.code, 'UNSUPPORTED_TYPE');
  assert.equal((await http().post('/media/validate').expect(400)).body.code, 'MISSING_FILE');
});

test('every error body cirrus answers with carries the request id: the client\'s x-request-id, else a fresh one', async () => {
  const refusals = [
    // StreamingUpload: anonymous, then a body that is no form
    http().post('/media/stream').attach('file', makePng(4, 4), 'a.png'),
    http().post('/media/stream').set('x-user', 'dave').send({ a: 1 }),
    // multer's own refusal, passed through CirrusFileInterceptor: a file in another field
    http().post('/media/validate').attach('other', makePng(4, 4), 'a.png'),
    // the signing controller, and a route's toHttpException
    http().post('/cirrus/sign').send({}),
    http().post('/media/adopt').set('x-user', 'dave').send({ identifier: 'nonsense' }),
  ];
  for (const [i, pending] of refusals.entries()) {
    const res = await pending.set('x-request-id', `req-${i}`);
    assert.ok(res.status >= 400, `${i}: ${res.status}`);
    assert.equal(res.body.requestId, `req-${i}`, `${i}: ${JSON.stringify(res.body)}`);
    assert.match(res.body.code, /^[A-Z_]+$/, `${i}: ${JSON.stringify(res.body)}`);
  }
  const unexpected = await http().post('/media/validate').attach('other', makePng(4, 4), 'a.png').expect(400);
  assert.equal(unexpected.body.code, 'MISSING_FILE', 'multer\'s 400 is coded');
  assert.match(unexpected.body.requestId, /^[0-9a-f-]{36}$/, 'a fresh id when the client sends none');
  // A pipe sees the value, not the request: its body carries an id too (a fresh one, README: Errors).
  const pipe = await http().post('/media/attach').send({ image: 'nonsense' }).expect(400);
  assert.ok(pipe.body.requestId, JSON.stringify(pipe.body));
  // An app's own HttpException passed through toHttpException gets the id and keeps the rest.
  const { toHttpException } = await import('cirrus-nestjs');
  const { BadRequestException } = await import('@nestjs/common');
  const given = toHttpException(new BadRequestException('no such album'), { headers: { 'x-request-id': 'req-app' } });
  assert.deepEqual([given.getStatus(), given.getResponse()], [400, { statusCode: 400, message: 'no such album', error: 'Bad Request', requestId: 'req-app' }]);
  const plain = toHttpException(new BadRequestException('x'));
  assert.match(plain.getResponse().requestId, /^[0-9a-f-]{36}$/);
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
  const server = apps.sync.getHttpServer();
  if (!server.listening) await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const total = 200 * 1024 * 1024;
  const sent = await streamLarge(server.address().port, '/media/raw', total);
  console.log(`nestjs 200 MB streaming upload: ${sent.seconds.toFixed(2)} s, process RSS ${(sent.base / 1e6).toFixed(0)} MB before, peak ${(sent.peak / 1e6).toFixed(0)} MB (the test process holds the client, the Nest app and the addon)`);
  assert.equal(sent.status, 201, JSON.stringify(sent.json));
  assert.deepEqual(sent.json, [{ bytes: total, etag: sent.md5 }]);
  assert.ok(sent.peak - sent.base < 150 * 1024 * 1024, `memory grew by ${((sent.peak - sent.base) / 1e6).toFixed(0)} MB`);
});

test('CommonJS apps (NestJS 10/11) can require the package', async () => {
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, ['-e', "const m = require('cirrus-nestjs'); console.log(typeof m.CirrusModule, typeof m.StreamingUpload)"], { encoding: 'utf8', cwd: new URL('../..', import.meta.url).pathname });
  assert.equal(r.stdout.trim(), 'function function', r.stderr);
});
