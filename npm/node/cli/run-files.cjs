'use strict';
// Runs one job per file, `concurrency` at a time, with live progress, and prints the summary table
// (stdout) and a one-line total (stderr). Resolves to the exit code: 1 when any file failed.
const { basename } = require('node:path');
const { progress } = require('./progress.cjs');
const { plural, size, table, tableRoom } = require('./format.cjs');
const { fileSize } = require('./files.cjs');

/**
 * `rows` are `{ path, ... }`; `job(row, onProgress)` resolves to the row's outcome fields or throws (a
 * `status` among them: `skipped`, or `planned` in a dry run (`dry`); `done` otherwise).
 */
async function runFiles(rows, concurrency, job, { dry = false } = {}) {
  // Each file's size from the start (a file that fails before a byte is sent still shows it).
  for (const r of rows) Object.assign(r, { name: r.name ?? basename(r.path), status: 'waiting', loaded: 0, total: fileSize(r.path), seconds: 0 });
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
  const printable = rows.map((r) => ({ ...r, size: size(r.bytes ?? r.total), time: r.seconds ? `${r.seconds.toFixed(1)} s` : '' }));
  console.log(table(printable, FILE_COLUMNS, tableRoom()));
  // Whole messages below the table (a table cell would cut them): the signature doctor's "Why" included.
  for (const r of rows.filter((row) => row.status === 'failed')) console.log(`\n${r.path}: ${r.result}: ${r.error}`);
  const count = (status) => rows.filter((r) => r.status === status).length;
  const failed = count('failed');
  const bytes = rows.reduce((n, r) => n + (r.status === 'done' ? r.bytes ?? 0 : 0), 0);
  // `planned`: a dry run's file that would be sent (nothing was, so no "0 sent").
  const parts = [
    dry ? `${count('planned')} would be uploaded` : `${count('done')} sent (${size(bytes)})`,
    count('skipped') && `${count('skipped')} skipped`,
    failed && `${failed} failed`,
  ].filter(Boolean);
  console.error(`${plural(rows.length, 'file')}: ${parts.join(', ')}`);
  return failed ? 1 : 0;
}

/**
 * The summary table's columns, for `upload` and `sync` alike: public ids whole (they are what `cirrus
 * destroy` takes) and the type each file was filed as (what its --resource-type then needs).
 */
const FILE_COLUMNS = [['file', 'name'], ['public_id', 'public_id', 'left', 'keep'], ['type', 'resource_type', 'left', 'keep'], ['size', 'size', 'right', 'keep'], ['time', 'time', 'right', 'keep'], ['result', 'result', 'left', 'keep']];

module.exports = { runFiles };
