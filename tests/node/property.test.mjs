// Property-based comparison with the official SDK: random well-typed inputs (seeded; PROPERTY_SEED and
// PROPERTY_CASES to explore further) must give exactly the SDK's output, or an error when the SDK throws.
// Generators stay inside the documented deviations (tests/vectors/deviations.json): no nested-folder
// layer ids, no fetch layers; signing cases whose key order differs between byte order (Cloudinary's
// servers, cirrus) and localeCompare (the Node SDK) are counted and skipped.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const cirrus = require('../../npm/node');
const cloudinary = require('cloudinary').v2;
const SEED = Number(process.env.PROPERTY_SEED ?? 20261122);
const CASES = Number(process.env.PROPERTY_CASES ?? 1500);

function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gen(seed) {
  const r = prng(seed);
  const int = (lo, hi) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = (xs) => xs[int(0, xs.length - 1)];
  const maybe = (p = 0.5) => r() < p;
  const word = () => Array.from({ length: int(1, 8) }, () => pick('abcdefghijklmnopqrstuvwxyz0123456789_-'.split(''))).join('');
  const publicId = () => Array.from({ length: int(1, 3) }, word).join('/');
  const component = () => {
    const o = {};
    if (maybe()) o.width = pick([int(1, 2000), 'auto', 0.5, `${int(1, 9)}.${int(1, 9)}`]);
    if (maybe()) o.height = pick([int(1, 2000), 0.25]);
    if (maybe()) o.crop = pick(['fill', 'fit', 'scale', 'thumb', 'limit', 'pad', 'crop', 'lfill']);
    if (maybe(0.4)) o.gravity = pick(['auto', 'face', 'faces', 'north', 'south_east', 'center', 'auto:subject']);
    if (maybe(0.3)) o.quality = pick(['auto', 'auto:good', int(1, 100)]);
    if (maybe(0.3)) o.fetch_format = pick(['auto', 'webp', 'avif']);
    if (maybe(0.3)) o.effect = pick(['sepia', 'sepia:50', 'grayscale', 'blur:300', 'sharpen', ['art', 'incognito']]);
    if (maybe(0.2)) o.radius = pick([int(0, 50), 'max', [int(1, 9), int(1, 9)]]);
    if (maybe(0.2)) o.angle = pick([int(-180, 180), 'auto_right', ['auto_left', 'hflip']]);
    if (maybe(0.2)) o.opacity = int(0, 100);
    if (maybe(0.2)) o.border = pick(['2px_solid_red', { width: int(1, 5), color: pick(['red', '#00ff00']) }]);
    if (maybe(0.2)) o.background = pick(['blue', '#ff0000', 'auto:predominant']);
    if (maybe(0.2)) o.dpr = pick([1, 2, 'auto', 1.5]);
    if (maybe(0.2)) o.flags = pick(['progressive', ['lossy', 'progressive'], 'attachment']);
    if (maybe(0.15)) o.overlay = pick(['logo', 'text:Arial_20:hello', { public_id: 'badge' }, { font_family: 'Arial', font_size: 18, text: 'Hi there' }]);
    if (maybe(0.1)) o.x = int(-50, 50);
    if (maybe(0.1)) o.y = int(-50, 50);
    if (maybe(0.1)) o.aspect_ratio = pick(['16:9', 1.5, '1.0']);
    if (maybe(0.1)) o.if = pick(['w_gt_100', 'width > 100', 'ar < 1.0']);
    if (maybe(0.1)) o.page = int(1, 9);
    return o;
  };
  return { r, int, pick, maybe, word, publicId, component };
}

function urlCase(seed) {
  const g = gen(seed);
  const options = { cloud_name: g.pick(['demo', 'my-cloud']), ...g.component() };
  if (g.maybe(0.3)) options.transformation = Array.from({ length: g.int(1, 3) }, g.component);
  if (g.maybe(0.3)) options.version = g.int(1, 1_800_000_000);
  if (g.maybe(0.3)) options.format = g.pick(['jpg', 'png', 'webp']);
  if (g.maybe(0.2)) options.secure = g.maybe();
  if (g.maybe(0.2)) options.resource_type = g.pick(['image', 'video', 'raw']);
  if (g.maybe(0.2)) options.type = g.pick(['upload', 'private', 'authenticated']);
  if (g.maybe(0.15)) Object.assign(options, { sign_url: true, api_secret: g.word() });
  if (g.maybe(0.1)) options.cdn_subdomain = true;
  if (g.maybe(0.1)) options.private_cdn = true;
  return [g.publicId(), options];
}

const PARAM_KEYS = ['timestamp', 'public_id', 'folder', 'tags', 'eager', 'context', 'overwrite', 'invalidate', 'type',
  'upload_preset', 'notification_url', 'callback', 'format', 'unique_filename', 'use_filename', 'backup', 'moderation',
  'transformation', 'eager_async', 'eager_notification_url', 'face_coordinates', 'custom_coordinates', 'headers',
  'allowed_formats', 'public_id_prefix', 'asset_folder', 'display_name', 'colors', 'faces', 'image_metadata', 'phash'];

function signCase(seed) {
  const g = gen(seed);
  const params = {};
  for (let i = g.int(1, 8); i > 0; i--) {
    params[g.pick(PARAM_KEYS)] = g.pick([g.word(), g.int(0, 1_800_000_000), [g.word(), g.word()], g.maybe(), '', null, 'a&b=c']);
  }
  return [params, g.word() + g.word()];
}

function uploadCase(seed) {
  const g = gen(seed);
  const o = { timestamp: g.int(1_600_000_000, 1_800_000_000) };
  if (g.maybe()) o.public_id = g.publicId();
  if (g.maybe(0.4)) o.folder = g.word();
  if (g.maybe(0.4)) o.tags = Array.from({ length: g.int(1, 3) }, g.word);
  if (g.maybe(0.3)) o.context = { alt: g.word(), caption: `${g.word()} ${g.word()}` };
  if (g.maybe(0.3)) o.eager = Array.from({ length: g.int(1, 2) }, g.component);
  if (g.maybe(0.3)) o.overwrite = g.maybe();
  if (g.maybe(0.2)) o.invalidate = g.maybe();
  if (g.maybe(0.2)) o.transformation = g.component();
  if (g.maybe(0.2)) o.type = g.pick(['upload', 'private', 'authenticated']);
  if (g.maybe(0.1)) o.notification_url = `https://example.com/${g.word()}`;
  return o;
}

const outcome = (fn) => {
  try {
    return { value: fn() };
  } catch (e) {
    return { error: e };
  }
};

function compare(name, make, ours, theirs, { skip } = {}) {
  let compared = 0;
  let skipped = 0;
  for (let i = 0; i < CASES; i++) {
    const input = make(SEED + i);
    if (skip && skip(input)) {
      skipped++;
      continue;
    }
    const a = outcome(() => ours(structuredClone(input)));
    const b = outcome(() => theirs(structuredClone(input)));
    const where = `${name} case ${i} (PROPERTY_SEED=${SEED}): ${JSON.stringify(input)}`;
    if (b.error) {
      assert.ok(a.error, `${where}: the SDK throws (${b.error.message ?? b.error}) but cirrus returned ${JSON.stringify(a.value)}`);
    } else {
      assert.ok(!a.error, `${where}: cirrus threw ${a.error?.code} ${a.error?.message}, the SDK gave ${JSON.stringify(b.value)}`);
      assert.deepEqual(a.value, b.value, where);
    }
    compared++;
  }
  console.log(`property ${name}: ${compared} random cases agree with the SDK (${skipped} skipped as a documented deviation)`);
  return compared;
}

// Keys whose byte order and localeCompare order disagree (the documented signing deviation).
const orderDiffers = (keys) => {
  const byBytes = [...keys].sort();
  const byLocale = [...keys].sort((x, y) => x.localeCompare(y));
  return byBytes.join() !== byLocale.join();
};

test('url(): random option sets agree with cloudinary.url', () => {
  compare('url', urlCase, ([id, o]) => cirrus.url(id, o), ([id, o]) => cloudinary.url(id, { ...o, urlAnalytics: false }));
});

test('apiSignRequest: random params agree with utils.api_sign_request', () => {
  compare('apiSignRequest', signCase, ([p, s]) => cirrus.apiSignRequest(p, s), ([p, s]) => cloudinary.utils.api_sign_request(p, s),
    { skip: ([p]) => orderDiffers(Object.keys(p).filter((k) => p[k] !== null && p[k] !== '')) });
});

test('signRequest(buildUploadParams(...)): random uploads agree with the SDK', () => {
  const keys = { api_key: '1234', api_secret: 'property-secret' };
  compare('signRequest(buildUploadParams)', uploadCase,
    (o) => cirrus.signRequest(cirrus.buildUploadParams(o), keys),
    (o) => cloudinary.utils.sign_request(cloudinary.utils.build_upload_params(o), keys),
    { skip: (o) => orderDiffers(Object.keys(cirrus.buildUploadParams(o)).filter((k) => ![null, undefined, ''].includes(cirrus.buildUploadParams(o)[k]))) });
});

test('verifyIdentifier agrees with PreloadedFile.is_valid on signed and tampered identifiers', () => {
  const secret = 'identifier-secret';
  cloudinary.config({ cloud_name: 'demo', api_key: '1234', api_secret: secret });
  let checked = 0;
  for (let i = 0; i < CASES; i++) {
    const g = gen(SEED + i);
    const id = g.publicId();
    const version = g.int(1, 1_800_000_000);
    const format = g.pick(['jpg', 'png', null]);
    const signature = cloudinary.utils.api_sign_request({ public_id: id, version }, secret);
    let text = `image/upload/v${version}/${id}${format ? `.${format}` : ''}#${signature}`;
    if (g.maybe(0.4)) text = text.replace(g.pick(['v', '/', signature[3]]), g.pick(['w', '_', '0']));
    const sdk = outcome(() => new cloudinary.PreloadedFile(text).is_valid());
    const ours = outcome(() => cirrus.verifyIdentifier(text, secret));
    const sdkValid = !sdk.error && sdk.value === true;
    assert.equal(!ours.error, sdkValid, `${text}: cirrus ${ours.error?.code ?? 'valid'}, SDK ${sdk.error ? 'throws' : sdk.value}`);
    checked++;
  }
  console.log(`property verifyIdentifier: ${checked} random identifiers agree with the SDK`);
});
