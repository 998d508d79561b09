// Every export of a cirrus package called with hostile values in every argument position. Each call must
// return or fail with an Error whose `code` is a string; the package must still work afterwards (a wasm
// panic would leave the instance dead), and no prototype may gain properties. Run in a child process by
// tests/{node,web}/hostile.test.mjs, so that a crash or a hang is seen as one.
import assert from 'node:assert/strict';

const SECRET = 'h0stile-s3cret';

function deepArray(levels) {
  let v = [];
  for (let i = 0; i < levels; i++) v = [v];
  return v;
}

function deepObject(levels) {
  let v = {};
  for (let i = 0; i < levels; i++) v = { transformation: v };
  return v;
}

/** Hostile values with a label each. */
export function hostileValues() {
  const cyclic = { cloud_name: 'demo' };
  cyclic.self = cyclic;
  const cyclicArray = [];
  cyclicArray.push(cyclicArray);
  const { proxy: revoked, revoke } = Proxy.revocable({}, {});
  revoke();
  const throwing = (what) => new Proxy({}, { [what]() { throw new Error(`trap ${what}`); } });
  const getterBomb = Object.defineProperty({ cloud_name: 'demo' }, 'width', { enumerable: true, get() { throw new Error('getter'); } });
  const mutating = { cloud_name: 'demo', get width() { delete this.cloud_name; this.added = 1; return 10; } };
  const huge = 'a'.repeat(16 * 1024 * 1024);
  const wide = Object.fromEntries(Array.from({ length: 300_000 }, (_, i) => [`k${i}`, i]));
  return [
    ['undefined', undefined], ['null', null], ['true', true], ['zero', 0], ['minus zero', -0], ['NaN', NaN],
    ['Infinity', Infinity], ['-Infinity', -Infinity], ['max double', Number.MAX_VALUE], ['2^53+1', 2 ** 53 + 1],
    ['empty string', ''], ['lone high surrogate', '\ud800'], ['lone low surrogate', 'x\udfffy'], ['NUL', 'a\u0000b'],
    ['emoji', '😀/😀.jpg'], ['16 MB string', huge], ['symbol', Symbol('s')], ['bigint', 10n], ['function', () => 1],
    ['class', class X {}], ['empty object', {}], ['empty array', []], ['sparse array', new Array(1e9)],
    ['filled array', new Array(1e6).fill(1)], ['100k-deep array', deepArray(100_000)], ['100k-deep object', deepObject(100_000)],
    ['cyclic object', cyclic], ['cyclic array', cyclicArray], ['300k keys', wide], ['revoked proxy', revoked],
    ['ownKeys trap', throwing('ownKeys')], ['get trap', throwing('get')], ['getPrototypeOf trap', throwing('getPrototypeOf')],
    ['getOwnPropertyDescriptor trap', throwing('getOwnPropertyDescriptor')], ['throwing getter', getterBomb],
    ['mutating getter', mutating], ['__proto__ key', JSON.parse('{"cloud_name":"demo","__proto__":{"polluted":"yes"}}')],
    ['constructor key', JSON.parse('{"cloud_name":"demo","constructor":{"prototype":{"polluted":"yes"}}}')],
    ['null prototype', Object.assign(Object.create(null), { cloud_name: 'demo', width: 1 })],
    ['Date', new Date(0)], ['RegExp', /x/g], ['Map', new Map([['a', 1]])], ['Set', new Set([1])],
    ['typed array', new Uint8Array(8)], ['Buffer', Buffer.from('abc')], ['ArrayBuffer', new ArrayBuffer(4)],
    ['promise', Promise.resolve(1)], ['toJSON throws', { cloud_name: 'demo', toJSON() { throw new Error('toJSON'); } }],
    ['toString throws', { toString() { throw new Error('toString'); }, valueOf() { throw new Error('valueOf'); } }],
    ['options with NaN', { cloud_name: 'demo', width: NaN, height: Infinity, x: -0 }],
    ['options with surrogates', { cloud_name: 'demo', overlay: 'text:Arial_20:\ud800', public_id: '\udc00' }],
    ['options with huge string', { cloud_name: 'demo', effect: huge }],
  ];
}

function noPollution() {
  for (const proto of [Object.prototype, Array.prototype, Function.prototype]) {
    assert.deepEqual(Object.getOwnPropertyNames(proto).filter((k) => k === 'polluted' || k === 'p'), [], 'a prototype was polluted');
  }
  assert.equal({}.polluted, undefined);
}

/**
 * Calls `fn(...args)` with each hostile value in each position of `base` (the other arguments valid).
 * Returns how many calls were made; throws on any call that fails without a string code.
 */
export const codesSeen = new Map();

export async function hammer(label, fn, base, sanity) {
  const values = hostileValues();
  let calls = 0;
  for (let position = 0; position < base.length; position++) {
    for (const [name, value] of values) {
      const args = base.slice();
      args[position] = value;
      calls++;
      let outcome;
      try {
        outcome = fn(...args);
        if (outcome && typeof outcome.then === 'function') outcome = await outcome;
      } catch (e) {
        if (!(e instanceof Error) || typeof e.code !== 'string' || !/^[A-Z][A-Z0-9_]+$/.test(e.code)) {
          throw new Error(`${label}: argument ${position} = ${name}: threw without a cirrus code (UPPER_SNAKE): ${e && e.code} ${e && e.stack || e}`);
        }
        if (String(e.message).includes(SECRET)) throw new Error(`${label}: the secret leaked into an error`);
        if (!codesSeen.has(e.code)) codesSeen.set(e.code, `${label} arg ${position} = ${name}`);
      }
      sanity();
      noPollution();
    }
  }
  return calls;
}

export { SECRET };
