//! A simulated cluster running ten times faster than the wall clock: the
//! timestamps kubectl computes ages from never pass the wall clock, so no age
//! reads `<invalid>`. Skips the kubectl half (saying so) only where kubectl is
//! not installed.

mod common;

use std::time::Duration;

use common::*;
use jiff::Timestamp;
use k8s_openapi::api::apps::v1::StatefulSet;
use kube::api::{Api, DynamicObject, ListParams, PostParams};
use kube::discovery::ApiResource;
use ordinal::sim::server::{SimConfig, SimServer};

/// Every stamp kubectl ages from, in every object of `plural`'s list.
async fn stamps(client: &kube::Client, group: &str, kind: &str, plural: &str) -> Vec<String> {
    let (api_version, group) = match group {
        "" => ("v1".to_string(), String::new()),
        g => (format!("{g}/v1"), g.to_string()),
    };
    let resource = ApiResource {
        group,
        version: "v1".into(),
        api_version,
        kind: kind.into(),
        plural: plural.into(),
    };
    let list = Api::<DynamicObject>::all_with(client.clone(), &resource)
        .list(&ListParams::default())
        .await
        .unwrap();
    let mut out = Vec::new();
    for item in list.items {
        let json = serde_json::to_value(&item).unwrap();
        for pointer in [
            "/metadata/creationTimestamp",
            "/firstTimestamp",
            "/lastTimestamp",
            "/eventTime",
        ] {
            if let Some(t) = json.pointer(pointer).and_then(|v| v.as_str()) {
                out.push(format!(
                    "{plural} {}: {pointer} {t}",
                    item.metadata.name.clone().unwrap_or_default()
                ));
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_ten_times_speed_no_stamp_passes_the_wall_clock() {
    let sim = SimServer::start(SimConfig {
        scenario: Some("base".into()),
        speed: 10.0,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let client = sim.client(None);
    create_namespace(&client, "fast").await;
    Api::<StatefulSet>::namespaced(client.clone(), "fast")
        .create(&PostParams::default(), &statefulset("web", 3))
        .await
        .unwrap();
    // Two simulated minutes pass (Pods, claims and Events are made meanwhile).
    let start = sim.now();
    eventually(60, || {
        let done = sim.now().duration_since(start) >= jiff::SignedDuration::from_mins(2);
        async move { done.then_some(()) }
    })
    .await;
    let wall = Timestamp::now();
    let mut all = Vec::new();
    for (group, kind, plural) in [
        ("", "Pod", "pods"),
        ("", "Event", "events"),
        ("", "PersistentVolumeClaim", "persistentvolumeclaims"),
        ("apps", "StatefulSet", "statefulsets"),
    ] {
        all.extend(stamps(&client, group, kind, plural).await);
    }
    assert!(all.iter().any(|s| s.starts_with("pods web-")), "{all:#?}");
    assert!(all.iter().any(|s| s.starts_with("events ")), "{all:#?}");
    let ahead: Vec<&String> = all
        .iter()
        .filter(|s| {
            let t: Timestamp = s.rsplit(' ').next().unwrap().parse().unwrap();
            t > wall
        })
        .collect();
    assert!(
        ahead.is_empty(),
        "stamps after the wall clock {wall}: {ahead:#?}"
    );

    if !common::kubectl::available() {
        return;
    }
    for args in [
        &["get", "pods", "-n", "fast"][..],
        &["events", "-n", "fast"],
        &["get", "events", "-n", "fast"],
    ] {
        let (ok, out) = tokio::task::block_in_place(|| common::kubectl::run(&sim, args));
        assert!(ok, "{args:?}: {out}");
        assert!(out.contains("web-"), "{args:?}: {out}");
        assert!(!out.contains("<invalid>"), "{args:?}: {out}");
    }
    tokio::time::sleep(Duration::from_millis(10)).await;
}
