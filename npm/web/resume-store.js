// Where resumable browser uploads keep their state between page loads: one IndexedDB entry per file,
// keyed by the file's fingerprint and the upload's target. An entry holds what continuing needs: the
// upload id, the bytes acknowledged so far, the chunk size and the signed params (with when they were
// signed). Best effort: where IndexedDB is missing or refuses (some private modes), uploads still run,
// they just cannot resume.

import { codedError } from './http.js';

const DB_NAME = 'cirrus-web';
const STORE = 'resumable-uploads';
/** How long an unfinished upload stays resumable unless `resumable.maxAge` says otherwise. */
export const RESUME_MAX_AGE_MS = 24 * 3600_000;
/** How much of each end of a file goes into its fingerprint. */
const SAMPLE = 64 * 1024;

let opening;

function openDb() {
  opening ??= new Promise((resolve, reject) => {
    if (typeof indexedDB === 'undefined') {
      reject(new Error('IndexedDB is not available'));
      return;
    }
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'key' });
    request.onsuccess = () => {
      const db = request.result;
      // Another tab upgrading the database must not wait on this one: close, reopen on next use.
      db.onversionchange = () => { db.close(); opening = undefined; };
      resolve(db);
    };
    request.onerror = () => reject(request.error);
  });
  // A failed open is retried on the next use rather than remembered.
  return opening.catch((e) => { opening = undefined; throw e; });
}

/** Runs `fn(store)` in one transaction; resolves to the last request's result once it commits. */
async function transact(mode, fn) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const request = fn(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(request?.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

/**
 * A 53-bit hash (cyrb53) of bytes. Not a security boundary: the store is per origin and the key also holds
 * name, size and lastModified. Plain JS rather than crypto.subtle, which pages served over plain http lack.
 */
export function hash53(bytes, seed = 0) {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < bytes.length; i += 1) {
    h1 = Math.imul(h1 ^ bytes[i], 2654435761);
    h2 = Math.imul(h2 ^ bytes[i], 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/**
 * The store key of `file` uploaded to `target` (anything that changes what the upload becomes: params,
 * resource type, preset, destination). Name, size, lastModified and a hash of the first and last 64 KiB:
 * re-picking the same file after a reload finds its entry, an edited file of the same name does not.
 */
export async function fingerprint(file, target) {
  const head = new Uint8Array(await file.slice(0, SAMPLE).arrayBuffer());
  const tail = new Uint8Array(await file.slice(Math.max(SAMPLE, file.size - SAMPLE)).arrayBuffer());
  const text = new TextEncoder().encode(JSON.stringify([file.name ?? '', file.size, file.lastModified ?? 0, file.type, target]));
  return `${hash53(text)}.${hash53(head, 1)}.${hash53(tail, 2)}`;
}

/** Store keys this page holds, where the Web Locks API is missing or refuses. */
const claimedHere = new Set();

/**
 * Runs `fn(claimed)`, holding the claim on `key` for as long as `fn` runs when no one else holds it
 * (`claimed` false when someone does): one stored upload continues in one place at a time. The Web
 * Locks API spans the origin's tabs; without it (or where it refuses) a page claims among its own uploads.
 */
export async function withClaim(key, fn) {
  const locks = globalThis.navigator?.locks;
  if (typeof locks?.request === 'function') {
    let ran = false;
    try {
      return await locks.request(`cirrus-web:${key}`, { ifAvailable: true }, (lock) => {
        ran = true;
        return fn(lock !== null);
      });
    } catch (e) {
      if (ran) throw e;
      // Web Locks refused (an opaque origin: a sandboxed iframe): the page claims among its own uploads.
    }
  }
  if (claimedHere.has(key)) return fn(false);
  claimedHere.add(key);
  try {
    return await fn(true);
  } finally {
    claimedHere.delete(key);
  }
}

/** The entry under `key`, or null (also when it is older than `maxAge` ms, which removes it). */
export async function loadEntry(key, maxAge) {
  const entry = await transact('readonly', (s) => s.get(key));
  if (!entry) return null;
  if (Date.now() - entry.updatedAt > maxAge) {
    await deleteEntry(key);
    return null;
  }
  return entry;
}

export function saveEntry(entry) {
  return transact('readwrite', (s) => s.put({ ...entry, updatedAt: Date.now() }));
}

export function deleteEntry(key) {
  return transact('readwrite', (s) => s.delete(key));
}

/**
 * The unfinished uploads this origin could resume: what a page can show ("pick photo.mov again to
 * continue"). With `maxAge` (the uploads' `resumable.maxAge`), entries older than that, which would
 * start over rather than continue, are deleted (with the signed params they hold) and not listed.
 */
export async function listResumableUploads({ maxAge } = {}) {
  if (maxAge !== undefined && !(typeof maxAge === 'number' && maxAge > 0)) throw codedError('INVALID_OPTION', 'maxAge must be a positive number of milliseconds');
  const now = Date.now();
  const kept = [];
  // One transaction: an entry an upload saves meanwhile is judged by its new time.
  await transact(maxAge === undefined ? 'readonly' : 'readwrite', (store) => {
    const cursor = store.openCursor();
    cursor.onsuccess = () => {
      const at = cursor.result;
      if (!at) return;
      if (maxAge !== undefined && now - at.value.updatedAt > maxAge) at.delete();
      else kept.push(at.value);
      at.continue();
    };
    return null;
  });
  return kept.map(({ key, name, total, offset, updatedAt }) => ({ key, name, size: total, offset, updatedAt }));
}

/** Forgets every unfinished upload (their signed params included): call it when the user signs out. */
export function clearResumableUploads() {
  return transact('readwrite', (s) => s.clear());
}
