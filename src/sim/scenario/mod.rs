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
//! [`parse`] reads one file into typed structs (unknown fields refused) and
//! validates it on its own: object shape and kinds, duplicate
//! objects, namespaces, StatefulSet selectors, and every reference from the
//! `Scenario` document to namespaced things (StatefulSets, Pods by ordinal,
//! claims by `<template>-<statefulset>-<ordinal>`, containers, claim
//! templates). [`load`] adds the base cluster and checks what spans files:
//! clashing object names, and references to cluster-scoped objects (Nodes,
//! StorageClasses, static PersistentVolumes, Namespaces). Every error names
//! the file, line and column, document, object and field path.

mod error;
mod file;
mod load;
mod locate;
mod objects;
mod read;
mod resolve;
mod types;

#[cfg(test)]
mod builtin_tests;
#[cfg(test)]
mod error_tests;

pub use error::{Location, ScenarioError};
pub use load::{builtin_names, load};
pub use read::parse;
pub use types::*;

/// `apiVersion` of the sim-only `Scenario` document.
pub const API_VERSION: &str = "sim.ordinal.dev/v1alpha1";
/// `kind` of the sim-only document.
pub const SCENARIO_KIND: &str = "Scenario";

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
pub(super) const RESOURCES: &[(&str, &[&str], &str)] = &[
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

/// Action keys of a timeline step, in the order messages list them.
pub(super) const ACTIONS: &[&str] = &[
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
