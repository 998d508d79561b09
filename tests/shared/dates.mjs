// JavaScript Dates inside upload params: the SDK JSON-encodes `access_control`, so a Date becomes its ISO
// string; cirrus reads a Date as JSON.stringify would (both packages: the addon writes the ISO text in
// Rust, the wasm modules take JavaScript's own toISOString()), where it used to read `{}`.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const { utils } = createRequire(import.meta.url)('cloudinary');

const start = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
const end = new Date(Date.UTC(2027, 5, 6));
const CASES = [
  { access_control: [{ access_type: 'anonymous', start, end }], public_id: 'a', timestamp: 1700000000 },
  { access_control: { access_type: 'anonymous', start }, timestamp: 1700000000 },
  { access_control: [{ access_type: 'anonymous', start: new Date(NaN) }], timestamp: 1700000000 },
  // The ISO form's edges (the addon writes it in Rust, the wasm modules take JavaScript's own): a
  // negative year, year 0000, the last instant before year 10000 and the first after, the range's ends,
  // and the millisecond before the epoch.
  ...[-62198755200000, -62167219200001, 253402300799999, 253402300800000, 8.64e15, -8.64e15, -1].map((ms) => (
    { access_control: [{ access_type: 'anonymous', start: new Date(ms) }], timestamp: 1700000000 })),
];

/** Checks `api` (the addon or cirrus-web) against the SDK on upload params and signatures with Dates. */
export function checkDates(api) {
  for (const options of CASES) {
    const sdk = utils.build_upload_params({ ...options });
    const ours = api.buildUploadParams({ ...options }, 1700000000000);
    assert.equal(ours.access_control, sdk.access_control);
    const signing = { api_key: '1234', api_secret: 'abcd' };
    const signed = api.signRequest(ours, signing);
    const expected = utils.sign_request({ ...sdk }, signing);
    assert.equal(signed.signature, expected.signature);
  }
}
