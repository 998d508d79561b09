import { createRequire } from 'node:module';

// The platforms `cirrus` ships native code for: each one is an npm package `cirrus-<name>` holding the addon
// (`cirrus.<name>.node`) and the emulator (`cirrus-emulator[.exe]`), an optional dependency of `cirrus`
// that npm installs only where `os`, `cpu` and `libc` match. npm/node/native.cjs picks the package at
// run time with the same names.
//
// `zig`: the target cargo-zigbuild builds (a glibc suffix pins the oldest glibc the binary needs).
// `rustflags`: musl addons must link the C runtime dynamically (a cdylib cannot be static).
// `cflags`: zig's clang turns `__DATE__` into an error (reproducible builds); mimalloc uses it.

export const PLATFORMS = [
  { name: 'linux-x64-gnu', triple: 'x86_64-unknown-linux-gnu', zig: 'x86_64-unknown-linux-gnu.2.17', os: 'linux', cpu: 'x64', libc: 'glibc', elf: 'x86-64' },
  { name: 'linux-arm64-gnu', triple: 'aarch64-unknown-linux-gnu', zig: 'aarch64-unknown-linux-gnu.2.17', os: 'linux', cpu: 'arm64', libc: 'glibc', elf: 'aarch64' },
  { name: 'linux-x64-musl', triple: 'x86_64-unknown-linux-musl', zig: 'x86_64-unknown-linux-musl', os: 'linux', cpu: 'x64', libc: 'musl', elf: 'x86-64', rustflags: '-C target-feature=-crt-static' },
  { name: 'linux-arm64-musl', triple: 'aarch64-unknown-linux-musl', zig: 'aarch64-unknown-linux-musl', os: 'linux', cpu: 'arm64', libc: 'musl', elf: 'aarch64', rustflags: '-C target-feature=-crt-static' },
  { name: 'darwin-x64', triple: 'x86_64-apple-darwin', zig: 'x86_64-apple-darwin', os: 'darwin', cpu: 'x64', macho: 'x86_64' },
  { name: 'darwin-arm64', triple: 'aarch64-apple-darwin', zig: 'aarch64-apple-darwin', os: 'darwin', cpu: 'arm64', macho: 'arm64' },
  { name: 'win32-x64-gnu', triple: 'x86_64-pc-windows-gnu', zig: 'x86_64-pc-windows-gnu', os: 'win32', cpu: 'x64', pe: 'x86-64', exe: '.exe' },
];

/** The platform package name of the machine running this (`linux-x64-gnu`, ...): what cirrus loads here. */
export const hostPlatform = () => createRequire(import.meta.url)('../npm/node/platform.cjs').platformName();

/** The entry of PLATFORMS for this machine, or undefined where cirrus ships no package for it. */
export const hostEntry = () => PLATFORMS.find((p) => p.name === hostPlatform());
