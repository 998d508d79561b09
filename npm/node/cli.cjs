#!/usr/bin/env node
'use strict';
// `npx cirrus …`: uploads with live progress, destroy, url, sign, verify, and the local emulator.
// Reads CLOUDINARY_URL. Exit codes: 0 success, 1 an operation failed, 2 usage or configuration error.
const { basename } = require('node:path');
const { spawn } = require('node:child_process');
const { emulatorPath } = require('./emulator.cjs');

const USAGE = `usage: cirrus <command> [arguments] [--option value ...]

  upload <files...> [--folder F] [--concurrency N] [--chunk-size MB] [--tags a,b] [--resource-type T]
  destroy <public_ids...> [--type T] [--resource-type T]
  url <public_id> [--width 300 --crop fill ...]     any url() option, snake_case or kebab-case
  sign <key=value...>                                signs params with the account's secret
  verify <identifier>                                checks a signed identifier
  emulator [flags]                                   runs the local Cloudinary emulator (see --help)

The account comes from CLOUDINARY_URL (cloudinary://KEY:SECRET@CLOUD[?upload_prefix=...]).`;

class UsageError extends Error {}

function parseArgs(argv) {
  const positional = [];
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith('--')) {
      const [rawKey, inline] = arg.slice(2).split(/=(.*)/s);
      const key = rawKey.replace(/-/g, '_');
      const value = inline !== undefined ? inline : (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--') ? argv[++i] : true);
      options[key] = typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
    } else {
      positional.push(arg);
    }
  }
  return { positional, options };
}

function client() {
  if (!process.env.CLOUDINARY_URL) throw new UsageError('CLOUDINARY_URL is not set');
  const { Cloudinary } = require('./index.cjs');
  return Cloudinary.fromEnv();
}

const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;

function progressBar(done, total, width = 24) {
  const ratio = total ? Math.min(1, done / total) : 0;
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}%`;
}

async function upload(files, options) {
  if (files.length === 0) throw new UsageError('upload needs at least one file');
  const cld = client();
  const concurrency = Math.max(1, Number(options.concurrency) || 2);
  const base = {};
  if (options.folder) base.folder = String(options.folder);
  if (options.tags) base.tags = String(options.tags).split(',');
  if (options.resource_type) base.resource_type = String(options.resource_type);
  if (options.chunk_size) base.chunk_size = Number(options.chunk_size) * 1e6;
  base.use_filename = true;
  const rows = files.map((file) => ({ file, loaded: 0, total: 0, status: 'waiting', result: null, error: null, started: 0, seconds: 0 }));
  const tty = process.stderr.isTTY;
  let drawn = 0;
  const draw = (final = false) => {
    if (!tty && !final) return;
    if (tty && drawn) process.stderr.write(`\x1b[${drawn}A`);
    for (const r of rows) {
      const name = basename(r.file).slice(0, 28).padEnd(28);
      const state = r.status === 'uploading' ? progressBar(r.loaded, r.total) : r.status;
      process.stderr.write(`${tty ? '\x1b[2K' : ''}${name} ${state} ${r.total ? mb(r.total) : ''}\n`);
    }
    drawn = rows.length;
  };
  const timer = tty ? setInterval(draw, 100) : null;
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, async () => {
    while (next < rows.length) {
      const row = rows[next++];
      row.status = 'uploading';
      row.started = performance.now();
      try {
        row.result = await cld.upload({ path: row.file }, { ...base, onProgress: ({ loaded, total }) => { row.loaded = loaded; row.total = total || row.total; } });
        row.status = 'done';
      } catch (err) {
        row.error = err;
        row.status = `failed: ${err.message}`;
      }
      row.seconds = (performance.now() - row.started) / 1000;
    }
  }));
  if (timer) clearInterval(timer);
  draw(true);
  const table = rows.map((r) => ({
    file: basename(r.file),
    public_id: r.result ? r.result.public_id : '',
    bytes: r.result ? r.result.bytes : '',
    seconds: +r.seconds.toFixed(2),
    status: r.error ? `${r.error.code}${r.error.http_code ? ` (${r.error.http_code})` : ''}` : 'ok',
  }));
  console.table(table);
  return rows.some((r) => r.error) ? 1 : 0;
}

async function destroy(ids, options) {
  if (ids.length === 0) throw new UsageError('destroy needs at least one public id');
  const cld = client();
  let failed = 0;
  for (const id of ids) {
    try {
      const { result } = await cld.destroy(id, { type: options.type, resource_type: options.resource_type });
      console.log(`${id}: ${result}`);
      if (result !== 'ok') failed++;
    } catch (err) {
      console.error(`${id}: ${err.message} (${err.code})`);
      failed++;
    }
  }
  return failed ? 1 : 0;
}

function run(command, positional, options) {
  switch (command) {
    case 'upload': return upload(positional, options);
    case 'destroy': return destroy(positional, options);
    case 'url': {
      if (positional.length !== 1) throw new UsageError('url needs one public id');
      console.log(client().url(positional[0], options));
      return 0;
    }
    case 'sign': {
      const params = {};
      for (const pair of positional) {
        const [k, v] = pair.split(/=(.*)/s);
        if (v === undefined) throw new UsageError(`sign takes key=value pairs, not ${pair}`);
        params[k] = v;
      }
      if (!('timestamp' in params)) params.timestamp = Math.floor(Date.now() / 1000);
      console.log(JSON.stringify(client().signRequest(params), null, 2));
      return 0;
    }
    case 'verify': {
      if (positional.length !== 1) throw new UsageError('verify needs one identifier');
      console.log(JSON.stringify(client().verifyIdentifier(positional[0], options), null, 2));
      return 0;
    }
    default: throw new UsageError(command ? `unknown command ${command}` : 'a command is needed');
  }
}

function emulator(args) {
  // The binary of this platform's package (or a checkout's build); a missing one is a NOT_BUILT error naming it.
  const child = spawn(emulatorPath(), args, { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 0)));
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  if (!command || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (command === 'emulator') return emulator(rest);
  const { positional, options } = parseArgs(rest);
  return run(command, positional, options);
}

main().then(
  (code) => { process.exitCode = code; },
  (err) => {
    const usage = err instanceof UsageError;
    console.error(`cirrus: ${err.message}${err.code && !usage ? ` (${err.code})` : ''}`);
    process.exitCode = usage || ['MISSING_OPTION', 'INVALID_CONFIG', 'INVALID_ARGUMENT', 'INVALID_OPTION'].includes(err.code) ? 2 : 1;
  },
);
