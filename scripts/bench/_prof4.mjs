import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { native } = require('/work/main/npm/node/native.cjs');
const fa = require('/work/main/npm/node/fast-args.cjs');
const c = require('/work/main/npm/node');
const upload = { public_id: 'folder/sample', tags: ['a', 'b'], context: { alt: 'x' }, eager: [{ width: 200, crop: 'fill' }], timestamp: 1700000000, overwrite: true };
function t(name, f, n=300000){ for(let i=0;i<50000;i++) f(); const s=process.hrtime.bigint(); for(let i=0;i<n;i++) f(); console.log(name, (Number(process.hrtime.bigint()-s)/n).toFixed(0),'ns'); }
for (let r=0;r<2;r++){
t('composed', ()=>fa.fromJsonOut(native.buildUploadParamsJson(fa.jsonArg(upload))));
t('wrapper', ()=>c.buildUploadParams(upload));
t('jsonArg+native', ()=>native.buildUploadParamsJson(fa.jsonArg(upload)));
const u = fa.jsonArg(upload);
t('native only', ()=>native.buildUploadParamsJson(u));
t('native only now', ()=>native.buildUploadParamsJson(u, 1700000000000));
}
