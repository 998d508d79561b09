//! The one retry decision, shared by the Rust transport and the browser's direct upload (through wasm).
//!
//! A failed request is either *not sent* (the connection was never made: resending is always safe),
//! *maybe applied* (it went out and no usable answer came back, or the server failed after it may have
//! stored something: resending is safe only when the request is idempotent, for example an upload to a
//! fixed `public_id`), or *refused* (the server answered that it did not apply it: 408, 420/429, 503).
//! Waits grow exponentially with full jitter, honour the server's `Retry-After`, and never run past the
//! caller's overall deadline. Pure: the caller passes the elapsed time and a random number.

/// How one attempt ended, as far as retrying is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The request never reached the server (connection refused, DNS failure, connect timeout).
    NotSent,
    /// The request was sent but no answer came back (timeout, reset): the server may have applied it.
    NoAnswer,
    /// The server answered with this HTTP status.
    Status(u16),
}

impl Outcome {
    /// Whether the server may have applied the request (so a blind resend could apply it twice).
    pub fn maybe_applied(self) -> bool {
        match self {
            Outcome::NotSent => false,
            Outcome::NoAnswer => true,
            Outcome::Status(s) => !refused(s) && s >= 500,
        }
    }

    /// Whether trying again may succeed at all (ignoring idempotency, the count and the deadline).
    pub fn transient(self) -> bool {
        match self {
            Outcome::NotSent | Outcome::NoAnswer => true,
            Outcome::Status(s) => refused(s) || s >= 500,
        }
    }
}

/// Statuses that say the server did not apply the request and a later try may work.
fn refused(status: u16) -> bool {
    matches!(status, 408 | 420 | 429 | 503)
}

/// Whether an upload request may be sent twice (the Node transport and the browser's direct upload ask
/// this alike): a chunk other than the last only stores bytes under its upload id and range; a whole file
/// or a last chunk makes the asset, so sending it again is safe only when the public_id is fixed (else
/// each could make another asset).
pub fn upload_idempotent(fixed_public_id: bool, chunk_but_last: bool) -> bool {
    fixed_public_id || chunk_but_last
}

/// How often and how patiently to retry (milliseconds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Retries after the first attempt.
    pub retries: u32,
    /// Retry `n` (0-based) waits a random time up to `base_delay_ms * 2^n` ...
    pub base_delay_ms: u64,
    /// ... capped at this.
    pub max_delay_ms: u64,
    /// No retry starts (and no wait runs) past this many milliseconds after the first attempt began.
    pub deadline_ms: Option<u64>,
}

/// The longest `Retry-After` honoured without a deadline: beyond it the error is returned instead.
pub const MAX_RETRY_AFTER_MS: u64 = 300_000;

/// The least wait after a 420/429 that carried no `Retry-After`.
pub const RATE_LIMIT_FLOOR_MS: u64 = 1_000;

impl Default for Policy {
    fn default() -> Self {
        Policy {
            retries: 3,
            base_delay_ms: 500,
            max_delay_ms: 20_000,
            deadline_ms: None,
        }
    }
}

/// One failed attempt, as the decision needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failure {
    /// How it ended.
    pub outcome: Outcome,
    /// Retries already made for this request.
    pub retries_done: u32,
    /// Whether applying the request twice has the same effect as once (a fixed public_id, a chunk, a read).
    pub idempotent: bool,
    /// The server's `Retry-After`, in milliseconds.
    pub retry_after_ms: Option<u64>,
    /// Milliseconds since the first attempt began.
    pub elapsed_ms: u64,
}

/// Why no retry follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// The failure is permanent (a 4xx other than 408/420/429).
    Permanent,
    /// The request may have been applied and is not idempotent: resending could apply it twice.
    MaybeApplied,
    /// The retries are used up.
    Exhausted,
    /// The next try (or the server's `Retry-After`) would end past the deadline.
    Deadline,
    /// Without a deadline: the server's `Retry-After` asks for more than [`MAX_RETRY_AFTER_MS`].
    WaitTooLong,
}

impl Stop {
    /// What the error that stopped for this reason adds to its message, so every binding says it alike
    /// (nothing where the error already tells why).
    pub fn note(self) -> &'static str {
        match self {
            Stop::MaybeApplied => " (not retried: the server may have applied the request, and sending it again could apply it twice; give a public_id to make it safe to retry)",
            Stop::Deadline => " (no further retry: the deadline would pass)",
            Stop::WaitTooLong => {
                " (not retried: the server asked to wait more than five minutes before trying again)"
            }
            Stop::Permanent | Stop::Exhausted => "",
        }
    }
}

/// What to do after a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Wait this many milliseconds, then try again.
    Retry {
        /// The wait.
        wait_ms: u64,
    },
    /// Give up.
    Stop(Stop),
}

/// Decides whether and when to retry. `jitter` is a random number in `[0, 1)`.
pub fn decide(policy: &Policy, failure: &Failure, jitter: f64) -> Decision {
    let outcome = failure.outcome;
    if !outcome.transient() {
        return Decision::Stop(Stop::Permanent);
    }
    if outcome.maybe_applied() && !failure.idempotent {
        return Decision::Stop(Stop::MaybeApplied);
    }
    if failure.retries_done >= policy.retries {
        return Decision::Stop(Stop::Exhausted);
    }
    let ceiling = policy
        .base_delay_ms
        .saturating_mul(1u64 << failure.retries_done.min(20))
        .min(policy.max_delay_ms);
    let backoff = (ceiling as f64 * jitter.clamp(0.0, 1.0)) as u64;
    let rate_limited = matches!(outcome, Outcome::Status(420 | 429));
    let floor = match failure.retry_after_ms {
        Some(ms) => ms,
        None if rate_limited => RATE_LIMIT_FLOOR_MS.min(policy.max_delay_ms),
        None => 0,
    };
    let wait_ms = backoff.max(floor);
    match policy.deadline_ms {
        Some(deadline) if failure.elapsed_ms.saturating_add(wait_ms) >= deadline => {
            Decision::Stop(Stop::Deadline)
        }
        None if wait_ms > MAX_RETRY_AFTER_MS => Decision::Stop(Stop::WaitTooLong),
        _ => Decision::Retry { wait_ms },
    }
}

/// A `Retry-After` header in milliseconds: delay-seconds, or an HTTP date measured from `now_secs`.
pub fn parse_retry_after(header: &str, now_secs: i64) -> Option<u64> {
    let header = header.trim();
    if let Ok(secs) = header.parse::<u64>() {
        return Some(secs.saturating_mul(1000));
    }
    let at = crate::time::parse_http_date(header)?;
    Some(u64::try_from(at.saturating_sub(now_secs)).unwrap_or(0) * 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(outcome: Outcome, idempotent: bool) -> Failure {
        Failure {
            outcome,
            retries_done: 0,
            idempotent,
            retry_after_ms: None,
            elapsed_ms: 0,
        }
    }

    #[test]
    fn not_sent_is_always_retried_maybe_applied_only_when_idempotent() {
        let p = Policy::default();
        assert!(matches!(
            decide(&p, &failure(Outcome::NotSent, false), 0.5),
            Decision::Retry { .. }
        ));
        for maybe in [
            Outcome::NoAnswer,
            Outcome::Status(500),
            Outcome::Status(502),
        ] {
            assert_eq!(
                decide(&p, &failure(maybe, false), 0.5),
                Decision::Stop(Stop::MaybeApplied)
            );
            assert!(matches!(
                decide(&p, &failure(maybe, true), 0.5),
                Decision::Retry { .. }
            ));
        }
        for refused in [408, 429, 420, 503] {
            assert!(matches!(
                decide(&p, &failure(Outcome::Status(refused), false), 0.5),
                Decision::Retry { .. }
            ));
        }
        for permanent in [400, 401, 404, 413] {
            assert_eq!(
                decide(&p, &failure(Outcome::Status(permanent), true), 0.5),
                Decision::Stop(Stop::Permanent)
            );
        }
    }

    #[test]
    fn retry_after_and_deadline() {
        let p = Policy {
            deadline_ms: Some(10_000),
            ..Policy::default()
        };
        let mut f = failure(Outcome::Status(429), false);
        f.retry_after_ms = Some(3_000);
        assert_eq!(decide(&p, &f, 0.0), Decision::Retry { wait_ms: 3_000 });
        f.elapsed_ms = 8_000;
        assert_eq!(decide(&p, &f, 0.0), Decision::Stop(Stop::Deadline));
        f.retry_after_ms = None;
        f.elapsed_ms = 0;
        assert_eq!(decide(&p, &f, 0.0), Decision::Retry { wait_ms: 1_000 });
        f.retries_done = 3;
        assert_eq!(decide(&p, &f, 0.0), Decision::Stop(Stop::Exhausted));
        // Without a deadline, a Retry-After beyond five minutes is not waited out.
        f.retries_done = 0;
        f.retry_after_ms = Some(MAX_RETRY_AFTER_MS + 1);
        let open = Policy::default();
        assert_eq!(decide(&open, &f, 0.0), Decision::Stop(Stop::WaitTooLong));
        f.retry_after_ms = Some(MAX_RETRY_AFTER_MS);
        assert_eq!(
            decide(&open, &f, 0.0),
            Decision::Retry {
                wait_ms: MAX_RETRY_AFTER_MS
            }
        );
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = Policy {
            retries: 30,
            base_delay_ms: 100,
            max_delay_ms: 1_000,
            deadline_ms: None,
        };
        let mut f = failure(Outcome::NotSent, false);
        for n in 0..30 {
            f.retries_done = n;
            let Decision::Retry { wait_ms } = decide(&p, &f, 0.999_999) else {
                panic!("must retry")
            };
            assert!(wait_ms <= (100u64 << n.min(20)).min(1_000));
        }
    }

    #[test]
    fn parses_retry_after() {
        assert_eq!(parse_retry_after("7", 0), Some(7_000));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1_445_412_470),
            Some(10_000)
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1_445_412_490),
            Some(0)
        );
        assert_eq!(parse_retry_after("soon", 0), None);
    }
}
