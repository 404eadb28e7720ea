//! Field sets: building them from objects, comparing versions, `fieldsV1`.

use serde_json::json;

use super::*;

fn p(elements: &[&str]) -> Path {
    elements.iter().map(|e| e.to_string()).collect()
}

#[test]
fn an_applied_configuration_owns_its_leaves_and_list_items() {
    let config = json!({
        "metadata": {"labels": {"app": "web"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"spec": {"containers": [{
                "name": "nginx", "image": "nginx:1.27",
                "ports": [{"containerPort": 80, "name": "http"}]
            }]}}
        }
    });
    let set = of_object("StatefulSet", &config).unwrap();
    assert_eq!(
        set.to_fields_v1(),
        json!({
            "f:metadata": {"f:labels": {"f:app": {}}},
            "f:spec": {
                "f:replicas": {},
                // A LabelSelector is atomic: owned whole.
                "f:selector": {},
                "f:template": {"f:spec": {"f:containers": {
                    "k:{\"name\":\"nginx\"}": {
                        ".": {}, "f:image": {}, "f:name": {},
                        "f:ports": {
                            // Ports are keyed by port and protocol; TCP by default.
                            "k:{\"containerPort\":80,\"protocol\":\"TCP\"}": {
                                ".": {}, "f:containerPort": {}, "f:name": {}
                            }
                        }
                    }
                }}}
            }
        })
    );
    assert_eq!(FieldSet::from_fields_v1(&set.to_fields_v1()).unwrap(), set);
}

#[test]
fn set_lists_own_each_value_and_atomic_lists_own_the_whole() {
    let config = json!({
        "metadata": {"finalizers": ["a", "b"]},
        "spec": {"template": {"spec": {"tolerations": [{"key": "x"}]}}}
    });
    let set = of_object("StatefulSet", &config).unwrap();
    assert!(set.contains(&p(&["f:metadata", "f:finalizers", "v:\"a\""])));
    assert!(set.contains(&p(&["f:spec", "f:template", "f:spec", "f:tolerations"])));
}

#[test]
fn a_keyed_item_without_its_key_is_refused() {
    let config = json!({"spec": {"template": {"spec": {"containers": [{"image": "x"}]}}}});
    let err = of_object("StatefulSet", &config).unwrap_err();
    assert!(err.contains("omits key field \"name\""), "{err}");
}

#[test]
fn compare_finds_added_modified_and_removed_fields() {
    let old = json!({"spec": {"replicas": 2, "template": {"spec": {"containers": [
        {"name": "a", "image": "a:1"}, {"name": "b", "image": "b:1"}
    ]}}}});
    let new = json!({"spec": {"replicas": 3, "paused": true, "template": {"spec": {"containers": [
        {"name": "a", "image": "a:2"}, {"name": "c", "image": "c:1"}
    ]}}}});
    let cmp = compare("StatefulSet", &old, &new);
    let containers = ["f:spec", "f:template", "f:spec", "f:containers"];
    let item = |name: &str, field: Option<&str>| {
        let mut path = p(&containers);
        path.push(format!("k:{{\"name\":\"{name}\"}}"));
        path.extend(field.map(String::from));
        path
    };
    assert!(cmp.modified.contains(&p(&["f:spec", "f:replicas"])));
    assert!(cmp.modified.contains(&item("a", Some("f:image"))));
    assert!(cmp.added.contains(&p(&["f:spec", "f:paused"])));
    assert!(cmp.added.contains(&item("c", None)));
    assert!(cmp.added.contains(&item("c", Some("f:image"))));
    assert!(cmp.removed.contains(&item("b", None)));
    assert!(!cmp.modified.contains(&item("a", None)));
    assert!(compare("StatefulSet", &new, &new).is_empty());
}

#[test]
fn set_operations() {
    let mut a = FieldSet::default();
    a.insert(&p(&["f:spec", "f:replicas"]));
    a.insert(&p(&["f:spec", "f:paused"]));
    let mut b = FieldSet::default();
    b.insert(&p(&["f:spec", "f:replicas"]));
    assert_eq!(a.intersection(&b), b);
    assert_eq!(a.difference(&b).paths(), vec![p(&["f:spec", "f:paused"])]);
    assert_eq!(a.union(&b), a);
    assert!(a.difference(&a).is_empty());
    assert!(a.touches(&p(&["f:spec"])));
    assert!(!a.contains(&p(&["f:spec"])));
}

#[test]
fn paths_print_as_the_server_prints_them() {
    assert_eq!(path_string(&p(&["f:spec", "f:replicas"])), ".spec.replicas");
    assert_eq!(
        path_string(&p(&[
            "f:spec",
            "f:containers",
            "k:{\"name\":\"web\"}",
            "f:ports",
            "k:{\"containerPort\":80,\"protocol\":\"TCP\"}",
            "f:name"
        ])),
        ".spec.containers[name=\"web\"].ports[containerPort=80,protocol=\"TCP\"].name"
    );
    assert_eq!(
        path_string(&p(&["f:metadata", "f:finalizers", "v:\"a\""])),
        ".metadata.finalizers[=\"a\"]"
    );
    assert_eq!(
        path_string(&p(&["f:metadata", "f:annotations", "f:example.com/x"])),
        ".metadata.annotations.example.com/x"
    );
}

#[test]
fn bad_fields_v1_is_refused() {
    assert!(FieldSet::from_fields_v1(&json!({"x:y": {}})).is_err());
    assert!(FieldSet::from_fields_v1(&json!({"f:a": 1})).is_err());
    assert!(FieldSet::from_fields_v1(&json!([])).is_err());
}
