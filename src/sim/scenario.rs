//! Demo scenarios: plain Kubernetes YAML plus one sim-only `Scenario` document.
//!
//! A scenario file (`assets/scenarios/NAME.yaml`) is a multi-document YAML
//! file. Exactly one document is the sim-only description:
//!
//! ```yaml
//! apiVersion: sim.ordinal.dev/v1alpha1
//! kind: Scenario
//! metadata: {name: mysql}
//! spec:
//!   namespace: mysql          # default namespace of the file's namespaced objects and steps
//!   description: …
//!   warmup: 10m               # simulated time run before the API is served
//!   workloads:                # per-StatefulSet Pod timing and volume usage
//!   - {statefulset: mysql, startAfter: 3s, readyAfter: 10s,
//!      volumeUsage: {data: {initial: 2.5Gi, growthPerHour: 200Mi, inodesUsed: 18000}}}
//!   storage:                  # per-StorageClass timing
//!   - {class: standard, provisionAfter: 2s, resizeAfter: 90s, fileSystemResizeAfter: 60s}
//!   timeline:                 # actions at simulated times since the start, in time order
//!   - {at: 1m, scale: {statefulset: mysql, replicas: 5}}
//! ```
//!
//! The other documents are ordinary Kubernetes objects of the kinds in
//! [`SUPPORTED_KINDS`], written as a user would `kubectl apply` them (no
//! `status` except on Nodes, no `uid`/`resourceVersion`/`creationTimestamp`).
//!
//! A timeline step has `at`, optionally `namespace` (overrides the scenario's
//! namespace for that step) and exactly one action key: `scale`, `patch`,
//! `delete`, `readiness`, `crash`, `failNode`, `recoverNode`, `cordon`,
//! `uncordon`, `resize` or `usage` (see [`Action`]).
//!
//! [`parse`] validates one file on its own: object shape and kinds, duplicate
//! objects, namespaces, StatefulSet selectors, and every reference from the
//! `Scenario` document to namespaced things (StatefulSets, Pods by ordinal,
//! claims by `<template>-<statefulset>-<ordinal>`, containers, claim
//! templates). [`load`] adds the base cluster and checks what spans files:
//! clashing object names, and references to cluster-scoped objects (Nodes,
//! StorageClasses, static PersistentVolumes, Namespaces).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::time::Duration;

use serde::Deserialize;
use serde_json::{Map, Value};

/// `apiVersion` of the sim-only `Scenario` document.
pub const API_VERSION: &str = "sim.ordinal.dev/v1alpha1";
/// `kind` of the sim-only document.
pub const SCENARIO_KIND: &str = "Scenario";

/// Pod timing used for StatefulSets without a `workloads` entry.
pub const DEFAULT_START_AFTER: Duration = Duration::from_secs(2);
/// See [`DEFAULT_START_AFTER`].
pub const DEFAULT_READY_AFTER: Duration = Duration::from_secs(5);
/// Storage timing used for classes without a `storage` entry (and for omitted knobs).
pub const DEFAULT_PROVISION_AFTER: Duration = Duration::from_secs(2);
/// See [`DEFAULT_PROVISION_AFTER`].
pub const DEFAULT_RESIZE_AFTER: Duration = Duration::from_secs(10);
/// See [`DEFAULT_PROVISION_AFTER`].
pub const DEFAULT_FILE_SYSTEM_RESIZE_AFTER: Duration = Duration::from_secs(5);

/// Kubernetes kinds a scenario file may contain: (kind, apiVersion, namespaced).
pub const SUPPORTED_KINDS: &[(&str, &str, bool)] = &[
    ("Namespace", "v1", false),
    ("Node", "v1", false),
    ("StorageClass", "storage.k8s.io/v1", false),
    ("PersistentVolume", "v1", false),
    ("PersistentVolumeClaim", "v1", true),
    ("StatefulSet", "apps/v1", true),
    ("Service", "v1", true),
    ("Pod", "v1", true),
    ("ConfigMap", "v1", true),
];

/// Resources `patch` and `delete` steps may name: (plural, accepted aliases, kind).
/// The plural is what ends up in `Action::Patch::resource` / `Action::Delete::resource`.
const RESOURCES: &[(&str, &[&str], &str)] = &[
    ("statefulsets", &["statefulset", "sts"], "StatefulSet"),
    ("pods", &["pod", "po"], "Pod"),
    (
        "persistentvolumeclaims",
        &["persistentvolumeclaim", "pvc"],
        "PersistentVolumeClaim",
    ),
    (
        "persistentvolumes",
        &["persistentvolume", "pv"],
        "PersistentVolume",
    ),
    ("nodes", &["node", "no"], "Node"),
    ("services", &["service", "svc"], "Service"),
    ("configmaps", &["configmap", "cm"], "ConfigMap"),
    ("storageclasses", &["storageclass", "sc"], "StorageClass"),
    ("namespaces", &["namespace", "ns"], "Namespace"),
];

const ACTIONS: &[&str] = &[
    "scale",
    "patch",
    "delete",
    "readiness",
    "crash",
    "failNode",
    "recoverNode",
    "cordon",
    "uncordon",
    "resize",
    "usage",
];

// ---------------------------------------------------------------------------
// Data types
// ---------------------------------------------------------------------------

/// One parsed and validated scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// `metadata.name` of the Scenario document.
    pub name: String,
    /// Where it came from (`mysql.yaml` for builtins, the path for files); used in messages.
    pub source: String,
    /// Default namespace of the file (`spec.namespace`); `None` for cluster-only files.
    pub namespace: Option<String>,
    pub description: String,
    /// Simulated time to run before the API is served.
    pub warmup: Duration,
    pub workloads: Vec<Workload>,
    pub storage: Vec<StorageTiming>,
    /// In time order (the parser rejects steps out of order), so file order is time order.
    pub timeline: Vec<Step>,
    /// The Kubernetes objects in file order, `metadata.namespace` filled in for namespaced kinds.
    pub objects: Vec<Value>,
}

/// Pod behaviour of one StatefulSet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workload {
    pub namespace: String,
    pub statefulset: String,
    /// `ContainerCreating` → `Running`.
    pub start_after: Duration,
    /// `Running` → `Ready`.
    pub ready_after: Duration,
    /// Per volumeClaimTemplate name.
    pub volume_usage: BTreeMap<String, VolumeUsage>,
}

impl Workload {
    /// The behaviour of a StatefulSet no `workloads` entry mentions.
    pub fn defaults(namespace: &str, statefulset: &str) -> Self {
        Workload {
            namespace: namespace.to_string(),
            statefulset: statefulset.to_string(),
            start_after: DEFAULT_START_AFTER,
            ready_after: DEFAULT_READY_AFTER,
            volume_usage: BTreeMap::new(),
        }
    }
}

/// Volume usage reported by the kubelet for each claim of one template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VolumeUsage {
    pub initial_bytes: u64,
    pub growth_per_hour_bytes: u64,
    pub inodes_used: u64,
}

/// Timing of the (simulated) provisioner and resizer of one StorageClass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageTiming {
    pub class: String,
    pub provision_after: Duration,
    /// Controller expansion (`Resizing` condition).
    pub resize_after: Duration,
    /// Then `FileSystemResizePending` until the kubelet finishes.
    pub file_system_resize_after: Duration,
}

impl StorageTiming {
    /// The timing of a class no `storage` entry mentions.
    pub fn defaults(class: &str) -> Self {
        StorageTiming {
            class: class.to_string(),
            provision_after: DEFAULT_PROVISION_AFTER,
            resize_after: DEFAULT_RESIZE_AFTER,
            file_system_resize_after: DEFAULT_FILE_SYSTEM_RESIZE_AFTER,
        }
    }
}

/// One timeline entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Simulated time since the start (warmup included).
    pub at: Duration,
    /// Namespace of namespaced actions (the step's `namespace` or the scenario's);
    /// `None` for actions on cluster-scoped objects (nodes, PVs, classes, namespaces).
    pub namespace: Option<String>,
    pub action: Action,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// `scale: {statefulset, replicas}` — like `kubectl scale`.
    Scale { statefulset: String, replicas: i32 },
    /// `patch: {resource, name, type?, body}`; `type` defaults to `strategic` like `kubectl patch`.
    Patch {
        /// Plural resource name (`statefulsets`, `pods`, …); short names are normalised.
        resource: String,
        name: String,
        patch_type: PatchKind,
        body: Value,
    },
    /// `delete: {resource, name, gracePeriodSeconds?}`.
    Delete {
        resource: String,
        name: String,
        grace_period_seconds: Option<i64>,
    },
    /// `readiness: {pod, container?, ready}` — a readiness probe starts (`false`) or stops
    /// (`true`) failing; no container means all containers.
    Readiness {
        pod: String,
        container: Option<String>,
        ready: bool,
    },
    /// `crash: {pod, container, restarts}` — the container exits `restarts` times
    /// (CrashLoopBackOff in between), then stays up.
    Crash {
        pod: String,
        container: String,
        restarts: u32,
    },
    /// `failNode: {node}` or `failNode: {nodeOf: pod}` — the kubelet stops reporting.
    FailNode(NodeRef),
    /// `recoverNode: {node}` — the kubelet reports again.
    RecoverNode { node: String },
    /// `cordon: {node}` — `spec.unschedulable: true`.
    Cordon { node: String },
    /// `uncordon: {node}`.
    Uncordon { node: String },
    /// `resize: {claim, size}` — patches the claim's storage request.
    Resize {
        claim: String,
        size_bytes: u64,
        /// The quantity as written, for the patch body.
        size: String,
    },
    /// `usage: {claim, used}` — sets the volume's used bytes.
    Usage { claim: String, used_bytes: u64 },
}

impl Action {
    /// The action's key in the YAML (`scale`, `failNode`, …).
    pub fn key(&self) -> &'static str {
        match self {
            Action::Scale { .. } => "scale",
            Action::Patch { .. } => "patch",
            Action::Delete { .. } => "delete",
            Action::Readiness { .. } => "readiness",
            Action::Crash { .. } => "crash",
            Action::FailNode(_) => "failNode",
            Action::RecoverNode { .. } => "recoverNode",
            Action::Cordon { .. } => "cordon",
            Action::Uncordon { .. } => "uncordon",
            Action::Resize { .. } => "resize",
            Action::Usage { .. } => "usage",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeRef {
    /// A node by name.
    Node(String),
    /// Whatever node this Pod (in the step's namespace) runs on when the step fires.
    NodeOf(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchKind {
    Merge,
    Strategic,
}

impl PatchKind {
    /// The `Content-Type` the API server expects for this patch.
    pub fn content_type(self) -> &'static str {
        match self {
            PatchKind::Merge => "application/merge-patch+json",
            PatchKind::Strategic => "application/strategic-merge-patch+json",
        }
    }
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// Where in a scenario file something is: the file, the 1-based document
/// index, and the object when known (`StatefulSet mysql`, `Scenario mysql`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub source_name: String,
    pub document: usize,
    pub object: Option<String>,
}

impl Location {
    fn new(source_name: &str, document: usize) -> Self {
        Location {
            source_name: source_name.to_string(),
            document,
            object: None,
        }
    }

    fn with_object(&self, object: String) -> Self {
        Location {
            object: Some(object),
            ..self.clone()
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: document {}", self.source_name, self.document)?;
        if let Some(object) = &self.object {
            write!(f, " ({object})")?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("{at}: invalid YAML: {message}")]
    Yaml { at: Box<Location>, message: String },

    #[error(
        "{at}: expected a mapping (a Kubernetes object or the Scenario document), found {found}"
    )]
    NotAMapping { at: Box<Location>, found: String },

    #[error("{at}: missing required field `{field}`")]
    MissingField { at: Box<Location>, field: String },

    #[error("{at}: `{field}`: {message}")]
    InvalidField {
        at: Box<Location>,
        field: String,
        message: String,
    },

    #[error("{at}: `{field}`: unknown field `{key}` (expected one of: {expected})")]
    UnknownField {
        at: Box<Location>,
        field: String,
        key: String,
        expected: String,
    },

    #[error("{at}: unsupported kind `{kind}` (supported: {})", supported_kinds())]
    UnknownKind { at: Box<Location>, kind: String },

    #[error("{at}: kind `{kind}` has apiVersion `{api_version}`, expected `{expected}`")]
    WrongApiVersion {
        at: Box<Location>,
        kind: String,
        api_version: String,
        expected: String,
    },

    #[error("{at}: duplicate object {object}: already defined in document {first_document}")]
    DuplicateObject {
        at: Box<Location>,
        object: String,
        first_document: usize,
    },

    #[error(
        "{source_name}: no Scenario document (a document with `apiVersion: {API_VERSION}` and `kind: Scenario` is required)"
    )]
    MissingScenario { source_name: String },

    #[error(
        "{at}: a second Scenario document (the first is document {first_document}); a file describes exactly one scenario"
    )]
    DuplicateScenario {
        at: Box<Location>,
        first_document: usize,
    },

    #[error(
        "{at}: namespace `{namespace}` is used but not defined in this file; add a Namespace object (apiVersion: v1, kind: Namespace, metadata.name: {namespace})"
    )]
    MissingNamespace {
        at: Box<Location>,
        namespace: String,
    },

    #[error(
        "{at}: `{field}`: StatefulSet `{name}` is not defined in namespace `{namespace}` of this file (defined there: {defined})"
    )]
    UnknownStatefulSet {
        at: Box<Location>,
        field: String,
        namespace: String,
        name: String,
        defined: String,
    },

    #[error("{at}: `{field}`: {what} `{name}` {problem}")]
    UnknownReference {
        at: Box<Location>,
        field: String,
        what: String,
        name: String,
        problem: String,
    },

    #[error("{at}: `{field}`: unknown action `{key}` (expected one of: {})", ACTIONS.join(", "))]
    UnknownAction {
        at: Box<Location>,
        field: String,
        key: String,
    },

    #[error("invalid duration `{input}`: {reason} (examples: 30s, 5m, 1h30m, 2m30s, 1.5h, 500ms)")]
    InvalidDuration { input: String, reason: String },

    #[error("invalid quantity `{input}`: {reason}")]
    InvalidQuantity { input: String, reason: String },

    #[error("unknown scenario `{name}`; valid names: {valid}, or a path to a .yaml/.yml file")]
    UnknownScenario { name: String, valid: String },

    #[error("{path}: cannot read scenario file: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "{source_name}: {object} is also defined in {other_source}; scenarios loaded together must not define the same object"
    )]
    Clash {
        source_name: String,
        other_source: String,
        object: String,
    },

    #[error(
        "{source_name}: `{field}`: {kind} `{name}` is not defined in any loaded scenario file (defined: {defined})"
    )]
    UnknownClusterObject {
        source_name: String,
        field: String,
        kind: String,
        name: String,
        defined: String,
    },
}

fn supported_kinds() -> String {
    SUPPORTED_KINDS
        .iter()
        .map(|(k, _, _)| *k)
        .collect::<Vec<_>>()
        .join(", ")
}

fn list_or_none<I: IntoIterator<Item = S>, S: AsRef<str>>(items: I) -> String {
    let v: Vec<String> = items.into_iter().map(|s| s.as_ref().to_string()).collect();
    if v.is_empty() {
        "none".to_string()
    } else {
        v.join(", ")
    }
}

// ---------------------------------------------------------------------------
// Durations and quantities
// ---------------------------------------------------------------------------

/// Parses `30s`, `5m`, `1h30m`, `90s`, `2m30s`, `1.5h`, `500ms` and `0`.
///
/// Units are `h`, `m`, `s` and `ms`, from larger to smaller, each at most once.
pub fn parse_duration(s: &str) -> Result<Duration, ScenarioError> {
    let err = |reason: String| ScenarioError::InvalidDuration {
        input: s.to_string(),
        reason,
    };
    if s.is_empty() {
        return Err(err("empty".into()));
    }
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    let mut rest = s;
    let mut total_nanos: u128 = 0;
    let mut last_rank: Option<usize> = None;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num = &rest[..num_len];
        rest = &rest[num_len..];
        if num.is_empty() {
            return Err(err(if rest.starts_with('-') {
                "negative durations are not allowed".into()
            } else {
                format!("expected a number at `{rest}`")
            }));
        }
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let (rank, unit_nanos): (usize, u128) = match unit {
            "h" => (0, 3_600_000_000_000),
            "m" => (1, 60_000_000_000),
            "s" => (2, 1_000_000_000),
            "ms" => (3, 1_000_000),
            "" => {
                return Err(err(format!(
                    "missing unit after `{num}` (use h, m, s or ms)"
                )));
            }
            "d" => return Err(err("days are not supported; use hours, e.g. 48h".into())),
            other => {
                return Err(err(format!(
                    "unknown unit `{other}` (use h, m, s or ms, lowercase)"
                )));
            }
        };
        if last_rank.is_some_and(|last| rank <= last) {
            return Err(err(
                "units must go from larger to smaller, each at most once (e.g. 1h30m)".into(),
            ));
        }
        last_rank = Some(rank);
        let (int, frac) = match num.split_once('.') {
            Some((i, f)) => (i, f),
            None => (num, ""),
        };
        if frac.contains('.') || (num.contains('.') && (int.is_empty() || frac.is_empty())) {
            return Err(err(format!("`{num}` is not a number")));
        }
        let int_value: u128 = int
            .parse()
            .map_err(|_| err(format!("`{num}` is too large")))?;
        let mut part = int_value
            .checked_mul(unit_nanos)
            .ok_or_else(|| err("too large".into()))?;
        // Fractional digits beyond nanosecond precision are dropped.
        let mut scale = unit_nanos;
        for digit in frac.bytes() {
            scale /= 10;
            part += u128::from(digit - b'0') * scale;
        }
        total_nanos = total_nanos
            .checked_add(part)
            .ok_or_else(|| err("too large".into()))?;
    }
    let secs = u64::try_from(total_nanos / 1_000_000_000).map_err(|_| err("too large".into()))?;
    Ok(Duration::new(secs, (total_nanos % 1_000_000_000) as u32))
}

/// Formats a duration the way scenario files write them (`1h30m`, `2m30s`, `500ms`, `0s`).
pub fn format_duration(d: Duration) -> String {
    let mut out = String::new();
    let mut secs = d.as_secs();
    let millis = d.subsec_millis();
    let h = secs / 3600;
    secs %= 3600;
    let m = secs / 60;
    secs %= 60;
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if secs > 0 {
        out.push_str(&format!("{secs}s"));
    }
    if millis > 0 {
        out.push_str(&format!("{millis}ms"));
    }
    if out.is_empty() {
        out.push_str("0s");
    }
    out
}

/// Parses a Kubernetes quantity as a number of bytes (or any whole unit),
/// rounding a fractional result up like `resource.Quantity.Value()`.
///
/// Accepts plain integers and decimals (`1024`, `1.5`, `.5`), binary suffixes
/// `Ki Mi Gi Ti Pi Ei`, decimal suffixes `k M G T P E` (and `m u n`), and
/// decimal exponents (`1e3`, `2.5E-3`). Rejects negative values, whitespace,
/// unknown suffixes (`GB`, `K`, `gi`) and values above `u64::MAX`.
pub fn parse_quantity(s: &str) -> Result<u64, ScenarioError> {
    crate::format::quantity::parse(s).map_err(|reason| ScenarioError::InvalidQuantity {
        input: s.to_string(),
        reason,
    })
}

// ---------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------

/// A StatefulSet as the validator needs it.
#[derive(Debug, Default)]
struct StatefulSetInfo {
    containers: Vec<String>,
    /// (template name, storageClassName, requested bytes)
    templates: Vec<(String, Option<String>, u64)>,
}

#[derive(Debug, Clone)]
struct ClaimInfo {
    class: Option<String>,
    request: u64,
}

/// What one file defines, for reference checks.
#[derive(Debug, Default)]
struct Model {
    /// (kind, namespace or "", name) → document
    keys: BTreeMap<(String, String, String), usize>,
    namespaces: BTreeSet<String>,
    statefulsets: BTreeMap<(String, String), StatefulSetInfo>,
    pods: BTreeMap<(String, String), Vec<String>>,
    claims: BTreeMap<(String, String), ClaimInfo>,
    /// class → allowVolumeExpansion
    classes: BTreeMap<String, bool>,
}

impl Model {
    fn has(&self, kind: &str, namespace: &str, name: &str) -> bool {
        self.keys
            .contains_key(&(kind.to_string(), namespace.to_string(), name.to_string()))
    }

    fn statefulset_names(&self, namespace: &str) -> String {
        list_or_none(
            self.statefulsets
                .keys()
                .filter(|(ns, _)| ns == namespace)
                .map(|(_, n)| n.as_str()),
        )
    }

    /// Containers of a Pod defined in the file or of an ordinal `<sts>-<n>`.
    fn pod_containers(&self, namespace: &str, pod: &str) -> Option<&[String]> {
        if let Some(c) = self.pods.get(&(namespace.to_string(), pod.to_string())) {
            return Some(c);
        }
        let (sts, ordinal) = pod.rsplit_once('-')?;
        if !is_ordinal(ordinal) {
            return None;
        }
        self.statefulsets
            .get(&(namespace.to_string(), sts.to_string()))
            .map(|s| s.containers.as_slice())
    }

    /// A claim defined in the file or `<template>-<sts>-<n>` of a StatefulSet.
    fn claim(&self, namespace: &str, claim: &str) -> Option<ClaimInfo> {
        if let Some(c) = self.claims.get(&(namespace.to_string(), claim.to_string())) {
            return Some(c.clone());
        }
        for ((ns, sts), info) in &self.statefulsets {
            if ns != namespace {
                continue;
            }
            for (template, class, request) in &info.templates {
                let prefix = format!("{template}-{sts}-");
                if claim.strip_prefix(&prefix).is_some_and(is_ordinal) {
                    return Some(ClaimInfo {
                        class: class.clone(),
                        request: *request,
                    });
                }
            }
        }
        None
    }
}

fn is_ordinal(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
}

/// A DNS-1123 subdomain (object names); `label` additionally forbids dots and caps at 63.
fn check_dns_name(name: &str, label: bool) -> Result<(), String> {
    let max = if label { 63 } else { 253 };
    if name.is_empty() {
        return Err("must not be empty".into());
    }
    if name.len() > max {
        return Err(format!("must be at most {max} characters"));
    }
    let ok_chars = name.bytes().all(|b| {
        b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || (!label && b == b'.')
    });
    let ends_ok = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if !ok_chars || !ends_ok(name.as_bytes()[0]) || !ends_ok(name.as_bytes()[name.len() - 1]) {
        return Err(format!(
            "`{name}` is not a valid name (lowercase letters, digits and '-'{}, starting and ending with a letter or digit)",
            if label { "" } else { " or '.'" }
        ));
    }
    Ok(())
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// Field access with errors that name the location and the field path.
struct Fields<'a> {
    at: &'a Location,
}

impl Fields<'_> {
    fn invalid(&self, field: &str, message: impl Into<String>) -> ScenarioError {
        ScenarioError::InvalidField {
            at: Box::new(self.at.clone()),
            field: field.to_string(),
            message: message.into(),
        }
    }

    fn missing(&self, field: &str) -> ScenarioError {
        ScenarioError::MissingField {
            at: Box::new(self.at.clone()),
            field: field.to_string(),
        }
    }

    fn map<'v>(&self, v: &'v Value, field: &str) -> Result<&'v Map<String, Value>, ScenarioError> {
        v.as_object().ok_or_else(|| {
            self.invalid(field, format!("expected a mapping, found {}", type_name(v)))
        })
    }

    fn list<'v>(&self, v: &'v Value, field: &str) -> Result<&'v Vec<Value>, ScenarioError> {
        v.as_array()
            .ok_or_else(|| self.invalid(field, format!("expected a list, found {}", type_name(v))))
    }

    fn only_keys(
        &self,
        m: &Map<String, Value>,
        field: &str,
        allowed: &[&str],
    ) -> Result<(), ScenarioError> {
        for key in m.keys() {
            if !allowed.contains(&key.as_str()) {
                return Err(ScenarioError::UnknownField {
                    at: Box::new(self.at.clone()),
                    field: field.to_string(),
                    key: key.clone(),
                    expected: allowed.join(", "),
                });
            }
        }
        Ok(())
    }

    fn opt_str(
        &self,
        m: &Map<String, Value>,
        key: &str,
        field: &str,
    ) -> Result<Option<String>, ScenarioError> {
        match m.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.is_empty() => {
                Err(self.invalid(&join(field, key), "must not be empty"))
            }
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(v) => Err(self.invalid(
                &join(field, key),
                format!("expected a string, found {}", type_name(v)),
            )),
        }
    }

    fn req_str(
        &self,
        m: &Map<String, Value>,
        key: &str,
        field: &str,
    ) -> Result<String, ScenarioError> {
        self.opt_str(m, key, field)?
            .ok_or_else(|| self.missing(&join(field, key)))
    }

    fn opt_int(
        &self,
        m: &Map<String, Value>,
        key: &str,
        field: &str,
        min: i64,
        max: i64,
    ) -> Result<Option<i64>, ScenarioError> {
        match m.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => match v.as_i64() {
                Some(n) if (min..=max).contains(&n) => Ok(Some(n)),
                Some(n) => Err(self.invalid(
                    &join(field, key),
                    format!("{n} is out of range ({min}..={max})"),
                )),
                None => Err(self.invalid(
                    &join(field, key),
                    format!("expected a whole number, found {}", describe(v)),
                )),
            },
        }
    }

    fn req_int(
        &self,
        m: &Map<String, Value>,
        key: &str,
        field: &str,
        min: i64,
        max: i64,
    ) -> Result<i64, ScenarioError> {
        self.opt_int(m, key, field, min, max)?
            .ok_or_else(|| self.missing(&join(field, key)))
    }

    fn req_bool(
        &self,
        m: &Map<String, Value>,
        key: &str,
        field: &str,
    ) -> Result<bool, ScenarioError> {
        match m.get(key) {
            None | Some(Value::Null) => Err(self.missing(&join(field, key))),
            Some(Value::Bool(b)) => Ok(*b),
            Some(v) => Err(self.invalid(
                &join(field, key),
                format!("expected true or false, found {}", describe(v)),
            )),
        }
    }

    fn opt_duration(
        &self,
        m: &Map<String, Value>,
        key: &str,
        field: &str,
    ) -> Result<Option<Duration>, ScenarioError> {
        let path = join(field, key);
        match m.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => parse_duration(s)
                .map(Some)
                .map_err(|e| self.invalid(&path, e.to_string())),
            Some(Value::Number(n)) if n.as_u64() == Some(0) => Ok(Some(Duration::ZERO)),
            Some(v) => Err(self.invalid(
                &path,
                format!(
                    "expected a duration with a unit such as 30s, 5m or 1h30m, found {}",
                    describe(v)
                ),
            )),
        }
    }

    fn req_duration(
        &self,
        m: &Map<String, Value>,
        key: &str,
        field: &str,
    ) -> Result<Duration, ScenarioError> {
        self.opt_duration(m, key, field)?
            .ok_or_else(|| self.missing(&join(field, key)))
    }

    /// A quantity written as a string or a plain whole number: (bytes, as written).
    fn opt_quantity(
        &self,
        m: &Map<String, Value>,
        key: &str,
        field: &str,
    ) -> Result<Option<(u64, String)>, ScenarioError> {
        let path = join(field, key);
        match m.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => parse_quantity(s)
                .map(|b| Some((b, s.clone())))
                .map_err(|e| self.invalid(&path, e.to_string())),
            Some(Value::Number(n)) => match n.as_u64() {
                Some(b) => Ok(Some((b, b.to_string()))),
                None => Err(self.invalid(
                    &path,
                    format!("{n} is not a whole non-negative number of bytes; write quantities like 2.5Gi as strings"),
                )),
            },
            Some(v) => Err(self.invalid(&path, format!("expected a quantity such as 10Gi, found {}", describe(v)))),
        }
    }

    fn req_quantity(
        &self,
        m: &Map<String, Value>,
        key: &str,
        field: &str,
    ) -> Result<(u64, String), ScenarioError> {
        self.opt_quantity(m, key, field)?
            .ok_or_else(|| self.missing(&join(field, key)))
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("the string \"{s}\""),
        Value::Number(n) => format!("the number {n}"),
        Value::Bool(b) => format!("{b}"),
        other => type_name(other).to_string(),
    }
}

fn join(field: &str, key: &str) -> String {
    if field.is_empty() {
        key.to_string()
    } else {
        format!("{field}.{key}")
    }
}

fn read_documents(source_name: &str, text: &str) -> Result<Vec<(usize, Value)>, ScenarioError> {
    let mut out = Vec::new();
    for (i, de) in serde_yaml_ng::Deserializer::from_str(text).enumerate() {
        let at = Location::new(source_name, i + 1);
        let yaml_err = |message: String| ScenarioError::Yaml {
            at: Box::new(at.clone()),
            message,
        };
        let mut yaml =
            serde_yaml_ng::Value::deserialize(de).map_err(|e| yaml_err(e.to_string()))?;
        yaml.apply_merge().map_err(|e| yaml_err(e.to_string()))?;
        if yaml.is_null() {
            continue; // empty document, e.g. a trailing `---`
        }
        let json = serde_json::to_value(&yaml)
            .map_err(|e| yaml_err(format!("cannot be represented as JSON: {e}")))?;
        out.push((i + 1, json));
    }
    Ok(out)
}

/// Parses and validates one scenario file. `source_name` is used in messages.
pub fn parse(source_name: &str, text: &str) -> Result<Scenario, ScenarioError> {
    let documents = read_documents(source_name, text)?;

    // Separate the Scenario document from the objects.
    let mut scenario_doc: Option<(usize, Map<String, Value>)> = None;
    let mut object_docs = Vec::new();
    for (index, value) in documents {
        let at = Location::new(source_name, index);
        let Value::Object(map) = value else {
            return Err(ScenarioError::NotAMapping {
                at: Box::new(at),
                found: type_name(&value).to_string(),
            });
        };
        let f = Fields { at: &at };
        let api_version = f.req_str(&map, "apiVersion", "")?;
        let kind = f.req_str(&map, "kind", "")?;
        if kind == SCENARIO_KIND {
            if api_version != API_VERSION {
                return Err(ScenarioError::WrongApiVersion {
                    at: Box::new(at),
                    kind,
                    api_version,
                    expected: API_VERSION.to_string(),
                });
            }
            if let Some((first, _)) = &scenario_doc {
                return Err(ScenarioError::DuplicateScenario {
                    at: Box::new(at),
                    first_document: *first,
                });
            }
            scenario_doc = Some((index, map));
        } else {
            object_docs.push((index, map, kind, api_version));
        }
    }
    let Some((scenario_index, scenario_map)) = scenario_doc else {
        return Err(ScenarioError::MissingScenario {
            source_name: source_name.to_string(),
        });
    };

    // Scenario header.
    let at = Location::new(source_name, scenario_index);
    let f = Fields { at: &at };
    f.only_keys(
        &scenario_map,
        "",
        &["apiVersion", "kind", "metadata", "spec"],
    )?;
    let metadata = f.map(
        scenario_map
            .get("metadata")
            .ok_or_else(|| f.missing("metadata"))?,
        "metadata",
    )?;
    let name = f.req_str(metadata, "name", "metadata")?;
    check_dns_name(&name, true).map_err(|m| f.invalid("metadata.name", m))?;
    let at = at.with_object(format!("Scenario {name}"));
    let f = Fields { at: &at };
    let empty_spec = Map::new();
    let spec = match scenario_map.get("spec") {
        None => return Err(f.missing("spec")),
        Some(Value::Null) => &empty_spec,
        Some(spec) => f.map(spec, "spec")?,
    };
    f.only_keys(
        spec,
        "spec",
        &[
            "namespace",
            "description",
            "warmup",
            "workloads",
            "storage",
            "timeline",
        ],
    )?;
    let namespace = f.opt_str(spec, "namespace", "spec")?;
    if let Some(ns) = &namespace {
        check_dns_name(ns, true).map_err(|m| f.invalid("spec.namespace", m))?;
    }
    let description = f.opt_str(spec, "description", "spec")?.unwrap_or_default();
    let warmup = f
        .opt_duration(spec, "warmup", "spec")?
        .unwrap_or(Duration::ZERO);

    // Objects.
    let mut model = Model::default();
    let mut objects = Vec::with_capacity(object_docs.len());
    let mut used_namespaces: Vec<(String, Location)> = Vec::new();
    if let Some(ns) = &namespace {
        used_namespaces.push((ns.clone(), at.clone()));
    }
    for (index, map, kind, api_version) in object_docs {
        let doc_at = Location::new(source_name, index);
        let object = check_object(
            &doc_at,
            map,
            &kind,
            &api_version,
            namespace.as_deref(),
            &mut model,
        )?;
        if let Some(ns) = object["metadata"]["namespace"].as_str() {
            let name = object["metadata"]["name"].as_str().unwrap_or_default();
            used_namespaces.push((ns.to_string(), doc_at.with_object(format!("{kind} {name}"))));
        }
        objects.push(object);
    }
    for (ns, ns_at) in used_namespaces {
        if !model.namespaces.contains(&ns) {
            return Err(ScenarioError::MissingNamespace {
                at: Box::new(ns_at),
                namespace: ns,
            });
        }
    }

    let workloads = parse_workloads(&f, spec, namespace.as_deref(), &model)?;
    let storage = parse_storage(&f, spec)?;
    let timeline = parse_timeline(&f, spec, namespace.as_deref(), &model)?;

    Ok(Scenario {
        name,
        source: source_name.to_string(),
        namespace,
        description,
        warmup,
        workloads,
        storage,
        timeline,
        objects,
    })
}

fn check_object(
    doc_at: &Location,
    mut map: Map<String, Value>,
    kind: &str,
    api_version: &str,
    default_namespace: Option<&str>,
    model: &mut Model,
) -> Result<Value, ScenarioError> {
    let f = Fields { at: doc_at };
    let Some(&(_, expected_api, namespaced)) = SUPPORTED_KINDS.iter().find(|(k, _, _)| *k == kind)
    else {
        return Err(ScenarioError::UnknownKind {
            at: Box::new(doc_at.clone()),
            kind: kind.to_string(),
        });
    };
    if api_version != expected_api {
        return Err(ScenarioError::WrongApiVersion {
            at: Box::new(doc_at.clone()),
            kind: kind.to_string(),
            api_version: api_version.to_string(),
            expected: expected_api.to_string(),
        });
    }
    let metadata = f.map(
        map.get("metadata").ok_or_else(|| f.missing("metadata"))?,
        "metadata",
    )?;
    let name = f.req_str(metadata, "name", "metadata")?;
    let label_only = matches!(kind, "Namespace" | "Service" | "StatefulSet");
    check_dns_name(&name, label_only).map_err(|m| f.invalid("metadata.name", m))?;
    let at = doc_at.with_object(format!("{kind} {name}"));
    let f = Fields { at: &at };

    for key in [
        "uid",
        "resourceVersion",
        "creationTimestamp",
        "generation",
        "managedFields",
        "deletionTimestamp",
        "selfLink",
    ] {
        if metadata.contains_key(key) {
            return Err(f.invalid(
                &format!("metadata.{key}"),
                "set by the API server; leave it out of scenario files",
            ));
        }
    }
    if kind != "Node" && map.contains_key("status") {
        return Err(f.invalid(
            "status",
            "written by controllers; only Nodes may carry a status (capacity/allocatable) in scenario files",
        ));
    }

    let namespace = if namespaced {
        match f.opt_str(metadata, "namespace", "metadata")? {
            Some(ns) => ns,
            None => {
                let Some(ns) = default_namespace else {
                    return Err(f.invalid(
                        "metadata.namespace",
                        format!("{kind} is namespaced: set metadata.namespace or spec.namespace in the Scenario document"),
                    ));
                };
                let Some(Value::Object(metadata)) = map.get_mut("metadata") else {
                    unreachable!("metadata checked above")
                };
                metadata.insert("namespace".into(), Value::String(ns.to_string()));
                ns.to_string()
            }
        }
    } else {
        if metadata.contains_key("namespace") {
            return Err(f.invalid(
                "metadata.namespace",
                format!("{kind} is cluster-scoped and takes no namespace"),
            ));
        }
        String::new()
    };

    let key = (kind.to_string(), namespace.clone(), name.clone());
    if let Some(first) = model.keys.get(&key) {
        return Err(ScenarioError::DuplicateObject {
            at: Box::new(doc_at.clone()),
            object: object_label(kind, &namespace, &name),
            first_document: *first,
        });
    }
    model.keys.insert(key, doc_at.document);

    let value = Value::Object(map);
    typed_check(kind, &value).map_err(|m| f.invalid("", format!("not a valid {kind}: {m}")))?;
    let empty = Map::new();
    let spec = match value.get("spec") {
        Some(v) => f.map(v, "spec")?,
        None => &empty,
    };

    match kind {
        "Namespace" => {
            model.namespaces.insert(name.clone());
        }
        "StorageClass" => {
            f.req_str(value.as_object().expect("object"), "provisioner", "")?;
            check_enum(
                &f,
                value.as_object().expect("object"),
                "volumeBindingMode",
                "",
                &["Immediate", "WaitForFirstConsumer"],
            )?;
            check_enum(
                &f,
                value.as_object().expect("object"),
                "reclaimPolicy",
                "",
                &["Delete", "Retain"],
            )?;
            let expansion = value
                .get("allowVolumeExpansion")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            model.classes.insert(name.clone(), expansion);
        }
        "PersistentVolume" => {
            let capacity = f.map(
                spec.get("capacity")
                    .ok_or_else(|| f.missing("spec.capacity"))?,
                "spec.capacity",
            )?;
            f.req_quantity(capacity, "storage", "spec.capacity")?;
            check_enum(
                &f,
                spec,
                "persistentVolumeReclaimPolicy",
                "spec",
                &["Delete", "Retain", "Recycle"],
            )?;
        }
        "PersistentVolumeClaim" => {
            let request = claim_request(&f, spec, "spec")?;
            let class = f.opt_str(spec, "storageClassName", "spec")?;
            model.claims.insert(
                (namespace.clone(), name.clone()),
                ClaimInfo { class, request },
            );
        }
        "Pod" => {
            let containers = container_names(&f, spec, "spec")?;
            model
                .pods
                .insert((namespace.clone(), name.clone()), containers);
        }
        "StatefulSet" => {
            let info = check_statefulset(&f, spec)?;
            model
                .statefulsets
                .insert((namespace.clone(), name.clone()), info);
        }
        _ => {}
    }
    Ok(value)
}

fn object_label(kind: &str, namespace: &str, name: &str) -> String {
    if namespace.is_empty() {
        format!("{kind} {name}")
    } else {
        format!("{kind} {namespace}/{name}")
    }
}

fn check_enum(
    f: &Fields<'_>,
    m: &Map<String, Value>,
    key: &str,
    field: &str,
    allowed: &[&str],
) -> Result<(), ScenarioError> {
    if let Some(v) = f.opt_str(m, key, field)?
        && !allowed.contains(&v.as_str())
    {
        return Err(f.invalid(
            &join(field, key),
            format!("`{v}` is not one of {}", allowed.join(", ")),
        ));
    }
    Ok(())
}

/// Deserialises into the k8s-openapi type to catch wrongly typed fields.
fn typed_check(kind: &str, value: &Value) -> Result<(), String> {
    use k8s_openapi::api::{apps::v1 as apps, core::v1 as core, storage::v1 as storage};
    fn check<T: serde::de::DeserializeOwned>(value: &Value) -> Result<(), String> {
        T::deserialize(value).map(|_| ()).map_err(|e| e.to_string())
    }
    match kind {
        "Namespace" => check::<core::Namespace>(value),
        "Node" => check::<core::Node>(value),
        "StorageClass" => check::<storage::StorageClass>(value),
        "PersistentVolume" => check::<core::PersistentVolume>(value),
        "PersistentVolumeClaim" => check::<core::PersistentVolumeClaim>(value),
        "StatefulSet" => check::<apps::StatefulSet>(value),
        "Service" => check::<core::Service>(value),
        "Pod" => check::<core::Pod>(value),
        "ConfigMap" => check::<core::ConfigMap>(value),
        _ => Ok(()),
    }
}

fn claim_request(
    f: &Fields<'_>,
    spec: &Map<String, Value>,
    field: &str,
) -> Result<u64, ScenarioError> {
    let resources_field = join(field, "resources");
    let resources = f.map(
        spec.get("resources")
            .ok_or_else(|| f.missing(&resources_field))?,
        &resources_field,
    )?;
    let requests_field = join(&resources_field, "requests");
    let requests = f.map(
        resources
            .get("requests")
            .ok_or_else(|| f.missing(&requests_field))?,
        &requests_field,
    )?;
    Ok(f.req_quantity(requests, "storage", &requests_field)?.0)
}

fn container_names(
    f: &Fields<'_>,
    pod_spec: &Map<String, Value>,
    field: &str,
) -> Result<Vec<String>, ScenarioError> {
    let containers_field = join(field, "containers");
    let containers = f.list(
        pod_spec
            .get("containers")
            .ok_or_else(|| f.missing(&containers_field))?,
        &containers_field,
    )?;
    if containers.is_empty() {
        return Err(f.invalid(&containers_field, "needs at least one container"));
    }
    let mut names = Vec::new();
    for (i, c) in containers.iter().enumerate() {
        let path = format!("{containers_field}[{i}]");
        let name = f.req_str(f.map(c, &path)?, "name", &path)?;
        if names.contains(&name) {
            return Err(f.invalid(
                &join(&path, "name"),
                format!("duplicate container name `{name}`"),
            ));
        }
        names.push(name);
    }
    Ok(names)
}

fn labels_of(v: Option<&Value>) -> BTreeMap<String, String> {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether a LabelSelector (`matchLabels` and `matchExpressions`) selects `labels`.
pub fn selector_matches(selector: &Value, labels: &BTreeMap<String, String>) -> bool {
    let match_labels = labels_of(selector.get("matchLabels"));
    if match_labels.iter().any(|(k, v)| labels.get(k) != Some(v)) {
        return false;
    }
    let expressions = selector.get("matchExpressions").and_then(Value::as_array);
    expressions.into_iter().flatten().all(|e| {
        let key = e.get("key").and_then(Value::as_str).unwrap_or_default();
        let values: Vec<&str> = e
            .get("values")
            .and_then(Value::as_array)
            .map(|v| v.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let label = labels.get(key).map(String::as_str);
        match e.get("operator").and_then(Value::as_str) {
            Some("In") => label.is_some_and(|l| values.contains(&l)),
            Some("NotIn") => !label.is_some_and(|l| values.contains(&l)),
            Some("Exists") => label.is_some(),
            Some("DoesNotExist") => label.is_none(),
            _ => false,
        }
    })
}

fn check_statefulset(
    f: &Fields<'_>,
    spec: &Map<String, Value>,
) -> Result<StatefulSetInfo, ScenarioError> {
    if spec.is_empty() {
        return Err(f.missing("spec"));
    }
    let selector = spec
        .get("selector")
        .ok_or_else(|| f.missing("spec.selector"))?;
    f.map(selector, "spec.selector")?;
    let template = f.map(
        spec.get("template")
            .ok_or_else(|| f.missing("spec.template"))?,
        "spec.template",
    )?;
    let labels = labels_of(template.get("metadata").and_then(|m| m.get("labels")));
    if labels.is_empty() {
        return Err(f.missing("spec.template.metadata.labels"));
    }
    if labels_of(selector.get("matchLabels")).is_empty()
        && selector.get("matchExpressions").is_none()
    {
        return Err(f.invalid(
            "spec.selector",
            "an empty selector would select every Pod; set matchLabels",
        ));
    }
    if !selector_matches(selector, &labels) {
        return Err(f.invalid(
            "spec.selector",
            format!(
                "does not match the template labels {{{}}}; the API server rejects this (`selector` does not match template `labels`)",
                labels.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    check_enum(
        f,
        spec,
        "podManagementPolicy",
        "spec",
        &["OrderedReady", "Parallel"],
    )?;
    if let Some(strategy) = spec.get("updateStrategy") {
        check_enum(
            f,
            f.map(strategy, "spec.updateStrategy")?,
            "type",
            "spec.updateStrategy",
            &["RollingUpdate", "OnDelete"],
        )?;
    }
    let pod_spec = f.map(
        template
            .get("spec")
            .ok_or_else(|| f.missing("spec.template.spec"))?,
        "spec.template.spec",
    )?;
    let containers = container_names(f, pod_spec, "spec.template.spec")?;

    let mut templates: Vec<(String, Option<String>, u64)> = Vec::new();
    if let Some(list) = spec.get("volumeClaimTemplates") {
        for (i, t) in f
            .list(list, "spec.volumeClaimTemplates")?
            .iter()
            .enumerate()
        {
            let path = format!("spec.volumeClaimTemplates[{i}]");
            let t = f.map(t, &path)?;
            let meta_path = join(&path, "metadata");
            let meta = f.map(
                t.get("metadata").ok_or_else(|| f.missing(&meta_path))?,
                &meta_path,
            )?;
            let name = f.req_str(meta, "name", &meta_path)?;
            check_dns_name(&name, true).map_err(|m| f.invalid(&join(&meta_path, "name"), m))?;
            if templates.iter().any(|(n, _, _)| *n == name) {
                return Err(f.invalid(
                    &join(&meta_path, "name"),
                    format!("duplicate claim template `{name}`"),
                ));
            }
            let spec_path = join(&path, "spec");
            let tspec = f.map(
                t.get("spec").ok_or_else(|| f.missing(&spec_path))?,
                &spec_path,
            )?;
            let request = claim_request(f, tspec, &spec_path)?;
            let class = f.opt_str(tspec, "storageClassName", &spec_path)?;
            templates.push((name, class, request));
        }
    }

    // Every volumeMount names a pod volume or a claim template (the API server checks this too).
    let mut volumes: BTreeSet<String> = templates.iter().map(|(n, _, _)| n.clone()).collect();
    if let Some(list) = pod_spec.get("volumes").and_then(Value::as_array) {
        volumes.extend(
            list.iter()
                .filter_map(|v| v.get("name")?.as_str().map(str::to_string)),
        );
    }
    for key in ["initContainers", "containers"] {
        for (i, c) in pod_spec
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            for (j, m) in c
                .get("volumeMounts")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                let name = m.get("name").and_then(Value::as_str).unwrap_or_default();
                if !volumes.contains(name) {
                    return Err(f.invalid(
                        &format!("spec.template.spec.{key}[{i}].volumeMounts[{j}].name"),
                        format!(
                            "`{name}` is neither a volume nor a volumeClaimTemplate (have: {})",
                            list_or_none(&volumes)
                        ),
                    ));
                }
            }
        }
    }
    Ok(StatefulSetInfo {
        containers,
        templates,
    })
}

fn require_namespace<'n>(
    f: &Fields<'_>,
    namespace: Option<&'n str>,
    field: &str,
) -> Result<&'n str, ScenarioError> {
    namespace.ok_or_else(|| {
        f.invalid(
            field,
            "no namespace: set `namespace` here or spec.namespace in the Scenario document",
        )
    })
}

fn require_statefulset(
    f: &Fields<'_>,
    model: &Model,
    namespace: &str,
    name: &str,
    field: &str,
) -> Result<(), ScenarioError> {
    if model
        .statefulsets
        .contains_key(&(namespace.to_string(), name.to_string()))
    {
        Ok(())
    } else {
        Err(ScenarioError::UnknownStatefulSet {
            at: Box::new(f.at.clone()),
            field: field.to_string(),
            namespace: namespace.to_string(),
            name: name.to_string(),
            defined: model.statefulset_names(namespace),
        })
    }
}

fn require_pod<'m>(
    f: &Fields<'_>,
    model: &'m Model,
    namespace: &str,
    pod: &str,
    field: &str,
) -> Result<&'m [String], ScenarioError> {
    model.pod_containers(namespace, pod).ok_or_else(|| ScenarioError::UnknownReference {
        at: Box::new(f.at.clone()),
        field: field.to_string(),
        what: "Pod".into(),
        name: pod.to_string(),
        problem: format!(
            "is neither a Pod in this file nor an ordinal `<statefulset>-<n>` of a StatefulSet in namespace `{namespace}` (StatefulSets: {})",
            model.statefulset_names(namespace)
        ),
    })
}

fn require_claim(
    f: &Fields<'_>,
    model: &Model,
    namespace: &str,
    claim: &str,
    field: &str,
) -> Result<ClaimInfo, ScenarioError> {
    model.claim(namespace, claim).ok_or_else(|| ScenarioError::UnknownReference {
        at: Box::new(f.at.clone()),
        field: field.to_string(),
        what: "PersistentVolumeClaim".into(),
        name: claim.to_string(),
        problem: format!(
            "is neither a claim in this file nor `<template>-<statefulset>-<n>` of a StatefulSet in namespace `{namespace}` (StatefulSets: {})",
            model.statefulset_names(namespace)
        ),
    })
}

fn parse_workloads(
    f: &Fields<'_>,
    spec: &Map<String, Value>,
    namespace: Option<&str>,
    model: &Model,
) -> Result<Vec<Workload>, ScenarioError> {
    let Some(list) = spec.get("workloads") else {
        return Ok(Vec::new());
    };
    let mut out: Vec<Workload> = Vec::new();
    for (i, entry) in f.list(list, "spec.workloads")?.iter().enumerate() {
        let path = format!("spec.workloads[{i}]");
        let m = f.map(entry, &path)?;
        f.only_keys(
            m,
            &path,
            &[
                "statefulset",
                "namespace",
                "startAfter",
                "readyAfter",
                "volumeUsage",
            ],
        )?;
        let statefulset = f.req_str(m, "statefulset", &path)?;
        let ns = match f.opt_str(m, "namespace", &path)? {
            Some(ns) => ns,
            None => require_namespace(f, namespace, &join(&path, "namespace"))?.to_string(),
        };
        require_statefulset(f, model, &ns, &statefulset, &join(&path, "statefulset"))?;
        if let Some(j) = out
            .iter()
            .position(|w| w.namespace == ns && w.statefulset == statefulset)
        {
            return Err(f.invalid(
                &join(&path, "statefulset"),
                format!("`{statefulset}` already has an entry at spec.workloads[{j}]"),
            ));
        }
        let info = &model.statefulsets[&(ns.clone(), statefulset.clone())];
        let mut volume_usage = BTreeMap::new();
        if let Some(usage) = m.get("volumeUsage") {
            let usage_path = join(&path, "volumeUsage");
            for (template, u) in f.map(usage, &usage_path)? {
                let upath = join(&usage_path, template);
                if !info.templates.iter().any(|(t, _, _)| t == template) {
                    return Err(ScenarioError::UnknownReference {
                        at: Box::new(f.at.clone()),
                        field: upath,
                        what: "volumeClaimTemplate".into(),
                        name: template.clone(),
                        problem: format!(
                            "is not a claim template of StatefulSet `{statefulset}` (templates: {})",
                            list_or_none(info.templates.iter().map(|(t, _, _)| t.as_str()))
                        ),
                    });
                }
                let um = f.map(u, &upath)?;
                f.only_keys(um, &upath, &["initial", "growthPerHour", "inodesUsed"])?;
                volume_usage.insert(
                    template.clone(),
                    VolumeUsage {
                        initial_bytes: f.opt_quantity(um, "initial", &upath)?.map_or(0, |q| q.0),
                        growth_per_hour_bytes: f
                            .opt_quantity(um, "growthPerHour", &upath)?
                            .map_or(0, |q| q.0),
                        inodes_used: f
                            .opt_int(um, "inodesUsed", &upath, 0, i64::MAX)?
                            .unwrap_or(0) as u64,
                    },
                );
            }
        }
        out.push(Workload {
            namespace: ns,
            statefulset,
            start_after: f
                .opt_duration(m, "startAfter", &path)?
                .unwrap_or(DEFAULT_START_AFTER),
            ready_after: f
                .opt_duration(m, "readyAfter", &path)?
                .unwrap_or(DEFAULT_READY_AFTER),
            volume_usage,
        });
    }
    Ok(out)
}

fn parse_storage(
    f: &Fields<'_>,
    spec: &Map<String, Value>,
) -> Result<Vec<StorageTiming>, ScenarioError> {
    let Some(list) = spec.get("storage") else {
        return Ok(Vec::new());
    };
    let mut out: Vec<StorageTiming> = Vec::new();
    for (i, entry) in f.list(list, "spec.storage")?.iter().enumerate() {
        let path = format!("spec.storage[{i}]");
        let m = f.map(entry, &path)?;
        f.only_keys(
            m,
            &path,
            &[
                "class",
                "provisionAfter",
                "resizeAfter",
                "fileSystemResizeAfter",
            ],
        )?;
        let class = f.req_str(m, "class", &path)?;
        if let Some(j) = out.iter().position(|s| s.class == class) {
            return Err(f.invalid(
                &join(&path, "class"),
                format!("`{class}` already has an entry at spec.storage[{j}]"),
            ));
        }
        out.push(StorageTiming {
            provision_after: f
                .opt_duration(m, "provisionAfter", &path)?
                .unwrap_or(DEFAULT_PROVISION_AFTER),
            resize_after: f
                .opt_duration(m, "resizeAfter", &path)?
                .unwrap_or(DEFAULT_RESIZE_AFTER),
            file_system_resize_after: f
                .opt_duration(m, "fileSystemResizeAfter", &path)?
                .unwrap_or(DEFAULT_FILE_SYSTEM_RESIZE_AFTER),
            class,
        });
    }
    Ok(out)
}

fn parse_timeline(
    f: &Fields<'_>,
    spec: &Map<String, Value>,
    namespace: Option<&str>,
    model: &Model,
) -> Result<Vec<Step>, ScenarioError> {
    let Some(list) = spec.get("timeline") else {
        return Ok(Vec::new());
    };
    let mut out: Vec<Step> = Vec::new();
    for (i, entry) in f.list(list, "spec.timeline")?.iter().enumerate() {
        let path = format!("spec.timeline[{i}]");
        let m = f.map(entry, &path)?;
        let at = f.req_duration(m, "at", &path)?;
        if let Some(prev) = out.last()
            && at < prev.at
        {
            return Err(f.invalid(
                &join(&path, "at"),
                format!(
                    "steps must be in time order: {} comes after a step at {}",
                    format_duration(at),
                    format_duration(prev.at)
                ),
            ));
        }
        let step_ns = f.opt_str(m, "namespace", &path)?;
        if let Some(ns) = &step_ns
            && !model.namespaces.contains(ns)
        {
            return Err(ScenarioError::MissingNamespace {
                at: Box::new(f.at.clone()),
                namespace: ns.clone(),
            });
        }
        let ns = step_ns.as_deref().or(namespace);
        let keys: Vec<&String> = m
            .keys()
            .filter(|k| *k != "at" && *k != "namespace")
            .collect();
        for key in &keys {
            if !ACTIONS.contains(&key.as_str()) {
                return Err(ScenarioError::UnknownAction {
                    at: Box::new(f.at.clone()),
                    field: path.clone(),
                    key: key.to_string(),
                });
            }
        }
        let key = match keys.as_slice() {
            [key] => key.as_str(),
            [] => {
                return Err(f.invalid(
                    &path,
                    format!(
                        "step has no action (expected one of: {})",
                        ACTIONS.join(", ")
                    ),
                ));
            }
            many => {
                return Err(f.invalid(
                    &path,
                    format!(
                        "exactly one action per step, found {}: {}",
                        many.len(),
                        many.iter()
                            .map(|k| k.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        };
        let apath = join(&path, key);
        let (action, namespaced) =
            parse_action(f, key, f.map(&m[key], &apath)?, &apath, ns, model)?;
        out.push(Step {
            at,
            namespace: if namespaced {
                ns.map(str::to_string)
            } else {
                None
            },
            action,
        });
    }
    Ok(out)
}

/// Returns the action and whether it acts on a namespaced object.
fn parse_action(
    f: &Fields<'_>,
    key: &str,
    m: &Map<String, Value>,
    path: &str,
    namespace: Option<&str>,
    model: &Model,
) -> Result<(Action, bool), ScenarioError> {
    let ns = || require_namespace(f, namespace, path);
    let node_only = |f: &Fields<'_>| -> Result<String, ScenarioError> {
        f.only_keys(m, path, &["node"])?;
        f.req_str(m, "node", path)
    };
    Ok(match key {
        "scale" => {
            f.only_keys(m, path, &["statefulset", "replicas"])?;
            let statefulset = f.req_str(m, "statefulset", path)?;
            require_statefulset(f, model, ns()?, &statefulset, &join(path, "statefulset"))?;
            let replicas = f.req_int(m, "replicas", path, 0, i64::from(i32::MAX))? as i32;
            (
                Action::Scale {
                    statefulset,
                    replicas,
                },
                true,
            )
        }
        "patch" | "delete" => {
            let allowed: &[&str] = if key == "patch" {
                &["resource", "name", "type", "body"]
            } else {
                &["resource", "name", "gracePeriodSeconds"]
            };
            f.only_keys(m, path, allowed)?;
            let written = f.req_str(m, "resource", path)?;
            let Some(&(resource, _, kind)) = RESOURCES.iter().find(|(plural, aliases, _)| {
                *plural == written || aliases.contains(&written.as_str())
            }) else {
                return Err(f.invalid(
                    &join(path, "resource"),
                    format!(
                        "unknown resource `{written}` (expected one of: {})",
                        RESOURCES.iter().map(|r| r.0).collect::<Vec<_>>().join(", ")
                    ),
                ));
            };
            let name = f.req_str(m, "name", path)?;
            let name_field = join(path, "name");
            let namespaced = SUPPORTED_KINDS.iter().any(|(k, _, n)| *k == kind && *n);
            if namespaced {
                let ns = ns()?;
                match kind {
                    "StatefulSet" => require_statefulset(f, model, ns, &name, &name_field)?,
                    "Pod" => {
                        require_pod(f, model, ns, &name, &name_field)?;
                    }
                    "PersistentVolumeClaim" => {
                        require_claim(f, model, ns, &name, &name_field)?;
                    }
                    _ => {
                        if !model.has(kind, ns, &name) {
                            return Err(ScenarioError::UnknownReference {
                                at: Box::new(f.at.clone()),
                                field: name_field,
                                what: kind.to_string(),
                                name,
                                problem: format!("is not defined in namespace `{ns}` of this file"),
                            });
                        }
                    }
                }
            }
            let resource = resource.to_string();
            let action = if key == "patch" {
                let patch_type = match f.opt_str(m, "type", path)?.as_deref() {
                    None | Some("strategic") => PatchKind::Strategic,
                    Some("merge") => PatchKind::Merge,
                    Some(other) => {
                        return Err(f.invalid(
                            &join(path, "type"),
                            format!("`{other}` is not a patch type (merge or strategic)"),
                        ));
                    }
                };
                let body = m
                    .get("body")
                    .ok_or_else(|| f.missing(&join(path, "body")))?;
                if f.map(body, &join(path, "body"))?.is_empty() {
                    return Err(f.invalid(&join(path, "body"), "an empty patch changes nothing"));
                }
                Action::Patch {
                    resource,
                    name,
                    patch_type,
                    body: body.clone(),
                }
            } else {
                Action::Delete {
                    resource,
                    name,
                    grace_period_seconds: f.opt_int(m, "gracePeriodSeconds", path, 0, i64::MAX)?,
                }
            };
            (action, namespaced)
        }
        "readiness" => {
            f.only_keys(m, path, &["pod", "container", "ready"])?;
            let pod = f.req_str(m, "pod", path)?;
            let containers = require_pod(f, model, ns()?, &pod, &join(path, "pod"))?;
            let container = f.opt_str(m, "container", path)?;
            if let Some(c) = &container {
                check_container(f, containers, &pod, c, &join(path, "container"))?;
            }
            let ready = f.req_bool(m, "ready", path)?;
            (
                Action::Readiness {
                    pod,
                    container,
                    ready,
                },
                true,
            )
        }
        "crash" => {
            f.only_keys(m, path, &["pod", "container", "restarts"])?;
            let pod = f.req_str(m, "pod", path)?;
            let containers = require_pod(f, model, ns()?, &pod, &join(path, "pod"))?;
            let container = f.req_str(m, "container", path)?;
            check_container(f, containers, &pod, &container, &join(path, "container"))?;
            let restarts = f.req_int(m, "restarts", path, 1, i64::from(u32::MAX))? as u32;
            (
                Action::Crash {
                    pod,
                    container,
                    restarts,
                },
                true,
            )
        }
        "failNode" => {
            f.only_keys(m, path, &["node", "nodeOf"])?;
            let node = f.opt_str(m, "node", path)?;
            let node_of = f.opt_str(m, "nodeOf", path)?;
            match (node, node_of) {
                (Some(node), None) => (Action::FailNode(NodeRef::Node(node)), false),
                (None, Some(pod)) => {
                    require_pod(f, model, ns()?, &pod, &join(path, "nodeOf"))?;
                    (Action::FailNode(NodeRef::NodeOf(pod)), true)
                }
                _ => return Err(f.invalid(path, "set exactly one of `node` and `nodeOf`")),
            }
        }
        "recoverNode" => (
            Action::RecoverNode {
                node: node_only(f)?,
            },
            false,
        ),
        "cordon" => (
            Action::Cordon {
                node: node_only(f)?,
            },
            false,
        ),
        "uncordon" => (
            Action::Uncordon {
                node: node_only(f)?,
            },
            false,
        ),
        "resize" => {
            f.only_keys(m, path, &["claim", "size"])?;
            let claim = f.req_str(m, "claim", path)?;
            let info = require_claim(f, model, ns()?, &claim, &join(path, "claim"))?;
            let (size_bytes, size) = f.req_quantity(m, "size", path)?;
            if size_bytes <= info.request {
                return Err(f.invalid(
                    &join(path, "size"),
                    format!("{size} is not larger than the claim's request ({} bytes); claims can only grow", info.request),
                ));
            }
            if let Some(class) = &info.class
                && model.classes.get(class) == Some(&false)
            {
                return Err(f.invalid(
                    &join(path, "claim"),
                    format!("StorageClass `{class}` of `{claim}` does not set allowVolumeExpansion: true"),
                ));
            }
            (
                Action::Resize {
                    claim,
                    size_bytes,
                    size,
                },
                true,
            )
        }
        "usage" => {
            f.only_keys(m, path, &["claim", "used"])?;
            let claim = f.req_str(m, "claim", path)?;
            require_claim(f, model, ns()?, &claim, &join(path, "claim"))?;
            let used_bytes = f.req_quantity(m, "used", path)?.0;
            (Action::Usage { claim, used_bytes }, true)
        }
        other => unreachable!("action `{other}` is listed in ACTIONS but not parsed"),
    })
}

fn check_container(
    f: &Fields<'_>,
    containers: &[String],
    pod: &str,
    container: &str,
    field: &str,
) -> Result<(), ScenarioError> {
    if containers.iter().any(|c| c == container) {
        return Ok(());
    }
    Err(ScenarioError::UnknownReference {
        at: Box::new(f.at.clone()),
        field: field.to_string(),
        what: "container".into(),
        name: container.to_string(),
        problem: format!(
            "is not a container of Pod `{pod}` (containers: {})",
            containers.join(", ")
        ),
    })
}

// ---------------------------------------------------------------------------
// Builtins and loading
// ---------------------------------------------------------------------------

const BASE_YAML: &str = include_str!("../../assets/scenarios/base.yaml");
const BUILTIN_NAMES: [&str; 5] = ["blog", "mysql", "nfs", "ceph", "kafka"];
const BUILTIN_YAML: [&str; 5] = [
    include_str!("../../assets/scenarios/blog.yaml"),
    include_str!("../../assets/scenarios/mysql.yaml"),
    include_str!("../../assets/scenarios/nfs.yaml"),
    include_str!("../../assets/scenarios/ceph.yaml"),
    include_str!("../../assets/scenarios/kafka.yaml"),
];

/// The five builtin stories, in order.
pub fn builtin_names() -> &'static [&'static str] {
    &BUILTIN_NAMES
}

/// Loads scenarios to run together: `base` always first; `all` is base plus
/// every builtin; a builtin name is base plus that story; a path ending in
/// `.yaml`/`.yml` is base plus that file. Checks what spans files: object
/// name clashes and references to cluster-scoped objects.
pub fn load(name_or_path: &str) -> Result<Vec<Scenario>, ScenarioError> {
    let mut scenarios = vec![parse("base.yaml", BASE_YAML)?];
    let lower = name_or_path.to_ascii_lowercase();
    if name_or_path == "base" {
    } else if name_or_path == "all" {
        for (name, text) in BUILTIN_NAMES.iter().zip(BUILTIN_YAML) {
            scenarios.push(parse(&format!("{name}.yaml"), text)?);
        }
    } else if let Some(i) = BUILTIN_NAMES.iter().position(|n| *n == name_or_path) {
        scenarios.push(parse(&format!("{name_or_path}.yaml"), BUILTIN_YAML[i])?);
    } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        let text = std::fs::read_to_string(name_or_path).map_err(|source| ScenarioError::Io {
            path: name_or_path.to_string(),
            source,
        })?;
        scenarios.push(parse(name_or_path, &text)?);
    } else {
        return Err(ScenarioError::UnknownScenario {
            name: name_or_path.to_string(),
            valid: ["base", "all"]
                .iter()
                .chain(BUILTIN_NAMES.iter())
                .copied()
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    check_together(&scenarios)?;
    Ok(scenarios)
}

/// (kind, namespace or "", name) of an object already validated by [`parse`].
fn object_key(object: &Value) -> (String, String, String) {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    (
        s(&object["kind"]),
        s(&object["metadata"]["namespace"]),
        s(&object["metadata"]["name"]),
    )
}

fn check_together(scenarios: &[Scenario]) -> Result<(), ScenarioError> {
    let mut owners: BTreeMap<(String, String, String), &str> = BTreeMap::new();
    let mut names: BTreeMap<&str, &str> = BTreeMap::new();
    for s in scenarios {
        if let Some(other) = names.insert(&s.name, &s.source) {
            return Err(ScenarioError::Clash {
                source_name: s.source.clone(),
                other_source: other.to_string(),
                object: format!("Scenario {}", s.name),
            });
        }
        for object in &s.objects {
            let key = object_key(object);
            if let Some(other) = owners.get(&key) {
                return Err(ScenarioError::Clash {
                    source_name: s.source.clone(),
                    other_source: other.to_string(),
                    object: object_label(&key.0, &key.1, &key.2),
                });
            }
            owners.insert(key, &s.source);
        }
    }
    let defined = |kind: &str| -> Vec<&str> {
        owners
            .keys()
            .filter(|(k, _, _)| k == kind)
            .map(|(_, _, n)| n.as_str())
            .collect()
    };
    let require =
        |source: &str, field: String, kind: &str, name: &str| -> Result<(), ScenarioError> {
            let names = defined(kind);
            if names.contains(&name) {
                Ok(())
            } else {
                Err(ScenarioError::UnknownClusterObject {
                    source_name: source.to_string(),
                    field,
                    kind: kind.to_string(),
                    name: name.to_string(),
                    defined: list_or_none(names),
                })
            }
        };
    let mut timed_classes: BTreeMap<&str, &str> = BTreeMap::new();
    for s in scenarios {
        for (i, t) in s.storage.iter().enumerate() {
            require(
                &s.source,
                format!("spec.storage[{i}].class"),
                "StorageClass",
                &t.class,
            )?;
            if let Some(other) = timed_classes.insert(&t.class, &s.source) {
                return Err(ScenarioError::Clash {
                    source_name: s.source.clone(),
                    other_source: other.to_string(),
                    object: format!("storage timing for StorageClass {}", t.class),
                });
            }
        }
        for (i, step) in s.timeline.iter().enumerate() {
            let path = format!("spec.timeline[{i}].{}", step.action.key());
            match &step.action {
                Action::FailNode(NodeRef::Node(node))
                | Action::RecoverNode { node }
                | Action::Cordon { node }
                | Action::Uncordon { node } => {
                    require(&s.source, format!("{path}.node"), "Node", node)?
                }
                Action::Patch { resource, name, .. } | Action::Delete { resource, name, .. } => {
                    let kind = RESOURCES
                        .iter()
                        .find(|r| r.0 == resource)
                        .map_or("", |r| r.2);
                    if matches!(
                        kind,
                        "Node" | "StorageClass" | "PersistentVolume" | "Namespace"
                    ) {
                        require(&s.source, format!("{path}.name"), kind, name)?;
                    }
                }
                _ => {}
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> Vec<Scenario> {
        load("all").unwrap_or_else(|e| panic!("builtins must load: {e}"))
    }

    fn scenario<'a>(list: &'a [Scenario], name: &str) -> &'a Scenario {
        list.iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no scenario {name}"))
    }

    fn objects<'a>(s: &'a Scenario, kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
        s.objects.iter().filter(move |o| o["kind"] == kind)
    }

    fn object<'a>(s: &'a Scenario, kind: &str, name: &str) -> &'a Value {
        s.objects
            .iter()
            .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
            .unwrap_or_else(|| panic!("{}: no {kind} {name}", s.name))
    }

    fn name(o: &Value) -> &str {
        o["metadata"]["name"].as_str().unwrap()
    }

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    fn templates(sts: &Value) -> Vec<(String, Option<String>, String)> {
        sts["spec"]["volumeClaimTemplates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    name(t).to_string(),
                    t["spec"]["storageClassName"].as_str().map(str::to_string),
                    t["spec"]["resources"]["requests"]["storage"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                )
            })
            .collect()
    }

    /// The value of the last `readiness` step for `pod` at or before `t`.
    fn readiness_at(s: &Scenario, pod: &str, t: Duration) -> Option<bool> {
        s.timeline
            .iter()
            .filter(|st| st.at <= t)
            .filter_map(|st| match &st.action {
                Action::Readiness { pod: p, ready, .. } if p == pod => Some(*ready),
                _ => None,
            })
            .next_back()
    }

    // -- builtins -----------------------------------------------------------

    #[test]
    fn every_builtin_parses_on_its_own() {
        for (name, text) in BUILTIN_NAMES.iter().zip(BUILTIN_YAML) {
            let s = parse(&format!("{name}.yaml"), text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(s.name, *name);
            assert!(!s.description.is_empty(), "{name} needs a description");
            assert!(!s.timeline.is_empty(), "{name} tells a story");
            let loaded = load(name).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                loaded.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
                ["base", *name]
            );
        }
        let base = parse("base.yaml", BASE_YAML).unwrap();
        assert_eq!(base.namespace, None);
        assert_eq!(load("base").unwrap().len(), 1);
        assert_eq!(builtin_names(), ["blog", "mysql", "nfs", "ceph", "kafka"]);
    }

    #[test]
    fn all_is_base_then_the_five_with_one_namespace_each_and_no_clashes() {
        let list = all();
        let names: Vec<&str> = list.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["base", "blog", "mysql", "nfs", "ceph", "kafka"]);
        let namespaces: Vec<Option<&str>> = list.iter().map(|s| s.namespace.as_deref()).collect();
        assert_eq!(
            namespaces,
            [
                None,
                Some("blog"),
                Some("mysql"),
                Some("nfs-demo"),
                Some("postgres"),
                Some("kafka")
            ]
        );
        let mut seen = BTreeSet::new();
        for s in &list {
            for o in &s.objects {
                assert!(
                    seen.insert(object_key(o)),
                    "{} defines {:?} twice",
                    s.name,
                    object_key(o)
                );
            }
            // Exactly the scenario's own Namespace object.
            let ns: Vec<&str> = objects(s, "Namespace").map(name).collect();
            assert_eq!(
                ns,
                s.namespace.iter().map(String::as_str).collect::<Vec<_>>(),
                "{}",
                s.name
            );
        }
    }

    #[test]
    fn namespaced_objects_get_their_scenarios_namespace() {
        for s in all() {
            for o in &s.objects {
                let kind = o["kind"].as_str().unwrap();
                let namespaced = SUPPORTED_KINDS.iter().find(|k| k.0 == kind).unwrap().2;
                let ns = o["metadata"]["namespace"].as_str();
                if namespaced {
                    assert_eq!(ns, s.namespace.as_deref(), "{} {kind} {}", s.name, name(o));
                } else {
                    assert_eq!(ns, None, "{} {kind} {}", s.name, name(o));
                }
                assert!(o.get("status").is_none() || kind == "Node");
            }
            for w in &s.workloads {
                assert_eq!(Some(&w.namespace), s.namespace.as_ref());
            }
        }
    }

    #[test]
    fn statefulsets_select_their_pods_and_are_governed_by_a_headless_service() {
        for s in all() {
            for sts in objects(&s, "StatefulSet") {
                let labels = labels_of(sts["spec"]["template"]["metadata"].get("labels"));
                assert!(
                    selector_matches(&sts["spec"]["selector"], &labels),
                    "{}",
                    name(sts)
                );
                let service_name = sts["spec"]["serviceName"].as_str().expect("serviceName");
                let svc = object(&s, "Service", service_name);
                assert_eq!(
                    svc["spec"]["clusterIP"], "None",
                    "{service_name} must be headless"
                );
                let svc_selector = labels_of(svc["spec"].get("selector"));
                assert!(
                    svc_selector.iter().all(|(k, v)| labels.get(k) == Some(v)),
                    "Service {service_name} does not select {}'s Pods",
                    name(sts)
                );
                for c in sts["spec"]["template"]["spec"]["containers"]
                    .as_array()
                    .unwrap()
                {
                    let image = c["image"].as_str().unwrap();
                    assert!(
                        image.contains(':') && !image.ends_with(":latest"),
                        "pin images: {image}"
                    );
                    let cname = c["name"].as_str().unwrap();
                    assert!(
                        c.get("readinessProbe").is_some() || cname == "xtrabackup",
                        "{cname} has no probe"
                    );
                    assert!(
                        c["resources"]["requests"].is_object(),
                        "{cname} has no requests"
                    );
                }
            }
        }
    }

    #[test]
    fn every_story_opens_after_the_same_warmup() {
        // `all` runs one warmup for everything, so the stories share it.
        for s in all().iter().skip(1) {
            assert_eq!(s.warmup, secs(600), "{}", s.name);
        }
    }

    #[test]
    fn special_pools_are_tainted_and_only_their_own_story_touches_them() {
        let list = all();
        for s in &list {
            let own_pool = objects(s, "Node")
                .map(|n| {
                    n["metadata"]["labels"]["pool"]
                        .as_str()
                        .expect("pool label")
                        .to_string()
                })
                .next();
            for node in objects(s, "Node") {
                let labels = &node["metadata"]["labels"];
                for key in [
                    "kubernetes.io/hostname",
                    "topology.kubernetes.io/zone",
                    "node.kubernetes.io/instance-type",
                ] {
                    assert!(labels[key].is_string(), "{} lacks {key}", name(node));
                }
                assert_eq!(labels["kubernetes.io/hostname"], node["metadata"]["name"]);
                let taints = node["spec"]["taints"].as_array();
                if s.name == "base" {
                    assert!(taints.is_none(), "the general pool is untainted");
                } else {
                    let pool = own_pool.as_deref().unwrap();
                    assert!(
                        taints.unwrap().iter().any(|t| t["key"] == "pool"
                            && t["value"] == pool
                            && t["effect"] == "NoSchedule"),
                        "{} must carry the pool={pool}:NoSchedule taint",
                        name(node)
                    );
                }
            }
            for sts in objects(s, "StatefulSet") {
                let pod = &sts["spec"]["template"]["spec"];
                match (&own_pool, s.name.as_str()) {
                    (Some(pool), name) if name != "base" => {
                        assert_eq!(pod["nodeSelector"]["pool"], pool.as_str());
                        assert!(
                            pod["tolerations"]
                                .as_array()
                                .unwrap()
                                .iter()
                                .any(|t| t["value"] == pool.as_str())
                        );
                    }
                    _ => {
                        assert!(
                            pod.get("nodeSelector").is_none() && pod.get("tolerations").is_none()
                        );
                    }
                }
            }
            // Node-level steps only touch the story's own nodes.
            for step in &s.timeline {
                let node = match &step.action {
                    Action::FailNode(NodeRef::Node(n))
                    | Action::RecoverNode { node: n }
                    | Action::Cordon { node: n }
                    | Action::Uncordon { node: n } => n,
                    Action::FailNode(NodeRef::NodeOf(pod)) => {
                        let sts = pod.rsplit_once('-').unwrap().0;
                        let selector = &object(s, "StatefulSet", sts)["spec"]["template"]["spec"]["nodeSelector"]
                            ["pool"];
                        assert_eq!(
                            selector.as_str(),
                            own_pool.as_deref(),
                            "nodeOf {pod} may land outside the pool"
                        );
                        continue;
                    }
                    _ => continue,
                };
                object(s, "Node", node);
            }
        }
    }

    #[test]
    fn claim_templates_name_existing_classes_except_the_deliberately_missing_one() {
        let list = all();
        let classes: BTreeSet<&str> = list
            .iter()
            .flat_map(|s| objects(s, "StorageClass").map(name))
            .collect();
        let defaults: Vec<&str> = list
            .iter()
            .flat_map(|s| objects(s, "StorageClass"))
            .filter(|c| {
                c["metadata"]["annotations"]["storageclass.kubernetes.io/is-default-class"]
                    == "true"
            })
            .map(name)
            .collect();
        // Two default classes when everything is loaded; claims without a class are only mysql's.
        assert_eq!(defaults, ["standard", "ceph-xfs"]);
        for s in &list {
            for sts in objects(s, "StatefulSet") {
                for (t, class, _) in templates(sts) {
                    match class {
                        Some(c) if c == "managed-premium-zrs" => assert_eq!(s.name, "kafka"),
                        Some(c) => assert!(
                            classes.contains(c.as_str()),
                            "{} {t}: class {c} is missing",
                            name(sts)
                        ),
                        None => assert_eq!(s.name, "mysql"),
                    }
                }
            }
        }
    }

    // -- the stories --------------------------------------------------------

    #[test]
    fn blog_story() {
        let list = all();
        let s = scenario(&list, "blog");
        for (db, class) in [
            ("articledb", "local-path"),
            ("accesscountdb", "local-path"),
            ("rankdb", "local-path"),
            ("userdb", "csi-hostpath-sc"),
        ] {
            let sts = object(s, "StatefulSet", db);
            assert_eq!(sts["spec"]["replicas"], 1);
            assert!(
                sts["spec"]["template"]["spec"]["containers"][0]["image"]
                    .as_str()
                    .unwrap()
                    .starts_with("postgres:16")
            );
            assert_eq!(templates(sts)[0].0, "pgdata");
            assert_eq!(templates(sts)[0].1.as_deref(), Some(class));
        }
        let local = object(s, "StorageClass", "local-path");
        assert_eq!(local["provisioner"], "rancher.io/local-path");
        assert_eq!(local["volumeBindingMode"], "WaitForFirstConsumer");
        assert_eq!(local["reclaimPolicy"], "Delete");
        let hostpath = object(s, "StorageClass", "csi-hostpath-sc");
        assert_eq!(hostpath["provisioner"], "hostpath.csi.k8s.io");
        assert_eq!(hostpath["volumeBindingMode"], "Immediate");
        assert_eq!(hostpath["allowVolumeExpansion"], true);
        let delete = s
            .timeline
            .iter()
            .find(|st| matches!(&st.action, Action::Delete { resource, name, .. } if resource == "pods" && name == "rankdb-0"))
            .expect("rankdb-0 is deleted");
        assert!(
            delete.at > s.warmup && delete.at < s.warmup + secs(120),
            "shortly after the demo opens"
        );
        assert_eq!(delete.namespace.as_deref(), Some("blog"));
    }

    #[test]
    fn mysql_story() {
        let list = all();
        let s = scenario(&list, "mysql");
        let sts = object(s, "StatefulSet", "mysql");
        assert_eq!(sts["spec"]["replicas"], 3);
        assert_eq!(sts["spec"]["serviceName"], "mysql");
        let containers: Vec<&str> = sts["spec"]["template"]["spec"]["containers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(containers, ["mysql", "xtrabackup"]);
        assert_eq!(
            templates(sts),
            [("data".to_string(), None, "10Gi".to_string())]
        );
        let scales: Vec<(Duration, i32)> = s
            .timeline
            .iter()
            .filter_map(|st| match &st.action {
                Action::Scale {
                    statefulset,
                    replicas,
                } if statefulset == "mysql" => Some((st.at, *replicas)),
                _ => None,
            })
            .collect();
        assert_eq!(scales.iter().map(|s| s.1).collect::<Vec<_>>(), [5, 3]);
        assert!(
            scales.iter().all(|(at, _)| *at < s.warmup),
            "orphans exist when the demo opens"
        );
        // A window that closed during warmup, one still open when the demo opens, and it closes later.
        assert_eq!(readiness_at(s, "mysql-2", s.warmup), Some(false));
        let flips: Vec<bool> = s
            .timeline
            .iter()
            .filter_map(|st| match &st.action {
                Action::Readiness {
                    pod,
                    ready,
                    container,
                } if pod == "mysql-2" => {
                    assert_eq!(
                        container.as_deref(),
                        Some("mysql"),
                        "the probe lives on the mysql container"
                    );
                    Some(*ready)
                }
                _ => None,
            })
            .collect();
        assert_eq!(flips, [false, true, false, true]);
        assert_eq!(
            readiness_at(s, "mysql-2", s.warmup + secs(3600)),
            Some(true)
        );
        let w = &s.workloads[0];
        assert_eq!(w.volume_usage["data"].initial_bytes, 2_684_354_560);
        assert_eq!(w.volume_usage["data"].growth_per_hour_bytes, 200 << 20);
    }

    #[test]
    fn nfs_story() {
        let list = all();
        let s = scenario(&list, "nfs");
        let sts = object(s, "StatefulSet", "sample-statefulset");
        assert_eq!(sts["spec"]["replicas"], 3);
        assert_eq!(sts["spec"]["updateStrategy"]["type"], "RollingUpdate");
        assert_eq!(
            sts["spec"]["updateStrategy"]["rollingUpdate"]["partition"],
            1
        );
        let old_image = sts["spec"]["template"]["spec"]["containers"][0]["image"]
            .as_str()
            .unwrap();
        assert!(old_image.starts_with("nginx:"));
        let class = object(s, "StorageClass", "nfs");
        assert_eq!(class["provisioner"], "nfs.csi.k8s.io");
        assert_eq!(class["volumeBindingMode"], "Immediate");
        assert!(
            class["parameters"]["server"].is_string() && class["parameters"]["share"].is_string()
        );
        assert_eq!(templates(sts)[0].1.as_deref(), Some("nfs"));
        assert_eq!(objects(s, "Node").count(), 2);

        let patch = s
            .timeline
            .iter()
            .find(|st| matches!(&st.action, Action::Patch { resource, name, .. } if resource == "statefulsets" && name == "sample-statefulset"))
            .expect("image change");
        let Action::Patch {
            body, patch_type, ..
        } = &patch.action
        else {
            unreachable!()
        };
        assert_eq!(*patch_type, PatchKind::Strategic);
        let new_image = body["spec"]["template"]["spec"]["containers"][0]["image"]
            .as_str()
            .unwrap();
        assert_ne!(new_image, old_image);
        assert!(patch.at < s.warmup);
        let fail = s
            .timeline
            .iter()
            .find(|st| {
                st.action == Action::FailNode(NodeRef::NodeOf("sample-statefulset-1".into()))
            })
            .expect("node failure");
        assert!(fail.at > patch.at, "ordinal 1 is updated first");
        assert!(
            fail.at + secs(6 * 60) < s.warmup,
            "Unknown (past the eviction timeout) when the demo opens"
        );
        assert_eq!(fail.namespace.as_deref(), Some("nfs-demo"));
    }

    #[test]
    fn ceph_story() {
        let list = all();
        let s = scenario(&list, "ceph");
        for (class, provisioner) in [
            ("ceph-ext4", "rbd.csi.ceph.com"),
            ("ceph-xfs", "rbd.csi.ceph.com"),
            ("cephfs", "cephfs.csi.ceph.com"),
        ] {
            let c = object(s, "StorageClass", class);
            assert_eq!(c["provisioner"], provisioner);
            assert_eq!(c["volumeBindingMode"], "Immediate");
            assert_eq!(c["reclaimPolicy"], "Delete");
            assert_eq!(c["allowVolumeExpansion"], true);
            assert!(c["parameters"]["clusterID"].is_string());
            assert!(c["parameters"]["csi.storage.k8s.io/provisioner-secret-name"].is_string());
        }
        assert_eq!(
            object(s, "StorageClass", "ceph-xfs")["parameters"]["csi.storage.k8s.io/fstype"],
            "xfs"
        );
        let sts = object(s, "StatefulSet", "postgresql-k8s");
        assert_eq!(sts["spec"]["replicas"], 3);
        assert_eq!(
            templates(sts),
            [
                (
                    "pgdata".to_string(),
                    Some("ceph-xfs".to_string()),
                    "20Gi".to_string()
                ),
                (
                    "logs".to_string(),
                    Some("ceph-ext4".to_string()),
                    "1Gi".to_string()
                )
            ]
        );
        assert!(s.timeline.iter().any(|st| st.at < s.warmup
            && st.action
                == Action::Scale {
                    statefulset: "postgresql-k8s".into(),
                    replicas: 2
                }));
        let resize = s
            .timeline
            .iter()
            .find_map(|st| match &st.action {
                Action::Resize {
                    claim, size_bytes, ..
                } => Some((st.at, claim.as_str(), *size_bytes)),
                _ => None,
            })
            .expect("a resize");
        assert_eq!(resize.1, "pgdata-postgresql-k8s-0");
        assert_eq!(resize.2, 40 << 30);
        let timing = s.storage.iter().find(|t| t.class == "ceph-xfs").unwrap();
        assert!(
            resize.0 < s.warmup && resize.0 + timing.resize_after > s.warmup,
            "mid-resize when the demo opens"
        );
        assert!(timing.file_system_resize_after > Duration::ZERO);
    }

    #[test]
    fn kafka_story() {
        let list = all();
        let s = scenario(&list, "kafka");
        let retain = object(s, "StorageClass", "managed-premium-retain");
        assert_eq!(retain["provisioner"], "disk.csi.azure.com");
        assert_eq!(retain["reclaimPolicy"], "Retain");
        assert_eq!(retain["volumeBindingMode"], "WaitForFirstConsumer");
        for sts in ["kafka", "zookeeper"] {
            let t = templates(object(s, "StatefulSet", sts));
            assert_eq!(t[0].1.as_deref(), Some("managed-premium-retain"));
        }
        // Released PV: scale 4 -> 3, then the claim of ordinal 3 is deleted.
        assert_eq!(object(s, "StatefulSet", "kafka")["spec"]["replicas"], 4);
        let scale = s
            .timeline
            .iter()
            .position(|st| {
                st.action
                    == Action::Scale {
                        statefulset: "kafka".into(),
                        replicas: 3,
                    }
            })
            .unwrap();
        let delete = s
            .timeline
            .iter()
            .position(|st| matches!(&st.action, Action::Delete { resource, name, .. } if resource == "persistentvolumeclaims" && name == "data-kafka-3"))
            .unwrap();
        assert!(scale < delete && s.timeline[delete].at < s.warmup);
        // Pending claim: its class really is missing from everything loaded together.
        let registry = templates(object(s, "StatefulSet", "schema-registry"));
        assert_eq!(registry[0].1.as_deref(), Some("managed-premium-zrs"));
        assert!(
            list.iter()
                .all(|sc| objects(sc, "StorageClass").all(|c| name(c) != "managed-premium-zrs"))
        );
        // Static local PV pinned to one node of the kafka pool, claimed by ksqldb-server.
        let local = object(s, "StorageClass", "local-storage");
        assert_eq!(local["provisioner"], "kubernetes.io/no-provisioner");
        assert_eq!(local["volumeBindingMode"], "WaitForFirstConsumer");
        let pvs: Vec<&Value> = objects(s, "PersistentVolume").collect();
        assert_eq!(pvs.len(), 1);
        let pv = pvs[0];
        assert_eq!(pv["spec"]["storageClassName"], "local-storage");
        assert!(
            pv["spec"]["local"]["path"]
                .as_str()
                .unwrap()
                .starts_with("/mnt/disks/")
        );
        let term =
            &pv["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]["matchExpressions"][0];
        assert_eq!(term["key"], "kubernetes.io/hostname");
        let node = term["values"][0].as_str().unwrap();
        assert_eq!(
            object(s, "Node", node)["metadata"]["labels"]["pool"],
            "kafka"
        );
        let ksql = templates(object(s, "StatefulSet", "ksqldb-server"));
        assert_eq!(ksql[0].1.as_deref(), Some("local-storage"));
        let pv_size = parse_quantity(pv["spec"]["capacity"]["storage"].as_str().unwrap()).unwrap();
        assert!(
            parse_quantity(&ksql[0].2).unwrap() <= pv_size,
            "the claim fits the PV"
        );
        let cordon = s
            .timeline
            .iter()
            .find(|st| st.action == Action::Cordon { node: node.into() })
            .expect("cordon");
        assert!(cordon.at < s.warmup);
        assert_eq!(cordon.namespace, None);
        assert!(s.timeline.iter().any(|st| st.at > cordon.at
            && matches!(&st.action, Action::Delete { resource, name, .. } if resource == "pods" && name == "ksqldb-server-0")));
    }

    // -- durations and quantities -------------------------------------------

    #[test]
    fn durations() {
        let ok = [
            ("30s", secs(30)),
            ("5m", secs(300)),
            ("1h30m", secs(5400)),
            ("90s", secs(90)),
            ("2m30s", secs(150)),
            ("0", Duration::ZERO),
            ("0s", Duration::ZERO),
            ("1h0m5s", secs(3605)),
            ("1.5h", secs(5400)),
            ("2.25m", secs(135)),
            ("500ms", Duration::from_millis(500)),
            ("1m30s250ms", Duration::from_millis(90_250)),
            ("48h", secs(48 * 3600)),
        ];
        for (input, want) in ok {
            assert_eq!(
                parse_duration(input).unwrap_or_else(|e| panic!("{e}")),
                want,
                "{input}"
            );
        }
        let bad = [
            ("", "empty"),
            ("5", "missing unit"),
            ("abc", "expected a number"),
            ("5x", "unknown unit `x`"),
            ("5M", "unknown unit `M`"),
            ("5min", "unknown unit `min`"),
            ("1d", "days are not supported"),
            ("-5m", "negative"),
            ("1m1h", "larger to smaller"),
            ("1m1m", "larger to smaller"),
            (" 5m", "expected a number"),
            ("5 m", "unknown unit"),
            ("1.m", "not a number"),
            ("1..5s", "not a number"),
            ("99999999999999999999999999999999999999999h", "too large"),
        ];
        for (input, reason) in bad {
            let err = parse_duration(input).expect_err(input).to_string();
            assert!(
                err.contains(reason) && err.contains(&format!("`{input}`")),
                "{input}: {err}"
            );
        }
        for d in [
            secs(0),
            secs(90),
            secs(5400),
            secs(3605),
            Duration::from_millis(90_250),
        ] {
            assert_eq!(parse_duration(&format_duration(d)).unwrap(), d);
        }
        assert_eq!(format_duration(secs(5400)), "1h30m");
    }

    #[test]
    fn quantities() {
        let ok: &[(&str, u64)] = &[
            ("0", 0),
            ("1024", 1024),
            ("+5", 5),
            ("1Ki", 1024),
            ("1.5Ki", 1536),
            ("200Mi", 200 * 1024 * 1024),
            ("2.5Gi", 2_684_354_560),
            ("0.1Gi", 107_374_183), // 107374182.4 rounded up, like Quantity.Value()
            ("20Gi", 20 << 30),
            ("1Ti", 1 << 40),
            ("1Pi", 1 << 50),
            ("1Ei", 1 << 60),
            ("15Ei", 15 << 60),
            ("1k", 1_000),
            ("500M", 500_000_000),
            ("10G", 10_000_000_000),
            ("1T", 1_000_000_000_000),
            ("1P", 1_000_000_000_000_000),
            ("1E", 1_000_000_000_000_000_000),
            ("1e3", 1_000),
            ("1E3", 1_000),
            ("1.5e3", 1_500),
            ("12e0", 12),
            ("5e-1", 1),
            ("0.5", 1),
            (".5", 1),
            ("500m", 1),
            ("1500m", 2),
            ("2.000", 2),
            ("007", 7),
            ("18446744073709551615", u64::MAX),
        ];
        for (input, want) in ok {
            assert_eq!(
                parse_quantity(input).unwrap_or_else(|e| panic!("{e}")),
                *want,
                "{input}"
            );
        }
        let bad = [
            ("", "empty"),
            ("-1Gi", "negative"),
            ("1GB", "no `B`"),
            ("1Gb", "no `B`"),
            ("1gi", "case-sensitive"),
            ("1K", "case-sensitive"),
            ("Gi", "expected a number"),
            ("abc", "expected a number"),
            (" 1Gi", "whitespace"),
            ("1 Gi", "unknown suffix ` Gi`"),
            ("1e", "unknown suffix `e`"),
            ("1e1000", "out of range"),
            ("1e99", "out of range"),
            ("1.2.3", "unknown suffix"),
            ("1Gi5", "unknown suffix"),
            ("16Ei", "too large"),
            ("18446744073709551616", "too large"),
        ];
        for (input, reason) in bad {
            let err = parse_quantity(input).expect_err(input).to_string();
            assert!(
                err.contains(reason) && err.contains(&format!("`{input}`")),
                "{input}: {err}"
            );
        }
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

    fn fails(text: &str) -> (ScenarioError, String) {
        let err = parse("t.yaml", text).expect_err("should be rejected");
        let msg = err.to_string();
        assert!(msg.starts_with("t.yaml: "), "{msg}");
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
            msg.contains(
                "container `sidecar` is not a container of Pod `web-0` (containers: nginx)"
            ),
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
            matches!(err, ScenarioError::UnknownAction { ref key, .. } if key == "explode"),
            "{msg}"
        );
        assert!(
            msg.contains(
                "`spec.timeline[0]`: unknown action `explode` (expected one of: scale, patch"
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
            msg.contains("missing required field `spec.timeline[0].at`"),
            "{msg}"
        );
        let (err, msg) = fails(&timeline(
            "  - {at: 1m, scale: {statefulset: web, replica: 1}}\n",
        ));
        assert!(
            matches!(err, ScenarioError::UnknownField { ref key, .. } if key == "replica"),
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
        assert!(msg.contains("`json` is not a patch type"), "{msg}");
        let (_, msg) = fails(&timeline(
            "  - {at: 1m, readiness: {pod: web-0, ready: 'no'}}\n",
        ));
        assert!(msg.contains("expected true or false"), "{msg}");
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
            msg.contains("`spec.warmup`: expected a duration with a unit"),
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
            msg.contains(
                "namespace `t` is used but not defined in this file; add a Namespace object"
            ),
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
            msg.contains("(StatefulSet web)") && msg.contains("not a valid StatefulSet"),
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
            matches!(err, ScenarioError::UnknownField { ref key, .. } if key == "warmpu"),
            "{msg}"
        );
        assert!(
            msg.contains(
                "`spec`: unknown field `warmpu` (expected one of: namespace, description, warmup"
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
        let err = load_file(&fixture("  storage:\n  - {class: standard}\n", ""))
            .expect_err("timing twice");
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
}
