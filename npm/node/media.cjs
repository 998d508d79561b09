'use strict';
// MediaService: the Rust media lifecycle (crates/media) over the embedded SqliteRepository or the host's
// repository. This file only adapts JavaScript: repository methods become promise-returning functions,
// files of every shape (Buffer, Readable, multer objects, { path }) become sources, result envelopes become
// values or coded Errors, and the sweeper loop is a timer.
const { codedError, readingArguments } = require('./arguments.cjs');

const METHODS = ['insert', 'get', 'findByPublicId', 'list', 'update', 'delete', 'claim'];

const ownerArg = (ownerId) => readingArguments('ownerId', () => String(ownerId ?? ''));
// Record ids are whatever the repository uses: strings or integers.
const idArg = (id) => {
  if (!((typeof id === 'string' && id !== '') || Number.isSafeInteger(id))) throw codedError('INVALID_ARGUMENT', 'a record id must be a non-empty string or an integer');
  return id;
};

function unwrap(envelope) {
  if (!envelope.ok) {
    const { code, message, http_code: httpCode } = envelope.error;
    throw codedError(code, message, httpCode === undefined ? {} : { http_code: httpCode });
  }
  return envelope.result;
}

/** A host repository method as `(args[]) => Promise` (a sync throw becomes a rejection; undefined → null). */
function bridged(repository, name) {
  const fn = repository[name];
  if (typeof fn !== 'function') {
    throw codedError('INVALID_ARGUMENT', `the repository needs ${name}() (the contract: ${METHODS.join(', ')}; see cirrus/testing repositoryContract)`);
  }
  return (args) => Promise.resolve().then(() => fn.apply(repository, args)).then((v) => (v === undefined ? null : v));
}

/** What `createOne` accepts, as the addon takes it. A bare string is refused: a path must be explicit. */
function fileSource(file) {
  if (file === null || file === undefined) throw codedError('MISSING_FILE', 'no file was given');
  if (typeof file === 'string') {
    throw codedError('INVALID_ARGUMENT', 'a string is not a file: pass { path } to upload a file on this server\'s disk, or a Buffer or stream');
  }
  if (Buffer.isBuffer(file) || file instanceof Uint8Array) return { kind: 'bytes', payload: Buffer.from(file.buffer, file.byteOffset, file.byteLength), meta: { size: file.byteLength } };
  if (typeof file.pipe === 'function' && typeof file[Symbol.asyncIterator] === 'function') return { kind: 'stream', iterable: file, meta: {} };
  if (typeof file === 'object') {
    // multer-style: { buffer | stream | path, originalname, mimetype, size } (mimetype is only advisory).
    const meta = { originalName: file.originalname ?? file.originalName ?? file.name, size: Number.isFinite(file.size) ? file.size : undefined };
    if (file.buffer) return { ...fileSource(file.buffer), meta: { ...meta, size: file.buffer.length } };
    if (typeof file.path === 'string') return { kind: 'path', payload: file.path, meta: { originalName: meta.originalName ?? require('node:path').basename(file.path) } };
    if (file.stream) return { kind: 'stream', iterable: file.stream, meta };
  }
  throw codedError('MISSING_FILE', 'file must be a Buffer, a Readable, { path }, or { buffer | stream | path, originalname, mimetype, size }');
}

async function feed(task, iterable) {
  for await (const piece of iterable) {
    const buf = Buffer.isBuffer(piece) ? piece : Buffer.from(piece);
    if (!(await task.write(buf))) return;
  }
  task.end();
}

const isoTime = (value, what) => {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw codedError('INVALID_ARGUMENT', `${what} is an invalid Date`);
    return value.toISOString();
  }
  return String(value ?? '');
};

class MediaService {
  #native;

  /**
   * @param client a `Cloudinary` client
   * @param repository a `SqliteRepository`, or an object implementing the repository contract
   *   (`insert`, `get`, `findByPublicId`, `list`, `update`, `delete`, `claim`; see README "Your own repository")
   * @param options `{ folder, tag, maxBytes, allowedFormats, presets, repositoryTimeout, reconcileGrace,
   *   pendingTtl, directUploadTtl, signatureLifetime, idempotencyWait, maxPendingDirectUploads, directResourceType, urlOptions,
   *   uploadDefaults }`
   */
  constructor(client, repository, options = {}) {
    const native = require('./index.cjs');
    if (!readingArguments('the client', () => client instanceof native.Cloudinary)) throw codedError('INVALID_ARGUMENT', 'client must be a Cloudinary client');
    if (!repository || typeof repository !== 'object') throw codedError('INVALID_ARGUMENT', 'a repository object is required');
    if (readingArguments('the repository', () => repository instanceof native.SqliteRepository)) {
      // The native repository is used from Rust directly; a wrapper of one (a Proxy, a subclass instance
      // without the native object) is bridged like any other contract object.
      try {
        this.#native = readingArguments('the options', () => native.NativeMediaService.withSqlite(client, repository, options));
        return;
      } catch (err) {
        if (err.code === 'INVALID_OPTION' || err.code === 'INVALID_ARGUMENT') throw err;
      }
    }
    const methods = readingArguments('the repository', () => Object.fromEntries(METHODS.map((m) => [m, bridged(repository, m)])));
    this.#native = readingArguments('the client or options', () => new native.NativeMediaService(client, methods, options));
  }

  /** Validates (by content), records the intent, uploads to its public_id, commits; resolves to the record. */
  async createOne(file, ownerId, options = {}) {
    const { kind, payload, iterable, meta } = readingArguments('the file', () => fileSource(file));
    const { signal, rest } = readingArguments('options', () => {
      if (options !== undefined && options !== null && typeof options !== 'object') throw codedError('INVALID_ARGUMENT', 'options must be an object');
      const { signal: given, ...others } = options ?? {};
      return { signal: given, rest: others };
    });
    if (signal !== undefined && !(signal instanceof AbortSignal)) throw codedError('INVALID_ARGUMENT', 'signal must be an AbortSignal');
    const task = readingArguments('options', () => this.#native.createOne(kind, payload, meta, ownerArg(ownerId), rest));
    const onAbort = () => task.cancel();
    if (signal?.aborted) task.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const pending = task.result();
      if (iterable) feed(task, iterable).catch(() => task.cancel());
      return unwrap(await pending);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Many files with bounded concurrency: one result per file, in order (`{ ok, record }` or `{ ok: false, error }`). */
  async createMany(files, ownerId, many = {}) {
    const { concurrency, options } = readingArguments('options', () => {
      if (many !== undefined && many !== null && typeof many !== 'object') throw codedError('INVALID_ARGUMENT', 'options must be an object');
      const { concurrency: given = 4, idempotencyKey, ...others } = many ?? {};
      if (idempotencyKey !== undefined) throw codedError('INVALID_OPTION', 'createMany takes no idempotencyKey: give each file its own with createOne');
      return { concurrency: Number(given) || 4, options: others };
    });
    if (!Array.isArray(files)) throw codedError('INVALID_ARGUMENT', 'files must be an array');
    const results = new Array(files.length);
    let next = 0;
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, files.length)) }, async () => {
      while (next < files.length) {
        const i = next++;
        try {
          results[i] = { ok: true, record: await this.createOne(files[i], ownerId, options) };
        } catch (error) {
          results[i] = { ok: false, error };
        }
      }
    }));
    return results;
  }

  /**
   * Stores a pending record for a browser upload and returns what the browser needs (signed params bound
   * to the chosen public_id, allowed formats and tags, plus `cloud_name`, `upload_url`, `record_id`):
   * `cirrus-web`'s `directUpload(file, { sign })` takes it as is. Then `adopt()` the identifier it returns.
   * With `recordId` (the `record_id` of an earlier answer, which the browser sends when its upload outlives
   * the one-hour signature), the owner's unfinished record is signed again for the same public_id and
   * its lease renewed; a record that is gone answers INTENT_EXPIRED.
   */
  async signDirectUpload(ownerId, options = {}) {
    const { nowMs, recordId } = readingArguments('options', () => {
      const o = options ?? {};
      // A misspelt recordId would otherwise store a new intent, taking a place, instead of signing again.
      const unknown = Object.keys(o).filter((k) => k !== 'nowMs' && k !== 'recordId');
      if (unknown.length) throw codedError('INVALID_OPTION', `signDirectUpload takes nowMs and recordId, not ${unknown.join(', ')}`);
      const now = o.nowMs ?? Date.now();
      if (!Number.isFinite(now)) throw codedError('INVALID_ARGUMENT', 'nowMs must be a number');
      return { nowMs: now, recordId: o.recordId ?? null };
    });
    return unwrap(await this.#native.prepareDirectUpload(ownerArg(ownerId), nowMs, recordId));
  }

  /**
   * Commits a direct browser upload from its signed identifier: the upload must have been prepared by
   * `signDirectUpload` for this owner; facts are read from Cloudinary; a refused file (format, size) is
   * deleted. Repeating it returns the same record.
   */
  async adopt(identifier, ownerId) {
    if (typeof identifier !== 'string') throw codedError('INVALID_IDENTIFIER', 'the identifier must be a string');
    return unwrap(await this.#native.adopt(identifier, ownerArg(ownerId)));
  }

  /**
   * Ends the owner's unfinished direct upload `recordId` (a `signDirectUpload` answer's `record_id`) that
   * will not be used: an asset the browser uploaded anyway is deleted, and the record stays `deleting`
   * (invisible) until its signature has expired, so that what a late post of the signed params stores is
   * deleted by `sweep()`; until then it still counts against `maxPendingDirectUploads`. Resolves to
   * `{ cancelled }`, `false` when it had already ended; an adopted upload is NOT_FOUND (use `remove`).
   */
  async cancelDirectUpload(recordId, ownerId) {
    return unwrap(await this.#native.recordAction('cancelDirectUpload', idArg(recordId), ownerArg(ownerId)));
  }

  /** The owner's committed record (soft-deleted ones too), with its delivery URLs. */
  async get(id, ownerId) {
    return unwrap(await this.#native.recordAction('find', idArg(id), ownerArg(ownerId)));
  }

  /** One page of the owner's committed records: `{ items, next }` (pass `next` as `after`). */
  async list(ownerId, options = {}) {
    const { deleted, after, limit } = readingArguments('options', () => {
      const o = options ?? {};
      const d = o.deleted ?? 'exclude';
      if (!['exclude', 'include', 'only'].includes(d)) throw codedError('INVALID_ARGUMENT', 'deleted must be exclude, include or only');
      const l = o.limit ?? 100;
      if (!Number.isInteger(l) || l < 1 || l > 1000) throw codedError('INVALID_ARGUMENT', 'limit must be an integer from 1 to 1000');
      if (o.after !== undefined && o.after !== null && typeof o.after !== 'string') throw codedError('INVALID_ARGUMENT', 'after must be the `next` of a previous page');
      return { deleted: d, after: o.after ?? undefined, limit: l };
    });
    return unwrap(await this.#native.list(ownerArg(ownerId), deleted, after, limit));
  }

  /** Owner-scoped delete: the record goes `deleting`, the asset is destroyed, the record goes. */
  async remove(id, ownerId) {
    return unwrap(await this.#native.recordAction('remove', idArg(id), ownerArg(ownerId)));
  }

  /** Marks the record deleted (the asset stays until `purge`). */
  async softRemove(id, ownerId) {
    return unwrap(await this.#native.recordAction('softRemove', idArg(id), ownerArg(ownerId)));
  }

  /** Undoes `softRemove`. */
  async restore(id, ownerId) {
    return unwrap(await this.#native.recordAction('restore', idArg(id), ownerArg(ownerId)));
  }

  /** Removes everything soft-deleted at or before `olderThan` (a Date or ISO string). */
  async purge(options = {}) {
    const iso = readingArguments('olderThan', () => isoTime((options ?? {}).olderThan, 'olderThan'));
    return unwrap(await this.#native.purge(iso));
  }

  /** Finishes pending and deleting records whose lease is over; safe on every replica at once. */
  async sweep(options = {}) {
    const max = readingArguments('options', () => {
      const m = (options ?? {}).max ?? 10000;
      if (!Number.isInteger(m) || m < 1) throw codedError('INVALID_ARGUMENT', 'max must be a positive integer');
      return m;
    });
    return unwrap(await this.#native.sweep(max));
  }

  /** The paged drift check: destroys assets no record names, removes committed records whose asset is gone. */
  async reconcile() {
    return unwrap(await this.#native.reconcile());
  }

  /**
   * Runs `sweep()` every `intervalMs` (default 60 s, with ±10% jitter so replicas spread out), and
   * `reconcile()` every `reconcileEveryMs` if given. Returns `{ stop() }`; the timer does not keep the
   * process alive. Errors go to `onError` (default: ignored until the next run).
   */
  startSweeper(options = {}) {
    const { intervalMs = 60000, reconcileEveryMs, onError = () => {}, onReport = () => {} } = options ?? {};
    if (!Number.isFinite(intervalMs) || intervalMs < 10) throw codedError('INVALID_ARGUMENT', 'intervalMs must be a number of at least 10');
    let stopped = false;
    let timer;
    let lastReconcile = Date.now();
    const tick = async () => {
      try {
        onReport({ sweep: await this.sweep() });
        if (reconcileEveryMs && Date.now() - lastReconcile >= reconcileEveryMs) {
          lastReconcile = Date.now();
          onReport({ reconcile: await this.reconcile() });
        }
      } catch (err) {
        try { onError(err); } catch { /* a throwing handler must not stop the sweeper */ }
      }
      if (!stopped) schedule();
    };
    const schedule = () => {
      timer = setTimeout(tick, intervalMs * (0.9 + Math.random() * 0.2));
      timer.unref?.();
    };
    schedule();
    return { stop: () => { stopped = true; clearTimeout(timer); } };
  }

  /** The folder an owner's assets live in (`<folder>/<encoded owner>`). */
  ownerFolder(ownerId) {
    return this.#native.ownerFolder(ownerArg(ownerId));
  }
}

module.exports = { MediaService, REPOSITORY_METHODS: METHODS };
