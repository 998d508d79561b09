// Loading the WebAssembly module once, and whether it is loaded: every export checks first, so a missing
// init() is a clear coded error rather than a TypeError from inside the glue.
import { __wbg_finalize_init as finish, __wbg_get_imports as glueImports } from './pkg/cirrus_wasm.js';

let initialised = false;
// The load init() answers with (null: the next init() starts one), and the last one started.
let ready = null;
let loading = null;
let memory = null;
let exports = null;

export const isReady = () => initialised;

let browserModule = null;
// Whether the module loading or loaded is the url module, chosen by the browser entry's init() because
// nothing imported needed more.
let onUrlModule = false;

/**
 * Called where the web package defines an export the url module (cirrus-url.wasm) lacks (beyond-url.js):
 * the browser entry's init() then loads the browser module. A bundler that drops what a page does not
 * import drops this call with those exports, so a page that imports url() alone loads the url module.
 * Evaluated only after init() chose the url module (a chunk loaded later: code splitting), it makes the
 * next init() load the browser module in its place.
 */
export function needBrowserModule(locate) {
  if (browserModule) return;
  browserModule = locate;
  if (onUrlModule) ready = null;
}

/**
 * The browser entry's choice: the browser module when something imported needs it, else `urlModule`
 * (the url module's URL).
 */
export function chooseModule(urlModule) {
  if (browserModule) return browserModule();
  onUrlModule = true;
  return urlModule;
}

/** The module's memory in bytes (for tests that check it stays bounded; not exported by the package). */
export const memoryBytes = () => memory?.buffer.byteLength;

/** Whether the loaded module has the raw export `name` (the browser module leaves server functions out). */
export const inModule = (name) => typeof exports?.[name] === 'function';

/**
 * What a function the loaded module leaves out answers (the NOT_IN_BROWSER_BUILD code): `urlModule`
 * when the browser module has it and only the url module (init() given cirrus-url.wasm) lacks it.
 */
export function notInBrowserBuild(name, urlModule = false) {
  const err = new Error(urlModule
    ? `cirrus-web: \`${name}\` is not in the loaded module, cirrus-url.wasm (init() loads it while nothing imported needs more than url()); \`await init()\` once \`${name}\` is imported (in a chunk loaded after the first init() too) loads cirrus-browser.wasm, unless init() is given a module`
    : `cirrus-web: \`${name}\` is not in the browser build (a browser holds no api_secret); servers, workers, Deno and Bun load the full build, and a page that needs it imports 'cirrus-web/full'`);
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
 * WebAssembly.Module) once; a failure is reported with `hint` and lets the next call try again. A load
 * that replaces the url module (see needBrowserModule) waits for the one before it, and until it is done
 * the calls go to the url module.
 */
export function initWith(source, hint) {
  if (!ready) {
    const before = loading;
    const load = (async () => {
      await before?.catch(() => {});
      onUrlModule = false;
      const found = await source();
      try {
        await instantiate(found);
      } catch (cause) {
        const from = found instanceof URL || typeof found === 'string' ? found : isFetched(found) ? found.url : '';
        const where = from ? ` from ${from}` : '';
        const err = new Error(`cirrus-web: could not load its WebAssembly module${where}: ${cause?.message ?? cause}${hint ? `. ${hint}` : ''}`, { cause });
        err.code = 'WASM_LOAD_FAILED';
        throw err;
      }
      initialised = true;
    })();
    ready = load;
    loading = load;
    load.catch(() => {
      if (ready === load) ready = null;
    });
  }
  return ready;
}

/** Whether `v` is a Request or a Response (each has the URL it was fetched from). */
const isFetched = (v) => (typeof Request === 'function' && v instanceof Request) || (typeof Response === 'function' && v instanceof Response);

/**
 * The module instantiated with the glue's imports from what an entry found: a URL (or its text) or a
 * Request to fetch, a Response, bytes, or a compiled WebAssembly.Module (workerd). Streamed where the
 * runtime can, and read whole where the server's type is not `application/wasm` (streaming refuses it
 * before reading the body), as wasm-bindgen's own loader does.
 */
async function instantiate(found) {
  const imports = glueImports();
  let input = found;
  if (typeof input === 'string' || input instanceof URL || (typeof Request === 'function' && input instanceof Request)) input = fetch(input);
  input = await input;
  if (typeof Response === 'function' && input instanceof Response) {
    if (!input.ok) throw new Error(`HTTP ${input.status}${input.statusText ? ` ${input.statusText}` : ''}`);
    if (typeof WebAssembly.instantiateStreaming === 'function') {
      try {
        const { instance, module } = await WebAssembly.instantiateStreaming(input, imports);
        return adopt(instance, module);
      } catch (err) {
        // Refused for its type, the body is still unread and is compiled below; read, it was no module.
        if (input.bodyUsed) throw err;
      }
    }
    input = await input.arrayBuffer();
  }
  const made = await WebAssembly.instantiate(input, imports);
  return made instanceof WebAssembly.Instance ? adopt(made, input) : adopt(made.instance, made.module);
}

/**
 * Binds the glue to a new instance and the package's view of it (exports, memory) in one step, with no
 * await between (inModule must not describe the instance before). If its start fails, the glue is bound
 * to an instance nothing may call: the package is not ready.
 */
function adopt(instance, module) {
  try {
    exports = finish(instance, module);
  } catch (err) {
    initialised = false;
    exports = null;
    memory = null;
    throw err;
  }
  ({ memory } = exports);
  return exports;
}
