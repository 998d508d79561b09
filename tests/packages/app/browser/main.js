// The browser app Vite and esbuild bundle: init() with no argument, then the result in the page.
import { init, url, apiSignRequest } from 'cirrus-web';

try {
  await init();
  document.body.dataset.result = JSON.stringify({
    url: url('sample.jpg', { cloud_name: 'demo', width: 300, height: 200, crop: 'fill' }),
    signature: apiSignRequest({ timestamp: 1315060510, public_id: 'sample' }, 'abcd'),
  });
} catch (err) {
  document.body.dataset.result = JSON.stringify({ error: `${err.code}: ${err.message}` });
}
