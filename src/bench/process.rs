//! Process figures from `/proc`: RSS, peak RSS, CPU of the process and of
//! chosen threads.

use super::*;

/// A `/proc/self/status` field in kB (`VmRSS`, `VmHWM`).
pub fn status_kb(field: &str) -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Resets the peak RSS (`VmHWM`) so a later read is the peak since now.
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Clock ticks per second of `/proc/*/stat` times (USER_HZ, 100 on Linux).
pub(super) const USER_HZ: f64 = 100.0;

/// utime + stime from a `stat` file.
pub(super) fn stat_cpu(path: &str) -> Option<Duration> {
    let text = std::fs::read_to_string(path).ok()?;
    let rest = &text[text.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // Fields 14 and 15 of stat(5); `rest` starts at field 3.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_secs_f64(ticks as f64 / USER_HZ))
}

/// CPU time of the whole process.
pub fn process_cpu() -> Duration {
    stat_cpu("/proc/self/stat").unwrap_or_default()
}

/// The calling thread's id.
pub(super) fn current_tid() -> Option<u32> {
    let link = std::fs::read_link("/proc/thread-self").ok()?;
    link.file_name()?.to_str()?.parse().ok()
}

/// The threads of the client side (its runtime's workers and the thread
/// that drives the app), so the client's CPU can be told from the sim's.
#[derive(Clone, Default)]
pub(super) struct Threads(Arc<Mutex<Vec<u32>>>);

impl Threads {
    pub(super) fn register(&self) {
        if let Some(t) = current_tid() {
            self.0.lock().unwrap_or_else(|e| e.into_inner()).push(t);
        }
    }
    pub(super) fn cpu(&self) -> Duration {
        let tids = self.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
        tids.iter()
            .filter_map(|t| stat_cpu(&format!("/proc/self/task/{t}/stat")))
            .sum()
    }
}

pub(super) fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

pub(super) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The `q`-quantile of sorted durations.
pub(super) fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}
