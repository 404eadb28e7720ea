//! The kubelet's Prometheus metrics (`GET /api/v1/nodes/{node}/proxy/metrics`)
//! for a simulated node: the `kubelet_volume_stats_*` gauges of every
//! mounted claim, in the text exposition format, so that a real Prometheus
//! can scrape the simulated cluster.
//!
//! The figures are the stats summary's (one source of truth); like the real
//! kubelet, samples carry no timestamps (Prometheus stamps them at scrape).

use std::fmt::Write;

use serde_json::Value;

use super::state::SimState;
use super::stats::{SummaryError, summary};

/// (metric, summary field, help) in the order the kubelet lists them.
const SERIES: [(&str, &str, &str); 6] = [
    (
        "kubelet_volume_stats_available_bytes",
        "availableBytes",
        "Number of available bytes in the volume",
    ),
    (
        "kubelet_volume_stats_capacity_bytes",
        "capacityBytes",
        "Capacity in bytes of the volume",
    ),
    (
        "kubelet_volume_stats_inodes",
        "inodes",
        "Maximum number of inodes in the volume",
    ),
    (
        "kubelet_volume_stats_inodes_free",
        "inodesFree",
        "Number of free inodes in the volume",
    ),
    (
        "kubelet_volume_stats_inodes_used",
        "inodesUsed",
        "Number of used inodes in the volume",
    ),
    (
        "kubelet_volume_stats_used_bytes",
        "usedBytes",
        "Number of used bytes in the volume",
    ),
];

/// Label values escaped as the exposition format wants.
fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The node's metrics page.
pub fn text(state: &SimState, node: &str) -> Result<String, SummaryError> {
    let s = summary(state, node)?;
    let volumes: Vec<&Value> = s["pods"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["volume"].as_array().into_iter().flatten())
        .filter(|v| v.get("pvcRef").is_some())
        .collect();
    let mut out = String::new();
    for (metric, field, help) in SERIES {
        let _ = writeln!(out, "# HELP {metric} [ALPHA] {help}");
        let _ = writeln!(out, "# TYPE {metric} gauge");
        for v in &volumes {
            let r = &v["pvcRef"];
            let _ = writeln!(
                out,
                "{metric}{{namespace=\"{}\",persistentvolumeclaim=\"{}\"}} {}",
                label(r["namespace"].as_str().unwrap_or_default()),
                label(r["name"].as_str().unwrap_or_default()),
                v[field].as_u64().unwrap_or(0)
            );
        }
    }
    Ok(out)
}
