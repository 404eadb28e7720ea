//! The machine shape of `ordinal get -o json|yaml`: versioned documents
//! (`apiVersion: ordinal.dev/v1`, kinds `StatefulSetReport` and
//! `StatefulSetReportList`) with typed values, built from the view structs
//! and the store's raw numbers and timestamps. Pure: no IO.
//!
//! The schema is `assets/schema/statefulset-report.v1.json`; a test checks
//! every demo scenario's output against it, so a field added here must be
//! added there. Values Kubernetes defines (phases, policies, condition
//! types) keep the API's spelling; ordinal's own enums are lowercase.

mod build;

pub use build::{SetInput, list, one};

use jiff::Timestamp;
use serde::Serialize;
use thiserror::Error;

pub const API_VERSION: &str = "ordinal.dev/v1";
pub const KIND: &str = "StatefulSetReport";
pub const LIST_KIND: &str = "StatefulSetReportList";

#[derive(Debug, Error)]
pub enum RenderError {
    #[error("cannot write JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("cannot write YAML: {0}")]
    Yaml(#[from] serde_yaml_ng::Error),
}

/// Pretty JSON with a final newline.
pub fn to_json<T: Serialize>(doc: &T) -> Result<String, RenderError> {
    Ok(serde_json::to_string_pretty(doc)? + "\n")
}

/// YAML (one document) of the same data.
pub fn to_yaml<T: Serialize>(doc: &T) -> Result<String, RenderError> {
    Ok(serde_yaml_ng::to_string(doc)?)
}

/// ordinal's health scale for a set, an ordinal or a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Health {
    Ok,
    Info,
    Warning,
    Critical,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

/// Which side of the partition an ordinal is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PartitionSide {
    /// At or above the partition: moves to the update revision.
    Updates,
    /// Below it: held on the current revision.
    Heldback,
    /// No partition applies.
    None,
}

/// One StatefulSet with its ordinals (omitted in the `--summary` form),
/// their volume chains, and its findings.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatefulSetReport {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub generated_at: Timestamp,
    pub stateful_set: SetSummary,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ordinals: Option<Vec<OrdinalReport>>,
    pub findings: Vec<FindingReport>,
}

/// Every StatefulSet in scope, plus findings about objects of no set
/// (loose volumes, classes) in `findings`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatefulSetReportList {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub generated_at: Timestamp,
    /// `--summary`: items carry no `ordinals`.
    pub summary: bool,
    pub items: Vec<StatefulSetReport>,
    /// Every finding in scope, worst first.
    pub findings: Vec<FindingReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetSummary {
    pub namespace: String,
    pub name: String,
    pub created_at: Option<Timestamp>,
    pub age_seconds: Option<i64>,
    pub selector: String,
    pub service_name: String,
    /// `OrderedReady` or `Parallel`.
    pub pod_management_policy: String,
    pub update_strategy: UpdateStrategy,
    pub ordinals_start: i32,
    pub replicas: Replicas,
    pub revisions: Revisions,
    pub claim_templates: Vec<ClaimTemplate>,
    pub retention: Retention,
    pub conditions: Vec<Condition>,
    pub images: Vec<String>,
    pub rollout: Rollout,
    pub health: Health,
    pub finding_count: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateStrategy {
    /// `RollingUpdate` or `OnDelete`.
    #[serde(rename = "type")]
    pub type_: &'static str,
    /// Set for `RollingUpdate` (0 when not partitioned), null for `OnDelete`.
    pub partition: Option<i32>,
    /// As written (`2`, `25%`); null when unset.
    pub max_unavailable: Option<String>,
}

/// `spec.replicas` and the status counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Replicas {
    pub desired: i32,
    pub current: i32,
    pub ready: i32,
    pub updated: i32,
    pub available: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Revisions {
    /// ControllerRevision names; null when the status has none yet.
    pub current: Option<String>,
    pub update: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimTemplate {
    pub name: String,
    /// null: the cluster default; `""`: explicitly no class.
    pub storage_class_name: Option<String>,
    pub request_bytes: Option<u64>,
    pub access_modes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Retention {
    pub when_deleted: String,
    pub when_scaled: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    #[serde(rename = "type")]
    pub type_: String,
    pub status: String,
    pub reason: Option<String>,
    pub message: Option<String>,
    pub last_transition_at: Option<Timestamp>,
}

/// The rollout in words, as the explorer shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rollout {
    /// A few words: `stable`, `rolling 1/3`, `paused at p=3`.
    pub summary: String,
    /// A sentence with what it waits for.
    pub detail: String,
}

/// One ordinal, whether or not its Pod exists.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrdinalReport {
    pub ordinal: i32,
    /// The Pod name, also when the Pod is missing.
    pub pod: String,
    pub exists: bool,
    /// null when the Pod is missing; the rest of it is then null too.
    pub pod_status: Option<PodStatus>,
    pub revision: RevisionMark,
    pub partition: PartitionSide,
    /// At or beyond `ordinalsStart + replicas`.
    pub beyond_replicas: bool,
    pub health: Health,
    /// One PVC -> PV -> StorageClass chain per claim template.
    pub volumes: Vec<VolumeChain>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodStatus {
    /// kubectl's STATUS column (`Running`, `CrashLoopBackOff`, `Terminating`…).
    pub status: String,
    /// `status.phase`.
    pub phase: String,
    pub ready: bool,
    pub ready_containers: u32,
    pub total_containers: u32,
    pub restarts: i32,
    pub last_restart_at: Option<Timestamp>,
    pub last_restart_age_seconds: Option<i64>,
    pub node: Option<String>,
    pub ip: Option<String>,
    pub created_at: Option<Timestamp>,
    pub age_seconds: Option<i64>,
    pub deleting_since: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RevisionMark {
    /// The controller-revision-hash suffix; null when unknown.
    pub hash: Option<String>,
    pub is_update: bool,
    pub is_current: bool,
}

/// The chain of one claim template of one ordinal.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VolumeChain {
    pub template: String,
    pub claim: Link<ClaimReport>,
    pub volume: Link<VolumeReport>,
    pub storage_class: Link<ClassReport>,
    pub usage: Usage,
}

/// A link that is there (its fields inline, `state: present`), or not:
/// `missing` (does not exist) or `hidden` (forbidden or not synced), with why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum Link<T> {
    Present(T),
    Missing { reason: String },
    Hidden { reason: String },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimReport {
    pub name: String,
    pub phase: String,
    pub request_bytes: Option<u64>,
    pub capacity_bytes: Option<u64>,
    pub access_modes: Vec<String>,
    pub conditions: Vec<Condition>,
    pub created_at: Option<Timestamp>,
    pub age_seconds: Option<i64>,
    pub deleting: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VolumeReport {
    pub name: String,
    pub phase: String,
    pub capacity_bytes: Option<u64>,
    pub reclaim_policy: String,
    /// `csi rbd.csi.ceph.com 0001-…`, `local /mnt/disks/ssd1`, `nfs 10.0.0.5:/x`.
    pub source: String,
    /// null when the volume has no node affinity.
    pub node_affinity: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassReport {
    pub name: String,
    pub provisioner: String,
    pub reclaim_policy: String,
    /// `Immediate` or `WaitForFirstConsumer`.
    pub volume_binding_mode: String,
    pub allow_volume_expansion: bool,
    pub is_default: bool,
}

/// Usage from the kubelet's stats summary. The schema reserves an optional
/// `forecast` object in the known form for capacity forecasts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum Usage {
    Known(UsageFigures),
    Unknown { reason: String },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageFigures {
    pub used_bytes: u64,
    pub capacity_bytes: u64,
    pub available_bytes: u64,
    /// 0.0 ..= 1.0
    pub fraction: f64,
    /// null when the filesystem reports no inodes.
    pub inodes_used: Option<u64>,
    pub inodes: Option<u64>,
    pub inode_fraction: Option<f64>,
    /// The node whose kubelet reported it, and when.
    pub node: String,
    pub reported_at: Timestamp,
    /// Where usage is going, once the claim has a history (`view::forecast`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forecast: Option<Box<ForecastReport>>,
}

/// A least-squares fit over the recent history: rates per day and the time
/// until full, for bytes and inodes; null while there are too few samples
/// or the trend is flat or falling.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ForecastReport {
    /// Samples kept, and how many the fit used.
    pub samples: usize,
    pub fit_samples: usize,
    pub oldest_sample_at: Option<Timestamp>,
    pub bytes_per_day: Option<f64>,
    pub bytes_full_in_seconds: Option<f64>,
    pub inodes_per_day: Option<f64>,
    pub inodes_full_in_seconds: Option<f64>,
    /// What runs out first (`bytes` or `inodes`), in how long, and when.
    pub runs_out: Option<RunsOut>,
    pub full_in_seconds: Option<f64>,
    pub full_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RunsOut {
    Bytes,
    Inodes,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingReport {
    pub severity: Severity,
    /// Stable identifier, e.g. `claim-pending`, `rollout-stuck`.
    pub code: String,
    pub title: String,
    pub detail: String,
    pub objects: Vec<ObjectRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectRef {
    pub kind: String,
    /// null for cluster-scoped objects.
    pub namespace: Option<String>,
    pub name: String,
}

#[cfg(test)]
mod tests;
