//! The kubelet's Summary API (`GET /api/v1/nodes/{node}/proxy/stats/summary`)
//! for a simulated node: node and Pod resource usage, and the volume usage
//! of every mounted claim.
//!
//! CPU, memory and filesystem figures other than volumes are made up, but
//! deterministic (derived from names, uids and simulated time) and
//! plausible; volume figures come from the storage controllers.

use std::collections::BTreeMap;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Container, Node, PersistentVolumeClaim, Pod};
use serde_json::{Value, json};

use crate::format::quantity::{parse as parse_quantity, parse_milli};
use crate::sim::controllers::storage::{pod_claims, volume_stats};
use crate::sim::state::SimState;

/// Why there is no summary for a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SummaryError {
    /// No Node of that name (the API server answers 404).
    #[error("node not found")]
    NodeNotFound,
    /// The node's kubelet does not answer (the proxy answers 503).
    #[error("the node's kubelet is not reachable")]
    KubeletDown,
}

const GI: u64 = 1 << 30;
const MI: u64 = 1 << 20;

fn hash(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0xff)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// A value in `[lo, hi)` picked by a hash.
fn pick(h: u64, lo: u64, hi: u64) -> u64 {
    lo + h % (hi - lo).max(1)
}

/// A slow wobble (±10%) so live figures move between scrapes.
fn wobble(value: u64, seed: u64, now: Timestamp) -> u64 {
    let step = u64::try_from(now.as_second().max(0) / 10).unwrap_or(0);
    let w = hash(&[&seed.to_string(), &step.to_string()]) % 21;
    value * (90 + w) / 100
}

fn time(t: Timestamp) -> String {
    // RFC 3339 at second precision, as metav1.Time marshals.
    Timestamp::from_second(t.as_second())
        .unwrap_or(t)
        .to_string()
}

fn seconds_since(start: Timestamp, now: Timestamp) -> u64 {
    u64::try_from(now.as_second() - start.as_second()).unwrap_or(0)
}

fn container_request(c: &Container, resource: &str) -> Option<String> {
    let res = c.resources.as_ref()?;
    res.requests
        .as_ref()
        .and_then(|r| r.get(resource))
        .or_else(|| res.limits.as_ref().and_then(|l| l.get(resource)))
        .map(|q| q.0.clone())
}

fn cpu(nano_cores: u64, since: Timestamp, now: Timestamp) -> Value {
    json!({
        "time": time(now),
        "usageNanoCores": nano_cores,
        "usageCoreNanoSeconds": nano_cores.saturating_mul(seconds_since(since, now)),
    })
}

fn memory(working_set: u64, available: Option<u64>, seed: u64, now: Timestamp) -> Value {
    let usage = working_set + working_set / 5;
    let mut m = json!({
        "time": time(now),
        "usageBytes": usage,
        "workingSetBytes": working_set,
        "rssBytes": working_set * 4 / 5,
        "pageFaults": pick(seed, 1_000, 50_000),
        "majorPageFaults": pick(seed >> 8, 0, 40),
    });
    if let Some(a) = available {
        m["availableBytes"] = json!(a);
    }
    m
}

fn fs(capacity: u64, used: u64, inodes: u64, inodes_used: u64, now: Timestamp) -> Value {
    json!({
        "time": time(now),
        "availableBytes": capacity.saturating_sub(used),
        "capacityBytes": capacity,
        "usedBytes": used,
        "inodesFree": inodes.saturating_sub(inodes_used),
        "inodes": inodes,
        "inodesUsed": inodes_used,
    })
}

fn node_quantity(node: &Node, resource: &str) -> Option<u64> {
    let status = node.status.as_ref()?;
    status
        .allocatable
        .as_ref()
        .and_then(|a| a.get(resource))
        .or_else(|| status.capacity.as_ref().and_then(|c| c.get(resource)))
        .and_then(|q| parse_quantity(&q.0).ok())
}

/// Figures for one Pod and the running totals for its node.
struct PodFigures {
    json: Value,
    nano_cores: u64,
    working_set: u64,
    ephemeral_used: u64,
}

fn pod_summary(state: &SimState, pod: &Pod, node_fs: (u64, u64), now: Timestamp) -> PodFigures {
    let meta = &pod.metadata;
    let name = meta.name.as_deref().unwrap_or_default();
    let ns = meta.namespace.as_deref().unwrap_or_default();
    let uid = meta.uid.as_deref().unwrap_or_default();
    let status = pod.status.as_ref();
    let start = status
        .and_then(|s| s.start_time.as_ref())
        .or(meta.creation_timestamp.as_ref())
        .map_or(now, |t| t.0);
    let mut containers = Vec::new();
    let (mut pod_cores, mut pod_ws, mut pod_eph) = (0u64, 0u64, 0u64);
    for c in pod.spec.iter().flat_map(|s| s.containers.iter()) {
        let seed = hash(&[uid, &c.name]);
        let started = status
            .and_then(|s| s.container_statuses.as_ref())
            .and_then(|cs| cs.iter().find(|s| s.name == c.name))
            .and_then(|s| s.state.as_ref()?.running.as_ref()?.started_at.as_ref())
            .map_or(start, |t| t.0);
        let milli = container_request(c, "cpu")
            .and_then(|q| parse_milli(&q).ok())
            .map_or_else(|| pick(seed, 2, 40), |m| m * pick(seed, 10, 60) / 100);
        let nano_cores = wobble(milli.max(1) * 1_000_000, seed, now);
        let mem = container_request(c, "memory")
            .and_then(|q| parse_quantity(&q).ok())
            .map_or_else(
                || pick(seed, 20, 200) * MI,
                |m| m * pick(seed, 40, 80) / 100,
            );
        let working_set = wobble(mem.max(MI), seed >> 4, now);
        let rootfs_used = pick(seed >> 12, 24, 512) * 1024;
        let logs_used = pick(seed >> 16, 8, 4096) * 1024 + seconds_since(started, now) * 16;
        let (cap, inodes) = node_fs;
        containers.push(json!({
            "name": c.name,
            "startTime": time(started),
            "cpu": cpu(nano_cores, started, now),
            "memory": memory(working_set, None, seed, now),
            "rootfs": fs(cap, rootfs_used, inodes, pick(seed, 8, 64), now),
            "logs": fs(cap, logs_used, inodes, 1, now),
        }));
        pod_cores += nano_cores;
        pod_ws += working_set;
        pod_eph += rootfs_used + logs_used;
    }
    let mut volumes = Vec::new();
    for (volume, claim_name) in pod_claims(pod) {
        let Some(claim) = state
            .store
            .get_typed::<PersistentVolumeClaim>(ns, &claim_name)
        else {
            continue;
        };
        if claim.status.as_ref().and_then(|s| s.phase.as_deref()) != Some("Bound") {
            continue;
        }
        let Some(v) = volume_stats(state, claim) else {
            continue;
        };
        volumes.push(json!({
            "time": time(now),
            "availableBytes": v.available_bytes,
            "capacityBytes": v.capacity_bytes,
            "usedBytes": v.used_bytes,
            "inodesFree": v.inodes_free,
            "inodes": v.inodes,
            "inodesUsed": v.inodes_used,
            "name": volume,
            "pvcRef": {"name": claim_name, "namespace": ns},
        }));
    }
    let seed = hash(&[uid]);
    let (cap, inodes) = node_fs;
    let mut json = json!({
        "podRef": {"name": name, "namespace": ns, "uid": uid},
        "startTime": time(start),
        "containers": containers,
        "cpu": cpu(pod_cores, start, now),
        "memory": memory(pod_ws, None, seed, now),
        "network": {
            "time": time(now),
            "name": "eth0",
            "rxBytes": pick(seed, 1, 1000) * seconds_since(start, now) * 10,
            "rxErrors": 0,
            "txBytes": pick(seed >> 8, 1, 1000) * seconds_since(start, now) * 10,
            "txErrors": 0,
        },
    });
    if !volumes.is_empty() {
        json["volume"] = Value::Array(volumes);
    }
    json["ephemeral-storage"] = fs(cap, pod_eph, inodes, pick(seed, 20, 200), now);
    json["process_stats"] = json!({"process_count": pick(seed >> 20, 1, 12)});
    PodFigures {
        json,
        nano_cores: pod_cores,
        working_set: pod_ws,
        ephemeral_used: pod_eph,
    }
}

/// The Summary API document for a node: Running Pods scheduled there, with
/// the usage of their Bound claims (capacity is the claim's filesystem size:
/// the old size until a resize has finished on the node).
pub fn summary(state: &SimState, node: &str) -> Result<Value, SummaryError> {
    let node_obj = state
        .store
        .get_typed::<Node>("", node)
        .ok_or(SummaryError::NodeNotFound)?;
    if state.kubelet.is_node_down(node) {
        return Err(SummaryError::KubeletDown);
    }
    // The summary's times and the start times it reads are stamps (see `state`).
    let now = state.stamp_now();
    let seed = hash(&[node]);
    let boot = node_obj
        .metadata
        .creation_timestamp
        .as_ref()
        .map_or(now, |t| t.0);
    let fs_capacity = node_quantity(node_obj, "ephemeral-storage").unwrap_or(100 * GI);
    let fs_inodes = fs_capacity / 16_384;
    let mem_capacity = node_quantity(node_obj, "memory").unwrap_or(8 * GI);
    let cpu_cores = node_obj
        .status
        .as_ref()
        .and_then(|s| s.capacity.as_ref())
        .and_then(|c| c.get("cpu"))
        .and_then(|q| parse_milli(&q.0).ok())
        .unwrap_or(4000);

    let mut pods = Vec::new();
    let (mut cores, mut ws, mut eph) = (0u64, 0u64, 0u64);
    for pod in state.store.list_typed::<Pod>(None) {
        let on_node = pod.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(node);
        let running = pod.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running");
        if !on_node || !running {
            continue;
        }
        let figures = pod_summary(state, pod, (fs_capacity, fs_inodes), now);
        cores += figures.nano_cores;
        ws += figures.working_set;
        eph += figures.ephemeral_used;
        pods.push(figures.json);
    }

    let system: BTreeMap<&str, (u64, u64)> = BTreeMap::from([
        (
            "kubelet",
            (pick(seed, 15, 40) * 1_000_000, pick(seed, 50, 90) * MI),
        ),
        (
            "runtime",
            (
                pick(seed >> 8, 10, 30) * 1_000_000,
                pick(seed >> 8, 60, 140) * MI,
            ),
        ),
        ("pods", (cores, ws)),
    ]);
    let system_containers: Vec<Value> = ["kubelet", "runtime", "pods"]
        .iter()
        .map(|name| {
            let (c, m) = system[name];
            let s = hash(&[node, name]);
            let available = (*name == "pods").then(|| mem_capacity.saturating_sub(m));
            json!({
                "name": name,
                "startTime": time(boot),
                "cpu": cpu(wobble(c, s, now), boot, now),
                "memory": memory(wobble(m, s, now).max(MI), available, s, now),
            })
        })
        .collect();
    let node_cores =
        (cores + system["kubelet"].0 + system["runtime"].0 + 80_000_000).min(cpu_cores * 1_000_000);
    let node_ws = (ws + system["kubelet"].1 + system["runtime"].1 + 600 * MI).min(mem_capacity);
    let image_fs_used = pick(seed, 3, 12) * GI;
    let node_fs_used = (image_fs_used + eph + pick(seed >> 4, 2, 6) * GI).min(fs_capacity);
    let interface = json!({
        "name": "eth0",
        "rxBytes": pick(seed, 50, 500) * MI + seconds_since(boot, now) * 20_000,
        "rxErrors": 0,
        "txBytes": pick(seed >> 8, 20, 300) * MI + seconds_since(boot, now) * 12_000,
        "txErrors": 0,
    });
    let mut network = json!({"time": time(now), "interfaces": [interface.clone()]});
    for (k, v) in interface.as_object().into_iter().flatten() {
        network[k] = v.clone();
    }
    let image_fs = fs(
        fs_capacity,
        image_fs_used,
        fs_inodes,
        pick(seed, 100_000, 400_000),
        now,
    );
    Ok(json!({
        "node": {
            "nodeName": node,
            "systemContainers": system_containers,
            "startTime": time(boot),
            "cpu": cpu(node_cores, boot, now),
            "memory": memory(node_ws, Some(mem_capacity.saturating_sub(node_ws)), seed, now),
            "network": network,
            "fs": fs(fs_capacity, node_fs_used, fs_inodes, pick(seed >> 2, 150_000, 600_000), now),
            "runtime": {"imageFs": image_fs.clone(), "containerFs": image_fs},
            "rlimit": {
                "time": time(now),
                "maxpid": 4_194_304,
                "curproc": 200 + pods.len() * 6,
            },
        },
        "pods": pods,
    }))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use k8s_openapi::api::core::v1::PersistentVolumeClaim;
    use serde_json::{Value, json};

    use super::*;
    use crate::sim::controllers::TICK;
    use crate::sim::controllers::storage::{reconcile, volume_stats};
    use crate::sim::objects::{Object, Typed};
    use crate::sim::resources::Kind;

    const GI: u64 = 1 << 30;

    fn create(s: &mut SimState, kind: Kind, value: Value) {
        s.create(Object::from_json(kind, value).unwrap()).unwrap();
    }

    fn run(s: &mut SimState, d: Duration) {
        for _ in 0..d.as_millis().div_ceil(TICK.as_millis()) {
            s.advance_clock(TICK);
            reconcile(s);
        }
    }

    fn running_pod(s: &mut SimState, name: &str, node: &str, claims: &[(&str, &str)], phase: &str) {
        let volumes: Vec<Value> = claims
            .iter()
            .map(|(v, c)| json!({"name": v, "persistentVolumeClaim": {"claimName": c}}))
            .chain(std::iter::once(json!({"name": "tmp", "emptyDir": {}})))
            .collect();
        create(
            s,
            Kind::Pod,
            json!({
                "metadata": {"name": name, "namespace": "shop"},
                "spec": {"nodeName": node, "volumes": volumes, "containers": [
                    {"name": "postgres", "image": "postgres:16",
                     "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}}},
                    {"name": "exporter", "image": "exporter:1"}
                ]},
            }),
        );
        let mut p = s.get::<Pod>("shop", name).unwrap();
        let now = s.now_time();
        let st = p.status.get_or_insert_with(Default::default);
        st.phase = Some(phase.into());
        st.start_time = Some(now);
        s.put(p).unwrap();
    }

    fn cluster() -> SimState {
        let mut s = SimState::new(3, "2025-06-01T08:00:00Z".parse().unwrap());
        create(
            &mut s,
            Kind::Namespace,
            json!({"metadata": {"name": "shop"}}),
        );
        for n in ["n1", "n2"] {
            create(
                &mut s,
                Kind::Node,
                json!({"metadata": {"name": n}, "status": {"capacity":
                    {"cpu": "4", "memory": "16Gi", "ephemeral-storage": "200Gi"}}}),
            );
        }
        create(
            &mut s,
            Kind::StorageClass,
            json!({"metadata": {"name": "hp"}, "provisioner": "hostpath.csi.k8s.io",
                   "allowVolumeExpansion": true}),
        );
        for (name, size) in [
            ("data-db-0", "1Gi"),
            ("logs-db-0", "4Gi"),
            ("data-db-1", "1Gi"),
        ] {
            create(
                &mut s,
                Kind::PersistentVolumeClaim,
                json!({"metadata": {"name": name, "namespace": "shop"}, "spec": {
                    "storageClassName": "hp", "accessModes": ["ReadWriteOnce"],
                    "resources": {"requests": {"storage": size}}}}),
            );
        }
        run(&mut s, Duration::from_secs(2));
        running_pod(
            &mut s,
            "db-0",
            "n1",
            &[("data", "data-db-0"), ("logs", "logs-db-0")],
            "Running",
        );
        running_pod(&mut s, "db-1", "n1", &[("data", "data-db-1")], "Pending");
        running_pod(&mut s, "web-0", "n2", &[], "Running");
        run(&mut s, Duration::from_secs(60));
        s
    }

    #[test]
    fn summary_lists_running_pods_and_their_volumes() {
        let s = cluster();
        let doc = summary(&s, "n1").unwrap();
        let node = &doc["node"];
        assert_eq!(node["nodeName"], "n1");
        let system: Vec<_> = node["systemContainers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(system, ["kubelet", "runtime", "pods"]);
        for key in [
            "startTime",
            "cpu",
            "memory",
            "fs",
            "runtime",
            "rlimit",
            "network",
        ] {
            assert!(!node[key].is_null(), "node.{key}");
        }
        assert_eq!(node["fs"]["capacityBytes"], 200 * GI);
        assert!(node["cpu"]["usageNanoCores"].as_u64().unwrap() > 0);
        assert!(node["runtime"]["imageFs"]["usedBytes"].as_u64().unwrap() > 0);
        assert_eq!(node["cpu"]["time"], "2025-06-01T08:01:02Z");

        let pods = doc["pods"].as_array().unwrap();
        assert_eq!(pods.len(), 1, "only Running Pods on this node");
        let pod = &pods[0];
        let uid = s.get::<Pod>("shop", "db-0").unwrap().metadata.uid.unwrap();
        assert_eq!(
            pod["podRef"],
            json!({"name": "db-0", "namespace": "shop", "uid": uid})
        );
        let names: Vec<_> = pod["containers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["postgres", "exporter"]);
        let pg = &pod["containers"][0];
        assert!(pg["memory"]["workingSetBytes"].as_u64().unwrap() <= GI);
        assert!(pg["cpu"]["usageNanoCores"].as_u64().unwrap() <= 500_000_000);
        assert!(pod["ephemeral-storage"]["usedBytes"].as_u64().unwrap() > 0);

        let volumes = pod["volume"].as_array().unwrap();
        assert_eq!(volumes.len(), 2, "PVC-backed volumes only");
        let data = &volumes[0];
        assert_eq!(data["name"], "data");
        assert_eq!(
            data["pvcRef"],
            json!({"name": "data-db-0", "namespace": "shop"})
        );
        let claim = s.get::<PersistentVolumeClaim>("shop", "data-db-0").unwrap();
        let v = volume_stats(&s, &claim).unwrap();
        assert_eq!(data["capacityBytes"], GI);
        assert_eq!(data["usedBytes"], v.used_bytes);
        assert_eq!(data["availableBytes"], GI - v.used_bytes);
        assert_eq!(data["inodes"], v.inodes);
        assert_eq!(data["inodesUsed"], v.inodes_used);
        assert_eq!(data["inodesFree"], v.inodes - v.inodes_used);
        assert!(data["time"].is_string());
        assert_eq!(volumes[1]["pvcRef"]["name"], "logs-db-0");
        assert_eq!(volumes[1]["capacityBytes"], 4 * GI);

        let n2 = summary(&s, "n2").unwrap();
        assert_eq!(n2["pods"].as_array().unwrap().len(), 1);
        assert!(n2["pods"][0]["volume"].is_null());
        // Deterministic for the same state.
        assert_eq!(summary(&s, "n1").unwrap(), doc);
    }

    #[test]
    fn capacity_is_the_old_size_until_the_filesystem_resize_finished() {
        let mut s = cluster();
        let mut c = s.get::<PersistentVolumeClaim>("shop", "data-db-0").unwrap();
        c.spec
            .as_mut()
            .unwrap()
            .resources
            .as_mut()
            .unwrap()
            .requests
            .as_mut()
            .unwrap()
            .insert(
                "storage".into(),
                k8s_openapi::apimachinery::pkg::api::resource::Quantity("2Gi".into()),
            );
        s.update(c.wrap(), None).unwrap();
        run(&mut s, Duration::from_millis(10_250));
        let claim = s.get::<PersistentVolumeClaim>("shop", "data-db-0").unwrap();
        let status = claim.status.as_ref().unwrap();
        assert_eq!(
            status.allocated_resource_statuses.as_ref().unwrap()["storage"],
            "NodeResizePending"
        );
        let doc = summary(&s, "n1").unwrap();
        assert_eq!(doc["pods"][0]["volume"][0]["capacityBytes"], GI);
        run(&mut s, Duration::from_secs(6));
        let doc = summary(&s, "n1").unwrap();
        assert_eq!(doc["pods"][0]["volume"][0]["capacityBytes"], 2 * GI);
    }

    #[test]
    fn unknown_nodes_are_not_found() {
        let s = cluster();
        assert_eq!(summary(&s, "nope"), Err(SummaryError::NodeNotFound));
        // `KubeletDown` comes from `state.kubelet.is_node_down(node)`, which
        // the kubelet placeholder cannot switch on; it is checked right
        // after the node lookup.
    }
}
