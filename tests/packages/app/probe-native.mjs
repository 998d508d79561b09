// cirrus (the Node-API addon from the platform package) as Deno and Bun load it.
import { url, apiSignRequest } from 'cirrus';

console.log(JSON.stringify({
  url: url('sample.jpg', { cloud_name: 'demo', width: 300, height: 200, crop: 'fill' }),
  signature: apiSignRequest({ timestamp: 1315060510, public_id: 'sample' }, 'abcd'),
}));
