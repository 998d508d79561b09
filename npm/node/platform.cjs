'use strict';
// Which platform package this process needs (the names of scripts/platforms.mjs), and whether this
// package is a source checkout's npm/node (where a missing native build is built, not installed).
const { existsSync, readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

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
 * The repository's root when this package is a source checkout's `npm/node` (the crates beside it; a
 * published package, installed under node_modules, has none), else undefined.
 */
function checkoutRoot() {
  const repo = resolve(__dirname, '..', '..');
  const inCheckout = resolve(repo, 'npm', 'node') === resolve(__dirname) && existsSync(join(repo, 'crates', 'node', 'Cargo.toml'));
  return inCheckout ? repo : undefined;
}

/**
 * The NOT_BUILT error for a missing native build (`what`: "native addon", "emulator"): in a source
 * checkout it says to build it, elsewhere `installAdvice` (how to get the platform package).
 */
function notBuilt(what, installAdvice, cause) {
  const platform = platformName();
  const advice = checkoutRoot() ? 'this is a source checkout: build it with `npm run build` (`npm test` builds it too)' : installAdvice;
  const err = new Error(`cirrus: the ${what} for ${platform} is missing: the package cirrus-${platform} is not installed. ${advice}.`, cause === undefined ? undefined : { cause });
  err.code = 'NOT_BUILT';
  return err;
}

const SUPPORTED = ['linux-x64-gnu', 'linux-arm64-gnu', 'linux-x64-musl', 'linux-arm64-musl', 'darwin-x64', 'darwin-arm64', 'win32-x64-gnu'];

module.exports = { checkoutRoot, notBuilt, platformName, SUPPORTED };
