// THE error registry: every code any layer of cirrus can throw, declared once. `npm run generate` writes
// from it the Rust `ErrorCode` enum (crates/core/src/error_codes.rs), the TypeScript union of both packages
// (npm/node/errors.d.ts, copied to the web package), the NestJS status table (npm/nestjs/src/codes.ts) and
// the docs' table (docs/errors.md). A code not here fails tests/node/errors.test.mjs.
//
// [code, HTTP status an app should answer with, retryable (trying the same call again may work), layer, doc]
// Statuses of 500 and above are the server's problem: NestJS answers them with a generic message.

export const ERRORS = [
  // Arguments and options (core, every binding)
  ['INVALID_ARGUMENT', 400, false, 'core', 'An argument has the wrong type or shape (a number where a string is required, cyclic or too deep input, a throwing getter).'],
  ['INVALID_OPTION', 400, false, 'core', 'An option has a value that is refused (an unsupported `url_suffix`, an unknown service option).'],
  ['MISSING_OPTION', 400, false, 'core', 'A required option is missing (`cloud_name`, `api_key`, `api_secret`, `CLOUDINARY_URL`).'],
  ['INVALID_CONFIG', 400, false, 'core', 'A `CLOUDINARY_URL` or config object is malformed.'],
  ['UNSUPPORTED_ALGORITHM', 400, false, 'core', 'The signature algorithm is neither `sha1` nor `sha256`.'],
  // Signed identifiers
  ['INVALID_IDENTIFIER', 400, false, 'core', 'A signed identifier is malformed, or its asset changed since it was issued.'],
  ['INVALID_SIGNATURE', 400, false, 'core', 'A signature does not match.'],
  ['IDENTIFIER_NOT_ALLOWED', 400, false, 'core', "A signed identifier is valid but not allowed: its resource type, type or format is outside the policy, or it is another owner's upload."],
  // Cloudinary's answers (transport)
  ['INVALID_REQUEST', 502, false, 'transport', 'Cloudinary refused the request as malformed (400): a bug or a misconfiguration on this server.'],
  ['UNAUTHORIZED', 502, false, 'transport', "Cloudinary refused this server's credentials or signature (401/403)."],
  ['NOT_FOUND', 404, false, 'transport', 'The asset or record does not exist (or belongs to another owner).'],
  ['PAYLOAD_TOO_LARGE', 413, false, 'transport', 'Cloudinary refused the file as too large (413).'],
  ['RATE_LIMITED', 503, true, 'transport', "Cloudinary's rate limit (420/429), after the retries (each at least a second later, or after the server's `Retry-After` where it can be read)."],
  ['TIMEOUT', 504, true, 'transport', 'A request or the whole operation timed out (reported as HTTP 499, as the SDK does).'],
  ['UPLOAD_FAILED', 502, true, 'transport', 'An upload failed on the network or with a 5xx, after the retries (or was not retried: it may have been applied).'],
  ['REQUEST_FAILED', 502, true, 'transport', 'An API call failed on the network or with a 5xx, after the retries.'],
  ['ABORTED', 499, false, 'transport', 'The caller aborted (an AbortSignal, a client that went away).'],
  // The media service
  ['MISSING_FILE', 400, false, 'media', 'No file was given, or it cannot be read.'],
  ['MISSING_OWNER', 400, false, 'media', 'No owner id was given.'],
  ['EMPTY_FILE', 400, false, 'media', 'The file is empty.'],
  ['FILE_TOO_LARGE', 413, false, 'media', 'The file is larger than the limit (declared, on disk, or counted while streaming).'],
  ['UNSUPPORTED_TYPE', 415, false, 'media', "The file's content (sniffed, never the client's word) is not an allowed format."],
  ['INTENT_EXPIRED', 409, true, 'media', "The upload outlived its pending record's lease and was cleaned up; try again."],
  ['IDEMPOTENCY_IN_PROGRESS', 409, true, 'media', 'A request with the same idempotency key is still in progress.'],
  ['TOO_MANY_PENDING', 429, true, 'media', 'The owner already has `maxPendingDirectUploads` direct uploads whose signatures still run, other than adopted ones it keeps: pending ones, and cancelled, refused, removed or purged ones until their signature expires. One must be adopted, or its signature expire, before another is signed.'],
  ['REPOSITORY_FAILED', 503, true, 'media', 'The repository failed.'],
  ['REPOSITORY_TIMEOUT', 503, true, 'media', 'The repository did not answer in time (`repositoryTimeout`).'],
  // The packages
  ['NOT_BUILT', 500, false, 'node', 'The native addon (or emulator) for this platform is missing: its `cirrus-<platform>` package is not installed.'],
  ['MISSING_DEPENDENCY', 500, false, 'node', 'An optional dependency is needed and not installed (`pg`, `bullmq`).'],
  ['NOT_INITIALIZED', 500, false, 'web', 'cirrus-web was used before `await init()`.'],
  ['WASM_LOAD_FAILED', 500, false, 'web', "`init()` could not fetch or instantiate cirrus-web's `.wasm` (with esbuild, copy `cirrus.wasm` next to the bundle or pass its URL)."],
  ['NOT_IN_BROWSER_BUILD', 500, false, 'web', "A server-side function (signing, tokens, downloads, `verifyIdentifier`), a signed URL (`sign_url`: a signature or an auth token) or a `CLOUDINARY_URL` config used in cirrus-web's browser build, which leaves them out: a browser holds no api_secret. Servers, workers, Deno and Bun load the full build; a browser page that needs it imports `cirrus-web/full`. Also what the url module (`cirrus-url.wasm`, loaded while a page imports nothing more than `url()`) leaves out: `await init()` once it is imported loads the browser module."],
  // cirrus-nestjs
  ['SIGN_IN_REQUIRED', 401, false, 'nestjs', 'The route needs an owner and `owner(request)` returned none.'],
  ['TOO_MANY_FILES', 413, false, 'nestjs', 'More files than `maxFiles` in one request.'],
  ['TOO_MANY_PARTS', 413, false, 'nestjs', 'More fields or parts than the multipart limits allow.'],
  ['UPLOAD_IDLE', 408, false, 'nestjs', 'A file part sent nothing for `idleTimeoutMs`.'],
  // Last resort
  ['INTERNAL', 500, false, 'core', 'A bug: an internal invariant failed (a caught panic, for example). Please report it.'],
];

/** `INVALID_ARGUMENT` → `InvalidArgument`. */
export const variant = (code) => code.toLowerCase().replace(/(^|_)([a-z])/g, (_, __, c) => c.toUpperCase());
