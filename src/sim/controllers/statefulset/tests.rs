//! Kept whole (over 800 lines): the controller's stories share one
//! hand-played harness; the update and revision stories are in
//! `tests/updates.rs`.
//!
//! Controller tests on a bare `SimState`. The kubelet and the storage
//! controller are played by small helpers here: marking Pods Running and
//! Ready, finishing graceful deletions, releasing claims' protection.

use std::collections::HashSet;

use k8s_openapi::api::apps::v1::{ControllerRevision, StatefulSet};
use k8s_openapi::api::core::v1::{Namespace, PersistentVolumeClaim, Pod, PodCondition};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use serde_json::json;

use super::*;
use crate::sim::admission::PVC_PROTECTION;
use crate::sim::objects::EventType;

const NS: &str = "db";

/// Rolling updates, partitions, OnDelete, revisions and rollback.
mod updates;

fn cluster() -> SimState {
    let mut state = SimState::new(7, "2025-01-01T00:00:00Z".parse().unwrap());
    state
        .create(Object::Namespace(Namespace {
            metadata: ObjectMeta {
                name: Some(NS.into()),
                ..Default::default()
            },
            ..Default::default()
        }))
        .unwrap();
    state
}

fn mysql(replicas: i32) -> StatefulSet {
    serde_json::from_value(json!({
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "mysql", "namespace": NS},
        "spec": {
            "replicas": replicas,
            "serviceName": "mysql-headless",
            "selector": {"matchLabels": {"app": "mysql"}},
            "template": {
                "metadata": {
                    "labels": {"app": "mysql", "tier": "db"},
                    "annotations": {"example.com/note": "kept"}
                },
                "spec": {
                    "containers": [{"name": "mysql", "image": "mysql:8.0"}],
                    "volumes": [
                        {"name": "data", "emptyDir": {}},
                        {"name": "config", "emptyDir": {}}
                    ]
                }
            },
            "volumeClaimTemplates": [
                {
                    "metadata": {"name": "data", "labels": {"role": "data"}},
                    "spec": {
                        "accessModes": ["ReadWriteOnce"],
                        "storageClassName": "fast",
                        "resources": {"requests": {"storage": "10Gi"}}
                    }
                },
                {
                    "metadata": {"name": "logs"},
                    "spec": {
                        "accessModes": ["ReadWriteOnce"],
                        "storageClassName": "slow",
                        "resources": {"requests": {"storage": "1Gi"}}
                    }
                }
            ]
        }
    }))
    .unwrap()
}

fn create(state: &mut SimState, set: StatefulSet) {
    state.create_typed(set).unwrap();
}

fn set(state: &SimState) -> StatefulSet {
    state.get::<StatefulSet>(NS, "mysql").unwrap()
}

fn edit(state: &mut SimState, f: impl FnOnce(&mut StatefulSet)) {
    let mut s = set(state);
    f(&mut s);
    state.update(Object::StatefulSet(s), None).unwrap();
}

fn scale(state: &mut SimState, replicas: i32) {
    edit(state, |s| {
        s.spec.as_mut().unwrap().replicas = Some(replicas)
    });
}

fn set_image(state: &mut SimState, image: &str) {
    edit(state, |s| {
        s.spec
            .as_mut()
            .unwrap()
            .template
            .spec
            .as_mut()
            .unwrap()
            .containers[0]
            .image = Some(image.into());
    });
}

fn pod(state: &SimState, name: &str) -> Pod {
    state.get::<Pod>(NS, name).unwrap()
}

fn claim(state: &SimState, name: &str) -> Option<PersistentVolumeClaim> {
    state.get::<PersistentVolumeClaim>(NS, name)
}

fn ordinal_of(p: &Pod) -> i32 {
    parent_and_ordinal(p.metadata.name.as_deref().unwrap())
        .unwrap()
        .1
}

/// Ordinals of the Pods that exist, ascending.
fn ordinals(state: &SimState) -> Vec<i32> {
    let mut v: Vec<i32> = state.list::<Pod>(Some(NS)).iter().map(ordinal_of).collect();
    v.sort();
    v
}

/// Ordinals of the Pods being deleted, ascending.
fn terminating(state: &SimState) -> Vec<i32> {
    let mut v: Vec<i32> = state
        .list::<Pod>(Some(NS))
        .iter()
        .filter(|p| is_terminating(p))
        .map(ordinal_of)
        .collect();
    v.sort();
    v
}

fn revision_label(state: &SimState, name: &str) -> String {
    revision_of(&pod(state, name)).to_string()
}

fn status(state: &SimState) -> StatefulSetStatus {
    set(state).status.unwrap()
}

/// The kubelet's part: schedule a Pod and report it Running and Ready.
fn mark_ready(state: &mut SimState, name: &str) {
    let mut p = pod(state, name);
    p.spec.as_mut().unwrap().node_name = Some("node-1".into());
    let st = p.status.get_or_insert_with(Default::default);
    st.phase = Some("Running".into());
    st.conditions = Some(vec![PodCondition {
        type_: "Ready".into(),
        status: "True".into(),
        last_transition_time: Some(state.now_time()),
        ..Default::default()
    }]);
    state.put(p).unwrap();
}

/// Schedules every Pod without marking it ready (so deletions are graceful).
fn schedule_all(state: &mut SimState) {
    for mut p in state.list::<Pod>(Some(NS)) {
        if p.spec.as_ref().unwrap().node_name.is_none() {
            p.spec.as_mut().unwrap().node_name = Some("node-1".into());
            state.put(p).unwrap();
        }
    }
}

/// The kubelet and storage controller for one round: finish graceful
/// deletions (except of `stuck` Pods), make the other Pods ready, and let
/// go of deleted claims no Pod uses.
fn kubelet_except(state: &mut SimState, stuck: &[&str]) {
    for p in state.list::<Pod>(Some(NS)) {
        let name = p.metadata.name.clone().unwrap();
        if stuck.contains(&name.as_str()) {
            continue;
        }
        if is_terminating(&p) {
            state.finish_pod_deletion(NS, &name).unwrap();
        } else if !is_running_and_ready(&p) {
            mark_ready(state, &name);
        }
    }
    release_claims(state);
}

fn kubelet(state: &mut SimState) {
    kubelet_except(state, &[]);
}

fn finish_deletions(state: &mut SimState) {
    for p in state.list::<Pod>(Some(NS)) {
        if is_terminating(&p) {
            state
                .finish_pod_deletion(NS, p.metadata.name.as_deref().unwrap())
                .unwrap();
        }
    }
}

fn release_claims(state: &mut SimState) {
    let used: HashSet<String> = state
        .list::<Pod>(Some(NS))
        .iter()
        .flat_map(|p| p.spec.clone().unwrap().volumes.unwrap_or_default())
        .filter_map(|v| v.persistent_volume_claim.map(|c| c.claim_name))
        .collect();
    for c in state.list::<PersistentVolumeClaim>(Some(NS)) {
        let name = c.metadata.name.clone().unwrap();
        if c.metadata.deletion_timestamp.is_some() && !used.contains(&name) {
            state
                .remove_finalizer(Kind::PersistentVolumeClaim, NS, &name, PVC_PROTECTION)
                .unwrap();
        }
    }
}

/// Controller and kubelet in turn until nothing changes.
fn settle(state: &mut SimState) {
    for _ in 0..200 {
        let before = state.store.resource_version();
        reconcile(state);
        kubelet(state);
        if state.store.resource_version() == before {
            return;
        }
    }
    panic!("the cluster did not settle");
}

/// Pod creations (`+name`) and deletion requests (`-name`) since `rv`, in
/// order.
fn pod_log(state: &SimState, rv: u64) -> Vec<String> {
    let mut deleting = HashSet::new();
    let mut out = Vec::new();
    for change in state.store.changes_since(rv).unwrap() {
        let Object::Pod(p) = change.entry.object() else {
            continue;
        };
        let name = p.metadata.name.clone().unwrap();
        match change.event_type {
            EventType::Added => out.push(format!("+{name}")),
            EventType::Modified if p.metadata.deletion_timestamp.is_some() => {
                if deleting.insert(name.clone()) {
                    out.push(format!("-{name}"));
                }
            }
            EventType::Deleted => {
                if !deleting.remove(&name) {
                    out.push(format!("-{name}"));
                }
            }
            EventType::Modified => {}
        }
    }
    out
}

fn log(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// Messages of the set's Events, oldest first.
fn events(state: &SimState) -> Vec<(String, String, String)> {
    let mut evs = state.list::<k8s_openapi::api::core::v1::Event>(Some(NS));
    evs.sort_by_key(|e| {
        e.metadata
            .resource_version
            .clone()
            .unwrap()
            .parse::<u64>()
            .unwrap()
    });
    evs.into_iter()
        .map(|e| (e.type_.unwrap(), e.reason.unwrap(), e.message.unwrap()))
        .collect()
}

fn has_event(state: &SimState, reason: &str, message: &str) -> bool {
    events(state)
        .iter()
        .any(|(_, r, m)| r == reason && m == message)
}

fn revisions(state: &SimState) -> Vec<ControllerRevision> {
    let mut v = state.list::<ControllerRevision>(Some(NS));
    v.sort_by_key(|r| r.revision);
    v
}

// ---- creation ------------------------------------------------------------------

#[test]
fn ordered_ready_creates_one_pod_at_a_time_after_the_previous_is_ready() {
    let mut state = cluster();
    create(&mut state, mysql(3));
    reconcile(&mut state);
    assert_eq!(ordinals(&state), [0]);
    reconcile(&mut state);
    schedule_all(&mut state);
    reconcile(&mut state);
    assert_eq!(
        ordinals(&state),
        [0],
        "mysql-1 waits for mysql-0 to be ready"
    );
    mark_ready(&mut state, "mysql-0");
    reconcile(&mut state);
    assert_eq!(ordinals(&state), [0, 1]);
    reconcile(&mut state);
    assert_eq!(ordinals(&state), [0, 1]);
    mark_ready(&mut state, "mysql-1");
    reconcile(&mut state);
    assert_eq!(ordinals(&state), [0, 1, 2]);

    // What a Pod looks like.
    let s = set(&state);
    let p = pod(&state, "mysql-1");
    let labels = p.metadata.labels.clone().unwrap();
    let revision = status(&state).update_revision.unwrap();
    assert_eq!(labels["app"], "mysql");
    assert_eq!(labels["tier"], "db");
    assert_eq!(labels[REVISION_LABEL], revision);
    assert_eq!(labels[POD_NAME_LABEL], "mysql-1");
    assert_eq!(labels[POD_INDEX_LABEL], "1");
    assert_eq!(
        p.metadata.annotations.clone().unwrap()["example.com/note"],
        "kept"
    );
    assert_eq!(p.metadata.generate_name.as_deref(), Some("mysql-"));
    assert_eq!(
        p.metadata.owner_references.clone().unwrap(),
        vec![OwnerReference {
            api_version: "apps/v1".into(),
            kind: "StatefulSet".into(),
            name: "mysql".into(),
            uid: s.metadata.uid.clone().unwrap(),
            controller: Some(true),
            block_owner_deletion: Some(true),
        }]
    );
    let spec = p.spec.unwrap();
    assert_eq!(spec.hostname.as_deref(), Some("mysql-1"));
    assert_eq!(spec.subdomain.as_deref(), Some("mysql-headless"));
    let volumes: Vec<(String, Option<String>)> = spec
        .volumes
        .unwrap()
        .into_iter()
        .map(|v| (v.name, v.persistent_volume_claim.map(|c| c.claim_name)))
        .collect();
    assert_eq!(
        volumes,
        vec![
            ("data".to_string(), Some("data-mysql-1".to_string())),
            ("logs".to_string(), Some("logs-mysql-1".to_string())),
            ("config".to_string(), None),
        ]
    );

    // Its claims.
    let data = claim(&state, "data-mysql-1").unwrap();
    let labels = data.metadata.labels.clone().unwrap();
    assert_eq!(labels["app"], "mysql");
    assert_eq!(labels["role"], "data");
    let cspec = data.spec.unwrap();
    assert_eq!(cspec.storage_class_name.as_deref(), Some("fast"));
    assert_eq!(cspec.access_modes.unwrap(), ["ReadWriteOnce"]);
    assert_eq!(
        cspec.resources.unwrap().requests.unwrap()["storage"].0,
        "10Gi"
    );
    assert_eq!(data.metadata.owner_references, None, "Retain: no owner");
    assert!(claim(&state, "logs-mysql-2").is_some());

    // Events: claims before their Pod.
    let evs = events(&state);
    let first: Vec<&str> = evs.iter().take(3).map(|(_, _, m)| m.as_str()).collect();
    assert_eq!(
        first,
        [
            "create Claim data-mysql-0 Pod mysql-0 in StatefulSet mysql success",
            "create Claim logs-mysql-0 Pod mysql-0 in StatefulSet mysql success",
            "create Pod mysql-0 in StatefulSet mysql successful",
        ]
    );
    assert!(
        evs.iter()
            .all(|(t, r, _)| t == "Normal" && r == "SuccessfulCreate")
    );
}

#[test]
fn parallel_creates_and_deletes_all_at_once() {
    let mut state = cluster();
    let mut s = mysql(3);
    s.spec.as_mut().unwrap().pod_management_policy = Some("Parallel".into());
    create(&mut state, s);
    reconcile(&mut state);
    assert_eq!(ordinals(&state), [0, 1, 2]);
    schedule_all(&mut state);
    scale(&mut state, 1);
    reconcile(&mut state);
    assert_eq!(terminating(&state), [1, 2], "no waiting for readiness");
}

#[test]
fn ordinals_start_shifts_names_and_claims() {
    let mut state = cluster();
    let mut s = mysql(2);
    s.spec.as_mut().unwrap().ordinals =
        Some(k8s_openapi::api::apps::v1::StatefulSetOrdinals { start: Some(5) });
    create(&mut state, s);
    settle(&mut state);
    assert_eq!(ordinals(&state), [5, 6]);
    assert_eq!(
        pod(&state, "mysql-5").metadata.labels.unwrap()[POD_INDEX_LABEL],
        "5"
    );
    assert!(claim(&state, "data-mysql-6").is_some());
    assert!(claim(&state, "data-mysql-0").is_none());
    scale(&mut state, 1);
    let rv = state.store.resource_version();
    settle(&mut state);
    assert_eq!(pod_log(&state, rv), log(&["-mysql-6"]));
    assert_eq!(ordinals(&state), [5]);
}

// ---- scaling and claims ----------------------------------------------------------

#[test]
fn scaling_goes_in_ordinal_order_and_keeps_claims() {
    let mut state = cluster();
    create(&mut state, mysql(3));
    settle(&mut state);
    assert_eq!(ordinals(&state), [0, 1, 2]);

    scale(&mut state, 5);
    let rv = state.store.resource_version();
    reconcile(&mut state);
    reconcile(&mut state);
    assert_eq!(ordinals(&state), [0, 1, 2, 3]);
    settle(&mut state);
    assert_eq!(pod_log(&state, rv), log(&["+mysql-3", "+mysql-4"]));
    let claim_uid = claim(&state, "data-mysql-4").unwrap().metadata.uid;

    scale(&mut state, 3);
    let rv = state.store.resource_version();
    reconcile(&mut state);
    assert_eq!(terminating(&state), [4]);
    reconcile(&mut state);
    assert_eq!(
        terminating(&state),
        [4],
        "mysql-3 waits until mysql-4 is gone"
    );
    finish_deletions(&mut state);
    reconcile(&mut state);
    assert_eq!(terminating(&state), [3]);
    settle(&mut state);
    assert_eq!(pod_log(&state, rv), log(&["-mysql-4", "-mysql-3"]));
    assert_eq!(ordinals(&state), [0, 1, 2]);
    for name in [
        "data-mysql-3",
        "logs-mysql-3",
        "data-mysql-4",
        "logs-mysql-4",
    ] {
        let c = claim(&state, name).expect("retained");
        assert!(c.metadata.deletion_timestamp.is_none());
        assert!(c.metadata.owner_references.is_none());
    }
    assert!(has_event(
        &state,
        "SuccessfulDelete",
        "delete Pod mysql-4 in StatefulSet mysql successful"
    ));

    // Scaling up again reuses the retained claims.
    scale(&mut state, 5);
    settle(&mut state);
    assert_eq!(ordinals(&state), [0, 1, 2, 3, 4]);
    assert_eq!(
        claim(&state, "data-mysql-4").unwrap().metadata.uid,
        claim_uid
    );
}

#[test]
fn scale_down_waits_for_lower_ordinals_to_be_ready() {
    let mut state = cluster();
    create(&mut state, mysql(3));
    settle(&mut state);
    // mysql-0 stops being ready.
    let mut p = pod(&state, "mysql-0");
    p.status.as_mut().unwrap().conditions.as_mut().unwrap()[0].status = "False".into();
    state.put(p).unwrap();
    scale(&mut state, 2);
    reconcile(&mut state);
    reconcile(&mut state);
    assert!(terminating(&state).is_empty());
    mark_ready(&mut state, "mysql-0");
    reconcile(&mut state);
    assert_eq!(terminating(&state), [2]);
}

#[test]
fn when_scaled_delete_removes_the_claims_of_removed_pods() {
    let mut state = cluster();
    let mut s = mysql(5);
    s.spec
        .as_mut()
        .unwrap()
        .persistent_volume_claim_retention_policy = Some(
        k8s_openapi::api::apps::v1::StatefulSetPersistentVolumeClaimRetentionPolicy {
            when_deleted: Some("Retain".into()),
            when_scaled: Some("Delete".into()),
        },
    );
    create(&mut state, s);
    settle(&mut state);
    assert!(
        claim(&state, "data-mysql-0")
            .unwrap()
            .metadata
            .owner_references
            .is_none()
    );

    scale(&mut state, 3);
    reconcile(&mut state);
    // The condemned Pods' claims now belong to their Pods.
    let uid4 = pod(&state, "mysql-4").metadata.uid.unwrap();
    let refs = claim(&state, "data-mysql-4")
        .unwrap()
        .metadata
        .owner_references
        .unwrap();
    assert_eq!(refs.len(), 1);
    assert_eq!(
        (refs[0].kind.as_str(), refs[0].uid.as_str()),
        ("Pod", uid4.as_str())
    );
    settle(&mut state);
    assert_eq!(ordinals(&state), [0, 1, 2]);
    for name in [
        "data-mysql-3",
        "logs-mysql-3",
        "data-mysql-4",
        "logs-mysql-4",
    ] {
        assert!(claim(&state, name).is_none(), "{name} deleted");
    }
    for name in ["data-mysql-0", "data-mysql-2", "logs-mysql-2"] {
        assert!(claim(&state, name).is_some(), "{name} kept");
    }

    // Scaling up again makes fresh claims.
    scale(&mut state, 4);
    settle(&mut state);
    assert!(
        claim(&state, "data-mysql-3")
            .unwrap()
            .metadata
            .owner_references
            .is_none()
    );
}

#[test]
fn a_claim_being_deleted_holds_its_pod_back() {
    let mut state = cluster();
    create(&mut state, mysql(1));
    settle(&mut state);
    scale(&mut state, 0);
    settle(&mut state);
    // The user deletes the retained claim; it waits for its finalizer.
    state
        .delete(Kind::PersistentVolumeClaim, NS, "data-mysql-0", None)
        .unwrap();
    let mut c = claim(&state, "data-mysql-0").unwrap();
    c.metadata.finalizers = Some(vec![PVC_PROTECTION.into(), "example.com/hold".into()]);
    state.put(c).unwrap();
    scale(&mut state, 1);
    for _ in 0..3 {
        reconcile(&mut state);
    }
    assert!(ordinals(&state).is_empty());
    state
        .remove_finalizer(
            Kind::PersistentVolumeClaim,
            NS,
            "data-mysql-0",
            "example.com/hold",
        )
        .unwrap();
    settle(&mut state);
    assert_eq!(ordinals(&state), [0]);
    assert!(
        claim(&state, "data-mysql-0")
            .unwrap()
            .metadata
            .deletion_timestamp
            .is_none()
    );
}

#[test]
fn set_deletion_deletes_claims_only_when_deleted_is_delete() {
    for when_deleted in ["Delete", "Retain"] {
        let mut state = cluster();
        let mut s = mysql(2);
        s.spec
            .as_mut()
            .unwrap()
            .persistent_volume_claim_retention_policy = Some(
            k8s_openapi::api::apps::v1::StatefulSetPersistentVolumeClaimRetentionPolicy {
                when_deleted: Some(when_deleted.into()),
                when_scaled: Some("Retain".into()),
            },
        );
        create(&mut state, s);
        settle(&mut state);
        let set_uid = set(&state).metadata.uid.unwrap();
        let refs = claim(&state, "data-mysql-1")
            .unwrap()
            .metadata
            .owner_references;
        if when_deleted == "Delete" {
            let refs = refs.unwrap();
            assert_eq!(refs.len(), 1);
            assert_eq!(refs[0].uid, set_uid);
            assert_eq!(refs[0].controller, Some(true));
        } else {
            assert!(refs.is_none());
        }
        assert!(!revisions(&state).is_empty());

        state.delete(Kind::StatefulSet, NS, "mysql", None).unwrap();
        reconcile(&mut state);
        assert_eq!(
            terminating(&state),
            [0, 1],
            "{when_deleted}: Pods go with the set"
        );
        assert!(revisions(&state).is_empty());
        settle(&mut state);
        assert!(ordinals(&state).is_empty());
        let claims = state.list::<PersistentVolumeClaim>(Some(NS));
        if when_deleted == "Delete" {
            assert!(claims.is_empty(), "claims deleted with the set");
        } else {
            assert_eq!(claims.len(), 4, "claims retained");
        }
    }
}

#[test]
fn changing_the_retention_policy_updates_existing_claims() {
    let mut state = cluster();
    create(&mut state, mysql(2));
    settle(&mut state);
    edit(&mut state, |s| {
        s.spec
            .as_mut()
            .unwrap()
            .persistent_volume_claim_retention_policy
            .as_mut()
            .unwrap()
            .when_deleted = Some("Delete".into());
    });
    settle(&mut state);
    let uid = set(&state).metadata.uid.unwrap();
    for name in ["data-mysql-0", "logs-mysql-1"] {
        let refs = claim(&state, name)
            .unwrap()
            .metadata
            .owner_references
            .unwrap();
        assert_eq!(refs[0].uid, uid);
    }
    edit(&mut state, |s| {
        s.spec
            .as_mut()
            .unwrap()
            .persistent_volume_claim_retention_policy
            .as_mut()
            .unwrap()
            .when_deleted = Some("Retain".into());
    });
    settle(&mut state);
    assert!(
        claim(&state, "data-mysql-0")
            .unwrap()
            .metadata
            .owner_references
            .is_none()
    );
}

// ---- failures --------------------------------------------------------------------

#[test]
fn failed_pods_are_deleted_and_recreated() {
    let mut state = cluster();
    create(&mut state, mysql(2));
    settle(&mut state);
    let old_uid = pod(&state, "mysql-0").metadata.uid;
    let mut p = pod(&state, "mysql-0");
    p.status.as_mut().unwrap().phase = Some("Failed".into());
    state.put(p).unwrap();
    reconcile(&mut state);
    assert_eq!(terminating(&state), [0]);
    settle(&mut state);
    assert_eq!(ordinals(&state), [0, 1]);
    assert_ne!(pod(&state, "mysql-0").metadata.uid, old_uid);
}

#[test]
fn a_pod_stuck_terminating_is_not_replaced_until_force_deleted() {
    let mut state = cluster();
    create(&mut state, mysql(3));
    settle(&mut state);
    let claim_uid = claim(&state, "data-mysql-1").unwrap().metadata.uid;
    let old_uid = pod(&state, "mysql-1").metadata.uid;
    // Its node is lost: deletion starts, the kubelet never finishes it.
    state.delete(Kind::Pod, NS, "mysql-1", None).unwrap();
    let mut p = pod(&state, "mysql-1");
    p.status.as_mut().unwrap().phase = Some("Unknown".into());
    state.put(p).unwrap();
    scale(&mut state, 4);
    let rv = state.store.resource_version();
    for _ in 0..20 {
        reconcile(&mut state);
        kubelet_except(&mut state, &["mysql-1"]);
    }
    assert_eq!(pod_log(&state, rv), Vec::<String>::new());
    assert_eq!(ordinals(&state), [0, 1, 2]);

    // Force delete.
    state.delete(Kind::Pod, NS, "mysql-1", Some(0)).unwrap();
    reconcile(&mut state);
    let p = pod(&state, "mysql-1");
    assert_ne!(p.metadata.uid, old_uid);
    let volumes = p.spec.unwrap().volumes.unwrap();
    assert_eq!(
        volumes[0]
            .persistent_volume_claim
            .as_ref()
            .unwrap()
            .claim_name,
        "data-mysql-1"
    );
    assert_eq!(
        claim(&state, "data-mysql-1").unwrap().metadata.uid,
        claim_uid
    );
    settle(&mut state);
    assert_eq!(ordinals(&state), [0, 1, 2, 3]);
}

#[test]
fn pod_creation_failures_are_reported_on_the_set() {
    let mut state = cluster();
    let mut s = mysql(1);
    // A template the API server refuses: an invalid claim name.
    s.spec
        .as_mut()
        .unwrap()
        .volume_claim_templates
        .as_mut()
        .unwrap()[0]
        .metadata
        .name = Some("Data".into());
    create(&mut state, s);
    reconcile(&mut state);
    assert!(ordinals(&state).is_empty());
    let evs = events(&state);
    assert!(
        evs.iter().any(|(t, r, m)| t == "Warning"
            && r == "FailedCreate"
            && m.starts_with(
                "create Claim Data-mysql-0 for Pod mysql-0 in StatefulSet mysql failed error: "
            )),
        "{evs:?}"
    );
    assert!(evs.iter().any(|(t, r, m)| t == "Warning"
        && r == "FailedCreate"
        && m.starts_with("create Pod mysql-0 in StatefulSet mysql failed error: failed to create PVC Data-mysql-0: ")));
}

#[test]
fn a_settled_cluster_is_not_written_to() {
    let mut state = cluster();
    create(&mut state, mysql(3));
    settle(&mut state);
    let rv = state.store.resource_version();
    for _ in 0..5 {
        reconcile(&mut state);
    }
    assert_eq!(state.store.resource_version(), rv);
}

#[test]
fn min_ready_seconds_delays_availability_and_the_next_pod() {
    let mut state = cluster();
    let mut s = mysql(2);
    s.spec.as_mut().unwrap().min_ready_seconds = Some(10);
    create(&mut state, s);
    reconcile(&mut state);
    mark_ready(&mut state, "mysql-0");
    reconcile(&mut state);
    assert_eq!(ordinals(&state), [0]);
    let st = status(&state);
    assert_eq!(st.ready_replicas, Some(1));
    assert_eq!(st.available_replicas, Some(0));
    state.advance_clock(std::time::Duration::from_secs(11));
    reconcile(&mut state);
    assert_eq!(ordinals(&state), [0, 1]);
}

#[test]
fn pods_not_controlled_by_the_set_are_left_alone() {
    let mut state = cluster();
    let stray = Pod {
        metadata: ObjectMeta {
            name: Some("mysql-7".into()),
            namespace: Some(NS.into()),
            labels: Some([("app".to_string(), "mysql".to_string())].into()),
            ..Default::default()
        },
        spec: Some(Default::default()),
        status: None,
    };
    state.create_typed(stray).unwrap();
    create(&mut state, mysql(1));
    settle(&mut state);
    assert_eq!(ordinals(&state), [0, 7]);
    let st = status(&state);
    assert_eq!(st.replicas, 1);
    assert!(pod(&state, "mysql-7").metadata.owner_references.is_none());
}

#[test]
fn sets_being_deleted_are_skipped() {
    let mut state = cluster();
    let mut s = mysql(2);
    s.metadata.finalizers = Some(vec!["example.com/hold".into()]);
    create(&mut state, s);
    state.delete(Kind::StatefulSet, NS, "mysql", None).unwrap();
    assert!(set(&state).metadata.deletion_timestamp.is_some());
    reconcile(&mut state);
    assert!(ordinals(&state).is_empty());
    assert!(revisions(&state).is_empty());
}

#[test]
fn garbage_collection_needs_every_owner_gone() {
    let mut state = cluster();
    let with_refs = |name: &str, refs: Vec<OwnerReference>| Pod {
        metadata: ObjectMeta {
            name: Some(name.into()),
            namespace: Some(NS.into()),
            owner_references: Some(refs),
            ..Default::default()
        },
        spec: Some(Default::default()),
        status: None,
    };
    create(&mut state, mysql(0));
    let live = set(&state).metadata.uid.unwrap();
    let gone = |uid: &str| pods::controller_ref("apps/v1", "StatefulSet", "old", uid);
    // A kind the sim does not serve (ReplicaSets are served, so collected).
    let foreign = pods::controller_ref("example.com/v1", "Widget", "w", "w-uid");
    state
        .create_typed(with_refs("orphan", vec![gone("u1")]))
        .unwrap();
    state
        .create_typed(with_refs("half", vec![gone("u2"), gone(&live)]))
        .unwrap();
    state
        .create_typed(with_refs("foreign", vec![foreign]))
        .unwrap();
    collect_garbage(&mut state);
    let names: Vec<String> = state
        .list::<Pod>(Some(NS))
        .into_iter()
        .map(|p| p.metadata.name.unwrap())
        .collect();
    assert_eq!(names, ["foreign", "half"]);
}

#[test]
#[ignore]
fn bench_thousand_sets_of_ten() {
    let mut state = cluster();
    for i in 0..1000 {
        let mut s = mysql(10);
        s.metadata.name = Some(format!("s{i}"));
        s.spec.as_mut().unwrap().pod_management_policy = Some("Parallel".into());
        if i % 2 == 0 {
            s.spec
                .as_mut()
                .unwrap()
                .persistent_volume_claim_retention_policy = Some(
                k8s_openapi::api::apps::v1::StatefulSetPersistentVolumeClaimRetentionPolicy {
                    when_deleted: Some("Delete".into()),
                    when_scaled: Some("Delete".into()),
                },
            );
        }
        create(&mut state, s);
    }
    let t = std::time::Instant::now();
    reconcile(&mut state);
    eprintln!("first reconcile {:?}", t.elapsed());
    kubelet(&mut state);
    reconcile(&mut state);
    kubelet(&mut state);
    reconcile(&mut state);
    let rv = state.store.resource_version();
    let t = std::time::Instant::now();
    for _ in 0..60 {
        reconcile(&mut state);
    }
    eprintln!(
        "steady reconcile {:?} per tick; writes {}",
        t.elapsed() / 60,
        state.store.resource_version() - rv
    );
    let t = std::time::Instant::now();
    for _ in 0..10 {
        collect_garbage(&mut state);
    }
    eprintln!("gc alone {:?} per tick", t.elapsed() / 10);
}
