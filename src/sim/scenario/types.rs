//! What a scenario file means once read and checked: the values the
//! simulated cluster runs.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;

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
    /// 1-based document index of the Scenario document, and of each object
    /// (same order as `objects`), for messages about the whole set of files.
    pub scenario_document: usize,
    pub object_documents: Vec<usize>,
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
