// Upload benchmarks against one emulator on loopback: a generated 1 GiB stream (cirrus uploadStream vs the
// SDK's upload_chunked_stream, plus curl as the practical limit) and a batch of small files at once.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from '../run.mjs';
import { curlLimit } from './curl-limit.mjs';

const worker = (name, args) => JSON.parse(execFileSync(process.execPath, [join(root, 'scripts', 'bench', name), ...args.map(String)],
  { encoding: 'utf8', maxBuffer: 1 << 20 }).trim().split('\n').pop());

/** Each client in its own process, so that each peak RSS is that client's. */
export async function runStream(emulator, { bytes = 2 ** 30, chunk = 20e6 } = {}) {
  const cirrus = worker('upload-worker.mjs', ['cirrus', emulator.url, bytes, chunk]);
  const sdk = worker('upload-worker.mjs', ['sdk', emulator.url, bytes, chunk]);
  const curl = await curlLimit(emulator.url, { total: bytes, chunkSize: chunk, concurrency: 3 });
  return { bytes, chunk_bytes: chunk, cirrus, sdk, curl };
}

export function runBatch(emulator, { files = 1000, size = 100_000 } = {}) {
  return {
    files, bytes_each: size,
    cirrus: worker('batch-worker.mjs', ['cirrus', emulator.url, files, size]),
    sdk: worker('batch-worker.mjs', ['sdk', emulator.url, files, size]),
  };
}
