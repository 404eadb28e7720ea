//! Scenario files with mistakes: each error names the file, line and
//! column, the document and object, the field path, and what is wrong.

use std::time::Duration;

use super::*;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

// -- validation errors ----------------------------------------------------

const HEADER: &str = "apiVersion: sim.ordinal.dev/v1alpha1\nkind: Scenario\nmetadata: {name: t}\nspec:\n  namespace: t\n";
const NAMESPACE: &str = "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: t}\n";
const STS: &str = "---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: web
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: 'nginx:1.27.3', volumeMounts: [{name: www, mountPath: /www}]}]
  volumeClaimTemplates:
  - metadata: {name: www}
    spec: {storageClassName: fixed, accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fixed}
provisioner: example.com/fixed
allowVolumeExpansion: true
";

/// A valid file with `spec` lines appended to the Scenario's spec and extra documents.
fn fixture(spec: &str, docs: &str) -> String {
    format!("{HEADER}{spec}{NAMESPACE}{STS}{docs}")
}

/// The error for `text` as `t.yaml`; every error inside a document
/// starts `t.yaml:LINE:COLUMN: document N`.
fn fails(text: &str) -> (ScenarioError, String) {
    let err = parse("t.yaml", text).expect_err("should be rejected");
    let msg = err.to_string();
    match err.line() {
        Some((line, column)) => assert!(
            msg.starts_with(&format!("t.yaml:{line}:{column}: document ")),
            "{msg}"
        ),
        None => assert!(
            matches!(err, ScenarioError::MissingScenario { .. }),
            "no line: {msg}"
        ),
    }
    (err, msg)
}

fn timeline(steps: &str) -> String {
    fixture(&format!("  timeline:\n{steps}"), "")
}

#[test]
fn the_fixture_is_valid_and_every_action_parses() {
    let text = fixture(
        "  warmup: 1m
  workloads:
  - {statefulset: web, volumeUsage: {www: {initial: 1Mi}}}
  timeline:
  - {at: 0, scale: {statefulset: web, replicas: 2}}
  - {at: 1s, patch: {resource: sts, name: web, body: {spec: {replicas: 3}}}}
  - {at: 2s, patch: {resource: nodes, name: n1, type: merge, body: {metadata: {labels: {a: b}}}}}
  - {at: 3s, delete: {resource: po, name: web-2, gracePeriodSeconds: 0}}
  - {at: 4s, readiness: {pod: web-0, ready: false}}
  - {at: 5s, crash: {pod: web-1, container: nginx, restarts: 3}}
  - {at: 6s, failNode: {nodeOf: web-0}}
  - {at: 6s, failNode: {node: n1}}
  - {at: 7s, recoverNode: {node: n1}}
  - {at: 8s, cordon: {node: n1}}
  - {at: 9s, uncordon: {node: n1}}
  - {at: 10s, resize: {claim: www-web-0, size: 2Gi}}
  - {at: 11s, usage: {claim: www-web-1, used: 500Mi}}
",
        "",
    );
    let s = parse("t.yaml", &text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.warmup, secs(60));
    assert_eq!(s.workloads[0].start_after, DEFAULT_START_AFTER);
    assert_eq!(
        s.workloads[0].volume_usage["www"],
        VolumeUsage {
            initial_bytes: 1 << 20,
            ..Default::default()
        }
    );
    let actions: Vec<&str> = s.timeline.iter().map(|st| st.action.key()).collect();
    assert_eq!(
        actions,
        [
            "scale",
            "patch",
            "patch",
            "delete",
            "readiness",
            "crash",
            "failNode",
            "failNode",
            "recoverNode",
            "cordon",
            "uncordon",
            "resize",
            "usage"
        ]
    );
    assert_eq!(
        s.timeline[1].action,
        Action::Patch {
            resource: "statefulsets".into(),
            name: "web".into(),
            patch_type: PatchKind::Strategic,
            body: serde_json::json!({"spec": {"replicas": 3}})
        }
    );
    assert_eq!(s.timeline[1].namespace.as_deref(), Some("t"));
    assert_eq!(s.timeline[2].namespace, None, "nodes are cluster-scoped");
    assert!(matches!(
        &s.timeline[2].action,
        Action::Patch {
            patch_type: PatchKind::Merge,
            ..
        }
    ));
    assert_eq!(
        s.timeline[3].action,
        Action::Delete {
            resource: "pods".into(),
            name: "web-2".into(),
            grace_period_seconds: Some(0)
        }
    );
    assert_eq!(
        s.timeline[4].action,
        Action::Readiness {
            pod: "web-0".into(),
            container: None,
            ready: false
        }
    );
    assert_eq!(s.timeline[6].namespace.as_deref(), Some("t"));
    assert_eq!(s.timeline[7].namespace, None);
    assert_eq!(
        s.timeline[11].action,
        Action::Resize {
            claim: "www-web-0".into(),
            size_bytes: 2 << 30,
            size: "2Gi".into()
        }
    );
    assert_eq!(
        s.timeline[12].action,
        Action::Usage {
            claim: "www-web-1".into(),
            used_bytes: 500 << 20
        }
    );
    assert_eq!(s.objects[1]["metadata"]["namespace"], "t");
    assert_eq!(
        s.objects[2].get("metadata").unwrap().get("namespace"),
        None,
        "StorageClass stays cluster-scoped"
    );
}

#[test]
fn unknown_kind() {
    let (err, msg) = fails(&fixture(
        "",
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n",
    ));
    assert!(
        matches!(err, ScenarioError::UnknownKind { ref kind, .. } if kind == "Deployment"),
        "{msg}"
    );
    assert!(
        msg.contains("document 5") && msg.contains("supported: Namespace, Node"),
        "{msg}"
    );
}

#[test]
fn missing_api_version_kind_and_name() {
    let (err, msg) = fails(&fixture("", "---\nkind: ConfigMap\nmetadata: {name: x}\n"));
    assert!(
        matches!(err, ScenarioError::MissingField { ref field, .. } if field == "apiVersion"),
        "{msg}"
    );
    assert!(
        msg.contains("document 5: missing required field `apiVersion`"),
        "{msg}"
    );
    let (err, msg) = fails(&fixture("", "---\napiVersion: v1\nmetadata: {name: x}\n"));
    assert!(
        matches!(err, ScenarioError::MissingField { ref field, .. } if field == "kind"),
        "{msg}"
    );
    let (err, msg) = fails(&fixture(
        "",
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {labels: {a: b}}\n",
    ));
    assert!(
        matches!(err, ScenarioError::MissingField { ref field, .. } if field == "metadata.name"),
        "{msg}"
    );
    let (_, msg) = fails(&fixture("", "---\napiVersion: v1\nkind: ConfigMap\n"));
    assert!(msg.contains("missing required field `metadata`"), "{msg}");
}

#[test]
fn wrong_api_version() {
    let (err, msg) = fails(&fixture(
        "",
        "---\napiVersion: v1\nkind: StatefulSet\nmetadata: {name: x}\n",
    ));
    assert!(
        matches!(err, ScenarioError::WrongApiVersion { .. }),
        "{msg}"
    );
    assert!(msg.contains("expected `apps/v1`"), "{msg}");
}

#[test]
fn duplicate_objects() {
    let (err, msg) = fails(&fixture(
        "",
        "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: t}\n",
    ));
    assert!(
        matches!(
            err,
            ScenarioError::DuplicateObject {
                first_document: 2,
                ..
            }
        ),
        "{msg}"
    );
    assert!(
        msg.contains("document 5") && msg.contains("duplicate object Namespace t"),
        "{msg}"
    );
    // Namespace filled in from the scenario still counts.
    let (_, msg) = fails(&fixture(
        "",
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: t}\n",
    ));
    assert!(msg.contains("duplicate object ConfigMap t/c"), "{msg}");
    // Same name, different kind is fine.
    parse("t.yaml", &fixture("", "---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {clusterIP: None, selector: {app: web}}\n")).unwrap();
}

#[test]
fn scenario_document_missing_or_twice() {
    let (err, msg) = fails(&format!("{NAMESPACE}{STS}"));
    assert!(
        matches!(err, ScenarioError::MissingScenario { .. }),
        "{msg}"
    );
    assert!(msg.contains("no Scenario document"), "{msg}");
    let (err, msg) = fails(&fixture("", &format!("---\n{HEADER}")));
    assert!(
        matches!(
            err,
            ScenarioError::DuplicateScenario {
                first_document: 1,
                ..
            }
        ),
        "{msg}"
    );
    assert!(
        msg.contains("document 5") && msg.contains("a second Scenario document"),
        "{msg}"
    );
    let (_, msg) = fails("");
    assert!(msg.contains("no Scenario document"), "{msg}");
    let (_, msg) = fails(&HEADER.replace("v1alpha1", "v1"));
    assert!(msg.contains("expected `sim.ordinal.dev/v1alpha1`"), "{msg}");
}

#[test]
fn references_to_undefined_statefulsets() {
    let (err, msg) = fails(&fixture("  workloads:\n  - {statefulset: db}\n", ""));
    assert!(
        matches!(err, ScenarioError::UnknownStatefulSet { ref name, .. } if name == "db"),
        "{msg}"
    );
    assert!(
        msg.contains("document 1 (Scenario t): `spec.workloads[0].statefulset`: StatefulSet `db` is not defined")
            && msg.contains("defined there: web"),
        "{msg}"
    );
    let (err, msg) = fails(&timeline(
        "  - {at: 1m, scale: {statefulset: db, replicas: 2}}\n",
    ));
    assert!(
        matches!(err, ScenarioError::UnknownStatefulSet { .. }),
        "{msg}"
    );
    assert!(
        msg.contains("`spec.timeline[0].scale.statefulset`"),
        "{msg}"
    );
    let (_, msg) = fails(&timeline(
        "  - {at: 1m, patch: {resource: statefulsets, name: db, body: {spec: {replicas: 1}}}}\n",
    ));
    assert!(msg.contains("StatefulSet `db` is not defined"), "{msg}");
    let (err, msg) = fails(&timeline(
        "  - {at: 1m, readiness: {pod: db-0, ready: false}}\n",
    ));
    assert!(
        matches!(err, ScenarioError::UnknownReference { .. }),
        "{msg}"
    );
    assert!(msg.contains("Pod `db-0` is neither"), "{msg}");
    let (_, msg) = fails(&timeline("  - {at: 1m, failNode: {nodeOf: web-01}}\n"));
    assert!(msg.contains("Pod `web-01`"), "{msg}");
    let (_, msg) = fails(&timeline(
        "  - {at: 1m, usage: {claim: data-web-0, used: 1Gi}}\n",
    ));
    assert!(msg.contains("PersistentVolumeClaim `data-web-0`"), "{msg}");
    let (_, msg) = fails(&timeline(
        "  - {at: 1m, crash: {pod: web-0, container: sidecar, restarts: 2}}\n",
    ));
    assert!(
        msg.contains("container `sidecar` is not a container of Pod `web-0` (containers: nginx)"),
        "{msg}"
    );
    let (_, msg) = fails(&fixture(
        "  workloads:\n  - {statefulset: web, volumeUsage: {data: {initial: 1Gi}}}\n",
        "",
    ));
    assert!(msg.contains("volumeClaimTemplate `data` is not a claim template of StatefulSet `web` (templates: www)"), "{msg}");
    let (_, msg) = fails(&timeline(
        "  - {at: 1m, delete: {resource: configmaps, name: nope}}\n",
    ));
    assert!(msg.contains("ConfigMap `nope` is not defined"), "{msg}");
}

#[test]
fn unknown_and_ambiguous_actions() {
    let (err, msg) = fails(&timeline("  - {at: 1m, explode: {pod: web-0}}\n"));
    assert!(
        matches!(err, ScenarioError::InvalidField { ref field, .. } if field == "spec.timeline[0].explode"),
        "{msg}"
    );
    assert!(
        msg.contains(
            "`spec.timeline[0].explode`: unknown field `explode`, expected one of `at`, `namespace`, `scale`, `patch`"
        ),
        "{msg}"
    );
    let (_, msg) = fails(&timeline(
        "  - {at: 1m, cordon: {node: a}, uncordon: {node: a}}\n",
    ));
    assert!(
        msg.contains("exactly one action per step, found 2: cordon, uncordon"),
        "{msg}"
    );
    let (_, msg) = fails(&timeline("  - {at: 1m}\n"));
    assert!(msg.contains("step has no action"), "{msg}");
    let (_, msg) = fails(&timeline("  - {scale: {statefulset: web, replicas: 1}}\n"));
    assert!(
        msg.contains("`spec.timeline[0]`: missing field `at`"),
        "{msg}"
    );
    let (err, msg) = fails(&timeline(
        "  - {at: 1m, scale: {statefulset: web, replica: 1}}\n",
    ));
    assert!(
        matches!(err, ScenarioError::InvalidField { ref field, .. } if field == "spec.timeline[0].scale.replica"),
        "{msg}"
    );
    assert!(
        msg.contains("unknown field `replica`, expected `statefulset` or `replicas`"),
        "{msg}"
    );
    let (_, msg) = fails(&timeline(
        "  - {at: 1m, scale: {statefulset: web, replicas: -1}}\n",
    ));
    assert!(
        msg.contains("`spec.timeline[0].scale.replicas`: -1 is out of range"),
        "{msg}"
    );
    let (_, msg) = fails(&timeline(
        "  - {at: 1m, failNode: {node: a, nodeOf: web-0}}\n",
    ));
    assert!(msg.contains("exactly one of `node` and `nodeOf`"), "{msg}");
    let (_, msg) = fails(&timeline(
        "  - {at: 1m, delete: {resource: deployments, name: web}}\n",
    ));
    assert!(msg.contains("unknown resource `deployments`"), "{msg}");
    let (_, msg) = fails(&timeline(
        "  - {at: 1m, patch: {resource: sts, name: web, type: json, body: {a: 1}}}\n",
    ));
    assert!(
        msg.contains(
            "`spec.timeline[0].patch.type`: unknown variant `json`, expected `merge` or `strategic`"
        ),
        "{msg}"
    );
    let (_, msg) = fails(&timeline(
        "  - {at: 1m, readiness: {pod: web-0, ready: 'no'}}\n",
    ));
    assert!(
        msg.contains(
            "`spec.timeline[0].readiness.ready`: invalid type: string \"no\", expected a boolean"
        ),
        "{msg}"
    );
    let (_, msg) = fails(&timeline(
        "  - {at: 2m, cordon: {node: a}}\n  - {at: 1m, uncordon: {node: a}}\n",
    ));
    assert!(
        msg.contains(
            "`spec.timeline[1].at`: steps must be in time order: 1m comes after a step at 2m"
        ),
        "{msg}"
    );
}

#[test]
fn bad_durations_and_quantities_in_files() {
    let (err, msg) = fails(&timeline("  - {at: 5 minutes, cordon: {node: a}}\n"));
    assert!(
        matches!(err, ScenarioError::InvalidField { ref field, .. } if field == "spec.timeline[0].at"),
        "{msg}"
    );
    assert!(msg.contains("invalid duration `5 minutes`"), "{msg}");
    let (_, msg) = fails(&fixture("  warmup: 10\n", ""));
    assert!(
        msg.contains(
            "`spec.warmup`: invalid value: integer `10`, expected a duration with a unit such as 30s"
        ),
        "{msg}"
    );
    let (_, msg) = fails(&fixture(
        "  workloads:\n  - {statefulset: web, readyAfter: 5sec}\n",
        "",
    ));
    assert!(
        msg.contains("`spec.workloads[0].readyAfter`: invalid duration `5sec`"),
        "{msg}"
    );
    let (_, msg) = fails(&timeline(
        "  - {at: 1m, usage: {claim: www-web-0, used: 9.5GB}}\n",
    ));
    assert!(
        msg.contains("`spec.timeline[0].usage.used`: invalid quantity `9.5GB`"),
        "{msg}"
    );
    let (_, msg) = fails(&fixture(
        "  workloads:\n  - {statefulset: web, volumeUsage: {www: {initial: -1}}}\n",
        "",
    ));
    assert!(
        msg.contains("`spec.workloads[0].volumeUsage.www.initial`"),
        "{msg}"
    );
    let (_, msg) = fails(&fixture("", "").replace("storage: 1Gi", "storage: 1 GiB"));
    assert!(
        msg.contains("(StatefulSet web): `spec.volumeClaimTemplates[0].spec.resources.requests.storage`: invalid quantity"),
        "{msg}"
    );
    let (_, msg) = fails(&timeline(
        "  - {at: 1m, resize: {claim: www-web-0, size: 512Mi}}\n",
    ));
    assert!(msg.contains("claims can only grow"), "{msg}");
    let (_, msg) = fails(
        &timeline("  - {at: 1m, resize: {claim: www-web-0, size: 2Gi}}\n")
            .replace("allowVolumeExpansion: true", "allowVolumeExpansion: false"),
    );
    assert!(msg.contains("`spec.timeline[0].resize.claim`: StorageClass `fixed` of `www-web-0` does not set allowVolumeExpansion: true"), "{msg}");
    let (_, msg) = fails(&fixture(
        "  storage:\n  - {class: fixed, resizeAfter: soon}\n",
        "",
    ));
    assert!(
        msg.contains("`spec.storage[0].resizeAfter`: invalid duration `soon`"),
        "{msg}"
    );
}

#[test]
fn namespaces_must_be_defined_and_only_on_namespaced_kinds() {
    let text = fixture("", "").replace(NAMESPACE, "");
    let (err, msg) = fails(&text);
    assert!(
        matches!(err, ScenarioError::MissingNamespace { ref namespace, .. } if namespace == "t"),
        "{msg}"
    );
    assert!(
        msg.contains("namespace `t` is used but not defined in this file; add a Namespace object"),
        "{msg}"
    );
    let (_, msg) = fails(&fixture(
        "",
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: other}\n",
    ));
    assert!(msg.contains("(ConfigMap c): namespace `other`"), "{msg}");
    let (_, msg) = fails(&fixture(
        "",
        "---\napiVersion: v1\nkind: Node\nmetadata: {name: n, namespace: t}\n",
    ));
    assert!(
        msg.contains("`metadata.namespace`: Node is cluster-scoped"),
        "{msg}"
    );
    let cluster_only = "apiVersion: sim.ordinal.dev/v1alpha1\nkind: Scenario\nmetadata: {name: c}\nspec: {}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n";
    let (_, msg) = fails(cluster_only);
    assert!(msg.contains("ConfigMap is namespaced"), "{msg}");
}

#[test]
fn object_shape_errors() {
    let (err, msg) = fails(&fixture("", "").replace(
        "selector: {matchLabels: {app: web}}",
        "selector: {matchLabels: {app: db}}",
    ));
    assert!(
        matches!(err, ScenarioError::InvalidField { ref field, .. } if field == "spec.selector"),
        "{msg}"
    );
    assert!(
        msg.contains("does not match the template labels {app: web}"),
        "{msg}"
    );
    let (_, msg) = fails(&fixture("", "").replace("replicas: 1", "replicas: three"));
    assert!(
        msg.contains("(StatefulSet web): `spec.replicas`: not a valid StatefulSet: invalid type: string \"three\""),
        "{msg}"
    );
    let (_, msg) = fails(&fixture("", "").replace(
        "mountPath: /www",
        "mountPath: /www}, {name: data, mountPath: /d",
    ));
    assert!(
        msg.contains("`data` is neither a volume nor a volumeClaimTemplate"),
        "{msg}"
    );
    let (_, msg) = fails(&fixture(
        "",
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, uid: abc}\n",
    ));
    assert!(
        msg.contains("`metadata.uid`: set by the API server"),
        "{msg}"
    );
    let (_, msg) = fails(&fixture(
        "",
        "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\nspec: {resources: {requests: {storage: 1Gi}}}\nstatus: {phase: Bound}\n",
    ));
    assert!(msg.contains("`status`: written by controllers"), "{msg}");
    let (_, msg) = fails(&fixture(
        "",
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: My_Config}\n",
    ));
    assert!(
        msg.contains("`metadata.name`: `My_Config` is not a valid name"),
        "{msg}"
    );
    let (err, msg) = fails(&fixture("  warmpu: 5m\n", ""));
    assert!(
        matches!(err, ScenarioError::InvalidField { ref field, .. } if field == "spec.warmpu"),
        "{msg}"
    );
    assert!(
        msg.contains(
            "`spec.warmpu`: unknown field `warmpu`, expected one of `namespace`, `description`, `warmup`"
        ),
        "{msg}"
    );
    let (err, msg) = fails(&fixture("", "---\n- a\n- b\n"));
    assert!(matches!(err, ScenarioError::NotAMapping { .. }), "{msg}");
    let (err, msg) = fails(&fixture(
        "",
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: [\n",
    ));
    assert!(matches!(err, ScenarioError::Yaml { .. }), "{msg}");
    assert!(msg.contains("document 5: invalid YAML"), "{msg}");
}

#[test]
fn unknown_scenario_lists_the_valid_ones() {
    let err = load("mysq").expect_err("unknown");
    assert!(matches!(err, ScenarioError::UnknownScenario { .. }));
    assert_eq!(
        err.to_string(),
        "unknown scenario `mysq`; valid names: base, all, blog, mysql, nfs, ceph, kafka, or a path to a .yaml/.yml file"
    );
    let err = load("/nonexistent/scenario.yaml").expect_err("missing file");
    assert!(matches!(err, ScenarioError::Io { .. }), "{err}");
    assert!(
        err.to_string()
            .starts_with("/nonexistent/scenario.yaml: cannot read scenario file")
    );
}

fn load_file(text: &str) -> Result<Vec<Scenario>, ScenarioError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("custom.yml");
    std::fs::write(&path, text).unwrap();
    load(path.to_str().unwrap())
}

#[test]
fn load_checks_across_files() {
    let loaded = load_file(&fixture(
        "  timeline:\n  - {at: 1m, cordon: {node: worker-2}}\n",
        "",
    ))
    .unwrap();
    assert_eq!(
        loaded.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        ["base", "t"]
    );
    assert!(loaded[1].source.ends_with("custom.yml"));

    let err = load_file(&fixture(
        "",
        "---\napiVersion: v1\nkind: Node\nmetadata: {name: worker-1}\n",
    ))
    .expect_err("clash");
    assert!(matches!(err, ScenarioError::Clash { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("Node worker-1 is also defined in base.yaml"),
        "{err}"
    );

    let err = load_file(&fixture(
        "  timeline:\n  - {at: 1m, cordon: {node: worker-9}}\n",
        "",
    ))
    .expect_err("node");
    assert!(
        matches!(err, ScenarioError::UnknownClusterObject { .. }),
        "{err}"
    );
    assert!(
        err.to_string().contains("`spec.timeline[0].cordon.node`: Node `worker-9` is not defined in any loaded scenario file (defined: worker-1, worker-2, worker-3)"),
        "{err}"
    );
    let err = load_file(&fixture("  storage:\n  - {class: fast}\n", "")).expect_err("class");
    assert!(
        err.to_string()
            .contains("`spec.storage[0].class`: StorageClass `fast` is not defined"),
        "{err}"
    );
    let err =
        load_file(&fixture("  storage:\n  - {class: standard}\n", "")).expect_err("timing twice");
    assert!(
        err.to_string()
            .contains("storage timing for StorageClass standard is also defined in base.yaml"),
        "{err}"
    );
    let err = load_file(&fixture(
        "  timeline:\n  - {at: 1m, delete: {resource: pv, name: pv-1}}\n",
        "",
    ))
    .expect_err("pv");
    assert!(
        err.to_string()
            .contains("PersistentVolume `pv-1` is not defined"),
        "{err}"
    );
    let err = load_file(
        &HEADER
            .replace("name: t", "name: base")
            .replace("  namespace: t\n", ""),
    )
    .expect_err("name");
    assert!(
        err.to_string()
            .contains("Scenario base is also defined in base.yaml"),
        "{err}"
    );
}

// -- every message points at the line --------------------------------------

#[test]
fn an_unknown_field_names_file_line_path_and_the_allowed_fields() {
    let (_, msg) = fails(&fixture(
        "  workloads:\n  - {statefulset: web, readyAftr: 2s}\n",
        "",
    ));
    assert_eq!(
        msg,
        "t.yaml:7:35: document 1 (Scenario t): `spec.workloads[0].readyAftr`: unknown field `readyAftr`, expected one of `statefulset`, `namespace`, `startAfter`, `readyAfter`, `volumeUsage`"
    );
}

#[test]
fn a_wrong_type_names_file_line_and_path() {
    let (_, msg) = fails(&fixture(
        "  timeline:\n  - at: 1m\n    scale:\n      statefulset: web\n      replicas: three\n",
        "",
    ));
    assert_eq!(
        msg,
        "t.yaml:10:17: document 1 (Scenario t): `spec.timeline[0].scale.replicas`: invalid type: string \"three\", expected i64"
    );
    // In a Kubernetes object, through its k8s-openapi type.
    let (_, msg) = fails(&fixture("", "").replace("replicas: 1", "replicas: three"));
    assert_eq!(
        msg,
        "t.yaml:16:13: document 3 (StatefulSet web): `spec.replicas`: not a valid StatefulSet: invalid type: string \"three\", expected i32"
    );
}

#[test]
fn a_bad_duration_names_file_line_and_path() {
    let (_, msg) = fails(&fixture(
        "  storage:\n  - class: fixed\n    resizeAfter: soon\n",
        "",
    ));
    assert_eq!(
        msg,
        "t.yaml:8:18: document 1 (Scenario t): `spec.storage[0].resizeAfter`: invalid duration `soon`: expected a number at `soon` (examples: 30s, 5m, 1h30m, 2m30s, 1.5h, 500ms)"
    );
}

#[test]
fn a_bad_quantity_names_file_line_and_path() {
    let (_, msg) = fails(&timeline(
        "  - {at: 1m, usage: {claim: www-web-0, used: 9.5GB}}\n",
    ));
    assert!(
        msg.starts_with(
            "t.yaml:7:46: document 1 (Scenario t): `spec.timeline[0].usage.used`: invalid quantity `9.5GB`: unknown suffix `GB` (no `B`: write Gi for gibibytes or G for gigabytes)"
        ),
        "{msg}"
    );
    // In a claim template of a StatefulSet (line 24 of the fixture).
    let (_, msg) = fails(&fixture("", "").replace("storage: 1Gi", "storage: 1 GiB"));
    assert!(msg.starts_with("t.yaml:24:"), "{msg}");
}

#[test]
fn broken_references_point_at_the_line_too() {
    let (_, msg) = fails(&fixture("  workloads:\n  - statefulset: db\n", ""));
    assert!(
        msg.starts_with(
            "t.yaml:7:18: document 1 (Scenario t): `spec.workloads[0].statefulset`: StatefulSet `db` is not defined"
        ),
        "{msg}"
    );
    let err = load_file(&fixture(
        "  timeline:\n  - {at: 1m, cordon: {node: worker-9}}\n",
        "",
    ))
    .expect_err("node");
    assert_eq!(err.line(), Some((7, 29)), "{err}");
    assert!(
        err.to_string()
            .contains("custom.yml:7:29: document 1 (Scenario t): `spec.timeline[0].cordon.node`"),
        "{err}"
    );
}
