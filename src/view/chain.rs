//! The PVC → PV → StorageClass chain, with why a link is missing, and volume
//! usage.

use crate::store::{self, Claim, Kind, Pod, StatefulSet, StorageClass, Store, SyncState, Volume};

use super::bytes;
use super::model::{Chain, ClaimInfo, ClassInfo, Link, UsageView, VolumeInfo};

pub(crate) fn access_modes(modes: &[String]) -> String {
    crate::format::access_modes(modes)
}

pub(crate) fn claim_info(c: &Claim) -> ClaimInfo {
    ClaimInfo {
        name: c.name.clone(),
        phase: c.phase.clone(),
        requested: bytes(c.request_bytes),
        capacity: bytes(c.capacity_bytes),
        access_modes: access_modes(&c.access_modes),
        conditions: c
            .conditions
            .iter()
            .map(|k| {
                if k.message.is_empty() {
                    format!("{}={}", k.type_, k.status)
                } else {
                    format!("{}={}: {}", k.type_, k.status, k.message)
                }
            })
            .collect(),
        deleting: c.deleting.is_some(),
    }
}

pub(crate) fn volume_info(v: &Volume) -> VolumeInfo {
    let source = if v.source.starts_with("local ") && !v.pinned_nodes.is_empty() {
        format!("{} @ {}", v.source, v.pinned_nodes.join(","))
    } else {
        v.source.clone()
    };
    VolumeInfo {
        name: v.name.clone(),
        phase: v.phase.clone(),
        capacity: bytes(v.capacity_bytes),
        reclaim_policy: v.reclaim_policy.clone(),
        source,
        node_affinity: v.node_affinity.clone(),
    }
}

pub(crate) fn class_info(c: &StorageClass) -> ClassInfo {
    ClassInfo {
        name: c.name.clone(),
        provisioner: c.provisioner.clone(),
        reclaim_policy: c.reclaim_policy.clone(),
        binding_mode: c.binding_mode.clone(),
        allow_expansion: c.allow_expansion,
        is_default: c.is_default,
    }
}

/// `Some(Hidden)` when a kind cannot be shown (forbidden or not listed yet).
fn hidden(store: &Store, kind: Kind, what: &str) -> Option<String> {
    match store.sync(kind) {
        SyncState::Forbidden { .. } => Some(format!("{what} hidden: forbidden")),
        SyncState::Syncing => Some(format!("{what} not synced yet")),
        _ => None,
    }
}

/// The class a claim uses: its own, or the default class when it names none.
pub(crate) fn class_name_of(store: &Store, c: &Claim) -> Option<String> {
    match &c.storage_class {
        Some(n) => Some(n.clone()),
        None => store.default_classes().last().map(|d| d.name.clone()),
    }
}

/// Why a claim has no volume yet, from its class (one sentence fragment).
pub(crate) fn pending_reason(store: &Store, c: &Claim) -> String {
    let class = match &c.storage_class {
        Some(n) if n.is_empty() => {
            return "no class (storageClassName \"\"): binds only to a matching PV without a class"
                .into();
        }
        Some(n) => n.clone(),
        None => match store.default_classes().last() {
            Some(d) => d.name.clone(),
            None => {
                return "no storageClassName and no default class: binds only to a matching PV"
                    .into();
            }
        },
    };
    if matches!(store.sync(Kind::StorageClass), SyncState::Forbidden { .. }) {
        return format!("class `{class}` not visible (forbidden)");
    }
    match store.class(&class) {
        None if store.is_synced(Kind::StorageClass) => {
            format!("class `{class}` does not exist")
        }
        None => format!("class `{class}` not synced yet"),
        Some(k) if k.binding_mode == "WaitForFirstConsumer" => format!(
            "class `{class}` binds WaitForFirstConsumer: the volume is created once a Pod using the claim is scheduled"
        ),
        Some(k) if k.provisioner == "kubernetes.io/no-provisioner" => format!(
            "class `{class}` has no provisioner: waiting for a matching PV (size, access modes) to become Available"
        ),
        Some(k) => format!(
            "waiting for provisioner {} (class `{class}`)",
            k.provisioner
        ),
    }
}

pub(crate) fn volume_link(store: &Store, c: &Claim) -> Link<VolumeInfo> {
    if let Some(h) = hidden(store, Kind::Volume, "PV") {
        return Link::Hidden(h);
    }
    if let Some(v) = store.volume_of_claim(c) {
        return Link::Present(volume_info(v));
    }
    if !c.volume_name.is_empty() {
        return Link::Missing(format!(
            "PV {} does not exist (claim {})",
            c.volume_name, c.phase
        ));
    }
    Link::Missing(format!(
        "claim {}: no volume bound yet; {}",
        c.phase,
        pending_reason(store, c)
    ))
}

pub(crate) fn class_link(store: &Store, c: &Claim) -> Link<ClassInfo> {
    if let Some(h) = hidden(store, Kind::StorageClass, "SC") {
        return Link::Hidden(h);
    }
    // A bound PV's class is what actually applies.
    let name = store
        .volume_of_claim(c)
        .map(|v| v.storage_class.clone())
        .filter(|n| !n.is_empty())
        .or_else(|| class_name_of(store, c));
    match name {
        Some(n) if n.is_empty() => Link::Missing("no class (storageClassName \"\")".into()),
        Some(n) => match store.class(&n) {
            Some(k) => Link::Present(class_info(k)),
            None => Link::Missing(format!("class `{n}` does not exist")),
        },
        None => Link::Missing("no class set and no default class".into()),
    }
}

/// Usage of a claim mounted by `pod` (the Pod that would report it).
pub(crate) fn usage_view(store: &Store, c: Option<&Claim>, pod: Option<&Pod>) -> UsageView {
    let Some(c) = c else {
        return UsageView::Unknown("no claim".into());
    };
    if let Some(u) = store.usage(&c.namespace, &c.name) {
        let u = u.usage;
        let frac = |a: u64, b: u64| {
            if b == 0 {
                0.0
            } else {
                (a as f64 / b as f64).clamp(0.0, 1.0)
            }
        };
        return UsageView::Known {
            used: store::quantity::format_bytes(u.used_bytes),
            capacity: store::quantity::format_bytes(u.capacity_bytes),
            fraction: frac(u.used_bytes, u.capacity_bytes),
            inodes: if u.inodes > 0 {
                format!(
                    "{}/{}",
                    store::quantity::format_count(u.inodes_used),
                    store::quantity::format_count(u.inodes)
                )
            } else {
                String::new()
            },
            inode_fraction: frac(u.inodes_used, u.inodes),
        };
    }
    if c.phase != "Bound" {
        return UsageView::Unknown(format!("claim {}", c.phase));
    }
    let Some(pod) = pod.filter(|p| p.phase == "Running" && !p.node.is_empty()) else {
        return UsageView::Unknown("not mounted: no running Pod".into());
    };
    if let Some(e) = store.usage_error(&pod.node) {
        return UsageView::Unknown(if e.forbidden {
            "stats forbidden".into()
        } else {
            format!("stats unavailable: {}", e.message)
        });
    }
    if store.node(&pod.node).is_some_and(|n| !n.is_ready()) {
        return UsageView::Unknown("node down".into());
    }
    UsageView::Unknown("not reported yet".into())
}

/// The chain of one claim template of one ordinal.
pub(crate) fn chain(store: &Store, s: &StatefulSet, template: &str, ordinal: i32) -> Chain {
    let name = super::claim_name(template, &s.name, ordinal);
    let pod = store.pod_of(&s.namespace, &s.name, ordinal);
    let in_range = ordinal >= s.ordinals_start && ordinal < s.ordinals_end();
    let claim = store.claim(&s.namespace, &name);
    let missing_claim = |what: &str| -> String {
        match (pod, in_range) {
            (Some(_), _) => {
                format!("{what} {name} does not exist, but its Pod does (deleted while in use?)")
            }
            (None, true) => {
                format!("no claim yet: {name} is created with the Pod of ordinal {ordinal}")
            }
            (None, false) => format!("no claim: ordinal {ordinal} is beyond replicas"),
        }
    };
    let (claim_link, volume, class) = match (hidden(store, Kind::Claim, "PVC"), claim) {
        (Some(h), _) => (
            Link::Hidden(h.clone()),
            Link::Hidden(h.clone()),
            Link::Hidden(h),
        ),
        (None, None) => {
            let why = missing_claim("claim");
            (
                Link::Missing(why),
                Link::Missing("no claim".into()),
                Link::Missing("no claim".into()),
            )
        }
        (None, Some(c)) => (
            Link::Present(claim_info(c)),
            volume_link(store, c),
            class_link(store, c),
        ),
    };
    Chain {
        template: template.to_string(),
        claim: claim_link,
        volume,
        class,
        usage: usage_view(store, claim, pod),
    }
}
