// Upload benchmarks against one emulator on loopback: a generated 1 GiB stream (cirrus uploadStream vs the
// SDK's upload_chunked_stream, plus curl as the practical limit) and a batch of small files at once.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from '../run.mjs';
import { curlLimit } from './curl-limit.mjs';

const worker = (name, args) => JSON.parse(execFileSync(process.execPath, [join(root, 'scripts', 'bench', name), ...args.map(String)],
  { encoding: 'utf8', maxBuffer: 1 << 20 }).trim().split('\n').pop());

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

export function runBatch(emulator, { files = 1000, size = 100_000, runs = 3 } = {}) {
  const all = { cirrus: [], sdk: [] };
  for (let i = 0; i < runs; i++) {
    all.cirrus.push(worker('batch-worker.mjs', ['cirrus', emulator.url, files, size]));
    all.sdk.push(worker('batch-worker.mjs', ['sdk', emulator.url, files, size]));
  }
  return {
    files, bytes_each: size, runs, cirrus: best(all.cirrus), sdk: best(all.sdk),
    all_seconds: { cirrus: all.cirrus.map((r) => r.seconds), sdk: all.sdk.map((r) => r.seconds) },
  };
}
