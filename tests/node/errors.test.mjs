// One error registry (scripts/exports/errors.mjs) across every layer: Rust code can only name its
// variants (the enum is generated from it); JavaScript code that throws a code must name one the registry
// has (scanned here); NestJS answers each with the registry's status, and an unregistered one is a 500
// and a log line, never a silent 502.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERRORS } from '../../scripts/exports/errors.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const registered = new Set(ERRORS.map(([code]) => code));

function files(dir, ext) {
  const out = [];
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name);
    if (['node_modules', 'dist', 'pkg'].includes(name)) continue;
    if (statSync(join(root, path)).isDirectory()) out.push(...files(path, ext));
    else if (ext.some((e) => name.endsWith(e))) out.push(path);
  }
  return out;
}

test('every code the JavaScript layers throw is in the registry', () => {
  const unknown = [];
  const throwing = /(?:codedError|coded)\(\s*'([A-Z_]+)'|code(?::|\s*=)\s*'([A-Z_]+)'/g;
  for (const file of [...files('npm/node', ['.cjs', '.mjs']), ...files('npm/web', ['.js']), ...files('npm/nestjs/src', ['.ts'])]) {
    for (const m of readFileSync(join(root, file), 'utf8').matchAll(throwing)) {
      const code = m[1] ?? m[2];
      if (!registered.has(code)) unknown.push(`${file}: ${code}`);
    }
  }
  assert.deepEqual(unknown, []);
});

test('NestJS answers every registered code with its status; an unregistered one is a 500', async () => {
  const { statusFor, toHttpException } = await import('cirrus-nestjs');
  for (const [code, status] of ERRORS) assert.equal(statusFor(code), status, code);
  assert.equal(statusFor('NO_SUCH_CODE'), 500);
  const { Logger } = await import('@nestjs/common');
  const original = Logger.prototype.error;
  Logger.prototype.error = () => {};
  try {
    assert.equal(toHttpException(Object.assign(new Error('x'), { code: 'NO_SUCH_CODE' })).getStatus(), 500);
  } finally {
    Logger.prototype.error = original;
  }
});

test('the registry is whole: every code has a status, a doc line, a layer; no code twice', () => {
  const seen = new Set();
  for (const [code, status, retryable, layer, doc] of ERRORS) {
    assert.match(code, /^[A-Z][A-Z_]+$/);
    assert.ok(!seen.has(code), `${code} twice`);
    seen.add(code);
    assert.ok(status >= 400 && status < 600, code);
    assert.equal(typeof retryable, 'boolean', code);
    assert.ok(['core', 'transport', 'media', 'node', 'web', 'nestjs'].includes(layer), code);
    assert.ok(doc.length > 10, code);
  }
});
