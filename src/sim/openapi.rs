//! OpenAPI v3 documents for the kinds the sim serves, generated from
//! k8s-openapi's JSON schemas (its `schemars` feature), with the vendor
//! extensions kubectl reads:
//!
//! * `x-kubernetes-group-version-kind` on each kind's schema (how `kubectl
//!   explain` and `kubectl apply` find it) and on each operation (how kubectl
//!   learns that the server takes `fieldValidation`, so it validates there
//!   instead of downloading the protobuf v2 document);
//! * `x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key` on list
//!   fields, taken from the same table the server's strategic merge uses
//!   ([`patch::list_merge_rule`]), so a client's three-way patch and the
//!   server agree.
//!
//! Documents are built once per group-version and served from memory.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use bytes::Bytes;
use k8s_openapi::api::apps::v1::{
    ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet,
};
use k8s_openapi::api::authorization::v1::SelfSubjectAccessReview;
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{
    ConfigMap, Endpoints, Event, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod,
    Secret, Service, ServiceAccount,
};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::events;
use k8s_openapi::api::storage::v1::StorageClass;
use schemars::generate::{SchemaGenerator, SchemaSettings};
use serde_json::{Map, Value, json};

use super::patch;
use super::resources::{self, Kind};

/// One group-version's document, and the hash its URL carries.
struct Doc {
    hash: String,
    body: Bytes,
    /// The component schemas, for validating what clients send.
    schemas: Map<String, Value>,
    /// Each kind's schema name.
    roots: Vec<(Root, String)>,
}

/// A kind the OpenAPI documents describe: each stored kind, and the two
/// the sim serves beside them (`events.k8s.io/v1` Events, the stored core
/// Events converted, and SelfSubjectAccessReviews), so that `kubectl
/// explain` finds every resource discovery lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Root {
    Stored(Kind),
    EventsV1,
    AccessReview,
}

impl From<Kind> for Root {
    fn from(kind: Kind) -> Root {
        Root::Stored(kind)
    }
}

impl Root {
    fn all() -> impl Iterator<Item = Root> {
        resources::ALL
            .iter()
            .map(|i| Root::Stored(i.kind))
            .chain([Root::EventsV1, Root::AccessReview])
    }

    fn group(self) -> &'static str {
        match self {
            Root::Stored(k) => k.info().group,
            Root::EventsV1 => "events.k8s.io",
            Root::AccessReview => "authorization.k8s.io",
        }
    }

    pub fn kind_name(self) -> &'static str {
        match self {
            Root::Stored(k) => k.info().kind_name,
            Root::EventsV1 => "Event",
            Root::AccessReview => "SelfSubjectAccessReview",
        }
    }

    fn plural(self) -> &'static str {
        match self {
            Root::Stored(k) => k.info().plural,
            Root::EventsV1 => "events",
            Root::AccessReview => "selfsubjectaccessreviews",
        }
    }

    fn namespaced(self) -> bool {
        match self {
            Root::Stored(k) => k.info().namespaced,
            Root::EventsV1 => true,
            Root::AccessReview => false,
        }
    }

    /// The kind whose strategic merge rules apply to this schema.
    fn merge_kind(self) -> Option<Kind> {
        match self {
            Root::Stored(k) => Some(k),
            Root::EventsV1 => Some(Kind::Event),
            Root::AccessReview => None,
        }
    }
}

fn docs() -> &'static BTreeMap<String, Doc> {
    static DOCS: OnceLock<BTreeMap<String, Doc>> = OnceLock::new();
    DOCS.get_or_init(|| {
        let mut by_gv: BTreeMap<String, Vec<Root>> = BTreeMap::new();
        for root in Root::all() {
            by_gv.entry(gv_path(root)).or_default().push(root);
        }
        by_gv
            .into_iter()
            .map(|(gv, roots)| {
                let (doc, roots) = group_version_doc(&roots);
                let body = Bytes::from(doc.to_string());
                let hash = fnv_hex(&body);
                let schemas = match doc.pointer("/components/schemas") {
                    Some(Value::Object(m)) => m.clone(),
                    _ => Map::new(),
                };
                let doc = Doc {
                    hash,
                    body,
                    schemas,
                    roots,
                };
                (gv, doc)
            })
            .collect()
    })
}

/// `api/v1` or `apis/apps/v1`: the key of a group-version under `/openapi/v3`.
fn gv_path(root: Root) -> String {
    match root.group() {
        "" => "api/v1".to_string(),
        group => format!("apis/{group}/v1"),
    }
}

/// A stable content hash for the `?hash=` cache key clients use.
fn fnv_hex(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016X}")
}

/// `GET /openapi/v3`: where each group-version's document is.
pub fn root() -> Value {
    let paths: Map<String, Value> = docs()
        .iter()
        .map(|(gv, doc)| {
            (
                gv.clone(),
                json!({"serverRelativeURL": format!("/openapi/v3/{gv}?hash={}", doc.hash)}),
            )
        })
        .collect();
    json!({ "paths": paths })
}

/// `GET /openapi/v3/{gv}`, e.g. `apis/apps/v1`; `None` for an unknown one.
pub fn group_version(gv: &str) -> Option<Bytes> {
    docs().get(gv.trim_matches('/')).map(|d| d.body.clone())
}

/// The component schemas of `root`'s group-version and the name of its own.
pub fn schemas(root: Root) -> Option<(&'static Map<String, Value>, &'static str)> {
    let doc = docs().get(&gv_path(root))?;
    let (_, name) = doc.roots.iter().find(|(r, _)| *r == root)?;
    Some((&doc.schemas, name.as_str()))
}

/// The component a property schema refers to, if any.
pub fn referenced(schema: &Value) -> Option<&str> {
    ref_name(schema)
}

/// The name of `root`'s schema among the components.
fn schema_of(root: Root, generator: &mut SchemaGenerator) -> String {
    let kind = match root {
        Root::Stored(kind) => kind,
        Root::EventsV1 => {
            let schema = generator.subschema_for::<events::v1::Event>();
            return ref_name(schema.as_value()).unwrap_or_default().to_string();
        }
        Root::AccessReview => {
            let schema = generator.subschema_for::<SelfSubjectAccessReview>();
            return ref_name(schema.as_value()).unwrap_or_default().to_string();
        }
    };
    let schema = match kind {
        Kind::Namespace => generator.subschema_for::<Namespace>(),
        Kind::Node => generator.subschema_for::<Node>(),
        Kind::Pod => generator.subschema_for::<Pod>(),
        Kind::Service => generator.subschema_for::<Service>(),
        Kind::ConfigMap => generator.subschema_for::<ConfigMap>(),
        Kind::Event => generator.subschema_for::<Event>(),
        Kind::PersistentVolumeClaim => generator.subschema_for::<PersistentVolumeClaim>(),
        Kind::PersistentVolume => generator.subschema_for::<PersistentVolume>(),
        Kind::StatefulSet => generator.subschema_for::<StatefulSet>(),
        Kind::ControllerRevision => generator.subschema_for::<ControllerRevision>(),
        Kind::StorageClass => generator.subschema_for::<StorageClass>(),
        Kind::Secret => generator.subschema_for::<Secret>(),
        Kind::ServiceAccount => generator.subschema_for::<ServiceAccount>(),
        Kind::Endpoints => generator.subschema_for::<Endpoints>(),
        Kind::Deployment => generator.subschema_for::<Deployment>(),
        Kind::ReplicaSet => generator.subschema_for::<ReplicaSet>(),
        Kind::DaemonSet => generator.subschema_for::<DaemonSet>(),
        Kind::Job => generator.subschema_for::<Job>(),
        Kind::CronJob => generator.subschema_for::<CronJob>(),
        Kind::EndpointSlice => generator.subschema_for::<EndpointSlice>(),
    };
    ref_name(schema.as_value()).unwrap_or_default().to_string()
}

const REF_PREFIX: &str = "#/components/schemas/";

/// The component a schema refers to: `$ref`, or the one `allOf` entry the
/// real server wraps references in when they carry a description.
fn ref_name(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")
        .or_else(|| schema.pointer("/allOf/0/$ref"))
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix(REF_PREFIX))
}

fn gvk(root: Root) -> Value {
    json!({"group": root.group(), "kind": root.kind_name(), "version": "v1"})
}

fn group_version_doc(kinds: &[Root]) -> (Value, Vec<(Root, String)>) {
    let mut generator = SchemaSettings::openapi3().into_generator();
    let roots: Vec<(Root, String)> = kinds
        .iter()
        .map(|k| (*k, schema_of(*k, &mut generator)))
        .collect();
    let mut schemas = generator.take_definitions(true);
    schemas.insert(
        "io.k8s.apimachinery.pkg.apis.meta.v1.Patch".into(),
        json!({"description": "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.", "type": "object"}),
    );
    let mut paths = Map::new();
    for (kind, name) in &roots {
        if let Some(s) = schemas.get_mut(name).and_then(Value::as_object_mut) {
            s.insert(
                "x-kubernetes-group-version-kind".into(),
                json!([gvk(*kind)]),
            );
        }
        if let Some(merge) = kind.merge_kind() {
            annotate_lists(&mut schemas, merge, name);
        }
        add_paths(&mut paths, *kind, name);
    }
    let title = kinds
        .first()
        .map(|k| format!("Kubernetes {}", gv_path(*k)))
        .unwrap_or_default();
    let doc = json!({
        "openapi": "3.0.0",
        "info": {"title": title, "version": "v1.34.0"},
        "paths": paths,
        "components": {"schemas": schemas},
    });
    (doc, roots)
}

/// Adds the strategic merge extensions to every list field reachable from
/// `root`, as the patch code merges that field of `kind`.
fn annotate_lists(schemas: &mut Map<String, Value>, kind: Kind, root: &str) {
    let mut marks = Vec::new();
    let mut seen = BTreeSet::new();
    walk(schemas, kind, root, &mut Vec::new(), &mut marks, &mut seen);
    for (schema, field, strategy, key) in marks {
        let Some(prop) = schemas
            .get_mut(&schema)
            .and_then(|s| s.pointer_mut(&format!("/properties/{field}")))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        prop.insert("x-kubernetes-patch-strategy".into(), json!(strategy));
        if let Some(key) = key {
            prop.insert("x-kubernetes-patch-merge-key".into(), json!(key));
        }
    }
}

type Mark = (String, String, &'static str, Option<&'static str>);

fn walk(
    schemas: &Map<String, Value>,
    kind: Kind,
    name: &str,
    path: &mut Vec<String>,
    marks: &mut Vec<Mark>,
    seen: &mut BTreeSet<(String, String)>,
) {
    // Recursive types (JSON schema props) would loop; no merge rule is deeper.
    if path.len() > 12 || !seen.insert((name.to_string(), path.join("."))) {
        return;
    }
    let Some(props) = schemas
        .get(name)
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
    else {
        return;
    };
    for (field, prop) in props {
        path.push(field.clone());
        let items = prop.get("items");
        if items.is_some() {
            let p: Vec<&str> = path.iter().map(String::as_str).collect();
            if let Some((strategy, key)) = patch::list_merge_rule(kind.info().kind_name, &p) {
                marks.push((name.to_string(), field.clone(), strategy, key));
            }
        }
        if let Some(next) = ref_name(prop).or_else(|| items.and_then(ref_name)) {
            walk(schemas, kind, next, path, marks, seen);
        }
        path.pop();
    }
}

/// Query parameters kubectl looks for on an operation.
fn param(name: &str, description: &str) -> Value {
    json!({"name": name, "in": "query", "description": description,
        "schema": {"type": "string", "uniqueItems": true}})
}

fn write_params(patch: bool) -> Vec<Value> {
    let mut p = vec![
        param(
            "dryRun",
            "When present, indicates that modifications should not be persisted.",
        ),
        param(
            "fieldManager",
            "fieldManager is a name associated with the actor or entity that is making these changes.",
        ),
        param(
            "fieldValidation",
            "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict",
        ),
    ];
    if patch {
        p.push(json!({"name": "force", "in": "query", "schema": {"type": "boolean", "uniqueItems": true},
            "description": "Force is going to \"force\" Apply requests. It means user will re-acquire conflicting fields owned by other people."}));
    }
    p
}

const PATCH_TYPES: &[&str] = &[
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
    "application/apply-patch+yaml",
];

const PATCH_SCHEMA: &str = "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch";

fn operation(kind: Root, action: &str, schema: &str, params: Vec<Value>) -> Value {
    let body = json!({"schema": {"$ref": format!("{REF_PREFIX}{schema}")}});
    let mut op = json!({
        "description": format!("{action} {}", kind.kind_name()),
        "operationId": format!("{action}{}", kind.kind_name()),
        "parameters": params,
        "responses": {"200": {"description": "OK", "content": {"application/json": body}}},
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": gvk(kind),
    });
    if action == "patch" {
        // kubectl computes a strategic merge patch only where the server
        // says it takes one.
        let content: Map<String, Value> = PATCH_TYPES
            .iter()
            .map(|t| (t.to_string(), json!({"schema": {"$ref": PATCH_SCHEMA}})))
            .collect();
        op["requestBody"] = json!({"content": content, "required": true});
    } else if matches!(action, "post" | "put") {
        op["requestBody"] = json!({"content": {"*/*": body}, "required": true});
    }
    op
}

fn add_paths(paths: &mut Map<String, Value>, kind: Root, schema: &str) {
    let prefix = match kind.group() {
        "" => "/api/v1".to_string(),
        group => format!("/apis/{group}/v1"),
    };
    let ns = if kind.namespaced() {
        "/namespaces/{namespace}"
    } else {
        ""
    };
    let collection = format!("{prefix}{ns}/{}", kind.plural());
    if kind == Root::AccessReview {
        // A review is only ever created.
        paths.insert(
            collection,
            json!({"post": operation(kind, "post", schema, write_params(false))}),
        );
        return;
    }
    paths.insert(
        collection.clone(),
        json!({
            "get": operation(kind, "list", schema, Vec::new()),
            "post": operation(kind, "post", schema, write_params(false)),
        }),
    );
    paths.insert(
        format!("{collection}/{{name}}"),
        json!({
            "get": operation(kind, "get", schema, Vec::new()),
            "put": operation(kind, "put", schema, write_params(false)),
            "patch": operation(kind, "patch", schema, write_params(true)),
            "delete": operation(kind, "delete", schema, Vec::new()),
        }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(gv: &str) -> Value {
        serde_json::from_slice(&group_version(gv).expect("served")).unwrap()
    }

    #[test]
    fn root_lists_every_group_version_with_a_hash() {
        let root = root();
        let url = root["paths"]["apis/apps/v1"]["serverRelativeURL"]
            .as_str()
            .unwrap();
        assert!(url.starts_with("/openapi/v3/apis/apps/v1?hash="), "{url}");
        assert!(root["paths"]["api/v1"].is_object());
        assert!(group_version("apis/nope/v1").is_none());
    }

    /// `kubectl explain` finds a resource by the group-version-kind on its
    /// schema: every kind discovery lists has one.
    #[test]
    fn every_served_kind_has_a_schema_with_its_group_version_kind() {
        for root in Root::all() {
            let (schemas, name) = schemas(root).unwrap_or_else(|| panic!("{root:?}"));
            assert_eq!(
                schemas[name]["x-kubernetes-group-version-kind"],
                json!([{"group": root.group(), "kind": root.kind_name(), "version": "v1"}]),
                "{root:?}"
            );
        }
        let events = doc("apis/events.k8s.io/v1");
        let event = &events["components"]["schemas"]["io.k8s.api.events.v1.Event"];
        assert!(event["properties"]["note"].is_object(), "{event}");
        assert!(
            events["paths"]["/apis/events.k8s.io/v1/namespaces/{namespace}/events/{name}"]["patch"]
                .is_object()
        );
        let reviews = doc("apis/authorization.k8s.io/v1");
        let review = &reviews["paths"]["/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"];
        assert!(review["post"].is_object() && review.get("get").is_none());
    }

    #[test]
    fn kinds_carry_their_group_version_kind() {
        let apps = doc("apis/apps/v1");
        let sts = &apps["components"]["schemas"]["io.k8s.api.apps.v1.StatefulSet"];
        assert_eq!(
            sts["x-kubernetes-group-version-kind"],
            json!([{"group": "apps", "kind": "StatefulSet", "version": "v1"}])
        );
        let patch =
            &apps["paths"]["/apis/apps/v1/namespaces/{namespace}/statefulsets/{name}"]["patch"];
        assert_eq!(
            patch["x-kubernetes-group-version-kind"]["kind"],
            "StatefulSet"
        );
        assert!(
            patch["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["name"] == "fieldValidation")
        );
    }

    #[test]
    fn list_fields_carry_the_strategic_merge_keys() {
        let core = doc("api/v1");
        let schemas = &core["components"]["schemas"];
        let containers = &schemas["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"];
        assert_eq!(containers["x-kubernetes-patch-strategy"], "merge");
        assert_eq!(containers["x-kubernetes-patch-merge-key"], "name");
        let ports = &schemas["io.k8s.api.core.v1.Container"]["properties"]["ports"];
        assert_eq!(ports["x-kubernetes-patch-merge-key"], "containerPort");
        let svc_ports = &schemas["io.k8s.api.core.v1.ServiceSpec"]["properties"]["ports"];
        assert_eq!(svc_ports["x-kubernetes-patch-merge-key"], "port");
        // Atomic lists carry no strategy.
        let args = &schemas["io.k8s.api.core.v1.Container"]["properties"]["args"];
        assert!(args.get("x-kubernetes-patch-strategy").is_none(), "{args}");
    }

    #[test]
    fn references_with_a_description_are_wrapped_in_all_of() {
        let apps = doc("apis/apps/v1");
        let strategy = &apps["components"]["schemas"]["io.k8s.api.apps.v1.StatefulSetSpec"]["properties"]
            ["updateStrategy"];
        assert_eq!(
            ref_name(strategy),
            Some("io.k8s.api.apps.v1.StatefulSetUpdateStrategy")
        );
        assert!(strategy["description"].is_string());
    }
}
