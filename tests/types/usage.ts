// Compile-only checks that the published declarations describe the API (tests/node/types.test.mjs runs tsc).
import {
  url, apiSignRequest, signRequest, buildUploadParams, verifyIdentifier, generateAuthToken,
  verifyNotificationSignature, privateDownloadUrl, downloadArchiveUrl, downloadZipUrl, parseCloudinaryUrl,
  Cloudinary, MediaService, SqliteRepository, type UrlOptions, type VerifiedIdentifier, type CirrusError, type UploadResult,
} from '../../npm/node';
import * as web from '../../npm/web';

const options: UrlOptions = { cloud_name: 'demo', width: 100, crop: 'fill', overlay: { text: 'hi', font_family: 'Arial', font_size: 12 }, $w: 5 };
const u: string = url('sample', options);
const s: string = apiSignRequest({ timestamp: 1 }, 'secret', 'sha256', 2);
const signed = signRequest({ timestamp: 1 }, { api_key: 'k', api_secret: 's' });
const sig: string = signed.signature;
const params: Record<string, string | number | null> = buildUploadParams({ tags: ['a'], eager: [{ width: 10 }] });
const id: VerifiedIdentifier = verifyIdentifier('image/upload/v1/x#s', 'secret', { allowed_formats: ['jpg'] });
const version: number = id.version;
const token: string = generateAuthToken({ key: '00', duration: 60, acl: '/*' });
const ok: boolean = verifyNotificationSignature('{}', 1, 'sig', { api_secret: 's', valid_for: 60 });
const d: string = privateDownloadUrl('x', 'jpg', { cloud_name: 'c', api_key: 'k', api_secret: 's' });
const z: string = downloadZipUrl({ cloud_name: 'c', api_key: 'k', api_secret: 's', tags: 't' }) + downloadArchiveUrl({ cloud_name: 'c', api_key: 'k', api_secret: 's' });
const cfg = parseCloudinaryUrl('cloudinary://k:s@c');
const client = new Cloudinary(cfg);
const name: string | null = client.cloudName;
const u2: string = client.url('x', { width: 10 });
function code(e: unknown): string { return (e as CirrusError).code; }

async function transfers(): Promise<number> {
  const done: UploadResult = await client.upload({ path: '/tmp/x.png' }, { folder: 'f', chunk_size: 5_000_000, concurrency: 2, retries: 5, onProgress: (p) => p.loaded, signal: AbortSignal.timeout(1000) });
  const stream = client.uploadStream({ public_id: 'x' });
  const viaEvent: UploadResult = await stream.result;
  await client.destroy(done.public_id, { invalidate: true });
  await client.rename('a', 'b', { overwrite: true });
  await client.explicit('a', { eager: [{ width: 10 }] });
  // @ts-expect-error a number is not an upload source
  await client.upload(5);
  return done.bytes + viaEvent.bytes + (done.uploadStats?.retries ?? 0);
}

async function browser(): Promise<string> {
  await web.init();
  const c = new web.Cloudinary({ cloud_name: 'demo' });
  return web.url('x', { width: 1 }) + c.url('y');
}

async function browserUploads(file: File, files: FileList): Promise<number> {
  const sign = async (params: Record<string, unknown>, context?: web.SignContext) => ({ ...params, ...context?.previous });
  const cancel = (f: Record<string, unknown>) => f.record_id != null && fetch('/sign', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cancel: f.record_id }), keepalive: true });
  const upload = web.createUpload(file, { sign, cancel, resumable: { maxAge: 3600_000 }, downscale: { maxWidth: 2048, type: 'image/webp' } });
  upload.pause();
  upload.resume();
  const state: 'running' | 'paused' | 'done' | 'failed' | 'aborted' = upload.state;
  const { identifier } = await upload.done;
  const batch = web.uploadMany(files, { sign, concurrency: 2, onFileProgress: (i, p) => p.loaded / p.total + i });
  const outcomes = await batch.done;
  const failed = outcomes.filter((o) => !o.ok).map((o) => (o.ok ? '' : o.error.code));
  const smaller: Blob = await web.downscaleImage(file, { maxWidth: 100, quality: 0.8 });
  const pending = await web.listResumableUploads();
  await web.clearResumableUploads();
  // @ts-expect-error cancel is a function of the signed fields
  web.createUpload(file, { sign, cancel: true });
  // @ts-expect-error resumable is a flag or { maxAge }
  web.createUpload(file, { sign, resumable: 'yes' });
  // @ts-expect-error uploadMany reports per file, not onProgress
  web.uploadMany(files, { sign, onProgress: () => {} });
  return identifier.length + state.length + failed.length + smaller.size + pending.length + upload.resumedFrom;
}

// @ts-expect-error an object is not a public id
url({}, options);
// @ts-expect-error crop takes a string
url('x', { crop: 5 });
// @ts-expect-error signRequest needs credentials
signRequest({ a: 1 }, { api_key: 'k' });

async function media(): Promise<number> {
  const service = new MediaService(client, await SqliteRepository.open(':memory:'), { presets: { thumb: { width: 64, crop: 'fill' } }, maxBytes: 1e6 });
  const record = await service.createOne({ buffer: new Uint8Array(1), originalname: 'a.png' }, 'alice', { idempotencyKey: 'k' });
  const many = await service.createMany([{ path: '/tmp/a.png' }], 'alice', { concurrency: 2 });
  const report = await service.reconcile();
  const swept = await service.sweep({ max: 100 });
  const sig = await service.signDirectUpload('alice');
  const page = await service.list('alice', { limit: 10, after: undefined });
  const sweeper = service.startSweeper({ intervalMs: 60_000 });
  sweeper.stop();
  const state: 'pending' | 'committed' | 'deleting' = record.state;
  // @ts-expect-error an owner id is required
  await service.remove(record.id);
  // @ts-expect-error a bare string is not a file
  await service.createOne('/etc/passwd', 'alice');
  return many.length + report.destroyedCount + swept.finished + sig.public_id.length + page.items.length + state.length + (record.urls?.thumb?.length ?? 0);
}

export { u, s, sig, params, version, token, ok, d, z, name, u2, code, browser, transfers, media };
