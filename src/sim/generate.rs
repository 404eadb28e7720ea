//! Big simulated clusters for benchmarks: many StatefulSets, all settled
//! (Pods Running and Ready, claims Bound), plus Nodes, StorageClasses and
//! Events in bulk.
//!
//! The objects are made by the simulated controllers themselves (Parallel
//! Pod management and short timings, so the warmup is quick), which keeps
//! owner references, `controller-revision-hash` labels, revisions, claims,
//! volumes and Pod statuses exactly as the controllers want them: once
//! [`build`] returns, stepping the controllers writes nothing (checked by
//! [`settled`]). Only the Events are replaced afterwards by a fixed number of
//! generated ones.

use std::time::Duration;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Event;
use serde_json::json;

use super::controllers;
use super::objects::Object;
use super::resources::Kind;
use super::scenario::{StorageTiming, Workload};
use super::state::SimState;

/// What to generate.
#[derive(Debug, Clone)]
pub struct ClusterSpec {
    /// StatefulSets, spread over `namespaces` namespaces.
    pub sets: usize,
    /// Replicas (and so Pods, claims and volumes) of each set.
    pub replicas: i32,
    pub namespaces: usize,
    pub nodes: usize,
    pub classes: usize,
    /// Events in total (the controllers' own are replaced by these).
    pub events: usize,
}

impl ClusterSpec {
    /// The cluster: 1,000 sets × 10, 50 Nodes, 20 classes, 20,000 Events.
    pub fn full() -> ClusterSpec {
        ClusterSpec {
            sets: 1000,
            replicas: 10,
            namespaces: 20,
            nodes: 50,
            classes: 20,
            events: 20_000,
        }
    }

    /// `--quick`: 100 sets, 2,000 Events.
    pub fn quick() -> ClusterSpec {
        ClusterSpec {
            sets: 100,
            events: 2000,
            ..ClusterSpec::full()
        }
    }
}

/// The namespace of set `i`.
pub fn namespace_of(spec: &ClusterSpec, i: usize) -> String {
    format!("bench-{:02}", i % spec.namespaces.max(1))
}

/// The name of set `i`.
pub fn set_name(i: usize) -> String {
    format!("db-{i:04}")
}

/// The class of set `i`.
fn class_of(spec: &ClusterSpec, i: usize) -> String {
    format!("class-{:02}", i % spec.classes.max(1))
}

#[derive(Debug, thiserror::Error)]
#[error("generating the cluster: {0}")]
pub struct GenerateError(pub String);

fn fail(what: &str, e: impl std::fmt::Display) -> GenerateError {
    GenerateError(format!("{what}: {e}"))
}

/// Creates an object, then gives it `status` as a controller would.
pub(super) fn create_with_status(
    state: &mut SimState,
    kind: Kind,
    mut value: serde_json::Value,
) -> Result<(), GenerateError> {
    let status = value.as_object_mut().and_then(|m| m.remove("status"));
    let object = Object::from_json(kind, value).map_err(|e| fail("object", e))?;
    let entry = state
        .create(object)
        .map_err(|e| fail("create", e.message))?;
    if let Some(status) = status {
        let mut json = entry.object().to_json();
        json["status"] = status;
        let object = Object::from_json(kind, json).map_err(|e| fail("status", e))?;
        state
            .store
            .update(object, None)
            .map_err(|e| fail("status", e.message))?;
    }
    Ok(())
}

fn node(i: usize) -> serde_json::Value {
    let name = format!("node-{i:03}");
    json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": {
            "kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
            "kubernetes.io/arch": "amd64",
            "topology.kubernetes.io/zone": format!("zone-{}", i % 3 + 1),
        }},
        "spec": {"podCIDR": format!("10.{}.{}.0/24", 100 + i / 250, i % 250)},
        "status": {
            "capacity": {"cpu": "64", "memory": "256Gi", "pods": "1000", "ephemeral-storage": "1Ti"},
            "allocatable": {"cpu": "64", "memory": "256Gi", "pods": "1000", "ephemeral-storage": "1Ti"},
            "nodeInfo": {
                "architecture": "amd64", "operatingSystem": "linux",
                "osImage": "Ubuntu 22.04.5 LTS", "kernelVersion": "5.15.0",
                "containerRuntimeVersion": "containerd://1.7.27",
                "kubeletVersion": "v1.34.1", "kubeProxyVersion": "v1.34.1",
                "machineID": "", "systemUUID": "", "bootID": ""
            }
        }
    })
}

fn class(i: usize) -> serde_json::Value {
    let mut v = json!({
        "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
        "metadata": {"name": format!("class-{i:02}")},
        "provisioner": "disk.csi.example.com",
        "reclaimPolicy": "Delete",
        "volumeBindingMode": "Immediate",
        "allowVolumeExpansion": true,
    });
    if i == 0 {
        v["metadata"]["annotations"] =
            json!({"storageclass.kubernetes.io/is-default-class": "true"});
    }
    v
}

/// A StatefulSet as people write them: one container, one claim template.
pub fn statefulset(namespace: &str, name: &str, replicas: i32, class: &str) -> serde_json::Value {
    json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": name, "namespace": namespace, "labels": {"app": name}},
        "spec": {
            "serviceName": name,
            "replicas": replicas,
            "podManagementPolicy": "Parallel",
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {
                    "terminationGracePeriodSeconds": 10,
                    "containers": [{
                        "name": "db", "image": "postgres:17.2",
                        "ports": [{"name": "pg", "containerPort": 5432}],
                        "readinessProbe": {"tcpSocket": {"port": "pg"}, "periodSeconds": 5},
                        "resources": {"requests": {"cpu": "10m", "memory": "64Mi"}},
                        "volumeMounts": [{"name": "data", "mountPath": "/var/lib/postgresql/data"}]
                    }]
                }
            },
            "volumeClaimTemplates": [{
                "metadata": {"name": "data"},
                "spec": {
                    "storageClassName": class,
                    "accessModes": ["ReadWriteOnce"],
                    "resources": {"requests": {"storage": "10Gi"}}
                }
            }]
        }
    })
}

/// Adds one StatefulSet (and its behaviour: quick start) to `state`.
pub fn add_set(
    state: &mut SimState,
    namespace: &str,
    name: &str,
    replicas: i32,
    class: &str,
) -> Result<(), GenerateError> {
    ensure_namespace(state, namespace)?;
    state.behaviour.workloads.push(Workload {
        start_after: Duration::from_millis(250),
        ready_after: Duration::from_millis(250),
        ..Workload::defaults(namespace, name)
    });
    create_with_status(
        state,
        Kind::StatefulSet,
        statefulset(namespace, name, replicas, class),
    )
}

pub(super) fn ensure_namespace(state: &mut SimState, namespace: &str) -> Result<(), GenerateError> {
    if state.store.get(Kind::Namespace, "", namespace).is_some() {
        return Ok(());
    }
    create_with_status(
        state,
        Kind::Namespace,
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}}),
    )
}

/// Creates Nodes and StorageClasses (with quick storage timings).
pub fn add_infrastructure(state: &mut SimState, spec: &ClusterSpec) -> Result<(), GenerateError> {
    for i in 0..spec.nodes {
        create_with_status(state, Kind::Node, node(i))?;
    }
    for i in 0..spec.classes {
        create_with_status(state, Kind::StorageClass, class(i))?;
        state.behaviour.storage.push(StorageTiming {
            provision_after: Duration::from_millis(250),
            ..StorageTiming::defaults(&format!("class-{i:02}"))
        });
    }
    Ok(())
}

/// Whether every set has all its replicas ready and current.
pub fn all_ready(state: &SimState) -> bool {
    state
        .list::<k8s_openapi::api::apps::v1::StatefulSet>(None)
        .iter()
        .all(|s| {
            let want = s.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
            s.status.as_ref().is_some_and(|st| {
                st.ready_replicas == Some(want)
                    && st.available_replicas == Some(want)
                    && st.current_replicas == Some(want)
                    && st.observed_generation == s.metadata.generation
            })
        })
}

/// Runs the controllers until every set is ready (at most `limit` of
/// simulated time); then until nothing is written for a few ticks.
pub fn settle(state: &mut SimState, limit: Duration) -> Result<(), GenerateError> {
    let start = state.elapsed();
    while !all_ready(state) {
        if state.elapsed() - start > limit {
            return Err(GenerateError(format!(
                "not settled after {limit:?} of simulated time"
            )));
        }
        controllers::run_for(state, Duration::from_secs(1));
    }
    // Let conditions' trailing writes (availability, status) finish.
    for _ in 0..40 {
        if settled(state, 8) {
            return Ok(());
        }
    }
    Err(GenerateError("the controllers keep writing".into()))
}

/// Steps the controllers `ticks` times; true when they wrote nothing but
/// Events.
pub fn settled(state: &mut SimState, ticks: usize) -> bool {
    let before = state.store.resource_version();
    for _ in 0..ticks {
        controllers::step(state);
    }
    match state.store.changes_since(before) {
        Ok(changes) => changes.iter().all(|c| c.kind() == Kind::Event),
        Err(_) => false,
    }
}

/// Replaces every Event with `n` generated ones about the Pods and claims
/// (rotating through a few usual reasons), spread over the last half hour.
pub fn replace_events(state: &mut SimState, n: usize) -> Result<(), GenerateError> {
    let old: Vec<(String, String)> = state
        .store
        .iter(Kind::Event, None)
        .map(|e| (e.namespace().to_string(), e.name().to_string()))
        .collect();
    for (ns, name) in old {
        let _ = state.store.remove(Kind::Event, &ns, &name);
    }
    let pods: Vec<(String, String, String)> = state
        .store
        .iter(Kind::Pod, None)
        .map(|e| {
            let m = e.object().meta();
            (
                e.namespace().to_string(),
                e.name().to_string(),
                m.uid.clone().unwrap_or_default(),
            )
        })
        .collect();
    if pods.is_empty() {
        return Ok(());
    }
    const REASONS: [(&str, &str, &str); 5] = [
        ("Normal", "Scheduled", "Successfully assigned {} to a node"),
        (
            "Normal",
            "Pulled",
            "Container image \"postgres:17.2\" already present on machine",
        ),
        ("Normal", "Started", "Started container db"),
        (
            "Warning",
            "Unhealthy",
            "Readiness probe failed: dial tcp: connection refused",
        ),
        (
            "Warning",
            "BackOff",
            "Back-off restarting failed container db in pod {}",
        ),
    ];
    let now = state.now();
    for i in 0..n {
        let (ns, pod, uid) = &pods[i % pods.len()];
        let (type_, reason, message) = REASONS[(i / pods.len()) % REASONS.len()];
        let at = now - jiff::SignedDuration::from_secs((i % 1800) as i64);
        let event: Event = serde_json::from_value(json!({
            "metadata": {"name": format!("{pod}.{i:016x}"), "namespace": ns},
            "involvedObject": {"apiVersion": "v1", "kind": "Pod", "name": pod, "namespace": ns, "uid": uid},
            "reason": reason,
            "message": message.replace("{}", pod),
            "type": type_,
            "count": 1 + (i % 3) as i32,
            "firstTimestamp": at,
            "lastTimestamp": at,
            "source": {"component": "kubelet"},
            "reportingComponent": "kubelet",
            "reportingInstance": "kubelet",
        }))
        .map_err(|e| fail("event", e))?;
        state
            .create(Object::Event(event))
            .map_err(|e| fail("event", e.message))?;
    }
    Ok(())
}

/// The whole generated cluster, settled, with simulated time zero at `epoch`.
pub fn build(spec: &ClusterSpec, seed: u64, epoch: Timestamp) -> Result<SimState, GenerateError> {
    let mut state = SimState::new(seed, epoch);
    for ns in ["default", "kube-system"] {
        ensure_namespace(&mut state, ns)?;
    }
    add_infrastructure(&mut state, spec)?;
    for i in 0..spec.sets {
        add_set(
            &mut state,
            &namespace_of(spec, i),
            &set_name(i),
            spec.replicas,
            &class_of(spec, i),
        )?;
    }
    settle(&mut state, Duration::from_secs(600))?;
    replace_events(&mut state, spec.events)?;
    Ok(state)
}

/// Counts objects of a kind in the state.
pub fn count(state: &SimState, kind: Kind) -> usize {
    state.store.count(kind)
}
