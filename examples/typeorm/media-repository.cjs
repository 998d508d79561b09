'use strict';
// A MediaService repository over TypeORM on PostgreSQL. It keeps the repository contract (checked by
// `repositoryContract` from `cirrus/testing` in tests/node/typeorm-adapter.test.mjs):
// - unique public_id and unique (ownerId, idempotencyKey): `INSERT ... ON CONFLICT`, answering the
//   record that holds the key in the same statement (a no-op update), or the one with the public_id;
// - update/delete only in the expected state: one conditional statement each;
// - claims with `SELECT ... FOR UPDATE SKIP LOCKED` inside a transaction, so replicas never share a record.
const { EntitySchema, In, IsNull, LessThanOrEqual, MoreThan, Not } = require('typeorm');

const MediaEntity = new EntitySchema({
  name: 'Media',
  tableName: 'media',
  columns: {
    id: { type: 'bigint', primary: true, generated: 'increment' },
    public_id: { type: 'text', unique: true },
    resource_type: { type: 'text' },
    type: { type: 'text' },
    state: { type: 'text' },
    ownerId: { type: 'text' },
    idempotencyKey: { type: 'text', nullable: true },
    version: { type: 'bigint', nullable: true },
    format: { type: 'text', nullable: true },
    bytes: { type: 'bigint', nullable: true },
    width: { type: 'int', nullable: true },
    height: { type: 'int', nullable: true },
    original_filename: { type: 'text', nullable: true },
    mimeType: { type: 'text', nullable: true },
    createdAt: { type: 'timestamptz' },
    updatedAt: { type: 'timestamptz' },
    deletedAt: { type: 'timestamptz', nullable: true },
    leaseUntil: { type: 'timestamptz', nullable: true },
    signedUntil: { type: 'timestamptz', nullable: true },
  },
  indices: [
    { name: 'media_owner_key', columns: ['ownerId', 'idempotencyKey'], unique: true, where: '"idempotencyKey" IS NOT NULL' },
    // An owner's records in one state, in id order: list() of committed records, and signDirectUpload's
    // count of the owner's pending ones (without it, a scan of all of that owner's records per signature).
    { name: 'media_owner_state', columns: ['ownerId', 'state', 'id'] },
    { name: 'media_lease', columns: ['state', 'leaseUntil'] },
    { name: 'media_deleted', columns: ['state', 'deletedAt'], where: '"deletedAt" IS NOT NULL' },
  ],
});

const TIMES = ['createdAt', 'updatedAt', 'deletedAt', 'leaseUntil', 'signedUntil'];
const NUMBERS = ['version', 'bytes', 'width', 'height'];

/** An entity (or a raw RETURNING row) as a record: bigint ids and counts arrive as strings, times as Dates. */
function toRecord(row) {
  if (!row) return null;
  const record = { ...row, id: String(row.id) };
  for (const k of TIMES) record[k] = row[k] == null ? null : new Date(row[k]).toISOString();
  for (const k of NUMBERS) record[k] = row[k] == null ? null : Number(row[k]);
  return record;
}

class TypeOrmMediaRepository {
  constructor(dataSource) {
    this.dataSource = dataSource;
    this.repo = dataSource.getRepository(MediaEntity);
  }

  async insert(record) {
    if (record.idempotencyKey != null) {
      // A no-op update on a key conflict (ownerId is the conflict's own value) returns the record holding
      // the key in the same statement: a separate find could see it gone (another replica's request with
      // this key failed and retired its intent in between). `xmax = 0` only on a row this one inserted.
      try {
        const result = await this.repo.createQueryBuilder().insert().values({ ...record })
          .orUpdate(['ownerId'], ['ownerId', 'idempotencyKey'], { indexPredicate: '"idempotencyKey" IS NOT NULL' })
          .returning('*, (xmax = 0) AS inserted').execute();
        const { inserted, ...row } = result.raw[0];
        return { record: toRecord(row), created: inserted };
      } catch (err) {
        if ((err?.driverError?.code ?? err?.code) !== '23505') throw err; // else the public_id is taken: below
      }
    }
    // The conflicting record can be deleted between the insert and the find: the insert is tried again.
    for (let attempt = 0; attempt < 10; attempt++) {
      const result = await this.repo.createQueryBuilder().insert().values({ ...record }).orIgnore().returning('*').execute();
      if (result.raw.length === 1) return { record: toRecord(result.raw[0]), created: true };
      // The key's holder first: another record may hold the public_id.
      const byKey = record.idempotencyKey == null ? null : await this.repo.findOneBy({ ownerId: record.ownerId, idempotencyKey: record.idempotencyKey });
      const existing = byKey ?? await this.repo.findOneBy({ public_id: record.public_id });
      if (existing) return { record: toRecord(existing), created: false };
    }
    throw new Error('insert conflicted 10 times with a record that was gone when read');
  }

  async get(id) {
    return /^\d+$/.test(String(id)) ? toRecord(await this.repo.findOneBy({ id: String(id) })) : null;
  }

  async findByPublicId(publicId) {
    return toRecord(await this.repo.findOneBy({ public_id: publicId }));
  }

  async list(query) {
    const where = {};
    if (query.ownerId != null) where.ownerId = query.ownerId;
    if (query.state != null) where.state = query.state;
    if ((query.deleted ?? 'exclude') === 'exclude') where.deletedAt = IsNull();
    else if (query.deleted === 'only') where.deletedAt = query.deletedBefore != null ? LessThanOrEqual(query.deletedBefore) : Not(IsNull());
    else if (query.deletedBefore != null) where.deletedAt = LessThanOrEqual(query.deletedBefore);
    if (query.createdBefore != null) where.createdAt = LessThanOrEqual(query.createdBefore);
    if (query.after != null) where.id = MoreThan(String(query.after));
    const rows = await this.repo.find({ where, order: { id: 'ASC' }, take: query.limit + 1 });
    const items = rows.slice(0, query.limit).map(toRecord);
    return { items, next: rows.length > query.limit ? items[items.length - 1].id : null };
  }

  async update(id, expect, patch) {
    const result = await this.repo.createQueryBuilder().update().set(patch)
      .where('id = :id AND state = :expect', { id: String(id), expect }).returning('*').execute();
    return toRecord(result.raw[0]);
  }

  async delete(id, expect) {
    const result = await this.repo.delete({ id: String(id), state: expect });
    return result.affected === 1;
  }

  async claim({ now, leaseUntil, limit, deletedBefore = null }) {
    return this.dataSource.transaction(async (manager) => {
      // A sweeper's claim takes records whose lease is over; a purge's (deletedBefore), committed records
      // soft-deleted at or before it (FOR UPDATE re-checks that on a row a restore changed meanwhile).
      const query = manager.createQueryBuilder(MediaEntity, 'm').setLock('pessimistic_write').setOnLocked('skip_locked');
      if (deletedBefore != null) {
        query.where('m.state = :state', { state: 'committed' }).andWhere('m.deletedAt IS NOT NULL AND m.deletedAt <= :deletedBefore', { deletedBefore });
      } else {
        query.where('m.state IN (:...states)', { states: ['pending', 'deleting'] }).andWhere('(m.leaseUntil IS NULL OR m.leaseUntil < :now)', { now });
      }
      const rows = await query.orderBy('m.id', 'ASC').limit(limit).getMany();
      if (rows.length === 0) return [];
      await manager.getRepository(MediaEntity).update({ id: In(rows.map((r) => r.id)) }, { state: 'deleting', leaseUntil, updatedAt: now });
      return rows.map((r) => toRecord({ ...r, state: 'deleting', leaseUntil, updatedAt: now }));
    });
  }
}

module.exports = { MediaEntity, TypeOrmMediaRepository };
