//! Retries with exponential backoff and full jitter.

use rand::Rng;
use std::time::Duration;

/// How often and how patiently to retry.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub retries: u32,
    /// Base delay: attempt `n` waits a random time up to `base * 2^n` (capped).
    pub base_delay: Duration,
    /// Longest single wait.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            retries: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(20),
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `attempt` (0-based), at least `floor` (a server's Retry-After).
    pub fn delay(&self, attempt: u32, floor: Option<Duration>) -> Duration {
        let ceiling = self
            .base_delay
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.max_delay);
        let jittered = ceiling.mul_f64(rand::thread_rng().gen_range(0.0..=1.0));
        jittered.max(floor.unwrap_or_default().min(self.max_delay))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_stay_capped() {
        let p = RetryPolicy {
            retries: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
        };
        for attempt in 0..10 {
            let d = p.delay(attempt, None);
            assert!(d <= Duration::from_millis(100 * (1 << attempt)).min(Duration::from_secs(1)));
        }
        assert!(p.delay(0, Some(Duration::from_millis(700))) >= Duration::from_millis(700));
    }
}
