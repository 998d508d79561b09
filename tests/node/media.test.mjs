// MediaService from Node with the embedded SQLite repository (real files) against the emulator. Every path
// ends with the cloud and the repository in agreement, counted from the emulator's Admin API listing of
// the service's folder and the repository's records: failures after the server stored something, a
// repository going down after the upload, a process killed with SIGKILL in the middle of a batch.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { ACCOUNT, basicAuth, startEmulator } from '../shared/emulator.mjs';
import { makePng } from '../shared/png.mjs';
import { tempDir } from '../shared/temp.mjs';

const require = createRequire(import.meta.url);
const { Cloudinary, MediaService, SqliteRepository } = require('../../npm/node');
let emulator;
let client;
const dir = tempDir('cirrus-media-');

before(async () => {
  emulator = await startEmulator({ args: ['--quiet'] });
  client = new Cloudinary({ ...ACCOUNT, upload_prefix: emulator.url });
});
after(() => emulator.stop());

const setFaults = (rules) => fetch(`${emulator.url}/__emulator/faults`, {
  method: 'PUT', headers: { authorization: basicAuth(), 'content-type': 'application/json' }, body: JSON.stringify(rules),
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Public ids under `folder/` in the cloud (every page). */
async function cloudIds(folder) {
  const ids = [];
  let cursor = '';
  do {
    const res = await fetch(`${emulator.url}/v1_1/demo/resources/image/upload?prefix=${folder}/&max_results=500${cursor && `&next_cursor=${cursor}`}`, { headers: { authorization: basicAuth() } });
    const page = await res.json();
    ids.push(...page.resources.map((r) => r.public_id));
    cursor = page.next_cursor ?? '';
  } while (cursor);
  return ids.sort();
}

/** Every record of a repository, any state. */
async function allRecords(repo) {
  const out = [];
  let after;
  do {
    const page = await repo.list({ deleted: 'include', after, limit: 1000 });
    out.push(...page.items);
    after = page.next ?? undefined;
  } while (after);
  return out;
}

/** Both sides: assets without a record, committed records without an asset, records not committed. */
async function agreement(repo, folder) {
  const cloud = await cloudIds(folder);
  const records = await allRecords(repo);
  const committed = records.filter((r) => r.state === 'committed').map((r) => r.public_id).sort();
  const named = new Set(records.map((r) => r.public_id));
  return {
    cloud,
    committed,
    unfinished: records.filter((r) => r.state !== 'committed').length,
    orphans: cloud.filter((id) => !named.has(id)),
    dangling: committed.filter((id) => !cloud.includes(id)),
  };
}

function fresh(folder, options = {}, wrap = (r) => r) {
  const repo = SqliteRepository.open(join(dir, `${folder}.db`));
  const service = new MediaService(client, wrap(repo), { folder, reconcileGrace: 0, uploadDefaults: { retries: 0 }, ...options });
  return { repo, service };
}

/** The repository contract's methods of `repo`, with `overrides` in front (a failing database, a slow one). */
function wrapped(repo, overrides) {
  const methods = Object.fromEntries(['insert', 'get', 'findByPublicId', 'list', 'update', 'delete', 'claim'].map((m) => [m, (...a) => repo[m](...a)]));
  return { ...methods, ...overrides(repo) };
}

const png = (w = 8, h = 8) => makePng(w, h, { seed: w * 31 + h });

test('createOne from every file shape; records carry the metadata and URLs; SQLite persists', async () => {
  const { service } = fresh('shapes', { presets: { thumbnail: { width: 32, height: 32, crop: 'fill' }, optimized: 'f_auto,q_auto' } });
  const path = join(dir, 'photo.png');
  writeFileSync(path, png(40, 30));
  const files = [{ path }, png(12, 6), { buffer: png(20, 10), originalname: 'a.png', mimetype: 'image/png', size: 123 },
    { path, originalname: 'b.png', mimetype: 'image/png' }, Readable.from([png(14, 7)])];
  const records = [];
  for (const f of files) records.push(await service.createOne(f, 'alice'));
  for (const key of ['id', 'public_id', 'resource_type', 'type', 'version', 'format', 'bytes', 'width', 'height', 'secure_url', 'ownerId', 'mimeType', 'createdAt', 'updatedAt']) {
    assert.ok(records.every((r) => r[key] !== null && r[key] !== undefined), key);
  }
  assert.ok(records.every((r) => r.state === 'committed' && r.public_id.startsWith('shapes/alice/')));
  assert.deepEqual(records.map((r) => [r.width, r.height]), [[40, 30], [12, 6], [20, 10], [40, 30], [14, 7]]);
  assert.deepEqual(records.map((r) => r.original_filename), ['photo.png', null, 'a.png', 'b.png', null], 'the client\'s name when it gave one');
  assert.match(records[0].urls.thumbnail, /c_fill,h_32,w_32/);
  assert.match(records[0].urls.optimized, /f_auto,q_auto/);
  // The same file, opened again (as after a restart): records and URLs are read back, URLs built now.
  const again = new MediaService(client, SqliteRepository.open(join(dir, 'shapes.db')), { folder: 'shapes', urlOptions: { secure: false, cname: 'cdn.example.com' } });
  const page = await again.list('alice');
  assert.equal(page.items.length, 5);
  assert.match(page.items[0].secure_url, /^http:\/\/cdn\.example\.com\/demo\/image\/upload\/v\d+\/shapes\/alice\//);
  assert.equal((await again.get(records[1].id, 'alice')).width, 12);
});

test('validation before any byte leaves: coded errors; a path is checked on disk; strings are not paths', async () => {
  const { repo, service } = fresh('validation', { maxBytes: 2000 });
  const big = join(dir, 'big.png');
  writeFileSync(big, makePng(100, 100, { noise: true }));
  const cases = [
    [{ buffer: Buffer.from('#!/bin/sh\nrm -rf /'), originalname: 'cat.png', mimetype: 'image/png' }, 'alice', 'UNSUPPORTED_TYPE'],
    [Buffer.alloc(0), 'alice', 'EMPTY_FILE'],
    [makePng(100, 100, { noise: true }), 'alice', 'FILE_TOO_LARGE'],
    [{ path: big, size: 10 }, 'alice', 'FILE_TOO_LARGE'],
    [Readable.from([makePng(100, 100, { noise: true })]), 'alice', 'FILE_TOO_LARGE'],
    ['/etc/passwd', 'alice', 'INVALID_ARGUMENT'],
    [png(), '', 'MISSING_OWNER'],
    [png(), 'ali\nce', 'INVALID_ARGUMENT'],
    [null, 'alice', 'MISSING_FILE'],
  ];
  for (const [file, owner, code] of cases) await assert.rejects(service.createOne(file, owner), { code });
  await assert.rejects(service.createOne(png(), 'alice', { public_id: 'validation/bob/avatar' }), { code: 'INVALID_OPTION' });
  // Options that would store assets somewhere the records do not say, or never match, are refused.
  for (const options of [
    { uploadDefaults: { upload_preset: 'team' } }, { uploadDefaults: { public_id_prefix: 'x' } },
    { uploadDefaults: { use_asset_folder_as_public_id_prefix: true } }, { directResourceType: 'gif' },
  ]) {
    assert.throws(() => new MediaService(client, repo, options), { code: 'INVALID_OPTION' }, JSON.stringify(options));
  }
  await assert.rejects(service.signDirectUpload('ali\u0000ce'), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(service.signDirectUpload('alice', { recordID: 1 }), { code: 'INVALID_OPTION', message: /recordID/ });
  // Formats in the spelling Cloudinary reports (JPEG files are `jpg`).
  const formats = fresh('formats', { allowedFormats: ['JPEG', 'png', 'tif', 'jpg'], directResourceType: 'auto' });
  const signed = await formats.service.signDirectUpload('alice');
  assert.equal(signed.allowed_formats, 'jpg,png,tiff');
  // `auto` is read as `image`: the record names its resource type before the upload, which goes there.
  assert.equal(signed.resource_type, 'image');
  assert.match(signed.upload_url, /\/image\/upload$/);
  assert.deepEqual(await cloudIds('validation'), []);
  assert.deepEqual(await allRecords(repo), []);
});

test('owners are folders: an owner id cannot reach another owner\'s assets', async () => {
  const { service } = fresh('owners');
  const a = await service.createOne(png(), 'alice');
  const b = await service.createOne(png(), 'alice/../bob');
  assert.match(a.public_id, /^owners\/alice\/[a-z0-9]{20}$/);
  assert.match(b.public_id, /^owners\/alice_2F_2E_2E_2Fbob\/[a-z0-9]{20}$/);
  assert.equal(service.ownerFolder('a/b'), 'owners/a_2Fb');
  await assert.rejects(service.remove(a.id, 'alice/../bob'), { code: 'NOT_FOUND' });
  await assert.rejects(service.get(b.id, 'alice'), { code: 'NOT_FOUND' });
});

test('owner-scoped remove; soft delete, restore, purge; idempotency keys; listing pages', async () => {
  const { repo, service } = fresh('lifecycle');
  const a = await service.createOne(png(), 'alice');
  await assert.rejects(service.remove(a.id, 'mallory'), { code: 'NOT_FOUND' });
  assert.equal((await cloudIds('lifecycle')).length, 1, 'nothing touched');
  assert.ok((await service.softRemove(a.id, 'alice')).deletedAt);
  assert.equal((await service.list('alice')).items.length, 0);
  assert.equal((await service.list('alice', { deleted: 'only' })).items.length, 1);
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
  for (let i = 0; i < 4; i++) await service.createOne(png(9 + i, 9), 'bob');
  const first = await service.list('bob', { limit: 3 });
  const second = await service.list('bob', { limit: 3, after: first.next });
  assert.deepEqual([first.items.length, second.items.length, second.next], [3, 2, null]);
  const o = await agreement(repo, 'lifecycle');
  assert.deepEqual([o.orphans, o.dangling, o.unfinished, o.committed.length], [[], [], 0, 5]);
});

test('fault matrix: store-then-fail answers, a database down after the upload, a failing destroy; sweep finishes each', async () => {
  let failUpdates = false;
  // 40% of attempts fail after storing: 12 retries make a call that runs out of them (0.4^13 each) rare
  // enough; with 6 one run in ~60 failed on that alone.
  const { repo, service } = fresh('faults', { pendingTtl: 400, uploadDefaults: { retries: 12, retry_delay: 5, timeout: 700 } }, (r) => wrapped(r, (inner) => ({
    update: (...a) => (failUpdates ? Promise.reject(new Error('connection to db.internal:5432 refused')) : inner.update(...a)),
  })));
  const check = async (label, committed) => {
    const o = await agreement(repo, 'faults');
    assert.deepEqual([o.orphans, o.dangling, o.unfinished, o.committed.length], [[], [], 0, committed], label);
  };
  // 1. The server stores every upload and then the answer is lost: retries land on the same asset.
  await setFaults({ upload: { after_500: 0.15, after_reset: 0.15, after_timeout: 0.1, hang_ms: 1200 } });
  const records = [];
  for (let i = 0; i < 10; i++) records.push(await service.createOne(png(20 + i, 8), 'alice'));
  await setFaults({});
  await check('answers lost after storing', 10);
  // 2. The upload is refused for good: the intent is retired, nothing anywhere.
  await setFaults({ upload: { error_500: 1 } });
  await assert.rejects(service.createOne(png(), 'alice'), { code: 'UPLOAD_FAILED' });
  await setFaults({});
  await check('upload fails', 10);
  // 3. The database goes down after the upload: the record stays pending, naming the asset.
  failUpdates = true;
  await assert.rejects(service.createOne(png(31, 31), 'alice'), { code: 'REPOSITORY_FAILED' });
  failUpdates = false;
  const stuck = await agreement(repo, 'faults');
  assert.deepEqual([stuck.orphans, stuck.unfinished], [[], 1], 'the pending record names the uploaded asset');
  await sleep(500);
  assert.equal((await service.sweep()).finished, 1);
  await check('database down after upload, then swept', 10);
  // 4. The cloud delete fails during remove: the record is hidden, then the sweeper finishes it.
  await setFaults({ destroy: { error_500: 1 } });
  await assert.rejects(service.remove(records[0].id, 'alice'), { http_code: 500 });
  await setFaults({});
  await assert.rejects(service.get(records[0].id, 'alice'), { code: 'NOT_FOUND' });
  await sleep(500);
  assert.equal((await service.sweep()).finished, 1);
  await check('destroy fails, then swept', 9);
});

test('killed with SIGKILL in the middle of a batch: every acknowledged record survives; sweep leaves no orphans', async () => {
  const db = join(dir, 'killed.db');
  const script = `
    const { Cloudinary, MediaService, SqliteRepository } = require(${JSON.stringify(require.resolve('../../npm/node'))});
    (async () => {
      const { makePng } = await import(${JSON.stringify(new URL('../shared/png.mjs', import.meta.url).href)});
      const service = new MediaService(new Cloudinary(${JSON.stringify({ ...ACCOUNT, upload_prefix: emulator.url })}),
        SqliteRepository.open(${JSON.stringify(db)}), { folder: 'killed', pendingTtl: 500 });
      let done = 0;
      await Promise.all(Array.from({ length: 8 }, async (_, w) => {
        for (let i = w; i < 300; i += 8) {
          const r = await service.createOne(makePng(20 + (i % 50), 20, { seed: i }), 'alice');
          console.log('ack ' + r.public_id);
          if (++done === 40) console.log('ready');
        }
      }));
    })();`;
  await setFaults({ upload: { latency_ms: 20 } });
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  await new Promise((resolve) => child.stdout.on('data', (d) => { out += d; if (out.includes('ready')) resolve(); }));
  child.kill('SIGKILL');
  await new Promise((r) => child.on('exit', r));
  await setFaults({});
  const acknowledged = [...out.matchAll(/^ack (\S+)$/gm)].map((m) => m[1]);
  const repo = SqliteRepository.open(db);
  const service = new MediaService(client, repo, { folder: 'killed', reconcileGrace: 0 });
  const before = await agreement(repo, 'killed');
  await sleep(600);
  const swept = await service.sweep();
  const afterwards = await agreement(repo, 'killed');
  console.log(`killed batch: ${acknowledged.length} acknowledged, ${before.committed.length} committed, ${before.unfinished} pending at the kill; sweep claimed ${swept.claimed}, finished ${swept.finished}`);
  assert.ok(acknowledged.length >= 40);
  assert.ok(before.unfinished > 0, 'the kill left uploads in flight');
  assert.deepEqual(before.orphans, [], 'even before the sweep, every asset is named by a record');
  for (const id of acknowledged) assert.ok(afterwards.committed.includes(id) && afterwards.cloud.includes(id), `acknowledged ${id} is committed and exists`);
  assert.deepEqual([afterwards.orphans, afterwards.dangling, afterwards.unfinished], [[], [], 0]);
  assert.deepEqual((await service.reconcile()).destroyedCount, 0, 'reconcile finds no drift');
});

test('direct uploads: signed intent, adopt once, refused files removed, cancel, another owner refused', async () => {
  const { repo, service } = fresh('direct', { maxBytes: 3000 });
  const browserUpload = async (signature, bytes, name = 'mine.png') => {
    const form = new FormData();
    for (const [k, v] of Object.entries(signature)) if (!['upload_url', 'cloud_name', 'record_id', 'resource_type'].includes(k)) form.append(k, String(v));
    form.append('file', new Blob([bytes]), name);
    const res = await fetch(signature.upload_url, { method: 'POST', body: form });
    return { status: res.status, body: await res.json() };
  };
  const identifier = (r) => `image/upload/v${r.version}/${r.public_id}.${r.format}#${r.signature}`;
  const sig = await service.signDirectUpload('alice');
  assert.match(sig.public_id, /^direct\/alice\/[a-z0-9]{20}$/);
  assert.equal(sig.upload_url, `${emulator.url}/v1_1/demo/image/upload`);
  assert.equal(sig.allowed_formats, 'jpg,png,gif,webp,avif,heic');
  const { body } = await browserUpload(sig, png(21, 12));
  const id = identifier(body);
  await assert.rejects(service.adopt(id, 'mallory'), { code: 'IDENTIFIER_NOT_ALLOWED' });
  await assert.rejects(service.adopt(id.slice(0, -1) + (id.endsWith('0') ? '1' : '0'), 'alice'), { code: 'INVALID_SIGNATURE' });
  const records = await Promise.all([service.adopt(id, 'alice'), service.adopt(id, 'alice'), service.adopt(id, 'alice')]);
  assert.equal(new Set(records.map((r) => r.id)).size, 1, 'concurrent adopts commit one record');
  assert.deepEqual([records[0].public_id, records[0].width, records[0].height, records[0].ownerId, records[0].mimeType], [sig.public_id, 21, 12, 'alice', 'image/png']);
  // The signature carries the formats: Cloudinary (here the emulator) refuses a PDF outright.
  const pdf = await browserUpload(await service.signDirectUpload('alice'), Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n'), 'doc.pdf');
  assert.deepEqual([pdf.status, pdf.body.error.message], [400, 'Image file format pdf not allowed']);
  // One signature is one public_id: replaying it cannot overwrite the adopted image.
  const replay = await browserUpload(sig, png(50, 50));
  assert.equal(replay.body.existing, true);
  assert.equal(replay.body.width, 21);
  // Too big for the server's limit: refused at adopt, and deleted from the cloud.
  const bigSig = await service.signDirectUpload('alice');
  const big = await browserUpload(bigSig, makePng(80, 80, { noise: true }));
  await assert.rejects(service.adopt(identifier(big.body), 'alice'), (e) => e.code === 'FILE_TOO_LARGE' && /deleted/.test(e.message));
  assert.deepEqual(await cloudIds('direct'), [sig.public_id]);
  // Posting the refused upload's signed params again stores it again, named by its record, kept
  // (`deleting`, invisible) until the signature expires: the sweep then destroys it.
  const bigAgain = await browserUpload(bigSig, makePng(80, 80, { noise: true }));
  assert.equal(bigAgain.status, 200);
  await assert.rejects(service.adopt(identifier(bigAgain.body), 'alice'), { code: 'NOT_FOUND' });
  const kept = (await allRecords(repo)).filter((r) => r.state === 'deleting');
  assert.deepEqual(kept.map((r) => r.public_id), [bigSig.public_id]);
  assert.deepEqual((await cloudIds('direct')).sort(), [sig.public_id, bigSig.public_id].sort());
  // An intent that will not be used is cancelled: an upload made anyway is deleted, and adopting it fails.
  const unused = await service.signDirectUpload('alice');
  const madeAnyway = await browserUpload(unused, png(9, 9));
  await assert.rejects(service.cancelDirectUpload(unused.record_id, 'mallory'), { code: 'NOT_FOUND' });
  await assert.rejects(service.cancelDirectUpload({}, 'alice'), { code: 'INVALID_ARGUMENT' });
  assert.deepEqual(await service.cancelDirectUpload(unused.record_id, 'alice'), { cancelled: true });
  assert.deepEqual(await service.cancelDirectUpload(unused.record_id, 'alice'), { cancelled: false });
  await assert.rejects(service.adopt(identifier(madeAnyway.body), 'alice'), { code: 'NOT_FOUND' });
  await assert.rejects(service.cancelDirectUpload(records[0].id, 'alice'), { code: 'NOT_FOUND' }, 'an adopted one is removed instead');
  assert.deepEqual((await cloudIds('direct')).sort(), [sig.public_id, bigSig.public_id].sort());
  // Unused signatures are pending records: they expire and sweep clears them.
  const o = await agreement(repo, 'direct');
  assert.deepEqual([o.orphans, o.unfinished], [[], 3], 'the PDF signature was never used; the refused and the cancelled uploads are kept');
});

test('a repository that does not answer times out; the intent is retired or left for the sweeper', async () => {
  let hang = false;
  const { repo, service } = fresh('timeout', { repositoryTimeout: 200, pendingTtl: 300 }, (r) => wrapped(r, (inner) => ({
    update: (...a) => (hang ? new Promise(() => {}) : inner.update(...a)),
  })));
  hang = true;
  await assert.rejects(service.createOne(png(), 'alice'), { code: 'REPOSITORY_TIMEOUT' });
  hang = false;
  await sleep(400);
  await service.sweep();
  const o = await agreement(repo, 'timeout');
  assert.deepEqual([o.cloud, o.unfinished], [[], 0]);
});

test('startSweeper runs sweeps on a timer and stops', async () => {
  const { repo, service } = fresh('timer', { pendingTtl: 200 });
  const now = new Date().toISOString();
  await repo.insert({ public_id: 'timer/alice/left', resource_type: 'image', type: 'upload', state: 'pending', ownerId: 'alice', idempotencyKey: null, createdAt: now, updatedAt: now, leaseUntil: new Date(Date.now() - 1000).toISOString() });
  const reports = [];
  const sweeper = service.startSweeper({ intervalMs: 50, onReport: (r) => reports.push(r) });
  await sleep(400);
  sweeper.stop();
  assert.ok(reports.some((r) => r.sweep?.finished === 1));
  assert.deepEqual(await allRecords(repo), []);
});

test('a batch of 500 files at concurrency 8: one result per file, in order', async () => {
  const { repo, service } = fresh('batch');
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
  const o = await agreement(repo, 'batch');
  assert.deepEqual([o.orphans, o.dangling, o.unfinished, o.committed.length], [[], [], 0, 499]);
});
