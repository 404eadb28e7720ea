//! Small helpers shared by the storage controllers: quantities, selectors,
//! node affinity and the fields of claims and volumes read everywhere.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Node, NodeSelector, PersistentVolume, PersistentVolumeClaim};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use crate::format::quantity::parse as parse_quantity;

pub const ANN_SELECTED_NODE: &str = "volume.kubernetes.io/selected-node";
pub const ANN_STORAGE_PROVISIONER: &str = "volume.kubernetes.io/storage-provisioner";
pub const ANN_BETA_STORAGE_PROVISIONER: &str = "volume.beta.kubernetes.io/storage-provisioner";
pub const ANN_BIND_COMPLETED: &str = "pv.kubernetes.io/bind-completed";
pub const ANN_BOUND_BY_CONTROLLER: &str = "pv.kubernetes.io/bound-by-controller";
pub const ANN_PROVISIONED_BY: &str = "pv.kubernetes.io/provisioned-by";
pub const NO_PROVISIONER: &str = "kubernetes.io/no-provisioner";
pub const LOCAL_PATH: &str = "rancher.io/local-path";
pub const NFS_CSI: &str = "nfs.csi.k8s.io";
pub const HOSTPATH_CSI: &str = "hostpath.csi.k8s.io";
pub const PROVISIONER_FINALIZER: &str = "external-provisioner.volume.kubernetes.io/finalizer";
pub const PV_CONTROLLER: &str = "persistentvolume-controller";
pub const NORMAL: &str = "Normal";
pub const WARNING: &str = "Warning";

/// Formats a byte count as the API server would print it: the largest
/// binary suffix that divides it exactly, else a decimal one, else bytes.
pub fn format_quantity(bytes: u64) -> String {
    if bytes == 0 {
        return "0".to_string();
    }
    const BINARY: [(&str, u32); 6] = [
        ("Ei", 60),
        ("Pi", 50),
        ("Ti", 40),
        ("Gi", 30),
        ("Mi", 20),
        ("Ki", 10),
    ];
    for (suffix, shift) in BINARY {
        let unit = 1u64 << shift;
        if bytes.is_multiple_of(unit) {
            return format!("{}{suffix}", bytes / unit);
        }
    }
    const DECIMAL: [(&str, u64); 6] = [
        ("E", 1_000_000_000_000_000_000),
        ("P", 1_000_000_000_000_000),
        ("T", 1_000_000_000_000),
        ("G", 1_000_000_000),
        ("M", 1_000_000),
        ("k", 1_000),
    ];
    for (suffix, unit) in DECIMAL {
        if bytes.is_multiple_of(unit) {
            return format!("{}{suffix}", bytes / unit);
        }
    }
    bytes.to_string()
}

pub fn claim_request(claim: &PersistentVolumeClaim) -> Option<u64> {
    let requests = claim.spec.as_ref()?.resources.as_ref()?.requests.as_ref()?;
    requests
        .get("storage")
        .and_then(|q| parse_quantity(&q.0).ok())
}

/// `status.capacity.storage`: the size of the claim's filesystem.
pub fn claim_capacity(claim: &PersistentVolumeClaim) -> Option<u64> {
    let cap = claim.status.as_ref()?.capacity.as_ref()?;
    cap.get("storage").and_then(|q| parse_quantity(&q.0).ok())
}

pub fn pv_capacity(pv: &PersistentVolume) -> Option<u64> {
    let cap = pv.spec.as_ref()?.capacity.as_ref()?;
    cap.get("storage").and_then(|q| parse_quantity(&q.0).ok())
}

pub fn claim_phase(claim: &PersistentVolumeClaim) -> &str {
    claim
        .status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("Pending")
}

pub fn pv_phase(pv: &PersistentVolume) -> &str {
    pv.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("Pending")
}

/// The claim's class; absent and `""` both mean "no class" for binding.
pub fn claim_class(claim: &PersistentVolumeClaim) -> &str {
    claim
        .spec
        .as_ref()
        .and_then(|s| s.storage_class_name.as_deref())
        .unwrap_or_default()
}

pub fn pv_class(pv: &PersistentVolume) -> &str {
    pv.spec
        .as_ref()
        .and_then(|s| s.storage_class_name.as_deref())
        .unwrap_or_default()
}

pub fn claim_volume_name(claim: &PersistentVolumeClaim) -> Option<&str> {
    claim
        .spec
        .as_ref()
        .and_then(|s| s.volume_name.as_deref())
        .filter(|n| !n.is_empty())
}

pub fn annotation<'a>(
    meta: &'a k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
    key: &str,
) -> Option<&'a str> {
    meta.annotations
        .as_ref()
        .and_then(|a| a.get(key))
        .map(String::as_str)
}

/// Sets an annotation; returns whether it changed.
pub fn set_annotation(
    meta: &mut k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
    key: &str,
    value: &str,
) -> bool {
    let map = meta.annotations.get_or_insert_with(BTreeMap::new);
    if map.get(key).is_some_and(|v| v == value) {
        return false;
    }
    map.insert(key.to_string(), value.to_string());
    true
}

/// Whether a label selector (matchLabels and matchExpressions) matches.
pub fn label_selector_matches(
    selector: &LabelSelector,
    labels: Option<&BTreeMap<String, String>>,
) -> bool {
    crate::sim::select::label_selector_matches(Some(selector), labels)
}

/// A node's labels for affinity checks, with the hostname label filled in
/// when a hand-written Node lacks it.
pub fn node_labels(node_name: &str, node: Option<&Node>) -> BTreeMap<String, String> {
    let mut labels = node
        .and_then(|n| n.metadata.labels.clone())
        .unwrap_or_default();
    labels
        .entry("kubernetes.io/hostname".to_string())
        .or_insert_with(|| node_name.to_string());
    labels
}

/// Whether a node selector (terms ORed, requirements ANDed) admits a node.
/// An empty term matches nothing, as in the scheduler.
pub fn node_selector_matches(
    selector: &NodeSelector,
    node_name: &str,
    labels: &BTreeMap<String, String>,
) -> bool {
    crate::sim::select::node_selector_terms_match(
        &selector.node_selector_terms,
        node_name,
        Some(labels),
    )
}

/// Whether a volume may be used on a node (no affinity: anywhere).
pub fn pv_fits_node(
    pv: &PersistentVolume,
    node_name: &str,
    labels: &BTreeMap<String, String>,
) -> bool {
    match pv
        .spec
        .as_ref()
        .and_then(|s| s.node_affinity.as_ref())
        .and_then(|a| a.required.as_ref())
    {
        None => true,
        Some(selector) => node_selector_matches(selector, node_name, labels),
    }
}

/// A stable 64-bit FNV-1a hash, for deterministic made-up identifiers.
pub fn fnv(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0xff)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_round_trip() {
        assert_eq!(format_quantity(10 * (1 << 30)), "10Gi");
        assert_eq!(format_quantity(2560 * (1 << 20)), "2560Mi");
        assert_eq!(format_quantity(5_000_000_000), "5G");
        assert_eq!(format_quantity(1234), "1234");
        assert_eq!(format_quantity(0), "0");
        assert_eq!(parse_quantity("2.5Gi").ok(), Some(2560 * (1 << 20)));
        assert_eq!(parse_quantity("500M").ok(), Some(500_000_000));
        assert_eq!(parse_quantity("1Ti").ok(), Some(1 << 40));
        assert_eq!(parse_quantity("3k").ok(), Some(3000));
        assert_eq!(parse_quantity("1e3").ok(), Some(1000));
        assert_eq!(parse_quantity("1024").ok(), Some(1024));
        assert!(parse_quantity("ten").is_err());
        assert!(parse_quantity("1.2.3Gi").is_err());
        assert!(parse_quantity("").is_err());
    }

    #[test]
    fn node_affinity_terms() {
        let sel: NodeSelector = serde_json::from_value(serde_json::json!({
            "nodeSelectorTerms": [
                {"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": ["n1"]}]},
                {"matchExpressions": [{"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["z2"]}]}
            ]
        }))
        .unwrap();
        assert!(node_selector_matches(&sel, "n1", &node_labels("n1", None)));
        assert!(!node_selector_matches(&sel, "n2", &node_labels("n2", None)));
        let mut z2 = node_labels("n3", None);
        z2.insert("topology.kubernetes.io/zone".into(), "z2".into());
        assert!(node_selector_matches(&sel, "n3", &z2));
    }
}
