// `npm start`: until the demo app lands, runs the local emulator on embedded defaults and says how to use it.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { root } from './run.mjs';
import { DEMO_URL, ensureEmulatorBuilt } from './emulator.mjs';

const bin = await ensureEmulatorBuilt();
const port = process.env.PORT || '9100';
const child = spawn(bin, ['--port', port, '--data', join(root, '.cirrus-emulator'), '--preset', 'demo_unsigned,unsigned,folder=unsigned'], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, CLOUDINARY_URL: process.env.CLOUDINARY_URL || DEMO_URL },
});
child.stdout.on('data', (d) => {
  const m = /listening on (\S+)/.exec(String(d));
  if (!m) return;
  console.log(`cirrus emulator: ${m[1]}  (Ctrl-C stops it)

Point the official SDK or cirrus at it:
  CLOUDINARY_URL='${process.env.CLOUDINARY_URL || DEMO_URL}?upload_prefix=${m[1]}'
Delivery URLs: cirrus.url(id, { cloud_name: 'demo', secure: false, cname: '${new URL(m[1]).host}' })
The demo app (upload, gallery, delete) arrives with the NestJS work.`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
