//! The storage side of the control plane, as one loop per tick:
//!
//! - the PersistentVolume controller (kube-controller-manager): binding
//!   claims to volumes, `WaitForFirstConsumer`, claim loss, volume phases and
//!   reclaim (`Retain` → `Released`, `Delete` → volume deleted);
//! - an external provisioner per StorageClass provisioner (CSI drivers,
//!   `rancher.io/local-path`, …): creates the PersistentVolume for a claim;
//! - the PVC/PV protection controllers (the `kubernetes.io/pvc-protection`
//!   and `kubernetes.io/pv-protection` finalizers);
//! - the expand controller, external-resizer and the kubelet's part of an
//!   expansion (`Resizing` → `FileSystemResizePending` → done);
//! - how full each volume is, for the kubelet's stats summary.
//!
//! Hidden per-claim state (timers, usage) lives in [`StorageState`]; what
//! users see lives in the objects. A tick does nothing unless a relevant
//! object changed or a timer is due, and settled Bound claims are skipped
//! cheaply, so clusters with thousands of claims stay fast.

mod claims;
mod provision;
mod util;
mod volumes;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use k8s_openapi::api::core::v1::{PersistentVolume, PersistentVolumeClaim, Pod};

use crate::sim::objects::Object;
use crate::sim::resources::Kind;
use crate::sim::state::SimState;

pub use util::format_quantity;

/// How long the external provisioner takes when the scenario does not say.
pub const DEFAULT_PROVISION_AFTER: Duration = Duration::from_secs(1);
/// How long ControllerExpandVolume takes when the scenario does not say.
pub const DEFAULT_RESIZE_AFTER: Duration = Duration::from_secs(10);
/// How long the kubelet's NodeExpandVolume takes when the scenario does not say.
pub const DEFAULT_FILE_SYSTEM_RESIZE_AFTER: Duration = Duration::from_secs(5);
/// The PV controller's resync period: repeated events come at most this often.
pub const RESYNC: Duration = Duration::from_secs(15);
/// Bytes per inode, as `mkfs.ext4`'s default inode ratio.
pub const BYTES_PER_INODE: u64 = 16 * 1024;
/// Inodes a fresh volume uses when the workload does not say.
pub const DEFAULT_INODES_USED: u64 = 300;
/// One more inode per this many bytes written.
const BYTES_PER_NEW_INODE: u64 = 256 * 1024;

/// Hidden state of the storage controllers.
#[derive(Debug, Default)]
pub struct StorageState {
    /// Per claim, by namespace then name.
    claims: BTreeMap<String, BTreeMap<String, ClaimRecord>>,
    /// The store version the last pass started from.
    last_rv: Option<u64>,
    /// The earliest timer that needs a pass.
    next_wake: Option<Timestamp>,
    /// Whether `set_usage` left anchors waiting for a timestamp.
    unstamped: bool,
    /// Claims to look at next pass: not settled, or touched by a change.
    /// Settled claims leave the set, so a pass costs what changed.
    claim_work: BTreeSet<(String, String)>,
    /// Volumes to look at next pass, likewise.
    volume_work: BTreeSet<String>,
}

#[derive(Debug, Default, Clone)]
struct ClaimRecord {
    /// The claim's uid; empty when created by `set_usage` before the claim.
    uid: String,
    provision_started: Option<Timestamp>,
    /// Last time each repeated event was recorded, by reason.
    notices: Vec<(&'static str, Timestamp)>,
    /// When the current resize step began.
    resize_since: Option<Timestamp>,
    /// Since when a running Pod could finish the filesystem resize.
    node_ready_since: Option<Timestamp>,
    usage: Option<UsageAnchor>,
}

/// Used bytes at a moment; usage grows linearly from there.
#[derive(Debug, Clone, Copy)]
struct UsageAnchor {
    bytes: u64,
    /// `None` until the next tick stamps a `set_usage` override.
    at: Option<Timestamp>,
    growth_per_hour: Option<u64>,
    inodes: Option<u64>,
}

impl StorageState {
    /// Overrides how many bytes a claim's volume uses now; growth continues
    /// from there.
    pub fn set_usage(&mut self, namespace: &str, claim: &str, used_bytes: u64) {
        let record = self
            .claims
            .entry(namespace.to_string())
            .or_default()
            .entry(claim.to_string())
            .or_default();
        let previous = record.usage;
        record.usage = Some(UsageAnchor {
            bytes: used_bytes,
            at: None,
            growth_per_hour: previous.and_then(|u| u.growth_per_hour),
            inodes: previous.and_then(|u| u.inodes),
        });
        self.unstamped = true;
    }

    fn record(&self, namespace: &str, name: &str) -> Option<&ClaimRecord> {
        self.claims.get(namespace)?.get(name)
    }

    /// The record for a claim, reset when the claim was recreated.
    fn record_mut(&mut self, namespace: &str, name: &str, uid: &str) -> &mut ClaimRecord {
        let record = self
            .claims
            .entry(namespace.to_string())
            .or_default()
            .entry(name.to_string())
            .or_default();
        if record.uid != uid {
            if record.uid.is_empty() {
                record.uid = uid.to_string();
            } else {
                *record = ClaimRecord {
                    uid: uid.to_string(),
                    ..ClaimRecord::default()
                };
            }
        }
        record
    }

    fn forget(&mut self, namespace: &str, name: &str) {
        if let Some(map) = self.claims.get_mut(namespace) {
            map.remove(name);
            if map.is_empty() {
                self.claims.remove(namespace);
            }
        }
    }

    fn wake_at(&mut self, at: Timestamp) {
        if self.next_wake.is_none_or(|t| at < t) {
            self.next_wake = Some(at);
        }
    }

    fn unsettle_claim(&mut self, namespace: &str, name: &str) {
        self.claim_work
            .insert((namespace.to_string(), name.to_string()));
    }

    fn unsettle_volume(&mut self, name: &str) {
        if !self.volume_work.contains(name) {
            self.volume_work.insert(name.to_string());
        }
    }

    fn record_count(&self) -> usize {
        self.claims.values().map(BTreeMap::len).sum()
    }
}

/// Runs the storage controllers once.
pub fn reconcile(state: &mut SimState) {
    let now = state.now();
    stamp_usage(state, now);
    if !needs_pass(state, now) {
        return;
    }
    state.storage.next_wake = None;
    let mut pass = Pass::default();
    // Claims first, in store order; a claim going away unsettles its
    // volume, which the volume loop then sees in the same pass.
    let claims = std::mem::take(&mut state.storage.claim_work);
    for (namespace, name) in claims {
        if !claims::sync(state, &mut pass, &namespace, &name) {
            state.storage.claim_work.insert((namespace, name));
        }
    }
    let volumes = std::mem::take(&mut state.storage.volume_work);
    for name in volumes {
        if !volumes::sync(state, &name) {
            state.storage.volume_work.insert(name);
        }
    }
    prune(state);
}

/// Puts every claim and volume on the work lists (first pass, or the
/// change history was lost).
fn look_at_everything(state: &mut SimState) {
    let st = &mut state.storage;
    for c in state.store.list_typed::<PersistentVolumeClaim>(None) {
        st.claim_work.insert((
            c.metadata.namespace.clone().unwrap_or_default(),
            c.metadata.name.clone().unwrap_or_default(),
        ));
    }
    for pv in state.store.list_typed::<PersistentVolume>(None) {
        st.volume_work
            .insert(pv.metadata.name.clone().unwrap_or_default());
    }
}

/// Whether anything the storage controllers watch changed, or a timer is due.
/// Changes also unsettle what depends on them: a changed or deleted volume
/// unsettles the claim it names, a changed or deleted claim the volume it is
/// bound to (so settled objects never need a look at the other side).
fn needs_pass(state: &mut SimState, now: Timestamp) -> bool {
    let due = state.storage.next_wake.is_some_and(|t| t <= now);
    let rv = state.store.resource_version();
    let last = state.storage.last_rv.replace(rv);
    let changes = match last {
        Some(last) if last == rv => return due,
        Some(last) => state.store.changes_since(last).ok(),
        None => None,
    };
    let Some(changes) = changes else {
        look_at_everything(state);
        return true;
    };
    let mut relevant = false;
    for change in &changes {
        match change.entry.object() {
            Object::PersistentVolume(pv) => {
                relevant = true;
                state
                    .storage
                    .unsettle_volume(pv.metadata.name.as_deref().unwrap_or_default());
                if let Some(r) = pv.spec.as_ref().and_then(|s| s.claim_ref.as_ref()) {
                    state.storage.unsettle_claim(
                        r.namespace.as_deref().unwrap_or_default(),
                        r.name.as_deref().unwrap_or_default(),
                    );
                }
            }
            Object::PersistentVolumeClaim(claim) => {
                relevant = true;
                state.storage.unsettle_claim(
                    claim.metadata.namespace.as_deref().unwrap_or_default(),
                    claim.metadata.name.as_deref().unwrap_or_default(),
                );
                if let Some(volume) = util::claim_volume_name(claim) {
                    state.storage.unsettle_volume(volume);
                }
            }
            // Only claims already on the work list wait for these.
            Object::Pod(_) | Object::StorageClass(_) | Object::Node(_) => relevant = true,
            _ => {}
        }
    }
    due || relevant
}

/// Gives `set_usage` overrides their time, so growth starts from now.
fn stamp_usage(state: &mut SimState, now: Timestamp) {
    if !std::mem::take(&mut state.storage.unstamped) {
        return;
    }
    for record in state
        .storage
        .claims
        .values_mut()
        .flat_map(BTreeMap::values_mut)
    {
        if let Some(u) = record.usage.as_mut()
            && u.at.is_none()
        {
            u.at = Some(now);
        }
    }
}

/// Drops records of claims that are gone (deleted without us noticing).
fn prune(state: &mut SimState) {
    if state.storage.record_count() <= state.store.count(Kind::PersistentVolumeClaim) {
        return;
    }
    let store = &state.store;
    for (ns, map) in state.storage.claims.iter_mut() {
        map.retain(|name, record| {
            store
                .get_typed::<PersistentVolumeClaim>(ns, name)
                .is_some_and(|c| {
                    record.uid.is_empty() || c.metadata.uid.as_deref() == Some(&record.uid)
                })
        });
    }
    state.storage.claims.retain(|_, m| !m.is_empty());
}

/// What one pass computes at most once, when first needed.
#[derive(Default)]
struct Pass {
    pods: Option<BTreeMap<(String, String), Vec<PodUse>>>,
    /// Volumes free to bind (Available or just created, not claimed by a
    /// bound claim), in name order.
    candidates: Option<Vec<String>>,
}

/// A Pod that references a claim.
#[derive(Debug, Clone)]
struct PodUse {
    /// Succeeded or Failed: no longer protects the claim.
    terminated: bool,
    /// The node, when the Pod is Running there.
    running_on: Option<String>,
}

impl Pass {
    fn pods<'a>(&'a mut self, state: &SimState) -> &'a BTreeMap<(String, String), Vec<PodUse>> {
        self.pods.get_or_insert_with(|| pod_index(state))
    }
}

/// The claims a Pod's volumes reference (including generic ephemeral ones).
pub fn pod_claims(pod: &Pod) -> impl Iterator<Item = (String, String)> + '_ {
    let pod_name = pod.metadata.name.as_deref().unwrap_or_default();
    pod.spec
        .iter()
        .flat_map(|s| s.volumes.iter().flatten())
        .filter_map(move |v| {
            if let Some(pvc) = v.persistent_volume_claim.as_ref() {
                Some((v.name.clone(), pvc.claim_name.clone()))
            } else {
                v.ephemeral
                    .as_ref()
                    .map(|_| (v.name.clone(), format!("{pod_name}-{}", v.name)))
            }
        })
}

fn pod_index(state: &SimState) -> BTreeMap<(String, String), Vec<PodUse>> {
    let mut index: BTreeMap<(String, String), Vec<PodUse>> = BTreeMap::new();
    for pod in state.store.list_typed::<Pod>(None) {
        let phase = pod
            .status
            .as_ref()
            .and_then(|s| s.phase.as_deref())
            .unwrap_or("Pending");
        let node = pod.spec.as_ref().and_then(|s| s.node_name.clone());
        let use_ = PodUse {
            terminated: matches!(phase, "Succeeded" | "Failed"),
            running_on: if phase == "Running" { node } else { None },
        };
        let ns = pod.metadata.namespace.clone().unwrap_or_default();
        for (_, claim) in pod_claims(pod) {
            index
                .entry((ns.clone(), claim))
                .or_default()
                .push(use_.clone());
        }
    }
    index
}

// ---- usage -----------------------------------------------------------------

/// Filesystem statistics of a claim's volume, as the kubelet reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VolumeStats {
    pub capacity_bytes: u64,
    pub used_bytes: u64,
    pub available_bytes: u64,
    pub inodes: u64,
    pub inodes_used: u64,
    pub inodes_free: u64,
}

/// What the scenario says about a claim's usage.
struct Profile {
    initial: Option<u64>,
    growth_per_hour: u64,
    inodes_used: u64,
}

/// Finds the workload whose StatefulSet made this claim
/// (`<template>-<statefulset>-<ordinal>`) and its usage for that template.
fn profile(state: &SimState, namespace: &str, claim: &str) -> Profile {
    let usage = state
        .behaviour
        .workloads
        .iter()
        .filter(|w| w.namespace == namespace)
        .find_map(|w| {
            w.volume_usage.iter().find_map(|(template, usage)| {
                let rest = claim.strip_prefix(template.as_str())?.strip_prefix('-')?;
                let ordinal = rest
                    .strip_prefix(w.statefulset.as_str())?
                    .strip_prefix('-')?;
                (!ordinal.is_empty() && ordinal.bytes().all(|b| b.is_ascii_digit()))
                    .then_some(usage)
            })
        });
    match usage {
        Some(u) => Profile {
            initial: Some(u.initial_bytes),
            growth_per_hour: u.growth_per_hour_bytes,
            inodes_used: u.inodes_used,
        },
        None => Profile {
            initial: None,
            growth_per_hour: 0,
            inodes_used: DEFAULT_INODES_USED,
        },
    }
}

/// The usage anchor for a claim that just became Bound.
fn initial_anchor(
    state: &SimState,
    namespace: &str,
    claim: &str,
    capacity: u64,
    now: Timestamp,
) -> UsageAnchor {
    let p = profile(state, namespace, claim);
    UsageAnchor {
        bytes: p.initial.unwrap_or(capacity * 3 / 100),
        at: Some(now),
        growth_per_hour: Some(p.growth_per_hour),
        inodes: Some(p.inodes_used),
    }
}

/// How full a Bound claim's filesystem is now. The capacity is the claim's
/// `status.capacity` (the filesystem size: the old size until a resize has
/// finished on the node).
pub fn volume_stats(state: &SimState, claim: &PersistentVolumeClaim) -> Option<VolumeStats> {
    let capacity = util::claim_capacity(claim)?;
    let ns = claim.metadata.namespace.as_deref().unwrap_or_default();
    let name = claim.metadata.name.as_deref().unwrap_or_default();
    let uid = claim.metadata.uid.as_deref().unwrap_or_default();
    let now = state.now();
    let anchor = state
        .storage
        .record(ns, name)
        .filter(|r| r.uid.is_empty() || r.uid == uid)
        .and_then(|r| r.usage)
        .unwrap_or_else(|| initial_anchor(state, ns, name, capacity, now));
    Some(stats_at(state, ns, name, anchor, capacity, now))
}

fn stats_at(
    state: &SimState,
    ns: &str,
    name: &str,
    anchor: UsageAnchor,
    capacity: u64,
    now: Timestamp,
) -> VolumeStats {
    let (growth, inodes_base) = match (anchor.growth_per_hour, anchor.inodes) {
        (Some(g), Some(i)) => (g, i),
        (g, i) => {
            let p = profile(state, ns, name);
            (g.unwrap_or(p.growth_per_hour), i.unwrap_or(p.inodes_used))
        }
    };
    let elapsed_ms = anchor
        .at
        .map(|at| now.duration_since(at).as_millis().max(0))
        .unwrap_or(0);
    let grown = u128::from(growth) * u128::try_from(elapsed_ms).unwrap_or(0) / 3_600_000;
    let used = (u128::from(anchor.bytes) + grown).min(u128::from(capacity));
    let used = u64::try_from(used).unwrap_or(capacity);
    let inodes = (capacity / BYTES_PER_INODE).max(1);
    let written = used.saturating_sub(anchor.bytes);
    let inodes_used = (inodes_base + written / BYTES_PER_NEW_INODE).min(inodes);
    VolumeStats {
        capacity_bytes: capacity,
        used_bytes: used,
        available_bytes: capacity - used,
        inodes,
        inodes_used,
        inodes_free: inodes - inodes_used,
    }
}

fn signed(d: Duration) -> SignedDuration {
    SignedDuration::try_from(d).unwrap_or(SignedDuration::MAX)
}
