// Starts the emulator binary (built by `npm run build`) on a free loopback port, for tests and benches.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../../scripts/run.mjs';
import { tempDir } from './temp.mjs';

export const ACCOUNT = { cloud_name: 'demo', api_key: '1234567890', api_secret: 'emulator-secret' };

/** The emulator binary: `CIRRUS_EMULATOR_BIN`, else the most recently built of the release, quick and debug ones. */
export function emulatorBinary() {
  if (process.env.CIRRUS_EMULATOR_BIN) return process.env.CIRRUS_EMULATOR_BIN;
  const built = ['release', 'quick', 'debug'].map((profile) => join(root, 'target', profile, 'cirrus-emulator')).filter((bin) => existsSync(bin));
  if (built.length === 0) throw new Error('cirrus-emulator is not built: run `npm run build`');
  return built.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
}

/** A fresh data directory (removed when the process ends: tests/shared/temp.mjs). */
export function tempDataDir() {
  return tempDir('cirrus-emulator-');
}

/**
 * Starts an emulator; resolves to `{ url, port, dataDir, stop(), logs() }` once it prints its address.
 * `args` are extra CLI flags.
 */
export function startEmulator({ dataDir = tempDataDir(), args = [], account = ACCOUNT } = {}) {
  // The suites chunk small files to stay fast: Cloudinary's 5 MB minimum chunk is lifted unless a test
  // sets it (tests/emulator/protocol.test.mjs checks the default).
  const chunks = args.includes('--min-chunk-bytes') ? [] : ['--min-chunk-bytes', '1'];
  const child = spawn(emulatorBinary(), [
    '--port', '0', '--data', dataDir,
    '--cloud-name', account.cloud_name, '--api-key', account.api_key, '--api-secret', account.api_secret,
    ...chunks, '--stop-on-stdin-eof', ...args,
  ], { stdio: ['pipe', 'pipe', 'pipe'] }); // stdin is a lifeline: a test process that dies stops its emulator
  let stderr = '';
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-20000); });
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`emulator did not start: ${stderr}`)), 15000);
    child.on('exit', (code) => reject(new Error(`emulator exited with ${code}: ${stderr}`)));
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = /listening on (http:\/\/[^\s]+)/.exec(stdout);
      if (!m) return;
      clearTimeout(timer);
      const url = m[1];
      resolve({
        url,
        port: Number(new URL(url).port),
        dataDir,
        child,
        logs: () => stderr,
        stop: () => new Promise((done) => {
          if (child.exitCode !== null) return done(child.exitCode);
          child.once('exit', (code) => done(code));
          child.kill('SIGTERM');
        }),
      });
    });
  });
}

/** The emulator process's peak resident memory so far (VmHWM), in MB. */
export function peakRssMb(emulator) {
  const status = readFileSync(`/proc/${emulator.child.pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

/** `CLOUDINARY_URL` pointing the official SDK at an emulator. */
export function cloudinaryUrl(emulator, account = ACCOUNT) {
  // Anything with a `url` (a running emulator, or `{ url }`) will do.
  return `cloudinary://${account.api_key}:${account.api_secret}@${account.cloud_name}?upload_prefix=${encodeURIComponent(emulator.url)}`;
}

/** Basic auth header for the Admin API and the control endpoints. */
export function basicAuth(account = ACCOUNT) {
  return `Basic ${Buffer.from(`${account.api_key}:${account.api_secret}`).toString('base64')}`;
}
