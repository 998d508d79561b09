// A page that imports url() and nothing else of the core: Vite drops the rest, so init() with no
// argument loads the url module (cirrus-url.wasm) alone. Which module was fetched is shown too.
import { init, url } from 'cirrus-web';

try {
  await init();
  document.body.dataset.result = JSON.stringify({
    url: url('sample.jpg', { cloud_name: 'demo', width: 300, height: 200, crop: 'fill' }),
    fetched: performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.endsWith('.wasm')),
  });
} catch (err) {
  document.body.dataset.result = JSON.stringify({ error: `${err.code}: ${err.message}` });
}
