'use strict';
// Flat text (crates/core/src/flat.rs) written as UTF-8 straight into one reused Uint8Array, for the
// Node twins that take one text argument (url(), buildUploadParams(), apiSignRequest()'s text twin).
// fast-args' flatArg builds the same text as a JavaScript string, a concatenation per entry: V8 then
// flattens that rope into a new string and copies it again as UTF-8 into the addon's buffer, about a
// fifth of a url() call over the conformance mix. Here each key and value is copied once, as it is
// walked, and the addon copies the bytes out (crates/node/src/text.rs reads either form).
//
// The buffer: an 8-byte header (where the current argument's text starts and ends, u32 little-endian),
// then the texts. A text is its token count's digits, then its tokens; the count is known only at the
// end, so the tokens are written after room for nine digits and the digits just before them.
// Arguments nest as calls do (a getter run while a call is being written or read may call cirrus
// again): each is written after the last one still in use and released, wiped, when its call returns,
// so option values (api_secret, an auth token's key) do not stay in memory the page can read.
//
// The text is flatArg's (tests/node/flat-bytes.test.mjs holds them equal), with lone surrogates written
// as U+FFFD as V8's UTF-8 writer does, and with one difference: a key the core knows by name (`width`,
// `crop`, `transformation`: the names of crates/core/src/names.rs, which the addon hands over when this
// loads) is written as `j` and its one-byte id rather than `k` and its text. Finding it in a table here
// costs less than copying its characters one at a time (writer ~0.445 -> ~0.400 us a url() over the
// conformance mix), and the addon takes the core's own name for it without a search. What flatArg
// refuses this refuses too (undefined), and so does an argument that would not fit: the caller then
// takes flatArg's path.

const { MAX_OBJECT_KEYS, MAX_VALUES, fastPathDisabled } = require('./fast-args.cjs');
const { native } = require('./native.cjs');

const DISABLED = fastPathDisabled();
const MAX_DEPTH = 16;
const HEADER = 8;
const COUNT_ROOM = 9;
/** The shared bytes (64 KiB: option objects are a few hundred bytes; a larger one takes flatArg's path). */
const BYTES = new Uint8Array(64 * 1024);
// Where a write stops: a key or value longer than what is left (3 bytes a UTF-16 unit at most) does not
// fit, and the tags a token adds have 16 bytes of slack past the checks.
const LIMIT = BYTES.length - 16;
const PLAIN = Object.prototype;

/**
 * The known names by slot: an open-addressed table (linear probing) of their ids (index + 1, as the core
 * numbers them) and the names themselves, hashed on length and three characters, as names.rs hashes.
 * Names are internalized strings, so comparing a key with a slot's name is mostly a pointer comparison.
 */
const KEY_SLOTS = 512;
const KEY_IDS = new Uint8Array(KEY_SLOTS);
const KEY_NAMES = new Array(KEY_SLOTS).fill('');

/** A key's first slot. */
function keySlot(key, n) {
  return (n * 31 + key.charCodeAt(0) * 7 + key.charCodeAt(n >> 1) * 3 + key.charCodeAt(n - 1) * 13) & (KEY_SLOTS - 1);
}

// As property keys (internalized, as the keys of the objects read are): comparing two such strings is a
// pointer comparison, where a string N-API made would be compared character by character.
const KNOWN = native.flatKeyNames();
const INTERNED = Object.keys(Object.fromEntries(KNOWN.map((name) => [name, 0])));
if (INTERNED.length !== KNOWN.length || INTERNED.some((name, i) => name !== KNOWN[i])) {
  throw new Error('cirrus: the key names are not distinct non-index names');
}
INTERNED.forEach((name, index) => {
  if (index + 1 > 0x7f) throw new Error('cirrus: more key names than one-byte ids');
  let slot = keySlot(name, name.length);
  while (KEY_IDS[slot] !== 0) slot = (slot + 1) & (KEY_SLOTS - 1);
  KEY_IDS[slot] = index + 1;
  KEY_NAMES[slot] = name;
});

/** The id of a key the core knows by name, else 0. */
function keyId(key) {
  const n = key.length;
  if (n === 0) return 0;
  let slot = keySlot(key, n);
  for (;;) {
    const id = KEY_IDS[slot];
    if (id === 0 || KEY_NAMES[slot] === key) return id;
    slot = (slot + 1) & (KEY_SLOTS - 1);
  }
}

// The writer's state (one write at a time: no user code runs during one, as only plain objects and
// arrays are read, through own data properties... or getters, which may call cirrus again: `busy` sends
// such a call to flatArg's path).
let at = HEADER;
let tokens = 0;
let budget = 0;
let busy = false;
/**
 * Where each argument in use began (its release restores `at` to it): a typed array and a depth, which
 * no change to Array.prototype can reach (a read-only or accessor `Array.prototype[0]` made an array's
 * push throw, or pop answer another mark, and left an argument unwiped). Nesting deeper than this takes
 * flatArg's path.
 */
const marks = new Int32Array(64);
let depthInUse = 0;

/** A string's UTF-8 at `at`; false when it does not fit. */
function put(s) {
  const n = s.length;
  let p = at;
  if (p + n * 3 > LIMIT) return false;
  let i = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) break;
    BYTES[p++] = c;
  }
  at = i < n ? putWide(s, i, p) : p;
  return true;
}

/** The rest of a string from its first non-ASCII unit: UTF-8, a lone surrogate as U+FFFD. */
function putWide(s, i, p) {
  const n = s.length;
  for (; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      BYTES[p++] = c;
      continue;
    }
    if (c < 0x800) {
      BYTES[p++] = 0xc0 | (c >> 6);
      BYTES[p++] = 0x80 | (c & 63);
      continue;
    }
    if (c >= 0xd800 && c < 0xe000) {
      const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c < 0xdc00 && d >= 0xdc00 && d < 0xe000) {
        i++;
        const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        BYTES[p++] = 0xf0 | (cp >> 18);
        BYTES[p++] = 0x80 | ((cp >> 12) & 63);
        BYTES[p++] = 0x80 | ((cp >> 6) & 63);
        BYTES[p++] = 0x80 | (cp & 63);
        continue;
      }
      c = 0xfffd;
    }
    BYTES[p++] = 0xe0 | (c >> 12);
    BYTES[p++] = 0x80 | ((c >> 6) & 63);
    BYTES[p++] = 0x80 | (c & 63);
  }
  return p;
}

/** A token's `\0` and tag letter. */
function tag(letter) {
  BYTES[at] = 0;
  BYTES[at + 1] = letter;
  at += 2;
}

const S = 0x73; // s: a string
const N = 0x6e; // n: a number
const T = 0x74; // t
const F = 0x66; // f
const Z = 0x7a; // z: null
const A = 0x61; // a: an array
const O = 0x6f; // o: an object
const K = 0x6b; // k: a key
const J = 0x6a; // j: a key by its id
const E = 0x65; // e: the end of an array or object

/** Appends `v`'s tokens (fast-args' flatInto, as bytes); false when flat text cannot carry it or it does not fit. */
function into(v, depth) {
  if (--budget < 0 || at > LIMIT) return false;
  switch (typeof v) {
    case 'string':
      tokens++;
      tag(S);
      return put(v);
    case 'number':
      // -0 would come back as 0 (String(-0) is "0"): the other paths keep it.
      if (!Number.isFinite(v) || (v === 0 && 1 / v < 0)) return false;
      tokens++;
      tag(N);
      return put('' + v);
    case 'boolean':
      tokens++;
      tag(v ? T : F);
      return true;
    case 'object':
      break;
    default:
      return false;
  }
  if (v === null) {
    tokens++;
    tag(Z);
    return true;
  }
  if (depth >= MAX_DEPTH) return false;
  if (Array.isArray(v)) {
    const length = v.length;
    if (!Number.isSafeInteger(length) || length < 0) return false;
    tag(A);
    for (let i = 0; i < length; i++) {
      // A hole or undefined (JSON writes null) goes to the ordinary reader.
      if (v[i] === undefined || !into(v[i], depth + 1)) return false;
    }
    if (at > LIMIT) return false;
    tag(E);
    tokens += 2;
    return true;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== PLAIN && proto !== null) return false;
  tag(O);
  let keys = 0;
  // for-in, as flatArg (own keys only: the prototype is plain and unpolluted; Object.keys' order).
  // Strings and finite numbers (most values) inline, as flatArg does: no call.
  for (const key in v) {
    const item = v[key];
    // Counted before it is skipped, as flatArg counts it (MAX_VALUES is reached with the same entries).
    if (--budget < 0) return false;
    if (item === undefined) continue;
    if (at > LIMIT) return false;
    const id = keyId(key);
    if (id !== 0) {
      BYTES[at] = 0;
      BYTES[at + 1] = J;
      BYTES[at + 2] = id;
      at += 3;
    } else {
      tag(K);
      if (!put(key)) return false;
    }
    if (typeof item === 'string') {
      tag(S);
      if (!put(item)) return false;
      tokens += 2;
    } else if (typeof item === 'number' && Number.isFinite(item) && !(item === 0 && 1 / item < 0)) {
      tag(N);
      if (!put('' + item)) return false;
      tokens += 2;
    } else {
      tokens++;
      budget++; // into counts the value itself
      if (!into(item, depth + 1)) return false;
    }
    if (++keys > MAX_OBJECT_KEYS) return false;
  }
  if (at > LIMIT) return false;
  tag(E);
  tokens += 2;
  return true;
}

/** Whether something made a property of Object.prototype enumerable (for-in would then see it). */
function prototypePolluted() {
  for (const _ in PLAIN) return true;
  return false;
}

/** Wipes the bytes from `from` up to `at` and moves `at` back there. */
function rewind(from) {
  BYTES.fill(0, from, at);
  at = from;
}

/**
 * An options object as flat text in BYTES (the header names it), or undefined: the caller then takes
 * fast-args' jsonArg. `optional`: undefined crosses as `{}`. Every BYTES answer needs its releaseBytes()
 * once the call that reads it has returned.
 */
function bytesArg(value, optional = false) {
  if (busy || DISABLED || depthInUse === marks.length) return undefined;
  if (value === undefined && !optional) return undefined;
  if (value !== undefined && (value === null || typeof value !== 'object')) return undefined;
  const mark = at;
  const start = mark + COUNT_ROOM;
  busy = true;
  let done = false;
  try {
    at = start;
    tokens = 0;
    budget = MAX_VALUES;
    if (value === undefined) {
      tag(O);
      tag(E);
      tokens = 2;
      done = true;
    } else if (!Array.isArray(value) && !prototypePolluted()) {
      done = into(value, 0);
    }
  } catch {
    // A throwing getter or Proxy trap: the ordinary reader reports it with a code.
    done = false;
  } finally {
    busy = false;
  }
  if (!done) {
    rewind(mark);
    return undefined;
  }
  const count = '' + tokens;
  let first = start - count.length;
  for (let i = 0; i < count.length; i++) BYTES[first + i] = count.charCodeAt(i);
  BYTES[0] = first & 0xff;
  BYTES[1] = (first >>> 8) & 0xff;
  BYTES[2] = (first >>> 16) & 0xff;
  BYTES[3] = first >>> 24;
  BYTES[4] = at & 0xff;
  BYTES[5] = (at >>> 8) & 0xff;
  BYTES[6] = (at >>> 16) & 0xff;
  BYTES[7] = at >>> 24;
  marks[depthInUse++] = mark;
  return BYTES;
}

/** The end of the call that read bytesArg's last answer still in use: its bytes wiped, their room free. */
function releaseBytes() {
  const mark = depthInUse > 0 ? marks[--depthInUse] : HEADER;
  // The last argument in use: its header wiped with it, in one call (a fill is a call into C++).
  BYTES.fill(0, depthInUse === 0 ? 0 : mark, at);
  at = mark;
}

module.exports = { BYTES, bytesArg, releaseBytes };
