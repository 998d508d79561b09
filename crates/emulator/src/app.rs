//! The server: shared state, routing, request logging, fault injection and the control endpoints.

use crate::chunks::Chunks;
use crate::error::{ApiError, ApiResult};
use crate::faults::{Fault, FaultState, Faults};
use crate::settings::Settings;
use crate::store::Store;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::{Json, Router};
use std::sync::Arc;
use std::time::Instant;

/// Everything a request handler needs.
pub struct App {
    /// Configuration.
    pub settings: Settings,
    /// Assets.
    pub store: Arc<Store>,
    /// Partial chunked uploads.
    pub chunks: Chunks,
    /// Fault injection.
    pub faults: FaultState,
    /// Transformations computed at once.
    pub transform_jobs: tokio::sync::Semaphore,
    /// Bytes written to the derived cache since it was last trimmed (trimmed at a tenth of its cap).
    derived_since_trim: std::sync::atomic::AtomicU64,
}

impl App {
    /// Opens the store in the settings' data directory.
    pub fn new(settings: Settings) -> std::io::Result<App> {
        let store = Arc::new(Store::open(&settings.data_dir)?);
        let chunks = Chunks::new(settings.data_dir.join("chunks"));
        let faults = FaultState::new(settings.faults.clone());
        let app = App {
            transform_jobs: tokio::sync::Semaphore::new(settings.transform_jobs.max(1)),
            derived_since_trim: std::sync::atomic::AtomicU64::new(0),
            settings,
            store,
            chunks,
            faults,
        };
        app.trim_derived();
        Ok(app)
    }

    /// Counts a derived image written; trims the cache when a tenth of its cap was written since.
    pub fn derived_written(&self, bytes: u64) {
        use std::sync::atomic::Ordering;
        let since = self.derived_since_trim.fetch_add(bytes, Ordering::Relaxed) + bytes;
        if since > self.settings.derived_cache_bytes / 10 {
            self.derived_since_trim.store(0, Ordering::Relaxed);
            self.trim_derived();
        }
    }

    /// Keeps the derived cache under its cap: the least recently written files go first.
    pub fn trim_derived(&self) {
        let Ok(entries) = std::fs::read_dir(self.store.dir().join("derived")) else {
            return;
        };
        let mut files: Vec<(std::time::SystemTime, u64, std::path::PathBuf)> = entries
            .flatten()
            .filter_map(|e| {
                let m = e.metadata().ok()?;
                Some((m.modified().ok()?, m.len(), e.path()))
            })
            .collect();
        let mut total: u64 = files.iter().map(|f| f.1).sum();
        if total <= self.settings.derived_cache_bytes {
            return;
        }
        files.sort();
        for (_, len, path) in files {
            if total <= self.settings.derived_cache_bytes * 8 / 10 {
                break;
            }
            if std::fs::remove_file(&path).is_ok() {
                total -= len;
            }
        }
    }

    /// Deletes the cached derived images of a blob.
    pub fn forget_derived(&self, blob: &str) {
        let prefix = format!("{blob}-");
        if let Ok(entries) = std::fs::read_dir(self.store.dir().join("derived")) {
            for entry in entries.flatten() {
                if entry.file_name().to_string_lossy().starts_with(&prefix) {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
    }
}

/// `http://<Host>` of the request, for the URLs in responses.
pub fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("http://{host}")
}

/// The router with its middleware.
pub fn router(app: Arc<App>) -> Router {
    let limit = app.settings.max_body_bytes;
    Router::new()
        .route("/v1_1/{cloud}/{*rest}", any(api))
        .route("/__emulator/{*rest}", any(control))
        .route("/{cloud}/{*rest}", any(delivery))
        .layer(middleware::from_fn_with_state(app.clone(), inject_faults))
        .layer(middleware::from_fn(close_after_errors))
        .layer(middleware::from_fn(cors))
        .layer(middleware::from_fn_with_state(app.clone(), log_request))
        .layer(axum::extract::DefaultBodyLimit::max(limit))
        .with_state(app)
}

fn check_cloud(app: &App, cloud: &str) -> ApiResult<()> {
    if cloud == app.settings.cloud_name {
        Ok(())
    } else {
        Err(ApiError::unauthorized(format!(
            "Invalid cloud_name {cloud}"
        )))
    }
}

/// The request's path after `/v1_1/<cloud>/`, still percent-encoded. The SDK sends some Admin paths as one
/// encoded segment (`resources%2Fimage%2Fupload%2Fupdate_access_mode`); Cloudinary takes them, so the
/// emulator reads them as paths.
fn api_path(request: &Request) -> String {
    let raw = request
        .uri()
        .path()
        .splitn(4, '/')
        .nth(3)
        .unwrap_or_default();
    if raw.len() > 12 && raw[..12].eq_ignore_ascii_case("resources%2F") {
        raw.replace("%2F", "/").replace("%2f", "/")
    } else {
        raw.to_owned()
    }
}

/// Answers a refusal after reading the request's body (up to `limit`), so that a client still sending it
/// gets the answer rather than a reset connection.
async fn refuse(request: Request, limit: usize, err: ApiError) -> ApiResult<serde_json::Value> {
    let _ = axum::body::to_bytes(request.into_body(), limit).await;
    Err(err)
}

/// An Admin API call: its parameters come in the query or (as the SDK sends non-GET ones) the body.
async fn admin_call(app: Arc<App>, path: &str, request: Request) -> ApiResult<serde_json::Value> {
    let method = request.method().clone();
    let query = request.uri().query().map(str::to_owned);
    let headers = request.headers().clone();
    let body = if method == Method::GET {
        String::new()
    } else {
        let bytes = axum::body::to_bytes(request.into_body(), 1 << 20)
            .await
            .map_err(|_| ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large"))?;
        String::from_utf8_lossy(&bytes).into_owned()
    };
    let call = crate::admin::Call {
        method,
        headers,
        query: query.as_deref(),
        body: &body,
    };
    crate::admin::resources(app, path, call).await
}

async fn api(
    State(app): State<Arc<App>>,
    Path((cloud, rest)): Path<(String, String)>,
    request: Request,
) -> Response {
    let admin = ["resources", "tags", "folders"]
        .iter()
        .any(|p| rest == *p || rest.starts_with(&format!("{p}/")));
    let result = async {
        check_cloud(&app, &cloud)?;
        let method = request.method().clone();
        let raw_rest = api_path(&request);
        if raw_rest == "resources" {
            // GET: the resource types; DELETE: by asset ids.
            if method == Method::GET {
                return crate::admin::resource_types(&app, request.headers());
            }
            return admin_call(app, "", request).await;
        }
        // `tags/<rt>` and `folders[/...]` go through the Admin API's handler (Basic auth, parameters).
        let admin_path = if (raw_rest.starts_with("tags/") && method == Method::GET)
            || raw_rest == "folders"
            || raw_rest.starts_with("folders/")
        {
            Some(raw_rest.as_str())
        } else {
            raw_rest.strip_prefix("resources/")
        };
        if let Some(path) = admin_path {
            return admin_call(app, path, request).await;
        }
        let limit = app.settings.max_body_bytes;
        if method != Method::POST {
            return refuse(
                request,
                limit,
                ApiError::not_found("Unknown Admin API path"),
            )
            .await;
        }
        let Some((resource_type, action)) = rest.split_once('/') else {
            return refuse(request, limit, ApiError::not_found("Unknown API path")).await;
        };
        if !["image", "video", "raw", "auto"].contains(&resource_type) {
            let err = ApiError::bad_request(format!("Invalid resource type {resource_type}"));
            return refuse(request, limit, err).await;
        }
        let resource_type = resource_type.to_owned();
        match action {
            "upload" => crate::upload::upload(app, &resource_type, request).await,
            "destroy" => crate::manage::destroy(app, &resource_type, request).await,
            "rename" => crate::manage::rename(app, &resource_type, request).await,
            "explicit" => crate::manage::explicit(app, &resource_type, request).await,
            "tags" => crate::tagging::tags(app, &resource_type, request).await,
            "context" => crate::tagging::context(app, &resource_type, request).await,
            "generate_archive" => crate::archive::generate(app, &resource_type, request).await,
            other => {
                let err = ApiError::not_found(format!("Unsupported action: {other}"));
                refuse(request, limit, err).await
            }
        }
    }
    .await;
    let mut response = match result {
        Ok(body) => Json(body).into_response(),
        Err(e) => e.into_response(),
    };
    if admin {
        crate::admin::rate_limit_headers(response.headers_mut());
    }
    response
}

async fn delivery(
    State(app): State<Arc<App>>,
    Path((cloud, _)): Path<(String, String)>,
    request: Request,
) -> Response {
    if cloud != app.settings.cloud_name {
        return ApiError::not_found("Resource not found")
            .for_delivery()
            .into_response();
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "Use GET")
            .for_delivery()
            .into_response();
    }
    let raw = request
        .uri()
        .path()
        .splitn(3, '/')
        .nth(2)
        .unwrap_or_default()
        .to_owned();
    let query = request.uri().query().map(str::to_owned);
    match crate::delivery::deliver(
        app,
        request.headers().clone(),
        &cloud,
        &raw,
        query.as_deref(),
    )
    .await
    {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

/// `/__emulator/health`, `/__emulator/stats` and `/__emulator/faults` (GET, PUT); Basic auth except health.
async fn control(
    State(app): State<Arc<App>>,
    Path(rest): Path<String>,
    method: Method,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let result = (|| -> ApiResult<serde_json::Value> {
        if rest == "health" {
            return Ok(serde_json::json!({ "ok": true, "cloud_name": app.settings.cloud_name }));
        }
        crate::auth::verify_basic(
            headers.get("authorization").and_then(|v| v.to_str().ok()),
            &app.settings,
        )?;
        match (method, rest.as_str()) {
            (Method::GET, "stats") => {
                let (requests, injected) = app.faults.counts();
                Ok(serde_json::json!({
                    "requests": requests,
                    "faults_injected": injected,
                    "faults_by_kind": app.faults.by_kind(),
                }))
            }
            (Method::GET, "faults") => {
                Ok(serde_json::to_value(app.faults.get()).unwrap_or_default())
            }
            (Method::PUT, "faults") => {
                let rules: Faults = serde_json::from_slice(&body)
                    .map_err(|e| ApiError::bad_request(format!("Invalid fault rules: {e}")))?;
                for endpoint in rules.keys() {
                    if endpoint != "*" && !crate::faults::ENDPOINTS.contains(&endpoint.as_str()) {
                        return Err(ApiError::bad_request(format!(
                            "Unknown endpoint {endpoint}"
                        )));
                    }
                }
                app.faults.set(rules);
                Ok(serde_json::to_value(app.faults.get()).unwrap_or_default())
            }
            _ => Err(ApiError::not_found("Unknown control path")),
        }
    })();
    match result {
        Ok(v) => Json(v).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Which fault endpoint a request belongs to.
fn endpoint_of(method: &Method, path: &str) -> Option<&'static str> {
    let mut parts = path.trim_start_matches('/').split('/');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some("__emulator"), ..) => None,
        (Some("v1_1"), _, Some("resources"), _) => Some("admin"),
        (Some("v1_1"), _, Some(_), Some(action)) => crate::faults::ENDPOINTS
            .iter()
            .copied()
            .find(|e| *e == action),
        (Some("v1_1"), ..) => None,
        _ if *method == Method::GET => Some("delivery"),
        _ => None,
    }
}

async fn inject_faults(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let Some(endpoint) = endpoint_of(request.method(), request.uri().path()) else {
        return next.run(request).await;
    };
    let (latency, fault) = app.faults.roll(endpoint);
    if latency > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(latency)).await;
    }
    let fault = match fault {
        Some(f) if !f.after_handler() => {
            // Read the request to its end before failing it, as a server that failed while handling it
            // would have: an answer sent while the client is still writing the body makes the client's
            // write fail (EPIPE, a reset) instead of it reading the injected answer.
            let mut body = request.into_body().into_data_stream();
            while let Some(Ok(_)) = futures_util::StreamExt::next(&mut body).await {}
            return before_handler(f);
        }
        other => other,
    };
    match fault {
        None => next.run(request).await,
        Some(f) => {
            // The handler applies the request (stores the upload, deletes the asset...); only the answer
            // is lost. A handler's own error goes out unchanged: there was nothing applied to lose.
            let response = next.run(request).await;
            if !response.status().is_success() {
                return response;
            }
            match f {
                Fault::AfterHang(ms) => {
                    tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
                    response
                }
                Fault::AfterReset => reset_response(),
                _ => ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Internal error (injected after the request was applied)",
                )
                .into_response(),
            }
        }
    }
}

/// The answer of a fault injected before the handler (nothing applied).
fn before_handler(fault: Fault) -> Response {
    match fault {
        Fault::Status(429) => {
            let mut r = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "Rate Limit Exceeded (injected)",
            )
            .into_response();
            r.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
            r
        }
        Fault::Status(code) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            ApiError::new(status, format!("Internal error (injected {code})")).into_response()
        }
        _ => reset_response(),
    }
}

/// Headers go out, then the body fails: the server drops the connection mid-response.
fn reset_response() -> Response {
    let failing = futures_util::stream::once(async {
        Err::<bytes::Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "injected reset",
        ))
    });
    Response::builder()
        .header(header::CONTENT_LENGTH, "1024")
        .body(Body::from_stream(failing))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// Browsers upload straight to Cloudinary and load delivery URLs from any page: those answer preflights
/// and allow any origin, as Cloudinary does. Nothing else does: the Admin API and the control endpoints
/// take credentials (Basic auth), which a page from another origin must never be able to send.
async fn cors(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let open =
        is_upload_path(path) || !path.starts_with("/v1_1/") && !path.starts_with("/__emulator/");
    let preflight = request.method() == Method::OPTIONS;
    let mut response = if preflight {
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(request).await
    };
    if !open {
        return response;
    }
    let h = response.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        header::HeaderValue::from_static("*"),
    );
    if preflight {
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            header::HeaderValue::from_static("GET, POST, OPTIONS"),
        );
        h.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            header::HeaderValue::from_static(
                "content-type, content-range, x-unique-upload-id, x-requested-with",
            ),
        );
        h.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            header::HeaderValue::from_static("600"),
        );
    }
    response
}

/// An error may be answered before the request body was read (a refused upload, an unknown action): the
/// connection then closes, and says so, so that a keep-alive client never sends its next request into a
/// connection the server is about to drop (which it sees as EPIPE or ECONNRESET).
async fn close_after_errors(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if response.status().is_client_error() || response.status().is_server_error() {
        response.headers_mut().insert(
            header::CONNECTION,
            header::HeaderValue::from_static("close"),
        );
    }
    response
}

/// `/v1_1/<cloud>/<resource_type>/upload`.
fn is_upload_path(path: &str) -> bool {
    let mut parts = path.trim_start_matches('/').split('/');
    matches!(
        (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next()
        ),
        (Some("v1_1"), Some(_), Some(_), Some("upload"), None)
    )
}

async fn log_request(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    if !app.settings.log_requests {
        return next.run(request).await;
    }
    let (method, path) = (request.method().clone(), request.uri().path().to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    eprintln!(
        "{method} {path} {} {}ms",
        response.status().as_u16(),
        started.elapsed().as_millis()
    );
    response
}
