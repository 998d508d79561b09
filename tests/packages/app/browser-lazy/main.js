// Code splitting: the first chunk imports url() alone and calls init() (the url module); a chunk loaded
// later imports parseIdentifier, which then needs `await init()` once more (that loads the browser
// module). Which modules were fetched, in order, is shown too.
import { init, url } from 'cirrus-web';

try {
  await init();
  const first = url('sample.jpg', { cloud_name: 'demo', width: 300, height: 200, crop: 'fill' });
  const { parse } = await import('./feature.js');
  const result = { url: first, ...(await parse()) };
  result.urlAfter = url('sample.jpg', { cloud_name: 'demo', width: 300, height: 200, crop: 'fill' });
  result.fetched = performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.endsWith('.wasm')).map((n) => /cirrus-(browser|url)/.exec(n)?.[0]);
  document.body.dataset.result = JSON.stringify(result);
} catch (err) {
  document.body.dataset.result = JSON.stringify({ error: `${err.code}: ${err.message}` });
}
