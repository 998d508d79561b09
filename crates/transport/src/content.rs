//! The bytes of a file part: in memory, or a region of a file (the caller's own file, or a spool file a
//! stream was written to). A file region is read frame by frame while it is sent, so a chunk of any size
//! costs a few frames of memory, and a retry reads it again instead of keeping a copy.

use bytes::Bytes;
use std::fs::File;
use std::io::Write;
use std::sync::Arc;

/// Bytes to send.
#[derive(Clone)]
pub(crate) enum Content {
    /// Held in memory.
    Memory(Bytes),
    /// `len` bytes of `file` from `offset`.
    File {
        /// The open file (shared by the chunks of one upload, or one spool file per chunk).
        file: Arc<File>,
        /// Where the region starts.
        offset: u64,
        /// How many bytes.
        len: u64,
    },
}

impl Content {
    /// Length in bytes.
    pub(crate) fn len(&self) -> u64 {
        match self {
            Content::Memory(b) => b.len() as u64,
            Content::File { len, .. } => *len,
        }
    }

    /// Whether there is nothing to send.
    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The frames to send, each at most `frame` bytes; file frames are read when the body asks for them.
    pub(crate) fn frames(&self, frame: usize) -> Vec<Frame> {
        let len = self.len();
        let count = len.div_ceil(frame as u64).max(1);
        (0..count)
            .map(|i| {
                let start = i * frame as u64;
                let end = (start + frame as u64).min(len);
                match self {
                    Content::Memory(b) => Frame::Ready(b.slice(start as usize..end as usize)),
                    Content::File { file, offset, .. } => Frame::Read {
                        file: file.clone(),
                        offset: offset + start,
                        len: (end - start) as usize,
                    },
                }
            })
            .collect()
    }

    /// The whole content in memory (small bodies and tests).
    #[cfg(test)]
    pub(crate) fn to_bytes(&self) -> std::io::Result<Bytes> {
        let mut out = Vec::new();
        for f in self.frames(1 << 20) {
            out.extend_from_slice(&f.load()?);
        }
        Ok(Bytes::from(out))
    }
}

/// One piece of a body.
pub(crate) enum Frame {
    /// Already in memory.
    Ready(Bytes),
    /// To be read from a file.
    Read {
        /// The file.
        file: Arc<File>,
        /// Where.
        offset: u64,
        /// How much.
        len: usize,
    },
}

impl Frame {
    /// The frame's bytes. A file frame is read with `pread` on the sending task: the region was just
    /// written (spool) or is the caller's file, so this is a page-cache copy of at most one frame.
    pub(crate) fn load(self) -> std::io::Result<Bytes> {
        match self {
            Frame::Ready(b) => Ok(b),
            Frame::Read { file, offset, len } => {
                crate::buffer::filled_with(len, |buf| read_exact_at(&file, buf, offset))
            }
        }
    }
}

/// Reads exactly `buf.len()` bytes at `offset` without moving a shared cursor (several chunks of one
/// file are read at once): `pread` on Unix, `ReadFile` with an offset on Windows.
#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

/// Reads exactly `buf.len()` bytes at `offset` (Windows: `seek_read` until the buffer is full).
#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset) {
            Ok(0) => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "the file is shorter than it was",
                ))
            }
            Ok(n) => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// A stream chunk being written to an anonymous temporary file (deleted by the OS when the last handle
/// closes). Falls back to memory when no temporary file can be created.
pub(crate) enum Spool {
    /// Written to a temporary file.
    File { file: File, len: u64 },
    /// Kept in memory.
    Memory(Vec<u8>),
}

impl Spool {
    /// A new, empty spool.
    pub(crate) fn new() -> Spool {
        match tempfile::tempfile() {
            Ok(file) => Spool::File { file, len: 0 },
            Err(_) => Spool::Memory(Vec::new()),
        }
    }

    /// Bytes written so far.
    pub(crate) fn len(&self) -> u64 {
        match self {
            Spool::File { len, .. } => *len,
            Spool::Memory(v) => v.len() as u64,
        }
    }

    /// Appends `data`.
    pub(crate) fn write(&mut self, data: &[u8]) -> std::io::Result<()> {
        match self {
            Spool::File { file, len } => {
                file.write_all(data)?;
                *len += data.len() as u64;
                Ok(())
            }
            Spool::Memory(v) => {
                v.extend_from_slice(data);
                Ok(())
            }
        }
    }

    /// The written bytes, ready to send.
    pub(crate) fn finish(self) -> Content {
        match self {
            Spool::File { file, len } => Content::File {
                file: Arc::new(file),
                offset: 0,
                len,
            },
            Spool::Memory(v) => Content::Memory(Bytes::from(v)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spooled_chunk_reads_back_in_frames() {
        let mut spool = Spool::new();
        let data: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        for piece in data.chunks(777) {
            spool.write(piece).unwrap();
        }
        let content = spool.finish();
        assert!(matches!(content, Content::File { .. }));
        assert_eq!(content.frames(4096).len(), 3);
        assert_eq!(&content.to_bytes().unwrap()[..], &data[..]);
    }

    #[test]
    fn a_file_region_is_only_its_bytes() {
        let mut spool = Spool::new();
        spool.write(b"0123456789").unwrap();
        let Content::File { file, .. } = spool.finish() else {
            panic!("expected a file")
        };
        let region = Content::File {
            file,
            offset: 3,
            len: 4,
        };
        assert_eq!(&region.to_bytes().unwrap()[..], b"3456");
    }
}
