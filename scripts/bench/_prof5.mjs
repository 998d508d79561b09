import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { native } = require('/work/main/npm/node/native.cjs');
const fa = require('/work/main/npm/node/fast-args.cjs');
const upload = { public_id: 'folder/sample', tags: ['a', 'b'], context: { alt: 'x' }, eager: [{ width: 200, crop: 'fill' }], timestamp: 1700000000, overwrite: true };
function t(name, f, n=300000){ for(let i=0;i<50000;i++) f(); const s=process.hrtime.bigint(); for(let i=0;i<n;i++) f(); console.log(name, (Number(process.hrtime.bigint()-s)/n).toFixed(0),'ns'); }
function into(v, parts) {
  switch (typeof v) {
    case 'string': parts.push('s' + v); return true;
    case 'number': parts.push('n' + v); return true;
    case 'boolean': parts.push(v ? 't' : 'f'); return true;
  }
  if (v === null) { parts.push('z'); return true; }
  if (Array.isArray(v)) { parts.push('a'); for (const x of v) into(x, parts); parts.push('e'); return true; }
  parts.push('o');
  for (const k in v) { parts.push('k' + k); into(v[k], parts); }
  parts.push('e'); return true;
}
function joinArg(v) { const parts = ['']; into(v, parts); parts[0] = String(parts.length - 1); return parts.join('\0'); }
console.log(JSON.stringify(joinArg(upload)) === JSON.stringify(fa.jsonArg(upload)), JSON.stringify(joinArg(upload)));
for (let r=0;r<2;r++){
t('rope writer', ()=>fa.jsonArg(upload));
t('join writer', ()=>joinArg(upload));
t('rope+native', ()=>native.buildUploadParamsJson(fa.jsonArg(upload)));
t('join+native', ()=>native.buildUploadParamsJson(joinArg(upload)));
t('JSON.stringify+native', ()=>native.buildUploadParamsJson(JSON.stringify(upload)));
}
