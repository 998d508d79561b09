//! A stored asset and its Cloudinary-shaped JSON.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};

/// The resource types assets have (what account-wide reads go through).
pub(crate) const RESOURCE_TYPES: [&str; 3] = ["image", "raw", "video"];

/// One asset version as the index stores it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Asset {
    /// Stable id across versions.
    pub asset_id: String,
    /// Public id (folders included; raw ids keep their extension).
    pub public_id: String,
    /// `image`, `video` or `raw`.
    pub resource_type: String,
    /// Delivery type: `upload`, `private` or `authenticated`.
    pub kind: String,
    /// Version (Unix seconds of the upload, strictly increasing per asset).
    pub version: i64,
    /// Random id of this version.
    pub version_id: String,
    /// Format (`jpg`, `png`, ...; empty for raw files).
    pub format: String,
    /// Pixel width, for images.
    pub width: Option<u32>,
    /// Pixel height, for images.
    pub height: Option<u32>,
    /// Size in bytes.
    pub bytes: u64,
    /// MD5 hex of the content.
    pub etag: String,
    /// Unix seconds of the first upload.
    pub created_at: i64,
    /// Tags.
    pub tags: Vec<String>,
    /// Contextual metadata (`key=value` pairs).
    pub context: Vec<(String, String)>,
    /// The uploaded file's name without its extension.
    pub original_filename: String,
    /// Name of the content file under `blobs/`.
    pub blob: String,
    /// Eager transformations requested for this asset.
    pub eager: Vec<String>,
    /// `public` or `authenticated` (older index entries have none: public).
    #[serde(default)]
    pub access_mode: String,
    /// The `access_control` list given at upload (`[{ access_type, start, end, key }]`), as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_control: Option<Json>,
}

impl Asset {
    /// The index key: resource type, type and public id.
    pub fn key(&self) -> String {
        index_key(&self.resource_type, &self.kind, &self.public_id)
    }

    /// `public_id[.format]` as it appears in a delivery URL.
    pub fn file_name(&self) -> String {
        if self.format.is_empty() || self.resource_type == "raw" {
            self.public_id.clone()
        } else {
            format!("{}.{}", self.public_id, self.format)
        }
    }

    /// The delivery URL of the original (or of a transformation).
    pub fn delivery_url(
        &self,
        base: &str,
        cloud: &str,
        transformation: Option<&str>,
        format: Option<&str>,
    ) -> String {
        let encoded = percent_encoding::utf8_percent_encode(&self.public_id, PATH).to_string();
        let name = match format.or((!self.format.is_empty() && self.resource_type != "raw")
            .then_some(self.format.as_str()))
        {
            Some(f) => format!("{encoded}.{f}"),
            None => encoded,
        };
        let t = transformation.map(|t| format!("{t}/")).unwrap_or_default();
        format!(
            "{base}/{cloud}/{}/{}/{t}v{}/{name}",
            self.resource_type, self.kind, self.version
        )
    }

    /// The upload-response / resource JSON, shaped like Cloudinary's.
    pub fn to_json(&self, base: &str, cloud: &str, api_secret: &str) -> Json {
        let url = self.delivery_url(base, cloud, None, None);
        let signature = cirrus_core::identifier::response_signature(
            &self.public_id,
            &self.version.to_string(),
            api_secret,
            cirrus_core::SignatureAlgorithm::Sha1,
        );
        let mut out = json!({
            "asset_id": self.asset_id,
            "public_id": self.public_id,
            "version": self.version,
            "version_id": self.version_id,
            "signature": signature,
            "format": self.format,
            "resource_type": self.resource_type,
            "created_at": crate::clock::iso8601(self.created_at),
            "tags": self.tags,
            "bytes": self.bytes,
            "type": self.kind,
            "etag": self.etag,
            "placeholder": false,
            "url": url,
            "secure_url": url,
            "asset_folder": self.public_id.rsplit_once('/').map_or("", |(folder, _)| folder),
            "display_name": self.public_id.rsplit('/').next().unwrap_or_default(),
            "original_filename": self.original_filename,
            "access_mode": if self.access_mode.is_empty() { "public" } else { self.access_mode.as_str() },
        });
        if let Some(rules) = &self.access_control {
            out["access_control"] = rules.clone();
        }
        if let (Some(w), Some(h)) = (self.width, self.height) {
            out["width"] = json!(w);
            out["height"] = json!(h);
        }
        if !self.context.is_empty() {
            let custom: serde_json::Map<String, Json> = self
                .context
                .iter()
                .map(|(k, v)| (k.clone(), Json::String(v.clone())))
                .collect();
            out["context"] = json!({ "custom": custom });
        }
        out
    }
}

/// Characters escaped in public ids inside delivery URLs (what `encodeURIComponent` escapes, minus `/`).
pub(crate) const PATH: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b':');

/// The index key for a resource type, type and public id.
pub(crate) fn index_key(resource_type: &str, kind: &str, public_id: &str) -> String {
    format!("{resource_type}\u{1}{kind}\u{1}{public_id}")
}
