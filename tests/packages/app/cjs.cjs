// A CommonJS app: the addon from the platform package, an upload to the emulator from `cirrus/testing`,
// the delivered bytes, and a destroy.
const { url, apiSignRequest, Cloudinary } = require('cirrus');
const { startEmulator } = require('cirrus/testing');

(async () => {
  const emulator = await startEmulator();
  try {
    const cld = new Cloudinary(emulator.cloudinaryUrl);
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');
    const uploaded = await cld.upload(png, { public_id: 'e2e/pixel' });
    const delivered = await fetch(cld.url(uploaded.public_id, { ...emulator.urlOptions, format: 'png' }));
    const destroyed = await cld.destroy(uploaded.public_id);
    console.log(JSON.stringify({
      url: url('sample.jpg', { cloud_name: 'demo', width: 300, height: 200, crop: 'fill' }),
      signature: apiSignRequest({ timestamp: 1315060510, public_id: 'sample' }, 'abcd'),
      uploaded: { public_id: uploaded.public_id, bytes: uploaded.bytes, width: uploaded.width },
      delivered: { status: delivered.status, bytes: (await delivered.arrayBuffer()).byteLength },
      destroyed: destroyed.result,
    }));
  } finally {
    await emulator.stop();
  }
})().catch((err) => { console.error(err); process.exit(1); });
