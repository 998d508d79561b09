// The emulator's compatibility table (crates/emulator/README.md) stays true: every test a row names exists
// in the emulator suites (which run in npm test), and every Upload API action and Admin API route the code
// dispatches has a row.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../../scripts/run.mjs';

const readme = readFileSync(join(root, 'crates', 'emulator', 'README.md'), 'utf8');
const table = readme.split('<!-- compatibility-table -->')[1].split('<!-- /compatibility-table -->')[0];
const rows = table.split('\n').filter((l) => l.startsWith('| `') || l.startsWith('| other') || l.startsWith('| every') || l.startsWith('| delivery'));

test('every test the compatibility table names exists in the emulator suites', () => {
  const dir = join(root, 'tests', 'emulator');
  const names = new Set(readdirSync(dir).filter((f) => f.endsWith('.test.mjs')).flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/^test\((['"])(.*?)\1/gm)].map((m) => m[2])));
  assert.ok(rows.length >= 20, `${rows.length} rows`);
  for (const row of rows) {
    const tests = [...row.split('|').at(-2).matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    assert.ok(tests.length > 0, `a row without tests: ${row}`);
    for (const t of tests) assert.ok(names.has(t), `the table names a test that does not exist: ${t}`);
  }
});

test('every action and Admin route the emulator dispatches has a row', () => {
  const app = readFileSync(join(root, 'crates', 'emulator', 'src', 'app.rs'), 'utf8');
  const actions = [...app.matchAll(/^\s+"([a-z_]+)" => crate::/gm)].map((m) => m[1]);
  assert.ok(actions.includes('upload') && actions.includes('tags'), actions.join(','));
  for (const action of actions) assert.match(table, new RegExp(`/<rt>/${action}\\b`), `no row for the ${action} action`);
  const admin = readFileSync(join(root, 'crates', 'emulator', 'src', 'admin.rs'), 'utf8');
  for (const route of ['by_asset_ids', 'context', 'publish_resources', 'update_access_mode', 'folders', 'tags/<rt>']) {
    assert.ok(admin.includes(route.replace('/<rt>', '/')) || admin.includes(route), `admin.rs no longer has ${route}`);
    assert.ok(table.includes(route), `no row for ${route}`);
  }
});
