//! Objects and helpers the patch tests share.

use serde_json::{Value, json};

use super::{PatchError, PatchType, apply};

/// A StatefulSet with a two-container pod template, as the store holds it.
pub fn statefulset() -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {
            "name": "db",
            "namespace": "default",
            "finalizers": ["a.example.com/one", "b.example.com/two"],
            "ownerReferences": [{"uid": "u-1", "kind": "App", "name": "app", "controller": true}]
        },
        "spec": {
            "replicas": 3,
            "serviceName": "db",
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
            "template": {
                "metadata": {
                    "labels": {"app": "db"},
                    "annotations": {"team": "storage", "prometheus.io/scrape": "true"}
                },
                "spec": {
                    "containers": [
                        {
                            "name": "mysql",
                            "image": "mysql:8.0",
                            "env": [
                                {"name": "MYSQL_DATABASE", "value": "app"},
                                {"name": "MYSQL_USER", "value": "app"}
                            ],
                            "ports": [{"containerPort": 3306, "name": "mysql"}],
                            "volumeMounts": [{"name": "data", "mountPath": "/var/lib/mysql"}]
                        },
                        {"name": "exporter", "image": "mysqld-exporter:0.15"}
                    ],
                    "initContainers": [
                        {"name": "init", "image": "busybox", "env": [{"name": "A", "value": "1"}]}
                    ],
                    "tolerations": [{"key": "dedicated", "operator": "Exists"}]
                }
            },
            "volumeClaimTemplates": [
                {"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"]}}
            ]
        },
        "status": {
            "replicas": 3,
            "conditions": [{"type": "Ready", "status": "True"}]
        }
    })
}

pub fn strategic(kind: &str, target: &Value, patch: Value) -> Value {
    apply(kind, target, PatchType::Strategic, &patch).expect("strategic patch applies")
}

pub fn strategic_err(kind: &str, target: &Value, patch: Value) -> PatchError {
    apply(kind, target, PatchType::Strategic, &patch).expect_err("strategic patch must fail")
}

pub fn container<'v>(object: &'v Value, name: &str) -> &'v Value {
    object["spec"]["template"]["spec"]["containers"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["name"] == name))
        .unwrap_or_else(|| panic!("no container {name}"))
}

pub fn names(list: &Value, key: &str) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|item| item[key].as_str().expect("string key").to_string())
        .collect()
}

/// Asserts that no key starting with `$` survived anywhere in `value`.
pub fn assert_no_directives(value: &Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                assert!(!key.starts_with('$'), "directive {key} leaked into {value}");
                assert_no_directives(child);
            }
        }
        Value::Array(items) => items.iter().for_each(assert_no_directives),
        _ => {}
    }
}
