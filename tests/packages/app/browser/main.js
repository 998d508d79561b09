// The browser app Vite and esbuild bundle: init() with no argument (the browser module, as the page
// imports parseIdentifier), then the result in the page. Signing is not in the browser module: it answers NOT_IN_BROWSER_BUILD.
import { init, url, parseIdentifier, apiSignRequest } from 'cirrus-web';

const codeOf = (f) => { try { f(); return 'returned'; } catch (e) { return e.code; } };

try {
  await init();
  document.body.dataset.result = JSON.stringify({
    url: url('sample.jpg', { cloud_name: 'demo', width: 300, height: 200, crop: 'fill' }),
    publicId: parseIdentifier('image/upload/v1315060510/sample.jpg#abc').public_id,
    signing: codeOf(() => apiSignRequest({ timestamp: 1315060510, public_id: 'sample' }, 'abcd')),
    // parseIdentifier is imported: the browser module, and only it, was fetched.
    modules: performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.endsWith('.wasm')).map((n) => /cirrus-(browser|url)/.exec(n)?.[0]),
  });
} catch (err) {
  document.body.dataset.result = JSON.stringify({ error: `${err.code}: ${err.message}` });
}
