//! Content sniffing: what a file is, from its first bytes (never from a client's mimetype or extension).

use crate::prelude::*;
/// A recognised file type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sniffed {
    /// Cloudinary's format name (`jpg`, `png`, `mp4`, `pdf`, ...).
    pub format: &'static str,
    /// The MIME type.
    pub mime: &'static str,
    /// `image`, `video` or `raw`.
    pub resource_type: &'static str,
}

const fn kind(format: &'static str, mime: &'static str, resource_type: &'static str) -> Sniffed {
    Sniffed {
        format,
        mime,
        resource_type,
    }
}

/// How many leading bytes [`sniff`] needs at most.
pub const SNIFF_BYTES: usize = 512;

/// Recognises a file from its first bytes (at least the first [`SNIFF_BYTES`] when the file is longer).
pub fn sniff(head: &[u8]) -> Option<Sniffed> {
    let at = |offset: usize, magic: &[u8]| head.get(offset..offset + magic.len()) == Some(magic);
    if at(0, &[0xFF, 0xD8, 0xFF]) {
        return Some(kind("jpg", "image/jpeg", "image"));
    }
    if at(0, b"\x89PNG\r\n\x1a\n") {
        return Some(kind("png", "image/png", "image"));
    }
    if at(0, b"GIF87a") || at(0, b"GIF89a") {
        return Some(kind("gif", "image/gif", "image"));
    }
    if at(0, b"RIFF") && at(8, b"WEBP") {
        return Some(kind("webp", "image/webp", "image"));
    }
    if at(0, b"RIFF") && at(8, b"WAVE") {
        return Some(kind("wav", "audio/wav", "video"));
    }
    if at(0, b"BM") && head.len() >= 26 {
        return Some(kind("bmp", "image/bmp", "image"));
    }
    if at(0, b"II*\0") || at(0, b"MM\0*") {
        return Some(kind("tiff", "image/tiff", "image"));
    }
    if at(4, b"ftyp") {
        return Some(match head.get(8..12) {
            Some(b"avif") | Some(b"avis") => kind("avif", "image/avif", "image"),
            Some(b"heic") | Some(b"heix") | Some(b"mif1") => kind("heic", "image/heic", "image"),
            Some(b"qt  ") => kind("mov", "video/quicktime", "video"),
            _ => kind("mp4", "video/mp4", "video"),
        });
    }
    if at(0, &[0x1A, 0x45, 0xDF, 0xA3]) {
        return Some(kind("webm", "video/webm", "video"));
    }
    if at(0, b"ID3") || at(0, &[0xFF, 0xFB]) || at(0, &[0xFF, 0xF3]) {
        return Some(kind("mp3", "audio/mpeg", "video"));
    }
    if at(0, b"%PDF-") {
        return Some(kind("pdf", "application/pdf", "image"));
    }
    if is_svg(head) {
        return Some(kind("svg", "image/svg+xml", "image"));
    }
    if at(0, b"PK\x03\x04") {
        return Some(kind("zip", "application/zip", "raw"));
    }
    None
}

/// The MIME type of a Cloudinary format name (for records of assets whose bytes were not seen).
pub fn mime_for_format(format: &str) -> Option<&'static str> {
    Some(match format {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "heic" => "image/heic",
        "bmp" => "image/bmp",
        "tiff" => "image/tiff",
        "svg" => "image/svg+xml",
        "pdf" => "application/pdf",
        "mp4" => "video/mp4",
        "mov" => "video/quicktime",
        "webm" => "video/webm",
        _ => return None,
    })
}

/// SVG is text: skip a BOM, white space, an XML declaration and comments, then expect `<svg`.
fn is_svg(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head);
    let mut rest = text.trim_start_matches('\u{feff}').trim_start();
    loop {
        if let Some(r) = rest.strip_prefix("<?xml") {
            rest = r.split_once("?>").map_or("", |(_, r)| r).trim_start();
        } else if let Some(r) = rest.strip_prefix("<!--") {
            rest = r.split_once("-->").map_or("", |(_, r)| r).trim_start();
        } else if let Some(r) = rest.strip_prefix("<!DOCTYPE") {
            rest = r.split_once('>').map_or("", |(_, r)| r).trim_start();
        } else {
            return rest.starts_with("<svg");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_by_content() {
        assert_eq!(
            sniff(b"\xFF\xD8\xFF\xE0....").map(|s| s.format),
            Some("jpg")
        );
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\n....").map(|s| s.mime),
            Some("image/png")
        );
        assert_eq!(
            sniff(b"RIFF\0\0\0\0WEBPVP8 ").map(|s| s.format),
            Some("webp")
        );
        assert_eq!(
            sniff(b"\0\0\0\x18ftypisom").map(|s| (s.format, s.resource_type)),
            Some(("mp4", "video"))
        );
        assert_eq!(
            sniff(b"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- x --><svg xmlns=").map(|s| s.format),
            Some("svg")
        );
        assert_eq!(sniff(b"%PDF-1.7").map(|s| s.format), Some("pdf"));
        assert_eq!(sniff(b"<html><script>"), None);
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(b"GIF8"), None);
    }
}
