'use strict';
// Loads the native addon for this platform: `cirrus.<platform>.node` next to this file (a build from
// source), else the `cirrus-<platform>` package npm installed as an optional dependency. When neither is
// there, the error names the platform and the package it looked for (and, in a source checkout, how to
// build it).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const { notBuilt, platformName, SUPPORTED } = require('./platform.cjs');

function load() {
  const platform = platformName();
  const local = join(__dirname, `cirrus.${platform}.node`);
  if (existsSync(local)) return require(local);
  const pkg = `cirrus-${platform}`;
  let resolved;
  try {
    resolved = require.resolve(`${pkg}/cirrus.${platform}.node`);
  } catch (cause) {
    throw notBuilt('native addon', SUPPORTED.includes(platform)
      ? `npm installs it as an optional dependency of cirrus: reinstall without --no-optional / --omit=optional (and with the same OS and libc as where it runs), or, installing from tarballs, install ${pkg}'s beside cirrus's`
      : `cirrus ships no native code for ${platform} (it does for ${SUPPORTED.join(', ')}); cirrus-web runs anywhere WebAssembly does`, cause);
  }
  return require(resolved);
}

module.exports = { native: load(), platformName, SUPPORTED };
