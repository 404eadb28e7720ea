//! View tests over the embedded simulated cluster's stories and over small
//! hand-written fixtures.

use jiff::Timestamp;

use super::model::*;
use super::*;
use crate::store::{Object, StoreEvent, VolumeUsage};

pub(crate) fn sim_store() -> (Store, Timestamp) {
    let (_, store, now) = sim_state_and_store();
    (store, now)
}

/// A sim object as the watches would hand it to the store.
pub(crate) fn from_sim(o: &crate::sim::objects::Object) -> Option<Object> {
    use crate::sim::objects::Object as S;
    match o {
        S::StatefulSet(o) => Some(Object::from(o)),
        S::Pod(o) => Some(Object::from(o)),
        S::PersistentVolumeClaim(o) => Some(Object::from(o)),
        S::PersistentVolume(o) => Some(Object::from(o)),
        S::StorageClass(o) => Some(Object::from(o)),
        S::Node(o) => Some(Object::from(o)),
        S::Event(o) => Some(Object::from(o)),
        S::ControllerRevision(o) => Some(Object::from(o)),
        _ => None,
    }
}

/// Every scenario after its warmup, and the store a client would have.
pub(crate) fn sim_state_and_store() -> (crate::sim::state::SimState, Store, Timestamp) {
    use crate::sim::resources::Kind as SK;
    let state = crate::sim::server::build_state(&crate::sim::server::SimConfig {
        scenario: Some("all".into()),
        epoch: Some("2026-01-01T00:00:00Z".parse().unwrap()),
        ..Default::default()
    })
    .unwrap();
    let now = state.now();
    let mut store = Store::new();
    let kinds = [
        (SK::StatefulSet, Kind::StatefulSet),
        (SK::Pod, Kind::Pod),
        (SK::PersistentVolumeClaim, Kind::Claim),
        (SK::PersistentVolume, Kind::Volume),
        (SK::StorageClass, Kind::StorageClass),
        (SK::Node, Kind::Node),
        (SK::Event, Kind::Event),
        (SK::ControllerRevision, Kind::Revision),
    ];
    for (sk, k) in kinds {
        let objects: Vec<Object> = state
            .store
            .iter(sk, None)
            .filter_map(|e| from_sim(e.object()))
            .collect();
        store.apply(StoreEvent::Restarted(k, objects), now);
    }
    // Volume usage as the watch side would poll it from each kubelet.
    for node in store.nodes_hosting_claims(None) {
        match crate::sim::stats::summary(&state, &node) {
            Ok(summary) => {
                let mut volumes = Vec::new();
                for pod in summary["pods"].as_array().into_iter().flatten() {
                    for v in pod["volume"].as_array().into_iter().flatten() {
                        let Some(r) = v.get("pvcRef") else { continue };
                        let n = |k: &str| v[k].as_u64().unwrap_or(0);
                        volumes.push((
                            (
                                r["namespace"].as_str().unwrap().to_string(),
                                r["name"].as_str().unwrap().to_string(),
                            ),
                            VolumeUsage {
                                used_bytes: n("usedBytes"),
                                capacity_bytes: n("capacityBytes"),
                                available_bytes: n("availableBytes"),
                                inodes_used: n("inodesUsed"),
                                inodes: n("inodes"),
                            },
                        ));
                    }
                }
                store.apply(StoreEvent::Usage { node, volumes }, now);
            }
            Err(e) => {
                store.apply(
                    StoreEvent::UsageError {
                        node,
                        message: format!("{e:?}"),
                        forbidden: false,
                    },
                    now,
                );
            }
        }
    }
    (state, store, now)
}

fn find<'a>(fs: &'a [Finding], code: &str, title_part: &str) -> &'a Finding {
    fs.iter()
        .find(|f| f.code == code && f.title.contains(title_part))
        .unwrap_or_else(|| panic!("no {code} finding about {title_part}: {fs:#?}"))
}

fn has(fs: &[Finding], code: &str, title_part: &str) -> bool {
    fs.iter()
        .any(|f| f.code == code && f.title.contains(title_part))
}

fn row(d: &SetDetail, n: i32) -> &OrdinalRow {
    d.ordinals.iter().find(|r| r.ordinal == n).unwrap()
}

// ---- the simulated cluster's stories ----

#[test]
fn sim_mysql_orphaned_claims_and_flapping_readiness() {
    let (store, now) = sim_store();
    let d = set_detail(&store, "mysql", "mysql", None, now).unwrap();
    let ords: Vec<i32> = d.ordinals.iter().map(|r| r.ordinal).collect();
    assert_eq!(ords, [0, 1, 2, 3, 4]);
    assert_eq!(row(&d, 2).ready, "1/2");
    assert_eq!(row(&d, 2).status, "Running");
    for n in [3, 4] {
        let r = row(&d, n);
        assert!(r.beyond_replicas && !r.exists);
        assert_eq!(r.status, "missing");
        assert_eq!(r.claims, vec![("data".to_string(), "Bound".to_string())]);
        assert_eq!(r.health, Some(Severity::Warning));
    }
    assert!(!row(&d, 0).beyond_replicas);
    let f = find(&d.findings, "claim-orphaned", "data-mysql-3");
    assert_eq!(f.title, "data-mysql-3: orphaned claim of ordinal 3");
    assert!(
        f.detail.contains("reclaim policy Delete") && f.detail.contains("destroys the data"),
        "{}",
        f.detail
    );
    assert!(f.detail.contains("scales back to 4"), "{}", f.detail);
    assert!(has(&d.findings, "claim-orphaned", "data-mysql-4"));
    assert!(has(&d.findings, "pod-not-ready", "mysql-2"));
    // Resolved FailedScheduling events (the Pods were scheduled) are not findings.
    assert!(
        !d.findings
            .iter()
            .any(|f| f.title.contains("FailedScheduling")),
        "{:#?}",
        d.findings
    );
    let rows = set_rows(&store, &Scope::namespace("mysql"), "", now);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].ready, "2/3");
    assert_eq!(rows[0].rollout, "stable, 1 not ready");
    assert_eq!(rows[0].health, Some(Severity::Warning));
    assert_eq!(rows[0].findings, d.findings.len());
    // The chain of the default (first) ordinal, with kubelet usage.
    assert_eq!(d.chains.len(), 1);
    let c = &d.chains[0];
    let Link::Present(claim) = &c.claim else {
        panic!("{c:?}")
    };
    assert_eq!(
        (
            claim.name.as_str(),
            claim.requested.as_str(),
            claim.access_modes.as_str()
        ),
        ("data-mysql-0", "10Gi", "RWO")
    );
    assert!(
        matches!(&c.volume, Link::Present(v) if v.reclaim_policy == "Delete" && v.source.starts_with("csi "))
    );
    assert!(matches!(&c.class, Link::Present(k) if k.is_default));
    assert!(
        matches!(&c.usage, UsageView::Known { used, capacity, .. } if used == "2.5Gi" && capacity == "10Gi"),
        "{:?}",
        c.usage
    );
    // Events newest first.
    assert_eq!(d.events[0].reason, "Unhealthy");
    assert_eq!(d.events[0].object, "pod/mysql-2");
}

#[test]
fn sim_nfs_partition_and_lost_node() {
    let (store, now) = sim_store();
    let d = set_detail(&store, "nfs-demo", "sample-statefulset", Some(1), now).unwrap();
    assert_eq!(d.header.strategy, "RollingUpdate p=1");
    assert_eq!(d.header.partition, Some(1));
    assert_eq!(d.partition, Some(1));
    let r0 = row(&d, 0);
    assert_eq!(r0.partition, PartitionSide::HeldBack);
    assert!(r0.revision.is_current && !r0.revision.is_update);
    assert!(!r0.revision.hash.is_empty() && !r0.revision.hash.contains("sample"));
    let r1 = row(&d, 1);
    assert_eq!(r1.partition, PartitionSide::Updates);
    assert_eq!(r1.status, "Unknown");
    assert!(r1.revision.is_update);
    assert_eq!(r1.health, Some(Severity::Critical));
    let f = find(&d.findings, "pod-node-lost", "sample-statefulset-1");
    assert_eq!(f.severity, Severity::Critical);
    assert!(
        f.detail
            .contains("will not create a replacement for ordinal 1 until this Pod is deleted"),
        "{}",
        f.detail
    );
    assert!(
        f.detail.contains("--force") && f.detail.contains("same volume"),
        "{}",
        f.detail
    );
    assert!(f.objects.iter().any(|o| o.kind == "Node"));
    let p = find(&d.findings, "rollout-partitioned", "partition 1");
    assert_eq!(p.severity, Severity::Info);
    assert!(p.title.contains("sample-statefulset-0"));
    assert!(
        d.header.rollout.starts_with("paused at partition 1"),
        "{}",
        d.header.rollout
    );
    let rows = set_rows(&store, &Scope::all(), "sample", now);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].rollout, "paused at p=1");
    assert_eq!(rows[0].health, Some(Severity::Critical));
    // The selected ordinal's chain: NFS CSI, Retain.
    assert!(
        matches!(&d.chains[0].volume, Link::Present(v) if v.reclaim_policy == "Retain" && v.source.starts_with("csi nfs.csi.k8s.io"))
    );
}

#[test]
fn sim_postgres_two_templates_and_resize() {
    let (store, now) = sim_store();
    let d = set_detail(&store, "postgres", "postgresql-k8s", Some(0), now).unwrap();
    let templates: Vec<&str> = d.chains.iter().map(|c| c.template.as_str()).collect();
    assert_eq!(templates, ["pgdata", "logs"]);
    let Link::Present(pg) = &d.chains[0].claim else {
        panic!()
    };
    assert_eq!(
        (pg.requested.as_str(), pg.capacity.as_str()),
        ("40Gi", "20Gi")
    );
    assert!(
        pg.conditions.iter().any(|c| c.starts_with("Resizing=True")),
        "{:?}",
        pg.conditions
    );
    let f = find(&d.findings, "claim-resizing", "pgdata-postgresql-k8s-0");
    assert_eq!(f.severity, Severity::Info);
    assert!(f.title.contains("20Gi → 40Gi"));
    assert!(has(
        &d.findings,
        "volume-almost-full",
        "pgdata-postgresql-k8s-0"
    ));
    assert!(has(
        &d.findings,
        "claim-orphaned",
        "pgdata-postgresql-k8s-2"
    ));
    assert!(has(&d.findings, "claim-orphaned", "logs-postgresql-k8s-2"));
    let r2 = row(&d, 2);
    assert_eq!(
        r2.claims,
        vec![
            ("pgdata".into(), "Bound".into()),
            ("logs".into(), "Bound".into())
        ]
    );
    let rows = set_rows(&store, &Scope::namespace("postgres"), "", now);
    assert_eq!(rows[0].templates, "pgdata,logs");
}

#[test]
fn sim_kafka_released_pending_and_cordoned() {
    let (store, now) = sim_store();
    let fs = findings(&store, &Scope::namespace("kafka"), now);
    let rel = fs
        .iter()
        .find(|f| f.code == "volume-released")
        .expect("released PV");
    assert!(
        rel.detail.contains("kafka/data-kafka-3") && rel.detail.contains("data is kept"),
        "{}",
        rel.detail
    );
    let pending = find(&fs, "claim-pending", "data-schema-registry-0");
    assert_eq!(pending.severity, Severity::Critical);
    assert!(
        pending
            .detail
            .contains("`managed-premium-zrs` does not exist"),
        "{}",
        pending.detail
    );
    let pinned = find(&fs, "volume-node-unavailable", "state-ksqldb-server-0");
    assert_eq!(pinned.severity, Severity::Warning);
    assert!(pinned.title.contains("cordoned node kafka-pool-3"));
    // Cluster-wide: two default classes.
    let dc = find(&fs, "default-classes", "2 default");
    assert_eq!(dc.severity, Severity::Warning);
    // The chain of the Pending claim says why links are missing.
    let d = set_detail(&store, "kafka", "schema-registry", None, now).unwrap();
    let c = &d.chains[0];
    assert!(matches!(&c.claim, Link::Present(ci) if ci.phase == "Pending"));
    assert!(
        matches!(&c.volume, Link::Missing(w) if w.contains("no volume bound yet") && w.contains("does not exist")),
        "{:?}",
        c.volume
    );
    assert_eq!(
        c.class,
        Link::Missing("class `managed-premium-zrs` does not exist".into())
    );
    // Local PV source shows its node.
    let k = set_detail(&store, "kafka", "ksqldb-server", None, now).unwrap();
    assert!(
        matches!(&k.chains[0].volume, Link::Present(v) if v.source == "local /mnt/disks/nvme0n1 @ kafka-pool-3" && v.node_affinity == "kubernetes.io/hostname in (kafka-pool-3)"),
        "{:?}",
        k.chains[0].volume
    );
}

#[test]
fn sim_findings_are_sorted_and_stable() {
    let (store, now) = sim_store();
    let a = findings(&store, &Scope::all(), now);
    let b = findings(&store, &Scope::all(), now);
    assert_eq!(a, b);
    assert!(a.windows(2).all(|w| w[0].severity >= w[1].severity));
    assert_eq!(a[0].severity, Severity::Critical);
    let s = sync_summary(&store, now);
    assert!(!s.stale);
    assert_eq!(s.kinds[0].0, "StatefulSets");
    assert!(s.kinds.iter().all(|(_, v)| *v == SyncView::Live));
    let ns = namespaces(&store);
    for want in ["blog", "kafka", "mysql", "nfs-demo", "postgres"] {
        assert!(ns.contains(&want.to_string()), "{ns:?}");
    }
}

#[test]
fn sim_storage_view_lists_unused_claims_and_released_volumes() {
    let (store, now) = sim_store();
    let v = storage_view(&store, &Scope::all(), "", now);
    let c3 = v
        .claims
        .iter()
        .find(|c| c.claim.name == "data-mysql-3")
        .unwrap();
    assert_eq!(c3.owner, "mysql/3");
    assert!(c3.unused);
    assert_eq!(c3.health, Some(Severity::Warning));
    let c0 = v
        .claims
        .iter()
        .find(|c| c.claim.name == "data-mysql-0")
        .unwrap();
    assert!(!c0.unused);
    assert_eq!(c0.owner, "mysql/0");
    assert!(v.volumes.iter().any(|r| r.volume.phase == "Released"
        && r.claim == "kafka/data-kafka-3"
        && r.health == Some(Severity::Warning)));
    assert!(v.classes.iter().filter(|c| c.is_default).count() >= 2);
    assert!(v.findings.iter().all(|f| f.code != "pod-not-ready"));
    let filtered = storage_view(&store, &Scope::namespace("mysql"), "mysql-4", now);
    assert_eq!(filtered.claims.len(), 1);
}

// ---- hand-written fixtures ----

use serde_json::{Value, json};

const T0: &str = "2026-01-01T00:00:00Z";

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// Deep-merges `patch` into `base` (objects merge, everything else replaces).
fn merge(base: &mut Value, patch: Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                merge(b.entry(k).or_insert(Value::Null), v);
            }
        }
        (b, p) => *b = p,
    }
}

struct Fx {
    store: Store,
    now: Timestamp,
}

impl Fx {
    /// Every kind listed (empty), clock at 00:30.
    fn new() -> Fx {
        let mut store = Store::new();
        for k in Kind::ALL {
            store.apply(StoreEvent::Restarted(k, vec![]), ts(T0));
        }
        Fx {
            store,
            now: ts("2026-01-01T00:30:00Z"),
        }
    }
    fn put(&mut self, o: Object) {
        self.store.apply(StoreEvent::Applied(o), ts(T0));
    }
    fn sts(&mut self, patch: Value) {
        let mut v: Value = serde_yaml_ng::from_str(
            r#"
apiVersion: apps/v1
kind: StatefulSet
metadata: {namespace: app, name: web, creationTimestamp: "2026-01-01T00:00:00Z"}
spec:
  replicas: 3
  serviceName: web
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: "nginx:1.27"}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      storageClassName: fast
      resources: {requests: {storage: 10Gi}}
status:
  replicas: 3
  readyReplicas: 3
  currentReplicas: 3
  updatedReplicas: 3
  currentRevision: web-aaa
  updateRevision: web-aaa
"#,
        )
        .unwrap();
        merge(&mut v, patch);
        let s: k8s_openapi::api::apps::v1::StatefulSet = serde_json::from_value(v).unwrap();
        self.put(Object::from(&s));
    }
    /// A Pod of `web` on `node`: `state` is `ready`, `notready`, `crash`, `unschedulable`.
    fn pod(&mut self, ord: i32, rev: &str, node: &str, state: &str, patch: Value) {
        let name = format!("web-{ord}");
        let running = json!({"name": "nginx", "image": "nginx", "imageID": "", "ready": state == "ready", "restartCount": 0, "state": {"running": {}}});
        let status = match state {
            "ready" | "notready" => json!({"phase": "Running", "podIP": "10.0.0.9",
                "conditions": [{"type": "Ready", "status": if state == "ready" {"True"} else {"False"}, "lastTransitionTime": "2026-01-01T00:05:00Z"}],
                "containerStatuses": [running]}),
            "crash" => json!({"phase": "Running",
                "conditions": [{"type": "Ready", "status": "False", "lastTransitionTime": "2026-01-01T00:05:00Z"}],
                "containerStatuses": [{"name": "nginx", "image": "nginx", "imageID": "", "ready": false, "restartCount": 7,
                    "lastState": {"terminated": {"exitCode": 1, "finishedAt": "2026-01-01T00:29:00Z"}},
                    "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}),
            "unschedulable" => json!({"phase": "Pending",
                "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": "0/3 nodes are available: 3 Insufficient memory."}]}),
            other => panic!("{other}"),
        };
        let mut v = json!({
            "metadata": {"namespace": "app", "name": name, "uid": format!("uid-{name}"),
                "creationTimestamp": "2026-01-01T00:01:00Z",
                "labels": {"app": "web", "controller-revision-hash": format!("web-{rev}")},
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web", "uid": "u", "controller": true}]},
            "spec": {"containers": [{"name": "nginx"}],
                "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": format!("data-web-{ord}")}}]},
            "status": status,
        });
        if !node.is_empty() {
            v["spec"]["nodeName"] = json!(node);
        }
        merge(&mut v, patch);
        let p: k8s_openapi::api::core::v1::Pod = serde_json::from_value(v).unwrap();
        self.put(Object::from(&p));
    }
    fn pvc(&mut self, name: &str, phase: &str, volume: &str, patch: Value) {
        let mut v = json!({
            "metadata": {"namespace": "app", "name": name, "uid": format!("uid-{name}"), "creationTimestamp": "2026-01-01T00:01:00Z"},
            "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "fast", "resources": {"requests": {"storage": "10Gi"}}},
            "status": {"phase": phase},
        });
        if !volume.is_empty() {
            v["spec"]["volumeName"] = json!(volume);
            v["status"]["capacity"] = json!({"storage": "10Gi"});
        }
        merge(&mut v, patch);
        let c: k8s_openapi::api::core::v1::PersistentVolumeClaim =
            serde_json::from_value(v).unwrap();
        self.put(Object::from(&c));
    }
    fn pv(&mut self, name: &str, claim: &str, phase: &str, policy: &str, patch: Value) {
        let mut v = json!({
            "metadata": {"name": name, "creationTimestamp": "2026-01-01T00:01:00Z"},
            "spec": {"capacity": {"storage": "10Gi"}, "accessModes": ["ReadWriteOnce"], "storageClassName": "fast",
                "persistentVolumeReclaimPolicy": policy,
                "csi": {"driver": "ebs.csi.aws.com", "volumeHandle": format!("vol-{name}")},
                "claimRef": {"namespace": "app", "name": claim, "uid": format!("uid-{claim}")}},
            "status": {"phase": phase},
        });
        merge(&mut v, patch);
        let p: k8s_openapi::api::core::v1::PersistentVolume = serde_json::from_value(v).unwrap();
        self.put(Object::from(&p));
    }
    fn class(&mut self, name: &str, patch: Value) {
        let mut v = json!({"metadata": {"name": name, "creationTimestamp": "2026-01-01T00:00:00Z"},
            "provisioner": "ebs.csi.aws.com", "reclaimPolicy": "Delete", "volumeBindingMode": "Immediate", "allowVolumeExpansion": true});
        merge(&mut v, patch);
        let c: k8s_openapi::api::storage::v1::StorageClass = serde_json::from_value(v).unwrap();
        self.put(Object::from(&c));
    }
    fn node(&mut self, name: &str, ready: &str, cordoned: bool) {
        let n: k8s_openapi::api::core::v1::Node = serde_json::from_value(json!({
            "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
            "spec": {"unschedulable": cordoned},
            "status": {"conditions": [{"type": "Ready", "status": ready, "reason": if ready == "True" {"KubeletReady"} else {"NodeStatusUnknown"},
                "lastTransitionTime": "2026-01-01T00:20:00Z"}]}
        }))
        .unwrap();
        self.put(Object::from(&n));
    }
    #[allow(clippy::too_many_arguments)]
    fn event(
        &mut self,
        name: &str,
        kind: &str,
        obj: &str,
        type_: &str,
        reason: &str,
        last: &str,
        count: i32,
    ) {
        let e: k8s_openapi::api::core::v1::Event = serde_json::from_value(json!({
            "metadata": {"namespace": "app", "name": name},
            "involvedObject": {"kind": kind, "namespace": "app", "name": obj},
            "type": type_, "reason": reason, "message": format!("{reason} happened"), "count": count,
            "lastTimestamp": last,
        }))
        .unwrap();
        self.put(Object::from(&e));
    }
    /// A healthy `web` of 3 on `fast`, every claim bound.
    fn healthy() -> Fx {
        let mut f = Fx::new();
        f.class("fast", json!({}));
        f.node("n1", "True", false);
        f.sts(json!({}));
        for n in 0..3 {
            f.pod(n, "aaa", "n1", "ready", json!({}));
            f.pvc(
                &format!("data-web-{n}"),
                "Bound",
                &format!("pv-{n}"),
                json!({}),
            );
            f.pv(
                &format!("pv-{n}"),
                &format!("data-web-{n}"),
                "Bound",
                "Delete",
                json!({}),
            );
        }
        f
    }
    fn findings(&self) -> Vec<Finding> {
        findings(&self.store, &Scope::all(), self.now)
    }
    fn detail(&self, sel: Option<i32>) -> SetDetail {
        set_detail(&self.store, "app", "web", sel, self.now).unwrap()
    }
}

#[test]
fn healthy_set_has_no_findings_and_reads_stable() {
    let f = Fx::healthy();
    assert_eq!(f.findings(), vec![]);
    let rows = set_rows(&f.store, &Scope::all(), "", f.now);
    assert_eq!(rows[0].rollout, "stable");
    assert_eq!(rows[0].strategy, "RollingUpdate");
    assert_eq!(rows[0].policy, "OrderedReady");
    assert_eq!(rows[0].health, None);
    assert_eq!(rows[0].age, "30m");
    let d = f.detail(None);
    assert_eq!(d.header.selector, "app=web");
    assert_eq!(d.header.retention, "whenDeleted=Retain whenScaled=Retain");
    assert_eq!(d.partition, None);
    assert!(d.ordinals.iter().all(|r| r.partition == PartitionSide::None
        && r.revision.is_current
        && r.revision.is_update));
    assert!(
        matches!(&d.chains[0].volume, Link::Present(v) if v.source == "csi ebs.csi.aws.com vol-pv-0")
    );
    // Filter is a case-insensitive substring of namespace or name.
    assert_eq!(set_rows(&f.store, &Scope::all(), "WE", f.now).len(), 1);
    assert_eq!(set_rows(&f.store, &Scope::all(), "APP", f.now).len(), 1);
    assert_eq!(set_rows(&f.store, &Scope::all(), "zzz", f.now).len(), 0);
    assert_eq!(
        set_rows(&f.store, &Scope::namespace("other"), "", f.now).len(),
        0
    );
}

#[test]
fn missing_pods_ordinals_start_and_claims_beyond_replicas() {
    let mut f = Fx::new();
    f.class("fast", json!({}));
    f.sts(json!({"spec": {"ordinals": {"start": 5}}}));
    f.pod(5, "aaa", "n1", "ready", json!({}));
    f.pod(7, "aaa", "n1", "ready", json!({}));
    f.pvc("data-web-5", "Bound", "", json!({}));
    f.pvc("data-web-9", "Bound", "", json!({}));
    let d = f.detail(Some(6));
    let ords: Vec<(i32, bool, bool)> = d
        .ordinals
        .iter()
        .map(|r| (r.ordinal, r.exists, r.beyond_replicas))
        .collect();
    assert_eq!(
        ords,
        [
            (5, true, false),
            (6, false, false),
            (7, true, false),
            (9, false, true)
        ]
    );
    let r6 = row(&d, 6);
    assert_eq!(
        (r6.status.as_str(), r6.ready.as_str(), r6.pod.as_str()),
        ("missing", "-", "web-6")
    );
    assert_eq!(r6.claims, vec![("data".to_string(), "missing".to_string())]);
    assert_eq!(
        d.chains[0].claim,
        Link::Missing("no claim yet: data-web-6 is created with the Pod of ordinal 6".into())
    );
    assert!(has(&d.findings, "claim-orphaned", "data-web-9"));
    let rows = set_rows(&f.store, &Scope::all(), "", f.now);
    assert_eq!(rows[0].rollout, "creating web-6");
}

#[test]
fn pod_statuses_and_their_findings() {
    let mut f = Fx::healthy();
    f.pod(0, "aaa", "n1", "crash", json!({}));
    f.pod(1, "aaa", "n1", "notready", json!({}));
    f.pod(2, "aaa", "", "unschedulable", json!({}));
    let d = f.detail(None);
    assert_eq!(row(&d, 0).status, "CrashLoopBackOff");
    assert_eq!(row(&d, 0).restarts, "7 (60s ago)");
    assert_eq!(row(&d, 1).ready, "0/1");
    assert_eq!(row(&d, 2).status, "Pending");
    let fs = f.findings();
    let crash = find(&fs, "pod-crashloop", "web-0");
    assert_eq!(crash.severity, Severity::Critical);
    assert!(crash.title.contains("7 restarts"));
    let nr = find(&fs, "pod-not-ready", "web-1");
    assert_eq!(nr.severity, Severity::Warning);
    assert!(nr.title.contains("for 25m"), "{}", nr.title);
    assert!(nr.detail.contains("OrderedReady"));
    let un = find(&fs, "pod-unschedulable", "web-2");
    assert!(un.detail.contains("Insufficient memory"));
    assert_eq!(fs[0].code, "pod-crashloop");
}

#[test]
fn pod_on_lost_node_and_stuck_terminating() {
    let mut f = Fx::healthy();
    f.node("n2", "Unknown", false);
    f.pod(1, "aaa", "n2", "ready", json!({}));
    f.pod(2, "aaa", "n1", "ready", json!({"metadata": {"deletionTimestamp": "2026-01-01T00:10:00Z", "deletionGracePeriodSeconds": 30}}));
    let fs = f.findings();
    let lost = find(&fs, "pod-node-lost", "web-1");
    assert_eq!(lost.severity, Severity::Critical);
    assert!(
        lost.detail.starts_with(
            "Node n2 has been unreachable for 10m (Ready=Unknown: NodeStatusUnknown)."
        ),
        "{}",
        lost.detail
    );
    assert!(
        lost.detail
            .contains("will not create a replacement for ordinal 1")
    );
    let stuck = find(&fs, "pod-stuck-terminating", "web-2");
    assert!(
        stuck.title.contains("Terminating for 20m"),
        "{}",
        stuck.title
    );
    let d = f.detail(None);
    assert_eq!(row(&d, 2).status, "Terminating");
}

#[test]
fn rollout_stuck_on_ordered_ready_scale_up() {
    let mut f = Fx::healthy();
    f.sts(json!({"spec": {"replicas": 5}}));
    f.pod(2, "aaa", "n1", "notready", json!({}));
    let rows = set_rows(&f.store, &Scope::all(), "", f.now);
    assert_eq!(rows[0].rollout, "waiting for web-2");
    let fs = f.findings();
    let s = find(&fs, "rollout-stuck", "web");
    assert_eq!(s.title, "web: scaling 3→5 stuck waiting for web-2 for 25m");
    assert!(
        s.detail.contains("OrderedReady") && s.detail.contains("web-2 is Running and Ready"),
        "{}",
        s.detail
    );
    let d = f.detail(None);
    assert!(
        d.header
            .rollout
            .starts_with("scaling 3→5, waiting for web-2 to be Ready"),
        "{}",
        d.header.rollout
    );
    // Parallel sets create the missing Pods regardless: not stuck.
    f.sts(json!({"spec": {"replicas": 5, "podManagementPolicy": "Parallel"}}));
    assert!(!has(&f.findings(), "rollout-stuck", "web"));
    assert_eq!(
        set_rows(&f.store, &Scope::all(), "", f.now)[0].rollout,
        "scaling 3→5"
    );
}

#[test]
fn rolling_update_progress_partition_and_on_delete() {
    let mut f = Fx::healthy();
    // Rolling: web-2 updated, web-1 next; nothing blocks.
    f.sts(json!({"status": {"updateRevision": "web-bbb", "updatedReplicas": 1}}));
    f.pod(2, "bbb", "n1", "ready", json!({}));
    assert_eq!(
        set_rows(&f.store, &Scope::all(), "", f.now)[0].rollout,
        "rolling 1/3"
    );
    let d = f.detail(None);
    assert!(row(&d, 2).revision.is_update && !row(&d, 2).revision.is_current);
    assert_eq!(row(&d, 2).revision.hash, "bbb");
    // Partition 2: ordinals >= 2 done; 0 and 1 held back.
    f.sts(json!({"spec": {"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 2}}},
        "status": {"updateRevision": "web-bbb"}}));
    let rows = set_rows(&f.store, &Scope::all(), "", f.now);
    assert_eq!(rows[0].strategy, "RollingUpdate p=2");
    assert_eq!(rows[0].rollout, "paused at p=2");
    let d = f.detail(None);
    assert_eq!(d.partition, Some(2));
    assert_eq!(row(&d, 1).partition, PartitionSide::HeldBack);
    assert_eq!(row(&d, 2).partition, PartitionSide::Updates);
    let p = find(&d.findings, "rollout-partitioned", "web");
    assert_eq!(
        p.title,
        "web: partition 2 holds web-0, web-1 on the old revision"
    );
    // Partition above replicas: nothing updates.
    f.sts(json!({"spec": {"updateStrategy": {"rollingUpdate": {"partition": 3}}}, "status": {"updateRevision": "web-bbb"}}));
    f.pod(2, "aaa", "n1", "ready", json!({}));
    assert_eq!(
        set_rows(&f.store, &Scope::all(), "", f.now)[0].rollout,
        "paused at p=3"
    );
    // OnDelete: no partition sides, waits for deletions.
    f.sts(json!({"spec": {"updateStrategy": {"type": "OnDelete", "rollingUpdate": null}}, "status": {"updateRevision": "web-bbb"}}));
    let d = f.detail(None);
    assert_eq!(d.header.strategy, "OnDelete");
    assert_eq!(d.partition, None);
    assert!(
        d.ordinals
            .iter()
            .all(|r| r.partition == PartitionSide::None)
    );
    let o = find(&d.findings, "rollout-ondelete", "web");
    assert_eq!(o.severity, Severity::Info);
    assert!(o.detail.contains("web-0, web-1, web-2"), "{}", o.detail);
    assert_eq!(
        set_rows(&f.store, &Scope::all(), "", f.now)[0].rollout,
        "OnDelete 0/3"
    );
}

#[test]
fn claim_pending_reasons() {
    let mut f = Fx::healthy();
    f.class("wffc", json!({"volumeBindingMode": "WaitForFirstConsumer"}));
    f.class(
        "static",
        json!({"provisioner": "kubernetes.io/no-provisioner"}),
    );
    f.pvc(
        "solo-wffc",
        "Pending",
        "",
        json!({"spec": {"storageClassName": "wffc"}}),
    );
    f.pvc(
        "solo-static",
        "Pending",
        "",
        json!({"spec": {"storageClassName": "static"}}),
    );
    f.pvc(
        "solo-missing",
        "Pending",
        "",
        json!({"spec": {"storageClassName": "gold"}}),
    );
    f.pvc("solo-dyn", "Pending", "", json!({}));
    let fs = f.findings();
    let w = find(&fs, "claim-pending", "solo-wffc");
    assert_eq!(w.severity, Severity::Info);
    assert!(w.detail.contains("WaitForFirstConsumer"));
    let s = find(&fs, "claim-pending", "solo-static");
    assert!(
        s.detail.contains("no dynamic provisioner") && s.detail.contains("10Gi RWO"),
        "{}",
        s.detail
    );
    let m = find(&fs, "claim-pending", "solo-missing");
    assert_eq!(m.severity, Severity::Warning);
    assert!(m.detail.contains("StorageClass `gold` does not exist"));
    let d = find(&fs, "claim-pending", "solo-dyn");
    assert!(
        d.detail
            .contains("Provisioner ebs.csi.aws.com has not created a volume")
    );
    // A missing class with a Pod waiting is Critical.
    f.pvc("data-web-1", "Pending", "", json!({"spec": {"storageClassName": "gold", "volumeName": null}, "status": {"capacity": null}}));
    f.pod(1, "aaa", "", "unschedulable", json!({}));
    let c = find(&f.findings(), "claim-pending", "data-web-1").clone();
    assert_eq!(c.severity, Severity::Critical);
    assert!(c.detail.contains("Pod web-1 cannot start"));
    // Claims pending for less than a minute are not reported (unless the class is missing).
    f.store.apply(
        StoreEvent::Deleted(Object::Claim(crate::store::Claim {
            namespace: "app".into(),
            name: "solo-dyn".into(),
            ..Default::default()
        })),
        ts(T0),
    );
    f.pvc(
        "solo-dyn",
        "Pending",
        "",
        json!({"metadata": {"creationTimestamp": "2026-01-01T00:29:30Z"}}),
    );
    assert!(!has(&f.findings(), "claim-pending", "solo-dyn"));
}

#[test]
fn claim_lost_volume_released_and_failed() {
    let mut f = Fx::healthy();
    f.pvc("data-web-0", "Lost", "pv-gone", json!({}));
    f.pv("pv-r", "data-web-7", "Released", "Retain", json!({}));
    f.pv("pv-d", "old-claim", "Released", "Delete", json!({}));
    f.pv(
        "pv-f",
        "other",
        "Failed",
        "Delete",
        json!({"status": {"message": "host_path deleter only supports /tmp"}}),
    );
    let fs = f.findings();
    let lost = find(&fs, "claim-lost", "data-web-0");
    assert_eq!(lost.severity, Severity::Critical);
    assert!(lost.detail.contains("pv-gone"));
    let r = find(&fs, "volume-released", "pv-r");
    assert_eq!(r.severity, Severity::Warning);
    assert!(
        r.detail.contains("the data is kept") && r.detail.contains("claimRef"),
        "{}",
        r.detail
    );
    let d = find(&fs, "volume-released", "pv-d");
    assert!(d.detail.contains("deletion is failing"));
    let fl = find(&fs, "volume-failed", "pv-f");
    assert_eq!(fl.severity, Severity::Critical);
    assert!(fl.detail.contains("host_path deleter"));
    // The Released PV of ordinal 7 is attributed to the set.
    let det = f.detail(None);
    assert!(has(&det.findings, "volume-released", "pv-r"));
    // The chain of a Lost claim says the PV is gone.
    assert_eq!(
        det.chains[0].volume,
        Link::Missing("PV pv-gone does not exist (claim Lost)".into())
    );
}

#[test]
fn orphaned_claim_retain_and_retention_policy() {
    let mut f = Fx::healthy();
    f.pvc("data-web-3", "Bound", "pv-3", json!({}));
    f.pv("pv-3", "data-web-3", "Bound", "Retain", json!({}));
    f.pvc(
        "data-web-4",
        "Pending",
        "",
        json!({"metadata": {"creationTimestamp": "2026-01-01T00:29:59Z"}}),
    );
    let fs = f.findings();
    let o = find(&fs, "claim-orphaned", "data-web-3");
    assert!(
        o.detail.contains("Retain) becomes Released"),
        "{}",
        o.detail
    );
    let o4 = find(&fs, "claim-orphaned", "data-web-4");
    assert!(
        o4.detail
            .contains("no volume bound; deleting it loses no data"),
        "{}",
        o4.detail
    );
    assert!(!has(&fs, "retention-delete", "web"));
    f.sts(json!({"spec": {"persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Delete"}}}));
    let fs = f.findings();
    let r = find(&fs, "retention-delete", "web");
    assert_eq!(r.severity, Severity::Info);
    assert!(r.detail.contains("scaling down deletes the claims"));
    assert!(
        find(&fs, "claim-orphaned", "data-web-3")
            .detail
            .contains("whenScaled=Delete should have removed it")
    );
    assert_eq!(
        f.detail(None).header.retention,
        "whenDeleted=Retain whenScaled=Delete"
    );
}

#[test]
fn resize_states() {
    let mut f = Fx::healthy();
    f.class("fixed", json!({"allowVolumeExpansion": false}));
    f.pvc("data-web-0", "Bound", "pv-0", json!({"spec": {"resources": {"requests": {"storage": "20Gi"}}},
        "status": {"conditions": [{"type": "FileSystemResizePending", "status": "True", "lastTransitionTime": "2026-01-01T00:28:00Z"}]}}));
    f.pvc(
        "data-web-1",
        "Bound",
        "pv-1",
        json!({"spec": {"resources": {"requests": {"storage": "20Gi"}}},
        "status": {"conditions": [{"type": "Resizing", "status": "True"}]}}),
    );
    f.pvc("data-web-2", "Bound", "pv-2", json!({"spec": {"storageClassName": "fixed", "resources": {"requests": {"storage": "20Gi"}}}}));
    f.pvc(
        "solo",
        "Bound",
        "pv-s",
        json!({"spec": {"resources": {"requests": {"storage": "20Gi"}}}}),
    );
    f.pv("pv-s", "solo", "Bound", "Delete", json!({}));
    let fs = f.findings();
    let p = find(&fs, "claim-fs-resize-pending", "data-web-0");
    assert_eq!(p.severity, Severity::Warning);
    assert!(
        p.title.contains("10Gi → 20Gi") && p.title.contains("for 2m"),
        "{}",
        p.title
    );
    assert!(p.detail.contains("restart Pod web-0"), "{}", p.detail);
    assert_eq!(
        find(&fs, "claim-resizing", "data-web-1").severity,
        Severity::Info
    );
    let n = find(&fs, "claim-expansion-not-allowed", "data-web-2");
    assert!(n.title.contains("class `fixed` does not allow expansion"));
    assert!(has(&fs, "claim-capacity-below-request", "solo"));
}

#[test]
fn volume_pinned_to_unavailable_node() {
    let mut f = Fx::healthy();
    f.node("n3", "True", true);
    f.node("n4", "False", false);
    let pin = |n: &str| {
        json!({"spec": {"csi": null, "local": {"path": "/mnt/ssd"}, "nodeAffinity": {"required": {"nodeSelectorTerms": [
        {"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": [n]}]}]}}}})
    };
    f.pv("pv-0", "data-web-0", "Bound", "Delete", pin("n3"));
    f.pv("pv-1", "data-web-1", "Bound", "Delete", pin("n4"));
    f.pv("pv-2", "data-web-2", "Bound", "Delete", pin("n1"));
    let fs = f.findings();
    let c = find(&fs, "volume-node-unavailable", "data-web-0");
    assert_eq!(c.severity, Severity::Warning);
    assert!(c.title.contains("cordoned node n3"));
    assert!(
        c.detail
            .contains("If Pod web-0 is deleted or evicted it stays Pending"),
        "{}",
        c.detail
    );
    let d = find(&fs, "volume-node-unavailable", "data-web-1");
    assert_eq!(d.severity, Severity::Critical);
    assert!(d.title.contains("NotReady node n4"));
    assert!(!has(&fs, "volume-node-unavailable", "data-web-2"));
    let det = f.detail(Some(0));
    assert!(matches!(&det.chains[0].volume, Link::Present(v) if v.source == "local /mnt/ssd @ n3"));
}

#[test]
fn warning_events_recent_deduplicated_and_resolved_ones_dropped() {
    let mut f = Fx::healthy();
    f.pod(1, "aaa", "n1", "notready", json!({}));
    f.event(
        "e1",
        "Pod",
        "web-1",
        "Warning",
        "FailedMount",
        "2026-01-01T00:25:00Z",
        2,
    );
    f.event(
        "e2",
        "Pod",
        "web-1",
        "Warning",
        "FailedMount",
        "2026-01-01T00:28:00Z",
        3,
    );
    f.event(
        "e3",
        "PersistentVolumeClaim",
        "data-web-1",
        "Warning",
        "VolumeResizeFailed",
        "2026-01-01T00:20:00Z",
        1,
    );
    // Too old (more than an hour before now).
    f.event(
        "e4",
        "Pod",
        "web-1",
        "Warning",
        "FailedAttachVolume",
        "2025-12-31T23:00:00Z",
        1,
    );
    // Resolved: web-0 is scheduled.
    f.event(
        "e5",
        "Pod",
        "web-0",
        "Warning",
        "FailedScheduling",
        "2026-01-01T00:29:00Z",
        1,
    );
    // Normal events are not findings.
    f.event(
        "e6",
        "StatefulSet",
        "web",
        "Normal",
        "SuccessfulCreate",
        "2026-01-01T00:29:30Z",
        1,
    );
    let fs = f.findings();
    let ev: Vec<&Finding> = fs.iter().filter(|x| x.code == "warning-event").collect();
    assert_eq!(ev.len(), 1, "{ev:#?}");
    assert_eq!(ev[0].title, "FailedMount on pod/web-1 ×5, last 2m ago");
    assert_eq!(ev[0].detail, "FailedMount happened");
    // A resize failure still pending shows.
    f.pvc(
        "data-web-1",
        "Bound",
        "pv-1",
        json!({"spec": {"resources": {"requests": {"storage": "20Gi"}}}}),
    );
    assert!(has(
        &f.findings(),
        "warning-event",
        "VolumeResizeFailed on pvc/data-web-1"
    ));
    // Event rows: newest first, all types.
    let d = f.detail(None);
    let reasons: Vec<&str> = d.events.iter().map(|e| e.reason.as_str()).collect();
    assert_eq!(reasons[0], "SuccessfulCreate");
    assert_eq!(d.events[0].object, "statefulset/web");
    assert_eq!(d.events.len(), 6);
}

#[test]
fn two_default_classes() {
    let mut f = Fx::healthy();
    f.class("a", json!({"metadata": {"annotations": {"storageclass.kubernetes.io/is-default-class": "true"}}}));
    assert!(!has(&f.findings(), "default-classes", ""));
    f.class("b", json!({"metadata": {"creationTimestamp": "2026-01-01T00:05:00Z", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}}}));
    let fs = findings(&f.store, &Scope::namespace("elsewhere"), f.now);
    let d = find(&fs, "default-classes", "2 default StorageClasses: a, b");
    assert!(d.detail.contains("(b)"));
}

#[test]
fn hidden_and_unsynced_links() {
    let mut f = Fx::healthy();
    f.store.apply(
        StoreEvent::WatchError {
            kind: Kind::Volume,
            message: "persistentvolumes is forbidden".into(),
            forbidden: true,
        },
        f.now,
    );
    let d = f.detail(Some(0));
    assert_eq!(
        d.chains[0].volume,
        Link::Hidden("PV hidden: forbidden".into())
    );
    assert!(matches!(d.chains[0].claim, Link::Present(_)));
    // The class is named as the chain pane labels it, so the pane does not
    // say it twice (it showed `SC hidden: StorageClass hidden: forbidden`).
    f.store.apply(
        StoreEvent::WatchError {
            kind: Kind::StorageClass,
            message: "storageclasses is forbidden".into(),
            forbidden: true,
        },
        f.now,
    );
    let d = f.detail(Some(0));
    assert_eq!(
        d.chains[0].class,
        Link::Hidden("SC hidden: forbidden".into())
    );
    let s = sync_summary(&f.store, f.now);
    assert!(s.stale);
    assert_eq!(
        s.kinds[3],
        (
            "PVs",
            SyncView::Forbidden {
                message: "persistentvolumes is forbidden".into()
            }
        )
    );
    assert!(
        storage_view(&f.store, &Scope::all(), "", f.now)
            .volumes
            .is_empty()
    );
    // Not listed yet.
    let mut g = Store::new();
    g.apply(
        StoreEvent::Restarted(
            Kind::StatefulSet,
            f.store
                .sets(None)
                .cloned()
                .map(Object::StatefulSet)
                .collect(),
        ),
        f.now,
    );
    g.apply(
        StoreEvent::Restarted(
            Kind::Claim,
            f.store.claims(None).cloned().map(Object::Claim).collect(),
        ),
        f.now,
    );
    let d = set_detail(&g, "app", "web", Some(0), f.now).unwrap();
    assert_eq!(d.chains[0].volume, Link::Hidden("PV not synced yet".into()));
    assert_eq!(d.chains[0].class, Link::Hidden("SC not synced yet".into()));
    // Reconnecting shows since when.
    f.store.apply(
        StoreEvent::WatchError {
            kind: Kind::Pod,
            message: "eof".into(),
            forbidden: false,
        },
        ts("2026-01-01T00:29:48Z"),
    );
    let s = sync_summary(&f.store, f.now);
    assert_eq!(
        s.kinds[1].1,
        SyncView::Reconnecting {
            since: "12s".into(),
            error: "eof".into()
        }
    );
}

#[test]
fn usage_known_and_unknown() {
    let mut f = Fx::healthy();
    let u = VolumeUsage {
        used_bytes: 5 << 29,
        capacity_bytes: 10 << 30,
        available_bytes: 0,
        inodes_used: 18_000,
        inodes: 1_310_720,
    };
    f.store.apply(
        StoreEvent::Usage {
            node: "n1".into(),
            volumes: vec![(("app".into(), "data-web-0".into()), u)],
        },
        f.now,
    );
    let d = f.detail(Some(0));
    assert_eq!(
        d.chains[0].usage,
        UsageView::Known {
            used: "2.5Gi".into(),
            capacity: "10Gi".into(),
            fraction: 0.25,
            inodes: "18k/1.3M".into(),
            inode_fraction: 18_000.0 / 1_310_720.0
        }
    );
    assert_eq!(
        f.detail(Some(1)).chains[0].usage,
        UsageView::Unknown("not reported yet".into())
    );
    f.store.apply(
        StoreEvent::UsageError {
            node: "n1".into(),
            message: "403".into(),
            forbidden: true,
        },
        f.now,
    );
    assert_eq!(
        f.detail(Some(0)).chains[0].usage,
        UsageView::Unknown("stats forbidden".into())
    );
    f.pod(2, "aaa", "", "unschedulable", json!({}));
    assert_eq!(
        f.detail(Some(2)).chains[0].usage,
        UsageView::Unknown("not mounted: no running Pod".into())
    );
    // Almost full.
    let full = VolumeUsage {
        used_bytes: 98,
        capacity_bytes: 100,
        available_bytes: 2,
        inodes_used: 0,
        inodes: 0,
    };
    f.store.apply(
        StoreEvent::Usage {
            node: "n1".into(),
            volumes: vec![(("app".into(), "data-web-1".into()), full)],
        },
        f.now,
    );
    assert_eq!(
        find(&f.findings(), "volume-almost-full", "data-web-1").severity,
        Severity::Critical
    );
}

#[test]
fn set_log_rows_are_filtered_to_the_sets_objects() {
    let mut f = Fx::healthy();
    f.sts(json!({"spec": {"replicas": 5}}));
    f.pod(1, "aaa", "n1", "notready", json!({}));
    // Another set's Pod with a similar name.
    let other: k8s_openapi::api::core::v1::Pod =
        serde_json::from_value(json!({"metadata": {"namespace": "app", "name": "webby-0"}}))
            .unwrap();
    f.put(Object::from(&other));
    let d = f.detail(None);
    let log: Vec<(String, String)> = d
        .log
        .iter()
        .map(|l| (l.object.clone(), l.change.clone()))
        .rev()
        .collect();
    // Oldest first on screen; reversed here, the newest comes first.
    assert_eq!(
        log[0],
        ("pod/web-1".to_string(), "ready 1/1 → 0/1".to_string())
    );
    assert_eq!(
        log[1],
        ("statefulset/web".to_string(), "replicas 3 → 5".to_string())
    );
    assert!(
        log.iter()
            .any(|(o, c)| o == "pvc/data-web-2" && c == "created")
    );
    assert!(!log.iter().any(|(o, _)| o.contains("webby")));
    assert_eq!(d.log[0].time.len(), 8);
}
