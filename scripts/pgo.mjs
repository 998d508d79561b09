// Profile-guided optimisation of the Node addon (issue 16). The core's URL builder is branchy code spread
// over many small functions with no hot spot; what it loses is to the instruction cache and the branch
// predictor on a mix of option sets (the same calls repeated one at a time run ~30% faster than
// interleaved). LLVM optimises and lays it out better when it knows which paths calls take: an addon
// built with `-Cprofile-generate` runs the conformance vectors (url, signing, upload params, identifiers,
// tokens, notifications, downloads and config, through the package with and without the fast path:
// tests/shared/vector-runner.mjs, the runner the suites use), and the addon is then built with
// `-Cprofile-use` of what that run counted. Code the vectors never reach (uploads, the media service) is
// optimised as code that runs rarely; the upload benchmarks measure it.
//
// A profile names functions by their symbols, which hash the cargo invocation (target, packages built
// together, profile settings; not RUSTFLAGS): the instrumented build must be the final build's own
// command with only the flag added, so the caller passes its build as a function. The cross-built
// platform packages (scripts/build-platforms.mjs) have none: zig cannot link the profiler runtime (it
// takes rustc's `-u __llvm_profile_runtime` for a file), and a plain cargo build of the same target and
// packages names its functions differently from cargo-zigbuild's (llvm-nm). The profile is made on this
// machine (never committed), and kept while what it was counted on is unchanged.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostPlatform } from './platforms.mjs';
import { root, run } from './run.mjs';
import { ensurePgoTools } from './setup.mjs';

/** Where the profile, its key, its counts, the training package and the two builds' target dirs live. */
export const PGO_DIR = join(root, 'target', 'pgo', 'node');

/** Why this machine builds without a profile, or undefined when it can make one. */
function unavailable() {
  if (process.env.CIRRUS_PGO === '0') return 'CIRRUS_PGO=0';
  // Cargo splits RUSTFLAGS at whitespace, and the profile's path is one of them.
  if (/\s/.test(root)) return 'the checkout path has whitespace in it';
  return undefined;
}

/** What the training's counts depend on besides the addon: its scripts, its inputs, the package's JS. */
function trainingInputs() {
  const shared = join(root, 'tests', 'shared');
  const files = [join(root, 'scripts', 'pgo-train.mjs'), join(shared, 'vector-runner.mjs'), join(shared, 'load-vectors.mjs')];
  for (const [dir, ext] of [[join(root, 'tests', 'vectors'), '.json'], [join(root, 'npm', 'node'), '.cjs']]) {
    for (const f of readdirSync(dir).sort()) if (f.endsWith(ext)) files.push(join(dir, f));
  }
  return files;
}

/** The key a profile is kept under: every input's name, length and bytes. */
function keyOf(files) {
  const hash = createHash('sha256');
  for (const f of files) {
    const bytes = readFileSync(f);
    hash.update(`${f}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  return hash.digest('hex');
}

/** The package's JavaScript with `library` beside it as its addon (npm/node/native.cjs loads that one). */
function trainingPackage(dir, library) {
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(root, 'npm', 'node'), dir, { recursive: true, filter: (src) => !src.endsWith('.node') });
  cpSync(library, join(dir, `cirrus.${hostPlatform()}.node`));
  return dir;
}

/** Builds the instrumented addon, runs the training, merges the counts: the profile's path, or why not. */
function makeProfile(buildInstrumented) {
  const skip = unavailable();
  if (skip) return { why: skip };
  const profdata = ensurePgoTools();
  if (!profdata) return { why: 'llvm-profdata is missing (rustup component add llvm-tools; CIRRUS_PGO=0 stops trying)' };
  const counts = join(PGO_DIR, 'counts');
  let library;
  try {
    library = buildInstrumented(`-Cprofile-generate=${counts}`, PGO_DIR);
  } catch (err) {
    // A compile error shows again in the build without a profile; a linker that cannot link the
    // profiler runtime only here.
    return { why: `the instrumented build failed (${err.message})` };
  }
  if (!existsSync(library)) return { why: `the instrumented build made no ${library}` };
  // Counted again only when the instrumented addon or the training changed: a new profile (its counts
  // differ a little from run to run) would make cargo rebuild every crate the final build compiles.
  const key = keyOf([library, ...trainingInputs()]);
  const profile = join(PGO_DIR, 'addon.profdata');
  const keyFile = join(PGO_DIR, 'addon.profdata.key');
  if (existsSync(profile) && existsSync(keyFile) && readFileSync(keyFile, 'utf8') === key) return { profile };
  rmSync(counts, { recursive: true, force: true });
  mkdirSync(counts, { recursive: true });
  const pkg = trainingPackage(join(PGO_DIR, 'package'), library);
  const train = join(root, 'scripts', 'pgo-train.mjs');
  const env = { ...process.env, LLVM_PROFILE_FILE: join(counts, '%p-%m.profraw') };
  // A training that fails (a vector the instrumented addon answers wrongly) leaves the build to go on
  // without a profile: the suites then report what is wrong, in full.
  const trained = run(process.execPath, [train, pkg], { env: { ...env, CIRRUS_NO_FAST_PATH: '' }, allowFailure: true })
    && run(process.execPath, [train, pkg], { env: { ...env, CIRRUS_NO_FAST_PATH: '1' }, allowFailure: true });
  if (!trained) return { why: 'its training run failed (see above)' };
  const files = readdirSync(counts).filter((f) => f.endsWith('.profraw')).map((f) => join(counts, f));
  if (files.length === 0) return { why: 'the instrumented addon wrote no counts' };
  if (!run(profdata, ['merge', '-o', `${profile}.new`, ...files], { allowFailure: true })) return { why: 'llvm-profdata merge failed' };
  renameSync(`${profile}.new`, profile);
  writeFileSync(keyFile, key);
  return { profile };
}

/**
 * The profile for `-Cprofile-use` of the addon the caller builds: `{ profile }`, or `{ why }` (also
 * printed) when this machine cannot make one. `buildInstrumented(flags, dir)` builds the addon exactly as
 * the final build will, with `flags` added to RUSTFLAGS, under `dir` (its target and output dirs), and
 * returns the library's path.
 */
export function addonProfile(buildInstrumented) {
  mkdirSync(PGO_DIR, { recursive: true });
  const made = makeProfile(buildInstrumented);
  if (!made.profile) console.warn(`cirrus: the addon is built without profile-guided optimisation: ${made.why}`);
  return made;
}
