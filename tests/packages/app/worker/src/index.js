// A Cloudflare Worker: cirrus-web's `workerd` entry, init() with no argument.
import { init, url, apiSignRequest } from 'cirrus-web';

export default {
  async fetch() {
    await init();
    return Response.json({
      url: url('sample.jpg', { cloud_name: 'demo', width: 300, height: 200, crop: 'fill' }),
      signature: apiSignRequest({ timestamp: 1315060510, public_id: 'sample' }, 'abcd'),
    });
  },
};
