//! Hand-written fixtures: a small cluster built object by object.

use super::*;

use serde_json::{Value, json};

pub(super) const T0: &str = "2026-01-01T00:00:00Z";

pub(super) fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// Deep-merges `patch` into `base` (objects merge, everything else replaces).
pub(super) fn merge(base: &mut Value, patch: Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                merge(b.entry(k).or_insert(Value::Null), v);
            }
        }
        (b, p) => *b = p,
    }
}

pub(super) struct Fx {
    pub(super) store: Store,
    pub(super) now: Timestamp,
}

impl Fx {
    /// Every kind listed (empty), clock at 00:30.
    pub(super) fn new() -> Fx {
        let mut store = Store::new();
        for k in Kind::ALL {
            store.apply(StoreEvent::Restarted(k, vec![]), ts(T0));
        }
        Fx {
            store,
            now: ts("2026-01-01T00:30:00Z"),
        }
    }
    pub(super) fn put(&mut self, o: Object) {
        self.store.apply(StoreEvent::Applied(o), ts(T0));
    }
    pub(super) fn sts(&mut self, patch: Value) {
        let mut v: Value = serde_yaml_ng::from_str(
            r#"
apiVersion: apps/v1
kind: StatefulSet
metadata: {namespace: app, name: web, creationTimestamp: "2026-01-01T00:00:00Z"}
spec:
  replicas: 3
  serviceName: web
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: "nginx:1.27"}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      storageClassName: fast
      resources: {requests: {storage: 10Gi}}
status:
  replicas: 3
  readyReplicas: 3
  currentReplicas: 3
  updatedReplicas: 3
  currentRevision: web-aaa
  updateRevision: web-aaa
"#,
        )
        .unwrap();
        merge(&mut v, patch);
        let s: k8s_openapi::api::apps::v1::StatefulSet = serde_json::from_value(v).unwrap();
        self.put(Object::from(&s));
    }
    /// A Pod of `web` on `node`: `state` is `ready`, `notready`, `crash`, `unschedulable`.
    pub(super) fn pod(&mut self, ord: i32, rev: &str, node: &str, state: &str, patch: Value) {
        let name = format!("web-{ord}");
        let running = json!({"name": "nginx", "image": "nginx", "imageID": "", "ready": state == "ready", "restartCount": 0, "state": {"running": {}}});
        let status = match state {
            "ready" | "notready" => json!({"phase": "Running", "podIP": "10.0.0.9",
                "conditions": [{"type": "Ready", "status": if state == "ready" {"True"} else {"False"}, "lastTransitionTime": "2026-01-01T00:05:00Z"}],
                "containerStatuses": [running]}),
            "crash" => json!({"phase": "Running",
                "conditions": [{"type": "Ready", "status": "False", "lastTransitionTime": "2026-01-01T00:05:00Z"}],
                "containerStatuses": [{"name": "nginx", "image": "nginx", "imageID": "", "ready": false, "restartCount": 7,
                    "lastState": {"terminated": {"exitCode": 1, "finishedAt": "2026-01-01T00:29:00Z"}},
                    "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}),
            "unschedulable" => json!({"phase": "Pending",
                "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": "0/3 nodes are available: 3 Insufficient memory."}]}),
            other => panic!("{other}"),
        };
        let mut v = json!({
            "metadata": {"namespace": "app", "name": name, "uid": format!("uid-{name}"),
                "creationTimestamp": "2026-01-01T00:01:00Z",
                "labels": {"app": "web", "controller-revision-hash": format!("web-{rev}")},
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web", "uid": "u", "controller": true}]},
            "spec": {"containers": [{"name": "nginx"}],
                "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": format!("data-web-{ord}")}}]},
            "status": status,
        });
        if !node.is_empty() {
            v["spec"]["nodeName"] = json!(node);
        }
        merge(&mut v, patch);
        let p: k8s_openapi::api::core::v1::Pod = serde_json::from_value(v).unwrap();
        self.put(Object::from(&p));
    }
    pub(super) fn pvc(&mut self, name: &str, phase: &str, volume: &str, patch: Value) {
        let mut v = json!({
            "metadata": {"namespace": "app", "name": name, "uid": format!("uid-{name}"), "creationTimestamp": "2026-01-01T00:01:00Z"},
            "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "fast", "resources": {"requests": {"storage": "10Gi"}}},
            "status": {"phase": phase},
        });
        if !volume.is_empty() {
            v["spec"]["volumeName"] = json!(volume);
            v["status"]["capacity"] = json!({"storage": "10Gi"});
        }
        merge(&mut v, patch);
        let c: k8s_openapi::api::core::v1::PersistentVolumeClaim =
            serde_json::from_value(v).unwrap();
        self.put(Object::from(&c));
    }
    pub(super) fn pv(&mut self, name: &str, claim: &str, phase: &str, policy: &str, patch: Value) {
        let mut v = json!({
            "metadata": {"name": name, "creationTimestamp": "2026-01-01T00:01:00Z"},
            "spec": {"capacity": {"storage": "10Gi"}, "accessModes": ["ReadWriteOnce"], "storageClassName": "fast",
                "persistentVolumeReclaimPolicy": policy,
                "csi": {"driver": "ebs.csi.aws.com", "volumeHandle": format!("vol-{name}")},
                "claimRef": {"namespace": "app", "name": claim, "uid": format!("uid-{claim}")}},
            "status": {"phase": phase},
        });
        merge(&mut v, patch);
        let p: k8s_openapi::api::core::v1::PersistentVolume = serde_json::from_value(v).unwrap();
        self.put(Object::from(&p));
    }
    pub(super) fn class(&mut self, name: &str, patch: Value) {
        let mut v = json!({"metadata": {"name": name, "creationTimestamp": "2026-01-01T00:00:00Z"},
            "provisioner": "ebs.csi.aws.com", "reclaimPolicy": "Delete", "volumeBindingMode": "Immediate", "allowVolumeExpansion": true});
        merge(&mut v, patch);
        let c: k8s_openapi::api::storage::v1::StorageClass = serde_json::from_value(v).unwrap();
        self.put(Object::from(&c));
    }
    pub(super) fn node(&mut self, name: &str, ready: &str, cordoned: bool) {
        let n: k8s_openapi::api::core::v1::Node = serde_json::from_value(json!({
            "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
            "spec": {"unschedulable": cordoned},
            "status": {"conditions": [{"type": "Ready", "status": ready, "reason": if ready == "True" {"KubeletReady"} else {"NodeStatusUnknown"},
                "lastTransitionTime": "2026-01-01T00:20:00Z"}]}
        }))
        .unwrap();
        self.put(Object::from(&n));
    }
    #[allow(clippy::too_many_arguments)]
    pub(super) fn event(
        &mut self,
        name: &str,
        kind: &str,
        obj: &str,
        type_: &str,
        reason: &str,
        last: &str,
        count: i32,
    ) {
        let e: k8s_openapi::api::core::v1::Event = serde_json::from_value(json!({
            "metadata": {"namespace": "app", "name": name},
            "involvedObject": {"kind": kind, "namespace": "app", "name": obj},
            "type": type_, "reason": reason, "message": format!("{reason} happened"), "count": count,
            "lastTimestamp": last,
        }))
        .unwrap();
        self.put(Object::from(&e));
    }
    /// A healthy `web` of 3 on `fast`, every claim bound.
    pub(super) fn healthy() -> Fx {
        let mut f = Fx::new();
        f.class("fast", json!({}));
        f.node("n1", "True", false);
        f.sts(json!({}));
        for n in 0..3 {
            f.pod(n, "aaa", "n1", "ready", json!({}));
            f.pvc(
                &format!("data-web-{n}"),
                "Bound",
                &format!("pv-{n}"),
                json!({}),
            );
            f.pv(
                &format!("pv-{n}"),
                &format!("data-web-{n}"),
                "Bound",
                "Delete",
                json!({}),
            );
        }
        f
    }
    pub(super) fn findings(&self) -> Vec<Finding> {
        findings(&self.store, &Scope::all(), self.now)
    }
    pub(super) fn detail(&self, sel: Option<i32>) -> SetDetail {
        set_detail(&self.store, "app", "web", sel, self.now).unwrap()
    }
}
