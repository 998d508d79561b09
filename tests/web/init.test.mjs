// init()'s inputs, each in a fresh process (the module loads once per process): the forms the runtimes'
// entries pass (bytes, a compiled Module, a URL fetched, a Response), a Response streamed when its type is
// application/wasm and read whole when it is not (as wasm-bindgen's own loader falls back), and an HTTP
// error as WASM_LOAD_FAILED.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const root = new URL('../..', import.meta.url);
const wasmFile = new URL('../../npm/web/cirrus-browser.wasm', import.meta.url);

/** Runs `init(<input>)` then url() in a fresh process; its output (the URL, or the error's code and message). */
function initWith(input) {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `
    import { readFileSync } from 'node:fs';
    import { init, url } from 'cirrus-web';
    const bytes = readFileSync(${JSON.stringify(wasmFile.pathname)});
    try {
      await init(${input});
      console.log(url('sample', { width: 100, crop: 'fill', cloud_name: 'demo' }));
    } catch (e) { console.log(e.code, e.message); }`], { encoding: 'utf8', cwd: root });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

const URL_OUT = 'https://res.cloudinary.com/demo/image/upload/c_fill,w_100/sample';

test('init() takes bytes, a compiled Module and a Response of either type', () => {
  assert.equal(initWith('bytes'), URL_OUT);
  assert.equal(initWith('new WebAssembly.Module(bytes)'), URL_OUT);
  assert.equal(initWith(`new Response(bytes, { headers: { 'Content-Type': 'application/wasm' } })`), URL_OUT);
  // instantiateStreaming refuses another type: the body is read whole instead.
  assert.equal(initWith(`new Response(bytes, { headers: { 'Content-Type': 'application/octet-stream' } })`), URL_OUT);
});

test('init() fetches a URL; an HTTP error is WASM_LOAD_FAILED', () => {
  // A server in the child itself (spawnSync blocks this process, which could not answer).
  const served = (path, status) => `await (async () => {
      const { createServer } = await import('node:http');
      const server = createServer((req, res) => res.writeHead(${status}, { 'Content-Type': 'application/wasm' }).end(${status} === 200 ? bytes : 'no'));
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
      server.unref();
      return new URL(${JSON.stringify(path)}, 'http://127.0.0.1:' + server.address().port);
    })()`;
  assert.equal(initWith(served('/cirrus.wasm', 200)), URL_OUT);
  assert.match(initWith(served('/missing.wasm', 404)), /^WASM_LOAD_FAILED .*HTTP 404/);
});
