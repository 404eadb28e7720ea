//! Server-side apply against a fresh simulated cluster, typed as a user
//! types it: `kubectl apply --server-side` creates, another field manager's
//! change is a conflict worded as the real server words it, `--force-conflicts`
//! takes the field over, `--show-managed-fields` shows who owns what, and a
//! client-side apply moves to server-side apply. Skips (saying so) only where
//! kubectl is not installed.

mod common;

use std::path::Path;
use std::process::Command;

use k8s_openapi::api::apps::v1::StatefulSet;
use kube::api::{Api, Patch, PatchParams};
use ordinal::sim::server::{SimConfig, SimServer};
use serde_json::Value;

/// A Service and a StatefulSet with a claim template, as a user writes them.
const MANIFEST: &str = include_str!("fixtures/web-statefulset.yaml");

/// kubectl's advice after a conflict, which it prints under the server's
/// message.
const HINT: &str = "Please review the fields above--they currently have other managers.";

fn kubectl_available() -> bool {
    let found = Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("SKIPPED: kubectl is not installed, the server-side apply tests did not run");
    }
    found
}

/// Runs kubectl as typed: its exit code and stdout+stderr.
fn kubectl(sim: &SimServer, args: &[&str]) -> (i32, String) {
    let home = tempfile::tempdir().unwrap();
    let out = tokio::task::block_in_place(|| {
        Command::new("kubectl")
            .env("HOME", home.path())
            .env("KUBECONFIG", home.path().join("none"))
            .args(["--server", &sim.url(), "--request-timeout", "10s"])
            .args(args)
            .output()
    })
    .expect("kubectl runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

fn ok(sim: &SimServer, args: &[&str]) -> String {
    let (code, out) = kubectl(sim, args);
    assert_eq!(code, 0, "kubectl {args:?}: {out}");
    out
}

fn write_manifest(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
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

/// `(manager, operation, subresource)` of each managedFields entry.
fn managers(object: &Value) -> Vec<(String, String, String)> {
    object["metadata"]["managedFields"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| {
            let s = |k: &str| m[k].as_str().unwrap_or_default().to_string();
            (s("manager"), s("operation"), s("subresource"))
        })
        .collect()
}

/// Whether `manager` owns `.spec.replicas`.
fn owns_replicas(object: &Value, manager: &str) -> bool {
    object["metadata"]["managedFields"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|m| m["manager"] == manager && m["fieldsV1"]["f:spec"].get("f:replicas").is_some())
}

fn get_json(sim: &SimServer, what: &[&str]) -> Value {
    let mut args = vec!["get"];
    args.extend_from_slice(what);
    args.extend_from_slice(&["-n", "demo", "-o", "json", "--show-managed-fields"]);
    serde_json::from_str(&ok(sim, &args)).expect("kubectl prints JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_side_apply_conflicts_then_force_takes_ownership() {
    if !kubectl_available() {
        return;
    }
    let sim = fresh_sim().await;
    let dir = tempfile::tempdir().unwrap();
    let web = write_manifest(dir.path(), "web.yaml", MANIFEST);
    ok(&sim, &["create", "namespace", "demo"]);

    let out = ok(&sim, &["apply", "--server-side", "-f", &web]);
    assert_eq!(
        out.trim(),
        "service/web serverside-applied\nstatefulset.apps/web serverside-applied"
    );
    let sts = get_json(&sim, &["statefulset", "web"]);
    assert!(
        managers(&sts).contains(&("kubectl".into(), "Apply".into(), String::new())),
        "{:?}",
        managers(&sts)
    );
    assert!(owns_replicas(&sts, "kubectl"));
    // Defaulted like any write: nobody applied the protocol.
    assert_eq!(
        sts["spec"]["template"]["spec"]["containers"][0]["ports"][0]["protocol"],
        "TCP"
    );
    let svc = get_json(&sim, &["service", "web"]);
    assert_eq!(managers(&svc)[0].0, "kubectl");

    // Applying it again changes nothing.
    let out = ok(&sim, &["apply", "--server-side", "-f", &web]);
    assert!(
        out.contains("statefulset.apps/web serverside-applied"),
        "{out}"
    );

    // Another manager, applying only the replicas it cares about (as an
    // autoscaler would), conflicts with kubectl's ownership.
    let five = write_manifest(
        dir.path(),
        "five.yaml",
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\n  namespace: demo\nspec:\n  replicas: 5\n",
    );
    let (code, out) = kubectl(
        &sim,
        &[
            "apply",
            "--server-side",
            "--field-manager=other",
            "-f",
            &five,
        ],
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "error: Apply failed with 1 conflict: conflict with \"kubectl\": .spec.replicas"
        ),
        "{out}"
    );
    assert!(out.contains(HINT), "{out}");
    let sets: Api<StatefulSet> = Api::namespaced(sim.client(None), "demo");
    let replicas = |s: StatefulSet| s.spec.and_then(|s| s.replicas);
    assert_eq!(replicas(sets.get("web").await.unwrap()), Some(2));

    // Forcing takes the field over; the rest stays kubectl's.
    let out = ok(
        &sim,
        &[
            "apply",
            "--server-side",
            "--field-manager=other",
            "--force-conflicts",
            "-f",
            &five,
        ],
    );
    assert!(
        out.contains("statefulset.apps/web serverside-applied"),
        "{out}"
    );
    assert_eq!(replicas(sets.get("web").await.unwrap()), Some(5));
    let sts = get_json(&sim, &["statefulset", "web"]);
    assert!(owns_replicas(&sts, "other"));
    assert!(!owns_replicas(&sts, "kubectl"));

    // Both managers show with --show-managed-fields, and not without it.
    let yaml = ok(
        &sim,
        &[
            "get",
            "statefulset",
            "web",
            "-n",
            "demo",
            "-o",
            "yaml",
            "--show-managed-fields",
        ],
    );
    assert!(yaml.contains("manager: kubectl\n"), "{yaml}");
    assert!(yaml.contains("manager: other\n"), "{yaml}");
    assert!(yaml.contains("operation: Apply"), "{yaml}");
    let plain = ok(
        &sim,
        &["get", "statefulset", "web", "-n", "demo", "-o", "yaml"],
    );
    assert!(!plain.contains("managedFields"), "{plain}");

    // kubectl, applying its own (unchanged) manifest again, now conflicts
    // with "other".
    let (code, out) = kubectl(&sim, &["apply", "--server-side", "-f", &web]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("Apply failed with 1 conflict: conflict with \"other\": .spec.replicas"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn controllers_and_updates_are_recorded_as_their_managers() {
    if !kubectl_available() {
        return;
    }
    let sim = fresh_sim().await;
    let dir = tempfile::tempdir().unwrap();
    let web = write_manifest(dir.path(), "web.yaml", MANIFEST);
    ok(&sim, &["create", "namespace", "demo"]);
    ok(&sim, &["apply", "--server-side", "-f", &web]);
    // The StatefulSet controller writes status as kube-controller-manager.
    let sts = common::eventually(30, || {
        let sts = get_json(&sim, &["statefulset", "web"]);
        let found = managers(&sts).contains(&(
            "kube-controller-manager".into(),
            "Update".into(),
            "status".into(),
        ));
        async move { found.then_some(sts) }
    })
    .await;
    assert!(sts["metadata"]["managedFields"].as_array().unwrap()[0]["operation"] == "Apply");

    // `kubectl scale` writes through the scale subresource; the applier's
    // replicas become kubectl-scale's... and re-applying conflicts with it.
    ok(
        &sim,
        &["scale", "statefulset", "web", "-n", "demo", "--replicas=3"],
    );
    let sts = get_json(&sim, &["statefulset", "web"]);
    let scaler = managers(&sts)
        .into_iter()
        .find(|(_, _, sub)| sub == "scale")
        .expect("a scale entry");
    assert_eq!(scaler.1, "Update");
    assert!(owns_replicas(&sts, &scaler.0));
    let (code, out) = kubectl(&sim, &["apply", "--server-side", "-f", &web]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!(
            "conflict with \"{}\" with subresource \"scale\" using apps/v1: .spec.replicas",
            scaler.0
        )),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_side_apply_then_server_side_apply_migrates() {
    if !kubectl_available() {
        return;
    }
    let sim = fresh_sim().await;
    let dir = tempfile::tempdir().unwrap();
    let web = write_manifest(dir.path(), "web.yaml", MANIFEST);
    ok(&sim, &["create", "namespace", "demo"]);
    ok(&sim, &["apply", "-f", &web]);
    let sts = get_json(&sim, &["statefulset", "web"]);
    assert!(
        managers(&sts).contains(&(
            "kubectl-client-side-apply".into(),
            "Update".into(),
            String::new()
        )),
        "{:?}",
        managers(&sts)
    );
    assert!(owns_replicas(&sts, "kubectl-client-side-apply"));

    // The same manifest server-side: kubectl moves the client-side apply's
    // ownership to its server-side manager.
    let out = ok(&sim, &["apply", "--server-side", "-f", &web]);
    assert!(
        out.contains("statefulset.apps/web serverside-applied"),
        "{out}"
    );
    let sts = get_json(&sim, &["statefulset", "web"]);
    let list = managers(&sts);
    assert!(
        list.contains(&("kubectl".into(), "Apply".into(), String::new())),
        "{list:?}"
    );
    assert!(
        !list
            .iter()
            .any(|(m, _, _)| m == "kubectl-client-side-apply"),
        "{list:?}"
    );
    assert!(owns_replicas(&sts, "kubectl"));
    assert_eq!(sts["spec"]["replicas"], 2);

    // And a changed manifest applies server-side without conflicts.
    let three = write_manifest(
        dir.path(),
        "three.yaml",
        &MANIFEST.replace("replicas: 2", "replicas: 3"),
    );
    ok(&sim, &["apply", "--server-side", "-f", &three]);
    let sets: Api<StatefulSet> = Api::namespaced(sim.client(None), "demo");
    assert_eq!(
        sets.get("web").await.unwrap().spec.and_then(|s| s.replicas),
        Some(3)
    );
}

/// The fieldsV1 of `manager`'s entry (with its subresource, "" for none).
fn fields_of(object: &Value, manager: &str, subresource: &str) -> Value {
    object["metadata"]["managedFields"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|m| {
            m["manager"] == manager && m["subresource"].as_str().unwrap_or_default() == subresource
        })
        .map(|m| m["fieldsV1"].clone())
        .unwrap_or_else(|| panic!("no entry of {manager} ({subresource}): {object}"))
}

/// The status an outside controller applies through the status subresource.
const STATUS: &str = "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
  namespace: demo
status:
  replicas: 2
  availableReplicas: 1
";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_side_apply_through_the_status_and_scale_subresources() {
    if !kubectl_available() {
        return;
    }
    // A cluster whose controllers stand still: the status is the applier's.
    let sim = common::manual_sim().await;
    let dir = tempfile::tempdir().unwrap();
    let web = write_manifest(dir.path(), "web.yaml", MANIFEST);
    let status = write_manifest(dir.path(), "status.yaml", STATUS);
    ok(&sim, &["create", "namespace", "demo"]);
    ok(&sim, &["apply", "--server-side", "-f", &web]);

    let out = ok(
        &sim,
        &[
            "apply",
            "--server-side",
            "--subresource=status",
            "--field-manager=status-writer",
            "-f",
            &status,
        ],
    );
    assert_eq!(out.trim(), "statefulset.apps/web serverside-applied");
    let sts = get_json(&sim, &["statefulset", "web"]);
    assert_eq!(sts["status"]["availableReplicas"], 1);
    assert_eq!(
        fields_of(&sts, "status-writer", "status"),
        serde_json::json!({"f:status": {"f:availableReplicas": {}, "f:replicas": {}}})
    );
    assert!(managers(&sts).contains(&("status-writer".into(), "Apply".into(), "status".into())));

    // The scale subresource takes a Scale (client-go's ApplyScale, an HPA's
    // way): replicas the applier of the manifest owns are a conflict...
    let sets: Api<StatefulSet> = Api::namespaced(sim.client(None), "demo");
    let scale = serde_json::json!({"apiVersion": "autoscaling/v1", "kind": "Scale",
        "metadata": {"name": "web", "namespace": "demo"}, "spec": {"replicas": 4}});
    let err = sets
        .patch_scale(
            "web",
            &PatchParams::apply("autoscaler"),
            &Patch::Apply(scale.clone()),
        )
        .await
        .unwrap_err();
    match err {
        kube::Error::Api(s) => {
            assert_eq!(s.code, 409);
            assert_eq!(
                s.message,
                "Apply failed with 1 conflict: conflict with \"kubectl\": .spec.replicas"
            );
        }
        other => panic!("expected a conflict, got {other}"),
    }
    // ...which forcing takes over, recorded on the StatefulSet with the
    // subresource and the StatefulSet's version.
    let answer = sets
        .patch_scale(
            "web",
            &PatchParams::apply("autoscaler").force(),
            &Patch::Apply(scale),
        )
        .await
        .unwrap();
    assert_eq!(answer.spec.unwrap().replicas, Some(4));
    let sts = get_json(&sim, &["statefulset", "web"]);
    assert_eq!(sts["spec"]["replicas"], 4);
    assert_eq!(
        fields_of(&sts, "autoscaler", "scale"),
        serde_json::json!({"f:spec": {"f:replicas": {}}})
    );
    let entry = sts["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["manager"] == "autoscaler")
        .unwrap();
    assert_eq!(
        (&entry["operation"], &entry["apiVersion"]),
        (&serde_json::json!("Apply"), &serde_json::json!("apps/v1"))
    );
    assert!(!owns_replicas(&sts, "kubectl"));

    // A StatefulSet is no Scale: the version check words it as the server.
    let (code, out) = kubectl(
        &sim,
        &[
            "apply",
            "--server-side",
            "--subresource=scale",
            "-f",
            &write_manifest(
                dir.path(),
                "replicas.yaml",
                "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\n  namespace: demo\nspec:\n  replicas: 3\n",
            ),
        ],
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "Incorrect version specified in apply patch. Specified patch version: apps/v1, expected: autoscaling/v1"
        ),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_scale_set_image_and_label_record_fields_as_the_real_server() {
    if !kubectl_available() {
        return;
    }
    let sim = common::manual_sim().await;
    let dir = tempfile::tempdir().unwrap();
    let web = write_manifest(dir.path(), "web.yaml", MANIFEST);
    ok(&sim, &["create", "namespace", "demo"]);
    ok(&sim, &["create", "-f", &web]);
    let sts = get_json(&sim, &["statefulset", "web"]);
    let created = fields_of(&sts, "kubectl-create", "");
    // The empty StatefulSet has a template, its spec, a null containers list
    // and an updateStrategy: none is a new node; the container item is.
    let template = &created["f:spec"]["f:template"];
    assert!(template.get(".").is_none(), "{created}");
    assert!(template["f:spec"].get(".").is_none(), "{created}");
    assert!(
        template["f:spec"]["f:containers"].get(".").is_none(),
        "{created}"
    );
    assert!(
        template["f:spec"]["f:containers"]["k:{\"name\":\"nginx\"}"]
            .get(".")
            .is_some(),
        "{created}"
    );
    assert!(
        template["f:spec"].get("f:enableServiceLinks").is_none(),
        "{created}"
    );
    assert!(
        created["f:spec"]["f:updateStrategy"].get(".").is_none(),
        "{created}"
    );
    assert!(created.get("f:metadata").is_none(), "{created}");

    ok(
        &sim,
        &["scale", "statefulset", "web", "-n", "demo", "--replicas=3"],
    );
    let sts = get_json(&sim, &["statefulset", "web"]);
    assert_eq!(
        fields_of(&sts, "kubectl", "scale"),
        serde_json::json!({"f:spec": {"f:replicas": {}}})
    );
    ok(
        &sim,
        &[
            "set",
            "image",
            "statefulset/web",
            "nginx=nginx:1.28",
            "-n",
            "demo",
        ],
    );
    ok(
        &sim,
        &["label", "statefulset", "web", "tier=front", "-n", "demo"],
    );
    let sts = get_json(&sim, &["statefulset", "web"]);
    assert_eq!(
        fields_of(&sts, "kubectl-set", ""),
        serde_json::json!({"f:spec": {"f:template": {"f:spec": {"f:containers": {
            "k:{\"name\":\"nginx\"}": {"f:image": {}}
        }}}}})
    );
    assert_eq!(
        fields_of(&sts, "kubectl-label", ""),
        serde_json::json!({"f:metadata": {"f:labels": {".": {}, "f:tier": {}}}})
    );
    assert!(
        fields_of(&sts, "kubectl-create", "")["f:spec"]
            .get("f:replicas")
            .is_none()
    );
}
