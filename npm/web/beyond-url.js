// What cirrus-web exports beyond url() that needs the core: parseIdentifier, the upload helpers and
// uploads, and the `Cloudinary` class. The url module (cirrus-url.wasm, ~7 KB gzipped smaller) has none
// of them, so defining them here asks the browser entry's init() for the browser module. The package
// declares no side effects, so a bundler drops this file, that request with it, when a page imports none
// of them: such a page loads the url module alone. (Each is defined here, not re-exported: a bundler
// follows a re-export to its source and would drop this file even when the export is used.)
import * as wasm from './pkg/cirrus_wasm.js';
import { DirectUpload } from './direct-upload.js';
import { uploadMany as uploadManyWith } from './upload-many.js';
import { CloudinaryBase, explainSignature as explainSignatureChecked, parseIdentifier as parseIdentifierChecked } from './generated.js';
import { inModule, isReady, needBrowserModule, notInBrowserBuild, notInitialised } from './ready.js';

needBrowserModule(() => new URL('./cirrus-browser.wasm', import.meta.url));

/** Refuses to run before init(), or where the url module was loaded in the browser module's place. */
function check(name, raw = name) {
  if (!isReady()) throw notInitialised();
  if (!inModule(raw)) throw notInBrowserBuild(name, true);
}

/** A signed identifier's parts without checking its signature (no secret needed): `verifyIdentifier`'s result plus `signature`. */
export function parseIdentifier(identifier) {
  return parseIdentifierChecked(identifier);
}

/** Chunks for a chunked upload of `total` bytes: `[[start, end], ...]` (inclusive ends). */
export function planChunks(total, chunkSize) {
  check('planChunks');
  return wasm.planChunks(total, chunkSize);
}

/** The stable code of a failed call's HTTP status and whether to retry it: `{ code, retryable }`. */
export function classifyStatus(status, upload) {
  check('classifyStatus');
  return wasm.classifyStatus(status, upload);
}

/**
 * What the uploads take from the core: chunk plans, status classification and the retry decision, as the
 * Node transport, and the signature doctor (NOT_IN_BROWSER_BUILD in the browser module: the upload then goes without it).
 */
const uploadCore = { planChunks: wasm.planChunks, classifyStatus: wasm.classifyStatus, retryDecision: wasm.retryDecision, uploadIdempotent: wasm.uploadIdempotent, explainSignature: explainSignatureChecked };

/**
 * Starts uploading a File/Blob from the browser, signed by your server (`sign`) or through an unsigned
 * preset; chunked above `chunkSize`, each failed chunk retried. Returns the upload's handle:
 * pause(), resume(), abort(), state, and `done` (resolves to `{ result, identifier }`).
 */
export function createUpload(file, options) {
  check('createUpload', 'planChunks');
  return new DirectUpload(uploadCore, file, options);
}

/** `createUpload(file, options).done`: resolves to `{ result, identifier }`. */
export function directUpload(file, options) {
  try {
    check('directUpload', 'planChunks');
  } catch (err) {
    return Promise.reject(err);
  }
  return new DirectUpload(uploadCore, file, options).done;
}

/** Uploads several files, `concurrency` at a time; returns a handle whose `done` resolves to one outcome per file. */
export function uploadMany(files, options) {
  check('uploadMany', 'planChunks');
  return uploadManyWith(uploadCore, files, options);
}

/** A client bound to one account's config (a `CLOUDINARY_URL` or config object). */
export class Cloudinary extends CloudinaryBase {
  constructor(config) {
    check('Cloudinary', 'cloudinary_new');
    super(config);
  }

  /** From `process.env.CLOUDINARY_URL` where there is one (Node, SSR, edge runtimes that have it). */
  static fromEnv() {
    if (!isReady()) throw notInitialised();
    const url = globalThis.process?.env?.CLOUDINARY_URL;
    if (!url) {
      const err = new Error('CLOUDINARY_URL is not set');
      err.code = 'MISSING_OPTION';
      throw err;
    }
    return new Cloudinary(url);
  }
}
