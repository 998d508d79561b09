// init()'s inputs, each in a fresh process (the module loads once per process): the forms the runtimes'
// entries pass (bytes, a compiled Module, a URL or its text fetched, a Request, a Response), a Response
// streamed when its type is application/wasm and read whole when it is not (as wasm-bindgen's own loader
// falls back), and what fails as WASM_LOAD_FAILED: an HTTP error, a body that is no module, an input of
// no such kind; a failed init() lets the next one try again.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = new URL('../..', import.meta.url);
const wasmFile = fileURLToPath(new URL('../../npm/web/cirrus-browser.wasm', import.meta.url));

/**
 * Runs `init(<input>)` then url() in a fresh process (after `before`, if given); its output: how
 * instantiateStreaming went, if it was called, then the URL or the error's code and message.
 */
function initWith(input, before = '') {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `
    import { readFileSync } from 'node:fs';
    import { init, url } from 'cirrus-web';
    const bytes = readFileSync(${JSON.stringify(wasmFile)});
    const streaming = WebAssembly.instantiateStreaming;
    WebAssembly.instantiateStreaming = (...args) => streaming(...args).then(
      (made) => { console.log('streamed'); return made; },
      (err) => { console.log('not streamed'); throw err; });
    try {
      ${before}
      await init(${input});
      console.log(url('sample', { width: 100, crop: 'fill', cloud_name: 'demo' }));
    } catch (e) { console.log(e.code, e.message); }`], { encoding: 'utf8', cwd: root });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

const URL_OUT = 'https://res.cloudinary.com/demo/image/upload/c_fill,w_100/sample';

test('init() takes bytes, a compiled Module and a Response of either type', () => {
  assert.equal(initWith('bytes'), URL_OUT);
  assert.equal(initWith('new Uint8Array(bytes)'), URL_OUT);
  assert.equal(initWith('new WebAssembly.Module(bytes)'), URL_OUT);
  assert.equal(initWith('Promise.resolve(bytes)'), URL_OUT);
  assert.equal(initWith(`new Response(bytes, { headers: { 'Content-Type': 'application/wasm' } })`), `streamed\n${URL_OUT}`);
  // instantiateStreaming refuses another type before reading the body: the body is read whole instead.
  assert.equal(initWith(`new Response(bytes, { headers: { 'Content-Type': 'application/octet-stream' } })`), `not streamed\n${URL_OUT}`);
});

test('what is no module is WASM_LOAD_FAILED, and the next init() tries again', () => {
  // Streamed and refused: the compiler's own error, not the fallback's "body already read".
  const garbage = initWith(`new Response('no module here', { headers: { 'Content-Type': 'application/wasm' } })`);
  assert.match(garbage, /^not streamed\nWASM_LOAD_FAILED cirrus-web: could not load its WebAssembly module: /);
  assert.doesNotMatch(garbage, /unusable|already/i);
  assert.match(initWith('42'), /^WASM_LOAD_FAILED /);
  assert.equal(initWith('bytes', `await init(42).catch((e) => console.log(e.code));`), `WASM_LOAD_FAILED\n${URL_OUT}`);
});

test('init() fetches a URL, its text or a Request; an HTTP error is WASM_LOAD_FAILED', () => {
  // A server in the child itself (spawnSync blocks this process, which could not answer).
  const served = (path, status) => `await (async () => {
      const { createServer } = await import('node:http');
      const server = createServer((req, res) => res.writeHead(${status}, { 'Content-Type': 'application/wasm' }).end(${status} === 200 ? bytes : 'no'));
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
      server.unref();
      return new URL(${JSON.stringify(path)}, 'http://127.0.0.1:' + server.address().port);
    })()`;
  assert.equal(initWith(served('/cirrus.wasm', 200)), `streamed\n${URL_OUT}`);
  assert.equal(initWith(`(${served('/cirrus.wasm', 200)}).href`), `streamed\n${URL_OUT}`);
  assert.equal(initWith(`new Request(${served('/cirrus.wasm', 200)})`), `streamed\n${URL_OUT}`);
  // Where it came from, said once.
  assert.match(initWith(served('/missing.wasm', 404)), /^WASM_LOAD_FAILED cirrus-web: could not load its WebAssembly module from http:\/\/127\.0\.0\.1:\d+\/missing\.wasm: HTTP 404 Not Found$/);
  assert.match(initWith(`new Request(${served('/missing.wasm', 404)})`), /^WASM_LOAD_FAILED cirrus-web: could not load its WebAssembly module from http:\/\/127\.0\.0\.1:\d+\/missing\.wasm: HTTP 404 Not Found$/);
});
