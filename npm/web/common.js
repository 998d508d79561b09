// Everything cirrus-web exports except `init()`, which each runtime's entry adds with its own way of
// finding the .wasm (index.js: browsers and bundlers; index.node.js: Node, Deno, Bun; index.workerd.js:
// Cloudflare Workers). Kept free of any runtime's built-ins so a bundler never meets them.
import * as wasm from './pkg/cirrus_wasm.js';
import { DirectUpload, signedIdentifier } from './direct-upload.js';
import { uploadMany as uploadManyWith } from './upload-many.js';
import { CloudinaryBase, explainSignature as explainSignatureChecked } from './generated.js';
import { isReady, notInitialised } from './ready.js';

// The core functions (each writing its options as flat text, with the init() check): generated from the
// export table.
export {
  url, apiSignRequest, signRequest, buildUploadParams, verifyIdentifier, parseIdentifier, explainSignature, generateAuthToken,
  verifyNotificationSignature, privateDownloadUrl, downloadArchiveUrl, downloadZipUrl, parseCloudinaryUrl,
} from './generated.js';

// Each export checks for init() first, so a missing init is a clear coded error, not a TypeError.
const bind = (name) => (...args) => {
  if (!isReady()) throw notInitialised();
  return wasm[name](...args);
};
export const planChunks = bind('planChunks');
export const classifyStatus = bind('classifyStatus');
export { signedIdentifier };

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
  if (!isReady()) throw notInitialised();
  return new DirectUpload(uploadCore, file, options);
}

/** `createUpload(file, options).done`: resolves to `{ result, identifier }`. */
export function directUpload(file, options) {
  if (!isReady()) return Promise.reject(notInitialised());
  return new DirectUpload(uploadCore, file, options).done;
}

/** Uploads several files, `concurrency` at a time; returns a handle whose `done` resolves to one outcome per file. */
export function uploadMany(files, options) {
  if (!isReady()) throw notInitialised();
  return uploadManyWith(uploadCore, files, options);
}

// Browser-only helpers that need no core: the image downscale and the resumable uploads' store.
export { downscaleImage } from './downscale.js';
export { listResumableUploads, clearResumableUploads } from './resume-store.js';

/** A client bound to one account's config (a `CLOUDINARY_URL` or config object). */
export class Cloudinary extends CloudinaryBase {
  constructor(config) {
    if (!isReady()) throw notInitialised();
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
