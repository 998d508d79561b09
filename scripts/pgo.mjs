// Profile-guided optimisation of the Node addon (issue 16). The core's URL builder is branchy code spread
// over many small functions with no hot spot; what it loses is to the instruction cache and the branch
// predictor on a mix of option sets (the same calls repeated one at a time run ~30% faster than
// interleaved). LLVM lays it out better when it knows which paths real calls take: an addon built with
// `-Cprofile-generate` runs the conformance vectors (every exported function, with and without the fast
// path: tests/shared/vector-runner.mjs, the same runner the suites use), and the shipped addon is built
// with `-Cprofile-use` of what that run counted.
//
// The profile is made on this machine by every release build of the addon (never committed: it must
// match the code it was counted on). It needs `llvm-profdata` from rustup's `llvm-tools` component, which
// this installs; without it the addon is built as before and the build says so.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { hostPlatform } from './platforms.mjs';
import { output, root, run, succeeds } from './run.mjs';

const PGO = join(root, 'target', 'pgo');

/** The Rust target this machine is. */
const hostTriple = () => /^host: (.+)$/m.exec(output('rustc', ['-vV']))?.[1];

/** `llvm-profdata` of the active toolchain (rustup's `llvm-tools`), installed when missing; or undefined. */
function llvmProfdata() {
  const sysroot = output('rustc', ['--print', 'sysroot']);
  const host = hostTriple();
  if (!sysroot || !host) return undefined;
  const tool = join(sysroot, 'lib', 'rustlib', host, 'bin', 'llvm-profdata');
  if (!existsSync(tool)) succeeds('rustup', ['component', 'add', 'llvm-tools']);
  return existsSync(tool) ? tool : undefined;
}

/**
 * Builds the instrumented addon, runs the training on it and merges what it counted: the path of the
 * profile for `-Cprofile-use`, or undefined (with a warning) when this machine cannot make one.
 */
export function addonProfile() {
  const profdata = llvmProfdata();
  if (!profdata) {
    console.warn('cirrus: the addon is built without profile-guided optimisation: llvm-profdata is missing (rustup component add llvm-tools)');
    return undefined;
  }
  const host = hostTriple();
  const counts = join(PGO, 'counts');
  rmSync(counts, { recursive: true, force: true });
  mkdirSync(counts, { recursive: true });
  // Its own target dir: other flags would rebuild the workspace's release build every time.
  const targetDir = join(PGO, 'generate');
  // The caller's flags are kept (cargo reads CARGO_ENCODED_RUSTFLAGS before RUSTFLAGS, so it goes).
  const { CARGO_ENCODED_RUSTFLAGS: _, ...env } = process.env;
  // `--target`, as napi build passes it: the flags then reach the addon's code only (not build scripts
  // and proc macros, which would count their own runs), and the symbols match the final build's, by which
  // the profile names its functions.
  run('cargo', ['build', '--release', '-p', 'cirrus-node', '--target', host, '--target-dir', targetDir], {
    env: { ...env, RUSTFLAGS: `${env.RUSTFLAGS ?? ''} -Cprofile-generate=${counts}`.trim() },
  });
  // The package's JavaScript with the instrumented addon beside it (npm/node/native.cjs loads the one
  // next to it), so the training calls what users call.
  const pkg = join(PGO, 'package');
  rmSync(pkg, { recursive: true, force: true });
  cpSync(join(root, 'npm', 'node'), pkg, { recursive: true, filter: (src) => !src.endsWith('.node') });
  const lib = { darwin: 'libcirrus_node.dylib', win32: 'cirrus_node.dll' }[process.platform] ?? 'libcirrus_node.so';
  cpSync(join(targetDir, host, 'release', lib), join(pkg, `cirrus.${hostPlatform()}.node`));
  const train = join(root, 'scripts', 'pgo-train.mjs');
  const raw = { ...process.env, LLVM_PROFILE_FILE: join(counts, '%p-%m.profraw') };
  run(process.execPath, [train, pkg], { env: raw });
  run(process.execPath, [train, pkg], { env: { ...raw, CIRRUS_NO_FAST_PATH: '1' } });
  const files = readdirSync(counts).filter((f) => f.endsWith('.profraw')).map((f) => join(counts, f));
  if (files.length === 0) throw new Error('the instrumented addon wrote no profile');
  const merged = join(PGO, 'cirrus-node.profdata');
  run(profdata, ['merge', '-o', merged, ...files]);
  return merged;
}

/** RUSTFLAGS that build with `profile` (none without one). */
export function profileUseFlags(profile) {
  return profile ? `-Cprofile-use=${profile}` : '';
}
