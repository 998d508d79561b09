// The fast paths (flat text, JSON text) against the official SDK on the inputs that stress them: keys
// and strings holding \0 and whole flat tokens (which must never be read as other entries), nested
// data, -0, fractions, undefined values. Every answer must be the SDK's, whichever path gave it. Shared
// by the Node addon's suite and the web package's (in Node).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const sdk = require('cloudinary').v2;

/** Strings that are flat-text tokens once a \0 is in them. */
const TRICKY = ['x\u0000kb\u0000sy', '\u0000e', 'a\u0000', '\u0000', 'é😀\u0000o\u0000e', 'plain'];

export function fastPathCases(t, lib) {
  return Promise.all([
    t.test('apiSignRequest: values and keys holding \\0 sign as the SDK signs them', () => {
      for (const s of TRICKY) {
        // (A non-ASCII key sorts otherwise in the SDK, which uses localeCompare: a known deviation.)
        const keyed = /^[\x00-\x7f]*$/.test(s) ? [{ [s]: 'v', timestamp: 1 }] : [];
        for (const params of [{ a: s, b: 'z' }, ...keyed, { a: s }, { a: 1.5, b: true, c: null, d: undefined, e: s }]) {
          assert.equal(lib.apiSignRequest(params, 'secret'), sdk.utils.api_sign_request({ ...params }, 'secret'), JSON.stringify(params));
        }
      }
    }),
    t.test('buildUploadParams + signRequest: nested options holding \\0 give the SDK\'s params', () => {
      for (const s of TRICKY) {
        const options = { public_id: s, tags: [s, 'b'], context: { alt: s, [s]: 'k' }, eager: [{ width: 200, crop: 'fill', effect: s }], timestamp: 1700000000, overwrite: true, x: -0 };
        const ours = lib.buildUploadParams(options);
        const theirs = sdk.utils.build_upload_params({ ...options });
        for (const k of Object.keys(theirs)) if (theirs[k] === undefined) delete theirs[k];
        assert.deepEqual(ours, theirs, JSON.stringify(s));
        const keys = { api_key: '1234', api_secret: 'secret' };
        assert.deepEqual(lib.signRequest(ours, keys), sdk.utils.sign_request({ ...theirs }, keys), JSON.stringify(s));
      }
    }),
    t.test('-0 echoed back stays -0, as in the SDK', () => {
      const keys = { api_key: '1234', api_secret: 'secret' };
      assert.ok(Object.is(lib.signRequest({ a: -0, b: 'x' }, keys).a, -0));
      assert.ok(Object.is(sdk.utils.sign_request({ a: -0, b: 'x' }, keys).a, -0));
      assert.ok(Object.is(lib.buildUploadParams({ public_id: 'p', folder: -0, timestamp: 1 }).folder, -0));
      assert.ok(Object.is(sdk.utils.build_upload_params({ public_id: 'p', folder: -0, timestamp: 1 }).folder, -0));
    }),
    t.test('texts of every length around the Node addon\'s 1 KiB reading room, ending in 1- to 4-byte characters, and past its 64 KiB pool limit', () => {
      // The addon reads a text argument in one call into a reused buffer and reads again when V8 may have
      // stopped short (it writes whole characters only): a signature over the text shows any byte lost.
      for (let pad = 1000; pad <= 1030; pad++) {
        for (const ch of ['a', 'é', '€', '😀']) {
          const value = 'x'.repeat(pad) + ch.repeat(3);
          const params = { a: value, b: 'z' };
          assert.equal(lib.apiSignRequest(params, value), sdk.utils.api_sign_request({ ...params }, value), `${pad} ${ch}`);
          // A long secret with short params: a secret cut short would sign silently (a text cut short is
          // refused by its token count, and the ordinary path answers).
          assert.equal(lib.apiSignRequest({ b: 'z' }, value), sdk.utils.api_sign_request({ b: 'z' }, value), `secret ${pad} ${ch}`);
          const options = { public_id: 'p', context: { alt: value }, timestamp: 1 };
          const theirs = sdk.utils.build_upload_params({ ...options });
          for (const k of Object.keys(theirs)) if (theirs[k] === undefined) delete theirs[k];
          assert.deepEqual(lib.buildUploadParams(options), theirs, `${pad} ${ch}`);
        }
      }
      for (const size of [70_000, 300_000]) {
        const value = '😀é'.repeat(size / 6);
        assert.equal(lib.apiSignRequest({ a: value }, 's'), sdk.utils.api_sign_request({ a: value }, 's'), String(size));
        assert.equal(lib.apiSignRequest({ a: 'short' }, value), sdk.utils.api_sign_request({ a: 'short' }, value), `secret ${size}`);
        assert.equal(lib.apiSignRequest({ a: 'short' }, 's'), sdk.utils.api_sign_request({ a: 'short' }, 's'), `after ${size}`);
      }
    }),
    t.test('url: a toJSON method (own and not enumerable, or on Object.prototype) changes nothing, as in the SDK, which reads options property by property', () => {
      const options = () => {
        const component = { effect: 'sepia', width: 20 };
        Object.defineProperty(component, 'toJSON', { value: () => ({ width: 1 }) });
        const o = { cloud_name: 'demo', width: 100, crop: 'fill', transformation: [component] };
        Object.defineProperty(o, 'toJSON', { value: () => ({ height: 1 }) });
        return o;
      };
      const expected = sdk.url('sample', { ...options(), urlAnalytics: false });
      assert.equal(lib.url('sample', options()), expected);
      Object.defineProperty(Object.prototype, 'toJSON', { value() { return { height: 2 }; }, configurable: true, writable: true });
      try {
        assert.equal(lib.url('sample', options()), expected);
        assert.equal(lib.url('sample', { cloud_name: 'demo', width: 100, crop: 'fill', transformation: [{ effect: 'sepia', width: 20 }] }), expected);
      } finally {
        delete Object.prototype.toJSON;
      }
    }),
    t.test('url: options holding \\0 and tokens build the SDK\'s URL', () => {
      for (const s of TRICKY) {
        const options = { cloud_name: 'demo', crop: s, transformation: [{ width: 100, effect: s }, { overlay: { public_id: 'logo', text: s } }], angle: -0, opacity: 0.5 };
        let theirs;
        try {
          theirs = sdk.url('sample', { ...options, urlAnalytics: false });
        } catch (e) {
          theirs = `error: ${e.message}`;
        }
        let ours;
        try {
          ours = lib.url('sample', options);
        } catch (e) {
          ours = `error: ${e.message}`;
        }
        assert.equal(ours.startsWith('error') ? 'error' : ours, theirs.startsWith('error') ? 'error' : theirs, JSON.stringify(s));
      }
    }),
  ]);
}
