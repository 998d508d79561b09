#!/usr/bin/env node
// `npm run pack [-- <dir>]`: the publishable tarballs (`npm pack`) of cirrus, cirrus-web, cirrus-nestjs and
// every platform package built so far (npm/platforms: the host's by `npm run build` and `npm test`, all
// by `npm run build:platforms`), with their sizes. Build first (`npm run build`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { root } from './run.mjs';
import { hostEntry, hostPlatform } from './platforms.mjs';

/** The package directories, the three packages first. */
export function packageDirs() {
  const platforms = join(root, 'npm', 'platforms');
  return [
    join(root, 'npm', 'node'), join(root, 'npm', 'web'), join(root, 'npm', 'nestjs'),
    ...(existsSync(platforms) ? readdirSync(platforms).sort().map((p) => join(platforms, p)) : []),
  ];
}

/**
 * `npm pack --json` of one package directory: `{ name, version, filename, size, unpackedSize, files }`
 * (`files`: the paths in the tarball). With `dest`, the tarball is written there; without, a dry run.
 */
export function pack(dir, dest) {
  const args = ['pack', '--json', ...(dest ? ['--pack-destination', dest] : ['--dry-run'])];
  const r = spawnSync('npm', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm pack in ${dir} failed: ${r.stderr}`);
  const [info] = JSON.parse(r.stdout);
  return {
    name: info.name,
    version: info.version,
    filename: dest ? join(dest, info.filename) : info.filename,
    size: info.size,
    unpackedSize: info.unpackedSize,
    files: info.files.map((f) => f.path).sort(),
  };
}

/**
 * Why the host's platform package cannot be packed (missing, half-written, or older than the addon last
 * built in npm/node), or undefined when it can or when this host has none (the others are packed).
 */
function hostPackageProblem() {
  if (!hostEntry()) return undefined;
  const name = hostPlatform();
  const dir = join(root, 'npm', 'platforms', name);
  const addon = join(dir, `cirrus.${name}.node`);
  if (!existsSync(join(dir, 'package.json')) || !existsSync(addon)) return `no cirrus-${name} package to pack`;
  const built = join(root, 'npm', 'node', `cirrus.${name}.node`);
  if (existsSync(built) && statSync(built).mtimeMs > statSync(addon).mtimeMs) return `cirrus-${name} is older than the addon in npm/node`;
  return undefined;
}

/** Packs every package into `dest`; returns what `pack` says of each. */
export function packAll(dest) {
  mkdirSync(dest, { recursive: true });
  return packageDirs().map((dir) => pack(dir, dest));
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  // `cirrus` alone answers NOT_BUILT: the host's platform package goes with it, as built last.
  const problem = hostPackageProblem();
  if (problem) {
    console.error(`cirrus: ${problem}: run \`npm run build\` first (it builds everything and writes npm/platforms/${hostPlatform()})`);
    process.exit(1);
  }
  const dest = resolve(process.argv[2] ?? join(root, 'target', 'packages'));
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`.padStart(11);
  for (const p of packAll(dest)) console.log(`${p.name.padEnd(26)} tarball ${kb(p.size)}  unpacked ${kb(p.unpackedSize)}  ${p.files.length} files`);
  console.log(`tarballs in ${dest}`);
}
