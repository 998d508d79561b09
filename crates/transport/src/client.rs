//! The transport client: signs and sends Upload API calls for one account.

use crate::content::Content;
use crate::error::TransportError;
use crate::multipart;
use crate::request::{post, Call};
use crate::retry::with_retries;
use crate::upload::{open_file, read_stream_chunk, Progress, Source, UploadSettings, UploadStats};
use bytes::Bytes;
use cirrus_core::chunks::{self, Chunk};
use cirrus_core::ErrorCode;
use cirrus_core::{Map, SigningOptions, Value};
use futures_util::stream::{FuturesUnordered, StreamExt};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// Requests one client has in flight at once unless told otherwise. A thousand uploads started together
/// queue for these instead of opening a thousand connections: the server is no faster for it, and each
/// connection costs buffers on both sides (docs/benchmarks: 1,000 × 100 KB).
pub(crate) const DEFAULT_MAX_REQUESTS: usize = 32;

/// Connection settings of a client.
#[derive(Clone, Debug, Default)]
pub struct TransportOptions {
    /// An HTTP(S) proxy all requests go through.
    pub proxy: Option<String>,
    /// Requests in flight at once across all of this client's calls (0: [`DEFAULT_MAX_REQUESTS`]).
    pub max_requests: usize,
}

/// Upload API calls for one account (a config object with the SDK's keys).
pub struct Transport {
    http: reqwest::Client,
    config: Map,
    account: crate::Account,
    requests: tokio::sync::Semaphore,
}

fn now_secs() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs() as f64)
}

/// Counters of one upload.
#[derive(Default)]
struct Counters {
    requests: AtomicU64,
    retries: AtomicU64,
    chunks: AtomicU64,
}

impl Transport {
    /// The account this client talks for.
    pub fn account(&self) -> &crate::Account {
        &self.account
    }

    /// A client for `config` (needs cloud_name, api_key, api_secret; honours upload_prefix).
    pub fn new(config: &Map, options: TransportOptions) -> Result<Transport, TransportError> {
        // TLS with rustls on ring and the webpki roots compiled in: no platform libraries to link, so
        // the same code builds for every platform the packages ship (and from one machine).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder =
            reqwest::Client::builder().user_agent(concat!("cirrus/", env!("CARGO_PKG_VERSION")));
        if let Some(proxy) = &options.proxy {
            let proxy = reqwest::Proxy::all(proxy).map_err(|e| {
                TransportError::new(ErrorCode::InvalidOption, format!("invalid proxy: {e}"))
            })?;
            builder = builder.proxy(proxy);
        } else {
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|e| {
            TransportError::new(
                ErrorCode::Internal,
                format!("cannot create the HTTP client: {e}"),
            )
        })?;
        let max_requests = match options.max_requests {
            0 => DEFAULT_MAX_REQUESTS,
            n => n,
        };
        Ok(Transport {
            http,
            config: config.clone(),
            account: crate::Account::from_config(config)?,
            requests: tokio::sync::Semaphore::new(max_requests),
        })
    }

    /// A request of this client (its HTTP client and request limit) to `url`: not an upload, no progress.
    fn call_to<'a>(
        &'a self,
        url: &'a str,
        timeout: std::time::Duration,
        cancel: &'a CancellationToken,
    ) -> Call<'a> {
        Call {
            http: &self.http,
            requests: &self.requests,
            url,
            timeout,
            cancel,
            progress: None,
            upload: false,
        }
    }

    fn url(&self, resource_type: &str, action: &str) -> Result<String, TransportError> {
        let mut o = self.config.clone();
        o.set("resource_type", resource_type.into());
        Ok(cirrus_core::download::api_url(action, &o)?)
    }

    /// Params ready to send: signed now (a fresh timestamp every attempt), or cleared for unsigned uploads.
    fn finish_params(&self, params: &Map, unsigned: bool) -> Result<Map, TransportError> {
        let mut p = params.clone();
        if unsigned {
            p.remove("timestamp");
            return Ok(cirrus_core::signing::clear_blank(&p));
        }
        if !p.has("timestamp") || p.get("timestamp").is_nullish() {
            p.set("timestamp", Value::Number(now_secs()));
        }
        let signing = SigningOptions::from_options(&self.config)?;
        Ok(cirrus_core::sign_request(&p, &signing))
    }

    /// Cloudinary's "Invalid Signature" answer, with the signature doctor's reading of it appended: what
    /// was signed against what Cloudinary signed, and (knowing the secret) whether the secret or the
    /// algorithm is wrong. The secret itself is never in the message.
    fn with_diagnosis(&self, sent: &Map, mut error: TransportError) -> TransportError {
        if error.code != ErrorCode::Unauthorized || !error.message.contains("Invalid Signature") {
            return error;
        }
        let mut signed = sent.clone();
        for key in cirrus_core::signature_doctor::NEVER_SIGNED {
            signed.remove(key);
        }
        let secret = self.config.get("api_secret").as_str().map(str::to_owned);
        let inputs = cirrus_core::signature_doctor::Inputs {
            error: Some(&error.message),
            signature: sent.get("signature").as_str(),
            api_secret: secret.as_deref(),
            algorithm: cirrus_core::SignatureAlgorithm::from_option(
                self.config.get("signature_algorithm"),
            )
            .unwrap_or(cirrus_core::SignatureAlgorithm::Sha1),
            version: cirrus_core::SignatureVersion::from_option(
                self.config.get("signature_version"),
            ),
            now_secs: now_secs(),
        };
        let diagnosis = cirrus_core::signature_doctor::diagnose(&signed, &inputs);
        let why: Vec<&str> = diagnosis
            .findings
            .iter()
            .map(|f| f.message.as_str())
            .collect();
        if !why.is_empty() {
            error.message = format!("{} Why: {}", error.message, why.join(" "));
        }
        error
    }

    /// A signed Upload API call without a file (`destroy`, `rename`, `explicit`, ...), with the timeout,
    /// retries and deadline of `settings`. Actions whose repetition changes nothing (`destroy`,
    /// `explicit`) are retried when they may have been applied; others (`rename`) only when not sent.
    pub async fn call(
        &self,
        action: &str,
        params: &Map,
        settings: &UploadSettings,
        cancel: &CancellationToken,
    ) -> Result<Value, TransportError> {
        let url = self.url(&settings.resource_type, action)?;
        let counters = Counters::default();
        let started = tokio::time::Instant::now();
        let idempotent = matches!(action, "destroy" | "explicit");
        with_retries(
            &settings.retry,
            started,
            idempotent,
            cancel,
            &counters.retries,
            || async {
                let mut fresh = params.clone();
                fresh.remove("timestamp");
                let signed = self.finish_params(&fresh, false)?;
                let body = multipart::build(&signed, None);
                let timeout = settings.attempt_timeout(started);
                post(&self.call_to(&url, timeout, cancel), body, &[])
                    .await
                    .map_err(|e| self.with_diagnosis(&signed, e))
            },
        )
        .await
    }

    /// An Admin API read (`GET /v1_1/<cloud>/<path>?<query>` with Basic auth), retried like the rest.
    pub async fn admin_get(
        &self,
        path: &str,
        query: &[(&str, String)],
        settings: &UploadSettings,
        cancel: &CancellationToken,
    ) -> Result<Value, TransportError> {
        let qs: Vec<String> = query
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    cirrus_core::encoding::encode_uri_component(k),
                    cirrus_core::encoding::encode_uri_component(v)
                )
            })
            .collect();
        let url = format!(
            "{}{}{}",
            self.account.api_url(path),
            if qs.is_empty() { "" } else { "?" },
            qs.join("&")
        );
        let auth = self.account.basic_auth();
        let counters = Counters::default();
        let started = tokio::time::Instant::now();
        with_retries(
            &settings.retry,
            started,
            true,
            cancel,
            &counters.retries,
            || async {
                let timeout = settings.attempt_timeout(started);
                crate::request::get(&self.call_to(&url, timeout, cancel), &auth).await
            },
        )
        .await
    }

    /// Admin API "get resource": one asset's details (`options`: `resource_type` image|video|raw,
    /// `type` upload|private|authenticated, transport settings). The path segments are whitelisted and
    /// the public id encoded, so no argument can steer the request elsewhere.
    pub async fn resource(
        &self,
        public_id: &str,
        options: &Map,
        cancel: &CancellationToken,
    ) -> Result<Value, TransportError> {
        let (settings, o) = UploadSettings::from_options(options)?;
        let kind = admin_kind(&settings, &o)?;
        if public_id.is_empty() {
            return Err(TransportError::new(
                ErrorCode::InvalidArgument,
                "a public id is required",
            ));
        }
        let path = format!(
            "resources/{}/{kind}/{}",
            settings.resource_type,
            cirrus_core::encoding::encode_uri_component(public_id)
        );
        self.admin_get(&path, &[], &settings, cancel).await
    }

    /// `resources`: one page of the Admin API listing (`GET resources/<resource_type>/<type>`), with
    /// `prefix`, `max_results` (1..500) and `next_cursor`: `{ resources: [...], next_cursor? }`.
    pub async fn resources(
        &self,
        options: &Map,
        cancel: &CancellationToken,
    ) -> Result<Value, TransportError> {
        let (settings, o) = UploadSettings::from_options(options)?;
        let kind = admin_kind(&settings, &o)?;
        let mut query: Vec<(&str, String)> = Vec::new();
        for key in ["prefix", "next_cursor"] {
            match o.get(key) {
                Value::String(v) if !v.is_empty() => query.push((key, v.clone())),
                v if v.is_nullish() => {}
                _ => {
                    return Err(TransportError::new(
                        ErrorCode::InvalidOption,
                        format!("{key} must be a string"),
                    ))
                }
            }
        }
        match o.get("max_results") {
            Value::Number(n) if n.fract() == 0.0 && (1.0..=500.0).contains(n) => {
                query.push(("max_results", (*n as u32).to_string()))
            }
            v if v.is_nullish() => {}
            _ => {
                return Err(TransportError::new(
                    ErrorCode::InvalidOption,
                    "max_results must be an integer from 1 to 500",
                ))
            }
        }
        let path = format!("resources/{}/{kind}", settings.resource_type);
        self.admin_get(&path, &query, &settings, cancel).await
    }

    /// `destroy`: deletes an asset (`options`: `type`, `invalidate`, `notification_url`, transport settings).
    pub async fn destroy(
        &self,
        public_id: &str,
        options: &Map,
        cancel: &CancellationToken,
    ) -> Result<Value, TransportError> {
        let (settings, o) = UploadSettings::from_options(options)?;
        let mut p = Map::new();
        p.set("public_id", public_id.into());
        p.set("type", o.get("type").clone());
        p.set(
            "invalidate",
            cirrus_core::upload_params::as_safe_bool(o.get("invalidate")),
        );
        p.set("notification_url", o.get("notification_url").clone());
        self.call("destroy", &p, &settings, cancel).await
    }

    /// `rename`: moves an asset (`options`: `type`, `to_type`, `overwrite`, `invalidate`, transport settings).
    pub async fn rename(
        &self,
        from: &str,
        to: &str,
        options: &Map,
        cancel: &CancellationToken,
    ) -> Result<Value, TransportError> {
        let (settings, o) = UploadSettings::from_options(options)?;
        let mut p = Map::new();
        p.set("type", o.get("type").clone());
        p.set("from_public_id", from.into());
        p.set("to_public_id", to.into());
        for k in ["overwrite", "invalidate"] {
            p.set(k, cirrus_core::upload_params::as_safe_bool(o.get(k)));
        }
        p.set("to_type", o.get("to_type").clone());
        p.set("notification_url", o.get("notification_url").clone());
        self.call("rename", &p, &settings, cancel).await
    }

    /// `explicit`: updates an existing asset (eager transformations, tags, context, ...).
    pub async fn explicit(
        &self,
        public_id: &str,
        options: &Map,
        now_ms: f64,
        cancel: &CancellationToken,
    ) -> Result<Value, TransportError> {
        let (settings, mut o) = UploadSettings::from_options(options)?;
        o.set("public_id", public_id.into());
        let params = cirrus_core::build_upload_params(&o, now_ms)?;
        self.call("explicit", &params, &settings, cancel).await
    }

    /// Uploads `source` with upload `params` (from `build_upload_params`). Returns Cloudinary's result and
    /// what it took.
    pub async fn upload(
        &self,
        source: Source,
        params: &Map,
        settings: &UploadSettings,
        progress: Option<Arc<Progress>>,
        cancel: &CancellationToken,
    ) -> Result<(Value, UploadStats), TransportError> {
        let url = self.url(&settings.resource_type, "upload")?;
        let keep_timestamp = params.get("timestamp").truthy();
        let mut base = params.clone();
        if !keep_timestamp {
            base.remove("timestamp");
        }
        let counters = Counters::default();
        let mut settings = settings.clone();
        if settings.filename.is_empty() {
            settings.filename = match &source {
                Source::Path(p) => p
                    .file_name()
                    .map_or("file".into(), |n| n.to_string_lossy().into_owned()),
                _ => "file".to_owned(),
            };
        }
        let settings = &settings;
        // With a fixed public_id, sending the upload again lands on the same asset: retrying is safe
        // even when the first attempt may have been stored.
        let fixed_id = params
            .get("public_id")
            .as_str()
            .is_some_and(|p| !p.is_empty());
        let job = Job {
            transport: self,
            url: &url,
            params: &base,
            settings,
            progress,
            cancel,
            counters: &counters,
            upload_id: random_upload_id(),
            fixed_id,
            started: tokio::time::Instant::now(),
        };
        let (result, bytes) = match source {
            Source::Remote(text) => (job.send(Some(FilePart::Text(text)), None, &base).await?, 0),
            Source::Bytes(bytes) => job.upload_bytes(bytes).await?,
            Source::Path(path) => job.upload_file(path).await?,
            Source::Stream(rx) => job.upload_stream(rx).await?,
        };
        let stats = UploadStats {
            requests: counters.requests.load(Ordering::Relaxed),
            retries: counters.retries.load(Ordering::Relaxed),
            chunks: counters.chunks.load(Ordering::Relaxed).max(1),
            bytes,
        };
        Ok((result, stats))
    }
}

fn random_upload_id() -> String {
    use rand::Rng;
    format!("{:032x}", rand::thread_rng().gen::<u128>())
}

/// The file of a request: content, or text Cloudinary fetches (a URL or data URI).
enum FilePart {
    Content(Content),
    Text(String),
}

/// One upload in progress.
struct Job<'a> {
    transport: &'a Transport,
    url: &'a str,
    params: &'a Map,
    settings: &'a UploadSettings,
    progress: Option<Arc<Progress>>,
    cancel: &'a CancellationToken,
    counters: &'a Counters,
    upload_id: String,
    /// The params name the public_id (so a repeated request reaches the same asset).
    fixed_id: bool,
    /// When the upload began: its deadline counts from here.
    started: tokio::time::Instant,
}

impl Job<'_> {
    /// Sends one request (a whole file, or one chunk with its range), retrying it alone; whether it may be
    /// sent twice is core's [`cirrus_core::retry::upload_idempotent`].
    async fn send(
        &self,
        file: Option<FilePart>,
        range: Option<(Chunk, Option<u64>)>,
        params: &Map,
    ) -> Result<Value, TransportError> {
        let t = self.transport;
        // A range without the total is a chunk but the last.
        let idempotent =
            cirrus_core::retry::upload_idempotent(self.fixed_id, matches!(range, Some((_, None))));
        with_retries(
            &self.settings.retry,
            self.started,
            idempotent,
            self.cancel,
            &self.counters.retries,
            || async {
                self.counters.requests.fetch_add(1, Ordering::Relaxed);
                let mut fields = t.finish_params(params, self.settings.unsigned)?;
                // `file` is never signed: it joins the fields after signing.
                let bytes = match &file {
                    Some(FilePart::Content(c)) => {
                        Some((self.settings.filename.as_str(), c.clone()))
                    }
                    Some(FilePart::Text(text)) => {
                        fields.set("file", text.clone().into());
                        None
                    }
                    None => None,
                };
                let signed = fields.clone();
                let body = multipart::build(&fields, bytes);
                let headers: Vec<(&'static str, String)> = match range {
                    Some((chunk, total)) => vec![
                        ("X-Unique-Upload-Id", self.upload_id.clone()),
                        ("Content-Range", chunk.content_range(total)),
                    ],
                    None => Vec::new(),
                };
                let call = Call {
                    progress: self.progress.clone(),
                    upload: true,
                    ..t.call_to(
                        self.url,
                        self.settings.attempt_timeout(self.started),
                        self.cancel,
                    )
                };
                post(&call, body, &headers)
                    .await
                    .map_err(|e| t.with_diagnosis(&signed, e))
            },
        )
        .await
    }

    fn set_total(&self, total: u64) {
        if let Some(p) = &self.progress {
            p.set_total(total);
        }
    }

    async fn chunk(
        &self,
        chunk: Chunk,
        content: Content,
        total: Option<u64>,
    ) -> Result<Value, TransportError> {
        self.counters.chunks.fetch_add(1, Ordering::Relaxed);
        self.send(
            Some(FilePart::Content(content)),
            Some((chunk, total)),
            self.params,
        )
        .await
    }

    async fn upload_bytes(&self, bytes: Bytes) -> Result<(Value, u64), TransportError> {
        let total = bytes.len() as u64;
        self.set_total(total);
        if !chunks::needs_chunking(Some(total), self.settings.chunk_size) {
            return Ok((
                self.send(
                    Some(FilePart::Content(Content::Memory(bytes))),
                    None,
                    self.params,
                )
                .await?,
                total,
            ));
        }
        self.known_length(total, |c| {
            Content::Memory(bytes.slice(c.start as usize..=c.end as usize))
        })
        .await
    }

    async fn upload_file(&self, path: std::path::PathBuf) -> Result<(Value, u64), TransportError> {
        // The file is opened once; each request reads its region frame by frame while sending.
        let (file, total) = open_file(&path)?;
        self.set_total(total);
        let region = |offset: u64, len: u64| Content::File {
            file: file.clone(),
            offset,
            len,
        };
        if !chunks::needs_chunking(Some(total), self.settings.chunk_size) {
            return Ok((
                self.send(Some(FilePart::Content(region(0, total))), None, self.params)
                    .await?,
                total,
            ));
        }
        self.known_length(total, |c| region(c.start, c.len())).await
    }

    /// Chunks of a source of known length: all but the last with bounded concurrency, then the last one
    /// (which carries the total, so Cloudinary assembles the file when it arrives).
    async fn known_length(
        &self,
        total: u64,
        content: impl Fn(Chunk) -> Content,
    ) -> Result<(Value, u64), TransportError> {
        let plan = chunks::plan(total, self.settings.chunk_size)?;
        let Some((last, rest)) = plan.split_last() else {
            return Err(TransportError::new(
                ErrorCode::InvalidArgument,
                "Empty file",
            ));
        };
        let mut in_flight = FuturesUnordered::new();
        for &c in rest {
            while in_flight.len() >= self.settings.concurrency.max(1) {
                if let Some(r) = in_flight.next().await {
                    r?;
                }
            }
            in_flight.push(self.chunk(c, content(c), None));
        }
        while let Some(r) = in_flight.next().await {
            r?;
        }
        Ok((self.chunk(*last, content(*last), Some(total)).await?, total))
    }

    /// A stream of unknown length: always chunked; a chunk is known to be the last when the stream ends
    /// right after it. The next chunk is read only when a slot is free, so at most `concurrency` chunks
    /// (plus one stream piece) are held.
    async fn upload_stream(
        &self,
        mut rx: tokio::sync::mpsc::Receiver<Bytes>,
    ) -> Result<(Value, u64), TransportError> {
        let size = usize::try_from(self.settings.chunk_size)
            .unwrap_or(usize::MAX)
            .max(1);
        let mut in_flight = FuturesUnordered::new();
        let mut offset = 0u64;
        let mut carry = None;
        loop {
            while in_flight.len() >= self.settings.concurrency.max(1) {
                if let Some(r) = in_flight.next().await {
                    r?;
                }
            }
            let (content, next) = tokio::select! {
                _ = self.cancel.cancelled() => return Err(TransportError::aborted()),
                r = read_stream_chunk(&mut rx, carry.take(), size) => r?,
            };
            if content.is_empty() {
                return Err(TransportError::new(
                    ErrorCode::InvalidArgument,
                    "Empty file",
                ));
            }
            let chunk = Chunk {
                start: offset,
                end: offset + content.len() - 1,
            };
            offset += content.len();
            if next.is_none() {
                while let Some(r) = in_flight.next().await {
                    r?;
                }
                self.set_total(offset);
                return Ok((self.chunk(chunk, content, Some(offset)).await?, offset));
            }
            carry = next;
            in_flight.push(self.chunk(chunk, content, None));
        }
    }
}

/// The delivery type of an Admin API resource call, with its resource type checked: both become path
/// segments, so only Cloudinary's own values pass.
fn admin_kind<'a>(settings: &UploadSettings, options: &'a Map) -> Result<&'a str, TransportError> {
    let kind = options.get("type").as_str().unwrap_or("upload");
    if !["image", "video", "raw"].contains(&settings.resource_type.as_str())
        || !["upload", "private", "authenticated"].contains(&kind)
    {
        return Err(TransportError::new(
            ErrorCode::InvalidOption,
            "resource_type must be image, video or raw, and type upload, private or authenticated",
        ));
    }
    Ok(kind)
}
