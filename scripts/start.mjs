// `npm start`: the demo app arrives with the emulator and NestJS work; until then, print how to use cirrus.
console.log(`cirrus: Cloudinary signing, signed identifiers and delivery URLs from one Rust core.

  npm run build     build the Node addon (npm/node) and the wasm package (npm/web)
  npm test          install what is missing, build, and run every suite

Quick start (Node):
  const { url, Cloudinary } = require('./npm/node');
  url('sample.jpg', { cloud_name: 'demo', width: 300, crop: 'fill' });

The demo app (upload, gallery, delete against the local emulator) is not built yet.`);
