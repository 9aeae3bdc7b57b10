//! Time and peak memory per stage, for `build --timings` and the benchmark.

use std::time::{Duration, Instant};

#[derive(Debug, Default, Clone)]
pub struct Timings(pub Vec<(&'static str, Duration, Option<u64>)>);

impl Timings {
    pub fn lap(&mut self, name: &'static str, since: &mut Instant) {
        self.0.push((name, since.elapsed(), peak_rss_kib()));
        *since = Instant::now();
    }
}

/// The process's peak resident memory so far (Linux).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

impl std::fmt::Display for Timings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|(n, d, m)| {
                let mem = m.map(|k| format!(" (peak {} MiB)", k / 1024)).unwrap_or_default();
                format!("{n} {:.0} ms{mem}", d.as_secs_f64() * 1000.0)
            })
            .collect();
        write!(f, "{}", parts.join(", "))
    }
}
