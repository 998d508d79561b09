// Profile-guided optimisation of the Node addon (issue 16). The core's URL builder is branchy code spread
// over many small functions with no hot spot; what it loses is to the instruction cache and the branch
// predictor on a mix of option sets (the same calls repeated one at a time run ~30% faster than
// interleaved). LLVM lays it out better when it knows which paths calls take: an addon built with
// `-Cprofile-generate` runs the conformance vectors (every exported function, with and without the fast
// path: tests/shared/vector-runner.mjs, the runner the suites use), and the addon is then built with
// `-Cprofile-use` of what that run counted.
//
// A profile names functions by their symbols, which hash the cargo invocation (target, packages built
// together, profile settings, the linker wrapper cargo-zigbuild sets up; not RUSTFLAGS): the instrumented
// build must be the final build's own command with only the flag added, so the caller passes its build as
// a function. The cross-built platform packages (scripts/build-platforms.mjs) have none: zig cannot link
// the profiler runtime (it takes rustc's `-u __llvm_profile_runtime` for a file), and a plain cargo build
// for the same target hashes differently. The profile is made on this machine (never committed), and
// kept while what it was counted on is unchanged.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostPlatform } from './platforms.mjs';
import { root, run } from './run.mjs';
import { ensurePgoTools } from './setup.mjs';

/** Why this machine builds without a profile, or undefined when it can make one. */
function unavailable() {
  if (process.env.CIRRUS_PGO === '0') return 'CIRRUS_PGO=0';
  // Cargo splits RUSTFLAGS at whitespace, and the profile's path is one of them.
  if (/\s/.test(root)) return 'the checkout path has whitespace in it';
  return undefined;
}

/** What the training's counts depend on besides the addon: its script, its inputs, the package's JS. */
function trainingInputs() {
  const files = [join(root, 'scripts', 'pgo-train.mjs'), join(root, 'tests', 'shared', 'vector-runner.mjs')];
  for (const [dir, ext] of [[join(root, 'tests', 'vectors'), '.json'], [join(root, 'npm', 'node'), '.cjs']]) {
    for (const f of readdirSync(dir).sort()) if (f.endsWith(ext)) files.push(join(dir, f));
  }
  return files;
}

/** The package's JavaScript with `library` beside it as its addon (npm/node/native.cjs loads that one). */
function trainingPackage(dir, library) {
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(root, 'npm', 'node'), dir, { recursive: true, filter: (src) => !src.endsWith('.node') });
  cpSync(library, join(dir, `cirrus.${hostPlatform()}.node`));
  return dir;
}

/**
 * The profile for `-Cprofile-use` of the addon the caller builds, kept in target/pgo/<name>; undefined
 * (with a warning) when this machine cannot make one. `buildInstrumented(flags)` builds the addon exactly
 * as the final build will, with `flags` added to RUSTFLAGS, for this machine's platform, and returns the
 * library's path.
 */
export function addonProfile(name, buildInstrumented) {
  const without = (why) => {
    console.warn(`cirrus: the addon is built without profile-guided optimisation: ${why}`);
    return undefined;
  };
  const skip = unavailable();
  if (skip) return without(skip);
  const profdata = ensurePgoTools();
  if (!profdata) return without('llvm-profdata is missing (rustup component add llvm-tools)');
  const dir = join(root, 'target', 'pgo', name);
  const counts = join(dir, 'counts');
  const library = buildInstrumented(`-Cprofile-generate=${counts}`);
  // Counted again only when the instrumented addon or the training changed: a new profile (its counts
  // differ a little from run to run) would make cargo rebuild every crate the final build compiles.
  const hash = createHash('sha256');
  for (const f of [library, ...trainingInputs()]) hash.update(readFileSync(f));
  const key = hash.digest('hex');
  const profile = join(dir, 'addon.profdata');
  const keyFile = join(dir, 'addon.profdata.key');
  if (existsSync(profile) && existsSync(keyFile) && readFileSync(keyFile, 'utf8') === key) return profile;
  rmSync(counts, { recursive: true, force: true });
  mkdirSync(counts, { recursive: true });
  const pkg = trainingPackage(join(dir, 'package'), library);
  const train = join(root, 'scripts', 'pgo-train.mjs');
  const env = { ...process.env, LLVM_PROFILE_FILE: join(counts, '%p-%m.profraw') };
  // A training that fails (a vector the instrumented addon answers wrongly) leaves the build to go on
  // without a profile: the suites then report what is wrong, in full.
  const trained = run(process.execPath, [train, pkg], { env, allowFailure: true })
    && run(process.execPath, [train, pkg], { env: { ...env, CIRRUS_NO_FAST_PATH: '1' }, allowFailure: true });
  if (!trained) return without('its training run failed (see above)');
  const files = readdirSync(counts).filter((f) => f.endsWith('.profraw')).map((f) => join(counts, f));
  if (files.length === 0) return without('the instrumented addon wrote no counts');
  run(profdata, ['merge', '-o', `${profile}.new`, ...files]);
  renameSync(`${profile}.new`, profile);
  writeFileSync(keyFile, key);
  return profile;
}
