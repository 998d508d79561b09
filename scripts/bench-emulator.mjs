#!/usr/bin/env node
// Load figure for the emulator: signed uploads of 100 KB PNGs at concurrency 16 over loopback,
// through cirrus-signed fetch requests and through the official SDK, in the same run.
//   node scripts/bench-emulator.mjs [--uploads 1000] [--concurrency 16]
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACCOUNT, cloudinaryUrl, startEmulator } from '../tests/shared/emulator.mjs';
import { makePng } from '../tests/shared/png.mjs';
import { root } from './run.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const UPLOADS = arg('--uploads', 1000);
const CONCURRENCY = arg('--concurrency', 16);

const emulator = await startEmulator({ args: ['--quiet'] });
process.env.CLOUDINARY_URL = cloudinaryUrl(emulator);
const require = createRequire(import.meta.url);
const cirrus = require('../npm/node');
const cloudinary = require('cloudinary').v2;

const png = makePng(184, 184, { noise: true });

async function pool(count, worker) {
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < count) await worker(next++);
  }));
  return (performance.now() - started) / 1000;
}

async function viaFetch(i) {
  const params = cirrus.signRequest({ timestamp: Math.floor(Date.now() / 1000), public_id: `bench/fetch/${i}` }, ACCOUNT);
  const form = new FormData();
  for (const [k, v] of Object.entries(params)) form.append(k, String(v));
  form.append('file', new Blob([png]), 'bench.png');
  const res = await fetch(`${emulator.url}/v1_1/demo/image/upload`, { method: 'POST', body: form });
  if (res.status !== 200) throw new Error(`upload ${i}: ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
}

function viaSdk(i) {
  return new Promise((resolve, reject) => {
    cloudinary.uploader.upload_stream({ public_id: `bench/sdk/${i}` }, (err, res) => (err ? reject(err) : resolve(res))).end(png);
  });
}

await pool(Math.min(64, UPLOADS), (i) => viaFetch(`warm-${i}`));
const results = [];
for (const [name, worker] of [['cirrus-signed fetch', viaFetch], ['official SDK upload_stream', viaSdk]]) {
  const seconds = await pool(UPLOADS, worker);
  results.push({ client: name, uploads: UPLOADS, concurrency: CONCURRENCY, file_bytes: png.length, seconds: +seconds.toFixed(3),
    uploads_per_second: +(UPLOADS / seconds).toFixed(1), mb_per_second: +((UPLOADS * png.length) / seconds / 1e6).toFixed(1) });
}
await emulator.stop();

console.log(`emulator load: ${UPLOADS} uploads of ${(png.length / 1024).toFixed(0)} KB PNGs at concurrency ${CONCURRENCY} (loopback, ${process.arch}, 2 cores)`);
console.table(results);
mkdirSync(join(root, 'docs', 'benchmarks'), { recursive: true });
writeFileSync(join(root, 'docs', 'benchmarks', 'emulator-load.json'), `${JSON.stringify({ date: new Date().toISOString(), results }, null, 2)}\n`);
