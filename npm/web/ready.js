// Loading the WebAssembly module once, and whether it is loaded: every export checks first, so a missing
// init() is a clear coded error rather than a TypeError from inside the glue.
import initWasm from './pkg/cirrus_wasm.js';

let initialised = false;
let ready = null;
let memory = null;
let exports = null;

export const isReady = () => initialised;

/** The module's memory in bytes (for tests that check it stays bounded; not exported by the package). */
export const memoryBytes = () => memory?.buffer.byteLength;

/** Whether the loaded module has the raw export `name` (the browser module leaves server functions out). */
export const inModule = (name) => typeof exports?.[name] === 'function';

/** What a function the browser module leaves out answers (the text of the NOT_IN_BROWSER_BUILD code). */
export function notInBrowserBuild(name) {
  const err = new Error(`cirrus-web: \`${name}\` is not in the browser build (a browser holds no api_secret); servers, workers, Deno and Bun load the full build, and a page that needs it imports 'cirrus-web/full'`);
  err.code = 'NOT_IN_BROWSER_BUILD';
  return err;
}

export function notInitialised() {
  const err = new Error('cirrus-web: call `await init()` before using it');
  err.code = 'NOT_INITIALIZED';
  return err;
}

/**
 * Instantiates the module from `source()` (what the runtime's entry found: a URL, bytes or a compiled
 * WebAssembly.Module) once; a failure is reported with `hint` and lets the next call try again.
 */
export function initWith(source, hint) {
  if (!ready) {
    ready = (async () => {
      const found = await source();
      try {
        exports = await initWasm({ module_or_path: found });
        ({ memory } = exports);
      } catch (cause) {
        const where = found instanceof URL || typeof found === 'string' ? ` from ${found}` : '';
        const err = new Error(`cirrus-web: could not load its WebAssembly module${where}: ${cause?.message ?? cause}${hint ? `. ${hint}` : ''}`, { cause });
        err.code = 'WASM_LOAD_FAILED';
        throw err;
      }
      initialised = true;
    })();
    ready.catch(() => { ready = null; });
  }
  return ready;
}
