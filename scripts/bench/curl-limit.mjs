// The practical limit: the same chunked upload (1 GiB, same chunk size and concurrency as cirrus) sent by
// curl processes from chunk files already in the page cache, to the same emulator. No client library, no
// stream, no JavaScript on the data path: what the emulator and loopback can take.
import { execFile } from 'node:child_process';
import { mkdtempSync, openSync, rmSync, writeSync, closeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import { ACCOUNT } from '../../tests/shared/emulator.mjs';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

/** Writes `total` bytes as chunk files; returns their paths and ranges. */
function writeChunks(dir, total, chunkSize) {
  const block = Buffer.concat(Array.from({ length: 4096 }, (_, i) => createHash('sha512').update(`c${i}`).digest()));
  const chunks = [];
  for (let start = 0, i = 0; start < total; start += chunkSize, i++) {
    const end = Math.min(start + chunkSize, total) - 1;
    const path = join(dir, `chunk-${i}`);
    const fd = openSync(path, 'w');
    for (let at = start; at <= end; at += block.length) writeSync(fd, block, 0, Math.min(block.length, end + 1 - at));
    closeSync(fd);
    chunks.push({ path, start, end });
  }
  return chunks;
}

export async function curlLimit(emulatorUrl, { total = 2 ** 30, chunkSize = 20e6, concurrency = 3 } = {}) {
  const { signRequest } = require('../../npm/node');
  const dir = mkdtempSync(join(tmpdir(), 'cirrus-curl-'));
  try {
    const chunks = writeChunks(dir, total, chunkSize);
    const params = signRequest({ timestamp: Math.floor(Date.now() / 1000), public_id: `curl-${process.pid}` }, ACCOUNT);
    const fields = Object.entries(params).flatMap(([k, v]) => ['-F', `${k}=${v}`]);
    const endpoint = `${emulatorUrl}/v1_1/${ACCOUNT.cloud_name}/raw/upload`;
    const uploadId = `curl-${process.pid}-${Date.now()}`;
    const send = async ({ path, start, end }, last) => {
      const { stdout } = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'POST',
        '-H', `X-Unique-Upload-Id: ${uploadId}`, '-H', `Content-Range: bytes ${start}-${end}/${last ? total : -1}`,
        ...fields, '-F', `file=@${path}`, endpoint]);
      if (stdout.trim() !== '200') throw new Error(`curl chunk ${start}: HTTP ${stdout}`);
    };
    const started = performance.now();
    const rest = chunks.slice(0, -1);
    let next = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < rest.length) await send(rest[next++], false);
    }));
    await send(chunks.at(-1), true);
    const seconds = (performance.now() - started) / 1000;
    return { client: `curl (${concurrency} at a time)`, bytes: total, seconds: +seconds.toFixed(2), mb_per_s: +(total / seconds / 1e6).toFixed(1) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { startEmulator } = await import('../../tests/shared/emulator.mjs');
  const emulator = await startEmulator({ args: ['--quiet', '--max-body-mb', '64'] });
  try {
    for (const c of [1, 4]) console.log(await curlLimit(emulator.url, { concurrency: c }));
  } finally {
    await emulator.stop();
  }
}
