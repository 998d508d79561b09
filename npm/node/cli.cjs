#!/usr/bin/env node
'use strict';
// `npx cirrus …`: uploads with live progress, sync, destroy, url, sign, verify, the signature doctor and
// the local emulator. Reads CLOUDINARY_URL. Exit codes: 0 success, 1 an operation failed, 2 usage or
// configuration error. `cirrus <command> --help` explains each command.
const { spawn } = require('node:child_process');
const { emulatorPath, emulatorUrlOptions, DEMO_URL } = require('./emulator.cjs');
const { UsageError, parseArgs, onlyOptions } = require('./cli/args.cjs');
const URL_OPTIONS = require('./cli/url-options.cjs');
const { terminalColumns, wrap } = require('./cli/format.cjs');

/** Help fitted to the terminal (80 columns off one). */
const printHelp = (text) => console.log(wrap(text, (terminalColumns() ?? 80) - 1));

/** A command's help; an unknown command (or a name of Object's prototype) is a usage error. */
function commandHelp(command) {
  if (!Object.hasOwn(HELP, command)) throw new UsageError(`unknown command ${command} (cirrus --help lists them)`);
  printHelp(HELP[command]);
  return 0;
}
const upload = require('./cli/upload.cjs');
const sync = require('./cli/sync.cjs');
const doctor = require('./cli/doctor.cjs');
const { USAGE, HELP } = require('./cli/help.cjs');


function client(hint = '') {
  if (!process.env.CLOUDINARY_URL) throw new UsageError(`CLOUDINARY_URL is not set${hint}`);
  const { Cloudinary } = require('./index.cjs');
  const cld = Cloudinary.fromEnv();
  // A configuration error is exit 2 before anything starts, not a failed row per file.
  const config = cld.toJSON();
  if (!config.api_key || !config.api_secret) throw new UsageError('CLOUDINARY_URL needs an api_key and an api_secret: cloudinary://KEY:SECRET@CLOUD');
  if (!config.cloud_name) throw new UsageError('CLOUDINARY_URL needs a cloud name: cloudinary://KEY:SECRET@CLOUD');
  // (The transport refuses it too, but only at the first request: here it is exit 2 before anything.)
  if (config.upload_prefix !== undefined && !/^https?:\/\/[^/]/i.test(String(config.upload_prefix))) {
    // (toJSON's config shows no user:password: the core redacts it.)
    throw new UsageError(`CLOUDINARY_URL's upload_prefix must be an http:// or https:// URL, not ${config.upload_prefix}`);
  }
  return cld;
}


async function destroy(ids, options) {
  onlyOptions('destroy', options, ['type', 'resource_type', 'invalidate']);
  if (ids.length === 0) throw new UsageError('destroy needs at least one public id (cirrus destroy --help)');
  if (options.resource_type !== undefined && !['image', 'video', 'raw'].includes(options.resource_type)) {
    throw new UsageError(`--resource-type is image, video or raw, not ${options.resource_type}`);
  }
  // Without --resource-type Cloudinary looks among images only: a miss says where else to look.
  const elsewhere = options.resource_type === undefined ? ' (among images: --resource-type video or raw for others)' : '';
  const cld = client();
  let failed = 0;
  for (const id of ids) {
    try {
      const { result } = await cld.destroy(String(id), { type: options.type, resource_type: options.resource_type, invalidate: options.invalidate });
      console.log(`${id}: ${result}${result === 'not found' ? elsewhere : ''}`);
      if (result !== 'ok') failed++;
    } catch (err) {
      console.error(`${id}: ${err.message} (${err.code})`);
      failed++;
    }
  }
  return failed ? 1 : 0;
}

function url(positional, options) {
  // url() itself ignores names it does not know, as the SDK does: here a typo would print a URL without it.
  onlyOptions('url', options, URL_OPTIONS.names, { also: (k) => k.startsWith('$'), where: 'cirrus url --help', booleans: URL_OPTIONS.booleans });
  if (positional.length === 0) throw new UsageError('url needs one public id (cirrus url --help)');
  if (positional.length > 1) {
    throw new UsageError(`url takes one public id, not ${positional.length} arguments (${positional.join(' ')}): options are --name value, as --width 300`);
  }
  const publicId = String(positional[0]);
  // A URL needs no secret: without CLOUDINARY_URL, --cloud-name is enough.
  if (!process.env.CLOUDINARY_URL && options.cloud_name !== undefined) {
    console.log(require('./index.cjs').url(publicId, options));
    return 0;
  }
  const viaEmulator = 'secure' in options || 'cname' in options ? null : emulatorUrlOptions();
  console.log(client(' (or pass --cloud-name: a URL needs no secret)').url(publicId, { ...viaEmulator, ...options }));
  return 0;
}

/** `key=value` pairs as params (values kept as strings: they are signed as written). */
function pairs(positional, command) {
  const params = {};
  for (const pair of positional) {
    const [k, v] = String(pair).split(/=(.*)/s);
    if (v === undefined || !k) throw new UsageError(`${command} takes key=value pairs, not ${pair}`);
    params[k] = v;
  }
  return params;
}

function run(command, positional, options) {
  switch (command) {
    case 'upload': return upload.upload(positional, options, client);
    case 'sync': return sync.sync(positional, options, client);
    case 'destroy': return destroy(positional, options);
    case 'url': return url(positional, options);
    case 'sign': {
      onlyOptions('sign', options, []);
      const params = pairs(positional, 'sign');
      if (!('timestamp' in params)) params.timestamp = Math.floor(Date.now() / 1000);
      console.log(JSON.stringify(client().signRequest(params), null, 2));
      return 0;
    }
    case 'doctor': return doctor.doctor(pairs(positional, 'doctor'), options);
    case 'verify': {
      if (positional.length !== 1) throw new UsageError('verify needs one identifier (cirrus verify --help)');
      const lists = ['allowed_resource_types', 'allowed_types', 'allowed_formats'];
      const allowed = [...lists, 'signature_algorithm'];
      onlyOptions('verify', options, allowed);
      // Comma lists, as --tags a,b.
      const policy = { ...options };
      for (const key of lists) if (key in policy) policy[key] = String(policy[key]).split(',').map((item) => item.trim());
      console.log(JSON.stringify(client().verifyIdentifier(String(positional[0]), policy), null, 2));
      return 0;
    }
    default: throw new UsageError(command ? `unknown command ${command} (cirrus --help lists them)` : 'a command is needed');
  }
}

function emulator(args) {
  // Without an account anywhere, the demo account (as `npm run emulator`), said out loud.
  const given = (flags) => args.some((a) => flags.includes(a.split('=')[0]));
  const named = process.env.CLOUDINARY_URL || given(['--cloud-name', '--cloudinary-url', '--help', '-h']);
  const env = named ? process.env : { ...process.env, CLOUDINARY_URL: DEMO_URL };
  // The demo account is said out loud only when it is the one served: a key or secret of the user's own
  // laid over it is not (and the clients URL would not sign).
  const demo = !named && !given(['--api-key', '--api-secret']);
  if (demo) {
    console.log(`account: ${DEMO_URL}\n  (the demo account: set CLOUDINARY_URL, or pass --cloud-name, --api-key and\n  --api-secret, for another)`);
  }
  // The binary of this platform's package (or a checkout's build); a missing one is a NOT_BUILT error naming it.
  // Its stdout passes through; on the demo account, once it listens, the CLOUDINARY_URL clients use (an
  // account of the user's own is not echoed: that would print its secret).
  // Its stdin is a lifeline (the pipe closes when this process dies, even by SIGKILL), and so are this
  // process's ancestors up to npm when npx ran it (on Linux, which lets them be seen): a SIGTERM to npx
  // kills its sh without passing it on, which would leave this wrapper and the emulator serving with no
  // one to stop them. The flag goes first: after the user's, a trailing `--data` would take it as its value.
  const child = spawn(emulatorPath(), ['--stop-on-stdin-eof', ...args], { stdio: ['pipe', 'pipe', 'inherit'], env });
  require('./cli/lifeline.cjs').onAncestorsGone(() => child.kill('SIGTERM'), { npmOnly: true });
  let pending = '';
  // A reader that goes away (`cirrus emulator | grep -m1 listening`) ends the forwarding, not the wrapper:
  // the emulator it runs keeps serving, as it did when its stdout was inherited.
  let forwarding = true;
  process.stdout.on('error', () => { forwarding = false; });
  child.stdout.on('data', (chunk) => {
    if (forwarding) process.stdout.write(chunk);
    if (!demo || pending === null || !forwarding) return;
    pending += chunk;
    const listening = /^listening on (http:\/\/\S+)\r?\n/m.exec(pending);
    if (listening) {
      console.log(`clients: CLOUDINARY_URL=${DEMO_URL}?upload_prefix=${listening[1]}`);
      pending = null;
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  // Killed by a signal (not stopped by one it handles) is a failure.
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'help' && rest.length) return commandHelp(rest[0]);
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    printHelp(USAGE);
    return command ? 0 : 2;
  }
  if (command === '--version' || command === '-V' || command === 'version') {
    console.log(require('./package.json').version);
    return 0;
  }
  if (command === 'emulator') return emulator(rest);
  const { positional, options } = parseArgs(rest);
  if (options.help) return commandHelp(command);
  delete options.help;
  return run(command, positional, options);
}

main().then(
  (code) => { process.exitCode = code; },
  (err) => {
    const usage = err instanceof UsageError;
    // (The package's own errors may already begin with `cirrus: `: not said twice.)
    const line = `cirrus: ${err.message.replace(/^cirrus: /, '')}${err.code && !usage ? ` (${err.code})` : ''}`;
    // On a terminal, fitted to it like the help; piped, one line (programs read it whole).
    const columns = terminalColumns(process.stderr);
    console.error(columns ? wrap(line, columns - 1) : line);
    process.exitCode = usage || ['MISSING_OPTION', 'INVALID_CONFIG', 'INVALID_ARGUMENT', 'INVALID_OPTION'].includes(err.code) ? 2 : 1;
  },
);
