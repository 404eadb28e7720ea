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

mod fixture;
mod sets;
mod storage;
