#!/usr/bin/env node
// `npm run bench`: cirrus against the official SDK (and @cloudinary/url-gen / cloudinary-core in the
// browser), measured side by side in the same run. Prints the figures and a table of ratios, and writes
// docs/benchmarks/results.json and docs/benchmarks/ratios.svg. Nothing here asserts a timing.
//   node scripts/bench.mjs [micro] [browser] [upload] [batch] [repository] [--quick]
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { buildEmulator, buildNode, buildWeb } from './build.mjs';
import { root } from './run.mjs';
import { ensureChromium } from './setup.mjs';
import { startEmulator } from '../tests/shared/emulator.mjs';
import { runNodeMicroProcesses } from './bench/node-micro.mjs';
import { PAIR_ROUNDS } from './bench/measure.mjs';
import { runBatch, runFreshProducer, runStream } from './bench/upload.mjs';
import { ratioChart } from './bench/chart.mjs';
import { benchRepository } from './bench/repository.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const parts = args.filter((a) => !a.startsWith('--'));
const want = (p) => parts.length === 0 || parts.includes(p);

// Whether the addon measured is profile-guided (scripts/pgo.mjs), and if not why: a machine that cannot
// make a profile builds without one, and its Node figures are then not the shipped build's.
const addonBuild = buildNode();
console.log(`addon: ${addonBuild.profile ? 'profile-guided' : `without a profile (${addonBuild.why})`}`);
if (want('browser')) {
  buildWeb();
  ensureChromium(); // the browser rows run in headless Chromium (Debian's package, as the tests)
}
if (want('upload') || want('batch')) buildEmulator();

const results = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memory_gib: Math.round(totalmem() / 2 ** 30), node: process.version },
  quick,
  addon_profile_guided: Boolean(addonBuild.profile),
};
const ratios = [];
const mb = (n) => Math.round(n * 10) / 10;

if (want('micro')) {
  // Eleven: with five, the mix's median moved ~±5% from run to run on the same code (10.17x and 9.78x an
  // hour apart on 2026-12-04, when eleven processes of that code read 9.33x, 8.08-11.43x each).
  const processes = quick ? 3 : 11;
  console.log(`\n== url() and signing, Node addon vs the official SDK (ns per call: in each of ${processes} processes the median of ${PAIR_ROUNDS} interleaved rounds; the medians of the processes, and the median of the processes' ratios with each beside)`);
  results.micro = runNodeMicroProcesses(processes);
  console.table(results.micro.map((r) => ({ ...r, ratios: r.ratios.join(' ') })));
  for (const r of results.micro) ratios.push({ label: `Node: ${r.name}`, ratio: r.ratio, goal: r.goal ? Number(r.goal.replace(/[^0-9.]/g, '')) : undefined });
}

if (want('browser')) {
  // Imported here: it loads playwright-core, which the build above installs on a fresh clone.
  const { packageSizes, runBrowser } = await import('./bench/browser.mjs');
  console.log('\n== url() in headless Chromium: cirrus-web (wasm) vs @cloudinary/url-gen and cloudinary-core (ns per call)');
  const report = await runBrowser({ runs: quick ? 1 : 3 });
  results.browser = { ...report, sizes: packageSizes() };
  console.log(`${report.browser}: ${report.runs} page loads, in each the median of ${report.rounds} interleaved rounds per library; the medians of the loads, and the median of the loads' ratios with each beside`);
  console.table(report.rows.map((r) => ({ ...r, cirrus: Math.round(r.cirrus), urlGen: Math.round(r.urlGen), core: Math.round(r.core), vs_url_gen: r.vs_url_gen.join(' '), vs_core: r.vs_core.join(' ') })));
  console.table(results.browser.sizes);
  for (const r of report.rows) {
    ratios.push({ label: `Chromium: url ${r.name} vs url-gen`, ratio: r.ratio_url_gen, goal: 1 });
    ratios.push({ label: `Chromium: url ${r.name} vs cloudinary-core`, ratio: r.ratio_core, goal: 1 });
  }
  const [ours, urlGen, core] = results.browser.sizes;
  ratios.push({ label: 'web package gzip: 30 KB goal / ours', ratio: 30 * 1024 / ours.gzip_bytes, goal: 1 });
  results.browser.size_vs = { url_gen: urlGen.gzip_bytes / ours.gzip_bytes, cloudinary_core: core.gzip_bytes / ours.gzip_bytes };
}

if (want('upload') || want('batch')) {
  const emulator = await startEmulator({ args: ['--quiet', '--max-body-mb', '64'] });
  try {
    if (want('upload')) {
      const bytes = quick ? 256 * 2 ** 20 : 2 ** 30;
      console.log(`\n== ${bytes / 2 ** 20} MiB generated stream to the emulator (20 MB chunks): cirrus uploadStream (defaults: 4 chunks in flight) vs SDK upload_chunked_stream, curl (4 at a time) as the limit`);
      const s = await runStream(emulator, { bytes });
      results.upload_stream = s;
      console.table([s.cirrus, s.sdk, s.curl]);
      ratios.push({ label: 'upload 1 GiB stream: throughput', ratio: s.cirrus.mb_per_s / s.sdk.mb_per_s, goal: 2 });
      ratios.push({ label: 'upload 1 GiB stream: peak RSS (SDK / cirrus)', ratio: s.sdk.peak_rss_mb / s.cirrus.peak_rss_mb, goal: 4 });
      ratios.push({ label: 'upload 1 GiB stream: RSS added (SDK / cirrus)', ratio: s.sdk.upload_rss_mb / s.cirrus.upload_rss_mb, goal: 4 });
      ratios.push({ label: 'upload 1 GiB stream: cirrus / curl limit', ratio: s.cirrus.mb_per_s / s.curl.mb_per_s });
      console.log(`cirrus ${s.cirrus.mb_per_s} MB/s = ${mb(s.cirrus.mb_per_s / s.sdk.mb_per_s)}x the SDK and ${mb((100 * s.cirrus.mb_per_s) / s.curl.mb_per_s)}% of curl's ${s.curl.mb_per_s} MB/s; `
        + `peak RSS ${s.cirrus.peak_rss_mb} vs ${s.sdk.peak_rss_mb} MB (both from a ${s.cirrus.baseline_rss_mb} MB baseline: +${s.cirrus.upload_rss_mb} vs +${s.sdk.upload_rss_mb} MB)`);
      console.log(`\n== the same from a fresh-Buffer producer (1 MiB Buffer per piece, hashed), and that producer into a sink (no upload)`);
      const f = runFreshProducer(emulator, { bytes });
      results.upload_fresh_producer = f;
      console.table([f.cirrus, f.sink]);
      console.log(`fresh producer: cirrus +${f.cirrus.upload_rss_mb} MB at ${f.cirrus.mb_per_s} MB/s; the producer alone +${f.sink.upload_rss_mb} MB; the upload's share ${f.upload_share_mb} MB (goal <= 16); all runs ${JSON.stringify(f.all_rss_mb)} (sampled only: ${JSON.stringify(f.all_sampled_rss_mb)})`);
      // A share under 1 MB (or below zero: the runs' noise) meets the goal whatever it is: counted as 1 MB.
      ratios.push({ label: 'fresh producer: 16 MB goal / upload share', ratio: 16 / Math.max(f.upload_share_mb, 1), goal: 1 });
    }
    if (want('batch')) {
      const files = quick ? 200 : 1000;
      console.log(`\n== ${files} x 100 KB files at once (Promise.all): cirrus upload() vs SDK upload_stream`);
      const b = runBatch(emulator, { files });
      results.batch = b;
      console.table([b.cirrus, b.sdk]);
      ratios.push({ label: `batch ${files} x 100 KB: throughput`, ratio: b.sdk.seconds / b.cirrus.seconds, goal: 1 });
      ratios.push({ label: `batch ${files} x 100 KB: RSS added (SDK / cirrus)`, ratio: (b.sdk.peak_rss_mb - b.sdk.baseline_rss_mb) / (b.cirrus.peak_rss_mb - b.cirrus.baseline_rss_mb), goal: 1 });
    }
  } finally {
    await emulator.stop();
  }
}

if (want('repository')) {
  const n = quick ? 2000 : 10000;
  console.log(`\n== The embedded default repository: ${n} creates, old (sql.js) vs new (SQLite in the addon)`);
  const rows = await benchRepository(n);
  results.repository = rows;
  console.table(rows);
  const [oldOne, oldBusy, newOne, newBusy] = rows;
  ratios.push({ label: `repository ${n} creates: throughput new / old`, ratio: newOne.per_s / oldOne.per_s, goal: 1 });
  ratios.push({ label: `repository ${n} creates: p99 old / new`, ratio: oldOne.p99_ms / newOne.p99_ms, goal: 1 });
  ratios.push({ label: `repository ${n} creates, 16 in flight: throughput new / old`, ratio: newBusy.per_s / oldBusy.per_s, goal: 1 });
}

console.log('\n== Ratios (> 1: cirrus better)');
console.table(ratios.map((r) => ({ benchmark: r.label, ratio: Number(r.ratio.toFixed(2)), goal: r.goal ?? '', met: r.goal === undefined ? '' : r.ratio >= r.goal ? 'yes' : 'NO' })));
results.ratios = ratios;
if (!quick && parts.length === 0) {
  const dir = join(root, 'docs', 'benchmarks');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(dir, 'ratios.svg'), ratioChart(ratios, { title: `cirrus vs the official Cloudinary libraries (${results.date.slice(0, 10)}, ${results.machine.cpus} cores)` }));
  console.log('wrote docs/benchmarks/results.json and docs/benchmarks/ratios.svg');
}
