//! Creating a record: intent before bytes.
//!
//! 1. The file is validated (size, content) before anything is stored or sent.
//! 2. A `pending` record is inserted with a public_id the service chose (`<folder>/<owner>/<random>`)
//!    and a lease. The repository's unique `(ownerId, idempotencyKey)` makes a second request with the
//!    same key (in this process or another) find the first one's record instead of creating its own.
//! 3. The file is uploaded to exactly that public_id with `overwrite: false`, so a retry after an answer
//!    was lost lands on the same asset (Cloudinary answers `existing: true`). The lease is renewed while
//!    the upload runs; if a sweeper took the record meanwhile, the upload is cancelled.
//! 4. The record is committed (compare-and-set from `pending`): only then is the create acknowledged.
//!
//! A failure at any step leaves a pending record naming exactly the one asset that may exist; this
//! module retires it at once when it can, and `sweep()` does when it could not.

use crate::error::MediaError;
use crate::ids;
use crate::intake::{accept, Accepted, FileInput};
use crate::record::{MediaRecord, Patch, State};
use crate::service::{now_iso, time_in, MediaService, Retired};
use cirrus_core::ErrorCode;
use cirrus_core::{Map, Value};
use cirrus_transport::{CancellationToken, UploadSettings};
use std::time::{Duration, Instant};

/// Longest idempotency key accepted.
const MAX_KEY_LEN: usize = 255;

/// How often a waiting duplicate re-reads the first request's record.
const POLL: Duration = Duration::from_millis(150);

/// What a create call may carry besides the file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CreateOptions {
    /// The owner's idempotency key: every request with it gets the one record it made.
    pub idempotency_key: Option<String>,
    /// Tags added to the service's own.
    pub tags: Vec<String>,
}

impl CreateOptions {
    /// From a call's options object: `idempotencyKey`, `tags`. A `public_id` is refused: the service
    /// chooses ids, so that no caller can reach another owner's asset.
    pub fn from_map(call: &Map) -> Result<CreateOptions, MediaError> {
        if call.has("public_id") || call.has("folder") {
            return Err(MediaError::new(ErrorCode::InvalidOption,
                "public_id and folder are chosen by the service (<folder>/<owner>/<random>); keep your own name in your record",
            ));
        }
        let idempotency_key = match call.get("idempotencyKey") {
            Value::String(k) if k.is_empty() => None,
            Value::String(k) if k.chars().count() > MAX_KEY_LEN => {
                return Err(MediaError::new(
                    ErrorCode::InvalidOption,
                    format!("idempotencyKey is longer than {MAX_KEY_LEN} characters"),
                ))
            }
            Value::String(k) => Some(k.clone()),
            Value::Undefined | Value::Null => None,
            _ => {
                return Err(MediaError::new(
                    ErrorCode::InvalidOption,
                    "idempotencyKey must be a string",
                ))
            }
        };
        let tags = match call.get("tags") {
            Value::Array(t) => t.iter().map(Value::to_js_string).collect(),
            Value::String(t) => vec![t.clone()],
            _ => Vec::new(),
        };
        Ok(CreateOptions {
            idempotency_key,
            tags,
        })
    }
}

/// Checks an owner id: present, and short enough to become a folder name.
pub(crate) fn check_owner(owner_id: &str) -> Result<(), MediaError> {
    if owner_id.trim().is_empty() {
        return Err(MediaError::new(
            ErrorCode::MissingOwner,
            "an owner id is required",
        ));
    }
    if owner_id.chars().any(char::is_control) {
        return Err(MediaError::new(
            ErrorCode::InvalidArgument,
            "owner ids may not contain control characters",
        ));
    }
    if owner_id.len() > ids::MAX_OWNER_LEN {
        return Err(MediaError::new(
            ErrorCode::InvalidArgument,
            format!("owner ids are at most {} bytes", ids::MAX_OWNER_LEN),
        ));
    }
    Ok(())
}

impl MediaService {
    /// A new pending record for `owner_id`, leased for `lease`.
    pub(crate) fn intent(
        &self,
        owner_id: &str,
        resource_type: &str,
        lease: Duration,
    ) -> MediaRecord {
        MediaRecord::pending(
            ids::new_public_id(&self.options.folder, owner_id),
            resource_type,
            &self.options.delivery_type(),
            owner_id,
            now_iso(),
            Some(time_in(lease)),
        )
    }

    /// The upload params every asset of this service gets: its public_id (no overwrite), the service's
    /// and the owner's tags, the owner in the context, the presets as eager transformations.
    pub(crate) fn asset_params(&self, record: &MediaRecord, extra_tags: &[String]) -> Map {
        let mut options = self.options.upload_defaults.clone();
        options.set("public_id", record.public_id.as_str().into());
        options.set("type", record.kind.as_str().into());
        options.set("overwrite", false.into());
        let mut tags = vec![
            Value::from(self.options.tag.as_str()),
            Value::from(format!("owner_{}", ids::encode_owner(&record.owner_id))),
        ];
        tags.extend(extra_tags.iter().map(|t| Value::from(t.as_str())));
        options.set("tags", Value::Array(tags));
        let mut context = Map::new();
        context.set("ownerId", record.owner_id.as_str().into());
        options.set("context", Value::Object(context));
        if !self.options.presets.is_empty() {
            let eager = self
                .options
                .presets
                .iter()
                .map(|(_, t)| Value::from(t.as_str()))
                .collect();
            options.set("eager", Value::Array(eager));
        }
        options
    }

    /// Validates, then records the intent, uploads to its public_id, and commits. Returns the committed
    /// record as callers see it.
    pub async fn create_one(
        &self,
        file: FileInput,
        owner_id: &str,
        call: &CreateOptions,
        cancel: &CancellationToken,
    ) -> Result<Value, MediaError> {
        check_owner(owner_id)?;
        let upload_cancel = cancel.child_token();
        let accepted = accept(file, &self.options, &upload_cancel).await?;
        let mut intent = self.intent(
            owner_id,
            accepted.kind.resource_type,
            self.options.pending_ttl,
        );
        intent.idempotency_key.clone_from(&call.idempotency_key);
        intent.original_filename.clone_from(&accepted.original_name);
        intent.mime_type = Some(accepted.kind.mime.to_owned());
        match self.claim_intent(intent).await? {
            Intent::Ours(record) => {
                self.upload_and_commit(record, accepted, call, &upload_cancel)
                    .await
            }
            Intent::Existing(record) => Ok(self.present(&record)),
        }
    }

    /// Inserts the intent, or resolves to the record an earlier request with the same key made (waiting
    /// while that one is still uploading, and trying again if it failed and went away).
    async fn claim_intent(&self, intent: MediaRecord) -> Result<Intent, MediaError> {
        let waited = Instant::now();
        loop {
            let inserted = self.insert(intent.clone()).await?;
            if inserted.created {
                return Ok(Intent::Ours(inserted.record));
            }
            let mut existing = inserted.record;
            loop {
                if existing.owner_id != intent.owner_id {
                    return Err(MediaError::new(
                        ErrorCode::Internal,
                        "the repository returned another owner's record for an idempotency key",
                    ));
                }
                if existing.state == State::Committed {
                    return Ok(Intent::Existing(existing));
                }
                if waited.elapsed() > self.options.idempotency_wait {
                    return Err(MediaError::new(
                        ErrorCode::IdempotencyInProgress,
                        "a request with this idempotency key is still in progress; try again later",
                    ));
                }
                tokio::time::sleep(POLL).await;
                let Some(id) = existing.id.clone() else { break };
                match self.get(&id).await? {
                    Some(r) => existing = r,
                    None => break, // the first request failed and its record went: try ours
                }
            }
        }
    }

    async fn upload_and_commit(
        &self,
        record: MediaRecord,
        accepted: Accepted,
        call: &CreateOptions,
        cancel: &CancellationToken,
    ) -> Result<Value, MediaError> {
        let result = self.upload_leased(&record, accepted, call, cancel).await;
        let uploaded = match result {
            Ok(v) => v,
            Err(e) => {
                // The asset may exist (a lost answer) or not: retire the intent either way. If that
                // fails too, the record stays pending and the sweeper finishes it when its lease ends.
                self.retire_upload(&record).await;
                return Err(e);
            }
        };
        self.commit(&record, &uploaded).await
    }

    /// Retires an intent whose upload failed or could not be committed. The asset may exist (a lost
    /// answer); if a sweeper has taken the record, its destroy may have run before the upload landed, so
    /// the asset is destroyed here as well.
    async fn retire_upload(&self, record: &MediaRecord) {
        if let Ok(Retired::Taken) = self.retire(record, State::Pending).await {
            self.destroy_unowned(record).await;
        }
    }

    /// Uploads to the record's public_id while renewing its lease; cancels the upload if the record
    /// was taken by a sweeper.
    async fn upload_leased(
        &self,
        record: &MediaRecord,
        accepted: Accepted,
        call: &CreateOptions,
        cancel: &CancellationToken,
    ) -> Result<Value, MediaError> {
        let options = self.asset_params(record, &call.tags);
        let (settings, upload_options) = UploadSettings::from_options(&options)?;
        let settings = UploadSettings {
            resource_type: record.resource_type.clone(),
            filename: accepted.original_name.clone().unwrap_or_default(),
            ..settings
        };
        let params = cirrus_core::build_upload_params(&upload_options, 0.0)?;
        let too_big = accepted.too_big.clone();
        let upload = self
            .transport
            .upload(accepted.source, &params, &settings, None, cancel);
        let lost = std::sync::atomic::AtomicBool::new(false);
        let uploaded = tokio::select! {
            r = upload => r,
            () = self.renew_lease(record, cancel, &lost) => unreachable_transport(),
        };
        if too_big.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(MediaError::new(
                ErrorCode::FileTooLarge,
                format!("the stream grew past {} bytes", self.options.max_bytes),
            ));
        }
        if lost.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(expired());
        }
        Ok(uploaded?.0)
    }

    /// Renews the record's lease every third of the TTL, forever; cancels `cancel` (and returns never)
    /// once the record is no longer ours.
    async fn renew_lease(
        &self,
        record: &MediaRecord,
        cancel: &CancellationToken,
        lost: &std::sync::atomic::AtomicBool,
    ) {
        let Some(id) = record.id.clone() else {
            return std::future::pending().await;
        };
        let every = self.options.pending_ttl / 3;
        loop {
            tokio::time::sleep(every).await;
            let renew = Patch {
                lease_until: Some(Some(time_in(self.options.pending_ttl))),
                ..Patch::default()
            };
            if let Ok(None) = self.update(&id, State::Pending, renew).await {
                lost.store(true, std::sync::atomic::Ordering::Relaxed);
                cancel.cancel();
                return std::future::pending().await;
            }
        }
    }

    /// Commits an uploaded intent. If a sweeper took the record meanwhile, the asset is retired instead.
    async fn commit(&self, record: &MediaRecord, uploaded: &Value) -> Result<Value, MediaError> {
        let id = record
            .id
            .clone()
            .ok_or_else(|| MediaError::new(ErrorCode::Internal, "a stored record has no id"))?;
        // Stored anywhere but the record's public_id (an upload preset's folder, say), the asset is
        // nobody's: destroyed (or, if that fails, named by an expired record for the sweep), and the
        // intent retired.
        let mut stray = record.clone();
        for (key, field) in [
            ("public_id", &mut stray.public_id),
            ("resource_type", &mut stray.resource_type),
            ("type", &mut stray.kind),
        ] {
            if let Some(got) = uploaded.get(key).as_str() {
                got.clone_into(field);
            }
        }
        if (&stray.public_id, &stray.resource_type, &stray.kind)
            != (&record.public_id, &record.resource_type, &record.kind)
        {
            let deleted = self.destroy_asset(&stray).await.is_ok();
            if !deleted {
                self.leave_for_sweep(stray.clone()).await;
            }
            self.retire_upload(record).await;
            return Err(MediaError::new(
                ErrorCode::InvalidOption,
                format!(
                    "the upload was stored as {}/{}/{}, not as the record's {}/{}/{} (an upload preset or uploadDefaults moved it); {}",
                    stray.resource_type, stray.kind, stray.public_id,
                    record.resource_type, record.kind, record.public_id,
                    if deleted { "it was deleted" } else { "the next sweep deletes it" }
                ),
            ));
        }
        let count = |k: &str| uploaded.get(k).as_number_u64();
        let patch = Patch {
            state: Some(State::Committed),
            version: count("version"),
            format: uploaded
                .get("format")
                .as_str()
                .filter(|f| !f.is_empty())
                .map(str::to_owned),
            bytes: count("bytes"),
            width: count("width"),
            height: count("height"),
            lease_until: Some(None),
            ..Patch::default()
        };
        match self.update(&id, State::Pending, patch).await {
            Ok(Some(committed)) => Ok(self.present(&committed)),
            Ok(None) => {
                // A sweeper claimed the record (our lease ran out). Its destroy may have run before the
                // asset landed: destroy the asset here too.
                self.destroy_unowned(record).await;
                Err(expired())
            }
            Err(e) => {
                // The commit may have been applied even though the answer did not come back.
                if let Ok(Some(r)) = self.get(&id).await {
                    if r.state == State::Committed {
                        return Ok(self.present(&r));
                    }
                }
                self.retire_upload(record).await;
                Err(e)
            }
        }
    }
}

/// The outcome of inserting an intent.
enum Intent {
    /// Ours: go on and upload.
    Ours(MediaRecord),
    /// An earlier request's committed record (same owner and idempotency key).
    Existing(MediaRecord),
}

fn expired() -> MediaError {
    MediaError::new(
        ErrorCode::IntentExpired,
        "the upload outlived its pending record's lease and was cleaned up; try again",
    )
}

fn unreachable_transport(
) -> Result<(Value, cirrus_transport::UploadStats), cirrus_transport::TransportError> {
    Err(cirrus_transport::TransportError::aborted())
}
