//! View tests over the embedded simulated cluster's stories and over small
//! hand-written fixtures.

use jiff::Timestamp;

use super::model::*;
use super::*;
use crate::store::{Object, StoreEvent, VolumeUsage};

pub(crate) fn sim_store() -> (Store, Timestamp) {
    use crate::sim::objects::Object as S;
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
            .filter_map(|e| match &e.object {
                S::StatefulSet(o) => Some(Object::from(o)),
                S::Pod(o) => Some(Object::from(o)),
                S::PersistentVolumeClaim(o) => Some(Object::from(o)),
                S::PersistentVolume(o) => Some(Object::from(o)),
                S::StorageClass(o) => Some(Object::from(o)),
                S::Node(o) => Some(Object::from(o)),
                S::Event(o) => Some(Object::from(o)),
                S::ControllerRevision(o) => Some(Object::from(o)),
                _ => None,
            })
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
    (store, now)
}

#[test]
fn dump_sim() {
    let (store, now) = sim_store();
    for r in set_rows(&store, &Scope::all(), "", now) {
        eprintln!("{r:?}");
    }
    for f in findings(&store, &Scope::all(), now) {
        eprintln!("{:?} {} | {} | {}", f.severity, f.code, f.title, f.detail);
    }
    for (ns, n) in [("nfs-demo", "sample-statefulset"), ("postgres", "postgresql-k8s"), ("mysql", "mysql")] {
        let d = set_detail(&store, ns, n, None, now).unwrap();
        eprintln!("{:#?}", d.header);
        for o in &d.ordinals {
            eprintln!("{o:?}");
        }
        for c in &d.chains {
            eprintln!("{c:?}");
        }
        for e in &d.events {
            eprintln!("{e:?}");
        }
        for l in &d.log {
            eprintln!("{l:?}");
        }
    }
}
