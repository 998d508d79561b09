#!/usr/bin/env node
// Generates the conformance vectors under tests/vectors/ from the official `cloudinary` SDK (the oracle).
// Seeded and deterministic: the same seed and SDK version give byte-identical files.
//
//   node scripts/generate-vectors.mjs [--seed 20261122]
//
// Every case is a call (its arguments exactly as stored in JSON) and what the SDK returned or threw.
// Cases where cirrus deliberately differs from the SDK go to deviations.json instead, with both values.
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

delete process.env.CLOUDINARY_URL;
delete process.env.CLOUDINARY_ACCOUNT_URL;
delete process.env.CLOUDINARY_API_PROXY;

const require = createRequire(import.meta.url);
const cloudinary = require('cloudinary');
const PreloadedFile = require('cloudinary/lib/preloaded_file');
const sdkVersion = require('cloudinary/package.json').version;
const utils = cloudinary.utils;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'tests', 'vectors');
const seedArg = process.argv.indexOf('--seed');
const SEED = seedArg > 0 ? Number(process.argv[seedArg + 1]) : 20261122;

// ---------------------------------------------------------------- deterministic randomness
let state = SEED >>> 0;
function rand() {
  // mulberry32
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const chance = (p) => rand() < p;
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const roundTrip = (v) => JSON.parse(JSON.stringify(v));

// Date.now is pinned per case so that timestamps, token start times and ages are reproducible.
const realNow = Date.now;
const realTimestamp = utils.timestamp;
function withNow(nowMs, fn) {
  Date.now = () => nowMs;
  // The SDK's own timestamp() reads `new Date()`, not Date.now.
  utils.timestamp = () => Math.floor(nowMs / 1000);
  try {
    return fn();
  } finally {
    Date.now = realNow;
    utils.timestamp = realTimestamp;
  }
}

function outcome(fn) {
  try {
    const result = fn();
    return { expected: result === undefined ? null : roundTrip(result) };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { error: message, error_type: e instanceof Error ? e.constructor.name : typeof e };
  }
}

function config(settings) {
  cloudinary.config(true);
  for (const k of Object.keys(cloudinary.config())) delete cloudinary.config()[k];
  cloudinary.config(settings);
}

// ---------------------------------------------------------------- value pools
const words = ['sample', 'dog', 'cat', 'photo', 'my image', 'logo', 'a-b_c', 'x.y', 'IMG_001', 'file'];
const unicode = ['ünïcödé', '日本語', 'emoji😀', 'Ελληνικά', 'naïve café', 'דוד', 'tab\tname'];
const reserved = ['a?b', 'a&b=c', 'a#b', 'a+b', 'semi;colon', 'col:on', 'paren(1)', "quote'd", 'comma,s', 'pct%20enc', '100%', 'at@sign', 'star*', 'tilde~', 'brace{x}', 'back\\slash', 'caret^', 'pipe|x', 'dollar$x'];

function publicId() {
  const r = rand();
  if (r < 0.25) return pick(words);
  if (r < 0.35) return pick(unicode);
  if (r < 0.5) return pick(reserved);
  if (r < 0.62) return `${pick(words)}/${pick(words)}${chance(0.5) ? `/${pick(words)}` : ''}`;
  if (r < 0.68) return pick(['a//b', 'folder//img', 'x///y', 'v12/abc', 'v1/folder/img', 'vx/abc']);
  if (r < 0.76) return pick([
    'http://example.com/images/dog.jpg',
    'https://example.com/a b/ü.png?x=1&y=2',
    'HTTPS://EXAMPLE.COM/UP.JPG',
    'http://example.com//double//slash.jpg',
    'https://upload.wikimedia.org/wikipedia/commons/1/13/Benedict_Cumberbatch_2011.png',
  ]);
  if (r < 0.82) return pick(['image/upload/v1234/sample.jpg', 'raw/private/v99/doc.pdf', 'image/fetch/v1/x', 'video/upload/v1/clip']);
  if (r < 0.88) return `${pick(words)}.${pick(['jpg', 'png', 'webp'])}`;
  return `${pick(words)} ${pick(unicode)}/${pick(reserved)}`;
}

const expressions = ['width > 100', 'w_gt_100', 'ar >= 1.0 && face_count > 0', 'initial_width < 500 || initial_height > 300',
  'page_count != 3', '$w * 2', 'iw / 2 + 10', 'width * 0.5', 'height - 20', 'aspect_ratio = 1.5', 'pageX > 10 && pageY < 5',
  '!width > 0!', 'initialWidth ^ 2', 'duration > 10', 'current_page = 1', 'tags contains x', ':width', '$foo_bar + width'];

const transformationPools = {
  width: () => pick([100, 250, 0.5, 1, '300', 'auto', 'auto:100:400', 'iw_div_2', '$w', 'initial_width * 2', 0, 1.25]),
  height: () => pick([100, 200, 0.75, '150', 'ih_mul_0.5', '$h + 10', 'height * 2']),
  crop: () => pick(['fill', 'fit', 'limit', 'scale', 'crop', 'thumb', 'pad', 'lfill', 'mfit', 'imagga_crop']),
  gravity: () => pick(['auto', 'face', 'faces', 'north_east', 'center', 'xy_center', 'auto:subject', 'south']),
  quality: () => pick([80, 'auto', 'auto:good', '80:420', 'jpegmini', 50.5]),
  fetch_format: () => pick(['auto', 'webp', 'png', 'jpg', 'avif']),
  effect: () => pick(['sepia', 'blur:300', ['sepia', 50], { sepia: 40 }, 'art:incognito', 'gradient_fade:symmetric_pad', 'grayscale', 'saturation:-50', 'brightness:width > 5']),
  angle: () => pick([90, 'auto_right', ['auto_right', 'hflip'], -20, 'ignore', 'exif']),
  background: () => pick(['#ff0000', 'red', 'auto:predominant', 'rgb:00ff00', '#ABC']),
  color: () => pick(['#123456', 'blue', 'rgb:aabbcc']),
  border: () => pick(['5px_solid_red', { width: 4, color: '#00ff00' }, { color: 'blue' }, { width: 1 }, '3', 3, '2px_dotted_#ff0000']),
  radius: () => pick([10, 'max', [10, 20], [1, 2, 3, 4], '20:30', '$r', ['$a * 2', 5]]),
  opacity: () => pick([30, 50, '$op * 2', '80']),
  dpr: () => pick([1, 2, '2.0', 'auto', 1.5, '3.0']),
  aspect_ratio: () => pick(['16:9', 1.5, '1.0', '4:3', 'initial_aspect_ratio * 2']),
  x: () => pick([10, -20, 0.5, '$x + 10', 'width / 4']),
  y: () => pick([0, 15, '-10', 'height - 5']),
  zoom: () => pick([1.2, '0.5', 2]),
  flags: () => pick(['progressive', ['lossy', 'progressive'], 'attachment:my file', 'layer_apply', ['relative', 'no_overflow']]),
  overlay: () => pick(['logo', 'text:Arial_20:Hello', { public_id: 'folder/logo', format: 'png' }, { public_id: 'badge' },
    { text: 'Hello, World/ü (1)', font_family: 'Arial', font_size: 24, font_weight: 'bold', letter_spacing: 4 },
    { resource_type: 'video', public_id: 'dog' }, { url: 'https://example.com/img.png?x=1&y=é' },
    'fetch:https://example.com/a b.jpg', { text: '$(name) says hi', font_family: 'Roboto', font_size: 12 },
    { type: 'private', public_id: 'secret' }, { resource_type: 'subtitles', public_id: 'sample_sub_en.srt' },
    { text: 'plain' }, {}, { text: 'Styled', font_family: 'Times', font_size: 30, font_style: 'italic', text_decoration: 'underline', text_align: 'center', stroke: 'stroke', line_spacing: 5, font_hinting: 'full', font_antialiasing: 'best' },
    { text: 'Bad', font_weight: 'bold' }, { text: 'Sized', font_size: 10 }, { text: 'x', text_style: 'my_style' },
    { resource_type: 'text', public_id: 'style/preset', text: 'styled by id' }]),
  underlay: () => pick(['background', { public_id: 'bg', format: 'jpg' }, { url: 'http://x.io/y.png' }]),
  if: () => pick(expressions),
  variables: () => pick([[['$a', 5], ['$b', 'width * 2']], [['$c', '!text!']], []]),
  raw_transformation: () => pick(['e_sepia', 'c_fill,w_100/e_blur', 'w_$w', 'fl_attachment']),
  transformation: () => pick(['thumb', ['named_a', 'named_b'], [{ width: 100, crop: 'fill' }, { angle: 20 }],
    ['named', { effect: 'sepia' }], { width: 10, height: 20 }, [{ overlay: 'logo', width: 50 }, { flags: 'layer_apply', gravity: 'north' }]]),
  size: () => pick(['100x200', '50x', '300', 'x40']),
  custom_function: () => pick([{ function_type: 'wasm', source: 'blur.wasm' },
    { function_type: 'remote', source: 'https://df34ra4a.execute-api.us-west-2.amazonaws.com/default/cloudinaryFunction' }]),
  custom_pre_function: () => pick([{ function_type: 'remote', source: 'https://example.com/pre fn' }, { function_type: 'wasm', source: 'x.wasm' }]),
  fps: () => pick(['24-29.97', [24, 30], 15, ['20', '']]),
  offset: () => pick(['2.5..10', [1, 5], '10%..30%', '2.66', [3.5], 'ab', '1.5p..2P']),
  start_offset: () => pick(['3.5', 'auto', 2, '10%', '2.5p', 'duration - 2']),
  end_offset: () => pick(['7', 5.5, '90%', 'P']),
  duration: () => pick(['10', '30%', 5, '2.5P']),
  video_codec: () => pick(['h264', { codec: 'h264', profile: 'basic', level: '3.1' }, { codec: 'vp9' }, { codec: 'h265', profile: 'main' }, 'auto', { profile: 'x' }]),
  audio_codec: () => pick(['aac', 'none']),
  audio_frequency: () => pick([44100, '22050']),
  bit_rate: () => pick(['1m', 800, '250k']),
  color_space: () => pick(['srgb', 'no_cmyk']),
  default_image: () => pick(['avatar.png', 'folder:fallback.jpg']),
  delay: () => pick([20, '100']),
  density: () => pick([150, '300']),
  page: () => pick([2, 'name:x', '2-4']),
  prefix: () => pick(['pre', 'abc']),
  streaming_profile: () => pick(['hd', 'full_hd']),
  video_sampling: () => pick([10, '2.3s']),
  keyframe_interval: () => pick([2, 0.5, '1.5']),
  responsive_width: () => pick([true, false]),
  $w: () => pick([200, 'iw * 0.5']),
  $ar: () => pick(['ar > 1', 1.5]),
  $zeta: () => pick(['$w / 2', 'text']),
};

const urlPools = {
  cloud_name: () => pick(['demo', 'demo', 'demo', 'my-cloud', 'test123', '/local']),
  resource_type: () => pick(['image', 'image', 'video', 'raw', 'auto']),
  type: () => pick(['upload', 'upload', 'private', 'authenticated', 'fetch', 'facebook', 'list', 'youtube', '']),
  version: () => pick([1234567890, '1500000000', 1, 0]),
  format: () => pick(['jpg', 'png', 'webp', '', 'mp4', 'avif']),
  secure: () => pick([true, false, true]),
  cname: () => pick(['cdn.example.com', 'images.foo.org']),
  secure_distribution: () => pick(['cdn.example.com', 'cloudinary-a.akamaihd.net', 'res.cloudinary.com', 'my.res.cloudinary.com']),
  private_cdn: () => pick([true, false]),
  cdn_subdomain: () => pick([true, false]),
  secure_cdn_subdomain: () => pick([true, false]),
  shorten: () => pick([true, false]),
  url_suffix: () => pick(['my-seo-name', 'bad.name', 'bad/name', 'ok_suffix', '']),
  use_root_path: () => pick([true, false]),
  force_version: () => pick([true, false]),
  long_url_signature: () => pick([true, false]),
  signature_algorithm: () => pick(['sha1', 'sha256', 'sha256', 'md5']),
};

const hexKey = () => Array.from({ length: 32 }, () => '0123456789abcdef'[int(0, 15)]).join('');

function authTokenOptions() {
  const o = { key: hexKey() };
  const shape = int(0, 5);
  if (shape === 0) Object.assign(o, { duration: 300, start_time: 1111111111, acl: '/image/*' });
  if (shape === 1) Object.assign(o, { expiration: 2000000000 });
  if (shape === 2) Object.assign(o, { duration: int(10, 10000) });
  if (shape === 3) Object.assign(o, { expiration: 1900000000, ip: '10.0.0.1', acl: pick(['/*/t_foo*', '/image/upload/a b/*']) });
  if (shape === 4) Object.assign(o, { duration: 60, acl: ['/image/*', '/video/*'] });
  if (shape === 5) Object.assign(o, { start_time: 1000, expiration: 5000, token_name: 'tok' });
  return o;
}

function pickSome(pools, min, max) {
  const keys = Object.keys(pools);
  const n = int(min, max);
  const out = {};
  for (let i = 0; i < n; i++) {
    const k = pick(keys);
    out[k] = pools[k]();
  }
  return out;
}

// ---------------------------------------------------------------- areas
const NOW_MS = () => 1700000000000 + int(0, 86400000);

function urlCases(n) {
  const cases = [];
  for (let i = 0; i < n; i++) {
    const pid = chance(0.03) ? int(1, 99999) : publicId();
    const options = { cloud_name: 'demo', ...pickSome(transformationPools, 0, 6), ...pickSome(urlPools, 0, 4) };
    if (chance(0.02)) delete options.cloud_name;
    if (chance(0.2)) {
      options.sign_url = true;
      options.api_secret = pick(['b', 'abcd', 'secret-Key_123']);
      if (chance(0.25)) options.auth_token = authTokenOptions();
      if (chance(0.05)) options.auth_token = false;
    }
    const now_ms = NOW_MS();
    const args = roundTrip([pid, options]);
    cases.push({ id: `url-${i}`, args, now_ms, ...withNow(now_ms, () => outcome(() => utils.url(args[0], { ...structuredClone(args[1]), urlAnalytics: false }))) });
  }
  return cases;
}

const signKeys = ['timestamp', 'public_id', 'folder', 'tags', 'eager', 'context', 'a_b', 'ab', 'z', 'callback', 'upload_preset', 'notification_url', 'source', 'type'];
const signValues = () => pick(['value', 'a&b=c', 'ünï', 1568810420, 0, false, true, '', null, ['x', 'y'], ['a&b', ''], [], 'with space', 1.5, 'a,b']);

function signParams() {
  const p = {};
  const n = int(0, 7);
  for (let i = 0; i < n; i++) p[pick(signKeys)] = signValues();
  return p;
}

function apiSignCases(n) {
  const cases = [];
  for (let i = 0; i < n; i++) {
    const args = roundTrip([signParams(), pick(['hdcixPpR2iKERPwqvH6sHdK9cyac', 'abcd', 's3cr&t']), pick([null, 'sha1', 'sha256', 'sha512']), pick([null, 1, 2, 1, 2])]);
    cases.push({ id: `api_sign-${i}`, args, ...outcome(() => utils.api_sign_request(structuredClone(args[0]), args[1], args[2], args[3])) });
  }
  cases.push({ id: 'api_sign-reference', args: [{ cloud_name: 'dn6ot3ged', timestamp: 1568810420, username: 'user@cloudinary.com' }, 'hdcixPpR2iKERPwqvH6sHdK9cyac', null, null],
    ...outcome(() => utils.api_sign_request({ cloud_name: 'dn6ot3ged', timestamp: 1568810420, username: 'user@cloudinary.com' }, 'hdcixPpR2iKERPwqvH6sHdK9cyac')) });
  return cases;
}

function signRequestCases(n) {
  const cases = [];
  for (let i = 0; i < n; i++) {
    const options = { api_key: pick(['1234', 'key', 987654321]), api_secret: pick(['abcd', 'S3cret']) };
    if (chance(0.3)) options.signature_algorithm = pick(['sha1', 'sha256']);
    if (chance(0.3)) options.signature_version = pick([1, 2]);
    if (chance(0.03)) delete options.api_key;
    const args = roundTrip([signParams(), options]);
    cases.push({ id: `sign_request-${i}`, args, ...outcome(() => utils.sign_request(structuredClone(args[0]), structuredClone(args[1]))) });
  }
  return cases;
}

const uploadPools = {
  public_id: () => publicId(),
  folder: () => pick(['uploads', 'a/b', 'ünï', 5]),
  tags: () => pick(['one', ['a', 'b'], ['x', 'y', 'z'], 'a,b', 42]),
  context: () => pick([{ caption: 'Hello=World|x', alt: 'a' }, 'caption=a', { list: ['a', 'b=c'] }, { n: 5 }, { f: 1.5 }, { flag: true }, ['x', 'y']]),
  metadata: () => pick([{ in_stock_id: 50, color_id: ['green', 'red'] }, { sku: 'A|B' }]),
  eager: () => pick([{ width: 100, crop: 'scale' }, [{ width: 200, format: 'png' }, 'c_fill,w_50'], 'e_sepia', [{ transformation: 'named' }, { effect: 'blur', format: 'jpg' }]]),
  allowed_formats: () => pick(['jpg', ['png', 'jpg'], 'png,gif']),
  face_coordinates: () => pick([[[10, 20, 30, 40], [50, 60, 70, 80]], [1, 2, 3, 4], '1,2,3,4']),
  custom_coordinates: () => pick([[[1, 2, 3, 4]], [5, 6, 7, 8]]),
  headers: () => pick([{ 'X-Robots-Tag': 'noindex', Link: '<a>' }, ['X-A: 1', 'X-B: 2'], 'X-C: 3']),
  access_control: () => pick([{ access_type: 'token' }, [{ access_type: 'anonymous', start: '2017-12-15T12:00Z' }], '[{"access_type":"anonymous"}]', '{"access_type":"token"}']),
  responsive_breakpoints: () => pick([{ create_derived: true, bytes_step: 20000, transformation: { crop: 'fill', aspect_ratio: '16:9' } }, [{ max_width: 1000 }, { min_width: 200, transformation: 'c_fill' }]]),
  overwrite: () => pick([true, false, 'true', 'false', '1', '0', 'yes']),
  unique_filename: () => pick([true, false]),
  use_filename: () => pick([true, false, 'true']),
  invalidate: () => pick([true, false]),
  backup: () => pick([true, false]),
  async: () => pick([true, false]),
  exif: () => pick([true, false]),
  faces: () => pick([true, false]),
  colors: () => pick([true, false]),
  phash: () => pick([true, false]),
  return_delete_token: () => pick([true, false]),
  type: () => pick(['upload', 'private', 'authenticated']),
  resource_type: () => pick(['image', 'raw']),
  upload_preset: () => pick(['preset1', 'unsigned']),
  notification_url: () => 'https://example.com/hook?a=1&b=2',
  callback: () => 'https://example.com/cb',
  moderation: () => pick(['manual', 'aws_rek']),
  format: () => pick(['jpg', 'png']),
  display_name: () => pick(['My Photo', 'x']),
  asset_folder: () => pick(['assets/2026', 'root']),
  regions: () => pick([{ box: [[1, 2], [3, 4]] }]),
  auto_transcription: () => pick([true, false, { translate: ['fr'] }, { other: 1 }]),
  visual_search: () => pick([true, false]),
  quality_override: () => pick(['auto:best', 80]),
  eval: () => 'upload_options["tags"] = "x"',
  on_success: () => 'current_asset.update({tags: ["autocaption"]})',
  auto_chaptering: () => pick([true, 'false']),
  detection: () => 'coco',
  ocr: () => 'adv_ocr',
  categorization: () => 'google_tagging',
  auto_tagging: () => pick([0.6, '0.9']),
  background_removal: () => 'cloudinary_ai',
  raw_convert: () => 'aspose',
  similarity_search: () => true,
  unique_display_name: () => true,
};

function uploadParamCases(n) {
  const cases = [];
  for (let i = 0; i < n; i++) {
    const options = { ...pickSome(uploadPools, 0, 8), ...(chance(0.4) ? pickSome(transformationPools, 0, 3) : {}) };
    if (chance(0.9)) options.timestamp = int(1500000000, 1800000000);
    const now_ms = NOW_MS();
    const args = roundTrip([options]);
    cases.push({ id: `upload_params-${i}`, args, now_ms, ...withNow(now_ms, () => outcome(() => utils.build_upload_params(structuredClone(args[0])))) });
  }
  return cases;
}

function identifierCases(n) {
  const cases = [];
  const sign = (pid, version, secret, algorithm) => {
    config({ api_secret: secret, signature_algorithm: algorithm });
    return utils.api_sign_request({ public_id: pid, version }, secret, null, 1);
  };
  for (let i = 0; i < n; i++) {
    const secret = pick(['abcd', 'hdcixPpR2iKERPwqvH6sHdK9cyac', 'ünï-secret']);
    const algorithm = pick(['sha1', 'sha1', 'sha256']);
    const rt = pick(['image', 'image', 'video', 'raw']);
    const type = pick(['upload', 'upload', 'private', 'authenticated']);
    const version = String(pick([1366555348, 1, 1700000000, int(1, 2 ** 31)]));
    const pidBase = pick([...words, 'folder/sub/img', 'ünï/x', 'dotted.name', 'a b', 'k3vmeifbepxddbzjuop9']).replace(/ /g, '_');
    const format = pick(['jpg', 'png', null, 'webp', 'PDF']);
    let filename = format ? `${pidBase}.${format}` : pidBase;
    const pidForSig = PreloadedFile.split_format(filename)[0];
    let signature = sign(pidForSig, version, secret, algorithm);
    let identifier = `${rt}/${type}/v${version}/${filename}#${signature}`;
    const mutation = int(0, 9);
    if (mutation === 1) identifier = identifier.replace(`v${version}`, `v${Number(version) + 1}`);
    if (mutation === 2) identifier = identifier.replace(pidBase, `${pidBase}x`);
    if (mutation === 3) identifier = identifier.slice(0, -1) + (identifier.endsWith('0') ? '1' : '0');
    if (mutation === 4) identifier = pick([identifier.split('#')[0], `${rt}/v${version}/${filename}#${signature}`, `${rt}/${type}/${version}/${filename}#${signature}`,
      `${rt}/${type}/v${version}/#${signature}`, `${identifier}/extra`, '', 'garbage', `${rt}/${type}/vabc/${filename}#${signature}`]);
    if (mutation === 5) identifier = identifier.replace(`${rt}/${type}`, `${rt}/${type === 'upload' ? 'private' : 'upload'}`);
    if (mutation === 6) identifier = identifier.replace(`#${signature}`, `#${signature.toUpperCase()}`);
    const options = { signature_algorithm: algorithm };
    if (chance(0.3)) options.allowed_resource_types = pick([['image'], ['image', 'video'], ['raw']]);
    if (chance(0.3)) options.allowed_types = pick([['upload'], ['upload', 'private']]);
    if (chance(0.3)) options.allowed_formats = pick([['jpg', 'png'], ['pdf'], ['webp']]);
    const args = roundTrip([identifier, secret, options]);
    let result;
    try {
      const pf = new PreloadedFile(args[0]);
      config({ api_secret: secret, signature_algorithm: algorithm });
      if (!pf.is_valid()) {
        result = { error: 'INVALID_SIGNATURE' };
      } else {
        const format = pf.format ?? null;
        const allowed = (list, v) => !list || list.includes(v);
        if (!allowed(options.allowed_resource_types, pf.resource_type) || !allowed(options.allowed_types, pf.type)
          || (options.allowed_formats && !options.allowed_formats.some((f) => f.toLowerCase() === String(format ?? '').toLowerCase()))) {
          result = { error: 'IDENTIFIER_NOT_ALLOWED' };
        } else {
          result = { expected: { resource_type: pf.resource_type, type: pf.type, version: Number(pf.version), public_id: pf.public_id, format, identifier: `${pf.resource_type}/${pf.type}/v${pf.version}/${pf.filename}` } };
        }
      }
    } catch (e) {
      result = { error: 'INVALID_IDENTIFIER' };
    }
    cases.push({ id: `identifier-${i}`, args, ...result });
  }
  config({});
  return cases;
}

function authTokenCases(n) {
  const cases = [];
  for (let i = 0; i < n; i++) {
    const o = authTokenOptions();
    if (chance(0.3) && !o.acl) o.url = pick(['/image/upload/v1/sample.jpg', '/image/authenticated/a b/ü.png', '/x?y=1&z=%2F']);
    if (chance(0.05)) delete o.key;
    if (chance(0.05)) { delete o.duration; delete o.expiration; }
    const now_ms = NOW_MS();
    const args = roundTrip([o]);
    cases.push({ id: `auth_token-${i}`, args, now_ms, ...withNow(now_ms, () => outcome(() => utils.generate_auth_token(structuredClone(args[0])))) });
  }
  return cases;
}

function notificationCases(n) {
  const cases = [];
  for (let i = 0; i < n; i++) {
    const secret = pick(['abcd', 'S3cr3t']);
    const algorithm = pick(['sha1', 'sha256']);
    const body = JSON.stringify({ notification_type: 'upload', public_id: pick(words), n: int(0, 1000), u: pick(unicode) });
    const now = 1700000000 + int(0, 100000);
    const ts = now - pick([0, 10, 7199, 7201, 100000, -50]);
    const timestamp = chance(0.3) ? String(ts) : ts;
    let signature = utils.webhook_signature(body, timestamp, { api_secret: secret, signature_algorithm: algorithm });
    if (chance(0.25)) signature = signature.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
    const validFor = pick([undefined, 7200, 60, 200000]);
    const options = { api_secret: secret, now, signature_algorithm: algorithm };
    if (validFor !== undefined) options.valid_for = validFor;
    const args = roundTrip([chance(0.1) ? body + ' ' : body, timestamp, signature, options]);
    config({ api_secret: secret, signature_algorithm: algorithm });
    cases.push({ id: `notification-${i}`, args, ...withNow(now * 1000, () => outcome(() => utils.verifyNotificationSignature(args[0], args[1], args[2], validFor))) });
  }
  // Missing arguments (null in JSON): the SDK answers false, and throws only without a secret. Fixed
  // cases that draw nothing from the random sequence, so the cases after them are unchanged.
  const now = 1700050000;
  const body = '{"notification_type":"upload"}';
  const signature = utils.webhook_signature(body, now, { api_secret: 'abcd', signature_algorithm: 'sha1' });
  const missing = [
    [body, now, null], [body, null, signature], [null, now, signature], [null, null, null], ['', now, signature],
  ];
  missing.forEach((args3, j) => {
    const args = [...args3, { api_secret: 'abcd', now, signature_algorithm: 'sha1' }];
    config({ api_secret: 'abcd', signature_algorithm: 'sha1' });
    cases.push({ id: `notification-missing-${j}`, args, ...withNow(now * 1000, () => outcome(() => utils.verifyNotificationSignature(args[0], args[1], args[2]))) });
  });
  config({});
  const args = [body, null, signature, { now }];
  cases.push({ id: 'notification-missing-secret', args, ...withNow(now * 1000, () => outcome(() => utils.verifyNotificationSignature(args[0], args[1], args[2]))) });
  return cases;
}

function downloadCases(n) {
  const cases = [];
  for (let i = 0; i < n; i++) {
    const options = { cloud_name: pick(['demo', 'my cloud']), api_key: pick(['1234', 42]), api_secret: pick(['abcd', 'x&y']) };
    if (chance(0.7)) options.timestamp = int(1500000000, 1800000000);
    if (chance(0.3)) options.resource_type = pick(['image', 'raw', 'video', "it's"]);
    if (chance(0.2)) options.upload_prefix = pick(['http://127.0.0.1:9000', 'https://api-eu.cloudinary.com']);
    if (chance(0.2)) options.signature_algorithm = 'sha256';
    if (chance(0.03)) delete options.api_key;
    if (chance(0.03)) delete options.cloud_name;
    const fn = pick(['private_download_url', 'download_archive_url', 'download_zip_url']);
    let args;
    if (fn === 'private_download_url') {
      if (chance(0.4)) options.type = pick(['private', 'authenticated']);
      if (chance(0.3)) options.attachment = pick([true, false]);
      if (chance(0.3)) options.expires_at = int(1700000000, 1900000000);
      args = roundTrip([publicId(), pick(['jpg', 'pdf', '', null]), options]);
    } else {
      Object.assign(options, pickSome({
        public_ids: () => pick([['a', 'b c'], 'single', ['x/y', '']]),
        tags: () => pick(['t1', ['t1', 't2']]),
        prefixes: () => pick(['folder/', ['a/', 'b/']]),
        target_public_id: () => 'archive ü',
        flatten_folders: () => pick([true, false]),
        transformations: () => pick([{ width: 100, crop: 'fill' }, [{ width: 50 }, 'e_sepia']]),
        type: () => pick(['upload', 'private']),
        target_format: () => pick(['zip', 'tgz']),
        async: () => true,
        expires_at: () => 1900000000,
        keep_derived: () => false,
        use_original_filename: () => 'true',
        target_tags: () => ['archive'],
        fully_qualified_public_ids: () => ['image/upload/a'],
        notification_url: () => 'https://example.com/n?a=1',
        allow_missing: () => '1',
        skip_transformation_name: () => true,
        flatten_transformations: () => false,
        target_asset_folder: () => 'arch',
      }, 1, 5));
      args = roundTrip([options]);
    }
    const now_ms = NOW_MS();
    const call = () => (fn === 'private_download_url'
      ? utils.private_download_url(args[0], args[1], structuredClone(args[2]))
      : utils[fn](structuredClone(args[0])));
    cases.push({ id: `${fn}-${i}`, fn, args, now_ms, ...withNow(now_ms, () => outcome(call)) });
  }
  return cases;
}

function configCases() {
  const urls = [
    'cloudinary://123456789012345:abcdeghijklmnopqrstuvwxyz12@n07t21i7',
    'cloudinary://key:secret@demo',
    'CLOUDINARY://key:secret@Demo',
    'cloudinary://key:secret@demo/cdn.example.com',
    'cloudinary://key:secret@demo/',
    'cloudinary://key@demo',
    'cloudinary://demo',
    'cloudinary://key:se@cr:et@demo',
    'cloudinary://key:secret@demo?secure=true&cname=images.example.com',
    'cloudinary://key:secret@demo?foo[bar]=value&foo[baz]=2&a[b][c]=d',
    'cloudinary://key:secret@demo?upload_prefix=http%3A%2F%2F127.0.0.1%3A9000&x=a+b',
    'cloudinary://key:secret@demo?cloud_name=other',
    'cloudinary://key:secret@demo?dup=1&dup=2',
    'cloudinary://key:secret@demo/./a/../dist.example.com?private_cdn=false',
    'cloudinary://key:secret@demo:8080/x',
    'cloudinary://k%20y:s%2Fc@demo',
    'cloudinary://key:secret@demo#fragment',
    'cloudinary://key:secret@demo?[]=x',
    'cloudinary://key:secret@demo?cloud_name[x]=y',
    'cloudinary://key:secret@demo?auth_token[key]=00112233&auth_token[duration]=300',
    'http://key:secret@demo',
    'cloudinary:/key:secret@demo',
    'key:secret@demo',
    '',
  ];
  return urls.map((url, i) => {
    let result;
    if (url && !url.toLowerCase().startsWith('cloudinary://')) {
      result = { error: "Invalid CLOUDINARY_URL protocol. URL should begin with 'cloudinary://'" };
    } else {
      process.env.CLOUDINARY_URL = url;
      result = outcome(() => ({ ...cloudinary.config(true) }));
      delete process.env.CLOUDINARY_URL;
      if (!url) result = { error: "Invalid CLOUDINARY_URL protocol. URL should begin with 'cloudinary://'" };
    }
    return { id: `config-${i}`, args: [url], ...result };
  });
}

// ---------------------------------------------------------------- deviations
// Where the SDK is wrong we refuse to copy it. Each entry records the SDK's value (the suite fails if
// cirrus starts matching it) and cirrus' value, computed from an equivalent input the SDK gets right.
function deviations() {
  const list = [];
  const url = (pid, o) => utils.url(pid, { ...structuredClone(o), urlAnalytics: false });

  for (const [pid, overlay] of [['sample', 'folder/sub/logo'], ['dog.jpg', 'a/b/c/d'], ['x', 'brand/2026/mark']]) {
    const options = { cloud_name: 'demo', overlay: { public_id: overlay }, width: 100 };
    list.push({
      id: `layer-nested-folders-${list.length}`, area: 'url', args: [pid, options],
      sdk: url(pid, options), cirrus: url(pid, { ...options, overlay: { public_id: overlay.replace(/\//g, ':') } }),
      reason: 'The SDK replaces only the first "/" of a layer public_id with ":"; Cloudinary needs every "/" replaced, '
        + 'otherwise the rest of the id is read as further URL components and the layer is not found.',
    });
  }
  for (const [rt, fetchUrl] of [['video', 'https://example.com/clip.mp4'], ['image', 'http://example.com/a.png?x=1']]) {
    const options = { cloud_name: 'demo', overlay: `${rt}:fetch:${fetchUrl}` };
    list.push({
      id: `fetch-layer-url-${list.length}`, area: 'url', args: ['base', options],
      sdk: url('base', options), cirrus: url('base', { ...options, overlay: { resource_type: rt, url: fetchUrl } }),
      reason: 'For "<resource_type>:fetch:<url>" layers the SDK splits on ":" with a limit of 3 and keeps only up to the '
        + "URL's own first colon, so every http(s) URL becomes the literal \"https\". cirrus encodes the whole URL, as the object form does.",
    });
  }
  for (const params of [{ Zeta: 'a', alpha: 'b', timestamp: 1 }, { a_1: 'x', a0: 'y', timestamp: 2 }, { B: 1, a: 2 }]) {
    const secret = 'abcd';
    const byteOrder = Object.keys(params).sort().map((k) => `${k}=${params[k]}`).join('&');
    list.push({
      id: `sign-key-order-${list.length}`, area: 'api_sign_request', args: [params, secret, null, null],
      sdk: utils.api_sign_request(structuredClone(params), secret),
      cirrus: createHash('sha1').update(byteOrder + secret).digest('hex'),
      reason: 'The SDK sorts parameter names with localeCompare (ICU collation: case-insensitive, punctuation before digits). '
        + "Cloudinary's servers and its other SDKs sort by code point; cirrus does too, so upper-case or digit-bearing names still verify.",
    });
  }
  for (const d of list) {
    if (d.sdk === d.cirrus) throw new Error(`deviation ${d.id} no longer differs from the SDK`);
  }
  return list;
}


// ---------------------------------------------------------------- account config (a `Cloudinary` client)
// What the SDK takes from its global config() and lays under each call: the URL options it reads with
// `consumeOption(options, key, config().key)` (a nullish option gives way), `responsive_width` and `dpr`
// in every transformation component, `responsive_width_transformation` (config only), `auth_token` merged
// key by key, and keys it ignores for URLs (quality, width, crop, type, api_key, upload_prefix).
const accountPools = {
  cloud_name: () => pick(['acct', 'acct', 'other-cloud']),
  secure: () => pick([true, false, null]),
  ssl_detected: () => pick([true, false]),
  private_cdn: () => pick([true, false]),
  cname: () => pick(['cdn.account.com', 'img.example.org']),
  secure_distribution: () => pick(['secure.account.com', 'res.cloudinary.com']),
  cdn_subdomain: () => pick([true, false]),
  secure_cdn_subdomain: () => pick([true, false]),
  force_version: () => pick([true, false]),
  long_url_signature: () => pick([true, false]),
  shorten: () => pick([true, false]),
  sign_url: () => pick([true, false]),
  api_secret: () => pick(['acct-secret', 'zz']),
  use_root_path: () => pick([true, false]),
  signature_algorithm: () => pick(['sha1', 'sha256', '']),
  auth_token: () => authTokenOptions(),
  responsive_width: () => pick([true, false]),
  dpr: () => pick([2, 1.5, 'auto', 3]),
  responsive_width_transformation: () => pick(['c_scale,w_auto', { width: 'auto', crop: 'pad' }, [{ width: 'auto:breakpoints', crop: 'fit' }], '']),
  quality: () => pick(['auto', 80]),
  width: () => pick([100, 'auto']),
  crop: () => pick(['fill', 'scale']),
  type: () => pick(['private', 'fetch']),
  api_key: () => '1234',
  upload_prefix: () => 'https://api.example.com',
};

const nullableUrlKeys = ['cloud_name', 'secure', 'cname', 'private_cdn', 'sign_url', 'api_secret', 'dpr', 'responsive_width', 'force_version', 'shorten', 'signature_algorithm', 'auth_token'];

function accountUrlCases(n) {
  const cases = [];
  for (let i = 0; i < n; i++) {
    const account = { cloud_name: 'acct', ...pickSome(accountPools, 1, 6) };
    const options = { ...pickSome(transformationPools, 0, 4), ...pickSome(urlPools, 0, 3) };
    delete options.cloud_name;
    if (chance(0.3)) options.transformation = [{ ...pickSome(transformationPools, 1, 2) }, pick(['t_named', { crop: 'fit', width: 50 }])];
    if (chance(0.25)) options[pick(nullableUrlKeys)] = null;
    if (chance(0.15)) options.auth_token = pick([false, { duration: 99 }, { acl: '/image/*', start_time: 1200 }, { key: hexKey() }]);
    if (chance(0.15)) options.sign_url = true;
    if (chance(0.2)) account.sign_url = true;
    if (chance(0.1)) delete account.cloud_name;
    // The SDK signs with the string "undefined" when no secret is anywhere: not a case worth pinning.
    if ((account.sign_url || options.sign_url) && !account.api_secret) account.api_secret = 'acct-secret';
    const now_ms = NOW_MS();
    const args = roundTrip([account, publicId(), options]);
    const sdkUrl = (settings) => withNow(now_ms, () => {
      config(settings);
      try {
        return outcome(() => utils.url(args[1], { ...structuredClone(args[2]), urlAnalytics: false }));
      } finally {
        config({});
      }
    });
    const result = sdkUrl(structuredClone(args[0]));
    if (result.error_type === 'RangeError') {
      // An account with `responsive_width` makes the SDK recurse into its own responsive transformation
      // (unless that is a string) until the stack overflows. cirrus appends it once, as intended: the
      // value the SDK gives when that transformation is handed to it already built.
      const rwt = args[0].responsive_width_transformation || { width: 'auto', crop: 'limit' };
      const built = (() => { config({ ...structuredClone(args[0]), responsive_width: false }); try { return utils.generate_transformation_string(structuredClone(rwt)); } finally { config({}); } })();
      const intended = sdkUrl({ ...structuredClone(args[0]), responsive_width_transformation: built });
      accountDeviations.push({
        id: `account-responsive-${accountDeviations.length}`, area: 'account_url', args, now_ms,
        sdk: `threw ${result.error}`, cirrus: intended.expected ?? `threw ${intended.error}`,
        reason: "An account's responsive_width makes the SDK build its responsive_width_transformation (default {width:'auto',crop:'limit'}) "
          + 'with responsive_width still on, recursing until the stack overflows; cirrus builds it once.',
      });
      continue;
    }
    cases.push({ id: `account_url-${i}`, args, now_ms, ...result });
  }
  return cases;
}
const accountDeviations = [];

// ---------------------------------------------------------------- write
const areas = {
  url: () => urlCases(3000),
  api_sign_request: () => apiSignCases(600),
  sign_request: () => signRequestCases(400),
  build_upload_params: () => uploadParamCases(800),
  verify_identifier: () => identifierCases(600),
  auth_token: () => authTokenCases(300),
  notification: () => notificationCases(300),
  download: () => downloadCases(400),
  config: () => configCases(),
};

mkdirSync(outDir, { recursive: true });
const summary = {};
function writeArea(area, cases) {
  summary[area] = { cases: cases.length, errors: cases.filter((c) => 'error' in c).length };
  const file = { area, sdk: `cloudinary@${sdkVersion}`, seed: SEED, generator: 'scripts/generate-vectors.mjs', cases };
  writeFileSync(join(outDir, `${area}.json`), `${JSON.stringify(file, null, 1)}\n`);
}
for (const [area, make] of Object.entries(areas)) writeArea(area, make());
const devs = deviations();
writeFileSync(join(outDir, 'deviations.json'), `${JSON.stringify({ sdk: `cloudinary@${sdkVersion}`, deviations: devs }, null, 1)}\n`);
summary.deviations = { cases: devs.length };
// Areas added later draw from their own seed, so the files above stay byte-identical.
const laterAreas = {
  account_url: () => accountUrlCases(600),
};
for (const [area, make] of Object.entries(laterAreas)) {
  state = (SEED ^ 0x5eed0001) >>> 0;
  writeArea(area, make());
}
const allDeviations = [...devs, ...accountDeviations.filter((d) => typeof d.cirrus === 'string' && !d.cirrus.startsWith('threw'))];
writeFileSync(join(outDir, 'deviations.json'), `${JSON.stringify({ sdk: `cloudinary@${sdkVersion}`, deviations: allDeviations }, null, 1)}\n`);
summary.deviations = { cases: allDeviations.length };
writeFileSync(join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 1)}\n`);
console.log(summary);
