'use strict';
// `cirrus upload`: files and (with --recursive) directories, keeping the tree's folders under --folder.
const { basename } = require('node:path');
const { UsageError, decimal, positiveInt, onlyOptions } = require('./args.cjs');
const { expand, fileSize } = require('./files.cjs');
const { runFiles } = require('./run-files.cjs');
const { plural, size, table, tableRoom } = require('./format.cjs');

const HELP = `usage: cirrus upload <files or directories...> [options]

Uploads files with live progress (3 at a time), then prints a table of what
was stored.

  --folder F          folder to upload into (a directory's subfolders are kept
                      under it)
  --recursive         upload the files inside directories (dotfiles skipped)
  --concurrency N     files at once (default 3)
  --chunk-size MiB    chunked uploads above this size, in MiB (default
                      20,000,000 bytes; at least 5 MiB, Cloudinary's
                      smallest chunk)
  --tags a,b          tags for every file
  --resource-type T   image, video, raw or auto (default auto)
  --dry-run           list what would be uploaded, and where; send nothing
  --public-id ID      the public id (one file only)
  --overwrite, --unique-filename, --use-filename, --invalidate   true or false
  --type T            upload, private or authenticated
  --access-mode M     public or authenticated
  --context k=v|k2=v2 contextual metadata for every file

Exit codes: 0 all uploaded, 1 any failed, 2 usage or configuration error.`;

function folderOf(options, dir) {
  const base = options.folder ? String(options.folder).replace(/\/+$/, '') : '';
  return [base, dir].filter(Boolean).join('/');
}

/** Upload params taken as they are (Cloudinary's names); the rest are this command's own. */
const PASSED = ['public_id', 'overwrite', 'unique_filename', 'use_filename', 'invalidate', 'type', 'access_mode', 'context'];
const OWN = ['folder', 'recursive', 'concurrency', 'chunk_size', 'tags', 'resource_type', 'dry_run'];

/** Cloudinary's smallest chunk but the last: 5 MiB. */
const MIB = 1024 * 1024;
const SMALLEST_CHUNK_MIB = 5;

/** `--chunk-size` in bytes (it is given in MiB, as Cloudinary counts its 5 MB minimum); none when absent. */
function chunkSize(options) {
  const mib = decimal(options.chunk_size);
  if (mib === undefined) return undefined;
  if (typeof mib !== 'number' || !(mib >= SMALLEST_CHUNK_MIB)) {
    throw new UsageError(`--chunk-size is in MiB, at least ${SMALLEST_CHUNK_MIB} (Cloudinary's smallest chunk), not ${mib}`);
  }
  return Math.round(mib * MIB);
}

async function upload(paths, options, client) {
  onlyOptions('upload', options, [...OWN, ...PASSED]);
  if (paths.length === 0) throw new UsageError('upload needs at least one file or directory (cirrus upload --help)');
  const concurrency = positiveInt(options, 'concurrency', 3);
  const chunk = chunkSize(options);
  const files = expand(paths, options.recursive === true);
  if (options.public_id !== undefined && files.length !== 1) throw new UsageError('--public-id names one file; this would upload ' + files.length);
  if (options.dry_run) {
    const rows = files.map((f) => {
      const bytes = fileSize(f.path);
      return { file: f.path, size: Number.isNaN(bytes) ? 'missing' : size(bytes), folder: folderOf(options, f.dir) || '(root)' };
    });
    console.log(table(rows, [['file', 'file'], ['size', 'size', 'right'], ['folder', 'folder']], tableRoom()));
    // A file that is not there would fail: said, and exit 1 as the upload would.
    const missing = rows.filter((r) => r.size === 'missing').length;
    const would = plural(rows.length - missing, 'file');
    console.error(`dry run: ${would} would be uploaded${missing ? `, ${missing} missing` : ''}; nothing was sent`);
    return missing ? 1 : 0;
  }
  const cld = client();
  const base = { use_filename: true };
  for (const key of PASSED) if (options[key] !== undefined) base[key] = key === 'public_id' || key === 'context' ? String(options[key]) : options[key];
  if (options.tags) base.tags = String(options.tags).split(',');
  // `auto` unless told (the help's default): Cloudinary then files a video, a zip or a text file by what it
  // is, where the SDK's own default (image) refuses everything but images.
  base.resource_type = options.resource_type ? String(options.resource_type) : 'auto';
  if (chunk !== undefined) base.chunk_size = chunk;
  const rows = files.map((f) => ({ ...f, name: f.dir ? `${f.dir}/${basename(f.path)}` : basename(f.path) }));
  return runFiles(rows, concurrency, async (row, onProgress) => {
    const folder = folderOf(options, row.dir);
    const result = await cld.upload({ path: row.path }, { ...base, ...(folder ? { folder } : {}), onProgress });
    // The type Cloudinary filed it as (auto).
    return { public_id: result.public_id, resource_type: result.resource_type, bytes: result.bytes, result: 'ok' };
  });
}

module.exports = { upload, HELP };
