// Any JavaScript value as flat text (crates/core/src/flat.rs): how the wasm modules read an argument
// that is not a string, number or undefined (crates/wasm/src/convert.rs `read_value` calls this, then
// the core parses the text). One string crosses instead of a Reflect.get through the boundary per
// property, and the module carries no JavaScript-value walker of its own.
//
// It reads what the Node addon's reader reads: own enumerable keys (Object.keys) of any object, arrays
// (Array.isArray, a Proxy of one too) by index up to their length (holes are undefined), a Date (a value
// with a Date's time value, as N-API's napi_is_date tells one: not a Proxy of one, and from any realm) as
// what JSON.stringify writes for it (its ISO string, null when invalid: the addon's core writes the same
// from the time value; an object whose prototype is Object.prototype or null is read by its keys, even
// a Date whose prototype was made so, as JSON.stringify and both of the addon's readers read it), and
// numbers exactly. Where it cannot go on (a function, symbol or bigint, a
// throwing getter or Proxy trap, nesting or size past the limits) it writes a refusal token and stops:
// the core reads that as the same coded error, naming the value the way the addon does.
import { MAX_OBJECT_KEYS, MAX_VALUES, numberOk } from './fast-args.js';

// The readers' depth limit (cirrus_core::value::MAX_DEPTH: as deep as the core reads; Node's fast writer
// stops at 16 and leaves deeper values to the addon's reader).
const MAX_DEPTH = 64;

const view = new DataView(new ArrayBuffer(8));
const PLAIN = Object.prototype;

/** A Date's time value, read from its internal slot (a Proxy, or an object that only inherits from
 * Date.prototype, has none and throws; an overridden getTime is not called). */
const timeValue = Function.prototype.call.bind(Date.prototype.getTime);
/** Date.prototype.toISOString on that slot: JavaScript's own ISO form (the browser module carries no date code). */
const isoString = Function.prototype.call.bind(Date.prototype.toISOString);

/** A double's IEEE-754 bits as 16 hex digits (exact for -0, NaN, infinities and every fraction). */
function bits(n) {
  view.setFloat64(0, n);
  return view.getUint32(0).toString(16).padStart(8, '0') + view.getUint32(4).toString(16).padStart(8, '0');
}

/** A string or key holding `\0` or `\x01`, escaped (`\x01a` is `\0`, `\x01b` is `\x01`). */
const escaped = (s) => s.replaceAll('\x01', '\x01b').replaceAll('\0', '\x01a');
const needsEscape = (s) => s.includes('\0') || s.includes('\x01');

/** `value` as flat text of any value (`parse_value` in the core reads it). */
export function valueText(value) {
  const state = { text: '', tokens: 0, budget: MAX_VALUES };
  try {
    write(value, 0, state);
    return state.tokens + state.text;
  } catch {
    // Only the text itself can throw: past the longest string JavaScript makes (a RangeError).
    return '1\0!l';
  }
}

function token(state, text) {
  state.text += text;
  state.tokens++;
}

/** Writes the refusal `kind` (flat.rs `refusal`) and stops the walk. */
function refuse(state, kind) {
  token(state, '\0!' + kind);
  return false;
}

function write(v, depth, state) {
  if (state.budget === 0) return refuse(state, 'l');
  state.budget--;
  switch (typeof v) {
    case 'undefined':
      token(state, '\0u');
      return true;
    case 'boolean':
      token(state, v ? '\0t' : '\0f');
      return true;
    case 'number':
      token(state, numberOk(v) && !(v === 0 && 1 / v < 0) ? '\0n' + v : '\0x' + bits(v));
      return true;
    case 'string':
      token(state, needsEscape(v) ? '\0q' + escaped(v) : '\0s' + v);
      return true;
    case 'object':
      if (v === null) {
        token(state, '\0z');
        return true;
      }
      break;
    default:
      return refuse(state, 'p'); // a function, symbol or bigint
  }
  if (depth >= MAX_DEPTH) return refuse(state, 'd');
  try {
    if (Array.isArray(v)) return writeArray(v, depth, state);
  } catch {
    return refuse(state, 'r'); // a revoked Proxy
  }
  // A Date's time value, probed only when the prototype is not a plain object's (the probe throws for
  // anything but a Date, and a throw per options object doubled a url() call).
  let time;
  let plain = false;
  try {
    const proto = Object.getPrototypeOf(v);
    plain = proto === PLAIN || proto === null;
  } catch {
    // A Proxy's throwing trap: probed below, as any other object.
  }
  if (!plain) {
    try {
      time = timeValue(v);
    } catch {
      // Not a Date: its keys are read below.
    }
  }
  if (time !== undefined) {
    token(state, Number.isNaN(time) ? '\0z' : '\0s' + isoString(v));
    return true;
  }
  let keys;
  try {
    keys = Object.keys(v);
  } catch {
    return refuse(state, 'r');
  }
  if (keys.length > MAX_OBJECT_KEYS) return refuse(state, 'k');
  token(state, '\0o');
  for (const key of keys) {
    token(state, needsEscape(key) ? '\0K' + escaped(key) : '\0k' + key);
    if (!writeProperty(v, key, depth, state)) return false;
  }
  token(state, '\0e');
  return true;
}

function writeArray(v, depth, state) {
  let length;
  try {
    length = +v.length; // a Proxy's may be anything: a Symbol or a BigInt throws here
  } catch {
    return refuse(state, 'r');
  }
  // ToLength, as Array.prototype.join (the SDK's) takes it: a fraction is cut, a negative or NaN is 0.
  length = length > 0 ? Math.floor(length) : 0;
  if (length > state.budget) return refuse(state, 'l');
  token(state, '\0a');
  for (let i = 0; i < length; i++) {
    if (!writeProperty(v, i, depth, state)) return false;
  }
  token(state, '\0e');
  return true;
}

/** Writes `v[key]`, one level down; a getter or Proxy trap that throws is a refusal. */
function writeProperty(v, key, depth, state) {
  let item;
  try {
    item = v[key];
  } catch {
    return refuse(state, 'r');
  }
  return write(item, depth + 1, state);
}
