//! Actions on the cluster as values: each describes itself (the exact
//! request and the equivalent kubectl command) before it is executed, so the
//! confirmation dialog can show precisely what will be sent.
//!
//! CONTRACT (implemented by the actions work): the types below are fixed;
//! `request`, `kubectl`, `title` and `execute` are to be implemented.

use serde::Serialize;

/// One thing the user can do to the cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Action {
    /// Patch of the `scale` subresource (`{"spec":{"replicas":N}}`, merge patch).
    Scale {
        namespace: String,
        name: String,
        replicas: i32,
    },
    /// What `kubectl rollout restart` sends: a strategic merge patch setting
    /// `spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]` to `at` (RFC 3339).
    Restart {
        namespace: String,
        name: String,
        at: String,
    },
    /// Merge patch of `spec.updateStrategy.rollingUpdate.partition`.
    SetPartition {
        namespace: String,
        name: String,
        partition: i32,
    },
    /// What `kubectl rollout undo --to-revision` sends: the ControllerRevision's
    /// `data` as a strategic merge patch of the set.
    Rollback {
        namespace: String,
        name: String,
        revision: i64,
        data: serde_json::Value,
    },
    /// Delete a Pod; `force` means grace period 0.
    DeletePod {
        namespace: String,
        name: String,
        force: bool,
    },
    /// Delete a PersistentVolumeClaim (only orphaned ones are offered).
    DeleteClaim { namespace: String, name: String },
}

/// The exact HTTP request an action sends.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Request {
    pub method: &'static str,
    /// Path and query, e.g. `/apis/apps/v1/namespaces/mysql/statefulsets/mysql/scale`.
    pub path: String,
    pub content_type: Option<&'static str>,
    pub body: Option<serde_json::Value>,
}

/// A failed action, readable: the API's Status verbatim, or the transport error.
#[derive(Debug, Clone, PartialEq, Serialize, thiserror::Error)]
#[error("{}", self.describe())]
pub struct ActionError {
    /// HTTP status code when the API answered.
    pub code: Option<u16>,
    /// `Forbidden`, `Conflict`, `Invalid`, `NotFound`, or `Timeout` / `Connection`.
    pub reason: String,
    pub message: String,
}

impl ActionError {
    pub fn describe(&self) -> String {
        match self.code {
            Some(c) => format!("{c} {}: {}", self.reason, self.message),
            None => format!("{}: {}", self.reason, self.message),
        }
    }
    pub fn is_conflict(&self) -> bool {
        self.code == Some(409) && self.reason == "Conflict"
    }
    pub fn is_forbidden(&self) -> bool {
        self.code == Some(403)
    }
}
