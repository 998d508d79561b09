// Types of the Node package: the generated addon declarations, the option types, and the upload methods
// the JavaScript layer adds to `Cloudinary`.
import type { Writable, Readable } from 'node:stream';
import { Cloudinary as NativeCloudinary } from './native';
import type { UploadCallOptions, UploadResult, TransportSettings } from './options';

export {
  url, apiSignRequest, signRequest, buildUploadParams, verifyIdentifier, generateAuthToken,
  verifyNotificationSignature, privateDownloadUrl, downloadArchiveUrl, downloadZipUrl, parseCloudinaryUrl, UploadTask,
} from './native';
export * from './options';

/** What `upload` accepts: a path, a remote URL or data URI, bytes, or a stream. */
export type UploadSource = string | URL | Uint8Array | ArrayBuffer | Readable | ReadableStream<Uint8Array>;

/** `uploadStream()`'s Writable: pipe into it; its result is `.result` and a `'result'` event. */
export interface UploadWritable extends Writable {
  readonly result: Promise<UploadResult>;
  on(event: 'result', listener: (result: UploadResult) => void): this;
  on(event: string | symbol, listener: (...args: any[]) => void): this;
}

/** A client bound to one account (several can live in one process); secrets stay in Rust. */
export declare class Cloudinary extends NativeCloudinary {
  static fromEnv(): Cloudinary;
  /** Uploads; chunked above `chunk_size` and for streams; retried per request; abortable. */
  upload(source: UploadSource, options?: UploadCallOptions): Promise<UploadResult>;
  /** A Writable upload: `fs.createReadStream(p).pipe(cld.uploadStream(opts))`. */
  uploadStream(options?: UploadCallOptions): UploadWritable;
  /** Deletes an asset. */
  destroy(publicId: string, options?: { type?: string; invalidate?: boolean; resource_type?: string } & TransportSettings): Promise<{ result: 'ok' | 'not found' }>;
  /** Renames an asset. */
  rename(fromPublicId: string, toPublicId: string, options?: { type?: string; to_type?: string; overwrite?: boolean; invalidate?: boolean; resource_type?: string } & TransportSettings): Promise<UploadResult>;
  /** Updates an existing asset (eager transformations, tags, context, ...). */
  explicit(publicId: string, options?: UploadCallOptions): Promise<UploadResult>;
}
