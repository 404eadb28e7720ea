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
pub fn parse_quantity(s: &str) -> Result<u64, String> { s.parse().map_err(|_| s.to_string()) }
