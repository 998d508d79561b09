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

/** JSON text for a plain options object, or undefined when the ordinary reader must see the value. */
export function jsonArg(value) {
  if (DISABLED || value === null || typeof value !== 'object') return undefined;
  try {
    if (Array.isArray(value)) return undefined;
    return jsonSafe(value, 0, { left: MAX_VALUES }) ? JSON.stringify(value) : undefined;
  } catch {
    // A throwing getter or Proxy trap (or a revoked Proxy): the ordinary reader reports it with a code.
    return undefined;
  }
}
