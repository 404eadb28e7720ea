//! What the screens show: small structs derived from the store by the pure
//! functions in `view::*` and drawn by `ui::*`. Text that needs formatting
//! (ages, quantities, statuses) is already formatted here, so widgets only
//! lay things out and pick styles.

use serde::Serialize;

/// How bad a finding is. The order is the severity order (`Critical` worst).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

/// A reference to an object a finding or row is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ObjectRef {
    /// `StatefulSet`, `Pod`, `PersistentVolumeClaim`, `PersistentVolume`, `StorageClass`, `Node`.
    pub kind: String,
    /// Empty for cluster-scoped objects.
    pub namespace: String,
    pub name: String,
}

/// One health finding: what is wrong, why, and which objects are involved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// Stable identifier, e.g. `claim-pending`, `pod-unknown`, `rollout-stuck`.
    pub code: &'static str,
    /// One line: what is wrong (`data-mysql-3: orphaned claim of ordinal 3`).
    pub title: String,
    /// One or two sentences: why, and what it means or what to do.
    pub detail: String,
    pub objects: Vec<ObjectRef>,
}

/// Freshness of one watched kind, as the status line shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum SyncView {
    Syncing,
    Live,
    /// Reconnecting since `since` (an age like `12s`) after `error`.
    Reconnecting {
        since: String,
        error: String,
    },
    Forbidden {
        message: String,
    },
}

/// The status line's summary of all watched kinds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SyncSummary {
    /// `(kind label, state)` in a fixed order: StatefulSets, Pods, PVCs, PVs,
    /// StorageClasses, Nodes, Events, Revisions.
    pub kinds: Vec<(&'static str, SyncView)>,
    /// True when any kind is not Live (the data may be stale).
    pub stale: bool,
    /// Per kind (same order): objects received so far by its first list
    /// under way, when one is.
    pub received: Vec<Option<u64>>,
}

/// One row of the StatefulSets list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SetRow {
    pub namespace: String,
    pub name: String,
    /// `ready/desired`, e.g. `2/3`.
    pub ready: String,
    /// `updated/desired`.
    pub updated: String,
    /// `RollingUpdate`, `RollingUpdate p=2`, `RollingUpdate p=1 mu=2`, `OnDelete`.
    pub strategy: String,
    /// `OrderedReady` or `Parallel`.
    pub policy: String,
    pub service: String,
    /// Claim template names, comma-joined (`pgdata,logs`), or empty.
    pub templates: String,
    /// Rollout state in a few words: `stable`, `rolling 1/3`, `paused at p=3`, `scaling 3→5`.
    pub rollout: String,
    /// Worst finding severity for this set, if any.
    pub health: Option<Severity>,
    /// Count of findings for this set.
    pub findings: usize,
    pub age: String,
    /// What the row shows is not complete yet: a kind it is made from is
    /// still on its first list (no finding is made meanwhile).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub syncing: bool,
}

/// Which side of the partition an ordinal is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PartitionSide {
    /// `ordinal >= partition`: will be (or is) moved to the update revision.
    Updates,
    /// `ordinal < partition`: held back on the current revision.
    HeldBack,
    /// No partition applies (OnDelete, or partition 0).
    None,
}

/// Which revision a Pod runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RevisionMark {
    /// The controller-revision-hash suffix (`7d4b9c8f6`), or empty when unknown.
    pub hash: String,
    /// Runs the update revision.
    pub is_update: bool,
    /// Runs the current revision.
    pub is_current: bool,
}

/// One ordinal of a StatefulSet, whether or not its Pod exists.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrdinalRow {
    pub ordinal: i32,
    /// `web-2`; shown even when the Pod is missing.
    pub pod: String,
    /// False when no Pod exists for this ordinal.
    pub exists: bool,
    /// kubectl's STATUS (`Running`, `Terminating`, `Unknown`, `CrashLoopBackOff`…) or `missing`.
    pub status: String,
    /// `1/2`, or `-` when missing.
    pub ready: String,
    /// `3 (45s ago)` or `0`.
    pub restarts: String,
    pub node: String,
    pub ip: String,
    pub age: String,
    pub revision: RevisionMark,
    pub partition: PartitionSide,
    /// The ordinal is at or beyond `start + replicas` (being scaled away, or
    /// only its claims remain).
    pub beyond_replicas: bool,
    /// `(template, claim phase)` for each claim template, e.g. `("data", "Bound")`,
    /// `("data", "missing")`.
    pub claims: Vec<(String, String)>,
    /// Worst finding severity touching this ordinal's Pod or claims.
    pub health: Option<Severity>,
}

/// The header of one StatefulSet's screen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SetHeader {
    pub namespace: String,
    pub name: String,
    /// `app=mysql`.
    pub selector: String,
    pub service: String,
    /// As in [`SetRow::strategy`].
    pub strategy: String,
    pub partition: Option<i32>,
    pub policy: String,
    /// `desired`, `ready`, `updated`, `current`, `available`, as `name value` pairs.
    pub counts: Vec<(&'static str, i32)>,
    /// `mysql-7d4b9c8f6 (rev 3)`.
    pub current_revision: String,
    pub update_revision: String,
    /// `whenDeleted=Retain whenScaled=Delete`.
    pub retention: String,
    /// Status conditions as `Type=Status (reason)`.
    pub conditions: Vec<String>,
    /// Images of the template's containers.
    pub images: Vec<String>,
    pub age: String,
    /// Rollout progress in words (`rolling: 1 of 3 updated, waiting for mysql-2 to be Ready for 2m`).
    pub rollout: String,
}

/// One link of a volume chain: present, missing (and why), or not visible.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Link<T> {
    Present(T),
    /// The object does not exist; the text says why (`no claim yet: the Pod was never created`).
    Missing(String),
    /// The user may not see it (`PV hidden: forbidden`), or the kind is not synced yet.
    Hidden(String),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimInfo {
    pub name: String,
    pub phase: String,
    /// `10Gi`, or empty.
    pub requested: String,
    /// `10Gi`, or empty when not yet bound.
    pub capacity: String,
    /// `RWO`, `RWX,ROX`.
    pub access_modes: String,
    /// `Type=Status: message` for each condition (Resizing, FileSystemResizePending…).
    pub conditions: Vec<String>,
    /// `Terminating` when being deleted, else empty.
    pub deleting: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VolumeInfo {
    pub name: String,
    pub phase: String,
    pub capacity: String,
    pub reclaim_policy: String,
    /// `csi rbd.csi.ceph.com 0001-…`, `local /mnt/disks/ssd1 @ worker-3`,
    /// `nfs 10.0.0.5:/exports/pvc-…`, `hostPath /opt/…`.
    pub source: String,
    /// `kubernetes.io/hostname in (worker-3)`, or empty.
    pub node_affinity: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassInfo {
    pub name: String,
    pub provisioner: String,
    pub reclaim_policy: String,
    /// `Immediate` or `WaitForFirstConsumer`.
    pub binding_mode: String,
    pub allow_expansion: bool,
    pub is_default: bool,
}

/// Volume usage from the kubelet's stats summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum UsageView {
    Known {
        used: String,
        capacity: String,
        /// 0.0 ..= 1.0
        fraction: f64,
        /// `12k/1.3M` inodes used/total, or empty.
        inodes: String,
        inode_fraction: f64,
    },
    /// Not reported (yet), or not available, with why (`stats forbidden`, `node down`).
    Unknown(String),
}

/// The PVC → PV → StorageClass chain of one claim template of one ordinal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chain {
    /// Claim template name (`pgdata`).
    pub template: String,
    pub claim: Link<ClaimInfo>,
    pub volume: Link<VolumeInfo>,
    pub class: Link<ClassInfo>,
    pub usage: UsageView,
}

/// A Kubernetes Event about the set, its Pods or its claims.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventRow {
    /// Age of the last occurrence (`45s`).
    pub age: String,
    /// `Normal` or `Warning`.
    pub type_: String,
    pub reason: String,
    /// `pod/mysql-2`.
    pub object: String,
    pub message: String,
    pub count: i32,
}

/// One entry of the live change log: what the watch streams said, as it happened.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogRow {
    /// Wall-clock time `HH:MM:SS`.
    pub time: String,
    /// `pod/mysql-2`.
    pub object: String,
    /// `created`, `Running → Terminating`, `ready 1/2 → 2/2`, `deleted`, `replicas 3 → 5`.
    pub change: String,
}

/// Everything the StatefulSet screen shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SetDetail {
    pub header: SetHeader,
    pub ordinals: Vec<OrdinalRow>,
    /// The ordinal the partition boundary sits before (`p`), when one applies.
    pub partition: Option<i32>,
    /// Chains of the selected ordinal, one per claim template.
    pub chains: Vec<Chain>,
    /// Findings for this set (all ordinals), worst first.
    pub findings: Vec<Finding>,
    /// The newest events about the set, its Pods and claims, newest first
    /// (at most [`EVENT_ROWS`](crate::view::EVENT_ROWS)).
    pub events: Vec<EventRow>,
    /// How many events there are in all.
    pub events_total: usize,
    /// The set's recent changes, oldest first.
    pub log: Vec<LogRow>,
}

/// A claim on the storage screen, with its chain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimRow {
    pub namespace: String,
    pub claim: ClaimInfo,
    pub volume: Link<VolumeInfo>,
    pub class: Link<ClassInfo>,
    pub usage: UsageView,
    /// `mysql/3` when the claim belongs to a StatefulSet ordinal, else empty.
    pub owner: String,
    /// The claim belongs to no StatefulSet ordinal below replicas (orphaned or standalone).
    pub unused: bool,
    pub health: Option<Severity>,
    pub age: String,
}

/// A PersistentVolume on the storage screen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VolumeRow {
    pub volume: VolumeInfo,
    /// `ns/claim`, or empty when unclaimed.
    pub claim: String,
    pub class: String,
    pub health: Option<Severity>,
    pub age: String,
}

/// The storage screen: every claim, volume and class in scope.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StorageView {
    pub claims: Vec<ClaimRow>,
    pub volumes: Vec<VolumeRow>,
    pub classes: Vec<ClassInfo>,
    pub findings: Vec<Finding>,
}
