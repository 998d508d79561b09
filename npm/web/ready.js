// Whether init() has loaded the WebAssembly module: every export checks it first, so a missing init()
// is a clear coded error rather than a TypeError from inside the glue.
let initialised = false;

export const isReady = () => initialised;
export const markReady = () => { initialised = true; };

export function notInitialised() {
  const err = new Error('cirrus-web: call `await init()` before using it');
  err.code = 'NOT_INITIALIZED';
  return err;
}
