//! Server-side dry runs (`dryRun=All`) against a simulated cluster whose
//! clock stands still, typed as a user types them: `create`, `apply`,
//! `apply --server-side`, `scale`, `delete` with `--dry-run=server`, and
//! `kubectl diff`. Each answers what the write would store and stores
//! nothing: the cluster's resourceVersion does not move, so no watcher and no
//! controller sees anything. Skips (saying so) only where kubectl is absent.

mod common;

use common::kubectl::{ok, run, write_manifest};
use ordinal::sim::server::SimServer;
use serde_json::{Value, json};

/// A Service and a StatefulSet with a claim template, as a user writes them.
const MANIFEST: &str = include_str!("fixtures/web-statefulset.yaml");

/// The cluster's latest resourceVersion: every stored change moves it.
fn cluster_version(sim: &SimServer) -> String {
    let list: Value = serde_json::from_str(&ok(sim, &["get", "--raw", "/api/v1/namespaces"]))
        .expect("a NamespaceList");
    list["metadata"]["resourceVersion"]
        .as_str()
        .expect("a list carries its resourceVersion")
        .to_string()
}

fn web_field(sim: &SimServer, path: &str) -> String {
    ok(
        sim,
        &[
            "get",
            "sts",
            "web",
            "-n",
            "demo",
            "-o",
            &format!("jsonpath={{{path}}}"),
        ],
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_runs_answer_the_stored_object_and_store_nothing() {
    if !common::kubectl::available() {
        return;
    }
    let sim = common::manual_sim().await;
    let dir = tempfile::tempdir().unwrap();
    let web = write_manifest(dir.path(), "web.yaml", MANIFEST);
    ok(&sim, &["create", "namespace", "demo"]);
    let before = cluster_version(&sim);

    // create: defaulted, with the uid and creationTimestamp the server
    // sets, and no resourceVersion (nothing was written).
    let out = ok(
        &sim,
        &[
            "create",
            "-f",
            &web,
            "--dry-run=server",
            "-o",
            "json",
            "--show-managed-fields",
        ],
    );
    // One JSON document per object.
    let objects: Vec<Value> = serde_json::Deserializer::from_str(&out)
        .into_iter::<Value>()
        .collect::<Result<_, _>>()
        .expect("kubectl prints JSON");
    let sts = &objects[1];
    assert_eq!(sts["kind"], "StatefulSet", "{out}");
    assert!(sts["metadata"]["uid"].is_string(), "{out}");
    assert!(sts["metadata"]["creationTimestamp"].is_string(), "{out}");
    assert_eq!(sts["metadata"]["generation"], 1);
    assert!(sts["metadata"].get("resourceVersion").is_none(), "{out}");
    assert_eq!(
        sts["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"],
        "IfNotPresent"
    );
    assert_eq!(
        sts["metadata"]["managedFields"][0]["manager"],
        "kubectl-create"
    );
    let out = ok(&sim, &["apply", "-f", &web, "--dry-run=server"]);
    assert_eq!(
        out.trim(),
        "service/web created (server dry run)\nstatefulset.apps/web created (server dry run)"
    );
    let out = ok(
        &sim,
        &["apply", "--server-side", "-f", &web, "--dry-run=server"],
    );
    assert!(
        out.contains("statefulset.apps/web serverside-applied (server dry run)"),
        "{out}"
    );
    let (_, out) = run(&sim, &["get", "sts,svc", "-n", "demo"]);
    assert_eq!(out.trim(), "No resources found in demo namespace.");
    assert_eq!(cluster_version(&sim), before);

    // Admission still runs: a missing namespace is refused.
    let elsewhere = write_manifest(
        dir.path(),
        "elsewhere.yaml",
        &MANIFEST.replace("namespace: demo", "namespace: nope"),
    );
    let (done, out) = run(&sim, &["create", "-f", &elsewhere, "--dry-run=server"]);
    assert!(!done, "{out}");
    assert!(out.contains("namespaces \"nope\" not found"), "{out}");

    ok(&sim, &["apply", "-f", &web]);
    let stored = cluster_version(&sim);

    let out = ok(
        &sim,
        &[
            "scale",
            "sts",
            "web",
            "-n",
            "demo",
            "--replicas=5",
            "--dry-run=server",
        ],
    );
    assert_eq!(out.trim(), "statefulset.apps/web scaled (server dry run)");
    assert_eq!(web_field(&sim, ".spec.replicas"), "2");

    // kubectl diff: a server dry-run patch, shown against the live object.
    let changed = write_manifest(
        dir.path(),
        "web2.yaml",
        &MANIFEST.replace("nginx:1.27", "nginx:1.28"),
    );
    let (same, out) = run(&sim, &["diff", "-f", &changed]);
    assert!(!same, "kubectl diff exits 1 on a difference: {out}");
    assert!(out.contains("-      - image: nginx:1.27"), "{out}");
    assert!(out.contains("+      - image: nginx:1.28"), "{out}");
    let (same, out) = run(&sim, &["diff", "-f", &web]);
    assert!(same, "no difference: {out}");
    assert_eq!(out, "");

    let out = ok(
        &sim,
        &[
            "apply",
            "--server-side",
            "--force-conflicts",
            "-f",
            &changed,
            "--dry-run=server",
        ],
    );
    assert!(
        out.contains("statefulset.apps/web serverside-applied (server dry run)"),
        "{out}"
    );
    assert_eq!(
        web_field(&sim, ".spec.template.spec.containers[0].image"),
        "nginx:1.27"
    );

    let out = ok(
        &sim,
        &["delete", "sts", "web", "-n", "demo", "--dry-run=server"],
    );
    assert_eq!(
        out.trim(),
        "statefulset.apps \"web\" deleted (server dry run)"
    );
    assert_eq!(web_field(&sim, ".metadata.name"), "web");
    assert_eq!(cluster_version(&sim), stored);
}

#[tokio::test]
async fn a_dry_run_value_other_than_all_is_refused_as_the_server_refuses_it() {
    let sim = common::manual_sim().await;
    let client = sim.client(None);
    let ns = serde_json::to_vec(&json!({"apiVersion": "v1", "kind": "Namespace",
        "metadata": {"name": "demo"}}))
    .unwrap();
    let req = http::Request::builder()
        .method("POST")
        .uri("/api/v1/namespaces?dryRun=Some")
        .header("content-type", "application/json")
        .body(ns.clone())
        .unwrap();
    match client.request_text(req).await {
        Err(kube::Error::Api(s)) => {
            assert_eq!((s.code, s.reason.as_str()), (422, "Invalid"));
            assert_eq!(
                s.message,
                "CreateOptions.meta.k8s.io \"\" is invalid: dryRun: Unsupported value: []string{\"Some\"}: supported values: \"All\""
            );
        }
        other => panic!("expected 422, got {other:?}"),
    }
    // dryRun=All: answered, not stored.
    let req = http::Request::builder()
        .method("POST")
        .uri("/api/v1/namespaces?dryRun=All")
        .header("content-type", "application/json")
        .body(ns)
        .unwrap();
    let created: Value = serde_json::from_str(&client.request_text(req).await.unwrap()).unwrap();
    assert_eq!(created["metadata"]["name"], "demo");
    let req = http::Request::builder()
        .uri("/api/v1/namespaces/demo")
        .body(Vec::new())
        .unwrap();
    assert!(matches!(
        client.request_text(req).await,
        Err(kube::Error::Api(s)) if s.code == 404
    ));
}
