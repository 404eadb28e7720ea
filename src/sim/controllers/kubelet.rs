//! The scheduler, the simulated kubelets and the node lifecycle controller.
//!
//! Each tick: new store changes mark Pods and Nodes dirty; the node
//! controller moves silent nodes to `Unknown`, keeps the condition taints and
//! evicts from `NoExecute` nodes; the kubelet syncs dirty Pods and Pods whose
//! timer is due; the scheduler places pending Pods. A settled Pod is in no
//! set and costs nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Pod;

use crate::sim::resources::Kind;
use crate::sim::state::SimState;

mod matching;
mod nodes;
mod runtime;
mod scheduler;
#[cfg(test)]
mod tests;

type Key = (String, String);

/// How long the node controller waits for a silent kubelet (node-monitor-grace-period).
pub const NODE_MONITOR_GRACE: Duration = Duration::from_secs(40);
/// The toleration the DefaultTolerationSeconds admission plugin adds.
pub const DEFAULT_TOLERATION: Duration = Duration::from_secs(300);

#[derive(Debug, Default)]
pub struct KubeletState {
    started: bool,
    /// Store changes up to here have been seen.
    last_rv: u64,
    /// Pods to look at in this tick.
    dirty: BTreeSet<Key>,
    /// Pod timers: (when, pod).
    wakeups: BTreeSet<(Timestamp, Key)>,
    pods: BTreeMap<Key, runtime::PodRuntime>,
    /// Node of each Pod that is bound, or assumed while its claims bind.
    placement: BTreeMap<Key, String>,
    node_pods: BTreeMap<String, BTreeSet<Key>>,
    pending: BTreeMap<Key, scheduler::PendingPod>,
    nodes: BTreeMap<String, nodes::NodeState>,
    next_node_index: u32,
    dirty_nodes: BTreeSet<String>,
    /// Pods waiting for their claims to bind before they can mount.
    mount_waiting: BTreeSet<Key>,
    /// Readiness overrides by Pod name, then container (`None`: all).
    readiness: BTreeMap<Key, BTreeMap<Option<String>, bool>>,
    /// Crash requests not yet handed to a running Pod.
    crashes: BTreeMap<Key, Vec<(String, u32)>>,
    /// Something the scheduler depends on changed since its last pass.
    nodes_changed: bool,
    storage_changed: bool,
}

fn key(namespace: &str, name: &str) -> Key {
    (namespace.to_string(), name.to_string())
}

impl KubeletState {
    /// A readiness probe starts failing (`ready: false`) or passing again
    /// for one container, or for all with `None`.
    pub fn set_readiness(
        &mut self,
        namespace: &str,
        pod: &str,
        container: Option<&str>,
        ready: bool,
    ) {
        let k = key(namespace, pod);
        let overrides = self.readiness.entry(k.clone()).or_default();
        if container.is_none() {
            overrides.clear();
        }
        overrides.insert(container.map(str::to_string), ready);
        self.dirty.insert(k);
    }

    /// Whether the node's kubelet is down (a failed node).
    pub fn is_node_down(&self, node: &str) -> bool {
        self.nodes.get(node).is_some_and(|n| n.down.is_some())
    }

    /// The container exits with an error `restarts` times, going through
    /// CrashLoopBackOff, then runs normally again.
    pub fn crash(&mut self, namespace: &str, pod: &str, container: &str, restarts: u32) {
        if restarts == 0 {
            return;
        }
        let k = key(namespace, pod);
        self.crashes
            .entry(k.clone())
            .or_default()
            .push((container.to_string(), restarts));
        self.dirty.insert(k);
    }

    /// Whether a probe override makes this container fail readiness.
    fn probe_failing(&self, pod: &Key, container: &str) -> bool {
        let Some(o) = self.readiness.get(pod) else {
            return false;
        };
        let specific = o.get(&Some(container.to_string()));
        specific.or_else(|| o.get(&None)) == Some(&false)
    }

    fn set_wakeup(&mut self, pod: &Key, at: Option<Timestamp>) {
        let Some(rt) = self.pods.get_mut(pod) else {
            return;
        };
        if rt.wake == at {
            return;
        }
        if let Some(old) = rt.wake.take() {
            self.wakeups.remove(&(old, pod.clone()));
        }
        if let Some(at) = at {
            self.wakeups.insert((at, pod.clone()));
        }
        rt.wake = at;
    }

    fn place(&mut self, pod: &Key, node: Option<&str>) {
        if self.placement.get(pod).map(String::as_str) == node {
            return;
        }
        if let Some(old) = self.placement.remove(pod)
            && let Some(set) = self.node_pods.get_mut(&old)
        {
            set.remove(pod);
        }
        if let Some(node) = node {
            self.placement.insert(pod.clone(), node.to_string());
            self.node_pods
                .entry(node.to_string())
                .or_default()
                .insert(pod.clone());
        }
    }

    fn pod_count(&self, node: &str) -> usize {
        self.node_pods.get(node).map_or(0, BTreeSet::len)
    }

    /// Drops everything known about a Pod that is gone (or replaced).
    fn forget_runtime(&mut self, pod: &Key) {
        self.set_wakeup(pod, None);
        if let Some(rt) = self.pods.remove(pod)
            && let Some(ip) = rt.ip
            && let Some(n) = self.nodes.get_mut(&rt.node)
        {
            n.ips.remove(&ip);
        }
        self.mount_waiting.remove(pod);
    }

    fn forget(&mut self, pod: &Key) {
        self.forget_runtime(pod);
        self.place(pod, None);
        self.pending.remove(pod);
        self.crashes.remove(pod);
    }

    fn node_state(&mut self, node: &str) -> &mut nodes::NodeState {
        if !self.nodes.contains_key(node) {
            let index = self.next_node_index;
            self.next_node_index += 1;
            self.nodes
                .insert(node.to_string(), nodes::NodeState::new(index));
        }
        self.nodes.get_mut(node).expect("inserted above")
    }

    fn mark_node_pods_dirty(&mut self, node: &str) {
        if let Some(set) = self.node_pods.get(node) {
            self.dirty.extend(set.iter().cloned());
        }
    }
}

/// The node's kubelet stops: nothing on it changes any more; the node
/// controller notices after the grace period.
pub fn fail_node(state: &mut SimState, node: &str) {
    let now = state.now();
    let ns = state.kubelet.node_state(node);
    if ns.down.is_none() {
        ns.down = Some(now);
        ns.unknown = false;
    }
    state.kubelet.nodes_changed = true;
}

/// The node's kubelet is back: it posts Ready, the node controller lifts its
/// taints, and the kubelet resumes its Pods (finishing pending deletions).
pub fn recover_node(state: &mut SimState, node: &str) {
    let mut ks = std::mem::take(&mut state.kubelet);
    nodes::recover(state, &mut ks, node);
    state.kubelet = ks;
}

pub fn reconcile(state: &mut SimState) {
    let mut ks = std::mem::take(&mut state.kubelet);
    ingest(state, &mut ks);
    nodes::reconcile(state, &mut ks);
    sync_pods(state, &mut ks);
    scheduler::reconcile(state, &mut ks);
    ks.nodes_changed = false;
    ks.storage_changed = false;
    // Our own writes need no second look: what they imply was done already.
    ks.last_rv = state.store.resource_version();
    state.kubelet = ks;
}

/// Turns store changes since the last tick into dirty Pods and Nodes.
fn ingest(state: &SimState, ks: &mut KubeletState) {
    let store = &state.store;
    if ks.started && store.resource_version() == ks.last_rv {
        return;
    }
    let changes = if ks.started {
        store.changes_since(ks.last_rv).ok()
    } else {
        None
    };
    ks.started = true;
    let Some(changes) = changes else {
        // First run, or history lost: look at everything.
        for p in store.list_typed::<Pod>(None) {
            ks.dirty.insert(key(
                p.metadata.namespace.as_deref().unwrap_or_default(),
                p.metadata.name.as_deref().unwrap_or_default(),
            ));
        }
        let known: Vec<Key> = ks
            .pods
            .keys()
            .chain(ks.placement.keys())
            .chain(ks.pending.keys())
            .cloned()
            .collect();
        ks.dirty.extend(known);
        for e in store.iter(Kind::Node, None) {
            ks.dirty_nodes.insert(e.name().to_string());
        }
        let known_nodes: Vec<String> = ks.nodes.keys().cloned().collect();
        ks.dirty_nodes.extend(known_nodes);
        ks.nodes_changed = true;
        ks.storage_changed = true;
        return;
    };
    for change in changes {
        let object = change.entry.object();
        match change.kind() {
            Kind::Pod => {
                ks.dirty.insert(key(object.namespace(), object.name()));
            }
            Kind::Node => {
                ks.dirty_nodes.insert(object.name().to_string());
                ks.nodes_changed = true;
            }
            Kind::PersistentVolumeClaim | Kind::PersistentVolume | Kind::StorageClass => {
                ks.storage_changed = true;
            }
            _ => {}
        }
    }
}

/// The kubelet pass: dirty Pods, then Pods whose timer is due, in store order.
fn sync_pods(state: &mut SimState, ks: &mut KubeletState) {
    let now = state.now();
    if ks.storage_changed && !ks.mount_waiting.is_empty() {
        let waiting: Vec<Key> = ks.mount_waiting.iter().cloned().collect();
        ks.dirty.extend(waiting);
    }
    while let Some(first) = ks.wakeups.first() {
        if first.0 > now {
            break;
        }
        let (_, k) = ks.wakeups.pop_first().expect("checked above");
        if let Some(rt) = ks.pods.get_mut(&k) {
            rt.wake = None;
        }
        ks.dirty.insert(k);
    }
    let dirty = std::mem::take(&mut ks.dirty);
    for k in dirty {
        sync_pod(state, ks, &k);
    }
}

fn sync_pod(state: &mut SimState, ks: &mut KubeletState, k: &Key) {
    let Some(pod) = state.store.get_typed::<Pod>(&k.0, &k.1).cloned() else {
        ks.forget(k);
        return;
    };
    let uid = pod.metadata.uid.clone().unwrap_or_default();
    if ks.pods.get(k).is_some_and(|rt| rt.uid != uid) {
        ks.forget_runtime(k);
    }
    let node = pod.spec.as_ref().and_then(|s| s.node_name.clone());
    let Some(node) = node else {
        // Unscheduled: the scheduler's (unless it was only assumed).
        if pod.metadata.deletion_timestamp.is_none() {
            let entry = ks.pending.entry(k.clone()).or_default();
            entry.due = true;
        }
        if ks.pending.get(k).is_none_or(|p| p.assumed.is_none()) {
            ks.place(k, None);
        }
        return;
    };
    ks.pending.remove(k);
    ks.place(k, Some(&node));
    let Some(ns) = ks.nodes.get_mut(&node) else {
        // No kubelet for a node that does not exist.
        return;
    };
    if ns.has_no_execute {
        ns.evict_check = true;
    }
    if ns.down.is_some() || !ns.registered {
        nodes::mark_lost_if_terminating(state, ks, &pod, &node);
        return;
    }
    runtime::sync(state, ks, k, pod, &node);
}
