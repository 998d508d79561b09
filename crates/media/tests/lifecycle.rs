//! The media lifecycle against an in-process emulator over real HTTP and a real SQLite file: every path,
//! including faults after the server stored something, a repository going down after the upload, a
//! "crash" between upload and commit, and concurrent callers, ends with the cloud and the repository in
//! agreement.

mod support;

use cirrus_core::{ErrorCode, Value};
use cirrus_media::{CreateOptions, Repository, State};
use cirrus_transport::CancellationToken;
use std::sync::atomic::Ordering;
use std::time::Duration;
use support::*;

fn now_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as f64
}

fn keyed(key: &str) -> CreateOptions {
    CreateOptions {
        idempotency_key: Some(key.to_owned()),
        ..CreateOptions::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_records_intent_then_commits_under_the_owners_folder() {
    let s = setup(&[]).await;
    let service = s.service(options("life"));
    let record = create(&service, png(12, 6), "a/b").await.unwrap();
    let public_id = record.get("public_id").to_js_string();
    assert!(public_id.starts_with("life/a_2Fb/"), "{public_id}");
    assert_eq!(record.get("state").as_str(), Some("committed"));
    assert_eq!(record.get("width").as_number_u64(), Some(12));
    assert!(record.get("secure_url").to_js_string().ends_with(".png"));
    assert_eq!(s.cloud("life").await, vec![public_id.clone()]);
    assert_eq!(s.recorded(State::Committed).await, vec![public_id]);
    assert!(s.recorded(State::Pending).await.is_empty());
    // Another owner cannot read or remove it.
    let id = id_of(&record);
    assert_eq!(
        service.find(&id, "a").await.unwrap_err().code,
        ErrorCode::NotFound
    );
    assert_eq!(
        service.remove(&id, "a").await.unwrap_err().code,
        ErrorCode::NotFound
    );
    service.remove(&id, "a/b").await.unwrap();
    assert!(s.cloud("life").await.is_empty());
    assert!(s.records(None).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_lost_after_the_server_stored_never_make_a_second_asset() {
    // Every upload request is stored, then its answer is lost one way or another, often.
    let s = setup(&["upload:after500=0.25,afterreset=0.2,aftertimeout=0.1,hang=1500"]).await;
    let mut o = options("lost");
    o.pending_ttl = Duration::from_secs(10);
    let mut defaults = cirrus_core::Map::new();
    defaults.set("retries", Value::Number(10.0));
    defaults.set("retry_delay", Value::Number(5.0));
    defaults.set("timeout", Value::Number(800.0));
    o.upload_defaults = defaults;
    let service = s.service(o);
    let mut created = Vec::new();
    for i in 0..24 {
        let r = create(&service, png(4 + i, 4), "alice").await;
        if let Ok(r) = r {
            created.push(r.get("public_id").to_js_string());
        }
    }
    assert!(
        created.len() >= 20,
        "retries get through: {}",
        created.len()
    );
    created.sort();
    // Exactly the acknowledged ones exist, once each; nothing else is left anywhere.
    assert_eq!(s.cloud("lost").await, created);
    assert_eq!(s.recorded(State::Committed).await, created);
    assert!(s.recorded(State::Pending).await.is_empty());
    assert!(s.recorded(State::Deleting).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repository_down_after_the_upload_leaves_a_pending_record_the_sweeper_finishes() {
    let s = setup(&[]).await;
    let service = s.service(options("down"));
    s.repo.fail_updates.store(true, Ordering::Relaxed);
    let err = create(&service, png(8, 8), "alice").await.unwrap_err();
    assert_eq!(err.code, ErrorCode::RepositoryFailed);
    // The asset landed and its pending record names it: nothing is unaccounted for.
    let cloud = s.cloud("down").await;
    assert_eq!(cloud.len(), 1);
    assert_eq!(s.recorded(State::Pending).await, cloud);
    s.repo.fail_updates.store(false, Ordering::Relaxed);
    // A sweep before the lease ends leaves it alone; after, it finishes it.
    assert_eq!(service.sweep(100).await.unwrap().claimed, 0);
    tokio::time::sleep(Duration::from_millis(700)).await;
    let report = service.sweep(100).await.unwrap();
    assert_eq!((report.claimed, report.finished), (1, 1));
    assert!(s.cloud("down").await.is_empty());
    assert!(s.records(None).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_between_upload_and_commit_is_swept() {
    let s = setup(&[]).await;
    let service = s.service(options("crash"));
    // What a process killed after its upload leaves: a pending record and the asset it names.
    let stale = cirrus_media::MediaRecord {
        lease_until: Some(cirrus_core::time::iso8601_ms(0)),
        ..pending_record("crash/alice/killed1")
    };
    s.repo.inner.insert(stale).await.unwrap();
    s.upload_direct("crash/alice/killed1", png(5, 5)).await;
    // ... and one whose upload never happened.
    let never = cirrus_media::MediaRecord {
        lease_until: Some(cirrus_core::time::iso8601_ms(0)),
        ..pending_record("crash/alice/killed2")
    };
    s.repo.inner.insert(never).await.unwrap();
    let report = service.sweep(100).await.unwrap();
    assert_eq!((report.claimed, report.finished, report.failed), (2, 2, 0));
    assert!(s.cloud("crash").await.is_empty());
    assert!(s.records(None).await.is_empty());
}

/// Another replica's sweeper took the pending record and found no asset; this replica's upload then
/// lands. `create_one` fails either way; the sweeper deletes the record it claimed once this returns.
async fn upload_landing_after_a_sweeper(
    s: &Setup,
    service: &cirrus_media::MediaService,
) -> ErrorCode {
    s.repo
        .sweep_before_state_change
        .store(true, Ordering::Relaxed);
    let err = create(service, png(7, 7), "alice").await.unwrap_err();
    assert!(!s.repo.sweep_before_state_change.load(Ordering::Relaxed));
    let claimed = s.records(Some(State::Deleting)).await;
    assert_eq!(claimed.len(), 1, "the sweeper's claim is still there");
    let id = claimed[0].id.clone().unwrap();
    assert!(s.repo.inner.delete(id, State::Deleting).await.unwrap());
    err.code
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_committed_after_a_sweeper_took_its_record_destroys_its_asset() {
    let s = setup(&[]).await;
    let service = s.service(options("late"));
    let code = upload_landing_after_a_sweeper(&s, &service).await;
    assert_eq!(code, ErrorCode::IntentExpired);
    assert!(
        s.cloud("late").await.is_empty(),
        "no asset without a record"
    );
    assert!(s.records(None).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_upload_whose_record_a_sweeper_took_destroys_its_asset() {
    // The upload is stored, then its answer is lost (no retries): the asset may exist, so the intent is
    // retired, but a sweeper has taken the record first.
    let s = setup(&["upload:after500=1.0"]).await;
    let mut o = options("lostlate");
    let mut defaults = cirrus_core::Map::new();
    defaults.set("retries", Value::Number(0.0));
    o.upload_defaults = defaults;
    let service = s.service(o);
    upload_landing_after_a_sweeper(&s, &service).await;
    assert!(
        s.cloud("lostlate").await.is_empty(),
        "no asset without a record"
    );
    assert!(s.records(None).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_purge_leaves_media_restored_after_it_began() {
    let s = setup(&[]).await;
    let service = s.service(options("restored"));
    let mut ids = Vec::new();
    for i in 0..3 {
        let record = create(&service, png(5 + i, 5), "alice").await.unwrap();
        ids.push(id_of(&record));
    }
    for id in &ids[..2] {
        service.soft_remove(id, "alice").await.unwrap();
    }
    // Another replica restores the first one just before the purge claims.
    *s.repo.restore_before_purge_claim.lock().unwrap() = Some(ids[0].clone());
    let cutoff = cirrus_core::time::iso8601_ms(now_ms() as i64 + 60_000);
    let report = service.purge(&cutoff).await.unwrap();
    assert!(s.repo.restore_before_purge_claim.lock().unwrap().is_none());
    assert_eq!(report.get("purged").as_array().unwrap_or_default().len(), 1);
    assert_eq!(report.get("failed").as_number_u64(), Some(0));
    let found = service.find(&ids[0], "alice").await.unwrap();
    assert_eq!(found.get("state").as_str(), Some("committed"));
    assert!(found.get("deletedAt").is_nullish());
    assert_eq!(
        service.find(&ids[1], "alice").await.unwrap_err().code,
        ErrorCode::NotFound
    );
    service.find(&ids[2], "alice").await.unwrap();
    assert_eq!(s.cloud("restored").await.len(), 2);
    assert_eq!(s.records(None).await.len(), 2);
    // Soft-deleted since, but after the cutoff: left.
    service.soft_remove(&ids[0], "alice").await.unwrap();
    let early = cirrus_core::time::iso8601_ms(now_ms() as i64 - 60_000);
    let report = service.purge(&early).await.unwrap();
    assert_eq!(report.get("purged").as_array().unwrap_or_default().len(), 0);
    assert_eq!(s.cloud("restored").await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_purge_over_a_repository_that_ignores_deleted_before_says_so() {
    let s = setup(&[]).await;
    let service = s.service(options("oldrepo"));
    let record = create(&service, png(6, 6), "alice").await.unwrap();
    let id = id_of(&record);
    service.soft_remove(&id, "alice").await.unwrap();
    // An expired pending record (a crashed upload) is what such a claim takes instead.
    s.repo
        .inner
        .insert(pending_record("oldrepo/alice/crashed"))
        .await
        .unwrap();
    s.repo.ignore_deleted_before.store(true, Ordering::Relaxed);
    let cutoff = cirrus_core::time::iso8601_ms(now_ms() as i64 + 60_000);
    let err = service.purge(&cutoff).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::RepositoryFailed);
    assert!(err.message.contains("deletedBefore"), "{}", err.message);
    // The soft-deleted record is untouched; the expired one, claimed, is left to the sweep.
    assert_eq!(s.recorded(State::Committed).await.len(), 1);
    assert_eq!(
        s.recorded(State::Deleting).await,
        vec!["oldrepo/alice/crashed"]
    );
    assert_eq!(s.cloud("oldrepo").await.len(), 1);
    // With nothing expired for it to take, such a claim takes nothing: the record still due says so.
    let err = service.purge(&cutoff).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::RepositoryFailed);
    assert_eq!(s.recorded(State::Committed).await.len(), 1);
    assert_eq!(s.cloud("oldrepo").await.len(), 1);
}

fn pending_record(public_id: &str) -> cirrus_media::MediaRecord {
    let now = cirrus_core::time::iso8601_ms(1_800_000_000_000);
    cirrus_media::MediaRecord::pending(public_id.to_owned(), "image", "upload", "alice", now, None)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removal_whose_destroy_fails_is_finished_by_the_sweeper() {
    let s = setup(&[]).await;
    let mut o = options("rm");
    let mut defaults = cirrus_core::Map::new();
    defaults.set("retries", Value::Number(0.0));
    o.upload_defaults = defaults;
    let service = s.service(o);
    let record = create(&service, png(9, 9), "alice").await.unwrap();
    let id = id_of(&record);
    s.set_faults(r#"{"destroy":{"error_500":1.0}}"#).await;
    assert!(service.remove(&id, "alice").await.is_err());
    // Invisible to reads, still named by a deleting record: never half-done.
    assert_eq!(
        service.find(&id, "alice").await.unwrap_err().code,
        ErrorCode::NotFound
    );
    assert_eq!(s.recorded(State::Deleting).await.len(), 1);
    assert_eq!(s.cloud("rm").await.len(), 1);
    s.set_faults("{}").await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(service.sweep(100).await.unwrap().finished, 1);
    assert!(s.cloud("rm").await.is_empty());
    assert!(s.records(None).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_idempotency_key_in_two_processes_makes_one_record_and_one_asset() {
    let s = setup(&["upload:latency=150"]).await;
    let a = s.other_service(options("idem"));
    let b = s.other_service(options("idem"));
    let cancel = CancellationToken::new();
    let key = keyed("order-7");
    let (ra, rb) = tokio::join!(
        a.create_one(file(png(10, 10)), "alice", &key, &cancel),
        b.create_one(file(png(10, 10)), "alice", &key, &cancel),
    );
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(ra.get("id"), rb.get("id"));
    assert_eq!(s.cloud("idem").await.len(), 1);
    assert_eq!(s.records(None).await.len(), 1);
    // Another owner with the same key is another request.
    let other = a
        .create_one(file(png(10, 10)), "bob", &key, &cancel)
        .await
        .unwrap();
    assert_ne!(other.get("id"), ra.get("id"));
    // After removal the key is free again.
    a.remove(&id_of(&ra), "alice").await.unwrap();
    let again = a
        .create_one(file(png(10, 10)), "alice", &key, &cancel)
        .await
        .unwrap();
    assert_ne!(again.get("id"), ra.get("id"));
}

/// Uploads what a browser would with a prepared signature; returns the signed identifier.
async fn browser_upload(s: &Setup, signed: &Value, bytes: bytes::Bytes) -> String {
    browser_upload_as(s, signed, bytes, "image").await
}

/// A browser's upload of the signed params to `resource_type`'s endpoint (the signature does not cover
/// the endpoint); the identifier Cloudinary's answer makes.
async fn browser_upload_as(
    s: &Setup,
    signed: &Value,
    bytes: bytes::Bytes,
    resource_type: &str,
) -> String {
    identifier_of(&s.post_signed(signed, bytes, resource_type).await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_params_posted_as_another_resource_type_leave_nothing() {
    let s = setup(&[]).await;
    let service = s.service(options("stray"));
    let signed = service
        .prepare_direct_upload("alice", now_ms())
        .await
        .unwrap();
    // The browser posts the image's signed params to /raw/upload: refused at adopt, and deleted.
    let raw = browser_upload_as(&s, &signed, png(8, 8), "raw").await;
    assert_eq!(s.cloud_of("raw", "stray").await.len(), 1);
    let err = service.adopt(&raw, "alice").await.unwrap_err();
    assert_eq!(err.code, ErrorCode::IdentifierNotAllowed);
    assert!(err.message.contains("deleted"), "{}", err.message);
    assert!(s.cloud_of("raw", "stray").await.is_empty());
    // The image itself is adopted; a replay of the params as raw afterwards is the drift check's.
    let image = browser_upload(&s, &signed, png(8, 8)).await;
    service.adopt(&image, "alice").await.unwrap();
    browser_upload_as(&s, &signed, png(9, 9), "raw").await;
    assert_eq!(
        service.adopt(&raw, "alice").await.unwrap_err().code,
        ErrorCode::IdentifierNotAllowed,
        "a committed record answers no other resource type's identifier"
    );
    browser_upload_as(&s, &signed, png(9, 9), "raw").await;
    let report = service.reconcile().await.unwrap();
    assert_eq!(report.destroyed_count, 1, "{report:?}");
    assert!(s.cloud_of("raw", "stray").await.is_empty());
    assert_eq!(s.cloud("stray").await.len(), 1);
    assert_eq!(s.recorded(State::Committed).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_stored_under_another_public_id_is_deleted_and_refused() {
    let s = setup_with(&[], |settings| {
        settings.presets.insert(
            "team".to_owned(),
            cirrus_emulator::Preset {
                folder: Some("shared".to_owned()),
                ..cirrus_emulator::Preset::default()
            },
        );
    })
    .await;
    let mut o = options("moved");
    // Set here past the option reader, which refuses upload_preset in uploadDefaults.
    let mut defaults = cirrus_core::Map::new();
    defaults.set("upload_preset", "team".into());
    o.upload_defaults = defaults;
    let service = s.service(o);
    let err = create(&service, png(5, 5), "alice").await.unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidOption);
    assert!(
        err.message.contains("shared/moved/alice/"),
        "{}",
        err.message
    );
    assert!(s.cloud("shared").await.is_empty());
    assert!(s.cloud("moved").await.is_empty());
    assert!(s.records(None).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn direct_uploads_are_adopted_once_and_refused_ones_are_deleted() {
    let s = setup(&[]).await;
    let mut o = options("direct");
    o.max_bytes = 2_000;
    o.direct_upload_ttl = Duration::from_secs(60);
    let service = s.service(o);
    let signed = service
        .prepare_direct_upload("alice", now_ms())
        .await
        .unwrap();
    assert_eq!(
        signed.get("allowed_formats").as_str(),
        Some("jpg,png,gif,webp,avif,heic")
    );
    let public_id = signed.get("public_id").to_js_string();
    assert!(public_id.starts_with("direct/alice/"));
    assert_eq!(s.recorded(State::Pending).await, vec![public_id.clone()]);
    let identifier = browser_upload(&s, &signed, png(8, 8)).await;
    // Concurrent adopts (a double click, two tabs) commit one record.
    let adopts =
        futures_util::future::join_all((0..5).map(|_| service.adopt(&identifier, "alice"))).await;
    let ids: std::collections::HashSet<String> = adopts
        .iter()
        .map(|r| r.as_ref().unwrap().get("id").to_js_string())
        .collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(s.recorded(State::Committed).await, vec![public_id]);
    // Another owner cannot adopt it.
    assert_eq!(
        service.adopt(&identifier, "bob").await.unwrap_err().code,
        ErrorCode::IdentifierNotAllowed
    );
    // Too big for the server: refused, and the asset and the record are gone.
    let signed = service
        .prepare_direct_upload("alice", now_ms())
        .await
        .unwrap();
    let big = browser_upload(&s, &signed, png(200, 200)).await;
    let err = service.adopt(&big, "alice").await.unwrap_err();
    assert_eq!(err.code, ErrorCode::FileTooLarge);
    assert!(err.message.contains("deleted"), "{}", err.message);
    assert_eq!(s.cloud("direct").await.len(), 1);
    assert_eq!(s.recorded(State::Committed).await.len(), 1);
    assert_eq!(
        s.records(Some(State::Deleting)).await.len(),
        1,
        "the refused one is kept, invisible, until its signature expires"
    );
}

/// One owner cannot fill the repository by asking for signatures: past `maxPendingDirectUploads` live
/// intents a new one is refused and stores nothing; adopting one frees a place, other owners have their
/// own, and intents whose lease ended (the sweep's) do not count.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_has_at_most_max_pending_direct_uploads() {
    // The code of a new intent for `owner`: `None` when it was signed.
    async fn sign(service: &cirrus_media::MediaService, owner: &str) -> Option<ErrorCode> {
        service
            .prepare_direct_upload(owner, now_ms())
            .await
            .err()
            .map(|e| e.code)
    }
    let s = setup(&[]).await;
    let mut o = options("capped");
    o.max_pending_direct_uploads = Some(2);
    o.direct_upload_ttl = Duration::from_secs(60);
    let service = s.service(o.clone());
    let first = service
        .prepare_direct_upload("alice", now_ms())
        .await
        .unwrap();
    assert_eq!(sign(&service, "alice").await, None);
    assert_eq!(
        sign(&service, "alice").await,
        Some(ErrorCode::TooManyPending)
    );
    assert_eq!(
        s.records(Some(State::Pending)).await.len(),
        2,
        "nothing stored"
    );
    assert_eq!(sign(&service, "bob").await, None, "a limit per owner");
    let identifier = browser_upload(&s, &first, png(8, 8)).await;
    service.adopt(&identifier, "alice").await.unwrap();
    assert_eq!(
        sign(&service, "alice").await,
        None,
        "an adopt frees a place"
    );
    assert_eq!(
        sign(&service, "alice").await,
        Some(ErrorCode::TooManyPending)
    );
    // Leases of 100 ms: once they end, those intents are the sweep's and no longer count.
    o.max_pending_direct_uploads = Some(1);
    o.direct_upload_ttl = Duration::from_millis(100);
    o.signature_lifetime = Duration::from_millis(100);
    let short = s.service(o.clone());
    assert_eq!(sign(&short, "carol").await, None);
    assert_eq!(sign(&short, "carol").await, Some(ErrorCode::TooManyPending));
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(sign(&short, "carol").await, None);

    // Many at once (a client firing requests in parallel), on two "replicas": never more kept than the
    // limit, and every refused intent is gone.
    o.max_pending_direct_uploads = Some(5);
    o.direct_upload_ttl = Duration::from_secs(60);
    let (one, two) = (s.service(o.clone()), s.other_service(o.clone()));
    let answers = futures_util::future::join_all((0..60).map(|i| {
        let service = if i % 2 == 0 { &one } else { &two };
        sign(service, "mallory")
    }))
    .await;
    let kept = answers.iter().filter(|a| a.is_none()).count();
    assert!(
        answers
            .iter()
            .all(|a| matches!(a, None | Some(ErrorCode::TooManyPending))),
        "{answers:?}"
    );
    let mallory = s
        .records(Some(State::Pending))
        .await
        .into_iter()
        .filter(|r| r.owner_id == "mallory")
        .count();
    assert!(kept <= 5, "{kept} kept");
    assert_eq!(mallory, kept, "the refused intents were deleted");
    assert!(kept >= 1 || sign(&one, "mallory").await.is_none());

    // A repository whose list() answers the cursor it was given: a coded failure, not a loop.
    s.repo.list_stuck_cursor.store(true, Ordering::Relaxed);
    assert_eq!(sign(&one, "dave").await, Some(ErrorCode::RepositoryFailed));
    s.repo.list_stuck_cursor.store(false, Ordering::Relaxed);
    let dave = s.records(Some(State::Pending)).await;
    assert!(
        dave.iter().all(|r| r.owner_id != "dave"),
        "its intent was deleted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_direct_upload_is_signed_again_for_the_same_record() {
    let s = setup(&[]).await;
    let mut o = options("resign");
    o.direct_upload_ttl = Duration::from_secs(60);
    let service = s.service(o);
    let first = service
        .prepare_direct_upload("alice", now_ms())
        .await
        .unwrap();
    let id = cirrus_media::RecordId::from_value(first.get("record_id")).unwrap();
    let lease = |records: Vec<cirrus_media::MediaRecord>| records[0].lease_until.clone().unwrap();
    let before = lease(s.records(Some(State::Pending)).await);
    tokio::time::sleep(Duration::from_millis(20)).await;
    // Later, as the browser sees it: same record, same public_id, a new timestamp and lease.
    let later = now_ms() + 30_000.0;
    let again = service
        .resign_direct_upload("alice", &id, later)
        .await
        .unwrap();
    assert_eq!(again.get("public_id"), first.get("public_id"));
    assert_eq!(again.get("record_id"), first.get("record_id"));
    assert_ne!(again.get("timestamp"), first.get("timestamp"));
    assert_ne!(again.get("signature"), first.get("signature"));
    assert!(
        lease(s.records(Some(State::Pending)).await) > before,
        "the lease is renewed"
    );
    assert_eq!(s.records(None).await.len(), 1, "no second intent");
    // Not someone else's record.
    let err = service
        .resign_direct_upload("bob", &id, later)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::IntentExpired);
    // Once adopted it cannot be signed again.
    let renewed = service
        .resign_direct_upload("alice", &id, now_ms())
        .await
        .unwrap();
    let identifier = browser_upload(&s, &renewed, png(8, 8)).await;
    service.adopt(&identifier, "alice").await.unwrap();
    let err = service
        .resign_direct_upload("alice", &id, now_ms())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::IntentExpired);

    // A lease that ended and was swept: expired, never a signature for a public_id the sweeper owns.
    let mut o = options("resign-late");
    o.direct_upload_ttl = Duration::from_millis(30);
    o.signature_lifetime = Duration::from_millis(30);
    let short = s.service(o);
    let late = short
        .prepare_direct_upload("alice", now_ms())
        .await
        .unwrap();
    let late_id = cirrus_media::RecordId::from_value(late.get("record_id")).unwrap();
    tokio::time::sleep(Duration::from_millis(80)).await;
    let err = short
        .resign_direct_upload("alice", &late_id, now_ms())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::IntentExpired);
    short.sweep(100).await.unwrap();
    let err = short
        .resign_direct_upload("alice", &late_id, now_ms())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::IntentExpired);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconcile_pages_and_acts_only_on_confirmed_drift() {
    let s = setup(&[]).await;
    let mut o = options("drift");
    o.reconcile_page_size = 3;
    let service = s.service(o);
    let cancel = CancellationToken::new();
    let mut kept = Vec::new();
    for i in 0..5 {
        let r = service
            .create_one(
                file(png(3 + i, 3)),
                "alice",
                &CreateOptions::default(),
                &cancel,
            )
            .await
            .unwrap();
        kept.push(r);
    }
    // Drift of both kinds: assets no record names, and a committed record whose asset was deleted
    // behind the service's back. A pending record's asset is not drift.
    for i in 0..4 {
        s.upload_direct(&format!("drift/ghost/{i}"), png(2, 2 + i))
            .await;
    }
    s.repo
        .inner
        .insert(pending_record("drift/alice/inflight"))
        .await
        .unwrap();
    s.upload_direct("drift/alice/inflight", png(6, 6)).await;
    let gone = kept.pop().unwrap();
    let mut destroy = cirrus_core::Map::new();
    destroy.set("invalidate", true.into());
    s.transport
        .destroy(&gone.get("public_id").to_js_string(), &destroy, &cancel)
        .await
        .unwrap();
    let report = service.reconcile().await.unwrap();
    assert_eq!(report.destroyed_count, 4, "{report:?}");
    assert_eq!(report.removed_count, 1);
    assert_eq!(report.checked_assets, 4 + 4 + 1);
    let mut expected: Vec<String> = kept
        .iter()
        .map(|r| r.get("public_id").to_js_string())
        .collect();
    expected.push("drift/alice/inflight".to_owned());
    expected.sort();
    assert_eq!(s.cloud("drift").await, expected);
    // Nothing left to repair.
    let again = service.reconcile().await.unwrap();
    assert_eq!((again.destroyed_count, again.removed_count), (0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assets_younger_than_the_cutoff_are_left_alone() {
    let s = setup(&[]).await;
    let mut o = options("young");
    o.reconcile_grace = Duration::from_secs(3600);
    let service = s.service(o);
    s.upload_direct("young/ghost/just-uploaded", png(2, 2))
        .await;
    let report = service.reconcile().await.unwrap();
    assert_eq!((report.checked_assets, report.destroyed_count), (1, 0));
    assert_eq!(s.cloud("young").await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_cannot_choose_the_public_id() {
    let mut call = cirrus_core::Map::new();
    call.set("public_id", "media/bob/avatar".into());
    assert_eq!(
        CreateOptions::from_map(&call).unwrap_err().code,
        ErrorCode::InvalidOption
    );
}
