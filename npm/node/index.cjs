'use strict';
// The Node package is the napi-rs addon itself: every export is implemented in Rust (crates/node over
// crates/core). This file only loads it, with a clear message when it has not been built.
let native;
try {
  native = require('./cirrus.node');
} catch (cause) {
  const err = new Error('cirrus: the native addon (npm/node/cirrus.node) is not built; run `npm run build`', { cause });
  err.code = 'NOT_BUILT';
  throw err;
}
module.exports = native;
