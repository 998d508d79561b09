//! What an emulator instance is configured with (from the CLI or a test).

use crate::faults::Faults;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// An upload preset configured at start (unsigned presets allow uploads without a signature).
#[derive(Clone, Debug, Default)]
pub struct Preset {
    /// Whether uploads may use it without a signature.
    pub unsigned: bool,
    /// Folder prepended to public ids.
    pub folder: Option<String>,
    /// Tags added to every upload.
    pub tags: Vec<String>,
}

/// Emulator configuration.
#[derive(Clone)]
pub struct Settings {
    /// Cloud name served (`/v1_1/<cloud>/...`, `/<cloud>/...`).
    pub cloud_name: String,
    /// The only accepted api_key.
    pub api_key: String,
    /// The account's api_secret (never logged).
    pub api_secret: String,
    /// Hex key for auth tokens (token-based access control), if enabled.
    pub auth_token_key: Option<String>,
    /// Where blobs and the index live.
    pub data_dir: PathBuf,
    /// Upload presets by name.
    pub presets: BTreeMap<String, Preset>,
    /// Largest accepted request body, in bytes (larger → 413).
    pub max_body_bytes: usize,
    /// How long an unfinished chunked upload is kept.
    pub chunk_ttl: Duration,
    /// Smallest chunk of a chunked upload but its last (Cloudinary refuses parts under 5 MB).
    pub min_chunk_bytes: u64,
    /// Oldest accepted signed-request timestamp, in seconds.
    pub max_timestamp_age: i64,
    /// Largest image accepted for upload, in megapixels (Cloudinary's plans cap it too).
    pub max_megapixels: f64,
    /// Disk kept for transformed images; the oldest are evicted beyond it.
    pub derived_cache_bytes: u64,
    /// Transformations computed at once (each may hold a decoded image).
    pub transform_jobs: usize,
    /// Injected faults.
    pub faults: Faults,
    /// Whether to log each request on stderr.
    pub log_requests: bool,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("cloud_name", &self.cloud_name)
            .field("api_key", &self.api_key)
            .field("api_secret", &"[REDACTED]")
            .field("data_dir", &self.data_dir)
            .field("presets", &self.presets.keys().collect::<Vec<_>>())
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}

impl Settings {
    /// Settings with defaults for everything but the account and the data directory.
    pub fn new(
        cloud_name: &str,
        api_key: &str,
        api_secret: &str,
        data_dir: impl Into<PathBuf>,
    ) -> Self {
        Settings {
            cloud_name: cloud_name.to_owned(),
            api_key: api_key.to_owned(),
            api_secret: api_secret.to_owned(),
            auth_token_key: None,
            data_dir: data_dir.into(),
            presets: BTreeMap::new(),
            max_body_bytes: 512 * 1024 * 1024,
            chunk_ttl: Duration::from_secs(3600),
            min_chunk_bytes: crate::chunks::CLOUDINARY_MIN_CHUNK,
            max_timestamp_age: 3600,
            max_megapixels: 50.0,
            derived_cache_bytes: 256 * 1024 * 1024,
            transform_jobs: 2,
            faults: Faults::default(),
            log_requests: true,
        }
    }
}
