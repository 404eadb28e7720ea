//! Findings about volumes left behind and about storage classes.

use super::*;

pub(super) fn volume_findings(store: &Store, scope: &Scope, out: &mut Out) {
    for v in store.volumes() {
        let (claim_ns, claim_name) = v.claim_ref.clone().unwrap_or_default();
        if !(scope.namespace.is_none() || (!claim_ns.is_empty() && scope.contains(&claim_ns))) {
            continue;
        }
        volume_finding(store, v, &claim_ns, &claim_name, out);
    }
}

/// A PV's finding; `claim_ns`/`claim_name`: its claimRef (empty when none).
pub(super) fn volume_finding(
    store: &Store,
    v: &crate::store::Volume,
    claim_ns: &str,
    claim_name: &str,
    out: &mut Out,
) {
    let owner = if claim_ns.is_empty() {
        None
    } else {
        claim_owner(store, claim_ns, claim_name)
    };
    let key = owner
        .as_ref()
        .map(|o| (claim_ns.to_string(), o.set.clone()));
    let ordinal = owner.as_ref().map(|o| o.ordinal);
    let pv = obj("PersistentVolume", "", &v.name);
    match v.phase.as_str() {
        "Released" => {
            // Released (Warning): data kept, not reusable until cleaned.
            let detail = if v.reclaim_policy == "Delete" {
                format!(
                    "Its claim {claim_ns}/{claim_name} was deleted and reclaim policy Delete should remove the volume; if it stays Released, deletion is failing (see the PV's events)."
                )
            } else {
                format!(
                    "Its claim {claim_ns}/{claim_name} was deleted. With reclaim policy {} the data is kept, but the PV binds to no new claim until an admin deletes it (and the disk) or removes its spec.claimRef.",
                    v.reclaim_policy
                )
            };
            out.push(
                Severity::Warning,
                "volume-released",
                format!(
                    "{}: PV Released ({}, {})",
                    v.name,
                    v.reclaim_policy,
                    bytes(v.capacity_bytes)
                ),
                detail,
                vec![pv],
                key,
                ordinal,
            );
        }
        "Failed" => {
            // Failed (Critical): automatic reclamation failed.
            out.push(
                Severity::Critical,
                "volume-failed",
                format!("{}: PV Failed", v.name),
                format!(
                    "Automatic reclamation ({}) failed{}; the volume and its data need manual cleanup.",
                    v.reclaim_policy,
                    if v.message.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", v.message)
                    }
                ),
                vec![pv],
                key,
                ordinal,
            );
        }
        _ => {}
    }
}

pub(super) fn class_findings(store: &Store, out: &mut Out) {
    let defaults = store.default_classes();
    if defaults.len() >= 2 {
        let names: Vec<String> = defaults.iter().map(|c| c.name.clone()).collect();
        let newest = names.last().cloned().unwrap_or_default();
        // Several default classes (Warning, cluster-wide).
        out.push(
            Severity::Warning,
            "default-classes",
            format!("{} default StorageClasses: {}", names.len(), names.join(", ")),
            format!(
                "Claims without storageClassName get the most recently created default ({newest}), which may not be the one intended; keep the is-default-class annotation on one class only."
            ),
            names.iter().map(|n| obj("StorageClass", "", n)).collect(),
            None,
            None,
        );
    }
}
