'use strict';
// Sends option objects to the addon as one JSON string when that is exact (see crates/node/src/json_args.rs):
// reading a plain object property by property through N-API costs more than building the URL itself.

const MAX_DEPTH = 16;

/** Whether JSON.stringify(value) carries exactly what the addon's own reader would see. */
function jsonSafe(value, depth) {
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
          if (!jsonSafe(value[i], depth + 1)) return false;
        }
        return true;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      if (typeof value.toJSON === 'function') return false;
      const keys = Object.keys(value);
      for (let i = 0; i < keys.length; i++) {
        if (!jsonSafe(value[keys[i]], depth + 1)) return false;
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
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  try {
    return jsonSafe(value, 0) ? JSON.stringify(value) : undefined;
  } catch {
    // A throwing getter or Proxy trap: the ordinary reader reports it with a code.
    return undefined;
  }
}

module.exports = { jsonArg };
