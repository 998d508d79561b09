// Stops a long-running script when whoever started it is gone. `npm start` runs us as
// npm → sh → node: a SIGTERM to npm kills sh without passing it on, and a SIGKILL to npm leaves sh
// waiting on us, so neither shows as a signal here. We watch every ancestor instead (Linux: /proc; else
// the parent pid), and call `onGone` once one of them exits.
import { readFileSync } from 'node:fs';

/** The parent pid of `pid` from /proc, or null where there is no /proc. */
function parentOf(pid) {
  try {
    return Number(/PPid:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
  } catch {
    return null;
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** Polls every `everyMs`; the timer does not keep the process alive. */
export function onAncestorsGone(onGone, everyMs = 500) {
  const ancestors = [];
  for (let pid = process.ppid; pid > 1 && ancestors.length < 16; pid = parentOf(pid)) ancestors.push(pid);
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent || ancestors.some((pid) => !alive(pid))) {
      clearInterval(timer);
      onGone();
    }
  }, everyMs);
  timer.unref();
}
