// `npx cirrus` against the emulator: uploads with a summary, destroy, url, sign, verify; one-line errors.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ACCOUNT, startEmulator } from '../shared/emulator.mjs';
import { makePng } from '../shared/png.mjs';
import { createRequire } from 'node:module';

const { apiSignRequest } = createRequire(import.meta.url)('../../npm/node');

const CLI = fileURLToPath(new URL('../../npm/node/cli.cjs', import.meta.url));
let emulator;
let env;
before(async () => {
  emulator = await startEmulator({ args: ['--quiet'] });
  env = { ...process.env, CLOUDINARY_URL: `cloudinary://${ACCOUNT.api_key}:${ACCOUNT.api_secret}@${ACCOUNT.cloud_name}?upload_prefix=${emulator.url}` };
});
after(() => emulator.stop());

const cirrus = (args, extraEnv = env) => spawnSync(process.execPath, [CLI, ...args], { env: extraEnv, encoding: 'utf8' });

test('upload files with a summary table; destroy them', () => {
  const files = [1, 2].map((i) => {
    const path = join(tmpdir(), `cli-${process.pid}-${i}.png`);
    writeFileSync(path, makePng(20 * i, 10));
    return path;
  });
  const up = cirrus(['upload', ...files, '--folder', 'cli', '--concurrency', '2']);
  assert.equal(up.status, 0, up.stderr);
  const ids = [...up.stdout.matchAll(/cli\/cli-\d+-\d_[a-z0-9]{6}/g)].map((m) => m[0]);
  assert.equal(ids.length, 2, up.stdout);
  assert.match(up.stdout, /ok/);
  const del = cirrus(['destroy', ...ids]);
  assert.equal(del.status, 0, del.stderr);
  assert.equal(del.stdout.trim().split('\n').filter((l) => l.endsWith(': ok')).length, 2);
  const again = cirrus(['destroy', ids[0]]);
  assert.equal(again.status, 1);
  const missing = cirrus(['upload', '/no/such.png']);
  assert.equal(missing.status, 1);
  assert.match(missing.stdout, /INVALID_ARGUMENT/);
});

test('url, sign and verify', () => {
  const url = cirrus(['url', 'sample.jpg', '--width', '300', '--crop', 'fill']);
  assert.equal(url.stdout.trim(), 'https://res.cloudinary.com/demo/image/upload/c_fill,w_300/sample.jpg');
  const signed = JSON.parse(cirrus(['sign', 'public_id=x', 'timestamp=1700000000']).stdout);
  assert.equal(signed.api_key, ACCOUNT.api_key);
  assert.equal(signed.signature.length, 40);
  const good = `image/upload/v5/p.jpg#${apiSignRequest({ public_id: 'p', version: 5 }, ACCOUNT.api_secret, null, 1)}`;
  assert.equal(JSON.parse(cirrus(['verify', good]).stdout).public_id, 'p');
  const bad = cirrus(['verify', good.replace('p.jpg', 'q.jpg')]);
  assert.equal(bad.status, 1);
  assert.equal(bad.stderr.trim(), "cirrus: The identifier's signature does not match (INVALID_SIGNATURE)");
});

test('usage and configuration errors are one line with exit code 2', () => {
  const noEnv = { ...process.env };
  delete noEnv.CLOUDINARY_URL;
  const r = cirrus(['upload', 'x.png'], noEnv);
  assert.deepEqual([r.status, r.stderr.trim()], [2, 'cirrus: CLOUDINARY_URL is not set']);
  assert.equal(cirrus(['frobnicate']).status, 2);
  assert.equal(cirrus([]).status, 2);
  assert.equal(cirrus(['--help']).status, 0);
});
