//! The media service: the struct, its repository calls (each with a timeout), the clock, the cloud
//! delete every path shares, and how a record is shown to callers (with its delivery URLs, built when
//! read so that a changed host or CDN never breaks stored records). The lifecycle steps live in
//! `create`, `direct`, `remove`, `sweep` and `reconcile`.

use crate::error::MediaError;
use crate::options::ServiceOptions;
use crate::record::{MediaRecord, Patch, RecordId, State};
use crate::repository::{Inserted, Repository};
use cirrus_core::time::iso8601_ms;
use cirrus_core::ErrorCode;
use cirrus_core::{Map, Value};
use cirrus_transport::{CancellationToken, Transport, UploadSettings};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// What [`MediaService::retire`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Retired {
    /// The asset was destroyed (or was already gone) and the record deleted.
    Deleted,
    /// The asset was destroyed, and the record stays `deleting` until the signatures given for its
    /// public_id have expired (`signed_until`): the sweep finishes it then.
    Kept,
    /// Another caller (a sweeper, a concurrent remove or adopt) had taken the record first.
    Taken,
}

/// The media service of one account and one repository.
pub struct MediaService {
    pub(crate) transport: Arc<Transport>,
    pub(crate) account: Map,
    pub(crate) repo: Arc<dyn Repository>,
    pub(crate) options: ServiceOptions,
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// The last millisecond of 9999 (`9999-12-31T23:59:59.999Z`): stored times are capped here, because
/// records compare times as text, and a five-digit year would sort before every four-digit one.
pub(crate) const LAST_STORED_MS: i64 = 253_402_300_799_999;

/// `ms` as records store it, capped at [`LAST_STORED_MS`].
pub(crate) fn time_at_ms(ms: i64) -> String {
    iso8601_ms(ms.min(LAST_STORED_MS))
}

/// Milliseconds in `d`, saturating (a `Duration` can hold more than an `i64` of milliseconds).
pub(crate) fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// The time `ahead` from now, as records store it.
pub(crate) fn time_in(ahead: Duration) -> String {
    time_at_ms(now_ms().saturating_add(millis(ahead)))
}

/// The time now, as records store it.
pub(crate) fn now_iso() -> String {
    iso8601_ms(now_ms())
}

/// The cursor of the page after one listed with `after` (none at the end). A repository that answers
/// the cursor it was given would be listed forever: that is `REPOSITORY_FAILED`.
pub(crate) fn next_cursor(
    after: &Option<String>,
    next: Option<String>,
) -> Result<Option<String>, MediaError> {
    match next {
        Some(n) if after.as_deref() == Some(n.as_str()) => Err(MediaError::new(
            ErrorCode::RepositoryFailed,
            "the repository's list() answered the cursor it was given as the next one: it would be listed forever",
        )),
        n => Ok(n),
    }
}

impl MediaService {
    /// A service for the account `account` (a config object), storing records in `repo`.
    pub fn new(
        transport: Arc<Transport>,
        account: Map,
        repo: Arc<dyn Repository>,
        options: ServiceOptions,
    ) -> Self {
        MediaService {
            transport,
            account,
            repo,
            options,
        }
    }

    /// The service's settings.
    pub fn options(&self) -> &ServiceOptions {
        &self.options
    }

    /// Awaits a repository call within the repository timeout.
    pub(crate) async fn repo_call<T>(
        &self,
        what: &str,
        call: impl Future<Output = Result<T, String>>,
    ) -> Result<T, MediaError> {
        match tokio::time::timeout(self.options.repository_timeout, call).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(message)) => Err(MediaError::new(
                ErrorCode::RepositoryFailed,
                format!("repository {what} failed: {message}"),
            )),
            Err(_) => Err(MediaError::new(
                ErrorCode::RepositoryTimeout,
                format!(
                    "repository {what} did not answer within {} ms",
                    self.options.repository_timeout.as_millis()
                ),
            )),
        }
    }

    pub(crate) async fn insert(&self, record: MediaRecord) -> Result<Inserted, MediaError> {
        self.repo_call("insert", self.repo.insert(record)).await
    }

    pub(crate) async fn get(&self, id: &RecordId) -> Result<Option<MediaRecord>, MediaError> {
        self.repo_call("get", self.repo.get(id.clone())).await
    }

    pub(crate) async fn update(
        &self,
        id: &RecordId,
        expect: State,
        mut patch: Patch,
    ) -> Result<Option<MediaRecord>, MediaError> {
        patch.updated_at.get_or_insert_with(now_iso);
        self.repo_call("update", self.repo.update(id.clone(), expect, patch))
            .await
    }

    pub(crate) async fn delete(&self, id: &RecordId, expect: State) -> Result<bool, MediaError> {
        self.repo_call("delete", self.repo.delete(id.clone(), expect))
            .await
    }

    /// Transport settings for the service's own calls (`uploadDefaults`' timeout, retries, deadline).
    pub(crate) fn settings(&self, resource_type: &str) -> Result<UploadSettings, MediaError> {
        let (mut s, _) = UploadSettings::from_options(&self.transport_options())?;
        s.resource_type = resource_type.to_owned();
        Ok(s)
    }

    /// The transport keys of `uploadDefaults` (a cleanup deserves the same persistence as the upload).
    fn transport_options(&self) -> Map {
        let mut options = Map::new();
        for key in ["retries", "retry_delay", "timeout", "deadline"] {
            let value = self.options.upload_defaults.get(key);
            if !value.is_nullish() {
                options.set(key, value.clone());
            }
        }
        options
    }

    /// The Admin API's view of the asset a record names (`NOT_FOUND` when it does not exist).
    pub(crate) async fn lookup(
        &self,
        record: &MediaRecord,
    ) -> Result<Value, cirrus_transport::TransportError> {
        let mut options = self.transport_options();
        options.set("type", record.kind.as_str().into());
        options.set("resource_type", record.resource_type.as_str().into());
        self.transport
            .resource(&record.public_id, &options, &CancellationToken::new())
            .await
    }

    /// Destroys the asset a record names; an asset already gone is fine. `destroy` is idempotent, so
    /// the transport retries it even when an attempt may have been applied.
    pub(crate) async fn destroy_asset(&self, record: &MediaRecord) -> Result<(), MediaError> {
        let mut options = self.transport_options();
        options.set("type", record.kind.as_str().into());
        options.set("resource_type", record.resource_type.as_str().into());
        options.set("invalidate", true.into());
        let answer = self
            .transport
            .destroy(&record.public_id, &options, &CancellationToken::new())
            .await?;
        match answer.get("result").as_str() {
            Some("ok" | "not found") | None => Ok(()),
            Some(other) => Err(MediaError::new(
                ErrorCode::RequestFailed,
                format!("destroy {} answered {other}", record.public_id),
            )),
        }
    }

    /// Finishes a record that must go: moves it from `from` to `deleting` (with a lease), destroys its
    /// asset, then deletes it. Whatever step fails, the record is left for `sweep()` to finish.
    ///
    /// A record whose public_id a browser may still upload to (`signed_until` ahead: a direct upload
    /// refused, cancelled, removed or purged while its signature runs) is not deleted: it stays
    /// `deleting`, leased until then, so that the sweep destroys what such an upload stores and only
    /// then drops it ([`Retired::Kept`]).
    pub(crate) async fn retire(
        &self,
        record: &MediaRecord,
        from: State,
    ) -> Result<Retired, MediaError> {
        let id = record
            .id
            .as_ref()
            .ok_or_else(|| MediaError::new(ErrorCode::Internal, "a stored record has no id"))?;
        let claimed = if from == State::Deleting {
            Some(record.clone())
        } else {
            // A working lease only: should the destroy fail, the sweep retries it soon (not only when
            // the signatures end, with the asset still served meanwhile).
            let claim = Patch {
                state: Some(State::Deleting),
                lease_until: Some(Some(time_in(self.options.pending_ttl))),
                ..Patch::default()
            };
            self.update(id, from, claim).await?
        };
        let Some(claimed) = claimed else {
            return Ok(Retired::Taken);
        };
        self.destroy_asset(&claimed).await?;
        // The row as the compare-and-set left it: a resign on another replica that came first shows
        // here (one that comes after finds the record no longer pending, and signs nothing).
        let now = now_iso();
        if let Some(until) = claimed
            .signed_until
            .as_deref()
            .filter(|until| *until > now.as_str())
        {
            // Leased until then: the sweep takes it at that moment, destroys what a post of the params
            // stored meanwhile, and drops it.
            let keep = Patch {
                lease_until: Some(Some(until.to_owned())),
                ..Patch::default()
            };
            self.update(id, State::Deleting, keep).await?;
            return Ok(Retired::Kept);
        }
        self.delete(id, State::Deleting).await?;
        Ok(Retired::Deleted)
    }

    /// Destroys the asset this process uploaded for a record that has left `pending` without it: a
    /// sweeper took it (the lease ran out), and that sweeper's destroy may have run before the upload
    /// landed while its delete of the record comes after, so nothing else would remove this asset.
    /// Only when the record is read back gone or `deleting` (a record that left `pending` never returns
    /// to it): a commit that applied late shows `committed`, and a failed read destroys nothing (an
    /// asset left over is `reconcile()`'s to find; one destroyed under a record would be lost). If the
    /// destroy fails and the record is gone, a record whose lease has ended is left for the next sweep.
    pub(crate) async fn destroy_unowned(&self, record: &MediaRecord) {
        let Some(id) = &record.id else { return };
        let gone = match self.get(id).await {
            Ok(None) => true,
            Ok(Some(current)) if current.state == State::Deleting => false,
            _ => return,
        };
        if self.destroy_asset(record).await.is_ok() || !gone {
            return;
        }
        self.leave_for_sweep(record.clone()).await;
    }

    /// Names an asset that could not be destroyed by a pending record whose lease has already ended
    /// (without an idempotency key, which a retry must be free to use), so the next sweep destroys it.
    pub(crate) async fn leave_for_sweep(&self, mut record: MediaRecord) {
        record.state = State::Pending;
        record.idempotency_key = None;
        record.lease_until = Some(now_iso());
        let _ = self.insert(record).await;
    }

    /// A record as callers see it: its fields plus `secure_url`/`url` and the preset URLs, built now
    /// from the account and `urlOptions`.
    pub fn present(&self, record: &MediaRecord) -> Value {
        let mut value = record.to_value();
        let Value::Object(out) = &mut value else {
            return value;
        };
        // Bookkeeping of the lifecycle, not facts about the asset.
        out.remove("leaseUntil");
        out.remove("signedUntil");
        let url = |raw_transformation: Option<&str>| {
            let mut o = self.account.clone();
            o.assign(&self.options.url_options);
            o.set("resource_type", record.resource_type.as_str().into());
            o.set("type", record.kind.as_str().into());
            if let Some(v) = record.version {
                o.set("version", Value::Number(v as f64));
            }
            if let Some(t) = raw_transformation {
                o.set("raw_transformation", t.into());
            }
            if let Some(f) = &record.format {
                o.set("format", f.as_str().into());
            }
            cirrus_core::url::url(&record.public_id, &o, cirrus_core::time::Now::At(0.0)).ok()
        };
        if let Some(u) = url(None) {
            out.set("secure_url", u.as_str().into());
            out.set("url", u.into());
        }
        if !self.options.presets.is_empty() {
            let mut urls = Map::new();
            for (name, t) in &self.options.presets {
                if let Some(u) = url(Some(t)) {
                    urls.set(name.clone(), u.into());
                }
            }
            out.set("urls", Value::Object(urls));
        }
        value
    }
}
