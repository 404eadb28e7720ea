//! kubectl against a fresh simulated cluster, typed as a user types it:
//! create a namespace, apply a manifest and apply it again changed, strict
//! field validation, explain, `get -w` with table columns, `create
//! configmap`, `auth can-i` and describe. Skips (saying so) only where
//! kubectl is not installed.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::eventually;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;
use kube::api::Api;
use ordinal::sim::server::{SimConfig, SimServer};

/// A Service and a StatefulSet with a claim template, as a user writes them.
const MANIFEST: &str = include_str!("fixtures/web-statefulset.yaml");

/// Whether describe output has the line `label   value` (any alignment).
fn has_field(out: &str, label: &str, value: &str) -> bool {
    out.lines().any(|l| {
        l.trim()
            .strip_prefix(label)
            .is_some_and(|rest| rest.trim() == value)
    })
}

async fn fresh_sim() -> SimServer {
    SimServer::start(SimConfig {
        scenario: Some("base".into()),
        speed: 20.0,
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

fn kubectl_cmd(sim: &SimServer, home: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new("kubectl");
    cmd.env("HOME", home)
        .env("KUBECONFIG", home.join("none"))
        .args(["--server", &sim.url(), "--request-timeout", "10s"])
        .args(args);
    cmd
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_namespace_apply_and_apply_again_with_a_changed_image() {
    if !common::kubectl::available() {
        return;
    }
    let sim = fresh_sim().await;
    let dir = tempfile::tempdir().unwrap();
    let web = common::kubectl::write_manifest(dir.path(), "web.yaml", MANIFEST);

    // A protobuf body from kubectl's typed client.
    let (ok, out) = common::kubectl::run(&sim, &["create", "namespace", "demo"]);
    assert!(ok, "{out}");
    assert_eq!(out.trim(), "namespace/demo created");

    // Needs the OpenAPI document (validation and the three-way patch).
    let (ok, out) = common::kubectl::run(&sim, &["apply", "-f", &web]);
    assert!(ok, "{out}");
    assert_eq!(
        out.trim(),
        "service/web created\nstatefulset.apps/web created"
    );

    // kubectl resends volumeClaimTemplates without the server's defaults;
    // defaulting before the immutability check lets this through.
    let changed = common::kubectl::write_manifest(
        dir.path(),
        "web2.yaml",
        &MANIFEST.replace("nginx:1.27", "nginx:1.28"),
    );
    let (ok, out) = common::kubectl::run(&sim, &["apply", "-f", &changed]);
    assert!(ok, "{out}");
    assert_eq!(
        out.trim(),
        "service/web unchanged\nstatefulset.apps/web configured"
    );
    let sets: Api<StatefulSet> = Api::namespaced(sim.client(None), "demo");
    let sts = sets.get("web").await.unwrap();
    let spec = sts.spec.unwrap();
    let container = &spec.template.spec.unwrap().containers[0];
    assert_eq!(container.image.as_deref(), Some("nginx:1.28"));
    assert_eq!(container.image_pull_policy.as_deref(), Some("IfNotPresent"));
    assert_eq!(
        spec.volume_claim_templates.unwrap()[0]
            .spec
            .as_ref()
            .unwrap()
            .volume_mode
            .as_deref(),
        Some("Filesystem")
    );

    // Describe shows the defaulted protocol, as on a real cluster.
    let pods: Api<Pod> = Api::namespaced(sim.client(None), "demo");
    eventually(30, || {
        let pods = pods.clone();
        async move { pods.get_opt("web-0").await.ok().flatten() }
    })
    .await;
    let (ok, out) = common::kubectl::run(&sim, &["describe", "pod", "web-0", "-n", "demo"]);
    assert!(ok, "{out}");
    assert!(has_field(&out, "Port:", "80/TCP"), "{out}");
    let (ok, out) = common::kubectl::run(&sim, &["describe", "statefulset", "web", "-n", "demo"]);
    assert!(ok, "{out}");
    assert!(
        has_field(&out, "Update Strategy:", "RollingUpdate"),
        "{out}"
    );
    assert!(has_field(&out, "Port:", "80/TCP"), "{out}");

    // The claim from the template binds to a provisioned volume.
    let claims: Api<k8s_openapi::api::core::v1::PersistentVolumeClaim> =
        Api::namespaced(sim.client(None), "demo");
    let claim = eventually(30, || {
        let claims = claims.clone();
        async move {
            claims
                .get_opt("data-web-0")
                .await
                .ok()
                .flatten()
                .filter(|c| c.spec.as_ref().is_some_and(|s| s.volume_name.is_some()))
        }
    })
    .await;
    let (ok, out) = common::kubectl::run(&sim, &["describe", "pvc", "data-web-0", "-n", "demo"]);
    assert!(ok, "{out}");
    assert!(has_field(&out, "Status:", "Bound"), "{out}");
    assert!(has_field(&out, "VolumeMode:", "Filesystem"), "{out}");
    let volume = claim.spec.unwrap().volume_name.unwrap();
    let (ok, out) = common::kubectl::run(&sim, &["describe", "pv", &volume]);
    assert!(ok, "{out}");
    assert!(has_field(&out, "Claim:", "demo/data-web-0"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strict_field_validation_refuses_a_typo_and_warn_warns() {
    if !common::kubectl::available() {
        return;
    }
    let sim = fresh_sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (ok, out) = common::kubectl::run(&sim, &["create", "namespace", "demo"]);
    assert!(ok, "{out}");
    let typo = common::kubectl::write_manifest(
        dir.path(),
        "typo.yaml",
        &MANIFEST.replace("replicas: 2", "replica: 2"),
    );
    let (ok, out) = common::kubectl::run(&sim, &["apply", "-f", &typo]);
    assert!(!ok, "{out}");
    assert!(
        out.contains(
            "StatefulSet in version \"v1\" cannot be handled as a StatefulSet: strict decoding error: unknown field \"spec.replica\""
        ),
        "{out}"
    );
    let (ok, out) = common::kubectl::run(&sim, &["apply", "-f", &typo, "--validate=warn"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("Warning: unknown field \"spec.replica\""),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explain_reads_the_openapi_document() {
    if !common::kubectl::available() {
        return;
    }
    let sim = fresh_sim().await;
    let (ok, out) = common::kubectl::run(&sim, &["explain", "statefulset.spec.updateStrategy"]);
    assert!(ok, "{out}");
    assert!(out.contains("KIND:       StatefulSet"), "{out}");
    assert!(
        out.contains("FIELD: updateStrategy <StatefulSetUpdateStrategy>"),
        "{out}"
    );
    assert!(
        out.contains("rollingUpdate\t<RollingUpdateStatefulSetStrategy>"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_configmap_and_auth_can_i_send_protobuf() {
    if !common::kubectl::available() {
        return;
    }
    let sim = fresh_sim().await;
    let (ok, out) = common::kubectl::run(&sim, &["create", "namespace", "demo"]);
    assert!(ok, "{out}");
    let (ok, out) = common::kubectl::run(
        &sim,
        &[
            "create",
            "configmap",
            "cfg",
            "-n",
            "demo",
            "--from-literal=greeting=hello",
        ],
    );
    assert!(ok, "{out}");
    assert_eq!(out.trim(), "configmap/cfg created");
    let (ok, out) = common::kubectl::run(
        &sim,
        &[
            "get",
            "configmap",
            "cfg",
            "-n",
            "demo",
            "-o",
            "jsonpath={.data.greeting}",
        ],
    );
    assert!(ok, "{out}");
    assert_eq!(out, "hello");
    let (ok, out) = common::kubectl::run(&sim, &["auth", "can-i", "list", "pods", "-n", "demo"]);
    assert!(ok, "{out}");
    assert_eq!(out.trim(), "yes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_watch_keeps_the_table_columns_for_a_scale_up() {
    if !common::kubectl::available() {
        return;
    }
    let sim = fresh_sim().await;
    let dir = tempfile::tempdir().unwrap();
    let web = common::kubectl::write_manifest(dir.path(), "web.yaml", MANIFEST);
    let (ok, out) = common::kubectl::run(&sim, &["create", "namespace", "demo"]);
    assert!(ok, "{out}");
    let (ok, out) = common::kubectl::run(&sim, &["apply", "-f", &web]);
    assert!(ok, "{out}");

    let home = tempfile::tempdir().unwrap();
    let mut watcher = kubectl_cmd(
        &sim,
        home.path(),
        &["get", "statefulsets", "-n", "demo", "-w"],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .expect("kubectl runs");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (ok, out) = common::kubectl::run(
        &sim,
        &["scale", "statefulset", "web", "-n", "demo", "--replicas=3"],
    );
    assert!(ok, "{out}");
    tokio::time::sleep(Duration::from_secs(3)).await;
    watcher.kill().unwrap();
    let out = watcher.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("NAME   READY   AGE"), "{text}");
    // Rows that came over the watch keep the columns: name, ready, age.
    let scaled: Vec<&&str> = lines.iter().filter(|l| l.contains("/3")).collect();
    assert!(!scaled.is_empty(), "{text}");
    for row in scaled {
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cells.len(), 3, "{row}");
        assert_eq!(cells[0], "web", "{row}");
        assert!(!row.contains("ADDED") && !row.contains("MODIFIED"), "{row}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_with_tail_and_events_for_a_pod() {
    if !common::kubectl::available() {
        return;
    }
    let sim = fresh_sim().await;
    let dir = tempfile::tempdir().unwrap();
    let web = common::kubectl::write_manifest(dir.path(), "web.yaml", MANIFEST);
    let (ok, out) = common::kubectl::run(&sim, &["create", "namespace", "demo"]);
    assert!(ok, "{out}");
    let (ok, out) = common::kubectl::run(&sim, &["apply", "-f", &web]);
    assert!(ok, "{out}");
    let pods: Api<Pod> = Api::namespaced(sim.client(None), "demo");
    eventually(30, || {
        let pods = pods.clone();
        async move {
            pods.get_opt("web-0").await.ok().flatten().filter(|p| {
                p.status
                    .as_ref()
                    .and_then(|s| s.container_statuses.as_ref())
                    .is_some_and(|c| {
                        c.iter()
                            .any(|c| c.state.as_ref().is_some_and(|s| s.running.is_some()))
                    })
            })
        }
    })
    .await;
    let (ok, out) = common::kubectl::run(&sim, &["logs", "web-0", "-n", "demo"]);
    assert!(ok, "{out}");
    assert!(
        out.starts_with("starting nginx (image nginx:1.27)\nlistening on 0.0.0.0:80\n"),
        "{out}"
    );
    let (ok, out) = common::kubectl::run(&sim, &["logs", "web-0", "-n", "demo", "--tail", "1"]);
    assert!(ok, "{out}");
    assert_eq!(out.lines().count(), 1, "{out}");
    let (ok, out) = common::kubectl::run(&sim, &["logs", "web-0", "-n", "demo", "--previous"]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("previous terminated container \"nginx\" in pod \"web-0\" not found"),
        "{out}"
    );

    let (ok, out) = common::kubectl::run(&sim, &["events", "-n", "demo", "--for", "pod/web-0"]);
    assert!(ok, "{out}");
    assert!(out.starts_with("LAST SEEN"), "{out}");
    assert!(out.contains("Successfully assigned demo/web-0 to"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_scale_is_reported_as_a_scale() {
    if !common::kubectl::available() {
        return;
    }
    let sim = fresh_sim().await;
    let dir = tempfile::tempdir().unwrap();
    let web = common::kubectl::write_manifest(dir.path(), "web.yaml", MANIFEST);
    let (ok, out) = common::kubectl::run(&sim, &["create", "namespace", "demo"]);
    assert!(ok, "{out}");
    let (ok, out) = common::kubectl::run(&sim, &["apply", "-f", &web]);
    assert!(ok, "{out}");
    let (ok, out) = common::kubectl::run(
        &sim,
        &[
            "patch",
            "statefulset",
            "web",
            "-n",
            "demo",
            "--subresource=scale",
            "--type=merge",
            "-p",
            r#"{"spec":{"replicas":-1}}"#,
        ],
    );
    assert!(!ok, "{out}");
    assert!(
        out.contains("The Scale \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0"),
        "{out}"
    );
}
