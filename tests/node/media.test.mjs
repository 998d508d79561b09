// MediaService with the embedded SQLite repository against the emulator. Every failure path ends with zero
// orphans, counted by comparing the emulator's Admin API listing (by the service's tag) with the repository.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ACCOUNT, basicAuth, startEmulator } from '../shared/emulator.mjs';
import { makePng } from '../shared/png.mjs';

const require = createRequire(import.meta.url);
const { Cloudinary, MediaService, SqliteRepository } = require('../../npm/node');
let emulator;
let client;
const dir = mkdtempSync(join(tmpdir(), 'cirrus-media-'));

before(async () => {
  emulator = await startEmulator({ args: ['--quiet'] });
  client = new Cloudinary({ ...ACCOUNT, upload_prefix: emulator.url });
});
after(() => emulator.stop());

const setFaults = (rules) => fetch(`${emulator.url}/__emulator/faults`, {
  method: 'PUT', headers: { authorization: basicAuth(), 'content-type': 'application/json' }, body: JSON.stringify(rules),
});

async function cloudIds(tag) {
  const res = await fetch(`${emulator.url}/v1_1/demo/resources/image/tags/${tag}?max_results=500`, { headers: { authorization: basicAuth() } });
  return (await res.json()).resources.map((r) => r.public_id).sort();
}

async function orphans(service, repo, tag) {
  const cloud = await cloudIds(tag);
  const records = (await repo.list({})).map((r) => r.public_id).sort();
  return { cloudOnly: cloud.filter((id) => !records.includes(id)), recordOnly: records.filter((id) => !cloud.includes(id)), cloud, records };
}

async function fresh(tag, options = {}, wrap = (r) => r) {
  const repo = await SqliteRepository.open(join(dir, `${tag}.db`));
  const service = new MediaService(client, wrap(repo), { tag, folder: tag, reconcileGrace: 0, uploadDefaults: { retries: 0 }, ...options });
  return { repo, service };
}

const png = (w = 8, h = 8) => makePng(w, h, { seed: w });

test('createOne from every file shape; records carry the metadata; SQLite persists', async () => {
  const { repo, service } = await fresh('shapes', { presets: { thumbnail: { width: 32, height: 32, crop: 'fill' }, optimized: 'f_auto,q_auto' } });
  const path = join(dir, 'photo.png');
  writeFileSync(path, png(40, 30));
  const files = [path, png(12, 6), { buffer: png(20, 10), originalname: 'a.png', mimetype: 'image/png', size: 123 },
    { path, originalname: 'b.png', mimetype: 'image/png' }, Readable.from([png(14, 7)])];
  const records = [];
  for (const f of files) records.push(await service.createOne(f, 'alice'));
  for (const key of ['id', 'public_id', 'resource_type', 'type', 'version', 'format', 'bytes', 'width', 'height', 'secure_url', 'ownerId', 'original_filename', 'mimeType', 'createdAt']) {
    assert.ok(records.every((r) => r[key] !== null && r[key] !== undefined), key);
  }
  assert.deepEqual(records.map((r) => [r.width, r.height]), [[40, 30], [12, 6], [20, 10], [40, 30], [14, 7]]);
  assert.equal(records[2].original_filename, 'a.png');
  assert.match(records[0].urls.thumbnail, /c_fill,h_32,w_32/);
  assert.match(records[0].urls.optimized, /f_auto,q_auto/);
  const reopened = await SqliteRepository.open(join(dir, 'shapes.db'));
  assert.equal((await reopened.list({})).length, 5);
  assert.deepEqual((await orphans(service, repo, 'shapes')).cloudOnly, []);
});

test('validation by content before any byte leaves: coded errors', async () => {
  const { repo, service } = await fresh('validation', { maxBytes: 2000 });
  const cases = [
    [{ buffer: Buffer.from('#!/bin/sh\nrm -rf /'), originalname: 'cat.png', mimetype: 'image/png' }, 'alice', 'UNSUPPORTED_TYPE'],
    [Buffer.alloc(0), 'alice', 'EMPTY_FILE'],
    [makePng(100, 100, { noise: true }), 'alice', 'FILE_TOO_LARGE'],
    [png(), '', 'MISSING_OWNER'],
    [null, 'alice', 'MISSING_FILE'],
  ];
  for (const [file, owner, code] of cases) await assert.rejects(service.createOne(file, owner), { code });
  assert.deepEqual(await cloudIds('validation'), []);
  assert.deepEqual(await repo.list({}), []);
});

test('owner-scoped remove; soft delete, restore, purge; idempotency keys', async () => {
  const { repo, service } = await fresh('lifecycle');
  const a = await service.createOne(png(), 'alice');
  await assert.rejects(service.remove(a.id, 'mallory'), { code: 'NOT_FOUND' });
  assert.equal((await cloudIds('lifecycle')).length, 1, 'nothing touched');
  assert.ok((await service.softRemove(a.id, 'alice')).deletedAt);
  assert.equal((await service.restore(a.id, 'alice')).deletedAt, null);
  await service.softRemove(a.id, 'alice');
  assert.equal((await service.purge({ olderThan: new Date(Date.now() + 60_000) })).purged.length, 1);
  const [x, y] = await Promise.all([service.createOne(png(), 'bob', { idempotencyKey: 'k1' }), service.createOne(png(), 'bob', { idempotencyKey: 'k1' })]);
  assert.equal(x.id, y.id);
  assert.equal((await service.createOne(png(), 'bob', { idempotencyKey: 'k1' })).id, x.id);
  const b = await service.createOne(png(), 'bob');
  await service.remove(b.id, 'bob');
  // An asset already missing in the cloud does not block removing its record.
  const c = await service.createOne(png(), 'bob');
  await client.destroy(c.public_id);
  assert.equal((await service.remove(c.id, 'bob')).public_id, c.public_id);
  const o = await orphans(service, repo, 'lifecycle');
  assert.deepEqual([o.cloudOnly, o.recordOnly, o.records.length], [[], [], 1]);
});

test('fault matrix: every failure ends with zero orphans', async () => {
  let failCreate = false;
  let failRemove = false;
  const { repo, service } = await fresh('faults', {}, (r) => ({
    create: (rec) => (failCreate ? Promise.reject(new Error('db down')) : r.create(rec)),
    findOne: (q) => r.findOne(q),
    remove: (id) => (failRemove ? Promise.reject(new Error('db down')) : r.remove(id)),
    update: (id, p) => r.update(id, p),
    list: (q) => r.list(q),
  }));
  const check = async (label) => {
    const o = await orphans(service, repo, 'faults');
    assert.deepEqual([o.cloudOnly, o.recordOnly], [[], []], label);
    return o;
  };
  // 1. The upload fails: nothing anywhere.
  await setFaults({ upload: { error_500: 1 } });
  await assert.rejects(service.createOne(png(), 'alice'), { code: 'UPLOAD_FAILED', http_code: 500 });
  await setFaults({});
  await check('upload fails');
  // 2. create fails: the asset is deleted again.
  failCreate = true;
  await assert.rejects(service.createOne(png(), 'alice'), (e) => e.code === 'REPOSITORY_FAILED' && /deleted again/.test(e.message));
  await check('create fails');
  // 3. create fails and the compensating delete fails: remembered; reconcile deletes it.
  await setFaults({ destroy: { error_500: 1 } });
  await assert.rejects(service.createOne(png(), 'alice'), (e) => /reconcile/.test(e.message));
  failCreate = false;
  await setFaults({});
  assert.equal(service.pendingCleanup().length, 1);
  assert.equal((await orphans(service, repo, 'faults')).cloudOnly.length, 1);
  await service.reconcile();
  await check('compensating delete fails');
  // 4. The cloud delete fails during remove: nothing removed, both sides still agree.
  const kept = await service.createOne(png(), 'alice');
  await setFaults({ destroy: { error_500: 1 } });
  await assert.rejects(service.remove(kept.id, 'alice'), { http_code: 500 });
  await setFaults({});
  assert.equal((await check('cloud delete fails')).records.length, 1);
  // 5. The record removal fails after the cloud delete: reconcile removes the record.
  failRemove = true;
  await assert.rejects(service.remove(kept.id, 'alice'), { code: 'REPOSITORY_FAILED' });
  failRemove = false;
  assert.equal((await orphans(service, repo, 'faults')).recordOnly.length, 1);
  const report = await service.reconcile();
  assert.deepEqual(report.removedRecords, [kept.public_id]);
  await check('remove fails');
});

test('killed in the middle of a batch: reconcile leaves zero orphans', async () => {
  const db = join(dir, 'killed.db');
  const script = `
    const { Cloudinary, MediaService, SqliteRepository } = require(${JSON.stringify(require.resolve('../../npm/node'))});
    (async () => {
      const { makePng } = await import(${JSON.stringify(new URL('../shared/png.mjs', import.meta.url).href)});
      const sqlite = await SqliteRepository.open(${JSON.stringify(db)});
      // A slow database: uploads are confirmed before their records exist, so a kill leaves orphans.
      const repo = { ...Object.fromEntries(['findOne', 'remove', 'update', 'list'].map((m) => [m, (...a) => sqlite[m](...a)])),
        create: (r) => new Promise((ok) => setTimeout(ok, 150)).then(() => sqlite.create(r)) };
      const service = new MediaService(new Cloudinary(${JSON.stringify({ ...ACCOUNT, upload_prefix: emulator.url })}), repo, { tag: 'killed', folder: 'killed' });
      const files = Array.from({ length: 300 }, (_, i) => makePng(20 + (i % 50), 20, { seed: i }));
      let done = 0;
      await Promise.all(Array.from({ length: 8 }, async (_, w) => {
        for (let i = w; i < files.length; i += 8) { await service.createOne(files[i], 'alice'); if (++done === 40) console.log('ready'); }
      }));
    })();`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve) => child.stdout.on('data', (d) => String(d).includes('ready') && resolve()));
  child.kill('SIGKILL');
  await new Promise((r) => child.on('exit', r));
  const repo = await SqliteRepository.open(db);
  const service = new MediaService(client, repo, { tag: 'killed', folder: 'killed', reconcileGrace: 0 });
  const before = await orphans(service, repo, 'killed');
  const report = await service.reconcile();
  const afterwards = await orphans(service, repo, 'killed');
  console.log(`killed batch: ${before.records.length} records, ${before.cloud.length} assets before reconcile; deleted ${report.deletedAssets.length} orphan assets, removed ${report.removedRecords.length} orphan records`);
  assert.ok(before.records.length >= 40);
  assert.ok(before.cloudOnly.length > 0, 'the kill left uploads without records');
  assert.deepEqual([afterwards.cloudOnly, afterwards.recordOnly], [[], []]);
});

test('adopt: a direct browser upload is recorded from its signed identifier, within the owner\'s folder only', async () => {
  const { repo, service } = await fresh('adopt');
  const params = client.signRequest({ timestamp: Math.floor(Date.now() / 1000), folder: 'direct/alice', tags: 'adopt' });
  const form = new FormData();
  for (const [k, v] of Object.entries(params)) form.append(k, String(v));
  form.append('file', new Blob([png(21, 12)]), 'mine.png');
  const result = await (await fetch(`${emulator.url}/v1_1/demo/image/upload`, { method: 'POST', body: form })).json();
  const identifier = `image/upload/v${result.version}/${result.public_id}.png#${result.signature}`;
  await assert.rejects(service.adopt(identifier, 'mallory', { requiredPrefix: 'direct/mallory/' }), { code: 'IDENTIFIER_NOT_ALLOWED' });
  await assert.rejects(service.adopt(identifier.slice(0, -1) + (identifier.endsWith('0') ? '1' : '0'), 'alice', { requiredPrefix: 'direct/alice/' }), { code: 'INVALID_SIGNATURE' });
  const record = await service.adopt(identifier, 'alice', { requiredPrefix: 'direct/alice/' });
  assert.deepEqual([record.public_id, record.width, record.height, record.ownerId, record.mimeType], [result.public_id, 21, 12, 'alice', 'image/png']);
  assert.equal((await service.adopt(identifier, 'alice', { requiredPrefix: 'direct/alice/' })).id, record.id, 'repeating returns the same record');
  assert.equal((await repo.list({})).length, 1);
});

test('a repository that does not answer times out, and the upload is compensated', async () => {
  const { repo, service } = await fresh('timeout', { repositoryTimeout: 200 }, (r) => ({
    create: () => new Promise(() => {}), findOne: (q) => r.findOne(q), remove: (id) => r.remove(id), list: (q) => r.list(q),
  }));
  await assert.rejects(service.createOne(png(), 'alice'), (e) => e.code === 'REPOSITORY_TIMEOUT' && /deleted again/.test(e.message));
  assert.deepEqual(await cloudIds('timeout'), []);
  await assert.rejects(service.softRemove(1, 'alice'), { code: 'NOT_FOUND' });
  assert.equal((await repo.list({})).length, 0);
});

test('a batch of 500 files at concurrency 8: one result per file, in order', async () => {
  const { repo, service } = await fresh('batch');
  const files = Array.from({ length: 500 }, (_, i) => makePng(16 + (i % 32), 16, { seed: i }));
  files[7] = Buffer.from('not an image');
  const started = performance.now();
  const results = await service.createMany(files, 'alice', { concurrency: 8 });
  const seconds = (performance.now() - started) / 1000;
  console.log(`batch: 500 files at concurrency 8 in ${seconds.toFixed(2)} s, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MB`);
  assert.equal(results.length, 500);
  assert.equal(results[7].error.code, 'UNSUPPORTED_TYPE');
  assert.equal(results.filter((r) => r.ok).length, 499);
  assert.deepEqual(results.filter((r) => r.ok).slice(0, 3).map((r) => r.record.width), [16, 17, 18]);
  const o = await orphans(service, repo, 'batch');
  assert.deepEqual([o.cloudOnly, o.recordOnly, o.records.length], [[], [], 499]);
});
