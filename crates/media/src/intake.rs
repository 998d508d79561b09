//! Validation before any byte leaves: presence, size (declared, on disk, or counted while streaming) and
//! format by content sniffing. The client's name and MIME type are never trusted.

use crate::error::MediaError;
use crate::options::ServiceOptions;
use bytes::Bytes;
use cirrus_core::sniff::{sniff, Sniffed, SNIFF_BYTES};
use cirrus_core::ErrorCode;
use cirrus_transport::{CancellationToken, Source};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::sync::mpsc;

/// A file to store: its content and what the client said about it (only advisory).
pub struct FileInput {
    /// The content.
    pub source: Source,
    /// Size in bytes when known up front.
    pub size: Option<u64>,
    /// The client's file name.
    pub original_name: Option<String>,
}

/// A file that passed the checks that can be made before uploading.
pub(crate) struct Accepted {
    /// The content, ready to upload (a stream still yields every byte, and is cut off past the limit).
    pub source: Source,
    /// What the content is.
    pub kind: Sniffed,
    /// The client's file name.
    pub original_name: Option<String>,
    /// Set when a stream grew past the limit (its upload is then cancelled).
    pub too_big: Arc<AtomicBool>,
}

pub(crate) fn too_large(n: u64, max: u64) -> MediaError {
    MediaError::new(
        ErrorCode::FileTooLarge,
        format!("the file has {n} bytes; at most {max} are accepted"),
    )
}

/// Checks a file and returns it ready to upload. `cancel` is cancelled if a stream grows too big.
pub(crate) async fn accept(
    file: FileInput,
    options: &ServiceOptions,
    cancel: &CancellationToken,
) -> Result<Accepted, MediaError> {
    let FileInput {
        source,
        size,
        original_name,
    } = file;
    let max = options.max_bytes;
    let check_size = |n: u64| match n {
        0 => Err(MediaError::new(ErrorCode::EmptyFile, "the file is empty")),
        n if n > max => Err(too_large(n, max)),
        _ => Ok(()),
    };
    if let Some(n) = size {
        check_size(n)?;
    }
    let too_big = Arc::new(AtomicBool::new(false));
    let (head, source) = match source {
        Source::Path(path) => {
            use tokio::io::AsyncReadExt;
            let missing = |e: std::io::Error| {
                MediaError::new(ErrorCode::MissingFile, format!("cannot read the file: {e}"))
            };
            let mut f = tokio::fs::File::open(&path).await.map_err(missing)?;
            // The size on disk is checked too: a path's declared size is only the client's word.
            check_size(f.metadata().await.map_err(missing)?.len())?;
            let mut head = vec![0u8; SNIFF_BYTES];
            let n = f.read(&mut head).await.map_err(missing)?;
            head.truncate(n);
            (head, Source::Path(path))
        }
        Source::Bytes(b) => {
            check_size(b.len() as u64)?;
            (b[..b.len().min(SNIFF_BYTES)].to_vec(), Source::Bytes(b))
        }
        Source::Stream(rx) => {
            let (head, rx) = peek_stream(rx, max, cancel.clone(), too_big.clone()).await;
            (head, Source::Stream(rx))
        }
        Source::Remote(_) => {
            return Err(MediaError::new(
                ErrorCode::UnsupportedType,
                "remote URLs are not accepted: their content cannot be checked",
            ))
        }
    };
    if head.is_empty() {
        return Err(MediaError::new(ErrorCode::EmptyFile, "the file is empty"));
    }
    let found = sniff(&head);
    let kind = found
        .filter(|k| options.allowed_formats.iter().any(|f| f == k.format))
        .ok_or_else(|| {
            let what = found.map_or("unrecognised content".to_owned(), |k| {
                format!("{} content", k.format)
            });
            MediaError::new(
                ErrorCode::UnsupportedType,
                format!(
                    "{what} is not allowed (allowed: {})",
                    options.allowed_formats.join(", ")
                ),
            )
        })?;
    Ok(Accepted {
        source,
        kind,
        original_name,
        too_big,
    })
}

/// Reads up to `SNIFF_BYTES` of a stream for sniffing and gives back a stream that still yields everything,
/// refusing (via `cancel`) a stream that grows past `max_bytes`.
async fn peek_stream(
    mut rx: mpsc::Receiver<Bytes>,
    max_bytes: u64,
    cancel: CancellationToken,
    too_big: Arc<AtomicBool>,
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
        let mut buffered = buffered.into_iter();
        loop {
            let piece = match buffered.next() {
                Some(p) => p,
                None => match rx.recv().await {
                    Some(p) => p,
                    None => return,
                },
            };
            total += piece.len() as u64;
            if total > max_bytes {
                too_big.store(true, Ordering::Relaxed);
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
