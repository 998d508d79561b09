'use strict';
// The Node package: the napi-rs addon (signing, URLs, identifiers, transport — all Rust), plus the part
// only JavaScript can do: taking Node/web streams, AbortSignals and Writables, and turning the addon's
// result envelopes into Errors with `code` and `http_code`.
const { Writable } = require('node:stream');
const { codedError, readingArguments } = require('./arguments.cjs');

// The addon for this platform (npm/node/native.cjs says where it looks, and what is missing).
const { native } = require('./native.cjs');

const REMOTE = /^(?:https?|ftp|s3|gs):\/\//i;

/** Turns a native envelope into the result, or throws its error. */
function unwrap(envelope) {
  if (!envelope.ok) {
    const { code, message, http_code: httpCode } = envelope.error;
    throw codedError(code, message, httpCode === undefined ? {} : { http_code: httpCode });
  }
  const result = envelope.result;
  if (envelope.stats) Object.defineProperty(result, 'uploadStats', { value: envelope.stats, enumerable: false });
  return result;
}

function abortError(signal) {
  return codedError('ABORTED', 'The upload was aborted', { cause: signal.reason });
}

const toBuffer = (piece) => (Buffer.isBuffer(piece) ? piece
  : typeof piece === 'string' ? Buffer.from(piece)
    : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength));

/**
 * Decides how a source travels: a path Rust reads, bytes, a stream fed piece by piece, or text Cloudinary
 * fetches. A string is never a path: a file on this server's disk must be named explicitly (`{ path }` or
 * a `file:` URL), so a string that came from a user can never read the server's disk.
 */
function classify(source) {
  if (typeof source === 'string') {
    if (REMOTE.test(source) || source.startsWith('data:')) return { kind: 'remote', payload: source };
    throw codedError('INVALID_ARGUMENT', 'a string source must be a remote URL or a data URI; to upload a file from this server\'s disk pass { path } (or a file: URL)');
  }
  if (source instanceof URL && source.protocol === 'file:') return { kind: 'path', payload: require('node:url').fileURLToPath(source) };
  if (source && typeof source === 'object' && typeof source.path === 'string' && Object.keys(source).length === 1) return { kind: 'path', payload: source.path };
  if (ArrayBuffer.isView(source)) return { kind: 'bytes', payload: toBuffer(source) };
  if (source instanceof ArrayBuffer) return { kind: 'bytes', payload: Buffer.from(source) };
  if (source && typeof source.getReader === 'function') return { kind: 'stream', iterable: webStreamPieces(source) };
  if (source && typeof source[Symbol.asyncIterator] === 'function' && typeof source.on === 'function') return { kind: 'stream', iterable: source };
  throw codedError('INVALID_ARGUMENT', 'upload source must be { path }, a file: URL, a remote URL, a data URI, a Buffer/Uint8Array, a Node Readable or a web ReadableStream');
}

async function* webStreamPieces(stream) {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

function progressCallback(onProgress) {
  if (onProgress === undefined || onProgress === null) return undefined;
  if (typeof onProgress !== 'function') throw codedError('INVALID_ARGUMENT', 'onProgress must be a function');
  // The addon calls back with one `[loaded, total]` pair (total -1 while unknown).
  return ([loaded, total]) => {
    try {
      onProgress({ loaded, total: total < 0 ? undefined : total });
    } catch {
      // A throwing progress handler must not break the upload.
    }
  };
}

function splitOptions(options) {
  return readingArguments('options', () => {
    if (options === undefined || options === null) return { rest: {} };
    if (typeof options !== 'object') throw codedError('INVALID_ARGUMENT', 'options must be an object');
    const { onProgress, signal, ...rest } = options;
    if (signal !== undefined && !(signal instanceof AbortSignal)) throw codedError('INVALID_ARGUMENT', 'signal must be an AbortSignal');
    return { onProgress, signal, rest };
  });
}

/** Awaits a task's envelope, cancelling it on abort and feeding it from `iterable` when given. */
async function settle(task, signal, iterable) {
  let feedError;
  const onAbort = () => task.cancel();
  if (signal) {
    if (signal.aborted) {
      task.cancel();
      throw abortError(signal);
    }
    signal.addEventListener('abort', onAbort, { once: true });
  }
  try {
    const pending = task.result();
    if (iterable) {
      (async () => {
        for await (const piece of iterable) {
          if (!(await task.write(toBuffer(piece)))) return;
        }
        task.end();
      })().catch((err) => {
        feedError = err;
        task.cancel();
      });
    }
    const envelope = await pending;
    if (feedError) throw codedError('UPLOAD_FAILED', `reading the upload source failed: ${feedError.message}`, { cause: feedError });
    if (!envelope.ok && envelope.error.code === 'ABORTED' && signal && signal.aborted) throw abortError(signal);
    return unwrap(envelope);
  } finally {
    if (signal) signal.removeEventListener('abort', onAbort);
  }
}

function publicIdArg(id) {
  if (typeof id !== 'string' || id === '') throw codedError('INVALID_ARGUMENT', 'a public id must be a non-empty string');
  return id;
}

// The core functions and the account methods, with their JSON fast path: generated from the export table.
const generated = require('./generated.cjs')(native);

/** A client bound to one account: everything of the addon's `Cloudinary`, plus uploads and asset calls. */
class Cloudinary extends generated.CloudinaryBase {
  /** `Cloudinary` from the `CLOUDINARY_URL` environment variable. */
  static fromEnv() {
    const url = process.env.CLOUDINARY_URL;
    if (!url) throw codedError('MISSING_OPTION', 'CLOUDINARY_URL is not set');
    return new Cloudinary(url);
  }

  /**
   * Uploads a file path, Buffer/Uint8Array, Node Readable, web ReadableStream, or a remote URL / data URI.
   * Above `chunk_size` (default 20 MB), and for streams, the chunked protocol is used.
   */
  async upload(source, options) {
    const { onProgress, signal, rest } = splitOptions(options);
    const { kind, payload, iterable } = readingArguments('the upload source', () => classify(source));
    const task = this.startUpload(kind, payload, rest, progressCallback(onProgress));
    return settle(task, signal, iterable);
  }

  /** A Writable to pipe into; its result is `.result` (a promise) and a `'result'` event. */
  uploadStream(options) {
    const { onProgress, signal, rest } = splitOptions(options);
    const task = this.startUpload('stream', undefined, rest, progressCallback(onProgress));
    const settled = settle(task, signal, null);
    const writable = new Writable({
      highWaterMark: 256 * 1024,
      write(chunk, encoding, callback) {
        task.write(toBuffer(chunk)).then(() => callback(), callback);
      },
      // 'finish' means uploaded: the end waits for Cloudinary's answer; a failure ends the stream instead.
      final(callback) {
        task.end();
        settled.then(() => callback(), (err) => fail(err));
      },
      destroy(err, callback) {
        if (err) task.cancel();
        callback(err);
      },
    });
    // A failure is emitted as 'error' when someone listens for it, and always rejects `.result`: an
    // unobserved 'error' event would crash the process, which a caller awaiting `.result` must not suffer.
    const fail = (err) => {
      if (!writable.destroyed) writable.destroy(writable.listenerCount('error') > 0 ? err : undefined);
    };
    writable.result = settled.then(
      (result) => {
        writable.emit('result', result);
        return result;
      },
      (err) => {
        fail(err);
        throw err;
      },
    );
    writable.result.catch(() => {});
    return writable;
  }

  /** Deletes an asset: `{ result: 'ok' }` or `{ result: 'not found' }`. */
  async destroy(publicId, options) {
    return unwrap(await this.destroyRaw(publicIdArg(publicId), options));
  }

  /** Renames an asset. */
  async rename(fromPublicId, toPublicId, options) {
    return unwrap(await this.renameRaw(publicIdArg(fromPublicId), publicIdArg(toPublicId), options));
  }

  /** Updates an existing asset (eager transformations, tags, context, ...). */
  async explicit(publicId, options) {
    return unwrap(await this.explicitRaw(publicIdArg(publicId), options));
  }

  /** Admin API: one asset's details (`{ resource_type, type }`), as Cloudinary stores them. */
  async resource(publicId, options) {
    return unwrap(await this.resourceRaw(publicIdArg(publicId), options));
  }

  /** Admin API: one page of assets (`{ resource_type, type, prefix, max_results, next_cursor }`): `{ resources, next_cursor? }`. */
  async resources(options) {
    return unwrap(await this.resourcesRaw(options));
  }
}

// Plumbing stays private: the JSON and flat twins, the names flat-bytes.cjs writes keys by, and the
// envelope methods' raw forms are on the class only.
const PRIVATE = new Set([...generated.twins, 'flatKeyNames']);
const publicNative = Object.fromEntries(Object.entries(native).filter(([name]) => !PRIVATE.has(name)));
module.exports = { ...publicNative, ...generated.functions, Cloudinary };
// Loaded after the exports above: MediaService builds on them. (SqliteRepository is native.)
module.exports.MediaService = require('./media.cjs').MediaService;
module.exports.PostgresRepository = require('./postgres-repository.cjs').PostgresRepository;
