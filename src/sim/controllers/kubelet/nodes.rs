//! The node side: what a kubelet posts about its node (conditions,
//! addresses, a heartbeat every few minutes) and the node lifecycle
//! controller (a silent node goes `Unknown` after the grace period, gets the
//! condition taints, and its Pods are evicted once their toleration ends).

use std::collections::BTreeSet;
use std::net::Ipv4Addr;
use std::time::Duration;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{
    DaemonEndpoint, Node, NodeAddress, NodeCondition, NodeDaemonEndpoints, NodeStatus, Pod,
    PodCondition, Taint,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

use super::matching::{
    NO_EXECUTE, NO_SCHEDULE, NOT_READY, UNREACHABLE, UNSCHEDULABLE, after, cidr_range, tolerates,
};
use super::{DEFAULT_TOLERATION, Key, KubeletState, NODE_MONITOR_GRACE, key};
use crate::sim::objects::Object;
use crate::sim::resources::Kind;
use crate::sim::state::SimState;

/// How often an idle kubelet re-posts its node status (nodeStatusReportFrequency).
const HEARTBEAT: Duration = Duration::from_secs(300);
const NODE_CONTROLLER: &str = "node-controller";
pub const NODE_LOST: &str = "NodeLost";

#[derive(Debug)]
pub struct NodeState {
    pub index: u32,
    /// Seen in the store and its status posted.
    pub registered: bool,
    /// When its kubelet stopped.
    pub down: Option<Timestamp>,
    /// The node controller has marked it Unknown (or it was loaded not ready).
    pub unknown: bool,
    /// Pod IPs in use, as addresses.
    pub ips: BTreeSet<u32>,
    pub cidr: Option<(u32, u32)>,
    pub internal_ip: Option<String>,
    last_heartbeat: Option<Timestamp>,
    pub has_no_execute: bool,
    /// Look at the Pods on it for NoExecute eviction in the next pass.
    pub evict_check: bool,
    evict_at: Option<Timestamp>,
}

impl NodeState {
    pub fn new(index: u32) -> NodeState {
        NodeState {
            index,
            registered: false,
            down: None,
            unknown: false,
            ips: BTreeSet::new(),
            cidr: None,
            internal_ip: None,
            last_heartbeat: None,
            has_no_execute: false,
            evict_check: false,
            evict_at: None,
        }
    }

    /// The lowest free Pod IP in the node's range.
    pub fn allocate_ip(&mut self) -> Option<u32> {
        let (first, last) = self.cidr?;
        let ip = (first..=last).find(|ip| !self.ips.contains(ip))?;
        self.ips.insert(ip);
        Some(ip)
    }
}

fn ready_status(node: &Node) -> Option<&str> {
    node.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "Ready")
        .map(|c| c.status.as_str())
}

fn node_ref(node: &Node) -> Object {
    Object::Node(Node {
        metadata: node.metadata.clone(),
        ..Default::default()
    })
}

pub fn reconcile(state: &mut SimState, ks: &mut KubeletState) {
    let now = state.now();
    for name in std::mem::take(&mut ks.dirty_nodes) {
        match state.get::<Node>("", &name) {
            Some(node) => refresh(state, ks, node),
            None => {
                if ks.nodes.get(&name).is_some_and(|n| n.registered) {
                    ks.nodes.remove(&name);
                }
            }
        }
    }
    let names: Vec<String> = ks.nodes.keys().cloned().collect();
    for name in names {
        let Some(ns) = ks.nodes.get(&name) else {
            continue;
        };
        if !ns.registered {
            continue;
        }
        if let Some(down) = ns.down {
            if !ns.unknown && now >= after(down, NODE_MONITOR_GRACE) {
                mark_unknown(state, ks, &name);
            }
        } else if ns.last_heartbeat.is_none_or(|t| now >= after(t, HEARTBEAT)) {
            heartbeat(state, ks, &name);
        }
        let ns = &ks.nodes[&name];
        if ns.has_no_execute && (ns.evict_check || ns.evict_at.is_some_and(|t| t <= now)) {
            evict_pass(state, ks, &name);
        }
    }
}

/// A node appeared or changed: register it, post its status if its kubelet
/// runs, and keep the controller's taints in line.
fn refresh(state: &mut SimState, ks: &mut KubeletState, node: Node) {
    let now = state.now();
    let name = node.metadata.name.clone().unwrap_or_default();
    let ns = ks.node_state(&name);
    let first = !ns.registered;
    ns.registered = true;
    let spec = node.spec.as_ref();
    ns.cidr = spec
        .and_then(|s| s.pod_cidr.as_deref())
        .and_then(cidr_range)
        .or_else(|| cidr_range(&format!("10.244.{}.0/24", ns.index % 256)));
    if first {
        if matches!(ready_status(&node), Some("False" | "Unknown")) && ns.down.is_none() {
            // Loaded not ready: its kubelet is not running.
            ns.down = Some(now);
            ns.unknown = true;
        }
        ks.mark_node_pods_dirty(&name);
    }
    let ns = &ks.nodes[&name];
    let node = if ns.down.is_none() {
        post_status(state, ks, node)
    } else {
        node
    };
    let ns = ks.node_state(&name);
    ns.internal_ip = node
        .status
        .as_ref()
        .and_then(|s| s.addresses.as_ref())
        .and_then(|a| a.iter().find(|a| a.type_ == "InternalIP"))
        .map(|a| a.address.clone());
    sync_taints(state, ks, node);
}

/// The kubelet's healthy conditions; `now` is the stamp they record.
fn kubelet_conditions(now: Timestamp) -> Vec<NodeCondition> {
    [
        (
            "MemoryPressure",
            "False",
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
        ),
        (
            "DiskPressure",
            "False",
            "KubeletHasNoDiskPressure",
            "kubelet has no disk pressure",
        ),
        (
            "PIDPressure",
            "False",
            "KubeletHasSufficientPID",
            "kubelet has sufficient PID available",
        ),
        (
            "Ready",
            "True",
            "KubeletReady",
            "kubelet is posting ready status",
        ),
    ]
    .into_iter()
    .map(|(t, s, r, m)| NodeCondition {
        type_: t.into(),
        status: s.into(),
        reason: Some(r.into()),
        message: Some(m.into()),
        last_heartbeat_time: Some(Time(now)),
        last_transition_time: Some(Time(now)),
    })
    .collect()
}

/// Merges the kubelet's healthy conditions into the node's, keeping
/// transition times of unchanged ones; `now` is on the stamp clock.
fn set_kubelet_conditions(status: &mut NodeStatus, now: Timestamp) {
    let existing = status.conditions.take().unwrap_or_default();
    let mut merged: Vec<NodeCondition> = kubelet_conditions(now)
        .into_iter()
        .map(|mut c| {
            if let Some(old) = existing.iter().find(|o| o.type_ == c.type_)
                && old.status == c.status
            {
                c.last_transition_time.clone_from(&old.last_transition_time);
            }
            c
        })
        .collect();
    merged.extend(existing.into_iter().filter(|o| {
        !["MemoryPressure", "DiskPressure", "PIDPressure", "Ready"].contains(&o.type_.as_str())
    }));
    status.conditions = Some(merged);
}

/// What a starting kubelet posts: conditions when there are none, its
/// addresses and endpoint.
fn post_status(state: &mut SimState, ks: &mut KubeletState, mut node: Node) -> Node {
    let now = state.now();
    let name = node.metadata.name.clone().unwrap_or_default();
    let index = ks.node_state(&name).index;
    let before = node.status.clone();
    let status = node.status.get_or_insert_with(NodeStatus::default);
    let ready = status
        .conditions
        .as_ref()
        .and_then(|c| c.iter().find(|c| c.type_ == "Ready"));
    match ready {
        None => set_kubelet_conditions(status, state.stamp_now()),
        Some(c) => {
            ks.node_state(&name).last_heartbeat = Some(
                c.last_heartbeat_time
                    .as_ref()
                    .map_or(now, |t| state.unstamp(t.0)),
            );
        }
    }
    if status.addresses.as_ref().is_none_or(Vec::is_empty) {
        let ip = Ipv4Addr::from(u32::from(Ipv4Addr::new(10, 224, 0, 4)) + index);
        status.addresses = Some(vec![
            NodeAddress {
                type_: "InternalIP".into(),
                address: ip.to_string(),
            },
            NodeAddress {
                type_: "Hostname".into(),
                address: name.clone(),
            },
        ]);
    }
    status.daemon_endpoints.get_or_insert(NodeDaemonEndpoints {
        kubelet_endpoint: Some(DaemonEndpoint { port: 10250 }),
    });
    if node.status == before {
        return node;
    }
    let ns = ks.node_state(&name);
    if ns.last_heartbeat.is_none() {
        ns.last_heartbeat = Some(now);
    }
    match state.put(node.clone()) {
        Ok(written) => written,
        Err(_) => node,
    }
}

fn heartbeat(state: &mut SimState, ks: &mut KubeletState, name: &str) {
    let now = state.now();
    ks.node_state(name).last_heartbeat = Some(now);
    let Some(mut node) = state.get::<Node>("", name) else {
        return;
    };
    let status = node.status.get_or_insert_with(NodeStatus::default);
    if ready_status_of(status) != Some("True") {
        set_kubelet_conditions(status, state.stamp_now());
    } else {
        for c in status.conditions.iter_mut().flatten() {
            c.last_heartbeat_time = Some(state.now_time());
        }
    }
    let _ = state.put(node);
}

fn ready_status_of(status: &NodeStatus) -> Option<&str> {
    status
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "Ready")
        .map(|c| c.status.as_str())
}

/// The node controller's taints: `not-ready`/`unreachable` from the Ready
/// condition (NoSchedule and NoExecute) and `unschedulable` for a cordoned node.
fn sync_taints(state: &mut SimState, ks: &mut KubeletState, mut node: Node) {
    let name = node.metadata.name.clone().unwrap_or_default();
    let condition_key = match ready_status(&node) {
        Some("False") => Some(NOT_READY),
        Some("Unknown") => Some(UNREACHABLE),
        _ => None,
    };
    let cordoned = node
        .spec
        .as_ref()
        .and_then(|s| s.unschedulable)
        .unwrap_or(false);
    let mut desired: Vec<(&str, &str)> = Vec::new();
    if let Some(k) = condition_key {
        desired.push((k, NO_SCHEDULE));
        desired.push((k, NO_EXECUTE));
    }
    if cordoned {
        desired.push((UNSCHEDULABLE, NO_SCHEDULE));
    }
    let managed = |t: &Taint| {
        [NOT_READY, UNREACHABLE].contains(&t.key.as_str())
            && [NO_SCHEDULE, NO_EXECUTE].contains(&t.effect.as_str())
            || t.key == UNSCHEDULABLE && t.effect == NO_SCHEDULE
    };
    let spec = node.spec.get_or_insert_with(Default::default);
    let current = spec.taints.clone().unwrap_or_default();
    let mut taints: Vec<Taint> = current
        .iter()
        .filter(|t| !managed(t) || desired.contains(&(t.key.as_str(), t.effect.as_str())))
        .cloned()
        .collect();
    for (k, effect) in &desired {
        if !taints.iter().any(|t| t.key == *k && t.effect == *effect) {
            taints.push(Taint {
                key: (*k).into(),
                effect: (*effect).into(),
                value: None,
                time_added: Some(state.now_time()),
            });
        }
    }
    let has_no_execute = taints.iter().any(|t| t.effect == NO_EXECUTE);
    let ns = ks.node_state(&name);
    if has_no_execute {
        ns.evict_check = true;
    } else {
        ns.evict_at = None;
    }
    ns.has_no_execute = has_no_execute;
    if taints != current {
        spec.taints = if taints.is_empty() {
            None
        } else {
            Some(taints)
        };
        let _ = state.put(node);
        ks.nodes_changed = true;
    }
}

/// The node controller has not heard from the kubelet for the grace period.
fn mark_unknown(state: &mut SimState, ks: &mut KubeletState, name: &str) {
    let stamp = state.now_time();
    ks.node_state(name).unknown = true;
    let Some(mut node) = state.get::<Node>("", name) else {
        return;
    };
    let status = node.status.get_or_insert_with(NodeStatus::default);
    let conditions = status.conditions.get_or_insert_with(Vec::new);
    for c in conditions.iter_mut() {
        if c.status != "Unknown" {
            c.status = "Unknown".into();
            c.reason = Some("NodeStatusUnknown".into());
            c.message = Some("Kubelet stopped posting node status.".into());
            c.last_transition_time = Some(stamp.clone());
        }
    }
    if !conditions.iter().any(|c| c.type_ == "Ready") {
        conditions.push(NodeCondition {
            type_: "Ready".into(),
            status: "Unknown".into(),
            reason: Some("NodeStatusNeverUpdated".into()),
            message: Some("Kubelet never posted node status.".into()),
            last_heartbeat_time: None,
            last_transition_time: Some(stamp.clone()),
        });
    }
    let node = state.put(node.clone()).unwrap_or(node);
    state.record_event(
        &node_ref(&node),
        "Normal",
        "NodeNotReady",
        &format!("Node {name} status is now: NodeNotReady"),
        NODE_CONTROLLER,
    );
    sync_taints(state, ks, node);
    // MarkPodsNotReady: only the Ready condition changes.
    let pods: Vec<Key> = ks
        .node_pods
        .get(name)
        .map(|s| s.iter().cloned().collect())
        .unwrap_or_default();
    for k in pods {
        let Some(mut pod) = state.get::<Pod>(&k.0, &k.1) else {
            continue;
        };
        if pod.spec.as_ref().and_then(|s| s.node_name.as_deref()) != Some(name) {
            continue;
        }
        let mut changed = false;
        if let Some(c) = pod
            .status
            .as_mut()
            .and_then(|s| s.conditions.as_mut())
            .and_then(|c| c.iter_mut().find(|c| c.type_ == "Ready"))
            && c.status != "False"
        {
            c.status = "False".into();
            c.last_transition_time = Some(stamp.clone());
            changed = true;
        }
        if changed {
            let pod = state.put(pod.clone()).unwrap_or(pod);
            state.record_event(
                &super::runtime::pod_ref(&pod),
                "Warning",
                "NodeNotReady",
                "Node is not ready",
                NODE_CONTROLLER,
            );
            mark_lost_if_terminating(state, ks, &pod, name);
        } else {
            mark_lost_if_terminating(state, ks, &pod, name);
        }
    }
}

/// A terminating Pod on a node that does not answer gets `NodeLost`, which
/// kubectl shows as `Unknown`.
pub fn mark_lost_if_terminating(
    state: &mut SimState,
    ks: &mut KubeletState,
    pod: &Pod,
    node: &str,
) {
    if pod.metadata.deletion_timestamp.is_none()
        || !ks.nodes.get(node).is_some_and(|n| n.unknown)
        || pod.status.as_ref().and_then(|s| s.reason.as_deref()) == Some(NODE_LOST)
    {
        return;
    }
    let mut pod = pod.clone();
    let name = pod.metadata.name.clone().unwrap_or_default();
    let status = pod.status.get_or_insert_with(Default::default);
    status.reason = Some(NODE_LOST.into());
    status.message = Some(format!(
        "Node {node} which was running pod {name} is unresponsive"
    ));
    let _ = state.put(pod);
}

enum Eviction {
    Never,
    At(Timestamp),
}

/// When the taint manager evicts a Pod from a node with these NoExecute
/// taints: at once for an untolerated taint, after the shortest
/// tolerationSeconds otherwise. Pods without an unreachable/not-ready
/// toleration get the 300s that admission would have added.
fn eviction_time(state: &SimState, pod: &Pod, taints: &[Taint]) -> Eviction {
    let now = state.now();
    let tolerations = pod
        .spec
        .as_ref()
        .and_then(|s| s.tolerations.as_deref())
        .unwrap_or_default();
    let mut at: Option<Timestamp> = None;
    for taint in taints {
        let start = taint
            .time_added
            .as_ref()
            .map_or(now, |t| state.unstamp(t.0));
        let matching: Vec<_> = tolerations.iter().filter(|t| tolerates(t, taint)).collect();
        let seconds = if matching.is_empty() {
            if taint.key == UNREACHABLE || taint.key == NOT_READY {
                Some(DEFAULT_TOLERATION)
            } else {
                return Eviction::At(now);
            }
        } else if matching.iter().any(|t| t.toleration_seconds.is_none()) {
            None
        } else {
            matching
                .iter()
                .filter_map(|t| t.toleration_seconds)
                .min()
                .map(|s| Duration::from_secs(s.max(0).unsigned_abs()))
        };
        if let Some(s) = seconds {
            let t = after(start, s);
            at = Some(at.map_or(t, |a| a.min(t)));
        }
    }
    at.map_or(Eviction::Never, Eviction::At)
}

fn evict_pass(state: &mut SimState, ks: &mut KubeletState, name: &str) {
    let now = state.now();
    let ns = ks.node_state(name);
    ns.evict_check = false;
    ns.evict_at = None;
    let Some(node) = state.get::<Node>("", name) else {
        return;
    };
    let taints: Vec<Taint> = node
        .spec
        .as_ref()
        .and_then(|s| s.taints.as_ref())
        .into_iter()
        .flatten()
        .filter(|t| t.effect == NO_EXECUTE)
        .cloned()
        .collect();
    if taints.is_empty() {
        return;
    }
    let pods: Vec<Key> = ks
        .node_pods
        .get(name)
        .map(|s| s.iter().cloned().collect())
        .unwrap_or_default();
    let mut next: Option<Timestamp> = None;
    for k in pods {
        let Some(pod) = state.store.get_typed::<Pod>(&k.0, &k.1) else {
            continue;
        };
        if pod.spec.as_ref().and_then(|s| s.node_name.as_deref()) != Some(name)
            || pod.metadata.deletion_timestamp.is_some()
        {
            continue;
        }
        match eviction_time(state, pod, &taints) {
            Eviction::Never => {}
            Eviction::At(t) if t <= now => {
                let pod = pod.clone();
                evict(state, ks, pod, name);
            }
            Eviction::At(t) => next = Some(next.map_or(t, |n| n.min(t))),
        }
    }
    ks.node_state(name).evict_at = next;
}

fn evict(state: &mut SimState, ks: &mut KubeletState, mut pod: Pod, node: &str) {
    let ns = pod.metadata.namespace.clone().unwrap_or_default();
    let name = pod.metadata.name.clone().unwrap_or_default();
    let status = pod.status.get_or_insert_with(Default::default);
    let conditions = status.conditions.get_or_insert_with(Vec::new);
    conditions.retain(|c| c.type_ != "DisruptionTarget");
    conditions.push(PodCondition {
        type_: "DisruptionTarget".into(),
        status: "True".into(),
        reason: Some("DeletionByTaintManager".into()),
        message: Some("Taint manager: deleting due to NoExecute taint".into()),
        last_transition_time: Some(state.now_time()),
        ..Default::default()
    });
    let pod = state.put(pod.clone()).unwrap_or(pod);
    state.record_event(
        &super::runtime::pod_ref(&pod),
        "Normal",
        "TaintManagerEviction",
        &format!("Marking for deletion Pod {ns}/{name}"),
        "taint-eviction-controller",
    );
    if state.delete(Kind::Pod, &ns, &name, None).is_ok()
        && let Some(pod) = state.get::<Pod>(&ns, &name)
    {
        mark_lost_if_terminating(state, ks, &pod, node);
    }
    ks.dirty.insert(key(&ns, &name));
}

/// The kubelet of a failed node is back.
pub fn recover(state: &mut SimState, ks: &mut KubeletState, name: &str) {
    let now = state.now();
    let ns = ks.node_state(name);
    ns.down = None;
    ns.unknown = false;
    ns.last_heartbeat = Some(now);
    ks.nodes_changed = true;
    let Some(mut node) = state.get::<Node>("", name) else {
        return;
    };
    ks.node_state(name).registered = true;
    let was_ready = ready_status(&node) == Some("True");
    set_kubelet_conditions(
        node.status.get_or_insert_with(NodeStatus::default),
        state.stamp_now(),
    );
    let node = state.put(node.clone()).unwrap_or(node);
    if !was_ready {
        state.record_event(
            &node_ref(&node),
            "Normal",
            "NodeReady",
            &format!("Node {name} status is now: NodeReady"),
            "kubelet",
        );
    }
    sync_taints(state, ks, node);
    ks.mark_node_pods_dirty(name);
}
