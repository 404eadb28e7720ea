//! Placeholder until the scenarios branch lands.
use std::collections::BTreeMap;
use std::time::Duration;
#[derive(Debug, Clone)]
pub struct Workload { pub namespace: String, pub statefulset: String, pub start_after: Duration, pub ready_after: Duration, pub volume_usage: BTreeMap<String, VolumeUsage> }
#[derive(Debug, Clone)]
pub struct VolumeUsage { pub initial_bytes: u64, pub growth_per_hour_bytes: u64, pub inodes_used: u64 }
#[derive(Debug, Clone)]
pub struct StorageTiming { pub class: String, pub provision_after: Duration, pub resize_after: Duration, pub file_system_resize_after: Duration }
#[derive(Debug, Clone)]
pub struct Step { pub at: Duration, pub namespace: Option<String> }
pub fn parse_quantity(s: &str) -> Result<u64, String> {
    // Placeholder body (the scenarios branch brings the real parser): a
    // Kubernetes quantity in bytes, rounded up: `10Gi`, `500M`, `2.5Gi`, `1e3`.
    let bad = || s.to_string();
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let (number, suffix) = s.split_at(split);
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    if (int.is_empty() && frac.is_empty()) || frac.contains('.') || int.len() + frac.len() > 30 {
        return Err(bad());
    }
    let (num, den): (u128, u128) = match suffix {
        "" => (1, 1),
        "m" => (1, 1000),
        "k" => (1_000, 1),
        "M" => (1_000_000, 1),
        "G" => (1_000_000_000, 1),
        "T" => (1_000_000_000_000, 1),
        "P" => (1_000_000_000_000_000, 1),
        "E" => (1_000_000_000_000_000_000, 1),
        "Ki" => (1 << 10, 1),
        "Mi" => (1 << 20, 1),
        "Gi" => (1 << 30, 1),
        "Ti" => (1 << 40, 1),
        "Pi" => (1 << 50, 1),
        "Ei" => (1 << 60, 1),
        e if e.len() > 1 && (e.starts_with('e') || e.starts_with('E')) => {
            let exp: u32 = e[1..].parse().map_err(|_| bad())?;
            (10u128.checked_pow(exp).ok_or_else(bad)?, 1)
        }
        _ => return Err(bad()),
    };
    let digits: u128 = format!("{int}{frac}").parse().unwrap_or(0);
    let scale = 10u128.pow(frac.len() as u32) * den;
    let value = digits.checked_mul(num).ok_or_else(bad)?.div_ceil(scale);
    u64::try_from(value).map_err(|_| bad())
}
