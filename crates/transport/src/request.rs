//! One HTTP request with a timeout, cancellation and upload progress; retries around it.

use crate::content::Frame;
use crate::error::TransportError;
use crate::multipart::Multipart;
use crate::upload::Progress;
use bytes::Bytes;
use cirrus_core::retry::Outcome;
use cirrus_core::ErrorCode;
use cirrus_core::Value;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Body frames are at most this big, so progress moves smoothly.
const FRAME: usize = 256 * 1024;

/// Bytes of one attempt counted into the shared progress; taken back if the attempt fails.
struct AttemptBytes {
    progress: Option<Arc<Progress>>,
    sent: Arc<AtomicU64>,
    committed: bool,
}

impl Drop for AttemptBytes {
    fn drop(&mut self) {
        if let (false, Some(p)) = (self.committed, &self.progress) {
            p.unsend(self.sent.load(Ordering::Relaxed));
        }
    }
}

/// Where and how one request goes.
pub(crate) struct Call<'a> {
    pub http: &'a reqwest::Client,
    /// The client's limit on requests in flight; a permit is held for the whole exchange.
    pub requests: &'a tokio::sync::Semaphore,
    pub url: &'a str,
    pub timeout: Duration,
    pub cancel: &'a CancellationToken,
    /// Upload progress the file part counts into.
    pub progress: Option<Arc<Progress>>,
    /// Whether this is an upload (error codes say `UPLOAD_FAILED` rather than `REQUEST_FAILED`).
    pub upload: bool,
}

/// POSTs `body` and returns the parsed JSON answer, or a classified error.
pub(crate) async fn post(
    call: &Call<'_>,
    body: Multipart,
    headers: &[(&'static str, String)],
) -> Result<Value, TransportError> {
    let _permit = permit(call).await?;
    let sent = Arc::new(AtomicU64::new(0));
    let mut guard = AttemptBytes {
        progress: call.progress.clone(),
        sent: sent.clone(),
        committed: false,
    };
    let length = body.len();
    let content_type = body.content_type.clone();
    let mut request = call
        .http
        .post(call.url)
        .timeout(call.timeout)
        .header(reqwest::header::CONTENT_TYPE, content_type)
        .header(reqwest::header::CONTENT_LENGTH, length)
        .body(reqwest::Body::wrap_stream(body_stream(
            body,
            call.progress.clone(),
            sent,
        )));
    for (k, v) in headers {
        request = request.header(*k, v);
    }
    let upload = call.upload;
    let exchange = async {
        let response = request
            .send()
            .await
            .map_err(|e| network_error(&e, upload))?;
        let status = response.status().as_u16();
        let retry_after = retry_after(response.headers());
        let text = response
            .text()
            .await
            .map_err(|e| network_error(&e, upload))?;
        Ok::<_, TransportError>((status, retry_after, text))
    };
    let (status, retry_after, text) = tokio::select! {
        _ = call.cancel.cancelled() => return Err(TransportError::aborted()),
        r = exchange => r?,
    };
    let answer = answer(status, retry_after, &text, upload);
    guard.committed = answer.is_ok();
    answer
}

/// The body as a stream of frames read when sent; the file part's bytes count into the progress.
fn body_stream(
    body: Multipart,
    progress: Option<Arc<Progress>>,
    sent: Arc<AtomicU64>,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
    let counted_part = if body.parts.len() == 3 { Some(1) } else { None };
    let frames: Vec<(Frame, bool)> = body
        .parts
        .iter()
        .enumerate()
        .flat_map(|(i, part)| {
            let counted = Some(i) == counted_part;
            part.frames(FRAME).into_iter().map(move |f| (f, counted))
        })
        .collect();
    futures_util::stream::iter(frames.into_iter().map(move |(frame, counted)| {
        let frame: Bytes = frame.load()?;
        if counted {
            sent.fetch_add(frame.len() as u64, Ordering::Relaxed);
            if let Some(p) = &progress {
                p.send(frame.len() as u64);
            }
        }
        Ok::<Bytes, std::io::Error>(frame)
    }))
}

/// Cloudinary's answer: the JSON object of a 200, or the error its status and message say.
fn answer(
    status: u16,
    retry_after: Option<u64>,
    text: &str,
    upload: bool,
) -> Result<Value, TransportError> {
    let parsed = cirrus_core::json::parse(text).ok();
    let message = parsed
        .as_ref()
        .and_then(|v| v.get("error").get("message").as_str().map(str::to_owned));
    if status == 200 && message.is_none() {
        return match parsed {
            Some(v @ Value::Object(_)) => Ok(v),
            // A 200 whose body is not an object: the server may well have applied the request.
            _ => Err(TransportError::on_wire(
                if upload {
                    ErrorCode::UploadFailed
                } else {
                    ErrorCode::RequestFailed
                },
                "The server returned invalid JSON",
                Some(status),
                Outcome::NoAnswer,
            )),
        };
    }
    let mut error = TransportError::from_status(
        status,
        message.unwrap_or_else(|| format!("Server returned unexpected status code - {status}")),
        upload,
    );
    if let Some(ms) = retry_after {
        error
            .message
            .push_str(&format!(" (retry after {}s)", ms.div_ceil(1000)));
        error.retry_after_ms = Some(ms);
    }
    Err(error)
}

/// Waits for a request slot of the client (or for cancellation).
async fn permit<'a>(call: &Call<'a>) -> Result<tokio::sync::SemaphorePermit<'a>, TransportError> {
    tokio::select! {
        _ = call.cancel.cancelled() => Err(TransportError::aborted()),
        p = call.requests.acquire() => p.map_err(|_| TransportError::aborted()),
    }
}

/// A GET with an `Authorization` header (Admin API), parsed like [`post`].
pub(crate) async fn get(call: &Call<'_>, authorization: &str) -> Result<Value, TransportError> {
    let _permit = permit(call).await?;
    let request = call
        .http
        .get(call.url)
        .timeout(call.timeout)
        .header(reqwest::header::AUTHORIZATION, authorization);
    let exchange = async {
        let response = request.send().await.map_err(|e| network_error(&e, false))?;
        let status = response.status().as_u16();
        let retry_after = retry_after(response.headers());
        let text = response
            .text()
            .await
            .map_err(|e| network_error(&e, false))?;
        Ok::<_, TransportError>((status, retry_after, text))
    };
    let (status, retry_after, text) = tokio::select! {
        _ = call.cancel.cancelled() => return Err(TransportError::aborted()),
        r = exchange => r?,
    };
    answer(status, retry_after, &text, false)
}

/// The `Retry-After` header in milliseconds (delay-seconds or an HTTP date).
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<u64> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    cirrus_core::retry::parse_retry_after(value, now)
}

/// A request that got no HTTP answer: *not sent* when the connection was never made, else *maybe applied*.
fn network_error(e: &reqwest::Error, upload: bool) -> TransportError {
    let outcome = if e.is_connect() {
        Outcome::NotSent
    } else {
        Outcome::NoAnswer
    };
    if e.is_timeout() {
        // The SDK reports timeouts as HTTP 499.
        return TransportError::on_wire(ErrorCode::Timeout, "Request Timeout", Some(499), outcome);
    }
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message = format!("{message}: {s}");
        source = s.source();
    }
    TransportError::on_wire(
        if upload {
            ErrorCode::UploadFailed
        } else {
            ErrorCode::RequestFailed
        },
        message,
        None,
        outcome,
    )
}
