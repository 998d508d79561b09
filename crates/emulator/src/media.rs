//! What an uploaded file is: resource type, format and pixel size, decided from its content.

use std::io::Read;
use std::path::Path;

/// What a file was found to be.
#[derive(Clone, Debug, PartialEq)]
pub struct Media {
    /// `image`, `video` or `raw`.
    pub resource_type: &'static str,
    /// `png`, `jpg`, `gif`, `webp`, `mp4`, `mov`, `webm`, or the file extension for raw files.
    pub format: String,
    /// Pixel size, for images.
    pub size: Option<(u32, u32)>,
}

/// Looks at a file's first bytes (and decodes an image's header for its size).
pub fn probe(path: &Path, filename: Option<&str>) -> std::io::Result<Media> {
    let mut head = [0u8; 32];
    let n = std::fs::File::open(path)?.read(&mut head)?;
    let head = &head[..n];
    let image_format = if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpg")
    } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        Some("gif")
    } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        Some("webp")
    } else {
        None
    };
    if let Some(format) = image_format {
        let size = image::ImageReader::open(path)?
            .with_guessed_format()?
            .into_dimensions()
            .ok();
        if size.is_some() {
            return Ok(Media {
                resource_type: "image",
                format: format.to_owned(),
                size,
            });
        }
    }
    let video_format = if head.len() >= 12 && &head[4..8] == b"ftyp" {
        Some(if &head[8..12] == b"qt  " {
            "mov"
        } else {
            "mp4"
        })
    } else if head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        Some("webm")
    } else {
        None
    };
    if let Some(format) = video_format {
        return Ok(Media {
            resource_type: "video",
            format: format.to_owned(),
            size: None,
        });
    }
    let extension = filename
        .and_then(|f| f.rsplit_once('.'))
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .filter(|ext| {
            !ext.is_empty() && ext.len() <= 8 && ext.bytes().all(|b| b.is_ascii_alphanumeric())
        })
        .unwrap_or_default();
    Ok(Media {
        resource_type: "raw",
        format: extension,
        size: None,
    })
}

/// The `Content-Type` for a delivered format.
pub fn content_type(format: &str) -> &'static str {
    match format {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mov" => "video/quicktime",
        "pdf" => "application/pdf",
        "json" => "application/json",
        "txt" => "text/plain",
        _ => "application/octet-stream",
    }
}
