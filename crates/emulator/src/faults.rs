//! Fault injection for tests: per-endpoint rates of 500/502/429 answers, connection resets and latency,
//! before the handler runs (nothing stored) or after it (stored, then the answer is lost: a 500, a reset,
//! or no answer until the client has timed out). Set at start
//! (`--fault upload:500=0.1,reset=0.05,after500=0.05,aftertimeout=0.02,hang=3000,latency=20`) or at run
//! time (`PUT /__emulator/faults`).

use rand::Rng;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::RwLock;

/// The endpoints faults can target (`*` targets all).
pub const ENDPOINTS: &[&str] = &[
    "upload", "destroy", "rename", "explicit", "admin", "delivery",
];

/// Fault rates for one endpoint (each a probability from 0 to 1) and added latency.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultRule {
    /// Probability of a 500 answer.
    pub error_500: f64,
    /// Probability of a 502 answer.
    pub error_502: f64,
    /// Probability of a 429 answer.
    pub error_429: f64,
    /// Probability of the connection being reset (the response body is cut off).
    pub reset: f64,
    /// Probability of a 500 answer after the request was applied (stored).
    pub after_500: f64,
    /// Probability of a reset after the request was applied.
    pub after_reset: f64,
    /// Probability of holding the answer for `hang_ms` after the request was applied (the client times out).
    pub after_timeout: f64,
    /// How long an `after_timeout` answer is held (default 30 s).
    pub hang_ms: u64,
    /// Milliseconds added before answering.
    pub latency_ms: u64,
}

/// How long an `after_timeout` fault holds the answer unless the rule says otherwise.
pub const DEFAULT_HANG_MS: u64 = 30_000;

/// Fault rules by endpoint.
pub type Faults = BTreeMap<String, FaultRule>;

/// What to do to one request.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Fault {
    /// Answer with this status.
    Status(u16),
    /// Cut the connection.
    Reset,
    /// Let the handler apply the request, then answer 500.
    After500,
    /// Let the handler apply the request, then cut the connection.
    AfterReset,
    /// Let the handler apply the request, then hold the answer this many milliseconds.
    AfterHang(u64),
}

impl Fault {
    /// The counter name of this kind of fault.
    pub fn kind(self) -> &'static str {
        match self {
            Fault::Status(500) => "500",
            Fault::Status(502) => "502",
            Fault::Status(429) => "429",
            Fault::Status(_) => "status",
            Fault::Reset => "reset",
            Fault::After500 => "after500",
            Fault::AfterReset => "afterreset",
            Fault::AfterHang(_) => "aftertimeout",
        }
    }

    /// Whether the request is applied before the fault strikes.
    pub fn after_handler(self) -> bool {
        matches!(
            self,
            Fault::After500 | Fault::AfterReset | Fault::AfterHang(_)
        )
    }
}

/// Live fault rules and counters.
#[derive(Default)]
pub struct FaultState {
    rules: RwLock<Faults>,
    injected: AtomicU64,
    requests: AtomicU64,
    by_kind: std::sync::Mutex<BTreeMap<String, u64>>,
}

impl FaultState {
    /// With initial rules.
    pub fn new(rules: Faults) -> Self {
        FaultState {
            rules: RwLock::new(rules),
            ..Default::default()
        }
    }

    /// Replaces the rules.
    pub fn set(&self, rules: Faults) {
        if let Ok(mut r) = self.rules.write() {
            *r = rules;
        }
    }

    /// The rules now.
    pub fn get(&self) -> Faults {
        self.rules.read().map(|r| r.clone()).unwrap_or_default()
    }

    /// `(requests seen, faults injected)`.
    pub fn counts(&self) -> (u64, u64) {
        (
            self.requests.load(Ordering::Relaxed),
            self.injected.load(Ordering::Relaxed),
        )
    }

    /// Faults injected so far, by `endpoint:kind`.
    pub fn by_kind(&self) -> BTreeMap<String, u64> {
        self.by_kind.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// Decides the latency and the fault (if any) for a request to `endpoint`.
    pub fn roll(&self, endpoint: &str) -> (u64, Option<Fault>) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let rule = {
            let rules = match self.rules.read() {
                Ok(r) => r,
                Err(_) => return (0, None),
            };
            match rules.get(endpoint).or_else(|| rules.get("*")) {
                Some(r) => *r,
                None => return (0, None),
            }
        };
        let mut roll: f64 = rand::thread_rng().gen();
        let mut fault = None;
        let hang = if rule.hang_ms == 0 {
            DEFAULT_HANG_MS
        } else {
            rule.hang_ms
        };
        for (p, f) in [
            (rule.error_500, Fault::Status(500)),
            (rule.error_502, Fault::Status(502)),
            (rule.error_429, Fault::Status(429)),
            (rule.reset, Fault::Reset),
            (rule.after_500, Fault::After500),
            (rule.after_reset, Fault::AfterReset),
            (rule.after_timeout, Fault::AfterHang(hang)),
        ] {
            if roll < p {
                fault = Some(f);
                break;
            }
            roll -= p;
        }
        if let Some(f) = fault {
            self.injected.fetch_add(1, Ordering::Relaxed);
            if let Ok(mut m) = self.by_kind.lock() {
                *m.entry(format!("{endpoint}:{}", f.kind())).or_default() += 1;
            }
        }
        (rule.latency_ms, fault)
    }
}

/// Parses `endpoint:500=0.1,502=0.05,429=0.1,reset=0.02,after500=0.1,afterreset=0.1,aftertimeout=0.1,hang=3000,latency=20`.
pub fn parse_rule(spec: &str) -> Result<(String, FaultRule), String> {
    let (endpoint, settings) = spec
        .split_once(':')
        .ok_or_else(|| format!("--fault {spec}: expected <endpoint>:<k>=<v>,..."))?;
    if endpoint != "*" && !ENDPOINTS.contains(&endpoint) {
        return Err(format!(
            "--fault {spec}: unknown endpoint {endpoint} (one of *, {})",
            ENDPOINTS.join(", ")
        ));
    }
    let mut rule = FaultRule::default();
    for setting in settings.split(',').filter(|s| !s.is_empty()) {
        let (k, v) = setting
            .split_once('=')
            .ok_or_else(|| format!("--fault {spec}: expected k=v in {setting}"))?;
        let rate = || -> Result<f64, String> {
            v.parse::<f64>()
                .ok()
                .filter(|r| (0.0..=1.0).contains(r))
                .ok_or_else(|| format!("--fault {spec}: {k} must be a rate from 0 to 1"))
        };
        match k {
            "500" => rule.error_500 = rate()?,
            "502" => rule.error_502 = rate()?,
            "429" => rule.error_429 = rate()?,
            "reset" => rule.reset = rate()?,
            "after500" => rule.after_500 = rate()?,
            "afterreset" => rule.after_reset = rate()?,
            "aftertimeout" => rule.after_timeout = rate()?,
            "hang" => {
                rule.hang_ms = v
                    .parse()
                    .map_err(|_| format!("--fault {spec}: hang is milliseconds"))?
            }
            "latency" => {
                rule.latency_ms = v
                    .parse()
                    .map_err(|_| format!("--fault {spec}: latency is milliseconds"))?
            }
            other => return Err(format!("--fault {spec}: unknown setting {other}")),
        }
    }
    Ok((endpoint.to_owned(), rule))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rolls() {
        let (endpoint, rule) = parse_rule("upload:500=0.5,reset=0.5,latency=7").unwrap();
        assert_eq!(endpoint, "upload");
        assert_eq!(rule.latency_ms, 7);
        let state = FaultState::new([(endpoint, rule)].into_iter().collect());
        let faults = (0..1000)
            .filter(|_| state.roll("upload").1.is_some())
            .count();
        assert_eq!(faults, 1000);
        assert_eq!(state.roll("delivery"), (0, None));
        assert!(parse_rule("nowhere:500=0.1").is_err());
        let (_, after) = parse_rule("upload:aftertimeout=1,hang=250").unwrap();
        let state = FaultState::new([("upload".to_owned(), after)].into_iter().collect());
        assert_eq!(state.roll("upload").1, Some(Fault::AfterHang(250)));
        assert_eq!(state.by_kind().get("upload:aftertimeout"), Some(&1));
        assert!(parse_rule("upload:500=2").is_err());
    }
}
