//! `metadata.managedFields`: who owns which fields, recorded on every write.
//!
//! An ordinary write (create, update, patch, a controller's write) is an
//! `Update` operation: the writer takes the fields it changed from everyone
//! else ([`track_update`]). A server-side apply is an `Apply` operation and
//! owns exactly the fields of its configuration ([`super::apply`]).

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{FieldsV1, ManagedFieldsEntry, Time};
use serde_json::Value;

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
    let mut out = object.clone();
    let Some(map) = out.as_object_mut() else {
        return out;
    };
    map.shift_remove("apiVersion");
    map.shift_remove("kind");
    match subresource {
        Some("status") => map.retain(|k, _| k == "status"),
        _ => {
            map.shift_remove("status");
        }
    }
    if let Some(Value::Object(meta)) = map.get_mut("metadata") {
        for server_set in [
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
        ] {
            meta.shift_remove(server_set);
        }
    }
    out
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
    let before = old.map_or_else(|| Value::Object(Default::default()), |o| tracked(o, sub));
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
        assert_eq!(
            managed[0]["fieldsV1"],
            json!({
                "f:metadata": {"f:labels": {".": {}, "f:app": {}}},
                "f:spec": {"f:replicas": {}, "f:template": {".": {}, "f:spec": {".": {}, "f:containers": {
                    ".": {},
                    "k:{\"name\":\"nginx\"}": {".": {}, "f:image": {}, "f:name": {}, "f:ports": {
                        ".": {},
                        "k:{\"containerPort\":80,\"protocol\":\"TCP\"}": {".": {}, "f:containerPort": {}}
                    }}
                }}}}
            })
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
