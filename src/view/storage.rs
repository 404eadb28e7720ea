//! The storage screen: every claim, volume and class in scope.

use std::collections::HashMap;

use jiff::Timestamp;

use crate::store::{Kind, Pod, Store, SyncState};

use super::chain::{claim_info, class_info, class_link, usage_view, volume_info, volume_link};
use super::health::{self, worst};
use super::model::{ClaimRow, Severity, StorageView, VolumeRow};
use super::{Scope, age, claim_owner};

/// Finding codes shown on the storage screen.
const STORAGE_CODES: &[&str] = &[
    "claim-pending",
    "claim-lost",
    "claim-orphaned",
    "claim-resizing",
    "claim-fs-resize-pending",
    "claim-resize-failed",
    "claim-expansion-not-allowed",
    "claim-capacity-below-request",
    "volume-released",
    "volume-failed",
    "volume-node-unavailable",
    "volume-almost-full",
    "volume-filling-up",
    "default-classes",
];

fn matches(filter: &str, namespace: &str, name: &str) -> bool {
    let f = filter.trim().to_lowercase();
    f.is_empty() || name.to_lowercase().contains(&f) || namespace.to_lowercase().contains(&f)
}

pub fn storage_view(store: &Store, scope: &Scope, filter: &str, now: Timestamp) -> StorageView {
    let tagged = health::tagged(store, scope, now);
    let storage: Vec<&health::Tagged> = tagged
        .iter()
        .filter(|t| STORAGE_CODES.contains(&t.finding.code))
        .collect();
    let touching = |kind: &str, ns: &str, name: &str| -> Option<Severity> {
        worst(storage.iter().copied().filter(|t| {
            t.finding
                .objects
                .first()
                .is_some_and(|o| o.kind == kind && o.namespace == ns && o.name == name)
        }))
    };

    // Pods mounting each claim (prefer a Running one: it reports usage).
    let mut users: HashMap<(String, String), &Pod> = HashMap::new();
    for p in store.pods(scope.ns()) {
        for c in &p.claims {
            let k = (p.namespace.clone(), c.clone());
            let better = users.get(&k).is_none_or(|q| q.phase != "Running");
            if better {
                users.insert(k, p);
            }
        }
    }

    let claims = store
        .claims(scope.ns())
        .filter(|c| matches(filter, &c.namespace, &c.name))
        .map(|c| {
            let owner = claim_owner(store, &c.namespace, &c.name);
            let in_range = owner.as_ref().is_some_and(|o| {
                store
                    .set(&c.namespace, &o.set)
                    .is_some_and(|s| o.ordinal >= s.ordinals_start && o.ordinal < s.ordinals_end())
            });
            let user = users.get(&(c.namespace.clone(), c.name.clone())).copied();
            ClaimRow {
                namespace: c.namespace.clone(),
                claim: claim_info(c),
                volume: volume_link(store, c),
                class: class_link(store, c),
                usage: usage_view(store, Some(c), user),
                capacity: super::capacity::capacity_view(store, c),
                owner: owner
                    .as_ref()
                    .map(|o| format!("{}/{}", o.set, o.ordinal))
                    .unwrap_or_default(),
                unused: !in_range && user.is_none(),
                health: touching("PersistentVolumeClaim", &c.namespace, &c.name),
                age: age(c.created, now),
            }
        })
        .collect();

    let volumes = if matches!(store.sync(Kind::Volume), SyncState::Forbidden { .. }) {
        Vec::new()
    } else {
        store
            .volumes()
            .filter(|v| match (&scope.namespace, &v.claim_ref) {
                (None, _) | (Some(_), None) => true,
                (Some(ns), Some((cns, _))) => ns == cns,
            })
            .filter(|v| {
                let (cns, cn) = v.claim_ref.clone().unwrap_or_default();
                matches(filter, "", &v.name) || matches(filter, &cns, &cn)
            })
            .map(|v| VolumeRow {
                volume: volume_info(v),
                claim: v
                    .claim_ref
                    .as_ref()
                    .map(|(ns, n)| format!("{ns}/{n}"))
                    .unwrap_or_default(),
                class: v.storage_class.clone(),
                health: worst(storage.iter().copied().filter(|t| {
                    t.finding
                        .objects
                        .iter()
                        .any(|o| o.kind == "PersistentVolume" && o.name == v.name)
                })),
                age: age(v.created, now),
            })
            .collect()
    };

    StorageView {
        claims,
        volumes,
        classes: store.classes().map(class_info).collect(),
        findings: storage.iter().map(|t| t.finding.clone()).collect(),
    }
}
