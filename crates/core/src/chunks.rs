//! Chunk planning for chunked uploads (`X-Unique-Upload-Id` + `Content-Range`).

/// Cloudinary's default chunk size, as the SDK's (20 MB).
pub const DEFAULT_CHUNK_SIZE: u64 = 20_000_000;
/// The smallest chunk Cloudinary accepts (5 MB), except for the last one.
pub const MIN_CHUNK_SIZE: u64 = 5 * 1024 * 1024;

/// One chunk: inclusive byte range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chunk {
    /// First byte.
    pub start: u64,
    /// Last byte (inclusive).
    pub end: u64,
}

impl Chunk {
    /// Length in bytes.
    pub fn len(&self) -> u64 {
        self.end - self.start + 1
    }

    /// Never true: chunks hold at least one byte.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The `Content-Range` header: only the last chunk carries the total (`-1` before it), as Cloudinary expects.
    pub fn content_range(&self, total: Option<u64>) -> String {
        match total {
            Some(t) => format!("bytes {}-{}/{t}", self.start, self.end),
            None => format!("bytes {}-{}/-1", self.start, self.end),
        }
    }
}

/// Splits `total` bytes into chunks of `chunk_size` (the last may be shorter). Zero bytes give no chunk.
pub fn plan(total: u64, chunk_size: u64) -> Vec<Chunk> {
    let size = chunk_size.max(1);
    (0..total.div_ceil(size))
        .map(|i| Chunk {
            start: i * size,
            end: ((i + 1) * size).min(total) - 1,
        })
        .collect()
}

/// Whether a source of `total` bytes (unknown: `None`) should go through the chunked protocol.
pub fn needs_chunking(total: Option<u64>, chunk_size: u64) -> bool {
    total.is_none_or(|t| t > chunk_size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_cover_every_byte_once() {
        assert_eq!(plan(0, 10), vec![]);
        assert_eq!(plan(10, 10), vec![Chunk { start: 0, end: 9 }]);
        let p = plan(25, 10);
        assert_eq!(
            p,
            vec![
                Chunk { start: 0, end: 9 },
                Chunk { start: 10, end: 19 },
                Chunk { start: 20, end: 24 }
            ]
        );
        assert_eq!(p[2].content_range(Some(25)), "bytes 20-24/25");
        assert_eq!(p[0].content_range(None), "bytes 0-9/-1");
        assert!(
            needs_chunking(None, 10)
                && needs_chunking(Some(11), 10)
                && !needs_chunking(Some(10), 10)
        );
    }
}
