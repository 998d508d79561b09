//! Upload sources, progress, and the single-request and chunked upload pipelines.
//!
//! Memory stays small whatever the size or chunk size: a file is sent region by region straight from
//! the file, and a stream is written to one temporary spool file per chunk (only when a request slot is
//! free) and sent from there, a frame at a time; a retried chunk is read again from its file.

use crate::content::{Content, Spool};
use crate::error::TransportError;
use bytes::Bytes;
use cirrus_core::chunks;
use cirrus_core::ErrorCode;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::mpsc;

/// What to upload.
pub enum Source {
    /// A file, read by Rust in chunks.
    Path(PathBuf),
    /// Bytes in memory.
    Bytes(Bytes),
    /// A stream of unknown length (pushed by the host; closed at its end).
    Stream(mpsc::Receiver<Bytes>),
    /// A remote URL or data URI, passed to Cloudinary as the `file` parameter.
    Remote(String),
}

/// Chunks in flight at once unless an upload says otherwise: several keep the link busy while the server
/// handles earlier chunks (1 GiB stream to the emulator on loopback, 2 cores: 124 MB/s with one chunk at a
/// time, ~160 with three, ~176 with four, ~196 with six; four is the common choice of multipart clients).
/// Memory does not grow with it: chunks are sent from spool files.
pub(crate) const DEFAULT_CONCURRENCY: usize = 4;

/// Per-upload settings.
#[derive(Clone, Debug)]
pub struct UploadSettings {
    /// Time allowed for each request.
    pub timeout: std::time::Duration,
    /// Retries of each request (a failed chunk is retried alone) and the deadline of the whole upload.
    pub retry: crate::RetryPolicy,
    /// Send an unsigned upload (through an unsigned `upload_preset`).
    pub unsigned: bool,
    /// `image`, `video`, `raw` or `auto`.
    pub resource_type: String,
    /// Chunk size; larger sources (and streams) use the chunked protocol.
    pub chunk_size: u64,
    /// Chunks in flight at once.
    pub concurrency: usize,
    /// Name of the file part (empty: the file's own name for paths, `file` otherwise).
    pub filename: String,
}

impl Default for UploadSettings {
    fn default() -> Self {
        UploadSettings {
            timeout: std::time::Duration::from_secs(60),
            retry: crate::RetryPolicy::default(),
            unsigned: false,
            resource_type: "image".to_owned(),
            chunk_size: chunks::DEFAULT_CHUNK_SIZE,
            concurrency: DEFAULT_CONCURRENCY,
            filename: String::new(),
        }
    }
}

/// Option keys that steer the transport and are not sent to Cloudinary.
const TRANSPORT_KEYS: &[&str] = &[
    "chunk_size",
    "concurrency",
    "timeout",
    "retries",
    "retry_delay",
    "filename",
    "unsigned",
    "resource_type",
    "deadline",
];

impl UploadSettings {
    /// The timeout of the next request: `timeout`, or what is left of the deadline if that is less.
    pub(crate) fn attempt_timeout(&self, started: tokio::time::Instant) -> std::time::Duration {
        crate::retry::remaining(&self.retry, started).map_or(self.timeout, |left| {
            self.timeout
                .min(left.max(std::time::Duration::from_millis(1)))
        })
    }

    /// Splits upload options into transport settings and the options that become upload params.
    /// `timeout`, `retry_delay` and `deadline` (of the whole operation, retries included) are milliseconds.
    pub fn from_options(
        options: &cirrus_core::Map,
    ) -> Result<(UploadSettings, cirrus_core::Map), TransportError> {
        use cirrus_core::Value;
        let number = |k: &str, min: f64, max: f64| -> Result<Option<f64>, TransportError> {
            match options.get(k) {
                Value::Undefined | Value::Null => Ok(None),
                Value::Number(n) if n.is_finite() && *n >= min && *n <= max => Ok(Some(*n)),
                other => Err(TransportError::new(
                    ErrorCode::InvalidOption,
                    format!(
                        "{k} must be a number from {min} to {max}, not {}",
                        other.to_js_string()
                    ),
                )),
            }
        };
        let mut s = UploadSettings::default();
        if let Some(n) = number("chunk_size", 1.0, 1e12)? {
            s.chunk_size = n as u64;
        }
        if let Some(n) = number("concurrency", 1.0, 64.0)? {
            s.concurrency = n as usize;
        }
        if let Some(n) = number("timeout", 1.0, 86_400_000.0)? {
            s.timeout = std::time::Duration::from_millis(n as u64);
        }
        if let Some(n) = number("retries", 0.0, 100.0)? {
            s.retry.retries = n as u32;
        }
        if let Some(n) = number("retry_delay", 0.0, 600_000.0)? {
            s.retry.base_delay_ms = n as u64;
        }
        if let Some(n) = number("deadline", 1.0, 86_400_000.0)? {
            s.retry.deadline_ms = Some(n as u64);
        }
        s.unsigned = options.get("unsigned").truthy();
        if let Value::String(rt) = options.get("resource_type") {
            s.resource_type = rt.clone();
        }
        if let Value::String(f) = options.get("filename") {
            s.filename = f.clone();
        }
        let mut rest = options.clone();
        rest.retain(|k, _| !TRANSPORT_KEYS.contains(&k));
        Ok((s, rest))
    }
}

/// What an upload took.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UploadStats {
    /// HTTP requests sent (retries included).
    pub requests: u64,
    /// Retries made.
    pub retries: u64,
    /// Chunks (1 for a single-request upload).
    pub chunks: u64,
    /// Bytes uploaded.
    pub bytes: u64,
}

/// Upload progress, shared by the requests of one upload.
pub struct Progress {
    loaded: AtomicU64,
    total: AtomicU64,
    /// The highest value reported; reporting happens under this lock, so reports from concurrent chunks
    /// reach the host in order and never go backwards (a failed attempt's bytes are taken back silently).
    reported: std::sync::Mutex<u64>,
    report: Box<dyn Fn(u64, Option<u64>) + Send + Sync>,
}

const UNKNOWN: u64 = u64::MAX;

impl Progress {
    /// Progress reported to `report(loaded, total)`.
    pub fn new(report: impl Fn(u64, Option<u64>) + Send + Sync + 'static) -> Self {
        Progress {
            loaded: AtomicU64::new(0),
            total: AtomicU64::new(UNKNOWN),
            reported: std::sync::Mutex::new(0),
            report: Box::new(report),
        }
    }

    fn total(&self) -> Option<u64> {
        Some(self.total.load(Ordering::Relaxed)).filter(|t| *t != UNKNOWN)
    }

    pub(crate) fn set_total(&self, total: u64) {
        self.total.store(total, Ordering::Relaxed);
    }

    pub(crate) fn send(&self, n: u64) {
        let loaded = self.loaded.fetch_add(n, Ordering::Relaxed) + n;
        let mut reported = self.reported.lock().unwrap_or_else(|e| e.into_inner());
        if loaded > *reported {
            *reported = loaded;
            (self.report)(loaded, self.total());
        }
    }

    pub(crate) fn unsend(&self, n: u64) {
        self.loaded.fetch_sub(
            n.min(self.loaded.load(Ordering::Relaxed)),
            Ordering::Relaxed,
        );
    }
}

/// Reads up to `size` bytes of a stream into a spool (a temporary file: see [`Spool`]), starting with
/// `carry`. Returns the chunk and the first piece of what follows (`None` once the stream has ended), so
/// the caller knows whether this chunk is the last one without holding a second chunk.
pub(crate) async fn read_stream_chunk(
    rx: &mut mpsc::Receiver<Bytes>,
    carry: Option<Bytes>,
    size: usize,
) -> Result<(Content, Option<Bytes>), TransportError> {
    let size = size as u64;
    let mut spool = Spool::new();
    let mut next = carry;
    loop {
        let piece = match next.take() {
            Some(p) => p,
            None => match rx.recv().await {
                Some(p) => p,
                None => return Ok((spool.finish(), None)),
            },
        };
        let room = (size - spool.len()) as usize;
        if piece.len() < room {
            spool.write(&piece).map_err(spool_error)?;
        } else {
            spool.write(&piece[..room]).map_err(spool_error)?;
            let rest = piece.slice(room..);
            if !rest.is_empty() {
                return Ok((spool.finish(), Some(rest)));
            }
            // Exactly full: look one piece ahead to learn whether more follows.
            loop {
                match rx.recv().await {
                    Some(p) if p.is_empty() => continue,
                    Some(p) => return Ok((spool.finish(), Some(p))),
                    None => return Ok((spool.finish(), None)),
                }
            }
        }
    }
}

fn spool_error(e: std::io::Error) -> TransportError {
    TransportError::new(
        ErrorCode::Internal,
        format!("cannot write the chunk to a temporary file: {e}"),
    )
}

/// Opens a file to upload: the handle (shared by its chunks) and its length.
pub(crate) fn open_file(path: &PathBuf) -> Result<(Arc<std::fs::File>, u64), TransportError> {
    let fail = |e: std::io::Error| {
        TransportError::new(
            ErrorCode::InvalidArgument,
            format!("cannot read {}: {e}", path.display()),
        )
    };
    let file = std::fs::File::open(path).map_err(fail)?;
    let len = file.metadata().map_err(fail)?.len();
    Ok((Arc::new(file), len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stream_chunks_know_when_they_are_last() {
        let (tx, mut rx) = mpsc::channel(16);
        for piece in [&b"abc"[..], b"defg", b"hi"] {
            tx.send(Bytes::copy_from_slice(piece)).await.unwrap();
        }
        drop(tx);
        let (a, carry) = read_stream_chunk(&mut rx, None, 4).await.unwrap();
        assert_eq!(
            (&a.to_bytes().unwrap()[..], carry.as_deref()),
            (&b"abcd"[..], Some(&b"efg"[..]))
        );
        let (b, carry) = read_stream_chunk(&mut rx, carry, 4).await.unwrap();
        assert_eq!(
            (&b.to_bytes().unwrap()[..], carry.as_deref()),
            (&b"efgh"[..], Some(&b"i"[..]))
        );
        let (c, carry) = read_stream_chunk(&mut rx, carry, 4).await.unwrap();
        assert_eq!((&c.to_bytes().unwrap()[..], carry), (&b"i"[..], None));
    }

    #[test]
    fn progress_never_goes_backwards() {
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = seen.clone();
        let p = std::sync::Arc::new(Progress::new(move |loaded, _| {
            sink.lock().unwrap().push(loaded)
        }));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let p = p.clone();
                std::thread::spawn(move || {
                    for _ in 0..1000 {
                        p.send(3);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        p.unsend(100);
        p.send(50);
        let seen = seen.lock().unwrap();
        assert!(
            seen.windows(2).all(|w| w[0] < w[1]),
            "reports must increase"
        );
        assert_eq!(*seen.last().unwrap(), 12_000);
    }

    #[tokio::test]
    async fn an_exactly_full_chunk_looks_ahead() {
        let (tx, mut rx) = mpsc::channel(4);
        tx.send(Bytes::from_static(b"abcd")).await.unwrap();
        drop(tx);
        let (a, carry) = read_stream_chunk(&mut rx, None, 4).await.unwrap();
        assert_eq!((&a.to_bytes().unwrap()[..], carry), (&b"abcd"[..], None));
    }
}
