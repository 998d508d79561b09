// One client of the upload benchmark, in its own process so that its peak RSS is its own:
//   node scripts/bench-upload-worker.mjs <cirrus|sdk> <emulator url> <bytes> <chunk bytes>
// Streams <bytes> of generated data into the client's streaming upload and prints one JSON line.
import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { ACCOUNT, cloudinaryUrl } from '../tests/shared/emulator.mjs';

const [client, url, bytesArg, chunkArg] = process.argv.slice(2);
const total = Number(bytesArg);
const chunkSize = Number(chunkArg);
const require = createRequire(import.meta.url);
const md5 = createHash('md5');
const BLOCK = 256 * 1024;
const seed = randomBytes(BLOCK);
// The generator reuses a ring of buffers, so the peak RSS measured is the client's, not the generator's
// garbage. A slot comes round again only after 64 more pieces (16 MB): beyond any stream buffer in play.
const RING = Array.from({ length: 64 }, () => Buffer.allocUnsafe(BLOCK));

function* generate() {
  for (let offset = 0, n = 0; offset < total; offset += BLOCK, n++) {
    const slot = RING[n % RING.length];
    const piece = slot.subarray(0, Math.min(BLOCK, total - offset));
    seed.copy(piece, 0, 0, piece.length);
    piece.writeUInt32LE(n, 0);
    md5.update(piece);
    yield piece;
  }
}

const started = performance.now();
let result;
if (client === 'cirrus') {
  const { Cloudinary } = require('../npm/node');
  const cld = new Cloudinary({ ...ACCOUNT, upload_prefix: url });
  const writable = cld.uploadStream({ resource_type: 'raw', chunk_size: chunkSize, public_id: `bench-${process.pid}` });
  Readable.from(generate()).pipe(writable);
  result = await writable.result;
} else {
  process.env.CLOUDINARY_URL = cloudinaryUrl({ url });
  const cloudinary = require('cloudinary').v2;
  result = await new Promise((resolve, reject) => {
    const stream = cloudinary.uploader.upload_chunked_stream({ resource_type: 'raw', chunk_size: chunkSize, public_id: `bench-${process.pid}` },
      (err, res) => (err ? reject(err) : resolve(res)));
    Readable.from(generate()).pipe(stream);
  });
}
const seconds = (performance.now() - started) / 1000;
const expected = md5.digest('hex');
console.log(JSON.stringify({
  client, bytes: total, seconds: +seconds.toFixed(2), mb_per_s: +(total / seconds / 1e6).toFixed(1),
  peak_rss_mb: +(process.resourceUsage().maxRSS / 1024).toFixed(1), etag_ok: result.etag === expected, result_bytes: result.bytes,
}));
