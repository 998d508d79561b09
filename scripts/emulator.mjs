// `npm run emulator -- [flags]`: builds the emulator if needed and runs it in the foreground.
// Without account flags it uses CLOUDINARY_URL, or the embedded demo account.
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { root } from './run.mjs';

// One demo account for the CLI, this script and the demo (npm/node/emulator.cjs).
export const { DEMO_ACCOUNT, DEMO_URL } = createRequire(import.meta.url)('../npm/node/emulator.cjs');

export async function ensureEmulatorBuilt() {
  if (!existsSync(join(root, 'target', 'release', 'cirrus-emulator'))) {
    const { buildEmulator } = await import('./build.mjs');
    buildEmulator();
  }
  return join(root, 'target', 'release', 'cirrus-emulator');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const bin = await ensureEmulatorBuilt();
  const args = process.argv.slice(2);
  const env = { ...process.env, CLOUDINARY_URL: process.env.CLOUDINARY_URL || DEMO_URL };
  if (!process.env.CLOUDINARY_URL && !args.includes('--cloud-name')) {
    console.log(`account: ${DEMO_URL} (the demo account; set CLOUDINARY_URL or --cloud-name/--api-key/--api-secret for another)`);
    console.log('clients: CLOUDINARY_URL=' + DEMO_URL + '?upload_prefix=<the URL below>');
  }
  if (!args.includes('--data')) console.log(`data: ${join(root, '.cirrus-emulator')} (delete it to start over; --data DIR for another)`);
  const child = spawn(bin, args.includes('--data') ? args : ['--data', join(root, '.cirrus-emulator'), ...args], { stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}
