//! A direct upload's record outlives every signature given for it. The browser holds its signed params
//! until they expire (an hour at Cloudinary, `signatureLifetime` here) and can post them again: whatever
//! they store must be named by a record, which the sweep finishes once they have expired. Against an
//! in-process emulator over real HTTP and a real SQLite file, with lifetimes of seconds (the service's
//! view only: the emulator keeps Cloudinary's hour, so every post here is accepted).
//!
//! Waits go by what is stored (a record's `signed_until` or lease), not by fixed delays: a loaded machine
//! makes the steps slower, never the assertions wrong. "Too early" checks run well inside a 3 s lifetime.

mod support;

use cirrus_core::{ErrorCode, Value};
use cirrus_media::{MediaService, RecordId, Repository, State};
use std::time::Duration;
use support::*;

/// The signature's life in these tests.
const LIFETIME_MS: u64 = 3000;

fn now_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as f64
}

/// The browser's upload of the signed params to the image endpoint: the identifier it sends back.
async fn browser_upload(s: &Setup, signed: &Value, bytes: bytes::Bytes) -> String {
    identifier_of(&s.post_signed(signed, bytes, "image").await.unwrap())
}

fn record_id(signed: &Value) -> RecordId {
    RecordId::from_value(signed.get("record_id")).unwrap()
}

/// Sleeps until every stored record's lease has ended (plus a little): the sweep may take them all.
async fn sleep_past_leases(s: &Setup) {
    let last = s
        .records(None)
        .await
        .iter()
        .filter_map(|r| r.lease_until.as_deref())
        .filter_map(cirrus_core::time::parse_iso8601_ms)
        .max()
        .unwrap_or(0);
    tokio::time::sleep(Duration::from_millis(
        (last as f64 + 100.0 - now_ms()).max(0.0) as u64,
    ))
    .await;
}

/// Every `deleting` record is kept until its signature's end: its lease covers `signed_until`.
async fn assert_kept_until_signed(s: &Setup) {
    for r in s.records(Some(State::Deleting)).await {
        let (lease, signed) = (r.lease_until.unwrap(), r.signed_until.unwrap());
        assert!(
            lease >= signed,
            "lease {lease} ends before the signature {signed}"
        );
    }
}

/// Short leases: a 100 ms `directUploadTtl`, so that only the signature keeps a record.
fn short(s: &Setup, folder: &str) -> MediaService {
    let mut o = options(folder);
    o.max_bytes = 2_000;
    o.direct_upload_ttl = Duration::from_millis(100);
    o.signature_lifetime = Duration::from_millis(LIFETIME_MS);
    s.service(o)
}

/// Refused at adopt, then the same signed upload posted again: the record outlived the 100 ms ttl (its
/// signature runs), and after the refusal it stays `deleting`, so the sweep destroys what the second
/// post stored. (Before, the record went at once, and that asset, of any size, was named by nothing.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_upload_posted_again_is_swept_once_its_signature_expires() {
    let s = setup(&[]).await;
    let service = short(&s, "replay");
    let signed = service
        .prepare_direct_upload("alice", now_ms())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(service.sweep(100).await.unwrap().claimed, 0, "past its ttl");
    let big = browser_upload(&s, &signed, png(200, 200)).await;
    let err = service.adopt(&big, "alice").await.unwrap_err();
    assert_eq!(err.code, ErrorCode::FileTooLarge);
    assert!(s.cloud("replay").await.is_empty(), "destroyed at once");
    assert_kept_until_signed(&s).await;
    let replayed = browser_upload(&s, &signed, png(200, 200)).await;
    assert_eq!(s.cloud("replay").await.len(), 1);
    assert_eq!(
        service.adopt(&replayed, "alice").await.unwrap_err().code,
        ErrorCode::NotFound
    );
    assert_eq!(service.sweep(100).await.unwrap().claimed, 0, "too early");
    sleep_past_leases(&s).await;
    let report = service.sweep(100).await.unwrap();
    assert_eq!((report.claimed, report.finished), (1, 1), "{report:?}");
    assert!(s.cloud("replay").await.is_empty());
    assert!(s.records(None).await.is_empty());
}

/// Adopted, then removed (or soft-removed and purged) while the signature still runs: the asset is
/// destroyed at once, and the record kept `deleting` until the signature has expired.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_direct_upload_removed_or_purged_within_its_signature_is_kept_until_it_expires() {
    let s = setup(&[]).await;
    let service = short(&s, "removed");
    let removed = service
        .prepare_direct_upload("alice", now_ms())
        .await
        .unwrap();
    let purged = service
        .prepare_direct_upload("bob", now_ms())
        .await
        .unwrap();
    let a = service
        .adopt(&browser_upload(&s, &removed, png(8, 8)).await, "alice")
        .await
        .unwrap();
    let b = service
        .adopt(&browser_upload(&s, &purged, png(8, 8)).await, "bob")
        .await
        .unwrap();
    service.remove(&id_of(&a), "alice").await.unwrap();
    service.soft_remove(&id_of(&b), "bob").await.unwrap();
    let cutoff = cirrus_core::time::iso8601_ms(now_ms() as i64 + 1000);
    let report = service.purge(&cutoff).await.unwrap();
    assert_eq!(report.get("purged").as_items().len(), 1);
    assert!(s.cloud("removed").await.is_empty(), "destroyed at once");
    assert!(s.recorded(State::Committed).await.is_empty());
    assert_eq!(s.records(Some(State::Deleting)).await.len(), 2, "kept");
    assert_kept_until_signed(&s).await;
    for (signed, owner) in [(&removed, "alice"), (&purged, "bob")] {
        let again = browser_upload(&s, signed, png(9, 9)).await;
        assert_eq!(
            service.adopt(&again, owner).await.unwrap_err().code,
            ErrorCode::NotFound
        );
    }
    assert_eq!(s.cloud("removed").await.len(), 2);
    assert_eq!(service.sweep(100).await.unwrap().claimed, 0, "too early");
    sleep_past_leases(&s).await;
    let report = service.sweep(100).await.unwrap();
    assert_eq!((report.claimed, report.finished), (2, 2), "{report:?}");
    assert!(s.cloud("removed").await.is_empty());
    assert!(s.records(None).await.is_empty());
    // A server-side upload's record (no signature left the server) still goes at once.
    let record = create(&service, png(5, 5), "carol").await.unwrap();
    service.remove(&id_of(&record), "carol").await.unwrap();
    assert!(s.records(None).await.is_empty());
}

/// An intent that will not be used is cancelled: an upload made anyway is destroyed, adopting it fails,
/// and the record stays `deleting` until its signature expires. Its place under the bound is free only
/// then: the signature can still store an asset, and sign-then-cancel must not hand out live
/// signatures without bound.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_direct_upload_leaves_nothing_and_holds_its_place_until_its_signature_ends() {
    let s = setup(&[]).await;
    let mut o = options("cancel");
    o.max_pending_direct_uploads = Some(1);
    o.direct_upload_ttl = Duration::from_millis(100);
    o.signature_lifetime = Duration::from_millis(LIFETIME_MS);
    let service = s.service(o);
    let first = service
        .prepare_direct_upload("alice", now_ms())
        .await
        .unwrap();
    let first_id = record_id(&first);
    let uploaded = browser_upload(&s, &first, png(8, 8)).await;
    let code = |r: Result<Value, cirrus_media::MediaError>| r.unwrap_err().code;
    assert_eq!(
        code(service.cancel_direct_upload(&first_id, "bob").await),
        ErrorCode::NotFound,
        "not another owner's"
    );
    let answer = service
        .cancel_direct_upload(&first_id, "alice")
        .await
        .unwrap();
    assert_eq!(answer.get("cancelled"), &Value::Bool(true));
    assert!(s.cloud("cancel").await.is_empty(), "the upload made anyway");
    assert_kept_until_signed(&s).await;
    let again = service
        .cancel_direct_upload(&first_id, "alice")
        .await
        .unwrap();
    assert_eq!(again.get("cancelled"), &Value::Bool(false));
    assert_eq!(
        service.adopt(&uploaded, "alice").await.unwrap_err().code,
        ErrorCode::NotFound
    );
    let err = service
        .prepare_direct_upload("alice", now_ms())
        .await
        .unwrap_err();
    assert_eq!(
        err.code,
        ErrorCode::TooManyPending,
        "the cancelled signature still runs"
    );
    assert!(
        err.message.starts_with("this owner has 1 direct uploads")
            && err.message.contains("ask again after"),
        "{}",
        err.message
    );
    // The cancelled params posted again: the sweep destroys that once the signature has expired, and
    // the place is free.
    browser_upload(&s, &first, png(8, 8)).await;
    assert_eq!(s.cloud("cancel").await.len(), 1);
    assert_eq!(service.sweep(100).await.unwrap().claimed, 0, "too early");
    sleep_past_leases(&s).await;
    assert_eq!(service.sweep(100).await.unwrap().finished, 1);
    assert!(s.cloud("cancel").await.is_empty());
    let second = service
        .prepare_direct_upload("alice", now_ms())
        .await
        .unwrap();
    // Once adopted, it cannot be cancelled.
    let identifier = browser_upload(&s, &second, png(9, 9)).await;
    service.adopt(&identifier, "alice").await.unwrap();
    assert_eq!(
        code(
            service
                .cancel_direct_upload(&record_id(&second), "alice")
                .await
        ),
        ErrorCode::NotFound
    );
}

/// Two replicas: one refuses an upload at adopt while the other signs the same record again (a long
/// upload's resign) between the first's read and its compare-and-set. The refusal must not put back
/// what it read: the record is kept until the new signature has expired.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_racing_a_resign_keeps_the_record_until_the_new_signature_expires() {
    let s = setup(&[]).await;
    let a = short(&s, "race");
    let mut o = options("race");
    o.max_bytes = 2_000;
    o.direct_upload_ttl = Duration::from_millis(100);
    o.signature_lifetime = Duration::from_millis(LIFETIME_MS);
    let b = s.other_service(o);
    let signed = a.prepare_direct_upload("mallory", now_ms()).await.unwrap();
    let big = browser_upload(&s, &signed, png(200, 200)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (reached_tx, reached) = tokio::sync::oneshot::channel();
    let (release, release_rx) = tokio::sync::oneshot::channel();
    *s.repo.pause_before_ending.lock().unwrap() = Some((reached_tx, release_rx));
    let adopt = tokio::spawn(async move { a.adopt(&big, "mallory").await.map(|_| ()) });
    reached.await.unwrap();
    let resigned = b
        .resign_direct_upload("mallory", &record_id(&signed), now_ms())
        .await
        .unwrap();
    let resigned_until = s.records(None).await[0].signed_until.clone().unwrap();
    release.send(()).unwrap();
    assert_eq!(
        adopt.await.unwrap().unwrap_err().code,
        ErrorCode::FileTooLarge
    );
    let kept = s.records(Some(State::Deleting)).await;
    assert_eq!(
        kept[0].signed_until.as_deref(),
        Some(resigned_until.as_str())
    );
    assert_kept_until_signed(&s).await;
    // What the new signature stores is named by the record, and swept when it has expired.
    browser_upload(&s, &resigned, png(200, 200)).await;
    sleep_past_leases(&s).await;
    assert_eq!(b.sweep(100).await.unwrap().finished, 1);
    assert!(s.cloud("race").await.is_empty());
    assert!(s.records(None).await.is_empty());
}

/// A resign whose `nowMs` is behind an earlier signature's (another replica's clock) does not shorten
/// the record's life; a `nowMs` ahead of the clock (which would keep a record, counted against its
/// owner, towards the far future) or long past is refused; `signatureLifetime` is at most a day.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_times_cannot_shorten_a_record_or_push_it_into_the_future() {
    let s = setup(&[]).await;
    let service = short(&s, "times");
    let first = service
        .prepare_direct_upload("carol", now_ms())
        .await
        .unwrap();
    let before = s.records(None).await[0].clone();
    service
        .resign_direct_upload("carol", &record_id(&first), now_ms() - 1000.0)
        .await
        .unwrap();
    let after = s.records(None).await[0].clone();
    assert!(after.signed_until >= before.signed_until);
    assert!(after.lease_until >= before.lease_until);
    for off in [3_600_000.0, -3_600_000.0, f64::MAX, f64::INFINITY, f64::NAN] {
        let err = service
            .prepare_direct_upload("dave", now_ms() + off)
            .await
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidArgument, "{off}");
        let err = service
            .resign_direct_upload("carol", &record_id(&first), now_ms() + off)
            .await
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidArgument, "{off}");
    }
    assert!(s.records(None).await.iter().all(|r| r.owner_id == "carol"));
    for (lifetime, said) in [(86_400_001.0, "not 86400001"), (1e308, "not 1e+308")] {
        let mut o = cirrus_core::Map::new();
        o.set("signatureLifetime", Value::Number(lifetime));
        let err = cirrus_media::ServiceOptions::from_value(&Value::Object(o)).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidOption);
        assert!(err.message.ends_with(said), "{}", err.message);
    }
}

/// Only an unfinished direct upload can be cancelled or signed again: a server-side upload in progress
/// (no signature left the server) is `NOT_FOUND` to cancel and `INTENT_EXPIRED` to resign.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_side_upload_in_progress_cannot_be_cancelled_or_signed() {
    let s = setup(&[]).await;
    let service = short(&s, "server");
    let now = now_ms() as i64;
    let mut intent = cirrus_media::MediaRecord::pending(
        "server/alice/upload".to_owned(),
        "image",
        "upload",
        "alice",
        cirrus_core::time::iso8601_ms(now),
        Some(cirrus_core::time::iso8601_ms(now + 60_000)),
    );
    // As `createOne` stores it: its sniffed type from the start.
    intent.idempotency_key = Some("k".to_owned());
    intent.mime_type = Some("image/png".to_owned());
    let stored = s.repo.inner.insert(intent).await.unwrap().record;
    let err = service
        .cancel_direct_upload(stored.id.as_ref().unwrap(), "alice")
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    // Nor signed for a browser: its params would let the owner store there what no server check saw.
    let err = service
        .resign_direct_upload("alice", stored.id.as_ref().unwrap(), now_ms())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::IntentExpired);
    assert_eq!(s.records(Some(State::Pending)).await.len(), 1);
}

/// A service with a bound of one live intent per owner.
fn bounded(s: &Setup, folder: &str) -> MediaService {
    let mut o = options(folder);
    o.max_pending_direct_uploads = Some(1);
    o.direct_upload_ttl = Duration::from_millis(100);
    o.signature_lifetime = Duration::from_millis(60_000);
    s.service(o)
}

/// An adopted upload removed (or soft-removed first, then removed or purged) holds its owner's place
/// while its signature runs: each such cycle would otherwise hand out one more live signature.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ended_upload_whose_signature_runs_holds_its_place_soft_removed_or_not() {
    let s = setup(&[]).await;
    let service = bounded(&s, "bound");
    for (owner, soft, purge) in [("a", false, false), ("b", true, false), ("c", true, true)] {
        let signed = service
            .prepare_direct_upload(owner, now_ms())
            .await
            .unwrap();
        let record = service
            .adopt(&browser_upload(&s, &signed, png(8, 8)).await, owner)
            .await
            .unwrap();
        if soft {
            service.soft_remove(&id_of(&record), owner).await.unwrap();
        }
        if purge {
            let cutoff = cirrus_core::time::iso8601_ms(now_ms() as i64 + 1000);
            service.purge(&cutoff).await.unwrap();
        } else {
            service.remove(&id_of(&record), owner).await.unwrap();
        }
        let err = service
            .prepare_direct_upload(owner, now_ms())
            .await
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::TooManyPending, "{owner}");
    }
}

/// While a prepare is counted (and may be refused, its intent deleted), another replica cannot sign
/// its intent: a refused prepare leaves no signature for a public_id that no record names. Raced
/// without hooks, two replicas, 100 refused prepares.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resign_cannot_sign_an_intent_that_is_still_being_counted() {
    let s = setup(&[]).await;
    let a = std::sync::Arc::new(bounded(&s, "counting"));
    let mut o = options("counting");
    o.max_pending_direct_uploads = Some(1);
    o.signature_lifetime = Duration::from_millis(60_000);
    let b = s.other_service(o);
    let first = a.prepare_direct_upload("mallory", now_ms()).await.unwrap();
    let RecordId::Int(mut next) = record_id(&first) else {
        panic!("SQLite ids are integers")
    };
    let mut signed_without_record = 0;
    for _ in 0..100 {
        next += 1;
        let a = a.clone();
        let prepare =
            tokio::spawn(async move { a.prepare_direct_upload("mallory", now_ms()).await });
        let mut resigned = None;
        while !prepare.is_finished() {
            if let Ok(v) = b
                .resign_direct_upload("mallory", &RecordId::Int(next), now_ms())
                .await
            {
                resigned = Some(v);
            }
        }
        assert_eq!(
            prepare.await.unwrap().unwrap_err().code,
            ErrorCode::TooManyPending
        );
        if let Some(v) = resigned {
            let public_id = v.get("public_id").to_js_string();
            if !s
                .records(None)
                .await
                .iter()
                .any(|r| r.public_id == public_id)
            {
                signed_without_record += 1;
            }
        }
    }
    assert_eq!(signed_without_record, 0);
}

/// A removal whose destroy fails leaves the record for the next sweep (its working lease), not for the
/// end of the signature: the asset would be served meanwhile. The sweep destroys it, then keeps the
/// record until the signature ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removal_whose_destroy_fails_is_retried_by_the_next_sweep() {
    let s = setup(&[]).await;
    let mut o = options("retry");
    o.direct_upload_ttl = Duration::from_millis(100);
    o.signature_lifetime = Duration::from_millis(60_000);
    let mut defaults = cirrus_core::Map::new();
    defaults.set("retries", Value::Number(0.0));
    o.upload_defaults = defaults;
    let service = s.service(o);
    let signed = service
        .prepare_direct_upload("alice", now_ms())
        .await
        .unwrap();
    let record = service
        .adopt(&browser_upload(&s, &signed, png(8, 8)).await, "alice")
        .await
        .unwrap();
    s.set_faults(r#"{"destroy":{"error_500":1.0}}"#).await;
    assert!(service.remove(&id_of(&record), "alice").await.is_err());
    s.set_faults("{}").await;
    assert_eq!(s.cloud("retry").await.len(), 1);
    sleep_past_leases(&s).await;
    let report = service.sweep(100).await.unwrap();
    assert_eq!((report.claimed, report.finished), (1, 1), "{report:?}");
    assert!(s.cloud("retry").await.is_empty());
    assert_eq!(s.records(Some(State::Deleting)).await.len(), 1, "kept");
    assert_kept_until_signed(&s).await;
}

/// An intent prepared by the previous release (no `signed_until`, its signature in a browser) can still
/// be signed again and cancelled after the upgrade (during a rolling one, old replicas prepare such
/// intents); one stored but not signed yet (being counted) cannot.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn intents_from_before_the_upgrade_can_be_signed_again_and_cancelled() {
    let s = setup(&[]).await;
    let service = short(&s, "upgrade");
    let now = now_ms() as i64;
    let old = |name: &str| {
        cirrus_media::MediaRecord::pending(
            format!("upgrade/alice/{name}"),
            "image",
            "upload",
            "alice",
            cirrus_core::time::iso8601_ms(now),
            Some(cirrus_core::time::iso8601_ms(now + 60_000)),
        )
    };
    let resigned = s.repo.inner.insert(old("resigned")).await.unwrap().record;
    let answer = service
        .resign_direct_upload("alice", resigned.id.as_ref().unwrap(), now_ms())
        .await
        .unwrap();
    assert_eq!(
        answer.get("public_id").as_str(),
        Some("upgrade/alice/resigned")
    );
    let stored = s
        .repo
        .inner
        .get(resigned.id.unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(stored.signed_until.is_some(), "signed now");
    let cancelled = s.repo.inner.insert(old("cancelled")).await.unwrap().record;
    let answer = service
        .cancel_direct_upload(cancelled.id.as_ref().unwrap(), "alice")
        .await
        .unwrap();
    assert_eq!(answer.get("cancelled"), &Value::Bool(true));
    let mut counting = old("counting");
    counting.signed_until = Some("1970-01-01T00:00:00.000Z".to_owned());
    let counting = s.repo.inner.insert(counting).await.unwrap().record;
    let err = service
        .resign_direct_upload("alice", counting.id.as_ref().unwrap(), now_ms())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::IntentExpired);
}
