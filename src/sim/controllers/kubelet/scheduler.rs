//! The default scheduler, as far as `ordinal` shows it: the filter plugins
//! that decide where a Pod may go (cordon, taints, node affinity and
//! selector, volume binding, inter-pod affinity), least-loaded placement,
//! and the kube-scheduler's `FailedScheduling` wording when nothing fits.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{
    Node, NodeSelectorTerm, PersistentVolume, PersistentVolumeClaim, Pod, PodAffinityTerm,
    PodCondition, Taint, TopologySelectorTerm,
};
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

use super::matching::{
    NO_EXECUTE, NO_SCHEDULE, UNREACHABLE, UNSCHEDULABLE, after, label_selector_matches,
    node_selector_terms_match, requirement_matches, tolerates_any,
};
use super::runtime::pod_ref;
use super::{Key, KubeletState};
use crate::format::quantity;
use crate::sim::state::SimState;

pub const SELECTED_NODE: &str = "volume.kubernetes.io/selected-node";
const NO_PROVISIONER: &str = "kubernetes.io/no-provisioner";
const SCHEDULER: &str = "default-scheduler";
/// At most one FailedScheduling event per Pod in this time.
const EVENT_INTERVAL: Duration = Duration::from_secs(30);
/// Unschedulable Pods are retried at least this often (podMaxInUnschedulablePodsDuration).
const FLUSH: Duration = Duration::from_secs(300);
/// How long binding waits for late-bound claims (the VolumeBinding bindTimeoutSeconds).
const BIND_TIMEOUT: Duration = Duration::from_secs(600);

#[derive(Debug, Default)]
pub struct PendingPod {
    /// Try it in the next pass.
    pub due: bool,
    /// Chosen node (and since when) while its WaitForFirstConsumer claims bind.
    pub assumed: Option<(String, Timestamp)>,
    retry_at: Option<Timestamp>,
    last_event: Option<(Timestamp, String)>,
}

struct NodeView {
    name: String,
    labels: Option<BTreeMap<String, String>>,
    taints: Vec<Taint>,
    unschedulable: bool,
    down: bool,
}

/// What the Pod's claims ask of a node.
enum ClaimNeed {
    /// Bound (or pre-bound) to a PV with node affinity.
    VolumeAffinity(Vec<NodeSelectorTerm>),
    /// Unbound, late binding, static local volumes only.
    AvailableVolume {
        class: String,
        request: u64,
        modes: Vec<String>,
    },
    /// Unbound, late binding, provisioned only where the class allows.
    Topology(Vec<TopologySelectorTerm>),
}

struct Claims {
    needs: Vec<ClaimNeed>,
    /// Unbound late-binding claims: they get the selected-node annotation.
    delayed: Vec<String>,
}

pub fn reconcile(state: &mut SimState, ks: &mut KubeletState) {
    if ks.pending.is_empty() {
        return;
    }
    let now = state.now();
    let everything = ks.nodes_changed || ks.storage_changed;
    let keys: Vec<Key> = ks
        .pending
        .iter()
        .filter(|(_, p)| everything || p.due || p.retry_at.is_some_and(|t| t <= now))
        .map(|(k, _)| k.clone())
        .collect();
    if keys.is_empty() {
        return;
    }
    let nodes: Vec<NodeView> = state
        .store
        .list_typed::<Node>(None)
        .map(|n| {
            let name = n.metadata.name.clone().unwrap_or_default();
            let spec = n.spec.as_ref();
            NodeView {
                down: ks.is_node_down(&name),
                labels: n.metadata.labels.clone(),
                taints: spec
                    .and_then(|s| s.taints.clone())
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|t| t.effect == NO_SCHEDULE || t.effect == NO_EXECUTE)
                    .collect(),
                unschedulable: spec.and_then(|s| s.unschedulable).unwrap_or(false),
                name,
            }
        })
        .collect();
    for k in keys {
        schedule_one(state, ks, &k, &nodes);
    }
}

fn claim_names(pod: &Pod) -> Vec<String> {
    let mut seen = BTreeSet::new();
    pod.spec
        .as_ref()
        .and_then(|s| s.volumes.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|v| v.persistent_volume_claim.as_ref())
        .map(|c| c.claim_name.clone())
        .filter(|c| seen.insert(c.clone()))
        .collect()
}

fn is_bound(claim: &PersistentVolumeClaim) -> bool {
    claim.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Bound")
}

fn selected_node(claim: &PersistentVolumeClaim) -> Option<&str> {
    claim
        .metadata
        .annotations
        .as_ref()?
        .get(SELECTED_NODE)
        .map(String::as_str)
}

/// The VolumeBinding PreFilter: claims must exist, not be deleting, and be
/// bound unless their class binds late.
fn analyze_claims(state: &SimState, pod: &Pod) -> Result<Claims, String> {
    let ns = pod.metadata.namespace.as_deref().unwrap_or_default();
    let mut claims = Claims {
        needs: Vec::new(),
        delayed: Vec::new(),
    };
    let mut immediate = false;
    for name in claim_names(pod) {
        let Some(claim) = state.store.get_typed::<PersistentVolumeClaim>(ns, &name) else {
            return Err(format!("persistentvolumeclaim \"{name}\" not found"));
        };
        if claim.metadata.deletion_timestamp.is_some() {
            return Err(format!("persistentvolumeclaim \"{name}\" is being deleted"));
        }
        let spec = claim.spec.as_ref();
        if let Some(pv_name) = spec
            .and_then(|s| s.volume_name.as_deref())
            .filter(|v| !v.is_empty())
        {
            let Some(pv) = state.store.get_typed::<PersistentVolume>("", pv_name) else {
                return Err(format!(
                    "pvc {ns}/{name} bound to non-existent pv {pv_name}"
                ));
            };
            if let Some(terms) = pv
                .spec
                .as_ref()
                .and_then(|s| s.node_affinity.as_ref())
                .and_then(|a| a.required.as_ref())
            {
                claims
                    .needs
                    .push(ClaimNeed::VolumeAffinity(terms.node_selector_terms.clone()));
            }
            continue;
        }
        if is_bound(claim) {
            continue;
        }
        let class_name = spec
            .and_then(|s| s.storage_class_name.as_deref())
            .unwrap_or_default();
        let class = (!class_name.is_empty())
            .then(|| state.store.get_typed::<StorageClass>("", class_name))
            .flatten();
        let Some(class) =
            class.filter(|c| c.volume_binding_mode.as_deref() == Some("WaitForFirstConsumer"))
        else {
            immediate = true;
            continue;
        };
        claims.delayed.push(name.clone());
        if class.provisioner == NO_PROVISIONER {
            claims.needs.push(ClaimNeed::AvailableVolume {
                class: class_name.to_string(),
                request: spec
                    .and_then(|s| s.resources.as_ref())
                    .and_then(|r| r.requests.as_ref())
                    .and_then(|r| r.get("storage"))
                    .and_then(|q| quantity::parse(q.0.trim()).ok())
                    .unwrap_or(0),
                modes: spec
                    .and_then(|s| s.access_modes.clone())
                    .unwrap_or_default(),
            });
        } else if let Some(terms) = class.allowed_topologies.clone().filter(|t| !t.is_empty()) {
            claims.needs.push(ClaimNeed::Topology(terms));
        }
    }
    if immediate {
        return Err("pod has unbound immediate PersistentVolumeClaims".into());
    }
    Ok(claims)
}

fn topology_matches(
    terms: &[TopologySelectorTerm],
    labels: Option<&BTreeMap<String, String>>,
) -> bool {
    terms.iter().any(|t| {
        t.match_label_expressions
            .iter()
            .flatten()
            .all(|e| requirement_matches(labels, &e.key, "In", &e.values))
    })
}

fn volume_available(
    pvs: &[PersistentVolume],
    node: &NodeView,
    class: &str,
    request: u64,
    modes: &[String],
) -> bool {
    pvs.iter().any(|pv| {
        let Some(spec) = pv.spec.as_ref() else {
            return false;
        };
        let available = pv.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Available")
            && spec.claim_ref.is_none();
        let capacity = spec
            .capacity
            .as_ref()
            .and_then(|c| c.get("storage"))
            .and_then(|q| quantity::parse(q.0.trim()).ok())
            .unwrap_or(0);
        let pv_modes = spec.access_modes.as_deref().unwrap_or_default();
        let fits_node = spec
            .node_affinity
            .as_ref()
            .and_then(|a| a.required.as_ref())
            .is_none_or(|r| {
                node_selector_terms_match(&r.node_selector_terms, &node.name, node.labels.as_ref())
            });
        available
            && spec.storage_class_name.as_deref() == Some(class)
            && capacity >= request
            && modes.iter().all(|m| pv_modes.contains(m))
            && fits_node
    })
}

/// Required inter-pod (anti-)affinity: topology values already taken by
/// matching Pods, per term.
struct PodAffinity {
    affinity: Vec<(String, BTreeSet<String>, bool)>,
    anti: Vec<(String, BTreeSet<String>)>,
}

fn pod_affinity(
    state: &SimState,
    ks: &KubeletState,
    pod: &Pod,
    nodes: &[NodeView],
) -> Option<PodAffinity> {
    let affinity = pod.spec.as_ref()?.affinity.as_ref()?;
    let required = |terms: Option<&Vec<PodAffinityTerm>>| terms.cloned().unwrap_or_default();
    let aff_terms = required(affinity.pod_affinity.as_ref().and_then(|a| {
        a.required_during_scheduling_ignored_during_execution
            .as_ref()
    }));
    let anti_terms = required(affinity.pod_anti_affinity.as_ref().and_then(|a| {
        a.required_during_scheduling_ignored_during_execution
            .as_ref()
    }));
    if aff_terms.is_empty() && anti_terms.is_empty() {
        return None;
    }
    let own_ns = pod.metadata.namespace.clone().unwrap_or_default();
    let own_name = pod.metadata.name.clone().unwrap_or_default();
    let node_labels: BTreeMap<&str, Option<&BTreeMap<String, String>>> = nodes
        .iter()
        .map(|n| (n.name.as_str(), n.labels.as_ref()))
        .collect();
    let taken = |term: &PodAffinityTerm| -> BTreeSet<String> {
        let all_namespaces = term.namespace_selector.is_some();
        let namespaces: Vec<String> = term
            .namespaces
            .clone()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| vec![own_ns.clone()]);
        let mut values = BTreeSet::new();
        let placed: Box<dyn Iterator<Item = (&Key, &String)>> = if all_namespaces {
            Box::new(ks.placement.iter())
        } else {
            Box::new(namespaces.iter().flat_map(|ns| {
                ks.placement
                    .range((ns.clone(), String::new())..)
                    .take_while(move |(k, _)| &k.0 == ns)
            }))
        };
        for (k, node) in placed {
            if k.0 == own_ns && k.1 == own_name {
                continue;
            }
            let Some(other) = state.store.get_typed::<Pod>(&k.0, &k.1) else {
                continue;
            };
            if !label_selector_matches(term.label_selector.as_ref(), other.metadata.labels.as_ref())
            {
                continue;
            }
            if let Some(v) = node_labels
                .get(node.as_str())
                .and_then(|l| l.and_then(|l| l.get(&term.topology_key)))
            {
                values.insert(v.clone());
            }
        }
        values
    };
    Some(PodAffinity {
        affinity: aff_terms
            .iter()
            .map(|t| {
                let own =
                    label_selector_matches(t.label_selector.as_ref(), pod.metadata.labels.as_ref());
                (t.topology_key.clone(), taken(t), own)
            })
            .collect(),
        anti: anti_terms
            .iter()
            .map(|t| (t.topology_key.clone(), taken(t)))
            .collect(),
    })
}

/// Why a node does not fit, in the scheduler's filter order; `None` if it fits.
fn filter(
    pod: &Pod,
    node: &NodeView,
    claims: &Claims,
    pvs: &[PersistentVolume],
    affinity: Option<&PodAffinity>,
) -> Option<String> {
    let spec = pod.spec.as_ref();
    let tolerations = spec
        .and_then(|s| s.tolerations.as_deref())
        .unwrap_or_default();
    let cordon = Taint {
        key: UNSCHEDULABLE.into(),
        effect: NO_SCHEDULE.into(),
        ..Default::default()
    };
    if node.unschedulable && !tolerates_any(tolerations, &cordon) {
        return Some("node(s) were unschedulable".into());
    }
    if let Some(t) = node.taints.iter().find(|t| !tolerates_any(tolerations, t)) {
        return Some(format!(
            "node(s) had untolerated taint {{{}: {}}}",
            t.key,
            t.value.as_deref().unwrap_or_default()
        ));
    }
    if node.down {
        // Its kubelet is gone; the unreachable taint is on its way.
        return Some(format!("node(s) had untolerated taint {{{UNREACHABLE}: }}"));
    }
    let labels = node.labels.as_ref();
    let selector_ok = spec
        .and_then(|s| s.node_selector.as_ref())
        .is_none_or(|sel| {
            sel.iter()
                .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
        });
    let affinity_ok = spec
        .and_then(|s| s.affinity.as_ref())
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|a| {
            a.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
        .is_none_or(|r| node_selector_terms_match(&r.node_selector_terms, &node.name, labels));
    if !selector_ok || !affinity_ok {
        return Some("node(s) didn't match Pod's node affinity/selector".into());
    }
    for need in &claims.needs {
        match need {
            ClaimNeed::VolumeAffinity(terms) => {
                if !node_selector_terms_match(terms, &node.name, labels) {
                    return Some("node(s) had volume node affinity conflict".into());
                }
            }
            ClaimNeed::AvailableVolume {
                class,
                request,
                modes,
            } => {
                if !volume_available(pvs, node, class, *request, modes) {
                    return Some("node(s) didn't find available persistent volumes to bind".into());
                }
            }
            ClaimNeed::Topology(terms) => {
                if !topology_matches(terms, labels) {
                    return Some("node(s) didn't find available persistent volumes to bind".into());
                }
            }
        }
    }
    if let Some(a) = affinity {
        let value = |key: &str| labels.and_then(|l| l.get(key));
        for (key, taken, own) in &a.affinity {
            let ok = match value(key) {
                Some(v) => taken.contains(v) || (taken.is_empty() && *own),
                None => false,
            };
            if !ok {
                return Some("node(s) didn't match pod affinity rules".into());
            }
        }
        for (key, taken) in &a.anti {
            if value(key).is_some_and(|v| taken.contains(v)) {
                return Some("node(s) didn't match pod anti-affinity rules".into());
            }
        }
    }
    None
}

fn fit_error(total: usize, detail: &str) -> String {
    format!(
        "0/{total} nodes are available: {detail}. preemption: 0/{total} nodes are available: {total} Preemption is not helpful for scheduling."
    )
}

fn schedule_one(state: &mut SimState, ks: &mut KubeletState, k: &Key, nodes: &[NodeView]) {
    let Some(pod) = state.get::<Pod>(&k.0, &k.1) else {
        ks.forget(k);
        return;
    };
    let spec = pod.spec.as_ref();
    if spec.and_then(|s| s.node_name.as_ref()).is_some()
        || pod.metadata.deletion_timestamp.is_some()
    {
        ks.pending.remove(k);
        return;
    }
    let Some(entry) = ks.pending.get_mut(k) else {
        return;
    };
    entry.due = false;
    entry.retry_at = None;
    if spec
        .and_then(|s| s.scheduler_name.as_deref())
        .is_some_and(|n| n != SCHEDULER)
    {
        return;
    }
    if spec
        .and_then(|s| s.scheduling_gates.as_ref())
        .is_some_and(|g| !g.is_empty())
    {
        set_scheduled_condition(
            state,
            &pod,
            "False",
            Some((
                "SchedulingGated",
                "Scheduling is blocked due to non-empty scheduling gates",
            )),
        );
        return;
    }
    if let Some((node, since)) = entry.assumed.clone() {
        let deadline = after(since, BIND_TIMEOUT);
        match assumed_claims(state, &pod, &node) {
            Assumed::Bound => {
                bind(state, ks, k, pod, &node);
                return;
            }
            Assumed::Waiting if state.now() < deadline => {
                entry.retry_at = Some(deadline);
                return;
            }
            Assumed::Waiting | Assumed::Lost => {
                if let Some(e) = ks.pending.get_mut(k) {
                    e.assumed = None;
                }
                ks.place(k, None);
                if state.now() >= deadline {
                    fail(
                        state,
                        ks,
                        k,
                        &pod,
                        "SchedulerError",
                        "running PreBind plugin \"VolumeBinding\": binding volumes: context deadline exceeded",
                    );
                    return;
                }
            }
        }
    }
    if nodes.is_empty() {
        fail(
            state,
            ks,
            k,
            &pod,
            "SchedulerError",
            "no nodes available to schedule pods",
        );
        return;
    }
    let claims = match analyze_claims(state, &pod) {
        Ok(c) => c,
        Err(detail) => {
            fail(
                state,
                ks,
                k,
                &pod,
                "Unschedulable",
                &fit_error(nodes.len(), &detail),
            );
            return;
        }
    };
    let pvs: Vec<PersistentVolume> = if claims
        .needs
        .iter()
        .any(|n| matches!(n, ClaimNeed::AvailableVolume { .. }))
    {
        state.list::<PersistentVolume>(None)
    } else {
        Vec::new()
    };
    let affinity = pod_affinity(state, ks, &pod, nodes);
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    let mut best: Option<(usize, &str)> = None;
    for node in nodes {
        match filter(&pod, node, &claims, &pvs, affinity.as_ref()) {
            Some(reason) => *reasons.entry(reason).or_default() += 1,
            None => {
                let load = ks.pod_count(&node.name);
                if best.is_none_or(|(l, n)| (load, node.name.as_str()) < (l, n)) {
                    best = Some((load, &node.name));
                }
            }
        }
    }
    let Some((_, node)) = best else {
        let mut parts: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
        parts.sort();
        fail(
            state,
            ks,
            k,
            &pod,
            "Unschedulable",
            &fit_error(nodes.len(), &parts.join(", ")),
        );
        return;
    };
    let node = node.to_string();
    if claims.delayed.is_empty() {
        bind(state, ks, k, pod, &node);
        return;
    }
    // Late binding: tell the provisioner where, and wait for the claims.
    let ns = k.0.clone();
    for name in &claims.delayed {
        if let Some(mut claim) = state.get::<PersistentVolumeClaim>(&ns, name)
            && selected_node(&claim) != Some(node.as_str())
        {
            claim
                .metadata
                .annotations
                .get_or_insert_with(Default::default)
                .insert(SELECTED_NODE.into(), node.clone());
            let _ = state.put(claim);
        }
    }
    if let Some(e) = ks.pending.get_mut(k) {
        e.assumed = Some((node.clone(), state.now()));
    }
    ks.place(k, Some(&node));
}

enum Assumed {
    Bound,
    Waiting,
    /// A claim went away or the provisioner asked for another node.
    Lost,
}

fn assumed_claims(state: &SimState, pod: &Pod, node: &str) -> Assumed {
    let ns = pod.metadata.namespace.as_deref().unwrap_or_default();
    let mut all_bound = true;
    for name in claim_names(pod) {
        let Some(claim) = state.store.get_typed::<PersistentVolumeClaim>(ns, &name) else {
            return Assumed::Lost;
        };
        if is_bound(claim) {
            continue;
        }
        all_bound = false;
        let pre_bound = claim
            .spec
            .as_ref()
            .and_then(|s| s.volume_name.as_deref())
            .is_some_and(|v| !v.is_empty());
        if !pre_bound && selected_node(claim) != Some(node) {
            return Assumed::Lost;
        }
    }
    if all_bound {
        Assumed::Bound
    } else {
        Assumed::Waiting
    }
}

/// Sets the PodScheduled condition; `now` is the stamp a transition records.
fn with_scheduled_condition(pod: &mut Pod, status: &str, why: Option<(&str, &str)>, now: Time) {
    let conditions = pod
        .status
        .get_or_insert_with(Default::default)
        .conditions
        .get_or_insert_with(Vec::new);
    let old = conditions.iter().position(|c| c.type_ == "PodScheduled");
    let last_transition_time = old
        .map(|i| &conditions[i])
        .filter(|c| c.status == status)
        .and_then(|c| c.last_transition_time.clone())
        .or(Some(now));
    let condition = PodCondition {
        type_: "PodScheduled".into(),
        status: status.into(),
        reason: why.map(|w| w.0.into()),
        message: why.map(|w| w.1.into()),
        last_transition_time,
        ..Default::default()
    };
    match old {
        Some(i) => conditions[i] = condition,
        None => conditions.push(condition),
    }
}

fn set_scheduled_condition(
    state: &mut SimState,
    pod: &Pod,
    status: &str,
    why: Option<(&str, &str)>,
) -> Pod {
    let mut updated = pod.clone();
    with_scheduled_condition(&mut updated, status, why, state.now_time());
    if updated == *pod {
        return updated;
    }
    state.put(updated.clone()).unwrap_or(updated)
}

fn fail(
    state: &mut SimState,
    ks: &mut KubeletState,
    k: &Key,
    pod: &Pod,
    reason: &str,
    message: &str,
) {
    let now = state.now();
    let pod = set_scheduled_condition(state, pod, "False", Some((reason, message)));
    let Some(entry) = ks.pending.get_mut(k) else {
        return;
    };
    let last = entry.last_event.clone();
    match last {
        Some((at, _)) if now < after(at, EVENT_INTERVAL) => {
            // Too soon for another event; come back for it if it says something new.
            let same = last.as_ref().is_some_and(|(_, m)| m == message);
            entry.retry_at = Some(if same {
                after(at, FLUSH)
            } else {
                after(at, EVENT_INTERVAL)
            });
        }
        _ => {
            entry.last_event = Some((now, message.to_string()));
            entry.retry_at = Some(after(now, FLUSH));
            state.record_event(
                &pod_ref(&pod),
                "Warning",
                "FailedScheduling",
                message,
                SCHEDULER,
            );
        }
    }
}

fn bind(state: &mut SimState, ks: &mut KubeletState, k: &Key, pod: Pod, node: &str) {
    let mut pod = pod;
    pod.spec.get_or_insert_with(Default::default).node_name = Some(node.to_string());
    with_scheduled_condition(&mut pod, "True", None, state.now_time());
    let bound = state.put(pod.clone()).unwrap_or(pod);
    ks.pending.remove(k);
    ks.place(k, Some(node));
    state.record_event(
        &pod_ref(&bound),
        "Normal",
        "Scheduled",
        &format!("Successfully assigned {}/{} to {node}", k.0, k.1),
        SCHEDULER,
    );
    // The kubelet picks it up at once.
    super::sync_pod(state, ks, k);
}
