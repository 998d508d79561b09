import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const c = require('/work/main/npm/node');
const upload = { public_id: 'folder/sample', tags: ['a', 'b'], context: { alt: 'x' }, eager: [{ width: 200, crop: 'fill' }], timestamp: 1700000000, overwrite: true };
const keys = { api_key: '1234', api_secret: 'abcd-secret-1234' };
const which = process.argv[2];
for (let i = 0; i < 600000; i++) which === 'url' ? c.url('sample', { cloud_name: 'demo', width: 300, height: 200, crop: 'fill', gravity: 'auto' }) : c.signRequest(c.buildUploadParams(upload), keys);
