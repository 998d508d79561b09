// Timing helpers for the micro benchmarks: a batch size calibrated to ~20 ms, then the median nanoseconds
// per call over several rounds (the median resists the other processes of a 2-core machine).

/** Calls per batch for ~targetMs (which also warms the function up). */
function calibrate(fn, targetMs) {
  let batch = 1;
  for (;;) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) fn(i);
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (ms >= targetMs / 4 || batch > 1e7) break;
    batch *= 4;
  }
  return Math.max(1, batch * 4);
}

function timeBatch(fn, batch) {
  const t = process.hrtime.bigint();
  for (let i = 0; i < batch; i++) fn(i);
  return Number(process.hrtime.bigint() - t) / batch;
}

/** The median of a list of numbers (the upper one of an even list's two middle values). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median nanoseconds per call of `fn`. */
export function measure(fn, { rounds = 7, targetMs = 20 } = {}) {
  const batch = calibrate(fn, targetMs);
  return median(Array.from({ length: rounds }, () => timeBatch(fn, batch)));
}

/** Rounds of each side in a measurePair. */
export const PAIR_ROUNDS = 11;

/**
 * Ours against theirs with their rounds interleaved (ours, theirs, theirs, ours, ...), so that a slow spell of
 * the machine falls on both: `[ours, theirs]`, each the median nanoseconds per call. With `cycle` (a
 * list of cases, `fn(i)` taking case `i % cycle`), every batch is whole passes over the list: each
 * side is timed on all the cases, in the same proportions (a batch sized by speed alone covered the
 * slower library's first thousand cases only).
 */
export function measurePair(ours, theirs, { rounds = PAIR_ROUNDS, targetMs = 20, cycle = 1 } = {}) {
  const whole = (batch) => Math.ceil(batch / cycle) * cycle;
  const a = whole(calibrate(ours, targetMs));
  const b = whole(calibrate(theirs, targetMs));
  const oursNs = [];
  const theirsNs = [];
  // Which side goes first alternates, so that neither always runs after the other (whose garbage a
  // collection in the next round pays for).
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      oursNs.push(timeBatch(ours, a));
      theirsNs.push(timeBatch(theirs, b));
    } else {
      theirsNs.push(timeBatch(theirs, b));
      oursNs.push(timeBatch(ours, a));
    }
  }
  return [median(oursNs), median(theirsNs)];
}

/** One comparison row: ours against theirs, ratio = theirs / ours (higher is better for cirrus). */
export function row(group, name, cirrusNs, otherNs, other, goal) {
  return {
    group, name, cirrus_ns: round(cirrusNs), other, other_ns: round(otherNs),
    ratio: Number((otherNs / cirrusNs).toFixed(2)), goal,
  };
}

const round = (n) => Number(n.toFixed(n < 100 ? 1 : 0));
