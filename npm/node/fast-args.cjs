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

module.exports = { jsonArg };
