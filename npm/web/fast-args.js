// Sends option objects into wasm as one JSON string when that is exact (crates/wasm/src/json_args.rs):
// one copy into wasm memory instead of a Reflect.get and a string copy per property.

// CIRRUS_NO_FAST_PATH=1 in Node (or globalThis.CIRRUS_NO_FAST_PATH in a page) turns the fast path off:
// the vector suites run once that way.
const DISABLED = globalThis.CIRRUS_NO_FAST_PATH === true || globalThis.process?.env?.CIRRUS_NO_FAST_PATH === '1';
const MAX_DEPTH = 16;
// As many values as the wasm reader accepts; bigger arguments go to it and get its INVALID_ARGUMENT.
const MAX_VALUES = 200_000;
// Objects wider than this are refused by the reader (cirrus_core::value::MAX_OBJECT_KEYS).
const MAX_OBJECT_KEYS = 10_000;
const PLAIN_DECIMAL = /^-?\d+(?:\.\d+)?$/;

// The wasm build's decimal parser is exact when the significant digits fit in 2^53 and the power of ten
// is within 22 (it leaves the standard parser's tables out of the package); other numbers take the
// ordinary reader, which passes them as doubles.
function exactInWasm(n) {
  if (Number.isSafeInteger(n)) return true;
  const s = String(n);
  if (!PLAIN_DECIMAL.test(s)) return false;
  const [whole, fraction = ''] = s.replace('-', '').split('.');
  const significant = (whole + fraction).replace(/^0+/, '');
  return significant.length <= 15 && fraction.length <= 22;
}

function jsonSafe(value, depth, budget) {
  if (--budget.left < 0) return false;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return exactInWasm(value);
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

/**
 * An options object as text for the addon's text twins: flat text (flatArg) when every value is a
 * scalar, else JSON when that is exact; undefined when the ordinary reader must see the value.
 */
export function jsonArg(value) {
  if (DISABLED || value === null || typeof value !== 'object') return undefined;
  try {
    if (Array.isArray(value)) return undefined;
    const flat = flatArg(value);
    if (flat !== undefined) return flat;
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
 * A plain object whose values are all strings, finite numbers, booleans, null or undefined, as flat text
 * (crates/core/src/flat.rs: the entry count, then `\0<key>\0<tag><value>` per entry; undefined values
 * are left out, as JSON leaves them); undefined for anything else. Numbers are written by String(n),
 * which the core reads back exactly. Nothing is escaped: a `\0` inside a key or value makes the core
 * refuse the text, and the wrappers then call the ordinary path (see generated.*).
 */
export function flatArg(value) {
  if (DISABLED || value === null || typeof value !== 'object') return undefined;
  try {
    const proto = Object.getPrototypeOf(value);
    if ((proto !== PLAIN && proto !== null) || prototypePolluted()) return undefined;
    let text = '';
    let count = 0;
    // for-in and string concatenation: the quickest way through a small object in V8 (own keys only,
    // as the prototype is plain and unpolluted; the order is Object.keys' and JSON.stringify's).
    for (const key in value) {
      const v = value[key];
      if (typeof v === 'string') text += '\0' + key + '\0s' + v;
      else if (typeof v === 'number') {
        // -0 would come back as 0 (String(-0) is "0"): the other paths keep it.
        if (!exactInWasm(v) || (v === 0 && 1 / v < 0)) return undefined;
        text += '\0' + key + '\0n' + v;
      } else if (typeof v === 'boolean') text += v ? '\0' + key + '\0t' : '\0' + key + '\0f';
      else if (v === null) text += '\0' + key + '\0z';
      else if (v === undefined) continue;
      else return undefined;
      if (++count > MAX_OBJECT_KEYS) return undefined;
    }
    return count + text;
  } catch {
    return undefined; // a throwing getter or Proxy trap: the ordinary reader reports it with a code
  }
}

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
