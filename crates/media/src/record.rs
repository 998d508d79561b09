//! A media record: what the repository stores for one asset, and the lifecycle state it is in.
//!
//! ```text
//!   (none) ──insert──► pending ──upload to its public_id, then commit──► committed
//!                        │  failure / crash / lease over                     │ remove, purge
//!                        ▼                                                   ▼
//!                     deleting ◄───────── claimed by sweep ──────────── deleting ──destroy──► (none)
//! ```
//!
//! A `pending` record names the one asset that may exist for it (its public_id was chosen before the
//! first byte left); a `deleting` record names an asset being destroyed. Both carry a lease: while it
//! runs, the process that wrote it is working on it; once it is over, `sweep()` may claim the record and
//! finish the job (destroy the asset if it exists, then drop the record). Reads return committed records.
//!
//! Times are ISO 8601 strings with milliseconds (`2026-11-30T16:52:51.123Z`), which sort as the times they
//! name, so every repository can compare them as text.

use cirrus_core::{Map, Value};

/// Where a record is in its lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum State {
    /// The intent is stored; the asset may or may not exist yet.
    Pending,
    /// The asset exists and the record describes it: what reads return.
    Committed,
    /// The asset is being destroyed; the record goes once it is gone.
    Deleting,
}

impl State {
    /// `pending`, `committed` or `deleting`.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Committed => "committed",
            State::Deleting => "deleting",
        }
    }

    /// The state named `text`.
    pub fn parse(text: &str) -> Option<State> {
        match text {
            "pending" => Some(State::Pending),
            "committed" => Some(State::Committed),
            "deleting" => Some(State::Deleting),
            _ => None,
        }
    }
}

/// A record's id, as the repository assigns it: an integer (SQLite, serial columns) or text (UUIDs).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RecordId {
    /// An integer id.
    Int(i64),
    /// A text id.
    Text(String),
}

impl RecordId {
    /// From a JS value: a non-empty string or an integer.
    pub fn from_value(v: &Value) -> Option<RecordId> {
        match v {
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15 => {
                Some(RecordId::Int(*n as i64))
            }
            Value::String(s) if !s.is_empty() => Some(RecordId::Text(s.clone())),
            _ => None,
        }
    }

    /// As a JS value.
    pub fn to_value(&self) -> Value {
        match self {
            RecordId::Int(n) => Value::Number(*n as f64),
            RecordId::Text(s) => Value::String(s.clone()),
        }
    }
}

impl std::fmt::Display for RecordId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecordId::Int(n) => write!(f, "{n}"),
            RecordId::Text(s) => f.write_str(s),
        }
    }
}

/// One media record.
#[derive(Clone, Debug, PartialEq)]
pub struct MediaRecord {
    /// The repository's id (`None` before the record is inserted).
    pub id: Option<RecordId>,
    /// The asset's public id, chosen by the service before the upload (unique).
    pub public_id: String,
    /// `image`, `video` or `raw`.
    pub resource_type: String,
    /// The delivery type (`upload`, `private`, `authenticated`).
    pub kind: String,
    /// Where the record is in its lifecycle.
    pub state: State,
    /// Who owns the asset.
    pub owner_id: String,
    /// The owner's idempotency key (unique per owner).
    pub idempotency_key: Option<String>,
    /// Cloudinary's version of the asset (once committed).
    pub version: Option<u64>,
    /// The asset's format (once committed).
    pub format: Option<String>,
    /// Size in bytes (once committed).
    pub bytes: Option<u64>,
    /// Width in pixels.
    pub width: Option<u64>,
    /// Height in pixels.
    pub height: Option<u64>,
    /// The file name the client gave.
    pub original_filename: Option<String>,
    /// The MIME type of the sniffed content.
    pub mime_type: Option<String>,
    /// When the record was created.
    pub created_at: String,
    /// When the record last changed.
    pub updated_at: String,
    /// When the owner soft-deleted it.
    pub deleted_at: Option<String>,
    /// Until when the writer of a pending or deleting record is working on it.
    pub lease_until: Option<String>,
    /// Until when a signature given out for this record's public_id (a direct upload's, which the
    /// browser holds) may still store an asset there. The record is not deleted before then, whatever
    /// its state: an asset stored later would be named by nothing (see `MediaService::retire`).
    pub signed_until: Option<String>,
}

/// The JS names of the record's fields, in the order records are written.
pub const FIELDS: &[&str] = &[
    "id",
    "public_id",
    "resource_type",
    "type",
    "state",
    "ownerId",
    "idempotencyKey",
    "version",
    "format",
    "bytes",
    "width",
    "height",
    "original_filename",
    "mimeType",
    "createdAt",
    "updatedAt",
    "deletedAt",
    "leaseUntil",
    "signedUntil",
];

fn text(v: Option<&String>) -> Value {
    v.map_or(Value::Null, |s| Value::String(s.clone()))
}

fn number(v: Option<u64>) -> Value {
    v.map_or(Value::Null, |n| Value::Number(n as f64))
}

/// The `signed_until` of a direct upload's intent that is stored but not signed yet (its owner's bound
/// has not admitted it): the epoch, before the end of any signature.
pub(crate) const NOT_YET_SIGNED: &str = "1970-01-01T00:00:00.000Z";

impl MediaRecord {
    /// Whether signed params for its public_id may be in a browser's hands, so that it may be signed
    /// again or cancelled: a direct upload's intent once signed, or one stored by a release before
    /// `signed_until` existed (neither that nor a MIME type: a server-side upload's intent has its
    /// sniffed type from the start, and its signature never leaves the server).
    pub(crate) fn signed_for_a_browser(&self) -> bool {
        match self.signed_until.as_deref() {
            Some(until) => until > NOT_YET_SIGNED,
            None => self.mime_type.is_none(),
        }
    }

    /// Whether it is a direct upload's intent stored and being counted, not signed yet.
    pub(crate) fn awaiting_signature(&self) -> bool {
        self.signed_until.as_deref() == Some(NOT_YET_SIGNED)
    }

    /// Whether its lease runs past `now` (a stored time), as `claim` sees it: a record without a lease,
    /// or whose lease has ended, is the sweep's.
    pub(crate) fn lease_running(&self, now: &str) -> bool {
        self.lease_until.as_deref().is_some_and(|lease| lease > now)
    }

    /// A new pending record (not yet inserted) for `owner_id`'s asset at `public_id`, created and
    /// updated at `now`, leased until `lease_until`.
    pub fn pending(
        public_id: String,
        resource_type: &str,
        kind: &str,
        owner_id: &str,
        now: String,
        lease_until: Option<String>,
    ) -> MediaRecord {
        MediaRecord {
            id: None,
            public_id,
            resource_type: resource_type.to_owned(),
            kind: kind.to_owned(),
            state: State::Pending,
            owner_id: owner_id.to_owned(),
            idempotency_key: None,
            version: None,
            format: None,
            bytes: None,
            width: None,
            height: None,
            original_filename: None,
            mime_type: None,
            created_at: now.clone(),
            updated_at: now,
            deleted_at: None,
            lease_until,
            signed_until: None,
        }
    }

    /// The record as a JS object (every field present; absent values are `null`).
    pub fn to_value(&self) -> Value {
        let mut m = Map::with_capacity(FIELDS.len());
        m.set(
            "id",
            self.id.as_ref().map_or(Value::Null, RecordId::to_value),
        );
        m.set("public_id", self.public_id.as_str().into());
        m.set("resource_type", self.resource_type.as_str().into());
        m.set("type", self.kind.as_str().into());
        m.set("state", self.state.as_str().into());
        m.set("ownerId", self.owner_id.as_str().into());
        m.set("idempotencyKey", text(self.idempotency_key.as_ref()));
        m.set("version", number(self.version));
        m.set("format", text(self.format.as_ref()));
        m.set("bytes", number(self.bytes));
        m.set("width", number(self.width));
        m.set("height", number(self.height));
        m.set("original_filename", text(self.original_filename.as_ref()));
        m.set("mimeType", text(self.mime_type.as_ref()));
        m.set("createdAt", self.created_at.as_str().into());
        m.set("updatedAt", self.updated_at.as_str().into());
        m.set("deletedAt", text(self.deleted_at.as_ref()));
        m.set("leaseUntil", text(self.lease_until.as_ref()));
        m.set("signedUntil", text(self.signed_until.as_ref()));
        Value::Object(m)
    }

    /// A record from a JS object (what a host repository returned). Dates may be ISO strings or
    /// millisecond numbers; numeric columns may come back as numeric strings (PostgreSQL `bigint`).
    pub fn from_value(v: &Value) -> Result<MediaRecord, String> {
        let Value::Object(o) = v else {
            return Err("a record must be an object".to_owned());
        };
        let required = |k: &str| -> Result<String, String> {
            match o.get(k) {
                Value::String(s) if !s.is_empty() => Ok(s.clone()),
                _ => Err(format!("the record has no {k}")),
            }
        };
        let optional = |k: &str| match o.get(k) {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(cirrus_core::value::number_to_string(*n)),
            _ => None,
        };
        let count = |k: &str| -> Result<Option<u64>, String> {
            match o.get(k) {
                Value::Undefined | Value::Null => Ok(None),
                Value::Number(n) if *n >= 0.0 && n.fract() == 0.0 => Ok(Some(*n as u64)),
                Value::String(s) => s
                    .parse::<u64>()
                    .map(Some)
                    .map_err(|_| format!("the record's {k} is not a whole number")),
                _ => Err(format!("the record's {k} is not a whole number")),
            }
        };
        let time = |k: &str| -> Result<Option<String>, String> {
            match o.get(k) {
                Value::Undefined | Value::Null => Ok(None),
                t => stored_time(t)
                    .map(Some)
                    .ok_or_else(|| format!("the record's {k} is not an ISO 8601 time")),
            }
        };
        let state = required("state")?;
        Ok(MediaRecord {
            id: RecordId::from_value(o.get("id")),
            public_id: required("public_id")?,
            resource_type: required("resource_type")?,
            kind: required("type")?,
            state: State::parse(&state).ok_or_else(|| format!("unknown record state {state}"))?,
            owner_id: required("ownerId")?,
            idempotency_key: optional("idempotencyKey"),
            version: count("version")?,
            format: optional("format"),
            bytes: count("bytes")?,
            width: count("width")?,
            height: count("height")?,
            original_filename: optional("original_filename"),
            mime_type: optional("mimeType"),
            created_at: time("createdAt")?.ok_or("the record has no createdAt")?,
            updated_at: time("updatedAt")?.ok_or("the record has no updatedAt")?,
            deleted_at: time("deletedAt")?,
            lease_until: time("leaseUntil")?,
            // Absent from a record stored before it existed (deleted as soon as it ends, and a replay of
            // its signature is `reconcile()`'s). An adapter that does not store it at all cannot serve
            // direct uploads: `prepare_direct_upload` refuses to sign then.
            signed_until: time("signedUntil")?,
        })
    }
}

/// A change to a record; `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Patch {
    /// The new state.
    pub state: Option<State>,
    /// Facts learnt at commit.
    pub version: Option<u64>,
    /// The asset's format.
    pub format: Option<String>,
    /// The MIME type of the asset's format.
    pub mime_type: Option<String>,
    /// Size in bytes.
    pub bytes: Option<u64>,
    /// Width in pixels.
    pub width: Option<u64>,
    /// Height in pixels.
    pub height: Option<u64>,
    /// When this change happens (always set by the service).
    pub updated_at: Option<String>,
    /// Soft delete (`Some(Some(time))`) or restore (`Some(None)`).
    pub deleted_at: Option<Option<String>>,
    /// A new lease (`Some(None)` clears it).
    pub lease_until: Option<Option<String>>,
    /// A new end of the signatures given for the record's public_id.
    pub signed_until: Option<Option<String>>,
}

impl Patch {
    /// Applies the patch to a record.
    pub fn apply(&self, r: &mut MediaRecord) {
        if let Some(s) = self.state {
            r.state = s;
        }
        let set = |slot: &mut Option<u64>, v: Option<u64>| {
            if v.is_some() {
                *slot = v;
            }
        };
        set(&mut r.version, self.version);
        set(&mut r.bytes, self.bytes);
        set(&mut r.width, self.width);
        set(&mut r.height, self.height);
        if self.format.is_some() {
            r.format.clone_from(&self.format);
        }
        if self.mime_type.is_some() {
            r.mime_type.clone_from(&self.mime_type);
        }
        if let Some(t) = &self.updated_at {
            r.updated_at.clone_from(t);
        }
        if let Some(d) = &self.deleted_at {
            r.deleted_at.clone_from(d);
        }
        if let Some(l) = &self.lease_until {
            r.lease_until.clone_from(l);
        }
        if let Some(l) = &self.signed_until {
            r.signed_until.clone_from(l);
        }
    }

    /// The patch as a JS object holding only the fields it changes (`null` clears one).
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        if let Some(s) = self.state {
            m.set("state", s.as_str().into());
        }
        for (k, v) in [
            ("version", self.version),
            ("bytes", self.bytes),
            ("width", self.width),
            ("height", self.height),
        ] {
            if let Some(n) = v {
                m.set(k, Value::Number(n as f64));
            }
        }
        if let Some(f) = &self.format {
            m.set("format", f.as_str().into());
        }
        if let Some(f) = &self.mime_type {
            m.set("mimeType", f.as_str().into());
        }
        if let Some(t) = &self.updated_at {
            m.set("updatedAt", t.as_str().into());
        }
        if let Some(d) = &self.deleted_at {
            m.set("deletedAt", text(d.as_ref()));
        }
        if let Some(l) = &self.lease_until {
            m.set("leaseUntil", text(l.as_ref()));
        }
        if let Some(l) = &self.signed_until {
            m.set("signedUntil", text(l.as_ref()));
        }
        Value::Object(m)
    }
}

/// A time as records store it, from an ISO 8601 string or a millisecond count: one form (milliseconds,
/// `Z`) whatever the writer sent, because the SQLite repository compares times as text.
pub(crate) fn stored_time(v: &Value) -> Option<String> {
    match v {
        Value::String(t) => cirrus_core::time::parse_iso8601_ms(t),
        Value::Number(n) if n.is_finite() => Some(*n as i64),
        _ => None,
    }
    .map(cirrus_core::time::iso8601_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn sample() -> MediaRecord {
        MediaRecord {
            id: Some(RecordId::Int(7)),
            public_id: "media/alice/abc".to_owned(),
            resource_type: "image".to_owned(),
            kind: "upload".to_owned(),
            state: State::Pending,
            owner_id: "alice".to_owned(),
            idempotency_key: Some("k1".to_owned()),
            version: None,
            format: None,
            bytes: None,
            width: None,
            height: None,
            original_filename: Some("a.png".to_owned()),
            mime_type: Some("image/png".to_owned()),
            created_at: "2026-11-30T10:00:00.000Z".to_owned(),
            updated_at: "2026-11-30T10:00:00.000Z".to_owned(),
            deleted_at: None,
            lease_until: Some("2026-11-30T10:05:00.000Z".to_owned()),
            signed_until: Some("2026-11-30T11:10:00.000Z".to_owned()),
        }
    }

    #[test]
    fn round_trips_through_js_values() {
        let mut r = sample();
        assert_eq!(MediaRecord::from_value(&r.to_value()), Ok(r.clone()));
        let patch = Patch {
            state: Some(State::Committed),
            version: Some(17),
            format: Some("png".to_owned()),
            lease_until: Some(None),
            ..Patch::default()
        };
        patch.apply(&mut r);
        assert_eq!(r.state, State::Committed);
        assert_eq!(r.lease_until, None);
        assert_eq!(
            patch.to_value().get("leaseUntil"),
            &Value::Null,
            "a cleared field is sent as null"
        );
        assert_eq!(patch.to_value().get("bytes"), &Value::Undefined);
    }

    #[test]
    fn accepts_what_sql_drivers_return() {
        let mut v = sample().to_value();
        if let Value::Object(o) = &mut v {
            o.set("version", "1700000000".into());
            o.set("createdAt", Value::Number(1_700_000_000_123.0));
        }
        let r = MediaRecord::from_value(&v).unwrap();
        assert_eq!(r.version, Some(1_700_000_000));
        assert_eq!(r.created_at, "2023-11-14T22:13:20.123Z");
        if let Value::Object(o) = &mut v {
            o.set("state", "lost".into());
        }
        assert!(MediaRecord::from_value(&v).is_err());
    }
}
