#!/usr/bin/env node
// The embedded default repository, old vs new: 10,000 creates as MediaService makes them, into a database
// file, one after another (each awaited: what one request pays), then 10,000 with 16 in flight (what a
// busy server pays), and the new one from 4 processes at once on one file (the old one cannot: each
// process overwrites the others' writes). Throughput and p50/p99 latency per create.
//   node scripts/bench/repository.mjs [--creates 10000]  (also part of `npm run bench`)
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fork } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const creates = Number(args[args.indexOf('--creates') + 1]) || 10000;

const iso = () => new Date().toISOString();
/** A record as MediaService inserts it (new contract) and as the old service created it. */
const fresh = (i) => ({
  public_id: `bench/owner-${i % 50}/${i.toString(36).padStart(8, '0')}${Math.random().toString(36).slice(2, 10)}`,
  resource_type: 'image', type: 'upload', state: 'pending', ownerId: `owner-${i % 50}`, idempotencyKey: i % 3 === 0 ? `key-${i}` : null,
  version: null, format: null, bytes: null, width: null, height: null, original_filename: 'photo.png', mimeType: 'image/png',
  createdAt: iso(), updatedAt: iso(), deletedAt: null, leaseUntil: iso(),
});
const old = (i) => ({
  public_id: fresh(i).public_id, resource_type: 'image', type: 'upload', version: 1700000000, format: 'png', bytes: 1234,
  width: 40, height: 30, secure_url: 'https://res.cloudinary.com/demo/image/upload/v1/x.png', ownerId: `owner-${i % 50}`,
  original_filename: 'photo.png', mimeType: 'image/png', createdAt: iso(), deletedAt: null, idempotencyKey: null,
});

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
async function measure(label, n, inFlight, create) {
  const latencies = new Array(n);
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < n) {
      const i = next++;
      const t = performance.now();
      await create(i);
      latencies[i] = performance.now() - t;
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const row = { label, creates: n, in_flight: inFlight, per_s: Math.round(n / seconds), p50_ms: +percentile(latencies, 0.5).toFixed(3), p99_ms: +percentile(latencies, 0.99).toFixed(3), seconds: +seconds.toFixed(2) };
  console.error(`${label.padEnd(44)} ${String(row.per_s).padStart(7)}/s  p50 ${row.p50_ms.toFixed(3).padStart(8)} ms  p99 ${row.p99_ms.toFixed(3).padStart(8)} ms`);
  return row;
}

async function multiProcess(file, processes, each) {
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: processes }, (_, p) => new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--child', file, String(p), String(each)]);
    child.on('message', resolve);
    child.on('exit', (code) => code === 0 || reject(new Error(`child exited ${code}`)));
  })));
  const seconds = (performance.now() - started) / 1000;
  const lat = results.flatMap((r) => r).sort((a, b) => a - b);
  const { SqliteRepository } = require('../../npm/node');
  const stored = (await SqliteRepository.open(file).list({ deleted: 'include', limit: 1000 })).items.length;
  const row = { label: `new: ${processes} processes on one file`, creates: processes * each, per_s: Math.round((processes * each) / seconds), p50_ms: +percentile(lat, 0.5).toFixed(3), p99_ms: +percentile(lat, 0.99).toFixed(3), seconds: +seconds.toFixed(2), all_stored: stored >= Math.min(1000, processes * each) };
  console.error(`${row.label.padEnd(44)} ${String(row.per_s).padStart(7)}/s  p50 ${row.p50_ms.toFixed(3).padStart(8)} ms  p99 ${row.p99_ms.toFixed(3).padStart(8)} ms`);
  return row;
}

export async function benchRepository(n = creates) {
  const dir = mkdtempSync(join(tmpdir(), 'cirrus-bench-repo-'));
  try {
    const { SqliteRepository } = require('../../npm/node');
    const { SqliteRepository: OldRepository } = require('./old-sqljs-repository.cjs');
    const rows = [];
    const oldRepo = await OldRepository.open(join(dir, 'old.db'));
    rows.push(await measure('old (sql.js, file rewritten per change)', n, 1, (i) => oldRepo.create(old(i))));
    const oldBusy = await OldRepository.open(join(dir, 'old-busy.db'));
    rows.push(await measure('old, 16 in flight', n, 16, (i) => oldBusy.create(old(i))));
    const repo = SqliteRepository.open(join(dir, 'new.db'));
    rows.push(await measure('new (SQLite WAL, synchronous=FULL)', n, 1, (i) => repo.insert(fresh(i))));
    const busy = SqliteRepository.open(join(dir, 'new-busy.db'));
    rows.push(await measure('new, 16 in flight', n, 16, (i) => busy.insert(fresh(i))));
    rows.push(await multiProcess(join(dir, 'shared.db'), 4, Math.ceil(n / 4)));
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (args[0] === '--child') {
  const [, file, p, each] = args;
  const { SqliteRepository } = require('../../npm/node');
  const repo = SqliteRepository.open(file);
  const lat = [];
  for (let i = 0; i < Number(each); i++) {
    const t = performance.now();
    await repo.insert(fresh(Number(p) * 1e6 + i));
    lat.push(performance.now() - t);
  }
  process.send(lat, () => process.exit(0));
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchRepository(), null, 2));
}
