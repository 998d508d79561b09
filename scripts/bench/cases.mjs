// The url() inputs the benchmarks share (Node and browser): a simple call, a typical one, and the whole
// conformance mix (every url vector whose expected value is a URL, not an error).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../run.mjs';

export const SIMPLE = ['sample', { cloud_name: 'demo', width: 300, height: 200, crop: 'fill', gravity: 'auto' }];

export const TYPICAL = ['products/shoe', {
  cloud_name: 'demo',
  secure: true,
  version: 1700000000,
  transformation: [
    { width: 400, height: 300, crop: 'fill', gravity: 'auto', quality: 'auto', fetch_format: 'auto' },
    { overlay: 'logo', width: 80, gravity: 'south_east', x: 10, y: 10, opacity: 70 },
  ],
  effect: 'sharpen',
  dpr: 2,
}];

export function conformanceMix() {
  const { cases } = JSON.parse(readFileSync(join(root, 'tests', 'vectors', 'url.json'), 'utf8'));
  return cases.filter((c) => typeof c.expected === 'string').map((c) => c.args);
}
