//! Server-side apply: ownership, conflicts, forcing and pruning.

use serde_json::json;

use super::*;

fn at(day: u8) -> Time {
    Time(format!("2026-01-{day:02}T00:00:00Z").parse().unwrap())
}

fn apply(
    manager: &str,
    force: bool,
    live: Option<&Value>,
    config: &Value,
) -> Result<Value, ApiError> {
    Apply {
        kind: "StatefulSet",
        api_version: "apps/v1",
        manager,
        subresource: None,
        force,
        now: at(2),
    }
    .run(live, config)
}

fn config(replicas: i64, containers: Value) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "web", "namespace": "demo"},
        "spec": {"replicas": replicas, "template": {"spec": {"containers": containers}}}
    })
}

fn nginx() -> Value {
    json!([{"name": "nginx", "image": "nginx:1.27"}])
}

fn managers(object: &Value) -> Vec<(String, String)> {
    object["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["manager"].as_str().unwrap().to_string(),
                m["operation"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn owns(object: &Value, manager: &str, path: &[&str]) -> bool {
    let path: Vec<String> = path.iter().map(|s| s.to_string()).collect();
    Managers::of_object(object)
        .0
        .iter()
        .any(|m| m.manager == manager && m.fields.contains(&path))
}

#[test]
fn apply_creates_and_the_applier_owns_its_fields() {
    let created = apply("kubectl", false, None, &config(2, nginx())).unwrap();
    assert_eq!(created["spec"]["replicas"], 2);
    assert_eq!(managers(&created), [("kubectl".into(), "Apply".into())]);
    assert_eq!(
        created["metadata"]["managedFields"][0]["time"],
        "2026-01-02T00:00:00Z"
    );
    assert!(owns(&created, "kubectl", &["f:spec", "f:replicas"]));
    // Server-set metadata is nobody's.
    assert!(!owns(&created, "kubectl", &["f:metadata", "f:name"]));
}

#[test]
fn changing_a_field_another_applier_owns_is_a_conflict() {
    let live = apply("kubectl", false, None, &config(2, nginx())).unwrap();
    let err = apply("other", false, Some(&live), &config(5, nginx())).unwrap_err();
    assert_eq!((err.code, err.reason), (409, "Conflict"));
    assert_eq!(
        err.message,
        "Apply failed with 1 conflict: conflict with \"kubectl\": .spec.replicas"
    );
    assert_eq!(
        err.details.unwrap()["causes"],
        json!([{"reason": "FieldManagerConflict", "message": "conflict with \"kubectl\"", "field": ".spec.replicas"}])
    );
}

#[test]
fn conflicts_with_an_updater_name_its_version_and_list_by_manager() {
    let mut live = config(2, nginx());
    live["metadata"]["managedFields"] = json!([
        {"manager": "kubectl-client-side-apply", "operation": "Update", "apiVersion": "apps/v1",
         "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {"f:replicas": {}, "f:template": {"f:spec": {
            "f:containers": {"k:{\"name\":\"nginx\"}": {".": {}, "f:image": {}, "f:name": {}}}}}}}}
    ]);
    let err = apply("kubectl", false, Some(&live), &config(3, nginx())).unwrap_err();
    assert_eq!(
        err.message,
        "Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.replicas"
    );
    let err = apply(
        "kubectl",
        false,
        Some(&live),
        &config(3, json!([{"name": "nginx", "image": "nginx:1.28"}])),
    )
    .unwrap_err();
    assert_eq!(
        err.message,
        "Apply failed with 2 conflicts: conflicts with \"kubectl-client-side-apply\" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name=\"nginx\"].image"
    );
}

#[test]
fn the_same_value_is_shared_without_conflict() {
    let live = apply("kubectl", false, None, &config(2, nginx())).unwrap();
    let shared = apply("other", false, Some(&live), &config(2, nginx())).unwrap();
    assert!(owns(&shared, "kubectl", &["f:spec", "f:replicas"]));
    assert!(owns(&shared, "other", &["f:spec", "f:replicas"]));
}

#[test]
fn force_takes_the_field_over() {
    let live = apply("kubectl", false, None, &config(2, nginx())).unwrap();
    let forced = apply("other", true, Some(&live), &config(5, nginx())).unwrap();
    assert_eq!(forced["spec"]["replicas"], 5);
    assert!(!owns(&forced, "kubectl", &["f:spec", "f:replicas"]));
    assert!(owns(&forced, "other", &["f:spec", "f:replicas"]));
    // Fields set to the same value stay shared.
    let image = [
        "f:spec",
        "f:template",
        "f:spec",
        "f:containers",
        "k:{\"name\":\"nginx\"}",
        "f:image",
    ];
    assert!(owns(&forced, "kubectl", &image));
    assert!(owns(&forced, "other", &image));
}

#[test]
fn a_field_dropped_from_the_config_is_removed_when_nobody_else_owns_it() {
    let two =
        json!([{"name": "nginx", "image": "nginx:1.27"}, {"name": "sidecar", "image": "s:1"}]);
    let live = apply("kubectl", false, None, &config(2, two.clone())).unwrap();
    let mut without_replicas = config(2, nginx());
    without_replicas["spec"]
        .as_object_mut()
        .unwrap()
        .shift_remove("replicas");
    let pruned = apply("kubectl", false, Some(&live), &without_replicas).unwrap();
    assert!(pruned["spec"].get("replicas").is_none());
    assert_eq!(
        pruned["spec"]["template"]["spec"]["containers"],
        json!([{"name": "nginx", "image": "nginx:1.27"}])
    );

    // Another applier co-owns replicas: it stays.
    let shared = apply("other", false, Some(&live), &config(2, two)).unwrap();
    let kept = apply("kubectl", false, Some(&shared), &without_replicas).unwrap();
    assert_eq!(kept["spec"]["replicas"], 2);
    assert!(owns(&kept, "other", &["f:spec", "f:replicas"]));
}

#[test]
fn items_merge_by_key_and_other_fields_stay() {
    let mut live = apply("kubectl", false, None, &config(2, nginx())).unwrap();
    live["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = json!("IfNotPresent");
    live["status"] = json!({"replicas": 2});
    let next = apply(
        "kubectl",
        false,
        Some(&live),
        &config(2, json!([{"name": "nginx", "image": "nginx:1.28"}])),
    )
    .unwrap();
    assert_eq!(
        next["spec"]["template"]["spec"]["containers"],
        json!([{"name": "nginx", "image": "nginx:1.28", "imagePullPolicy": "IfNotPresent"}])
    );
    assert_eq!(next["status"], json!({"replicas": 2}));
}

#[test]
fn a_no_op_apply_keeps_the_time() {
    let live = apply("kubectl", false, None, &config(2, nginx())).unwrap();
    let later = Apply {
        kind: "StatefulSet",
        api_version: "apps/v1",
        manager: "kubectl",
        subresource: None,
        force: false,
        now: at(9),
    }
    .run(Some(&live), &config(2, nginx()))
    .unwrap();
    assert_eq!(later, live);
}

#[test]
fn bad_configurations_are_refused() {
    let mut wrong_version = config(2, nginx());
    wrong_version["apiVersion"] = json!("apps/v1beta1");
    let err = apply("kubectl", false, None, &wrong_version).unwrap_err();
    assert_eq!(
        err.message,
        "Incorrect version specified in apply patch. Specified patch version: apps/v1beta1, expected: apps/v1"
    );
    let mut with_managed = config(2, nginx());
    with_managed["metadata"]["managedFields"] = json!([]);
    assert_eq!(
        apply("kubectl", false, None, &with_managed)
            .unwrap_err()
            .message,
        "metadata.managedFields must be nil"
    );
    let err = apply("kubectl", false, None, &config(2, json!([{"image": "x"}]))).unwrap_err();
    assert_eq!(err.code, 400);
    assert!(parse_config(b"{: nope").is_err());
    assert_eq!(
        parse_config(b"apiVersion: v1\nkind: Service\n").unwrap(),
        json!({"apiVersion": "v1", "kind": "Service"})
    );
}
