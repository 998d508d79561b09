// Both packages read any JavaScript argument alike: the Node addon walks it through N-API, the wasm
// modules have it written as flat text (npm/web/value-text.js) that the core parses. For every hostile
// value, in every place an option can hold it, each package must give the same URL or upload params,
// or the same error code and message.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import vm from 'node:vm';
import * as web from 'cirrus-web';
import { hostileValues } from '../shared/hostile-matrix.mjs';

const node = createRequire(import.meta.url)('cirrus');

/** What a call gave: its result, or its error's code and message. */
function outcome(fn) {
  try {
    return { result: fn() };
  } catch (err) {
    return { code: err.code, message: err.message };
  }
}

/** The places a value is read: the whole argument, an option, an item of a list, a nested option. */
const PLACES = {
  'the options': (v) => v,
  'an option': (v) => ({ cloud_name: 'demo', width: v }),
  'a chained transformation': (v) => ({ cloud_name: 'demo', transformation: [{ crop: 'fill' }, v] }),
  'a nested option': (v) => ({ cloud_name: 'demo', overlay: { public_id: 'x', text: v } }),
  'a list item': (v) => ({ cloud_name: 'demo', effect: ['sepia', v] }),
};

const SKIP = new Set(['16 MB string', 'options with huge string', 'filled array']); // slow, and covered by the hostile suites

test('url() and buildUploadParams() read every hostile value alike in the Node addon and in wasm', async () => {
  await web.init();
  // Each call gets its own copy: a value may change as it is read (the mutating getter).
  const copies = Array.from({ length: 4 }, hostileValues);
  const mutating = () => ({ cloud_name: 'demo', get width() { delete this.cloud_name; this.added = 1; return 10; } });
  let compared = 0;
  for (let i = 0; i < copies[0].length; i++) {
    const [label] = copies[0][i];
    if (SKIP.has(label)) continue;
    const value = (copy) => (label === 'mutating getter' ? mutating() : copies[copy][i][1]);
    for (const [place, wrap] of Object.entries(PLACES)) {
      assert.deepEqual(outcome(() => web.url('sample', wrap(value(0)), 0)), outcome(() => node.url('sample', wrap(value(1)), 0)), `url: ${label} as ${place}`);
      assert.deepEqual(outcome(() => web.buildUploadParams(wrap(value(2)), 0)), outcome(() => node.buildUploadParams(wrap(value(3)), 0)), `buildUploadParams: ${label} as ${place}`);
      compared += 2;
    }
  }
  console.log(`${compared} calls compared`);
});

test('values flat text carries only as refusals or escapes read alike too', async () => {
  await web.init();
  class Options { constructor() { this.cloud_name = 'demo'; this.width = 100; } get crop() { return 'fill'; } }
  const cases = {
    'a class instance (own keys only)': new Options(),
    'keys and values holding \\0 and \\x01': { cloud_name: 'demo', 'a\0b': 'c\x01d', overlay: 'text:Arial_20:\0\x01x' },
    'numbers text cannot carry': { cloud_name: 'demo', width: 0.1 + 0.2, height: 1e-7, x: -0, y: 2 ** 60 + 2 ** 10 },
    'holes and undefined items': { cloud_name: 'demo', effect: ['sepia', undefined, , 'blur'] }, // eslint-disable-line no-sparse-arrays
    'a Date anywhere': { cloud_name: 'demo', width: new Date(86_400_000), public_id: new Date(NaN) },
    'a Date subclass': { cloud_name: 'demo', width: new (class extends Date {})(0) },
    // A Date is what has a Date's time value (N-API's napi_is_date), whatever its getTime says, unless
    // its prototype was made a plain object's (then its keys, as JSON.stringify finds no toJSON); beside
    // a Date the Node addon reads with its ordinary reader, alone with its fast path.
    'a Proxy of a Date (no time value: its keys)': { cloud_name: 'demo', width: new Proxy(new Date(0), {}) },
    'an object inheriting from Date.prototype': { cloud_name: 'demo', width: Object.create(Date.prototype) },
    'a Date of another realm': { cloud_name: 'demo', width: vm.runInNewContext('new Date(0)') },
    'a Date with its own getTime': { cloud_name: 'demo', width: Object.assign(new Date(0), { getTime: () => 5 }) },
    'a Date with another prototype': { cloud_name: 'demo', width: Object.setPrototypeOf(new Date(0), Array.prototype) },
    'a Date with a null prototype': { cloud_name: 'demo', width: Object.setPrototypeOf(new Date(0), null) },
    'a Date with a null prototype, beside a Date': { cloud_name: 'demo', public_id: new Date(0), width: Object.setPrototypeOf(new Date(0), null) },
    'a Date with a plain prototype, beside a Date': { cloud_name: 'demo', public_id: new Date(0), width: Object.setPrototypeOf(new Date(0), Object.prototype) },
    // Nesting: the options are depth 0, so n nested arrays put the innermost at depth n (64 and deeper refused).
    '63 levels': { cloud_name: 'demo', a: JSON.parse('['.repeat(63) + ']'.repeat(63)) },
    '64 levels': { cloud_name: 'demo', a: JSON.parse('['.repeat(64) + ']'.repeat(64)) },
    // Size: every value counts (the options and the list too), 200,000 in all.
    '200,000 values': { effect: new Array(199_998).fill('a') },
    '200,001 values': { effect: new Array(199_999).fill('a') },
    '10,000 keys': { cloud_name: 'demo', overlay: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, 1])) },
    '10,001 keys': { cloud_name: 'demo', overlay: Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`k${i}`, 1])) },
  };
  // Each limit is met on the side the label says, not only alike in both packages.
  const refused = { '64 levels': /nested too deeply/, '200,001 values': /is too large/, '10,001 keys': /more than 10000 keys/ };
  const accepted = ['63 levels', '200,000 values', '10,000 keys'];
  for (const [label, options] of Object.entries(cases)) {
    const theirs = outcome(() => node.url('sample', options, 0));
    assert.deepEqual(outcome(() => web.url('sample', options, 0)), theirs, label);
    if (refused[label]) assert.match(theirs.message ?? '', refused[label], label);
    else if (accepted.includes(label)) assert.doesNotMatch(theirs.message ?? '', /nested too deeply|is too large|more than/, label);
  }
  // A Proxy of an array (a Vue `reactive` list) is an array to the SDK (Array.isArray), whatever N-API's
  // own is-array test says; its length is read as a length. Dates beside it send Node to its ordinary
  // reader.
  const sdk = createRequire(import.meta.url)('cloudinary').v2;
  const proxied = (length, when) => ({ cloud_name: 'demo', ...(when && { public_id: new Date(0) }), effect: new Proxy(['sepia', 'blur'], { get: (t, k) => (k === 'length' ? length : t[k]) }) });
  for (const length of [2, 2.7, 1, 0, -1, NaN, '2', '1.5', true, null, 300_000, Symbol('length')]) {
    for (const when of [false, true]) {
      const label = `a Proxy of an array whose length is ${String(length)}${when ? ', beside a Date' : ''}`;
      const theirs = outcome(() => node.url('sample', proxied(length, when), 0));
      assert.deepEqual(outcome(() => web.url('sample', proxied(length, when), 0)), theirs, label);
      if (theirs.result) assert.equal(theirs.result, sdk.url('sample', { ...proxied(length, when), urlAnalytics: false }), label);
    }
  }
  const revoked = Proxy.revocable([], {});
  revoked.revoke();
  assert.deepEqual(outcome(() => web.url('sample', { cloud_name: 'demo', effect: revoked.proxy }, 0)), outcome(() => node.url('sample', { cloud_name: 'demo', effect: revoked.proxy }, 0)), 'a revoked Proxy');
  Object.prototype.polluted = 'yes'; // eslint-disable-line no-extend-native
  try {
    const options = { cloud_name: 'demo', width: 100 };
    assert.deepEqual(outcome(() => web.url('sample', options, 0)), outcome(() => node.url('sample', options, 0)), 'a polluted Object.prototype');
  } finally {
    delete Object.prototype.polluted;
  }
});
