// scripts/wasm-imports.mjs, which the build uses to give a smaller module's import the full glue's name
// for the same function: on a real module, a rename changes that import's name alone, nothing renamed
// gives back the same bytes, and a name the module does not import is refused.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { renameImports } from '../../scripts/wasm-imports.mjs';

const importsOf = (bytes) => WebAssembly.Module.imports(new WebAssembly.Module(bytes)).map((i) => `${i.module}.${i.name}:${i.kind}`);

test('renameImports renames the imports it is told to and nothing else', async () => {
  const bytes = await readFile(new URL('../../npm/web/cirrus-url.wasm', import.meta.url));
  const before = importsOf(bytes);
  assert.ok(before.length > 3);
  assert.ok(renameImports(bytes, {}).equals(bytes), 'nothing renamed: the same bytes');
  const [first, second] = before.map((i) => i.split(':')[0].split('.').pop());
  // Longer names (the section grows), and two names swapped.
  const renamed = renameImports(bytes, { [first]: `${first}_${'x'.repeat(200)}`, [second]: first });
  const after = importsOf(renamed);
  assert.deepEqual(after, before.map((i) => i.replace(`.${first}:`, `.${first}_${'x'.repeat(200)}:`).replace(`.${second}:`, `.${first}:`)));
  assert.deepEqual(WebAssembly.Module.exports(new WebAssembly.Module(renamed)), WebAssembly.Module.exports(new WebAssembly.Module(bytes)));
  assert.throws(() => renameImports(bytes, { not_imported: 'x' }), /no import named not_imported/);
  assert.throws(() => renameImports(Buffer.from('not wasm'), {}), /not a module/);
});
