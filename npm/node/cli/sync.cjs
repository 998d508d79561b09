'use strict';
// `cirrus sync <dir>`: makes the cloud hold the directory's files. Each file's public id is its path
// under the directory (without the extension, for images and videos), under --folder; a file is uploaded
// when the cloud has no asset there or the asset's etag (md5) differs from the file's.
const { extname } = require('node:path');
const { relative, sep } = require('node:path');
const { statSync } = require('node:fs');
const { UsageError, positiveInt, onlyOptions } = require('./args.cjs');
const { walk, md5 } = require('./files.cjs');
const { runFiles } = require('./run-files.cjs');

const HELP = `usage: cirrus sync <directory> [options]

Uploads the directory's files the cloud is missing or holds with other content
(by etag, the md5 of the bytes); unchanged files are skipped. Public ids follow
the paths inside the directory: with \`sync photos --folder F\`,
photos/trips/a.jpg becomes F/trips/a (raw files keep their extension). Assets
\`cirrus upload\` stored are not these: by default it names them as Cloudinary
does, with a random suffix (F/a_1by3bu), so sync uploads such files again.

  --folder F          folder in the cloud (default: none)
  --concurrency N     files at once (default 3)
  --dry-run           check and list what would be uploaded; send nothing

With --folder, the folder is listed (one Admin API call per 500 assets);
without one, each file is looked up (one call per file; Cloudinary counts
Admin API calls per hour).

Exit codes: 0 in sync, 1 any upload failed, 2 usage or configuration error.`;

const IMAGE = new Set(['jpg', 'jpeg', 'png', 'gif', 'webp', 'avif', 'bmp', 'tif', 'tiff', 'svg', 'ico', 'heic', 'heif', 'psd', 'pdf']);
const VIDEO = new Set(['mp4', 'mov', 'webm', 'mkv', 'avi', 'm4v', 'ogv', 'mp3', 'wav', 'ogg', 'flac', 'aac', 'm4a']);

/** The resource type and public id Cloudinary gives the file (raw files keep their extension). */
function identityOf(file, dir, folder) {
  const rel = relative(dir, file).split(sep).join('/');
  const ext = extname(rel).slice(1).toLowerCase();
  const resourceType = IMAGE.has(ext) ? 'image' : VIDEO.has(ext) ? 'video' : 'raw';
  const id = resourceType === 'raw' ? rel : rel.slice(0, rel.length - ext.length - (ext ? 1 : 0));
  return { resource_type: resourceType, public_id: [folder, id].filter(Boolean).join('/') };
}

/**
 * The etags the cloud holds under `folder/`, by resource type and public id: a page of 500 per Admin API
 * call, so a thousand files cost a few calls rather than a thousand.
 */
async function listFolder(cld, folder, resourceTypes) {
  const etags = new Map();
  for (const resource_type of resourceTypes) {
    let next_cursor;
    do {
      const page = await cld.resources({ resource_type, prefix: `${folder}/`, max_results: 500, next_cursor });
      // A listing without etags (Cloudinary may leave them out) still tells what is missing: present
      // files are then looked up one by one.
      for (const r of page.resources) etags.set(`${resource_type}:${r.public_id}`, r.etag ?? null);
      next_cursor = page.next_cursor;
    } while (next_cursor);
  }
  return etags;
}

/** What the cloud holds at the file's identity: 'missing', 'changed' or 'same'. */
async function compare(cld, identity, path, listed) {
  let etag;
  if (listed) etag = listed.get(`${identity.resource_type}:${identity.public_id}`);
  if (etag === undefined && listed) return 'missing';
  if (!etag) {
    try {
      etag = (await cld.resource(identity.public_id, { resource_type: identity.resource_type })).etag;
    } catch (err) {
      if (err.code === 'NOT_FOUND') return 'missing';
      throw err;
    }
  }
  return etag === (await md5(path)) ? 'same' : 'changed';
}

/**
 * Two files that would be one asset (`a.png` and `a.gif`: images drop their extension) are a usage error:
 * synced, each run would overwrite the asset with the other and never settle.
 */
function refuseClashes(rows) {
  const seen = new Map();
  for (const row of rows) {
    const id = `${row.resource_type}:${row.public_id}`;
    const other = seen.get(id);
    if (other) throw new UsageError(`${other} and ${row.name} would both be the ${row.resource_type} ${row.public_id}: rename one`);
    seen.set(id, row.name);
  }
}

async function sync(positional, options, client) {
  onlyOptions('sync', options, ['folder', 'concurrency', 'dry_run']);
  if (positional.length !== 1) throw new UsageError('sync needs one directory (cirrus sync --help)');
  const [dir] = positional;
  let stat;
  try { stat = statSync(dir); } catch { throw new UsageError(`${dir} does not exist`); }
  if (!stat.isDirectory()) throw new UsageError(`${dir} is not a directory`);
  const concurrency = positiveInt(options, 'concurrency', 3);
  const folder = options.folder ? String(options.folder).replace(/\/+$/, '') : '';
  const cld = client();
  const rows = walk(dir).map((path) => ({ path, name: relative(dir, path).split(sep).join('/'), ...identityOf(path, dir, folder) }));
  refuseClashes(rows);
  const dry = options.dry_run === true;
  // With a folder, one listing of it; without one, one lookup per file (not the whole account).
  const listed = folder ? await listFolder(cld, folder, [...new Set(rows.map((r) => r.resource_type))]) : null;
  const code = await runFiles(rows, concurrency, async (row, onProgress) => {
    const state = await compare(cld, row, row.path, listed);
    // The size runFiles read as it started.
    if (state === 'same') return { status: 'skipped', bytes: row.total, result: 'unchanged' };
    if (dry) return { status: 'planned', bytes: row.total, result: `would upload (${state})` };
    const result = await cld.upload({ path: row.path }, {
      public_id: row.public_id, resource_type: row.resource_type, overwrite: true, unique_filename: false, invalidate: state === 'changed', onProgress,
    });
    return { bytes: result.bytes, result: state === 'missing' ? 'uploaded' : 'updated' };
  }, { dry });
  if (dry) console.error('dry run: nothing was sent');
  return code;
}

module.exports = { sync, HELP, identityOf };
