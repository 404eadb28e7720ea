//! `metadata.managedFields`: who owns which fields, recorded on every write.
//!
//! An ordinary write (create, update, patch, a controller's write) is an
//! `Update` operation: the writer takes the fields it changed from everyone
//! else ([`track_update`]). A server-side apply is an `Apply` operation and
//! owns exactly the fields of its configuration ([`super::apply`]).

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{FieldsV1, ManagedFieldsEntry, Time};
use serde_json::{Value, json};

use super::fields::{self, FieldSet};
use crate::sim::objects::Object;
use crate::sim::resources::Kind;

/// Who writes: the field manager, and the subresource written through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Writer {
    pub manager: String,
    pub subresource: Option<String>,
    /// An apply, whose managedFields [`super::apply`] has already worked out.
    pub applied: bool,
}

impl Writer {
    pub fn new(manager: &str, subresource: Option<&str>) -> Writer {
        Writer {
            manager: manager.to_string(),
            subresource: subresource.map(String::from),
            applied: false,
        }
    }

    /// The manager of an API request: `?fieldManager=`, else the client's
    /// User-Agent up to the first `/` (`kubectl/v1.32.0 (…)` → `kubectl`), as
    /// the API server names it.
    pub fn from_request(
        field_manager: Option<&str>,
        user_agent: Option<&str>,
        subresource: Option<&str>,
    ) -> Writer {
        let manager = match field_manager.filter(|m| !m.is_empty()) {
            Some(m) => m.to_string(),
            None => user_agent
                .and_then(|ua| ua.split('/').next())
                .filter(|m| !m.is_empty())
                .unwrap_or("unknown")
                .to_string(),
        };
        Writer {
            manager,
            subresource: subresource.map(String::from),
            applied: false,
        }
    }
}

/// Who the sim's control plane writes as: the components that make these
/// changes in a real cluster. Spec and metadata changes are the
/// controller manager's (the StatefulSet controller creates Pods and claims,
/// the volume controllers bind and provision); status is written through the
/// status subresource, by the kubelet for Pods and Nodes.
fn controller_writers(kind: Kind) -> [Writer; 2] {
    let main = match kind {
        Kind::Node => "kubelet",
        _ => "kube-controller-manager",
    };
    let status = match kind {
        Kind::Pod | Kind::Node => "kubelet",
        _ => "kube-controller-manager",
    };
    [Writer::new(main, None), Writer::new(status, Some("status"))]
}

/// Records a write of `new` over `old` (None on create) in `new`'s
/// managedFields: by `writer` for an API request, by the control plane's
/// components when `writer` is None.
pub fn record(old: Option<&Object>, new: &mut Object, writer: Option<&Writer>, now: &Time) {
    if writer.is_some_and(|w| w.applied) {
        return;
    }
    let kind = new.kind();
    let (kind_name, api_version) = (kind.info().kind_name, kind.api_version());
    let old_json = old.map(Object::to_json);
    let new_json = new.to_json();
    let stored = old
        .map(|o| Managers::decode(o.meta().managed_fields.as_deref().unwrap_or_default()))
        .unwrap_or_default();
    let given = Managers::decode(new.meta().managed_fields.as_deref().unwrap_or_default());
    let managers = match writer {
        Some(w) => track(
            kind_name,
            &api_version,
            stored,
            given,
            old_json.as_ref(),
            &new_json,
            w,
            now,
        ),
        None => {
            let [main, status] = controller_writers(kind);
            let after_main = track(
                kind_name,
                &api_version,
                stored,
                given,
                old_json.as_ref(),
                &new_json,
                &main,
                now,
            );
            let same = after_main.clone();
            track(
                kind_name,
                &api_version,
                after_main,
                same,
                old_json.as_ref(),
                &new_json,
                &status,
                now,
            )
        }
    };
    let entries = managers.encode();
    new.meta_mut().managed_fields = (!entries.is_empty()).then_some(entries);
}

/// The operation of a managedFields entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Operation {
    Apply,
    Update,
}

impl Operation {
    fn as_str(self) -> &'static str {
        match self {
            Operation::Apply => "Apply",
            Operation::Update => "Update",
        }
    }
}

/// One manager's entry: its identity, fields and last change.
#[derive(Debug, Clone, PartialEq)]
pub struct Managed {
    pub manager: String,
    pub operation: Operation,
    pub api_version: String,
    pub subresource: String,
    pub time: Option<Time>,
    pub fields: FieldSet,
}

impl Managed {
    /// The same manager: appliers are one manager whatever version they
    /// applied, updaters are one per version (apiserver's manager identifier).
    pub fn same(&self, other: &Managed) -> bool {
        self.manager == other.manager
            && self.operation == other.operation
            && self.subresource == other.subresource
            && (self.operation == Operation::Apply || self.api_version == other.api_version)
    }

    /// How conflicts name the manager: `"kubectl"`, `"kubectl-client-side-apply"
    /// using apps/v1`, `"kube-controller-manager" with subresource "scale"
    /// using apps/v1` (apiserver's `printManager`, with no time: the
    /// identifier the conflict carries has none).
    pub fn describe(&self) -> String {
        let mut s = format!("{:?}", self.manager);
        if !self.subresource.is_empty() {
            s.push_str(&format!(" with subresource {:?}", self.subresource));
        }
        if self.operation == Operation::Update {
            s.push_str(&format!(" using {}", self.api_version));
        }
        s
    }
}

/// All entries of one object.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Managers(pub Vec<Managed>);

impl Managers {
    /// Reads an object's `metadata.managedFields` (JSON). Entries that cannot
    /// be read are dropped, as the server resets unreadable managed fields.
    pub fn of_object(object: &Value) -> Managers {
        let entries = object
            .pointer("/metadata/managedFields")
            .cloned()
            .and_then(|v| serde_json::from_value::<Vec<ManagedFieldsEntry>>(v).ok())
            .unwrap_or_default();
        Managers::decode(&entries)
    }

    pub fn decode(entries: &[ManagedFieldsEntry]) -> Managers {
        Managers(
            entries
                .iter()
                .filter_map(|e| {
                    let operation = match e.operation.as_deref() {
                        Some("Apply") => Operation::Apply,
                        Some("Update") => Operation::Update,
                        _ => return None,
                    };
                    let fields = match &e.fields_v1 {
                        Some(FieldsV1(v)) => FieldSet::from_fields_v1(v).ok()?,
                        None => FieldSet::default(),
                    };
                    Some(Managed {
                        manager: e.manager.clone().unwrap_or_default(),
                        operation,
                        api_version: e.api_version.clone().unwrap_or_default(),
                        subresource: e.subresource.clone().unwrap_or_default(),
                        time: e.time.clone(),
                        fields,
                    })
                })
                .collect(),
        )
    }

    /// The entries in the server's order: operation, time, manager, version,
    /// subresource. Managers that own nothing are left out.
    pub fn encode(&self) -> Vec<ManagedFieldsEntry> {
        let mut entries: Vec<&Managed> = self.0.iter().filter(|m| !m.fields.is_empty()).collect();
        entries.sort_by(|p, q| {
            let secs = |m: &Managed| m.time.as_ref().map_or(0, |t| t.0.as_second());
            (
                p.operation,
                secs(p),
                &p.manager,
                &p.api_version,
                &p.subresource,
            )
                .cmp(&(
                    q.operation,
                    secs(q),
                    &q.manager,
                    &q.api_version,
                    &q.subresource,
                ))
        });
        entries
            .into_iter()
            .map(|m| ManagedFieldsEntry {
                api_version: Some(m.api_version.clone()),
                fields_type: Some("FieldsV1".into()),
                fields_v1: Some(FieldsV1(m.fields.to_fields_v1())),
                manager: Some(m.manager.clone()),
                operation: Some(m.operation.as_str().into()),
                subresource: (!m.subresource.is_empty()).then(|| m.subresource.clone()),
                time: m.time.clone(),
            })
            .collect()
    }

    pub fn encode_json(&self) -> Value {
        serde_json::to_value(self.encode()).unwrap_or(Value::Array(Vec::new()))
    }

    /// The entry like `who`, if any.
    pub fn find(&self, who: &Managed) -> Option<&Managed> {
        self.0.iter().find(|m| m.same(who))
    }

    /// Sets `who`'s entry (fields and time), replacing an existing one.
    pub fn put(&mut self, who: Managed) {
        match self.0.iter_mut().find(|m| m.same(&who)) {
            Some(slot) => *slot = who,
            None => self.0.push(who),
        }
    }

    /// Takes `fields` away from every manager but `keep`.
    pub fn take_from_others(&mut self, keep: &Managed, fields: &FieldSet) {
        for m in self.0.iter_mut().filter(|m| !m.same(keep)) {
            m.fields = m.fields.difference(fields);
        }
    }

    /// Everything anybody owns.
    pub fn owned(&self) -> FieldSet {
        self.0
            .iter()
            .fold(FieldSet::default(), |all, m| all.union(&m.fields))
    }

    pub fn retain_owners(&mut self) {
        self.0.retain(|m| !m.fields.is_empty());
    }
}

/// The part of an object whose ownership a write through `subresource`
/// tracks: never the metadata the server sets, not `status` from the main
/// resource, only `status` from the status subresource (the reset fields of
/// the upstream strategies).
pub fn tracked(object: &Value, subresource: Option<&str>) -> Value {
    // Built from the parts that count rather than cloned whole and cut:
    // the object's managedFields (often the biggest part) and, for the
    // main resource, its status are never copied. Every controller write
    // in the sim comes through here twice.
    let Some(map) = object.as_object() else {
        return object.clone();
    };
    let mut out = serde_json::Map::new();
    for (k, v) in map {
        let counts = match subresource {
            Some("status") => k == "status",
            _ => !matches!(k.as_str(), "apiVersion" | "kind" | "status"),
        };
        if !counts {
            continue;
        }
        if let (true, Value::Object(meta)) = (k == "metadata", v) {
            // The server strips those paths from the field set: a metadata
            // left with nothing is no field of anybody's (never
            // `f:metadata: {}`).
            let meta: serde_json::Map<String, Value> = meta
                .iter()
                .filter(|(k, _)| !SERVER_SET.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            if !meta.is_empty() {
                out.insert(k.clone(), Value::Object(meta));
            }
            continue;
        }
        out.insert(k.clone(), v.clone());
    }
    Value::Object(out)
}

/// Metadata the server sets, which no field set holds.
const SERVER_SET: [&str; 10] = [
    "name",
    "namespace",
    "creationTimestamp",
    "selfLink",
    "uid",
    "generation",
    "managedFields",
    "resourceVersion",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
];

/// What a create is compared with: the kind's empty Go struct as the API
/// server's unstructured converter writes it, where the fields without
/// `omitempty` are there already (null, `{}`, a struct of such). A node that
/// exists there is no new node of the creator's (no `.` in its fieldsV1):
/// `f:template`, `f:containers`, `f:updateStrategy`, a claim's `f:resources`.
pub fn empty_object(kind: &str) -> Value {
    let template = json!({"metadata": {"creationTimestamp": null}, "spec": {"containers": null}});
    let spec = match kind {
        "StatefulSet" | "DaemonSet" => {
            json!({"selector": null, "template": template, "updateStrategy": {}})
        }
        "Deployment" => json!({"selector": null, "template": template, "strategy": {}}),
        "ReplicaSet" => json!({"selector": null, "template": template}),
        "Job" => json!({"template": template}),
        "Pod" => json!({"containers": null}),
        "PersistentVolumeClaim" => json!({"resources": {}}),
        "Service" | "Namespace" | "PersistentVolume" | "Node" => json!({}),
        _ => return json!({"metadata": {"creationTimestamp": null}}),
    };
    json!({"metadata": {"creationTimestamp": null}, "spec": spec})
}

/// Records an ordinary write by `writer` of `new` over `old` (both whole
/// objects as JSON; `old` is None on create) and returns the managedFields
/// `new` is to be stored with. `kind` is the Kind name, `api_version` the
/// object's.
///
/// As the API server: the writer takes the fields it added or changed from
/// every other manager; removed fields leave every manager; the writer's
/// time moves only when it took something. managedFields given in the
/// request (different from the stored ones) replace them first, which is
/// how kubectl moves client-side apply ownership to server-side apply.
pub fn track_update(
    kind: &str,
    api_version: &str,
    old: Option<&Value>,
    new: &Value,
    writer: &Writer,
    now: &Time,
) -> Value {
    let stored = old.map(Managers::of_object).unwrap_or_default();
    let given = Managers::of_object(new);
    track(kind, api_version, stored, given, old, new, writer, now).encode_json()
}

#[allow(clippy::too_many_arguments)]
fn track(
    kind: &str,
    api_version: &str,
    stored: Managers,
    given: Managers,
    old: Option<&Value>,
    new: &Value,
    writer: &Writer,
    now: &Time,
) -> Managers {
    let mut managers = if writer.subresource.is_none() && !given.0.is_empty() && given != stored {
        given
    } else {
        stored
    };
    let sub = writer.subresource.as_deref();
    let before = old.map_or_else(|| tracked(&empty_object(kind), sub), |o| tracked(o, sub));
    let cmp = fields::compare(kind, &before, &tracked(new, sub));
    let me = Managed {
        manager: writer.manager.clone(),
        operation: Operation::Update,
        api_version: api_version.to_string(),
        subresource: writer.subresource.clone().unwrap_or_default(),
        time: Some(now.clone()),
        fields: FieldSet::default(),
    };
    let changed = cmp.changed();
    for m in managers.0.iter_mut() {
        m.fields = m.fields.difference(&cmp.removed);
    }
    if !changed.is_empty() {
        managers.take_from_others(&me, &changed);
        let previous = managers
            .find(&me)
            .map(|m| m.fields.clone())
            .unwrap_or_default();
        managers.put(Managed {
            fields: previous.union(&changed),
            ..me
        });
    }
    managers.retain_owners();
    managers
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> Time {
        Time("2026-01-01T00:00:00Z".parse().unwrap())
    }

    fn sts(replicas: i64, image: &str) -> Value {
        json!({
            "apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": "web", "namespace": "demo", "uid": "u", "resourceVersion": "3",
                "labels": {"app": "web"}},
            "spec": {"replicas": replicas, "template": {"spec": {"containers": [
                {"name": "nginx", "image": image, "ports": [{"containerPort": 80}]}
            ]}}},
            "status": {"replicas": 0}
        })
    }

    fn with(mut object: Value, managed: Value) -> Value {
        object["metadata"]["managedFields"] = managed;
        object
    }

    #[test]
    fn a_create_owns_what_it_set_but_not_server_metadata_or_status() {
        let created = sts(2, "nginx:1.27");
        let managed = track_update(
            "StatefulSet",
            "apps/v1",
            None,
            &created,
            &Writer::new("kubectl-create", None),
            &now(),
        );
        assert_eq!(managed[0]["manager"], "kubectl-create");
        assert_eq!(managed[0]["operation"], "Update");
        assert_eq!(managed[0]["apiVersion"], "apps/v1");
        assert_eq!(managed[0]["time"], "2026-01-01T00:00:00Z");
        // The empty StatefulSet has a template, its spec and a null
        // containers list already: none of them is a new node (`.`).
        assert_eq!(
            managed[0]["fieldsV1"],
            json!({
                "f:metadata": {"f:labels": {".": {}, "f:app": {}}},
                "f:spec": {"f:replicas": {}, "f:template": {"f:spec": {"f:containers": {
                    "k:{\"name\":\"nginx\"}": {".": {}, "f:image": {}, "f:name": {}, "f:ports": {
                        ".": {},
                        "k:{\"containerPort\":80,\"protocol\":\"TCP\"}": {".": {}, "f:containerPort": {}}
                    }}
                }}}}
            })
        );
    }

    /// `web` of tests/fixtures/web-statefulset.yaml as the server stores it
    /// after `kubectl create -f`: defaulted.
    fn created_web() -> Value {
        let mut web = json!({
            "apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": "web", "namespace": "demo", "uid": "u", "resourceVersion": "3",
                "generation": 1, "creationTimestamp": "2026-01-01T00:00:00Z"},
            "spec": {"serviceName": "web", "replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [
                    {"name": "nginx", "image": "nginx:1.27", "ports": [{"containerPort": 80, "name": "http"}]}
                ]}},
                "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {
                    "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]}
        });
        crate::sim::defaults::apply(Kind::StatefulSet, &mut web);
        let managed = track_update(
            "StatefulSet",
            "apps/v1",
            None,
            &web,
            &Writer::new("kubectl-create", None),
            &now(),
        );
        with(web, managed)
    }

    fn entry<'a>(managed: &'a Value, manager: &str) -> &'a Value {
        managed
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["manager"] == manager)
            .unwrap_or_else(|| panic!("no entry of {manager} in {managed}"))
    }

    #[test]
    fn kubectl_create_records_the_fields_as_the_real_server_does() {
        let web = created_web();
        let managed = &web["metadata"]["managedFields"];
        assert_eq!(managed.as_array().unwrap().len(), 1);
        assert_eq!(
            entry(managed, "kubectl-create")["fieldsV1"],
            json!({"f:spec": {
                "f:persistentVolumeClaimRetentionPolicy": {".": {}, "f:whenDeleted": {}, "f:whenScaled": {}},
                "f:podManagementPolicy": {},
                "f:replicas": {},
                "f:revisionHistoryLimit": {},
                "f:selector": {},
                "f:serviceName": {},
                "f:template": {
                    "f:metadata": {"f:labels": {".": {}, "f:app": {}}},
                    "f:spec": {
                        "f:containers": {"k:{\"name\":\"nginx\"}": {
                            ".": {},
                            "f:image": {},
                            "f:imagePullPolicy": {},
                            "f:name": {},
                            "f:ports": {".": {}, "k:{\"containerPort\":80,\"protocol\":\"TCP\"}": {
                                ".": {}, "f:containerPort": {}, "f:name": {}, "f:protocol": {}
                            }},
                            "f:resources": {},
                            "f:terminationMessagePath": {},
                            "f:terminationMessagePolicy": {}
                        }},
                        "f:dnsPolicy": {},
                        "f:restartPolicy": {},
                        "f:schedulerName": {},
                        "f:securityContext": {},
                        "f:terminationGracePeriodSeconds": {}
                    }
                },
                "f:updateStrategy": {"f:rollingUpdate": {".": {}, "f:partition": {}}, "f:type": {}},
                "f:volumeClaimTemplates": {}
            }})
        );
    }

    #[test]
    fn kubectl_scale_set_image_and_label_each_own_what_they_changed() {
        let web = created_web();
        // kubectl scale: the scale subresource, `.spec.replicas` only.
        let mut scaled = web.clone();
        scaled["spec"]["replicas"] = json!(5);
        let managed = track_update(
            "StatefulSet",
            "apps/v1",
            Some(&web),
            &scaled,
            &Writer::new("kubectl", Some("scale")),
            &now(),
        );
        let scale = entry(&managed, "kubectl");
        assert_eq!(scale["subresource"], "scale");
        assert_eq!(scale["fieldsV1"], json!({"f:spec": {"f:replicas": {}}}));
        assert!(
            entry(&managed, "kubectl-create")["fieldsV1"]["f:spec"]
                .get("f:replicas")
                .is_none()
        );
        let web = with(scaled, managed);

        // kubectl set image: one container's image.
        let mut image = web.clone();
        image["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.28");
        let managed = track_update(
            "StatefulSet",
            "apps/v1",
            Some(&web),
            &image,
            &Writer::new("kubectl-set", None),
            &now(),
        );
        assert_eq!(
            entry(&managed, "kubectl-set")["fieldsV1"],
            json!({"f:spec": {"f:template": {"f:spec": {"f:containers": {
                "k:{\"name\":\"nginx\"}": {"f:image": {}}
            }}}}})
        );
        let web = with(image, managed);

        // kubectl label: the labels map is new, so it is a node of its own.
        let mut labeled = web.clone();
        labeled["metadata"]["labels"] = json!({"tier": "front"});
        let managed = track_update(
            "StatefulSet",
            "apps/v1",
            Some(&web),
            &labeled,
            &Writer::new("kubectl-label", None),
            &now(),
        );
        assert_eq!(
            entry(&managed, "kubectl-label")["fieldsV1"],
            json!({"f:metadata": {"f:labels": {".": {}, "f:tier": {}}}})
        );
        let web = with(labeled, managed);

        // A second label joins an existing map: no `.` this time.
        let mut again = web.clone();
        again["metadata"]["labels"]["zone"] = json!("a");
        let managed = track_update(
            "StatefulSet",
            "apps/v1",
            Some(&web),
            &again,
            &Writer::new("kubectl-label", None),
            &now(),
        );
        assert_eq!(
            entry(&managed, "kubectl-label")["fieldsV1"],
            json!({"f:metadata": {"f:labels": {".": {}, "f:tier": {}, "f:zone": {}}}})
        );
    }

    #[test]
    fn a_null_or_empty_container_that_fills_is_no_new_node() {
        let old = json!({"spec": {"containers": null, "resources": {}}});
        let new = json!({"spec": {"containers": [{"name": "a"}], "resources": {"requests": {"cpu": "1"}}}});
        let cmp = fields::compare("Pod", &old, &new);
        assert_eq!(
            cmp.added.to_fields_v1(),
            json!({"f:spec": {
                "f:containers": {"k:{\"name\":\"a\"}": {".": {}, "f:name": {}}},
                "f:resources": {"f:requests": {".": {}, "f:cpu": {}}}
            }})
        );
        assert!(cmp.removed.is_empty());
    }

    #[test]
    fn a_create_with_only_a_name_owns_no_metadata() {
        let object = json!({"metadata": {"name": "x", "namespace": "demo"}, "data": {"a": "1"}});
        let managed = track_update(
            "ConfigMap",
            "v1",
            None,
            &object,
            &Writer::new("kubectl-create", None),
            &now(),
        );
        assert_eq!(
            managed[0]["fieldsV1"],
            json!({"f:data": {".": {}, "f:a": {}}})
        );
    }

    #[test]
    fn an_update_takes_the_changed_fields_from_their_owner() {
        let created = sts(2, "nginx:1.27");
        let managed = track_update(
            "StatefulSet",
            "apps/v1",
            None,
            &created,
            &Writer::new("kubectl-client-side-apply", None),
            &now(),
        );
        let stored = with(created, managed);
        let scaled = {
            let mut s = stored.clone();
            s["spec"]["replicas"] = json!(5);
            s
        };
        let managed = track_update(
            "StatefulSet",
            "apps/v1",
            Some(&stored),
            &scaled,
            &Writer::new("kubectl", Some("scale")),
            &now(),
        );
        let managers = Managers::of_object(&with(scaled, managed));
        let by_name = |name: &str| managers.0.iter().find(|m| m.manager == name).unwrap();
        let csa = by_name("kubectl-client-side-apply");
        let scale = by_name("kubectl");
        let replicas = vec!["f:spec".to_string(), "f:replicas".to_string()];
        assert!(!csa.fields.contains(&replicas));
        assert!(scale.fields.contains(&replicas));
        assert_eq!(
            scale.describe(),
            "\"kubectl\" with subresource \"scale\" using apps/v1"
        );
    }

    #[test]
    fn a_no_op_write_changes_nothing() {
        let created = sts(2, "nginx:1.27");
        let managed = track_update(
            "StatefulSet",
            "apps/v1",
            None,
            &created,
            &Writer::new("a", None),
            &now(),
        );
        let stored = with(created, managed.clone());
        let later = Time("2026-02-01T00:00:00Z".parse().unwrap());
        let again = track_update(
            "StatefulSet",
            "apps/v1",
            Some(&stored),
            &stored,
            &Writer::new("b", None),
            &later,
        );
        assert_eq!(again, managed);
    }

    #[test]
    fn status_writes_are_tracked_apart_from_spec_writes() {
        let stored = sts(2, "nginx:1.27");
        let mut new = stored.clone();
        new["status"]["replicas"] = json!(2);
        new["spec"]["replicas"] = json!(9);
        let managed = track_update(
            "StatefulSet",
            "apps/v1",
            Some(&stored),
            &new,
            &Writer::new("kube-controller-manager", Some("status")),
            &now(),
        );
        assert_eq!(managed[0]["subresource"], "status");
        assert_eq!(
            managed[0]["fieldsV1"],
            json!({"f:status": {"f:replicas": {}}})
        );
    }

    #[test]
    fn managed_fields_sent_by_the_client_replace_the_stored_ones() {
        let stored = with(
            sts(2, "nginx:1.27"),
            json!([{"manager": "kubectl-client-side-apply", "operation": "Update", "apiVersion": "apps/v1",
                "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {"f:replicas": {}}}}]),
        );
        let migrated = with(
            sts(2, "nginx:1.27"),
            json!([{"manager": "kubectl", "operation": "Apply", "apiVersion": "apps/v1",
                "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {"f:replicas": {}}}}]),
        );
        let managed = track_update(
            "StatefulSet",
            "apps/v1",
            Some(&stored),
            &migrated,
            &Writer::new("kubectl", None),
            &now(),
        );
        assert_eq!(managed.as_array().unwrap().len(), 1);
        assert_eq!(managed[0]["manager"], "kubectl");
        assert_eq!(managed[0]["operation"], "Apply");
    }

    #[test]
    fn the_manager_defaults_to_the_user_agent() {
        let w = Writer::from_request(None, Some("kubectl/v1.32.0 (linux/amd64)"), None);
        assert_eq!(w.manager, "kubectl");
        let w = Writer::from_request(Some("kubectl-edit"), Some("kubectl/v1.32.0"), None);
        assert_eq!(w.manager, "kubectl-edit");
        assert_eq!(Writer::from_request(None, None, None).manager, "unknown");
    }
}
