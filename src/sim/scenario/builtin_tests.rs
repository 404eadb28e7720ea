//! The builtin scenarios load, and each tells the story it promises.

use std::time::Duration;

use serde_json::Value;

use std::collections::{BTreeMap, BTreeSet};

use super::load::{BASE_YAML, BUILTIN_NAMES, BUILTIN_YAML, object_key};
use super::*;
use crate::format::quantity::parse as parse_quantity;

fn all() -> Vec<Scenario> {
    load("all").unwrap_or_else(|e| panic!("builtins must load: {e}"))
}

fn scenario<'a>(list: &'a [Scenario], name: &str) -> &'a Scenario {
    list.iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no scenario {name}"))
}

fn objects<'a>(s: &'a Scenario, kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    s.objects.iter().filter(move |o| o["kind"] == kind)
}

fn object<'a>(s: &'a Scenario, kind: &str, name: &str) -> &'a Value {
    s.objects
        .iter()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("{}: no {kind} {name}", s.name))
}

fn name(o: &Value) -> &str {
    o["metadata"]["name"].as_str().unwrap()
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn templates(sts: &Value) -> Vec<(String, Option<String>, String)> {
    sts["spec"]["volumeClaimTemplates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                name(t).to_string(),
                t["spec"]["storageClassName"].as_str().map(str::to_string),
                t["spec"]["resources"]["requests"]["storage"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect()
}

/// The value of the last `readiness` step for `pod` at or before `t`.
fn readiness_at(s: &Scenario, pod: &str, t: Duration) -> Option<bool> {
    s.timeline
        .iter()
        .filter(|st| st.at <= t)
        .filter_map(|st| match &st.action {
            Action::Readiness { pod: p, ready, .. } if p == pod => Some(*ready),
            _ => None,
        })
        .next_back()
}

// -- builtins -----------------------------------------------------------

#[test]
fn every_builtin_parses_on_its_own() {
    for (name, text) in BUILTIN_NAMES.iter().zip(BUILTIN_YAML) {
        let s = parse(&format!("{name}.yaml"), text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.name, *name);
        assert!(!s.description.is_empty(), "{name} needs a description");
        assert!(!s.timeline.is_empty(), "{name} tells a story");
        let loaded = load(name).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            loaded.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
            ["base", *name]
        );
    }
    let base = parse("base.yaml", BASE_YAML).unwrap();
    assert_eq!(base.namespace, None);
    assert_eq!(load("base").unwrap().len(), 1);
    assert_eq!(builtin_names(), ["blog", "mysql", "nfs", "ceph", "kafka"]);
}

#[test]
fn all_is_base_then_the_five_with_one_namespace_each_and_no_clashes() {
    let list = all();
    let names: Vec<&str> = list.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["base", "blog", "mysql", "nfs", "ceph", "kafka"]);
    let namespaces: Vec<Option<&str>> = list.iter().map(|s| s.namespace.as_deref()).collect();
    assert_eq!(
        namespaces,
        [
            None,
            Some("blog"),
            Some("mysql"),
            Some("nfs-demo"),
            Some("postgres"),
            Some("kafka")
        ]
    );
    let mut seen = BTreeSet::new();
    for s in &list {
        for o in &s.objects {
            assert!(
                seen.insert(object_key(o)),
                "{} defines {:?} twice",
                s.name,
                object_key(o)
            );
        }
        // Exactly the scenario's own Namespace object.
        let ns: Vec<&str> = objects(s, "Namespace").map(name).collect();
        assert_eq!(
            ns,
            s.namespace.iter().map(String::as_str).collect::<Vec<_>>(),
            "{}",
            s.name
        );
    }
}

#[test]
fn namespaced_objects_get_their_scenarios_namespace() {
    for s in all() {
        for o in &s.objects {
            let kind = o["kind"].as_str().unwrap();
            let namespaced = SUPPORTED_KINDS.iter().find(|k| k.0 == kind).unwrap().2;
            let ns = o["metadata"]["namespace"].as_str();
            if namespaced {
                assert_eq!(ns, s.namespace.as_deref(), "{} {kind} {}", s.name, name(o));
            } else {
                assert_eq!(ns, None, "{} {kind} {}", s.name, name(o));
            }
            assert!(o.get("status").is_none() || kind == "Node");
        }
        for w in &s.workloads {
            assert_eq!(Some(&w.namespace), s.namespace.as_ref());
        }
    }
}

#[test]
fn statefulsets_select_their_pods_and_are_governed_by_a_headless_service() {
    for s in all() {
        for sts in objects(&s, "StatefulSet") {
            let labels: BTreeMap<String, String> =
                serde_json::from_value(sts["spec"]["template"]["metadata"]["labels"].clone())
                    .unwrap();
            assert!(
                crate::sim::select::label_selector_matches(
                    Some(&serde_json::from_value(sts["spec"]["selector"].clone()).unwrap()),
                    Some(&labels)
                ),
                "{}",
                name(sts)
            );
            let service_name = sts["spec"]["serviceName"].as_str().expect("serviceName");
            let svc = object(&s, "Service", service_name);
            assert_eq!(
                svc["spec"]["clusterIP"], "None",
                "{service_name} must be headless"
            );
            let svc_selector: BTreeMap<String, String> =
                serde_json::from_value(svc["spec"]["selector"].clone()).unwrap_or_default();
            assert!(
                svc_selector.iter().all(|(k, v)| labels.get(k) == Some(v)),
                "Service {service_name} does not select {}'s Pods",
                name(sts)
            );
            for c in sts["spec"]["template"]["spec"]["containers"]
                .as_array()
                .unwrap()
            {
                let image = c["image"].as_str().unwrap();
                assert!(
                    image.contains(':') && !image.ends_with(":latest"),
                    "pin images: {image}"
                );
                let cname = c["name"].as_str().unwrap();
                assert!(
                    c.get("readinessProbe").is_some() || cname == "xtrabackup",
                    "{cname} has no probe"
                );
                assert!(
                    c["resources"]["requests"].is_object(),
                    "{cname} has no requests"
                );
            }
        }
    }
}

#[test]
fn every_story_opens_after_the_same_warmup() {
    // `all` runs one warmup for everything, so the stories share it.
    for s in all().iter().skip(1) {
        assert_eq!(s.warmup, secs(600), "{}", s.name);
    }
}

#[test]
fn special_pools_are_tainted_and_only_their_own_story_touches_them() {
    let list = all();
    for s in &list {
        let own_pool = objects(s, "Node")
            .map(|n| {
                n["metadata"]["labels"]["pool"]
                    .as_str()
                    .expect("pool label")
                    .to_string()
            })
            .next();
        for node in objects(s, "Node") {
            let labels = &node["metadata"]["labels"];
            for key in [
                "kubernetes.io/hostname",
                "topology.kubernetes.io/zone",
                "node.kubernetes.io/instance-type",
            ] {
                assert!(labels[key].is_string(), "{} lacks {key}", name(node));
            }
            assert_eq!(labels["kubernetes.io/hostname"], node["metadata"]["name"]);
            let taints = node["spec"]["taints"].as_array();
            if s.name == "base" {
                assert!(taints.is_none(), "the general pool is untainted");
            } else {
                let pool = own_pool.as_deref().unwrap();
                assert!(
                    taints.unwrap().iter().any(|t| t["key"] == "pool"
                        && t["value"] == pool
                        && t["effect"] == "NoSchedule"),
                    "{} must carry the pool={pool}:NoSchedule taint",
                    name(node)
                );
            }
        }
        for sts in objects(s, "StatefulSet") {
            let pod = &sts["spec"]["template"]["spec"];
            match (&own_pool, s.name.as_str()) {
                (Some(pool), name) if name != "base" => {
                    assert_eq!(pod["nodeSelector"]["pool"], pool.as_str());
                    assert!(
                        pod["tolerations"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .any(|t| t["value"] == pool.as_str())
                    );
                }
                _ => {
                    assert!(pod.get("nodeSelector").is_none() && pod.get("tolerations").is_none());
                }
            }
        }
        // Node-level steps only touch the story's own nodes.
        for step in &s.timeline {
            let node = match &step.action {
                Action::FailNode(NodeRef::Node(n))
                | Action::RecoverNode { node: n }
                | Action::Cordon { node: n }
                | Action::Uncordon { node: n } => n,
                Action::FailNode(NodeRef::NodeOf(pod)) => {
                    let sts = pod.rsplit_once('-').unwrap().0;
                    let selector = &object(s, "StatefulSet", sts)["spec"]["template"]["spec"]["nodeSelector"]
                        ["pool"];
                    assert_eq!(
                        selector.as_str(),
                        own_pool.as_deref(),
                        "nodeOf {pod} may land outside the pool"
                    );
                    continue;
                }
                _ => continue,
            };
            object(s, "Node", node);
        }
    }
}

#[test]
fn claim_templates_name_existing_classes_except_the_deliberately_missing_one() {
    let list = all();
    let classes: BTreeSet<&str> = list
        .iter()
        .flat_map(|s| objects(s, "StorageClass").map(name))
        .collect();
    let defaults: Vec<&str> = list
        .iter()
        .flat_map(|s| objects(s, "StorageClass"))
        .filter(|c| {
            c["metadata"]["annotations"]["storageclass.kubernetes.io/is-default-class"] == "true"
        })
        .map(name)
        .collect();
    // Two default classes when everything is loaded; claims without a class are only mysql's.
    assert_eq!(defaults, ["standard", "ceph-xfs"]);
    for s in &list {
        for sts in objects(s, "StatefulSet") {
            for (t, class, _) in templates(sts) {
                match class {
                    Some(c) if c == "managed-premium-zrs" => assert_eq!(s.name, "kafka"),
                    Some(c) => assert!(
                        classes.contains(c.as_str()),
                        "{} {t}: class {c} is missing",
                        name(sts)
                    ),
                    None => assert_eq!(s.name, "mysql"),
                }
            }
        }
    }
}

// -- the stories --------------------------------------------------------

#[test]
fn blog_story() {
    let list = all();
    let s = scenario(&list, "blog");
    for (db, class) in [
        ("articledb", "local-path"),
        ("accesscountdb", "local-path"),
        ("rankdb", "local-path"),
        ("userdb", "csi-hostpath-sc"),
    ] {
        let sts = object(s, "StatefulSet", db);
        assert_eq!(sts["spec"]["replicas"], 1);
        assert!(
            sts["spec"]["template"]["spec"]["containers"][0]["image"]
                .as_str()
                .unwrap()
                .starts_with("postgres:16")
        );
        assert_eq!(templates(sts)[0].0, "pgdata");
        assert_eq!(templates(sts)[0].1.as_deref(), Some(class));
    }
    let local = object(s, "StorageClass", "local-path");
    assert_eq!(local["provisioner"], "rancher.io/local-path");
    assert_eq!(local["volumeBindingMode"], "WaitForFirstConsumer");
    assert_eq!(local["reclaimPolicy"], "Delete");
    let hostpath = object(s, "StorageClass", "csi-hostpath-sc");
    assert_eq!(hostpath["provisioner"], "hostpath.csi.k8s.io");
    assert_eq!(hostpath["volumeBindingMode"], "Immediate");
    assert_eq!(hostpath["allowVolumeExpansion"], true);
    let delete = s
        .timeline
        .iter()
        .find(|st| matches!(&st.action, Action::Delete { resource, name, .. } if resource == "pods" && name == "rankdb-0"))
        .expect("rankdb-0 is deleted");
    assert!(
        delete.at > s.warmup && delete.at < s.warmup + secs(120),
        "shortly after the demo opens"
    );
    assert_eq!(delete.namespace.as_deref(), Some("blog"));
}

#[test]
fn mysql_story() {
    let list = all();
    let s = scenario(&list, "mysql");
    let sts = object(s, "StatefulSet", "mysql");
    assert_eq!(sts["spec"]["replicas"], 3);
    assert_eq!(sts["spec"]["serviceName"], "mysql");
    let containers: Vec<&str> = sts["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(containers, ["mysql", "xtrabackup"]);
    assert_eq!(
        templates(sts),
        [("data".to_string(), None, "10Gi".to_string())]
    );
    let scales: Vec<(Duration, i32)> = s
        .timeline
        .iter()
        .filter_map(|st| match &st.action {
            Action::Scale {
                statefulset,
                replicas,
            } if statefulset == "mysql" => Some((st.at, *replicas)),
            _ => None,
        })
        .collect();
    assert_eq!(scales.iter().map(|s| s.1).collect::<Vec<_>>(), [5, 3]);
    assert!(
        scales.iter().all(|(at, _)| *at < s.warmup),
        "orphans exist when the demo opens"
    );
    // A window that closed during warmup, one still open when the demo opens, and it closes later.
    assert_eq!(readiness_at(s, "mysql-2", s.warmup), Some(false));
    let flips: Vec<bool> = s
        .timeline
        .iter()
        .filter_map(|st| match &st.action {
            Action::Readiness {
                pod,
                ready,
                container,
            } if pod == "mysql-2" => {
                assert_eq!(
                    container.as_deref(),
                    Some("mysql"),
                    "the probe lives on the mysql container"
                );
                Some(*ready)
            }
            _ => None,
        })
        .collect();
    assert_eq!(flips, [false, true, false, true]);
    assert_eq!(
        readiness_at(s, "mysql-2", s.warmup + secs(3600)),
        Some(true)
    );
    let w = &s.workloads[0];
    assert_eq!(w.volume_usage["data"].initial_bytes, 2_684_354_560);
    assert_eq!(w.volume_usage["data"].growth_per_hour_bytes, 200 << 20);
}

#[test]
fn nfs_story() {
    let list = all();
    let s = scenario(&list, "nfs");
    let sts = object(s, "StatefulSet", "sample-statefulset");
    assert_eq!(sts["spec"]["replicas"], 3);
    assert_eq!(sts["spec"]["updateStrategy"]["type"], "RollingUpdate");
    assert_eq!(
        sts["spec"]["updateStrategy"]["rollingUpdate"]["partition"],
        1
    );
    let old_image = sts["spec"]["template"]["spec"]["containers"][0]["image"]
        .as_str()
        .unwrap();
    assert!(old_image.starts_with("nginx:"));
    let class = object(s, "StorageClass", "nfs");
    assert_eq!(class["provisioner"], "nfs.csi.k8s.io");
    assert_eq!(class["volumeBindingMode"], "Immediate");
    assert!(class["parameters"]["server"].is_string() && class["parameters"]["share"].is_string());
    assert_eq!(templates(sts)[0].1.as_deref(), Some("nfs"));
    assert_eq!(objects(s, "Node").count(), 2);

    let patch = s
        .timeline
        .iter()
        .find(|st| matches!(&st.action, Action::Patch { resource, name, .. } if resource == "statefulsets" && name == "sample-statefulset"))
        .expect("image change");
    let Action::Patch {
        body, patch_type, ..
    } = &patch.action
    else {
        unreachable!()
    };
    assert_eq!(*patch_type, PatchKind::Strategic);
    let new_image = body["spec"]["template"]["spec"]["containers"][0]["image"]
        .as_str()
        .unwrap();
    assert_ne!(new_image, old_image);
    assert!(patch.at < s.warmup);
    let fail = s
        .timeline
        .iter()
        .find(|st| st.action == Action::FailNode(NodeRef::NodeOf("sample-statefulset-1".into())))
        .expect("node failure");
    assert!(fail.at > patch.at, "ordinal 1 is updated first");
    assert!(
        fail.at + secs(6 * 60) < s.warmup,
        "Unknown (past the eviction timeout) when the demo opens"
    );
    assert_eq!(fail.namespace.as_deref(), Some("nfs-demo"));
}

#[test]
fn ceph_story() {
    let list = all();
    let s = scenario(&list, "ceph");
    for (class, provisioner) in [
        ("ceph-ext4", "rbd.csi.ceph.com"),
        ("ceph-xfs", "rbd.csi.ceph.com"),
        ("cephfs", "cephfs.csi.ceph.com"),
    ] {
        let c = object(s, "StorageClass", class);
        assert_eq!(c["provisioner"], provisioner);
        assert_eq!(c["volumeBindingMode"], "Immediate");
        assert_eq!(c["reclaimPolicy"], "Delete");
        assert_eq!(c["allowVolumeExpansion"], true);
        assert!(c["parameters"]["clusterID"].is_string());
        assert!(c["parameters"]["csi.storage.k8s.io/provisioner-secret-name"].is_string());
    }
    assert_eq!(
        object(s, "StorageClass", "ceph-xfs")["parameters"]["csi.storage.k8s.io/fstype"],
        "xfs"
    );
    let sts = object(s, "StatefulSet", "postgresql-k8s");
    assert_eq!(sts["spec"]["replicas"], 3);
    assert_eq!(
        templates(sts),
        [
            (
                "pgdata".to_string(),
                Some("ceph-xfs".to_string()),
                "20Gi".to_string()
            ),
            (
                "logs".to_string(),
                Some("ceph-ext4".to_string()),
                "1Gi".to_string()
            )
        ]
    );
    assert!(s.timeline.iter().any(|st| st.at < s.warmup
        && st.action
            == Action::Scale {
                statefulset: "postgresql-k8s".into(),
                replicas: 2
            }));
    let resize = s
        .timeline
        .iter()
        .find_map(|st| match &st.action {
            Action::Resize {
                claim, size_bytes, ..
            } => Some((st.at, claim.as_str(), *size_bytes)),
            _ => None,
        })
        .expect("a resize");
    assert_eq!(resize.1, "pgdata-postgresql-k8s-0");
    assert_eq!(resize.2, 40 << 30);
    let timing = s.storage.iter().find(|t| t.class == "ceph-xfs").unwrap();
    assert!(
        resize.0 < s.warmup && resize.0 + timing.resize_after > s.warmup,
        "mid-resize when the demo opens"
    );
    assert!(timing.file_system_resize_after > Duration::ZERO);
}

#[test]
fn kafka_story() {
    let list = all();
    let s = scenario(&list, "kafka");
    let retain = object(s, "StorageClass", "managed-premium-retain");
    assert_eq!(retain["provisioner"], "disk.csi.azure.com");
    assert_eq!(retain["reclaimPolicy"], "Retain");
    assert_eq!(retain["volumeBindingMode"], "WaitForFirstConsumer");
    for sts in ["kafka", "zookeeper"] {
        let t = templates(object(s, "StatefulSet", sts));
        assert_eq!(t[0].1.as_deref(), Some("managed-premium-retain"));
    }
    // Released PV: scale 4 -> 3, then the claim of ordinal 3 is deleted.
    assert_eq!(object(s, "StatefulSet", "kafka")["spec"]["replicas"], 4);
    let scale = s
        .timeline
        .iter()
        .position(|st| {
            st.action
                == Action::Scale {
                    statefulset: "kafka".into(),
                    replicas: 3,
                }
        })
        .unwrap();
    let delete = s
        .timeline
        .iter()
        .position(|st| matches!(&st.action, Action::Delete { resource, name, .. } if resource == "persistentvolumeclaims" && name == "data-kafka-3"))
        .unwrap();
    assert!(scale < delete && s.timeline[delete].at < s.warmup);
    // Pending claim: its class really is missing from everything loaded together.
    let registry = templates(object(s, "StatefulSet", "schema-registry"));
    assert_eq!(registry[0].1.as_deref(), Some("managed-premium-zrs"));
    assert!(
        list.iter()
            .all(|sc| objects(sc, "StorageClass").all(|c| name(c) != "managed-premium-zrs"))
    );
    // Static local PV pinned to one node of the kafka pool, claimed by ksqldb-server.
    let local = object(s, "StorageClass", "local-storage");
    assert_eq!(local["provisioner"], "kubernetes.io/no-provisioner");
    assert_eq!(local["volumeBindingMode"], "WaitForFirstConsumer");
    let pvs: Vec<&Value> = objects(s, "PersistentVolume").collect();
    assert_eq!(pvs.len(), 1);
    let pv = pvs[0];
    assert_eq!(pv["spec"]["storageClassName"], "local-storage");
    assert!(
        pv["spec"]["local"]["path"]
            .as_str()
            .unwrap()
            .starts_with("/mnt/disks/")
    );
    let term =
        &pv["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]["matchExpressions"][0];
    assert_eq!(term["key"], "kubernetes.io/hostname");
    let node = term["values"][0].as_str().unwrap();
    assert_eq!(
        object(s, "Node", node)["metadata"]["labels"]["pool"],
        "kafka"
    );
    let ksql = templates(object(s, "StatefulSet", "ksqldb-server"));
    assert_eq!(ksql[0].1.as_deref(), Some("local-storage"));
    let pv_size = parse_quantity(pv["spec"]["capacity"]["storage"].as_str().unwrap()).unwrap();
    assert!(
        parse_quantity(&ksql[0].2).unwrap() <= pv_size,
        "the claim fits the PV"
    );
    let cordon = s
        .timeline
        .iter()
        .find(|st| st.action == Action::Cordon { node: node.into() })
        .expect("cordon");
    assert!(cordon.at < s.warmup);
    assert_eq!(cordon.namespace, None);
    assert!(s.timeline.iter().any(|st| st.at > cordon.at
        && matches!(&st.action, Action::Delete { resource, name, .. } if resource == "pods" && name == "ksqldb-server-0")));
}
