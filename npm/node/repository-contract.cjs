'use strict';
// The repository contract kit: checks that a media repository keeps the promises MediaService relies on
// across processes and replicas (uniqueness, compare-and-set updates and deletes, atomic claims under
// concurrency, stable paging). Run it against your adapter in your own test suite:
//
//   const { repositoryContract } = require('cirrus/testing');
//   test('my repository keeps the contract', () => repositoryContract(async () => makeFreshRepository()));
//
// `fresh` must return a repository over an empty table each time it is called.
const assert = require('node:assert/strict');

const iso = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString();
let counter = 0;

/** A record as MediaService would insert it. */
function sample(overrides = {}) {
  counter += 1;
  const now = iso();
  return {
    public_id: `contract/${process.pid}_${counter}_${Math.random().toString(36).slice(2, 10)}`,
    resource_type: 'image', type: 'upload', state: 'pending', ownerId: 'alice', idempotencyKey: null,
    version: null, format: null, bytes: null, width: null, height: null, original_filename: 'a.png',
    mimeType: 'image/png', createdAt: now, updatedAt: now, deletedAt: null, leaseUntil: iso(60000),
    signedUntil: iso(4200000),
    ...overrides,
  };
}

const same = (a, b, what) => assert.equal(String(a), String(b), what);

/** One round of the purge-claim race check (see CHECKS). */
async function claimRestoreRace(repo) {
  const records = [];
  for (let i = 0; i < 30; i++) records.push((await repo.insert(sample({ state: 'committed', leaseUntil: null, deletedAt: iso(-60000) }))).record);
  const restored = new Set();
  const claimed = new Set();
  // Restores from the newest record back, a pause between each, while claims take the oldest first:
  // they meet in the middle, where a claim that read its records before taking them would take one
  // just restored.
  await Promise.all([
    (async () => {
      for (const r of [...records].reverse()) {
        if (await repo.update(r.id, 'committed', { deletedAt: null })) restored.add(String(r.id));
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })(),
    (async () => {
      for (;;) {
        const batch = await repo.claim({ now: iso(), leaseUntil: iso(30000), limit: 3, deletedBefore: iso() });
        if (batch.length === 0) return;
        for (const r of batch) claimed.add(String(r.id));
      }
    })(),
  ]);
  for (const r of records) {
    const id = String(r.id);
    assert.ok(!(restored.has(id) && claimed.has(id)), `record ${id} was restored and claimed (the claim must check the soft delete itself)`);
    assert.ok(restored.has(id) || claimed.has(id), `record ${id} was neither restored nor claimed`);
  }
}

/** The checks, by name; each gets a fresh repository. */
const CHECKS = {
  async 'insert stores every field and get/findByPublicId read it back'(repo) {
    const input = sample({ idempotencyKey: 'k-1', original_filename: 'Zoë.png' });
    const { record, created } = await repo.insert(input);
    assert.equal(created, true, 'insert of a new record reports created: true');
    assert.ok(record.id !== null && record.id !== undefined && record.id !== '', 'the stored record has an id');
    for (const [k, v] of Object.entries(input)) {
      // signedUntil: a direct upload's record is kept until then (a repository that drops it lets a
      // replay of the signed upload store an asset named by nothing).
      if (['createdAt', 'updatedAt', 'leaseUntil', 'signedUntil'].includes(k)) same(new Date(record[k]).toISOString(), v, k);
      else assert.deepEqual(record[k], v, `field ${k} round-trips`);
    }
    same((await repo.get(record.id)).public_id, input.public_id, 'get(id)');
    same((await repo.findByPublicId(input.public_id)).id, record.id, 'findByPublicId');
    assert.equal(await repo.findByPublicId('contract/missing'), null, 'a missing public_id is null');
  },

  async 'public_id is unique: a second insert returns the first record, created: false'(repo) {
    const first = await repo.insert(sample());
    const second = await repo.insert(sample({ public_id: first.record.public_id, ownerId: 'bob' }));
    assert.equal(second.created, false);
    same(second.record.id, first.record.id, 'the existing record comes back');
    assert.equal(second.record.ownerId, 'alice', 'nothing of the second insert was stored');
  },

  async '(ownerId, idempotencyKey) is unique; other owners and null keys never conflict'(repo) {
    const first = await repo.insert(sample({ idempotencyKey: 'pay-1' }));
    const again = await repo.insert(sample({ idempotencyKey: 'pay-1' }));
    assert.equal(again.created, false, 'same owner, same key');
    same(again.record.id, first.record.id);
    assert.equal((await repo.insert(sample({ idempotencyKey: 'pay-1', ownerId: 'bob' }))).created, true, 'another owner may use the same key');
    assert.equal((await repo.insert(sample())).created, true, 'records without a key never conflict');
    assert.equal((await repo.insert(sample())).created, true);
  },

  async 'twenty concurrent inserts with one key create exactly one record'(repo) {
    const results = await Promise.all(Array.from({ length: 20 }, () => repo.insert(sample({ idempotencyKey: 'race', ownerId: 'carol' }))));
    assert.equal(results.filter((r) => r.created).length, 1, 'one winner');
    assert.equal(new Set(results.map((r) => String(r.record.id))).size, 1, 'every caller gets the winner');
    const page = await repo.list({ ownerId: 'carol', deleted: 'include', limit: 100 });
    assert.equal(page.items.length, 1);
  },

  async 'update is compare-and-set on the state and changes only the patched fields'(repo) {
    const { record } = await repo.insert(sample());
    assert.equal(await repo.update(record.id, 'committed', { state: 'deleting' }), null, 'wrong expected state: nothing changes');
    const later = iso(1000);
    const committed = await repo.update(record.id, 'pending', {
      state: 'committed', version: 1700000000, format: 'png', bytes: 1234, width: 40, height: 30, updatedAt: later, leaseUntil: null,
    });
    assert.equal(committed.state, 'committed');
    assert.deepEqual([committed.version, committed.format, committed.bytes, committed.width, committed.height], [1700000000, 'png', 1234, 40, 30]);
    assert.equal(committed.leaseUntil, null, 'null clears a field');
    assert.equal(committed.original_filename, 'a.png', 'unpatched fields stay');
    same(new Date(committed.signedUntil).toISOString(), record.signedUntil && new Date(record.signedUntil).toISOString(), 'signedUntil stays');
    const resigned = await repo.update(record.id, 'committed', { signedUntil: iso(7200000) });
    assert.ok(resigned && new Date(resigned.signedUntil) > new Date(record.signedUntil), 'signedUntil is patched');
    const deleted = await repo.update(record.id, 'committed', { deletedAt: later });
    same(new Date(deleted.deletedAt).toISOString(), later, 'deletedAt set');
    assert.equal((await repo.update(record.id, 'committed', { deletedAt: null })).deletedAt, null, 'deletedAt cleared');
    assert.equal((await repo.get(record.id)).state, 'committed');
  },

  async 'delete is compare-and-set on the state'(repo) {
    const { record } = await repo.insert(sample({ state: 'committed', leaseUntil: null }));
    assert.equal(await repo.delete(record.id, 'pending'), false, 'wrong state: kept');
    assert.notEqual(await repo.get(record.id), null);
    assert.equal(await repo.delete(record.id, 'committed'), true);
    assert.equal(await repo.get(record.id), null);
    assert.equal(await repo.delete(record.id, 'committed'), false, 'already gone');
  },

  async 'claim takes only records whose lease is over, moves them to deleting, and not twice'(repo) {
    const expiredPending = (await repo.insert(sample({ leaseUntil: iso(-60000) }))).record;
    await repo.insert(sample({ leaseUntil: iso(60000) }));
    const expiredDeleting = (await repo.insert(sample({ state: 'deleting', leaseUntil: iso(-1000) }))).record;
    await repo.insert(sample({ state: 'committed', leaseUntil: null }));
    const leaseUntil = iso(30000);
    const claimed = await repo.claim({ now: iso(), leaseUntil, limit: 10 });
    assert.deepEqual(claimed.map((r) => String(r.id)).sort(), [expiredPending.id, expiredDeleting.id].map(String).sort());
    for (const r of claimed) {
      assert.equal(r.state, 'deleting');
      same(new Date(r.leaseUntil).toISOString(), leaseUntil, 'the new lease');
    }
    assert.deepEqual(await repo.claim({ now: iso(), leaseUntil: iso(30000), limit: 10 }), [], 'claimed records are leased');
    const reclaimed = await repo.claim({ now: iso(60000), leaseUntil: iso(90000), limit: 10 });
    assert.ok(reclaimed.length >= 2, 'once the lease is over they can be claimed again');
  },

  async 'a purge claim (deletedBefore) takes only committed records soft-deleted at or before it'(repo) {
    const cutoff = iso(-30000);
    const old = (await repo.insert(sample({ state: 'committed', leaseUntil: null, deletedAt: iso(-60000) }))).record;
    const atCutoff = (await repo.insert(sample({ state: 'committed', leaseUntil: null, deletedAt: cutoff }))).record;
    await repo.insert(sample({ state: 'committed', leaseUntil: null, deletedAt: iso(-1000) }));
    const restored = (await repo.insert(sample({ state: 'committed', leaseUntil: null, deletedAt: iso(-90000) }))).record;
    await repo.insert(sample({ state: 'committed', leaseUntil: null }));
    await repo.insert(sample({ leaseUntil: iso(-60000) })); // an expired pending record: a sweep's, not a purge's
    await repo.insert(sample({ state: 'deleting', leaseUntil: iso(-60000), deletedAt: iso(-60000) }));
    assert.ok(await repo.update(restored.id, 'committed', { deletedAt: null }), 'restored');
    const leaseUntil = iso(30000);
    const first = await repo.claim({ now: iso(), leaseUntil, limit: 1, deletedBefore: cutoff });
    assert.equal(first.length, 1, 'limit');
    const rest = await repo.claim({ now: iso(), leaseUntil, limit: 10, deletedBefore: cutoff });
    const claimed = [...first, ...rest];
    assert.deepEqual(claimed.map((r) => String(r.id)).sort(), [old.id, atCutoff.id].map(String).sort(),
      'only the records soft-deleted at or before the time');
    for (const r of claimed) {
      assert.equal(r.state, 'deleting');
      same(new Date(r.leaseUntil).toISOString(), leaseUntil, 'the new lease');
    }
    assert.deepEqual(await repo.claim({ now: iso(), leaseUntil, limit: 10, deletedBefore: cutoff }), [], 'not twice');
  },

  async 'a purge claim and restores racing: no record is both restored and claimed'(repo) {
    for (let round = 0; round < 3; round++) await claimRestoreRace(repo);
  },

  async 'concurrent claimers never get the same record'(repo) {
    for (let i = 0; i < 30; i++) await repo.insert(sample({ leaseUntil: iso(-5000) }));
    const seen = [];
    await Promise.all(Array.from({ length: 6 }, async () => {
      for (;;) {
        const batch = await repo.claim({ now: iso(), leaseUntil: iso(60000), limit: 4 });
        if (batch.length === 0) return;
        seen.push(...batch.map((r) => String(r.id)));
      }
    }));
    assert.equal(seen.length, 30, 'every record claimed once');
    assert.equal(new Set(seen).size, 30, 'no record claimed twice');
  },

  async 'list pages in a stable order and filters by owner, state and deletion'(repo) {
    const past = iso(-5000);
    for (let i = 0; i < 25; i++) await repo.insert(sample({ state: 'committed', leaseUntil: null, ownerId: 'dave' }));
    for (let i = 0; i < 2; i++) await repo.insert(sample({ state: 'committed', leaseUntil: null, ownerId: 'dave', deletedAt: past }));
    for (let i = 0; i < 3; i++) await repo.insert(sample({ ownerId: 'dave' }));
    for (let i = 0; i < 4; i++) await repo.insert(sample({ state: 'committed', leaseUntil: null, ownerId: 'erin' }));
    const pages = [];
    let after;
    do {
      const page = await repo.list({ ownerId: 'dave', state: 'committed', deleted: 'exclude', after, limit: 10 });
      pages.push(page.items.map((r) => String(r.id)));
      // An adapter that ignores `after` would page forever here (and in the service): fail instead.
      assert.ok(pages.length <= 3, `list() is still answering a next page after ${pages.length} pages of 10 (is \`after\` ignored?)`);
      after = page.next ?? undefined;
    } while (after !== undefined);
    assert.deepEqual(pages.map((p) => p.length), [10, 10, 5]);
    assert.equal(new Set(pages.flat()).size, 25, 'no record on two pages');
    const only = await repo.list({ ownerId: 'dave', state: 'committed', deleted: 'only', limit: 100 });
    assert.equal(only.items.length, 2);
    assert.equal(only.next, null);
    assert.equal((await repo.list({ ownerId: 'dave', state: 'committed', deleted: 'include', limit: 100 })).items.length, 27);
    assert.equal((await repo.list({ ownerId: 'dave', state: 'pending', deleted: 'include', limit: 100 })).items.length, 3);
    assert.equal((await repo.list({ deleted: 'only', deletedBefore: iso(-60000), limit: 100 })).items.length, 0);
    assert.equal((await repo.list({ deleted: 'only', deletedBefore: iso(), limit: 100 })).items.length, 2);
    assert.equal((await repo.list({ deleted: 'include', createdBefore: iso(-60000), limit: 100 })).items.length, 0);
    assert.equal((await repo.list({ deleted: 'include', limit: 1000 })).items.length, 34);
  },
};

/**
 * Runs every check, each on `await fresh()` (a repository over an empty table). Resolves to the names of
 * the checks passed; rejects with the first failure, named.
 */
async function repositoryContract(fresh) {
  if (typeof fresh !== 'function') throw new TypeError('repositoryContract(fresh): fresh() must return a repository over an empty table');
  const passed = [];
  for (const [name, check] of Object.entries(CHECKS)) {
    const repo = await fresh();
    try {
      await check(repo);
    } catch (err) {
      err.message = `repository contract: ${name}: ${err.message}`;
      throw err;
    } finally {
      await repo.close?.();
    }
    passed.push(name);
  }
  return passed;
}

module.exports = { repositoryContract, REPOSITORY_CONTRACT_CHECKS: Object.keys(CHECKS) };
