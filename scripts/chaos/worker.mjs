// One service process of the chaos test (scripts/chaos.mjs): a MediaService over the shared PostgreSQL
// database and the shared emulator, doing a random mix of operations until told to stop. Every operation
// that succeeded is reported on stdout as one JSON line (`{ ack, ... }`): what the orchestrator holds the
// system to afterwards. Failures are counted, never hidden.
//   node worker.mjs <config json>
import { createRequire } from 'node:module';
import { makePng } from '../../tests/shared/png.mjs';

const require = createRequire(import.meta.url);
const { Cloudinary, MediaService, PostgresRepository } = require('../../npm/node');
const config = JSON.parse(process.argv[2]);
const emit = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

const repository = await PostgresRepository.connect({ connectionString: config.database, max: 8 });
const client = new Cloudinary(config.account);
const service = new MediaService(client, repository, {
  folder: config.folder,
  reconcileGrace: 0,
  pendingTtl: config.pendingTtl,
  directUploadTtl: config.pendingTtl,
  // A record outlives its signatures (an hour at Cloudinary): this test's browsers post a signature
  // only while it is younger than half this (see `cancel`), so the short lease lets the final sweep
  // finish every intent within the run.
  signatureLifetime: config.pendingTtl,
  idempotencyWait: 30000,
  uploadDefaults: { retries: 8, retry_delay: 20, timeout: config.timeout },
});

const owners = ['owner-0', 'owner-1', 'owner-2', 'owner-3'];
const pick = (list) => list[Math.floor(Math.random() * list.length)];
let serial = 0;
const image = () => makePng(8 + (serial % 40), 8 + ((serial++ * 7) % 40), { seed: process.pid * 1000 + serial });
/** Committed records this process may remove: created without a key (keyed ones stay, so their keys keep one record). */
const removable = [];

/** A browser's direct upload: one plain POST with the signed fields, no retry (a tab that gives up). */
async function browserUpload(fields, bytes) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) if (!['upload_url', 'cloud_name', 'resource_type', 'record_id'].includes(k)) form.append(k, String(v));
  form.append('file', new Blob([bytes]), 'photo.png');
  let res;
  let body;
  try {
    res = await fetch(fields.upload_url, { method: 'POST', body: form, signal: AbortSignal.timeout(config.timeout * 3) });
    body = await res.json();
  } catch (cause) {
    throw Object.assign(new Error(`the browser's upload got no answer: ${cause.message}`), { code: 'BROWSER_UPLOAD_FAILED' });
  }
  if (!res.ok) throw Object.assign(new Error(body.error?.message ?? `HTTP ${res.status}`), { code: 'BROWSER_UPLOAD_FAILED' });
  return body;
}

const operations = {
  async create() {
    const owner = pick(owners);
    const r = await service.createOne(image(), owner);
    removable.push([r.id, owner]);
    emit({ ack: 'create', id: r.id, public_id: r.public_id, owner });
  },
  async createKeyed() {
    const owner = pick(owners);
    const key = `k-${Math.floor(Math.random() * config.keys)}`;
    const r = await service.createOne(image(), owner, { idempotencyKey: key });
    emit({ ack: 'create', id: r.id, public_id: r.public_id, owner, key });
  },
  async adopt() {
    const owner = pick(owners);
    const fields = await service.signDirectUpload(owner);
    const uploaded = await browserUpload(fields, image());
    const r = await service.adopt(`image/upload/v${uploaded.version}/${uploaded.public_id}.${uploaded.format}#${uploaded.signature}`, owner);
    removable.push([r.id, owner]);
    emit({ ack: 'adopt', id: r.id, public_id: r.public_id, owner });
  },
  /**
   * A page that gives up its direct upload (cirrus-web's `cancel`): before uploading, after (whether or
   * not the upload's answer arrived), or while its upload is in flight; then, half the time, the signed
   * params posted again. Whatever any of these store must not outlive the record (the final sweep takes
   * it once the signature has expired): no orphan, nothing unfinished. The replay goes only while the
   * signature is young: this emulator takes a signature for an hour, the service here for `pendingTtl`
   * (as Cloudinary's hour and the default 70 minutes), so a later post would be one Cloudinary refuses.
   * Acknowledged as `cancel` when it ended the intent, `cancelNoop` when that had already ended.
   */
  async cancel() {
    const owner = pick(owners);
    const signedAt = Date.now();
    const fields = await service.signDirectUpload(owner);
    const when = Math.random();
    let r;
    if (when < 0.3) {
      r = await service.cancelDirectUpload(fields.record_id, owner);
    } else if (when < 0.6) {
      await browserUpload(fields, image()).catch(() => {});
      r = await service.cancelDirectUpload(fields.record_id, owner);
    } else {
      const inFlight = browserUpload(fields, image()).catch(() => {});
      r = await service.cancelDirectUpload(fields.record_id, owner);
      await inFlight;
    }
    if (Math.random() < 0.5 && Date.now() - signedAt < config.pendingTtl / 2) await browserUpload(fields, image()).catch(() => {});
    emit({ ack: r.cancelled ? 'cancel' : 'cancelNoop' });
  },
  async remove() {
    if (removable.length === 0) return operations.create();
    const [id, owner] = removable.splice(Math.floor(Math.random() * removable.length), 1)[0];
    // Said before trying: a removal that fails half-way is still the owner's wish, finished by the sweeper.
    emit({ removing: id });
    const r = await service.remove(id, owner);
    emit({ ack: 'remove', id, public_id: r.public_id });
  },
  async softRemoveRestore() {
    if (removable.length === 0) return operations.create();
    const [id, owner] = pick(removable);
    await service.softRemove(id, owner);
    await service.restore(id, owner);
    emit({ ack: 'softRemoveRestore', id });
  },
  async sweep() {
    const r = await service.sweep({ max: 200 });
    emit({ ack: 'sweep', ...r });
  },
  async reconcile() {
    const r = await service.reconcile();
    emit({ ack: 'reconcile', destroyed: r.destroyedCount, removed: r.removedCount });
  },
};
const mix = [['create', 30], ['createKeyed', 20], ['adopt', 15], ['cancel', 8], ['remove', 18], ['softRemoveRestore', 5], ['sweep', 9], ['reconcile', 3]];
const total = mix.reduce((n, [, w]) => n + w, 0);
const choose = () => {
  let roll = Math.random() * total;
  for (const [name, weight] of mix) {
    roll -= weight;
    if (roll < 0) return name;
  }
  return 'create';
};

let stopping = false;
process.on('message', (m) => { if (m === 'stop') stopping = true; });
emit({ ready: process.pid });
await Promise.all(Array.from({ length: config.concurrency }, async () => {
  while (!stopping) {
    const op = choose();
    try {
      await operations[op]();
    } catch (err) {
      emit({ failed: op, code: err.code ?? 'UNCODED', message: String(err.message).slice(0, 200) });
    }
  }
}));
await repository.close();
emit({ done: process.pid });
process.disconnect?.();
