//! A small cluster in a store for the preview tests: set `web` in `app`,
//! Pods, claims and volumes as asked.

use serde_json::{Value, json};

use crate::store::Store;
use crate::store::{Kind, Object, StoreEvent};

pub const T0: &str = "2026-01-01T00:00:00Z";

fn merge(base: &mut Value, patch: Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                merge(b.entry(k).or_insert(Value::Null), v);
            }
        }
        (b, p) => *b = p,
    }
}

/// A small cluster: set `web` in `app`, Pods, claims and volumes as asked.
pub struct Fx(pub Store);

impl Fx {
    pub fn new() -> Fx {
        let mut store = Store::new();
        for k in Kind::ALL {
            store.apply(StoreEvent::Restarted(k, vec![]), T0.parse().unwrap());
        }
        let mut fx = Fx(store);
        fx.put_node("n1", "True");
        fx.put_class();
        fx
    }
    pub fn put(&mut self, o: Object) {
        self.0.apply(StoreEvent::Applied(o), T0.parse().unwrap());
    }
    pub fn set(&mut self, patch: Value) {
        let mut v = json!({
            "metadata": {"namespace": "app", "name": "web"},
            "spec": {"replicas": 3, "serviceName": "web",
                "selector": {"matchLabels": {"app": "web"}},
                "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.28"}]}},
                "volumeClaimTemplates": [{"metadata": {"name": "data"},
                    "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}}}}]},
            "status": {"replicas": 3, "readyReplicas": 3, "currentRevision": "web-aaa", "updateRevision": "web-aaa"}
        });
        merge(&mut v, patch);
        let s: k8s_openapi::api::apps::v1::StatefulSet = serde_json::from_value(v).unwrap();
        self.put(Object::from(&s));
    }
    /// A Ready Pod of `web` with its claim, bound to `pv-<n>` (policy `reclaim`).
    pub fn ordinal(&mut self, n: i32, rev: &str, reclaim: &str) {
        self.pod(n, rev, json!({}));
        self.claim(n, reclaim);
    }
    pub fn pod(&mut self, n: i32, rev: &str, patch: Value) {
        let mut v = json!({
            "metadata": {"namespace": "app", "name": format!("web-{n}"),
                "labels": {"controller-revision-hash": format!("web-{rev}")},
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web", "uid": "u", "controller": true}]},
            "spec": {"nodeName": "n1", "containers": [{"name": "nginx"}],
                "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": format!("data-web-{n}")}}]},
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}],
                "containerStatuses": [{"name": "nginx", "image": "nginx", "imageID": "", "ready": true, "restartCount": 0, "state": {"running": {}}}]}
        });
        merge(&mut v, patch);
        let p: k8s_openapi::api::core::v1::Pod = serde_json::from_value(v).unwrap();
        self.put(Object::from(&p));
    }
    pub fn claim(&mut self, n: i32, reclaim: &str) {
        let (name, pv) = (format!("data-web-{n}"), format!("pv-{n}"));
        let c: k8s_openapi::api::core::v1::PersistentVolumeClaim = serde_json::from_value(json!({
            "metadata": {"namespace": "app", "name": name, "uid": format!("uid-{name}")},
            "spec": {"accessModes": ["ReadWriteOnce"], "volumeName": pv, "resources": {"requests": {"storage": "10Gi"}}},
            "status": {"phase": "Bound", "capacity": {"storage": "10Gi"}}
        }))
        .unwrap();
        self.put(Object::from(&c));
        let v: k8s_openapi::api::core::v1::PersistentVolume = serde_json::from_value(json!({
            "metadata": {"name": pv},
            "spec": {"capacity": {"storage": "10Gi"}, "persistentVolumeReclaimPolicy": reclaim,
                "claimRef": {"namespace": "app", "name": name, "uid": format!("uid-{name}")}},
            "status": {"phase": "Bound"}
        }))
        .unwrap();
        self.put(Object::from(&v));
    }
    pub fn put_node(&mut self, name: &str, ready: &str) {
        let n: k8s_openapi::api::core::v1::Node = serde_json::from_value(json!({
            "metadata": {"name": name},
            "status": {"conditions": [{"type": "Ready", "status": ready,
                "reason": if ready == "True" {"KubeletReady"} else {"NodeStatusUnknown"}}]}
        }))
        .unwrap();
        self.put(Object::from(&n));
    }
    pub fn put_class(&mut self) {
        let c: k8s_openapi::api::storage::v1::StorageClass = serde_json::from_value(json!({
            "metadata": {"name": "standard", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
            "provisioner": "x"
        }))
        .unwrap();
        self.put(Object::from(&c));
    }
    pub fn revision(&mut self, hash: &str, n: i64, image: &str, created: &str) {
        let r: k8s_openapi::api::apps::v1::ControllerRevision = serde_json::from_value(json!({
            "metadata": {"namespace": "app", "name": format!("web-{hash}"), "creationTimestamp": created,
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web", "uid": "u", "controller": true}]},
            "revision": n,
            "data": {"spec": {"template": {"$patch": "replace",
                "spec": {"containers": [{"name": "nginx", "image": image}]}}}}
        }))
        .unwrap();
        self.put(Object::from(&r));
    }
    /// `web` of 3, all Ready on `aaa`, volumes reclaimed per `reclaim`.
    pub fn healthy(reclaim: &str) -> Fx {
        let mut f = Fx::new();
        f.set(json!({}));
        for n in 0..3 {
            f.ordinal(n, "aaa", reclaim);
        }
        f
    }
}

pub fn has(lines: &[String], needle: &str) -> bool {
    lines.iter().any(|l| l.contains(needle))
}
