//! Retrying one request: the decision is core's ([`cirrus_core::retry`]); this module waits it out
//! (cancellably), with the jitter drawn here because core has no randomness.

use crate::error::TransportError;
use cirrus_core::retry::{decide, Decision, Failure, Policy};
use cirrus_core::Value;
use rand::Rng;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// How often and how patiently to retry, and the overall deadline.
pub type RetryPolicy = Policy;

/// Runs `attempt` until it succeeds or core's decision says stop, waiting between tries (cancellably).
/// `started` is when the whole operation began (the deadline counts from it); `idempotent` says whether
/// a request that may have been applied can be sent again; `retried` counts the retries made.
pub(crate) async fn with_retries<F, Fut>(
    policy: &RetryPolicy,
    started: Instant,
    idempotent: bool,
    cancel: &CancellationToken,
    retried: &AtomicU64,
    mut attempt: F,
) -> Result<Value, TransportError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Value, TransportError>>,
{
    let mut n = 0;
    loop {
        let error = match attempt().await {
            Ok(v) => return Ok(v),
            Err(e) => e,
        };
        let Some(outcome) = error.outcome else {
            return Err(error);
        };
        if cancel.is_cancelled() {
            return Err(TransportError::aborted());
        }
        let failure = Failure {
            outcome,
            retries_done: n,
            idempotent,
            retry_after_ms: error.retry_after_ms,
            elapsed_ms: started.elapsed().as_millis() as u64,
        };
        let jitter: f64 = rand::thread_rng().gen_range(0.0..1.0);
        match decide(policy, &failure, jitter) {
            Decision::Retry { wait_ms } => {
                n += 1;
                retried.fetch_add(1, Ordering::Relaxed);
                tokio::select! {
                    _ = cancel.cancelled() => return Err(TransportError::aborted()),
                    _ = tokio::time::sleep(Duration::from_millis(wait_ms)) => {}
                }
            }
            // The error says why, where it does not tell already (Stop::note).
            Decision::Stop(stop) => return Err(error.stopped_because(stop)),
        }
    }
}

/// What is left of the deadline for the next request, if there is one.
pub(crate) fn remaining(policy: &RetryPolicy, started: Instant) -> Option<Duration> {
    policy
        .deadline_ms
        .map(|d| Duration::from_millis(d).saturating_sub(started.elapsed()))
}
