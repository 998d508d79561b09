// Types of the web package. Every function is synchronous once `init()` has resolved.
import type { CloudinaryConfig } from './options.js';

export * from './options.js';

/**
 * Loads the WebAssembly module once (later calls return the same promise). Without `input`: bundlers
 * emit `cirrus-browser.wasm` (`cirrus.wasm` from `cirrus-web/full`) and browsers fetch it (with esbuild, copy it next to the bundle); Node, Deno and
 * Bun read it from the package; Cloudflare Workers get it compiled by wrangler. A failure rejects with
 * code `WASM_LOAD_FAILED`.
 */
export function init(input?: string | URL | Request | Response | BufferSource | WebAssembly.Module): Promise<void>;

// The core functions: generated from the export table.
export {
  url, apiSignRequest, signRequest, buildUploadParams, verifyIdentifier, parseIdentifier, explainSignature, generateAuthToken,
  verifyNotificationSignature, privateDownloadUrl, downloadArchiveUrl, downloadZipUrl, parseCloudinaryUrl,
} from './generated.js';
import type { CloudinaryMethods } from './generated.js';

/** Chunks of a chunked upload: `[start, end]` byte ranges (inclusive). */
export function planChunks(total: number, chunkSize: number): Array<[number, number]>;
/** The code of a failed call's HTTP status, and whether to retry it. */
export function classifyStatus(status: number, upload: boolean): { code: string; retryable: boolean };
/** `<resource_type>/<type>/v<version>/<public_id>[.<format>]#<signature>` for an upload result. */
export function signedIdentifier(result: { resource_type: string; type: string; version: number; public_id: string; format?: string; signature: string }): string;

/** What `downscale` (and `downscaleImage`) take. The image is never enlarged. */
export interface DownscaleOptions {
  /** Largest width in pixels (default: no limit). */
  maxWidth?: number;
  /** Largest height in pixels (default: no limit). */
  maxHeight?: number;
  /** 0..1 for JPEG and WebP (default 0.9). */
  quality?: number;
  /** The encoded type, e.g. `image/jpeg`, `image/webp` (default: the file's own). */
  type?: string;
}

/** The second argument `sign` gets when it is asked to sign an upload again. */
export interface SignContext {
  /**
   * The fields the upload was signed with before (with `record_id`, `public_id`...). `sign` is asked
   * again when that signature nears Cloudinary's one hour (as when a resumed upload continues the next
   * day): an intent-signing server should sign the same record again, or the upload starts over from byte 0.
   */
  previous?: Record<string, unknown>;
}

/** Options of `directUpload` and `createUpload`. */
export interface DirectUploadOptions {
  /** Asks your server to sign `params`; returns them with `signature`, `api_key`, `timestamp` (and `cloud_name` or `upload_url`). */
  sign?: (params: Record<string, unknown>, context?: SignContext) => Promise<Record<string, unknown>>;
  /**
   * Called with the signed fields (with `record_id` from an intent-signing server) when a signed upload
   * is given up for good: `abort()`, a failure no retry mends (Cloudinary refused the file or the
   * signature), or any stop of an upload with no stored state to continue from (not `resumable`, sent
   * in one request, or where IndexedDB is unavailable). Not when `signal` stops a resumable upload, which can still continue. Tell
   * your server, e.g. cirrus-nestjs's signing route:
   * `cancel: (f) => f.record_id != null && fetch('/sign', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cancel: f.record_id }), keepalive: true })`.
   * The media service then ends the record's upload (`cancelDirectUpload`): nothing can adopt it, and an
   * asset a late request stores is destroyed; the record stays, invisible, until the signature expires,
   * and counts towards `maxPendingDirectUploads` until then. Not awaited, errors ignored: `done` rejects
   * with the upload's own error.
   */
  cancel?: (fields: Record<string, unknown>) => unknown;
  /** An unsigned upload preset (instead of `sign`). */
  uploadPreset?: string;
  cloudName?: string;
  /** Default `https://api.cloudinary.com`. */
  uploadPrefix?: string;
  /** Upload params (folder, tags, context, ...), signed by `sign`. */
  params?: Record<string, unknown>;
  /** Default `auto`. */
  resourceType?: 'image' | 'video' | 'raw' | 'auto';
  /** Default 20 MB; larger files go in chunks. */
  chunkSize?: number;
  /** Retries of a failed chunk, or of a failed renewal of its signature (a whole number or Infinity, default 3). */
  retries?: number;
  /**
   * The first retry's longest wait in ms (default 500; jittered), doubling after each up to 20 s; at least
   * 1 s after a rate limit. While the browser is offline (`navigator.onLine` false) a try waits for it to
   * be online again (a minute at most). A whole file or a last chunk is retried after a 5xx (but 503) or a
   * lost answer (a 200 without a JSON object too) only when it names its `public_id`.
   */
  retryDelay?: number;
  onProgress?: (progress: { loaded: number; total: number }) => void;
  /** Stops the upload (ABORTED); a resumable upload keeps its state, so picking the file again continues it. */
  signal?: AbortSignal;
  /**
   * Keeps a chunked upload's state (upload id, acknowledged bytes, chunk size, signed params) in
   * IndexedDB after each chunk, so the same file picked again after a reload or crash continues where
   * it stopped. Deleted on completion, on a permanent failure and on `abort()`. `maxAge` (ms, default
   * 24 h): older unfinished uploads start over. While one upload continues a stored entry, the same file
   * uploading elsewhere (another tab, dropped twice) is a fresh upload with nothing stored.
   */
  resumable?: boolean | { maxAge?: number };
  /** Downscales/re-encodes an image in the browser first (OffscreenCanvas); other files go as they are. */
  downscale?: DownscaleOptions;
}

/** The result of an upload: Cloudinary's answer and the signed identifier to hand to your server. */
export interface DirectUploadResult {
  result: Record<string, any>;
  identifier: string;
}

/** One running upload (`createUpload`). */
export interface DirectUploadHandle {
  /** Resolves once the upload completes; rejects with a coded error (ABORTED after abort() or the signal). */
  readonly done: Promise<DirectUploadResult>;
  readonly state: 'running' | 'paused' | 'done' | 'failed' | 'aborted';
  /** Bytes acknowledged so far, plus those of the chunk in flight. */
  readonly loaded: number;
  /** Bytes to upload (after `downscale`); 0 until known. */
  readonly total: number;
  /** Bytes an earlier page had already uploaded when this one continued from the resumable store (0 otherwise). */
  readonly resumedFrom: number;
  /**
   * Aborts the chunk in flight (sent again on resume) and sends nothing until resume(). A whole file or a
   * last chunk without a `public_id` is let finish instead (sent again, it could make a second asset): the
   * upload may then be `done` or `failed` while paused.
   */
  pause(): void;
  resume(): void;
  /**
   * Cancels at once (also while `sign()` is still answering): `done` rejects with ABORTED, the resumable
   * state is deleted and `cancel` hears of it. After the `signal` stopped the upload (or its retries ran
   * out), it still deletes the kept state and cancels, while that state is its own (no upload of the
   * same file has continued it since).
   */
  abort(): void;
}

/** Uploads from the browser; resolves to Cloudinary's result and the signed identifier to hand to your server. */
export function directUpload(file: Blob, options: DirectUploadOptions): Promise<DirectUploadResult>;

/** Starts an upload and returns its handle (pause, resume, abort, `done`). */
export function createUpload(file: Blob, options: DirectUploadOptions): DirectUploadHandle;

/** Options of `uploadMany`: every file gets the same upload options. */
export interface UploadManyOptions extends Omit<DirectUploadOptions, 'onProgress'> {
  /** Files uploading at once (default 3). */
  concurrency?: number;
  onFileProgress?: (index: number, progress: { loaded: number; total: number }) => void;
}

/** One file's outcome in `uploadMany`. */
/**
 * How uploads fail: a coded error. With the full module (`cirrus-web/full`), Cloudinary's "Invalid
 * Signature" (401) carries the signature doctor's `diagnosis` (what your server signed against what
 * Cloudinary signed, in plain words); the small browser module leaves the doctor out (it costs ~16 KB gzipped).
 */
export type DirectUploadError = Error & { code: string; http_code?: number; diagnosis?: import('./options.js').SignatureDiagnosis };

export type UploadOutcome = ({ ok: true } & DirectUploadResult) | { ok: false; error: DirectUploadError };

/** The handle of `uploadMany`. */
export interface UploadBatch {
  /** One outcome per file, in the files' order; a failure does not stop the others. */
  readonly done: Promise<UploadOutcome[]>;
  /** The uploads started so far, by file index (null until a file's turn comes). */
  readonly uploads: ReadonlyArray<DirectUploadHandle | null>;
  /** Pauses the running uploads and starts no new one until resume(). */
  pause(): void;
  resume(): void;
  abort(): void;
}

/** Uploads several files, `concurrency` at a time. */
export function uploadMany(files: Iterable<Blob> | ArrayLike<Blob>, options: UploadManyOptions): UploadBatch;

/** An image scaled to fit and re-encoded (a File of the same name); anything else, or an image that already fits, returned as is. */
export function downscaleImage(file: Blob, options?: DownscaleOptions): Promise<Blob>;

/** An unfinished resumable upload this origin holds (to tell the user which file to pick again). */
export interface ResumableUpload {
  key: string;
  name: string;
  size: number;
  /** Bytes acknowledged. */
  offset: number;
  /** When the last chunk was acknowledged (ms since the epoch). */
  updatedAt: number;
}

/**
 * The unfinished resumable uploads of this origin. Given `maxAge` (ms: the uploads' `resumable.maxAge`),
 * entries older than that, which would start over rather than continue, are deleted and not listed.
 */
export function listResumableUploads(options?: { maxAge?: number }): Promise<ResumableUpload[]>;
/** Forgets every unfinished upload and its signed params (call it on sign-out). */
export function clearResumableUploads(): Promise<void>;

/** A client bound to one account's config. In a browser, give it only public settings (no api_secret). */
export interface Cloudinary extends CloudinaryMethods {}
export declare class Cloudinary {
  constructor(config: CloudinaryConfig | string);
  static fromEnv(): Cloudinary;
  readonly cloudName: string | undefined;
  toJSON(): Record<string, unknown>;
  free(): void;
}
