#!/usr/bin/env node
// `npm run bench:upload`: a generated 1 GiB stream through cirrus' `uploadStream` and through the official
// SDK's `upload_chunked_stream`, to the emulator over loopback, in the same run; throughput and peak RSS.
//   node scripts/bench-upload.mjs [--mib 1024] [--chunk-mb 20]
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator } from '../tests/shared/emulator.mjs';
import { root } from './run.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const bytes = arg('--mib', 1024) * 1024 * 1024;
const chunk = arg('--chunk-mb', 20) * 1_000_000;

const emulator = await startEmulator({ args: ['--quiet', '--max-body-mb', '64'] });
const runs = [];
try {
  for (const client of ['cirrus', 'sdk']) {
    const out = execFileSync(process.execPath, [join(root, 'scripts', 'bench-upload-worker.mjs'), client, emulator.url, String(bytes), String(chunk)], { encoding: 'utf8' });
    runs.push(JSON.parse(out.trim().split('\n').pop()));
  }
} finally {
  await emulator.stop();
}
const [cirrus, sdk] = runs;
console.log(`upload: ${(bytes / 2 ** 30).toFixed(2)} GiB generated stream, ${chunk / 1e6} MB chunks, emulator on loopback (2 cores)`);
console.table(runs);
console.log(`cirrus/SDK throughput ratio: ${(cirrus.mb_per_s / sdk.mb_per_s).toFixed(2)}x; peak RSS ${cirrus.peak_rss_mb} MB vs ${sdk.peak_rss_mb} MB`);
mkdirSync(join(root, 'docs', 'benchmarks'), { recursive: true });
writeFileSync(join(root, 'docs', 'benchmarks', 'upload-stream.json'), `${JSON.stringify({ date: new Date().toISOString(), chunk_bytes: chunk, runs }, null, 2)}\n`);
