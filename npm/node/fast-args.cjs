'use strict';
// Sends option objects to the addon as one JSON string when that is exact (the `*Json` twins in
// crates/node/src/generated.rs): reading a plain object property by property through N-API costs more than
// building the URL itself. CIRRUS_NO_FAST_PATH=1 turns it off (the vector suites run once that way).
const DISABLED = process.env.CIRRUS_NO_FAST_PATH === '1';

const MAX_DEPTH = 16;
// As many values as the addon's own reader accepts; bigger arguments go to it and get its INVALID_ARGUMENT.
const MAX_VALUES = 200_000;
// Objects wider than this are refused by the reader (cirrus_core::value::MAX_OBJECT_KEYS).
const MAX_OBJECT_KEYS = 10_000;

/** Whether JSON.stringify(value) carries exactly what the addon's own reader would see. */
function jsonSafe(value, depth, budget) {
  if (--budget.left < 0) return false;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
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

/** JSON text for a plain options object, or undefined when the ordinary reader must see the value. */
function jsonArg(value) {
  if (DISABLED || value === null || typeof value !== 'object') return undefined;
  try {
    if (Array.isArray(value)) return undefined;
    return jsonSafe(value, 0, { left: MAX_VALUES }) ? JSON.stringify(value) : undefined;
  } catch {
    // A throwing getter or Proxy trap (or a revoked Proxy): the ordinary reader reports it with a code.
    return undefined;
  }
}

const PLAIN = Object.prototype;

/** Whether something made a property of Object.prototype enumerable (for-in would then see it). */
function prototypePolluted() {
  for (const _ in PLAIN) return true;
  return false;
}

/**
 * Params as flat text for the flat twins (apiSignRequestFlat): the count, then `\0key\0value` per param,
 * for a plain object whose values are all strings, finite numbers, booleans, null or undefined
 * (`String(value)` is the text the SDK signs; null and undefined are left out as blank); undefined for
 * anything else, which takes the other paths. A `\0` inside a key or value makes the count disagree
 * with the separators: the core then answers none and the call takes the other paths too.
 */
function flatArg(value) {
  if (DISABLED || value === null || typeof value !== 'object') return undefined;
  try {
    const proto = Object.getPrototypeOf(value);
    if ((proto !== PLAIN && proto !== null) || prototypePolluted()) return undefined;
    let text = '';
    let count = 0;
    // for-in and string concatenation: the quickest way through a small object in V8 (own keys only,
    // as the prototype is plain and unpolluted).
    for (const key in value) {
      const v = value[key];
      if (typeof v === 'string') text += '\0' + key + '\0' + v;
      else if (typeof v === 'number') {
        if (!Number.isFinite(v)) return undefined;
        text += '\0' + key + '\0' + v;
      } else if (typeof v === 'boolean') text += '\0' + key + (v ? '\0true' : '\0false');
      else if (v === undefined || v === null) continue;
      else return undefined;
      count++;
    }
    return count > MAX_OBJECT_KEYS ? undefined : count + text;
  } catch {
    return undefined; // a throwing getter or Proxy trap: the ordinary reader reports it with a code
  }
}

/**
 * verifyIdentifier's result from its flat twin's text (resource_type, type, version, public_id,
 * identifier and the format if any, `\0` between): the same object the ordinary path builds.
 */
function identifierFromText(text) {
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

/** A JSON twin's answer: JSON text where that was exact (crates/node JsonOut), else the object itself. */
function fromJsonOut(out) {
  return typeof out === 'string' ? JSON.parse(out) : out;
}

module.exports = { flatArg, fromJsonOut, identifierFromText, jsonArg };
