'use strict';
// The local Cloudinary emulator for users' own test suites: where its binary is (the platform package,
// or a checkout's build), and `startEmulator()`, which runs one on a free loopback port in a temporary
// data directory and says how to reach it.
const { spawn } = require('node:child_process');
const { existsSync, mkdtempSync, rmSync, statSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { randomBytes } = require('node:crypto');
const { checkoutRoot, notBuilt, platformName } = require('./platform.cjs');

/** The emulator binary: `CIRRUS_EMULATOR_BIN`, the `cirrus-<platform>` package's, or a checkout's newest build. */
function emulatorPath() {
  if (process.env.CIRRUS_EMULATOR_BIN) return process.env.CIRRUS_EMULATOR_BIN;
  const platform = platformName();
  const exe = process.platform === 'win32' ? '.exe' : '';
  try {
    return require.resolve(`cirrus-${platform}/cirrus-emulator${exe}`);
  } catch {
    // not installed from the registry: a checkout of the repository?
  }
  const repo = checkoutRoot();
  const built = repo ? ['release', 'quick', 'debug'].map((p) => join(repo, 'target', p, `cirrus-emulator${exe}`)).filter((p) => existsSync(p)) : [];
  if (built.length) return built.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  throw notBuilt('emulator', 'npm installs it as an optional dependency of cirrus');
}

/**
 * Starts an emulator: resolves to `{ url, port, account, cloudinaryUrl, urlOptions, dataDir, stop() }` once it listens.
 * Options: `account` (`{ cloud_name, api_key, api_secret }`, default a fresh random secret for cloud
 * `demo`), `dataDir` (default a temporary directory, removed by `stop()`), `args` (more emulator flags,
 * e.g. `['--fault', 'upload:500=0.1']`), `quiet` (default true).
 */
function startEmulator(options = {}) {
  const account = {
    cloud_name: 'demo',
    api_key: '1234567890',
    api_secret: randomBytes(12).toString('hex'),
    ...(options.account ?? {}),
  };
  const ownsDir = !options.dataDir;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'cirrus-emulator-'));
  const args = ['--host', '127.0.0.1', '--port', String(options.port ?? 0), '--data', dataDir,
    '--cloud-name', account.cloud_name, '--api-key', account.api_key, '--api-secret', account.api_secret,
    ...(options.quiet === false ? [] : ['--quiet']), '--stop-on-stdin-eof', ...(options.args ?? [])];
  // stdin is a lifeline: when this process dies (even by SIGKILL) the pipe closes and the emulator stops.
  const child = spawn(emulatorPath(), args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-8000); });
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => { child.kill(); reject(new Error(`the emulator did not start: ${stderr}`)); }, 15000);
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the emulator exited with ${code}: ${stderr}`)); });
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = /listening on (http:\/\/\S+)/.exec(stdout);
      if (!m) return;
      clearTimeout(timer);
      const url = m[1];
      resolve({
        url,
        port: Number(new URL(url).port),
        account,
        cloudinaryUrl: `cloudinary://${account.api_key}:${account.api_secret}@${account.cloud_name}?upload_prefix=${encodeURIComponent(url)}`,
        // Delivery URLs that reach the emulator: `url(id, { ...emulator.urlOptions })`, or MediaService's `urlOptions`.
        urlOptions: { secure: false, cname: new URL(url).host },
        dataDir,
        process: child,
        stop: () => new Promise((done) => {
          const finish = () => {
            if (ownsDir) rmSync(dataDir, { recursive: true, force: true });
            done();
          };
          if (child.exitCode !== null) return finish();
          child.once('exit', finish);
          child.kill('SIGTERM');
        }),
      });
    });
  });
}

/**
 * URL options whose delivery URLs reach the emulator a `CLOUDINARY_URL` uploads to, or null when it
 * uploads to Cloudinary. An `upload_prefix` on plain `http:` is taken for an emulator (Cloudinary's API is
 * HTTPS only): the emulator serves deliveries on the same host.
 */
function emulatorUrlOptions(cloudinaryUrl = process.env.CLOUDINARY_URL) {
  if (!cloudinaryUrl) return null;
  let prefix;
  try {
    prefix = new URL(cloudinaryUrl).searchParams.get('upload_prefix');
    if (!prefix) return null;
    const target = new URL(prefix);
    return target.protocol === 'http:' ? { secure: false, cname: target.host } : null;
  } catch {
    return null;
  }
}

/** The account `npx cirrus emulator`, `npm run emulator` and the demo use when none is given (local only). */
const DEMO_ACCOUNT = { cloud_name: 'demo', api_key: '123456789012345', api_secret: 'cirrus-demo-secret' };
const DEMO_URL = `cloudinary://${DEMO_ACCOUNT.api_key}:${DEMO_ACCOUNT.api_secret}@${DEMO_ACCOUNT.cloud_name}`;

module.exports = { emulatorPath, startEmulator, emulatorUrlOptions, DEMO_ACCOUNT, DEMO_URL };
