//! Chunked uploads: `X-Unique-Upload-Id` + `Content-Range`. Chunks may arrive in any order (and
//! concurrently); the request that completes the byte range gets the final result. Unfinished uploads
//! are invisible and expire.

use crate::error::{ApiError, ApiResult};
use crate::request::FilePart;
use md5::{Digest, Md5};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Cloudinary's smallest chunk but the last (declared once, in the core).
pub const CLOUDINARY_MIN_CHUNK: u64 = cirrus_core::chunks::MIN_CHUNK_SIZE;

/// A parsed `Content-Range: bytes <start>-<end>/<total or -1>`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ContentRange {
    /// First byte.
    pub start: u64,
    /// Last byte (inclusive).
    pub end: u64,
    /// Total size, known on the last chunk.
    pub total: Option<u64>,
}

/// Parses a `Content-Range` header.
pub fn parse_content_range(header: &str) -> ApiResult<ContentRange> {
    let bad = || ApiError::bad_request(format!("Invalid Content-Range header: {header}"));
    let spec = header.trim().strip_prefix("bytes ").ok_or_else(bad)?;
    let (range, total) = spec.split_once('/').ok_or_else(bad)?;
    let (start, end) = range.split_once('-').ok_or_else(bad)?;
    let start: u64 = start.trim().parse().map_err(|_| bad())?;
    let end: u64 = end.trim().parse().map_err(|_| bad())?;
    let total = match total.trim() {
        "-1" | "*" => None,
        t => Some(t.parse::<u64>().map_err(|_| bad())?),
    };
    // Checked arithmetic downstream: `end + 1` and `end - start + 1` cannot overflow, and no total is
    // beyond what any upload could be.
    if end < start || end >= MAX_TOTAL || total.is_some_and(|t| end >= t || t > MAX_TOTAL) {
        return Err(bad());
    }
    Ok(ContentRange { start, end, total })
}

/// The largest total a Content-Range may declare (1 TiB).
pub const MAX_TOTAL: u64 = 1 << 40;

/// Open (unfinished) chunked uploads one signer (an api_key, or an unsigned preset) may have at once.
pub const MAX_OPEN_PER_SIGNER: usize = 64;

/// Who a chunked upload belongs to: every chunk must come from the same signer with the same params.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChunkOwner {
    /// The api_key, or `unsigned:<preset>`: open uploads are counted per signer.
    pub signer: String,
    /// The upload's params (all but the signature, timestamp and file), so a chunk cannot be slipped
    /// into another signer's upload or change what it becomes.
    pub params: String,
}

/// The asset a completed chunked upload became: resource type, type and public id.
pub type CompletedAsset = (String, String, String);

/// How many completed upload ids are remembered (oldest forgotten first).
const COMPLETED_CAP: usize = 10_000;

/// How long a completed upload id is remembered.
const COMPLETED_TTL: Duration = Duration::from_secs(3600);

/// Where partial uploads live, with a lock per upload id, and which uploads completed recently.
pub struct Chunks {
    dir: PathBuf,
    locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    completed: Mutex<HashMap<String, (CompletedAsset, ChunkOwner, std::time::Instant)>>,
    /// Open uploads by id, with their owner.
    open: Mutex<HashMap<String, ChunkOwner>>,
}

impl Chunks {
    /// Partial uploads under `dir`.
    pub fn new(dir: PathBuf) -> Self {
        Chunks {
            dir,
            locks: Mutex::new(HashMap::new()),
            completed: Mutex::new(HashMap::new()),
            open: Mutex::new(HashMap::new()),
        }
    }

    /// Registers the chunk's owner: a new upload counts against its signer's quota; a known one must
    /// come from the same owner.
    fn claim(&self, id: &str, owner: &ChunkOwner) -> ApiResult<()> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        match open.get(id) {
            Some(o) if o == owner => Ok(()),
            Some(_) => Err(ApiError::bad_request(
                "Chunks of one upload (X-Unique-Upload-Id) must come from one signer with the same parameters",
            )),
            None => {
                let mine = open.values().filter(|o| o.signer == owner.signer).count();
                if mine >= MAX_OPEN_PER_SIGNER {
                    return Err(ApiError::new(
                        axum::http::StatusCode::TOO_MANY_REQUESTS,
                        format!("Too many unfinished chunked uploads (at most {MAX_OPEN_PER_SIGNER} at once)"),
                    ));
                }
                open.insert(id.to_owned(), owner.clone());
                Ok(())
            }
        }
    }

    fn release(&self, id: &str) {
        self.open
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id);
    }

    /// Remembers that upload `id` of `owner` became `asset`, so a resent chunk of it answers with that asset.
    pub fn complete(&self, id: &str, asset: CompletedAsset, owner: ChunkOwner) {
        let mut done = self.completed.lock().unwrap_or_else(|e| e.into_inner());
        done.retain(|_, (_, _, at)| at.elapsed() < COMPLETED_TTL);
        if done.len() >= COMPLETED_CAP {
            if let Some(oldest) = done
                .iter()
                .min_by_key(|(_, (_, _, at))| *at)
                .map(|(k, _)| k.clone())
            {
                done.remove(&oldest);
            }
        }
        done.insert(id.to_owned(), (asset, owner, std::time::Instant::now()));
    }

    /// The asset upload `id` became, if it completed recently and `owner` is the one who made it.
    pub fn completed(&self, id: &str, owner: &ChunkOwner) -> Option<CompletedAsset> {
        let done = self.completed.lock().unwrap_or_else(|e| e.into_inner());
        done.get(id)
            .filter(|(_, o, at)| o == owner && at.elapsed() < COMPLETED_TTL)
            .map(|(a, _, _)| a.clone())
    }

    fn lock_for(&self, id: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.locks.lock().unwrap_or_else(|e| e.into_inner());
        locks.entry(id.to_owned()).or_default().clone()
    }

    fn forget_lock(&self, id: &str) {
        self.locks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id);
    }

    /// Adds one chunk. Returns the whole file (in a temp file of `tmp_dir`) when this chunk completes it.
    /// Every chunk but the last must be at least `min_chunk` bytes, as Cloudinary requires.
    pub async fn add(
        &self,
        id: &str,
        range: ContentRange,
        part: FilePart,
        tmp: PathBuf,
        (owner, min_chunk): (&ChunkOwner, u64),
    ) -> ApiResult<Option<FilePart>> {
        if id.is_empty()
            || id.len() > 128
            || !id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(ApiError::bad_request("Invalid X-Unique-Upload-Id"));
        }
        let last = range.total.is_some_and(|total| range.end + 1 == total);
        if !last && part.bytes < min_chunk {
            let _ = tokio::fs::remove_file(&part.path).await;
            return Err(ApiError::bad_request(
                if min_chunk == CLOUDINARY_MIN_CHUNK {
                    "All parts except EOF-chunk must be larger than 5mb".to_owned()
                } else {
                    format!("All parts except EOF-chunk must be at least {min_chunk} bytes")
                },
            ));
        }
        self.claim(id, owner)?;
        if part.bytes != range.end - range.start + 1 {
            return Err(ApiError::bad_request(format!(
                "Chunk size {} does not match Content-Range {}-{}",
                part.bytes, range.start, range.end
            )));
        }
        let lock = self.lock_for(id);
        let _guard = lock.lock().await;
        let dir = self.dir.join(id);
        tokio::fs::create_dir_all(&dir).await?;
        tokio::fs::rename(
            &part.path,
            dir.join(format!("{:020}-{:020}", range.start, range.end)),
        )
        .await?;
        if let Some(total) = range.total {
            tokio::fs::write(dir.join("total"), total.to_string()).await?;
        }
        let Some(parts) = complete_parts(&dir).await? else {
            return Ok(None);
        };
        let assembled = assemble(&parts, tmp).await?;
        tokio::fs::remove_dir_all(&dir).await?;
        self.forget_lock(id);
        self.release(id);
        Ok(Some(assembled))
    }

    /// Removes partial uploads untouched for longer than `ttl`.
    pub fn sweep(&self, ttl: Duration) -> usize {
        let mut removed = 0;
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return 0;
        };
        for entry in entries.flatten() {
            let stale = entry
                .metadata()
                .and_then(|m| m.modified())
                .map(|t| SystemTime::now().duration_since(t).unwrap_or_default() > ttl)
                .unwrap_or(false);
            if stale && std::fs::remove_dir_all(entry.path()).is_ok() {
                self.release(&entry.file_name().to_string_lossy());
                removed += 1;
            }
        }
        removed
    }
}

/// The chunk files in order with how many of their leading bytes an earlier chunk already covered,
/// if together they cover `0..total` exactly.
async fn complete_parts(dir: &Path) -> ApiResult<Option<Vec<(PathBuf, u64)>>> {
    let total: u64 = match tokio::fs::read_to_string(dir.join("total")).await {
        Ok(t) => t
            .trim()
            .parse()
            .map_err(|_| ApiError::internal("corrupt chunk state"))?,
        Err(_) => return Ok(None),
    };
    let mut ranges = Vec::new();
    let mut entries = tokio::fs::read_dir(dir).await?;
    while let Some(entry) = entries.next_entry().await? {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some((s, e)) = name.split_once('-') {
            if let (Ok(s), Ok(e)) = (s.parse::<u64>(), e.parse::<u64>()) {
                ranges.push((s, e, entry.path()));
            }
        }
    }
    ranges.sort();
    let mut next = 0;
    let mut parts = Vec::new();
    for (s, e, path) in ranges {
        if s > next {
            return Ok(None);
        }
        if e + 1 > next {
            // Overlapping resends are fine: only the new bytes of each part are used.
            parts.push((path, next - s));
            next = e + 1;
        }
    }
    if next > total {
        return Err(ApiError::bad_request("Chunks exceed the total size"));
    }
    if next < total {
        return Ok(None);
    }
    Ok(Some(parts))
}

async fn assemble(parts: &[(PathBuf, u64)], tmp: PathBuf) -> ApiResult<FilePart> {
    let mut out = tokio::fs::File::create(&tmp).await?;
    let mut assembled = FilePart {
        path: tmp,
        bytes: 0,
        md5: String::new(),
        filename: None,
    };
    let mut md5 = Md5::new();
    let mut buf = vec![0u8; 1 << 20];
    for (path, skip) in parts {
        let mut file = tokio::fs::File::open(path).await?;
        let mut skipped = 0;
        loop {
            let n = file.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            let from = (skip.saturating_sub(skipped) as usize).min(n);
            skipped += n as u64;
            md5.update(&buf[from..n]);
            out.write_all(&buf[from..n]).await?;
            assembled.bytes += (n - from) as u64;
        }
    }
    out.sync_all().await?;
    assembled.md5 = cirrus_core::hash::to_hex(&md5.finalize());
    Ok(assembled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ranges() {
        assert_eq!(
            parse_content_range("bytes 0-99/-1").unwrap(),
            ContentRange {
                start: 0,
                end: 99,
                total: None
            }
        );
        assert_eq!(
            parse_content_range("bytes 100-149/150").unwrap().total,
            Some(150)
        );
        assert!(parse_content_range("bytes 100-99/150").is_err());
        assert!(parse_content_range("bytes 0-150/150").is_err());
        assert!(parse_content_range("items 0-1/2").is_err());
        assert!(parse_content_range(&format!("bytes 0-{}/-1", u64::MAX)).is_err());
        assert!(parse_content_range(&format!("bytes 0-1/{}", u64::MAX)).is_err());
    }
}
