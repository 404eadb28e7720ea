//! kubectl against a fresh simulated cluster with the kinds the sim only
//! stores (ConfigMaps, Secrets, ServiceAccounts, Deployments…), typed as a
//! user types it: `create configmap`, `create secret generic`, `create
//! deployment`, `get deploy` columns, `apply -f` of a manifest mixing kinds
//! (and again changed), `api-resources`, `delete -f`. Skips (saying so) only
//! where kubectl is not installed.

mod common;

use std::process::Command;

use ordinal::sim::server::{SimConfig, SimServer};

const MIXED: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      serviceAccountName: api
      containers:
      - name: api
        image: example/api:1.0
        envFrom:
        - configMapRef:
            name: api-config
        - secretRef:
            name: api-secret
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: api-config
  namespace: shop
data:
  LOG_LEVEL: info
---
apiVersion: v1
kind: Secret
metadata:
  name: api-secret
  namespace: shop
stringData:
  TOKEN: s3cret
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: api
  namespace: shop
"#;

const EVENT: &str = r#"apiVersion: v1
kind: Event
metadata:
  name: api.1
  namespace: shop
involvedObject:
  apiVersion: apps/v1
  kind: Deployment
  name: api
  namespace: shop
reason: ScalingReplicaSet
message: Scaled up replica set api-1 from 0 to 2
type: Normal
count: 1
firstTimestamp: "2026-01-01T00:00:00Z"
lastTimestamp: "2026-01-01T00:00:00Z"
reportingComponent: deployment-controller
source:
  component: deployment-controller
"#;

async fn fresh_sim() -> SimServer {
    SimServer::start(SimConfig {
        scenario: Some("base".into()),
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

/// The header line's column names of `kubectl get` output.
fn header(out: &str) -> Vec<&str> {
    out.lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect()
}

/// The cells of the row whose first cell is `name`.
fn row<'o>(out: &'o str, name: &str) -> Vec<&'o str> {
    out.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|cells| cells.first() == Some(&name))
        .unwrap_or_else(|| panic!("no row {name} in:\n{out}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_configmap_secret_and_deployment_then_get_their_columns() {
    if !common::kubectl::available() {
        return;
    }
    let sim = fresh_sim().await;
    common::kubectl::ok(&sim, &["create", "namespace", "shop"]);

    let out = common::kubectl::ok(
        &sim,
        &[
            "create",
            "configmap",
            "settings",
            "-n",
            "shop",
            "--from-literal=a=1",
            "--from-literal=b=2",
        ],
    );
    assert_eq!(out.trim(), "configmap/settings created");
    let out = common::kubectl::ok(&sim, &["get", "cm", "settings", "-n", "shop"]);
    assert_eq!(header(&out), ["NAME", "DATA", "AGE"]);
    assert_eq!(row(&out, "settings")[1], "2");

    let out = common::kubectl::ok(
        &sim,
        &[
            "create",
            "secret",
            "generic",
            "db",
            "-n",
            "shop",
            "--from-literal=password=hunter2",
        ],
    );
    assert_eq!(out.trim(), "secret/db created");
    let out = common::kubectl::ok(&sim, &["get", "secrets", "-n", "shop"]);
    assert_eq!(header(&out), ["NAME", "TYPE", "DATA", "AGE"]);
    assert_eq!(&row(&out, "db")[1..3], ["Opaque", "1"]);
    let out = common::kubectl::ok(
        &sim,
        &[
            "get",
            "secret",
            "db",
            "-n",
            "shop",
            "-o",
            "jsonpath={.data.password}",
        ],
    );
    assert_eq!(out.trim(), "aHVudGVyMg==");

    let out = common::kubectl::ok(
        &sim,
        &["create", "deployment", "web", "--image=nginx", "-n", "shop"],
    );
    assert_eq!(out.trim(), "deployment.apps/web created");
    let out = common::kubectl::ok(&sim, &["get", "deploy", "-n", "shop"]);
    assert_eq!(
        header(&out),
        ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    );
    // Stored, not run: no controller makes its Pods.
    assert_eq!(&row(&out, "web")[1..4], ["0/1", "0", "0"]);
    let out = common::kubectl::ok(&sim, &["get", "deploy", "web", "-n", "shop", "-o", "wide"]);
    assert_eq!(
        header(&out),
        [
            "NAME",
            "READY",
            "UP-TO-DATE",
            "AVAILABLE",
            "AGE",
            "CONTAINERS",
            "IMAGES",
            "SELECTOR"
        ]
    );
    assert_eq!(&row(&out, "web")[5..], ["nginx", "nginx", "app=web"]);
    let out = common::kubectl::ok(
        &sim,
        &[
            "get",
            "deploy",
            "web",
            "-n",
            "shop",
            "-o",
            "jsonpath={.spec.strategy.type} {.spec.progressDeadlineSeconds} {.spec.revisionHistoryLimit}",
        ],
    );
    assert_eq!(out.trim(), "RollingUpdate 600 10");

    // Stored, not run: the count changes, no Pods come.
    let out = common::kubectl::ok(
        &sim,
        &["scale", "deployment", "web", "--replicas=3", "-n", "shop"],
    );
    assert_eq!(out.trim(), "deployment.apps/web scaled");
    let out = common::kubectl::ok(&sim, &["get", "deploy", "web", "-n", "shop"]);
    assert_eq!(row(&out, "web")[1], "0/3");

    let out = common::kubectl::ok(&sim, &["create", "serviceaccount", "robot", "-n", "shop"]);
    assert_eq!(out.trim(), "serviceaccount/robot created");
    let out = common::kubectl::ok(&sim, &["get", "sa", "-n", "shop"]);
    assert_eq!(header(&out), ["NAME", "SECRETS", "AGE"]);
    assert_eq!(row(&out, "robot")[1], "0");

    let out = common::kubectl::ok(
        &sim,
        &[
            "create",
            "job",
            "once",
            "--image=busybox",
            "-n",
            "shop",
            "--",
            "true",
        ],
    );
    assert_eq!(out.trim(), "job.batch/once created");
    let out = common::kubectl::ok(&sim, &["get", "jobs", "-n", "shop"]);
    assert_eq!(
        header(&out),
        ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"]
    );
    assert_eq!(&row(&out, "once")[1..3], ["Running", "0/1"]);

    let out = common::kubectl::ok(
        &sim,
        &[
            "create",
            "cronjob",
            "nightly",
            "--image=busybox",
            "--schedule=0 3 * * *",
            "-n",
            "shop",
        ],
    );
    assert_eq!(out.trim(), "cronjob.batch/nightly created");
    let out = common::kubectl::ok(&sim, &["get", "cj", "-n", "shop"]);
    assert_eq!(
        header(&out),
        [
            "NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST", "SCHEDULE", "AGE"
        ]
    );
    assert_eq!(
        &row(&out, "nightly")[1..],
        [
            "0",
            "3",
            "*",
            "*",
            "*",
            "<none>",
            "False",
            "0",
            "<none>",
            row(&out, "nightly")[10]
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_a_manifest_mixing_kinds_apply_it_changed_then_delete_it() {
    if !common::kubectl::available() {
        return;
    }
    let sim = fresh_sim().await;
    let dir = tempfile::tempdir().unwrap();
    common::kubectl::ok(&sim, &["create", "namespace", "shop"]);
    let file = common::kubectl::write_manifest(dir.path(), "shop.yaml", MIXED);

    let out = common::kubectl::ok(&sim, &["apply", "-f", &file]);
    assert_eq!(
        out.trim(),
        "deployment.apps/api created\nconfigmap/api-config created\nsecret/api-secret created\nserviceaccount/api created"
    );
    // stringData is written as base64 data, as the real server does.
    let out = common::kubectl::ok(
        &sim,
        &[
            "get",
            "secret",
            "api-secret",
            "-n",
            "shop",
            "-o",
            "jsonpath={.data.TOKEN} {.type}",
        ],
    );
    assert_eq!(out.trim(), "czNjcmV0 Opaque");

    let changed = common::kubectl::write_manifest(
        dir.path(),
        "shop2.yaml",
        &MIXED
            .replace("image: example/api:1.0", "image: example/api:1.1")
            .replace("LOG_LEVEL: info", "LOG_LEVEL: debug"),
    );
    // The Secret is "configured" each time, as on a real cluster: its
    // stringData is never stored, so kubectl's three-way patch resends it.
    let out = common::kubectl::ok(&sim, &["apply", "-f", &changed]);
    assert_eq!(
        out.trim(),
        "deployment.apps/api configured\nconfigmap/api-config configured\nsecret/api-secret configured\nserviceaccount/api unchanged"
    );
    let out = common::kubectl::ok(
        &sim,
        &[
            "get",
            "deploy",
            "api",
            "-n",
            "shop",
            "-o",
            "jsonpath={.spec.template.spec.containers[0].image} {.spec.replicas}",
        ],
    );
    assert_eq!(out.trim(), "example/api:1.1 2");
    let out = common::kubectl::ok(
        &sim,
        &[
            "get",
            "cm",
            "api-config",
            "-n",
            "shop",
            "-o",
            "jsonpath={.data.LOG_LEVEL}",
        ],
    );
    assert_eq!(out.trim(), "debug");

    let out = common::kubectl::ok(&sim, &["explain", "deployment.spec.strategy"]);
    assert!(out.contains("rollingUpdate"), "{out}");

    let out = common::kubectl::ok(&sim, &["delete", "-f", &changed]);
    assert_eq!(
        out.trim(),
        "deployment.apps \"api\" deleted\nconfigmap \"api-config\" deleted\nsecret \"api-secret\" deleted\nserviceaccount \"api\" deleted"
    );
    let out = common::kubectl::ok(&sim, &["get", "deploy,cm,secret,sa", "-n", "shop"]);
    assert_eq!(out.trim(), "No resources found in shop namespace.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_resources_lists_the_stored_kinds_with_short_names() {
    if !common::kubectl::available() {
        return;
    }
    let sim = fresh_sim().await;
    let out = common::kubectl::ok(&sim, &["api-resources", "--no-headers"]);
    let expected: &[&[&str]] = &[
        &["configmaps", "cm", "v1", "true", "ConfigMap"],
        &["secrets", "v1", "true", "Secret"],
        &["serviceaccounts", "sa", "v1", "true", "ServiceAccount"],
        &["endpoints", "ep", "v1", "true", "Endpoints"],
        &["deployments", "deploy", "apps/v1", "true", "Deployment"],
        &["replicasets", "rs", "apps/v1", "true", "ReplicaSet"],
        &["daemonsets", "ds", "apps/v1", "true", "DaemonSet"],
        &["jobs", "batch/v1", "true", "Job"],
        &["cronjobs", "cj", "batch/v1", "true", "CronJob"],
        &[
            "endpointslices",
            "discovery.k8s.io/v1",
            "true",
            "EndpointSlice",
        ],
    ];
    for want in expected {
        assert!(
            out.lines()
                .any(|l| l.split_whitespace().collect::<Vec<_>>() == *want),
            "{want:?} not in:\n{out}"
        );
    }
    let out = common::kubectl::ok(&sim, &["api-resources", "-o", "wide", "--api-group=apps"]);
    assert!(
        out.lines().any(|l| l.starts_with("deployments")
            && l.contains("create,delete,deletecollection,get,list,patch,update,watch")),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_k8s_io_shows_the_core_events_under_their_new_field_names() {
    if !common::kubectl::available() {
        return;
    }
    let sim = fresh_sim().await;
    common::kubectl::ok(&sim, &["create", "namespace", "shop"]);
    let dir = tempfile::tempdir().unwrap();
    let event = common::kubectl::write_manifest(dir.path(), "event.yaml", EVENT);
    common::kubectl::ok(&sim, &["create", "-f", &event]);
    let core = common::kubectl::ok(
        &sim,
        &[
            "get",
            "events",
            "-A",
            "-o",
            "jsonpath={range .items[*]}{.message}{\"\\n\"}{end}",
        ],
    );
    assert!(!core.trim().is_empty(), "the base scenario has events");

    let out = common::kubectl::ok(&sim, &["get", "events.v1.events.k8s.io", "-A"]);
    assert_eq!(
        header(&out),
        [
            "NAMESPACE",
            "LAST",
            "SEEN",
            "TYPE",
            "REASON",
            "OBJECT",
            "MESSAGE"
        ]
    );
    assert_eq!(out.lines().count(), core.lines().count() + 1, "{out}");

    let notes = common::kubectl::ok(
        &sim,
        &[
            "get",
            "events.v1.events.k8s.io",
            "-A",
            "-o",
            "jsonpath={range .items[*]}{.note}{\"\\n\"}{end}",
        ],
    );
    assert_eq!(notes, core);
    let out = common::kubectl::ok(
        &sim,
        &[
            "get",
            "events.events.k8s.io",
            "-A",
            "-o",
            "jsonpath={.apiVersion} {.items[0].apiVersion} {.items[0].regarding.kind} {.items[0].message}",
        ],
    );
    let fields: Vec<&str> = out.split_whitespace().collect();
    assert_eq!(fields[..2], ["v1", "events.k8s.io/v1"], "{out}");
    assert!(!fields[2].is_empty(), "{out}");
    assert_eq!(fields.len(), 3, "no core `message` field: {out}");

    // The same objects: deleting through the newer API deletes the core ones.
    let out = common::kubectl::ok(
        &sim,
        &["delete", "events.v1.events.k8s.io", "--all", "-n", "shop"],
    );
    assert_eq!(out.trim(), "event.events.k8s.io \"api.1\" deleted");
    let out = common::kubectl::ok(&sim, &["get", "events", "-n", "shop"]);
    assert_eq!(out.trim(), "No resources found in shop namespace.");
}

/// An Event as a controller writes it through events.k8s.io/v1.
const EVENT_V1: &str = r#"apiVersion: events.k8s.io/v1
kind: Event
metadata:
  name: api.17f0
  namespace: shop
eventTime: "2026-01-01T00:00:00.000000Z"
reportingController: example.com/deployer
reportingInstance: deployer-1
action: Rollout
reason: RolloutStarted
note: Rolling out example/api:1.1
type: Normal
regarding:
  apiVersion: apps/v1
  kind: Deployment
  name: api
  namespace: shop
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_events_k8s_io_event_is_written_read_as_a_core_event_patched_and_deleted() {
    if !common::kubectl::available() {
        return;
    }
    let sim = fresh_sim().await;
    common::kubectl::ok(&sim, &["create", "namespace", "shop"]);
    let dir = tempfile::tempdir().unwrap();
    let file = common::kubectl::write_manifest(dir.path(), "event.yaml", EVENT_V1);
    // A server dry run answers and stores nothing, as for the core kinds.
    let out = common::kubectl::ok(&sim, &["create", "-f", &file, "--dry-run=server"]);
    assert_eq!(
        out.trim(),
        "event.events.k8s.io/api.17f0 created (server dry run)"
    );
    let out = common::kubectl::ok(&sim, &["get", "events", "-n", "shop"]);
    assert_eq!(out.trim(), "No resources found in shop namespace.");
    let out = common::kubectl::ok(&sim, &["create", "-f", &file]);
    assert_eq!(out.trim(), "event.events.k8s.io/api.17f0 created");

    // The core API shows the same Event under its own names, and the
    // printer takes its time from eventTime (no lastTimestamp is set).
    let out = common::kubectl::ok(
        &sim,
        &[
            "get",
            "event",
            "api.17f0",
            "-n",
            "shop",
            "-o",
            "jsonpath={.apiVersion} {.message} {.involvedObject.name} {.reportingComponent}",
        ],
    );
    assert_eq!(
        out.trim(),
        "v1 Rolling out example/api:1.1 api example.com/deployer"
    );
    let out = common::kubectl::ok(&sim, &["get", "events", "-n", "shop", "-o", "wide"]);
    assert_eq!(
        header(&out),
        [
            "LAST",
            "SEEN",
            "TYPE",
            "REASON",
            "OBJECT",
            "SUBOBJECT",
            "SOURCE",
            "MESSAGE",
            "FIRST",
            "SEEN",
            "COUNT",
            "NAME"
        ]
    );
    let cells: Vec<&str> = out.lines().nth(1).unwrap().split_whitespace().collect();
    assert_ne!(cells[0], "<unknown>", "{out}");
    assert_eq!(cells[1..4], ["Normal", "RolloutStarted", "deployment/api"]);
    assert!(
        out.contains("example.com/deployer, deployer-1"),
        "the source is the reporting controller and instance: {out}"
    );
    assert_eq!(cells[cells.len() - 2..], ["1", "api.17f0"], "{out}");
    let out = common::kubectl::ok(&sim, &["events", "-n", "shop"]);
    assert!(
        out.lines()
            .any(|l| l.contains("RolloutStarted") && l.contains("Rolling out example/api:1.1")),
        "{out}"
    );

    // A series update is allowed; changing what happened is not.
    let out = common::kubectl::ok(
        &sim,
        &[
            "patch",
            "events.events.k8s.io",
            "api.17f0",
            "-n",
            "shop",
            "--type=merge",
            "-p",
            r#"{"series":{"count":2,"lastObservedTime":"2026-01-01T00:05:00.000000Z"}}"#,
        ],
    );
    assert_eq!(out.trim(), "event.events.k8s.io/api.17f0 patched");
    let out = common::kubectl::ok(
        &sim,
        &[
            "get",
            "events.events.k8s.io",
            "api.17f0",
            "-n",
            "shop",
            "-o",
            "jsonpath={.series.count} {.note}",
        ],
    );
    assert_eq!(out.trim(), "2 Rolling out example/api:1.1");
    let (ok_, out) = common::kubectl::run(
        &sim,
        &[
            "patch",
            "events.events.k8s.io",
            "api.17f0",
            "-n",
            "shop",
            "--type=merge",
            "-p",
            r#"{"note":"something else"}"#,
        ],
    );
    assert!(!ok_, "{out}");
    assert!(
        out.contains(r#"The Event "api.17f0" is invalid: message: Invalid value: "something else": field is immutable"#),
        "{out}"
    );

    // The newer API requires eventTime; the core API never did.
    let bad = common::kubectl::write_manifest(
        dir.path(),
        "bad.yaml",
        &EVENT_V1
            .replace("name: api.17f0", "name: bad")
            .replace("eventTime: \"2026-01-01T00:00:00.000000Z\"\n", ""),
    );
    let (ok_, out) = common::kubectl::run(&sim, &["create", "-f", &bad]);
    assert!(!ok_, "{out}");
    assert!(
        out.contains(r#"The Event "bad" is invalid: eventTime: Required value"#),
        "{out}"
    );

    // Fields are checked against the events.k8s.io schema.
    let typo = common::kubectl::write_manifest(
        dir.path(),
        "typo.yaml",
        &EVENT_V1
            .replace("name: api.17f0", "name: typo")
            .replace("note:", "notee:"),
    );
    let (ok_, out) = common::kubectl::run(&sim, &["create", "-f", &typo]);
    assert!(!ok_, "{out}");
    assert!(
        out.contains(r#"Event in version "v1" cannot be handled as a Event: strict decoding error: unknown field "notee""#),
        "{out}"
    );

    let out = common::kubectl::ok(
        &sim,
        &["delete", "events.events.k8s.io", "api.17f0", "-n", "shop"],
    );
    assert_eq!(out.trim(), "event.events.k8s.io \"api.17f0\" deleted");
    let out = common::kubectl::ok(&sim, &["get", "events", "-n", "shop"]);
    assert_eq!(out.trim(), "No resources found in shop namespace.");
}

/// `kubectl explain` works for every resource `kubectl api-resources` lists
/// (kubectl finds each schema in the OpenAPI v3 document of its group).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explain_finds_every_served_resource_and_events_k8s_io_fields() {
    if !common::kubectl::available() {
        return;
    }
    let sim = fresh_sim().await;
    let out = common::kubectl::ok(&sim, &["api-resources", "--no-headers"]);
    let mut checked = 0;
    for line in out.lines() {
        let cells: Vec<&str> = line.split_whitespace().collect();
        let (resource, kind) = (cells[0], cells[cells.len() - 1]);
        let api_version = cells[cells.len() - 3];
        let explained =
            common::kubectl::ok(&sim, &["explain", resource, "--api-version", api_version]);
        assert!(
            explained
                .lines()
                .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["KIND:", kind]),
            "{resource} {api_version}: {explained}"
        );
        if let Some((group, _)) = api_version.split_once('/') {
            assert!(
                explained.contains(&format!("GROUP:      {group}")),
                "{resource} {api_version}: {explained}"
            );
        }
        checked += 1;
    }
    assert!(checked >= 22, "{out}");
    let out = common::kubectl::ok(
        &sim,
        &["explain", "event.note", "--api-version=events.k8s.io/v1"],
    );
    assert!(out.contains("GROUP:      events.k8s.io"), "{out}");
    assert!(out.contains("FIELD: note <string>"), "{out}");
    let out = common::kubectl::ok(
        &sim,
        &[
            "explain",
            "selfsubjectaccessreview.spec.resourceAttributes.verb",
        ],
    );
    assert!(out.contains("FIELD: verb <string>"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_lists_the_subresources_of_the_real_server() {
    if !common::kubectl::available() {
        return;
    }
    let sim = fresh_sim().await;
    let names = |path: &str| -> Vec<String> {
        let raw = common::kubectl::ok(&sim, &["get", "--raw", path]);
        let list: serde_json::Value = serde_json::from_str(&raw).unwrap();
        list["resources"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r["name"].as_str().map(String::from))
            .collect()
    };
    let core = names("/api/v1");
    for absent in [
        "configmaps/status",
        "secrets/status",
        "events/status",
        "endpoints/status",
    ] {
        assert!(!core.iter().any(|n| n == absent), "{absent} in {core:?}");
    }
    let apps = names("/apis/apps/v1");
    for present in [
        "deployments/scale",
        "deployments/status",
        "replicasets/scale",
        "replicasets/status",
        "statefulsets/scale",
        "statefulsets/status",
        "daemonsets/status",
    ] {
        assert!(
            apps.iter().any(|n| n == present),
            "{present} not in {apps:?}"
        );
    }
    assert!(!apps.iter().any(|n| n == "daemonsets/scale"), "{apps:?}");
    assert!(
        !apps.iter().any(|n| n == "controllerrevisions/status"),
        "{apps:?}"
    );
    let batch = names("/apis/batch/v1");
    // By name, as the real server installs them.
    assert_eq!(
        batch,
        ["cronjobs", "cronjobs/status", "jobs", "jobs/status"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_selects_its_own_uid_and_labels_its_pod_template() {
    if !common::kubectl::available() {
        return;
    }
    let sim = fresh_sim().await;
    common::kubectl::ok(&sim, &["create", "namespace", "shop"]);
    common::kubectl::ok(
        &sim,
        &[
            "create",
            "job",
            "once",
            "--image=busybox",
            "-n",
            "shop",
            "--",
            "true",
        ],
    );
    let uid = common::kubectl::ok(
        &sim,
        &[
            "get",
            "job",
            "once",
            "-n",
            "shop",
            "-o",
            "jsonpath={.metadata.uid}",
        ],
    );
    let uid = uid.trim();
    assert_eq!(uid.len(), 36, "{uid}");
    let out = common::kubectl::ok(
        &sim,
        &[
            "get",
            "job",
            "once",
            "-n",
            "shop",
            "-o",
            "jsonpath={.spec.selector.matchLabels} {.spec.template.metadata.labels} {.spec.manualSelector}",
        ],
    );
    let (selector, rest) = out.trim().split_once(' ').unwrap();
    let (labels, manual) = rest.rsplit_once(' ').unwrap();
    let selector: serde_json::Value = serde_json::from_str(selector).unwrap();
    assert_eq!(
        selector,
        serde_json::json!({"batch.kubernetes.io/controller-uid": uid})
    );
    let labels: serde_json::Value = serde_json::from_str(labels).unwrap();
    assert_eq!(
        labels,
        serde_json::json!({
            "batch.kubernetes.io/controller-uid": uid,
            "batch.kubernetes.io/job-name": "once",
            "controller-uid": uid,
            "job-name": "once",
        })
    );
    assert_eq!(manual, "false");
    let out = common::kubectl::ok(&sim, &["get", "jobs", "-n", "shop", "-o", "wide"]);
    assert_eq!(
        header(&out),
        [
            "NAME",
            "STATUS",
            "COMPLETIONS",
            "DURATION",
            "AGE",
            "CONTAINERS",
            "IMAGES",
            "SELECTOR"
        ]
    );
    let cells = row(&out, "once");
    assert_eq!(
        cells[cells.len() - 3..],
        [
            "once",
            "busybox",
            &format!("batch.kubernetes.io/controller-uid={uid}")
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_read_only_profile_reads_deployments_but_not_secrets() {
    if !common::kubectl::available() {
        return;
    }
    let (_sim, dir, config) =
        common::kubectl::sim_with_users(&["ops=admin", "viewer=read-only"]).await;
    let as_viewer = |args: &[&str]| {
        let out = Command::new("kubectl")
            .env("HOME", dir.path())
            .env("KUBECONFIG", &config)
            .args(["--context", "viewer", "--request-timeout", "10s"])
            .args(args)
            .output()
            .expect("kubectl runs");
        (
            out.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    };
    let (ok_, out) = tokio::task::block_in_place(|| as_viewer(&["get", "deploy", "-A"]));
    assert!(ok_, "{out}");
    let (ok_, out) = tokio::task::block_in_place(|| as_viewer(&["get", "secrets", "-A"]));
    assert!(!ok_, "{out}");
    assert!(out.contains("forbidden"), "{out}");
}
