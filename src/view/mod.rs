//! Derived views: pure functions of the store (and UI state such as filter
//! and selection) returning the small structs in [`model`] that widgets draw.
//!
//! - [`set_rows`]: the StatefulSets list.
//! - [`set_detail`]: one StatefulSet: header, ordinals, chains, findings, events, log.
//! - [`storage_view`]: every claim, volume and class in scope.
//! - [`findings`]: health findings, worst first.
//! - [`sync_summary`], [`namespaces`]: the status line and namespace switcher.

pub mod capacity;
mod chain;
pub mod forecast;
mod health;
pub mod memo;
pub mod model;
mod rollout;
mod sets;
mod storage;

use jiff::Timestamp;

use crate::store::owner::{claim_name, claim_owner, parse_ordinal};
use crate::store::{self, Claim, Kind, Pod, StatefulSet, Store, SyncState};
use model::{ObjectRef, SyncSummary, SyncView};

pub use health::findings;
pub use sets::{EVENT_ROWS, set_detail, set_rows};
pub use storage::storage_view;

/// Which namespaces a view covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// `None`: all namespaces.
    pub namespace: Option<String>,
}

impl Scope {
    pub fn all() -> Scope {
        Scope { namespace: None }
    }
    pub fn namespace(ns: &str) -> Scope {
        Scope {
            namespace: Some(ns.to_string()),
        }
    }
    fn ns(&self) -> Option<&str> {
        self.namespace.as_deref()
    }
    fn contains(&self, namespace: &str) -> bool {
        self.namespace.as_deref().is_none_or(|n| n == namespace)
    }
}

/// The status line's freshness summary, kinds in [`Kind::ALL`] order.
pub fn sync_summary(store: &Store, now: Timestamp) -> SyncSummary {
    let kinds: Vec<(&'static str, SyncView)> = Kind::ALL
        .iter()
        .map(|k| {
            let v = match store.sync(*k) {
                SyncState::Syncing => SyncView::Syncing,
                SyncState::Live { .. } => SyncView::Live,
                SyncState::Reconnecting { since, error } => SyncView::Reconnecting {
                    since: age(Some(*since), now),
                    error: error.clone(),
                },
                SyncState::Forbidden { message } => SyncView::Forbidden {
                    message: message.clone(),
                },
            };
            (k.label(), v)
        })
        .collect();
    let stale = kinds.iter().any(|(_, v)| *v != SyncView::Live);
    let received = Kind::ALL.iter().map(|k| store.receiving(*k)).collect();
    SyncSummary {
        kinds,
        stale,
        received,
    }
}

/// What to do when the user may not list what the list is made of in all
/// namespaces (a namespace-scoped user started with `-A`): say so, instead
/// of an empty screen.
pub fn forbidden_hint(store: &Store, all_namespaces: bool) -> Option<String> {
    if !all_namespaces {
        return None;
    }
    let denied: Vec<&str> = [Kind::StatefulSet, Kind::Pod, Kind::Claim]
        .into_iter()
        .filter(|k| matches!(store.sync(*k), SyncState::Forbidden { .. }))
        .map(Kind::label)
        .collect();
    if denied.is_empty() {
        return None;
    }
    Some(format!(
        "You may not list {} in all namespaces: run ordinal -n NAMESPACE to watch one you may read.",
        denied.join(", ")
    ))
}

/// Namespaces holding StatefulSets, Pods or claims, sorted (for the switcher).
pub fn namespaces(store: &Store) -> Vec<String> {
    store.namespaces()
}

// ---- shared helpers ----

fn age(t: Option<Timestamp>, now: Timestamp) -> String {
    t.map(|t| crate::format::duration::age(t, now))
        .unwrap_or_default()
}

/// Seconds from `t` to `now` (0 for the future or unknown).
fn secs_since(t: Option<Timestamp>, now: Timestamp) -> i64 {
    t.map(|t| now.duration_since(t).as_secs().max(0))
        .unwrap_or(0)
}

fn bytes(b: Option<u64>) -> String {
    b.map(store::quantity::format_bytes).unwrap_or_default()
}

fn obj(kind: &str, namespace: &str, name: &str) -> ObjectRef {
    ObjectRef {
        kind: kind.to_string(),
        namespace: namespace.to_string(),
        name: name.to_string(),
    }
}

fn set_ref(s: &StatefulSet) -> ObjectRef {
    obj("StatefulSet", &s.namespace, &s.name)
}

fn claim_ref(c: &Claim) -> ObjectRef {
    obj("PersistentVolumeClaim", &c.namespace, &c.name)
}

/// Every ordinal the screen shows: the range, plus Pods and claims outside
/// it; `set_pods` as [`Store::pods_of_set`] gives them. Usually every Pod
/// and claim is in the range, and the answer is the range itself.
pub(crate) fn ordinals_of(store: &Store, s: &StatefulSet, set_pods: &[(i32, &Pod)]) -> Vec<i32> {
    let (start, end) = (s.ordinals_start, s.ordinals_end());
    let outside = |n: &i32| *n < start || *n >= end;
    let mut extra: Vec<i32> = set_pods.iter().map(|(n, _)| *n).filter(outside).collect();
    for t in &s.templates {
        let prefix = format!("{}-{}-", t.name, s.name);
        extra.extend(
            store
                .claims_with_prefix(&s.namespace, &prefix)
                .filter_map(|c| parse_ordinal(&c.name[prefix.len()..]))
                .filter(outside),
        );
    }
    let mut all: Vec<i32> = (start..end).collect();
    if !extra.is_empty() {
        all.extend(extra);
        all.sort_unstable();
        all.dedup();
    }
    all
}

#[cfg(test)]
pub(crate) mod tests;
