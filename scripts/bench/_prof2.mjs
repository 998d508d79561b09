import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { native } = require('/work/main/npm/node/native.cjs');
function t(name, f, n=1000000){ for(let i=0;i<100000;i++) f(); const s=process.hrtime.bigint(); for(let i=0;i<n;i++) f(); console.log(name, (Number(process.hrtime.bigint()-s)/n).toFixed(0),'ns'); }
const s150 = 'abcdefghij'.repeat(15);
t('encodeOwner short', ()=>native.encodeOwner('abc'));
t('encodeOwner 150', ()=>native.encodeOwner(s150));
const s1500 = 'abcdefghij'.repeat(150);
t('encodeOwner 1500', ()=>native.encodeOwner(s1500));
