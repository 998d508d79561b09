// Several files at once, at most `concurrency` uploading at a time (each file's chunks go one by one):
// a page that starts fifty uploads together starves every one of them of bandwidth, and Cloudinary
// counts unfinished chunked uploads per account.

import { abortedError, codedError } from './http.js';
import { DirectUpload } from './direct-upload.js';

/**
 * Uploads `files` with the same options, `concurrency` (default 3) at a time, in order. `done` resolves
 * to one `{ ok: true, result, identifier }` or `{ ok: false, error }` per file, in the files' order: one
 * failure does not stop the others. pause() pauses the running uploads and starts no new one until
 * resume(); abort() cancels all of them.
 */
export function uploadMany(core, files, options = {}) {
  const { concurrency = 3, onFileProgress, ...each } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw codedError('INVALID_OPTION', 'concurrency must be an integer of at least 1');
  const list = Array.from(files ?? []);
  const uploads = new Array(list.length).fill(null);
  const results = new Array(list.length);
  const waiting = [];
  let paused = false;
  let stopped = false;
  let next = 0;
  const wakeAll = () => waiting.splice(0).forEach((wake) => wake());
  // The `signal` stops every upload (each has it too) and starts no other: the files not started yet
  // are ABORTED, also when the batch was paused (its workers wait for a resume that may never come).
  const stop = () => {
    stopped = true;
    wakeAll();
  };
  if (each.signal?.aborted) stopped = true;
  else each.signal?.addEventListener('abort', stop, { once: true });

  async function worker() {
    while (next < list.length) {
      while (paused && !stopped) await new Promise((resolve) => waiting.push(resolve));
      const i = next++;
      if (stopped) {
        results[i] = { ok: false, error: abortedError() };
        continue;
      }
      const onProgress = onFileProgress && ((p) => onFileProgress(i, p));
      const upload = new DirectUpload(core, list[i], { ...each, onProgress });
      uploads[i] = upload;
      try {
        results[i] = { ok: true, ...(await upload.done) };
      } catch (error) {
        results[i] = { ok: false, error };
      }
    }
  }

  const workers = Array.from({ length: Math.min(concurrency, list.length) }, worker);
  return {
    done: Promise.all(workers).then(() => results),
    /** The uploads started so far, by file index (null until a file's turn comes). */
    uploads,
    pause() {
      paused = true;
      for (const u of uploads) u?.pause();
    },
    resume() {
      paused = false;
      for (const u of uploads) u?.resume();
      wakeAll();
    },
    abort() {
      for (const u of uploads) u?.abort();
      stop();
    },
  };
}
