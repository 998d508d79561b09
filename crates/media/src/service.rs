//! The media service: validate, upload, then record; delete in the cloud, then forget; compensate when a
//! step fails; soft delete, purge and reconcile. Every repository call is awaited with a timeout.

use crate::error::MediaError;
use crate::repository::Repository;
use bytes::Bytes;
use cirrus_core::sniff::{sniff, SNIFF_BYTES};
use cirrus_core::time::iso8601;
use cirrus_core::{Map, Value};
use cirrus_transport::{CancellationToken, Source, Transport, UploadSettings};
use sha1::Digest;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, OnceCell};

/// Service settings (from the host's options object).
#[derive(Clone, Debug)]
pub struct ServiceOptions {
    /// Folder of uploaded public ids.
    pub folder: String,
    /// Tag on every asset the service uploads (reconcile lists the cloud side by it).
    pub tag: String,
    /// Largest accepted file, in bytes.
    pub max_bytes: u64,
    /// Formats accepted, decided by content sniffing.
    pub allowed_formats: Vec<String>,
    /// Named transformation presets, applied as eager and given as URLs in each record.
    pub presets: Vec<(String, String)>,
    /// Time allowed for each repository call.
    pub repository_timeout: Duration,
    /// Reconcile leaves alone cloud assets younger than this (an upload whose record is being created).
    pub reconcile_grace: Duration,
    /// Delivery URL options for preset URLs (e.g. `secure`, `cname`).
    pub url_options: Map,
    /// Upload options applied to every upload (transport settings, `type`, ...).
    pub upload_defaults: Map,
}

impl Default for ServiceOptions {
    fn default() -> Self {
        ServiceOptions {
            folder: "media".to_owned(),
            tag: "cirrus-media".to_owned(),
            max_bytes: 25 * 1024 * 1024,
            allowed_formats: ["jpg", "png", "gif", "webp", "avif", "heic"]
                .map(str::to_owned)
                .to_vec(),
            presets: Vec::new(),
            repository_timeout: Duration::from_secs(5),
            reconcile_grace: Duration::from_secs(60),
            url_options: Map::new(),
            upload_defaults: Map::new(),
        }
    }
}

fn invalid(message: String) -> MediaError {
    MediaError::new("INVALID_OPTION", message)
}

impl ServiceOptions {
    /// From an options object: `folder`, `tag`, `maxBytes`, `allowedFormats`, `presets` (name → transformation
    /// string or object), `repositoryTimeout` (ms), `reconcileGrace` (s), `urlOptions`, `uploadDefaults`.
    pub fn from_value(options: &Value) -> Result<Self, MediaError> {
        let mut s = ServiceOptions::default();
        let Value::Object(o) = options else {
            return Ok(s);
        };
        let text = |k: &str| o.get(k).as_str().map(str::to_owned);
        if let Some(f) = text("folder") {
            s.folder = f.trim_matches('/').to_owned();
        }
        if let Some(t) = text("tag") {
            s.tag = t;
        }
        let number = |k: &str| match o.get(k) {
            Value::Number(n) if n.is_finite() && *n >= 0.0 => Ok(Some(*n)),
            Value::Undefined | Value::Null => Ok(None),
            _ => Err(invalid(format!("{k} must be a non-negative number"))),
        };
        if let Some(n) = number("maxBytes")? {
            s.max_bytes = n as u64;
        }
        if let Some(n) = number("repositoryTimeout")? {
            s.repository_timeout = Duration::from_millis(n as u64);
        }
        if let Some(n) = number("reconcileGrace")? {
            s.reconcile_grace = Duration::from_secs_f64(n);
        }
        if let Value::Array(formats) = o.get("allowedFormats") {
            s.allowed_formats = formats
                .iter()
                .map(|f| f.to_js_string().to_ascii_lowercase())
                .collect();
        }
        if let Value::Object(presets) = o.get("presets") {
            for (name, t) in presets.iter() {
                s.presets
                    .push((name.to_owned(), cirrus_core::transformation::generate(t)?));
            }
        }
        if let Value::Object(u) = o.get("urlOptions") {
            s.url_options = u.clone();
        }
        if let Value::Object(u) = o.get("uploadDefaults") {
            s.upload_defaults = u.clone();
        }
        Ok(s)
    }
}

/// A file to store: its content and what the client said about it (only advisory).
pub struct FileInput {
    /// The content.
    pub source: Source,
    /// Size in bytes when known up front.
    pub size: Option<u64>,
    /// The client's file name.
    pub original_name: Option<String>,
}

/// An asset whose compensating delete failed: the next `reconcile` deletes it.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingCleanup {
    /// Public id.
    pub public_id: String,
    /// Resource type.
    pub resource_type: String,
    /// Delivery type.
    pub kind: String,
}

/// The one result every caller with the same idempotency key gets.
type SharedResult = Arc<OnceCell<Result<Value, MediaError>>>;

/// The media service of one account and one repository.
pub struct MediaService {
    transport: Arc<Transport>,
    account: Map,
    repo: Arc<dyn Repository>,
    options: ServiceOptions,
    pending: Mutex<Vec<PendingCleanup>>,
    in_flight: Mutex<HashMap<String, SharedResult>>,
}

fn now_iso() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    iso8601(secs)
}

/// Reads up to `SNIFF_BYTES` of a stream for sniffing and gives back a stream that still yields everything,
/// refusing (via `cancel`) a stream that grows past `max_bytes`.
async fn peek_stream(
    mut rx: mpsc::Receiver<Bytes>,
    max_bytes: u64,
    cancel: CancellationToken,
    too_big: Arc<std::sync::atomic::AtomicBool>,
) -> (Vec<u8>, mpsc::Receiver<Bytes>) {
    let mut head = Vec::new();
    let mut buffered = Vec::new();
    while head.len() < SNIFF_BYTES {
        match rx.recv().await {
            Some(piece) => {
                head.extend_from_slice(&piece[..piece.len().min(SNIFF_BYTES - head.len())]);
                buffered.push(piece);
            }
            None => break,
        }
    }
    let (tx, out) = mpsc::channel(4);
    tokio::spawn(async move {
        let mut total = 0u64;
        for piece in buffered
            .into_iter()
            .map(Some)
            .chain(std::iter::repeat_with(|| None))
        {
            let piece = match piece {
                Some(p) => p,
                None => match rx.recv().await {
                    Some(p) => p,
                    None => return,
                },
            };
            total += piece.len() as u64;
            if total > max_bytes {
                too_big.store(true, std::sync::atomic::Ordering::Relaxed);
                cancel.cancel();
                return;
            }
            if tx.send(piece).await.is_err() {
                return;
            }
        }
    });
    (head, out)
}

impl MediaService {
    /// A service for the account `account` (a config object), storing records in `repo`.
    pub fn new(
        transport: Arc<Transport>,
        account: Map,
        repo: Arc<dyn Repository>,
        options: ServiceOptions,
    ) -> Self {
        MediaService {
            transport,
            account,
            repo,
            options,
            pending: Mutex::new(Vec::new()),
            in_flight: Mutex::new(HashMap::new()),
        }
    }

    /// Assets whose compensating delete failed, awaiting the next `reconcile`.
    pub fn pending_cleanup(&self) -> Vec<PendingCleanup> {
        self.pending.lock().map(|p| p.clone()).unwrap_or_default()
    }

    async fn repo_call<T>(
        &self,
        what: &str,
        call: impl Future<Output = Result<T, String>>,
    ) -> Result<T, MediaError> {
        match tokio::time::timeout(self.options.repository_timeout, call).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(message)) => Err(MediaError::new(
                "REPOSITORY_FAILED",
                format!("repository {what} failed: {message}"),
            )),
            Err(_) => Err(MediaError::new(
                "REPOSITORY_TIMEOUT",
                format!(
                    "repository {what} did not answer within {} ms",
                    self.options.repository_timeout.as_millis()
                ),
            )),
        }
    }

    fn settings(&self, resource_type: &str) -> Result<UploadSettings, MediaError> {
        let (mut s, _) = UploadSettings::from_options(&self.options.upload_defaults)?;
        s.resource_type = resource_type.to_owned();
        Ok(s)
    }

    /// Validates, uploads, then records one file for `owner_id`. `call` may carry `idempotencyKey`, `tags`,
    /// `context` and `public_id`. Returns the stored record.
    pub async fn create_one(
        &self,
        file: FileInput,
        owner_id: &str,
        call: &Map,
        cancel: &CancellationToken,
    ) -> Result<Value, MediaError> {
        if owner_id.trim().is_empty() {
            return Err(MediaError::new("MISSING_OWNER", "an owner id is required"));
        }
        let key = call
            .get("idempotencyKey")
            .as_str()
            .filter(|k| !k.is_empty())
            .map(|k| format!("{owner_id}\u{0}{k}"));
        let Some(key) = key else {
            return self.create_unique(file, owner_id, call, None, cancel).await;
        };
        // One upload per key at a time: a retry while the first is running gets the first's result.
        let cell = {
            let mut map = self.in_flight.lock().unwrap_or_else(|e| e.into_inner());
            map.entry(key.clone()).or_default().clone()
        };
        let result = cell
            .get_or_init(|| self.create_unique(file, owner_id, call, Some(&key), cancel))
            .await
            .clone();
        if result.is_err() {
            self.in_flight
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&key);
        }
        result
    }

    async fn create_unique(
        &self,
        file: FileInput,
        owner_id: &str,
        call: &Map,
        key: Option<&str>,
        cancel: &CancellationToken,
    ) -> Result<Value, MediaError> {
        let FileInput {
            source,
            size,
            original_name,
        } = file;
        if size == Some(0) {
            return Err(MediaError::new("EMPTY_FILE", "the file is empty"));
        }
        if let Some(n) = size.filter(|n| *n > self.options.max_bytes) {
            return Err(MediaError::new(
                "FILE_TOO_LARGE",
                format!(
                    "the file has {n} bytes; at most {} are accepted",
                    self.options.max_bytes
                ),
            ));
        }
        let too_big = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let upload_cancel = cancel.child_token();
        let (head, source) = match source {
            Source::Path(path) => {
                use tokio::io::AsyncReadExt;
                let mut f = tokio::fs::File::open(&path).await.map_err(|e| {
                    MediaError::new("MISSING_FILE", format!("cannot read the file: {e}"))
                })?;
                let mut head = vec![0u8; SNIFF_BYTES];
                let n = f
                    .read(&mut head)
                    .await
                    .map_err(|e| MediaError::new("MISSING_FILE", e.to_string()))?;
                head.truncate(n);
                (head, Source::Path(path))
            }
            Source::Bytes(b) => (b[..b.len().min(SNIFF_BYTES)].to_vec(), Source::Bytes(b)),
            Source::Stream(rx) => {
                let (head, rx) = peek_stream(
                    rx,
                    self.options.max_bytes,
                    upload_cancel.clone(),
                    too_big.clone(),
                )
                .await;
                (head, Source::Stream(rx))
            }
            Source::Remote(_) => {
                return Err(MediaError::new(
                    "UNSUPPORTED_TYPE",
                    "remote URLs are not accepted: their content cannot be checked",
                ))
            }
        };
        if head.is_empty() {
            return Err(MediaError::new("EMPTY_FILE", "the file is empty"));
        }
        let kind = sniff(&head)
            .filter(|k| self.options.allowed_formats.iter().any(|f| f == k.format))
            .ok_or_else(|| {
                let found = sniff(&head).map_or("unrecognised content".to_owned(), |k| {
                    format!("{} content", k.format)
                });
                MediaError::new(
                    "UNSUPPORTED_TYPE",
                    format!(
                        "{found} is not allowed (allowed: {})",
                        self.options.allowed_formats.join(", ")
                    ),
                )
            })?;

        if let (Some(_), Some(existing)) =
            (key, self.find_by_public_id(&self.public_id_for(key)).await?)
        {
            return Ok(existing);
        }

        let mut options = self.options.upload_defaults.clone();
        options.set("folder", self.options.folder.clone().into());
        let mut tags = vec![
            Value::from(self.options.tag.as_str()),
            Value::from(format!("owner_{owner_id}")),
        ];
        if let Value::Array(extra) = call.get("tags") {
            tags.extend(extra.iter().cloned());
        }
        options.set("tags", Value::Array(tags));
        let mut context = Map::new();
        context.set("ownerId", owner_id.into());
        options.set("context", Value::Object(context));
        if let Some(k) = key {
            options.remove("folder");
            options.set("public_id", self.public_id_for(Some(k)).into());
            options.set("overwrite", false.into());
        } else if let Value::String(id) = call.get("public_id") {
            options.set("public_id", id.clone().into());
        }
        if !self.options.presets.is_empty() {
            let eager: Vec<Value> = self
                .options
                .presets
                .iter()
                .map(|(_, t)| Value::from(t.as_str()))
                .collect();
            options.set("eager", Value::Array(eager));
        }
        let (settings, upload_options) = UploadSettings::from_options(&options)?;
        let settings = UploadSettings {
            resource_type: kind.resource_type.to_owned(),
            filename: original_name.clone().unwrap_or_default(),
            ..settings
        };
        let params = cirrus_core::build_upload_params(&upload_options, 0.0)?;
        let uploaded = self
            .transport
            .upload(source, &params, &settings, None, &upload_cancel)
            .await;
        if too_big.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(MediaError::new(
                "FILE_TOO_LARGE",
                format!("the stream grew past {} bytes", self.options.max_bytes),
            ));
        }
        let (result, _) = uploaded?;
        let record = self.record(&result, owner_id, kind.mime, original_name.as_deref(), key);
        match self.repo_call("create", self.repo.create(record)).await {
            Ok(stored) => Ok(stored),
            Err(e) => Err(self.compensate(&result, e).await),
        }
    }

    /// Records an asset the browser uploaded directly: the signed identifier is verified, the asset's facts
    /// are read from the Admin API (never taken from the client), its public id must start with
    /// `required_prefix` (e.g. the folder the signer forced for this owner) and its format must be allowed;
    /// then the record is created, with the same compensation as `create_one`.
    pub async fn adopt(
        &self,
        identifier: &str,
        owner_id: &str,
        required_prefix: &str,
    ) -> Result<Value, MediaError> {
        if owner_id.trim().is_empty() {
            return Err(MediaError::new("MISSING_OWNER", "an owner id is required"));
        }
        let secret = self.account.get("api_secret").to_js_string();
        let policy = cirrus_core::IdentifierPolicy {
            algorithm: cirrus_core::SignatureAlgorithm::from_option(
                self.account.get("signature_algorithm"),
            )?,
            ..Default::default()
        };
        let verified = cirrus_core::verify_identifier(identifier, &secret, &policy)?;
        if !verified.public_id.starts_with(required_prefix) {
            return Err(MediaError::new(
                "IDENTIFIER_NOT_ALLOWED",
                format!("{} is not in {required_prefix}", verified.public_id),
            ));
        }
        let path = format!(
            "resources/{}/{}/{}",
            verified.resource_type,
            verified.kind,
            cirrus_core::encoding::encode_uri_component(&verified.public_id)
        );
        let resource = self
            .transport
            .admin_get(
                &path,
                &[],
                &self.settings("image")?,
                &CancellationToken::new(),
            )
            .await?;
        if resource.get("version").to_js_string() != verified.version {
            return Err(MediaError::new(
                "INVALID_IDENTIFIER",
                "the asset has changed since this identifier was issued",
            ));
        }
        let format = resource.get("format").to_js_string();
        if !self.options.allowed_formats.contains(&format) {
            return Err(MediaError::new(
                "UNSUPPORTED_TYPE",
                format!("{format} is not allowed"),
            ));
        }
        if let Some(existing) = self.find_by_public_id(&verified.public_id).await? {
            return Ok(existing);
        }
        let mime =
            cirrus_core::sniff::mime_for_format(&format).unwrap_or("application/octet-stream");
        let record = self.record(&resource, owner_id, mime, None, None);
        match self.repo_call("create", self.repo.create(record)).await {
            Ok(stored) => Ok(stored),
            Err(e) => Err(self.compensate(&resource, e).await),
        }
    }

    /// The upload is confirmed but its record could not be stored: delete the asset, or remember it.
    async fn compensate(&self, result: &Value, cause: MediaError) -> MediaError {
        match self.destroy_asset(result).await {
            Ok(()) => MediaError {
                message: format!("{}; the uploaded asset was deleted again", cause.message),
                ..cause
            },
            Err(e) => {
                let text = |k: &str| result.get(k).to_js_string();
                let (public_id, resource_type, kind) =
                    (text("public_id"), text("resource_type"), text("type"));
                if let Ok(mut p) = self.pending.lock() {
                    p.push(PendingCleanup {
                        public_id,
                        resource_type,
                        kind,
                    });
                }
                MediaError {
                    message: format!(
                        "{}; deleting the uploaded asset failed too ({}), so reconcile() will",
                        cause.message, e.message
                    ),
                    ..cause
                }
            }
        }
    }

    fn public_id_for(&self, key: Option<&str>) -> String {
        let digest = sha1::Sha1::digest(key.unwrap_or_default().as_bytes());
        format!(
            "{}/idem_{}",
            self.options.folder,
            &cirrus_core::hash::to_hex(&digest)[..24]
        )
    }

    async fn find_by_public_id(&self, public_id: &str) -> Result<Option<Value>, MediaError> {
        let mut q = Map::new();
        q.set("public_id", public_id.into());
        match self.repo.list(Value::Object(q)) {
            Some(call) => Ok(self.repo_call("list", call).await?.into_iter().next()),
            None => Ok(None),
        }
    }

    /// The record the repository stores for an upload result.
    fn record(
        &self,
        result: &Value,
        owner_id: &str,
        mime: &str,
        original_name: Option<&str>,
        key: Option<&str>,
    ) -> Value {
        let mut r = Map::new();
        for k in [
            "public_id",
            "resource_type",
            "type",
            "version",
            "format",
            "bytes",
            "width",
            "height",
            "secure_url",
        ] {
            r.set(k, result.get(k).clone());
        }
        r.set("ownerId", owner_id.into());
        let name = original_name
            .map(str::to_owned)
            .or_else(|| result.get("original_filename").as_str().map(str::to_owned))
            .unwrap_or_else(|| {
                result
                    .get("public_id")
                    .to_js_string()
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            });
        r.set("original_filename", name.into());
        r.set("mimeType", mime.into());
        r.set("createdAt", result.get("created_at").clone());
        r.set("deletedAt", Value::Null);
        if let Some(k) = key {
            r.set(
                "idempotencyKey",
                k.split('\u{0}').nth(1).unwrap_or_default().into(),
            );
        }
        if !self.options.presets.is_empty() {
            let mut urls = Map::new();
            for (name, t) in &self.options.presets {
                let mut o = self.account.clone();
                for (k, v) in self.options.url_options.iter() {
                    o.set(k, v.clone());
                }
                o.set("resource_type", result.get("resource_type").clone());
                o.set("type", result.get("type").clone());
                o.set("version", result.get("version").clone());
                o.set("raw_transformation", t.as_str().into());
                o.set("format", result.get("format").clone());
                if let Ok(u) =
                    cirrus_core::url::url(&result.get("public_id").to_js_string(), &o, 0.0)
                {
                    urls.set(name.as_str(), u.into());
                }
            }
            r.set("urls", Value::Object(urls));
        }
        Value::Object(r)
    }

    async fn owned(&self, id: &Value, owner_id: &str) -> Result<Value, MediaError> {
        let mut q = Map::new();
        q.set("id", id.clone());
        q.set("ownerId", owner_id.into());
        self.repo_call("findOne", self.repo.find_one(Value::Object(q)))
            .await?
            .ok_or_else(|| {
                MediaError::new(
                    "NOT_FOUND",
                    format!("no media {} for this owner", id.to_js_string()),
                )
            })
    }

    async fn destroy_asset(&self, record: &Value) -> Result<(), MediaError> {
        let mut options = Map::new();
        // The transport settings of `uploadDefaults` (retries, their delay, the timeout) hold for the
        // service's deletes too: a compensating delete deserves the same persistence as the upload.
        for key in ["retries", "retry_delay", "timeout"] {
            let value = self.options.upload_defaults.get(key);
            if !value.is_nullish() {
                options.set(key, value.clone());
            }
        }
        options.set("type", record.get("type").clone());
        options.set("resource_type", record.get("resource_type").clone());
        options.set("invalidate", true.into());
        // "not found" is fine: the asset is already gone.
        self.transport
            .destroy(
                &record.get("public_id").to_js_string(),
                &options,
                &CancellationToken::new(),
            )
            .await?;
        Ok(())
    }

    /// Owner-scoped delete: lookup, then the cloud asset, then the record.
    pub async fn remove(&self, id: &Value, owner_id: &str) -> Result<Value, MediaError> {
        let record = self.owned(id, owner_id).await?;
        self.destroy_asset(&record).await?;
        self.repo_call("remove", self.repo.remove(record.get("id").clone()))
            .await?;
        Ok(record)
    }

    fn update<'a>(
        &'a self,
        id: Value,
        patch: Value,
    ) -> Result<impl Future<Output = Result<Value, String>> + 'a, MediaError> {
        self.repo
            .update(id, patch)
            .ok_or_else(|| MediaError::new("NOT_SUPPORTED", "the repository has no update()"))
    }

    /// Marks a record deleted (the asset stays until `purge`).
    pub async fn soft_remove(&self, id: &Value, owner_id: &str) -> Result<Value, MediaError> {
        let record = self.owned(id, owner_id).await?;
        let mut patch = Map::new();
        patch.set("deletedAt", now_iso().into());
        self.repo_call(
            "update",
            self.update(record.get("id").clone(), Value::Object(patch))?,
        )
        .await
    }

    /// Undoes `soft_remove`.
    pub async fn restore(&self, id: &Value, owner_id: &str) -> Result<Value, MediaError> {
        let record = self.owned(id, owner_id).await?;
        let mut patch = Map::new();
        patch.set("deletedAt", Value::Null);
        self.repo_call(
            "update",
            self.update(record.get("id").clone(), Value::Object(patch))?,
        )
        .await
    }

    fn list<'a>(
        &'a self,
        query: Map,
    ) -> Result<impl Future<Output = Result<Vec<Value>, String>> + 'a, MediaError> {
        self.repo
            .list(Value::Object(query))
            .ok_or_else(|| MediaError::new("NOT_SUPPORTED", "the repository has no list()"))
    }

    /// Deletes (cloud, then record) everything soft-removed before `older_than` (ISO 8601).
    pub async fn purge(&self, older_than: &str) -> Result<Value, MediaError> {
        let mut q = Map::new();
        q.set("deletedBefore", older_than.into());
        let records = self.repo_call("list", self.list(q)?).await?;
        let mut purged = Vec::new();
        for record in records {
            self.destroy_asset(&record).await?;
            self.repo_call("remove", self.repo.remove(record.get("id").clone()))
                .await?;
            purged.push(record.get("public_id").clone());
        }
        let mut report = Map::new();
        report.set("purged", Value::Array(purged));
        Ok(Value::Object(report))
    }

    /// Finds cloud assets without records and records without assets, and repairs both; retries the
    /// compensating deletes that failed. Returns what it did.
    pub async fn reconcile(&self) -> Result<Value, MediaError> {
        let records = self.repo_call("list", self.list(Map::new())?).await?;
        let settings = self.settings("image")?;
        let cancel = CancellationToken::new();
        let mut cloud: Vec<Value> = Vec::new();
        for rt in ["image", "video", "raw"] {
            let mut cursor: Option<String> = None;
            loop {
                let mut query = vec![("max_results", "500".to_owned())];
                if let Some(c) = &cursor {
                    query.push(("next_cursor", c.clone()));
                }
                let path = format!(
                    "resources/{rt}/tags/{}",
                    cirrus_core::encoding::encode_uri_component(&self.options.tag)
                );
                let page = self
                    .transport
                    .admin_get(&path, &query, &settings, &cancel)
                    .await?;
                cloud.extend(
                    page.get("resources")
                        .as_array()
                        .unwrap_or_default()
                        .iter()
                        .cloned(),
                );
                match page.get("next_cursor").as_str() {
                    Some(c) => cursor = Some(c.to_owned()),
                    None => break,
                }
            }
        }
        let recorded: std::collections::HashSet<String> = records
            .iter()
            .map(|r| r.get("public_id").to_js_string())
            .collect();
        let in_cloud: std::collections::HashSet<String> = cloud
            .iter()
            .map(|a| a.get("public_id").to_js_string())
            .collect();
        let grace_cutoff = {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64);
            iso8601(now - self.options.reconcile_grace.as_secs() as i64)
        };
        let mut deleted_assets = Vec::new();
        for asset in &cloud {
            let id = asset.get("public_id").to_js_string();
            let young = asset
                .get("created_at")
                .as_str()
                .is_some_and(|c| c > grace_cutoff.as_str());
            if !recorded.contains(&id) && !young {
                self.destroy_asset(asset).await?;
                deleted_assets.push(Value::from(id));
            }
        }
        let mut removed_records = Vec::new();
        for record in &records {
            let id = record.get("public_id").to_js_string();
            if !in_cloud.contains(&id) {
                self.repo_call("remove", self.repo.remove(record.get("id").clone()))
                    .await?;
                removed_records.push(Value::from(id));
            }
        }
        let pending = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner()));
        let mut cleaned = Vec::new();
        for p in pending {
            let mut asset = Map::new();
            asset.set("public_id", p.public_id.clone().into());
            asset.set("resource_type", p.resource_type.clone().into());
            asset.set("type", p.kind.clone().into());
            match self.destroy_asset(&Value::Object(asset)).await {
                Ok(()) => cleaned.push(Value::from(p.public_id)),
                Err(_) => self
                    .pending
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(p),
            }
        }
        let mut report = Map::new();
        report.set("deletedAssets", Value::Array(deleted_assets));
        report.set("removedRecords", Value::Array(removed_records));
        report.set("cleanedPending", Value::Array(cleaned));
        report.set("checkedAssets", Value::Number(cloud.len() as f64));
        report.set("checkedRecords", Value::Number(records.len() as f64));
        Ok(Value::Object(report))
    }
}
