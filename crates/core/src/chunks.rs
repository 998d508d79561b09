//! Chunk planning for chunked uploads (`X-Unique-Upload-Id` + `Content-Range`).

use crate::error::{Error, Result};
use crate::prelude::*;

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
        let mut out = String::from("bytes ");
        crate::digits::push_uint(&mut out, self.start);
        out.push('-');
        crate::digits::push_uint(&mut out, self.end);
        out.push('/');
        match total {
            Some(t) => crate::digits::push_uint(&mut out, t),
            None => out.push_str("-1"),
        }
        out
    }
}

/// The most chunks one upload may be split into (20 MB chunks make that 2 TB; a tiny chunk size on a big
/// file is refused rather than planned into millions of requests, or an allocation that fails).
pub const MAX_CHUNKS: u64 = 100_000;

/// Splits `total` bytes into chunks of `chunk_size` (the last may be shorter). Zero bytes give no chunk.
/// More than [`MAX_CHUNKS`] chunks is an `INVALID_OPTION` error.
pub fn plan(total: u64, chunk_size: u64) -> Result<Vec<Chunk>> {
    let size = chunk_size.max(1);
    let count = total.div_ceil(size);
    if count > MAX_CHUNKS {
        let mut message = String::new();
        for (number, then) in [
            (total, " bytes in chunks of "),
            (size, " would take "),
            (count, " requests (at most "),
            (MAX_CHUNKS, "): raise chunk_size"),
        ] {
            crate::digits::push_uint(&mut message, number);
            message.push_str(then);
        }
        return Err(Error::invalid_option(message));
    }
    // A plain loop (no iterator adapters: the browser module carries this).
    let mut chunks = Vec::with_capacity(count as usize);
    for i in 0..count {
        chunks.push(Chunk {
            start: i * size,
            end: (i + 1).saturating_mul(size).min(total) - 1,
        });
    }
    Ok(chunks)
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
        assert_eq!(plan(0, 10).unwrap(), vec![]);
        assert_eq!(plan(10, 10).unwrap(), vec![Chunk { start: 0, end: 9 }]);
        let p = plan(25, 10).unwrap();
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

    #[test]
    fn refuses_plans_too_big_to_make() {
        // Found by fuzzing (fuzz/regressions/chunk_plan): u64::MAX bytes in 1-byte chunks tried to allocate.
        assert!(plan(u64::MAX, 1).is_err());
        assert!(plan(u64::MAX, u64::MAX).is_ok());
        let last = *plan(u64::MAX, u64::MAX / 3).unwrap().last().unwrap();
        assert_eq!(last.end, u64::MAX - 1);
    }
}
