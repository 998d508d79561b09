// A child process of repository-contract.test.mjs: opens the shared SQLite file and inserts or claims.
//   node repository-worker.mjs <file> insert <n> | claim
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { SqliteRepository } = require('../../npm/node');
const [file, mode] = process.argv.slice(2);
const repo = SqliteRepository.open(file);
const iso = (offset = 0) => new Date(Date.now() + offset).toISOString();
const record = (extra) => ({
  public_id: `shared/${process.pid}/${Math.random().toString(36).slice(2)}`, resource_type: 'image', type: 'upload',
  state: 'pending', ownerId: 'shared', idempotencyKey: null, createdAt: iso(), updatedAt: iso(), leaseUntil: iso(-60000), ...extra,
});

let out;
if (mode === 'insert') {
  // Every process races for the same 50 keys, interleaved with records of its own.
  out = [];
  for (let k = 0; k < 50; k++) {
    const r = await repo.insert(record({ idempotencyKey: `key-${k}` }));
    out.push({ key: k, id: r.record.id, created: r.created });
    if (k % 2 === 0) await repo.insert(record());
  }
} else {
  out = [];
  for (;;) {
    const batch = await repo.claim({ now: iso(), leaseUntil: iso(600000), limit: 5 });
    if (batch.length === 0) break;
    out.push(...batch.map((r) => r.id));
  }
}
process.send(out, () => process.exit(0));
