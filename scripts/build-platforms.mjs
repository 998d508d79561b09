#!/usr/bin/env node
// `npm run build:platforms [-- linux-arm64-gnu darwin-arm64 ...]`: builds the addon and the emulator for
// every platform cirrus ships (scripts/platforms.mjs) from this one Linux machine with cargo-zigbuild
// (zig as the cross linker, from PyPI: `pip install ziglang cargo-zigbuild`, installed here when missing),
// stripped, and lays out each platform package in npm/platforms/<name>/ (package.json, README, LICENSE,
// cirrus.<name>.node, cirrus-emulator). Then checks every artefact's format, architecture, libc and
// imports (tests/node/platforms.test.mjs) and runs what this machine can run: linux-arm64-gnu under qemu,
// the linux-x64-musl emulator natively (`--no-run` skips that).
// `npm run build` makes the host's package only; CI does not run this (it takes a while).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLATFORMS, hostEntry, hostPlatform } from './platforms.mjs';
import { output, root, run, succeeds } from './run.mjs';

// Platform packages carry the version of `cirrus`, which pins them exactly (optionalDependencies).
const VERSION = JSON.parse(readFileSync(join(root, 'npm', 'node', 'package.json'), 'utf8')).version;

/** The zig toolchain: cargo-zigbuild and ziglang from PyPI, and the Rust targets. */
export function ensureCrossToolchain(platforms) {
  if (!succeeds('cargo', ['zigbuild', '--help'])) run('pip', ['install', '--quiet', 'ziglang', 'cargo-zigbuild']);
  const installed = output('rustup', ['target', 'list', '--installed']).split('\n');
  const missing = platforms.map((p) => p.triple).filter((t) => !installed.includes(t));
  if (missing.length) run('rustup', ['target', 'add', ...missing]);
}

/** An empty import library standing for libnode.dll: windows-gnu addons resolve N-API at run time
 * (napi-sys `dyn-symbols`), but napi-build wants something to link against. */
function fakeLibnode() {
  const dir = join(root, 'target', 'libnode-stub');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'node.def'), 'LIBRARY node.exe\nEXPORTS\n');
  run('python3', ['-m', 'ziglang', 'dlltool', '-d', join(dir, 'node.def'), '-l', join(dir, 'libnode.a'), '-m', 'i386:x86-64']);
  writeFileSync(join(dir, 'libnode.dll'), '');
  return dir;
}

const platformReadme = (p) => `# cirrus-${p.name}

The native code of [\`cirrus\`](https://www.npmjs.com/package/cirrus) for ${p.name}: the Node addon
(\`cirrus.${p.name}.node\`) and the local Cloudinary emulator (\`cirrus-emulator${p.exe ?? ''}\`).

Do not install it yourself: \`npm install cirrus\` installs the package of your platform as an optional
dependency and loads it.
`;

/** Writes a platform package from its two binaries; returns its directory. */
export function writePlatformPackage(p, addonPath, emulatorPath) {
  const dir = join(root, 'npm', 'platforms', p.name);
  mkdirSync(dir, { recursive: true });
  copyFileSync(addonPath, join(dir, `cirrus.${p.name}.node`));
  copyFileSync(emulatorPath, join(dir, `cirrus-emulator${p.exe ?? ''}`));
  copyFileSync(join(root, 'LICENSE'), join(dir, 'LICENSE'));
  writeFileSync(join(dir, 'README.md'), platformReadme(p));
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({
    name: `cirrus-${p.name}`,
    version: VERSION,
    description: `The native addon and emulator of cirrus for ${p.name}`,
    license: 'MIT',
    main: `cirrus.${p.name}.node`,
    files: [`cirrus.${p.name}.node`, `cirrus-emulator${p.exe ?? ''}`, 'README.md', 'LICENSE'],
    os: [p.os],
    cpu: [p.cpu],
    ...(p.libc ? { libc: [p.libc] } : {}),
    engines: { node: '>=20' },
  }, null, 2)}\n`);
  return dir;
}

/** The host's platform package from what `npm run build` made (stripped copies). */
export function packHostPlatform(addonPath, emulatorPath) {
  const p = hostEntry();
  if (!p) return undefined;
  const dir = writePlatformPackage(p, addonPath, emulatorPath);
  // Stripped where the host's strip can (BSD strip on macOS takes -x); unstripped, and said so, where not.
  const flags = process.platform === 'darwin' ? ['-x'] : ['--strip-unneeded'];
  for (const f of [`cirrus.${p.name}.node`, `cirrus-emulator${p.exe ?? ''}`]) {
    if (!run('strip', [...flags, join(dir, f)], { allowFailure: true })) console.warn(`cirrus: ${f} in ${dir} is not stripped (strip failed or is missing)`);
  }
  return dir;
}

/** Builds one platform and writes its package; returns its directory. */
export function buildPlatform(p) {
  const env = {
    ...process.env,
    CARGO_PROFILE_RELEASE_STRIP: 'symbols',
    [`CFLAGS_${p.triple.replaceAll('-', '_')}`]: '-Wno-error=date-time',
  };
  if (p.rustflags) env[`CARGO_TARGET_${p.triple.toUpperCase().replaceAll('-', '_')}_RUSTFLAGS`] = p.rustflags;
  if (p.os === 'win32') env.LIBNODE_PATH = fakeLibnode();
  run('cargo', ['zigbuild', '--release', '--target', p.zig, '-p', 'cirrus-node', '-p', 'cirrus-emulator'], { env });
  const out = join(root, 'target', p.triple, 'release');
  const lib = { linux: 'libcirrus_node.so', darwin: 'libcirrus_node.dylib', win32: 'cirrus_node.dll' }[p.os];
  return writePlatformPackage(p, join(out, lib), join(out, `cirrus-emulator${p.exe ?? ''}`));
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const chosen = names.length ? PLATFORMS.filter((p) => names.includes(p.name)) : PLATFORMS;
  ensureCrossToolchain(chosen);
  const timings = [];
  for (const p of chosen) {
    const started = performance.now();
    buildPlatform(p);
    timings.push(`${p.name}: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  console.log(`built ${timings.join(', ')} (host: ${hostPlatform()})`);
  // Every artefact's format and architecture; then the ones this machine can run.
  const check = spawnSync(process.execPath, ['--test', 'tests/node/platforms.test.mjs'], { cwd: root, stdio: 'inherit', env: { ...process.env, CIRRUS_PLATFORMS_REQUIRED: chosen.map((p) => p.name).join(',') } });
  if (check.status !== 0) process.exit(1);
  if (process.argv.includes('--no-run')) process.exit(0);
  // linux-arm64-gnu: the Node suites under qemu (scripts/run-arm64.mjs).
  if (existsSync(join(root, 'npm', 'platforms', 'linux-arm64-gnu'))) run(process.execPath, [join(root, 'scripts', 'run-arm64.mjs')]);
  // linux-x64-musl: its emulator links musl statically and runs here natively; the emulator suites
  // (the official SDK against it, the wire protocol, hostile input) run against it. Its addon needs a
  // musl Node, which Debian cannot run (musl 1.2.3 is too old for the musl Node builds on PyPI).
  const muslEmulator = join(root, 'npm', 'platforms', 'linux-x64-musl', 'cirrus-emulator');
  if (existsSync(muslEmulator)) {
    run(process.execPath, ['--test', '--test-concurrency=1', 'tests/emulator/protocol.test.mjs', 'tests/emulator/sdk.test.mjs', 'tests/emulator/hostile.test.mjs'],
      { env: { ...process.env, CIRRUS_EMULATOR_BIN: muslEmulator } });
  }
}
