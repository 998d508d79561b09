//! What the lifecycle tests share: an in-process emulator over real HTTP, a real SQLite repository in a
//! temp file (optionally wrapped to fail chosen calls, as a database going down would), and counts of
//! both sides.
#![allow(dead_code)]

use bytes::Bytes;
use cirrus_core::{Map, Value};
use cirrus_media::{
    Claim, Deleted, FileInput, Inserted, ListQuery, MediaRecord, MediaService, Page, Patch,
    RecordId, RepoResult, Repository, ServiceOptions, SqliteRepository, State,
};
use cirrus_transport::{CancellationToken, Source, Transport, TransportOptions, UploadSettings};
use futures_util::future::BoxFuture;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// A real SQLite repository whose calls can be made to fail, or to race with another replica at a
/// chosen moment.
pub(crate) struct Flaky {
    pub inner: SqliteRepository,
    pub fail_updates: AtomicBool,
    pub fail_all: AtomicBool,
    /// Once: just before a purge's claim, another replica restores this record (clears `deletedAt`).
    pub restore_before_purge_claim: Mutex<Option<RecordId>>,
    /// Claims drop `deletedBefore`, as an adapter written before it existed would.
    pub ignore_deleted_before: AtomicBool,
    /// Once: just before a pending record's state changes (an upload's commit, or the retiring of an
    /// upload that failed), another replica's sweeper claims it (its lease having ended): the record
    /// goes `deleting`, the sweeper's destroy having found no asset yet.
    pub sweep_before_state_change: AtomicBool,
    /// `list` answers the same next cursor whatever it was given, as an adapter ignoring `after` would.
    pub list_stuck_cursor: AtomicBool,
    /// Once: just before a pending record goes `deleting` (a refusal at adopt, a cancel), says so on the
    /// first channel and waits on the second: the test acts as another replica in that window.
    pub pause_before_ending: Mutex<
        Option<(
            tokio::sync::oneshot::Sender<()>,
            tokio::sync::oneshot::Receiver<()>,
        )>,
    >,
}

impl Flaky {
    fn check(&self, update: bool) -> RepoResult<()> {
        if self.fail_all.load(Ordering::Relaxed)
            || (update && self.fail_updates.load(Ordering::Relaxed))
        {
            return Err("connection refused (injected)".to_owned());
        }
        Ok(())
    }
}

impl Repository for Flaky {
    fn insert(&self, record: MediaRecord) -> BoxFuture<'_, RepoResult<Inserted>> {
        Box::pin(async move {
            self.check(false)?;
            self.inner.insert(record).await
        })
    }
    fn get(&self, id: RecordId) -> BoxFuture<'_, RepoResult<Option<MediaRecord>>> {
        Box::pin(async move {
            self.check(false)?;
            self.inner.get(id).await
        })
    }
    fn find_by_public_id(&self, p: String) -> BoxFuture<'_, RepoResult<Option<MediaRecord>>> {
        Box::pin(async move {
            self.check(false)?;
            self.inner.find_by_public_id(p).await
        })
    }
    fn list(&self, q: ListQuery) -> BoxFuture<'_, RepoResult<Page>> {
        Box::pin(async move {
            self.check(false)?;
            let mut page = self.inner.list(q).await?;
            if self.list_stuck_cursor.load(Ordering::Relaxed) {
                page.next = Some("stuck".to_owned());
            }
            Ok(page)
        })
    }
    fn update(
        &self,
        id: RecordId,
        expect: State,
        patch: Patch,
    ) -> BoxFuture<'_, RepoResult<Option<MediaRecord>>> {
        Box::pin(async move {
            self.check(true)?;
            if expect == State::Pending && patch.state == Some(State::Deleting) {
                let pause = self.pause_before_ending.lock().unwrap().take();
                if let Some((reached, release)) = pause {
                    let _ = reached.send(());
                    let _ = release.await;
                }
            }
            if expect == State::Pending
                && patch.state.is_some()
                && self
                    .sweep_before_state_change
                    .swap(false, Ordering::Relaxed)
            {
                let claim = Patch {
                    state: Some(State::Deleting),
                    lease_until: Some(Some(cirrus_core::time::iso8601_ms(4_000_000_000_000))),
                    ..Patch::default()
                };
                assert!(self
                    .inner
                    .update(id.clone(), State::Pending, claim)
                    .await?
                    .is_some());
            }
            self.inner.update(id, expect, patch).await
        })
    }
    fn delete(&self, id: RecordId, expect: State) -> BoxFuture<'_, RepoResult<bool>> {
        Box::pin(async move {
            self.check(true)?;
            self.inner.delete(id, expect).await
        })
    }
    fn claim(&self, mut c: Claim) -> BoxFuture<'_, RepoResult<Vec<MediaRecord>>> {
        Box::pin(async move {
            self.check(true)?;
            let restore = self.restore_before_purge_claim.lock().unwrap().take();
            if let (Some(id), Some(_)) = (restore, &c.deleted_before) {
                let patch = Patch {
                    deleted_at: Some(None),
                    ..Patch::default()
                };
                assert!(self
                    .inner
                    .update(id, State::Committed, patch)
                    .await?
                    .is_some());
            }
            if self.ignore_deleted_before.load(Ordering::Relaxed) {
                c.deleted_before = None;
            }
            self.inner.claim(c).await
        })
    }
}

/// One emulator, one database file, and services over them.
pub(crate) struct Setup {
    pub addr: std::net::SocketAddr,
    pub account: Map,
    pub transport: Arc<Transport>,
    pub db: PathBuf,
    pub repo: Arc<Flaky>,
    _stop: tokio::sync::oneshot::Sender<()>,
    // Last: dropped (and removed: a full run used to leave ~20 in /tmp) after the emulator was told to
    // stop. The emulator may still be finishing a write then: what it leaves is a temporary directory's.
    _dirs: [tempfile::TempDir; 2],
}

/// A fresh temporary directory named for what it holds.
fn temp_dir(what: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("cirrus-media-{what}-"))
        .tempdir()
        .unwrap()
}

pub(crate) async fn setup(faults: &[&str]) -> Setup {
    setup_with(faults, |_| {}).await
}

/// `setup`, with the emulator's settings adjusted first (an upload preset, say).
pub(crate) async fn setup_with(
    faults: &[&str],
    configure: impl FnOnce(&mut cirrus_emulator::Settings),
) -> Setup {
    let dir = temp_dir("emulator");
    let mut settings = cirrus_emulator::Settings::new("demo", "key", "secret", dir.path());
    settings.log_requests = false;
    configure(&mut settings);
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
    let db_dir = temp_dir("db");
    let db = db_dir.path().join("media.db");
    let repo = Arc::new(Flaky {
        inner: SqliteRepository::open(db.to_str().unwrap()).unwrap(),
        fail_updates: AtomicBool::new(false),
        fail_all: AtomicBool::new(false),
        restore_before_purge_claim: Mutex::new(None),
        ignore_deleted_before: AtomicBool::new(false),
        sweep_before_state_change: AtomicBool::new(false),
        list_stuck_cursor: AtomicBool::new(false),
        pause_before_ending: Mutex::new(None),
    });
    Setup {
        addr,
        account,
        transport,
        db,
        repo,
        _stop: stop,
        _dirs: [dir, db_dir],
    }
}

impl Setup {
    /// A service over the shared (flaky-able) repository.
    pub(crate) fn service(&self, options: ServiceOptions) -> MediaService {
        MediaService::new(
            self.transport.clone(),
            self.account.clone(),
            self.repo.clone(),
            options,
        )
    }

    /// A service over its own connection to the same database file (another "process").
    pub(crate) fn other_service(&self, options: ServiceOptions) -> MediaService {
        let repo = SqliteRepository::open(self.db.to_str().unwrap()).unwrap();
        let transport =
            Arc::new(Transport::new(&self.account, TransportOptions::default()).unwrap());
        MediaService::new(transport, self.account.clone(), Arc::new(repo), options)
    }

    /// Public ids of the assets under `folder/`.
    pub(crate) async fn cloud(&self, folder: &str) -> Vec<String> {
        self.cloud_of("image", folder).await
    }

    /// Public ids of the assets of `resource_type` (type `upload`) under `folder/`.
    pub(crate) async fn cloud_of(&self, resource_type: &str, folder: &str) -> Vec<String> {
        let mut ids = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut query = vec![
                ("prefix", format!("{folder}/")),
                ("max_results", "500".to_owned()),
            ];
            if let Some(c) = &cursor {
                query.push(("next_cursor", c.clone()));
            }
            let page = self
                .transport
                .admin_get(
                    &format!("resources/{resource_type}/upload"),
                    &query,
                    &UploadSettings::default(),
                    &CancellationToken::new(),
                )
                .await
                .unwrap();
            ids.extend(
                page.get("resources")
                    .as_array()
                    .unwrap_or_default()
                    .iter()
                    .map(|a| a.get("public_id").to_js_string()),
            );
            match page.get("next_cursor").as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
        ids.sort();
        ids
    }

    /// Every record, by state.
    pub(crate) async fn records(&self, state: Option<State>) -> Vec<MediaRecord> {
        let mut out = Vec::new();
        let mut after = None;
        loop {
            let page = self
                .repo
                .inner
                .list(ListQuery {
                    state,
                    deleted: Deleted::Include,
                    after: after.take(),
                    limit: 1000,
                    ..ListQuery::default()
                })
                .await
                .unwrap();
            out.extend(page.items);
            match page.next {
                Some(n) => after = Some(n),
                None => return out,
            }
        }
    }

    /// Public ids of the records in `state`, sorted.
    pub(crate) async fn recorded(&self, state: State) -> Vec<String> {
        let mut ids: Vec<String> = self
            .records(Some(state))
            .await
            .into_iter()
            .map(|r| r.public_id)
            .collect();
        ids.sort();
        ids
    }

    /// Replaces the emulator's fault rules (`PUT /__emulator/faults`).
    pub(crate) async fn set_faults(&self, rules_json: &str) {
        use base64::Engine as _;
        let auth = base64::engine::general_purpose::STANDARD.encode("key:secret");
        let request = format!(
            "PUT /__emulator/faults HTTP/1.1\r\nHost: {}\r\nAuthorization: Basic {auth}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{rules_json}",
            self.addr,
            rules_json.len()
        );
        assert!(raw_http(self.addr, &request)
            .await
            .starts_with("HTTP/1.1 200"));
    }

    /// A browser's post of signed direct-upload params (`signed`: what `prepare_direct_upload` answered)
    /// to `resource_type`'s endpoint (the signature does not cover it): the server's answer, or why it
    /// refused.
    pub(crate) async fn post_signed(
        &self,
        signed: &Value,
        bytes: Bytes,
        resource_type: &str,
    ) -> Result<Value, String> {
        let mut params = signed.as_object().expect("signed params").clone();
        for k in [
            "signature",
            "api_key",
            "cloud_name",
            "upload_url",
            "resource_type",
            "record_id",
        ] {
            params.remove(k);
        }
        let settings = UploadSettings {
            resource_type: resource_type.to_owned(),
            ..UploadSettings::default()
        };
        self.transport
            .upload(
                Source::Bytes(bytes),
                &params,
                &settings,
                None,
                &CancellationToken::new(),
            )
            .await
            .map(|(result, _)| result)
            .map_err(|e| e.to_string())
    }

    /// Uploads `bytes` straight to `public_id` (as a crashed process or a browser would have).
    pub(crate) async fn upload_direct(&self, public_id: &str, bytes: Bytes) -> Value {
        let mut params = Map::new();
        params.set("public_id", public_id.into());
        let (result, _) = self
            .transport
            .upload(
                Source::Bytes(bytes),
                &params,
                &UploadSettings::default(),
                None,
                &CancellationToken::new(),
            )
            .await
            .unwrap();
        result
    }
}

async fn raw_http(addr: std::net::SocketAddr, request: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
    conn.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    let _ = conn.read_to_string(&mut answer).await;
    answer
}

/// Waits for the emulator's health endpoint, failing clearly if the server task ended instead.
async fn wait_until_serving(
    addr: std::net::SocketAddr,
    server: &tokio::task::JoinHandle<std::io::Result<()>>,
) {
    for _ in 0..200 {
        assert!(!server.is_finished(), "the emulator stopped while starting");
        if tokio::net::TcpStream::connect(addr).await.is_ok() {
            let request = format!(
                "GET /__emulator/health HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
            );
            if raw_http(addr, &request).await.starts_with("HTTP/1.1 200") {
                return;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the emulator did not become healthy");
}

/// A valid PNG of `w` × `h` pixels (distinct content per size).
pub(crate) fn png(w: u32, h: u32) -> Bytes {
    let mut out = Vec::new();
    let mut img = image::RgbImage::new(w, h);
    for (x, y, p) in img.enumerate_pixels_mut() {
        *p = image::Rgb([(x * 7) as u8, (y * 13) as u8, ((x + y) * 3) as u8]);
    }
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    Bytes::from(out)
}

pub(crate) fn file(bytes: Bytes) -> FileInput {
    FileInput {
        size: Some(bytes.len() as u64),
        source: Source::Bytes(bytes),
        original_name: Some("photo.png".to_owned()),
    }
}

/// Service options for a test: its own folder, short leases, no grace.
pub(crate) fn options(folder: &str) -> ServiceOptions {
    ServiceOptions {
        folder: folder.to_owned(),
        reconcile_grace: std::time::Duration::ZERO,
        pending_ttl: std::time::Duration::from_millis(600),
        idempotency_wait: std::time::Duration::from_secs(20),
        ..ServiceOptions::default()
    }
}

pub(crate) fn id_of(v: &Value) -> RecordId {
    RecordId::from_value(v.get("id")).expect("a record id")
}

/// `create_one` of a file with the default options, not cancelled.
pub(crate) async fn create(
    service: &MediaService,
    bytes: Bytes,
    owner_id: &str,
) -> Result<Value, cirrus_media::MediaError> {
    service
        .create_one(
            file(bytes),
            owner_id,
            &cirrus_media::CreateOptions::default(),
            &CancellationToken::new(),
        )
        .await
}

/// The signed identifier a browser sends back after an upload: `<rt>/upload/v<version>/<public_id>[.<fmt>]#<sig>`.
pub(crate) fn identifier_of(result: &Value) -> String {
    let format = result.get("format").to_js_string();
    format!(
        "{}/upload/v{}/{}{}#{}",
        result.get("resource_type").to_js_string(),
        result.get("version").to_js_string(),
        result.get("public_id").to_js_string(),
        if format.is_empty() {
            String::new()
        } else {
            format!(".{format}")
        },
        result.get("signature").to_js_string()
    )
}
