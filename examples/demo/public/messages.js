// Plain words for what goes wrong, by stable error code (cirrus's registry), then by the raw message.
const BY_CODE = {
  EMPTY_FILE: 'The file is empty (0 bytes): nothing to upload.',
  SERVER_UNREACHABLE: 'The demo server does not answer: is `npm start` still running?',
  UNSUPPORTED_TYPE: 'Refused: only images (JPEG, PNG, GIF, WebP) are accepted.',
  FILE_TOO_LARGE: 'Refused: the file is larger than the limit.',
  INTENT_EXPIRED: 'The upload took too long and was cleaned up: try again.',
  RATE_LIMITED: 'The account is rate limited right now: try again in a minute.',
  ABORTED: 'Cancelled.',
};

const BY_MESSAGE = [
  [/network error|failed to fetch/i, 'The upload could not reach the server (network error): check the connection and try again.'],
  [/invalid image file/i, 'Refused: this file is not an image Cloudinary can read.'],
  [/format .* not allowed|not allowed format/i, 'Refused: only images (JPEG, PNG, GIF, WebP) are accepted; nothing was stored.'],
  [/invalid signature/i, 'The server signed the upload with the wrong key or parameters (Invalid Signature).'],
];

/** A sentence for the user about `error` (a cirrus error, a fetch failure, or any Error). */
export function explain(error) {
  // The signature doctor's first finding says what the signer got wrong.
  if (error.diagnosis?.findings?.length) return `Invalid Signature: ${error.diagnosis.findings[0].message}`;
  if (error.code && BY_CODE[error.code]) return BY_CODE[error.code];
  const message = String(error.message ?? error);
  for (const [pattern, text] of BY_MESSAGE) if (pattern.test(message)) return text;
  return message;
}
