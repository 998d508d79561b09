// THE export table: every core function both packages expose, declared once. `npm run generate` (and
// `npm run build`) writes from it the Node addon's functions and `Cloudinary` methods and their JSON
// fast-path twins (crates/node/src/generated.rs), the same for wasm (crates/wasm/src/generated.rs), the
// JavaScript wrappers (npm/node/generated.cjs, npm/web/generated.js) and the web package's declarations
// (npm/web/generated.d.ts). tests/node/exports.test.mjs checks that the table, CJS, ESM, index.d.ts and
// the web package name the same functions, and that the generated files are up to date.
//
// An entry:
//   name     JS name (the Rust name is its snake_case)
//   doc      one line, the doc comment everywhere
//   args     [name, TS type, kind]: kind `value` (any JS value, read into a core Value), `json` (a value
//            that crosses as text when it is plain data: flat text (crates/core/src/flat.rs) for an
//            object of strings, numbers, booleans and nulls, else JSON), `now` (the optional trailing nowMs)
//   returns  [TS type, Rust kind]: `String`, `bool` or `Value`
//   core     the core function the free function calls, with every arg in order
//   owned    the core function the JSON fast path calls instead, taking the parsed JSON args by value
//   text     (Node) the core function the JSON fast path calls with the texts themselves, answering an
//            `api::Answer` (JSON it wrote, or a value): for params it can sign without building a map
//   method   the `Cloudinary` method: { args: names taken (the rest come from the account), ts: TS args,
//            text?: (Node) the `api::Client` method its JSON twin calls with the texts, as `text` above }
//            or null when the function has no account form
//   flat     a faster twin for the commonest call: { core, text?, strings, absent, decode? }: `text`
//            crosses as flat text (npm/*/fast-args flatParamsArg: every value a string, number, boolean
//            or null),
//            `strings` as strings, when those are strings and every `absent` arg is null or undefined;
//            the twin answers text (`decode`, a function of fast-args, turns it into the result), or
//            none when the text is ambiguous, and the call then takes the other paths
//   browser  what cirrus-web's browser modules carry (what a page without a secret uses): `'url'` in both
//            (cirrus-url.wasm, which a page that imports url() alone loads, and cirrus-browser.wasm),
//            true in the browser module only; the others answer NOT_IN_BROWSER_BUILD there, and the
//            modules are smaller for it. A `Cloudinary` method is in the browser module only (the class is)
//   rawTwin  (Node) the free function's text twin is a plain N-API callback written by hand
//            (crates/node/src/raw.rs, registered by name when the addon loads), not generated: napi-rs's
//            per-call machinery was ~4% of a url(); its method twin is still generated

export const EXPORTS = [
  {
    name: 'url',
    doc: "Builds a delivery URL, exactly as the official SDK's `cloudinary.url()` (without analytics).",
    args: [['publicId', 'string | number', 'value'], ['options?', 'UrlOptions', 'json'], ['nowMs?', 'number', 'now']],
    returns: ['string', 'String'],
    core: 'api::url',
    method: { args: ['publicId', 'options', 'nowMs'], ts: 'publicId: string | number, options?: UrlOptions, nowMs?: number' },
    browser: 'url',
    rawTwin: true,
  },
  {
    name: 'apiSignRequest',
    doc: 'Signs request parameters (hex SHA-1 or SHA-256; signature version 1 or 2).',
    args: [['params', 'Record<string, unknown>', 'json'], ['apiSecret', 'string', 'value'], ['signatureAlgorithm?', "'sha1' | 'sha256' | null", 'value'], ['signatureVersion?', '1 | 2 | null', 'value']],
    returns: ['string', 'String'],
    core: 'api::api_sign_request',
    flat: { core: 'api::api_sign_request_flat', text: 'params', strings: ['apiSecret'], absent: ['signatureAlgorithm', 'signatureVersion'] },
    method: { args: ['params'], ts: 'params: Record<string, unknown>', text: 'api_sign_request_text' },
  },
  {
    name: 'signRequest',
    doc: 'Clears blank params, signs them and adds `signature` and `api_key`.',
    args: [['params', 'Record<string, unknown>', 'json'], ['options', 'SigningOptions', 'json']],
    returns: ['SignedParams', 'Value'],
    core: 'api::sign_request',
    owned: 'api::sign_request_owned',
    text: 'api::sign_request_text',
    method: { args: ['params', 'options'], ts: 'params: Record<string, unknown>, options?: Partial<SigningOptions>', text: 'sign_request_text' },
  },
  {
    name: 'buildUploadParams',
    doc: "The upload parameters the SDK's `build_upload_params` would send.",
    args: [['options?', 'UploadOptions', 'json'], ['nowMs?', 'number', 'now']],
    returns: ['Record<string, string | number | null>', 'Value'],
    core: 'api::build_upload_params',
    method: { args: ['options', 'nowMs'], ts: 'options?: UploadOptions, nowMs?: number', core: 'api::build_upload_params' },
  },
  {
    name: 'verifyIdentifier',
    doc: 'Verifies a signed identifier (`<resource_type>/<type>/v<version>/<public_id>[.<format>]#<signature>`).',
    args: [['identifier', 'string', 'value'], ['apiSecret', 'string', 'value'], ['options?', 'IdentifierPolicy', 'value']],
    returns: ['VerifiedIdentifier', 'Value'],
    core: 'api::verify_identifier',
    flat: { core: 'api::verify_identifier_flat', strings: ['identifier', 'apiSecret'], absent: ['options'], decode: 'identifierFromText' },
    method: { args: ['identifier', 'options'], ts: 'identifier: string, options?: IdentifierPolicy' },
  },
  {
    name: 'parseIdentifier',
    doc: "A signed identifier's parts without checking its signature (no secret needed): `verifyIdentifier`'s result plus `signature`.",
    args: [['identifier', 'string', 'value']],
    returns: ['ParsedIdentifier', 'Value'],
    core: 'api::parse_identifier',
    method: null,
    browser: true,
  },
  {
    name: 'explainSignature',
    doc: "The signature doctor: what differs between the params a signer signed and the string Cloudinary signed (its `Invalid Signature` error), in plain words; no secret in the answer.",
    args: [['params', 'Record<string, unknown>', 'value'], ['options?', 'ExplainSignatureOptions', 'value'], ['nowMs?', 'number', 'now']],
    returns: ['SignatureDiagnosis', 'Value'],
    core: 'api::explain_signature',
    method: { args: ['params', 'options', 'nowMs'], ts: 'params: Record<string, unknown>, options?: ExplainSignatureOptions, nowMs?: number' },
    browser: false,
  },
  {
    name: 'generateAuthToken',
    doc: 'Generates an auth token (`__cld_token__=...`).',
    args: [['options', 'AuthTokenOptions', 'value'], ['nowMs?', 'number', 'now']],
    returns: ['string', 'String'],
    core: 'api::generate_auth_token',
    method: { args: ['options', 'nowMs'], ts: 'options?: Partial<AuthTokenOptions>, nowMs?: number' },
  },
  {
    name: 'verifyNotificationSignature',
    doc: "Verifies a webhook notification's `X-Cld-Signature` for its body and `X-Cld-Timestamp`.",
    args: [['body', 'string', 'value'], ['timestamp', 'number | string', 'value'], ['signature', 'string', 'value'], ['options', 'NotificationOptions', 'value'], ['nowMs?', 'number', 'now']],
    returns: ['boolean', 'bool'],
    core: 'api::verify_notification_signature',
    method: { args: ['body', 'timestamp', 'signature', 'options', 'nowMs'], ts: 'body: string, timestamp: number | string, signature: string, options?: Partial<NotificationOptions>, nowMs?: number' },
  },
  {
    name: 'privateDownloadUrl',
    doc: 'A signed Upload API URL that downloads a private or authenticated asset.',
    args: [['publicId', 'string', 'value'], ['format', 'string | null | undefined', 'value'], ['options', 'DownloadOptions', 'value'], ['nowMs?', 'number', 'now']],
    returns: ['string', 'String'],
    core: 'api::private_download_url',
    method: { args: ['publicId', 'format', 'options', 'nowMs'], ts: 'publicId: string, format?: string | null, options?: Partial<DownloadOptions>, nowMs?: number' },
  },
  {
    name: 'downloadArchiveUrl',
    doc: 'A signed URL that generates and downloads an archive.',
    args: [['options', 'ArchiveOptions', 'value'], ['nowMs?', 'number', 'now']],
    returns: ['string', 'String'],
    core: 'api::download_archive_url',
    method: { args: ['options', 'nowMs'], ts: 'options?: Partial<ArchiveOptions>, nowMs?: number' },
  },
  {
    name: 'downloadZipUrl',
    doc: 'A signed URL that generates and downloads a ZIP archive.',
    args: [['options', 'ArchiveOptions', 'value'], ['nowMs?', 'number', 'now']],
    returns: ['string', 'String'],
    core: 'api::download_zip_url',
    method: { args: ['options', 'nowMs'], ts: 'options?: Partial<ArchiveOptions>, nowMs?: number' },
  },
  {
    name: 'parseCloudinaryUrl',
    doc: "Parses a `CLOUDINARY_URL` into the SDK's config object.",
    args: [['url', 'string', 'value']],
    returns: ['CloudinaryConfig', 'Value'],
    core: 'api::parse_cloudinary_url',
    method: null,
  },
];

/** `apiSignRequest` → `api_sign_request`. */
export const snake = (name) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
/** An arg's name without its `?`. */
export const bare = (arg) => arg[0].replace('?', '');
