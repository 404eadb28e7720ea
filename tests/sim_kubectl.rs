//! kubectl against the simulated cluster: get, scale, patch, rollout restart
//! and delete work as on a real one. Skips where kubectl is not installed.

mod common;

use std::time::Duration;

use common::*;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, PostParams};
use ordinal::sim::server::{SimConfig, SimServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_get_scale_patch_restart_and_delete() {
    if !common::kubectl::available() {
        eprintln!("kubectl not installed: skipping");
        return;
    }
    let sim = SimServer::start(SimConfig {
        scenario: Some("base".into()),
        speed: 50.0,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let client = sim.client(None);
    create_namespace(&client, "k").await;
    let sets: Api<StatefulSet> = Api::namespaced(client.clone(), "k");
    sets.create(&PostParams::default(), &statefulset("web", 2))
        .await
        .unwrap();
    let pods: Api<Pod> = Api::namespaced(client.clone(), "k");

    let (ok, out) = tokio::task::block_in_place(|| {
        common::kubectl::run(&sim, &["get", "statefulsets", "-n", "k"])
    });
    assert!(ok, "{out}");
    assert!(out.contains("web"), "{out}");
    let (ok, out) = tokio::task::block_in_place(|| common::kubectl::run(&sim, &["get", "nodes"]));
    assert!(ok && out.contains("worker-1"), "{out}");
    // Server-side printing gives kubectl its usual columns.
    let (ok, out) =
        tokio::task::block_in_place(|| common::kubectl::run(&sim, &["get", "storageclasses"]));
    assert!(ok, "{out}");
    assert!(
        out.contains("VOLUMEBINDINGMODE") && out.contains("standard (default)"),
        "{out}"
    );

    let (ok, out) = tokio::task::block_in_place(|| {
        common::kubectl::run(
            &sim,
            &["scale", "statefulset", "web", "-n", "k", "--replicas=3"],
        )
    });
    assert!(ok, "{out}");
    assert_eq!(
        sets.get("web").await.unwrap().spec.unwrap().replicas,
        Some(3)
    );

    let (ok, out) = tokio::task::block_in_place(|| {
        common::kubectl::run(&sim, &["rollout", "restart", "statefulset/web", "-n", "k"])
    });
    assert!(ok, "{out}");
    let annotations = sets
        .get("web")
        .await
        .unwrap()
        .spec
        .unwrap()
        .template
        .metadata
        .unwrap()
        .annotations
        .unwrap();
    assert!(annotations.contains_key("kubectl.kubernetes.io/restartedAt"));

    let (ok, out) = tokio::task::block_in_place(|| {
        common::kubectl::run(
            &sim,
            &[
                "patch",
                "statefulset",
                "web",
                "-n",
                "k",
                "-p",
                r#"{"spec":{"updateStrategy":{"rollingUpdate":{"partition":1}}}}"#,
            ],
        )
    });
    assert!(ok, "{out}");
    let partition = sets
        .get("web")
        .await
        .unwrap()
        .spec
        .unwrap()
        .update_strategy
        .unwrap()
        .rolling_update
        .unwrap()
        .partition;
    assert_eq!(partition, Some(1));

    // Wait for web-0 to exist, then delete it with kubectl (which waits for it to go).
    eventually(30, || {
        let pods = pods.clone();
        async move { pods.get_opt("web-0").await.ok().flatten() }
    })
    .await;
    let uid = pods.get("web-0").await.unwrap().metadata.uid;
    let (ok, out) = tokio::task::block_in_place(|| {
        common::kubectl::run(
            &sim,
            &[
                "delete",
                "pod",
                "web-0",
                "-n",
                "k",
                "--grace-period=0",
                "--force",
            ],
        )
    });
    assert!(ok, "{out}");
    let back = eventually(30, || {
        let pods = pods.clone();
        let uid = uid.clone();
        async move {
            pods.get_opt("web-0")
                .await
                .ok()
                .flatten()
                .filter(|p| p.metadata.uid != uid)
        }
    })
    .await;
    assert_eq!(back.metadata.name.as_deref(), Some("web-0"));
    tokio::time::sleep(Duration::from_millis(10)).await;
}
