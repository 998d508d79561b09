// Option and result types shared by the Node package (`cirrus`) and the web package (`cirrus-web`).
// Keys are the official Cloudinary SDK's snake_case keys; values behave as in the SDK (numbers and numeric
// strings, arrays and comma strings, `true` and `"true"` are not the same).

/** A transformation value: strings and numbers pass through; strings may be expressions (`"width > 100"`). */
export type TransformValue = string | number;

/** A layer (overlay/underlay): a public id string, `fetch:<url>`, `text:<style>:<text>`, or an object. */
export type Layer =
  | string
  | {
      public_id?: string;
      format?: string;
      resource_type?: string;
      type?: string;
      /** Fetch layer source. */
      url?: string;
      /** Text layer content; `$(var)` references are kept. */
      text?: string;
      text_style?: string;
      font_family?: string;
      font_size?: number | string;
      font_weight?: string;
      font_style?: string;
      text_decoration?: string;
      text_align?: string;
      stroke?: string;
      letter_spacing?: number | string;
      line_spacing?: number | string;
      font_hinting?: string;
      font_antialiasing?: string;
    };

/** Every transformation option of the SDK's `url()` (`generate_transformation_string`). */
export interface TransformationOptions {
  angle?: TransformValue | TransformValue[];
  aspect_ratio?: TransformValue;
  audio_codec?: string;
  audio_frequency?: TransformValue;
  background?: string;
  bit_rate?: TransformValue;
  border?: string | number | { width?: number | string; color?: string };
  color?: string;
  color_space?: string;
  crop?: string;
  custom_function?: string | { function_type: string; source: string };
  custom_pre_function?: string | { function_type: string; source: string };
  default_image?: string;
  delay?: TransformValue;
  density?: TransformValue;
  dpr?: TransformValue;
  duration?: TransformValue;
  effect?: string | TransformValue[] | Record<string, TransformValue>;
  end_offset?: TransformValue;
  fetch_format?: string;
  flags?: string | string[];
  fps?: TransformValue | TransformValue[];
  gravity?: string;
  height?: TransformValue;
  /** A condition, e.g. `"width > 100"`. */
  if?: string;
  keyframe_interval?: TransformValue;
  /** `"2.5..10"`, `[start, end]`. */
  offset?: string | TransformValue[];
  opacity?: TransformValue;
  overlay?: Layer;
  page?: TransformValue;
  prefix?: string;
  quality?: TransformValue;
  radius?: TransformValue | TransformValue[];
  raw_transformation?: string;
  responsive_width?: boolean;
  /** `"<width>x<height>"`. */
  size?: string;
  start_offset?: TransformValue;
  streaming_profile?: string;
  /** Named transformation(s), or chained components. */
  transformation?: string | string[] | TransformationOptions | Array<TransformationOptions | string>;
  underlay?: Layer;
  /** `[["$name", value], ...]`. */
  variables?: Array<[string, TransformValue]>;
  video_codec?: string | { codec: string; profile?: string; level?: string | number };
  video_sampling?: TransformValue;
  width?: TransformValue;
  x?: TransformValue;
  y?: TransformValue;
  zoom?: TransformValue;
  /** User variables: `$name: value`. */
  [variable: `$${string}`]: TransformValue | undefined;
}

/** Auth token settings (token-based access control). */
export interface AuthTokenOptions {
  /** Hex-encoded HMAC key. */
  key: string;
  /** Unix seconds. */
  start_time?: number;
  /** Unix seconds. */
  expiration?: number;
  /** Seconds from `start_time` (or now). */
  duration?: number;
  acl?: string | string[];
  url?: string;
  ip?: string;
  token_name?: string;
}

/** Delivery URL options: transformation options plus where and how the URL points. */
export interface UrlOptions extends TransformationOptions {
  cloud_name?: string;
  resource_type?: 'image' | 'video' | 'raw' | string;
  type?: 'upload' | 'private' | 'authenticated' | 'fetch' | string;
  version?: number | string;
  format?: string;
  secure?: boolean;
  secure_distribution?: string;
  private_cdn?: boolean;
  cname?: string;
  cdn_subdomain?: boolean;
  secure_cdn_subdomain?: boolean;
  shorten?: boolean;
  url_suffix?: string;
  use_root_path?: boolean;
  force_version?: boolean;
  sign_url?: boolean;
  long_url_signature?: boolean;
  signature_algorithm?: 'sha1' | 'sha256';
  api_secret?: string;
  auth_token?: AuthTokenOptions | false;
}

/** Credentials and signing choices for `signRequest`. */
export interface SigningOptions {
  api_key: string | number;
  api_secret: string;
  signature_algorithm?: 'sha1' | 'sha256';
  signature_version?: 1 | 2;
}

/** Params after `signRequest`: blanks cleared, `signature` and `api_key` added. */
export type SignedParams = Record<string, unknown> & { signature: string; api_key: string | number };

/** Upload options (the SDK's `build_upload_params` keys), plus top-level transformation options. */
export interface UploadOptions extends TransformationOptions {
  public_id?: string;
  folder?: string;
  asset_folder?: string;
  display_name?: string;
  tags?: string | string[];
  context?: string | Record<string, string | number | string[]>;
  metadata?: string | Record<string, string | number | string[]>;
  eager?: string | TransformationOptions | Array<string | (TransformationOptions & { format?: string })>;
  eager_async?: boolean;
  allowed_formats?: string | string[];
  face_coordinates?: string | number[] | number[][];
  custom_coordinates?: string | number[] | number[][];
  headers?: string | string[] | Record<string, string>;
  access_control?: string | object | object[];
  responsive_breakpoints?: object | object[];
  regions?: object;
  overwrite?: boolean | string;
  unique_filename?: boolean | string;
  use_filename?: boolean | string;
  invalidate?: boolean;
  backup?: boolean;
  async?: boolean;
  type?: 'upload' | 'private' | 'authenticated';
  resource_type?: 'image' | 'video' | 'raw' | 'auto';
  upload_preset?: string;
  notification_url?: string;
  timestamp?: number;
  format?: string;
  [option: string]: unknown;
}

/** Which signed identifiers `verifyIdentifier` accepts beyond a valid signature. */
export interface IdentifierPolicy {
  signature_algorithm?: 'sha1' | 'sha256';
  allowed_resource_types?: string[];
  allowed_types?: string[];
  /** Compared case-insensitively; an identifier without a format is refused when set. */
  allowed_formats?: string[];
}

/** A verified signed identifier. Store `identifier` (it has no signature). */
export interface VerifiedIdentifier {
  resource_type: string;
  type: string;
  version: number;
  public_id: string;
  format: string | null;
  identifier: string;
}

/** A signed identifier's parts, its signature not checked (`parseIdentifier`): never trust it on a server. */
export interface ParsedIdentifier extends VerifiedIdentifier {
  signature: string;
}

/** Options of `verifyNotificationSignature`. */
export interface NotificationOptions {
  api_secret: string;
  /** Maximum age in seconds (default 7200). */
  valid_for?: number;
  /** Unix seconds (default: now). */
  now?: number;
  signature_algorithm?: 'sha1' | 'sha256';
}

/** Options of `explainSignature` (the signature doctor). */
export interface ExplainSignatureOptions {
  /** Cloudinary's error message: `Invalid Signature <sig>. String to sign - '...'.`, `Stale request ...`. */
  error?: string;
  /** The signature that was sent (default: the one in `error`). */
  signature?: string;
  /** The account's secret, to tell a wrong secret from a wrong algorithm (used to compare, never shown). */
  api_secret?: string;
  signature_algorithm?: 'sha1' | 'sha256';
  signature_version?: 1 | 2;
}

/** One finding of the signature doctor. */
export interface SignatureFinding {
  kind: 'not_signed' | 'not_sent' | 'value_differs' | 'never_signed' | 'escaping' | 'stale_timestamp' | 'future_timestamp'
    | 'missing_timestamp' | 'wrong_secret' | 'wrong_algorithm' | 'same_string' | 'unknown_api_key'
    | 'unread_error' | 'signature_differs';
  /** The parameter concerned, or null. */
  param: string | null;
  /** In plain words. */
  message: string;
}

/** The signature doctor's answer. */
export interface SignatureDiagnosis {
  /** The string the signer signed (from the params given). */
  string_to_sign: string;
  /** The string Cloudinary signed from what it received (from its error), or null. */
  cloudinary_string_to_sign: string | null;
  /** What differs, most likely cause first (empty: no difference found). */
  findings: SignatureFinding[];
  /** A `signature` was given to check, with no Cloudinary error to compare with and no api_secret: it was not checked. */
  signature_unchecked: boolean;
  /** Both strings and the findings, several lines of plain words. */
  explanation: string;
}

/** Options of `privateDownloadUrl`. */
export interface DownloadOptions {
  cloud_name: string;
  api_key: string | number;
  api_secret: string;
  resource_type?: string;
  type?: string;
  attachment?: boolean;
  expires_at?: number;
  timestamp?: number;
  upload_prefix?: string;
  signature_algorithm?: 'sha1' | 'sha256';
  signature_version?: 1 | 2;
}

/** Options of `downloadArchiveUrl` / `downloadZipUrl`. */
export interface ArchiveOptions extends Omit<DownloadOptions, 'attachment'> {
  public_ids?: string | string[];
  tags?: string | string[];
  prefixes?: string | string[];
  fully_qualified_public_ids?: string | string[];
  transformations?: string | TransformationOptions | Array<string | TransformationOptions>;
  target_format?: 'zip' | 'tgz';
  target_public_id?: string;
  target_asset_folder?: string;
  target_tags?: string | string[];
  flatten_folders?: boolean;
  flatten_transformations?: boolean;
  use_original_filename?: boolean;
  skip_transformation_name?: boolean;
  allow_missing?: boolean;
  keep_derived?: boolean;
  async?: boolean;
  notification_url?: string;
}

/** A config object, as `parseCloudinaryUrl` returns and `new Cloudinary(...)` takes. */
export interface CloudinaryConfig extends Omit<UrlOptions, 'auth_token' | 'api_secret'> {
  cloud_name?: string;
  api_key?: string | null;
  api_secret?: string | null;
  upload_prefix?: string;
  signature_version?: 1 | 2;
  auth_token?: Partial<AuthTokenOptions>;
  [option: string]: unknown;
}

/** Stable error codes (`err.code`): every code any part of cirrus throws (errors.d.ts, docs/errors.md). */
export type { ErrorCode, CirrusError } from './errors.js';
import type { ErrorCode, CirrusError } from './errors.js';
/** @deprecated the same as `ErrorCode` */
export type CirrusErrorCode = ErrorCode;

/** Upload progress: bytes sent so far, and the total once known (streams learn it at their end). */
export interface UploadProgress {
  loaded: number;
  total?: number;
}

/** Transport settings of an upload or API call (not sent to Cloudinary). */
export interface TransportSettings {
  /** Chunk size in bytes (default 20 MB); larger sources and every stream use the chunked protocol. */
  chunk_size?: number;
  /** Chunks in flight at once (default 4). */
  concurrency?: number;
  /** Milliseconds allowed for each request (default 60000). */
  timeout?: number;
  /** Retries of a failed request (default 3): network errors, timeouts, 429 and 5xx, with backoff and jitter. */
  retries?: number;
  /** Base backoff in milliseconds (default 500). */
  retry_delay?: number;
  /** Name of the file part (default `file`). */
  filename?: string;
  /** Send an unsigned upload through `upload_preset`. */
  unsigned?: boolean;
  /** Stops the upload; nothing is finalised. */
  signal?: AbortSignal;
}

/** Options of `Cloudinary#upload` and `#uploadStream`. */
export interface UploadCallOptions extends UploadOptions, TransportSettings {
  onProgress?: (progress: UploadProgress) => void;
}

/** What an upload took (`result.uploadStats`, not enumerable). */
export interface UploadStats {
  requests: number;
  retries: number;
  chunks: number;
  bytes: number;
}

/** Cloudinary's upload result (the fields every upload has; others pass through). */
export interface UploadResult {
  asset_id: string;
  public_id: string;
  version: number;
  version_id?: string;
  signature: string;
  width?: number;
  height?: number;
  format: string;
  resource_type: string;
  created_at: string;
  tags: string[];
  bytes: number;
  type: string;
  etag: string;
  url: string;
  secure_url: string;
  original_filename?: string;
  readonly uploadStats?: UploadStats;
  [field: string]: unknown;
}

/** @deprecated the same as `ErrorCode` */
export type TransportErrorCode = ErrorCode;

/** A failed upload or API call: Cloudinary's message, its HTTP status (499 for a timeout) and a stable code. */
export type CirrusTransportError = CirrusError;

/** Where a media record is in its lifecycle: `pending` (intent stored, the asset may exist), `committed`
 * (what reads return), `deleting` (the asset is being destroyed; or, for a direct upload, was destroyed,
 * and the record is kept until the signature given for it expires, `signedUntil`: see README "Guarantees"). */
export type MediaState = 'pending' | 'committed' | 'deleting';

/** A media record as the repository stores it. Times are ISO 8601 strings with milliseconds. */
export interface StoredMediaRecord {
  id: string | number;
  /** `<folder>/<encoded owner>/<random>`, chosen by the service before the upload. */
  public_id: string;
  resource_type: string;
  type: string;
  state: MediaState;
  ownerId: string;
  idempotencyKey: string | null;
  version: number | null;
  format: string | null;
  bytes: number | null;
  width: number | null;
  height: number | null;
  original_filename: string | null;
  /** Decided by content sniffing, not by the client. */
  mimeType: string | null;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  /** Until when the writer of a pending or deleting record is working on it. */
  leaseUntil: string | null;
  /** Until when a signature given out for this public_id (a direct upload's, which the browser holds) may still store an asset: the record is not deleted before then. Store it in your own repository (a column added in this release; `repositoryContract` checks it): without it `signDirectUpload` answers REPOSITORY_FAILED. */
  signedUntil: string | null;
}

/** A committed record as the service returns it: the stored fields plus URLs built when read. */
export interface MediaRecord extends Omit<StoredMediaRecord, 'leaseUntil' | 'signedUntil'> {
  secure_url: string;
  url: string;
  /** Delivery URL of each preset. */
  urls?: Record<string, string>;
}

/** A listing of `MediaRepository.list`. */
export interface ListQuery {
  ownerId?: string;
  state?: MediaState;
  /** Soft-deleted records: left out (default), included, or only them. */
  deleted?: 'exclude' | 'include' | 'only';
  deletedBefore?: string;
  createdBefore?: string;
  /** The `next` of the previous page. */
  after?: string;
  limit: number;
}

/**
 * Where MediaService keeps records. The repository makes the lifecycle safe across processes: `insert` is
 * atomic with unique `public_id` and unique `(ownerId, idempotencyKey)` (a conflict stores nothing and
 * returns the existing record with `created: false`, even when another replica deletes that record at the
 * same moment); `update`/`delete` apply only in the expected state; `claim` atomically moves records whose
 * lease is over to `deleting` (with `deletedBefore`: committed records soft-deleted at or before it,
 * checked in the same atomic step: what `purge` uses) and never returns one record to two callers; `list`
 * pages in a stable order. Check an adapter with `repositoryContract` from `cirrus/testing`.
 */
export interface MediaRepository {
  insert(record: Omit<StoredMediaRecord, 'id'>): Promise<{ record: StoredMediaRecord; created: boolean }>;
  get(id: StoredMediaRecord['id']): Promise<StoredMediaRecord | null>;
  findByPublicId(publicId: string): Promise<StoredMediaRecord | null>;
  list(query: ListQuery): Promise<{ items: StoredMediaRecord[]; next: string | null }>;
  update(id: StoredMediaRecord['id'], expect: MediaState, patch: Partial<StoredMediaRecord>): Promise<StoredMediaRecord | null>;
  delete(id: StoredMediaRecord['id'], expect: MediaState): Promise<boolean>;
  claim(claim: { now: string; leaseUntil: string; limit: number; deletedBefore?: string }): Promise<StoredMediaRecord[]>;
  close?(): unknown;
}

/** Options of `new MediaService(client, repository, options)`. */
export interface MediaServiceOptions {
  /** The folder the service's assets live under, `<folder>/<owner>/<random>` (default `media`); it belongs to this service. */
  folder?: string;
  /** Tag on every asset of the service (default `cirrus-media`). */
  tag?: string;
  /** Largest file in bytes (default 25 MiB). */
  maxBytes?: number;
  /** Formats allowed, by content (default jpg, png, gif, webp, avif, heic); signed into direct uploads. */
  allowedFormats?: string[];
  /** Named transformations applied as eager and given as `record.urls[name]`. */
  presets?: Record<string, string | TransformationOptions | TransformationOptions[]>;
  /** Milliseconds allowed for each repository call (default 5000). */
  repositoryTimeout?: number;
  /** Seconds during which reconcile leaves a new asset alone (default 3600). */
  reconcileGrace?: number;
  /** Milliseconds of a pending or deleting record's lease, renewed while its upload runs (default 300000). */
  pendingTtl?: number;
  /** Milliseconds a direct upload has to be uploaded and adopted (default 7200000); never less than `signatureLifetime` from the signature. */
  directUploadTtl?: number;
  /** Milliseconds after its timestamp a signed upload may still be stored (default 4200000: Cloudinary's hour, plus 10 minutes for clock skew and an upload in flight). A direct upload's record is kept at least this long after each signature given for it (pending; or `deleting`, invisible, once refused at `adopt`, cancelled, removed or purged) so that what a signature stores, a replay included, is named by a record and finished by `sweep()`. Lower it only for a server that refuses older signatures. */
  signatureLifetime?: number;
  /** Milliseconds a second request with an idempotency key waits for the first (default 60000). */
  idempotencyWait?: number;
  /** Records one owner may have that hold a place (pending ones whose lease has not ended: direct uploads prepared and not yet adopted, and server-side uploads in progress; and ended direct uploads whose signature still runs: cancelled, refused, or adopted and removed) before `signDirectUpload` answers `TOO_MANY_PENDING` (429) instead of storing another: default 100, a whole number up to 1000, or `Infinity` for no bound. An intent frees its place when adopted, or when its lease ends (`directUploadTtl`, at least `signatureLifetime`), or, once ended otherwise, when its signature expires; the error says when the earliest ends. */
  maxPendingDirectUploads?: number;
  /** Resource type of direct uploads (default `image`; `auto` is read as `image`: the record names its asset's resource type before the upload). */
  directResourceType?: 'image' | 'video' | 'raw' | 'auto';
  /** Delivery URL options for the URLs in records (e.g. `{ secure: false, cname }`). */
  urlOptions?: UrlOptions;
  /** Params and transport settings for every upload (not public_id, folder, overwrite, upload_preset, public_id_prefix or use_asset_folder_as_public_id_prefix: the service decides where each asset is stored); its `retries`, `retry_delay`, `timeout` and `deadline` also govern the service's deletes. */
  uploadDefaults?: Record<string, unknown>;
}

/** What `sweep()` did. */
export interface SweepReport {
  claimed: number;
  finished: number;
  failed: number;
}

/** What `reconcile()` found and repaired (ids listed up to 100 of each kind; the counts are complete). */
export interface ReconcileReport {
  checkedAssets: number;
  checkedRecords: number;
  destroyedAssets: string[];
  destroyedCount: number;
  removedRecords: string[];
  removedCount: number;
}

/** What a browser needs for one direct upload (give it to cirrus-web's `directUpload` as `sign`). Posting it
 * yourself: send every field but `upload_url`, `record_id`, `cloud_name` and `resource_type` to `upload_url`. */
export interface DirectUploadSignature {
  public_id: string;
  signature: string;
  api_key: string;
  timestamp: number;
  cloud_name: string;
  upload_url: string;
  resource_type: string;
  record_id: string | number;
  [param: string]: unknown;
}
