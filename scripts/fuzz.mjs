#!/usr/bin/env node
// `npm run fuzz [-- --seconds N] [target...]`: runs each cargo-fuzz target for N seconds (default 120) on
// the nightly toolchain, from the committed seeds plus the local corpus, and prints executions per target.
// A crash stops with the reproducer under fuzz/artifacts/<target>/; copy it into fuzz/regressions/<target>/
// (replayed by `cargo test` on stable) once fixed. Writes fuzz/last-run.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './run.mjs';

export const TARGETS = ['identifier', 'url_builder', 'cloudinary_url', 'chunk_plan', 'emulator_multipart', 'emulator_delivery_path'];
const args = process.argv.slice(2);
const at = args.indexOf('--seconds');
const seconds = at >= 0 ? Number(args[at + 1]) : 120;
const chosen = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--seconds');
const targets = chosen.length ? chosen : TARGETS;
const fuzzDir = join(root, 'fuzz');

const build = spawnSync('cargo', ['+nightly', 'fuzz', 'build', '-O'], { cwd: fuzzDir, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const report = { date: new Date().toISOString(), seconds_each: seconds, targets: [] };
for (const target of targets) {
  const corpus = join(fuzzDir, 'corpus', target);
  mkdirSync(corpus, { recursive: true });
  const run = spawnSync('cargo', ['+nightly', 'fuzz', 'run', '-O', target, corpus, join(fuzzDir, 'seeds', target), '--',
    `-max_total_time=${seconds}`, '-print_final_stats=1', '-timeout=10', '-rss_limit_mb=2048'],
  { cwd: fuzzDir, encoding: 'utf8', maxBuffer: 64 << 20 });
  const out = `${run.stdout}\n${run.stderr}`;
  const stat = (name) => Number((out.match(new RegExp(`stat::${name}:\\s+(\\d+)`)) || [])[1] ?? NaN);
  const row = {
    target, ok: run.status === 0, executions: stat('number_of_executed_units'), execs_per_sec: stat('average_exec_per_sec'),
    peak_rss_mb: stat('peak_rss_mb'), corpus_entries: Number((out.match(/#\d+\s+DONE\s+cov: \d+ ft: \d+ corp: (\d+)/) || [])[1] ?? NaN),
    coverage: Number((out.match(/DONE\s+cov: (\d+)/) || [])[1] ?? NaN),
  };
  report.targets.push(row);
  console.log(JSON.stringify(row));
  if (!row.ok) {
    console.log(out.split('\n').filter((l) => /panicked|ERROR|SUMMARY|artifact|Test unit written/.test(l)).slice(0, 20).join('\n'));
  }
}
writeFileSync(join(fuzzDir, 'last-run.json'), `${JSON.stringify(report, null, 2)}\n`);
console.table(report.targets);
if (report.targets.some((t) => !t.ok)) process.exit(1);
