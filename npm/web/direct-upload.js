// Browser direct upload: the file goes from the browser to Cloudinary (or the emulator), signed by the
// app's server. Chunked above `chunkSize` with each failed chunk retried; progress, pause/resume, abort,
// coded errors. With `resumable`, what continuing needs is kept in IndexedDB (resume-store.js) after
// every acknowledged chunk, so the same file picked again after a reload or a crash continues from the
// next unacknowledged chunk under the same upload id. Chunk plans, status classification and the retry
// decision (whether, and after how long) come from the wasm core, so they match the Node transport.

import { abortedError, codedError, post, sleep, whileOffline } from './http.js';
import { RESUME_MAX_AGE_MS, deleteEntry, fingerprint, loadEntry, saveEntry, withClaim } from './resume-store.js';
import { downscaleImage } from './downscale.js';

const DEFAULT_PREFIX = 'https://api.cloudinary.com';
/** Keys of a signing answer that tell the browser where to upload; they are not upload params. */
const ENVELOPE = new Set(['upload_url', 'cloud_name', 'resource_type', 'record_id']);
/** Fields that differ each time the same upload is signed again. */
const PER_SIGNATURE = new Set(['signature', 'timestamp', 'api_key']);
/** Cloudinary refuses a timestamp older than an hour: re-sign before a chunk once the signature is this old. */
const RESIGN_AFTER_MS = 50 * 60_000;
/** The longest a try waits for a browser that says it is offline to say it is online (then it goes). */
const OFFLINE_WAIT_MS = 60_000;

/** Errors after which the same upload can never succeed: its stored state is dropped. */
const permanent = new WeakSet();
/** Failures of the app's sign(): never the upload's own, so they leave its stored state alone. */
const fromSign = new WeakSet();
/** What #sendChunk answers when the upload had to start over from byte 0 (see #resign). */
const RESTARTED = Symbol('restarted');

function randomId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The signed identifier to hand back to the server (`verifyIdentifier` checks it). */
export function signedIdentifier(result) {
  const file = result.format && result.resource_type !== 'raw' ? `${result.public_id}.${result.format}` : result.public_id;
  return `${result.resource_type}/${result.type}/v${result.version}/${file}#${result.signature}`;
}

/**
 * What a signature fixes about the asset: the signed fields but the per-signature ones. Two signings of
 * one upload must agree on it, or their chunks cannot be assembled into one asset.
 */
function uploadParams(fields) {
  return JSON.stringify(sentFields(fields).filter(([k]) => !PER_SIGNATURE.has(k)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** What an app's rejection says (`message`, else the value as text; a value with no text, such as `Object.create(null)`, says so). */
function text(e) {
  try {
    return String(e?.message ?? e);
  } catch {
    return 'a rejection that has no text';
  }
}

/** The `[name, text]` pairs of signed fields that go to the server as form fields (not the envelope, no blanks). */
function sentFields(fields) {
  return Object.entries(fields).filter(([k, v]) => !ENVELOPE.has(k) && v !== undefined && v !== null).map(([k, v]) => [k, String(v)]);
}

/**
 * One upload of one file, started at construction; `done` resolves to `{ result, identifier }`.
 * pause() aborts the chunk in flight (its bytes are sent again on resume; but a request the server could
 * store twice is let finish) and sends nothing until resume(); abort() cancels and forgets the resumable
 * state; the `signal` option stops the upload but keeps that state, so picking the file again (after a
 * reload, say) continues it.
 */
export class DirectUpload {
  #core;
  #options;
  #state = 'running';
  #loaded = 0;
  #total = 0;
  /** Bytes the server acknowledged (where a pause leaves the progress). */
  #acked = 0;
  /** Aborts the request or retry wait in progress (pause, abort, the caller's signal). */
  #current = null;
  /** Wakes the upload waiting in #gate. */
  #wake = null;
  #stopped = false;
  #forget = false;
  /** Rejects the sign() being waited for when the upload is stopped (a hanging server must not hold abort()). */
  #onStop = null;
  /** Whether the store holds this upload's state (loaded, or saved at least once): then it can continue. */
  #kept = false;
  /** Set once the upload has ended with its state kept: what a later abort() does to forget it. */
  #forgetKept = null;
  /** Who saved a stored entry last (see #save). */
  #owner = randomId();
  /** Whether a "Stale request" made the upload start over since the server last answered a chunk. */
  #staleRestarted = false;
  /** When the retry wait in progress ends: a pause and resume during it do not cut it short. */
  #notBefore = 0;
  /** The controller of the request in flight when it must not be sent twice (see pause()). */
  #finishing = null;
  /** Bytes an earlier page had sent, acknowledged, when this upload continued from the store. */
  resumedFrom = 0;

  constructor(core, file, options = {}) {
    this.#core = core;
    this.#options = options;
    const { signal } = options;
    signal?.addEventListener('abort', () => this.#stop(false), { once: true });
    this.done = this.#run(file);
    this.done.then(() => { this.#state = 'done'; }, (e) => { this.#state = e?.code === 'ABORTED' ? 'aborted' : 'failed'; });
  }

  /** `running`, `paused`, `done`, `failed` or `aborted`. */
  get state() { return this.#state; }

  /** Bytes acknowledged so far (plus those of the chunk in flight). */
  get loaded() { return this.#loaded; }

  /** Bytes to upload (after `downscale`); 0 until known. */
  get total() { return this.#total; }

  pause() {
    if (this.#state !== 'running') return;
    this.#state = 'paused';
    // A request the server could store twice (a whole file or a last chunk without a public_id) is let
    // finish: aborted, it may still have reached the server whole, and sent again on resume it could make
    // a second asset. Its answer counts; the pause holds what comes after it.
    if (this.#current === this.#finishing) return;
    this.#current?.abort();
    this.#report(this.#acked); // the chunk in flight is lost and sent again on resume
  }

  resume() {
    if (this.#state !== 'paused') return;
    this.#state = 'running';
    this.#wake?.();
  }

  /** Cancels the upload; `done` rejects with ABORTED and the resumable state is deleted. */
  abort() {
    this.#stop(true);
  }

  #stop(forget) {
    if (forget && !this.#forget) {
      this.#forget = true;
      // Ended already with its state kept (the signal stopped it, or its retries ran out): forget it now.
      this.#forgetKept?.();
    }
    if (this.#stopped) return;
    this.#stopped = true;
    this.#current?.abort();
    this.#onStop?.();
    this.#wake?.();
  }

  /** Waits while paused; throws ABORTED once stopped. */
  async #gate() {
    while (this.#state === 'paused' && !this.#stopped) await new Promise((resolve) => { this.#wake = resolve; });
    this.#wake = null;
    if (this.#stopped) throw abortedError();
  }

  #acknowledged(offset) {
    this.#acked = offset;
    this.#report(offset);
  }

  #report(loaded) {
    this.#loaded = Math.min(this.#total, loaded);
    this.#options.onProgress?.({ loaded: this.#loaded, total: this.#total });
  }

  async #run(original) {
    const o = this.#options;
    if (!(original instanceof Blob)) throw codedError('INVALID_ARGUMENT', 'file must be a File or Blob');
    if (!o.sign && !o.uploadPreset) throw codedError('MISSING_OPTION', 'directUpload needs sign() or uploadPreset');
    if (o.cancel !== undefined && typeof o.cancel !== 'function') throw codedError('INVALID_OPTION', 'cancel must be a function');
    if (o.signal?.aborted) throw abortedError();
    const { chunkSize = 20_000_000, resumable, retries = 3, retryDelay = 500 } = o;
    if (!((Number.isInteger(retries) || retries === Infinity) && retries >= 0)) throw codedError('INVALID_OPTION', 'retries must be a whole number of at least 0 (or Infinity)');
    if (!(typeof retryDelay === 'number' && retryDelay >= 0)) throw codedError('INVALID_OPTION', 'retryDelay must be a number of milliseconds, at least 0');
    const maxAge = resumable?.maxAge ?? RESUME_MAX_AGE_MS;
    if (!(typeof maxAge === 'number' && maxAge > 0)) throw codedError('INVALID_OPTION', 'resumable.maxAge must be a positive number of milliseconds');
    const file = o.downscale ? await downscaleImage(original, o.downscale) : original;
    this.#total = file.size;
    // A file sent in one request has nothing to resume.
    const key = resumable && file.size > chunkSize ? await this.#storeKey(file) : null;
    if (!key) return this.#upload(null, file, chunkSize, maxAge);
    // The same file uploading twice at once (dropped twice, or in two tabs) must not continue one stored
    // upload from two places: the second uploads afresh, with nothing stored (see withClaim).
    return withClaim(key, (claimed) => this.#upload(claimed ? key : null, file, chunkSize, maxAge));
  }

  /** Uploads `file`, continuing and keeping its stored state under `key` (none: nothing stored). */
  async #upload(key, file, chunkSize, maxAge) {
    const o = this.#options;
    const stored = key ? await loadEntry(key, maxAge).catch(() => null) : null;
    const s = stored && stored.total === file.size ? stored : await this.#fresh(key, file, chunkSize);
    if (s === stored) {
      this.#kept = true;
      this.resumedFrom = s.offset;
      this.#acknowledged(s.offset);
      await this.#save(s); // now this upload's (see #save): its abort() forgets it, an older handle's not
    }
    try {
      const result = await this.#chunks(s, file);
      if (key) await deleteEntry(key).catch(() => {});
      return { result, identifier: signedIdentifier(result) };
    } catch (e) {
      // Given up for good (abort(), a failure no retry mends, or any stop with no stored state to
      // continue from): nothing will use this signature again.
      const ended = !this.#kept || permanent.has(e) || (e.code === 'ABORTED' && this.#forget);
      const forget = () => {
        this.#forgetKept = null;
        // Not awaited: `done` rejects at once, whatever the server takes to answer.
        if (o.sign && o.cancel) void this.#cancel(s.fields);
        return key ? deleteEntry(key).catch(() => {}) : undefined;
      };
      if (ended) await forget();
      // A later abort() forgets the kept state: only while it is still this upload's (no other upload
      // holds it, nor has continued it under a new signature, nor finished it).
      else {
        this.#forgetKept = () => withClaim(key, async (claimed) => {
          const entry = claimed ? await loadEntry(key, Infinity).catch(() => null) : null;
          if (entry?.owner === this.#owner) await forget();
        }).catch(() => {});
      }
      throw e;
    }
  }

  /**
   * Tells the app's server, through the `cancel` option, that these signed fields will not be used, so an
   * intent-signing server can end the upload's record now (cirrus's `cancelDirectUpload`) rather than
   * when it expires. Its failure is not the upload's: `done` still rejects with the upload's error, and
   * the server's sweep ends the record later.
   */
  async #cancel(fields) {
    try {
      await this.#options.cancel({ ...fields });
    } catch {
      // The server ends an intent nobody cancels once its signature has expired.
    }
  }

  /** The store key, or null where the store cannot be used (the upload then runs without resuming). */
  async #storeKey(file) {
    const o = this.#options;
    const target = [o.params ?? {}, o.resourceType ?? 'auto', o.uploadPreset ?? null, o.cloudName ?? null, o.uploadPrefix ?? null];
    try {
      return await fingerprint(file, target);
    } catch {
      return null;
    }
  }

  /** A new upload's state: signed now, a new upload id, nothing acknowledged. */
  async #fresh(key, file, chunkSize) {
    const o = this.#options;
    // Stopped while the server signs: nothing will use the fields it answers, so it hears of them.
    const fields = await (o.sign ? this.#sign({ ...(o.params ?? {}) }, undefined, (late) => o.cancel && this.#cancel(late)) : { ...(o.params ?? {}), upload_preset: o.uploadPreset });
    let url;
    try {
      url = this.#url(fields);
    } catch (e) {
      if (o.sign && o.cancel) void this.#cancel(fields); // signed with nowhere to upload: nothing will use them
      throw e;
    }
    return { key, name: file.name ?? '', total: file.size, chunkSize, uploadId: randomId(), offset: 0, fields, signedAt: Date.now(), url };
  }

  /**
   * The app's sign(), given up with ABORTED as soon as the upload is stopped (`late` gets what it answers
   * afterwards). Its failure is coded: the app's own code where it gave one, else REQUEST_FAILED,
   * retried as a chunk's network failure is.
   */
  async #sign(params, context, late) {
    if (this.#stopped) throw abortedError();
    const signing = (async () => {
      const fields = await this.#options.sign(params, context);
      if (fields === null || typeof fields !== 'object') throw new TypeError('it answered no fields object');
      return fields;
    })();
    try {
      return await new Promise((resolve, reject) => {
        this.#onStop = () => reject(abortedError());
        signing.then(resolve, reject);
      });
    } catch (e) {
      if (this.#stopped) {
        if (late) signing.then(late, () => {});
        throw abortedError();
      }
      // The app's own code stays, but ABORTED: that one only the upload's stop may answer.
      const error = typeof e?.code === 'string' && e.code !== 'ABORTED' ? e : codedError('REQUEST_FAILED', `sign() failed: ${text(e)}`, { cause: e });
      fromSign.add(error);
      throw error;
    } finally {
      this.#onStop = null;
    }
  }

  #url(fields) {
    const o = this.#options;
    const cloudName = fields.cloud_name || o.cloudName;
    if (!cloudName && !fields.upload_url) throw codedError('MISSING_OPTION', 'cloudName is needed (or an upload_url from sign())');
    // Checked here, before anything is stored: a renewal answering a URL no upload can go to is its failure.
    let url = '';
    try {
      url = String(fields.upload_url || `${o.uploadPrefix || DEFAULT_PREFIX}/v1_1/${cloudName}/${o.resourceType || 'auto'}/upload`);
      // Resolved as XMLHttpRequest resolves it (against the document's base URL).
      if (/^https?:$/.test(new URL(url, globalThis.document?.baseURI ?? globalThis.location?.href).protocol)) return url;
    } catch {
      // not a URL (or not text)
    }
    throw codedError('INVALID_OPTION', `The upload URL is not an http(s) URL: ${url}`);
  }

  async #save(s) {
    // The entry names the upload that saved it last: a stopped handle forgets only its own.
    s.owner = this.#owner;
    if (s.key && await saveEntry(s).then(() => true, () => false)) this.#kept = true;
  }

  /** Sends the chunks from `s.offset` on; resolves to the final result. */
  async #chunks(s, file) {
    const chunks = file.size > s.chunkSize ? this.#core.planChunks(file.size, s.chunkSize) : [[0, file.size - 1]];
    let startedOver = false;
    for (;;) {
      // Chunks wholly below the acknowledged offset were stored by the server already.
      const i = Math.max(0, chunks.findIndex(([, end]) => end >= s.offset));
      const [start, end] = chunks[i];
      const last = i === chunks.length - 1;
      const body = await this.#sendChunk(s, file, chunks.length > 1, start, end, last);
      if (body === RESTARTED) continue;
      this.#staleRestarted = false;
      if (last) {
        if (body.public_id !== undefined) return body;
        // A whole file answered 200 without an asset: nothing to start over from (sending it again could
        // store it twice), and no result to give.
        if (chunks.length === 1) {
          const error = codedError('UPLOAD_FAILED', 'The server answered without an asset', { http_code: 200 });
          permanent.add(error);
          throw error;
        }
        // A 200 without an asset on the last chunk: the server no longer holds earlier chunks (they
        // expired while the upload waited). Start over under a new upload id, once.
        if (startedOver) throw codedError('UPLOAD_FAILED', 'The server did not assemble the upload from its chunks');
        startedOver = true;
        await this.#restart(s, s.fields);
        continue;
      }
      s.offset = end + 1;
      await this.#save(s);
      this.#acknowledged(s.offset);
    }
  }

  /** Drops what was sent: a new upload id from byte 0, under `fields` (signed when they were, if the same). */
  async #restart(s, fields, url = this.#url(fields)) {
    Object.assign(s, { uploadId: randomId(), offset: 0, fields, signedAt: fields === s.fields ? s.signedAt : Date.now(), url });
    this.resumedFrom = 0;
    await this.#save(s);
    this.#acknowledged(0);
  }

  /**
   * Signs again with the same params (and the public_id the first signature fixed, if the app did not
   * choose one). A server that answers with other upload params (an intent-signing server that picked a
   * new public_id) starts a new upload: the chunks sent so far were signed for the old params, and one
   * upload id assembles under one set of params. Resolves to RESTARTED then.
   */
  async #resign(s) {
    const o = this.#options;
    const params = { ...(o.params ?? {}) };
    if (s.fields.public_id != null && params.public_id == null) params.public_id = s.fields.public_id;
    // Stopped while the server signs again: fields for another upload (a new record at an intent-signing
    // server) are used by nobody, so it hears of them; the same upload's (the same params, or the same
    // record signed anew) are the stored state's to cancel.
    const sameRecord = (fields) => fields.record_id != null && String(fields.record_id) === String(s.fields.record_id);
    const late = (fields) => o.cancel && uploadParams(fields) !== uploadParams(s.fields) && !sameRecord(fields) && this.#cancel(fields);
    const fields = await this.#sign(params, { previous: s.fields }, late);
    let url;
    try {
      url = this.#url(fields);
    } catch (e) {
      fromSign.add(e); // what sign() answered lacks where to upload: its failure, not the upload's
      late(fields); // and fields signed for another upload are used by nobody
      throw e;
    }
    if (uploadParams(fields) !== uploadParams(s.fields)) {
      await this.#restart(s, fields, url);
      return RESTARTED;
    }
    Object.assign(s, { fields, signedAt: Date.now(), url });
    await this.#save(s);
    return null;
  }

  /**
   * The signature doctor on Cloudinary's "Invalid Signature": what the server signed (the fields sign()
   * returned, as sent) against the string Cloudinary signed. A page has no secret: it can tell a param
   * sent but not signed, or a value written differently, not a wrong secret. Only the full module carries
   * the doctor; in the browser module this answers undefined.
   */
  #diagnose(fields, message) {
    const signed = Object.fromEntries(sentFields(fields).filter(([k]) => k !== 'signature' && k !== 'api_key'));
    try {
      return this.#core.explainSignature(signed, { error: message, signature: String(fields.signature ?? '') }, Date.now());
    } catch {
      return undefined; // a diagnosis is a help, never a second failure
    }
  }

  /** One chunk, retried; honours pause (the chunk is sent again after resume) and re-signs when needed. */
  async #sendChunk(s, file, chunked, start, end, last) {
    const o = this.#options;
    const { retries = 3, retryDelay = 500 } = o;
    let staleResigned = false;
    for (let attempt = 0; ;) {
      await this.#gate();
      const controller = new AbortController();
      this.#current = controller;
      // A pause or stop between the gate and here would have aborted the previous controller.
      if (this.#state === 'paused' || this.#stopped) continue;
      let error;
      // How the attempt ended, for the core's retry decision: the answer's status, 0 when the request went
      // out and the network failed or timed out or a 200 came without an answer object, -1 when nothing
      // was sent (sign() failed); null when no retry can mend it.
      let outcome = null;
      // What the core's rule of sending an upload twice depends on (cirrus_core::retry::upload_idempotent).
      const fixedId = Boolean(s.fields.public_id);
      const chunkButLast = chunked && !last;
      try {
        // What is left of a retry wait a pause interrupted (a resume right after a 429 still waits).
        if (this.#notBefore > Date.now()) await sleep(this.#notBefore - Date.now(), controller.signal);
        // Offline, a try fails at once, as a lost answer: the retries would all be spent in a moment (with
        // `retries: Infinity` and `retryDelay: 0`, a busy loop), and an upload that may not be sent twice
        // would end there. A try waits for the browser to be online again (here, so that a pause during
        // this wait holds it, as it holds the one above).
        await whileOffline(controller.signal, OFFLINE_WAIT_MS);
        // A failed re-signing is retried as a failed chunk is (and leaves the stored state alone).
        if (o.sign && Date.now() - s.signedAt > RESIGN_AFTER_MS && await this.#resign(s) === RESTARTED) return RESTARTED;
        const headers = chunked ? { 'X-Unique-Upload-Id': s.uploadId, 'Content-Range': `bytes ${start}-${end}/${last ? file.size : -1}` } : {};
        const form = new FormData();
        for (const [k, v] of sentFields(s.fields)) form.append(k, v);
        form.append('file', chunked ? file.slice(start, end + 1) : file, file.name || 'blob');
        // Progress in file bytes: the body's share sent, of this chunk's length (the fields are overhead).
        const onBytes = (sent, size) => this.#report(start + Math.floor((end - start + 1) * (size ? sent / size : 0)));
        if (!this.#core.uploadIdempotent(fixedId, chunkButLast)) this.#finishing = controller;
        let answer;
        try {
          answer = await post(s.url, form, headers, controller.signal, onBytes);
        } finally {
          this.#finishing = null;
        }
        const { status, text } = answer;
        let body;
        try { body = JSON.parse(text); } catch { body = null; }
        // As the Node transport reads an answer (crates/transport/src/request.rs, `answer`): a JSON object,
        // whose error is the string at error.message.
        const isObject = body !== null && typeof body === 'object' && !Array.isArray(body);
        const errorMessage = typeof body?.error?.message === 'string' ? body.error.message : undefined;
        if (status === 200 && isObject && errorMessage === undefined) return body;
        // A 200 without such an object is no answer (the server may well have stored the upload), as a
        // network failure is: the core then sends it again only where that cannot make a second asset.
        const noAnswer = status === 200 && !isObject;
        // The core's code for the status either way; retryable as any lost answer is (http.js's network error).
        const classified = this.#core.classifyStatus(status, true);
        const { code } = classified;
        const retryable = noAnswer || classified.retryable;
        const message = noAnswer ? 'The server returned invalid JSON' : errorMessage ?? `Server returned unexpected status code - ${status}`;
        error = codedError(code, message, { http_code: status, retryable });
        outcome = noAnswer ? 0 : status;
        if (status === 401 && /Invalid Signature/.test(message)) error.diagnosis = this.#diagnose(s.fields, message);
        // The signature outlived Cloudinary's hour (a clock ahead of the signing server's): once per chunk,
        // and one start over since the last answer (a server whose clock is behind, signing each time for
        // a new public_id, would have the upload start over forever).
        if (/Stale request/.test(message) && o.sign && !staleResigned && !this.#staleRestarted) {
          if (await this.#resign(s) === RESTARTED) {
            this.#staleRestarted = true;
            return RESTARTED;
          }
          staleResigned = true;
          continue;
        }
      } catch (e) {
        if (e.code === 'ABORTED' && this.#stopped) throw e;
        if (e.code === 'ABORTED') continue; // paused: the gate waits for resume, then the chunk goes again
        error = e; // (an app's ABORTED from sign() arrives as REQUEST_FAILED)
        if (fromSign.has(e)) outcome = e.code === 'REQUEST_FAILED' || e.retryable ? -1 : null;
        else if (e.retryable) outcome = 0;
      }
      // The wait before the next try (ms), or what the error's message gains when there is none.
      const decision = outcome === null ? '' : this.#core.retryDecision(outcome, attempt, retries, retryDelay, fixedId, chunkButLast, Math.random());
      if (typeof decision === 'string') {
        // A note here is the "may have applied" stop (the browser has no deadline and reads no Retry-After):
        // resending it later, from the stored state, could make a second asset, so nothing continues it.
        if ((!error.retryable || decision) && !fromSign.has(error)) permanent.add(error);
        // Only this module's own errors are written to (an app's, from sign(), may be frozen).
        if (decision) error.message += decision;
        if (!fromSign.has(error)) delete error.retryable;
        throw error;
      }
      // The retry counts now, once: a pause during the wait holds it, and the rest of the wait follows the
      // resume (#notBefore), so toggling pause neither skips the wait nor adds retries.
      attempt += 1;
      this.#notBefore = Date.now() + decision;
      try {
        await sleep(decision, controller.signal);
      } catch (e) {
        if (this.#stopped) throw e;
      }
    }
  }
}
