// cirrus-web for Node, Deno and Bun (their export conditions): init() reads the .wasm from disk.
import { readFile } from 'node:fs/promises';
import { initWith } from './ready.js';

export * from './common.js';

/** Loads the WebAssembly module: read from this package unless `input` says where (URL, bytes, Module). */
export function init(input) {
  return initWith(() => input ?? readFile(new URL('./cirrus.wasm', import.meta.url)));
}
