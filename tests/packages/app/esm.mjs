// An ES module app: both packages side by side (the addon and the wasm build agree), and the emulator
// started as `npx cirrus emulator` would.
import { url, apiSignRequest, verifyIdentifier } from 'cirrus';
import { startEmulator, emulatorPath } from 'cirrus/testing';
import { init, url as webUrl } from 'cirrus-web';

await init();
const options = { cloud_name: 'demo', width: 300, height: 200, crop: 'fill' };
const emulator = await startEmulator({ account: { api_secret: 'abcd' } });
await emulator.stop();
let refused;
try {
  verifyIdentifier('image/upload/v1/sample.jpg#0000', 'abcd');
} catch (err) {
  refused = err.code;
}
console.log(JSON.stringify({
  url: url('sample.jpg', options),
  webUrl: webUrl('sample.jpg', options),
  signature: apiSignRequest({ timestamp: 1315060510, public_id: 'sample' }, 'abcd'),
  emulator: emulatorPath().includes('node_modules') && emulator.url.startsWith('http://127.0.0.1:'),
  refused,
}));
