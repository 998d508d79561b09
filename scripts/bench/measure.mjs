// Timing helper for the micro benchmarks: calibrates a batch size to ~20 ms, then reports the median
// nanoseconds per call over several rounds (the median resists the other processes of a 2-core machine).
export function measure(fn, { rounds = 7, targetMs = 20 } = {}) {
  let batch = 1;
  for (;;) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) fn(i);
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (ms >= targetMs / 4 || batch > 1e7) break;
    batch *= 4;
  }
  batch = Math.max(1, batch * 4);
  const samples = [];
  for (let r = 0; r < rounds; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) fn(i);
    samples.push(Number(process.hrtime.bigint() - t) / batch);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

/** One comparison row: ours against theirs, ratio = theirs / ours (higher is better for cirrus). */
export function row(group, name, cirrusNs, otherNs, other, goal) {
  return {
    group, name, cirrus_ns: round(cirrusNs), other, other_ns: round(otherNs),
    ratio: Number((otherNs / cirrusNs).toFixed(2)), goal,
  };
}

const round = (n) => Number(n.toFixed(n < 100 ? 1 : 0));
