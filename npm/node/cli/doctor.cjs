'use strict';
// `cirrus doctor`: the signature doctor from the command line. Given the params a signer signed, it prints
// the string to sign; given Cloudinary's error too (`--error "Invalid Signature …"`), it says what
// differs, in plain words. With CLOUDINARY_URL set it also tells a wrong secret from a wrong algorithm
// (the secret is used to compare, never printed).
const HELP = `usage: cirrus doctor <key=value...> [--error "<message>"] [--signature S]

The params are those your signer signed (timestamp included; never file,
api_key, cloud_name or resource_type). Prints the string to sign. With --error
(Cloudinary's "Invalid Signature <sig>. String to sign - '...'." or "Stale
request ..."), explains what differs: a param sent but not signed, signed but
not sent, a value written differently, the timestamp's age, or a wrong secret
or algorithm. With CLOUDINARY_URL set, the account's secret is used to compare
(never printed).

  --error M                  Cloudinary's error message (quote it)
  --signature S              the signature sent (default: the one in --error);
                             without --error, checked against CLOUDINARY_URL's
                             secret
  --signature-algorithm A    sha1 or sha256, as your signer used
  --signature-version V      1 or 2, as your signer used

Exit codes: 0 nothing wrong found, 1 something found, 2 usage error.`;

/** The doctor's options, each with a value. */
const OPTIONS = ['error', 'signature', 'signature_algorithm', 'signature_version'];

function doctor(params, options) {
  const { UsageError, onlyOptions } = require('./args.cjs');
  onlyOptions('doctor', options, OPTIONS);
  if (Object.keys(params).length === 0) throw new UsageError('doctor needs the params your signer signed, as key=value pairs (cirrus doctor --help)');
  const cirrus = require('../index.cjs');
  const extra = {};
  for (const key of OPTIONS) {
    if (options[key] !== undefined) extra[key] = key === 'signature_version' ? Number(options[key]) : String(options[key]);
  }
  const diagnosis = process.env.CLOUDINARY_URL
    ? cirrus.Cloudinary.fromEnv().explainSignature(params, extra)
    : cirrus.explainSignature(params, extra);
  // (A signature it could not check, for want of CLOUDINARY_URL's secret, is said in the explanation.)
  process.stdout.write(forTerminal(diagnosis));
  return diagnosis.findings.length ? 1 : 0;
}

/**
 * The explanation wrapped for a terminal, but for the strings to sign, which stay whole lines (a break at
 * a space inside a value would change what is read as the string). Piped, each finding stays one line.
 */
function forTerminal(diagnosis) {
  const { terminalColumns, wrap } = require('./format.cjs');
  const columns = terminalColumns();
  if (!columns) return diagnosis.explanation;
  const whole = [diagnosis.string_to_sign, diagnosis.cloudinary_string_to_sign].filter(Boolean);
  return diagnosis.explanation
    .split('\n')
    .map((line) => (whole.some((s) => line.endsWith(s)) ? line : wrap(line, columns - 1)))
    .join('\n');
}

module.exports = { doctor, HELP };
