//! The embedded default repository: SQLite on disk (rusqlite, SQLite compiled in), in WAL mode with
//! `synchronous=FULL`, one transaction per change. Several processes may share one file: writes take
//! SQLite's write lock (`BEGIN IMMEDIATE`, waiting up to the busy timeout), so inserts and claims are
//! atomic across processes as well as within one.

use crate::record::{MediaRecord, Patch, RecordId, State};
use crate::repository::{Claim, Deleted, Inserted, ListQuery, Page, RepoResult, Repository};
use futures_util::future::BoxFuture;
use rand::Rng;
use rusqlite::{params_from_iter, types::Value as Sql, Connection, OptionalExtension, Row};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a write waits for another process's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The table and its indexes (each `IF NOT EXISTS`: an existing file gains a new one when opened).
/// `owner_state` serves an owner's records in one state in id order: `list()` of committed ones, and
/// `signDirectUpload`'s count of the owner's pending ones (with only `owner`, 31 ms a signature for an
/// owner of 100,000 records, measured; 0.01 ms with it).
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS cirrus_media (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  public_id TEXT NOT NULL UNIQUE,
  resource_type TEXT NOT NULL,
  type TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'committed', 'deleting')),
  owner_id TEXT NOT NULL,
  idempotency_key TEXT,
  version INTEGER,
  format TEXT,
  bytes INTEGER,
  width INTEGER,
  height INTEGER,
  original_filename TEXT,
  mime_type TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT,
  lease_until TEXT,
  signed_until TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS cirrus_media_owner_key
  ON cirrus_media (owner_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS cirrus_media_owner ON cirrus_media (owner_id, id);
CREATE INDEX IF NOT EXISTS cirrus_media_owner_state ON cirrus_media (owner_id, state, id);
CREATE INDEX IF NOT EXISTS cirrus_media_lease ON cirrus_media (state, lease_until);
CREATE INDEX IF NOT EXISTS cirrus_media_deleted ON cirrus_media (state, deleted_at) WHERE deleted_at IS NOT NULL;
";

const COLUMNS: &str = "id, public_id, resource_type, type, state, owner_id, idempotency_key, version, \
     format, bytes, width, height, original_filename, mime_type, created_at, updated_at, deleted_at, lease_until, \
     signed_until";

/// SQLite-backed records.
#[derive(Clone)]
pub struct SqliteRepository {
    /// `None` once closed.
    conn: Arc<Mutex<Option<Connection>>>,
}

fn db_error(e: rusqlite::Error) -> String {
    format!("sqlite: {e}")
}

/// Switches the file to WAL and creates the schema, retrying while another connection holds the lock.
///
/// Both steps read before they write. When two connections first open a new file together, one can
/// hold a read lock while it waits to write and the other the reverse; SQLite then answers "database
/// is locked" at once rather than wait (waiting could never end), so the busy timeout does not cover
/// it. The steps are safe to repeat, so they are retried, with jitter, for as long as that timeout.
fn prepare_file(conn: &mut Connection) -> rusqlite::Result<()> {
    let deadline = Instant::now() + BUSY_TIMEOUT;
    loop {
        match prepare_once(conn) {
            Err(e) if is_busy(&e) && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(rand::thread_rng().gen_range(2..20)));
            }
            done => return done,
        }
    }
}

fn prepare_once(conn: &mut Connection) -> rusqlite::Result<()> {
    // WAL lets readers run beside the one writer (also across processes). The mode is kept in the
    // file, so only the first open of a file changes it.
    let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        conn.pragma_update(None, "journal_mode", "WAL")?;
    }
    // Taking the write lock first (waiting for it) means the schema check and the schema write
    // cannot be split by another connection's write.
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.execute_batch(SCHEMA)?;
    // Files made before a column existed get it (SQLite adds a nullable column without rewriting).
    let has_signed_until: bool = tx.query_row(
        "SELECT COUNT(*) > 0 FROM pragma_table_info('cirrus_media') WHERE name = 'signed_until'",
        [],
        |r| r.get(0),
    )?;
    if !has_signed_until {
        tx.execute_batch("ALTER TABLE cirrus_media ADD COLUMN signed_until TEXT")?;
    }
    tx.commit()
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

fn count(v: Option<u64>) -> Sql {
    v.map_or(Sql::Null, |n| Sql::Integer(n as i64))
}

fn text(v: &Option<String>) -> Sql {
    v.clone().map_or(Sql::Null, Sql::Text)
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<MediaRecord> {
    let n = |i: usize| -> rusqlite::Result<Option<u64>> {
        Ok(row.get::<_, Option<i64>>(i)?.map(|v| v as u64))
    };
    let state: String = row.get(4)?;
    Ok(MediaRecord {
        id: Some(RecordId::Int(row.get(0)?)),
        public_id: row.get(1)?,
        resource_type: row.get(2)?,
        kind: row.get(3)?,
        state: State::parse(&state).unwrap_or(State::Pending),
        owner_id: row.get(5)?,
        idempotency_key: row.get(6)?,
        version: n(7)?,
        format: row.get(8)?,
        bytes: n(9)?,
        width: n(10)?,
        height: n(11)?,
        original_filename: row.get(12)?,
        mime_type: row.get(13)?,
        created_at: row.get(14)?,
        updated_at: row.get(15)?,
        deleted_at: row.get(16)?,
        lease_until: row.get(17)?,
        signed_until: row.get(18)?,
    })
}

fn int_id(id: &RecordId) -> Option<i64> {
    match id {
        RecordId::Int(n) => Some(*n),
        RecordId::Text(s) => s.parse().ok(),
    }
}

impl SqliteRepository {
    /// Opens (or creates) the database at `path`; `:memory:` keeps it in this process only.
    pub fn open(path: &str) -> Result<SqliteRepository, String> {
        if path != ":memory:" {
            if let Some(dir) = Path::new(path)
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
            {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
        }
        let mut conn = Connection::open(path).map_err(db_error)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(db_error)?;
        // FULL syncs the log at every commit, so an acknowledged change survives a power cut.
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(db_error)?;
        prepare_file(&mut conn).map_err(db_error)?;
        Ok(SqliteRepository {
            conn: Arc::new(Mutex::new(Some(conn))),
        })
    }

    /// Closes the database (for every clone); later calls fail.
    pub fn close(&self) {
        let mut c = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        c.take();
    }

    /// Runs `f` on the connection on a blocking thread.
    fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> BoxFuture<'static, RepoResult<T>> {
        let conn = self.conn.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let mut c = conn.lock().unwrap_or_else(|e| e.into_inner());
                match c.as_mut() {
                    Some(c) => f(c).map_err(db_error),
                    None => Err("sqlite: the repository is closed".to_owned()),
                }
            })
            .await
            .map_err(|e| format!("sqlite task failed: {e}"))?
        })
    }

    fn select_one(
        c: &Connection,
        clause: &str,
        params: Vec<Sql>,
    ) -> rusqlite::Result<Option<MediaRecord>> {
        c.query_row(
            &format!("SELECT {COLUMNS} FROM cirrus_media WHERE {clause} LIMIT 1"),
            params_from_iter(params),
            from_row,
        )
        .optional()
    }
}

impl Repository for SqliteRepository {
    fn insert(&self, r: MediaRecord) -> BoxFuture<'_, RepoResult<Inserted>> {
        self.run(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let values = vec![
                Sql::Text(r.public_id.clone()),
                Sql::Text(r.resource_type.clone()),
                Sql::Text(r.kind.clone()),
                Sql::Text(r.state.as_str().to_owned()),
                Sql::Text(r.owner_id.clone()),
                text(&r.idempotency_key),
                count(r.version),
                text(&r.format),
                count(r.bytes),
                count(r.width),
                count(r.height),
                text(&r.original_filename),
                text(&r.mime_type),
                Sql::Text(r.created_at.clone()),
                Sql::Text(r.updated_at.clone()),
                text(&r.deleted_at),
                text(&r.lease_until),
                text(&r.signed_until),
            ];
            let changed = tx.execute(
                &format!(
                    "INSERT INTO cirrus_media ({}) VALUES ({}) ON CONFLICT DO NOTHING",
                    &COLUMNS[4..],
                    vec!["?"; values.len()].join(", ")
                ),
                params_from_iter(values),
            )?;
            let inserted = if changed == 1 {
                let id = tx.last_insert_rowid();
                Self::select_one(&tx, "id = ?", vec![Sql::Integer(id)])?.map(|record| Inserted {
                    record,
                    created: true,
                })
            } else {
                Self::select_one(
                    &tx,
                    "public_id = ? OR (owner_id = ? AND idempotency_key = ?)",
                    vec![
                        Sql::Text(r.public_id.clone()),
                        Sql::Text(r.owner_id.clone()),
                        text(&r.idempotency_key),
                    ],
                )?
                .map(|record| Inserted {
                    record,
                    created: false,
                })
            };
            tx.commit()?;
            inserted.ok_or(rusqlite::Error::QueryReturnedNoRows)
        })
    }

    fn get(&self, id: RecordId) -> BoxFuture<'_, RepoResult<Option<MediaRecord>>> {
        self.run(move |c| match int_id(&id) {
            Some(n) => Self::select_one(c, "id = ?", vec![Sql::Integer(n)]),
            None => Ok(None),
        })
    }

    fn find_by_public_id(
        &self,
        public_id: String,
    ) -> BoxFuture<'_, RepoResult<Option<MediaRecord>>> {
        self.run(move |c| Self::select_one(c, "public_id = ?", vec![Sql::Text(public_id)]))
    }

    fn list(&self, q: ListQuery) -> BoxFuture<'_, RepoResult<Page>> {
        self.run(move |c| {
            let mut clauses = Vec::new();
            let mut params = Vec::new();
            if let Some(o) = &q.owner_id {
                clauses.push("owner_id = ?");
                params.push(Sql::Text(o.clone()));
            }
            if let Some(s) = q.state {
                clauses.push("state = ?");
                params.push(Sql::Text(s.as_str().to_owned()));
            }
            match q.deleted {
                Deleted::Exclude => clauses.push("deleted_at IS NULL"),
                Deleted::Only => clauses.push("deleted_at IS NOT NULL"),
                Deleted::Include => {}
            }
            if let Some(t) = &q.deleted_before {
                clauses.push("deleted_at <= ?");
                params.push(Sql::Text(t.clone()));
            }
            if let Some(t) = &q.created_before {
                clauses.push("created_at <= ?");
                params.push(Sql::Text(t.clone()));
            }
            if let Some(after) = q.after.as_deref().and_then(|a| a.parse::<i64>().ok()) {
                clauses.push("id > ?");
                params.push(Sql::Integer(after));
            }
            let limit = q.limit.clamp(1, 1000);
            params.push(Sql::Integer(i64::from(limit) + 1));
            let sql = format!(
                "SELECT {COLUMNS} FROM cirrus_media{}{} ORDER BY id LIMIT ?",
                if clauses.is_empty() { "" } else { " WHERE " },
                clauses.join(" AND ")
            );
            let mut stmt = c.prepare_cached(&sql)?;
            let mut items = stmt
                .query_map(params_from_iter(params), from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let next = if items.len() > limit as usize {
                items.truncate(limit as usize);
                items
                    .last()
                    .and_then(|r| r.id.as_ref())
                    .map(|id| id.to_string())
            } else {
                None
            };
            Ok(Page { items, next })
        })
    }

    fn update(
        &self,
        id: RecordId,
        expect: State,
        patch: Patch,
    ) -> BoxFuture<'_, RepoResult<Option<MediaRecord>>> {
        self.run(move |c| {
            let Some(n) = int_id(&id) else {
                return Ok(None);
            };
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let Some(mut record) = Self::select_one(
                &tx,
                "id = ? AND state = ?",
                vec![Sql::Integer(n), Sql::Text(expect.as_str().to_owned())],
            )?
            else {
                return Ok(None);
            };
            patch.apply(&mut record);
            tx.execute(
                "UPDATE cirrus_media SET state = ?, version = ?, format = ?, mime_type = ?, bytes = ?, \
                 width = ?, height = ?, updated_at = ?, deleted_at = ?, lease_until = ?, signed_until = ? \
                 WHERE id = ?",
                params_from_iter([
                    Sql::Text(record.state.as_str().to_owned()),
                    count(record.version),
                    text(&record.format),
                    text(&record.mime_type),
                    count(record.bytes),
                    count(record.width),
                    count(record.height),
                    Sql::Text(record.updated_at.clone()),
                    text(&record.deleted_at),
                    text(&record.lease_until),
                    text(&record.signed_until),
                    Sql::Integer(n),
                ]),
            )?;
            tx.commit()?;
            Ok(Some(record))
        })
    }

    fn delete(&self, id: RecordId, expect: State) -> BoxFuture<'_, RepoResult<bool>> {
        self.run(move |c| {
            let Some(n) = int_id(&id) else {
                return Ok(false);
            };
            let changed = c.execute(
                "DELETE FROM cirrus_media WHERE id = ? AND state = ?",
                params_from_iter([Sql::Integer(n), Sql::Text(expect.as_str().to_owned())]),
            )?;
            Ok(changed == 1)
        })
    }

    fn claim(&self, claim: Claim) -> BoxFuture<'_, RepoResult<Vec<MediaRecord>>> {
        self.run(move |c| {
            // One write transaction: no other connection (or process) can claim between the select
            // and the update.
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let claimed = {
                // A purge's claim takes soft-deleted committed records; a sweeper's, expired leases.
                let which = if claim.deleted_before.is_some() {
                    "state = 'committed' AND deleted_at IS NOT NULL AND deleted_at <= ?4"
                } else {
                    "state IN ('pending', 'deleting') AND (lease_until IS NULL OR lease_until < ?2)"
                };
                let mut stmt = tx.prepare_cached(&format!(
                    "UPDATE cirrus_media SET state = 'deleting', lease_until = ?1, updated_at = ?2
                     WHERE id IN (SELECT id FROM cirrus_media WHERE {which} ORDER BY id LIMIT ?3)
                     RETURNING {COLUMNS}"
                ))?;
                let mut values = vec![
                    Sql::Text(claim.lease_until.clone()),
                    Sql::Text(claim.now.clone()),
                    Sql::Integer(i64::from(claim.limit.clamp(1, 1000))),
                ];
                values.extend(claim.deleted_before.clone().map(Sql::Text));
                let rows = stmt.query_map(params_from_iter(values), from_row)?;
                rows.collect::<rusqlite::Result<Vec<_>>>()?
            };
            tx.commit()?;
            Ok(claimed)
        })
    }
}
