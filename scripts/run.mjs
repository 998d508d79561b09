// Small helpers shared by the build, setup and test scripts.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

// The scripts read what they build from <root>/target (the addon, both wasm modules, the emulator, the
// profile-guided build's dirs), so cargo must write there: CARGO_TARGET_DIR, which wins over a
// `build.target-dir` in cargo's config files, is set to it for every command they run (a build that
// wrote elsewhere failed at wasm-bindgen after minutes). Another value in the user's shell is said once.
const TARGET = join(root, 'target');
for (const name of ['CARGO_TARGET_DIR', 'CARGO_BUILD_TARGET_DIR']) {
  const given = process.env[name];
  if (given !== undefined && resolve(given) !== TARGET) console.warn(`cirrus: ${name} (${given}) is not used: the scripts build into ${TARGET}`);
  delete process.env[name];
}
process.env.CARGO_TARGET_DIR = TARGET;

/**
 * Runs a command in the repo root with inherited output; throws if it fails (`allowFailure`: returns
 * whether it succeeded instead).
 */
export function run(cmd, args, { allowFailure = false, ...options } = {}) {
  console.log(`$ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options });
  if (r.error?.code === 'ENOENT' && !allowFailure) missing(cmd);
  if (allowFailure) return !r.error && r.status === 0;
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} exited with ${r.status}`);
  return true;
}

/**
 * This process's environment with `flags` added to RUSTFLAGS (after the caller's own, or cargo's
 * CARGO_BUILD_RUSTFLAGS as napi reads it). CARGO_ENCODED_RUSTFLAGS goes: cargo would read it first and
 * ignore RUSTFLAGS.
 */
export function withRustflags(flags) {
  const { CARGO_ENCODED_RUSTFLAGS: _, ...env } = process.env;
  const own = env.RUSTFLAGS ?? env.CARGO_BUILD_RUSTFLAGS ?? '';
  return { ...env, RUSTFLAGS: `${own} ${flags}`.trim() };
}

/** What to install for a command the scripts need. */
const PREREQUISITES = {
  cargo: 'Rust (cargo): install it from https://rustup.rs, open a new shell, and run this again',
  rustup: 'Rust (rustup): install it from https://rustup.rs, open a new shell, and run this again',
};

/** Exits with one line naming the missing prerequisite (never a stack trace). */
export function missing(cmd) {
  console.error(`\ncirrus: \`${cmd}\` was not found. Needed: ${PREREQUISITES[cmd] ?? `install ${cmd} and run this again`}. See README.md#prerequisites.`);
  process.exit(1);
}

/** Whether a command runs successfully (quietly). */
export function succeeds(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'ignore' });
  return !r.error && r.status === 0;
}

/** A command's trimmed stdout, or '' when it fails. */
export function output(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
}
