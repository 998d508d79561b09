// Temporary directories for tests and benches, removed when the process ends (on exit, and on SIGINT or
// SIGTERM, after which the signal ends the process as it would have). Not removed earlier: tests start a
// new emulator or repository on a stopped one's directory. Before this, every run left its directories
// in /tmp (a benchmark's 1 GiB uploads 6-9 GB each).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made = new Set();

function removeAll() {
  for (const dir of made) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // A process still writing there (an emulator, a server): the leftover is a temporary directory's.
    }
  }
  made.clear();
}

/** A fresh directory under the system's temporary directory, named `<prefix>XXXXXX`. */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  removeAtExit(dir);
  return dir;
}

/** Removes `path` when the process ends, as tempDir's own: for a directory the code under test makes. */
export function removeAtExit(path) {
  if (made.size === 0) {
    process.once('exit', removeAll);
    for (const signal of ['SIGINT', 'SIGTERM']) {
      process.once(signal, () => {
        removeAll();
        process.kill(process.pid, signal);
      });
    }
  }
  made.add(path);
}
