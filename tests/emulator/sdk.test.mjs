// The official `cloudinary` SDK against the emulator over real HTTP: it must not be able to tell the two apart.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { readdirSync, writeFileSync, createReadStream } from 'node:fs';
import { join } from 'node:path';
import { ACCOUNT, basicAuth, cloudinaryUrl, startEmulator } from '../shared/emulator.mjs';
import { imageSize, makePng } from '../shared/png.mjs';
import { tempDir } from '../shared/temp.mjs';

const require = createRequire(import.meta.url);
const cirrus = require('../../npm/node');

let emulator;
let cloudinary;
const md5 = (b) => createHash('md5').update(b).digest('hex');
const files = tempDir('cirrus-sdk-files-');
const file = (name, bytes) => {
  const path = join(files, `cirrus-${process.pid}-${name}`);
  writeFileSync(path, bytes);
  return path;
};

before(async () => {
  emulator = await startEmulator({ args: ['--preset', 'open,unsigned,folder=guests,tags=guest', '--quiet'] });
  // The SDK chooses http or https when it loads, from the configured upload_prefix.
  process.env.CLOUDINARY_URL = cloudinaryUrl(emulator);
  cloudinary = require('cloudinary').v2;
});

after(async () => {
  await emulator.stop();
});

/** A delivery URL for the emulator (plain http, the emulator's host:port as the CDN host). */
const deliveryUrl = (publicId, options = {}) =>
  cloudinary.url(publicId, { secure: false, cname: `127.0.0.1:${emulator.port}`, urlAnalytics: false, ...options });

test('upload from a path: Cloudinary-shaped result with a verifiable signature and MD5 etag', async () => {
  const png = makePng(320, 200);
  const result = await cloudinary.uploader.upload(file('a.png', png), { public_id: 'sdk/first', tags: ['x', 'y'], context: { alt: 'a=b' } });
  for (const key of ['asset_id', 'public_id', 'version', 'signature', 'width', 'height', 'format', 'resource_type', 'created_at',
    'bytes', 'type', 'etag', 'url', 'secure_url', 'original_filename', 'tags']) {
    assert.ok(key in result, `missing ${key}`);
  }
  assert.equal(result.public_id, 'sdk/first');
  assert.deepEqual([result.width, result.height, result.format, result.bytes], [320, 200, 'png', png.length]);
  assert.equal(result.etag, md5(png));
  assert.deepEqual(result.tags, ['x', 'y']);
  assert.deepEqual(result.context, { custom: { alt: 'a=b' } });
  assert.match(result.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  // The response signature is Cloudinary's: cirrus verifies the signed identifier built from it.
  const identifier = `image/upload/v${result.version}/${result.public_id}.${result.format}#${result.signature}`;
  assert.equal(cirrus.verifyIdentifier(identifier, ACCOUNT.api_secret).identifier, `image/upload/v${result.version}/sdk/first.png`);
});

test('upload_stream, data URIs and base64 content', async () => {
  const png = makePng(40, 30, { seed: 3 });
  const streamed = await new Promise((resolve, reject) => {
    const stream = cloudinary.uploader.upload_stream({ folder: 'sdk/streams' }, (err, res) => (err ? reject(err) : resolve(res)));
    stream.end(png);
  });
  assert.equal(streamed.etag, md5(png));
  assert.match(streamed.public_id, /^sdk\/streams\/[a-z0-9]{20}$/);
  const dataUri = await cloudinary.uploader.upload(`data:image/png;base64,${png.toString('base64')}`, { public_id: 'sdk/datauri' });
  assert.deepEqual([dataUri.width, dataUri.height, dataUri.etag], [40, 30, md5(png)]);
});

test('upload_large in small chunks assembles the exact bytes', async () => {
  const png = makePng(300, 300, { noise: true });
  const path = file('large.png', png);
  const result = await new Promise((resolve, reject) => {
    cloudinary.uploader.upload_large(path, { public_id: 'sdk/large', chunk_size: 64 * 1024 }, (err, res) => (err ? reject(err) : resolve(res)));
  });
  assert.ok(png.length > 4 * 64 * 1024, 'several chunks');
  assert.deepEqual([result.bytes, result.etag, result.width, result.height], [png.length, md5(png), 300, 300]);
  assert.deepEqual(readdirSync(join(emulator.dataDir, 'chunks')), [], 'no partial upload left behind');
});

test('rename, destroy and Admin API reads (single, by prefix with pagination, by tag)', async () => {
  for (let i = 0; i < 5; i++) {
    await cloudinary.uploader.upload(file(`p${i}.png`, makePng(10 + i, 10, { seed: i })), { public_id: `listing/item${i}`, tags: i % 2 ? ['odd'] : ['even'] });
  }
  const one = await cloudinary.api.resource('listing/item3');
  assert.deepEqual([one.public_id, one.width, one.height], ['listing/item3', 13, 10]);
  const page1 = await cloudinary.api.resources({ type: 'upload', prefix: 'listing/', max_results: 2 });
  assert.equal(page1.resources.length, 2);
  assert.ok(page1.next_cursor);
  const page2 = await cloudinary.api.resources({ type: 'upload', prefix: 'listing/', max_results: 10, next_cursor: page1.next_cursor });
  assert.deepEqual([...page1.resources, ...page2.resources].map((r) => r.public_id), [0, 1, 2, 3, 4].map((i) => `listing/item${i}`));
  assert.equal(page2.next_cursor, undefined);
  const odd = await cloudinary.api.resources_by_tag('odd');
  assert.deepEqual(odd.resources.map((r) => r.public_id).sort(), ['listing/item1', 'listing/item3']);

  const renamed = await cloudinary.uploader.rename('listing/item0', 'listing/renamed');
  assert.equal(renamed.public_id, 'listing/renamed');
  await assert.rejects(cloudinary.api.resource('listing/item0'), (e) => e.error.http_code === 404);
  await assert.rejects(cloudinary.uploader.rename('listing/item1', 'listing/renamed'), (e) => e.http_code === 400);
  assert.deepEqual(await cloudinary.uploader.destroy('listing/renamed'), { result: 'ok' });
  assert.deepEqual(await cloudinary.uploader.destroy('listing/renamed'), { result: 'not found' });
  const delivered = await fetch(deliveryUrl('listing/renamed.png'));
  assert.equal(delivered.status, 404);
});

test('bad signatures, wrong keys and stale timestamps are rejected like Cloudinary', async () => {
  const path = file('rej.png', makePng(8, 8));
  cloudinary.config({ api_secret: 'not-the-secret' });
  try {
    await assert.rejects(cloudinary.uploader.upload(path), (e) => e.http_code === 401 && /Invalid Signature/.test(e.message));
  } finally {
    cloudinary.config({ api_secret: ACCOUNT.api_secret });
  }
  const stale = Math.floor(Date.now() / 1000) - 3700;
  await assert.rejects(cloudinary.uploader.upload(path, { timestamp: stale }), (e) => e.http_code === 400 && /Stale request/.test(e.message));
  await assert.rejects(cloudinary.uploader.upload(path, { api_key: '999' }), (e) => e.http_code === 401);
  const admin = await fetch(`${emulator.url}/v1_1/demo/resources/image`, { headers: { authorization: `Basic ${Buffer.from('1234567890:nope').toString('base64')}` } });
  assert.equal(admin.status, 401);
  assert.deepEqual(await admin.json(), { error: { message: 'Invalid credentials' } });
  // SHA-256 and signature version 1 are verified too.
  const sha256 = await cloudinary.uploader.upload(path, { public_id: 'sdk/sha256', signature_algorithm: 'sha256' });
  assert.equal(sha256.public_id, 'sdk/sha256');
});

test('unsigned uploads go through configured presets only', async () => {
  const path = file('guest.png', makePng(12, 12));
  const result = await cloudinary.uploader.unsigned_upload(path, 'open');
  assert.match(result.public_id, /^guests\//);
  assert.deepEqual(result.tags, ['guest']);
  await assert.rejects(cloudinary.uploader.unsigned_upload(path, 'missing'), (e) => e.http_code === 400);
});

test('transformed images have the requested pixel dimensions; unknown transformations are 400 with x-cld-error', async () => {
  await cloudinary.uploader.upload(file('t.png', makePng(400, 300)), { public_id: 'sdk/transform' });
  const cases = [
    [{ width: 120, height: 80, crop: 'fill', gravity: 'north' }, 'png', [120, 80]],
    [{ width: 100, crop: 'scale' }, 'png', [100, 75]],
    [{ width: 200, height: 200, crop: 'fit' }, 'jpg', [200, 150]],
    [{ width: 1000, crop: 'limit' }, 'png', [400, 300]],
    [{ width: 50, height: 50, crop: 'pad', background: 'black' }, 'png', [50, 50]],
    [{ width: 64, height: 64, crop: 'thumb', radius: 'max' }, 'webp', [64, 64]],
    [{ transformation: [{ width: 200, crop: 'scale' }, { angle: 90 }] }, 'png', [150, 200]],
    [{ width: 100, crop: 'scale', dpr: '2.0', effect: 'grayscale' }, 'gif', [200, 150]],
    [{ aspect_ratio: '1:1', crop: 'crop', gravity: 'center' }, 'png', [300, 300]],
  ];
  for (const [options, format, [w, h]] of cases) {
    const res = await fetch(deliveryUrl(`sdk/transform.${format}`, options));
    assert.equal(res.status, 200, `${JSON.stringify(options)}: ${res.headers.get('x-cld-error')}`);
    const size = imageSize(Buffer.from(await res.arrayBuffer()));
    assert.deepEqual([size.format, size.width, size.height], [format, w, h], JSON.stringify(options));
  }
  const again = await fetch(deliveryUrl('sdk/transform.png', { width: 120, height: 80, crop: 'fill', gravity: 'north' }));
  assert.equal(again.status, 200, 'cached derived image served');
  for (const bad of [{ effect: 'sepia' }, { angle: 45 }, { raw_transformation: 'zz_1' }]) {
    const res = await fetch(deliveryUrl('sdk/transform.png', bad));
    assert.equal(res.status, 400);
    assert.ok(res.headers.get('x-cld-error'), 'x-cld-error header');
  }
  const original = await fetch(deliveryUrl('sdk/transform.png'));
  assert.equal(original.headers.get('content-type'), 'image/png');
});

test('private assets need a signed URL; signed URLs are checked', async () => {
  const png = makePng(30, 20);
  await cloudinary.uploader.upload(file('priv.png', png), { public_id: 'sdk/secret', type: 'private' });
  assert.equal((await fetch(deliveryUrl('sdk/secret.png', { type: 'private' }))).status, 401);
  const signed = await fetch(deliveryUrl('sdk/secret.png', { type: 'private', sign_url: true, width: 10, crop: 'scale' }));
  assert.equal(signed.status, 200);
  assert.equal(imageSize(Buffer.from(await signed.arrayBuffer())).width, 10);
  const tampered = deliveryUrl('sdk/secret.png', { type: 'private', sign_url: true, width: 10, crop: 'scale' }).replace('w_10', 'w_11');
  assert.equal((await fetch(tampered)).status, 401);
  // cirrus builds the same signed URLs as the SDK.
  const viaCirrus = cirrus.url('sdk/secret.png', { type: 'private', sign_url: true, cloud_name: 'demo', api_secret: ACCOUNT.api_secret, secure: false, cname: `127.0.0.1:${emulator.port}` });
  const res = await fetch(viaCirrus);
  assert.equal(res.status, 200);
  assert.equal(md5(Buffer.from(await res.arrayBuffer())), md5(png));
});

test('explicit adds eager transformations', async () => {
  await cloudinary.uploader.upload(file('ex.png', makePng(90, 60)), { public_id: 'sdk/explicit', eager: [{ width: 30, crop: 'scale' }] });
  const result = await cloudinary.uploader.explicit('sdk/explicit', { type: 'upload', eager: [{ width: 45, height: 45, crop: 'fill', format: 'jpg' }], tags: ['done'] });
  assert.equal(result.eager.length, 2);
  assert.deepEqual(result.tags, ['done']);
  const eager = await fetch(result.eager[1].url);
  assert.deepEqual(imageSize(Buffer.from(await eager.arrayBuffer())), { format: 'jpg', width: 45, height: 45 });
});

test('injected faults: 500s and connection resets, switched at run time', async (t) => {
  const control = `${emulator.url}/__emulator/faults`;
  const set = (rules) => fetch(control, { method: 'PUT', headers: { authorization: basicAuth(), 'content-type': 'application/json' }, body: JSON.stringify(rules) });
  // Whatever fails here, the tests after this one get an emulator without faults.
  t.after(() => set({}));
  assert.equal((await set({ upload: { error_500: 1 } })).status, 200);
  const path = file('fault.png', makePng(8, 8));
  await assert.rejects(cloudinary.uploader.upload(path), (e) => e.http_code === 500);
  // The injected answer comes after the request was read, as a failing server's would: a client still
  // writing a larger body reads the 500 rather than failing its write (EPIPE, most of the time, before).
  const larger = file('fault-larger.bin', Buffer.alloc(256 * 1024, 7));
  for (let i = 0; i < 10; i++) {
    await assert.rejects(cloudinary.uploader.upload(larger, { resource_type: 'raw' }), (e) => e.http_code === 500);
  }
  await set({ upload: { reset: 1 } });
  await assert.rejects(cloudinary.uploader.upload(path));
  await set({});
  const ok = await cloudinary.uploader.upload(path, { public_id: 'sdk/after-faults' });
  assert.equal(ok.public_id, 'sdk/after-faults');
  const stats = await (await fetch(`${emulator.url}/__emulator/stats`, { headers: { authorization: basicAuth() } })).json();
  assert.ok(stats.faults_injected >= 2);
});

test('assets persist across a restart', async () => {
  const png = makePng(21, 13);
  await cloudinary.uploader.upload(file('persist.png', png), { public_id: 'sdk/persisted' });
  await emulator.stop();
  emulator = await startEmulator({ dataDir: emulator.dataDir, args: ['--quiet'] });
  cloudinary.config({ upload_prefix: emulator.url });
  const resource = await cloudinary.api.resource('sdk/persisted');
  assert.deepEqual([resource.width, resource.height, resource.etag], [21, 13, md5(png)]);
  const res = await fetch(deliveryUrl('sdk/persisted.png'));
  assert.equal(md5(Buffer.from(await res.arrayBuffer())), md5(png));
});

test('streams from disk with the SDK are byte-exact', async () => {
  const png = makePng(64, 64, { noise: true });
  const path = file('pipe.png', png);
  const result = await new Promise((resolve, reject) => {
    createReadStream(path).pipe(cloudinary.uploader.upload_stream({ public_id: 'sdk/piped' }, (err, res) => (err ? reject(err) : resolve(res))));
  });
  assert.equal(result.etag, md5(png));
});

test('access_mode and access_control are taken and echoed (uploads and the Admin API), as Cloudinary does', async () => {
  const start = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
  const rules = [{ access_type: 'anonymous', start }, { access_type: 'token' }];
  const result = await cloudinary.uploader.upload(file('acl.png', makePng(8, 8)), { public_id: 'sdk/acl', access_mode: 'authenticated', access_control: rules });
  assert.equal(result.access_mode, 'authenticated');
  assert.deepEqual(result.access_control, [{ access_type: 'anonymous', start: '2026-01-02T03:04:05.000Z' }, { access_type: 'token' }]);
  const plain = await cloudinary.uploader.upload(file('plain.png', makePng(8, 8)), { public_id: 'sdk/no-acl' });
  assert.equal(plain.access_mode, 'public');
  assert.equal('access_control' in plain, false);
  const resource = await cloudinary.api.resource('sdk/acl');
  assert.deepEqual([resource.access_mode, resource.access_control], [result.access_mode, result.access_control]);
  await assert.rejects(cloudinary.uploader.upload(file('bad.png', makePng(8, 8)), { public_id: 'sdk/bad', access_mode: 'secret' }), (e) => /Invalid access_mode/.test(e.error?.message ?? e.message));
});

test('tags and context actions: add, remove, replace, remove_all, set_exclusive; add_context, remove_all_context', async () => {
  const png = makePng(8, 8);
  for (const id of ['sdk/t1', 'sdk/t2', 'sdk/t3']) await cloudinary.uploader.upload(file(`${id.replace('/', '-')}.png`, png), { public_id: id, tags: ['base'] });
  const tagsOf = async (id) => (await cloudinary.api.resource(id)).tags;
  assert.deepEqual((await cloudinary.uploader.add_tag('red,blue', ['sdk/t1', 'sdk/t2', 'sdk/missing'])).public_ids, ['sdk/t1', 'sdk/t2']);
  assert.deepEqual(await tagsOf('sdk/t1'), ['base', 'red', 'blue']);
  await cloudinary.uploader.remove_tag('red', ['sdk/t1']);
  assert.deepEqual(await tagsOf('sdk/t1'), ['base', 'blue']);
  await cloudinary.uploader.replace_tag('only', ['sdk/t2']);
  assert.deepEqual(await tagsOf('sdk/t2'), ['only']);
  await cloudinary.uploader.add_tag('star', ['sdk/t1', 'sdk/t2']);
  // The SDK never sends set_exclusive (it reads its `exclusive` option with swapped arguments), so this
  // one is a request signed by cirrus.
  const exclusive = cirrus.signRequest({ timestamp: Math.floor(Date.now() / 1000), command: 'set_exclusive', tag: 'star', public_ids: 'sdk/t3' }, ACCOUNT);
  const res = await fetch(`${emulator.url}/v1_1/demo/image/tags`, { method: 'POST', body: new URLSearchParams(exclusive) });
  assert.deepEqual(await res.json(), { public_ids: ['sdk/t3'] });
  assert.deepEqual([await tagsOf('sdk/t1'), await tagsOf('sdk/t2'), await tagsOf('sdk/t3')], [['base', 'blue'], ['only'], ['base', 'star']]);
  await cloudinary.uploader.remove_all_tags(['sdk/t3']);
  assert.deepEqual(await tagsOf('sdk/t3'), []);
  const listed = await cloudinary.api.resources_by_tag('blue');
  assert.deepEqual(listed.resources.map((r) => r.public_id), ['sdk/t1']);

  assert.deepEqual((await cloudinary.uploader.add_context({ alt: 'a cat', caption: 'x=y' }, ['sdk/t1'])).public_ids, ['sdk/t1']);
  await cloudinary.uploader.add_context({ alt: 'a dog' }, ['sdk/t1']);
  assert.deepEqual((await cloudinary.api.resource('sdk/t1')).context, { custom: { alt: 'a dog', caption: 'x=y' } });
  await cloudinary.uploader.remove_all_context(['sdk/t1']);
  assert.equal('context' in (await cloudinary.api.resource('sdk/t1')), false);
  await assert.rejects(cloudinary.uploader.add_tag(undefined, ['sdk/t1']), (e) => /Missing required parameter - tag/.test(e.error?.message ?? e.message));
});

test('Admin API through the SDK: resource_types, delete_resources, by prefix, by tag and by asset ids (parameters in the body)', async () => {
  const png = makePng(8, 8);
  for (const id of ['sdk/del/a', 'sdk/del/b', 'sdk/del/c', 'sdk/keep']) await cloudinary.uploader.upload(file(`${id.replaceAll('/', '-')}.png`, png), { public_id: id });
  assert.ok((await cloudinary.api.resource_types()).resource_types.includes('image'));
  const byIds = await cloudinary.api.delete_resources(['sdk/del/a', 'sdk/del/none']);
  assert.deepEqual(byIds.deleted, { 'sdk/del/a': 'deleted', 'sdk/del/none': 'not_found' });
  const byPrefix = await cloudinary.api.delete_resources_by_prefix('sdk/del/');
  assert.deepEqual(byPrefix.deleted, { 'sdk/del/b': 'deleted', 'sdk/del/c': 'deleted' });
  await assert.rejects(cloudinary.api.resource('sdk/del/b'), (e) => e.error?.http_code === 404);
  assert.equal((await cloudinary.api.resource('sdk/keep')).public_id, 'sdk/keep');
  await cloudinary.uploader.upload(file('del-t1.png', png), { public_id: 'sdk/del/t1', tags: ['doomed'] });
  await cloudinary.uploader.upload(file('del-t2.png', png), { public_id: 'sdk/del/t2', tags: ['doomed'] });
  assert.deepEqual((await cloudinary.api.delete_resources_by_tag('doomed')).deleted, { 'sdk/del/t1': 'deleted', 'sdk/del/t2': 'deleted' });
  const byAsset = await cloudinary.uploader.upload(file('del-a.png', png), { public_id: 'sdk/del/asset' });
  const deletedByAsset = await cloudinary.api.delete_resources_by_asset_ids([byAsset.asset_id, 'ffffffffffffffffffffffffffffffff']);
  assert.deepEqual(deletedByAsset.deleted, { [byAsset.asset_id]: 'deleted', ffffffffffffffffffffffffffffffff: 'not_found' });
  await assert.rejects(cloudinary.api.resource('sdk/del/asset'), (e) => e.error?.http_code === 404);
});

test('Admin API answers carry the rate-limit headers the SDK exposes', async () => {
  const first = await cloudinary.api.resources({ max_results: 1 });
  const second = await cloudinary.api.resources({ max_results: 1 });
  assert.equal(first.rate_limit_allowed, 500);
  // One call fewer left (or a fresh hour began between the two calls).
  assert.ok([first.rate_limit_remaining - 1, 499].includes(second.rate_limit_remaining));
  const reset = first.rate_limit_reset_at.getTime();
  assert.ok(reset > Date.now() && reset <= Date.now() + 3_600_000 && reset % 3_600_000 === 0, String(first.rate_limit_reset_at));
  // What the emulator does not offer is a 404 that says so, never an empty success.
  await assert.rejects(cloudinary.api.upload_presets(), (e) => e.error?.http_code === 404 && /Unknown Admin API path/.test(e.error.message));
});

test('Admin API update and tag listing; add-ons are refused as on an account without them', async () => {
  const png = makePng(8, 8);
  await cloudinary.uploader.upload(file('upd.png', png), { public_id: 'sdk/upd', tags: ['old'] });
  const updated = await cloudinary.api.update('sdk/upd', { tags: ['new1', 'new2'], context: { alt: 'updated' }, access_control: [{ access_type: 'token' }] });
  assert.deepEqual([updated.tags, updated.context, updated.access_control], [['new1', 'new2'], { custom: { alt: 'updated' } }, [{ access_type: 'token' }]]);
  assert.deepEqual((await cloudinary.api.resource('sdk/upd')).tags, ['new1', 'new2']);
  await assert.rejects(cloudinary.api.update('sdk/nothing-here', { tags: ['x'] }), (e) => e.error?.http_code === 404);
  const listed = await cloudinary.api.tags({ prefix: 'new', max_results: 1 });
  assert.deepEqual(listed.tags, ['new1']);
  assert.deepEqual((await cloudinary.api.tags({ prefix: 'new', next_cursor: listed.next_cursor })).tags, ['new2']);
  await assert.rejects(cloudinary.api.update('sdk/upd', { categorization: 'google_tagging' }), (e) => /add-on is not enabled/.test(e.error?.message ?? ''));
  await assert.rejects(cloudinary.uploader.upload(file('ocr.png', png), { public_id: 'sdk/ocr', ocr: 'adv_ocr' }), (e) => /add-on is not enabled/.test(e.error?.message ?? e.message));
});

test('Admin API listings: fields, direction, by asset ids, by context', async () => {
  const png = makePng(8, 8);
  const a = await cloudinary.uploader.upload(file('la.png', png), { public_id: 'list/a', context: { kind: 'cat' } });
  const b = await cloudinary.uploader.upload(file('lb.png', png), { public_id: 'list/b', context: { kind: 'dog' } });
  const narrow = await cloudinary.api.resources({ prefix: 'list/', fields: 'tags,width' });
  assert.deepEqual(Object.keys(narrow.resources[0]).sort(), ['asset_id', 'public_id', 'resource_type', 'tags', 'type', 'width']);
  const asc = await cloudinary.api.resources({ direction: 'asc', max_results: 500 });
  const desc = await cloudinary.api.resources({ direction: 'desc', max_results: 500 });
  assert.deepEqual(asc.resources.map((r) => r.public_id), desc.resources.map((r) => r.public_id).reverse());
  const dated = asc.resources.map((r) => r.created_at);
  assert.deepEqual(dated, [...dated].sort());
  const paged = await cloudinary.api.resources({ direction: 'desc', max_results: 1 });
  const next = await cloudinary.api.resources({ direction: 'desc', max_results: 1, next_cursor: paged.next_cursor });
  assert.deepEqual([paged.resources[0].public_id, next.resources[0].public_id], desc.resources.slice(0, 2).map((r) => r.public_id));
  const byIds = await cloudinary.api.resources_by_asset_ids([a.asset_id, b.asset_id]);
  assert.deepEqual(byIds.resources.map((r) => r.public_id).sort(), ['list/a', 'list/b']);
  assert.deepEqual((await cloudinary.api.resources_by_context('kind', 'dog')).resources.map((r) => r.public_id), ['list/b']);
  assert.deepEqual((await cloudinary.api.resources_by_context('kind')).resources.map((r) => r.public_id), ['list/a', 'list/b']);
});

test('folders: root, sub, create, delete (only when empty); access mode updates and publishing', async () => {
  const png = makePng(8, 8);
  await cloudinary.uploader.upload(file('fa.png', png), { public_id: 'shelf/top/item' });
  assert.ok((await cloudinary.api.root_folders()).folders.some((f) => f.path === 'shelf'));
  assert.deepEqual((await cloudinary.api.sub_folders('shelf')).folders, [{ name: 'top', path: 'shelf/top' }]);
  const created = await cloudinary.api.create_folder('empty/inner');
  assert.deepEqual([created.success, created.path, created.name], [true, 'empty/inner', 'inner']);
  assert.deepEqual((await cloudinary.api.sub_folders('empty')).folders.map((f) => f.path), ['empty/inner']);
  await assert.rejects(cloudinary.api.delete_folder('shelf'), (e) => /Folder is not empty/.test(e.error?.message ?? ''));
  assert.deepEqual((await cloudinary.api.delete_folder('empty/inner')).deleted, ['empty/inner']);
  await assert.rejects(cloudinary.api.sub_folders('nowhere'), (e) => e.error?.http_code === 404);

  await cloudinary.uploader.upload(file('am.png', png), { public_id: 'shelf/locked', access_mode: 'authenticated', tags: ['locked'] });
  const byTag = await cloudinary.api.update_resources_access_mode_by_tag('public', 'locked');
  assert.deepEqual(byTag.updated, [{ public_id: 'shelf/locked', access_mode: 'public' }]);
  await cloudinary.api.update_resources_access_mode_by_ids('authenticated', ['shelf/locked']);
  assert.equal((await cloudinary.api.resource('shelf/locked')).access_mode, 'authenticated');
  const published = await cloudinary.api.publish_by_prefix('shelf/lock');
  assert.deepEqual(published.published.map((r) => [r.public_id, r.access_mode]), [['shelf/locked', 'public']]);
});

test('eager transformations the emulator cannot render are recorded and answered; only their delivery fails', async () => {
  const result = await cloudinary.uploader.upload(file('eager.png', makePng(90, 60)), {
    public_id: 'sdk/eager-text',
    eager: [{ overlay: { font_family: 'Arial', font_size: 20, text: 'Hi' } }, { width: 50, crop: 'scale' }],
  });
  assert.equal(result.eager.length, 2);
  assert.match(result.eager[0].transformation, /^l_text:Arial_20:Hi/);
  const text = await fetch(result.eager[0].url);
  assert.equal(text.status, 400);
  assert.ok(text.headers.get('x-cld-error'));
  const scaled = await fetch(result.eager[1].url);
  assert.deepEqual(imageSize(Buffer.from(await scaled.arrayBuffer())), { format: 'png', width: 50, height: 33 });
  await assert.rejects(cloudinary.uploader.upload(file('eager-bad.png', makePng(8, 8)), { public_id: 'sdk/eager-bad', eager: 'not a transformation' }),
    (e) => /Invalid transformation component/.test(e.error?.message ?? e.message));
});

/** The entries of a stored (uncompressed) ZIP: `{ name: bytes }`, read from its central directory. */
function unzipStored(zip) {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const out = {};
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50);
    const [method, crcSize, nameLen, extraLen, commentLen, local] = [zip.readUInt16LE(at + 10), zip.readUInt32LE(at + 24), zip.readUInt16LE(at + 28), zip.readUInt16LE(at + 30), zip.readUInt16LE(at + 32), zip.readUInt32LE(at + 42)];
    assert.equal(method, 0);
    const name = zip.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    out[name] = zip.subarray(dataAt, dataAt + crcSize);
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

test('generate_archive (create_zip): the originals by prefix or tag, as a raw asset; other modes are refused', async () => {
  const one = makePng(10, 10, { noise: true });
  const two = makePng(12, 8, { noise: true });
  await cloudinary.uploader.upload(file('z1.png', one), { public_id: 'zipme/one', tags: ['zipped'] });
  await cloudinary.uploader.upload(file('z2.png', two), { public_id: 'zipme/deep/two' });
  const result = await cloudinary.uploader.create_zip({ prefixes: 'zipme/', target_public_id: 'archives/all' });
  assert.deepEqual([result.resource_type, result.public_id, result.resource_count, result.file_count], ['raw', 'archives/all.zip', 2, 2]);
  const zip = Buffer.from(await (await fetch(result.secure_url)).arrayBuffer());
  assert.equal(zip.length, result.bytes);
  assert.equal(md5(zip), result.etag);
  const entries = unzipStored(zip);
  assert.deepEqual(Object.keys(entries).sort(), ['zipme/deep/two.png', 'zipme/one.png']);
  assert.equal(md5(entries['zipme/one.png']), md5(one));
  assert.equal(md5(entries['zipme/deep/two.png']), md5(two));
  const byTag = await cloudinary.uploader.create_zip({ tags: 'zipped', flatten_folders: true });
  assert.deepEqual(Object.keys(unzipStored(Buffer.from(await (await fetch(byTag.secure_url)).arrayBuffer()))), ['one.png']);
  await assert.rejects(cloudinary.uploader.create_archive({ prefixes: 'zipme/', target_format: 'tgz' }), (e) => /not supported/.test(e.error?.message ?? e.message));
  await assert.rejects(cloudinary.uploader.create_zip({ prefixes: 'nothing-here/' }), (e) => /No resources found/.test(e.error?.message ?? e.message));
});
