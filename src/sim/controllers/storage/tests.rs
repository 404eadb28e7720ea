//! Kept whole (over 800 lines): the storage controllers' stories share one hand-played harness.
//!
//! The storage controllers against a bare `SimState`: objects are created
//! directly and the scheduler/kubelet are played by hand (selected-node
//! annotation, `spec.nodeName`, Pod phase).

use std::collections::BTreeMap;
use std::time::Duration;

use k8s_openapi::api::core::v1::{Event, PersistentVolume, PersistentVolumeClaim, Pod};
use serde_json::{Value, json};

use super::util::*;
use super::{reconcile, volume_stats};
use crate::sim::controllers::TICK;
use crate::sim::objects::{Object, Typed};
use crate::sim::resources::Kind;
use crate::sim::scenario::{StorageTiming, VolumeUsage, Workload};
use crate::sim::state::SimState;

const GI: u64 = 1 << 30;
const MI: u64 = 1 << 20;

fn sim() -> SimState {
    let mut s = SimState::new(42, "2025-03-01T12:00:00Z".parse().unwrap());
    create(
        &mut s,
        json!({"kind": "Namespace", "metadata": {"name": "default"}}),
    );
    create(
        &mut s,
        json!({"kind": "Namespace", "metadata": {"name": "shop"}}),
    );
    for (name, zone) in [("n1", "zone-a"), ("n2", "zone-b")] {
        create(
            &mut s,
            json!({"kind": "Node", "metadata": {"name": name, "labels": {
                "kubernetes.io/hostname": name, "topology.kubernetes.io/zone": zone}}}),
        );
    }
    create(
        &mut s,
        json!({"kind": "Node", "metadata": {"name": "n3", "labels": {"kubernetes.io/hostname": "n3"}}}),
    );
    s
}

fn kind_of(value: &Value) -> Kind {
    match value["kind"].as_str().unwrap() {
        "Namespace" => Kind::Namespace,
        "Node" => Kind::Node,
        "Pod" => Kind::Pod,
        "PersistentVolumeClaim" => Kind::PersistentVolumeClaim,
        "PersistentVolume" => Kind::PersistentVolume,
        "StorageClass" => Kind::StorageClass,
        other => panic!("fixture kind {other}"),
    }
}

fn create(s: &mut SimState, value: Value) {
    let kind = kind_of(&value);
    let object = Object::from_json(kind, value).unwrap();
    s.create(object).unwrap();
}

fn class(s: &mut SimState, name: &str, provisioner: &str, mode: &str, reclaim: &str, extra: Value) {
    let mut v = json!({
        "kind": "StorageClass",
        "metadata": {"name": name},
        "provisioner": provisioner,
        "volumeBindingMode": mode,
        "reclaimPolicy": reclaim,
    });
    for (k, val) in extra.as_object().unwrap() {
        v[k] = val.clone();
    }
    create(s, v);
}

fn claim(s: &mut SimState, ns: &str, name: &str, class: Option<&str>, size: &str, modes: &[&str]) {
    let mut v = json!({
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": name, "namespace": ns},
        "spec": {"accessModes": modes, "resources": {"requests": {"storage": size}}},
    });
    if let Some(c) = class {
        v["spec"]["storageClassName"] = json!(c);
    }
    create(s, v);
}

fn static_pv(
    s: &mut SimState,
    name: &str,
    class: &str,
    size: &str,
    modes: &[&str],
    node: Option<&str>,
) {
    let mut v = json!({
        "kind": "PersistentVolume",
        "metadata": {"name": name},
        "spec": {
            "capacity": {"storage": size},
            "accessModes": modes,
            "storageClassName": class,
            "persistentVolumeReclaimPolicy": "Retain",
            "local": {"path": format!("/mnt/disks/{name}")},
        },
    });
    if let Some(n) = node {
        v["spec"]["nodeAffinity"] = json!({"required": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": [n]}]}
        ]}});
    }
    create(s, v);
}

fn pod(s: &mut SimState, ns: &str, name: &str, claims: &[(&str, &str)], node: &str, phase: &str) {
    let volumes: Vec<Value> = claims
        .iter()
        .map(|(vol, c)| json!({"name": vol, "persistentVolumeClaim": {"claimName": c}}))
        .collect();
    create(
        s,
        json!({
            "kind": "Pod",
            "metadata": {"name": name, "namespace": ns},
            "spec": {
                "nodeName": node,
                "containers": [{"name": "main", "image": "postgres:16",
                    "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}}}],
                "volumes": volumes,
            },
        }),
    );
    set_pod_phase(s, ns, name, phase);
}

fn set_pod_phase(s: &mut SimState, ns: &str, name: &str, phase: &str) {
    let mut p = s.get::<Pod>(ns, name).unwrap();
    let now = s.now_time();
    let status = p.status.get_or_insert_with(Default::default);
    status.phase = Some(phase.into());
    status.start_time = Some(now);
    s.put(p).unwrap();
}

fn select_node(s: &mut SimState, ns: &str, name: &str, node: &str) {
    let mut c = s.get::<PersistentVolumeClaim>(ns, name).unwrap();
    set_annotation(&mut c.metadata, ANN_SELECTED_NODE, node);
    s.put(c).unwrap();
}

fn run(s: &mut SimState, d: Duration) {
    let ticks = d.as_millis().div_ceil(TICK.as_millis());
    for _ in 0..ticks {
        s.advance_clock(TICK);
        reconcile(s);
    }
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn pvc(s: &SimState, ns: &str, name: &str) -> PersistentVolumeClaim {
    s.get::<PersistentVolumeClaim>(ns, name)
        .expect("claim exists")
}

fn pv(s: &SimState, name: &str) -> PersistentVolume {
    s.get::<PersistentVolume>("", name).expect("volume exists")
}

fn json_of<T: Typed>(o: &T) -> Value {
    o.clone().wrap().to_json()
}

/// Events about an object with a reason: (type, message, count, component).
fn events(s: &SimState, involved: &str, reason: &str) -> Vec<(String, String, i32, String)> {
    s.list::<Event>(None)
        .into_iter()
        .filter(|e| {
            e.involved_object.name.as_deref() == Some(involved)
                && e.reason.as_deref() == Some(reason)
        })
        .map(|e| {
            (
                e.type_.unwrap_or_default(),
                e.message.unwrap_or_default(),
                e.count.unwrap_or(0),
                e.source.and_then(|s| s.component).unwrap_or_default(),
            )
        })
        .collect()
}

fn uid(s: &SimState, ns: &str, name: &str) -> String {
    pvc(s, ns, name).metadata.uid.unwrap()
}

#[test]
fn immediate_provisioning_creates_and_binds_a_csi_volume() {
    let mut s = sim();
    class(
        &mut s,
        "csi-hostpath-sc",
        HOSTPATH_CSI,
        "Immediate",
        "Delete",
        json!({}),
    );
    claim(
        &mut s,
        "default",
        "data",
        Some("csi-hostpath-sc"),
        "2.5Gi",
        &["ReadWriteOnce"],
    );
    run(&mut s, TICK);
    let c = pvc(&s, "default", "data");
    assert_eq!(claim_phase(&c), "Pending");
    assert_eq!(
        annotation(&c.metadata, ANN_STORAGE_PROVISIONER),
        Some(HOSTPATH_CSI)
    );
    assert_eq!(
        annotation(&c.metadata, ANN_BETA_STORAGE_PROVISIONER),
        Some(HOSTPATH_CSI)
    );
    let provisioning = events(&s, "data", "Provisioning");
    assert_eq!(provisioning.len(), 1);
    assert_eq!(
        provisioning[0].1,
        "External provisioner is provisioning volume for claim \"default/data\""
    );
    assert!(provisioning[0].3.starts_with("hostpath.csi.k8s.io_"));
    assert_eq!(events(&s, "data", "ExternalProvisioning").len(), 1);

    run(&mut s, secs(1));
    let c = pvc(&s, "default", "data");
    let uid = c.metadata.uid.clone().unwrap();
    let name = format!("pvc-{uid}");
    let v = json_of(&pv(&s, &name));
    assert_eq!(v["status"]["phase"], "Bound");
    assert_eq!(v["spec"]["capacity"]["storage"], "2560Mi");
    assert_eq!(v["spec"]["persistentVolumeReclaimPolicy"], "Delete");
    assert_eq!(v["spec"]["storageClassName"], "csi-hostpath-sc");
    assert_eq!(v["spec"]["volumeMode"], "Filesystem");
    assert_eq!(v["spec"]["accessModes"], json!(["ReadWriteOnce"]));
    assert_eq!(v["spec"]["csi"]["driver"], HOSTPATH_CSI);
    assert_eq!(v["spec"]["csi"]["fsType"], "ext4");
    assert_eq!(v["spec"]["csi"]["volumeHandle"].as_str().unwrap().len(), 36);
    assert!(
        v["spec"]["csi"]["volumeAttributes"]["storage.kubernetes.io/csiProvisionerIdentity"]
            .as_str()
            .unwrap()
            .ends_with("-hostpath.csi.k8s.io")
    );
    assert_eq!(
        v["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]["matchExpressions"][0],
        json!({"key": "kubernetes.io/hostname", "operator": "In", "values": ["n1"]})
    );
    assert_eq!(
        v["metadata"]["annotations"][ANN_PROVISIONED_BY],
        HOSTPATH_CSI
    );
    assert_eq!(v["spec"]["claimRef"]["uid"], uid.as_str());
    assert_eq!(v["spec"]["claimRef"]["kind"], "PersistentVolumeClaim");
    assert_eq!(v["spec"]["claimRef"]["namespace"], "default");
    assert_eq!(v["spec"]["claimRef"]["apiVersion"], "v1");
    assert!(v["spec"]["claimRef"]["resourceVersion"].is_string());
    let finalizers = v["metadata"]["finalizers"].as_array().unwrap();
    assert!(finalizers.contains(&json!("kubernetes.io/pv-protection")));
    assert!(finalizers.contains(&json!(PROVISIONER_FINALIZER)));

    let cv = json_of(&c);
    assert_eq!(cv["status"]["phase"], "Bound");
    assert_eq!(cv["spec"]["volumeName"], name.as_str());
    assert_eq!(cv["status"]["capacity"]["storage"], "2560Mi");
    assert_eq!(cv["status"]["accessModes"], json!(["ReadWriteOnce"]));
    assert_eq!(cv["metadata"]["annotations"][ANN_BIND_COMPLETED], "yes");
    assert_eq!(
        cv["metadata"]["annotations"][ANN_BOUND_BY_CONTROLLER],
        "yes"
    );
    let ok = events(&s, "data", "ProvisioningSucceeded");
    assert_eq!(ok.len(), 1);
    assert_eq!(ok[0].1, format!("Successfully provisioned volume {name}"));

    // Settled: further ticks write nothing.
    let rv = s.store.resource_version();
    run(&mut s, secs(30));
    assert_eq!(s.store.resource_version(), rv);
}

#[test]
fn provisioner_timing_comes_from_the_scenario() {
    let mut s = sim();
    s.behaviour.storage.push(StorageTiming {
        class: "slow".into(),
        provision_after: secs(5),
        resize_after: secs(1),
        file_system_resize_after: secs(1),
    });
    class(
        &mut s,
        "slow",
        "ebs.csi.aws.com",
        "Immediate",
        "Retain",
        json!({}),
    );
    claim(
        &mut s,
        "default",
        "data",
        Some("slow"),
        "1Gi",
        &["ReadWriteOnce"],
    );
    run(&mut s, secs(4));
    assert_eq!(claim_phase(&pvc(&s, "default", "data")), "Pending");
    run(&mut s, secs(2));
    let c = pvc(&s, "default", "data");
    assert_eq!(claim_phase(&c), "Bound");
    let v = json_of(&pv(&s, claim_volume_name(&c).unwrap()));
    assert_eq!(v["spec"]["persistentVolumeReclaimPolicy"], "Retain");
    // Immediate, not hostpath: no topology; Retain: no provisioner finalizer.
    assert!(v["spec"]["nodeAffinity"].is_null());
    assert_eq!(
        v["metadata"]["finalizers"],
        json!(["kubernetes.io/pv-protection"])
    );
}

#[test]
fn wait_for_first_consumer_then_provision_on_the_selected_node() {
    let mut s = sim();
    class(
        &mut s,
        "local-path",
        LOCAL_PATH,
        "WaitForFirstConsumer",
        "Delete",
        json!({}),
    );
    claim(
        &mut s,
        "shop",
        "data-db-0",
        Some("local-path"),
        "10Gi",
        &["ReadWriteOnce"],
    );
    run(&mut s, secs(40));
    let c = pvc(&s, "shop", "data-db-0");
    assert_eq!(claim_phase(&c), "Pending");
    assert!(s.list::<PersistentVolume>(None).is_empty());
    let waiting = events(&s, "data-db-0", "WaitForFirstConsumer");
    assert_eq!(waiting.len(), 1, "one aggregated event");
    assert_eq!(waiting[0].0, "Normal");
    assert_eq!(
        waiting[0].1,
        "waiting for first consumer to be created before binding"
    );
    assert!(
        (2..=4).contains(&waiting[0].2),
        "repeats at resync pace: {}",
        waiting[0].2
    );
    assert!(events(&s, "data-db-0", "Provisioning").is_empty());

    select_node(&mut s, "shop", "data-db-0", "n2");
    run(&mut s, secs(2));
    let c = pvc(&s, "shop", "data-db-0");
    assert_eq!(claim_phase(&c), "Bound");
    let uid = c.metadata.uid.clone().unwrap();
    let v = json_of(&pv(&s, &format!("pvc-{uid}")));
    assert_eq!(
        v["spec"]["hostPath"],
        json!({"path": format!("/opt/local-path-provisioner/pvc-{uid}_shop_data-db-0"), "type": "DirectoryOrCreate"})
    );
    assert_eq!(
        v["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]["matchExpressions"][0],
        json!({"key": "kubernetes.io/hostname", "operator": "In", "values": ["n2"]})
    );
    assert_eq!(v["metadata"]["annotations"][ANN_PROVISIONED_BY], LOCAL_PATH);
    assert_eq!(v["spec"]["persistentVolumeReclaimPolicy"], "Delete");
}

#[test]
fn wffc_csi_volumes_follow_the_selected_nodes_zone_or_hostname() {
    let mut s = sim();
    class(
        &mut s,
        "ceph",
        "rbd.csi.ceph.com",
        "WaitForFirstConsumer",
        "Delete",
        json!({"parameters": {"clusterID": "rook-ceph", "pool": "replicapool",
            "csi.storage.k8s.io/fstype": "xfs",
            "csi.storage.k8s.io/provisioner-secret-name": "rook-csi-rbd-provisioner"}}),
    );
    claim(
        &mut s,
        "default",
        "a",
        Some("ceph"),
        "1Gi",
        &["ReadWriteOnce"],
    );
    claim(
        &mut s,
        "default",
        "b",
        Some("ceph"),
        "1Gi",
        &["ReadWriteOnce"],
    );
    select_node(&mut s, "default", "a", "n1");
    select_node(&mut s, "default", "b", "n3");
    run(&mut s, secs(2));
    let a = json_of(&pv(&s, &format!("pvc-{}", uid(&s, "default", "a"))));
    let b = json_of(&pv(&s, &format!("pvc-{}", uid(&s, "default", "b"))));
    assert_eq!(
        a["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]["matchExpressions"][0],
        json!({"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["zone-a"]})
    );
    assert_eq!(
        b["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]["matchExpressions"][0],
        json!({"key": "kubernetes.io/hostname", "operator": "In", "values": ["n3"]})
    );
    let handle = a["spec"]["csi"]["volumeHandle"].as_str().unwrap();
    assert!(
        handle.starts_with("0001-0009-rook-ceph-0000000000000002-"),
        "{handle}"
    );
    assert_eq!(a["spec"]["csi"]["fsType"], "xfs");
    let attrs = a["spec"]["csi"]["volumeAttributes"].as_object().unwrap();
    assert_eq!(attrs["pool"], "replicapool");
    assert!(!attrs.keys().any(|k| k.starts_with("csi.storage.k8s.io/")));
    assert!(attrs.contains_key("storage.kubernetes.io/csiProvisionerIdentity"));
}

#[test]
fn nfs_volumes_get_the_drivers_handle_and_attributes() {
    let mut s = sim();
    class(
        &mut s,
        "nfs",
        NFS_CSI,
        "Immediate",
        "Retain",
        json!({"parameters": {"server": "nas01", "share": "/export/k8s"}, "mountOptions": ["nfsvers=4.1"]}),
    );
    claim(
        &mut s,
        "default",
        "shared",
        Some("nfs"),
        "5Gi",
        &["ReadWriteMany"],
    );
    run(&mut s, secs(2));
    let uid = uid(&s, "default", "shared");
    let v = json_of(&pv(&s, &format!("pvc-{uid}")));
    assert_eq!(
        v["spec"]["csi"]["volumeHandle"],
        format!("nas01#export/k8s#pvc-{uid}##")
    );
    assert_eq!(v["spec"]["csi"]["volumeAttributes"]["server"], "nas01");
    assert_eq!(v["spec"]["csi"]["volumeAttributes"]["share"], "/export/k8s");
    assert!(v["spec"]["csi"]["fsType"].is_null());
    assert_eq!(v["spec"]["mountOptions"], json!(["nfsvers=4.1"]));
    assert_eq!(v["spec"]["accessModes"], json!(["ReadWriteMany"]));
}

#[test]
fn static_binding_by_class_size_and_access_modes() {
    let mut s = sim();
    class(
        &mut s,
        "manual",
        NO_PROVISIONER,
        "Immediate",
        "Retain",
        json!({}),
    );
    static_pv(&mut s, "pv-big", "manual", "20Gi", &["ReadWriteOnce"], None);
    static_pv(
        &mut s,
        "pv-mid-b",
        "manual",
        "10Gi",
        &["ReadWriteOnce"],
        None,
    );
    static_pv(
        &mut s,
        "pv-mid-a",
        "manual",
        "10Gi",
        &["ReadWriteOnce"],
        None,
    );
    static_pv(
        &mut s,
        "pv-small",
        "manual",
        "5Gi",
        &["ReadWriteOnce"],
        None,
    );
    static_pv(
        &mut s,
        "pv-rwx",
        "manual",
        "50Gi",
        &["ReadWriteOnce", "ReadWriteMany"],
        None,
    );
    static_pv(&mut s, "pv-other", "other", "8Gi", &["ReadWriteOnce"], None);
    run(&mut s, TICK);
    assert_eq!(pv_phase(&pv(&s, "pv-big")), "Available");

    claim(
        &mut s,
        "default",
        "c-8g",
        Some("manual"),
        "8Gi",
        &["ReadWriteOnce"],
    );
    claim(
        &mut s,
        "default",
        "c-rwx",
        Some("manual"),
        "1Gi",
        &["ReadWriteMany"],
    );
    claim(
        &mut s,
        "default",
        "c-1g",
        Some("manual"),
        "1Gi",
        &["ReadWriteOnce"],
    );
    claim(
        &mut s,
        "default",
        "c-none",
        Some("manual"),
        "100Gi",
        &["ReadWriteOnce"],
    );
    run(&mut s, secs(1));

    let bound_to =
        |s: &SimState, c: &str| claim_volume_name(&pvc(s, "default", c)).map(str::to_string);
    // Store order: c-1g first takes the smallest; c-8g the smallest 10Gi by name.
    assert_eq!(bound_to(&s, "c-1g").as_deref(), Some("pv-small"));
    assert_eq!(bound_to(&s, "c-8g").as_deref(), Some("pv-mid-a"));
    assert_eq!(bound_to(&s, "c-rwx").as_deref(), Some("pv-rwx"));
    assert_eq!(bound_to(&s, "c-none"), None);
    assert_eq!(claim_phase(&pvc(&s, "default", "c-none")), "Pending");
    let c = json_of(&pvc(&s, "default", "c-8g"));
    assert_eq!(c["status"]["capacity"]["storage"], "10Gi");
    assert_eq!(c["metadata"]["annotations"][ANN_BOUND_BY_CONTROLLER], "yes");
    let v = json_of(&pv(&s, "pv-mid-a"));
    assert_eq!(v["status"]["phase"], "Bound");
    assert_eq!(v["metadata"]["annotations"][ANN_BOUND_BY_CONTROLLER], "yes");
    assert_eq!(v["spec"]["claimRef"]["name"], "c-8g");
    assert_eq!(pv_phase(&pv(&s, "pv-other")), "Available");
    assert_eq!(pv_phase(&pv(&s, "pv-big")), "Available");
    // No provisioner: the PV controller waits for an administrator.
    let waiting = events(&s, "c-none", "ExternalProvisioning");
    assert_eq!(waiting.len(), 1);
    assert!(waiting[0].1.contains("'kubernetes.io/no-provisioner'"));
    assert!(s.list::<PersistentVolume>(None).len() == 6);
}

#[test]
fn claims_naming_a_volume_and_volumes_prebound_to_a_claim() {
    let mut s = sim();
    class(
        &mut s,
        "manual",
        NO_PROVISIONER,
        "Immediate",
        "Retain",
        json!({}),
    );
    static_pv(&mut s, "pv-a", "manual", "5Gi", &["ReadWriteOnce"], None);
    static_pv(&mut s, "pv-b", "manual", "50Gi", &["ReadWriteOnce"], None);
    let mut b = pv(&s, "pv-b");
    b.spec.as_mut().unwrap().claim_ref = Some(k8s_openapi::api::core::v1::ObjectReference {
        namespace: Some("default".into()),
        name: Some("wants-b".into()),
        ..Default::default()
    });
    s.put(b).unwrap();
    let mut v = json!({
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "names-a", "namespace": "default"},
        "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "manual",
            "volumeName": "pv-a", "resources": {"requests": {"storage": "1Gi"}}},
    });
    create(&mut s, v.clone());
    v["metadata"]["name"] = json!("other");
    v["spec"]["volumeName"] = Value::Null;
    create(&mut s, v.clone());
    v["metadata"]["name"] = json!("wants-b");
    create(&mut s, v);
    run(&mut s, secs(1));
    let a = json_of(&pvc(&s, "default", "names-a"));
    assert_eq!(a["status"]["phase"], "Bound");
    assert!(a["metadata"]["annotations"][ANN_BOUND_BY_CONTROLLER].is_null());
    // pv-b is pre-bound to wants-b: "other" gets nothing although it fits.
    assert_eq!(
        claim_volume_name(&pvc(&s, "default", "wants-b")),
        Some("pv-b")
    );
    assert_eq!(claim_phase(&pvc(&s, "default", "other")), "Pending");
    assert!(json_of(&pv(&s, "pv-b"))["metadata"]["annotations"][ANN_BOUND_BY_CONTROLLER].is_null());
}

#[test]
fn static_local_volume_for_a_wffc_class_binds_on_the_selected_node() {
    let mut s = sim();
    class(
        &mut s,
        "local-storage",
        NO_PROVISIONER,
        "WaitForFirstConsumer",
        "Retain",
        json!({}),
    );
    static_pv(
        &mut s,
        "local-n1",
        "local-storage",
        "100Gi",
        &["ReadWriteOnce"],
        Some("n1"),
    );
    static_pv(
        &mut s,
        "local-n2",
        "local-storage",
        "100Gi",
        &["ReadWriteOnce"],
        Some("n2"),
    );
    claim(
        &mut s,
        "default",
        "data-kafka-0",
        Some("local-storage"),
        "50Gi",
        &["ReadWriteOnce"],
    );
    run(&mut s, secs(3));
    assert_eq!(claim_phase(&pvc(&s, "default", "data-kafka-0")), "Pending");
    assert_eq!(events(&s, "data-kafka-0", "WaitForFirstConsumer").len(), 1);
    assert_eq!(pv_phase(&pv(&s, "local-n1")), "Available");
    select_node(&mut s, "default", "data-kafka-0", "n2");
    run(&mut s, TICK);
    let c = pvc(&s, "default", "data-kafka-0");
    assert_eq!(claim_phase(&c), "Bound");
    assert_eq!(claim_volume_name(&c), Some("local-n2"));
    assert_eq!(pv_phase(&pv(&s, "local-n1")), "Available");
    // A node no volume can reach: nothing binds.
    claim(
        &mut s,
        "default",
        "data-kafka-1",
        Some("local-storage"),
        "50Gi",
        &["ReadWriteOnce"],
    );
    select_node(&mut s, "default", "data-kafka-1", "n3");
    run(&mut s, secs(2));
    assert_eq!(claim_phase(&pvc(&s, "default", "data-kafka-1")), "Pending");
    assert_eq!(pv_phase(&pv(&s, "local-n1")), "Available");
}

#[test]
fn missing_class_stays_pending_with_one_aggregated_event() {
    let mut s = sim();
    claim(
        &mut s,
        "default",
        "orphan",
        Some("fast-ssd"),
        "1Gi",
        &["ReadWriteOnce"],
    );
    run(&mut s, secs(40));
    let c = pvc(&s, "default", "orphan");
    assert_eq!(claim_phase(&c), "Pending");
    let failed = events(&s, "orphan", "ProvisioningFailed");
    assert_eq!(failed.len(), 1);
    let (t, message, count, component) = &failed[0];
    assert_eq!(t, "Warning");
    assert_eq!(
        message,
        "storageclass.storage.k8s.io \"fast-ssd\" not found"
    );
    assert_eq!(component, PV_CONTROLLER);
    assert!(
        (2..=4).contains(count),
        "one every 15s, not every tick: {count}"
    );
    assert!(s.list::<PersistentVolume>(None).is_empty());

    // The class appears: provisioning goes ahead.
    class(
        &mut s,
        "fast-ssd",
        "ebs.csi.aws.com",
        "Immediate",
        "Delete",
        json!({}),
    );
    run(&mut s, secs(2));
    assert_eq!(claim_phase(&pvc(&s, "default", "orphan")), "Bound");
}

/// A Bound claim with a Running Pod using it, on class `class`.
fn bound_claim_with_pod(s: &mut SimState, class_name: &str, reclaim: &str) -> String {
    class(
        s,
        class_name,
        HOSTPATH_CSI,
        "Immediate",
        reclaim,
        json!({"allowVolumeExpansion": true}),
    );
    claim(
        s,
        "default",
        "data-db-0",
        Some(class_name),
        "1Gi",
        &["ReadWriteOnce"],
    );
    run(s, secs(2));
    pod(
        s,
        "default",
        "db-0",
        &[("data", "data-db-0")],
        "n1",
        "Running",
    );
    run(s, TICK);
    let c = pvc(s, "default", "data-db-0");
    assert_eq!(claim_phase(&c), "Bound");
    claim_volume_name(&c).unwrap().to_string()
}

#[test]
fn claim_deletion_waits_for_pods_then_the_volume_is_deleted() {
    let mut s = sim();
    let volume = bound_claim_with_pod(&mut s, "hp", "Delete");
    s.delete(Kind::PersistentVolumeClaim, "default", "data-db-0", None)
        .unwrap();
    run(&mut s, secs(5));
    let c = pvc(&s, "default", "data-db-0");
    assert!(c.metadata.deletion_timestamp.is_some());
    assert_eq!(
        c.metadata.finalizers.as_deref(),
        Some(&["kubernetes.io/pvc-protection".to_string()][..])
    );
    assert_eq!(pv_phase(&pv(&s, &volume)), "Bound");

    // A terminating Pod still protects the claim.
    s.delete(Kind::Pod, "default", "db-0", Some(30)).unwrap();
    run(&mut s, secs(1));
    assert!(
        s.get::<PersistentVolumeClaim>("default", "data-db-0")
            .is_some()
    );

    set_pod_phase(&mut s, "default", "db-0", "Succeeded");
    run(&mut s, TICK);
    assert!(
        s.get::<PersistentVolumeClaim>("default", "data-db-0")
            .is_none()
    );
    assert!(
        s.get::<PersistentVolume>("", &volume).is_none(),
        "Delete policy"
    );
    let deleted = events(&s, &volume, "VolumeDeleted");
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0].0, "Normal");
    assert!(s.storage.record("default", "data-db-0").is_none());
}

#[test]
fn retained_volumes_are_released_and_never_rebound() {
    let mut s = sim();
    let volume = bound_claim_with_pod(&mut s, "hp", "Retain");
    s.finish_pod_deletion("default", "db-0").unwrap();
    s.delete(Kind::PersistentVolumeClaim, "default", "data-db-0", None)
        .unwrap();
    run(&mut s, TICK);
    assert!(
        s.get::<PersistentVolumeClaim>("default", "data-db-0")
            .is_none()
    );
    let v = json_of(&pv(&s, &volume));
    assert_eq!(v["status"]["phase"], "Released");
    assert_eq!(v["spec"]["claimRef"]["name"], "data-db-0");
    // A new claim of the same name gets a new volume, not the released one.
    claim(
        &mut s,
        "default",
        "data-db-0",
        Some("hp"),
        "1Gi",
        &["ReadWriteOnce"],
    );
    run(&mut s, secs(2));
    let c = pvc(&s, "default", "data-db-0");
    assert_eq!(claim_phase(&c), "Bound");
    assert_ne!(claim_volume_name(&c), Some(volume.as_str()));
    assert_eq!(pv_phase(&pv(&s, &volume)), "Released");

    // A Released volume deleted by the user goes (pv-protection lets go).
    s.delete(Kind::PersistentVolume, "", &volume, None).unwrap();
    run(&mut s, TICK);
    assert!(s.get::<PersistentVolume>("", &volume).is_none());
}

#[test]
fn bound_volumes_being_deleted_keep_pv_protection() {
    let mut s = sim();
    let volume = bound_claim_with_pod(&mut s, "hp", "Retain");
    s.delete(Kind::PersistentVolume, "", &volume, None).unwrap();
    run(&mut s, secs(2));
    let v = pv(&s, &volume);
    assert!(v.metadata.deletion_timestamp.is_some());
    assert_eq!(pv_phase(&v), "Bound");
    assert_eq!(claim_phase(&pvc(&s, "default", "data-db-0")), "Bound");
}

#[test]
fn a_bound_claim_whose_volume_vanished_is_lost() {
    let mut s = sim();
    let volume = bound_claim_with_pod(&mut s, "hp", "Retain");
    s.store.remove(Kind::PersistentVolume, "", &volume).unwrap();
    run(&mut s, TICK);
    assert_eq!(claim_phase(&pvc(&s, "default", "data-db-0")), "Lost");
    let lost = events(&s, "data-db-0", "ClaimLost");
    assert_eq!(lost.len(), 1);
    assert_eq!(lost[0].0, "Warning");
    assert_eq!(
        lost[0].1,
        "Bound claim has lost its PersistentVolume. Data on the volume is lost!"
    );
    run(&mut s, secs(30));
    assert_eq!(events(&s, "data-db-0", "ClaimLost")[0].2, 1);
}

fn request_storage(s: &mut SimState, ns: &str, name: &str, size: &str) {
    let mut c = pvc(s, ns, name);
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
            k8s_openapi::apimachinery::pkg::api::resource::Quantity(size.into()),
        );
    s.update(c.wrap(), None)
        .expect("the API accepts the expansion");
}

fn condition_types(c: &PersistentVolumeClaim) -> Vec<String> {
    c.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .map(|cs| cs.iter().map(|c| c.type_.clone()).collect())
        .unwrap_or_default()
}

#[test]
fn expansion_goes_through_resizing_and_file_system_resize_with_a_pod() {
    let mut s = sim();
    let volume = bound_claim_with_pod(&mut s, "hp", "Delete");
    request_storage(&mut s, "default", "data-db-0", "2Gi");
    run(&mut s, TICK);
    let c = json_of(&pvc(&s, "default", "data-db-0"));
    assert_eq!(c["status"]["conditions"][0]["type"], "Resizing");
    assert_eq!(c["status"]["conditions"][0]["status"], "True");
    assert!(c["status"]["conditions"][0]["lastTransitionTime"].is_string());
    assert_eq!(c["status"]["allocatedResources"]["storage"], "2Gi");
    assert_eq!(
        c["status"]["allocatedResourceStatuses"]["storage"],
        "ControllerResizeInProgress"
    );
    assert_eq!(c["status"]["capacity"]["storage"], "1Gi");
    assert_eq!(
        events(&s, "data-db-0", "ExternalExpanding")[0].1,
        "waiting for an external controller to expand this PVC"
    );
    let resizing = events(&s, "data-db-0", "Resizing");
    assert_eq!(
        resizing[0].1,
        format!("External resizer is resizing volume {volume}")
    );
    assert_eq!(resizing[0].3, "external-resizer hostpath.csi.k8s.io");

    run(&mut s, secs(10));
    let c = json_of(&pvc(&s, "default", "data-db-0"));
    assert_eq!(
        json_of(&pv(&s, &volume))["spec"]["capacity"]["storage"],
        "2Gi"
    );
    assert_eq!(
        c["status"]["conditions"][0]["type"],
        "FileSystemResizePending"
    );
    assert_eq!(
        c["status"]["conditions"][0]["message"],
        "Waiting for user to (re-)start a pod to finish file system resize of volume on node."
    );
    assert_eq!(
        c["status"]["allocatedResourceStatuses"]["storage"],
        "NodeResizePending"
    );
    assert_eq!(c["status"]["capacity"]["storage"], "1Gi");
    assert_eq!(events(&s, "data-db-0", "FileSystemResizeRequired").len(), 1);

    run(&mut s, secs(6));
    let claim = pvc(&s, "default", "data-db-0");
    let c = json_of(&claim);
    assert_eq!(c["status"]["capacity"]["storage"], "2Gi");
    assert!(c["status"]["conditions"].is_null());
    assert!(c["status"]["allocatedResourceStatuses"].is_null());
    let done = events(&s, "data-db-0", "FileSystemResizeSuccessful");
    assert_eq!(
        done[0].1,
        format!("MountVolume.NodeExpandVolume succeeded for volume \"{volume}\" n1")
    );
    assert_eq!(done[0].3, "kubelet");
    assert_eq!(volume_stats(&s, &claim).unwrap().capacity_bytes, 2 * GI);
}

#[test]
fn expansion_without_a_running_pod_stays_file_system_resize_pending() {
    let mut s = sim();
    let volume = bound_claim_with_pod(&mut s, "hp", "Delete");
    set_pod_phase(&mut s, "default", "db-0", "Pending");
    request_storage(&mut s, "default", "data-db-0", "3Gi");
    run(&mut s, secs(60));
    let c = pvc(&s, "default", "data-db-0");
    assert_eq!(condition_types(&c), ["FileSystemResizePending"]);
    assert_eq!(claim_capacity(&c), Some(GI));
    assert_eq!(pv_capacity(&pv(&s, &volume)), Some(3 * GI));
    assert!(events(&s, "data-db-0", "FileSystemResizeSuccessful").is_empty());
    // The Pod (re)starts: the kubelet finishes the resize.
    set_pod_phase(&mut s, "default", "db-0", "Running");
    run(&mut s, secs(6));
    let c = pvc(&s, "default", "data-db-0");
    assert!(condition_types(&c).is_empty());
    assert_eq!(claim_capacity(&c), Some(3 * GI));
}

#[test]
fn non_csi_volumes_are_never_expanded() {
    let mut s = sim();
    class(
        &mut s,
        "local-path",
        LOCAL_PATH,
        "WaitForFirstConsumer",
        "Delete",
        json!({"allowVolumeExpansion": true}),
    );
    claim(
        &mut s,
        "default",
        "d",
        Some("local-path"),
        "1Gi",
        &["ReadWriteOnce"],
    );
    select_node(&mut s, "default", "d", "n1");
    run(&mut s, secs(2));
    request_storage(&mut s, "default", "d", "2Gi");
    run(&mut s, secs(60));
    let c = pvc(&s, "default", "d");
    assert!(condition_types(&c).is_empty());
    assert_eq!(claim_capacity(&c), Some(GI));
    assert_eq!(events(&s, "d", "ExternalExpanding").len(), 1);
    assert!(events(&s, "d", "Resizing").is_empty());
}

fn workload(ns: &str, sts: &str, template: &str, initial: u64, growth: u64) -> Workload {
    Workload {
        namespace: ns.into(),
        statefulset: sts.into(),
        start_after: secs(1),
        ready_after: secs(1),
        volume_usage: BTreeMap::from([(
            template.to_string(),
            VolumeUsage {
                initial_bytes: initial,
                growth_per_hour_bytes: growth,
                inodes_used: 1200,
            },
        )]),
    }
}

#[test]
fn usage_starts_from_the_workload_grows_is_capped_and_can_be_overridden() {
    let mut s = sim();
    s.behaviour
        .workloads
        .push(workload("shop", "db", "data", GI, 512 * MI));
    class(&mut s, "hp", HOSTPATH_CSI, "Immediate", "Delete", json!({}));
    claim(
        &mut s,
        "shop",
        "data-db-0",
        Some("hp"),
        "4Gi",
        &["ReadWriteOnce"],
    );
    claim(
        &mut s,
        "shop",
        "logs-db-0",
        Some("hp"),
        "10Gi",
        &["ReadWriteOnce"],
    );
    run(&mut s, secs(2));
    let data = pvc(&s, "shop", "data-db-0");
    let logs = pvc(&s, "shop", "logs-db-0");
    // Bound a moment ago: the initial usage plus a second or so of growth.
    let st = volume_stats(&s, &data).unwrap();
    assert!((GI..GI + MI).contains(&st.used_bytes), "{}", st.used_bytes);
    assert_eq!(st.capacity_bytes, 4 * GI);
    assert_eq!(st.available_bytes, 4 * GI - st.used_bytes);
    assert_eq!(st.inodes, 4 * GI / super::BYTES_PER_INODE);
    assert_eq!(st.inodes_used, 1200);
    assert_eq!(st.inodes_free, st.inodes - 1200);
    // No usage for that template: 3% of capacity, no growth.
    let default = volume_stats(&s, &logs).unwrap();
    assert_eq!(default.used_bytes, 10 * GI * 3 / 100);
    assert_eq!(default.inodes_used, super::DEFAULT_INODES_USED);

    s.advance_clock(Duration::from_secs(2 * 3600));
    reconcile(&mut s);
    let st = volume_stats(&s, &data).unwrap();
    assert!(
        (2 * GI..2 * GI + MI).contains(&st.used_bytes),
        "{}",
        st.used_bytes
    );
    assert!(st.inodes_used > 1200, "inodes grow with data");
    assert_eq!(
        volume_stats(&s, &logs).unwrap().used_bytes,
        default.used_bytes
    );

    s.advance_clock(Duration::from_secs(10 * 3600));
    assert_eq!(
        volume_stats(&s, &data).unwrap().used_bytes,
        4 * GI,
        "capped"
    );
    assert_eq!(volume_stats(&s, &data).unwrap().available_bytes, 0);

    s.storage.set_usage("shop", "data-db-0", 3 * GI);
    reconcile(&mut s);
    assert_eq!(volume_stats(&s, &data).unwrap().used_bytes, 3 * GI);
    s.advance_clock(Duration::from_secs(3600));
    assert_eq!(
        volume_stats(&s, &data).unwrap().used_bytes,
        3 * GI + 512 * MI
    );
}

#[test]
fn a_full_volume_grows_again_only_after_its_resize() {
    let mut s = sim();
    s.behaviour
        .workloads
        .push(workload("default", "db", "data", 900 * MI, 100 * MI));
    bound_claim_with_pod(&mut s, "hp", "Delete");
    s.advance_clock(Duration::from_secs(5 * 3600));
    reconcile(&mut s);
    let c = pvc(&s, "default", "data-db-0");
    assert_eq!(volume_stats(&s, &c).unwrap().used_bytes, GI);
    request_storage(&mut s, "default", "data-db-0", "2Gi");
    run(&mut s, secs(20));
    let c = pvc(&s, "default", "data-db-0");
    assert_eq!(claim_capacity(&c), Some(2 * GI));
    let used = volume_stats(&s, &c).unwrap().used_bytes;
    assert!(
        (GI..GI + MI).contains(&used),
        "continues from full, no jump: {used}"
    );
}

#[test]
fn unchanged_clusters_are_not_rescanned() {
    let mut s = sim();
    class(&mut s, "hp", HOSTPATH_CSI, "Immediate", "Delete", json!({}));
    for i in 0..50 {
        claim(
            &mut s,
            "default",
            &format!("c{i}"),
            Some("hp"),
            "1Gi",
            &["ReadWriteOnce"],
        );
    }
    run(&mut s, secs(3));
    assert!(
        s.list::<PersistentVolumeClaim>(None)
            .iter()
            .all(|c| claim_phase(c) == "Bound")
    );
    let records = s.storage.record_count();
    assert_eq!(records, 50);
    let rv = s.store.resource_version();
    run(&mut s, secs(60));
    assert_eq!(
        s.store.resource_version(),
        rv,
        "settled claims are left alone"
    );
    assert!(s.storage.next_wake.is_none());
    assert!(s.storage.claim_work.is_empty() && s.storage.volume_work.is_empty());
    // Deterministic: the same seed gives the same volumes.
    let mut again = sim();
    class(
        &mut again,
        "hp",
        HOSTPATH_CSI,
        "Immediate",
        "Delete",
        json!({}),
    );
    for i in 0..50 {
        claim(
            &mut again,
            "default",
            &format!("c{i}"),
            Some("hp"),
            "1Gi",
            &["ReadWriteOnce"],
        );
    }
    run(&mut again, secs(3));
    let names = |s: &SimState| -> Vec<_> {
        s.list::<PersistentVolume>(None)
            .into_iter()
            .map(|p| {
                (
                    p.metadata.name,
                    p.spec.and_then(|s| s.csi).map(|c| c.volume_handle),
                )
            })
            .collect()
    };
    assert_eq!(names(&s), names(&again));
}
