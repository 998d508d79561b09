//! A direct upload's record outlives every signature given for it. The browser holds its signed params
//! until they expire (an hour at Cloudinary, `signatureLifetime` here) and can post them again: whatever
//! they store must be named by a record, which the sweep finishes once they have expired. Against an
//! in-process emulator over real HTTP and a real SQLite file, with short lifetimes.

mod support;

use cirrus_core::{ErrorCode, Value};
use cirrus_media::{RecordId, State};
use std::time::Duration;
use support::*;

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

/// Sleeps until `at_ms` (a Unix time in milliseconds).
async fn sleep_until(at_ms: f64) {
    tokio::time::sleep(Duration::from_millis((at_ms - now_ms()).max(0.0) as u64)).await;
}

/// Short leases, as the emulator's clock is not scaled: only the service's view of the lifetime is.
fn short(folder: &str, lifetime_ms: u64) -> cirrus_media::ServiceOptions {
    let mut o = options(folder);
    o.max_bytes = 2_000;
    o.direct_upload_ttl = Duration::from_millis(100);
    o.signature_lifetime = Duration::from_millis(lifetime_ms);
    o
}

/// An intent that will not be used is cancelled: its place under the bound is free at once, an upload
/// made anyway is destroyed, and the record stays `deleting` until its signature expires (a later post
/// of the params is the sweep's, as after a refusal).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_direct_upload_frees_its_place_and_leaves_nothing() {
    let s = setup(&[]).await;
    let mut o = short("cancel", 1500);
    o.max_pending_direct_uploads = Some(1);
    let service = s.service(o);
    let signed_at = now_ms();
    let first = service
        .prepare_direct_upload("alice", signed_at)
        .await
        .unwrap();
    let first_id = record_id(&first);
    assert_eq!(
        service
            .prepare_direct_upload("alice", now_ms())
            .await
            .unwrap_err()
            .code,
        ErrorCode::TooManyPending
    );
    // The browser uploaded anyway; then the page cancels.
    let uploaded = browser_upload(&s, &first, png(8, 8)).await;
    assert_eq!(
        service
            .cancel_direct_upload(&first_id, "bob")
            .await
            .unwrap_err()
            .code,
        ErrorCode::NotFound,
        "not another owner's"
    );
    let cancelled_at = now_ms();
    let answer = service
        .cancel_direct_upload(&first_id, "alice")
        .await
        .unwrap();
    assert_eq!(answer.get("cancelled"), &Value::Bool(true));
    assert!(s.cloud("cancel").await.is_empty(), "the upload made anyway");
    let again = service
        .cancel_direct_upload(&first_id, "alice")
        .await
        .unwrap();
    assert_eq!(again.get("cancelled"), &Value::Bool(false));
    assert_eq!(
        service.adopt(&uploaded, "alice").await.unwrap_err().code,
        ErrorCode::NotFound
    );
    // Its place is free; the new one, once adopted, cannot be cancelled.
    let second = service
        .prepare_direct_upload("alice", now_ms())
        .await
        .unwrap();
    let second_id = record_id(&second);
    let identifier = browser_upload(&s, &second, png(9, 9)).await;
    service.adopt(&identifier, "alice").await.unwrap();
    assert_eq!(
        service
            .cancel_direct_upload(&second_id, "alice")
            .await
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );
    // The cancelled params posted again: the sweep destroys it once the signature has expired.
    browser_upload(&s, &first, png(8, 8)).await;
    assert_eq!(s.cloud("cancel").await.len(), 2);
    assert_eq!(service.sweep(100).await.unwrap().claimed, 0, "too early");
    let expired = cancelled_at + 1500.0 + 100.0;
    tokio::time::sleep(Duration::from_millis((expired - now_ms()).max(0.0) as u64)).await;
    assert_eq!(service.sweep(100).await.unwrap().finished, 1);
    assert_eq!(s.cloud("cancel").await, s.recorded(State::Committed).await);
    assert_eq!(s.records(None).await.len(), 1);
}

/// The browser holds its signed params until they expire (an hour at Cloudinary): posting them again
/// stores the asset again. So a direct upload's record outlives every signature given for it: the
/// sweep does not take a pending one before, and a refused one stays `deleting` until then, so the
/// sweep destroys what a replay stored. (Before, the record went at once, and the replayed asset was
/// named by nothing.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_direct_upload_record_outlives_its_signature_and_a_replay_is_swept() {
    let s = setup(&[]).await;
    let service = s.service(short("replay", 1500));
    let signed_at = now_ms();
    let signed = service
        .prepare_direct_upload("alice", signed_at)
        .await
        .unwrap();
    // Past the intent's own ttl, the signature still runs: the sweep leaves the record.
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(service.sweep(100).await.unwrap().claimed, 0);
    let big = browser_upload(&s, &signed, png(200, 200)).await;
    // Kept until every signature given so far has expired: one given at the refusal at the latest.
    let refused_at = now_ms();
    let err = service.adopt(&big, "alice").await.unwrap_err();
    assert_eq!(err.code, ErrorCode::FileTooLarge);
    assert!(s.cloud("replay").await.is_empty(), "destroyed at once");
    // The same signed upload posted again: stored again, and not adoptable.
    let replayed = browser_upload(&s, &signed, png(200, 200)).await;
    assert_eq!(s.cloud("replay").await.len(), 1);
    assert_eq!(
        service.adopt(&replayed, "alice").await.unwrap_err().code,
        ErrorCode::NotFound
    );
    assert_eq!(service.sweep(100).await.unwrap().claimed, 0, "too early");
    assert_eq!(s.records(Some(State::Deleting)).await.len(), 1);
    // Once the signature has expired, the sweep destroys the replayed asset and drops the record.
    let expired = refused_at + 1500.0 + 100.0;
    tokio::time::sleep(Duration::from_millis((expired - now_ms()).max(0.0) as u64)).await;
    let report = service.sweep(100).await.unwrap();
    assert_eq!((report.claimed, report.finished), (1, 1), "{report:?}");
    assert!(s.cloud("replay").await.is_empty());
    assert!(s.records(None).await.is_empty());
}

/// Adopted, then removed (or soft-removed and purged) while the signature still runs: the asset is
/// destroyed at once, but the record stays `deleting` until the signature has expired, so that the sweep
/// destroys what a post of the same params stores. (Before, the record went at once and such an asset,
/// of any size, was named by nothing until a `reconcile()`.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_direct_upload_removed_or_purged_within_its_signature_is_kept_until_it_expires() {
    let s = setup(&[]).await;
    let service = s.service(short("removed", 1500));
    let signed_at = now_ms();
    let removed = service
        .prepare_direct_upload("alice", signed_at)
        .await
        .unwrap();
    let purged = service
        .prepare_direct_upload("bob", signed_at)
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
    // Both signed uploads posted again: stored, named by their records, not adoptable.
    for (signed, owner) in [(&removed, "alice"), (&purged, "bob")] {
        let again = browser_upload(&s, signed, png(9, 9)).await;
        assert_eq!(
            service.adopt(&again, owner).await.unwrap_err().code,
            ErrorCode::NotFound
        );
    }
    assert_eq!(s.cloud("removed").await.len(), 2);
    assert_eq!(service.sweep(100).await.unwrap().claimed, 0, "too early");
    sleep_until(signed_at + 1500.0 + 100.0).await;
    let report = service.sweep(100).await.unwrap();
    assert_eq!((report.claimed, report.finished), (2, 2), "{report:?}");
    assert!(s.cloud("removed").await.is_empty());
    assert!(s.records(None).await.is_empty());
    // A server-side upload's record (no signature left the server) still goes at once.
    let record = create(&service, png(5, 5), "carol").await.unwrap();
    service.remove(&id_of(&record), "carol").await.unwrap();
    assert!(s.records(None).await.is_empty());
}

/// Two replicas: one refuses an upload at adopt while the other signs the same record again (a long
/// upload's resign) between the first's read and its compare-and-set. The refusal must not put back
/// the lease it read: the record is kept until the new signature has expired too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_racing_a_resign_keeps_the_record_until_the_new_signature_expires() {
    let s = setup(&[]).await;
    let o = short("race", 1500);
    let (a, b) = (s.service(o.clone()), s.other_service(o));
    let signed = a.prepare_direct_upload("mallory", now_ms()).await.unwrap();
    let big = browser_upload(&s, &signed, png(200, 200)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (reached_tx, reached) = tokio::sync::oneshot::channel();
    let (release, release_rx) = tokio::sync::oneshot::channel();
    *s.repo.pause_before_ending.lock().unwrap() = Some((reached_tx, release_rx));
    let adopt = tokio::spawn(async move { a.adopt(&big, "mallory").await.map(|_| ()) });
    reached.await.unwrap();
    let resigned_at = now_ms();
    let resigned = b
        .resign_direct_upload("mallory", &record_id(&signed), resigned_at)
        .await
        .unwrap();
    release.send(()).unwrap();
    assert_eq!(
        adopt.await.unwrap().unwrap_err().code,
        ErrorCode::FileTooLarge
    );
    // Past the first signature's end, before the new one's: the sweep leaves the record, and what the
    // new signature stores is named by it.
    sleep_until(resigned_at + 1300.0).await;
    assert_eq!(
        b.sweep(100).await.unwrap().claimed,
        0,
        "the new signature runs"
    );
    browser_upload(&s, &resigned, png(200, 200)).await;
    sleep_until(resigned_at + 1500.0 + 150.0).await;
    assert_eq!(b.sweep(100).await.unwrap().finished, 1);
    assert!(s.cloud("race").await.is_empty());
    assert!(s.records(None).await.is_empty());
}

/// A resign whose `nowMs` is behind an earlier signature's (another replica's clock) does not shorten
/// the record's life below the earlier signature's; a `nowMs` ahead of the clock is refused (it would
/// keep a record, counted against its owner, towards the far future).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_times_cannot_shorten_a_record_or_push_it_into_the_future() {
    let s = setup(&[]).await;
    let service = s.service(short("times", 1500));
    let signed_at = now_ms();
    let first = service
        .prepare_direct_upload("carol", signed_at)
        .await
        .unwrap();
    service
        .resign_direct_upload("carol", &record_id(&first), signed_at - 1000.0)
        .await
        .unwrap();
    sleep_until(signed_at + 1200.0).await;
    assert_eq!(service.sweep(100).await.unwrap().claimed, 0);
    for ahead in [3_600_000.0, f64::MAX, f64::INFINITY, f64::NAN] {
        let err = service
            .prepare_direct_upload("dave", now_ms() + ahead)
            .await
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidArgument, "{ahead}");
        let err = service
            .resign_direct_upload("carol", &record_id(&first), now_ms() + ahead)
            .await
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidArgument, "{ahead}");
    }
    assert!(s.records(None).await.iter().all(|r| r.owner_id == "carol"));
    // A lifetime past a day is refused (a huge one would overflow the lease arithmetic).
    let mut o = cirrus_core::Map::new();
    o.set("signatureLifetime", Value::Number(1e19));
    let err = cirrus_media::ServiceOptions::from_value(&Value::Object(o)).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidOption);
}
