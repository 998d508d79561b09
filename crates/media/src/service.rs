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

/// How many times a claim that must be undone is put back (see `MediaService::put_back`).
const PUT_BACK_ATTEMPTS: usize = 3;

/// What [`MediaService::retire`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Retired {
    /// Claimed here: the asset was destroyed and the record deleted.
    Done,
    /// Another caller (a sweeper, a concurrent remove or purge) had taken the record first.
    Taken,
    /// Claimed here, but it no longer qualified (`retire_if`): put back as it was.
    Kept,
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

/// The time `ahead` from now, as records store it.
pub(crate) fn time_in(ahead: Duration) -> String {
    iso8601_ms(now_ms().saturating_add(ahead.as_millis() as i64))
}

/// The time now, as records store it.
pub(crate) fn now_iso() -> String {
    iso8601_ms(now_ms())
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
    pub(crate) async fn retire(
        &self,
        record: &MediaRecord,
        from: State,
    ) -> Result<Retired, MediaError> {
        self.retire_if(record, from, |_| true).await
    }

    /// [`retire`](Self::retire), for a decision made on an older read of the record: once the record
    /// is claimed, `still_wanted` is asked again of what the claim returned (the current record), and a
    /// record that no longer qualifies goes back to `from` untouched.
    pub(crate) async fn retire_if(
        &self,
        record: &MediaRecord,
        from: State,
        still_wanted: impl Fn(&MediaRecord) -> bool,
    ) -> Result<Retired, MediaError> {
        let id = record
            .id
            .as_ref()
            .ok_or_else(|| MediaError::new(ErrorCode::Internal, "a stored record has no id"))?;
        let claim = Patch {
            state: Some(State::Deleting),
            lease_until: Some(Some(time_in(self.options.pending_ttl))),
            ..Patch::default()
        };
        let claimed = if from == State::Deleting {
            Some(record.clone())
        } else {
            self.update(id, from, claim).await?
        };
        let Some(claimed) = claimed else {
            return Ok(Retired::Taken); // someone else (a sweeper, a concurrent remove) owns it now
        };
        if !still_wanted(&claimed) {
            self.put_back(id, from, &claimed).await?;
            return Ok(Retired::Kept);
        }
        self.destroy_asset(&claimed).await?;
        self.delete(id, State::Deleting).await?;
        Ok(Retired::Done)
    }

    /// Undoes a claim of `retire_if`: the record goes back to `from` with the lease it had. Tried a few
    /// times, because a record left `deleting` is finished by the next sweep once the lease ends.
    async fn put_back(
        &self,
        id: &RecordId,
        from: State,
        claimed: &MediaRecord,
    ) -> Result<(), MediaError> {
        let restore = Patch {
            state: Some(from),
            lease_until: Some(if from == State::Committed {
                None
            } else {
                claimed.lease_until.clone()
            }),
            ..Patch::default()
        };
        let mut last = None;
        for _ in 0..PUT_BACK_ATTEMPTS {
            match self.update(id, State::Deleting, restore.clone()).await {
                Ok(_) => return Ok(()),
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(last.unwrap_or_else(|| MediaError::new(ErrorCode::Internal, "put back not tried")))
    }

    /// Destroys the asset this process uploaded for a record that another caller (a sweeper, after the
    /// lease ran out) has taken: that caller's destroy may have run before the upload landed, and it
    /// deletes the record after it, so nothing else would remove this asset. If this destroy fails and
    /// the record is already gone, a record whose lease has ended is left for the next sweep.
    pub(crate) async fn destroy_unowned(&self, record: &MediaRecord) {
        if self.destroy_asset(record).await.is_ok() {
            return;
        }
        let gone = match &record.id {
            Some(id) => matches!(self.get(id).await, Ok(None)),
            None => false,
        };
        if gone {
            let mut orphan = record.clone();
            orphan.state = State::Pending;
            orphan.idempotency_key = None;
            orphan.lease_until = Some(now_iso());
            let _ = self.insert(orphan).await;
        }
    }

    /// A record as callers see it: its fields plus `secure_url`/`url` and the preset URLs, built now
    /// from the account and `urlOptions`.
    pub fn present(&self, record: &MediaRecord) -> Value {
        let mut value = record.to_value();
        let Value::Object(out) = &mut value else {
            return value;
        };
        out.remove("leaseUntil");
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
            cirrus_core::url::url(&record.public_id, &o, 0.0).ok()
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
