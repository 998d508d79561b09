//! Direct uploads: the browser sends the file straight to Cloudinary, within an intent the server stored
//! first.
//!
//! `prepare_direct_upload` inserts a pending record with the public_id the service chose and signs
//! upload params bound to it: that public_id (no overwrite), the allowed formats, the service's tags, the
//! owner in the context. The browser uploads, then sends back the signed identifier; `adopt` verifies it,
//! reads the facts from the Admin API (never from the client), and commits the record, or, when the
//! server refuses what was uploaded (format, size), destroys the asset and leaves the record `deleting`
//! until every signature given for it has expired. An upload that is never adopted is a pending record
//! whose lease ends: `sweep()` destroys what it may have left. Either way the record outlives the
//! signatures, so whatever a signature stores is named by a record when it lands.

use crate::create::check_owner;
use crate::error::MediaError;
use crate::record::{MediaRecord, Patch, State, NOT_YET_SIGNED};
use crate::service::{self, MediaService, Retired};
use cirrus_core::ErrorCode;
use cirrus_core::Value;

/// Resource types an identifier may name (they become an Admin API path segment).
const RESOURCE_TYPES: &[&str] = &["image", "video", "raw"];
/// Delivery types an identifier may name.
const DELIVERY_TYPES: &[&str] = &["upload", "private", "authenticated"];

/// How far ahead of this server's clock a signing time (`now_ms`) may be: a caller's clock a little
/// ahead. Further, and a record's lease (which must outlive the signature) could be pushed towards
/// the far future, where it would count against the owner's bound for as long.
const MAX_AHEAD_MS: i64 = 60_000;

/// The answer with `record_id`: what the browser names when it asks for a new signature.
fn with_record_id(mut answer: cirrus_core::Map, record: &MediaRecord) -> Value {
    answer.set(
        "record_id",
        record.id.as_ref().map_or(Value::Null, |id| id.to_value()),
    );
    Value::Object(answer)
}

impl MediaService {
    /// Stores a pending record for a browser upload by `owner_id` and returns what the browser needs:
    /// the signed params (with `signature`, `api_key`, `timestamp`), `cloud_name`, `upload_url`,
    /// `resource_type`, and `record_id`. `now_ms` is the signing time.
    pub async fn prepare_direct_upload(
        &self,
        owner_id: &str,
        now_ms: f64,
    ) -> Result<Value, MediaError> {
        check_owner(owner_id)?;
        self.check_signing_time(now_ms)?;
        // Stored as not signed yet: until it is admitted nothing signs it, not even a resign on another
        // replica, so a refused intent can be deleted with no signature for it anywhere. Its lease is a
        // working one until then: left behind (a crash, a failed update), it holds a place only briefly.
        let mut intent = self.intent(
            owner_id,
            &self.options.direct_resource_type,
            self.options.pending_ttl,
        );
        intent.signed_until = Some(NOT_YET_SIGNED.to_owned());
        // Signed before the insert: a bad account or option fails here, leaving no record behind. The
        // answer is given out only once the record says it was.
        let answer = self.signed_answer(&intent, now_ms)?;
        let stored = self.insert(intent).await?;
        let id = match (stored.created, &stored.record.id) {
            (true, Some(id)) => id.clone(),
            _ => {
                return Err(MediaError::new(
                    ErrorCode::Internal,
                    "the repository refused a new public_id",
                ))
            }
        };
        if let Err(refusal) = self.admit_intent(&stored.record).await {
            // Compare-and-set: still pending (and unsigned). Should the delete fail, the record stays
            // until its lease ends and the sweep takes it.
            let _ = self.delete(&id, State::Pending).await;
            return Err(refusal);
        }
        let signed = self.signing(&stored.record, now_ms);
        let written = signed.signed_until.clone().flatten();
        match self.update(&id, State::Pending, signed).await? {
            Some(record) if record.signed_until == written => Ok(with_record_id(answer, &record)),
            // An adapter that does not store `signedUntil` would lose what keeps the record past a
            // replay: no signature is given out for such a record.
            Some(_) => {
                let _ = self.delete(&id, State::Pending).await;
                Err(MediaError::new(
                    ErrorCode::RepositoryFailed,
                    "the repository did not keep the intent's signedUntil (see the repository contract): no signature given",
                ))
            }
            // No longer pending: a sweeper took it (its working lease ran out before the count ended).
            None => Err(MediaError::new(
                ErrorCode::RepositoryTimeout,
                "the intent's lease ended before it was signed (the repository was too slow): ask again",
            )),
        }
    }

    /// Signs the direct upload of `record_id` again, for the same public_id, and renews its lease: what a
    /// browser asks for when its upload outlives Cloudinary's one-hour signature (a long or resumed
    /// upload). Only the owner's pending intent that `prepare_direct_upload` signed, before its lease
    /// ends; otherwise `INTENT_EXPIRED` (the sweeper has it, it was finished, or it is no direct upload),
    /// and the browser starts over with a new intent.
    pub async fn resign_direct_upload(
        &self,
        owner_id: &str,
        record_id: &crate::record::RecordId,
        now_ms: f64,
    ) -> Result<Value, MediaError> {
        check_owner(owner_id)?;
        self.check_signing_time(now_ms)?;
        let expired = || {
            MediaError::new(
                ErrorCode::IntentExpired,
                "this upload's intent is gone (finished, refused, cancelled, or its lease ended), or is no direct upload: start the upload again",
            )
        };
        // A signed intent only: one not yet admitted (being counted on another replica, and perhaps
        // about to be refused and deleted) or a server-side upload in progress is never signed here.
        let record = self
            .get(record_id)
            .await?
            .filter(|r| {
                r.owner_id == owner_id && r.state == State::Pending && r.signed_for_a_browser()
            })
            .ok_or_else(expired)?;
        if !record.lease_running(&service::now_iso()) {
            return Err(expired());
        }
        // Compare-and-set: a sweeper that claimed the record meanwhile wins, and this answers expired.
        let patch = self.signing(&record, now_ms);
        let renewed = self
            .update(record_id, State::Pending, patch)
            .await?
            .ok_or_else(expired)?;
        Ok(with_record_id(
            self.signed_answer(&renewed, now_ms)?,
            &renewed,
        ))
    }

    /// Until when a signature made at `now_ms` may store an asset: `signatureLifetime` after it (`now_ms`
    /// is finite and at most MAX_AHEAD_MS ahead of the clock: `check_signing_time`).
    fn signature_end(&self, now_ms: f64) -> String {
        service::time_at_ms((now_ms as i64).saturating_add(self.lifetime_ms()))
    }

    /// What signing `record` at `now_ms` writes (the first signature, by `prepare_direct_upload`, or a
    /// resign): `signed_until`, and a lease of `directUploadTtl` from now but never ending before the
    /// signature does (while a signature can still store an asset at the record's public_id, the sweep
    /// must not take the record: an upload that came later would be named by nothing). Neither is ever
    /// shorter than a signed record's: earlier signatures still run (a resign whose `now_ms` is behind an
    /// earlier one's must not end the record before them).
    fn signing(&self, record: &MediaRecord, now_ms: f64) -> Patch {
        let signed_until = self
            .signature_end(now_ms)
            .max(record.signed_until.clone().unwrap_or_default());
        // An intent awaiting its first signature has only a working lease, which is no signature's.
        let earlier = Some(&record.lease_until)
            .filter(|_| !record.awaiting_signature())
            .and_then(Clone::clone);
        let lease = service::time_in(self.options.direct_upload_ttl)
            .max(signed_until.clone())
            .max(earlier.unwrap_or_default());
        Patch {
            lease_until: Some(Some(lease)),
            signed_until: Some(Some(signed_until)),
            ..Patch::default()
        }
    }

    /// Refuses a signing time that is not a finite number, is more than [`MAX_AHEAD_MS`] ahead of the
    /// clock, or is so far behind it that its signature would have expired already.
    fn check_signing_time(&self, now_ms: f64) -> Result<(), MediaError> {
        let clock = service::now_ms();
        let (earliest, latest) = (
            clock.saturating_sub(self.lifetime_ms()) as f64,
            clock.saturating_add(MAX_AHEAD_MS) as f64,
        );
        if now_ms.is_finite() && (earliest..=latest).contains(&now_ms) {
            return Ok(());
        }
        Err(MediaError::new(
            ErrorCode::InvalidArgument,
            "nowMs must be the time in milliseconds: at most a minute ahead of this server's clock, and not so far behind it that the signature would have expired",
        ))
    }

    fn lifetime_ms(&self) -> i64 {
        service::millis(self.options.signature_lifetime)
    }

    /// What the browser gets for a direct-upload record: its params signed at `now_ms` and where to send
    /// them (the record's id is added once it has one).
    fn signed_answer(
        &self,
        record: &MediaRecord,
        now_ms: f64,
    ) -> Result<cirrus_core::Map, MediaError> {
        // The record's resource type (and, in asset_params, its type): a record signed again after the
        // options changed still gets an upload it names.
        let rt = record.resource_type.clone();
        let mut options = self.asset_params(record, &[]);
        for key in ["retries", "retry_delay", "timeout", "deadline"] {
            options.remove(key);
        }
        options.set(
            "allowed_formats",
            Value::Array(
                self.options
                    .allowed_formats
                    .iter()
                    .map(|f| Value::from(f.as_str()))
                    .collect(),
            ),
        );
        let params = cirrus_core::build_upload_params(&options, now_ms)?;
        let signing = cirrus_core::SigningOptions::from_options(&self.account)?;
        let signed = cirrus_core::sign_request(&params, &signing);
        let mut url_config = self.account.clone();
        url_config.set("resource_type", rt.as_str().into());
        let mut out = signed;
        out.set(
            "cloud_name",
            self.account.get("cloud_name").to_js_string().into(),
        );
        out.set(
            "upload_url",
            cirrus_core::download::api_url("upload", &url_config)?.into(),
        );
        out.set("resource_type", rt.into());
        Ok(out)
    }

    /// Commits a direct upload from its signed identifier (`<rt>/<type>/v<version>/<public_id>.<fmt>#sig`).
    /// The record must have been prepared for `owner_id`; repeating the call returns the same record.
    pub async fn adopt(&self, identifier: &str, owner_id: &str) -> Result<Value, MediaError> {
        check_owner(owner_id)?;
        let secret = self.account.get("api_secret").to_js_string();
        let policy = cirrus_core::IdentifierPolicy {
            algorithm: cirrus_core::SignatureAlgorithm::from_option(
                self.account.get("signature_algorithm"),
            )?,
            allowed_resource_types: RESOURCE_TYPES.iter().map(|s| (*s).to_owned()).collect(),
            allowed_types: DELIVERY_TYPES.iter().map(|s| (*s).to_owned()).collect(),
            ..Default::default()
        };
        let verified = cirrus_core::verify_identifier(identifier, &secret, &policy)?;
        let not_prepared = || {
            MediaError::new(
                ErrorCode::NotFound,
                "no direct upload was prepared for this identifier (or it expired)",
            )
        };
        let record = self
            .repo_call(
                "findByPublicId",
                self.repo.find_by_public_id(verified.public_id.clone()),
            )
            .await?
            .ok_or_else(not_prepared)?;
        if record.owner_id != owner_id {
            return Err(MediaError::new(
                ErrorCode::IdentifierNotAllowed,
                "this upload belongs to another owner",
            ));
        }
        if verified.resource_type != record.resource_type || verified.kind != record.kind {
            // The browser posted the signed params to another resource type's endpoint (the
            // signature does not cover it): that asset is nobody's, whatever the record's state.
            let mut stray = record.clone();
            stray.resource_type.clone_from(&verified.resource_type);
            stray.kind.clone_from(&verified.kind);
            let gone = self.destroy_asset(&stray).await.is_ok();
            let refusal = MediaError::new(
                ErrorCode::IdentifierNotAllowed,
                "the identifier's resource type or type is not the prepared one",
            );
            return Err(if gone {
                refusal.note("the asset it names was deleted (or already gone)")
            } else {
                refusal
            });
        }
        match record.state {
            State::Committed => return Ok(self.present(&record)),
            State::Deleting => return Err(not_prepared()),
            State::Pending => {}
        }
        let asset = self.lookup(&record).await?;
        if asset.get("version").to_js_string() != verified.version {
            return Err(MediaError::new(
                ErrorCode::InvalidIdentifier,
                "the asset has changed since this identifier was issued",
            ));
        }
        if let Err(refusal) = self.check_uploaded(&asset) {
            // What the browser uploaded is refused: nothing of it may stay in the cloud, now or after
            // a replay of the signed upload (see `retire`).
            return Err(match self.retire(&record, State::Pending).await {
                Ok(Retired::Deleted | Retired::Kept) => {
                    refusal.note("the uploaded asset was deleted")
                }
                _ => refusal.note("the uploaded asset will be deleted by the next sweep"),
            });
        }
        self.commit_adopted(&record, &asset).await
    }

    /// Ends the owner's unfinished direct upload `record_id` that will not be used (the user took the
    /// file out of the queue, the page gave up): an asset the browser uploaded anyway is destroyed, and
    /// the record stays `deleting` until its signature has expired (what a later post of the params
    /// stores is then the sweep's: see [`MediaService::retire`]). Until then it still counts against
    /// `maxPendingDirectUploads`: its signature can still store an asset. Answers `{ cancelled }`:
    /// `false` when it had already ended (cancelled, or refused at `adopt`). An adopted upload, a
    /// server-side upload in progress, or none of this owner's, is `NOT_FOUND`.
    pub async fn cancel_direct_upload(
        &self,
        record_id: &crate::record::RecordId,
        owner_id: &str,
    ) -> Result<Value, MediaError> {
        check_owner(owner_id)?;
        let not_found = || {
            MediaError::new(
                ErrorCode::NotFound,
                format!("no unfinished direct upload {record_id} for this owner (an adopted one is removed with remove())"),
            )
        };
        // A direct upload's record: signed for a browser (a server-side upload's never is), not adopted.
        let unfinished = |record: Option<MediaRecord>| {
            record
                .filter(|r| {
                    r.owner_id == owner_id
                        && r.signed_for_a_browser()
                        && r.state != State::Committed
                })
                .ok_or_else(not_found)
        };
        let record = unfinished(self.get(record_id).await?)?;
        let cancelled = record.state == State::Pending
            && match self.retire(&record, State::Pending).await {
                Ok(Retired::Deleted | Retired::Kept) => true,
                // Adopted meanwhile (NOT_FOUND), or taken by a sweeper or another cancel.
                Ok(Retired::Taken) => unfinished(self.get(record_id).await?).map(|_| false)?,
                // Ended, but its asset not destroyed yet: the sweep does it. Still pending: not ended.
                Err(e) => match self.get(record_id).await {
                    Ok(Some(r)) if r.state == State::Deleting => true,
                    _ => return Err(e),
                },
            };
        let mut answer = cirrus_core::Map::new();
        answer.set("cancelled", cancelled.into());
        Ok(Value::Object(answer))
    }

    /// The server's own checks of an uploaded asset: format and size.
    fn check_uploaded(&self, asset: &Value) -> Result<(), MediaError> {
        let format = asset.get("format").to_js_string();
        // A raw asset has no format (Cloudinary does not read raw files): only its size is checked.
        let raw_without_format =
            asset.get("resource_type").as_str() == Some("raw") && asset.get("format").is_nullish();
        if !raw_without_format && !self.options.allowed_formats.contains(&format) {
            return Err(MediaError::new(
                ErrorCode::UnsupportedType,
                format!(
                    "{format} is not allowed (allowed: {})",
                    self.options.allowed_formats.join(", ")
                ),
            ));
        }
        let bytes = asset.get("bytes").as_number_u64().unwrap_or(0);
        if bytes > self.options.max_bytes {
            return Err(crate::intake::too_large(bytes, self.options.max_bytes));
        }
        Ok(())
    }

    async fn commit_adopted(
        &self,
        record: &MediaRecord,
        asset: &Value,
    ) -> Result<Value, MediaError> {
        let id = record
            .id
            .clone()
            .ok_or_else(|| MediaError::new(ErrorCode::Internal, "a stored record has no id"))?;
        let count = |k: &str| asset.get(k).as_number_u64();
        let format = asset.get("format").to_js_string();
        let patch = Patch {
            state: Some(State::Committed),
            version: count("version"),
            mime_type: cirrus_core::sniff::mime_for_format(&format).map(str::to_owned),
            format: Some(format.clone()),
            bytes: count("bytes"),
            width: count("width"),
            height: count("height"),
            lease_until: Some(None),
            ..Patch::default()
        };
        match self.update(&id, State::Pending, patch).await? {
            Some(r) => Ok(self.present(&r)),
            // A concurrent adopt of the same upload committed it first.
            None => match self.get(&id).await? {
                Some(r) if r.state == State::Committed => Ok(self.present(&r)),
                _ => Err(MediaError::new(
                    ErrorCode::NotFound,
                    "the upload's pending record expired before it was adopted",
                )),
            },
        }
    }
}
