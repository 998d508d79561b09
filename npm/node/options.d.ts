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

/** Options of `verifyNotificationSignature`. */
export interface NotificationOptions {
  api_secret: string;
  /** Maximum age in seconds (default 7200). */
  valid_for?: number;
  /** Unix seconds (default: now). */
  now?: number;
  signature_algorithm?: 'sha1' | 'sha256';
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

/** Stable error codes (`err.code`) thrown by every export. */
export type CirrusErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_OPTION'
  | 'MISSING_OPTION'
  | 'INVALID_IDENTIFIER'
  | 'INVALID_SIGNATURE'
  | 'IDENTIFIER_NOT_ALLOWED'
  | 'UNSUPPORTED_ALGORITHM'
  | 'INVALID_CONFIG'
  | 'INTERNAL';

/** The errors cirrus throws. */
export interface CirrusError extends Error {
  code: CirrusErrorCode;
}

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

/** Codes of transport failures, next to `CirrusErrorCode`. */
export type TransportErrorCode =
  | 'TIMEOUT' | 'RATE_LIMITED' | 'UNAUTHORIZED' | 'NOT_FOUND' | 'INVALID_REQUEST' | 'PAYLOAD_TOO_LARGE'
  | 'ABORTED' | 'UPLOAD_FAILED' | 'REQUEST_FAILED';

/** A failed upload or API call: Cloudinary's message, its HTTP status (499 for a timeout) and a stable code. */
export interface CirrusTransportError extends Error {
  code: TransportErrorCode | CirrusErrorCode;
  http_code?: number;
}

/** A media record as the service creates it (the repository adds `id`). */
export interface MediaRecord {
  id: string | number;
  public_id: string;
  resource_type: string;
  type: string;
  version: number;
  format: string;
  bytes: number;
  width?: number | null;
  height?: number | null;
  secure_url: string;
  ownerId: string;
  original_filename: string;
  /** Decided by content sniffing, not by the client. */
  mimeType: string;
  createdAt: string;
  deletedAt: string | null;
  idempotencyKey?: string | null;
  /** Delivery URL of each preset. */
  urls?: Record<string, string>;
  [field: string]: unknown;
}

/** Where MediaService keeps records; every method may be async. */
export interface MediaRepository<R extends MediaRecord = MediaRecord> {
  create(record: Omit<R, 'id'>): R | Promise<R>;
  findOne(query: { id: R['id']; ownerId: string }): R | null | Promise<R | null>;
  remove(id: R['id']): unknown;
  /** Needed by softRemove/restore. */
  update?(id: R['id'], patch: Partial<R>): R | Promise<R>;
  /** Needed by purge/reconcile/idempotency: `{}`, `{ public_id }`, `{ ownerId }`, `{ deletedBefore }`. */
  list?(query: { public_id?: string; ownerId?: string; deletedBefore?: string }): R[] | Promise<R[]>;
}

/** Options of `new MediaService(client, repository, options)`. */
export interface MediaServiceOptions {
  folder?: string;
  /** Tag on every asset of the service; reconcile lists the cloud by it (default `cirrus-media`). */
  tag?: string;
  /** Largest file in bytes (default 25 MiB). */
  maxBytes?: number;
  /** Formats allowed, by content (default jpg, png, gif, webp, avif, heic). */
  allowedFormats?: string[];
  /** Named transformations applied as eager and given as `record.urls[name]`. */
  presets?: Record<string, string | TransformationOptions | TransformationOptions[]>;
  /** Milliseconds allowed for each repository call (default 5000). */
  repositoryTimeout?: number;
  /** Seconds during which reconcile leaves a new asset alone (default 60). */
  reconcileGrace?: number;
  /** Delivery URL options for preset URLs (e.g. `{ secure: false, cname }`). */
  urlOptions?: UrlOptions;
  /** Params and transport settings for every upload; its `retries`, `retry_delay` and `timeout` also govern the service's deletes. */
  uploadDefaults?: Record<string, unknown>;
}

/** A file for `createOne`: a path, bytes, a stream, or a multer-style object. */
export type MediaFile = string | Uint8Array | NodeJS.ReadableStream
  | { buffer?: Uint8Array; stream?: NodeJS.ReadableStream; path?: string; originalname?: string; mimetype?: string; size?: number };

/** What reconcile did. */
export interface ReconcileReport {
  deletedAssets: string[];
  removedRecords: string[];
  cleanedPending: string[];
  checkedAssets: number;
  checkedRecords: number;
}
