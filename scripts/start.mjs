// `npm start`: builds what is missing, then runs the demo (NestJS + a web page) on embedded defaults: the
// local emulator and a SQLite file. With CLOUDINARY_URL set, the demo uses that account instead.
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { root } from './run.mjs';
import { ensureNpmDeps } from './setup.mjs';

ensureNpmDeps();
const build = await import('./build.mjs');
const require = createRequire(import.meta.url);
const { platformName } = require('../npm/node/platform.cjs');
const { onAncestorsGone } = require('../npm/node/cli/lifeline.cjs');
// Without profile-guided optimisation (scripts/pgo.mjs): the demo does not need it, and a fresh clone
// starts it minutes sooner (no instrumented build and training first).
if (!existsSync(join(root, 'npm', 'node', `cirrus.${platformName()}.node`))) build.buildNode({ pgo: false });
if (!existsSync(join(root, 'npm', 'web', 'cirrus.wasm'))) build.buildWeb();
if (!process.env.CLOUDINARY_URL && !existsSync(join(root, 'target', 'release', 'cirrus-emulator'))) build.buildEmulator();
if (!existsSync(join(root, 'examples', 'demo', 'dist', 'main.js')) || !existsSync(join(root, 'npm', 'nestjs', 'dist', 'index.js'))) build.buildNestjs();

// The IPC channel is the demo's lifeline: if this process dies (even by SIGKILL), the demo stops, and its
// emulator with it (the emulator's own lifeline is its stdin).
const child = spawn(process.execPath, [join(root, 'examples', 'demo', 'dist', 'main.js'), ...process.argv.slice(2)], { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
const stop = () => child.kill('SIGTERM');
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, stop);
onAncestorsGone(stop);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
