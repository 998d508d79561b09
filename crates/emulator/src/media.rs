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

/// Looks at a file's first bytes (cirrus-core's sniffing) and decodes an image's header for its size.
pub fn probe(path: &Path, filename: Option<&str>) -> std::io::Result<Media> {
    let mut head = vec![0u8; cirrus_core::sniff::SNIFF_BYTES];
    let n = std::fs::File::open(path)?.read(&mut head)?;
    if let Some(kind) = cirrus_core::sniff::sniff(&head[..n]) {
        if kind.resource_type != "raw" {
            let size = if kind.resource_type == "image" {
                image::ImageReader::open(path)?
                    .with_guessed_format()?
                    .into_dimensions()
                    .ok()
            } else {
                None
            };
            return Ok(Media {
                resource_type: kind.resource_type,
                format: kind.format.to_owned(),
                size,
            });
        }
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

/// Decodes an image with limits: no side beyond 20,000 px and no more than 512 MB allocated, whatever
/// its header claims (a small file can declare a huge canvas).
pub fn decode(path: &Path) -> Result<image::DynamicImage, String> {
    let mut reader = image::ImageReader::open(path)
        .and_then(|r| r.with_guessed_format())
        .map_err(|e| e.to_string())?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(20_000);
    limits.max_image_height = Some(20_000);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    reader.decode().map_err(|e| e.to_string())
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
