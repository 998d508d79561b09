// cirrus-web for Cloudflare Workers (the `workerd` export condition): wrangler and workerd compile an
// imported .wasm into a WebAssembly.Module at deploy time (a Worker may not compile code at run time).
import wasmModule from './cirrus.wasm';
import { initWith } from './ready.js';

export * from './common.js';

/** Instantiates the bundled WebAssembly module (or `input`, a WebAssembly.Module). */
export function init(input) {
  return initWith(() => input ?? wasmModule);
}
