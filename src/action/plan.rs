//! Previews: what an action will do, said before it is sent, and the
//! store lookups the per-action previews share. Each preview follows the
//! upstream controller's rules (ordering, partition, retention policy,
//! reclaim policy) so it says what actually happens.

use crate::store::{Claim, Pod, StatefulSet, Store, UpdateStrategy};

/// A preview: what will happen, and what the user should think twice about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub lines: Vec<String>,
    pub warnings: Vec<String>,
}

impl Plan {
    pub(super) fn line(&mut self, s: impl Into<String>) {
        self.lines.push(s.into());
    }
    pub(super) fn warn(&mut self, s: impl Into<String>) {
        self.warnings.push(s.into());
    }
}

/// An ordinal and its Pod, if any.
pub(super) type Slot<'a> = (i32, Option<&'a Pod>);

pub(super) fn find_set<'s>(
    store: &'s Store,
    ns: &str,
    name: &str,
) -> Result<&'s StatefulSet, String> {
    store.set(ns, name).ok_or_else(|| {
        format!("statefulset {ns}/{name} is not in the cache (deleted, or not watched yet)")
    })
}

pub(super) fn missing_set(ns: &str, name: &str) -> Plan {
    let mut plan = Plan::default();
    plan.warn(format!(
        "statefulset {ns}/{name} is not in the cache (deleted, or not watched yet): the request will probably fail with 404"
    ));
    plan
}

pub(super) fn pod_name(s: &StatefulSet, n: i32) -> String {
    format!("{}-{n}", s.name)
}

pub(super) fn names(s: &StatefulSet, ordinals: &[i32]) -> Vec<String> {
    ordinals.iter().map(|n| pod_name(s, *n)).collect()
}

pub(super) fn claim_names(s: &StatefulSet, n: i32) -> Vec<String> {
    s.templates
        .iter()
        .map(|t| format!("{}-{}-{n}", t.name, s.name))
        .collect()
}

pub(super) fn size(b: Option<u64>) -> String {
    b.map(crate::store::quantity::format_bytes)
        .unwrap_or_else(|| "no size".into())
}

pub(super) fn unhealthy(store: &Store, s: &StatefulSet) -> Vec<String> {
    (s.ordinals_start..s.ordinals_end())
        .filter_map(|n| store.pod_of(&s.namespace, &s.name, n))
        .filter(|p| !p.is_healthy())
        .map(|p| format!("{} ({})", p.name, p.status_text))
        .collect()
}

/// The first ordinal the rolling update touches, or `None` for OnDelete.
pub(super) fn update_min(s: &StatefulSet) -> Option<i32> {
    match &s.strategy {
        UpdateStrategy::RollingUpdate { partition, .. } => {
            Some(s.ordinals_start.saturating_add((*partition).max(0)))
        }
        UpdateStrategy::OnDelete => None,
    }
}

pub(super) fn one_at_a_time(s: &StatefulSet) -> String {
    match &s.strategy {
        UpdateStrategy::RollingUpdate {
            max_unavailable: Some(m),
            ..
        } if m != "1" => format!("up to {m} at a time (maxUnavailable)"),
        _ => "one at a time".into(),
    }
}

/// What deleting `claim` does to its volume and data, and whether the data is lost.
pub(super) fn volume_fate(store: &Store, claim: &Claim) -> (String, bool) {
    if claim.volume_name.is_empty() {
        return ("it is not bound to a volume".into(), false);
    }
    let Some(v) = store.volume_of_claim(claim) else {
        return (
            format!(
                "its volume {} (not visible here) follows its reclaim policy",
                claim.volume_name
            ),
            false,
        );
    };
    match v.reclaim_policy.as_str() {
        "Delete" => (
            format!(
                "its volume {} is deleted with its data (reclaim policy Delete)",
                v.name
            ),
            true,
        ),
        "Recycle" => (
            format!(
                "its volume {} is scrubbed and made Available again (reclaim policy Recycle): the data is erased",
                v.name
            ),
            true,
        ),
        _ => (
            format!(
                "its volume {} becomes Released and keeps its data (reclaim policy {}), but binds to no new claim until an admin clears its claimRef",
                v.name, v.reclaim_policy
            ),
            false,
        ),
    }
}

pub(super) fn class_text(store: &Store, class: &Option<String>) -> String {
    match class.as_deref() {
        Some("") => "no class".into(),
        Some(c) => format!("class {c}"),
        None => match store.default_classes().first() {
            Some(c) => format!("default class {}", c.name),
            None => "the default class".into(),
        },
    }
}
