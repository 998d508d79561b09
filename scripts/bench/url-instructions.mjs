// Instructions a url() over the conformance mix costs through the Node package, counted by callgrind:
// deterministic to the instruction from run to run on one build (timings on the 2-vCPU machine move
// ±10% between processes), so a change of 1% shows. Not part of `npm run bench` (valgrind is not
// installed by the scripts, and a count runs ~1 min).
//   node scripts/bench/url-instructions.mjs [package dir, default npm/node]
// Runs the package's url() over the mix 20 times to warm up, then 2 and 12 more times in two processes
// under callgrind (`node --predictable`: one thread, no concurrent compilation), and prints the difference
// per call.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { conformanceMix } from './cases.mjs';

const here = fileURLToPath(import.meta.url);

if (process.argv[2] === '--run') {
  const { createRequire } = await import('node:module');
  const cirrus = createRequire(here)(process.argv[3]);
  const mix = conformanceMix();
  const passes = (n) => { for (let r = 0; r < n; r++) for (const [id, o] of mix) cirrus.url(id, o); };
  passes(20);
  passes(Number(process.argv[4]));
} else {
  const pkg = resolve(process.argv[2] ?? fileURLToPath(new URL('../../npm/node', import.meta.url)));
  const count = (passes) => {
    const r = spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--predictable', here, '--run', pkg, String(passes)], { encoding: 'utf8' });
    if (r.error) throw new Error(`valgrind is needed (apt install valgrind): ${r.error.message}`);
    const m = /Collected : (\d+)/.exec(r.stderr);
    if (!m) throw new Error(`callgrind counted nothing:\n${r.stderr.slice(-2000)}`);
    return Number(m[1]);
  };
  const calls = 10 * conformanceMix().length;
  console.log(`${pkg}: ${Math.round((count(12) - count(2)) / calls)} instructions a url() call over the conformance mix`);
}
