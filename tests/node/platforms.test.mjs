// Every platform package that was built (npm/platforms/<name>: the host's by `npm test`, all of them by
// `npm run build:platforms`): its package.json says where it installs, and its two binaries are of the
// right format (ELF, Mach-O, PE), architecture, kind (shared library / executable), libc, and stripped.
// The host's addon is loaded and used. And where none is there, the loader's error says what to do.
import test from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PLATFORMS, hostPlatform } from '../../scripts/platforms.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = join(root, 'npm', 'platforms');
const built = existsSync(dir) ? readdirSync(dir) : [];
const WINDOWS_SYSTEM_DLL = /^(kernel32|kernelbase|ntdll|advapi32|bcrypt|bcryptprimitives|ws2_32|psapi|userenv|secur32|crypt32|ole32|shell32|user32|api-ms-win-[\w-]+)\.dll$/;
const required = (process.env.CIRRUS_PLATFORMS_REQUIRED ?? hostPlatform()).split(',').filter(Boolean);

/**
 * An ELF file from its section headers: the architecture; `kind` (an executable, PIE or static-PIE
 * included, has DF_1_PIE or an interpreter; a shared library neither); the libraries it needs (NEEDED)
 * and from them its libc (`libc.so.6`: glibc; `libc.musl-*` or zig's plain `libc.so`: musl; none:
 * static); the newest GLIBC_ symbol version it needs; whether its symbol table was stripped.
 */
function inspectElf(b) {
  const arch = { 62: 'x86-64', 183: 'aarch64' }[b.readUInt16LE(18)] ?? `elf-${b.readUInt16LE(18)}`;
  const shoff = Number(b.readBigUInt64LE(40));
  const shentsize = b.readUInt16LE(58);
  const sections = Array.from({ length: b.readUInt16LE(60) }, (_, i) => {
    const at = shoff + i * shentsize;
    return { nameAt: b.readUInt32LE(at), offset: Number(b.readBigUInt64LE(at + 24)), size: Number(b.readBigUInt64LE(at + 32)) };
  });
  const cstr = (at) => b.subarray(at, b.indexOf(0, at)).toString('latin1');
  const names = sections[b.readUInt16LE(62)];
  for (const s of sections) s.name = cstr(names.offset + s.nameAt);
  const section = (name) => sections.find((s) => s.name === name);
  const dynstr = section('.dynstr');
  const needed = [];
  let flags1 = 0;
  const dynamic = section('.dynamic');
  for (let at = dynamic?.offset ?? 0; dynamic && at < dynamic.offset + dynamic.size; at += 16) {
    const tag = b.readBigUInt64LE(at);
    const value = Number(b.readBigUInt64LE(at + 8));
    if (tag === 1n) needed.push(cstr(dynstr.offset + value));
    if (tag === 0x6ffffffbn) flags1 = value;
  }
  const interpreter = section('.interp') ? cstr(section('.interp').offset) : undefined;
  const libc = needed.includes('libc.so.6') ? 'glibc' : needed.some((n) => n.startsWith('libc.musl-') || n === 'libc.so') ? 'musl' : 'static';
  // The newest glibc symbol version it needs: the oldest glibc it runs on.
  const glibc = [...b.toString('latin1').matchAll(/GLIBC_(\d+)\.(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])])
    .sort((x, y) => x[0] - y[0] || x[1] - y[1]).pop()?.join('.');
  const executable = b.readUInt16LE(16) === 2 || (flags1 & 0x08000000) !== 0 || interpreter !== undefined;
  return { format: 'elf', arch, kind: executable ? 'executable' : 'shared', libc, needed, interpreter, glibc, stripped: !section('.symtab') };
}

/** A PE file: the architecture, DLL or executable, and the DLLs it imports (its import directory). */
function inspectPe(b) {
  const pe = b.readUInt32LE(0x3c);
  assert.equal(b.toString('latin1', pe, pe + 4), 'PE\0\0');
  const arch = { 0x8664: 'x86-64', 0xaa64: 'arm64' }[b.readUInt16LE(pe + 4)] ?? 'unknown';
  const kind = (b.readUInt16LE(pe + 22) & 0x2000) !== 0 ? 'shared' : 'executable';
  const optional = pe + 24;
  const sectionsAt = optional + b.readUInt16LE(pe + 20);
  const sections = Array.from({ length: b.readUInt16LE(pe + 6) }, (_, i) => {
    const at = sectionsAt + i * 40;
    return { va: b.readUInt32LE(at + 12), size: b.readUInt32LE(at + 16), raw: b.readUInt32LE(at + 20) };
  });
  const offsetOf = (rva) => {
    const s = sections.find((x) => rva >= x.va && rva < x.va + x.size);
    return rva - s.va + s.raw;
  };
  // PE32+: the data directories start 112 bytes into the optional header; entry 1 is the import table.
  const importRva = b.readUInt32LE(optional + 112 + 8);
  const needed = [];
  for (let at = offsetOf(importRva); b.readUInt32LE(at + 12) !== 0; at += 20) {
    const name = offsetOf(b.readUInt32LE(at + 12));
    needed.push(b.subarray(name, b.indexOf(0, name)).toString('latin1').toLowerCase());
  }
  return { format: 'pe', arch, kind, needed };
}

/** What a binary is, read from its header: `{ format, arch, kind, libc?, stripped? }`. */
export function inspectBinary(path) {
  const b = readFileSync(path);
  if (b.readUInt32BE(0) === 0x7f454c46) return inspectElf(b);
  if (b.readUInt32LE(0) === 0xfeedfacf) {
    const arch = { 0x01000007: 'x86_64', 0x0100000c: 'arm64' }[b.readUInt32LE(4)] ?? 'unknown';
    const kind = { 2: 'executable', 6: 'shared' }[b.readUInt32LE(12)] ?? 'other';
    // The libraries it loads: LC_LOAD_DYLIB and LC_LOAD_WEAK_DYLIB commands.
    const needed = [];
    for (let i = 0, at = 32; i < b.readUInt32LE(16); i++, at += b.readUInt32LE(at + 4)) {
      if ([0xc, 0x80000018].includes(b.readUInt32LE(at))) {
        const name = at + b.readUInt32LE(at + 8);
        needed.push(b.subarray(name, b.indexOf(0, name)).toString('latin1'));
      }
    }
    return { format: 'macho', arch, kind, needed };
  }
  if (b.toString('latin1', 0, 2) === 'MZ') return inspectPe(b);
  return { format: 'unknown' };
}

test('the required platform packages were built', () => {
  for (const name of required) assert.ok(built.includes(name), `npm/platforms/${name} (run npm run build:platforms)`);
});

for (const name of built) {
  const p = PLATFORMS.find((x) => x.name === name);
  test(`platform package ${name}: manifest and binaries`, () => {
    assert.ok(p, `${name} is a known platform`);
    const pkgDir = join(dir, name);
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    assert.equal(pkg.name, `cirrus-${name}`);
    assert.equal(pkg.version, JSON.parse(readFileSync(join(root, 'npm', 'node', 'package.json'), 'utf8')).version);
    assert.deepEqual([pkg.os, pkg.cpu], [[p.os], [p.cpu]]);
    if (p.libc) assert.deepEqual(pkg.libc, [p.libc]);
    for (const f of pkg.files) assert.ok(existsSync(join(pkgDir, f)), `${name}: ${f}`);
    const addon = inspectBinary(join(pkgDir, `cirrus.${name}.node`));
    const emulator = inspectBinary(join(pkgDir, `cirrus-emulator${p.exe ?? ''}`));
    console.log(`${name}: addon ${JSON.stringify(addon)}, emulator ${JSON.stringify(emulator)}`);
    for (const [what, bin, kind] of [['addon', addon, 'shared'], ['emulator', emulator, 'executable']]) {
      assert.equal(bin.kind, kind, `${name} ${what} kind`);
      if (p.elf) {
        assert.deepEqual([bin.format, bin.arch], ['elf', p.elf], `${name} ${what}`);
        // A musl emulator links musl statically (it then runs on any Linux); the addon cannot (a cdylib).
        const libc = p.libc === 'musl' && what === 'emulator' ? ['musl', 'static'] : [p.libc];
        assert.ok(libc.includes(bin.libc), `${name} ${what} libc ${bin.libc}`);
        assert.ok(bin.stripped, `${name} ${what} is stripped`);
        // What `npm run build:platforms` makes (and publishes) runs on glibc 2.17 and later (RHEL 7, Amazon
        // Linux 2); the host package `npm test` makes is for this machine only.
        if (p.libc === 'glibc' && process.env.CIRRUS_PLATFORMS_REQUIRED) {
          const [major, minor] = bin.glibc.split('.').map(Number);
          assert.ok(major === 2 && minor <= 17, `${name} ${what} needs glibc ${bin.glibc}`);
        }
      }
      if (p.macho) {
        assert.deepEqual([bin.format, bin.arch], ['macho', p.macho], `${name} ${what}`);
        // Only the system's own libraries: no frameworks (reqwest's platform TLS and proxy lookup are out).
        for (const lib of bin.needed) assert.match(lib, /^\/usr\/lib\/lib[\w.+-]+\.dylib$/, `${name} ${what} loads ${lib}`);
      }
      if (p.pe) {
        assert.deepEqual([bin.format, bin.arch], ['pe', p.pe], `${name} ${what}`);
        // Only DLLs every Windows 10+ has: no MinGW runtime, no node.exe/libnode (N-API is found at run time).
        for (const dll of bin.needed) assert.match(dll, WINDOWS_SYSTEM_DLL, `${name} ${what} imports ${dll}`);
      }
    }
  });
}

test('the host platform package loads and works', { skip: !built.includes(hostPlatform()) }, () => {
  const host = hostPlatform();
  const addon = createRequire(import.meta.url)(join(dir, host, `cirrus.${host}.node`));
  assert.equal(addon.url('sample.jpg', { cloud_name: 'demo', width: 10 }), 'https://res.cloudinary.com/demo/image/upload/w_10/sample.jpg');
});

// Without an addon: the loader's and the emulator's NOT_BUILT errors say to install the platform package,
// or, where the package is a source checkout's npm/node (the crates beside it), to build it instead.
// (The fixtures live under the OS's temp dir: a cirrus-<platform> package installed in a node_modules above
// it would be found, and the loader would not fail.)
test('a missing addon or emulator is NOT_BUILT: built in a source checkout, installed elsewhere', () => {
  const base = mkdtempSync(join(tmpdir(), 'cirrus-not-built-'));
  const saved = process.env.CIRRUS_EMULATOR_BIN;
  delete process.env.CIRRUS_EMULATOR_BIN;
  try {
    // The loader's three files as a checkout's npm/node, and as an installed package in a project that
    // has a crates/node of its own (the case where only the package's place tells them apart).
    for (const [name, at] of [['checkout', join('npm', 'node')], ['installed', join('node_modules', 'cirrus')]]) {
      const project = join(base, name);
      const pkg = join(project, at);
      mkdirSync(pkg, { recursive: true });
      for (const f of ['native.cjs', 'platform.cjs', 'emulator.cjs', 'cli.cjs', 'package.json']) copyFileSync(join(root, 'npm', 'node', f), join(pkg, f));
      cpSync(join(root, 'npm', 'node', 'cli'), join(pkg, 'cli'), { recursive: true });
      mkdirSync(join(project, 'crates', 'node'), { recursive: true });
      writeFileSync(join(project, 'crates', 'node', 'Cargo.toml'), '[package]\n');
      const req = createRequire(join(pkg, 'index.cjs'));
      const advice = name === 'checkout' ? /this is a source checkout: build it with `npm run build`/ : /npm installs it as an optional dependency of cirrus/;
      const wrong = name === 'checkout' ? /reinstall|npm installs it/ : /npm run build/;
      assert.throws(() => req('./native.cjs'), (err) => {
        assert.equal(err.code, 'NOT_BUILT');
        assert.match(err.message, new RegExp(`the package cirrus-${hostPlatform()} is not installed`));
        assert.match(err.message, advice);
        assert.doesNotMatch(err.message, wrong);
        return true;
      });
      assert.throws(() => req('./emulator.cjs').emulatorPath(), (err) => {
        assert.equal(err.code, 'NOT_BUILT');
        assert.match(err.message, advice);
        assert.doesNotMatch(err.message, wrong);
        return true;
      });
      // The CLI's `cirrus emulator` says it once, prefixed once, and exits 1.
      const cli = spawnSync(process.execPath, [join(pkg, 'cli.cjs'), 'emulator'], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(cli.status, 1, cli.stderr);
      assert.match(cli.stderr, /^cirrus: the emulator for \S+ is missing: .*\(NOT_BUILT\)$/m);
      assert.match(cli.stderr, advice);
      assert.doesNotMatch(cli.stderr, /cirrus: cirrus:/);
    }
  } finally {
    if (saved !== undefined) process.env.CIRRUS_EMULATOR_BIN = saved;
    rmSync(base, { recursive: true, force: true });
  }
});
