// cirrus-web: the wasm build of cirrus' core for browsers, bundlers and Node (SSR, tests).
// Call `await init()` once; then every export is synchronous.
import initWasm, * as wasm from './pkg/cirrus_wasm.js';
import { directUpload as uploadWith, signedIdentifier } from './direct-upload.js';
import { jsonArg } from './fast-args.js';

let ready = null;
let initialised = false;

/**
 * Loads the WebAssembly module. In a browser or bundler it is fetched next to this file (or from
 * `input`: a URL, Response, BufferSource or WebAssembly.Module); in Node it is read from disk.
 */
export function init(input) {
  if (!ready) {
    ready = (async () => {
      let source = input;
      if (source === undefined && typeof process !== 'undefined' && process.versions && process.versions.node) {
        const { readFile } = await import('node:fs/promises');
        source = await readFile(new URL('./pkg/cirrus_wasm_bg.wasm', import.meta.url));
      }
      await initWasm(source === undefined ? undefined : { module_or_path: source });
      initialised = true;
    })();
    ready.catch(() => { ready = null; });
  }
  return ready;
}

function notInitialised() {
  const err = new Error('cirrus-web: call `await init()` before using it');
  err.code = 'NOT_INITIALIZED';
  return err;
}

// Each export checks for init() first, so a missing init is a clear coded error, not a TypeError.
const bind = (name) => (...args) => {
  if (!initialised) throw notInitialised();
  return wasm[name](...args);
};

/** Builds a delivery URL, exactly as the official SDK's `cloudinary.url()` (without analytics). */
export function url(publicId, options, nowMs) {
  if (!initialised) throw notInitialised();
  const json = jsonArg(options);
  return json === undefined ? wasm.url(publicId, options, nowMs) : wasm.urlJson(publicId, json, nowMs);
}

/** Signs request parameters (hex SHA-1 or SHA-256; signature version 1 or 2). */
export function apiSignRequest(params, apiSecret, signatureAlgorithm, signatureVersion) {
  if (!initialised) throw notInitialised();
  const json = jsonArg(params);
  return json === undefined
    ? wasm.apiSignRequest(params, apiSecret, signatureAlgorithm, signatureVersion)
    : wasm.apiSignRequestJson(json, apiSecret, signatureAlgorithm, signatureVersion);
}
export const signRequest = bind('signRequest');
export const buildUploadParams = bind('buildUploadParams');
export const verifyIdentifier = bind('verifyIdentifier');
export const generateAuthToken = bind('generateAuthToken');
export const verifyNotificationSignature = bind('verifyNotificationSignature');
export const privateDownloadUrl = bind('privateDownloadUrl');
export const downloadArchiveUrl = bind('downloadArchiveUrl');
export const downloadZipUrl = bind('downloadZipUrl');
export const parseCloudinaryUrl = bind('parseCloudinaryUrl');
export const planChunks = bind('planChunks');
export const classifyStatus = bind('classifyStatus');
export { signedIdentifier };

/**
 * Uploads a File/Blob from the browser, signed by your server (`sign`) or through an unsigned preset;
 * chunked above `chunkSize`, each failed chunk retried; resolves to `{ result, identifier }`.
 */
export function directUpload(file, options) {
  if (!initialised) return Promise.reject(notInitialised());
  return uploadWith({ planChunks: wasm.planChunks, classifyStatus: wasm.classifyStatus }, file, options);
}

/** A client bound to one account's config (a `CLOUDINARY_URL` or config object). */
export class Cloudinary extends wasm.Cloudinary {
  constructor(config) {
    if (!initialised) throw notInitialised();
    super(config);
  }

  /** `url()` with this account's config. */
  url(publicId, options, nowMs) {
    const json = jsonArg(options);
    return json === undefined ? super.url(publicId, options, nowMs) : this.urlJson(publicId, json, nowMs);
  }
}
