//! The three patch formats the Kubernetes API server accepts for `PATCH`
//! requests, applied to objects held as [`serde_json::Value`]:
//!
//! * JSON merge patch (RFC 7386), `application/merge-patch+json`;
//! * strategic merge patch (k8s.io/apimachinery `strategicpatch`),
//!   `application/strategic-merge-patch+json`;
//! * JSON patch (RFC 6902), `application/json-patch+json`.
//!
//! Server-side apply is deliberately not supported: the caller answers 415.
//!
//! Strategic merge needs to know, for each list field, whether it is merged by
//! a key, unioned, or replaced. The real server reads that from Go struct tags;
//! here it comes from [`LIST_RULES`], a small table keyed by JSON path.

use serde_json::{Map, Value};

/// Why a patch could not be applied. Every variant maps to a 4xx answer; the
/// message is meant to be shown to the client as is.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PatchError {
    /// The patch document itself is malformed (wrong JSON shape, bad pointer,
    /// missing member, ...).
    #[error("invalid patch document: {0}")]
    InvalidPatch(String),
    /// A JSON patch operation could not be carried out against the target.
    #[error("json patch operation {index} ({op}) failed at path {path:?}: {reason}")]
    OpFailed {
        index: usize,
        op: String,
        path: String,
        reason: String,
    },
    /// A JSON patch `test` operation found a different (or no) value.
    #[error("json patch test operation {index} failed at path {path:?}: {reason}")]
    TestFailed {
        index: usize,
        path: String,
        reason: String,
    },
    /// A `$`-key or `$patch` value the strategic merge patch does not know.
    #[error("unsupported strategic merge patch directive {directive:?} at {path:?}")]
    UnsupportedDirective { directive: String, path: String },
    /// A strategic merge patch that is well-formed JSON but cannot be merged
    /// (e.g. a list item without its merge key).
    #[error("strategic merge patch failed at {path:?}: {reason}")]
    Strategic { path: String, reason: String },
}

/// The patch formats, as chosen by the request's `Content-Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    Merge,
    Strategic,
    Json,
}

impl PatchType {
    /// From the request Content-Type: application/merge-patch+json,
    /// application/strategic-merge-patch+json, application/json-patch+json
    /// (parameters like `;charset=utf-8` are ignored). Server-side apply
    /// (application/apply-patch+yaml) and anything else -> None (caller
    /// answers 415).
    pub fn from_content_type(ct: &str) -> Option<PatchType> {
        let media_type = ct.split(';').next().unwrap_or_default().trim();
        // Media types are case-insensitive (RFC 9110 §8.3.1).
        match media_type.to_ascii_lowercase().as_str() {
            "application/merge-patch+json" => Some(PatchType::Merge),
            "application/strategic-merge-patch+json" => Some(PatchType::Strategic),
            "application/json-patch+json" => Some(PatchType::Json),
            _ => None,
        }
    }
}

/// Applies `patch` to `target` (a whole object, e.g. a StatefulSet as JSON)
/// and returns the result. `kind` is the object's Kind ("StatefulSet", "Pod",
/// "PersistentVolumeClaim", "Scale", ...), used by strategic merge to find
/// list merge keys.
///
/// Never panics. `target` itself is never modified. Validating immutable
/// fields (name, namespace, selectors, ...) is the caller's job.
pub fn apply(
    kind: &str,
    target: &Value,
    patch_type: PatchType,
    patch: &Value,
) -> Result<Value, PatchError> {
    let mut out = target.clone();
    match patch_type {
        PatchType::Merge => {
            // RFC 7386 would let a non-object patch replace the whole document,
            // but the result would not be a Kubernetes object any more; the
            // real server fails decoding it, so reject it up front.
            if !patch.is_object() {
                return Err(PatchError::InvalidPatch(
                    "a merge patch must be a JSON object".into(),
                ));
            }
            json_merge_patch(&mut out, patch);
        }
        PatchType::Strategic => strategic_merge_patch(kind, &mut out, patch)?,
        PatchType::Json => json_patch(&mut out, patch)?,
    }
    if !out.is_object() {
        return Err(PatchError::InvalidPatch(
            "the patched document is not a JSON object".into(),
        ));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// JSON merge patch (RFC 7386)
// ---------------------------------------------------------------------------

/// Applies an RFC 7386 JSON merge patch: objects merge recursively, `null`
/// deletes a key, anything else (arrays included) replaces the target.
pub fn json_merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(target) = target else {
        return; // unreachable: made an object just above
    };
    for (key, value) in patch {
        if value.is_null() {
            // shift_remove keeps the remaining keys in their order
            // (plain remove would swap the last key into the hole).
            target.shift_remove(key);
        } else {
            json_merge_patch(target.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

// ---------------------------------------------------------------------------
// JSON patch (RFC 6902)
// ---------------------------------------------------------------------------

/// Applies an RFC 6902 JSON patch. Operations are applied to a copy; if any
/// fails, `target` is left unchanged.
pub fn json_patch(target: &mut Value, ops: &Value) -> Result<(), PatchError> {
    let Value::Array(ops) = ops else {
        return Err(PatchError::InvalidPatch(
            "a json patch must be an array of operations".into(),
        ));
    };
    let mut doc = target.clone();
    for (index, op) in ops.iter().enumerate() {
        JsonPatchOp::parse(index, op)?.apply(index, &mut doc)?;
    }
    *target = doc;
    Ok(())
}

/// One parsed JSON patch operation.
enum JsonPatchOp<'a> {
    Add(Pointer, &'a Value),
    Remove(Pointer),
    Replace(Pointer, &'a Value),
    Move { from: Pointer, path: Pointer },
    Copy { from: Pointer, path: Pointer },
    Test(Pointer, &'a Value),
}

impl<'a> JsonPatchOp<'a> {
    fn parse(index: usize, op: &'a Value) -> Result<Self, PatchError> {
        let invalid = |msg: String| PatchError::InvalidPatch(format!("operation {index}: {msg}"));
        let Value::Object(op) = op else {
            return Err(invalid("must be a JSON object".into()));
        };
        let string_member = |name: &str| match op.get(name) {
            Some(Value::String(s)) => Ok(s.as_str()),
            Some(_) => Err(invalid(format!("member {name:?} must be a string"))),
            None => Err(invalid(format!("missing member {name:?}"))),
        };
        let pointer_member = |name: &str| Pointer::parse(string_member(name)?).map_err(&invalid);
        // "value" may legitimately be null, so presence is what matters.
        let value_member = || {
            op.get("value")
                .ok_or_else(|| invalid("missing member \"value\"".into()))
        };
        let path = pointer_member("path")?;
        Ok(match string_member("op")? {
            "add" => JsonPatchOp::Add(path, value_member()?),
            "remove" => JsonPatchOp::Remove(path),
            "replace" => JsonPatchOp::Replace(path, value_member()?),
            "move" => JsonPatchOp::Move {
                from: pointer_member("from")?,
                path,
            },
            "copy" => JsonPatchOp::Copy {
                from: pointer_member("from")?,
                path,
            },
            "test" => JsonPatchOp::Test(path, value_member()?),
            other => return Err(invalid(format!("unknown op {other:?}"))),
        })
    }

    fn name(&self) -> &'static str {
        match self {
            JsonPatchOp::Add(..) => "add",
            JsonPatchOp::Remove(..) => "remove",
            JsonPatchOp::Replace(..) => "replace",
            JsonPatchOp::Move { .. } => "move",
            JsonPatchOp::Copy { .. } => "copy",
            JsonPatchOp::Test(..) => "test",
        }
    }

    fn path(&self) -> &Pointer {
        match self {
            JsonPatchOp::Add(path, _)
            | JsonPatchOp::Remove(path)
            | JsonPatchOp::Replace(path, _)
            | JsonPatchOp::Move { path, .. }
            | JsonPatchOp::Copy { path, .. }
            | JsonPatchOp::Test(path, _) => path,
        }
    }

    fn apply(&self, index: usize, doc: &mut Value) -> Result<(), PatchError> {
        let result = match self {
            JsonPatchOp::Add(path, value) => path.add(doc, (*value).clone()),
            JsonPatchOp::Remove(path) => path.remove(doc).map(drop),
            JsonPatchOp::Replace(path, value) => path.replace(doc, (*value).clone()),
            JsonPatchOp::Move { from, path } => move_value(doc, from, path),
            JsonPatchOp::Copy { from, path } => match from.get(doc) {
                Some(value) => path.add(doc, value.clone()),
                None => Err(format!("\"from\" location {:?} does not exist", from.raw)),
            },
            JsonPatchOp::Test(path, value) => {
                return match path.get(doc) {
                    Some(actual) if json_eq(actual, value) => Ok(()),
                    Some(_) => Err("value differs".to_string()),
                    None => Err("path does not exist".to_string()),
                }
                .map_err(|reason| PatchError::TestFailed {
                    index,
                    path: path.raw.clone(),
                    reason,
                });
            }
        };
        result.map_err(|reason| PatchError::OpFailed {
            index,
            op: self.name().into(),
            path: self.path().raw.clone(),
            reason,
        })
    }
}

fn move_value(doc: &mut Value, from: &Pointer, path: &Pointer) -> Result<(), String> {
    // RFC 6902 §4.4: a location cannot be moved into one of its children.
    if path.tokens.len() > from.tokens.len() && path.tokens.starts_with(&from.tokens) {
        return Err(format!(
            "cannot move {:?} into its own child {:?}",
            from.raw, path.raw
        ));
    }
    if path.tokens == from.tokens {
        // Removing and re-adding would move an object member to the end.
        return match from.get(doc) {
            Some(_) => Ok(()),
            None => Err(format!("\"from\" location {:?} does not exist", from.raw)),
        };
    }
    let value = from
        .remove(doc)
        .map_err(|reason| format!("\"from\" location {:?}: {reason}", from.raw))?;
    path.add(doc, value)
}

/// A parsed RFC 6901 JSON pointer.
struct Pointer {
    /// As written in the patch, for error messages.
    raw: String,
    /// Unescaped reference tokens; empty for the whole document.
    tokens: Vec<String>,
}

impl Pointer {
    fn parse(raw: &str) -> Result<Self, String> {
        if raw.is_empty() {
            return Ok(Pointer {
                raw: String::new(),
                tokens: Vec::new(),
            });
        }
        let Some(rest) = raw.strip_prefix('/') else {
            return Err(format!("JSON pointer {raw:?} must start with '/'"));
        };
        let tokens = rest
            .split('/')
            .map(|token| unescape_token(token).ok_or_else(|| format!("bad escape in {raw:?}")))
            .collect::<Result<_, _>>()?;
        Ok(Pointer {
            raw: raw.to_string(),
            tokens,
        })
    }

    fn get<'v>(&self, doc: &'v Value) -> Option<&'v Value> {
        self.tokens.iter().try_fold(doc, |node, token| match node {
            Value::Object(map) => map.get(token),
            Value::Array(items) => items.get(array_index(token)?),
            _ => None,
        })
    }

    fn get_mut<'v>(tokens: &[String], doc: &'v mut Value) -> Option<&'v mut Value> {
        tokens.iter().try_fold(doc, |node, token| match node {
            Value::Object(map) => map.get_mut(token),
            Value::Array(items) => items.get_mut(array_index(token)?),
            _ => None,
        })
    }

    /// Splits into the parent container and the last token; None for the root.
    fn parent_mut<'v>(&self, doc: &'v mut Value) -> Option<Result<(&'v mut Value, &str), String>> {
        let (last, parent) = self.tokens.split_last()?;
        Some(
            Self::get_mut(parent, doc)
                .map(|container| (container, last.as_str()))
                .ok_or_else(|| "parent location does not exist".to_string()),
        )
    }

    fn add(&self, doc: &mut Value, value: Value) -> Result<(), String> {
        let Some(parent) = self.parent_mut(doc) else {
            *doc = value;
            return Ok(());
        };
        match parent? {
            (Value::Object(map), key) => {
                map.insert(key.to_string(), value);
                Ok(())
            }
            (Value::Array(items), "-") => {
                items.push(value);
                Ok(())
            }
            (Value::Array(items), token) => match array_index(token) {
                Some(i) if i <= items.len() => {
                    items.insert(i, value);
                    Ok(())
                }
                Some(i) => Err(format!(
                    "index {i} is out of bounds (length {})",
                    items.len()
                )),
                None => Err(format!("{token:?} is not an array index")),
            },
            _ => Err("parent location is not an object or array".into()),
        }
    }

    fn remove(&self, doc: &mut Value) -> Result<Value, String> {
        let Some(parent) = self.parent_mut(doc) else {
            return Err("cannot remove the whole document".into());
        };
        let removed = match parent? {
            (Value::Object(map), key) => map.shift_remove(key),
            (Value::Array(items), token) => array_index(token)
                .filter(|&i| i < items.len())
                .map(|i| items.remove(i)),
            _ => None,
        };
        removed.ok_or_else(|| "path does not exist".into())
    }

    fn replace(&self, doc: &mut Value, value: Value) -> Result<(), String> {
        let slot = Self::get_mut(&self.tokens, doc).ok_or("path does not exist")?;
        *slot = value;
        Ok(())
    }
}

/// `~1` -> `/`, `~0` -> `~`; any other `~` sequence is invalid (RFC 6901 §3).
fn unescape_token(token: &str) -> Option<String> {
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars();
    while let Some(c) = chars.next() {
        match c {
            '~' => match chars.next()? {
                '0' => out.push('~'),
                '1' => out.push('/'),
                _ => return None,
            },
            c => out.push(c),
        }
    }
    Some(out)
}

/// An RFC 6901 array index: decimal digits without leading zeros. `-` (the
/// end of the array) is handled by the callers that allow it.
fn array_index(token: &str) -> Option<usize> {
    let digits_only = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
    if !digits_only || (token.len() > 1 && token.starts_with('0')) {
        return None;
    }
    token.parse().ok()
}

/// JSON value equality where numbers compare by value (`1 == 1.0`), as
/// RFC 6902 `test` and Go's `interface{}` comparison of decoded numbers do.
fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => match (x.as_u64(), y.as_u64()) {
                (Some(x), Some(y)) => x == y,
                _ => x.as_f64() == y.as_f64(),
            },
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_eq(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

// ---------------------------------------------------------------------------
// Strategic merge patch: the schema table
// ---------------------------------------------------------------------------

/// How a list field is patched (the Go `patchStrategy`/`patchMergeKey` tags).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListStrategy {
    /// The patch's list replaces the live one (the default, "atomic").
    Replace,
    /// Items are maps identified by this field.
    MergeByKey(&'static str),
    /// Items are scalars; the patch's items are added (set union).
    MergePrimitives,
}

/// Where a [`ListRule`] path is rooted.
#[derive(Debug, Clone, Copy)]
enum Anchor {
    /// Every ObjectMeta: the object's own `metadata` and pod templates'.
    ObjectMeta,
    /// Every PodSpec; the kind decides where it lives (see [`pod_spec_path`]).
    PodSpec,
    /// The object root, for the listed kinds only.
    Root(&'static [&'static str]),
}

struct ListRule {
    anchor: Anchor,
    /// Dot-separated field names below the anchor; list items are transparent
    /// (`containers.env` is the `env` of any container).
    path: &'static str,
    strategy: ListStrategy,
}

const fn rule(anchor: Anchor, path: &'static str, strategy: ListStrategy) -> ListRule {
    ListRule {
        anchor,
        path,
        strategy,
    }
}

const CONDITION_KINDS: &[&str] = &[
    "Pod",
    "PersistentVolumeClaim",
    "StatefulSet",
    "Node",
    "Deployment",
    "ReplicaSet",
    "DaemonSet",
    "Job",
];

/// The list fields of the built-in types that do not simply get replaced,
/// mirroring the `patchStrategy`/`patchMergeKey` tags of k8s.io/api. Fields
/// not listed here are atomic; maps always merge. A few atomic fields are
/// listed anyway to document that the choice is deliberate.
const LIST_RULES: &[ListRule] = &[
    // ObjectMeta
    rule(
        Anchor::ObjectMeta,
        "ownerReferences",
        ListStrategy::MergeByKey("uid"),
    ),
    rule(
        Anchor::ObjectMeta,
        "finalizers",
        ListStrategy::MergePrimitives,
    ),
    // PodSpec. `initContainers` and `ephemeralContainers` hold Containers
    // too; their fields are looked up as `containers.*` (see `rule_path`).
    rule(
        Anchor::PodSpec,
        "containers",
        ListStrategy::MergeByKey("name"),
    ),
    rule(
        Anchor::PodSpec,
        "initContainers",
        ListStrategy::MergeByKey("name"),
    ),
    rule(
        Anchor::PodSpec,
        "ephemeralContainers",
        ListStrategy::MergeByKey("name"),
    ),
    rule(Anchor::PodSpec, "volumes", ListStrategy::MergeByKey("name")),
    rule(
        Anchor::PodSpec,
        "imagePullSecrets",
        ListStrategy::MergeByKey("name"),
    ),
    rule(Anchor::PodSpec, "tolerations", ListStrategy::Replace),
    rule(
        Anchor::PodSpec,
        "hostAliases",
        ListStrategy::MergeByKey("ip"),
    ),
    rule(
        Anchor::PodSpec,
        "topologySpreadConstraints",
        ListStrategy::MergeByKey("topologyKey"),
    ),
    rule(
        Anchor::PodSpec,
        "resourceClaims",
        ListStrategy::MergeByKey("name"),
    ),
    rule(
        Anchor::PodSpec,
        "schedulingGates",
        ListStrategy::MergeByKey("name"),
    ),
    // Container
    rule(
        Anchor::PodSpec,
        "containers.env",
        ListStrategy::MergeByKey("name"),
    ),
    rule(
        Anchor::PodSpec,
        "containers.ports",
        ListStrategy::MergeByKey("containerPort"),
    ),
    rule(
        Anchor::PodSpec,
        "containers.volumeMounts",
        ListStrategy::MergeByKey("mountPath"),
    ),
    rule(
        Anchor::PodSpec,
        "containers.volumeDevices",
        ListStrategy::MergeByKey("devicePath"),
    ),
    rule(Anchor::PodSpec, "containers.envFrom", ListStrategy::Replace),
    // Status conditions
    rule(
        Anchor::Root(CONDITION_KINDS),
        "status.conditions",
        ListStrategy::MergeByKey("type"),
    ),
    // Pod
    rule(
        Anchor::Root(&["Pod"]),
        "status.podIPs",
        ListStrategy::MergeByKey("ip"),
    ),
    rule(
        Anchor::Root(&["Pod"]),
        "status.containerStatuses",
        ListStrategy::Replace,
    ),
    // StatefulSet
    rule(
        Anchor::Root(&["StatefulSet"]),
        "spec.volumeClaimTemplates",
        ListStrategy::Replace,
    ),
    // Node
    rule(
        Anchor::Root(&["Node"]),
        "spec.taints",
        ListStrategy::MergeByKey("key"),
    ),
    rule(
        Anchor::Root(&["Node"]),
        "spec.podCIDRs",
        ListStrategy::MergePrimitives,
    ),
    rule(
        Anchor::Root(&["Node"]),
        "status.addresses",
        ListStrategy::MergeByKey("type"),
    ),
    // Service
    rule(
        Anchor::Root(&["Service"]),
        "spec.ports",
        ListStrategy::MergeByKey("port"),
    ),
];

/// Where `kind` keeps its PodTemplateSpec, if it has one.
fn pod_template_path(kind: &str) -> Option<&'static [&'static str]> {
    match kind {
        "StatefulSet"
        | "Deployment"
        | "ReplicaSet"
        | "DaemonSet"
        | "Job"
        | "ReplicationController" => Some(&["spec", "template"]),
        "CronJob" => Some(&["spec", "jobTemplate", "spec", "template"]),
        "PodTemplate" => Some(&["template"]),
        _ => None,
    }
}

/// Where `kind` keeps its PodSpec, if it has one.
fn pod_spec_path(kind: &str) -> Option<Vec<&'static str>> {
    if kind == "Pod" {
        return Some(vec!["spec"]);
    }
    pod_template_path(kind).map(|template| [template, &["spec"]].concat())
}

/// The strategy for the list at `path` (field names from the object root) of
/// an object of `kind`.
fn list_strategy(kind: &str, path: &[&str]) -> ListStrategy {
    LIST_RULES
        .iter()
        .find(|rule| rule_path(kind, rule.anchor, path).is_some_and(|rel| rule_matches(rule, &rel)))
        .map_or(ListStrategy::Replace, |rule| rule.strategy)
}

/// The strategic merge tags of the list at `path` of `kind`, as the OpenAPI
/// document states them: `("merge", Some(key))` for keyed lists,
/// `("merge", None)` for sets of scalars, `None` for atomic lists.
pub fn list_merge_rule(kind: &str, path: &[&str]) -> Option<(&'static str, Option<&'static str>)> {
    match list_strategy(kind, path) {
        ListStrategy::Replace => None,
        ListStrategy::MergeByKey(key) => Some(("merge", Some(key))),
        ListStrategy::MergePrimitives => Some(("merge", None)),
    }
}

/// `path` relative to `anchor` if `path` lies below it for this `kind`.
fn rule_path<'p>(kind: &str, anchor: Anchor, path: &[&'p str]) -> Option<Vec<&'p str>> {
    match anchor {
        Anchor::Root(kinds) => kinds.contains(&kind).then(|| path.to_vec()),
        Anchor::ObjectMeta => {
            let template = pod_template_path(kind).unwrap_or_default();
            let below_template = || path.strip_prefix(template)?.strip_prefix(&["metadata"][..]);
            let rel = path
                .strip_prefix(&["metadata"][..])
                .or_else(below_template)?;
            Some(rel.to_vec())
        }
        Anchor::PodSpec => {
            let mut rel = path.strip_prefix(pod_spec_path(kind)?.as_slice())?.to_vec();
            // All three container lists hold the same Container struct.
            if rel.len() > 1 && matches!(rel[0], "initContainers" | "ephemeralContainers") {
                rel[0] = "containers";
            }
            Some(rel)
        }
    }
}

fn rule_matches(rule: &ListRule, rel: &[&str]) -> bool {
    rule.path.split('.').eq(rel.iter().copied())
}

// ---------------------------------------------------------------------------
// Strategic merge patch: the merge
// ---------------------------------------------------------------------------

const PATCH_DIRECTIVE: &str = "$patch";
const RETAIN_KEYS_DIRECTIVE: &str = "$retainKeys";
const SET_ELEMENT_ORDER_PREFIX: &str = "$setElementOrder/";
const DELETE_FROM_PRIMITIVE_LIST_PREFIX: &str = "$deleteFromPrimitiveList/";

/// Applies a strategic merge patch to `target` as the API server does for the
/// built-in types. On error `target` is left unchanged.
pub fn strategic_merge_patch(
    kind: &str,
    target: &mut Value,
    patch: &Value,
) -> Result<(), PatchError> {
    let Value::Object(patch) = patch else {
        return Err(PatchError::InvalidPatch(
            "a strategic merge patch must be a JSON object".into(),
        ));
    };
    // Work on a copy so that an error half-way leaves the target untouched.
    let original = target.as_object().cloned().unwrap_or_default();
    let merger = StrategicMerge { kind };
    match merger.merge_map(original, patch, &[])? {
        Some(merged) => {
            *target = Value::Object(merged);
            Ok(())
        }
        None => Err(PatchError::InvalidPatch(
            "\"$patch\": \"delete\" cannot delete the whole object".into(),
        )),
    }
}

/// The value of a `$patch` directive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PatchDirective {
    Merge,
    Replace,
    Delete,
}

/// One key of a patch map, classified.
enum PatchKey<'p> {
    Field(&'p str),
    Patch,
    RetainKeys,
    SetElementOrder(&'p str),
    DeleteFromPrimitiveList(&'p str),
}

struct StrategicMerge<'k> {
    kind: &'k str,
}

impl StrategicMerge<'_> {
    /// Merges `patch` into `original` (the map at `path`). Returns None when
    /// the map is to be deleted (`$patch: delete`).
    fn merge_map<'p>(
        &self,
        mut original: Map<String, Value>,
        patch: &'p Map<String, Value>,
        path: &[&'p str],
    ) -> Result<Option<Map<String, Value>>, PatchError> {
        match patch_directive(patch, path)? {
            PatchDirective::Delete => return Ok(None),
            PatchDirective::Replace => original.clear(),
            PatchDirective::Merge => {}
        }
        // Validate every key before touching anything, so that an unknown
        // directive is reported even if it comes after real fields.
        let entries = patch
            .iter()
            .map(|(key, value)| Ok((classify_key(key, path)?, value)))
            .collect::<Result<Vec<_>, PatchError>>()?;
        for (key, value) in &entries {
            if let PatchKey::RetainKeys = key {
                apply_retain_keys(&mut original, patch, value, path)?;
            }
        }
        // Deletions first, so that a value both deleted and added ends up
        // present: the explicit addition wins.
        for (key, value) in &entries {
            if let PatchKey::DeleteFromPrimitiveList(field) = *key {
                delete_from_primitive_list(&mut original, field, value, path)?;
            }
        }
        for (key, value) in &entries {
            if let PatchKey::Field(field) = *key {
                self.merge_field(&mut original, field, value, path)?;
            }
        }
        // Ordering last: it applies to the merged list.
        for (key, value) in &entries {
            if let PatchKey::SetElementOrder(field) = *key {
                self.set_element_order(&mut original, field, value, path)?;
            }
        }
        Ok(Some(original))
    }

    /// Merges one field of a map patch into `original`.
    fn merge_field<'p>(
        &self,
        original: &mut Map<String, Value>,
        field: &'p str,
        patch: &'p Value,
        path: &[&'p str],
    ) -> Result<(), PatchError> {
        let child_path = [path, &[field]].concat();
        let merged = match original.get_mut(field) {
            // Take the live value out instead of cloning it; it is put back
            // (merged) in the same position below.
            Some(live) => self.merge_value(Some(std::mem::take(live)), patch, &child_path)?,
            None => self.merge_value(None, patch, &child_path)?,
        };
        match merged {
            Some(value) => {
                original.insert(field.to_string(), value);
            }
            None => {
                original.shift_remove(field);
            }
        }
        Ok(())
    }

    /// Merges `patch` into the value at `path`; None means "remove the field".
    /// A patch value with no live counterpart is still run through the merge
    /// (against an empty value) so that directives never leak into the result.
    fn merge_value<'p>(
        &self,
        original: Option<Value>,
        patch: &'p Value,
        path: &[&'p str],
    ) -> Result<Option<Value>, PatchError> {
        match patch {
            Value::Null => Ok(None),
            Value::Object(patch) => {
                let original = match original {
                    Some(Value::Object(map)) => map,
                    _ => Map::new(),
                };
                Ok(self.merge_map(original, patch, path)?.map(Value::Object))
            }
            Value::Array(patch) => {
                let original = match original {
                    Some(Value::Array(items)) => items,
                    _ => Vec::new(),
                };
                Ok(Some(Value::Array(self.merge_list(original, patch, path)?)))
            }
            // Keep the live spelling of an equal number (3306 for 3306.0): the
            // real server decodes into typed fields and re-encodes as such.
            scalar => match original {
                Some(live) if json_eq(&live, scalar) => Ok(Some(live)),
                _ => Ok(Some(scalar.clone())),
            },
        }
    }

    fn merge_list<'p>(
        &self,
        original: Vec<Value>,
        patch: &'p [Value],
        path: &[&'p str],
    ) -> Result<Vec<Value>, PatchError> {
        match list_strategy(self.kind, path) {
            ListStrategy::Replace => self.replace_list(patch, path),
            ListStrategy::MergePrimitives => merge_primitive_list(original, patch, path),
            ListStrategy::MergeByKey(key) => self.merge_keyed_list(original, patch, key, path),
        }
    }

    /// An atomic list: the patch's items win. `$patch` marker items are
    /// dropped (replacing is what happens anyway; there is nothing to delete).
    fn replace_list<'p>(
        &self,
        patch: &'p [Value],
        path: &[&'p str],
    ) -> Result<Vec<Value>, PatchError> {
        let mut items = Vec::with_capacity(patch.len());
        for item in patch {
            match item {
                Value::Object(map) => {
                    if item_directive(map, path)? != PatchDirective::Merge {
                        continue;
                    }
                    if let Some(clean) = self.merge_map(Map::new(), map, path)? {
                        items.push(Value::Object(clean));
                    }
                }
                other => items.push(other.clone()),
            }
        }
        Ok(items)
    }

    /// A list of maps merged by `key`: `$patch: delete` items remove the live
    /// item with the same key, a `$patch: replace` item makes the rest of the
    /// patch replace the list, other items merge into the live item with the
    /// same key or are appended in patch order.
    fn merge_keyed_list<'p>(
        &self,
        mut original: Vec<Value>,
        patch: &'p [Value],
        key: &str,
        path: &[&'p str],
    ) -> Result<Vec<Value>, PatchError> {
        let mut regular = Vec::with_capacity(patch.len());
        let mut replace = false;
        for item in patch {
            let Value::Object(map) = item else {
                return Err(strategic_error(
                    path,
                    format!("list item {item} is not an object"),
                ));
            };
            match item_directive(map, path)? {
                PatchDirective::Delete => {
                    let wanted = merge_key_of(map, key, path)?;
                    original.retain(|live| !has_merge_key(live, key, wanted));
                }
                PatchDirective::Replace => replace = true,
                PatchDirective::Merge => regular.push(map),
            }
        }
        if replace {
            original.clear();
        }
        for map in regular {
            let wanted = merge_key_of(map, key, path)?;
            // merge_map only returns None for `$patch: delete`, and those
            // items were handled above.
            match original
                .iter()
                .position(|live| has_merge_key(live, key, wanted))
            {
                Some(i) => {
                    let live = take_object(&mut original[i]);
                    if let Some(merged) = self.merge_map(live, map, path)? {
                        original[i] = Value::Object(merged);
                    }
                }
                None => {
                    if let Some(added) = self.merge_map(Map::new(), map, path)? {
                        original.push(Value::Object(added));
                    }
                }
            }
        }
        Ok(original)
    }

    /// `$setElementOrder/<field>`: items named in `order` come first, in that
    /// order; the others keep their relative order after them.
    fn set_element_order<'p>(
        &self,
        original: &mut Map<String, Value>,
        field: &'p str,
        order: &Value,
        path: &[&'p str],
    ) -> Result<(), PatchError> {
        let child_path = [path, &[field]].concat();
        let Value::Array(order) = order else {
            return Err(strategic_error(
                &child_path,
                format!("{SET_ELEMENT_ORDER_PREFIX}{field} must be a list"),
            ));
        };
        let Some(Value::Array(items)) = original.get_mut(field) else {
            return Ok(());
        };
        let key = match list_strategy(self.kind, &child_path) {
            ListStrategy::MergeByKey(key) => Some(key),
            ListStrategy::MergePrimitives => None,
            // The patch already dictates the order of an atomic list.
            ListStrategy::Replace => return Ok(()),
        };
        let mut rest = std::mem::take(items);
        let mut sorted = Vec::with_capacity(rest.len());
        for wanted in order {
            let (matching, others): (Vec<_>, Vec<_>) = rest
                .into_iter()
                .partition(|item| is_order_entry(item, wanted, key));
            sorted.extend(matching);
            rest = others;
        }
        sorted.extend(rest);
        *items = sorted;
        Ok(())
    }
}

/// Whether list `item` is the one a `$setElementOrder` entry names: by merge
/// key for lists of maps (entries look like `{"name": "x"}`), by value for
/// lists of scalars.
fn is_order_entry(item: &Value, entry: &Value, key: Option<&str>) -> bool {
    match key {
        Some(key) => entry
            .get(key)
            .is_some_and(|wanted| has_merge_key(item, key, wanted)),
        None => json_eq(item, entry),
    }
}

/// Moves a map out of `slot`, leaving null behind.
fn take_object(slot: &mut Value) -> Map<String, Value> {
    match std::mem::take(slot) {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The map-level `$patch` directive (absent means merge).
fn patch_directive(
    patch: &Map<String, Value>,
    path: &[&str],
) -> Result<PatchDirective, PatchError> {
    match patch.get(PATCH_DIRECTIVE) {
        None => Ok(PatchDirective::Merge),
        Some(Value::String(s)) if s == "merge" => Ok(PatchDirective::Merge),
        Some(Value::String(s)) if s == "replace" => Ok(PatchDirective::Replace),
        Some(Value::String(s)) if s == "delete" => Ok(PatchDirective::Delete),
        Some(other) => Err(PatchError::UnsupportedDirective {
            directive: format!("{PATCH_DIRECTIVE}: {other}"),
            path: path.join("."),
        }),
    }
}

/// The `$patch` directive of a list item. Same values as on a map, but in a
/// list they act on the list (delete an item, replace the list).
fn item_directive(item: &Map<String, Value>, path: &[&str]) -> Result<PatchDirective, PatchError> {
    patch_directive(item, path)
}

fn classify_key<'p>(key: &'p str, path: &[&str]) -> Result<PatchKey<'p>, PatchError> {
    if !key.starts_with('$') {
        return Ok(PatchKey::Field(key));
    }
    if key == PATCH_DIRECTIVE {
        return Ok(PatchKey::Patch);
    }
    if key == RETAIN_KEYS_DIRECTIVE {
        return Ok(PatchKey::RetainKeys);
    }
    let directive_field = |prefix: &str| key.strip_prefix(prefix).filter(|f| !f.is_empty());
    if let Some(field) = directive_field(SET_ELEMENT_ORDER_PREFIX) {
        return Ok(PatchKey::SetElementOrder(field));
    }
    if let Some(field) = directive_field(DELETE_FROM_PRIMITIVE_LIST_PREFIX) {
        return Ok(PatchKey::DeleteFromPrimitiveList(field));
    }
    Err(PatchError::UnsupportedDirective {
        directive: key.to_string(),
        path: path.join("."),
    })
}

/// `$retainKeys: [...]`: clears live keys not in the list before merging. As
/// in apimachinery, a patch that sets a key outside the list is rejected,
/// which makes "clear, then merge" the same as "merge, then keep only these".
fn apply_retain_keys(
    original: &mut Map<String, Value>,
    patch: &Map<String, Value>,
    retain: &Value,
    path: &[&str],
) -> Result<(), PatchError> {
    let bad_format = || {
        strategic_error(
            path,
            format!("{RETAIN_KEYS_DIRECTIVE} must be a list of strings"),
        )
    };
    let Value::Array(retain) = retain else {
        return Err(bad_format());
    };
    let retain = retain
        .iter()
        .map(|key| key.as_str().ok_or_else(bad_format))
        .collect::<Result<Vec<_>, _>>()?;
    let outside = patch.iter().find(|(key, value)| {
        !key.starts_with('$') && !value.is_null() && !retain.contains(&key.as_str())
    });
    if let Some((key, _)) = outside {
        return Err(strategic_error(
            path,
            format!("patch sets {key:?}, which is not in {RETAIN_KEYS_DIRECTIVE}"),
        ));
    }
    original.retain(|key, _| retain.contains(&key.as_str()));
    Ok(())
}

/// `$deleteFromPrimitiveList/<field>: [...]`: removes those values from the
/// live list.
fn delete_from_primitive_list(
    original: &mut Map<String, Value>,
    field: &str,
    values: &Value,
    path: &[&str],
) -> Result<(), PatchError> {
    let Value::Array(values) = values else {
        return Err(strategic_error(
            path,
            format!("{DELETE_FROM_PRIMITIVE_LIST_PREFIX}{field} must be a list"),
        ));
    };
    match original.get_mut(field) {
        Some(Value::Array(items)) => {
            items.retain(|item| !values.iter().any(|value| json_eq(item, value)));
            Ok(())
        }
        None | Some(Value::Null) => Ok(()),
        Some(_) => Err(strategic_error(
            path,
            format!("{DELETE_FROM_PRIMITIVE_LIST_PREFIX}{field}: {field:?} is not a list"),
        )),
    }
}

/// A list of scalars with strategy merge: union, live items first, each value
/// once. `{"$patch": "replace"}` makes the patch's items replace the list.
fn merge_primitive_list(
    original: Vec<Value>,
    patch: &[Value],
    path: &[&str],
) -> Result<Vec<Value>, PatchError> {
    let mut replace = false;
    let mut additions = Vec::with_capacity(patch.len());
    for item in patch {
        match item {
            Value::Object(map) if is_replace_marker(map) => replace = true,
            Value::Object(_) | Value::Array(_) => {
                return Err(strategic_error(
                    path,
                    format!("list of primitives cannot contain {item}"),
                ));
            }
            scalar => additions.push(scalar),
        }
    }
    let mut merged = if replace { Vec::new() } else { original };
    for value in additions {
        if !merged.iter().any(|live| json_eq(live, value)) {
            merged.push(value.clone());
        }
    }
    Ok(merged)
}

/// `{"$patch": "replace"}` and nothing else.
fn is_replace_marker(item: &Map<String, Value>) -> bool {
    item.len() == 1 && item.get(PATCH_DIRECTIVE).and_then(Value::as_str) == Some("replace")
}

/// The merge key value of a patch list item; apimachinery rejects items
/// without one.
fn merge_key_of<'m>(
    item: &'m Map<String, Value>,
    key: &str,
    path: &[&str],
) -> Result<&'m Value, PatchError> {
    item.get(key).ok_or_else(|| {
        strategic_error(
            path,
            format!(
                "list item {} does not contain merge key {key:?}",
                Value::Object(item.clone())
            ),
        )
    })
}

fn has_merge_key(item: &Value, key: &str, wanted: &Value) -> bool {
    item.get(key).is_some_and(|value| json_eq(value, wanted))
}

fn strategic_error(path: &[&str], reason: String) -> PatchError {
    PatchError::Strategic {
        path: path.join("."),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A StatefulSet with a two-container pod template, as the store holds it.
    fn statefulset() -> Value {
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

    fn strategic(kind: &str, target: &Value, patch: Value) -> Value {
        apply(kind, target, PatchType::Strategic, &patch).expect("strategic patch applies")
    }

    fn strategic_err(kind: &str, target: &Value, patch: Value) -> PatchError {
        apply(kind, target, PatchType::Strategic, &patch).expect_err("strategic patch must fail")
    }

    fn container<'v>(object: &'v Value, name: &str) -> &'v Value {
        object["spec"]["template"]["spec"]["containers"]
            .as_array()
            .and_then(|cs| cs.iter().find(|c| c["name"] == name))
            .unwrap_or_else(|| panic!("no container {name}"))
    }

    fn names(list: &Value, key: &str) -> Vec<String> {
        list.as_array()
            .expect("a list")
            .iter()
            .map(|item| item[key].as_str().expect("string key").to_string())
            .collect()
    }

    /// Asserts that no key starting with `$` survived anywhere in `value`.
    fn assert_no_directives(value: &Value) {
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

    // --- content type -------------------------------------------------------

    #[test]
    fn content_type_selects_patch_type() {
        let cases = [
            ("application/merge-patch+json", Some(PatchType::Merge)),
            (
                "application/strategic-merge-patch+json",
                Some(PatchType::Strategic),
            ),
            ("application/json-patch+json", Some(PatchType::Json)),
            (
                "application/json-patch+json; charset=utf-8",
                Some(PatchType::Json),
            ),
            (
                "Application/Merge-Patch+JSON;charset=UTF-8",
                Some(PatchType::Merge),
            ),
            (
                " application/strategic-merge-patch+json ",
                Some(PatchType::Strategic),
            ),
            ("application/apply-patch+yaml", None),
            ("application/apply-patch+yaml; charset=utf-8", None),
            ("application/json", None),
            ("text/plain", None),
            ("", None),
            (";", None),
        ];
        for (ct, want) in cases {
            assert_eq!(
                PatchType::from_content_type(ct),
                want,
                "content type {ct:?}"
            );
        }
    }

    // --- kubectl patches ----------------------------------------------------

    #[test]
    fn rollout_restart_adds_annotation_and_keeps_the_others() {
        let sts = statefulset();
        let patch = json!({"spec":{"template":{"metadata":{"annotations":{
            "kubectl.kubernetes.io/restartedAt":"2026-11-22T10:00:00Z"}}}}});
        for patch_type in [PatchType::Strategic, PatchType::Merge] {
            let out = apply("StatefulSet", &sts, patch_type, &patch).unwrap();
            let mut want = sts.clone();
            want["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"] =
                json!("2026-11-22T10:00:00Z");
            assert_eq!(out, want, "{patch_type:?}");
        }
    }

    #[test]
    fn set_image_changes_only_the_named_container() {
        let sts = statefulset();
        let out = strategic(
            "StatefulSet",
            &sts,
            json!({"spec":{"template":{"spec":{"containers":[{"name":"mysql","image":"mysql:8.4"}]}}}}),
        );
        let mut want = sts.clone();
        want["spec"]["template"]["spec"]["containers"][0]["image"] = json!("mysql:8.4");
        assert_eq!(out, want);
        assert_eq!(container(&out, "exporter"), container(&sts, "exporter"));
    }

    #[test]
    fn set_image_is_atomic_under_merge_patch() {
        // The same body as a JSON merge patch replaces the whole list, which is
        // why kubectl uses strategic merge for built-in types.
        let out = apply(
            "StatefulSet",
            &statefulset(),
            PatchType::Merge,
            &json!({"spec":{"template":{"spec":{"containers":[{"name":"mysql","image":"mysql:8.4"}]}}}}),
        )
        .unwrap();
        assert_eq!(
            out["spec"]["template"]["spec"]["containers"],
            json!([{"name":"mysql","image":"mysql:8.4"}])
        );
    }

    #[test]
    fn scale_subresource_merge_patch() {
        let scale = json!({
            "apiVersion": "autoscaling/v1", "kind": "Scale",
            "metadata": {"name": "db", "namespace": "default"},
            "spec": {"replicas": 3},
            "status": {"replicas": 3, "selector": "app=db"}
        });
        for patch_type in [PatchType::Merge, PatchType::Strategic] {
            let out = apply("Scale", &scale, patch_type, &json!({"spec":{"replicas":5}})).unwrap();
            let mut want = scale.clone();
            want["spec"]["replicas"] = json!(5);
            assert_eq!(out, want, "{patch_type:?}");
        }
    }

    // --- strategic merge: lists ---------------------------------------------

    #[test]
    fn new_container_is_appended_and_existing_ones_keep_their_place() {
        let out = strategic(
            "StatefulSet",
            &statefulset(),
            json!({"spec":{"template":{"spec":{"containers":[
                {"name":"backup","image":"backup:1"},
                {"name":"exporter","args":["--x"]}
            ]}}}}),
        );
        let containers = &out["spec"]["template"]["spec"]["containers"];
        assert_eq!(names(containers, "name"), ["mysql", "exporter", "backup"]);
        assert_eq!(container(&out, "exporter")["args"], json!(["--x"]));
        assert_eq!(container(&out, "exporter")["image"], "mysqld-exporter:0.15");
    }

    #[test]
    fn env_merges_by_name_inside_a_container() {
        let out = strategic(
            "StatefulSet",
            &statefulset(),
            json!({"spec":{"template":{"spec":{"containers":[{"name":"mysql","env":[
                {"name":"MYSQL_USER","value":"admin"},
                {"name":"TZ","value":"UTC"}
            ]}]}}}}),
        );
        assert_eq!(
            container(&out, "mysql")["env"],
            json!([
                {"name":"MYSQL_DATABASE","value":"app"},
                {"name":"MYSQL_USER","value":"admin"},
                {"name":"TZ","value":"UTC"}
            ])
        );
    }

    #[test]
    fn ports_merge_by_container_port_comparing_numbers_by_value() {
        let out = strategic(
            "StatefulSet",
            &statefulset(),
            json!({"spec":{"template":{"spec":{"containers":[{"name":"mysql","ports":[
                {"containerPort":3306.0,"protocol":"TCP"},
                {"containerPort":33060,"name":"mysqlx"}
            ]}]}}}}),
        );
        assert_eq!(
            container(&out, "mysql")["ports"],
            json!([
                {"containerPort":3306,"name":"mysql","protocol":"TCP"},
                {"containerPort":33060,"name":"mysqlx"}
            ])
        );
    }

    #[test]
    fn volume_mounts_merge_by_mount_path() {
        let out = strategic(
            "StatefulSet",
            &statefulset(),
            json!({"spec":{"template":{"spec":{"containers":[{"name":"mysql","volumeMounts":[
                {"mountPath":"/var/lib/mysql","readOnly":true},
                {"mountPath":"/etc/mysql/conf.d","name":"config"}
            ]}]}}}}),
        );
        assert_eq!(
            container(&out, "mysql")["volumeMounts"],
            json!([
                {"name":"data","mountPath":"/var/lib/mysql","readOnly":true},
                {"mountPath":"/etc/mysql/conf.d","name":"config"}
            ])
        );
    }

    #[test]
    fn init_container_fields_use_the_container_rules() {
        let out = strategic(
            "StatefulSet",
            &statefulset(),
            json!({"spec":{"template":{"spec":{"initContainers":[{"name":"init","env":[{"name":"B","value":"2"}]}]}}}}),
        );
        assert_eq!(
            out["spec"]["template"]["spec"]["initContainers"],
            json!([{"name":"init","image":"busybox","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]}])
        );
    }

    #[test]
    fn atomic_lists_are_replaced() {
        let out = strategic(
            "StatefulSet",
            &statefulset(),
            json!({"spec":{
                "template":{"spec":{
                    "tolerations":[{"key":"gpu","operator":"Exists"}],
                    "containers":[{"name":"mysql","envFrom":[{"configMapRef":{"name":"x"}}]}]
                }},
                "volumeClaimTemplates":[{"metadata":{"name":"logs"}}]
            }}),
        );
        let pod_spec = &out["spec"]["template"]["spec"];
        assert_eq!(
            pod_spec["tolerations"],
            json!([{"key":"gpu","operator":"Exists"}])
        );
        assert_eq!(
            container(&out, "mysql")["envFrom"],
            json!([{"configMapRef":{"name":"x"}}])
        );
        assert_eq!(
            out["spec"]["volumeClaimTemplates"],
            json!([{"metadata":{"name":"logs"}}])
        );
    }

    #[test]
    fn lists_not_in_the_table_are_replaced_and_unknown_maps_merge() {
        let target = json!({"spec":{"items":[1,2,3],"settings":{"a":1,"b":2}}});
        let out = strategic(
            "Widget",
            &target,
            json!({"spec":{"items":[4],"settings":{"b":3}}}),
        );
        assert_eq!(out, json!({"spec":{"items":[4],"settings":{"a":1,"b":3}}}));
    }

    #[test]
    fn kind_decides_where_the_pod_spec_lives() {
        let pod = json!({"kind":"Pod","spec":{"containers":[{"name":"a","image":"a:1"},{"name":"b","image":"b:1"}]}});
        let patch = json!({"spec":{"containers":[{"name":"b","image":"b:2"}]}});
        let merged = strategic("Pod", &pod, patch.clone());
        assert_eq!(names(&merged["spec"]["containers"], "name"), ["a", "b"]);
        assert_eq!(merged["spec"]["containers"][1]["image"], "b:2");
        // A StatefulSet has no `spec.containers`: unknown, hence atomic.
        let replaced = strategic("StatefulSet", &pod, patch);
        assert_eq!(
            replaced["spec"]["containers"],
            json!([{"name":"b","image":"b:2"}])
        );
    }

    #[test]
    fn pod_spec_lists_merge_by_their_keys() {
        let pod = json!({"spec":{
            "volumes":[{"name":"data","emptyDir":{}}],
            "imagePullSecrets":[{"name":"reg"}],
            "hostAliases":[{"ip":"10.0.0.1","hostnames":["a"]}],
            "topologySpreadConstraints":[{"topologyKey":"zone","maxSkew":1}]
        }});
        let out = strategic(
            "Pod",
            &pod,
            json!({"spec":{
                "volumes":[{"name":"config","configMap":{"name":"c"}}],
                "imagePullSecrets":[{"name":"reg2"}],
                "hostAliases":[{"ip":"10.0.0.1","hostnames":["b"]}],
                "topologySpreadConstraints":[{"topologyKey":"zone","maxSkew":2}]
            }}),
        );
        assert_eq!(names(&out["spec"]["volumes"], "name"), ["data", "config"]);
        assert_eq!(
            names(&out["spec"]["imagePullSecrets"], "name"),
            ["reg", "reg2"]
        );
        // hostnames is atomic inside the merged host alias.
        assert_eq!(
            out["spec"]["hostAliases"],
            json!([{"ip":"10.0.0.1","hostnames":["b"]}])
        );
        assert_eq!(
            out["spec"]["topologySpreadConstraints"],
            json!([{"topologyKey":"zone","maxSkew":2}])
        );
    }

    #[test]
    fn metadata_lists() {
        let out = strategic(
            "StatefulSet",
            &statefulset(),
            json!({"metadata":{
                "finalizers":["b.example.com/two","c.example.com/three"],
                "ownerReferences":[{"uid":"u-1","controller":false},{"uid":"u-2","kind":"App","name":"other"}]
            }}),
        );
        assert_eq!(
            out["metadata"]["finalizers"],
            json!([
                "a.example.com/one",
                "b.example.com/two",
                "c.example.com/three"
            ])
        );
        assert_eq!(
            out["metadata"]["ownerReferences"],
            json!([
                {"uid":"u-1","kind":"App","name":"app","controller":false},
                {"uid":"u-2","kind":"App","name":"other"}
            ])
        );
    }

    #[test]
    fn pod_template_metadata_uses_object_meta_rules() {
        let target = json!({"spec":{"template":{"metadata":{"finalizers":["x"]}}}});
        let out = strategic(
            "StatefulSet",
            &target,
            json!({"spec":{"template":{"metadata":{"finalizers":["y"]}}}}),
        );
        assert_eq!(
            out["spec"]["template"]["metadata"]["finalizers"],
            json!(["x", "y"])
        );
    }

    #[test]
    fn status_conditions_merge_by_type() {
        for kind in ["Pod", "PersistentVolumeClaim", "StatefulSet", "Node"] {
            let target = json!({"status":{"conditions":[
                {"type":"Ready","status":"False","reason":"Starting"},
                {"type":"Other","status":"True"}
            ]}});
            let out = strategic(
                kind,
                &target,
                json!({"status":{"conditions":[{"type":"Ready","status":"True","reason":null},{"type":"New","status":"True"}]}}),
            );
            assert_eq!(
                out["status"]["conditions"],
                json!([
                    {"type":"Ready","status":"True"},
                    {"type":"Other","status":"True"},
                    {"type":"New","status":"True"}
                ]),
                "{kind}"
            );
        }
        // Scale has no conditions rule: the list is replaced.
        let out = strategic(
            "Scale",
            &json!({"status":{"conditions":[{"type":"A"}]}}),
            json!({"status":{"conditions":[{"type":"B"}]}}),
        );
        assert_eq!(out["status"]["conditions"], json!([{"type":"B"}]));
    }

    #[test]
    fn pod_container_statuses_are_replaced() {
        let pod = json!({"status":{"containerStatuses":[{"name":"a","ready":true},{"name":"b","ready":true}]}});
        let out = strategic(
            "Pod",
            &pod,
            json!({"status":{"containerStatuses":[{"name":"a","ready":false}]}}),
        );
        assert_eq!(
            out["status"]["containerStatuses"],
            json!([{"name":"a","ready":false}])
        );
    }

    #[test]
    fn node_taints_and_addresses() {
        let node = json!({
            "spec":{"taints":[{"key":"a","effect":"NoSchedule"},{"key":"b","effect":"NoSchedule"}]},
            "status":{"addresses":[{"type":"InternalIP","address":"10.0.0.1"},{"type":"Hostname","address":"n1"}]}
        });
        let out = strategic(
            "Node",
            &node,
            json!({
                "spec":{"taints":[{"key":"b","$patch":"delete"},{"key":"c","effect":"NoExecute"}]},
                "status":{"addresses":[{"type":"InternalIP","address":"10.0.0.2"}]}
            }),
        );
        assert_eq!(
            out["spec"]["taints"],
            json!([{"key":"a","effect":"NoSchedule"},{"key":"c","effect":"NoExecute"}])
        );
        assert_eq!(
            out["status"]["addresses"],
            json!([{"type":"InternalIP","address":"10.0.0.2"},{"type":"Hostname","address":"n1"}])
        );
    }

    // --- strategic merge: directives ----------------------------------------

    #[test]
    fn patch_delete_removes_an_env_var() {
        let out = strategic(
            "StatefulSet",
            &statefulset(),
            json!({"spec":{"template":{"spec":{"containers":[{"name":"mysql","env":[
                {"name":"MYSQL_USER","$patch":"delete"}
            ]}]}}}}),
        );
        assert_eq!(
            container(&out, "mysql")["env"],
            json!([{"name":"MYSQL_DATABASE","value":"app"}])
        );
        assert_no_directives(&out);
    }

    #[test]
    fn patch_delete_of_a_missing_item_is_a_no_op() {
        let sts = statefulset();
        let out = strategic(
            "StatefulSet",
            &sts,
            json!({"spec":{"template":{"spec":{"containers":[{"name":"nope","$patch":"delete"}]}}}}),
        );
        assert_eq!(out, sts);
    }

    #[test]
    fn patch_replace_in_a_list_item_replaces_the_list() {
        let out = strategic(
            "StatefulSet",
            &statefulset(),
            json!({"spec":{"template":{"spec":{"containers":[
                {"$patch":"replace"},
                {"name":"only","image":"only:1"}
            ]}}}}),
        );
        assert_eq!(
            out["spec"]["template"]["spec"]["containers"],
            json!([{"name":"only","image":"only:1"}])
        );
    }

    #[test]
    fn patch_replace_on_a_map_replaces_the_map() {
        let out = strategic(
            "StatefulSet",
            &statefulset(),
            json!({"spec":{"template":{"metadata":{"annotations":{"$patch":"replace","only":"this"}}}}}),
        );
        assert_eq!(
            out["spec"]["template"]["metadata"]["annotations"],
            json!({"only":"this"})
        );
        assert_eq!(
            out["spec"]["template"]["metadata"]["labels"],
            json!({"app":"db"})
        );
    }

    #[test]
    fn patch_delete_on_a_map_deletes_it() {
        let out = strategic(
            "StatefulSet",
            &statefulset(),
            json!({"spec":{"updateStrategy":{"$patch":"delete"}}}),
        );
        assert!(out["spec"].get("updateStrategy").is_none());
        assert_eq!(out["spec"]["replicas"], 3);
        // The whole object cannot be deleted through a patch.
        let err = strategic_err("StatefulSet", &statefulset(), json!({"$patch":"delete"}));
        assert!(matches!(err, PatchError::InvalidPatch(_)), "{err}");
    }

    #[test]
    fn patch_merge_is_the_default() {
        let sts = statefulset();
        let explicit = strategic(
            "StatefulSet",
            &sts,
            json!({"spec":{"$patch":"merge","template":{"spec":{"containers":[{"$patch":"merge","name":"mysql","image":"m:2"}]}}}}),
        );
        let implicit = strategic(
            "StatefulSet",
            &sts,
            json!({"spec":{"template":{"spec":{"containers":[{"name":"mysql","image":"m:2"}]}}}}),
        );
        assert_eq!(explicit, implicit);
        assert_no_directives(&explicit);
    }

    #[test]
    fn set_element_order_reorders_the_merged_list() {
        let out = strategic(
            "StatefulSet",
            &statefulset(),
            json!({"spec":{"template":{"spec":{
                "$setElementOrder/containers":[{"name":"exporter"},{"name":"new"}],
                "containers":[{"name":"new","image":"new:1"}]
            }}}}),
        );
        // Listed items first in the given order, then the rest (mysql).
        assert_eq!(
            names(&out["spec"]["template"]["spec"]["containers"], "name"),
            ["exporter", "new", "mysql"]
        );
        assert_no_directives(&out);
    }

    #[test]
    fn set_element_order_on_a_primitive_list() {
        let out = strategic(
            "StatefulSet",
            &statefulset(),
            json!({"metadata":{"$setElementOrder/finalizers":["b.example.com/two","a.example.com/one"]}}),
        );
        assert_eq!(
            out["metadata"]["finalizers"],
            json!(["b.example.com/two", "a.example.com/one"])
        );
    }

    #[test]
    fn retain_keys_drops_unlisted_keys() {
        let out = strategic(
            "StatefulSet",
            &statefulset(),
            json!({"spec":{"updateStrategy":{"$retainKeys":["type"],"type":"OnDelete"}}}),
        );
        assert_eq!(out["spec"]["updateStrategy"], json!({"type":"OnDelete"}));
        assert_no_directives(&out);
    }

    #[test]
    fn retain_keys_rejects_patch_keys_outside_the_list() {
        let err = strategic_err(
            "StatefulSet",
            &statefulset(),
            json!({"spec":{"updateStrategy":{"$retainKeys":["type"],"rollingUpdate":{"partition":1}}}}),
        );
        assert!(
            matches!(err, PatchError::Strategic { ref path, .. } if path == "spec.updateStrategy"),
            "{err}"
        );
    }

    #[test]
    fn delete_from_primitive_list() {
        let out = strategic(
            "StatefulSet",
            &statefulset(),
            json!({"metadata":{"$deleteFromPrimitiveList/finalizers":["a.example.com/one"],"finalizers":["z"]}}),
        );
        assert_eq!(
            out["metadata"]["finalizers"],
            json!(["b.example.com/two", "z"])
        );
        assert_no_directives(&out);
    }

    #[test]
    fn null_deletes_keys_and_unmatched_nulls_are_dropped() {
        let out = strategic(
            "StatefulSet",
            &statefulset(),
            json!({"spec":{"template":{"metadata":{"annotations":{"team":null,"absent":null}}},"serviceName":null}}),
        );
        assert_eq!(
            out["spec"]["template"]["metadata"]["annotations"],
            json!({"prometheus.io/scrape":"true"})
        );
        assert!(out["spec"].get("serviceName").is_none());
    }

    #[test]
    fn directives_in_new_fields_never_reach_the_result() {
        let out = strategic(
            "StatefulSet",
            &json!({"spec":{}}),
            json!({"spec":{
                "template":{"spec":{"containers":[
                    {"name":"a","env":[{"name":"X","$patch":"delete"},{"name":"Y","value":"1"}]},
                    {"name":"gone","$patch":"delete"}
                ]}},
                "minReadySeconds":null,
                "extra":{"$patch":"replace","k":"v"},
                "updateStrategy":{"$retainKeys":["type"],"type":"OnDelete"},
                "tolerations-like":[{"$patch":"replace"},{"k":{"$patch":"merge","v":1}}]
            }}),
        );
        assert_no_directives(&out);
        assert_eq!(
            out,
            json!({"spec":{
                "template":{"spec":{"containers":[{"name":"a","env":[{"name":"Y","value":"1"}]}]}},
                "extra":{"k":"v"},
                "updateStrategy":{"type":"OnDelete"},
                "tolerations-like":[{"k":{"v":1}}]
            }})
        );
    }

    #[test]
    fn strategic_errors() {
        let sts = statefulset();
        let cases = [
            // unknown directive key
            json!({"spec":{"$frobnicate":true}}),
            // unknown $patch value
            json!({"spec":{"$patch":"explode"}}),
            json!({"spec":{"$patch":1}}),
            json!({"spec":{"template":{"spec":{"containers":[{"name":"mysql","$patch":"upsert"}]}}}}),
            // merge list items need their merge key, and must be maps
            json!({"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}),
            json!({"spec":{"template":{"spec":{"containers":[{"$patch":"delete"}]}}}}),
            json!({"spec":{"template":{"spec":{"containers":["mysql"]}}}}),
            // primitive merge lists hold scalars
            json!({"metadata":{"finalizers":[{"a":1}]}}),
            // directive values of the wrong shape
            json!({"metadata":{"$deleteFromPrimitiveList/finalizers":"a"}}),
            json!({"metadata":{"$setElementOrder/finalizers":{}}}),
            json!({"spec":{"updateStrategy":{"$retainKeys":"type"}}}),
            json!({"spec":{"updateStrategy":{"$retainKeys":[1]}}}),
            json!({"metadata":{"$deleteFromPrimitiveList/name":["db"]}}),
        ];
        for patch in cases {
            let result = apply("StatefulSet", &sts, PatchType::Strategic, &patch);
            assert!(
                result.is_err(),
                "expected an error for {patch}, got {result:?}"
            );
        }
        let err = strategic_err("StatefulSet", &sts, json!({"spec":{"$frobnicate":true}}));
        assert_eq!(
            err,
            PatchError::UnsupportedDirective {
                directive: "$frobnicate".into(),
                path: "spec".into()
            }
        );
    }

    #[test]
    fn strategic_error_leaves_target_unchanged() {
        let mut sts = statefulset();
        // The first field merges fine; the second fails afterwards.
        let patch =
            json!({"spec":{"replicas":9,"template":{"spec":{"containers":[{"image":"x"}]}}}});
        assert!(strategic_merge_patch("StatefulSet", &mut sts, &patch).is_err());
        assert_eq!(sts, statefulset());
    }

    // --- JSON merge patch (RFC 7386) ----------------------------------------

    #[test]
    fn merge_patch_rfc7386_examples() {
        // RFC 7386 Appendix A.
        let cases = [
            (json!({"a":"b"}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"b"}), json!({"b":"c"}), json!({"a":"b","b":"c"})),
            (json!({"a":"b"}), json!({"a":null}), json!({})),
            (
                json!({"a":"b","b":"c"}),
                json!({"a":null}),
                json!({"b":"c"}),
            ),
            (json!({"a":["b"]}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"c"}), json!({"a":["b"]}), json!({"a":["b"]})),
            (
                json!({"a":{"b":"c"}}),
                json!({"a":{"b":"d","c":null}}),
                json!({"a":{"b":"d"}}),
            ),
            (json!({"a":[{"b":"c"}]}), json!({"a":[1]}), json!({"a":[1]})),
            (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
            (json!({"a":"b"}), json!(["c"]), json!(["c"])),
            (json!({"a":"foo"}), json!(null), json!(null)),
            (json!({"a":"foo"}), json!("bar"), json!("bar")),
            (json!({"e":null}), json!({"a":1}), json!({"e":null,"a":1})),
            (json!([1, 2]), json!({"a":"b","c":null}), json!({"a":"b"})),
            (
                json!({}),
                json!({"a":{"bb":{"ccc":null}}}),
                json!({"a":{"bb":{}}}),
            ),
        ];
        for (target, patch, want) in cases {
            let mut doc = target.clone();
            json_merge_patch(&mut doc, &patch);
            assert_eq!(doc, want, "{target} + {patch}");
        }
    }

    #[test]
    fn merge_patch_null_delete_keeps_key_order() {
        let mut doc = json!({"a":1,"b":2,"c":3,"d":4});
        json_merge_patch(&mut doc, &json!({"b":null}));
        let keys: Vec<_> = doc.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["a", "c", "d"]);
    }

    #[test]
    fn merge_patch_ignores_list_merge_keys() {
        let out = apply(
            "StatefulSet",
            &statefulset(),
            PatchType::Merge,
            &json!({"metadata":{"finalizers":["z"]},"status":{"conditions":null}}),
        )
        .unwrap();
        assert_eq!(out["metadata"]["finalizers"], json!(["z"]));
        assert!(out["status"].get("conditions").is_none());
    }

    // --- JSON patch (RFC 6902) ----------------------------------------------

    fn json_patched(target: &Value, ops: Value) -> Result<Value, PatchError> {
        let mut doc = target.clone();
        json_patch(&mut doc, &ops).map(|()| doc)
    }

    #[test]
    fn json_patch_add() {
        let doc = json!({"a":{"b":[1,2]}});
        let cases = [
            (
                json!([{"op":"add","path":"/a/c","value":3}]),
                json!({"a":{"b":[1,2],"c":3}}),
            ),
            (
                json!([{"op":"add","path":"/a/b","value":"x"}]),
                json!({"a":{"b":"x"}}),
            ),
            (
                json!([{"op":"add","path":"/a/b/0","value":0}]),
                json!({"a":{"b":[0,1,2]}}),
            ),
            (
                json!([{"op":"add","path":"/a/b/2","value":3}]),
                json!({"a":{"b":[1,2,3]}}),
            ),
            (
                json!([{"op":"add","path":"/a/b/-","value":3}]),
                json!({"a":{"b":[1,2,3]}}),
            ),
            (
                json!([{"op":"add","path":"/n","value":null}]),
                json!({"a":{"b":[1,2]},"n":null}),
            ),
            (
                json!([{"op":"add","path":"","value":{"x":1}}]),
                json!({"x":1}),
            ),
            (
                json!([{"op":"add","path":"/","value":1}]),
                json!({"a":{"b":[1,2]},"":1}),
            ),
        ];
        for (ops, want) in cases {
            assert_eq!(json_patched(&doc, ops.clone()).unwrap(), want, "{ops}");
        }
    }

    #[test]
    fn json_patch_remove_replace_move_copy_test() {
        let doc = json!({"a":{"b":[1,2,3],"c":"x"},"d":4});
        let cases = [
            (
                json!([{"op":"remove","path":"/a/c"}]),
                json!({"a":{"b":[1,2,3]},"d":4}),
            ),
            (
                json!([{"op":"remove","path":"/a/b/1"}]),
                json!({"a":{"b":[1,3],"c":"x"},"d":4}),
            ),
            (
                json!([{"op":"replace","path":"/d","value":[5]}]),
                json!({"a":{"b":[1,2,3],"c":"x"},"d":[5]}),
            ),
            (
                json!([{"op":"replace","path":"/a/b/2","value":9}]),
                json!({"a":{"b":[1,2,9],"c":"x"},"d":4}),
            ),
            (json!([{"op":"replace","path":"","value":{}}]), json!({})),
            (
                json!([{"op":"move","from":"/a/c","path":"/e"}]),
                json!({"a":{"b":[1,2,3]},"d":4,"e":"x"}),
            ),
            (
                json!([{"op":"move","from":"/a/b/0","path":"/a/b/-"}]),
                json!({"a":{"b":[2,3,1],"c":"x"},"d":4}),
            ),
            (json!([{"op":"move","from":"/a","path":"/a"}]), doc.clone()),
            (
                json!([{"op":"copy","from":"/a/b","path":"/f"}]),
                json!({"a":{"b":[1,2,3],"c":"x"},"d":4,"f":[1,2,3]}),
            ),
            (
                json!([{"op":"test","path":"/a","value":{"c":"x","b":[1,2,3]}}]),
                doc.clone(),
            ),
            (json!([{"op":"test","path":"/d","value":4.0}]), doc.clone()),
            (
                json!([{"op":"test","path":"","value":doc.clone()}]),
                doc.clone(),
            ),
        ];
        for (ops, want) in cases {
            assert_eq!(json_patched(&doc, ops.clone()).unwrap(), want, "{ops}");
        }
    }

    #[test]
    fn json_patch_pointer_escaping() {
        let doc =
            json!({"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"old","a~b":1}}});
        let out = json_patched(
            &doc,
            json!([
                {"op":"replace","path":"/metadata/annotations/kubectl.kubernetes.io~1restartedAt","value":"new"},
                {"op":"remove","path":"/metadata/annotations/a~0b"},
                {"op":"add","path":"/metadata/annotations/~01","value":"tilde-one"}
            ]),
        )
        .unwrap();
        assert_eq!(
            out,
            json!({"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"new","~1":"tilde-one"}}})
        );
    }

    #[test]
    fn json_patch_operations_apply_in_sequence() {
        let out = json_patched(
            &json!({"spec":{"replicas":1}}),
            json!([
                {"op":"test","path":"/spec/replicas","value":1},
                {"op":"replace","path":"/spec/replicas","value":2},
                {"op":"test","path":"/spec/replicas","value":2},
                {"op":"add","path":"/spec/list","value":[]},
                {"op":"add","path":"/spec/list/-","value":"a"},
                {"op":"add","path":"/spec/list/0","value":"b"}
            ]),
        )
        .unwrap();
        assert_eq!(out, json!({"spec":{"replicas":2,"list":["b","a"]}}));
    }

    #[test]
    fn json_patch_failures_leave_the_target_unchanged() {
        let original = json!({"a":{"b":[1,2]},"s":"str"});
        let failing = [
            json!({"op":"remove","path":"/missing"}),
            json!({"op":"remove","path":"/a/b/2"}),
            json!({"op":"remove","path":""}),
            json!({"op":"replace","path":"/missing","value":1}),
            json!({"op":"add","path":"/missing/child","value":1}),
            json!({"op":"add","path":"/a/b/3","value":1}),
            json!({"op":"add","path":"/a/b/01","value":1}),
            json!({"op":"add","path":"/a/b/x","value":1}),
            json!({"op":"add","path":"/s/x","value":1}),
            json!({"op":"replace","path":"/a/b/-","value":1}),
            json!({"op":"move","from":"/missing","path":"/x"}),
            json!({"op":"move","from":"/a","path":"/a/b/c"}),
            json!({"op":"copy","from":"/missing","path":"/x"}),
            json!({"op":"test","path":"/a/b","value":[2,1]}),
            json!({"op":"test","path":"/missing","value":null}),
        ];
        for op in failing {
            let mut doc = original.clone();
            // A successful op first, to prove it is rolled back too.
            let ops = json!([{"op":"add","path":"/new","value":true}, op]);
            let err = json_patch(&mut doc, &ops).expect_err(&format!("{op} must fail"));
            assert!(
                matches!(
                    err,
                    PatchError::OpFailed { index: 1, .. } | PatchError::TestFailed { index: 1, .. }
                ),
                "{op}: {err:?}"
            );
            assert_eq!(doc, original, "{op} changed the target");
        }
    }

    #[test]
    fn json_patch_failed_test_reports_the_path() {
        let mut doc = json!({"spec":{"replicas":3}});
        let err = json_patch(
            &mut doc,
            &json!([{"op":"test","path":"/spec/replicas","value":4}]),
        )
        .unwrap_err();
        assert_eq!(
            err,
            PatchError::TestFailed {
                index: 0,
                path: "/spec/replicas".into(),
                reason: "value differs".into()
            }
        );
        assert!(err.to_string().contains("/spec/replicas"));
    }

    #[test]
    fn json_patch_rejects_malformed_documents() {
        let doc = json!({"a":1});
        let malformed = [
            json!({"op":"add","path":"/b","value":1}),
            json!("add"),
            json!(42),
            json!(null),
            json!([1]),
            json!([[]]),
            json!([{"path":"/a"}]),
            json!([{"op":"add","value":1}]),
            json!([{"op":"add","path":"/b"}]),
            json!([{"op":"replace","path":"/a"}]),
            json!([{"op":"test","path":"/a"}]),
            json!([{"op":"move","path":"/b"}]),
            json!([{"op":"copy","path":"/b","from":5}]),
            json!([{"op":"frobnicate","path":"/a"}]),
            json!([{"op":1,"path":"/a"}]),
            json!([{"op":"remove","path":"a"}]),
            json!([{"op":"remove","path":"/a~2"}]),
            json!([{"op":"remove","path":"/a~"}]),
        ];
        for ops in malformed {
            let mut target = doc.clone();
            let err = json_patch(&mut target, &ops).expect_err(&format!("{ops} must be rejected"));
            assert!(matches!(err, PatchError::InvalidPatch(_)), "{ops}: {err:?}");
            assert_eq!(target, doc);
        }
    }

    #[test]
    fn empty_json_patch_is_a_no_op() {
        let sts = statefulset();
        assert_eq!(
            apply("StatefulSet", &sts, PatchType::Json, &json!([])).unwrap(),
            sts
        );
    }

    // --- apply: garbage in, errors out --------------------------------------

    #[test]
    fn apply_rejects_non_object_merge_and_strategic_patches() {
        let sts = statefulset();
        for patch in [
            json!("x"),
            json!(5),
            json!([{"a":1}]),
            json!(null),
            json!(true),
        ] {
            for patch_type in [PatchType::Merge, PatchType::Strategic] {
                let err = apply("StatefulSet", &sts, patch_type, &patch).expect_err("must fail");
                assert!(
                    matches!(err, PatchError::InvalidPatch(_)),
                    "{patch_type:?} {patch}: {err}"
                );
            }
        }
    }

    #[test]
    fn apply_rejects_json_patches_that_leave_no_object() {
        let err = apply(
            "StatefulSet",
            &statefulset(),
            PatchType::Json,
            &json!([{"op":"replace","path":"","value":"gone"}]),
        )
        .unwrap_err();
        assert!(matches!(err, PatchError::InvalidPatch(_)), "{err}");
    }

    #[test]
    fn apply_never_panics_on_odd_patches() {
        // Values that are awkward in any position: directives with the wrong
        // shapes, nesting of lists, mixed element types.
        let fragments = [
            json!(null),
            json!(1.5),
            json!("s"),
            json!([]),
            json!({}),
            json!([null, 1, "x", [], {}]),
            json!([[1], [2]]),
            json!({"$patch":"replace"}),
            json!({"$patch":"delete"}),
            json!({"$patch":null}),
            json!([{"$patch":"replace"}, {"$patch":"delete"}]),
            json!([{"name":"mysql","$patch":"delete"}, {"name":"mysql"}]),
            json!([{"name":null}, {"name":{"x":1}}, {"name":[1]}]),
            json!({"$retainKeys":[]}),
            json!({"$setElementOrder/containers":[1, {"name":"x"}, null]}),
            json!({"$deleteFromPrimitiveList/containers":[{"name":"mysql"}]}),
            json!({"$setElementOrder/":[]}),
            json!({"$":1}),
        ];
        let fields = [
            "spec",
            "metadata",
            "finalizers",
            "containers",
            "env",
            "ports",
            "template",
            "tolerations",
            "conditions",
        ];
        let sts = statefulset();
        let mut patches = Vec::new();
        for fragment in &fragments {
            patches.push(fragment.clone());
            patches.push(json!({"metadata": {"finalizers": fragment}}));
            patches.push(json!({"status": {"conditions": fragment}}));
            patches.push(json!({"spec": {"template": {"spec": {"containers": fragment}}}}));
            patches.push(
                json!({"spec": {"template": {"spec": {"containers": [{"name": "mysql", "env": fragment, "ports": fragment}]}}}}),
            );
            for field in fields {
                patches.push(json!({ field: fragment }));
                patches.push(json!({"spec": { field: fragment }}));
            }
            patches.push(json!([{"op":"add","path":"/spec/x","value":fragment}]));
            patches.push(json!([fragment]));
        }
        for kind in ["StatefulSet", "Pod", "Node", "Scale", ""] {
            for patch in &patches {
                for patch_type in [PatchType::Merge, PatchType::Strategic, PatchType::Json] {
                    if let Ok(out) = apply(kind, &sts, patch_type, patch) {
                        assert!(out.is_object());
                        if patch_type == PatchType::Strategic {
                            assert_no_directives(&out);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn error_messages_name_the_problem() {
        let err = strategic_err(
            "StatefulSet",
            &statefulset(),
            json!({"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}),
        );
        let message = err.to_string();
        assert!(
            message.contains("spec.template.spec.containers"),
            "{message}"
        );
        assert!(message.contains("merge key \"name\""), "{message}");

        let err = json_patched(&json!({}), json!([{"op":"remove","path":"/nope"}])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "json patch operation 0 (remove) failed at path \"/nope\": path does not exist"
        );
    }
}
