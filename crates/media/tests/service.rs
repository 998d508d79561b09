//! The media service against in-process emulators over real HTTP, with an in-memory repository that can
//! be told to fail: every path must end with zero orphans on either side.

use bytes::Bytes;
use cirrus_core::{Map, Value};
use cirrus_media::{FileInput, MediaService, RepoResult, Repository, ServiceOptions};
use cirrus_transport::{CancellationToken, Source, Transport, TransportOptions};
use futures_util::future::BoxFuture;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct MemoryRepo {
    rows: Mutex<Vec<Map>>,
    next: AtomicU64,
    fail_create: AtomicBool,
    fail_remove: AtomicBool,
}

impl MemoryRepo {
    fn rows(&self) -> Vec<Map> {
        self.rows.lock().unwrap().clone()
    }
}

impl Repository for MemoryRepo {
    fn create(&self, record: Value) -> BoxFuture<'_, RepoResult<Value>> {
        Box::pin(async move {
            if self.fail_create.load(Ordering::Relaxed) {
                return Err("database is down".to_owned());
            }
            let mut row = record.as_object().cloned().unwrap_or_default();
            row.set(
                "id",
                Value::Number(self.next.fetch_add(1, Ordering::Relaxed) as f64 + 1.0),
            );
            self.rows.lock().unwrap().push(row.clone());
            Ok(Value::Object(row))
        })
    }

    fn find_one(&self, query: Value) -> BoxFuture<'_, RepoResult<Option<Value>>> {
        Box::pin(async move {
            let rows = self.rows.lock().unwrap();
            Ok(rows
                .iter()
                .find(|r| {
                    r.get("id") == query.get("id") && r.get("ownerId") == query.get("ownerId")
                })
                .map(|r| Value::Object(r.clone())))
        })
    }

    fn remove(&self, id: Value) -> BoxFuture<'_, RepoResult<()>> {
        Box::pin(async move {
            if self.fail_remove.load(Ordering::Relaxed) {
                return Err("database is down".to_owned());
            }
            self.rows.lock().unwrap().retain(|r| *r.get("id") != id);
            Ok(())
        })
    }

    fn update(&self, id: Value, patch: Value) -> Option<BoxFuture<'_, RepoResult<Value>>> {
        Some(Box::pin(async move {
            let mut rows = self.rows.lock().unwrap();
            let row = rows
                .iter_mut()
                .find(|r| *r.get("id") == id)
                .ok_or("no such row")?;
            for (k, v) in patch.as_object().cloned().unwrap_or_default() {
                row.set(k, v);
            }
            Ok(Value::Object(row.clone()))
        }))
    }

    fn list(&self, query: Value) -> Option<BoxFuture<'_, RepoResult<Vec<Value>>>> {
        Some(Box::pin(async move {
            let rows = self.rows.lock().unwrap();
            Ok(rows
                .iter()
                .filter(|r| match query.get("public_id") {
                    Value::String(p) => r.get("public_id").as_str() == Some(p),
                    _ => true,
                })
                .filter(|r| match query.get("deletedBefore") {
                    Value::String(before) => r
                        .get("deletedAt")
                        .as_str()
                        .is_some_and(|d| d <= before.as_str()),
                    _ => true,
                })
                .map(|r| Value::Object(r.clone()))
                .collect())
        }))
    }
}

struct Setup {
    service: MediaService,
    repo: Arc<MemoryRepo>,
    transport: Arc<Transport>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn setup(faults: &[&str], options: ServiceOptions) -> Setup {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "cirrus-media-{}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        cirrus_core::hash::to_hex(&rand_bytes())
    ));
    let mut settings = cirrus_emulator::Settings::new("demo", "key", "secret", &dir);
    settings.log_requests = false;
    for f in faults {
        let (endpoint, rule) = cirrus_emulator::faults::parse_rule(f).unwrap();
        settings.faults.insert(endpoint, rule);
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(cirrus_emulator::serve(settings, listener, async move {
        let _ = stopped.await;
    }));
    wait_until_serving(addr, &server).await;
    let mut account = Map::new();
    account.set("cloud_name", "demo".into());
    account.set("api_key", "key".into());
    account.set("api_secret", "secret".into());
    account.set("upload_prefix", format!("http://{addr}").into());
    let transport = Arc::new(Transport::new(&account, TransportOptions::default()).unwrap());
    let repo = Arc::new(MemoryRepo::default());
    let service = MediaService::new(transport.clone(), account, repo.clone(), options);
    Setup {
        service,
        repo,
        transport,
        _stop: stop,
    }
}

/// Waits for the emulator's health endpoint, failing clearly if the server task ended instead.
async fn wait_until_serving(
    addr: std::net::SocketAddr,
    server: &tokio::task::JoinHandle<std::io::Result<()>>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    for _ in 0..200 {
        assert!(!server.is_finished(), "the emulator stopped while starting");
        if let Ok(mut conn) = tokio::net::TcpStream::connect(addr).await {
            let request = format!(
                "GET /__emulator/health HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
            );
            let mut answer = String::new();
            if conn.write_all(request.as_bytes()).await.is_ok()
                && conn.read_to_string(&mut answer).await.is_ok()
                && answer.starts_with("HTTP/1.1 200")
            {
                return;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the emulator did not become healthy");
}

fn rand_bytes() -> [u8; 8] {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    (nanos as u64).to_le_bytes()
}

fn png() -> Bytes {
    // A 1x1 PNG.
    Bytes::from_static(&[
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90,
        0x77, 0x53, 0xDE, 0x00, 0x00, 0x00, 0x0C, 0x49, 0x44, 0x41, 0x54, 0x08, 0xD7, 0x63, 0xF8,
        0xCF, 0xC0, 0x00, 0x00, 0x03, 0x01, 0x01, 0x00, 0x18, 0xDD, 0x8D, 0xB0, 0x00, 0x00, 0x00,
        0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ])
}

fn file(bytes: Bytes) -> FileInput {
    FileInput {
        size: Some(bytes.len() as u64),
        source: Source::Bytes(bytes),
        original_name: Some("photo.png".to_owned()),
    }
}

/// Public ids of the service's assets in the cloud.
async fn cloud(s: &Setup) -> Vec<String> {
    let settings = cirrus_transport::UploadSettings::default();
    let page = s
        .transport
        .admin_get(
            "resources/image/tags/cirrus-media",
            &[("max_results", "500".to_owned())],
            &settings,
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    let mut ids: Vec<String> = page
        .get("resources")
        .as_array()
        .unwrap_or_default()
        .iter()
        .map(|a| a.get("public_id").to_js_string())
        .collect();
    ids.sort();
    ids
}

fn recorded(s: &Setup) -> Vec<String> {
    let mut ids: Vec<String> = s
        .repo
        .rows()
        .iter()
        .map(|r| r.get("public_id").to_js_string())
        .collect();
    ids.sort();
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_then_record_then_owner_scoped_remove() {
    let mut options = ServiceOptions::default();
    options
        .presets
        .push(("thumbnail".to_owned(), "c_fill,h_64,w_64".to_owned()));
    let s = setup(&[], options).await;
    let cancel = CancellationToken::new();
    let record = s
        .service
        .create_one(file(png()), "alice", &Map::new(), &cancel)
        .await
        .unwrap();
    for k in [
        "id",
        "public_id",
        "resource_type",
        "type",
        "version",
        "format",
        "bytes",
        "width",
        "height",
        "secure_url",
        "ownerId",
        "original_filename",
        "mimeType",
        "createdAt",
    ] {
        assert!(
            !record.get(k).is_nullish(),
            "record lacks {k}: {:?}",
            record.to_json()
        );
    }
    assert_eq!(record.get("mimeType").as_str(), Some("image/png"));
    assert!(record
        .get("urls")
        .get("thumbnail")
        .as_str()
        .unwrap()
        .contains("c_fill,h_64,w_64"));
    assert_eq!(cloud(&s).await, recorded(&s));

    let id = record.get("id").clone();
    let other = s.service.remove(&id, "mallory").await.unwrap_err();
    assert_eq!(other.code, "NOT_FOUND");
    assert_eq!(cloud(&s).await.len(), 1, "another owner touched nothing");
    s.service.remove(&id, "alice").await.unwrap();
    assert!(cloud(&s).await.is_empty() && recorded(&s).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validation_happens_before_any_byte_leaves() {
    let s = setup(
        &[],
        ServiceOptions {
            max_bytes: 100,
            ..Default::default()
        },
    )
    .await;
    let cancel = CancellationToken::new();
    let cases = [
        (
            file(Bytes::from_static(b"<html>not an image</html>")),
            "alice",
            "UNSUPPORTED_TYPE",
        ),
        (file(Bytes::new()), "alice", "EMPTY_FILE"),
        (
            file(Bytes::from(vec![0u8; 1000])),
            "alice",
            "FILE_TOO_LARGE",
        ),
        (file(png()), " ", "MISSING_OWNER"),
    ];
    for (input, owner, code) in cases {
        assert_eq!(
            s.service
                .create_one(input, owner, &Map::new(), &cancel)
                .await
                .unwrap_err()
                .code,
            code
        );
    }
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    tokio::spawn(async move {
        let mut big = png().to_vec();
        big.extend(vec![0u8; 500]);
        let _ = tx.send(Bytes::from(big)).await;
    });
    let streamed = FileInput {
        source: Source::Stream(rx),
        size: None,
        original_name: None,
    };
    assert_eq!(
        s.service
            .create_one(streamed, "alice", &Map::new(), &cancel)
            .await
            .unwrap_err()
            .code,
        "FILE_TOO_LARGE"
    );
    assert!(cloud(&s).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_create_is_compensated() {
    let s = setup(&[], ServiceOptions::default()).await;
    s.repo.fail_create.store(true, Ordering::Relaxed);
    let err = s
        .service
        .create_one(file(png()), "alice", &Map::new(), &CancellationToken::new())
        .await
        .unwrap_err();
    assert_eq!(err.code, "REPOSITORY_FAILED", "{}", err.message);
    assert!(err.message.contains("deleted again"), "{}", err.message);
    assert!(cloud(&s).await.is_empty() && recorded(&s).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_compensation_is_remembered_for_reconcile() {
    let mut upload_defaults = Map::new();
    upload_defaults.set("retries", 0.0.into());
    let options = ServiceOptions {
        reconcile_grace: std::time::Duration::ZERO,
        upload_defaults,
        ..Default::default()
    };
    let s = setup(&["destroy:500=1"], options).await;
    s.repo.fail_create.store(true, Ordering::Relaxed);
    let err = s
        .service
        .create_one(file(png()), "alice", &Map::new(), &CancellationToken::new())
        .await
        .unwrap_err();
    assert!(err.message.contains("reconcile"), "{}", err.message);
    assert_eq!(s.service.pending_cleanup().len(), 1);
    assert_eq!(
        cloud(&s).await.len(),
        1,
        "the orphan exists until reconcile"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotency_keys_return_the_first_result() {
    let s = setup(&[], ServiceOptions::default()).await;
    let mut call = Map::new();
    call.set("idempotencyKey", "req-1".into());
    let cancel = CancellationToken::new();
    let (a, b) = tokio::join!(
        s.service.create_one(file(png()), "alice", &call, &cancel),
        s.service.create_one(file(png()), "alice", &call, &cancel)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.get("id"), b.get("id"));
    let again = s
        .service
        .create_one(file(png()), "alice", &call, &cancel)
        .await
        .unwrap();
    assert_eq!(again.get("id"), a.get("id"));
    assert_eq!((cloud(&s).await.len(), recorded(&s).len()), (1, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soft_delete_restore_purge_and_reconcile() {
    let s = setup(
        &[],
        ServiceOptions {
            reconcile_grace: std::time::Duration::ZERO,
            ..Default::default()
        },
    )
    .await;
    let cancel = CancellationToken::new();
    let a = s
        .service
        .create_one(file(png()), "alice", &Map::new(), &cancel)
        .await
        .unwrap();
    let b = s
        .service
        .create_one(file(png()), "alice", &Map::new(), &cancel)
        .await
        .unwrap();
    let soft = s.service.soft_remove(a.get("id"), "alice").await.unwrap();
    assert!(soft.get("deletedAt").as_str().is_some());
    assert!(s
        .service
        .restore(a.get("id"), "alice")
        .await
        .unwrap()
        .get("deletedAt")
        .is_nullish());
    s.service.soft_remove(a.get("id"), "alice").await.unwrap();
    let purged = s.service.purge("9999-01-01T00:00:00Z").await.unwrap();
    assert_eq!(purged.get("purged").as_array().map(|p| p.len()), Some(1));
    assert_eq!(cloud(&s).await, vec![b.get("public_id").to_js_string()]);

    // Orphans on both sides: a record whose asset vanished, an asset whose record vanished.
    s.repo
        .rows
        .lock()
        .unwrap()
        .retain(|r| r.get("id") != b.get("id"));
    let c = s
        .service
        .create_one(file(png()), "bob", &Map::new(), &cancel)
        .await
        .unwrap();
    let mut destroy = Map::new();
    destroy.set("type", "upload".into());
    s.transport
        .destroy(&c.get("public_id").to_js_string(), &destroy, &cancel)
        .await
        .unwrap();
    let report = s.service.reconcile().await.unwrap();
    assert_eq!(
        report.get("deletedAssets").as_array().map(|a| a.len()),
        Some(1)
    );
    assert_eq!(
        report.get("removedRecords").as_array().map(|a| a.len()),
        Some(1)
    );
    assert!(cloud(&s).await.is_empty() && recorded(&s).is_empty());
}
