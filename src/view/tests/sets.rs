//! Fixture tests of sets, Pods and rollouts: health, ordinals, partition
//! and the change log.

use super::fixture::*;
use super::*;
use serde_json::json;

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

/// Pods and claims outside `[start, start + replicas)` are rows too (a Pod
/// left by a scale-down, a Pod the set no longer counts), from scratch and
/// through the memo alike; inside the range the list is the range itself.
#[test]
fn pods_and_claims_outside_the_range_are_rows_too() {
    let mut f = Fx::healthy();
    f.sts(json!({"spec": {"replicas": 2}}));
    // A Pod beyond the range with no claim of its own.
    f.pod(5, "aaa", "n1", "ready", json!({}));
    let d = f.detail(None);
    let ords: Vec<i32> = d.ordinals.iter().map(|r| r.ordinal).collect();
    assert_eq!(ords, [0, 1, 2, 5]);
    for r in &d.ordinals[2..] {
        assert!(r.beyond_replicas && r.exists, "{r:?}");
    }
    let mut memo = crate::view::memo::DetailMemo::default();
    let kept = memo.detail(&f.store, "app", "web", None, f.now).unwrap();
    assert_eq!(*kept, d);
    // Shifted by `ordinals.start`, web-0 is outside below the range.
    f.sts(json!({"spec": {"replicas": 3, "ordinals": {"start": 1}}}));
    let ords: Vec<i32> = f.detail(None).ordinals.iter().map(|r| r.ordinal).collect();
    assert_eq!(ords, [0, 1, 2, 3, 5]);
}
