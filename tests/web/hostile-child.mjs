// Child process of hostile.test.mjs: the hostile matrix over the web package (wasm) in Node. A wasm panic
// aborts the instance, which the sanity call after every call would see.
import * as api from 'cirrus-web';
import { codesSeen, hammer } from '../shared/hostile-matrix.mjs';
import { syncCases } from '../shared/hostile-cases.mjs';

await api.init();
const expected = 'https://res.cloudinary.com/demo/image/upload/sample';
const sanity = () => {
  if (api.url('sample', { cloud_name: 'demo' }) !== expected) throw new Error('the wasm instance no longer works');
};
let calls = 0;
const cases = syncCases(api);
for (const [label, fn, base] of cases) calls += await hammer(label, fn, base, sanity);
console.log(JSON.stringify({ ok: true, calls, functions: cases.length, codes: Object.fromEntries(codesSeen) }));
