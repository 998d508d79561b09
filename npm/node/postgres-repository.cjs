'use strict';
// PostgresRepository: the media repository contract on PostgreSQL (npm `pg`, an optional peer dependency),
// for several service processes and replicas on one database. Uniqueness (public_id, and ownerId with
// idempotencyKey) is enforced by the database; conditional updates are single statements; sweeper claims use
// `FOR UPDATE SKIP LOCKED`, so replicas claiming at once never get the same record and never wait on
// each other.
const { codedError } = require('./arguments.cjs');

const COLUMNS = {
  public_id: 'public_id', resource_type: 'resource_type', type: 'type', state: 'state', ownerId: 'owner_id',
  idempotencyKey: 'idempotency_key', version: 'version', format: 'format', bytes: 'bytes', width: 'width',
  height: 'height', original_filename: 'original_filename', mimeType: 'mime_type', createdAt: 'created_at',
  updatedAt: 'updated_at', deletedAt: 'deleted_at', leaseUntil: 'lease_until', signedUntil: 'signed_until',
};
const TIMES = new Set(['created_at', 'updated_at', 'deleted_at', 'lease_until', 'signed_until']);
const NUMBERS = new Set(['version', 'bytes', 'width', 'height']);

/** Inserts tried while each conflicts with a record deleted before it can be read (see insert). */
const INSERT_ATTEMPTS = 10;
/** PostgreSQL's SQLSTATE for a unique constraint violated. */
const UNIQUE_VIOLATION = '23505';

/** The table's indexes, `<table>_<suffix>`: `schema` makes them, `migrate` checks them first. */
const INDEXES = [
  ['owner_key', 'UNIQUE INDEX', '(owner_id, idempotency_key) WHERE idempotency_key IS NOT NULL'],
  ['owner', 'INDEX', '(owner_id, id)'],
  ['owner_state', 'INDEX', '(owner_id, state, id)'],
  ['lease', 'INDEX', '(state, lease_until)'],
  ['deleted', 'INDEX', '(state, deleted_at) WHERE deleted_at IS NOT NULL'],
];

function schema(table) {
  return `
CREATE TABLE IF NOT EXISTS ${table} (
  id BIGSERIAL PRIMARY KEY,
  public_id TEXT NOT NULL UNIQUE,
  resource_type TEXT NOT NULL,
  type TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'committed', 'deleting')),
  owner_id TEXT NOT NULL,
  idempotency_key TEXT,
  version BIGINT,
  format TEXT,
  bytes BIGINT,
  width INTEGER,
  height INTEGER,
  original_filename TEXT,
  mime_type TEXT,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  deleted_at TIMESTAMPTZ,
  lease_until TIMESTAMPTZ,
  signed_until TIMESTAMPTZ
);
DO $$ BEGIN
  -- A table made by an earlier release gets the column. Checked first: ALTER TABLE takes its exclusive
  -- lock before it looks, and every replica's connect would then block the table for a moment.
  IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = lower('${table}') AND column_name = 'signed_until') THEN
    ALTER TABLE ${table} ADD COLUMN signed_until TIMESTAMPTZ;
  END IF;
END $$;
${INDEXES.map(([suffix, kind, on]) => `CREATE ${kind} IF NOT EXISTS ${table}_${suffix} ON ${table} ${on};`).join('\n')}`;
}

/** A row as a record: ids and int8 columns come back from `pg` as strings, times as Dates. */
function toRecord(row) {
  if (!row) return null;
  const record = { id: String(row.id) };
  for (const [key, column] of Object.entries(COLUMNS)) {
    const v = row[column];
    if (v === null || v === undefined) record[key] = null;
    else if (TIMES.has(column)) record[key] = new Date(v).toISOString();
    else if (NUMBERS.has(column)) record[key] = Number(v);
    else record[key] = v;
  }
  return record;
}

class PostgresRepository {
  #pool;
  #table;
  #ownsPool;

  /**
   * @param pool a `pg.Pool` (or anything with `query(text, values)`)
   * @param options `{ table = 'cirrus_media' }`
   */
  constructor(pool, { table = 'cirrus_media', ownsPool = false } = {}) {
    if (!pool || typeof pool.query !== 'function') throw codedError('INVALID_ARGUMENT', 'PostgresRepository needs a pg.Pool');
    if (!/^[a-z_][a-z0-9_]*$/i.test(table)) throw codedError('INVALID_OPTION', 'table must be a plain SQL identifier');
    this.#pool = pool;
    this.#table = table;
    this.#ownsPool = ownsPool;
  }

  /**
   * Connects (a connection string, a `pg` pool config, or a `pg.Pool`), creates the table if it is
   * missing, and returns the repository.
   */
  static async connect(target, options = {}) {
    let pool = target;
    let ownsPool = false;
    if (typeof target === 'string' || (target && typeof target.query !== 'function')) {
      let pg;
      try {
        pg = require('pg');
      } catch (cause) {
        throw codedError('MISSING_DEPENDENCY', 'PostgresRepository needs the `pg` package: npm install pg', { cause });
      }
      pool = new pg.Pool(typeof target === 'string' ? { connectionString: target } : target);
      ownsPool = true;
    }
    const repo = new PostgresRepository(pool, { ...options, ownsPool });
    if (options.migrate !== false) await repo.migrate();
    return repo;
  }

  /**
   * Creates the table and indexes if they are missing. Several replicas may start together: without
   * a lock, two `CREATE TABLE IF NOT EXISTS` both see no table and one fails on PostgreSQL's catalog
   * ("duplicate key value violates unique constraint pg_type_typname_nsp_index"). One query of
   * several statements runs as one transaction, so the advisory lock it takes first is held until
   * the schema is committed, and the next replica then finds the table.
   */
  async migrate() {
    // Every replica connects through here. When the schema is already current nothing is run: DDL takes
    // its table lock before it checks `IF NOT EXISTS` (CREATE INDEX a lock that stops writes, ALTER TABLE
    // one that stops everything), so running it on every connect would queue behind any long
    // transaction on the table, and every query after it.
    if (await this.#schemaIsCurrent()) return;
    await this.#pool.query(`SELECT pg_advisory_xact_lock(hashtext('cirrus migrate ${this.#table}'));${schema(this.#table)}`);
  }

  /** Whether the table, its indexes and its newest column exist (catalog reads only: no lock on the table). */
  async #schemaIsCurrent() {
    const table = this.#table.toLowerCase();
    const objects = [table, ...INDEXES.map(([suffix]) => `${table}_${suffix}`)];
    const { rows } = await this.#pool.query(
      `SELECT (SELECT count(*) FROM unnest($1::text[]) AS name WHERE to_regclass(name) IS NOT NULL) AS present,
              (SELECT count(*) FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = $2 AND column_name = 'signed_until') AS columns`,
      [objects, table],
    );
    return Number(rows[0].present) === objects.length && Number(rows[0].columns) === 1;
  }

  async #one(text, values) {
    return toRecord((await this.#pool.query(text, values)).rows[0]);
  }

  async insert(record) {
    const columns = Object.values(COLUMNS);
    const values = Object.keys(COLUMNS).map((k) => record[k] ?? null);
    const insert = `INSERT INTO ${this.#table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`;
    if (record.idempotencyKey != null) {
      // A no-op update on a key conflict returns the record holding the key, locked, in the same
      // statement: a separate select could find it gone (another replica's request with this key failed
      // and retired its intent in between). `xmax = 0` only on a row this statement inserted: an
      // ON CONFLICT update leaves its transaction id in the new row version's xmax (PostgreSQL's
      // storage, not a documented interface, though a widely relied-on one; the contract tests check it).
      try {
        const { rows } = await this.#pool.query(
          `${insert} ON CONFLICT (owner_id, idempotency_key) WHERE idempotency_key IS NOT NULL
           DO UPDATE SET updated_at = ${this.#table}.updated_at RETURNING *, (xmax = 0) AS inserted`, values);
        return { record: toRecord(rows[0]), created: rows[0].inserted };
      } catch (err) {
        if (err?.code !== UNIQUE_VIOLATION) throw err; // else the public_id is taken: below
      }
    }
    // The conflicting record can be deleted between the insert and the select: the insert is tried again.
    for (let attempt = 0; attempt < INSERT_ATTEMPTS; attempt++) {
      const inserted = await this.#one(`${insert} ON CONFLICT DO NOTHING RETURNING *`, values);
      if (inserted) return { record: inserted, created: true };
      const existing = await this.#one(
        `SELECT * FROM ${this.#table} WHERE public_id = $1 OR (owner_id = $2 AND idempotency_key = $3)
         ORDER BY (owner_id = $2 AND idempotency_key = $3) IS TRUE DESC, id LIMIT 1`,
        [record.public_id, record.ownerId, record.idempotencyKey ?? null]);
      if (existing) return { record: existing, created: false };
    }
    throw new Error(`insert conflicted ${INSERT_ATTEMPTS} times with a record that was gone when read`);
  }

  async get(id) {
    if (!/^\d+$/.test(String(id))) return null;
    return this.#one(`SELECT * FROM ${this.#table} WHERE id = $1`, [String(id)]);
  }

  async findByPublicId(publicId) {
    return this.#one(`SELECT * FROM ${this.#table} WHERE public_id = $1`, [publicId]);
  }

  async list(query = {}) {
    const where = [];
    const values = [];
    const add = (clause, value) => { values.push(value); where.push(clause.replace('?', `$${values.length}`)); };
    if (query.ownerId != null) add('owner_id = ?', query.ownerId);
    if (query.state != null) add('state = ?', query.state);
    if ((query.deleted ?? 'exclude') === 'exclude') where.push('deleted_at IS NULL');
    else if (query.deleted === 'only') where.push('deleted_at IS NOT NULL');
    if (query.deletedBefore != null) add('deleted_at <= ?', query.deletedBefore);
    if (query.createdBefore != null) add('created_at <= ?', query.createdBefore);
    if (query.after != null && /^\d+$/.test(String(query.after))) add('id > ?::bigint', String(query.after));
    const limit = Math.min(Math.max(Number(query.limit) || 100, 1), 1000);
    values.push(limit + 1);
    const { rows } = await this.#pool.query(
      `SELECT * FROM ${this.#table}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT $${values.length}`, values);
    const items = rows.slice(0, limit).map(toRecord);
    return { items, next: rows.length > limit ? items[items.length - 1].id : null };
  }

  async update(id, expect, patch) {
    if (!/^\d+$/.test(String(id))) return null;
    const sets = [];
    const values = [String(id), expect];
    for (const [key, value] of Object.entries(patch ?? {})) {
      const column = COLUMNS[key];
      if (!column || column === 'public_id' || column === 'owner_id') continue;
      values.push(value);
      sets.push(`${column} = $${values.length}`);
    }
    if (sets.length === 0) return this.#one(`SELECT * FROM ${this.#table} WHERE id = $1 AND state = $2`, values);
    return this.#one(`UPDATE ${this.#table} SET ${sets.join(', ')} WHERE id = $1 AND state = $2 RETURNING *`, values);
  }

  async delete(id, expect) {
    if (!/^\d+$/.test(String(id))) return false;
    const { rowCount } = await this.#pool.query(`DELETE FROM ${this.#table} WHERE id = $1 AND state = $2`, [String(id), expect]);
    return rowCount === 1;
  }

  async claim({ now, leaseUntil, limit = 50, deletedBefore = null }) {
    // A sweeper's claim takes records whose lease is over; a purge's (deletedBefore), committed records
    // soft-deleted at or before it. FOR UPDATE re-checks the condition on a row changed meanwhile (a
    // restore that committed first is not taken) and SKIP LOCKED leaves rows another claim holds.
    const values = [now, leaseUntil, Math.min(Math.max(Number(limit) || 50, 1), 1000)];
    let which = `state IN ('pending', 'deleting') AND (lease_until IS NULL OR lease_until < $1)`;
    if (deletedBefore != null) {
      values.push(deletedBefore);
      which = `state = 'committed' AND deleted_at IS NOT NULL AND deleted_at <= $4`;
    }
    const { rows } = await this.#pool.query(
      `UPDATE ${this.#table} SET state = 'deleting', lease_until = $2, updated_at = $1
       WHERE id IN (SELECT id FROM ${this.#table} WHERE ${which} ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING *`, values);
    return rows.map(toRecord);
  }

  /** Ends the pool if this repository created it. */
  async close() {
    if (this.#ownsPool) await this.#pool.end();
  }
}

module.exports = { PostgresRepository };
