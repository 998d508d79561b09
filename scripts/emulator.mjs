// `npm run emulator -- [flags]`: builds the emulator if needed and runs it in the foreground through the
// CLI's `cirrus emulator` (which falls back to the demo account and says so), with its data in
// .cirrus-emulator/ unless --data is given.
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { root } from './run.mjs';

if (!existsSync(join(root, 'target', 'release', 'cirrus-emulator'))) (await import('./build.mjs')).buildEmulator();
const args = process.argv.slice(2);
if (!args.includes('--data')) {
  console.log(`data: ${join(root, '.cirrus-emulator')} (delete it to start over; --data DIR for another)`);
  args.unshift('--data', join(root, '.cirrus-emulator'));
}
const child = spawn(process.execPath, [join(root, 'npm', 'node', 'cli.cjs'), 'emulator', ...args], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 1));
