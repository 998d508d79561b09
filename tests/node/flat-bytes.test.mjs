// The Node twins' option bytes (npm/node/flat-bytes.cjs): the same text flatArg writes, byte for byte
// as V8 would encode it; refused where flatArg refuses or where it would not fit; wiped after every call,
// answered or failed; safe when a getter calls cirrus again while an argument is written or read; and
// the addon refuses bytes that are not what the writer writes with a coded error, never a crash.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const cirrus = require('../../npm/node');
const { BYTES, bytesArg, releaseBytes } = require('../../npm/node/flat-bytes.cjs');
const { flatArg } = require('../../npm/node/fast-args.cjs');
const { native } = require('../../npm/node/native.cjs');

/** The text bytesArg placed in BYTES (between the header's start and end). */
function written() {
  const view = new DataView(BYTES.buffer, BYTES.byteOffset, BYTES.byteLength);
  return Buffer.from(BYTES.subarray(view.getUint32(0, true), view.getUint32(4, true)));
}

const KEY_NAMES = native.flatKeyNames();

/** Flat bytes with each key given by id (`j` and a byte) written out as its name (`k` and the name). */
function namesWritten(bytes) {
  const out = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0 && bytes[i + 1] === 0x6a) {
      const name = KEY_NAMES[bytes[i + 2] - 1];
      assert.ok(name !== undefined, `key id ${bytes[i + 2]} names nothing`);
      out.push(0, 0x6b, ...Buffer.from(name));
      i += 2;
    } else {
      out.push(bytes[i]);
    }
  }
  return Buffer.from(out);
}

/** bytesArg's text of `value` (released again), or undefined, exactly as written (`raw`), or with its key ids written out. */
function bytesOf(value, optional = false, raw = false) {
  const answer = bytesArg(value, optional);
  if (answer === undefined) return undefined;
  assert.equal(answer, BYTES);
  const text = written();
  releaseBytes();
  return raw ? text : namesWritten(text);
}

/** flatArg's text as V8 writes it to the addon (UTF-8, a lone surrogate as U+FFFD, as Buffer does). */
function flatBytes(value) {
  const text = flatArg(value);
  return text === undefined ? undefined : Buffer.from(text, 'utf8');
}

const allZero = () => BYTES.every((b) => b === 0);

const vectorOptions = (file) => JSON.parse(readFileSync(new URL(`../vectors/${file}`, import.meta.url), 'utf8')).cases
  .map((c) => c.args?.[c.args.length > 1 && file === 'url.json' ? 1 : 0])
  .filter((o) => o !== null && typeof o === 'object' && !Array.isArray(o));

test('every url and upload-params vector: the bytes are flatArg\'s text, and the buffer is clean after', () => {
  let compared = 0;
  for (const file of ['url.json', 'account_url.json', 'build_upload_params.json']) {
    for (const options of vectorOptions(file)) {
      assert.deepEqual(bytesOf(options), flatBytes(options), JSON.stringify(options));
      compared++;
    }
  }
  assert.ok(compared > 3000, `${compared} option objects`);
  assert.ok(allZero());
  console.log(`flat bytes: ${compared} vector option objects written as flatArg writes them`);
});

test('keys the core knows go by id, at any depth; other keys, and names as values, as text', () => {
  const id = (name) => String.fromCharCode(KEY_NAMES.indexOf(name) + 1);
  assert.ok(KEY_NAMES.length > 100 && KEY_NAMES.length < 0x80 && KEY_NAMES.includes('width') && KEY_NAMES.includes('transformation'));
  const text = bytesOf({ width: 'crop', mine: 1, transformation: [{ crop: 'fill' }], overlay: { text: 'x', widthx: 2 } }, false, true).toString('latin1');
  assert.equal(text, [
    '20', 'o', `j${id('width')}`, 'scrop', 'kmine', 'n1', `j${id('transformation')}`, 'a', 'o', `j${id('crop')}`, 'sfill', 'e', 'e',
    `j${id('overlay')}`, 'o', `j${id('text')}`, 'sx', 'kwidthx', 'n2', 'e', 'e',
  ].join('\0'));
  // Every name the core lists comes back as itself through the addon (a url option read by id).
  for (const name of KEY_NAMES) assert.equal(bytesOf({ [name]: 1 }).toString(), `4\0o\0k${name}\0n1\0e`);
  assert.equal(cirrus.url('sample', { cloud_name: 'demo', width: 100, crop: 'fill' }), 'https://res.cloudinary.com/demo/image/upload/c_fill,w_100/sample');
});

test('strings beyond ASCII, lone surrogates, numbers, nesting: byte for byte V8\'s UTF-8 of flatArg', () => {
  const strings = ['é', 'ü/ß', '中文', '😀', 'a😀b', '\ud800', '\udc00x', 'x\ud83d', '\ud83d\ude00\ud83d', '\u07ff\u0800\uffff', '', '\u0080'];
  for (const s of strings) {
    for (const value of [{ s }, { [s || 'k']: s }, { list: [s, 1, s] }, { deep: { deeper: { s } } }]) {
      assert.deepEqual(bytesOf(value), flatBytes(value), JSON.stringify(value));
    }
  }
  for (const n of [0, 1, -1, 0.5, 1e21, 1.5e-7, 123456789012345, Number.MAX_VALUE, Number.MIN_VALUE, -2.5]) {
    assert.deepEqual(bytesOf({ n }), flatBytes({ n }), String(n));
  }
  const mixed = { a: true, b: false, c: null, d: [[], {}, [null]], e: undefined, f: { g: 'h' } };
  assert.deepEqual(bytesOf(mixed), flatBytes(mixed));
  assert.deepEqual(bytesOf(Object.assign(Object.create(null), { x: 1 })), flatBytes(Object.assign(Object.create(null), { x: 1 })));
  // An optional options object left out crosses as `{}`.
  assert.equal(bytesOf(undefined, true).toString(), '2\0o\0e');
  assert.equal(bytesOf(undefined), undefined);
  assert.ok(allZero());
});

test('refused where flatArg refuses, and where the text would not fit', () => {
  const refused = [
    -0, { n: -0 }, { n: NaN }, { n: Infinity }, { d: new Date(0) }, { f: () => 1 }, { b: 1n }, { a: [1, undefined] },
    // eslint-disable-next-line no-sparse-arrays
    { a: [1, , 2] }, [1, 2], null, 'text', 7, new Map(), { m: new Map() }, { s: Symbol('x') },
  ];
  for (const value of refused) assert.equal(bytesOf(value), undefined, String(value?.constructor?.name ?? value));
  let deep = { end: 1 };
  for (let i = 0; i < 20; i++) deep = { deep };
  assert.equal(bytesOf(deep), undefined);
  assert.equal(flatArg(deep), undefined);
  // Keys whose value is undefined count toward MAX_VALUES as flatArg counts them.
  const sparse = { cloud_name: 'demo' };
  for (let i = 0; i < 200_001; i++) sparse[`k${i}`] = undefined;
  assert.equal(flatArg(sparse), undefined);
  assert.equal(bytesOf(sparse), undefined);
  // Larger than the buffer: refused here (flatArg's path takes it), and nothing left behind.
  const big = { text: 'x'.repeat(70_000) };
  assert.equal(bytesOf(big), undefined);
  assert.equal(bytesOf({ list: Array.from({ length: 30_000 }, () => 'ab') }), undefined);
  assert.ok(allZero());
  // ...and url() still answers it, through the string path.
  assert.equal(cirrus.url('sample', { cloud_name: 'demo', effect: `art:${'x'.repeat(70_000)}` }).length > 70_000, true);
  // A throwing getter: refused, the ordinary reader reports it with a code.
  assert.throws(() => cirrus.url('s', { cloud_name: 'demo', get width() { throw new Error('boom'); } }), (err) => typeof err.code === 'string');
  assert.ok(allZero());
});

test('a \\0 inside a value makes the count disagree: the ordinary path answers, as it does without the fast path', () => {
  const options = { cloud_name: 'demo', effect: 'art:a\0b', width: 10 };
  const fast = (() => { try { return cirrus.url('s', options); } catch (err) { return err.code; } })();
  const ordinary = (() => { try { return native.url('s', options); } catch (err) { return err.code; } })();
  assert.equal(fast, ordinary);
  assert.ok(allZero());
});

test('secrets do not stay in the buffer: wiped after a call that answered and after one that failed', () => {
  const SECRET = 'Sup3rSecretValue';
  const KEY = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
  const signed = cirrus.url('sample', { cloud_name: 'demo', sign_url: true, api_secret: SECRET, width: 10 });
  assert.match(signed, /\/s--[\w-]{8}--\//);
  assert.ok(allZero(), 'wiped after an answer');
  cirrus.url('sample', { cloud_name: 'demo', sign_url: true, auth_token: { key: KEY, duration: 60, acl: '/*' } }, 1_700_000_000_000);
  assert.ok(allZero(), 'wiped after an auth token');
  assert.throws(() => cirrus.url('sample', { cloud_name: 'demo', sign_url: true, api_secret: SECRET, signature_algorithm: 'md5' }), { code: 'UNSUPPORTED_ALGORITHM' });
  assert.ok(allZero(), 'wiped after an error');
  const client = new cirrus.Cloudinary({ cloud_name: 'demo', api_key: '1', api_secret: SECRET });
  client.url('sample', { sign_url: true, width: 5 });
  client.buildUploadParams({ public_id: 'x', api_secret: SECRET });
  try {
    cirrus.apiSignRequest({ timestamp: 1, nested: { secret: SECRET } }, SECRET);
  } catch {
    // (whether nested params sign is the vectors' business; the bytes must be wiped either way)
  }
  assert.ok(allZero(), 'wiped after the account methods and a nested param');
});

test('a tampered Array.prototype does not keep an argument from being wiped', () => {
  const SECRET = 'Pr0totypeSecret';
  const expected = cirrus.url('s', { cloud_name: 'demo', sign_url: true, api_secret: SECRET, width: 3 });
  for (const descriptor of [{ value: 1, writable: false }, { get: () => 100, set() {} }]) {
    Object.defineProperty(Array.prototype, '0', { ...descriptor, configurable: true });
    try {
      assert.equal(cirrus.url('s', { cloud_name: 'demo', sign_url: true, api_secret: SECRET, width: 3 }), expected);
    } finally {
      delete Array.prototype[0];
    }
    assert.ok(allZero(), JSON.stringify(Object.keys(descriptor)));
  }
});

test('a getter that calls cirrus while an argument is written, or while the addon reads the call, gets its own answer', () => {
  const inner = { cloud_name: 'demo', crop: 'fill', width: 40, api_secret: 'inner-secret', sign_url: true };
  const innerUrl = cirrus.url('inner', inner);
  let seen;
  // While the options are written (the writer is busy: the inner call takes flatArg's path).
  const outer = {
    cloud_name: 'demo',
    get effect() {
      seen = cirrus.url('inner', inner);
      return 'sepia';
    },
    height: 30,
  };
  assert.equal(cirrus.url('outer', outer), cirrus.url('outer', { cloud_name: 'demo', effect: 'sepia', height: 30 }));
  assert.equal(seen, innerUrl);
  // While the addon reads the call (a nowMs object's getter runs after the options' bytes were read):
  // the inner call writes after them and releases only its own.
  seen = undefined;
  const nowMs = {
    get x() {
      seen = cirrus.url('inner', inner);
      return 1;
    },
  };
  assert.throws(() => cirrus.url('outer', { cloud_name: 'demo', width: 5 }, nowMs), { code: 'INVALID_ARGUMENT' });
  assert.equal(seen, innerUrl);
  assert.ok(allZero());
});

test('url()\'s hand-written text twin reads its arguments as the ordinary path does: same answers, same coded errors', () => {
  const outcome = (fn) => {
    try {
      return { url: fn() };
    } catch (err) {
      return { code: err.code, message: err.message };
    }
  };
  const options = { cloud_name: 'demo', width: 10, auth_token: { key: 'abcd', duration: 300 }, sign_url: true };
  const hostile = { get toString() { throw new Error('boom'); } };
  const ids = ['sample', 5, 1.5, '', undefined, null, true, {}, [], hostile, Object.create(null), 'é/😀'];
  const nows = [undefined, null, 1_700_000_000_000, '1700000000000', {}, Number.NaN];
  for (const id of ids) {
    for (const now of nows) {
      const text = bytesArg(options);
      let fast;
      try {
        fast = outcome(() => native.urlJson(id, text, now));
      } finally {
        releaseBytes();
      }
      assert.deepEqual(fast, outcome(() => native.url(id, options, now)), `${String(typeof id)} ${String(now)}`);
    }
  }
  // A text the addon refuses sends the call to the ordinary path before nowMs is read: its getters run once.
  let reads = 0;
  const now = { get x() { reads++; return 1; } };
  assert.throws(() => cirrus.url('s', { cloud_name: 'demo', effect: 'a\0b' }, now), (err) => err.code === 'INVALID_ARGUMENT');
  assert.equal(reads, 1);
  // Arguments missing or not text: N-API's status as the code, nothing thrown uncoded or crashed.
  for (const args of [[], ['s'], ['s', 5], ['s', {}], ['s', new Uint16Array(8)]]) {
    assert.throws(() => native.urlJson(...args), (err) => typeof err.code === 'string' && err.code !== 'INTERNAL', String(args));
  }
  assert.ok(allZero());
});

test('bytes the writer did not write are refused with a code, never read past their end', () => {
  const bad = (header, body) => {
    const bytes = new Uint8Array(8 + body.length);
    new DataView(bytes.buffer).setUint32(0, header[0], true);
    new DataView(bytes.buffer).setUint32(4, header[1], true);
    bytes.set(body, 8);
    return bytes;
  };
  const body = Buffer.from('6\0o\0kcloud_name\0sdemo\0kwidth\0n10\0e');
  // The well-formed case answers, so the refusals below are about the bytes.
  assert.equal(native.urlJson('s', bad([8, 8 + body.length], body)), cirrus.url('s', { cloud_name: 'demo', width: 10 }));
  for (const bytes of [
    bad([8, 9 + body.length], body), // past the end
    bad([12, 10], body), // start after end
    bad([0, 8], body), // inside the header
    bad([8, 8 + 4], Buffer.from([0x34, 0x00, 0xff, 0xfe])), // not UTF-8
    new Uint8Array(4), // no header
    new Uint16Array(16), // not bytes
    new Float64Array(4),
  ]) {
    assert.throws(() => native.urlJson('s', bytes), (err) => typeof err.code === 'string' && err.code !== 'INTERNAL', String(bytes));
  }
});

test('several threads at once: each has its own bytes, and every url vector answers as expected in each', async () => {
  // The addon in three threads (two workers and this one), all building the url vectors at the same
  // time: each thread's package has its own BYTES, the addon's text pool is per thread.
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const cirrus = require(workerData.pkg);
    const { cases } = JSON.parse(require('node:fs').readFileSync(workerData.vectors, 'utf8'));
    let wrong = 0, done = 0;
    for (let round = 0; round < 3; round++) {
      for (const c of cases) {
        if (typeof c.expected !== 'string') continue;
        let got;
        try { got = cirrus.url(c.args[0], c.args[1], c.now_ms); } catch (err) { got = err.code; }
        if (got !== c.expected) wrong++;
        done++;
      }
    }
    parentPort.postMessage({ wrong, done });
  `;
  const workerData = { pkg: require.resolve('../../npm/node'), vectors: new URL('../vectors/url.json', import.meta.url).pathname };
  const run = () => new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const workers = [run(), run()];
  const { cases } = JSON.parse(readFileSync(workerData.vectors, 'utf8'));
  let wrongHere = 0;
  for (const c of cases) {
    if (typeof c.expected === 'string' && cirrus.url(c.args[0], c.args[1], c.now_ms) !== c.expected) wrongHere++;
  }
  const results = await Promise.all(workers);
  assert.equal(wrongHere, 0);
  for (const r of results) {
    assert.ok(r.done > 3 * 2000, `${r.done} calls`);
    assert.equal(r.wrong, 0);
  }
  assert.ok(allZero());
});
