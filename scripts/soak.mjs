#!/usr/bin/env node
// `npm run soak [-- --minutes 10]`: 16 concurrent workers upload (MediaService.createOne) and delete
// (remove) small images against the emulator with 10% injected faults on every endpoint (500, 502, 429
// and connection resets, 2.5% each), for a fixed time; RSS sampled every 2 s. Reports uploads, failures
// after retries, orphans (cloud assets without any record, committed records without an asset, records
// left unfinished, before any sweep or reconcile)
// and the RSS slope after warm-up (least squares, MB per minute). Prints one JSON line; with --write,
// also docs/soak.json. `--seconds N` for short runs (npm test runs 20 s).
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACCOUNT, basicAuth, startEmulator } from '../tests/shared/emulator.mjs';
import { makePng } from '../tests/shared/png.mjs';
import { root } from './run.mjs';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const seconds = arg('--seconds', arg('--minutes', 10) * 60);
const workers = arg('--concurrency', 16);
const faultRate = arg('--fault-rate', 0.1);
const require = createRequire(import.meta.url);
const { Cloudinary, MediaService, SqliteRepository } = require('../npm/node');

const each = faultRate / 4;
const emulator = await startEmulator({ args: ['--quiet', '--fault', `*:500=${each},502=${each},429=${each},reset=${each}`] });
const client = new Cloudinary({ ...ACCOUNT, upload_prefix: emulator.url });
const repo = SqliteRepository.open(':memory:');
const tag = `soak-${process.pid}`;
// Eight retries per request: at 10% faults the chance that one request fails 9 times in a row is 1e-9.
const service = new MediaService(client, repo, { tag, folder: tag, reconcileGrace: 0, uploadDefaults: { retries: 8, retry_delay: 20 } });

const images = Array.from({ length: 64 }, (_, i) => makePng(8 + (i % 8), 8 + (i >> 3), { seed: i }));
const counts = { uploads: 0, removes: 0, failed: 0 };
const failures = [];
const samples = [];
const started = Date.now();
const deadline = started + seconds * 1000;
const sampler = setInterval(() => samples.push([(Date.now() - started) / 60_000, process.memoryUsage().rss / 2 ** 20]), 2000);

async function worker(w) {
  for (let n = 0; Date.now() < deadline; n++) {
    try {
      const record = await service.createOne(images[(w * 7 + n) % images.length], `owner-${w}`);
      counts.uploads++;
      await service.remove(record.id, `owner-${w}`);
      counts.removes++;
    } catch (err) {
      counts.failed++;
      if (failures.length < 10) failures.push(`${err.code}: ${err.message}`);
    }
  }
}
await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
clearInterval(sampler);

// Orphans, before any sweep or reconcile: what the emulator holds under the folder vs the repository.
await fetch(`${emulator.url}/__emulator/faults`, { method: 'PUT', headers: { authorization: basicAuth(), 'content-type': 'application/json' }, body: '{}' });
const cloud = [];
for (let cursor; ;) {
  const res = await fetch(`${emulator.url}/v1_1/${ACCOUNT.cloud_name}/resources/image/upload?prefix=${tag}/&max_results=500${cursor ? `&next_cursor=${cursor}` : ''}`, { headers: { authorization: basicAuth() } });
  const page = await res.json();
  cloud.push(...page.resources.map((r) => r.public_id));
  if (!page.next_cursor) break;
  cursor = page.next_cursor;
}
const stored = [];
for (let after; ;) {
  const page = await repo.list({ deleted: 'include', after, limit: 1000 });
  stored.push(...page.items);
  if (!page.next) break;
  after = page.next;
}
const records = stored.filter((r) => r.state === 'committed').map((r) => r.public_id);
const named = new Set(stored.map((r) => r.public_id));
const stats = await (await fetch(`${emulator.url}/__emulator/stats`, { headers: { authorization: basicAuth() } })).json();
await emulator.stop();

// RSS slope after the first fifth (warm-up), by least squares.
const warm = samples.filter(([t]) => t >= seconds / 60 / 5);
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const mt = mean(warm.map(([t]) => t));
const mr = mean(warm.map(([, r]) => r));
const slope = warm.reduce((a, [t, r]) => a + (t - mt) * (r - mr), 0) / warm.reduce((a, [t]) => a + (t - mt) ** 2, 0);
const report = {
  date: new Date().toISOString(), seconds, workers, fault_rate: faultRate, ...counts,
  uploads_per_s: +(counts.uploads / seconds).toFixed(1),
  orphans: { cloud_only: cloud.filter((id) => !named.has(id)).length, record_only: records.filter((id) => !cloud.includes(id)).length },
  unfinished_records: stored.length - records.length,
  rss_mb: { first: samples[0]?.[1] && +samples[0][1].toFixed(1), max: +Math.max(...samples.map(([, r]) => r)).toFixed(1), last: samples.at(-1)?.[1] && +samples.at(-1)[1].toFixed(1) },
  rss_slope_mb_per_min: Number.isFinite(slope) ? +slope.toFixed(3) : null,
  emulator: stats,
  failures,
};
console.log(JSON.stringify(report));
if (args.includes('--write')) {
  mkdirSync(join(root, 'docs'), { recursive: true });
  writeFileSync(join(root, 'docs', 'soak.json'), `${JSON.stringify(report, null, 2)}\n`);
}
process.exit(counts.failed === 0 && report.orphans.cloud_only === 0 && report.orphans.record_only === 0 ? 0 : 1);
