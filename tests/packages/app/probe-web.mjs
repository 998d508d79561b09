// cirrus-web as Node, Deno and Bun load it (their export conditions): init() with no argument.
import { init, url, apiSignRequest } from 'cirrus-web';

await init();
console.log(JSON.stringify({
  runtime: typeof Deno !== 'undefined' ? 'deno' : typeof Bun !== 'undefined' ? 'bun' : 'node',
  url: url('sample.jpg', { cloud_name: 'demo', width: 300, height: 200, crop: 'fill' }),
  signature: apiSignRequest({ timestamp: 1315060510, public_id: 'sample' }, 'abcd'),
}));
