// Types of the web package. Every function is synchronous once `init()` has resolved.
import type { CloudinaryConfig } from './options.js';

export * from './options.js';

/**
 * Loads the WebAssembly module once (later calls return the same promise). Without `input`: bundlers
 * emit `cirrus.wasm` and browsers fetch it (with esbuild, copy it next to the bundle); Node, Deno and
 * Bun read it from the package; Cloudflare Workers get it compiled by wrangler. A failure rejects with
 * code `WASM_LOAD_FAILED`.
 */
export function init(input?: string | URL | Request | Response | BufferSource | WebAssembly.Module): Promise<void>;

// The core functions: generated from the export table.
export {
  url, apiSignRequest, signRequest, buildUploadParams, verifyIdentifier, parseIdentifier, generateAuthToken,
  verifyNotificationSignature, privateDownloadUrl, downloadArchiveUrl, downloadZipUrl, parseCloudinaryUrl,
} from './generated.js';
import type { CloudinaryMethods } from './generated.js';

/** Chunks of a chunked upload: `[start, end]` byte ranges (inclusive). */
export function planChunks(total: number, chunkSize: number): Array<[number, number]>;
/** The code of a failed call's HTTP status, and whether to retry it. */
export function classifyStatus(status: number, upload: boolean): { code: string; retryable: boolean };
/** `<resource_type>/<type>/v<version>/<public_id>[.<format>]#<signature>` for an upload result. */
export function signedIdentifier(result: { resource_type: string; type: string; version: number; public_id: string; format?: string; signature: string }): string;

/** Options of `directUpload`. */
export interface DirectUploadOptions {
  /** Asks your server to sign `params`; returns them with `signature`, `api_key`, `timestamp` (and `cloud_name` or `upload_url`). */
  sign?: (params: Record<string, unknown>) => Promise<Record<string, unknown>>;
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
  /** Retries of a failed chunk (default 3). */
  retries?: number;
  retryDelay?: number;
  onProgress?: (progress: { loaded: number; total: number }) => void;
  signal?: AbortSignal;
}

/** Uploads from the browser; resolves to Cloudinary's result and the signed identifier to hand to your server. */
export function directUpload(file: Blob, options: DirectUploadOptions): Promise<{ result: Record<string, any>; identifier: string }>;

/** A client bound to one account's config. In a browser, give it only public settings (no api_secret). */
export interface Cloudinary extends CloudinaryMethods {}
export declare class Cloudinary {
  constructor(config: CloudinaryConfig | string);
  static fromEnv(): Cloudinary;
  readonly cloudName: string | undefined;
  toJSON(): Record<string, unknown>;
  free(): void;
}
