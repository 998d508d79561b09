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
