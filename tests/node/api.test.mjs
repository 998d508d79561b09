// The Node addon's public behaviour, and both of its entry points.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { contract } from '../shared/api-contract.mjs';
import { fastPathCases } from '../shared/fast-path-cases.mjs';

const require = createRequire(import.meta.url);

test('Node addon API contract', async (t) => contract(t, require('../../npm/node')));

test('the fast paths answer as the SDK on \\0, tokens, nesting and -0', async (t) => fastPathCases(t, require('../../npm/node')));

test('CommonJS and ESM entry points export the same functions', async () => {
  const cjs = require('../../npm/node');
  const esm = await import('../../npm/node/index.mjs');
  const byName = await import('cirrus');
  const names = ['url', 'apiSignRequest', 'signRequest', 'buildUploadParams', 'verifyIdentifier', 'generateAuthToken',
    'verifyNotificationSignature', 'privateDownloadUrl', 'downloadArchiveUrl', 'downloadZipUrl', 'parseCloudinaryUrl', 'Cloudinary'];
  for (const name of names) {
    assert.equal(typeof cjs[name], 'function', name);
    assert.equal(esm[name], cjs[name], name);
    assert.equal(byName[name], cjs[name], name);
  }
  assert.equal(esm.default, cjs);
});

test('Cloudinary.fromEnv reads CLOUDINARY_URL', () => {
  const { Cloudinary } = require('../../npm/node');
  const saved = process.env.CLOUDINARY_URL;
  try {
    process.env.CLOUDINARY_URL = 'cloudinary://k:s@from-env';
    assert.equal(Cloudinary.fromEnv().cloudName, 'from-env');
    delete process.env.CLOUDINARY_URL;
    assert.throws(() => Cloudinary.fromEnv(), { code: 'MISSING_OPTION' });
  } finally {
    if (saved === undefined) delete process.env.CLOUDINARY_URL;
    else process.env.CLOUDINARY_URL = saved;
  }
});
