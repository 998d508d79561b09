'use strict';
// Which platform package this process needs (the names of scripts/platforms.mjs).
const { readFileSync } = require('node:fs');

/**
 * Whether this Linux's C library is musl: glibc's `ldd` script says so first (Deno and Bun report no
 * glibc version), then Node's report (a glibc version, or musl among the loaded libraries).
 */
function isMusl() {
  try {
    return readFileSync('/usr/bin/ldd', 'latin1').includes('musl');
  } catch {
    // no ldd: ask the runtime
  }
  try {
    const { header, sharedObjects = [] } = process.report.getReport();
    if (header.glibcVersionRuntime) return false;
    return sharedObjects.some((f) => f.includes('libc.musl-') || f.includes('ld-musl-'));
  } catch {
    return false;
  }
}

/** `linux-x64-gnu`, `linux-arm64-musl`, `darwin-arm64`, `win32-x64-gnu`, ... */
function platformName() {
  const { platform, arch } = process;
  if (platform === 'linux') return `linux-${arch}-${isMusl() ? 'musl' : 'gnu'}`;
  if (platform === 'win32') return `win32-${arch}-gnu`;
  return `${platform}-${arch}`;
}

/**
 * What to do about a missing native build when this package is a source checkout's `npm/node` (the
 * repository's crates beside it; a published package has none): build it. Empty for an installed package.
 */
function checkoutHint() {
  const { existsSync } = require('node:fs');
  const { join, resolve } = require('node:path');
  const repo = resolve(__dirname, '..', '..');
  return resolve(repo, 'npm', 'node') === resolve(__dirname) && existsSync(join(repo, 'crates', 'node', 'Cargo.toml'))
    ? ' This is a source checkout: build it with `npm run build` (`npm test` builds it too).'
    : '';
}

const SUPPORTED = ['linux-x64-gnu', 'linux-arm64-gnu', 'linux-x64-musl', 'linux-arm64-musl', 'darwin-x64', 'darwin-arm64', 'win32-x64-gnu'];

module.exports = { checkoutHint, platformName, SUPPORTED };
