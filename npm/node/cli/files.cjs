'use strict';
// The files a command works on: paths as given, directories expanded when asked (`--recursive`), and
// the md5 Cloudinary reports as an asset's etag.
const { createHash } = require('node:crypto');
const { createReadStream, readdirSync, statSync } = require('node:fs');
const { join, relative, resolve, sep } = require('node:path');
const { UsageError } = require('./args.cjs');

/** Every file under `dir` (sorted), skipping dotfiles. */
function walk(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/**
 * `[{ path, dir }]`: each file, with its directory relative to the directory it was found in ('' for a
 * file given directly), so uploads can keep the tree's folders.
 */
function expand(paths, recursive) {
  const out = [];
  for (const path of paths) {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      out.push({ path, dir: '' }); // the upload reports the missing file, with its code
      continue;
    }
    if (!stat.isDirectory()) {
      out.push({ path, dir: '' });
      continue;
    }
    if (!recursive) throw new UsageError(`${path} is a directory: pass --recursive to upload the files in it`);
    for (const file of walk(path)) {
      const rel = relative(path, file).split(sep);
      out.push({ path: file, dir: rel.slice(0, -1).join('/') });
    }
  }
  // A file named twice (`a.png a.png`, or a shell glob and its directory) is uploaded once per folder.
  const seen = new Set();
  return out.filter(({ path, dir }) => {
    const key = `${resolve(path)}\0${dir}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The file's md5, hex (Cloudinary's `etag` of an upload). */
function md5(path) {
  return new Promise((resolve, reject) => {
    const hash = createHash('md5');
    createReadStream(path).on('error', reject).on('data', (d) => hash.update(d)).on('end', () => resolve(hash.digest('hex')));
  });
}

/** A file's size in bytes; NaN when it cannot be read (the upload then reports why). */
function fileSize(path) {
  try {
    return statSync(path).size;
  } catch {
    return Number.NaN;
  }
}

module.exports = { expand, walk, md5, fileSize };
