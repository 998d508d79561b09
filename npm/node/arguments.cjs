'use strict';
// Coded errors, and argument handling that cannot escape without a code (shared by index.cjs and media.cjs).

function codedError(code, message, extra = {}) {
  const err = new Error(message);
  err.code = code;
  return Object.assign(err, extra);
}

/**
 * Runs argument handling that touches caller objects (getters, Proxies, toString): whatever it throws
 * without a code becomes INVALID_ARGUMENT, so a hostile argument is always a coded error.
 */
function readingArguments(what, fn) {
  try {
    return fn();
  } catch (err) {
    if (err instanceof Error && typeof err.code === 'string') throw err;
    throw codedError('INVALID_ARGUMENT', `could not read ${what}`, { cause: err });
  }
}

module.exports = { codedError, readingArguments };
