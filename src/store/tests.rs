use serde_json::json;

use super::*;

pub(crate) fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn now() -> Timestamp {
    t("2026-01-01T00:10:00Z")
}

pub(crate) fn pod_json(
    ns: &str,
    name: &str,
    owner: Option<&str>,
    node: &str,
    ready: bool,
) -> serde_json::Value {
    let mut meta = json!({"namespace": ns, "name": name, "uid": format!("uid-{name}"),
        "creationTimestamp": "2026-01-01T00:00:00Z",
        "labels": {"controller-revision-hash": "web-aaa"}});
    if let Some(o) = owner {
        meta["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": o, "uid": "u", "controller": true}]);
    }
    json!({
        "metadata": meta,
        "spec": {"nodeName": node, "containers": [{"name": "app"}, {"name": "sidecar"}],
                 "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": format!("data-{name}")}}]},
        "status": {"phase": "Running", "podIP": "10.0.0.1",
            "conditions": [{"type": "Ready", "status": if ready {"True"} else {"False"}, "lastTransitionTime": "2026-01-01T00:01:00Z"}],
            "containerStatuses": [
                {"name": "app", "image": "x", "imageID": "", "ready": true, "restartCount": 0, "state": {"running": {}}},
                {"name": "sidecar", "image": "x", "imageID": "", "ready": ready, "restartCount": 0, "state": {"running": {}}}]}
    })
}

fn pod(ns: &str, name: &str, owner: Option<&str>, node: &str, ready: bool) -> Object {
    let p: k8s_openapi::api::core::v1::Pod =
        serde_json::from_value(pod_json(ns, name, owner, node, ready)).unwrap();
    Object::from(&p)
}

fn set(ns: &str, name: &str, replicas: i32) -> Object {
    let s: k8s_openapi::api::apps::v1::StatefulSet = serde_json::from_value(json!({
        "metadata": {"namespace": ns, "name": name, "creationTimestamp": "2026-01-01T00:00:00Z"},
        "spec": {"replicas": replicas, "serviceName": name, "selector": {"matchLabels": {"app": name}},
                 "template": {"spec": {"containers": [{"name": "app", "image": "nginx:1"}]}}},
        "status": {"replicas": replicas}
    }))
    .unwrap();
    Object::from(&s)
}

fn claim(ns: &str, name: &str, phase: &str) -> Object {
    let c: k8s_openapi::api::core::v1::PersistentVolumeClaim = serde_json::from_value(json!({
        "metadata": {"namespace": ns, "name": name, "uid": format!("uid-{name}")},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
        "status": {"phase": phase}
    }))
    .unwrap();
    Object::from(&c)
}

#[test]
fn kinds_have_labels_in_order() {
    let labels: Vec<&str> = Kind::ALL.iter().map(|k| k.label()).collect();
    assert_eq!(
        labels,
        [
            "StatefulSets",
            "Pods",
            "PVCs",
            "PVs",
            "StorageClasses",
            "Nodes",
            "Events",
            "Revisions"
        ]
    );
}

#[test]
fn pod_slimming_keeps_kubectl_columns_and_identity() {
    let Object::Pod(p) = pod("ns", "web-1", Some("web"), "n1", false) else {
        panic!()
    };
    assert_eq!(p.status_text, "Running");
    assert_eq!((p.ready_containers, p.total_containers), (1, 2));
    assert!(!p.ready);
    assert_eq!(p.owner_set.as_deref(), Some("web"));
    assert_eq!(p.claims, vec!["data-web-1".to_string()]);
    assert_eq!(pod_slot(&p), Some(("web".into(), 1)));
}

#[test]
fn pods_are_indexed_by_owner_or_name_pattern() {
    let mut s = Store::new();
    s.apply(
        StoreEvent::Applied(pod("ns", "web-0", Some("web"), "n1", true)),
        now(),
    );
    // No ownerReference: found by the `<set>-<ordinal>` pattern.
    s.apply(
        StoreEvent::Applied(pod("ns", "web-2", None, "n1", true)),
        now(),
    );
    // Not an ordinal name.
    s.apply(
        StoreEvent::Applied(pod("ns", "web-abcde", None, "n1", true)),
        now(),
    );
    s.apply(
        StoreEvent::Applied(pod("ns", "web-01", None, "n1", true)),
        now(),
    );
    let ords: Vec<i32> = s.pods_of_set("ns", "web").map(|(n, _)| n).collect();
    assert_eq!(ords, vec![0, 2]);
    assert_eq!(s.pod_of("ns", "web", 2).unwrap().name, "web-2");
    assert!(s.pod_of("ns", "web", 1).is_none());
    assert!(s.pod_of("other", "web", 0).is_none());
    // Deleting unindexes.
    s.apply(
        StoreEvent::Deleted(pod("ns", "web-2", None, "n1", true)),
        now(),
    );
    assert!(s.pod_of("ns", "web", 2).is_none());
}

/// `pods_of_set` walks the Pods named `<set>-…` once: the answer is in
/// ordinal order (names sort `web-1`, `web-10`, `web-2`), leaves out a
/// neighbouring set whose name starts the same, and equals the index when
/// the walk cannot read an ordinal from a name the index holds.
#[test]
fn a_sets_pods_come_in_ordinal_order_from_one_walk() {
    let mut s = Store::new();
    for name in ["web-10", "web-2", "web-1"] {
        s.apply(
            StoreEvent::Applied(pod("ns", name, Some("web"), "n1", true)),
            now(),
        );
    }
    s.apply(
        StoreEvent::Applied(pod("ns", "web-x-0", Some("web-x"), "n1", true)),
        now(),
    );
    s.apply(
        StoreEvent::Applied(pod("other", "web-3", Some("web"), "n1", true)),
        now(),
    );
    let ords: Vec<(i32, String)> = s
        .pods_of_set("ns", "web")
        .map(|(n, p)| (n, p.name.clone()))
        .collect();
    assert_eq!(
        ords,
        [
            (1, "web-1".into()),
            (2, "web-2".into()),
            (10, "web-10".into())
        ]
    );
    let ords: Vec<i32> = s.pods_of_set("ns", "web-x").map(|(n, _)| n).collect();
    assert_eq!(ords, [0]);
    // Owned by `web` but named so the walk reads no ordinal from it: the
    // index (ordinal 0 by the name's last number) still answers.
    s.apply(
        StoreEvent::Applied(pod("ns", "web-y-0", Some("web"), "n1", true)),
        now(),
    );
    let ords: Vec<i32> = s.pods_of_set("ns", "web").map(|(n, _)| n).collect();
    assert_eq!(ords, [0, 1, 2, 10]);
    assert!(s.pods_of_set("ns", "nothing").next().is_none());
}

#[test]
fn unchanged_apply_does_not_bump_generation() {
    let mut s = Store::new();
    assert!(s.apply(StoreEvent::Applied(set("ns", "web", 3)), now()));
    let g = s.generation();
    assert!(!s.apply(StoreEvent::Applied(set("ns", "web", 3)), now()));
    assert_eq!(s.generation(), g);
    assert!(s.apply(StoreEvent::Applied(set("ns", "web", 5)), now()));
    assert_eq!(s.generation(), g + 1);
    // Deleting something unknown changes nothing.
    assert!(!s.apply(StoreEvent::Deleted(set("ns", "nope", 1)), now()));
    assert_eq!(s.generation(), g + 1);
}

#[test]
fn restarted_swaps_in_a_kind_and_goes_live() {
    let mut s = Store::new();
    assert_eq!(*s.sync(Kind::Pod), SyncState::Syncing);
    s.apply(
        StoreEvent::Restarted(
            Kind::Pod,
            vec![
                pod("ns", "web-0", Some("web"), "n1", true),
                pod("ns", "web-1", Some("web"), "n2", true),
            ],
        ),
        now(),
    );
    assert_eq!(*s.sync(Kind::Pod), SyncState::Live { since: now() });
    assert_eq!(s.pods_of_set("ns", "web").count(), 2);
    // The first list logs nothing.
    assert_eq!(s.log().count(), 0);
    // A re-list after a disconnect: web-1 was deleted meanwhile.
    let later = t("2026-01-01T00:11:00Z");
    s.apply(
        StoreEvent::WatchError {
            kind: Kind::Pod,
            message: "connection reset".into(),
            forbidden: false,
        },
        later,
    );
    assert!(s.apply(
        StoreEvent::Restarted(Kind::Pod, vec![pod("ns", "web-0", Some("web"), "n1", true)]),
        later,
    ));
    assert!(s.pod("ns", "web-1").is_none());
    assert!(s.pod_of("ns", "web", 1).is_none());
    assert_eq!(s.pods_of_set("ns", "web").count(), 1);
    assert_eq!(*s.sync(Kind::Pod), SyncState::Live { since: later });
    let log: Vec<_> = s.log().collect();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].key, ("ns".to_string(), "web-1".to_string()));
    assert_eq!(log[0].change, "deleted");
    // The same list again changes nothing.
    let g = s.generation();
    assert!(!s.apply(
        StoreEvent::Restarted(Kind::Pod, vec![pod("ns", "web-0", Some("web"), "n1", true)]),
        later,
    ));
    assert_eq!(s.generation(), g);
}

#[test]
fn watch_errors_set_reconnecting_or_forbidden() {
    let mut s = Store::new();
    let t1 = t("2026-01-01T00:00:10Z");
    let t2 = t("2026-01-01T00:00:40Z");
    s.apply(StoreEvent::Restarted(Kind::Node, vec![]), t1);
    s.apply(
        StoreEvent::WatchError {
            kind: Kind::Node,
            message: "eof".into(),
            forbidden: false,
        },
        t1,
    );
    s.apply(
        StoreEvent::WatchError {
            kind: Kind::Node,
            message: "refused".into(),
            forbidden: false,
        },
        t2,
    );
    // The first `since` is kept while reconnecting continues.
    assert_eq!(
        *s.sync(Kind::Node),
        SyncState::Reconnecting {
            since: t1,
            error: "refused".into()
        }
    );
    s.apply(
        StoreEvent::WatchError {
            kind: Kind::Volume,
            message: "pv is forbidden".into(),
            forbidden: true,
        },
        t2,
    );
    assert_eq!(
        *s.sync(Kind::Volume),
        SyncState::Forbidden {
            message: "pv is forbidden".into()
        }
    );
}

#[test]
fn change_log_describes_transitions() {
    let mut s = Store::new();
    let n = now();
    s.apply(StoreEvent::Applied(set("ns", "web", 3)), n);
    s.apply(StoreEvent::Applied(set("ns", "web", 5)), n);
    s.apply(
        StoreEvent::Applied(pod("ns", "web-1", Some("web"), "n1", false)),
        n,
    );
    s.apply(
        StoreEvent::Applied(pod("ns", "web-1", Some("web"), "n1", true)),
        n,
    );
    let mut terminating = pod_json("ns", "web-1", Some("web"), "n1", true);
    terminating["metadata"]["deletionTimestamp"] = json!("2026-01-01T00:09:00Z");
    let p: k8s_openapi::api::core::v1::Pod = serde_json::from_value(terminating).unwrap();
    s.apply(StoreEvent::Applied(Object::from(&p)), n);
    s.apply(StoreEvent::Applied(claim("ns", "data-web-1", "Pending")), n);
    s.apply(StoreEvent::Applied(claim("ns", "data-web-1", "Bound")), n);
    s.apply(StoreEvent::Deleted(Object::from(&p)), n);
    let changes: Vec<(String, String)> = s
        .log()
        .map(|l| (format!("{}/{}", l.kind.short(), l.key.1), l.change.clone()))
        .collect();
    let want = [
        ("statefulset/web", "created"),
        ("statefulset/web", "replicas 3 → 5"),
        ("pod/web-1", "created"),
        ("pod/web-1", "ready 1/2 → 2/2"),
        ("pod/web-1", "Running → Terminating"),
        ("pvc/data-web-1", "created"),
        ("pvc/data-web-1", "Pending → Bound"),
        ("pod/web-1", "deleted"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(changes, want);
}

#[test]
fn change_log_is_bounded() {
    let mut s = Store::new();
    for i in 0..(LOG_CAPACITY + 20) {
        s.apply(StoreEvent::Applied(set("ns", &format!("s{i}"), 1)), now());
    }
    assert_eq!(s.log().count(), LOG_CAPACITY);
    assert_eq!(s.log().next().unwrap().key.1, "s20");
}

#[test]
fn volumes_are_indexed_by_claim_ref() {
    let pv = |name: &str, claim: &str, uid: &str, phase: &str| -> Object {
        let v: k8s_openapi::api::core::v1::PersistentVolume = serde_json::from_value(json!({
            "metadata": {"name": name},
            "spec": {"capacity": {"storage": "10Gi"}, "claimRef": {"namespace": "ns", "name": claim, "uid": uid},
                     "persistentVolumeReclaimPolicy": "Retain", "local": {"path": "/mnt/d"},
                     "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                        {"key": "kubernetes.io/hostname", "operator": "In", "values": ["w3"]}]}]}}},
            "status": {"phase": phase}
        }))
        .unwrap();
        Object::from(&v)
    };
    let mut s = Store::new();
    s.apply(
        StoreEvent::Applied(pv("pv-old", "data-web-0", "old-uid", "Released")),
        now(),
    );
    s.apply(
        StoreEvent::Applied(pv("pv-new", "data-web-0", "uid-data-web-0", "Bound")),
        now(),
    );
    s.apply(
        StoreEvent::Applied(claim("ns", "data-web-0", "Bound")),
        now(),
    );
    let names: Vec<&str> = s
        .volumes_for_claim("ns", "data-web-0")
        .map(|v| v.name.as_str())
        .collect();
    assert_eq!(names, ["pv-new", "pv-old"]);
    // The claim has no spec.volumeName here: the uid picks the right PV.
    let c = s.claim("ns", "data-web-0").unwrap();
    assert_eq!(s.volume_of_claim(c).unwrap().name, "pv-new");
    let v = s.volume("pv-new").unwrap();
    assert_eq!(v.capacity_bytes, Some(10 << 30));
    assert_eq!(v.pinned_nodes, vec!["w3".to_string()]);
    assert_eq!(v.node_affinity, "kubernetes.io/hostname in (w3)");
    assert_eq!(v.source, "local /mnt/d");
    // Rebinding the index on update.
    s.apply(
        StoreEvent::Deleted(pv("pv-old", "data-web-0", "old-uid", "Released")),
        now(),
    );
    assert_eq!(s.volumes_for_claim("ns", "data-web-0").count(), 1);
}

#[test]
fn usage_reports_replace_a_nodes_volumes() {
    let mut s = Store::new();
    let u = |used| VolumeUsage {
        used_bytes: used,
        capacity_bytes: 100,
        available_bytes: 100 - used,
        inodes_used: 1,
        inodes: 10,
    };
    let k = |n: &str| ("ns".to_string(), n.to_string());
    assert!(s.apply(
        StoreEvent::Usage {
            node: "n1".into(),
            volumes: vec![(k("a"), u(10)), (k("b"), u(20))]
        },
        now()
    ));
    assert!(!s.apply(
        StoreEvent::Usage {
            node: "n1".into(),
            volumes: vec![(k("a"), u(10)), (k("b"), u(20))]
        },
        now()
    ));
    assert!(s.apply(
        StoreEvent::Usage {
            node: "n1".into(),
            volumes: vec![(k("a"), u(30))]
        },
        now()
    ));
    assert_eq!(s.usage("ns", "a").unwrap().usage.used_bytes, 30);
    assert!(s.usage("ns", "b").is_none());
    assert!(s.apply(
        StoreEvent::UsageError {
            node: "n1".into(),
            message: "403".into(),
            forbidden: true
        },
        now()
    ));
    assert!(s.usage("ns", "a").is_none());
    assert!(s.usage_error("n1").unwrap().forbidden);
}

#[test]
fn nodes_hosting_claims_and_namespaces() {
    let mut s = Store::new();
    s.apply(
        StoreEvent::Applied(pod("a", "web-0", Some("web"), "n1", true)),
        now(),
    );
    s.apply(
        StoreEvent::Applied(pod("b", "db-0", Some("db"), "n2", true)),
        now(),
    );
    s.apply(StoreEvent::Applied(set("c", "x", 1)), now());
    assert_eq!(
        s.nodes_hosting_claims(None),
        ["n1".to_string(), "n2".to_string()].into()
    );
    assert_eq!(s.nodes_hosting_claims(Some("a")), ["n1".to_string()].into());
    assert_eq!(s.namespaces(), vec!["a", "b", "c"]);
}

#[test]
fn namespace_ranges_do_not_leak_into_prefixed_namespaces() {
    let mut s = Store::new();
    s.apply(StoreEvent::Applied(set("kafka", "a", 1)), now());
    s.apply(StoreEvent::Applied(set("kafka-2", "b", 1)), now());
    s.apply(StoreEvent::Applied(set("kafk", "c", 1)), now());
    let names: Vec<&str> = s.sets(Some("kafka")).map(|x| x.name.as_str()).collect();
    assert_eq!(names, ["a"]);
    assert_eq!(s.sets(None).count(), 3);
}

fn event(ns: &str, name: &str, type_: &str, about: &str) -> Object {
    let e: k8s_openapi::api::core::v1::Event = serde_json::from_value(json!({
        "metadata": {"namespace": ns, "name": name},
        "involvedObject": {"kind": "Pod", "namespace": ns, "name": about},
        "type": type_, "reason": "R", "message": "m", "count": 1,
        "lastTimestamp": "2026-01-01T00:05:00Z"
    }))
    .unwrap();
    Object::from(&e)
}

fn events_feed(ns: Option<&str>, part: Part) -> Feed {
    Feed {
        kind: Kind::Event,
        namespace: ns.map(str::to_string),
        part,
    }
}

#[test]
fn a_feeds_relist_replaces_only_its_share() {
    let mut s = Store::new();
    let warnings = events_feed(Some("db"), Part::PodWarnings);
    let normal = events_feed(Some("db"), Part::NotWarnings);
    s.apply(
        StoreEvent::Relisted(warnings.clone(), vec![event("db", "w1", "Warning", "pg-0")]),
        now(),
    );
    s.apply(
        StoreEvent::Relisted(normal.clone(), vec![event("db", "n1", "Normal", "pg-0")]),
        now(),
    );
    assert_eq!(s.count(Kind::Event), 2);
    // The open set's feed lists again without n1: the Warning stays.
    s.apply(
        StoreEvent::Relisted(normal.clone(), vec![event("db", "n2", "Normal", "pg-1")]),
        now(),
    );
    let names: BTreeSet<String> = s.events(None).map(|e| e.name.clone()).collect();
    assert_eq!(names, ["n2", "w1"].map(String::from).into());
    // It stops: its events go, the Warnings stay.
    assert!(s.apply(StoreEvent::Stopped(normal.clone()), now()));
    let names: Vec<String> = s.events(None).map(|e| e.name.clone()).collect();
    assert_eq!(names, vec!["w1".to_string()]);
    assert!(!s.feeds().any(|(f, _)| *f == normal));
}

#[test]
fn a_kind_is_live_once_every_feed_of_it_has_listed() {
    let mut s = Store::new();
    let a = Feed::whole(Kind::Pod, Some("a"));
    let b = Feed::whole(Kind::Pod, Some("b"));
    for f in [&a, &b] {
        s.apply(
            StoreEvent::Listing {
                feed: f.clone(),
                received: 0,
            },
            now(),
        );
    }
    s.apply(
        StoreEvent::Listing {
            feed: b.clone(),
            received: 1000,
        },
        now(),
    );
    s.apply(
        StoreEvent::Relisted(a.clone(), vec![pod("a", "web-0", Some("web"), "n1", true)]),
        now(),
    );
    assert_eq!(*s.sync(Kind::Pod), SyncState::Syncing, "b is still listing");
    assert!(!s.is_synced(Kind::Pod));
    assert_eq!(s.receiving(Kind::Pod), Some(1000));
    s.apply(
        StoreEvent::Relisted(b.clone(), vec![pod("b", "db-0", Some("db"), "n1", true)]),
        now(),
    );
    assert_eq!(*s.sync(Kind::Pod), SyncState::Live { since: now() });
    assert!(s.is_synced(Kind::Pod));
    assert_eq!(s.receiving(Kind::Pod), None);
    assert_eq!(
        s.count(Kind::Pod),
        2,
        "each namespace's list kept the other's"
    );
}

#[test]
fn an_on_demand_kind_has_nothing_to_wait_for() {
    let mut s = Store::new();
    assert!(!s.is_synced(Kind::Revision));
    s.apply(StoreEvent::OnDemand(Kind::Revision), now());
    assert!(s.is_synced(Kind::Revision));
    assert_eq!(*s.sync(Kind::Revision), SyncState::Live { since: now() });
}

#[test]
fn a_change_to_one_ordinal_moves_only_its_generation() {
    let mut s = Store::new();
    s.apply(StoreEvent::Applied(set("ns", "web", 3)), now());
    s.apply(StoreEvent::Applied(set("ns", "db", 2)), now());
    for n in 0..3 {
        let name = format!("web-{n}");
        s.apply(
            StoreEvent::Applied(pod("ns", &name, Some("web"), "n1", true)),
            now(),
        );
        s.apply(
            StoreEvent::Applied(claim("ns", &format!("data-{name}"), "Bound")),
            now(),
        );
    }
    let at = |s: &Store| -> Vec<u64> {
        let g = s.ordinal_generations("ns", "web");
        (0..3).map(|n| g.of(n)).collect()
    };
    let before = at(&s);
    let set_before = s.set_generation("ns", "web");
    let db_before = s.set_generation("ns", "db");

    // A Pod: its ordinal (and the set's generation), no other.
    s.apply(
        StoreEvent::Applied(pod("ns", "web-1", Some("web"), "n1", false)),
        now(),
    );
    let after = at(&s);
    assert_eq!((after[0], after[2]), (before[0], before[2]));
    assert_eq!(after[1], s.generation());
    assert_eq!(s.set_generation("ns", "web"), s.generation());
    assert_eq!(s.set_generation("ns", "db"), db_before);
    assert!(set_before < s.generation());

    // A claim `data-web-2`: ordinal 2.
    let before = after;
    s.apply(
        StoreEvent::Applied(claim("ns", "data-web-2", "Pending")),
        now(),
    );
    let after = at(&s);
    assert_eq!(&after[..2], &before[..2]);
    assert_eq!(after[2], s.generation());

    // The set itself: every ordinal.
    s.apply(StoreEvent::Applied(set("ns", "web", 4)), now());
    assert_eq!(at(&s), vec![s.generation(); 3]);
    assert_eq!(s.ordinal_generations("ns", "web").of(3), s.generation());

    // Something shared (a class): every ordinal of every set.
    let class: k8s_openapi::api::storage::v1::StorageClass = serde_json::from_value(json!({
        "metadata": {"name": "fast"}, "provisioner": "x"
    }))
    .unwrap();
    s.apply(StoreEvent::Applied(Object::from(&class)), now());
    assert_eq!(at(&s), vec![s.generation(); 3]);
    assert_eq!(s.ordinal_generations("ns", "db").of(0), s.generation());
}

fn warning_about(ns: &str, name: &str, kind: &str, about: &str) -> Object {
    let e: k8s_openapi::api::core::v1::Event = serde_json::from_value(json!({
        "metadata": {"namespace": ns, "name": name},
        "involvedObject": {"kind": kind, "namespace": ns, "name": about},
        "type": "Warning", "reason": "R", "message": "m", "count": 1,
        "lastTimestamp": "2026-01-01T00:05:00Z"
    }))
    .unwrap();
    Object::from(&e)
}

#[test]
fn pod_warnings_are_a_feed_of_their_own() {
    let mut s = Store::new();
    let others = events_feed(None, Part::Warnings);
    let pods = events_feed(Some("db"), Part::PodWarnings);
    s.apply(
        StoreEvent::Relisted(
            others.clone(),
            vec![warning_about("db", "w-set", "StatefulSet", "pg")],
        ),
        now(),
    );
    s.apply(
        StoreEvent::Relisted(
            pods.clone(),
            vec![warning_about("db", "w-pod", "Pod", "pg-0")],
        ),
        now(),
    );
    assert_eq!(s.count(Kind::Event), 2);
    // The last set of `db` went: its Pod warnings go, the others stay.
    s.apply(StoreEvent::Stopped(pods), now());
    let names: Vec<String> = s.events(None).map(|e| e.name.clone()).collect();
    assert_eq!(names, vec!["w-set".to_string()]);
}

#[test]
fn events_wait_for_the_sets_list_that_says_where_pod_warnings_are() {
    let mut s = Store::new();
    let sets = Feed::whole(Kind::StatefulSet, None);
    let others = events_feed(None, Part::Warnings);
    for f in [&sets, &others] {
        s.apply(
            StoreEvent::Listing {
                feed: f.clone(),
                received: 0,
            },
            now(),
        );
    }
    s.apply(StoreEvent::Relisted(others, vec![]), now());
    assert!(!s.is_synced(Kind::Event), "the sets are not listed yet");
    // The sets' list starts the Pod warnings of `db` first.
    let pods = events_feed(Some("db"), Part::PodWarnings);
    s.apply(
        StoreEvent::Listing {
            feed: pods.clone(),
            received: 0,
        },
        now(),
    );
    s.apply(StoreEvent::Relisted(sets, vec![set("db", "pg", 1)]), now());
    assert!(s.is_synced(Kind::StatefulSet));
    assert!(!s.is_synced(Kind::Event), "db's Pod warnings are listing");
    s.apply(StoreEvent::Relisted(pods, vec![]), now());
    assert!(s.is_synced(Kind::Event));
    assert!(matches!(s.sync(Kind::Event), SyncState::Live { .. }));
}
