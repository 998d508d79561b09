// Makes real PNG files (RGB gradients, or noise to reach a size) for upload tests, and reads their size back.
import { constants as zlibConstants, deflateRawSync, deflateSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A `width`×`height` RGB PNG; `noise` makes it incompressible (about 3 bytes a pixel). */
export function makePng(width, height, { noise = false, seed = 0 } = {}) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = 2;
  const row = width * 3 + 1;
  const raw = noise ? randomBytes(row * height) : Buffer.alloc(row * height);
  for (let y = 0; y < height; y++) {
    raw[y * row] = 0;
    if (!noise) {
      for (let x = 0; x < width; x++) {
        const o = y * row + 1 + x * 3;
        raw[o] = (x + seed) & 255;
        raw[o + 1] = (y * 2) & 255;
        raw[o + 2] = (seed * 7) & 255;
      }
    }
  }
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: noise ? 0 : 6 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Width and height of a PNG, JPEG, GIF or WebP (VP8/VP8L/VP8X) from its bytes. */
export function imageSize(buf) {
  if (buf.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]))) {
    return { format: 'png', width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
  }
  if (buf[0] === 0xff && buf[1] === 0xd8) {
    for (let i = 2; i < buf.length;) {
      const marker = buf[i + 1];
      const len = buf.readUInt16BE(i + 2);
      if (marker >= 0xc0 && marker <= 0xc3) return { format: 'jpg', height: buf.readUInt16BE(i + 5), width: buf.readUInt16BE(i + 7) };
      i += 2 + len;
    }
  }
  if (buf.subarray(0, 3).toString() === 'GIF') return { format: 'gif', width: buf.readUInt16LE(6), height: buf.readUInt16LE(8) };
  if (buf.subarray(0, 4).toString() === 'RIFF' && buf.subarray(8, 12).toString() === 'WEBP') {
    const kind = buf.subarray(12, 16).toString();
    if (kind === 'VP8L') {
      const b = buf.readUInt32LE(21);
      return { format: 'webp', width: (b & 0x3fff) + 1, height: ((b >> 14) & 0x3fff) + 1 };
    }
    if (kind === 'VP8X') return { format: 'webp', width: buf.readUIntLE(24, 3) + 1, height: buf.readUIntLE(27, 3) + 1 };
    return { format: 'webp', width: buf.readUInt16LE(26) & 0x3fff, height: buf.readUInt16LE(28) & 0x3fff };
  }
  throw new Error('unknown image format');
}

/**
 * A "decompression bomb": a valid `width`×`height` RGB PNG of zeros, a few hundred KB on disk however
 * many pixels it declares. Deflated in 1 MB pieces (each a fresh raw-deflate segment, flushed to a byte
 * boundary; only the last is final), so making it never holds the raw image in memory.
 */
export function makeBombPng(width, height) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = 2;
  const total = (width * 3 + 1) * height;
  const zero = Buffer.alloc(1 << 20);
  const deflated = [];
  for (let left = total; left > 0;) {
    const n = Math.min(left, zero.length);
    left -= n;
    deflated.push(deflateRawSync(zero.subarray(0, n), { level: 9, finishFlush: left > 0 ? zlibConstants.Z_FULL_FLUSH : zlibConstants.Z_FINISH }));
  }
  // Adler-32 of `total` zero bytes: a = 1, b = total (mod 65521).
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((((total % 65521) << 16) | 1) >>> 0);
  const idat = Buffer.concat([Buffer.from([0x78, 0xda]), ...deflated, adler]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}
