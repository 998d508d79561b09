// Types of the Node package: the generated addon declarations, the option types, and the upload methods
// the JavaScript layer adds to `Cloudinary`.
import type { Writable, Readable } from 'node:stream';
import { Cloudinary as NativeCloudinary } from './native';
import type { UploadCallOptions, UploadResult, TransportSettings, MediaRecord, MediaRepository, MediaServiceOptions, MediaFile, ReconcileReport } from './options';

export {
  url, apiSignRequest, signRequest, buildUploadParams, verifyIdentifier, generateAuthToken,
  verifyNotificationSignature, privateDownloadUrl, downloadArchiveUrl, downloadZipUrl, parseCloudinaryUrl, UploadTask, sniffFormat,
  NativeMediaService,
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

/** Validated uploads whose metadata the repository persists; compensation, soft delete, reconcile. */
export declare class MediaService<R extends MediaRecord = MediaRecord> {
  constructor(client: Cloudinary, repository: MediaRepository<R>, options?: MediaServiceOptions);
  createOne(file: MediaFile, ownerId: string, options?: { idempotencyKey?: string; tags?: string[]; signal?: AbortSignal }): Promise<R>;
  createMany(files: MediaFile[], ownerId: string, options?: { concurrency?: number; idempotencyKey?: never }): Promise<Array<{ ok: true; record: R } | { ok: false; error: Error & { code: string } }>>;
  /** Records a direct browser upload from its signed identifier (facts read from Cloudinary). */
  adopt(identifier: string, ownerId: string, options: { requiredPrefix: string }): Promise<R>;
  remove(id: R['id'], ownerId: string): Promise<R>;
  softRemove(id: R['id'], ownerId: string): Promise<R>;
  restore(id: R['id'], ownerId: string): Promise<R>;
  purge(options: { olderThan: Date | string }): Promise<{ purged: string[] }>;
  reconcile(): Promise<ReconcileReport>;
  pendingCleanup(): string[];
}

/** The embedded default repository: SQLite (sql.js, no native compile), persisted to a file. */
export declare class SqliteRepository implements MediaRepository {
  static open(path?: string): Promise<SqliteRepository>;
  create(record: Omit<MediaRecord, 'id'>): Promise<MediaRecord>;
  findOne(query: { id: MediaRecord['id']; ownerId: string }): Promise<MediaRecord | null>;
  remove(id: MediaRecord['id']): Promise<void>;
  update(id: MediaRecord['id'], patch: Partial<MediaRecord>): Promise<MediaRecord>;
  list(query?: { public_id?: string; ownerId?: string; deletedBefore?: string }): Promise<MediaRecord[]>;
  close(): void;
}
