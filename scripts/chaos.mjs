#!/usr/bin/env node
// `npm run chaos [-- --seconds 120 --processes 4 --write]`: several MediaService processes share one
// PostgreSQL database (started here) and one emulator whose faults strike before and after the server
// stores (500s, resets, answers held past the client's timeout), doing concurrent creates (some with
// idempotency keys shared across processes), direct uploads and adopts, cancelled direct uploads (before,
// during and after the upload, then replayed), removals, sweeps and reconciles.
// Half-way one process is SIGKILLed and replaced. Then the faults stop, leases run out, a final sweep runs,
// and the two sides are compared:
//   lost        acknowledged creates/adopts (not later removed) whose record is not committed or whose asset is gone
//   orphans     assets under the service's folder that no record names
//   duplicates  idempotency keys with more than one record, or acknowledged with two ids
//   dangling    committed records without their asset, and removed records whose asset or record remains
//   unfinished  pending or deleting records left after the final sweep
// All must be 0. Prints a JSON report (with --write, also docs/chaos.json); exit code 1 when any is not 0.
// The short version runs in `npm test` (tests/node/chaos.test.mjs).
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACCOUNT, basicAuth, startEmulator } from '../tests/shared/emulator.mjs';
import { freshDatabase, startPostgres } from '../tests/shared/servers.mjs';
import { root } from './run.mjs';

const require = createRequire(import.meta.url);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Fault rules: before the handler (nothing stored) and after it (stored, answer lost), per endpoint. */
export const CHAOS_FAULTS = {
  upload: { error_500: 0.03, reset: 0.03, error_429: 0.02, after_500: 0.05, after_reset: 0.04, after_timeout: 0.02, hang_ms: 1500, latency_ms: 5 },
  destroy: { error_500: 0.04, after_500: 0.04, after_reset: 0.03, latency_ms: 5 },
  admin: { error_500: 0.03, reset: 0.02, latency_ms: 2 },
};

function startWorker(config, onLine) {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./chaos/worker.mjs', import.meta.url)), JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  let buffered = '';
  child.stdout.on('data', (d) => {
    buffered += d;
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line) onLine(JSON.parse(line), child.pid);
    }
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise((resolve) => { child.readyResolve = resolve; });
  return { child, exited, ready };
}

/** Runs the chaos test; resolves to the report. */
export async function runChaos({ seconds = 20, processes = 3, concurrency = 4, log = () => {} } = {}) {
  const [postgres, emulator] = await Promise.all([startPostgres(), startEmulator({ args: ['--quiet'] })]);
  const setFaults = (rules) => fetch(`${emulator.url}/__emulator/faults`, { method: 'PUT', headers: { authorization: basicAuth(), 'content-type': 'application/json' }, body: JSON.stringify(rules) });
  try {
    const database = await freshDatabase(postgres, 'chaos');
    const { PostgresRepository, Cloudinary, MediaService } = require('../npm/node');
    const setupRepo = await PostgresRepository.connect(database);
    await setupRepo.close();
    const config = {
      database, folder: 'chaos', pendingTtl: 2000, timeout: 1000, keys: 12, concurrency,
      account: { ...ACCOUNT, upload_prefix: emulator.url },
    };
    const acks = [];
    const failures = {};
    const operations = {};
    const removing = new Set();
    const onLine = (line, pid) => {
      if (line.ready) workers.find((w) => w.child.pid === pid)?.child.readyResolve();
      if (line.ack) {
        acks.push(line);
        operations[line.ack] = (operations[line.ack] ?? 0) + 1;
      }
      if (line.removing) removing.add(String(line.removing));
      if (line.failed) failures[`${line.failed}:${line.code}`] = (failures[`${line.failed}:${line.code}`] ?? 0) + 1;
    };
    await setFaults(CHAOS_FAULTS);
    const workers = [];
    for (let i = 0; i < processes; i++) workers.push(startWorker(config, onLine));
    await Promise.all(workers.map((w) => w.ready));
    log(`chaos: ${processes} processes running for ${seconds} s`);
    await sleep((seconds * 1000) / 2);
    // A SIGKILL in the middle of everything, then a replacement.
    const victim = workers[0];
    victim.child.kill('SIGKILL');
    await victim.exited;
    const replacement = startWorker(config, onLine);
    workers.push(replacement);
    await replacement.ready;
    log(`chaos: killed ${victim.child.pid}, started ${replacement.child.pid}`);
    await sleep((seconds * 1000) / 2);
    const live = workers.filter((w) => w !== victim);
    for (const w of live) w.child.send('stop');
    await Promise.all(live.map((w) => w.exited));
    const stats = await (await fetch(`${emulator.url}/__emulator/stats`, { headers: { authorization: basicAuth() } })).json();
    await setFaults({});

    // Leases run out; one sweep (from a fresh process's point of view) finishes what was left.
    const client = new Cloudinary(config.account);
    const repository = await PostgresRepository.connect(database);
    const service = new MediaService(client, repository, { folder: 'chaos', reconcileGrace: 0, pendingTtl: 2000 });
    await sleep(config.pendingTtl + 500);
    const swept = { claimed: 0, finished: 0, failed: 0 };
    for (let round = 0; round < 5; round++) {
      const r = await service.sweep();
      for (const k of Object.keys(swept)) swept[k] += r[k];
      if (r.claimed === 0) break;
      await sleep(config.pendingTtl + 200);
    }

    // Both sides, compared.
    const records = [];
    for (let after; ;) {
      const page = await repository.list({ deleted: 'include', after, limit: 1000 });
      records.push(...page.items);
      if (!page.next) break;
      after = page.next;
    }
    const cloud = new Set();
    for (let cursor = ''; ;) {
      const res = await fetch(`${emulator.url}/v1_1/demo/resources/image/upload?prefix=chaos/&max_results=500${cursor && `&next_cursor=${cursor}`}`, { headers: { authorization: basicAuth() } });
      const page = await res.json();
      for (const r of page.resources) cloud.add(r.public_id);
      if (!page.next_cursor) break;
      cursor = page.next_cursor;
    }
    const byId = new Map(records.map((r) => [String(r.id), r]));
    const byPublicId = new Map(records.map((r) => [r.public_id, r]));
    const created = acks.filter((a) => a.ack === 'create' || a.ack === 'adopt');
    const lost = created.filter((a) => !removing.has(String(a.id)))
      .filter((a) => byId.get(String(a.id))?.state !== 'committed' || !cloud.has(a.public_id));
    const orphans = [...cloud].filter((id) => !byPublicId.has(id));
    const keyIds = new Map();
    for (const a of created.filter((x) => x.key)) {
      const k = `${a.owner}\u0000${a.key}`;
      keyIds.set(k, (keyIds.get(k) ?? new Set()).add(String(a.id)));
    }
    const keyRecords = new Map();
    for (const r of records.filter((x) => x.idempotencyKey)) {
      const k = `${r.ownerId}\u0000${r.idempotencyKey}`;
      keyRecords.set(k, (keyRecords.get(k) ?? 0) + 1);
    }
    const duplicates = [...keyIds.values()].filter((ids) => ids.size > 1).length + [...keyRecords.values()].filter((n) => n > 1).length;
    const removedAcks = acks.filter((a) => a.ack === 'remove');
    const dangling = records.filter((r) => r.state === 'committed' && !cloud.has(r.public_id)).length
      + removedAcks.filter((a) => cloud.has(a.public_id) || byId.has(String(a.id))).length;
    const unfinished = records.filter((r) => r.state !== 'committed').length;
    const drift = await service.reconcile();
    await repository.close();
    const report = {
      date: new Date().toISOString(),
      seconds,
      processes: { initial: processes, killed: 1, replacements: 1, concurrency_each: concurrency },
      operations,
      failed_operations: failures,
      faults_injected: stats.faults_by_kind,
      requests: stats.requests,
      final_sweep: swept,
      records: records.length,
      assets: cloud.size,
      lost: lost.length,
      orphans: orphans.length,
      duplicates,
      dangling,
      unfinished,
      reconcile_after: { destroyed: drift.destroyedCount, removed: drift.removedCount },
      examples: { lost: lost.slice(0, 3), orphans: orphans.slice(0, 3) },
    };
    return report;
  } finally {
    await Promise.allSettled([emulator.stop(), postgres.stop()]);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const arg = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  const report = await runChaos({ seconds: arg('--seconds', 120), processes: arg('--processes', 4), concurrency: arg('--concurrency', 4), log: console.error });
  console.log(JSON.stringify(report, null, 2));
  if (args.includes('--write')) {
    mkdirSync(join(root, 'docs'), { recursive: true });
    writeFileSync(join(root, 'docs', 'chaos.json'), `${JSON.stringify(report, null, 2)}\n`);
  }
  const bad = report.lost + report.orphans + report.duplicates + report.dangling + report.unfinished + report.reconcile_after.destroyed + report.reconcile_after.removed;
  process.exit(bad === 0 ? 0 : 1);
}
