// Small helpers shared by the build, setup and test scripts.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs a command in the repo root with inherited output; throws if it fails. */
export function run(cmd, args, options = {}) {
  console.log(`$ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options });
  if (r.error?.code === 'ENOENT') missing(cmd);
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} exited with ${r.status}`);
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
