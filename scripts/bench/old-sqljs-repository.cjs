'use strict';
// The BASELINE of the repository benchmark (scripts/bench/repository.mjs): the embedded default repository
// as it was before the lifecycle work (sql.js: the database in memory, the whole file rewritten on every
// change). Kept only to measure against; not part of any package.
const { existsSync, readFileSync, renameSync, writeFileSync } = require('node:fs');

const COLUMNS = {
  public_id: 'public_id', resource_type: 'resource_type', type: 'type', version: 'version', format: 'format',
  bytes: 'bytes', width: 'width', height: 'height', secure_url: 'secure_url', ownerId: 'owner_id',
  original_filename: 'original_filename', mimeType: 'mime_type', createdAt: 'created_at', deletedAt: 'deleted_at',
  idempotencyKey: 'idempotency_key',
};

class SqliteRepository {
  #db;
  #path;

  constructor(db, path) {
    this.#db = db;
    this.#path = path;
  }

  /** Opens (or creates) the database at `path` (`:memory:` keeps it in memory only). */
  static async open(path = ':memory:') {
    const initSqlJs = require('sql.js');
    const SQL = await initSqlJs();
    const db = path !== ':memory:' && existsSync(path) ? new SQL.Database(readFileSync(path)) : new SQL.Database();
    db.run(`CREATE TABLE IF NOT EXISTS media (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      ${Object.values(COLUMNS).map((c) => `${c} ${['version', 'bytes', 'width', 'height'].includes(c) ? 'INTEGER' : 'TEXT'}`).join(',\n      ')},
      urls TEXT
    )`);
    db.run('CREATE INDEX IF NOT EXISTS media_owner ON media (owner_id)');
    db.run('CREATE INDEX IF NOT EXISTS media_public_id ON media (public_id)');
    const repo = new SqliteRepository(db, path);
    repo.#persist();
    return repo;
  }

  #persist() {
    if (this.#path === ':memory:') return;
    const tmp = `${this.#path}.tmp-${process.pid}`;
    writeFileSync(tmp, this.#db.export());
    renameSync(tmp, this.#path);
  }

  #rows(sql, params = []) {
    const stmt = this.#db.prepare(sql);
    try {
      stmt.bind(params);
      const out = [];
      while (stmt.step()) out.push(SqliteRepository.#record(stmt.getAsObject()));
      return out;
    } finally {
      stmt.free();
    }
  }

  static #record(row) {
    const record = { id: row.id };
    for (const [key, column] of Object.entries(COLUMNS)) record[key] = row[column] ?? null;
    if (row.urls) record.urls = JSON.parse(row.urls);
    return record;
  }

  async create(record) {
    const columns = Object.values(COLUMNS);
    const values = Object.keys(COLUMNS).map((k) => record[k] ?? null);
    this.#db.run(`INSERT INTO media (${columns.join(', ')}, urls) VALUES (${columns.map(() => '?').join(', ')}, ?)`,
      [...values, record.urls ? JSON.stringify(record.urls) : null]);
    const [{ id }] = this.#rows('SELECT last_insert_rowid() AS id').map((r) => ({ id: r.id }));
    this.#persist();
    return this.#rows('SELECT * FROM media WHERE id = ?', [id])[0];
  }

  async findOne({ id, ownerId }) {
    return this.#rows('SELECT * FROM media WHERE id = ? AND owner_id = ?', [id, ownerId])[0] ?? null;
  }

  async remove(id) {
    this.#db.run('DELETE FROM media WHERE id = ?', [id]);
    this.#persist();
  }

  async update(id, patch) {
    const sets = Object.entries(patch).filter(([k]) => k in COLUMNS);
    if (sets.length) {
      this.#db.run(`UPDATE media SET ${sets.map(([k]) => `${COLUMNS[k]} = ?`).join(', ')} WHERE id = ?`, [...sets.map(([, v]) => v), id]);
      this.#persist();
    }
    return this.#rows('SELECT * FROM media WHERE id = ?', [id])[0] ?? null;
  }

  /** `{}` for all; `{ public_id }`, `{ ownerId }`, `{ deletedBefore }` filter. */
  async list(query = {}) {
    const where = [];
    const params = [];
    if (query.public_id !== undefined) { where.push('public_id = ?'); params.push(query.public_id); }
    if (query.ownerId !== undefined) { where.push('owner_id = ?'); params.push(query.ownerId); }
    if (query.deletedBefore !== undefined) { where.push('deleted_at IS NOT NULL AND deleted_at <= ?'); params.push(query.deletedBefore); }
    return this.#rows(`SELECT * FROM media${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id`, params);
  }

  close() {
    this.#db.close();
  }
}

module.exports = { SqliteRepository };
