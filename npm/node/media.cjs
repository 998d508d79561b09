'use strict';
// MediaService: the Rust media service (crates/media) with the host's repository. This file only adapts
// JavaScript: repository methods become promise-returning functions, files of every shape (path, Buffer,
// Readable, multer objects) become sources, and result envelopes become values or coded Errors.
const { codedError, readingArguments } = require('./arguments.cjs');

const ownerArg = (ownerId) => readingArguments('ownerId', () => String(ownerId ?? ''));
// Record ids are whatever the repository uses: strings or numbers.
const idArg = (id) => {
  if (!((typeof id === 'string' && id !== '') || Number.isFinite(id))) throw codedError('INVALID_ARGUMENT', 'a record id must be a non-empty string or a number');
  return id;
};

function unwrap(envelope) {
  if (!envelope.ok) {
    const { code, message, http_code: httpCode } = envelope.error;
    throw codedError(code, message, httpCode === undefined ? {} : { http_code: httpCode });
  }
  return envelope.result;
}

/** A repository method as a function that always returns a promise (a sync throw becomes a rejection). */
function asyncMethod(repository, name) {
  const fn = repository[name];
  if (fn === undefined) return undefined;
  if (typeof fn !== 'function') throw codedError('INVALID_ARGUMENT', `repository.${name} must be a function`);
  if (name === 'update') return ([id, patch]) => Promise.resolve().then(() => fn.call(repository, id, patch));
  return (arg) => Promise.resolve().then(() => fn.call(repository, arg)).then((v) => (v === undefined ? null : v));
}

/** What `createOne` accepts, as the addon takes it. */
function fileSource(file) {
  if (file === null || file === undefined) throw codedError('MISSING_FILE', 'no file was given');
  if (typeof file === 'string') return { kind: 'path', payload: file, meta: { originalName: require('node:path').basename(file) } };
  if (Buffer.isBuffer(file) || file instanceof Uint8Array) return { kind: 'bytes', payload: Buffer.from(file.buffer, file.byteOffset, file.byteLength), meta: { size: file.byteLength } };
  if (typeof file.pipe === 'function' && typeof file[Symbol.asyncIterator] === 'function') return { kind: 'stream', iterable: file, meta: {} };
  if (typeof file === 'object') {
    // multer-style: { buffer | stream | path, originalname, mimetype, size } (mimetype is only advisory).
    const meta = { originalName: file.originalname ?? file.originalName ?? file.name, size: Number.isFinite(file.size) ? file.size : undefined };
    if (file.buffer) return { ...fileSource(file.buffer), meta: { ...meta, size: file.buffer.length } };
    if (file.path) return { kind: 'path', payload: file.path, meta };
    if (file.stream) return { kind: 'stream', iterable: file.stream, meta };
  }
  throw codedError('MISSING_FILE', 'file must be a path, Buffer, Readable, or { buffer | stream | path, originalname, mimetype, size }');
}

async function feed(task, iterable) {
  for await (const piece of iterable) {
    const buf = Buffer.isBuffer(piece) ? piece : Buffer.from(piece);
    if (!(await task.write(buf))) return;
  }
  task.end();
}

class MediaService {
  #native;

  /**
   * @param client a `Cloudinary` client
   * @param repository `{ create(record), findOne({ id, ownerId }), remove(id), update?(id, patch), list?(query) }`, async
   * @param options `{ folder, tag, maxBytes, allowedFormats, presets, repositoryTimeout, reconcileGrace, urlOptions, uploadDefaults }`
   */
  constructor(client, repository, options = {}) {
    const { NativeMediaService, Cloudinary } = require('./index.cjs');
    if (!readingArguments('the client', () => client instanceof Cloudinary)) throw codedError('INVALID_ARGUMENT', 'client must be a Cloudinary client');
    const methods = readingArguments('the repository', () => {
      if (!repository || typeof repository !== 'object') throw codedError('INVALID_ARGUMENT', 'a repository object is required');
      const found = {};
      for (const name of ['create', 'findOne', 'remove', 'update', 'list']) {
        const m = asyncMethod(repository, name);
        if (m) found[name] = m;
      }
      return found;
    });
    this.#native = readingArguments('the client or options', () => new NativeMediaService(client, methods, options));
  }

  /** Validates (by content), uploads, then records one file; resolves to the stored record. */
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
      const { concurrency: given = 4, ...others } = many ?? {};
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
   * Records a file the browser uploaded directly (`cirrus-web` `directUpload`): the signed identifier is
   * verified, the facts are read from Cloudinary, and the public id must start with `requiredPrefix`
   * (the folder your signer forced for this owner). Repeating it returns the same record.
   */
  async adopt(identifier, ownerId, options = {}) {
    const requiredPrefix = readingArguments('options', () => (options ?? {}).requiredPrefix);
    if (typeof identifier !== 'string') throw codedError('INVALID_IDENTIFIER', 'the identifier must be a string');
    if (typeof requiredPrefix !== 'string' || requiredPrefix === '') {
      throw codedError('INVALID_ARGUMENT', 'adopt needs requiredPrefix: the folder this owner may upload to, e.g. `direct/<owner>/`');
    }
    return unwrap(await this.#native.adopt(identifier, ownerArg(ownerId), requiredPrefix));
  }

  /** Owner-scoped delete: the cloud asset, then the record (a missing asset does not block it). */
  async remove(id, ownerId) {
    return unwrap(await this.#native.recordAction('remove', idArg(id), ownerArg(ownerId)));
  }

  /** Marks the record deleted (needs `repository.update`). */
  async softRemove(id, ownerId) {
    return unwrap(await this.#native.recordAction('softRemove', idArg(id), ownerArg(ownerId)));
  }

  /** Undoes `softRemove`. */
  async restore(id, ownerId) {
    return unwrap(await this.#native.recordAction('restore', idArg(id), ownerArg(ownerId)));
  }

  /** Deletes everything soft-removed before `olderThan` (a Date or ISO string; needs `repository.list`). */
  async purge(options = {}) {
    const iso = readingArguments('olderThan', () => {
      const olderThan = (options ?? {}).olderThan;
      return olderThan instanceof Date ? olderThan.toISOString().replace(/\.\d{3}Z$/, 'Z') : String(olderThan ?? '');
    });
    return unwrap(await this.#native.maintenance('purge', iso));
  }

  /** Repairs both sides: deletes cloud assets without records and records without assets. */
  async reconcile() {
    return unwrap(await this.#native.maintenance('reconcile'));
  }

  /** Public ids whose compensating delete failed, to be deleted by the next `reconcile()`. */
  pendingCleanup() {
    return this.#native.pendingCleanup();
  }
}

module.exports = { MediaService };
