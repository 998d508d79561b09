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
