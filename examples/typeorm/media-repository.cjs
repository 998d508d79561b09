'use strict';
// A MediaService repository over TypeORM (any TypeORM driver: Postgres, MySQL, SQLite, sql.js, ...).
// The service needs create/findOne/remove, plus update (soft delete) and list (purge, reconcile, idempotency).
const { EntitySchema, LessThanOrEqual } = require('typeorm');

const MediaEntity = new EntitySchema({
  name: 'Media',
  tableName: 'media',
  columns: {
    id: { type: Number, primary: true, generated: true },
    public_id: { type: String },
    resource_type: { type: String },
    type: { type: String },
    version: { type: Number },
    format: { type: String },
    bytes: { type: Number },
    width: { type: Number, nullable: true },
    height: { type: Number, nullable: true },
    secure_url: { type: String },
    ownerId: { type: String },
    original_filename: { type: String },
    mimeType: { type: String },
    createdAt: { type: String },
    deletedAt: { type: String, nullable: true },
    idempotencyKey: { type: String, nullable: true },
    urls: { type: 'simple-json', nullable: true },
  },
  indices: [{ columns: ['ownerId'] }, { columns: ['public_id'] }],
});

class TypeOrmMediaRepository {
  constructor(dataSource) {
    this.repo = dataSource.getRepository(MediaEntity);
  }

  create(record) {
    return this.repo.save(this.repo.create(record));
  }

  findOne({ id, ownerId }) {
    return this.repo.findOneBy({ id, ownerId });
  }

  async remove(id) {
    await this.repo.delete({ id });
  }

  async update(id, patch) {
    await this.repo.update({ id }, patch);
    return this.repo.findOneBy({ id });
  }

  list(query = {}) {
    const where = {};
    if (query.public_id !== undefined) where.public_id = query.public_id;
    if (query.ownerId !== undefined) where.ownerId = query.ownerId;
    // NULL <= x is not true in SQL, so only soft-deleted rows match.
    if (query.deletedBefore !== undefined) where.deletedAt = LessThanOrEqual(query.deletedBefore);
    return this.repo.find({ where, order: { id: 'ASC' } });
  }
}

module.exports = { MediaEntity, TypeOrmMediaRepository };
