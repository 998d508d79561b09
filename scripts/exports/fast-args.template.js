// The fast paths' argument writers, for both packages: scripts/exports/generate.mjs writes this file as
// npm/web/fast-args.js (ESM) and npm/node/fast-args.cjs (CommonJS), each with its own `numberOk` (the
// wasm build parses fewer numbers exactly). In Node, option objects cross as one string (the `*Json` and
// `*Flat` twins): flat text (crates/core/src/flat.rs), or JSON when that is exact, instead of a
// property-by-property read through N-API, and answers may come back as exact JSON text (fromJsonOut).
// The web package writes every options argument with npm/web/value-text.js (any value) and takes only
// flatParamsArg (the flat twins' writer), the limits and the decoders from here.

// CIRRUS_NO_FAST_PATH=1 in Node turns the fast paths off (the vector suites run once that way); in a page
// globalThis.CIRRUS_NO_FAST_PATH turns off the flat twins' writer.
const DISABLED = globalThis.CIRRUS_NO_FAST_PATH === true || globalThis.process?.env?.CIRRUS_NO_FAST_PATH === '1';
// @node-only
const MAX_DEPTH = 16;

/** Whether CIRRUS_NO_FAST_PATH turned the fast paths off (npm/node/flat-bytes.cjs asks too). */
export function fastPathDisabled() {
  return DISABLED;
}
// @end-node-only
// As many values as the ordinary readers accept (cirrus_core::value::MAX_VALUES); bigger arguments go to
// them and get their INVALID_ARGUMENT (npm/web/value-text.js writes to the same limits).
export const MAX_VALUES = 200_000;
// Objects wider than this are refused by the readers (cirrus_core::value::MAX_OBJECT_KEYS).
export const MAX_OBJECT_KEYS = 10_000;
// @number-check (generate.mjs puts each package's `numberOk` here)

// @node-only (the web package's ordinary path writes these values as text itself: value-text.js)
function jsonSafe(value, depth, budget) {
  if (--budget.left < 0) return false;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      // -0 too: JSON writes it as 0.
      return numberOk(value) && !(value === 0 && 1 / value < 0);
    case 'object': {
      if (value === null) return true;
      if (depth >= MAX_DEPTH) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          if (!jsonSafe(value[i], depth + 1, budget)) return false;
        }
        return true;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      if (typeof value.toJSON === 'function') return false;
      const keys = Object.keys(value);
      if (keys.length > MAX_OBJECT_KEYS) return false;
      for (let i = 0; i < keys.length; i++) {
        if (!jsonSafe(value[keys[i]], depth + 1, budget)) return false;
      }
      return true;
    }
    default:
      // undefined (JSON drops it), functions, symbols, bigints: the ordinary reader decides.
      return false;
  }
}
// @end-node-only

// @node-only
/**
 * An options object as text for the text twins (`*Json`): flat text (flatArg) when it is plain data,
 * else JSON when that is exact, else undefined: the ordinary path then takes the value.
 */
export function jsonArg(value) {
  const flat = flatArg(value);
  if (flat === undefined && !DISABLED && value !== null && typeof value === 'object') {
    try {
      if (!Array.isArray(value) && jsonSafe(value, 0, { left: MAX_VALUES })) return JSON.stringify(value);
    } catch {
      // A throwing getter or Proxy trap (or a revoked Proxy): the ordinary reader reports it with a code.
    }
  }
  return flat;
}

/** Flat text of `{}`: what an optional options object left out crosses as. */
const EMPTY_OBJECT = '2\0o\0e';

/**
 * jsonArg of an optional options object: one left out (undefined) is `{}` to every core function, so it
 * crosses as an empty object's text instead of sending the call to the ordinary reader.
 */
export function optionalJsonArg(value) {
  return value === undefined && !DISABLED ? EMPTY_OBJECT : jsonArg(value);
}
// @end-node-only

/**
 * Whether a fast path's error is one the ordinary path should answer instead: a coded error (refused
 * text, or a real error the ordinary path gives again). Not a crash (INTERNAL, a wasm trap): that reaches
 * the caller, and the instance is not called again on its account.
 */
export function deferrable(err) {
  return typeof err?.code === 'string' && err.code !== 'INTERNAL';
}

const PLAIN = Object.prototype;

/** Whether something made a property of Object.prototype enumerable (for-in would then see it). */
function prototypePolluted() {
  for (const _ in PLAIN) return true;
  return false;
}

// @node-only
/**
 * Plain data as flat text (crates/core/src/flat.rs): the token count, then `\0`-led tokens: `s<text>`,
 * `n<number>` (String(n), read back exactly), `t`, `f`, `z`, `a` values `e`, `o` (`k<key>` value)... `e`.
 * Written as it is walked, so no walk first; undefined for anything JSON would not carry exactly (and
 * undefined object values are left out, as JSON leaves them). Nothing is escaped: a `\0` inside a key or
 * string makes the count disagree, the core refuses the text, and the wrappers then take the ordinary
 * path (see generated.*).
 */
export function flatArg(value) {
  if (DISABLED || value === null || typeof value !== 'object') return undefined;
  try {
    // Inside the try: Array.isArray throws on a revoked Proxy (the ordinary reader reports it with a code).
    if (Array.isArray(value) || prototypePolluted()) return undefined;
    const state = { text: '', tokens: 0, budget: MAX_VALUES };
    return flatInto(value, 0, state) ? state.tokens + state.text : undefined;
  } catch {
    return undefined; // a throwing getter or Proxy trap: the ordinary reader reports it with a code
  }
}
// @end-node-only

/**
 * flatArg for params to sign (apiSignRequestFlat, and the account's apiSignRequest): an object of
 * strings, numbers, booleans and nulls only, written in one loop (no recursion, no state object);
 * undefined for anything else (an array too, even one without a prototype: params must be an object).
 */
export function flatParamsArg(value) {
  if (DISABLED || value === null || typeof value !== 'object') return undefined;
  try {
    // Inside the try: Array.isArray throws on a revoked Proxy (the ordinary reader reports it with a code).
    if (Array.isArray(value)) return undefined;
    const proto = Object.getPrototypeOf(value);
    if ((proto !== PLAIN && proto !== null) || prototypePolluted()) return undefined;
    let text = '\0o';
    let tokens = 2;
    for (const key in value) {
      const v = value[key];
      if (typeof v === 'string') text += '\0k' + key + '\0s' + v;
      else if (typeof v === 'number') {
        if (!numberOk(v) || (v === 0 && 1 / v < 0)) return undefined;
        text += '\0k' + key + '\0n' + v;
      } else if (typeof v === 'boolean') text += v ? '\0k' + key + '\0t' : '\0k' + key + '\0f';
      else if (v === null) text += '\0k' + key + '\0z';
      else if (v === undefined) continue;
      else return undefined;
      tokens += 2;
    }
    return tokens > 2 * MAX_OBJECT_KEYS + 2 ? undefined : tokens + text + '\0e';
  } catch {
    return undefined; // a throwing getter or Proxy trap: the ordinary reader reports it with a code
  }
}

// @node-only
/** Appends `v`'s tokens to `state`; false when flat text cannot carry it exactly. */
function flatInto(v, depth, state) {
  if (--state.budget < 0) return false;
  switch (typeof v) {
    case 'string':
      state.text += '\0s' + v;
      state.tokens++;
      return true;
    case 'number':
      // -0 would come back as 0 (String(-0) is "0"): the other paths keep it.
      if (!numberOk(v) || (v === 0 && 1 / v < 0)) return false;
      state.text += '\0n' + v;
      state.tokens++;
      return true;
    case 'boolean':
      state.text += v ? '\0t' : '\0f';
      state.tokens++;
      return true;
    case 'object':
      break;
    default:
      return false;
  }
  if (v === null) {
    state.text += '\0z';
    state.tokens++;
    return true;
  }
  if (depth >= MAX_DEPTH) return false;
  if (Array.isArray(v)) {
    // An array's length is a whole number; a Proxy's may be anything, which the ordinary reader takes
    // as ToLength does (the SDK's Array.prototype.join).
    const length = v.length;
    if (!Number.isSafeInteger(length) || length < 0) return false;
    state.text += '\0a';
    for (let i = 0; i < length; i++) {
      // A hole or undefined (JSON writes null) goes to the ordinary reader.
      if (v[i] === undefined || !flatInto(v[i], depth + 1, state)) return false;
    }
    state.text += '\0e';
    state.tokens += 2;
    return true;
  }
  const proto = Object.getPrototypeOf(v);
  // No toJSON test here: the ordinary reader does not call toJSON either (only a Date whose prototype is
  // not plain is read as JSON.stringify writes it), so both read such an object alike.
  if (proto !== PLAIN && proto !== null) return false;
  state.text += '\0o';
  let keys = 0;
  // for-in: the quickest way through a small object in V8; own keys only, as the prototype is plain and
  // unpolluted; the order is Object.keys' and JSON.stringify's.
  // Strings and whole numbers (most values) inline: one concatenation, no call.
  for (const key in v) {
    const item = v[key];
    if (--state.budget < 0) return false;
    if (typeof item === 'string') state.text += '\0k' + key + '\0s' + item;
    else if (typeof item === 'number' && !(!numberOk(item) || (item === 0 && 1 / item < 0))) state.text += '\0k' + key + '\0n' + item;
    else if (item === undefined) continue;
    else {
      state.text += '\0k' + key;
      state.tokens--; // counted once more below
      state.budget++; // and its value counts itself
      if (!flatInto(item, depth + 1, state)) return false;
    }
    state.tokens += 2;
    if (++keys > MAX_OBJECT_KEYS) return false;
  }
  state.text += '\0e';
  state.tokens += 2;
  return true;
}
// @end-node-only

/**
 * verifyIdentifier's result from its flat twin's text (resource_type, type, version, public_id,
 * identifier and the format if any, `\0` between): the same object the ordinary path builds.
 */
export function identifierFromText(text) {
  // indexOf and slice: less than half what split() and destructuring cost.
  const a = text.indexOf('\0');
  const b = text.indexOf('\0', a + 1);
  const c = text.indexOf('\0', b + 1);
  const d = text.indexOf('\0', c + 1);
  const e = text.indexOf('\0', d + 1);
  return {
    resource_type: text.slice(0, a),
    type: text.slice(a + 1, b),
    version: Number(text.slice(b + 1, c)),
    public_id: text.slice(c + 1, d),
    format: e < 0 ? null : text.slice(e + 1),
    identifier: e < 0 ? text.slice(d + 1) : text.slice(d + 1, e),
  };
}

// @node-only
/** A JSON twin's answer: JSON text where that was exact (crates/node JsonOut), else the object itself. */
export function fromJsonOut(out) {
  return typeof out === 'string' ? JSON.parse(out) : out;
}
// @end-node-only
