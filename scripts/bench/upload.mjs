// Upload benchmarks against one emulator on loopback: a generated 1 GiB stream (cirrus uploadStream vs the
// SDK's upload_chunked_stream, plus curl as the practical limit), the same from a fresh-Buffer producer,
// and a batch of small files at once.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from '../run.mjs';
import { curlLimit } from './curl-limit.mjs';

const worker = (name, args, env = {}) => JSON.parse(execFileSync(process.execPath, [join(root, 'scripts', 'bench', name), ...args.map(String)],
  { encoding: 'utf8', maxBuffer: 1 << 20, env: { ...process.env, ...env } }).trim().split('\n').pop());

/** The faster of `runs` runs (runs alternate between clients, so both meet the same machine state). */
const best = (runs) => runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));

/** Each client in its own process, so that each peak RSS is that client's; two runs each, the faster kept. */
export async function runStream(emulator, { bytes = 2 ** 30, chunk = 20e6, runs = 2 } = {}) {
  const all = { cirrus: [], sdk: [], curl: [] };
  for (let i = 0; i < runs; i++) {
    all.cirrus.push(worker('upload-worker.mjs', ['cirrus', emulator.url, bytes, chunk]));
    all.sdk.push(worker('upload-worker.mjs', ['sdk', emulator.url, bytes, chunk]));
    all.curl.push(await curlLimit(emulator.url, { total: bytes, chunkSize: chunk, concurrency: 4 }));
  }
  return {
    bytes, chunk_bytes: chunk, runs, cirrus: best(all.cirrus), sdk: best(all.sdk), curl: best(all.curl),
    all_mb_per_s: Object.fromEntries(Object.entries(all).map(([k, v]) => [k, v.map((r) => r.mb_per_s)])),
  };
}

/**
 * The fresh-Buffer producer (a 1 MiB Buffer per piece, hashed, as a request body makes): cirrus, and the
 * same producer into a sink that drops each piece (no upload), so that the RSS the producer's own garbage
 * adds (spent Buffers V8 has not collected yet) is told apart from the upload's. cirrus after one small
 * upload (CIRRUS_BENCH_WARM), so what any first upload sets up once is in the baseline (the sink has none
 * to make). `runs` each, the median RSS of each kept (the collector's timing moves it by several MB from
 * run to run).
 */
export function runFreshProducer(emulator, { bytes = 2 ** 30, chunk = 20e6, runs = 3 } = {}) {
  const env = { CIRRUS_BENCH_PRODUCER: 'fresh', CIRRUS_BENCH_WARM: '1' };
  const all = { cirrus: [], sink: [] };
  for (let i = 0; i < runs; i++) {
    all.cirrus.push(worker('upload-worker.mjs', ['cirrus', emulator.url, bytes, chunk], env));
    all.sink.push(worker('upload-worker.mjs', ['sink', emulator.url, bytes, chunk], env));
  }
  for (const r of [...all.cirrus, ...all.sink]) {
    // The sink's pipeline never lets the sampler tick: its peak must be the kernel's (upload-worker.mjs).
    if (r.peak_source !== 'kernel') console.warn(`fresh producer: a ${r.client} run's peak is the sampler's (${r.sampler_ticks} ticks), a floor`);
    if (!r.etag_ok || r.result_bytes !== bytes) throw new Error(`fresh producer: ${r.client} did not carry the data intact: ${JSON.stringify(r)}`);
  }
  const median = (list) => [...list].sort((a, b) => a.upload_rss_mb - b.upload_rss_mb)[Math.floor(list.length / 2)];
  const cirrus = median(all.cirrus);
  const sink = median(all.sink);
  return {
    bytes, runs, cirrus, sink,
    upload_share_mb: +(cirrus.upload_rss_mb - sink.upload_rss_mb).toFixed(1),
    all_rss_mb: { cirrus: all.cirrus.map((r) => r.upload_rss_mb), sink: all.sink.map((r) => r.upload_rss_mb) },
    // What the 20 ms sampler alone saw (the measure before 2026-12-03: it never ticked in the sink's runs).
    all_sampled_rss_mb: { cirrus: all.cirrus.map((r) => r.sampled_rss_mb), sink: all.sink.map((r) => r.sampled_rss_mb) },
  };
}

/**
 * A batch run, or `{ failed }` with the client's error: a thousand uploads at once can meet a reset
 * connection (the SDK does not retry one: ECONNRESET ended a run of 2026-12-02), and one such run should
 * be reported, not end the whole benchmark.
 */
function batchRun(client, emulator, files, size) {
  try {
    return worker('batch-worker.mjs', [client, emulator.url, files, size]);
  } catch (err) {
    const line = String(err.stderr ?? err.message).split('\n').find((l) => /Error|error/.test(l)) ?? err.message;
    console.warn(`batch: a ${client} run failed: ${line.trim()}`);
    return { failed: line.trim() };
  }
}

export function runBatch(emulator, { files = 1000, size = 100_000, runs = 3 } = {}) {
  const all = { cirrus: [], sdk: [] };
  for (let i = 0; i < runs; i++) {
    all.cirrus.push(batchRun('cirrus', emulator, files, size));
    all.sdk.push(batchRun('sdk', emulator, files, size));
  }
  const done = (list) => list.filter((r) => !r.failed);
  for (const client of ['cirrus', 'sdk']) {
    if (done(all[client]).length === 0) throw new Error(`batch: every ${client} run failed: ${all[client][0].failed}`);
  }
  return {
    files, bytes_each: size, runs, cirrus: best(done(all.cirrus)), sdk: best(done(all.sdk)),
    all_seconds: { cirrus: all.cirrus.map((r) => r.seconds ?? null), sdk: all.sdk.map((r) => r.seconds ?? null) },
    failed_runs: { cirrus: all.cirrus.filter((r) => r.failed).map((r) => r.failed), sdk: all.sdk.filter((r) => r.failed).map((r) => r.failed) },
  };
}
