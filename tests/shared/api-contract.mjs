// Behaviour every cirrus package must show (checked in Node), beyond the SDK vectors: coded errors, hostile input,
// per-instance clients and secret hygiene. Run against the Node addon and the web package.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';

const SECRET = 'sUp3r-s3cr3t-value';

function throwsCode(fn, code) {
  let error;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof Error, `expected an Error with code ${code}, got ${error}`);
  assert.equal(error.code, code, `${error.message}`);
  assert.ok(!String(error.message).includes(SECRET), 'a secret leaked into an error message');
  return error;
}

export async function contract(t, api) {
  await t.test('identifiers: verified, tampered, malformed, policy', () => {
    const sig = api.apiSignRequest({ public_id: 'folder/dog', version: 1700000000 }, SECRET, null, 1);
    const id = `image/upload/v1700000000/folder/dog.jpg#${sig}`;
    assert.deepEqual(api.verifyIdentifier(id, SECRET), {
      resource_type: 'image', type: 'upload', version: 1700000000, public_id: 'folder/dog', format: 'jpg',
      identifier: 'image/upload/v1700000000/folder/dog.jpg',
    });
    throwsCode(() => api.verifyIdentifier(id.replace('dog.jpg', 'cat.jpg'), SECRET), 'INVALID_SIGNATURE');
    throwsCode(() => api.verifyIdentifier(id.replace('v1700000000', 'v1700000001'), SECRET), 'INVALID_SIGNATURE');
    throwsCode(() => api.verifyIdentifier('image/upload/dog.jpg', SECRET), 'INVALID_IDENTIFIER');
    throwsCode(() => api.verifyIdentifier(42, SECRET), 'INVALID_IDENTIFIER');
    throwsCode(() => api.verifyIdentifier(id, SECRET, { allowed_formats: ['png'] }), 'IDENTIFIER_NOT_ALLOWED');
    throwsCode(() => api.verifyIdentifier(id, SECRET, { allowed_types: ['private'] }), 'IDENTIFIER_NOT_ALLOWED');
    assert.equal(api.verifyIdentifier(id, SECRET, { allowed_resource_types: ['image'], allowed_formats: ['JPG'] }).format, 'jpg');
  });

  await t.test('wrong types are coded errors, never crashes', () => {
    const cyclic = { cloud_name: 'demo' };
    cyclic.self = cyclic;
    let deep = {};
    for (let i = 0; i < 1000; i++) deep = { transformation: [deep] };
    const hostile = [
      () => api.url(Symbol('x'), {}),
      () => api.url('x', () => 1),
      () => api.url('x', { cloud_name: 'demo', width: 10n }),
      () => api.url('x', cyclic),
      () => api.url('x', { cloud_name: 'demo', ...deep }),
      () => api.url('x', { get cloud_name() { throw new Error('getter'); } }),
      () => api.url('x', new Proxy({}, { ownKeys() { throw new Error('trap'); } })),
      () => api.url({}, { cloud_name: 'demo' }),
      () => api.apiSignRequest('not an object', SECRET),
      () => api.apiSignRequest({}, 42),
      () => api.signRequest({ a: 1 }, 'options'),
      // No params is not an empty set of params (the SDK fails on it too).
      () => api.signRequest(null, { api_key: '1', api_secret: SECRET }),
      () => api.signRequest(undefined, { api_key: '1', api_secret: SECRET }),
      () => api.apiSignRequest(undefined, SECRET),
      () => api.apiSignRequest(null, SECRET),
      // An array is not params, even one without a prototype (no fast path may read it as an object).
      () => api.apiSignRequest(['a'], SECRET),
      () => api.apiSignRequest(Object.setPrototypeOf(['a', 'b'], null), SECRET),
      () => api.parseCloudinaryUrl(null),
    ];
    for (const fn of hostile) throwsCode(fn, 'INVALID_ARGUMENT');
    throwsCode(() => api.url('x', { cloud_name: 'demo', signature_algorithm: 'md5', sign_url: true, api_secret: SECRET }), 'UNSUPPORTED_ALGORITHM');
    throwsCode(() => api.url('x', {}), 'MISSING_OPTION');
    throwsCode(() => api.url('x', { cloud_name: 'demo', url_suffix: 'a.b' }), 'INVALID_OPTION');
    throwsCode(() => api.signRequest({ a: 1 }, { api_secret: SECRET }), 'MISSING_OPTION');
    throwsCode(() => api.parseCloudinaryUrl('https://key:secret@demo'), 'INVALID_CONFIG');
    // Prototype pollution through option keys goes nowhere.
    api.url('x', JSON.parse('{"cloud_name":"demo","__proto__":{"polluted":1},"constructor":{"prototype":{"p":1}}}'));
    assert.equal({}.polluted, undefined);
    assert.equal({}.p, undefined);
  });

  await t.test('clients are per instance and keep secrets out of JSON, inspect and errors', () => {
    const a = new api.Cloudinary(`cloudinary://111:${SECRET}@cloud-a`);
    const withToken = new api.Cloudinary(`cloudinary://111:${SECRET}@cloud-c?auth_token[key]=00aa11bb&auth_token[duration]=300`);
    const b = new api.Cloudinary({ cloud_name: 'cloud-b', api_key: '222', api_secret: 'other', secure_distribution: 'cdn.b.example' });
    assert.equal(a.cloudName, 'cloud-a');
    assert.equal(a.url('dog.jpg', { width: 100 }), 'https://res.cloudinary.com/cloud-a/image/upload/w_100/dog.jpg');
    assert.equal(b.url('dog.jpg'), 'https://cdn.b.example/cloud-b/image/upload/dog.jpg');
    assert.equal(a.url('dog.jpg', { sign_url: true }), api.url('dog.jpg', { cloud_name: 'cloud-a', sign_url: true, api_secret: SECRET }));
    const signed = a.signRequest({ timestamp: 1700000000, folder: 'x' });
    assert.deepEqual(signed, api.signRequest({ timestamp: 1700000000, folder: 'x' }, { api_key: '111', api_secret: SECRET }));
    assert.equal(a.apiSignRequest({ timestamp: 1 }), api.apiSignRequest({ timestamp: 1 }, SECRET));
    const sig = a.apiSignRequest({ public_id: 'p', version: 5 });
    assert.equal(a.verifyIdentifier(`image/upload/v5/p#${api.apiSignRequest({ public_id: 'p', version: 5 }, SECRET, null, 1)}`).public_id, 'p');
    assert.ok(sig.length === 40);
    const shown = [a, withToken].flatMap((c) => [JSON.stringify(c), inspect(c), inspect(c, { showHidden: true, depth: 5 }), String(c), JSON.stringify(c.toJSON())]);
    for (const s of shown) {
      assert.ok(!s.includes(SECRET), `secret shown: ${s}`);
      assert.ok(!s.includes('00aa11bb'), `token key shown: ${s}`);
    }
    assert.equal(a.toJSON().api_secret, '[REDACTED]');
    throwsCode(() => new api.Cloudinary(42), 'INVALID_ARGUMENT');
    throwsCode(() => a.signRequest(), 'INVALID_ARGUMENT');
    throwsCode(() => a.apiSignRequest(null), 'INVALID_ARGUMENT');
    throwsCode(() => a.apiSignRequest(Object.setPrototypeOf(['a', 'b'], null)), 'INVALID_ARGUMENT');
    throwsCode(() => new api.Cloudinary('http://111:x@y'), 'INVALID_CONFIG');
    throwsCode(() => a.url('x', { url_suffix: 'bad/suffix' }), 'INVALID_OPTION');
  });

  await t.test('notifications: fresh, stale and forged', () => {
    const body = '{"public_id":"x"}';
    const now = 1_700_000_000;
    const good = createHash('sha1').update(body + now + SECRET).digest('hex');
    assert.equal(api.verifyNotificationSignature(body, now, good, { api_secret: SECRET, now }), true);
    assert.equal(api.verifyNotificationSignature(body, String(now), good, { api_secret: SECRET, now: now + 100 }), true);
    assert.equal(api.verifyNotificationSignature(body, now, good, { api_secret: SECRET, now: now + 7201 }), false);
    assert.equal(api.verifyNotificationSignature(body, now, good, { api_secret: SECRET, now: now + 100, valid_for: 60 }), false);
    assert.equal(api.verifyNotificationSignature(`${body} `, now, good, { api_secret: SECRET, now }), false);
    throwsCode(() => api.verifyNotificationSignature(body, now, good, {}), 'MISSING_OPTION');
  });

  await t.test('time-dependent results default to the clock and can be pinned', () => {
    const before = Math.floor(Date.now() / 1000);
    const params = api.buildUploadParams({ folder: 'x' });
    assert.ok(params.timestamp >= before && params.timestamp <= before + 5);
    assert.equal(api.buildUploadParams({}, 1_700_000_000_999).timestamp, 1_700_000_000);
    const token = api.generateAuthToken({ key: '00ff', duration: 60, acl: '/*' }, 1_000_000);
    assert.match(token, /^__cld_token__=exp=1060~acl=%2f\*~hmac=[0-9a-f]{64}$/);
    // url() takes the clock's time for a token that needs it (a duration without start_time).
    const tokenUrl = (nowMs) => api.url('sample', { cloud_name: 'demo', sign_url: true, auth_token: { key: '00ff', duration: 60 } }, nowMs);
    const expires = (u) => Number(/exp=(\d+)/.exec(u)[1]);
    const at = Math.floor(Date.now() / 1000);
    const fromClock = expires(tokenUrl());
    assert.ok(fromClock >= at + 60 && fromClock <= Math.ceil(Date.now() / 1000) + 60, `exp ${fromClock} near ${at + 60}`);
    assert.equal(expires(tokenUrl(1_000_000)), 1060);
    // A nowMs of the wrong type is refused even where the call would not need the time.
    throwsCode(() => api.url('sample', { cloud_name: 'demo' }, 'soon'), 'INVALID_ARGUMENT');
    throwsCode(() => new api.Cloudinary({ cloud_name: 'demo' }).url('sample', {}, 'soon'), 'INVALID_ARGUMENT');
    assert.equal(expires(new api.Cloudinary({ cloud_name: 'demo' }).url('sample', { sign_url: true, auth_token: { key: '00ff', duration: 60 } }, 1_000_000)), 1060);
  });
}
