// One client of the upload benchmark, in its own process so that its peak RSS is its own:
//   node scripts/bench/upload-worker.mjs <cirrus|sdk|sink> <emulator url> <bytes> <chunk bytes>
// `sink`: the control: the same producer piped into a writable that drops each piece at once (no upload),
// so the RSS the producer's own garbage adds (spent Buffers V8 has not yet collected) is measured apart
// from what an upload adds.
// CIRRUS_BENCH_PRODUCER=fresh: a fresh 1 MiB Buffer per piece, hashed, as a request body would be.
// Streams <bytes> of generated data into the client's streaming upload and prints one JSON line.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Readable, Writable } from 'node:stream';
import { ACCOUNT, cloudinaryUrl } from '../../tests/shared/emulator.mjs';

const [client, url, bytesArg, chunkArg, concurrencyArg] = process.argv.slice(2);
const total = Number(bytesArg);
const chunkSize = Number(chunkArg);
const require = createRequire(import.meta.url);
const BLOCK = 256 * 1024;
// Deterministic data (a hash-derived block, numbered), so the expected MD5 is computed after the timed
// upload by generating the same bytes again, and hashing costs neither client any time.
const seed = Buffer.concat(Array.from({ length: BLOCK / 64 }, (_, i) => createHash('sha512').update(String(i)).digest()));
// The generator reuses a small ring of buffers, so the peak RSS measured is the client's, not generator
// garbage. The readable side holds at most 2 pieces ahead and the clients' writables about one more, so a
// slot comes round again (after 16 pieces) only once nothing refers to it; the etag check proves it.
const RING = Array.from({ length: 16 }, () => Buffer.allocUnsafe(BLOCK));

async function warmUp() {
  const small = () => Readable.from([Buffer.alloc(1000, 7)]);
  if (client === 'cirrus') {
    const writable = new Cloudinary({ ...ACCOUNT, upload_prefix: url }).uploadStream({ resource_type: 'raw', public_id: `warm-${process.pid}` });
    small().pipe(writable);
    await writable.result;
  } else if (client === 'sdk') {
    await new Promise((resolve, reject) => {
      small().pipe(require('cloudinary').v2.uploader.upload_chunked_stream({ resource_type: 'raw', public_id: `warm-${process.pid}` },
        (err, res) => (err ? reject(err) : resolve(res))));
    });
  }
}

/**
 * The run's peak RSS from here on, read by `stop()`: the kernel's high-water mark, reset now (Linux resets
 * it on writing 5 to clear_refs; VmHWM reads it, in kB). Not `maxRSS`, which starts at the parent's RSS (a
 * forked child inherits it) and holds whatever loading reached. A 20 ms sampler runs beside it, and is the
 * measure only where the kernel offers no reset: it misses what rises and falls between ticks, and a run
 * that never yields to timers is not sampled at all (the sink's synchronous pipeline: not one tick in a
 * whole run, so before 2026-12-03, when it was the only measure, the sink's "peak" was its RSS at the end).
 */
function measurePeak() {
  let resettable = true;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    resettable = false;
  }
  let sampled = process.memoryUsage().rss;
  let ticks = 0;
  const timer = setInterval(() => { ticks++; sampled = Math.max(sampled, process.memoryUsage().rss); }, 20);
  return {
    stop() {
      clearInterval(timer);
      sampled = Math.max(sampled, process.memoryUsage().rss);
      const hwm = resettable ? Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) * 1024 : NaN;
      const kernel = hwm > 0 ? hwm : null;
      return { peak: Math.max(kernel ?? 0, sampled), sampled, source: kernel === null ? 'sampler' : 'kernel', ticks };
    },
  };
}

function* generate() {
  for (let offset = 0, n = 0; offset < total; offset += BLOCK, n++) {
    const slot = RING[n % RING.length];
    const piece = slot.subarray(0, Math.min(BLOCK, total - offset));
    seed.copy(piece, 0, 0, piece.length);
    piece.writeUInt32LE(n, 0);
    yield piece;
  }
}

// `CIRRUS_BENCH_PRODUCER=fresh`: a producer like a real request body: a fresh 1 MiB Buffer per piece,
// hashed as it goes by (the same bytes as the ring, so the etag check holds).
const FRESH = process.env.CIRRUS_BENCH_PRODUCER === 'fresh';
function* generateFresh() {
  const FRESH_BLOCK = 1024 * 1024;
  const running = createHash('sha256');
  for (let offset = 0, n = 0; offset < total; offset += FRESH_BLOCK) {
    const piece = Buffer.allocUnsafe(Math.min(FRESH_BLOCK, total - offset));
    for (let at = 0; at < piece.length; at += BLOCK, n++) {
      const part = piece.subarray(at, Math.min(at + BLOCK, piece.length));
      seed.copy(part, 0, 0, part.length);
      part.writeUInt32LE(n, 0);
    }
    running.update(piece);
    yield piece;
  }
}

function expectedMd5() {
  const md5 = createHash('md5');
  for (const piece of generate()) md5.update(piece);
  return md5.digest('hex');
}

// The process before the upload: Node, the client library and the generator's ring, all loaded.
const { Cloudinary } = client === 'cirrus' ? require('../../npm/node') : {};
if (client === 'sdk') process.env.CLOUDINARY_URL = cloudinaryUrl({ url });
const cloudinary = client === 'sdk' ? require('cloudinary').v2 : null;
for (const b of RING) b.fill(1);
// CIRRUS_BENCH_WARM=1: one small upload first, so the baseline holds what any first upload sets up once
// (the client, its threads and connection pool, code paged in), not only what loading the library did.
if (process.env.CIRRUS_BENCH_WARM === '1') await warmUp();
const baselineRss = process.memoryUsage().rss;
const peak = measurePeak();
const started = performance.now();
let result;
if (client === 'cirrus') {
  const cld = new Cloudinary({ ...ACCOUNT, upload_prefix: url });
  const writable = cld.uploadStream({
    resource_type: 'raw', chunk_size: chunkSize, public_id: `bench-${process.pid}`, ...(concurrencyArg ? { concurrency: Number(concurrencyArg) } : {}),
  });
  Readable.from(FRESH ? generateFresh() : generate(), { highWaterMark: 2 }).pipe(writable);
  result = await writable.result;
} else if (client === 'sink') {
  let bytes = 0;
  const md5 = createHash('md5');
  await new Promise((resolve, reject) => {
    const sink = new Writable({ highWaterMark: 2, objectMode: true, write(piece, _, done) { md5.update(piece); bytes += piece.length; done(); } });
    Readable.from(FRESH ? generateFresh() : generate(), { highWaterMark: 2 }).pipe(sink).on('finish', resolve).on('error', reject);
  });
  result = { etag: md5.digest('hex'), bytes };
} else {
  result = await new Promise((resolve, reject) => {
    const stream = cloudinary.uploader.upload_chunked_stream({ resource_type: 'raw', chunk_size: chunkSize, public_id: `bench-${process.pid}` },
      (err, res) => (err ? reject(err) : resolve(res)));
    Readable.from(FRESH ? generateFresh() : generate(), { highWaterMark: 2 }).pipe(stream);
  });
}
const seconds = (performance.now() - started) / 1000;
const run = peak.stop();
const peakRss = process.resourceUsage().maxRSS;
const expected = expectedMd5();
console.log(JSON.stringify({
  client, bytes: total, seconds: +seconds.toFixed(2), mb_per_s: +(total / seconds / 1e6).toFixed(1),
  peak_rss_mb: +(peakRss / 1024).toFixed(1),
  baseline_rss_mb: +(baselineRss / 2 ** 20).toFixed(1),
  upload_rss_mb: +((run.peak - baselineRss) / 2 ** 20).toFixed(1),
  sampled_rss_mb: +((run.sampled - baselineRss) / 2 ** 20).toFixed(1),
  peak_source: run.source,
  sampler_ticks: run.ticks,
  etag_ok: result.etag === expected, result_bytes: result.bytes,
}));
