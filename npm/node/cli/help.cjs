'use strict';
// The CLI's help: the overview and each command's text, written to fit 80 columns as they are (the CLI
// test checks every line; cli.cjs still wraps them for narrower terminals).
const upload = require('./upload.cjs');
const sync = require('./sync.cjs');
const doctor = require('./doctor.cjs');
const urlOptions = require('./url-options.cjs');

/** Flags in lines of at most 78 columns. */
function flagLines(names) {
  const lines = [];
  for (const flag of names.map((n) => `--${n.replace(/_/g, '-')}`)) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + flag.length <= 78) lines[last] += ` ${flag}`;
    else lines.push(flag);
  }
  return lines.join('\n');
}

const USAGE = `usage: cirrus <command> [arguments] [--option value ...]

  upload <files or dirs...>   uploads with live progress (--recursive,
                              --folder, --dry-run ...)
  sync <directory>            uploads what the cloud is missing or holds
                              changed (by etag)
  destroy <public_ids...>     deletes assets
  url <public_id> [options]   a delivery URL (--width 300 --crop fill ...)
  sign <key=value...>         signs upload params with the account's secret
  doctor <key=value...>       the string to sign; with --error "<message>",
                              explains Cloudinary's "Invalid Signature"
  verify <identifier>         checks a signed identifier
  emulator [flags]            runs the local Cloudinary emulator

\`cirrus <command> --help\` shows a command's options; \`cirrus --version\` the
version. The account comes from
CLOUDINARY_URL: cloudinary://KEY:SECRET@CLOUD, with ?upload_prefix=http://...
for the emulator.`;

const HELP = {
  destroy: `usage: cirrus destroy <public_ids...> [--type T] [--resource-type R]

Deletes each asset; prints "<public_id>: ok" or "not found". Exit 1 when any
was not deleted. --type: upload (default), private or authenticated;
--resource-type: image (default), video or raw, as \`cirrus upload\` lists it.`,
  url: `usage: cirrus url <public_id> [--option value ...]

Prints a delivery URL. Options are url()'s, snake_case or kebab-case:
--width 300 --crop fill --secure false --sign-url true; a name url() does
not have is refused (a typo would otherwise drop it). With an emulator
CLOUDINARY_URL (upload_prefix on http://), the URL points at the emulator
unless --secure or --cname is given. Without CLOUDINARY_URL, --cloud-name
is enough (a URL needs no secret).

Its options (and $name variables):
${flagLines(urlOptions.names)}`,
  sign: `usage: cirrus sign <key=value...>

Prints the params with api_key, timestamp (now unless given) and signature.`,
  verify: `usage: cirrus verify <identifier>

Checks a signed identifier (image/upload/v123/id.jpg#signature); prints what
it names, or exits 1.

  --allowed-formats jpg,png       refuse other formats (and none)
  --allowed-types upload          refuse other delivery types
  --allowed-resource-types image  refuse other resource types
  --signature-algorithm A         sha1 or sha256, as they were signed
                                  (default: the account's, else sha1)`,
  upload: upload.HELP,
  sync: sync.HELP,
  doctor: doctor.HELP,
};

module.exports = { USAGE, HELP };
