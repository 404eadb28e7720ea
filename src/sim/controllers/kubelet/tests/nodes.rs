//! Stories about failing Nodes: the node lifecycle marks them, taints them,
//! evicts their Pods, and lets them come back.

use super::*;

fn node_condition(s: &SimState, node: &str, t: &str) -> NodeCondition {
    s.get::<Node>("", node)
        .unwrap()
        .status
        .unwrap()
        .conditions
        .unwrap()
        .into_iter()
        .find(|c| c.type_ == t)
        .unwrap()
}

fn node_taints(s: &SimState, node: &str) -> Vec<(String, String, bool)> {
    s.get::<Node>("", node)
        .unwrap()
        .spec
        .unwrap()
        .taints
        .unwrap_or_default()
        .into_iter()
        .map(|t| (t.key, t.effect, t.time_added.is_some()))
        .collect()
}

#[test]
fn a_failed_node_goes_unknown_its_pods_are_evicted_but_never_finish_until_forced() {
    let mut s = cluster(1);
    add_node(&mut s, "node-a", &[], vec![]);
    add_node(&mut s, "node-b", &[], vec![]);
    for i in 0..4 {
        create_pod(&mut s, web_pod(&format!("web-{i}")));
    }
    tick(&mut s);
    // web-x tolerates the unreachable node for only 60s.
    let mut p = web_pod("web-x");
    p.spec.as_mut().unwrap().node_name = Some("node-b".into());
    p.spec.as_mut().unwrap().tolerations = Some(vec![Toleration {
        key: Some("node.kubernetes.io/unreachable".into()),
        operator: Some("Exists".into()),
        effect: Some("NoExecute".into()),
        toleration_seconds: Some(60),
        value: None,
    }]);
    create_pod(&mut s, p);
    run(&mut s, secs(10));
    assert_eq!(node_of(&s, "web-1").as_deref(), Some("node-b"));
    assert_eq!(ready_column(&pod(&s, "web-1")), "1/1");
    let ready = node_condition(&s, "node-b", "Ready");
    assert_eq!(
        (ready.status.as_str(), ready.reason.as_deref()),
        ("True", Some("KubeletReady"))
    );

    fail_node(&mut s, "node-b");
    assert!(s.kubelet.is_node_down("node-b"));
    run(&mut s, secs(39));
    assert_eq!(node_condition(&s, "node-b", "Ready").status, "True");
    assert!(node_taints(&s, "node-b").is_empty());
    run(&mut s, secs(2));
    for t in ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"] {
        let c = node_condition(&s, "node-b", t);
        assert_eq!(c.status, "Unknown", "{t}");
        assert_eq!(c.reason.as_deref(), Some("NodeStatusUnknown"));
        assert_eq!(
            c.message.as_deref(),
            Some("Kubelet stopped posting node status.")
        );
    }
    assert_eq!(
        node_taints(&s, "node-b"),
        [
            (
                "node.kubernetes.io/unreachable".to_string(),
                "NoSchedule".to_string(),
                true
            ),
            (
                "node.kubernetes.io/unreachable".to_string(),
                "NoExecute".to_string(),
                true
            )
        ]
    );
    let web1 = pod(&s, "web-1");
    assert_eq!(condition(&web1, "Ready").0, "False");
    assert_eq!(messages(&s, "web-1", "NodeNotReady"), ["Node is not ready"]);
    assert_eq!(
        messages(&s, "node-b", "NodeNotReady"),
        ["Node node-b status is now: NodeNotReady"]
    );
    assert_eq!(condition(&pod(&s, "web-0"), "Ready").0, "True");

    // New Pods avoid the node.
    create_pod(&mut s, web_pod("web-4"));
    tick(&mut s);
    assert_eq!(node_of(&s, "web-4").as_deref(), Some("node-a"));

    // web-x goes after its 60s; the others after the default 300s.
    run(&mut s, secs(61));
    let x = pod(&s, "web-x");
    assert!(x.metadata.deletion_timestamp.is_some());
    assert_eq!(status_column(&x), "Unknown");
    assert!(pod(&s, "web-1").metadata.deletion_timestamp.is_none());
    run(&mut s, secs(240));
    let web1 = pod(&s, "web-1");
    assert!(web1.metadata.deletion_timestamp.is_some());
    let st = web1.status.clone().unwrap();
    assert_eq!(st.reason.as_deref(), Some("NodeLost"));
    assert_eq!(
        st.message.as_deref(),
        Some("Node node-b which was running pod web-1 is unresponsive")
    );
    assert_eq!(status_column(&web1), "Unknown");
    assert_eq!(
        condition(&web1, "DisruptionTarget").1.as_deref(),
        Some("DeletionByTaintManager")
    );
    assert_eq!(
        messages(&s, "web-1", "TaintManagerEviction"),
        ["Marking for deletion Pod db/web-1"]
    );
    // Pods on the healthy node are untouched.
    assert!(pod(&s, "web-0").metadata.deletion_timestamp.is_none());
    run(&mut s, secs(600));
    assert!(s.get::<Pod>(NS, "web-1").is_some());
    assert!(s.get::<Pod>(NS, "web-3").is_some());

    // Force deletion removes it; recovery finishes the rest and lifts the taints.
    s.delete(Kind::Pod, NS, "web-1", Some(0)).unwrap();
    tick(&mut s);
    assert!(s.get::<Pod>(NS, "web-1").is_none());
    recover_node(&mut s, "node-b");
    assert!(!s.kubelet.is_node_down("node-b"));
    assert_eq!(node_condition(&s, "node-b", "Ready").status, "True");
    assert!(node_taints(&s, "node-b").is_empty());
    run(&mut s, secs(3));
    assert!(s.get::<Pod>(NS, "web-3").is_none());
    assert!(s.get::<Pod>(NS, "web-x").is_none());
}

#[test]
fn recovery_before_eviction_makes_pods_ready_again() {
    let mut s = cluster(1);
    add_node(&mut s, "node-a", &[], vec![]);
    create_pod(&mut s, web_pod("web-0"));
    run(&mut s, secs(10));
    fail_node(&mut s, "node-a");
    run(&mut s, secs(60));
    assert_eq!(condition(&pod(&s, "web-0"), "Ready").0, "False");
    // Nothing fits while the only node is unreachable.
    create_pod(&mut s, web_pod("web-1"));
    tick(&mut s);
    assert_eq!(
        condition(&pod(&s, "web-1"), "PodScheduled").2.unwrap(),
        "0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."
    );
    recover_node(&mut s, "node-a");
    tick(&mut s);
    assert_eq!(condition(&pod(&s, "web-0"), "Ready").0, "True");
    assert_eq!(
        messages(&s, "node-a", "NodeReady"),
        ["Node node-a status is now: NodeReady"]
    );
    run(&mut s, secs(10));
    assert_eq!(ready_column(&pod(&s, "web-1")), "1/1");
}

#[test]
fn a_node_loaded_not_ready_counts_as_down() {
    let mut s = cluster(1);
    s.create(Object::Node(Node {
        metadata: meta("", "node-z"),
        status: Some(NodeStatus {
            conditions: Some(vec![NodeCondition {
                type_: "Ready".into(),
                status: "False".into(),
                reason: Some("KubeletNotReady".into()),
                ..Default::default()
            }]),
            ..Default::default()
        }),
        ..Default::default()
    }))
    .unwrap();
    tick(&mut s);
    assert!(s.kubelet.is_node_down("node-z"));
    let keys: Vec<String> = node_taints(&s, "node-z").into_iter().map(|t| t.0).collect();
    assert_eq!(
        keys,
        [
            "node.kubernetes.io/not-ready",
            "node.kubernetes.io/not-ready"
        ]
    );
}
