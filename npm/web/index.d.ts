// Types of the web package. Every function is synchronous once `init()` has resolved.
import type {
  UrlOptions, SigningOptions, SignedParams, UploadOptions, IdentifierPolicy, VerifiedIdentifier,
  AuthTokenOptions, NotificationOptions, DownloadOptions, ArchiveOptions, CloudinaryConfig,
} from './options';

export * from './options';

/** Loads the WebAssembly module (fetched next to this file in browsers, read from disk in Node). */
export function init(input?: string | URL | Request | Response | BufferSource | WebAssembly.Module): Promise<void>;

/** Builds a delivery URL, exactly as the official SDK's `cloudinary.url()` (without analytics). */
export function url(publicId: string | number, options?: UrlOptions, nowMs?: number): string;
/** Signs request parameters (hex SHA-1 or SHA-256; signature version 1 or 2). */
export function apiSignRequest(params: Record<string, unknown>, apiSecret: string, signatureAlgorithm?: 'sha1' | 'sha256' | null, signatureVersion?: 1 | 2 | null): string;
/** Clears blank params, signs them and adds `signature` and `api_key`. */
export function signRequest(params: Record<string, unknown>, options: SigningOptions): SignedParams;
/** The upload parameters the SDK's `build_upload_params` would send. */
export function buildUploadParams(options?: UploadOptions, nowMs?: number): Record<string, string | number | null>;
/** Verifies a signed identifier; throws `INVALID_IDENTIFIER`, `INVALID_SIGNATURE` or `IDENTIFIER_NOT_ALLOWED`. */
export function verifyIdentifier(identifier: string, apiSecret: string, options?: IdentifierPolicy): VerifiedIdentifier;
/** Generates an auth token (`__cld_token__=...`). */
export function generateAuthToken(options: AuthTokenOptions, nowMs?: number): string;
/** Verifies a webhook notification's `X-Cld-Signature` for its body and `X-Cld-Timestamp`. */
export function verifyNotificationSignature(body: string, timestamp: number | string, signature: string, options: NotificationOptions, nowMs?: number): boolean;
/** A signed Upload API URL that downloads a private or authenticated asset. */
export function privateDownloadUrl(publicId: string, format: string | null | undefined, options: DownloadOptions, nowMs?: number): string;
/** A signed URL that generates and downloads an archive. */
export function downloadArchiveUrl(options: ArchiveOptions, nowMs?: number): string;
/** A signed URL that generates and downloads a ZIP archive. */
export function downloadZipUrl(options: ArchiveOptions, nowMs?: number): string;
/** Parses a `CLOUDINARY_URL` into the SDK's config object. */
export function parseCloudinaryUrl(url: string): CloudinaryConfig;

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
export class Cloudinary {
  constructor(config: CloudinaryConfig | string);
  static fromEnv(): Cloudinary;
  readonly cloudName: string | undefined;
  toJSON(): Record<string, unknown>;
  free(): void;
  url(publicId: string | number, options?: UrlOptions, nowMs?: number): string;
  apiSignRequest(params: Record<string, unknown>): string;
  signRequest(params: Record<string, unknown>, options?: Partial<SigningOptions>): SignedParams;
  buildUploadParams(options?: UploadOptions, nowMs?: number): Record<string, string | number | null>;
  verifyIdentifier(identifier: string, options?: IdentifierPolicy): VerifiedIdentifier;
  generateAuthToken(options?: Partial<AuthTokenOptions>, nowMs?: number): string;
  verifyNotificationSignature(body: string, timestamp: number | string, signature: string, options?: Partial<NotificationOptions>, nowMs?: number): boolean;
  privateDownloadUrl(publicId: string, format?: string | null, options?: Partial<DownloadOptions>, nowMs?: number): string;
  downloadArchiveUrl(options?: Partial<ArchiveOptions>, nowMs?: number): string;
  downloadZipUrl(options?: Partial<ArchiveOptions>, nowMs?: number): string;
}
