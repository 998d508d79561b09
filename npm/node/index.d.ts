// Types of the Node package: the generated addon declarations, the option types, and the upload methods
// the JavaScript layer adds to `Cloudinary`.
import type { Writable, Readable } from 'node:stream';
import { Cloudinary as NativeCloudinary } from './native';
import type { UploadCallOptions, UploadResult, TransportSettings, MediaRecord, MediaRepository, MediaServiceOptions, ReconcileReport, SweepReport, DirectUploadSignature } from './options';

export {
  url, apiSignRequest, signRequest, buildUploadParams, verifyIdentifier, parseIdentifier, explainSignature, generateAuthToken,
  verifyNotificationSignature, privateDownloadUrl, downloadArchiveUrl, downloadZipUrl, parseCloudinaryUrl, UploadTask, sniffFormat,
  NativeMediaService, SqliteRepository, encodeOwner,
} from './native';
export * from './options';

/** A file for `createOne`: bytes, a stream, `{ path }` on this server's disk, or a multer-style object. */
export type MediaFile = Uint8Array | NodeJS.ReadableStream
  | { buffer?: Uint8Array; stream?: NodeJS.ReadableStream; path?: string; originalname?: string; mimetype?: string; size?: number };

/** What `upload` accepts: `{ path }` or a `file:` URL (a file on this server), a remote URL or data URI string, bytes, or a stream. */
export type UploadSource = { path: string } | string | URL | Uint8Array | ArrayBuffer | Readable | ReadableStream<Uint8Array>;

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
  /** Admin API: one asset's details, as Cloudinary stores them. */
  resource(publicId: string, options?: { resource_type?: 'image' | 'video' | 'raw'; type?: 'upload' | 'private' | 'authenticated' } & TransportSettings): Promise<UploadResult>;
  /** Admin API: one page of assets; pass `next_cursor` on for the next (Cloudinary counts each call per hour). */
  resources(options?: { resource_type?: 'image' | 'video' | 'raw'; type?: 'upload' | 'private' | 'authenticated'; prefix?: string; max_results?: number; next_cursor?: string } & TransportSettings): Promise<{ resources: UploadResult[]; next_cursor?: string }>;
}

/** The media lifecycle: intent before bytes, commit after upload, removal through `deleting`, a sweeper, a drift check. */
export declare class MediaService {
  constructor(client: Cloudinary, repository: MediaRepository | import('./native').SqliteRepository, options?: MediaServiceOptions);
  createOne(file: MediaFile, ownerId: string, options?: { idempotencyKey?: string; tags?: string[]; signal?: AbortSignal }): Promise<MediaRecord>;
  createMany(files: MediaFile[], ownerId: string, options?: { concurrency?: number; tags?: string[] }): Promise<Array<{ ok: true; record: MediaRecord } | { ok: false; error: Error & { code: string } }>>;
  /**
   * Stores a pending record for a browser upload and signs params bound to it; with `recordId` (an earlier
   * answer's `record_id`), signs the owner's unfinished record again and renews its lease (INTENT_EXPIRED
   * when it is gone). `nowMs` is the signature's time (default: now); it must lie within
   * `signatureLifetime` before now and a minute after it (INVALID_ARGUMENT otherwise), so the record
   * outlives every signature given for it.
   */
  signDirectUpload(ownerId: string, options?: { nowMs?: number; recordId?: string | number }): Promise<DirectUploadSignature>;
  /** Commits a direct browser upload from its signed identifier (facts read from Cloudinary; refused files deleted). */
  adopt(identifier: string, ownerId: string): Promise<MediaRecord>;
  /** Ends an unfinished direct upload that will not be used (deletes an asset uploaded anyway; its `maxPendingDirectUploads` place is free once its signature has expired); `cancelled: false` when it had already ended; NOT_FOUND once adopted (use `remove`). */
  cancelDirectUpload(recordId: string | number, ownerId: string): Promise<{ cancelled: boolean }>;
  get(id: MediaRecord['id'], ownerId: string): Promise<MediaRecord>;
  list(ownerId: string, options?: { deleted?: 'exclude' | 'include' | 'only'; after?: string; limit?: number }): Promise<{ items: MediaRecord[]; next: string | null }>;
  /** Owner-scoped delete: the asset is destroyed and the record goes (a direct upload's stays `deleting`, invisible, until its signature expires); resolves to the record as it was. */
  remove(id: MediaRecord['id'], ownerId: string): Promise<MediaRecord>;
  softRemove(id: MediaRecord['id'], ownerId: string): Promise<MediaRecord>;
  restore(id: MediaRecord['id'], ownerId: string): Promise<MediaRecord>;
  purge(options: { olderThan: Date | string }): Promise<{ purged: string[]; failed: number }>;
  sweep(options?: { max?: number }): Promise<SweepReport>;
  reconcile(): Promise<ReconcileReport>;
  startSweeper(options?: { intervalMs?: number; reconcileEveryMs?: number; onError?: (err: Error) => void; onReport?: (report: { sweep?: SweepReport; reconcile?: ReconcileReport }) => void }): { stop(): void };
  ownerFolder(ownerId: string): string;
}

/** The media repository contract on PostgreSQL (needs the `pg` package); `close()` ends the pool it made. */
export interface PostgresRepository extends MediaRepository {}
export declare class PostgresRepository {
  constructor(pool: { query(text: string, values?: unknown[]): Promise<any> }, options?: { table?: string });
  static connect(target: string | Record<string, unknown> | { query: Function }, options?: { table?: string; migrate?: boolean }): Promise<PostgresRepository>;
  migrate(): Promise<void>;
}
