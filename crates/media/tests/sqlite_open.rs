//! Several connections opening one new SQLite file at the same moment: each must open it. The first
//! open of a file switches it to WAL and creates the schema; two connections doing that together
//! can meet in SQLite's lock-upgrade deadlock, where it answers "database is locked" at once
//! instead of waiting, so opening has to retry that itself.

use cirrus_media::SqliteRepository;
use std::sync::{Arc, Barrier};

#[test]
fn connections_opening_one_new_file_together_all_open_it() {
    const ROUNDS: usize = 60;
    const CONNECTIONS: usize = 8;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut failures = Vec::new();
    for round in 0..ROUNDS {
        let path = dir.path().join(format!("race-{round}.db"));
        let path = path.to_str().expect("utf-8 temp path").to_owned();
        let start = Arc::new(Barrier::new(CONNECTIONS));
        let threads: Vec<_> = (0..CONNECTIONS)
            .map(|_| {
                let (path, start) = (path.clone(), Arc::clone(&start));
                std::thread::spawn(move || {
                    start.wait();
                    SqliteRepository::open(&path).map(|_| ())
                })
            })
            .collect();
        for t in threads {
            if let Err(e) = t.join().expect("opening thread panicked") {
                failures.push(format!("round {round}: {e}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} opens failed: {:?}",
        failures.len(),
        ROUNDS * CONNECTIONS,
        &failures[..failures.len().min(5)]
    );
}

/// A file made by a release before `signed_until` existed: opening it adds the column, its records read
/// back (without one), and new records keep theirs.
#[tokio::test]
async fn a_file_from_before_signed_until_gets_the_column() {
    use cirrus_media::{MediaRecord, Repository};
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("old.db");
    {
        let old = rusqlite::Connection::open(&path).expect("old file");
        old.execute_batch(
            "CREATE TABLE cirrus_media (id INTEGER PRIMARY KEY AUTOINCREMENT, public_id TEXT NOT NULL UNIQUE,
               resource_type TEXT NOT NULL, type TEXT NOT NULL, state TEXT NOT NULL, owner_id TEXT NOT NULL,
               idempotency_key TEXT, version INTEGER, format TEXT, bytes INTEGER, width INTEGER, height INTEGER,
               original_filename TEXT, mime_type TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
               deleted_at TEXT, lease_until TEXT);
             INSERT INTO cirrus_media (public_id, resource_type, type, state, owner_id, created_at, updated_at)
               VALUES ('media/old/one', 'image', 'upload', 'committed', 'old', '2026-11-01T00:00:00.000Z',
                       '2026-11-01T00:00:00.000Z');",
        )
        .expect("old schema");
    }
    let repo = SqliteRepository::open(path.to_str().expect("utf-8 temp path")).expect("opens");
    let old = repo
        .find_by_public_id("media/old/one".to_owned())
        .await
        .expect("reads")
        .expect("the old record");
    assert_eq!(old.signed_until, None);
    let mut new = MediaRecord::pending(
        "media/new/two".to_owned(),
        "image",
        "upload",
        "new",
        "2026-12-02T00:00:00.000Z".to_owned(),
        None,
    );
    new.signed_until = Some("2026-12-02T01:10:00.000Z".to_owned());
    let stored = repo.insert(new.clone()).await.expect("inserts").record;
    assert_eq!(stored.signed_until, new.signed_until);
    // Opening it again (another process, a restart) changes nothing.
    drop(repo);
    SqliteRepository::open(path.to_str().expect("utf-8 temp path")).expect("opens again");
}
