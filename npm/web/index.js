// cirrus-web for browsers and bundlers (the `browser` and `default` export conditions): a browser module,
// which carries what a page without a secret uses; signing, tokens and downloads answer
// NOT_IN_BROWSER_BUILD here (`cirrus-web/full` has them). A page that imports url() and nothing else of
// the core (its bundler drops the rest) loads the url module, cirrus-url.wasm; any other, the browser
// module, cirrus-browser.wasm (url(), the `Cloudinary` class, parseIdentifier and the upload helpers:
// beyond-url.js asks for it). Call `await init()` once; then every export is synchronous. A chunk loaded
// later that imports more than url() calls `await init()` again: that loads the browser module.
import { chooseModule, initWith } from './ready.js';

export * from './common.js';

// Vite, webpack, Parcel and Rollup see `new URL('<literal>', import.meta.url)` and emit the file as an
// asset; native ESM (a CDN, an import map) fetches it next to this file. esbuild leaves it alone: copy
// the .wasm next to the bundle or pass its URL (see the README).
const HINT = 'With esbuild (which does not copy assets), copy node_modules/cirrus-web/cirrus-browser.wasm and cirrus-url.wasm next to your bundle, '
  + 'or `import wasmUrl from "cirrus-web/cirrus-browser.wasm"` (loader: file) and call init(wasmUrl)';

/** Loads the WebAssembly module: fetched next to this file unless `input` says where (URL, Response, bytes, Module). */
export function init(input) {
  return initWith(() => input ?? chooseModule(new URL('./cirrus-url.wasm', import.meta.url)), HINT);
}
