// One client of the batch benchmark, in its own process so that its peak RSS is its own:
//   node scripts/bench/batch-worker.mjs <cirrus|sdk> <emulator url> <files> <bytes per file>
// Uploads <files> distinct in-memory files all at once (Promise.all, as the seed article does with the
// SDK's upload_stream) and prints one JSON line.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { ACCOUNT, cloudinaryUrl } from '../../tests/shared/emulator.mjs';

const [client, url, filesArg, sizeArg] = process.argv.slice(2);
const count = Number(filesArg);
const size = Number(sizeArg);
const require = createRequire(import.meta.url);

const block = Buffer.concat(Array.from({ length: Math.ceil(size / 64) }, (_, i) => createHash('sha512').update(String(i)).digest()));
const files = Array.from({ length: count }, (_, i) => {
  const b = Buffer.from(block.subarray(0, size));
  b.writeUInt32LE(i, 0);
  return b;
});
const prefix = `batch-${client}-${process.pid}`;

let upload;
if (client === 'cirrus') {
  const { Cloudinary } = require('../../npm/node');
  const cld = new Cloudinary({ ...ACCOUNT, upload_prefix: url });
  upload = (file, i) => cld.upload(file, { resource_type: 'raw', public_id: `${prefix}/${i}` });
} else {
  process.env.CLOUDINARY_URL = cloudinaryUrl({ url });
  const cloudinary = require('cloudinary').v2;
  upload = (file, i) => new Promise((resolve, reject) => {
    cloudinary.uploader.upload_stream({ resource_type: 'raw', public_id: `${prefix}/${i}` }, (err, res) => (err ? reject(err) : resolve(res))).end(file);
  });
}

const baselineRss = process.memoryUsage().rss;
const started = performance.now();
const results = await Promise.all(files.map(upload));
const seconds = (performance.now() - started) / 1000;
const ok = results.filter((r, i) => r.bytes === size && r.public_id === `${prefix}/${i}`).length;
console.log(JSON.stringify({
  client, files: count, bytes_each: size, seconds: +seconds.toFixed(2), uploads_per_s: +(count / seconds).toFixed(1),
  mb_per_s: +((count * size) / seconds / 1e6).toFixed(1), peak_rss_mb: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
  baseline_rss_mb: +(baselineRss / 2 ** 20).toFixed(1), all_ok: ok === count,
}));
