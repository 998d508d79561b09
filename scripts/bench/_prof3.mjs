import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { native } = require('/work/main/npm/node/native.cjs');
const fa = require('/work/main/npm/node/fast-args.cjs');
const c = require('/work/main/npm/node');
const upload = { public_id: 'folder/sample', tags: ['a', 'b'], context: { alt: 'x' }, eager: [{ width: 200, crop: 'fill' }], timestamp: 1700000000, overwrite: true };
const keys = { api_key: '1234', api_secret: 'abcd-secret-1234' };
function t(name, f, n=300000){ for(let i=0;i<50000;i++) f(); const s=process.hrtime.bigint(); for(let i=0;i<n;i++) f(); console.log(name, (Number(process.hrtime.bigint()-s)/n).toFixed(0),'ns'); }
const uj = fa.jsonArg(upload);
const out = native.buildUploadParamsJson(uj);
const bp = fa.fromJsonOut(out);
const j = JSON.stringify(bp);
for (let r=0;r<2;r++){
t('fromJsonOut(flat)', ()=>fa.fromJsonOut(out));
t('JSON.parse', ()=>JSON.parse(j));
t('native+decode', ()=>fa.fromJsonOut(native.buildUploadParamsJson(uj)));
t('jsonArg(decoded)', ()=>fa.jsonArg(bp));
t('jsonArg(parsed)', ((x)=>()=>fa.jsonArg(x))(JSON.parse(j)));
t('buildUploadParams', ()=>c.buildUploadParams(upload));
t('both', ()=>c.signRequest(c.buildUploadParams(upload), keys));
}
const lit = out.split('').join('');
console.log(lit === out);
t('fromJsonOut(lit)', ()=>fa.fromJsonOut(lit));
function dec0(text){ const tokens = text.split('\0'); const object = {}; for (let i = 2; i < tokens.length - 1; i += 2) { const value = tokens[i + 1]; const tag = value.charCodeAt(0); object[tokens[i].slice(1)] = tag === 115 ? value.slice(1) : tag === 110 ? +value.slice(1) : tag === 122 ? null : tag === 116; } return object; }
t('dec0(out)', ()=>dec0(out));
t('split only', ()=>out.split('\0'));
