'use strict';
// Runs one job per file, `concurrency` at a time, with live progress, and prints the summary table
// (stdout) and a one-line total (stderr). Resolves to the exit code: 1 when any file failed.
const { basename } = require('node:path');
const { progress } = require('./progress.cjs');
const { size, table } = require('./format.cjs');

/** `rows` are `{ path, ... }`; `job(row, onProgress)` resolves to the row's outcome fields or throws. */
async function runFiles(rows, concurrency, job, columns) {
  for (const r of rows) Object.assign(r, { name: r.name ?? basename(r.path), status: 'waiting', loaded: 0, total: 0, seconds: 0 });
  const live = progress(rows);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, async () => {
    while (next < rows.length) {
      const row = rows[next++];
      row.status = 'uploading';
      const started = performance.now();
      try {
        Object.assign(row, await job(row, ({ loaded, total }) => { row.loaded = loaded; row.total = total || row.total; }));
        if (row.status === 'uploading') row.status = 'done';
      } catch (err) {
        row.status = 'failed';
        row.result = `${err.code ?? 'ERROR'}${err.http_code ? ` (${err.http_code})` : ''}`;
        row.error = err.message;
      }
      row.seconds = (performance.now() - started) / 1000;
    }
  }));
  live.stop();
  const width = process.stdout.isTTY ? process.stdout.columns || 120 : 160;
  const printable = rows.map((r) => ({ ...r, size: size(r.bytes ?? r.total), time: r.seconds ? `${r.seconds.toFixed(1)} s` : '' }));
  console.log(table(printable, columns, width));
  // Whole messages below the table (a table cell would cut them): the signature doctor's "Why" included.
  for (const r of rows.filter((row) => row.status === 'failed')) console.log(`\n${r.path}: ${r.result}: ${r.error}`);
  const count = (status) => rows.filter((r) => r.status === status).length;
  const failed = count('failed');
  const bytes = rows.reduce((n, r) => n + (r.status === 'done' ? r.bytes ?? 0 : 0), 0);
  const files = (n) => `${n} file${n === 1 ? '' : 's'}`;
  const parts = [`${count('done')} sent (${size(bytes)})`, count('skipped') && `${count('skipped')} skipped`, failed && `${failed} failed`].filter(Boolean);
  console.error(`${files(rows.length)}: ${parts.join(', ')}`);
  return failed ? 1 : 0;
}

module.exports = { runFiles };
