// Secret hygiene: every error message (and its cause chain), log line, util.inspect and JSON.stringify
// that cirrus produces in a session of ordinary and failing work is scanned for the api_secret and the
// auth-token key. Includes the emulator's own request log and the CLI's output.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { startEmulator } from '../shared/emulator.mjs';
import { makePng } from '../shared/png.mjs';

const require = createRequire(import.meta.url);
const api = require('../../npm/node');
const SECRET = 'scan-S3cr3t-value-77';
const TOKEN_KEY = 'a1b2c3d4e5f60718';
const ACCOUNT = { cloud_name: 'scan', api_key: '555000', api_secret: SECRET };
const cli = fileURLToPath(new URL('../../npm/node/cli.cjs', import.meta.url));

test('no secret in errors, logs, inspect or JSON of anything cirrus produces', async () => {
  const emulator = await startEmulator({ account: ACCOUNT, args: ['--auth-token-key', TOKEN_KEY] });
  const seen = [];
  const record = (label, value) => seen.push([label, typeof value === 'string' ? value : inspect(value, { depth: 8, showHidden: true })]);
  const recordError = (label, err) => {
    for (let e = err, depth = 0; e && depth < 5; e = e.cause, depth++) {
      record(`${label} (message)`, String(e.message));
      record(`${label} (inspect)`, e);
      record(`${label} (JSON)`, JSON.stringify(e));
    }
  };
  const attempt = async (label, fn) => {
    try {
      record(`${label} (result)`, await fn());
    } catch (err) {
      recordError(label, err);
    }
  };
  try {
    const url = `cloudinary://${ACCOUNT.api_key}:${SECRET}@${ACCOUNT.cloud_name}?upload_prefix=${encodeURIComponent(emulator.url)}&auth_token[key]=${TOKEN_KEY}&auth_token[duration]=300`;
    const client = new api.Cloudinary(url);
    const wrong = new api.Cloudinary({ ...ACCOUNT, api_secret: `${SECRET}-wrong`, upload_prefix: emulator.url });
    const dead = new api.Cloudinary({ ...ACCOUNT, upload_prefix: 'http://127.0.0.1:9' });
    for (const c of [client, wrong, dead]) {
      record('client inspect', c);
      record('client JSON', JSON.stringify(c));
      record('client String', String(c));
    }
    // Successful work: results and their stats.
    const uploaded = await client.upload(makePng(8, 8), { tags: ['scan'] });
    record('upload result', uploaded);
    record('upload stats', uploaded.uploadStats);
    record('signed url', client.url(uploaded.public_id, { sign_url: true, type: 'authenticated' }));
    // Failing work of every kind.
    await attempt('upload with a wrong secret', () => wrong.upload(makePng(4, 4), { retries: 0 }));
    await attempt('upload to a closed port', () => dead.upload(makePng(4, 4), { retries: 0, timeout: 2000 }));
    await attempt('destroy with a wrong secret', () => wrong.destroy('x', { retries: 0 }));
    await attempt('rename to a missing asset', () => client.rename('missing', 'other', { retries: 0 }));
    await attempt('upload of a missing path', () => client.upload({ path: '/no/such/file.png' }));
    await attempt('stream upload with a wrong secret', () => {
      const w = wrong.uploadStream({ retries: 0 });
      w.on('error', () => {});
      w.end(makePng(4, 4));
      return w.result;
    });
    await attempt('verify a tampered identifier', () => client.verifyIdentifier(`image/upload/v1/x.jpg#${'0'.repeat(40)}`));
    await attempt('sign without a secret', () => api.signRequest({ a: 1 }, { api_key: '1' }));
    await attempt('bad CLOUDINARY_URL', () => new api.Cloudinary(`https://${ACCOUNT.api_key}:${SECRET}@x`));
    await attempt('bad CLOUDINARY_URL scheme case', () => api.parseCloudinaryUrl(`cloudinary:/${SECRET}@x`));
    await attempt('bad option', () => client.url('x', { url_suffix: 'a/b' }));
    await attempt('bad algorithm', () => client.url('x', { sign_url: true, signature_algorithm: 'md5' }));
    const repo = await api.SqliteRepository.open(':memory:');
    const media = new api.MediaService(client, repo, { tag: 'scan-media' });
    record('media service', media);
    await attempt('media upload of a script', () => media.createOne(Buffer.from('#!/bin/sh'), 'o'));
    await attempt('media remove of a missing record', () => media.remove('nope', 'o'));
    const failingMedia = new api.MediaService(wrong, repo, { tag: 'scan-media', uploadDefaults: { retries: 0 } });
    await attempt('media upload with a wrong secret', () => failingMedia.createOne(makePng(4, 4), 'o'));
    // The CLI, succeeding and failing, with the secret in its environment.
    for (const args of [['url', 'sample', '--width', '100'], ['sign', 'timestamp=1'], ['destroy', 'missing'], ['upload', '/no/such.png'], ['verify', 'image/upload/v1/x#bad'], ['bogus']]) {
      const run = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, CLOUDINARY_URL: url } });
      record(`cli ${args.join(' ')} stdout`, run.stdout);
      record(`cli ${args.join(' ')} stderr`, run.stderr);
    }
    const badCli = spawnSync(process.execPath, [cli, 'url', 'x'], { encoding: 'utf8', env: { ...process.env, CLOUDINARY_URL: `http://1:${SECRET}@x` } });
    record('cli with a bad CLOUDINARY_URL', badCli.stderr + badCli.stdout);
  } finally {
    await emulator.stop();
  }
  record('emulator log', emulator.logs());
  assert.ok(seen.length > 60, `only ${seen.length} outputs scanned`);
  assert.ok(emulator.logs().length > 100, 'the emulator logged its requests');
  for (const [label, text] of seen) {
    assert.ok(!text.includes(SECRET), `the api_secret appears in ${label}: ${text.slice(0, 300)}`);
    assert.ok(!text.includes(TOKEN_KEY), `the auth-token key appears in ${label}: ${text.slice(0, 300)}`);
  }
  console.log(`secret scan: ${seen.length} outputs (errors with causes, inspect/JSON of clients and results, CLI output, emulator log) hold neither the api_secret nor the token key`);
});

test('credentials inside URLs (a proxy, an API prefix) are redacted in JSON and inspect', () => {
  const client = new api.Cloudinary({
    ...ACCOUNT,
    api_proxy: 'http://proxyuser:Pr0xyPass@proxy.internal:3128',
    upload_prefix: 'https://gateway-user:G4tewayPass@api.example.com/cld',
  });
  const shown = `${JSON.stringify(client)} ${inspect(client, { depth: 8, showHidden: true })}`;
  for (const secret of [SECRET, 'Pr0xyPass', 'proxyuser', 'G4tewayPass', 'gateway-user']) assert.ok(!shown.includes(secret), `${secret} shown: ${shown}`);
  assert.match(JSON.stringify(client), /http:\/\/\[REDACTED\]@proxy\.internal:3128/);
  assert.match(JSON.stringify(client), /https:\/\/\[REDACTED\]@api\.example\.com\/cld/);
});
