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
/// The plural is what ends up in [`Action::Patch::resource`] / [`Action::Delete::resource`].
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
    Yaml { at: Location, message: String },

    #[error("{at}: expected a mapping (a Kubernetes object or the Scenario document), found {found}")]
    NotAMapping { at: Location, found: String },

    #[error("{at}: missing required field `{field}`")]
    MissingField { at: Location, field: String },

    #[error("{at}: `{field}`: {message}")]
    InvalidField {
        at: Location,
        field: String,
        message: String,
    },

    #[error("{at}: `{field}`: unknown field `{key}` (expected one of: {expected})")]
    UnknownField {
        at: Location,
        field: String,
        key: String,
        expected: String,
    },

    #[error("{at}: unsupported kind `{kind}` (supported: {})", supported_kinds())]
    UnknownKind { at: Location, kind: String },

    #[error("{at}: kind `{kind}` has apiVersion `{api_version}`, expected `{expected}`")]
    WrongApiVersion {
        at: Location,
        kind: String,
        api_version: String,
        expected: String,
    },

    #[error("{at}: duplicate object {object}: already defined in document {first_document}")]
    DuplicateObject {
        at: Location,
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
    DuplicateScenario { at: Location, first_document: usize },

    #[error(
        "{at}: namespace `{namespace}` is used but not defined in this file; add a Namespace object (apiVersion: v1, kind: Namespace, metadata.name: {namespace})"
    )]
    MissingNamespace { at: Location, namespace: String },

    #[error(
        "{at}: `{field}`: StatefulSet `{name}` is not defined in namespace `{namespace}` of this file (defined there: {defined})"
    )]
    UnknownStatefulSet {
        at: Location,
        field: String,
        namespace: String,
        name: String,
        defined: String,
    },

    #[error("{at}: `{field}`: {what} `{name}` {problem}")]
    UnknownReference {
        at: Location,
        field: String,
        what: String,
        name: String,
        problem: String,
    },

    #[error("{at}: `{field}`: unknown action `{key}` (expected one of: {})", ACTIONS.join(", "))]
    UnknownAction {
        at: Location,
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

    #[error("{source_name}: {object} is also defined in {other_source}; scenarios loaded together must not define the same object")]
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
            "" => return Err(err(format!("missing unit after `{num}` (use h, m, s or ms)"))),
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
    let err = |reason: &str| ScenarioError::InvalidQuantity {
        input: s.to_string(),
        reason: reason.to_string(),
    };
    if s.is_empty() {
        return Err(err("empty"));
    }
    if s.trim() != s {
        return Err(err("surrounding whitespace"));
    }
    let mut rest = s;
    if let Some(r) = rest.strip_prefix('+') {
        rest = r;
    } else if rest.starts_with('-') {
        return Err(err("negative quantities are not allowed"));
    }
    let int_len = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    let int_digits = &rest[..int_len];
    rest = &rest[int_len..];
    let mut frac_digits = "";
    if let Some(r) = rest.strip_prefix('.') {
        let frac_len = r.find(|c: char| !c.is_ascii_digit()).unwrap_or(r.len());
        frac_digits = &r[..frac_len];
        rest = &r[frac_len..];
    }
    if int_digits.is_empty() && frac_digits.is_empty() {
        return Err(err("expected a number, e.g. 10Gi, 500M, 1e3 or 1024"));
    }
    let suffix = rest;

    // value = mantissa * num / den, all exact in u128.
    let int_digits = int_digits.trim_start_matches('0');
    let frac_digits = frac_digits.trim_end_matches('0');
    let digits = format!("{int_digits}{frac_digits}");
    let digits = digits.trim_start_matches('0');
    if digits.len() > 30 {
        return Err(err("too many significant digits"));
    }
    let mantissa: u128 = if digits.is_empty() {
        0
    } else {
        digits.parse().map_err(|_| err("not a number"))?
    };
    let too_large = || err("too large (above 2^64-1)");
    let pow10 = |e: u32| 10u128.checked_pow(e);
    let mut num: u128 = 1;
    let mut den: u128 = pow10(frac_digits.len() as u32).ok_or_else(too_large)?;
    let binary = |power: u32| 1u128 << (10 * power);
    match suffix {
        "" => {}
        "Ki" => num = binary(1),
        "Mi" => num = binary(2),
        "Gi" => num = binary(3),
        "Ti" => num = binary(4),
        "Pi" => num = binary(5),
        "Ei" => num = binary(6),
        "n" => den *= 1_000_000_000,
        "u" => den *= 1_000_000,
        "m" => den *= 1_000,
        "k" => num = 1_000,
        "M" => num = 1_000_000,
        "G" => num = 1_000_000_000,
        "T" => num = 1_000_000_000_000,
        "P" => num = 1_000_000_000_000_000,
        "E" => num = 1_000_000_000_000_000_000,
        _ => {
            let exponent = suffix
                .strip_prefix(['e', 'E'])
                .filter(|e| !e.is_empty())
                .and_then(|e| e.parse::<i32>().ok());
            match exponent {
                Some(e) if e.unsigned_abs() > 40 => return Err(err("exponent out of range")),
                Some(e) if e >= 0 => num = pow10(e as u32).ok_or_else(too_large)?,
                Some(e) => {
                    den = den
                        .checked_mul(pow10(e.unsigned_abs()).ok_or_else(too_large)?)
                        .ok_or_else(|| err("exponent out of range"))?
                }
                None => {
                    let hint = if suffix.ends_with(['B', 'b']) {
                        " (no `B`: write Gi for gibibytes or G for gigabytes)"
                    } else if matches!(suffix, "K" | "ki" | "mi" | "gi" | "ti") {
                        " (suffixes are case-sensitive: k, Ki, Mi, Gi, Ti)"
                    } else {
                        ""
                    };
                    return Err(ScenarioError::InvalidQuantity {
                        input: s.to_string(),
                        reason: format!(
                            "unknown suffix `{suffix}`{hint}; expected one of Ki, Mi, Gi, Ti, Pi, Ei, k, M, G, T, P, E, m, or an exponent like e3"
                        ),
                    });
                }
            }
        }
    }
    let scaled = mantissa.checked_mul(num).ok_or_else(too_large)?;
    let value = scaled.div_ceil(den);
    u64::try_from(value).map_err(|_| too_large())
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
    let ok_chars = name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || (!label && b == b'.'));
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
            at: self.at.clone(),
            field: field.to_string(),
            message: message.into(),
        }
    }

    fn missing(&self, field: &str) -> ScenarioError {
        ScenarioError::MissingField {
            at: self.at.clone(),
            field: field.to_string(),
        }
    }

    fn map<'v>(&self, v: &'v Value, field: &str) -> Result<&'v Map<String, Value>, ScenarioError> {
        v.as_object()
            .ok_or_else(|| self.invalid(field, format!("expected a mapping, found {}", type_name(v))))
    }

    fn list<'v>(&self, v: &'v Value, field: &str) -> Result<&'v Vec<Value>, ScenarioError> {
        v.as_array()
            .ok_or_else(|| self.invalid(field, format!("expected a list, found {}", type_name(v))))
    }

    fn only_keys(&self, m: &Map<String, Value>, field: &str, allowed: &[&str]) -> Result<(), ScenarioError> {
        for key in m.keys() {
            if !allowed.contains(&key.as_str()) {
                return Err(ScenarioError::UnknownField {
                    at: self.at.clone(),
                    field: field.to_string(),
                    key: key.clone(),
                    expected: allowed.join(", "),
                });
            }
        }
        Ok(())
    }

    fn opt_str(&self, m: &Map<String, Value>, key: &str, field: &str) -> Result<Option<String>, ScenarioError> {
        match m.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Err(self.invalid(&join(field, key), "must not be empty")),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(v) => Err(self.invalid(&join(field, key), format!("expected a string, found {}", type_name(v)))),
        }
    }

    fn req_str(&self, m: &Map<String, Value>, key: &str, field: &str) -> Result<String, ScenarioError> {
        self.opt_str(m, key, field)?.ok_or_else(|| self.missing(&join(field, key)))
    }

    fn opt_int(&self, m: &Map<String, Value>, key: &str, field: &str, min: i64, max: i64) -> Result<Option<i64>, ScenarioError> {
        match m.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => match v.as_i64() {
                Some(n) if (min..=max).contains(&n) => Ok(Some(n)),
                Some(n) => Err(self.invalid(&join(field, key), format!("{n} is out of range ({min}..={max})"))),
                None => Err(self.invalid(&join(field, key), format!("expected a whole number, found {}", describe(v)))),
            },
        }
    }

    fn req_int(&self, m: &Map<String, Value>, key: &str, field: &str, min: i64, max: i64) -> Result<i64, ScenarioError> {
        self.opt_int(m, key, field, min, max)?.ok_or_else(|| self.missing(&join(field, key)))
    }

    fn req_bool(&self, m: &Map<String, Value>, key: &str, field: &str) -> Result<bool, ScenarioError> {
        match m.get(key) {
            None | Some(Value::Null) => Err(self.missing(&join(field, key))),
            Some(Value::Bool(b)) => Ok(*b),
            Some(v) => Err(self.invalid(&join(field, key), format!("expected true or false, found {}", describe(v)))),
        }
    }

    fn opt_duration(&self, m: &Map<String, Value>, key: &str, field: &str) -> Result<Option<Duration>, ScenarioError> {
        let path = join(field, key);
        match m.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => parse_duration(s).map(Some).map_err(|e| self.invalid(&path, e.to_string())),
            Some(Value::Number(n)) if n.as_u64() == Some(0) => Ok(Some(Duration::ZERO)),
            Some(v) => Err(self.invalid(
                &path,
                format!("expected a duration with a unit such as 30s, 5m or 1h30m, found {}", describe(v)),
            )),
        }
    }

    fn req_duration(&self, m: &Map<String, Value>, key: &str, field: &str) -> Result<Duration, ScenarioError> {
        self.opt_duration(m, key, field)?.ok_or_else(|| self.missing(&join(field, key)))
    }

    /// A quantity written as a string or a plain whole number: (bytes, as written).
    fn opt_quantity(&self, m: &Map<String, Value>, key: &str, field: &str) -> Result<Option<(u64, String)>, ScenarioError> {
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

    fn req_quantity(&self, m: &Map<String, Value>, key: &str, field: &str) -> Result<(u64, String), ScenarioError> {
        self.opt_quantity(m, key, field)?.ok_or_else(|| self.missing(&join(field, key)))
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
            at: at.clone(),
            message,
        };
        let mut yaml = serde_yaml_ng::Value::deserialize(de).map_err(|e| yaml_err(e.to_string()))?;
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
                at,
                found: type_name(&value).to_string(),
            });
        };
        let f = Fields { at: &at };
        let api_version = f.req_str(&map, "apiVersion", "")?;
        let kind = f.req_str(&map, "kind", "")?;
        if kind == SCENARIO_KIND {
            if api_version != API_VERSION {
                return Err(ScenarioError::WrongApiVersion {
                    at,
                    kind,
                    api_version,
                    expected: API_VERSION.to_string(),
                });
            }
            if let Some((first, _)) = &scenario_doc {
                return Err(ScenarioError::DuplicateScenario {
                    at,
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
    f.only_keys(&scenario_map, "", &["apiVersion", "kind", "metadata", "spec"])?;
    let metadata = f.map(scenario_map.get("metadata").ok_or_else(|| f.missing("metadata"))?, "metadata")?;
    let name = f.req_str(metadata, "name", "metadata")?;
    check_dns_name(&name, true).map_err(|m| f.invalid("metadata.name", m))?;
    let at = at.with_object(format!("Scenario {name}"));
    let f = Fields { at: &at };
    let spec = f.map(scenario_map.get("spec").ok_or_else(|| f.missing("spec"))?, "spec")?;
    f.only_keys(
        spec,
        "spec",
        &["namespace", "description", "warmup", "workloads", "storage", "timeline"],
    )?;
    let namespace = f.opt_str(spec, "namespace", "spec")?;
    if let Some(ns) = &namespace {
        check_dns_name(ns, true).map_err(|m| f.invalid("spec.namespace", m))?;
    }
    let description = f.opt_str(spec, "description", "spec")?.unwrap_or_default();
    let warmup = f.opt_duration(spec, "warmup", "spec")?.unwrap_or(Duration::ZERO);

    // Objects.
    let mut model = Model::default();
    let mut objects = Vec::with_capacity(object_docs.len());
    let mut used_namespaces: Vec<(String, Location)> = Vec::new();
    if let Some(ns) = &namespace {
        used_namespaces.push((ns.clone(), at.clone()));
    }
    for (index, map, kind, api_version) in object_docs {
        let doc_at = Location::new(source_name, index);
        let object = check_object(&doc_at, map, &kind, &api_version, namespace.as_deref(), &mut model)?;
        if let Some(ns) = object["metadata"]["namespace"].as_str() {
            let name = object["metadata"]["name"].as_str().unwrap_or_default();
            used_namespaces.push((ns.to_string(), doc_at.with_object(format!("{kind} {name}"))));
        }
        objects.push(object);
    }
    for (ns, ns_at) in used_namespaces {
        if !model.namespaces.contains(&ns) {
            return Err(ScenarioError::MissingNamespace { at: ns_at, namespace: ns });
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
    let Some(&(_, expected_api, namespaced)) = SUPPORTED_KINDS.iter().find(|(k, _, _)| *k == kind) else {
        return Err(ScenarioError::UnknownKind {
            at: doc_at.clone(),
            kind: kind.to_string(),
        });
    };
    if api_version != expected_api {
        return Err(ScenarioError::WrongApiVersion {
            at: doc_at.clone(),
            kind: kind.to_string(),
            api_version: api_version.to_string(),
            expected: expected_api.to_string(),
        });
    }
    let metadata = f.map(map.get("metadata").ok_or_else(|| f.missing("metadata"))?, "metadata")?;
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
        let ns = match f.opt_str(metadata, "namespace", "metadata")? {
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
        };
        ns
    } else {
        if metadata.contains_key("namespace") {
            return Err(f.invalid("metadata.namespace", format!("{kind} is cluster-scoped and takes no namespace")));
        }
        String::new()
    };

    let key = (kind.to_string(), namespace.clone(), name.clone());
    if let Some(first) = model.keys.get(&key) {
        return Err(ScenarioError::DuplicateObject {
            at: doc_at.clone(),
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
            check_enum(&f, value.as_object().expect("object"), "volumeBindingMode", "", &["Immediate", "WaitForFirstConsumer"])?;
            check_enum(&f, value.as_object().expect("object"), "reclaimPolicy", "", &["Delete", "Retain"])?;
            let expansion = value.get("allowVolumeExpansion").and_then(Value::as_bool).unwrap_or(false);
            model.classes.insert(name.clone(), expansion);
        }
        "PersistentVolume" => {
            let capacity = f.map(spec.get("capacity").ok_or_else(|| f.missing("spec.capacity"))?, "spec.capacity")?;
            f.req_quantity(capacity, "storage", "spec.capacity")?;
            check_enum(&f, spec, "persistentVolumeReclaimPolicy", "spec", &["Delete", "Retain", "Recycle"])?;
        }
        "PersistentVolumeClaim" => {
            let request = claim_request(&f, spec, "spec")?;
            let class = f.opt_str(spec, "storageClassName", "spec")?;
            model.claims.insert((namespace.clone(), name.clone()), ClaimInfo { class, request });
        }
        "Pod" => {
            let containers = container_names(&f, spec, "spec")?;
            model.pods.insert((namespace.clone(), name.clone()), containers);
        }
        "StatefulSet" => {
            let info = check_statefulset(&f, spec)?;
            model.statefulsets.insert((namespace.clone(), name.clone()), info);
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

fn check_enum(f: &Fields<'_>, m: &Map<String, Value>, key: &str, field: &str, allowed: &[&str]) -> Result<(), ScenarioError> {
    if let Some(v) = f.opt_str(m, key, field)?
        && !allowed.contains(&v.as_str())
    {
        return Err(f.invalid(&join(field, key), format!("`{v}` is not one of {}", allowed.join(", "))));
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

fn claim_request(f: &Fields<'_>, spec: &Map<String, Value>, field: &str) -> Result<u64, ScenarioError> {
    let resources_field = join(field, "resources");
    let resources = f.map(spec.get("resources").ok_or_else(|| f.missing(&resources_field))?, &resources_field)?;
    let requests_field = join(&resources_field, "requests");
    let requests = f.map(resources.get("requests").ok_or_else(|| f.missing(&requests_field))?, &requests_field)?;
    Ok(f.req_quantity(requests, "storage", &requests_field)?.0)
}

fn container_names(f: &Fields<'_>, pod_spec: &Map<String, Value>, field: &str) -> Result<Vec<String>, ScenarioError> {
    let containers_field = join(field, "containers");
    let containers = f.list(pod_spec.get("containers").ok_or_else(|| f.missing(&containers_field))?, &containers_field)?;
    if containers.is_empty() {
        return Err(f.invalid(&containers_field, "needs at least one container"));
    }
    let mut names = Vec::new();
    for (i, c) in containers.iter().enumerate() {
        let path = format!("{containers_field}[{i}]");
        let name = f.req_str(f.map(c, &path)?, "name", &path)?;
        if names.contains(&name) {
            return Err(f.invalid(&join(&path, "name"), format!("duplicate container name `{name}`")));
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

fn check_statefulset(f: &Fields<'_>, spec: &Map<String, Value>) -> Result<StatefulSetInfo, ScenarioError> {
    if spec.is_empty() {
        return Err(f.missing("spec"));
    }
    let selector = spec.get("selector").ok_or_else(|| f.missing("spec.selector"))?;
    f.map(selector, "spec.selector")?;
    let template = f.map(spec.get("template").ok_or_else(|| f.missing("spec.template"))?, "spec.template")?;
    let labels = labels_of(template.get("metadata").and_then(|m| m.get("labels")));
    if labels.is_empty() {
        return Err(f.missing("spec.template.metadata.labels"));
    }
    if labels_of(selector.get("matchLabels")).is_empty() && selector.get("matchExpressions").is_none() {
        return Err(f.invalid("spec.selector", "an empty selector would select every Pod; set matchLabels"));
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
    check_enum(f, spec, "podManagementPolicy", "spec", &["OrderedReady", "Parallel"])?;
    if let Some(strategy) = spec.get("updateStrategy") {
        check_enum(f, f.map(strategy, "spec.updateStrategy")?, "type", "spec.updateStrategy", &["RollingUpdate", "OnDelete"])?;
    }
    let pod_spec = f.map(template.get("spec").ok_or_else(|| f.missing("spec.template.spec"))?, "spec.template.spec")?;
    let containers = container_names(f, pod_spec, "spec.template.spec")?;

    let mut templates: Vec<(String, Option<String>, u64)> = Vec::new();
    if let Some(list) = spec.get("volumeClaimTemplates") {
        for (i, t) in f.list(list, "spec.volumeClaimTemplates")?.iter().enumerate() {
            let path = format!("spec.volumeClaimTemplates[{i}]");
            let t = f.map(t, &path)?;
            let meta_path = join(&path, "metadata");
            let meta = f.map(t.get("metadata").ok_or_else(|| f.missing(&meta_path))?, &meta_path)?;
            let name = f.req_str(meta, "name", &meta_path)?;
            check_dns_name(&name, true).map_err(|m| f.invalid(&join(&meta_path, "name"), m))?;
            if templates.iter().any(|(n, _, _)| *n == name) {
                return Err(f.invalid(&join(&meta_path, "name"), format!("duplicate claim template `{name}`")));
            }
            let spec_path = join(&path, "spec");
            let tspec = f.map(t.get("spec").ok_or_else(|| f.missing(&spec_path))?, &spec_path)?;
            let request = claim_request(f, tspec, &spec_path)?;
            let class = f.opt_str(tspec, "storageClassName", &spec_path)?;
            templates.push((name, class, request));
        }
    }

    // Every volumeMount names a pod volume or a claim template (the API server checks this too).
    let mut volumes: BTreeSet<String> = templates.iter().map(|(n, _, _)| n.clone()).collect();
    if let Some(list) = pod_spec.get("volumes").and_then(Value::as_array) {
        volumes.extend(list.iter().filter_map(|v| v.get("name")?.as_str().map(str::to_string)));
    }
    for key in ["initContainers", "containers"] {
        for (i, c) in pod_spec.get(key).and_then(Value::as_array).into_iter().flatten().enumerate() {
            for (j, m) in c.get("volumeMounts").and_then(Value::as_array).into_iter().flatten().enumerate() {
                let name = m.get("name").and_then(Value::as_str).unwrap_or_default();
                if !volumes.contains(name) {
                    return Err(f.invalid(
                        &format!("spec.template.spec.{key}[{i}].volumeMounts[{j}].name"),
                        format!("`{name}` is neither a volume nor a volumeClaimTemplate (have: {})", list_or_none(&volumes)),
                    ));
                }
            }
        }
    }
    Ok(StatefulSetInfo { containers, templates })
}

fn require_namespace<'n>(f: &Fields<'_>, namespace: Option<&'n str>, field: &str) -> Result<&'n str, ScenarioError> {
    namespace.ok_or_else(|| {
        f.invalid(
            field,
            "no namespace: set `namespace` here or spec.namespace in the Scenario document",
        )
    })
}

fn require_statefulset(f: &Fields<'_>, model: &Model, namespace: &str, name: &str, field: &str) -> Result<(), ScenarioError> {
    if model.statefulsets.contains_key(&(namespace.to_string(), name.to_string())) {
        Ok(())
    } else {
        Err(ScenarioError::UnknownStatefulSet {
            at: f.at.clone(),
            field: field.to_string(),
            namespace: namespace.to_string(),
            name: name.to_string(),
            defined: model.statefulset_names(namespace),
        })
    }
}

fn require_pod<'m>(f: &Fields<'_>, model: &'m Model, namespace: &str, pod: &str, field: &str) -> Result<&'m [String], ScenarioError> {
    model.pod_containers(namespace, pod).ok_or_else(|| ScenarioError::UnknownReference {
        at: f.at.clone(),
        field: field.to_string(),
        what: "Pod".into(),
        name: pod.to_string(),
        problem: format!(
            "is neither a Pod in this file nor an ordinal `<statefulset>-<n>` of a StatefulSet in namespace `{namespace}` (StatefulSets: {})",
            model.statefulset_names(namespace)
        ),
    })
}

fn require_claim(f: &Fields<'_>, model: &Model, namespace: &str, claim: &str, field: &str) -> Result<ClaimInfo, ScenarioError> {
    model.claim(namespace, claim).ok_or_else(|| ScenarioError::UnknownReference {
        at: f.at.clone(),
        field: field.to_string(),
        what: "PersistentVolumeClaim".into(),
        name: claim.to_string(),
        problem: format!(
            "is neither a claim in this file nor `<template>-<statefulset>-<n>` of a StatefulSet in namespace `{namespace}` (StatefulSets: {})",
            model.statefulset_names(namespace)
        ),
    })
}

fn parse_workloads(f: &Fields<'_>, spec: &Map<String, Value>, namespace: Option<&str>, model: &Model) -> Result<Vec<Workload>, ScenarioError> {
    let Some(list) = spec.get("workloads") else {
        return Ok(Vec::new());
    };
    let mut out: Vec<Workload> = Vec::new();
    for (i, entry) in f.list(list, "spec.workloads")?.iter().enumerate() {
        let path = format!("spec.workloads[{i}]");
        let m = f.map(entry, &path)?;
        f.only_keys(m, &path, &["statefulset", "namespace", "startAfter", "readyAfter", "volumeUsage"])?;
        let statefulset = f.req_str(m, "statefulset", &path)?;
        let ns = match f.opt_str(m, "namespace", &path)? {
            Some(ns) => ns,
            None => require_namespace(f, namespace, &join(&path, "namespace"))?.to_string(),
        };
        require_statefulset(f, model, &ns, &statefulset, &join(&path, "statefulset"))?;
        if let Some(j) = out.iter().position(|w| w.namespace == ns && w.statefulset == statefulset) {
            return Err(f.invalid(&join(&path, "statefulset"), format!("`{statefulset}` already has an entry at spec.workloads[{j}]")));
        }
        let info = &model.statefulsets[&(ns.clone(), statefulset.clone())];
        let mut volume_usage = BTreeMap::new();
        if let Some(usage) = m.get("volumeUsage") {
            let usage_path = join(&path, "volumeUsage");
            for (template, u) in f.map(usage, &usage_path)? {
                let upath = join(&usage_path, template);
                if !info.templates.iter().any(|(t, _, _)| t == template) {
                    return Err(ScenarioError::UnknownReference {
                        at: f.at.clone(),
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
                        growth_per_hour_bytes: f.opt_quantity(um, "growthPerHour", &upath)?.map_or(0, |q| q.0),
                        inodes_used: f.opt_int(um, "inodesUsed", &upath, 0, i64::MAX)?.unwrap_or(0) as u64,
                    },
                );
            }
        }
        out.push(Workload {
            namespace: ns,
            statefulset,
            start_after: f.opt_duration(m, "startAfter", &path)?.unwrap_or(DEFAULT_START_AFTER),
            ready_after: f.opt_duration(m, "readyAfter", &path)?.unwrap_or(DEFAULT_READY_AFTER),
            volume_usage,
        });
    }
    Ok(out)
}

fn parse_storage(f: &Fields<'_>, spec: &Map<String, Value>) -> Result<Vec<StorageTiming>, ScenarioError> {
    let Some(list) = spec.get("storage") else {
        return Ok(Vec::new());
    };
    let mut out: Vec<StorageTiming> = Vec::new();
    for (i, entry) in f.list(list, "spec.storage")?.iter().enumerate() {
        let path = format!("spec.storage[{i}]");
        let m = f.map(entry, &path)?;
        f.only_keys(m, &path, &["class", "provisionAfter", "resizeAfter", "fileSystemResizeAfter"])?;
        let class = f.req_str(m, "class", &path)?;
        if let Some(j) = out.iter().position(|s| s.class == class) {
            return Err(f.invalid(&join(&path, "class"), format!("`{class}` already has an entry at spec.storage[{j}]")));
        }
        out.push(StorageTiming {
            provision_after: f.opt_duration(m, "provisionAfter", &path)?.unwrap_or(DEFAULT_PROVISION_AFTER),
            resize_after: f.opt_duration(m, "resizeAfter", &path)?.unwrap_or(DEFAULT_RESIZE_AFTER),
            file_system_resize_after: f
                .opt_duration(m, "fileSystemResizeAfter", &path)?
                .unwrap_or(DEFAULT_FILE_SYSTEM_RESIZE_AFTER),
            class,
        });
    }
    Ok(out)
}

fn parse_timeline(f: &Fields<'_>, spec: &Map<String, Value>, namespace: Option<&str>, model: &Model) -> Result<Vec<Step>, ScenarioError> {
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
                at: f.at.clone(),
                namespace: ns.clone(),
            });
        }
        let ns = step_ns.as_deref().or(namespace);
        let keys: Vec<&String> = m.keys().filter(|k| *k != "at" && *k != "namespace").collect();
        for key in &keys {
            if !ACTIONS.contains(&key.as_str()) {
                return Err(ScenarioError::UnknownAction {
                    at: f.at.clone(),
                    field: path.clone(),
                    key: key.to_string(),
                });
            }
        }
        let key = match keys.as_slice() {
            [key] => key.as_str(),
            [] => return Err(f.invalid(&path, format!("step has no action (expected one of: {})", ACTIONS.join(", ")))),
            many => {
                return Err(f.invalid(
                    &path,
                    format!(
                        "exactly one action per step, found {}: {}",
                        many.len(),
                        many.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
        };
        let apath = join(&path, key);
        let (action, namespaced) = parse_action(f, key, f.map(&m[key], &apath)?, &apath, ns, model)?;
        out.push(Step {
            at,
            namespace: if namespaced { ns.map(str::to_string) } else { None },
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
            (Action::Scale { statefulset, replicas }, true)
        }
        "patch" | "delete" => {
            let allowed: &[&str] = if key == "patch" {
                &["resource", "name", "type", "body"]
            } else {
                &["resource", "name", "gracePeriodSeconds"]
            };
            f.only_keys(m, path, allowed)?;
            let written = f.req_str(m, "resource", path)?;
            let Some(&(resource, _, kind)) = RESOURCES
                .iter()
                .find(|(plural, aliases, _)| *plural == written || aliases.contains(&written.as_str()))
            else {
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
                                at: f.at.clone(),
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
                        return Err(f.invalid(&join(path, "type"), format!("`{other}` is not a patch type (merge or strategic)")));
                    }
                };
                let body = m.get("body").ok_or_else(|| f.missing(&join(path, "body")))?;
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
            (Action::Readiness { pod, container, ready }, true)
        }
        "crash" => {
            f.only_keys(m, path, &["pod", "container", "restarts"])?;
            let pod = f.req_str(m, "pod", path)?;
            let containers = require_pod(f, model, ns()?, &pod, &join(path, "pod"))?;
            let container = f.req_str(m, "container", path)?;
            check_container(f, containers, &pod, &container, &join(path, "container"))?;
            let restarts = f.req_int(m, "restarts", path, 1, i64::from(u32::MAX))? as u32;
            (Action::Crash { pod, container, restarts }, true)
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
        "recoverNode" => (Action::RecoverNode { node: node_only(f)? }, false),
        "cordon" => (Action::Cordon { node: node_only(f)? }, false),
        "uncordon" => (Action::Uncordon { node: node_only(f)? }, false),
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
            (Action::Resize { claim, size_bytes, size }, true)
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

fn check_container(f: &Fields<'_>, containers: &[String], pod: &str, container: &str, field: &str) -> Result<(), ScenarioError> {
    if containers.iter().any(|c| c == container) {
        return Ok(());
    }
    Err(ScenarioError::UnknownReference {
        at: f.at.clone(),
        field: field.to_string(),
        what: "container".into(),
        name: container.to_string(),
        problem: format!("is not a container of Pod `{pod}` (containers: {})", containers.join(", ")),
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
            valid: ["base", "all"].iter().chain(BUILTIN_NAMES.iter()).copied().collect::<Vec<_>>().join(", "),
        });
    }
    check_together(&scenarios)?;
    Ok(scenarios)
}

/// (kind, namespace or "", name) of an object already validated by [`parse`].
fn object_key(object: &Value) -> (String, String, String) {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    (s(&object["kind"]), s(&object["metadata"]["namespace"]), s(&object["metadata"]["name"]))
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
    let require = |source: &str, field: String, kind: &str, name: &str| -> Result<(), ScenarioError> {
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
            require(&s.source, format!("spec.storage[{i}].class"), "StorageClass", &t.class)?;
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
                | Action::Uncordon { node } => require(&s.source, format!("{path}.node"), "Node", node)?,
                Action::Patch { resource, name, .. } | Action::Delete { resource, name, .. } => {
                    let kind = RESOURCES.iter().find(|r| r.0 == resource).map_or("", |r| r.2);
                    if matches!(kind, "Node" | "StorageClass" | "PersistentVolume" | "Namespace") {
                        require(&s.source, format!("{path}.name"), kind, name)?;
                    }
                }
                _ => {}
            }
        }
    }
    Ok(())
}
