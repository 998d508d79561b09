// `cirrus-web/full` in a browser: the full module (signing, tokens, downloads too), for a page that really
// holds a secret (a test page, an internal tool). Everywhere else `cirrus-web` already is the full one.
// Use one entry per page: both share one instance.
import { initWith } from './ready.js';

export * from './common.js';

// Vite, webpack, Parcel and Rollup see `new URL('<literal>', import.meta.url)` and emit the file as an
// asset; native ESM (a CDN, an import map) fetches it next to this file. esbuild leaves it alone: copy
// the .wasm next to the bundle or pass its URL (see the README).
const HINT = 'With esbuild (which does not copy assets), copy node_modules/cirrus-web/cirrus.wasm next to your bundle, '
  + 'or `import wasmUrl from "cirrus-web/cirrus.wasm"` (loader: file) and call init(wasmUrl)';

/** Loads the WebAssembly module: fetched next to this file unless `input` says where (URL, Response, bytes, Module). */
export function init(input) {
  return initWith(() => input ?? new URL('./cirrus.wasm', import.meta.url), HINT);
}
