//! Uploads and Upload API calls: the Rust transport driven from JavaScript.
//!
//! `Cloudinary#startUpload` returns an [`UploadTask`]: JS feeds it (for streams) with `write`/`end`, can
//! `cancel` it, and awaits `result()`, which resolves to an envelope `{ ok, result, stats }` or
//! `{ ok: false, error: { code, message, http_code } }` that the JS layer turns into a value or a coded Error.

use crate::JsOut;
use bytes::Bytes;
use cirrus_core::ErrorCode;
use cirrus_core::{Map, Value};
use cirrus_transport::{
    CancellationToken, Progress, Source, TransportError, UploadSettings, UploadStats,
};
use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};

/// How many stream pieces may wait in the channel before `write` applies backpressure.
const STREAM_QUEUE: usize = 1;

/// The envelope of a failed call.
pub(crate) fn failure(e: &TransportError) -> Value {
    let mut m = Map::new();
    m.set("ok", false.into());
    m.set("error", e.to_value());
    Value::Object(m)
}

/// The envelope of a successful call.
pub(crate) fn success(result: Value, stats: Option<UploadStats>) -> Value {
    let mut m = Map::new();
    m.set("ok", true.into());
    m.set("result", result);
    if let Some(s) = stats {
        let mut st = Map::new();
        st.set("requests", (s.requests as f64).into());
        st.set("retries", (s.retries as f64).into());
        st.set("chunks", (s.chunks as f64).into());
        st.set("bytes", (s.bytes as f64).into());
        m.set("stats", Value::Object(st));
    }
    Value::Object(m)
}

/// A running upload.
#[napi]
pub struct UploadTask {
    cancel: CancellationToken,
    feed: Mutex<Option<mpsc::Sender<Bytes>>>,
    result: Mutex<Option<oneshot::Receiver<Value>>>,
}

/// Locks a mutex even if a panic poisoned it (the data is a plain Option).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[napi]
impl UploadTask {
    /// The upload's envelope (once; later calls resolve to an error envelope).
    #[napi(
        ts_return_type = "Promise<{ ok: boolean, result?: any, stats?: any, error?: { code: string, message: string, http_code?: number } }>"
    )]
    pub fn result<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let rx = lock(&self.result).take();
        env.spawn_future(async move {
            let value = match rx {
                Some(rx) => rx.await.unwrap_or_else(|_| {
                    failure(&TransportError::new(
                        ErrorCode::Internal,
                        "the upload task ended without a result",
                    ))
                }),
                None => failure(&TransportError::new(
                    ErrorCode::InvalidArgument,
                    "result() was already taken",
                )),
            };
            Ok(JsOut(value))
        })
    }

    /// Feeds a piece of a stream; resolves to `false` if the upload no longer accepts data. Resolves when
    /// the piece is queued, which is how backpressure reaches the JS stream.
    #[napi]
    pub fn write<'env>(
        &self,
        env: &'env Env,
        piece: Buffer,
    ) -> napi::Result<PromiseRaw<'env, bool>> {
        let sender = lock(&self.feed).clone();
        let bytes = cirrus_transport::buffer::copy_of(&piece);
        env.spawn_future(async move {
            Ok(match sender {
                Some(tx) => tx.send(bytes).await.is_ok(),
                None => false,
            })
        })
    }

    /// Ends the stream: its last chunk is sent with the total.
    #[napi]
    pub fn end(&self) {
        lock(&self.feed).take();
    }

    /// Stops the upload: requests in flight are dropped and nothing is finalised.
    #[napi]
    pub fn cancel(&self) {
        self.cancel.cancel();
        lock(&self.feed).take();
    }
}

impl UploadTask {
    /// A task whose result is `outcome`'s envelope, fed through `feed` (for streams) and stopped by `cancel`.
    pub fn spawn(
        feed: Option<mpsc::Sender<Bytes>>,
        cancel: CancellationToken,
        outcome: impl std::future::Future<Output = Value> + Send + 'static,
    ) -> UploadTask {
        let (tx, rx) = oneshot::channel();
        napi::bindgen_prelude::spawn(async move {
            let _ = tx.send(outcome.await);
        });
        UploadTask {
            cancel,
            feed: Mutex::new(feed),
            result: Mutex::new(Some(rx)),
        }
    }
}

/// A source from what JS passed: `kind` with a path/text or bytes; streams get a feed.
pub(crate) fn source(
    kind: &str,
    text: Option<String>,
    bytes: Option<Bytes>,
) -> std::result::Result<(Option<mpsc::Sender<Bytes>>, Source), TransportError> {
    Ok(match (kind, text, bytes) {
        ("path", Some(p), _) => (None, Source::Path(p.into())),
        ("remote", Some(t), _) => (None, Source::Remote(t)),
        ("bytes", _, Some(b)) => (None, Source::Bytes(b)),
        ("stream", _, _) => {
            let (tx, rx) = mpsc::channel(STREAM_QUEUE);
            (Some(tx), Source::Stream(rx))
        }
        _ => {
            return Err(TransportError::new(
                ErrorCode::InvalidArgument,
                "unsupported upload source",
            ))
        }
    })
}

/// Progress callback from JS: `(loaded, total)` with `total` -1 while unknown.
pub(crate) type ProgressFn = ThreadsafeFunction<(f64, f64), (), (f64, f64), Status, false>;

/// Starts an upload on the addon's tokio runtime.
pub(crate) fn start_upload(
    transport: Arc<cirrus_transport::Transport>,
    kind: &str,
    path_or_text: Option<String>,
    bytes: Option<Bytes>,
    options: &Map,
    now_ms: f64,
    on_progress: Option<ProgressFn>,
) -> std::result::Result<UploadTask, TransportError> {
    let (settings, upload_options) = UploadSettings::from_options(options)?;
    let params = cirrus_core::build_upload_params(&upload_options, now_ms)?;
    let (feed, source) = source(kind, path_or_text, bytes)?;
    let progress = on_progress.map(|f| {
        Arc::new(Progress::new(move |loaded, total| {
            f.call(
                (loaded as f64, total.map_or(-1.0, |t| t as f64)),
                ThreadsafeFunctionCallMode::NonBlocking,
            );
        }))
    });
    let cancel = CancellationToken::new();
    let (tx, rx) = oneshot::channel();
    let token = cancel.clone();
    napi::bindgen_prelude::spawn(async move {
        let outcome = transport
            .upload(source, &params, &settings, progress, &token)
            .await;
        let _ = tx.send(match outcome {
            Ok((result, stats)) => success(result, Some(stats)),
            Err(e) => failure(&e),
        });
    });
    Ok(UploadTask {
        cancel,
        feed: Mutex::new(feed),
        result: Mutex::new(Some(rx)),
    })
}
