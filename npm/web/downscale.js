// Optional client-side downscale/re-encode of an image before upload: a 12-megapixel phone photo sent
// as 2048 px costs a tenth of the bytes and of the time on a slow link. Non-images, and images whose
// re-encoding would lose what they are (animated GIFs, SVG), pass through untouched.

import { codedError } from './http.js';

const PASS_THROUGH = new Set(['image/gif', 'image/svg+xml']);
const EXTENSIONS = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/avif': 'avif' };

function checkSize(name, v) {
  if (v !== undefined && !(typeof v === 'number' && v >= 1)) throw codedError('INVALID_OPTION', `${name} must be a number of pixels, at least 1`);
}

/**
 * `file` scaled to fit `maxWidth` × `maxHeight` (never enlarged) and encoded as `type` (default: its own)
 * at `quality` (0..1, for JPEG and WebP). Returns `file` itself when it is not an image this browser
 * decodes, when it already fits and keeps its type, or when OffscreenCanvas is missing.
 * @returns {Promise<Blob>} a File with the same name (extension changed with the type) and lastModified
 */
export async function downscaleImage(file, { maxWidth, maxHeight, quality = 0.9, type } = {}) {
  if (!(file instanceof Blob)) throw codedError('INVALID_ARGUMENT', 'file must be a File or Blob');
  checkSize('maxWidth', maxWidth);
  checkSize('maxHeight', maxHeight);
  if (!(typeof quality === 'number' && quality > 0 && quality <= 1)) throw codedError('INVALID_OPTION', 'quality must be a number in (0, 1]');
  if (!file.type.startsWith('image/') || PASS_THROUGH.has(file.type)) return file;
  if (typeof createImageBitmap !== 'function' || typeof OffscreenCanvas !== 'function') return file;
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return file; // a format this browser cannot decode (HEIC in Chromium): the server may still take it
  }
  try {
    const scale = Math.min(1, (maxWidth ?? Infinity) / bitmap.width, (maxHeight ?? Infinity) / bitmap.height);
    const outType = type ?? file.type;
    if (scale === 1 && outType === file.type) return file;
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d');
    // JPEG has no alpha: transparent pixels would turn black, white is what a viewer would have shown.
    if (outType === 'image/jpeg') {
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, width, height);
    }
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, 0, 0, width, height);
    // A browser that cannot encode `type` (AVIF, mostly) answers PNG: the name follows what came out.
    const blob = await canvas.convertToBlob({ type: outType, quality });
    const base = (file.name || 'blob').replace(/\.[^./]*$/, '');
    const ext = EXTENSIONS[blob.type];
    return new File([blob], ext ? `${base}.${ext}` : base, { type: blob.type, lastModified: file.lastModified ?? Date.now() });
  } finally {
    bitmap.close();
  }
}
