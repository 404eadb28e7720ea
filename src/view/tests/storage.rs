//! Fixture tests of storage: claims, volumes, classes, usage and the
//! Warning events about them.

use super::fixture::*;
use super::*;
use serde_json::json;

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
