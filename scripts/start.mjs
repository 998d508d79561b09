// `npm start`: builds what is missing, then runs the demo (NestJS + a web page) on embedded defaults: the
// local emulator and a SQLite file. With CLOUDINARY_URL set, the demo uses that account instead.
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { root } from './run.mjs';
import { ensureNpmDeps } from './setup.mjs';

ensureNpmDeps();
const build = await import('./build.mjs');
if (!existsSync(join(root, 'npm', 'node', 'cirrus.node'))) build.buildNode();
if (!existsSync(join(root, 'npm', 'web', 'cirrus.wasm'))) build.buildWeb();
if (!process.env.CLOUDINARY_URL && !existsSync(join(root, 'target', 'release', 'cirrus-emulator'))) build.buildEmulator();
if (!existsSync(join(root, 'examples', 'demo', 'dist', 'main.js')) || !existsSync(join(root, 'npm', 'nestjs', 'dist', 'index.js'))) build.buildNestjs();

const child = spawn(process.execPath, [join(root, 'examples', 'demo', 'dist', 'main.js')], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
