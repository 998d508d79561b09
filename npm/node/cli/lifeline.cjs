'use strict';
// Stops a long-running command when whoever started it is gone. npm runs us as npm → sh → node (`npm
// start`, `npx cirrus emulator`): a SIGTERM to npm kills sh without passing it on, and a SIGKILL to npm
// leaves sh waiting on us, so neither shows up here as a signal. We watch our parent and, on Linux (/proc), every ancestor up to and
// including the npm process, and call `onGone` once one of them exits. Nothing above npm is watched: a
// demo started with `nohup npm start &` outlives the shell that started it. Elsewhere only the parent is
// watched (a killed npm then leaves the demo to its sh).
const { readFileSync } = require('node:fs');

function status(pid) {
  try {
    return readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
}

function isNpm(pid) {
  try {
    return /(^|[/\0])npm(-cli\.js)?([\0 ]|$)/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
}

/** Alive and not a zombie (an exited process its parent has not reaped yet). */
function alive(pid) {
  const s = status(pid);
  if (s !== null) return !/^State:\s+Z/m.test(s);
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/**
 * The parent, then (with /proc) its ancestors up to the npm process that ran us, if one did: `{ pids, npm }`
 * (whether one of them is npm).
 */
function watched() {
  const chain = [];
  for (let pid = process.ppid; pid > 1 && chain.length < 8;) {
    chain.push(pid);
    if (isNpm(pid)) return { pids: chain, npm: true };
    const s = status(pid);
    if (s === null) break;
    pid = Number(/PPid:\s+(\d+)/.exec(s)[1]);
  }
  return { pids: [process.ppid], npm: false };
}

/**
 * Calls `onGone` once the parent or a watched ancestor is gone, polling every `everyMs` (the timer does
 * not keep the process alive). `npmOnly`: watch only when npm (or npx) ran us, so that a command run from
 * a shell and left in the background (`nohup cirrus emulator &`) outlives that shell. Returns whether it
 * watches.
 */
function onAncestorsGone(onGone, { everyMs = 500, npmOnly = false } = {}) {
  const { pids, npm } = watched();
  if (npmOnly && !npm) return false;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent || pids.some((pid) => !alive(pid))) {
      clearInterval(timer);
      onGone();
    }
  }, everyMs);
  timer.unref();
  return true;
}

module.exports = { onAncestorsGone };
