//! Kept whole (over 800 lines): the scheduler and kubelet stories share one
//! hand-played harness; the failing-Node stories are in `tests/nodes.rs`.
//!
//! Stories about the scheduler, the kubelets and failing nodes, told with a
//! bare `SimState` (no other controllers: claims are bound by hand).

use std::collections::BTreeMap;
use std::time::Duration;

use k8s_openapi::api::core::v1::{
    Affinity, Container, ContainerPort, Event, ExecAction, Namespace, Node, NodeAffinity,
    NodeCondition, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, NodeSpec, NodeStatus,
    ObjectReference, PersistentVolume, PersistentVolumeClaim, PersistentVolumeClaimSpec,
    PersistentVolumeClaimStatus, PersistentVolumeClaimVolumeSource, PersistentVolumeSpec,
    PersistentVolumeStatus, Pod, PodAffinityTerm, PodAntiAffinity, PodSpec, Probe, TCPSocketAction,
    Taint, Toleration, Volume, VolumeNodeAffinity, VolumeResourceRequirements,
};
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta, OwnerReference};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::*;
use crate::sim::controllers::TICK;
use crate::sim::objects::Object;
use crate::sim::scenario::Workload;

const NS: &str = "db";

/// Nodes that fail, recover or are loaded.
mod nodes;

fn cluster(seed: u64) -> SimState {
    let mut s = SimState::new(seed, "2026-03-01T12:00:00Z".parse().unwrap());
    for ns in ["default", NS] {
        s.create(Object::Namespace(Namespace {
            metadata: meta("", ns),
            ..Default::default()
        }))
        .unwrap();
    }
    s
}

fn meta(ns: &str, name: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.into()),
        namespace: (!ns.is_empty()).then(|| ns.into()),
        ..Default::default()
    }
}

fn labels(pairs: &[(&str, &str)]) -> Option<BTreeMap<String, String>> {
    Some(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

fn add_node(s: &mut SimState, name: &str, extra: &[(&str, &str)], taints: Vec<Taint>) {
    let mut l = vec![("kubernetes.io/hostname", name)];
    l.extend_from_slice(extra);
    let mut m = meta("", name);
    m.labels = labels(&l);
    s.create(Object::Node(Node {
        metadata: m,
        spec: Some(NodeSpec {
            taints: (!taints.is_empty()).then_some(taints),
            ..Default::default()
        }),
        ..Default::default()
    }))
    .unwrap();
}

fn taint(key: &str, value: &str, effect: &str) -> Taint {
    Taint {
        key: key.into(),
        value: Some(value.into()),
        effect: effect.into(),
        time_added: None,
    }
}

fn container(name: &str, image: &str) -> Container {
    Container {
        name: name.into(),
        image: Some(image.into()),
        readiness_probe: Some(Probe {
            tcp_socket: Some(TCPSocketAction {
                port: IntOrString::String("main".into()),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ports: Some(vec![ContainerPort {
            name: Some("main".into()),
            container_port: 3306,
            ..Default::default()
        }]),
        ..Default::default()
    }
}

/// A Pod of StatefulSet `web` with one container `app`.
fn web_pod(name: &str) -> Pod {
    let mut m = meta(NS, name);
    m.labels = labels(&[("app", "web")]);
    m.owner_references = Some(vec![OwnerReference {
        api_version: "apps/v1".into(),
        kind: "StatefulSet".into(),
        name: "web".into(),
        uid: "sts-uid".into(),
        controller: Some(true),
        ..Default::default()
    }]);
    Pod {
        metadata: m,
        spec: Some(PodSpec {
            containers: vec![container("app", "nginx:1.27")],
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn with_claim(mut pod: Pod, volume: &str, claim: &str) -> Pod {
    let spec = pod.spec.as_mut().unwrap();
    spec.volumes.get_or_insert_with(Vec::new).push(Volume {
        name: volume.into(),
        persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
            claim_name: claim.into(),
            read_only: None,
        }),
        ..Default::default()
    });
    pod
}

fn create_pod(s: &mut SimState, pod: Pod) {
    s.create(Object::Pod(pod)).unwrap();
}

fn class(s: &mut SimState, name: &str, provisioner: &str, mode: &str) {
    s.create(Object::StorageClass(StorageClass {
        metadata: meta("", name),
        provisioner: provisioner.into(),
        volume_binding_mode: Some(mode.into()),
        ..Default::default()
    }))
    .unwrap();
}

fn claim(s: &mut SimState, name: &str, class: &str, size: &str) {
    s.create(Object::PersistentVolumeClaim(PersistentVolumeClaim {
        metadata: meta(NS, name),
        spec: Some(PersistentVolumeClaimSpec {
            storage_class_name: Some(class.into()),
            access_modes: Some(vec!["ReadWriteOnce".into()]),
            resources: Some(VolumeResourceRequirements {
                requests: Some([("storage".to_string(), Quantity(size.into()))].into()),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    }))
    .unwrap();
}

fn local_pv(s: &mut SimState, name: &str, class: &str, node: &str, size: &str) {
    s.create(Object::PersistentVolume(PersistentVolume {
        metadata: meta("", name),
        spec: Some(PersistentVolumeSpec {
            storage_class_name: Some(class.into()),
            capacity: Some([("storage".to_string(), Quantity(size.into()))].into()),
            access_modes: Some(vec!["ReadWriteOnce".into()]),
            node_affinity: Some(VolumeNodeAffinity {
                required: Some(NodeSelector {
                    node_selector_terms: vec![hostname_term(node)],
                }),
            }),
            ..Default::default()
        }),
        status: Some(PersistentVolumeStatus {
            phase: Some("Available".into()),
            ..Default::default()
        }),
    }))
    .unwrap();
}

fn plain_pv(s: &mut SimState, name: &str) {
    s.create(Object::PersistentVolume(PersistentVolume {
        metadata: meta("", name),
        spec: Some(PersistentVolumeSpec {
            capacity: Some([("storage".to_string(), Quantity("1Gi".into()))].into()),
            ..Default::default()
        }),
        ..Default::default()
    }))
    .unwrap();
}

fn hostname_term(node: &str) -> NodeSelectorTerm {
    NodeSelectorTerm {
        match_expressions: Some(vec![NodeSelectorRequirement {
            key: "kubernetes.io/hostname".into(),
            operator: "In".into(),
            values: Some(vec![node.into()]),
        }]),
        match_fields: None,
    }
}

/// What the storage controller does once it has a volume for the claim.
fn bind_claim(s: &mut SimState, name: &str, pv: &str) {
    let mut c = s.get::<PersistentVolumeClaim>(NS, name).unwrap();
    c.spec.as_mut().unwrap().volume_name = Some(pv.into());
    c.status = Some(PersistentVolumeClaimStatus {
        phase: Some("Bound".into()),
        ..Default::default()
    });
    s.put(c).unwrap();
    if let Some(mut v) = s.get::<PersistentVolume>("", pv) {
        v.spec.as_mut().unwrap().claim_ref = Some(ObjectReference {
            namespace: Some(NS.into()),
            name: Some(name.into()),
            ..Default::default()
        });
        v.status.as_mut().unwrap().phase = Some("Bound".into());
        s.put(v).unwrap();
    }
}

fn tick(s: &mut SimState) {
    s.advance_clock(TICK);
    reconcile(s);
}

fn run(s: &mut SimState, d: Duration) {
    for _ in 0..d.as_millis().div_ceil(TICK.as_millis()) {
        tick(s);
    }
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn pod(s: &SimState, name: &str) -> Pod {
    s.get::<Pod>(NS, name).unwrap()
}

fn node_of(s: &SimState, name: &str) -> Option<String> {
    pod(s, name).spec.unwrap().node_name
}

fn condition(p: &Pod, t: &str) -> (String, Option<String>, Option<String>) {
    let c = p
        .status
        .as_ref()
        .unwrap()
        .conditions
        .as_ref()
        .unwrap()
        .iter()
        .find(|c| c.type_ == t)
        .unwrap_or_else(|| panic!("no {t} condition"));
    (c.status.clone(), c.reason.clone(), c.message.clone())
}

fn events(s: &SimState, involved: &str, reason: &str) -> Vec<Event> {
    s.list::<Event>(None)
        .into_iter()
        .filter(|e| {
            e.involved_object.name.as_deref() == Some(involved)
                && e.reason.as_deref() == Some(reason)
        })
        .collect()
}

/// Event messages, sorted (Event names are random).
fn messages(s: &SimState, involved: &str, reason: &str) -> Vec<String> {
    let mut m: Vec<String> = events(s, involved, reason)
        .into_iter()
        .map(|e| e.message.unwrap_or_default())
        .collect();
    m.sort();
    m
}

/// kubectl's READY column.
fn ready_column(p: &Pod) -> String {
    let total = p.spec.as_ref().unwrap().containers.len();
    let ready = p
        .status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .map_or(0, |c| {
            c.iter()
                .filter(|c| c.ready && c.state.as_ref().is_some_and(|s| s.running.is_some()))
                .count()
        });
    format!("{ready}/{total}")
}

/// kubectl's STATUS column (the parts the sim can produce).
fn status_column(p: &Pod) -> String {
    let st = p.status.clone().unwrap_or_default();
    let mut reason = st
        .reason
        .clone()
        .unwrap_or_else(|| st.phase.clone().unwrap_or_default());
    let inits = st.init_container_statuses.clone().unwrap_or_default();
    let mut initializing = false;
    for (i, c) in inits.iter().enumerate() {
        let state = c.state.clone().unwrap_or_default();
        if state.terminated.as_ref().is_some_and(|t| t.exit_code == 0) {
            continue;
        }
        initializing = true;
        reason = match state.waiting.and_then(|w| w.reason) {
            Some(r) if r != "PodInitializing" => format!("Init:{r}"),
            _ => format!("Init:{i}/{}", inits.len()),
        };
        break;
    }
    if !initializing {
        for c in st.container_statuses.iter().flatten().rev() {
            let state = c.state.clone().unwrap_or_default();
            if let Some(r) = state.waiting.and_then(|w| w.reason) {
                reason = r;
            } else if let Some(r) = state.terminated.and_then(|t| t.reason) {
                reason = r;
            }
        }
    }
    if p.metadata.deletion_timestamp.is_some() {
        if st.reason.as_deref() == Some("NodeLost") {
            return "Unknown".into();
        }
        return "Terminating".into();
    }
    reason
}

fn workload(s: &mut SimState, start: u64, ready: u64) {
    s.behaviour.workloads.push(Workload {
        namespace: NS.into(),
        statefulset: "web".into(),
        start_after: secs(start),
        ready_after: secs(ready),
        volume_usage: BTreeMap::new(),
    });
}

fn three_nodes(s: &mut SimState) {
    for n in ["node-a", "node-b", "node-c"] {
        add_node(s, n, &[], vec![]);
    }
}

#[test]
fn pods_spread_to_the_least_loaded_node_the_same_way_for_a_seed() {
    let placement = |seed| {
        let mut s = cluster(seed);
        three_nodes(&mut s);
        for i in 0..6 {
            create_pod(&mut s, web_pod(&format!("web-{i}")));
        }
        tick(&mut s);
        run(&mut s, secs(10));
        (0..6)
            .map(|i| {
                let p = pod(&s, &format!("web-{i}"));
                let st = p.status.unwrap();
                (p.spec.unwrap().node_name.unwrap(), st.pod_ip.unwrap())
            })
            .collect::<Vec<_>>()
    };
    let first = placement(7);
    let nodes: Vec<&str> = first.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        nodes,
        ["node-a", "node-b", "node-c", "node-a", "node-b", "node-c"]
    );
    assert_eq!(first, placement(7));
    let mut s = cluster(1);
    three_nodes(&mut s);
    create_pod(&mut s, web_pod("web-0"));
    tick(&mut s);
    assert_eq!(
        messages(&s, "web-0", "Scheduled"),
        ["Successfully assigned db/web-0 to node-a"]
    );
    assert_eq!(condition(&pod(&s, "web-0"), "PodScheduled").0, "True");
}

#[test]
fn cordon_taints_and_affinity_keep_pods_off_nodes_with_the_scheduler_wording() {
    let mut s = cluster(1);
    add_node(&mut s, "node-a", &[("disk", "ssd")], vec![]);
    add_node(
        &mut s,
        "node-b",
        &[("disk", "ssd")],
        vec![taint("dedicated", "db", "NoSchedule")],
    );
    add_node(&mut s, "node-c", &[("disk", "hdd")], vec![]);
    let mut n = s.get::<Node>("", "node-a").unwrap();
    n.spec.as_mut().unwrap().unschedulable = Some(true);
    s.put(n).unwrap();
    let mut p = web_pod("web-0");
    p.spec.as_mut().unwrap().affinity = Some(Affinity {
        node_affinity: Some(NodeAffinity {
            required_during_scheduling_ignored_during_execution: Some(NodeSelector {
                node_selector_terms: vec![NodeSelectorTerm {
                    match_expressions: Some(vec![NodeSelectorRequirement {
                        key: "disk".into(),
                        operator: "In".into(),
                        values: Some(vec!["ssd".into()]),
                    }]),
                    match_fields: None,
                }],
            }),
            ..Default::default()
        }),
        ..Default::default()
    });
    create_pod(&mut s, p.clone());
    tick(&mut s);
    let expected = "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {dedicated: db}, 1 node(s) were unschedulable. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
    let web0 = pod(&s, "web-0");
    assert_eq!(node_of(&s, "web-0"), None);
    assert_eq!(
        condition(&web0, "PodScheduled"),
        (
            "False".into(),
            Some("Unschedulable".into()),
            Some(expected.into())
        )
    );
    assert_eq!(messages(&s, "web-0", "FailedScheduling"), [expected]);
    // The node controller taints the cordoned node.
    let taints = s
        .get::<Node>("", "node-a")
        .unwrap()
        .spec
        .unwrap()
        .taints
        .unwrap();
    assert!(
        taints
            .iter()
            .any(|t| t.key == "node.kubernetes.io/unschedulable" && t.effect == "NoSchedule")
    );

    // A Pod that tolerates the taint and selects by label lands on node-b.
    let mut tolerant = web_pod("web-1");
    let spec = tolerant.spec.as_mut().unwrap();
    spec.node_selector = Some([("disk".to_string(), "ssd".to_string())].into());
    spec.tolerations = Some(vec![Toleration {
        key: Some("dedicated".into()),
        operator: Some("Equal".into()),
        value: Some("db".into()),
        effect: Some("NoSchedule".into()),
        toleration_seconds: None,
    }]);
    create_pod(&mut s, tolerant);
    tick(&mut s);
    assert_eq!(node_of(&s, "web-1").as_deref(), Some("node-b"));

    // Uncordoning lets the first one in; the cordon taint goes away.
    let mut n = s.get::<Node>("", "node-a").unwrap();
    n.spec.as_mut().unwrap().unschedulable = None;
    s.put(n).unwrap();
    tick(&mut s);
    tick(&mut s);
    assert_eq!(node_of(&s, "web-0").as_deref(), Some("node-a"));
    assert!(
        s.get::<Node>("", "node-a")
            .unwrap()
            .spec
            .unwrap()
            .taints
            .is_none()
    );
}

#[test]
fn an_unbound_immediate_claim_blocks_scheduling_until_it_binds() {
    let mut s = cluster(1);
    three_nodes(&mut s);
    class(&mut s, "fast", "disk.csi.azure.com", "Immediate");
    claim(&mut s, "data-web-0", "fast", "1Gi");
    create_pod(&mut s, with_claim(web_pod("web-0"), "data", "data-web-0"));
    create_pod(&mut s, with_claim(web_pod("web-1"), "data", "data-web-1"));
    tick(&mut s);
    let expected = "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
    assert_eq!(
        condition(&pod(&s, "web-0"), "PodScheduled"),
        (
            "False".into(),
            Some("Unschedulable".into()),
            Some(expected.into())
        )
    );
    assert_eq!(
        condition(&pod(&s, "web-1"), "PodScheduled").2.unwrap(),
        "0/3 nodes are available: persistentvolumeclaim \"data-web-1\" not found. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    );
    // Retries on every storage change, but one event per 30s at most.
    for i in 0..10 {
        let mut c = s.get::<PersistentVolumeClaim>(NS, "data-web-0").unwrap();
        c.metadata.labels = labels(&[("touch", &i.to_string())]);
        s.put(c).unwrap();
        run(&mut s, secs(1));
    }
    let ev = events(&s, "web-0", "FailedScheduling");
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].count, Some(1));
    run(&mut s, secs(25));
    let mut c = s.get::<PersistentVolumeClaim>(NS, "data-web-0").unwrap();
    c.metadata.labels = labels(&[("touch", "again")]);
    s.put(c).unwrap();
    tick(&mut s);
    assert_eq!(events(&s, "web-0", "FailedScheduling")[0].count, Some(2));

    plain_pv(&mut s, "pv-1");
    bind_claim(&mut s, "data-web-0", "pv-1");
    tick(&mut s);
    assert!(node_of(&s, "web-0").is_some());
    assert_eq!(condition(&pod(&s, "web-0"), "PodScheduled").0, "True");
}

#[test]
fn wait_for_first_consumer_claims_get_the_selected_node_and_the_pod_waits_for_binding() {
    let mut s = cluster(1);
    three_nodes(&mut s);
    create_pod(&mut s, web_pod("other"));
    class(
        &mut s,
        "standard",
        "disk.csi.azure.com",
        "WaitForFirstConsumer",
    );
    claim(&mut s, "data-web-0", "standard", "1Gi");
    claim(&mut s, "data-web-1", "standard", "1Gi");
    create_pod(&mut s, with_claim(web_pod("web-0"), "data", "data-web-0"));
    create_pod(&mut s, with_claim(web_pod("web-1"), "data", "data-web-1"));
    tick(&mut s);
    let selected = |s: &SimState, c: &str| {
        s.get::<PersistentVolumeClaim>(NS, c)
            .unwrap()
            .metadata
            .annotations
            .and_then(|a| a.get("volume.kubernetes.io/selected-node").cloned())
    };
    // `other` took node-a; the assumed web-0 counts on node-b.
    assert_eq!(selected(&s, "data-web-0").as_deref(), Some("node-b"));
    assert_eq!(selected(&s, "data-web-1").as_deref(), Some("node-c"));
    run(&mut s, secs(5));
    let web0 = pod(&s, "web-0");
    assert_eq!(web0.spec.as_ref().unwrap().node_name, None);
    assert!(
        web0.status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .is_none_or(|c| c.is_empty())
    );
    bind_claim(&mut s, "data-web-0", "pvc-123");
    tick(&mut s);
    assert_eq!(node_of(&s, "web-0").as_deref(), Some("node-b"));
    assert_eq!(status_column(&pod(&s, "web-0")), "ContainerCreating");
    assert_eq!(node_of(&s, "web-1"), None);
    // Binding gives up after ten minutes and tries again later.
    run(&mut s, secs(600));
    assert_eq!(
        condition(&pod(&s, "web-1"), "PodScheduled"),
        (
            "False".into(),
            Some("SchedulerError".into()),
            Some("running PreBind plugin \"VolumeBinding\": binding volumes: context deadline exceeded".into())
        )
    );
}

#[test]
fn a_bound_local_volume_pins_the_pod_to_its_node_even_when_cordoned() {
    let mut s = cluster(1);
    three_nodes(&mut s);
    class(
        &mut s,
        "local-storage",
        "kubernetes.io/no-provisioner",
        "WaitForFirstConsumer",
    );
    local_pv(&mut s, "local-pv-c", "local-storage", "node-c", "100Gi");
    local_pv(&mut s, "local-pv-small", "local-storage", "node-a", "1Gi");
    claim(&mut s, "state-web-0", "local-storage", "10Gi");
    create_pod(&mut s, with_claim(web_pod("web-0"), "state", "state-web-0"));
    tick(&mut s);
    let c = s.get::<PersistentVolumeClaim>(NS, "state-web-0").unwrap();
    assert_eq!(
        c.metadata.annotations.unwrap()["volume.kubernetes.io/selected-node"],
        "node-c"
    );
    bind_claim(&mut s, "state-web-0", "local-pv-c");
    run(&mut s, secs(10));
    assert_eq!(node_of(&s, "web-0").as_deref(), Some("node-c"));
    assert_eq!(ready_column(&pod(&s, "web-0")), "1/1");

    // Cordon node-c; the Pod is deleted and comes back: nowhere to go.
    let mut n = s.get::<Node>("", "node-c").unwrap();
    n.spec.as_mut().unwrap().unschedulable = Some(true);
    s.put(n).unwrap();
    s.delete(Kind::Pod, NS, "web-0", None).unwrap();
    run(&mut s, secs(3));
    assert!(s.get::<Pod>(NS, "web-0").is_none());
    create_pod(&mut s, with_claim(web_pod("web-0"), "state", "state-web-0"));
    run(&mut s, secs(5));
    let web0 = pod(&s, "web-0");
    assert_eq!(status_column(&web0), "Pending");
    assert_eq!(
        condition(&web0, "PodScheduled").2.unwrap(),
        "0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) had volume node affinity conflict. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    );
    let mut n = s.get::<Node>("", "node-c").unwrap();
    n.spec.as_mut().unwrap().unschedulable = Some(false);
    s.put(n).unwrap();
    run(&mut s, secs(1));
    assert_eq!(node_of(&s, "web-0").as_deref(), Some("node-c"));
}

#[test]
fn no_provisioner_claims_only_fit_nodes_with_a_matching_available_volume() {
    let mut s = cluster(1);
    three_nodes(&mut s);
    class(
        &mut s,
        "local-storage",
        "kubernetes.io/no-provisioner",
        "WaitForFirstConsumer",
    );
    local_pv(&mut s, "local-pv-small", "local-storage", "node-a", "1Gi");
    claim(&mut s, "state-web-0", "local-storage", "10Gi");
    create_pod(&mut s, with_claim(web_pod("web-0"), "state", "state-web-0"));
    tick(&mut s);
    assert_eq!(
        condition(&pod(&s, "web-0"), "PodScheduled").2.unwrap(),
        "0/3 nodes are available: 3 node(s) didn't find available persistent volumes to bind. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    );
}

#[test]
fn containers_start_and_turn_ready_on_the_workloads_timing() {
    let mut s = cluster(1);
    add_node(&mut s, "node-a", &[], vec![]);
    workload(&mut s, 3, 4);
    let mut p = web_pod("web-0");
    p.spec
        .as_mut()
        .unwrap()
        .containers
        .push(container("sidecar", "busybox:1.36"));
    create_pod(&mut s, p);
    tick(&mut s);
    let p = pod(&s, "web-0");
    assert_eq!(status_column(&p), "ContainerCreating");
    assert_eq!(ready_column(&p), "0/2");
    let st = p.status.clone().unwrap();
    assert_eq!(st.phase.as_deref(), Some("Pending"));
    assert!(st.host_ip.is_some() && st.pod_ip.is_none());
    assert_eq!(condition(&p, "PodReadyToStartContainers").0, "False");
    run(&mut s, Duration::from_millis(2500));
    assert_eq!(status_column(&pod(&s, "web-0")), "ContainerCreating");
    run(&mut s, secs(1));
    let p = pod(&s, "web-0");
    assert_eq!(status_column(&p), "Running");
    assert_eq!(ready_column(&p), "0/2");
    let st = p.status.clone().unwrap();
    assert_eq!(st.pod_ip.as_deref(), Some("10.244.0.2"));
    let app = &st.container_statuses.as_ref().unwrap()[0];
    assert_eq!(app.name, "app");
    assert_eq!(app.image, "docker.io/library/nginx:1.27");
    assert!(app.image_id.starts_with("docker.io/library/nginx@sha256:"));
    assert!(
        app.container_id
            .as_ref()
            .unwrap()
            .starts_with("containerd://")
    );
    assert_eq!(app.started, Some(true));
    assert_eq!(
        condition(&p, "ContainersReady"),
        (
            "False".into(),
            Some("ContainersNotReady".into()),
            Some("containers with unready status: [app sidecar]".into())
        )
    );
    assert_eq!(
        messages(&s, "web-0", "Pulled"),
        [
            "Container image \"busybox:1.36\" already present on machine",
            "Container image \"nginx:1.27\" already present on machine",
        ]
    );
    assert_eq!(
        messages(&s, "web-0", "Created"),
        ["Created container: app", "Created container: sidecar"]
    );
    assert_eq!(
        messages(&s, "web-0", "Started"),
        ["Started container app", "Started container sidecar"]
    );
    run(&mut s, secs(4));
    let p = pod(&s, "web-0");
    assert_eq!(ready_column(&p), "2/2");
    for t in [
        "PodReadyToStartContainers",
        "Initialized",
        "ContainersReady",
        "Ready",
        "PodScheduled",
    ] {
        assert_eq!(condition(&p, t).0, "True", "{t}");
    }
    // Settled: nothing more is written.
    let rv = s.store.resource_version();
    run(&mut s, secs(60));
    assert_eq!(s.store.resource_version(), rv);
}

#[test]
fn init_containers_run_first() {
    let mut s = cluster(1);
    add_node(&mut s, "node-a", &[], vec![]);
    workload(&mut s, 6, 1);
    let mut p = web_pod("web-0");
    p.spec.as_mut().unwrap().init_containers = Some(vec![
        Container {
            name: "init-mysql".into(),
            image: Some("mysql:8.0".into()),
            ..Default::default()
        },
        Container {
            name: "clone-mysql".into(),
            image: Some("gcr.io/google-samples/xtrabackup:1.0".into()),
            ..Default::default()
        },
    ]);
    create_pod(&mut s, p);
    tick(&mut s);
    assert_eq!(status_column(&pod(&s, "web-0")), "Init:0/2");
    run(&mut s, secs(2));
    let p = pod(&s, "web-0");
    assert_eq!(status_column(&p), "Init:0/2");
    assert!(
        p.status
            .as_ref()
            .unwrap()
            .init_container_statuses
            .as_ref()
            .unwrap()[0]
            .state
            .as_ref()
            .unwrap()
            .running
            .is_some()
    );
    run(&mut s, secs(2));
    assert_eq!(status_column(&pod(&s, "web-0")), "Init:1/2");
    assert_eq!(
        condition(&pod(&s, "web-0"), "Initialized").2.unwrap(),
        "containers with incomplete status: [clone-mysql]"
    );
    run(&mut s, secs(2));
    let p = pod(&s, "web-0");
    assert_eq!(status_column(&p), "Running");
    assert_eq!(condition(&p, "Initialized").0, "True");
}

#[test]
fn pod_ips_come_from_the_node_range_are_unique_and_stable() {
    let mut s = cluster(1);
    add_node(&mut s, "node-a", &[], vec![]);
    let mut n = s.get::<Node>("", "node-a").unwrap();
    n.spec.as_mut().unwrap().pod_cidr = Some("10.10.7.0/24".into());
    s.put(n).unwrap();
    add_node(&mut s, "node-b", &[], vec![]);
    for i in 0..4 {
        create_pod(&mut s, web_pod(&format!("web-{i}")));
    }
    run(&mut s, secs(10));
    let ip = |s: &SimState, n: &str| pod(s, n).status.unwrap().pod_ip.unwrap();
    assert_eq!(ip(&s, "web-0"), "10.10.7.2");
    assert_eq!(ip(&s, "web-1"), "10.244.1.2");
    assert_eq!(ip(&s, "web-2"), "10.10.7.3");
    assert_eq!(ip(&s, "web-3"), "10.244.1.3");
    let host = pod(&s, "web-0").status.unwrap().host_ip.unwrap();
    let node_ip = s
        .get::<Node>("", "node-a")
        .unwrap()
        .status
        .unwrap()
        .addresses
        .unwrap()[0]
        .address
        .clone();
    assert_eq!(host, node_ip);
    // Stable through status changes; freed when the Pod goes.
    s.kubelet.set_readiness(NS, "web-2", None, false);
    run(&mut s, secs(3));
    assert_eq!(ip(&s, "web-2"), "10.10.7.3");
    s.delete(Kind::Pod, NS, "web-0", Some(0)).unwrap();
    create_pod(&mut s, web_pod("web-9"));
    run(&mut s, secs(10));
    assert_eq!(node_of(&s, "web-9").as_deref(), Some("node-a"));
    assert_eq!(ip(&s, "web-9"), "10.10.7.2");
}

#[test]
fn a_failing_readiness_probe_shows_one_of_two_ready_and_recovers() {
    let mut s = cluster(1);
    add_node(&mut s, "node-a", &[], vec![]);
    let mut p = web_pod("mysql-2");
    let spec = p.spec.as_mut().unwrap();
    spec.containers = vec![
        container("mysql", "mysql:8.0"),
        container("xtrabackup", "gcr.io/google-samples/xtrabackup:1.0"),
    ];
    spec.containers[1].readiness_probe = Some(Probe {
        exec: Some(ExecAction {
            command: Some(vec![
                "mysql".into(),
                "-h".into(),
                "127.0.0.1".into(),
                "-e".into(),
                "SELECT 1".into(),
            ]),
        }),
        ..Default::default()
    });
    create_pod(&mut s, p);
    run(&mut s, secs(10));
    assert_eq!(ready_column(&pod(&s, "mysql-2")), "2/2");
    s.kubelet
        .set_readiness(NS, "mysql-2", Some("xtrabackup"), false);
    tick(&mut s);
    let p = pod(&s, "mysql-2");
    assert_eq!(ready_column(&p), "1/2");
    assert_eq!(status_column(&p), "Running");
    let not_ready = (
        "False".to_string(),
        Some("ContainersNotReady".to_string()),
        Some("containers with unready status: [xtrabackup]".to_string()),
    );
    assert_eq!(condition(&p, "Ready"), not_ready);
    assert_eq!(condition(&p, "ContainersReady"), not_ready);
    run(&mut s, secs(25));
    let unhealthy = events(&s, "mysql-2", "Unhealthy");
    assert_eq!(unhealthy.len(), 1);
    assert_eq!(
        unhealthy[0].message.as_deref(),
        Some(
            "Readiness probe failed: ERROR 2003 (HY000): Can't connect to MySQL server on '127.0.0.1:3306' (111)"
        )
    );
    assert_eq!(unhealthy[0].type_.as_deref(), Some("Warning"));
    assert_eq!(unhealthy[0].count, Some(3));
    s.kubelet
        .set_readiness(NS, "mysql-2", Some("xtrabackup"), true);
    tick(&mut s);
    let p = pod(&s, "mysql-2");
    assert_eq!(ready_column(&p), "2/2");
    assert_eq!(condition(&p, "Ready").0, "True");
    run(&mut s, secs(30));
    assert_eq!(events(&s, "mysql-2", "Unhealthy")[0].count, Some(3));
}

#[test]
fn a_crashing_container_backs_off_and_then_runs_again() {
    let mut s = cluster(1);
    add_node(&mut s, "node-a", &[], vec![]);
    create_pod(&mut s, web_pod("web-0"));
    run(&mut s, secs(10));
    let uid = pod(&s, "web-0").metadata.uid.unwrap();
    let app = |s: &SimState| pod(s, "web-0").status.unwrap().container_statuses.unwrap()[0].clone();
    s.kubelet.crash(NS, "web-0", "app", 3);
    tick(&mut s);
    // The first exit restarts at once, as the kubelet does.
    let c = app(&s);
    assert_eq!(c.restart_count, 1);
    assert!(c.state.as_ref().unwrap().running.is_some());
    let last = c.last_state.unwrap().terminated.unwrap();
    assert_eq!((last.exit_code, last.reason.as_deref()), (1, Some("Error")));
    run(&mut s, secs(2));
    let p = pod(&s, "web-0");
    assert_eq!(status_column(&p), "CrashLoopBackOff");
    assert_eq!(ready_column(&p), "0/1");
    let c = app(&s);
    assert_eq!(c.restart_count, 1);
    assert_eq!(
        c.state.unwrap().waiting.unwrap().message.unwrap(),
        format!("back-off 10s restarting failed container=app pod=web-0_db({uid})")
    );
    assert_eq!(
        messages(&s, "web-0", "BackOff"),
        [format!(
            "Back-off restarting failed container app in pod web-0_db({uid})"
        )]
    );
    run(&mut s, secs(10));
    assert_eq!(app(&s).restart_count, 2);
    assert_eq!(status_column(&pod(&s, "web-0")), "Running");
    run(&mut s, secs(2));
    let c = app(&s);
    assert_eq!(
        c.state.unwrap().waiting.unwrap().message.unwrap(),
        format!("back-off 20s restarting failed container=app pod=web-0_db({uid})")
    );
    run(&mut s, secs(20));
    let c = app(&s);
    assert_eq!(c.restart_count, 3);
    assert!(c.state.unwrap().running.is_some());
    // Three exits asked for: it stays up and turns ready again.
    run(&mut s, secs(60));
    let c = app(&s);
    assert_eq!(c.restart_count, 3);
    assert!(c.ready);
    assert_eq!(ready_column(&pod(&s, "web-0")), "1/1");
    assert!(events(&s, "web-0", "BackOff")[0].count.unwrap() >= 2);
}

#[test]
fn graceful_deletion_stops_containers_and_finishes() {
    let mut s = cluster(1);
    add_node(&mut s, "node-a", &[], vec![]);
    create_pod(&mut s, web_pod("web-0"));
    run(&mut s, secs(10));
    s.delete(Kind::Pod, NS, "web-0", None).unwrap();
    tick(&mut s);
    assert_eq!(status_column(&pod(&s, "web-0")), "Terminating");
    assert_eq!(messages(&s, "web-0", "Killing"), ["Stopping container app"]);
    run(&mut s, secs(2));
    assert!(s.get::<Pod>(NS, "web-0").is_none());
}

#[test]
fn required_pod_anti_affinity_keeps_one_pod_per_node() {
    let mut s = cluster(1);
    add_node(&mut s, "node-a", &[], vec![]);
    add_node(&mut s, "node-b", &[], vec![]);
    for i in 0..3 {
        let mut p = web_pod(&format!("web-{i}"));
        p.spec.as_mut().unwrap().affinity = Some(Affinity {
            pod_anti_affinity: Some(PodAntiAffinity {
                required_during_scheduling_ignored_during_execution: Some(vec![PodAffinityTerm {
                    topology_key: "kubernetes.io/hostname".into(),
                    label_selector: Some(LabelSelector {
                        match_labels: Some([("app".to_string(), "web".to_string())].into()),
                        match_expressions: None,
                    }),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
            ..Default::default()
        });
        create_pod(&mut s, p);
    }
    tick(&mut s);
    assert_eq!(node_of(&s, "web-0").as_deref(), Some("node-a"));
    assert_eq!(node_of(&s, "web-1").as_deref(), Some("node-b"));
    assert_eq!(
        condition(&pod(&s, "web-2"), "PodScheduled").2.unwrap(),
        "0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling."
    );
}

#[test]
fn a_pod_whose_claim_never_binds_reports_failed_mount() {
    let mut s = cluster(1);
    add_node(&mut s, "node-a", &[], vec![]);
    class(&mut s, "fast", "disk.csi.azure.com", "Immediate");
    claim(&mut s, "data-web-0", "fast", "1Gi");
    let mut p = with_claim(web_pod("web-0"), "data", "data-web-0");
    p.spec.as_mut().unwrap().node_name = Some("node-a".into());
    create_pod(&mut s, p);
    run(&mut s, secs(119));
    assert!(events(&s, "web-0", "FailedMount").is_empty());
    run(&mut s, secs(2));
    assert_eq!(
        messages(&s, "web-0", "FailedMount"),
        [
            "Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[data]: timed out waiting for the condition"
        ]
    );
    assert_eq!(status_column(&pod(&s, "web-0")), "ContainerCreating");
    plain_pv(&mut s, "pv-1");
    bind_claim(&mut s, "data-web-0", "pv-1");
    run(&mut s, secs(3));
    assert_eq!(status_column(&pod(&s, "web-0")), "Running");
}

/// `cargo test --release --lib kubelet::tests::ten_thousand -- --ignored --nocapture`
#[test]
#[ignore]
fn ten_thousand_settled_pods_cost_almost_nothing_per_tick() {
    let mut s = cluster(1);
    for i in 0..50 {
        add_node(&mut s, &format!("node-{i:02}"), &[], vec![]);
    }
    let start = std::time::Instant::now();
    for i in 0..10_000 {
        create_pod(&mut s, web_pod(&format!("web-{i}")));
    }
    run(&mut s, secs(10));
    println!("create+start 10k: {:?}", start.elapsed());
    let start = std::time::Instant::now();
    run(&mut s, secs(60));
    println!("240 settled ticks: {:?}", start.elapsed());
    assert_eq!(ready_column(&pod(&s, "web-9999")), "1/1");
}
