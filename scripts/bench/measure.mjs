// Timing helpers for the micro benchmarks, in Node and in the browser benchmark's page (browser-page.js):
// a batch size calibrated to ~20 ms, then the median nanoseconds per call over several rounds (the median
// resists the other processes of a 2-core machine). `performance.now()` in both: a batch is ~20 ms, far
// above its resolution (0.1 ms in a page that is not cross-origin isolated).

/** Calls per batch for ~targetMs (which also warms the function up), a whole number of `cycle`s. */
function calibrate(fn, targetMs, cycle = 1) {
  let batch = 1;
  for (;;) {
    const t = performance.now();
    for (let i = 0; i < batch; i++) fn(i);
    if (performance.now() - t >= targetMs / 4 || batch > 1e7) break;
    batch *= 4;
  }
  return Math.ceil((batch * 4) / cycle) * cycle;
}

function timeBatch(fn, batch) {
  const t = performance.now();
  for (let i = 0; i < batch; i++) fn(i);
  return ((performance.now() - t) * 1e6) / batch;
}

/** The median of a list of numbers (the upper one of an even list's two middle values). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Rounds of each side in a measurePair. */
export const PAIR_ROUNDS = 11;

/**
 * Several functions' rounds interleaved (a round of each in turn, `rounds` times), so that a slow spell
 * of the machine falls on all of them; the first of each turn rotates, so that none always runs after
 * the same other, whose garbage a collection may make it pay for. Each function's median nanoseconds per
 * call. With `cycle` (a list of cases, `fn(i)` taking case `i % cycle`), every batch is whole passes over
 * the list: each is timed on all the cases, in the same proportions (a batch sized by speed alone
 * covered the slower library's first thousand cases only).
 */
export function measureTogether(fns, { rounds, targetMs = 20, cycle = 1 }) {
  const batches = fns.map((fn) => calibrate(fn, targetMs, cycle));
  const samples = fns.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < fns.length; j++) {
      const k = (r + j) % fns.length;
      samples[k].push(timeBatch(fns[k], batches[k]));
    }
  }
  return samples.map(median);
}

/** Ours against theirs (measureTogether: ours, theirs, theirs, ours, ...): `[ours, theirs]` in ns per call. */
export function measurePair(ours, theirs, { rounds = PAIR_ROUNDS, targetMs = 20, cycle = 1 } = {}) {
  return measureTogether([ours, theirs], { rounds, targetMs, cycle });
}

/** One comparison row: ours against theirs, ratio = theirs / ours (higher is better for cirrus). */
export function row(group, name, cirrusNs, otherNs, other, goal) {
  return {
    group, name, cirrus_ns: round(cirrusNs), other, other_ns: round(otherNs),
    ratio: Number((otherNs / cirrusNs).toFixed(2)), goal,
  };
}

const round = (n) => Number(n.toFixed(n < 100 ? 1 : 0));
