//! Service settings, read from the host's options object.

use crate::error::MediaError;
use cirrus_core::ErrorCode;
use cirrus_core::{Map, Value};
use std::time::Duration;

/// Service settings.
#[derive(Clone, Debug)]
pub struct ServiceOptions {
    /// The folder all of the service's assets live under (`<folder>/<owner>/<random>`). It belongs to this
    /// service: `reconcile()` treats every asset under it without a record as an orphan.
    pub folder: String,
    /// Tag on every asset the service uploads.
    pub tag: String,
    /// Largest accepted file, in bytes.
    pub max_bytes: u64,
    /// Formats accepted, decided by content sniffing (and signed into direct uploads).
    pub allowed_formats: Vec<String>,
    /// Named transformation presets, applied as eager and given as URLs in each record.
    pub presets: Vec<(String, String)>,
    /// Time allowed for each repository call.
    pub repository_timeout: Duration,
    /// `reconcile()` leaves alone cloud assets created less than this before it started.
    pub reconcile_grace: Duration,
    /// The lease of a pending or deleting record: renewed while its upload runs; once it is over,
    /// `sweep()` may finish the record.
    pub pending_ttl: Duration,
    /// The lease of a direct upload's pending record (the browser has this long to upload and be adopted),
    /// never shorter than `signature_lifetime` from the signature's time.
    pub direct_upload_ttl: Duration,
    /// How long after its timestamp a signed upload may still be stored: Cloudinary accepts one for an
    /// hour; with a margin for clock skew and an upload still in flight, 70 minutes. A direct upload's
    /// record is kept at least this long after each signature given for it (pending, or `deleting` once
    /// refused), so that whatever a signature can still store is named by a record the sweep finishes.
    /// Lower it only with a server that refuses older signatures (an emulator set so).
    pub signature_lifetime: Duration,
    /// How long a second request with an idempotency key waits for the first one to finish.
    pub idempotency_wait: Duration,
    /// The most direct uploads one owner may have prepared and neither adopted nor expired (`None`: no
    /// bound). Each is a pending record for `direct_upload_ttl`; see pending_limit.rs.
    pub max_pending_direct_uploads: Option<u32>,
    /// Resource type of direct uploads (`image`, `video` or `raw`).
    pub direct_resource_type: String,
    /// Assets per Admin API page when `reconcile()` lists the cloud (Cloudinary's maximum is 500).
    pub reconcile_page_size: u32,
    /// Delivery URL options for the URLs in records (e.g. `secure`, `cname`).
    pub url_options: Map,
    /// Upload options applied to every upload (transport settings, `type`, ...).
    pub upload_defaults: Map,
}

impl Default for ServiceOptions {
    fn default() -> Self {
        ServiceOptions {
            folder: "media".to_owned(),
            tag: "cirrus-media".to_owned(),
            max_bytes: 25 * 1024 * 1024,
            allowed_formats: ["jpg", "png", "gif", "webp", "avif", "heic"]
                .map(str::to_owned)
                .to_vec(),
            presets: Vec::new(),
            repository_timeout: Duration::from_secs(5),
            reconcile_grace: Duration::from_secs(3600),
            pending_ttl: Duration::from_secs(300),
            direct_upload_ttl: Duration::from_secs(2 * 3600),
            signature_lifetime: Duration::from_secs(70 * 60),
            idempotency_wait: Duration::from_secs(60),
            max_pending_direct_uploads: Some(100),
            direct_resource_type: "image".to_owned(),
            reconcile_page_size: 500,
            url_options: Map::new(),
            upload_defaults: Map::new(),
        }
    }
}

fn invalid(message: String) -> MediaError {
    MediaError::new(ErrorCode::InvalidOption, message)
}

/// Keys the options object may have (anything else is a mistake worth reporting).
const KEYS: &[&str] = &[
    "folder",
    "tag",
    "maxBytes",
    "allowedFormats",
    "presets",
    "repositoryTimeout",
    "reconcileGrace",
    "pendingTtl",
    "directUploadTtl",
    "signatureLifetime",
    "idempotencyWait",
    "maxPendingDirectUploads",
    "directResourceType",
    "urlOptions",
    "uploadDefaults",
];

/// The longest `signatureLifetime`: a day (Cloudinary accepts a signed request for an hour).
const MAX_SIGNATURE_LIFETIME_MS: f64 = 86_400_000.0;

/// The largest `maxPendingDirectUploads` (one page of the count, see pending_limit.rs).
const MAX_PENDING_DIRECT_UPLOADS: u32 = 1000;

/// Upload params that decide where an asset is stored, which `uploadDefaults` may not set.
const PLACED_BY_THE_SERVICE: [&str; 6] = [
    "public_id",
    "folder",
    "overwrite",
    "upload_preset",
    "public_id_prefix",
    "use_asset_folder_as_public_id_prefix",
];

impl ServiceOptions {
    /// From an options object: `folder`, `tag`, `maxBytes`, `allowedFormats`, `presets` (name →
    /// transformation string or object), `repositoryTimeout` (ms), `reconcileGrace` (s), `pendingTtl` (ms),
    /// `directUploadTtl` (ms), `signatureLifetime` (ms), `idempotencyWait` (ms), `maxPendingDirectUploads`, `directResourceType`,
    /// `urlOptions`, `uploadDefaults`.
    pub fn from_value(options: &Value) -> Result<Self, MediaError> {
        let mut s = ServiceOptions::default();
        let o = match options {
            Value::Object(o) => o,
            Value::Undefined | Value::Null => return Ok(s),
            _ => return Err(invalid("options must be an object".to_owned())),
        };
        if let Some(k) = o.keys().find(|k| !KEYS.contains(k)) {
            return Err(invalid(format!(
                "unknown option {k} (known: {})",
                KEYS.join(", ")
            )));
        }
        s.read_names(o)?;
        s.read_durations(o)?;
        s.read_lists(o)?;
        Ok(s)
    }

    /// `folder`, `tag`, `directResourceType`.
    fn read_names(&mut self, o: &Map) -> Result<(), MediaError> {
        let text = |k: &str| -> Result<Option<String>, MediaError> {
            match o.get(k) {
                Value::String(t) => Ok(Some(t.clone())),
                Value::Undefined | Value::Null => Ok(None),
                _ => Err(invalid(format!("{k} must be a string"))),
            }
        };
        if let Some(f) = text("folder")? {
            let f = f.trim_matches('/').to_owned();
            if f.split('/')
                .any(|seg| seg.is_empty() || seg == "." || seg == "..")
            {
                return Err(invalid(format!("folder {f:?} is not a valid folder")));
            }
            self.folder = f;
        }
        if let Some(t) = text("tag")? {
            self.tag = t;
        }
        if let Some(rt) = text("directResourceType")? {
            if !["image", "video", "raw", "auto"].contains(&rt.as_str()) {
                return Err(invalid(format!(
                    "directResourceType must be image, video or raw, not {rt}"
                )));
            }
            // `auto` is read as `image`, as its records always were: a direct upload's record names its
            // asset's resource type before the upload, so the upload goes to that endpoint (a video
            // sent to /image/upload is refused there, rather than stored where no record names it).
            self.direct_resource_type = if rt == "auto" { "image".to_owned() } else { rt };
        }
        Ok(())
    }

    /// `maxBytes`, `maxPendingDirectUploads` and the times (milliseconds, `reconcileGrace` in seconds).
    fn read_durations(&mut self, o: &Map) -> Result<(), MediaError> {
        let number = |k: &str| match o.get(k) {
            Value::Number(n) if n.is_finite() && *n >= 0.0 => Ok(Some(*n)),
            Value::Undefined | Value::Null => Ok(None),
            _ => Err(invalid(format!("{k} must be a non-negative number"))),
        };
        let ms = |n: f64| Duration::from_millis(n as u64);
        if let Some(n) = number("maxBytes")? {
            self.max_bytes = n as u64;
        }
        if let Some(n) = number("repositoryTimeout")? {
            self.repository_timeout = ms(n);
        }
        if let Some(n) = number("reconcileGrace")? {
            self.reconcile_grace = Duration::from_secs_f64(n);
        }
        if let Some(n) = number("pendingTtl")? {
            self.pending_ttl = ms(n.max(100.0));
        }
        if let Some(n) = number("directUploadTtl")? {
            self.direct_upload_ttl = ms(n.max(100.0));
        }
        if let Some(n) = number("signatureLifetime")? {
            if n > MAX_SIGNATURE_LIFETIME_MS {
                return Err(invalid(format!(
                    "signatureLifetime is at most {MAX_SIGNATURE_LIFETIME_MS} ms (a day; Cloudinary's is an hour), not {}",
                    Value::Number(n).to_js_string()
                )));
            }
            self.signature_lifetime = ms(n);
        }
        if let Some(n) = number("idempotencyWait")? {
            self.idempotency_wait = ms(n);
        }
        self.max_pending_direct_uploads = match o.get("maxPendingDirectUploads") {
            Value::Undefined | Value::Null => self.max_pending_direct_uploads,
            Value::Number(n) if *n == f64::INFINITY => None,
            Value::Number(n)
                if (1.0..=f64::from(MAX_PENDING_DIRECT_UPLOADS)).contains(n) && n.fract() == 0.0 =>
            {
                Some(*n as u32)
            }
            other => {
                return Err(invalid(format!(
                    "maxPendingDirectUploads must be a whole number from 1 to {MAX_PENDING_DIRECT_UPLOADS}, or Infinity for no bound (not {})",
                    other.to_js_string()
                )))
            }
        };
        Ok(())
    }

    /// `allowedFormats`, `presets`, `urlOptions`, `uploadDefaults`.
    fn read_lists(&mut self, o: &Map) -> Result<(), MediaError> {
        match o.get("allowedFormats") {
            Value::Array(formats) => {
                // In the spelling the format sniffer and the Admin API answer with.
                self.allowed_formats.clear();
                for f in formats {
                    let f = f.to_js_string().to_ascii_lowercase();
                    let f = match f.as_str() {
                        "jpeg" | "jpe" => "jpg".to_owned(),
                        "tif" => "tiff".to_owned(),
                        _ => f,
                    };
                    if !self.allowed_formats.contains(&f) {
                        self.allowed_formats.push(f);
                    }
                }
            }
            Value::Undefined | Value::Null => {}
            _ => return Err(invalid("allowedFormats must be an array".to_owned())),
        }
        if let Value::Object(presets) = o.get("presets") {
            for (name, t) in presets.iter() {
                self.presets
                    .push((name.to_owned(), cirrus_core::transformation::generate(t)?));
            }
        }
        if let Value::Object(u) = o.get("urlOptions") {
            self.url_options = u.clone();
        }
        if let Value::Object(u) = o.get("uploadDefaults") {
            // Each of these would store the asset somewhere other than the record's public_id (a
            // preset may carry a folder or a prefix).
            if let Some(key) = PLACED_BY_THE_SERVICE
                .iter()
                .find(|k| !u.get(k).is_nullish())
            {
                return Err(invalid(format!(
                    "uploadDefaults may not set {key}: the service chooses where each asset goes (not {})",
                    PLACED_BY_THE_SERVICE.join(", ")
                )));
            }
            self.upload_defaults = u.clone();
        }
        Ok(())
    }

    /// The delivery type of the service's assets (`uploadDefaults.type`, default `upload`).
    pub fn delivery_type(&self) -> String {
        self.upload_defaults
            .get("type")
            .as_str()
            .unwrap_or("upload")
            .to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `maxPendingDirectUploads`: a whole number from 1 to the largest, or Infinity (no bound); anything
    /// else is INVALID_OPTION saying what is accepted and what was given.
    #[test]
    fn max_pending_direct_uploads_is_a_bound_or_infinity() {
        let read = |v: Value| {
            let mut o = Map::new();
            o.set("maxPendingDirectUploads", v);
            ServiceOptions::from_value(&Value::Object(o)).map(|s| s.max_pending_direct_uploads)
        };
        assert_eq!(
            ServiceOptions::default().max_pending_direct_uploads,
            Some(100)
        );
        assert_eq!(read(Value::Number(1.0)).unwrap(), Some(1));
        assert_eq!(read(Value::Number(1000.0)).unwrap(), Some(1000));
        assert_eq!(read(Value::Number(f64::INFINITY)).unwrap(), None);
        assert_eq!(read(Value::Null).unwrap(), Some(100));
        for bad in [0.0, -1.0, 1.5, 1001.0, f64::NAN, f64::NEG_INFINITY] {
            let err = read(Value::Number(bad)).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidOption);
            assert!(
                err.message
                    .contains("whole number from 1 to 1000, or Infinity"),
                "{}",
                err.message
            );
        }
        let err = read(Value::from("100")).unwrap_err();
        assert!(err.message.ends_with("(not 100)"), "{}", err.message);
    }
}
