//! Slim copies of the watched Kubernetes objects: only what the views use,
//! with quantities parsed to bytes and kubectl's Pod columns computed once at
//! the edge.

use jiff::Timestamp;

/// A status condition of any kind, slimmed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Condition {
    pub type_: String,
    pub status: String,
    pub reason: String,
    pub message: String,
    pub since: Option<Timestamp>,
}

impl Condition {
    pub fn is_true(&self) -> bool {
        self.status == "True"
    }
}

/// A volumeClaimTemplate of a StatefulSet.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClaimTemplate {
    pub name: String,
    pub storage_class: Option<String>,
    pub request_bytes: Option<u64>,
    pub access_modes: Vec<String>,
}

/// `spec.updateStrategy`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateStrategy {
    RollingUpdate {
        partition: i32,
        /// `maxUnavailable` as written (`2`, `25%`), when set.
        max_unavailable: Option<String>,
    },
    OnDelete,
}

impl Default for UpdateStrategy {
    fn default() -> Self {
        UpdateStrategy::RollingUpdate {
            partition: 0,
            max_unavailable: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StatefulSet {
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub created: Option<Timestamp>,
    pub deleting: Option<Timestamp>,
    pub generation: i64,
    /// `app=mysql,tier in (db)`.
    pub selector: String,
    pub service: String,
    /// `spec.replicas` (default 1).
    pub replicas: i32,
    /// `spec.ordinals.start` (default 0).
    pub ordinals_start: i32,
    pub strategy: UpdateStrategy,
    /// `OrderedReady` (default) or `Parallel`.
    pub pod_management: String,
    pub templates: Vec<ClaimTemplate>,
    /// Images of the template's init and regular containers.
    pub images: Vec<String>,
    /// `persistentVolumeClaimRetentionPolicy` (defaults `Retain`).
    pub when_deleted: String,
    pub when_scaled: String,
    pub min_ready_seconds: i32,
    pub status: SetStatus,
}

impl StatefulSet {
    pub fn is_ordered_ready(&self) -> bool {
        self.pod_management != "Parallel"
    }
    /// The exclusive end of the ordinal range `start..start+replicas`.
    pub fn ordinals_end(&self) -> i32 {
        self.ordinals_start.saturating_add(self.replicas.max(0))
    }
    /// The part of a revision name after `<set>-`.
    pub fn revision_hash<'a>(&self, revision: &'a str) -> &'a str {
        revision
            .strip_prefix(self.name.as_str())
            .and_then(|r| r.strip_prefix('-'))
            .unwrap_or(revision)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SetStatus {
    pub observed_generation: i64,
    pub replicas: i32,
    pub ready: i32,
    pub current: i32,
    pub updated: i32,
    pub available: i32,
    pub current_revision: String,
    pub update_revision: String,
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pod {
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub created: Option<Timestamp>,
    pub deleting: Option<Timestamp>,
    pub grace_seconds: Option<i64>,
    /// Name of the controlling StatefulSet (controller ownerReference).
    pub owner_set: Option<String>,
    /// `controller-revision-hash` label (a ControllerRevision name).
    pub revision: String,
    pub node: String,
    pub ip: String,
    pub phase: String,
    /// `status.reason` (`NodeLost`, `Evicted`…).
    pub reason: String,
    /// kubectl's STATUS column.
    pub status_text: String,
    pub ready_containers: u32,
    pub total_containers: u32,
    /// The `Ready` condition.
    pub ready: bool,
    /// When the `Ready` condition last changed.
    pub ready_since: Option<Timestamp>,
    pub restarts: i32,
    pub last_restart: Option<Timestamp>,
    /// `PodScheduled=False` reason and message, when unschedulable.
    pub unschedulable: Option<(String, String)>,
    /// Claims the Pod mounts (`persistentVolumeClaim` and ephemeral volumes).
    pub claims: Vec<String>,
}

impl Pod {
    /// Running, Ready and not being deleted: what the StatefulSet controller
    /// calls healthy.
    pub fn is_healthy(&self) -> bool {
        self.phase == "Running" && self.ready && self.deleting.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Claim {
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub created: Option<Timestamp>,
    pub deleting: Option<Timestamp>,
    pub phase: String,
    /// `spec.storageClassName`: `None` unset, `Some("")` explicitly no class.
    pub storage_class: Option<String>,
    /// `spec.volumeName`.
    pub volume_name: String,
    pub request_bytes: Option<u64>,
    pub capacity_bytes: Option<u64>,
    pub access_modes: Vec<String>,
    pub conditions: Vec<Condition>,
    /// `status.allocatedResourceStatuses["storage"]`
    /// (`ControllerResizeInProgress`, `NodeResizePending`…).
    pub resize_status: String,
    /// `volume.kubernetes.io/selected-node` annotation.
    pub selected_node: String,
}

impl Claim {
    pub fn condition(&self, type_: &str) -> Option<&Condition> {
        self.conditions
            .iter()
            .find(|c| c.type_ == type_ && c.is_true())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Volume {
    pub name: String,
    pub uid: String,
    pub created: Option<Timestamp>,
    pub deleting: Option<Timestamp>,
    pub phase: String,
    pub message: String,
    pub capacity_bytes: Option<u64>,
    pub access_modes: Vec<String>,
    /// Default `Retain` for static PVs (the API server defaults it).
    pub reclaim_policy: String,
    pub storage_class: String,
    /// `(namespace, name)` of `spec.claimRef`.
    pub claim_ref: Option<(String, String)>,
    pub claim_uid: String,
    /// `csi rbd.csi.ceph.com 0001-…`, `local /mnt/disks/ssd1`, `nfs 10.0.0.5:/exports/x`.
    pub source: String,
    /// `kubernetes.io/hostname in (worker-3)`; terms joined by ` or `.
    pub node_affinity: String,
    /// Nodes the affinity pins the volume to, when it is a plain
    /// `kubernetes.io/hostname In (…)` requirement; empty otherwise.
    pub pinned_nodes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StorageClass {
    pub name: String,
    pub created: Option<Timestamp>,
    pub provisioner: String,
    /// Default `Delete`.
    pub reclaim_policy: String,
    /// Default `Immediate`.
    pub binding_mode: String,
    pub allow_expansion: bool,
    pub is_default: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Node {
    pub name: String,
    pub created: Option<Timestamp>,
    /// `kubernetes.io/hostname` label (what local PV affinity names).
    pub hostname: String,
    /// The `Ready` condition status: `True`, `False`, `Unknown` (or empty when absent).
    pub ready: String,
    pub ready_reason: String,
    pub ready_since: Option<Timestamp>,
    /// `spec.unschedulable` (cordoned).
    pub unschedulable: bool,
}

impl Node {
    pub fn is_ready(&self) -> bool {
        self.ready == "True"
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Event {
    pub namespace: String,
    pub name: String,
    /// `Normal` or `Warning`.
    pub type_: String,
    pub reason: String,
    pub message: String,
    /// `(kind, namespace, name)` of the involved object.
    pub involved: (String, String, String),
    pub count: i32,
    /// Last occurrence (lastTimestamp, series, eventTime, firstTimestamp or creation).
    pub last_seen: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Revision {
    pub namespace: String,
    pub name: String,
    pub owner_set: Option<String>,
    pub revision: i64,
    pub created: Option<Timestamp>,
    /// `data`: the strategic merge patch that puts the template back (what
    /// `kubectl rollout undo` sends).
    pub data: serde_json::Value,
    /// Images of the stored template's init and regular containers.
    pub images: Vec<String>,
}

pub use super::slimming::selector_text;
