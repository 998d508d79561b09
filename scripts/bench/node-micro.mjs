// url() and signing through the Node addon against the official SDK, each pair timed in one process
// (runNodeMicro), and the whole set over several fresh processes (runNodeMicroProcesses).
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { measurePair, median, row } from './measure.mjs';
import { SIMPLE, TYPICAL, conformanceMix } from './cases.mjs';

const require = createRequire(import.meta.url);

const noAnalytics = (options) => ({ ...options, urlAnalytics: false });

function same(label, ours, theirs) {
  if (ours !== theirs) throw new Error(`${label}: cirrus and the SDK disagree:\n  ${ours}\n  ${theirs}`);
}

export function runNodeMicro() {
  // Loaded here, in the measuring process: `npm run bench` imports this module before it builds the addon
  // (a fresh clone has none yet).
  const cirrus = require('../../npm/node');
  const cloudinary = require('cloudinary').v2;
  const rows = [];
  for (const [name, [id, options]] of [['url simple (w,h,c,g)', SIMPLE], ['url typical (chain + overlay)', TYPICAL]]) {
    const sdkOptions = noAnalytics(options);
    same(name, cirrus.url(id, options), cloudinary.url(id, { ...sdkOptions }));
    // The SDK consumes its options object, so each call gets a fresh copy (as every real call site does).
    const [ours, theirs] = measurePair(() => cirrus.url(id, options), () => cloudinary.url(id, { ...sdkOptions }));
    rows.push(row('url', name, ours, theirs, 'cloudinary.url', name.includes('simple') ? '>= 5x' : ''));
  }

  const mix = conformanceMix();
  const sdkMix = mix.map(([id, o]) => [id, noAnalytics(o)]);
  const [ours, theirs] = measurePair((i) => {
    const [id, o] = mix[i % mix.length];
    cirrus.url(id, o);
  }, (i) => {
    const [id, o] = sdkMix[i % sdkMix.length];
    cloudinary.url(id, { ...o });
  }, { cycle: mix.length });
  rows.push(row('url', `url conformance mix (${mix.length} calls)`, ours, theirs, 'cloudinary.url', '>= 10x'));

  // Signing.
  const secret = 'abcd-secret-1234';
  const params = { timestamp: 1700000000, public_id: 'folder/sample', tags: 'a,b', eager: 'c_fill,w_200', context: 'alt=x' };
  same('apiSignRequest', cirrus.apiSignRequest(params, secret), cloudinary.utils.api_sign_request(params, secret));
  rows.push(row('signing', 'apiSignRequest (5 params)',
    ...measurePair(() => cirrus.apiSignRequest(params, secret), () => cloudinary.utils.api_sign_request(params, secret)),
    'utils.api_sign_request', '>= 3x'));

  const upload = { public_id: 'folder/sample', tags: ['a', 'b'], context: { alt: 'x' }, eager: [{ width: 200, crop: 'fill' }], timestamp: 1700000000, overwrite: true };
  const keys = { api_key: '1234', api_secret: secret };
  same('signRequest(buildUploadParams)',
    JSON.stringify(cirrus.signRequest(cirrus.buildUploadParams(upload), keys)),
    JSON.stringify(cloudinary.utils.sign_request(cloudinary.utils.build_upload_params({ ...upload }), keys)));
  rows.push(row('signing', 'signRequest(buildUploadParams(...))',
    ...measurePair(() => cirrus.signRequest(cirrus.buildUploadParams(upload), keys),
      () => cloudinary.utils.sign_request(cloudinary.utils.build_upload_params({ ...upload }), keys)),
    'utils.sign_request(build_upload_params)', '>= 3x'));

  cloudinary.config({ cloud_name: 'demo', api_key: '1234', api_secret: secret });
  // What a server holding an account signs with (the NestJS module does this): the account's method, the
  // SDK's function with its global config.
  const client = new cirrus.Cloudinary({ cloud_name: 'demo', api_key: '1234', api_secret: secret });
  const signedParams = cirrus.buildUploadParams(upload);
  // (The SDK's sign_request copies the params itself: clear_blank builds a new object.)
  same('Cloudinary#signRequest', JSON.stringify(client.signRequest(signedParams)), JSON.stringify(cloudinary.utils.sign_request(signedParams)));
  rows.push(row('signing', 'Cloudinary#signRequest(params) (account config)',
    ...measurePair(() => client.signRequest(signedParams), () => cloudinary.utils.sign_request(signedParams)),
    'utils.sign_request (global config)', ''));
  const signature = cloudinary.utils.api_sign_request({ public_id: 'folder/sample', version: 1700000000 }, secret);
  const identifier = `image/upload/v1700000000/folder/sample.jpg#${signature}`;
  same('verifyIdentifier', cirrus.verifyIdentifier(identifier, secret).public_id, new cloudinary.PreloadedFile(identifier).is_valid() ? 'folder/sample' : 'invalid');
  rows.push(row('signing', 'verifyIdentifier',
    ...measurePair(() => cirrus.verifyIdentifier(identifier, secret), () => new cloudinary.PreloadedFile(identifier).is_valid()),
    'PreloadedFile.is_valid', '>= 3x'));
  return rows;
}

/**
 * runNodeMicro in `processes` fresh Node processes, one after another, each row then the medians of the
 * processes' figures: `cirrus_ns` and `other_ns` the medians of each side's, `ratio` the median of the
 * processes' ratios (each measured in its own process), with `ratios` (every process's, in order) beside.
 * One process's ratio moves with the state the machine, V8 and the allocator happen to start in (the url
 * mix read 6.7× to 11.8× in twelve processes of the same code on the 2-vCPU machine of 2026-12-03).
 */
export function runNodeMicroProcesses(processes = 11) {
  const runs = Array.from({ length: processes }, () => {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    // The rows are the last line (anything a library printed comes before it).
    return JSON.parse(out.trim().split('\n').pop());
  });
  if (runs.some((run) => run.length !== runs[0].length)) throw new Error('micro: the processes answered different numbers of rows');
  return runs[0].map((first, i) => {
    const rows = runs.map((run) => run[i]);
    if (rows.some((r) => r.name !== first.name)) throw new Error(`micro: the processes' rows disagree at ${first.name}`);
    const ratios = rows.map((r) => r.ratio);
    return { ...first, cirrus_ns: median(rows.map((r) => r.cirrus_ns)), other_ns: median(rows.map((r) => r.other_ns)), ratio: median(ratios), ratios };
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv.includes('--json')) process.stdout.write(`\n${JSON.stringify(runNodeMicro())}\n`);
  else console.table(runNodeMicro());
}
