//! Actions on the cluster as values, with no IO: each describes itself (the
//! exact request, the equivalent kubectl command, a title) before it is
//! sent, so the confirmation dialog shows precisely what will happen. The
//! previews ([`Plan`]) and the validation of typed input live here too;
//! `cluster::actions` only executes a value, `app` wires the two.
//!
//! One file per action holds its request, its words and its preview:
//! [`scale`], [`restart`], [`partition`], [`rollback`], [`delete_pod`],
//! [`delete_claim`], [`expand`] (and its batch form, [`expand_batch`]). Shared parts: [`request`] (wire format and errors),
//! [`plan`] (the preview type and store lookups), [`validate`].
//!
//! Adding an action: a file with a `describe` function (and a preview),
//! a variant of [`Action`] and of [`ActionKind`], and an arm in
//! [`Action::describe`] and [`Action::kind`]. A batch (one request per
//! object, each result reported) is a list of such values executed one by
//! one.
//!
//! CONTRACT: the types `Action`, `Request` and `ActionError` are fixed; the
//! dialogs build on `request`, `kubectl`, `title` and `is_destructive`.
//! Access checks live in `cluster::access`, the audit log in `audit`.

use serde::Serialize;

pub mod delete_claim;
pub mod delete_pod;
pub mod expand;
pub mod expand_batch;
pub mod partition;
pub mod plan;
pub mod request;
pub mod restart;
pub mod rollback;
pub mod scale;
mod validate;

#[cfg(test)]
mod fixture;

pub use delete_claim::delete_claim_plan;
pub use delete_pod::{delete_pod_plan, suggests_force};
pub use expand::{Stage, expand_action, expand_plan, expand_progress, expand_stage};
pub use expand_batch::{Batch, BatchItem, Verdict, expand_template};
pub use partition::{parse_partition, partition_plan, pause_partition, step_partition};
pub use plan::Plan;
pub use request::{ActionError, Request};
pub use restart::{RESTARTED_AT, restart_plan};
pub use rollback::{RevisionChoice, rollback_action, rollback_choices, rollback_plan};
pub use scale::{MAX_REPLICAS, parse_replicas, scale_plan};

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
    /// Merge patch of a claim's `spec.resources.requests.storage` (`20Gi`).
    Expand {
        namespace: String,
        name: String,
        storage: String,
    },
}

/// What kind of change an action makes, for access checks and key hints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum ActionKind {
    Scale,
    Restart,
    Partition,
    Rollback,
    DeletePod,
    DeleteClaim,
    Expand,
}

impl ActionKind {
    pub const ALL: [ActionKind; 7] = [
        ActionKind::Scale,
        ActionKind::Restart,
        ActionKind::Partition,
        ActionKind::Rollback,
        ActionKind::DeletePod,
        ActionKind::DeleteClaim,
        ActionKind::Expand,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ActionKind::Scale => "scale",
            ActionKind::Restart => "restart",
            ActionKind::Partition => "partition",
            ActionKind::Rollback => "rollback",
            ActionKind::DeletePod => "delete pod",
            ActionKind::DeleteClaim => "delete claim",
            ActionKind::Expand => "expand claim",
        }
    }

    /// The RBAC verb, API group, resource and subresource the action needs.
    pub fn rbac(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            ActionKind::Scale => ("patch", "apps", "statefulsets", "scale"),
            ActionKind::Restart | ActionKind::Partition | ActionKind::Rollback => {
                ("patch", "apps", "statefulsets", "")
            }
            ActionKind::DeletePod => ("delete", "", "pods", ""),
            ActionKind::DeleteClaim => ("delete", "", "persistentvolumeclaims", ""),
            ActionKind::Expand => ("patch", "", "persistentvolumeclaims", ""),
        }
    }

    /// The kind of object acted on, as kubectl names it in `kind/name`.
    fn object_kind(self) -> &'static str {
        match self {
            ActionKind::DeletePod => "pod",
            ActionKind::DeleteClaim | ActionKind::Expand => "persistentvolumeclaim",
            _ => "statefulset",
        }
    }
}

/// Everything an action says about itself, built by its own file.
#[derive(Debug, Clone, PartialEq)]
pub struct Description {
    /// The exact request sent.
    pub request: Request,
    /// The equivalent kubectl command line.
    pub kubectl: String,
    /// A one-line heading for the confirmation dialog.
    pub title: String,
    /// Whether it removes something (Pods, claims, every replica).
    pub destructive: bool,
    /// What to say when the API accepted the request.
    pub success: String,
}

impl Action {
    /// A rolling restart stamped with `now`, as kubectl formats it (RFC 3339, seconds).
    pub fn restart_now(namespace: &str, name: &str, now: jiff::Timestamp) -> Action {
        Action::Restart {
            namespace: namespace.to_string(),
            name: name.to_string(),
            at: restart::stamp(now),
        }
    }

    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Scale { .. } => ActionKind::Scale,
            Action::Restart { .. } => ActionKind::Restart,
            Action::SetPartition { .. } => ActionKind::Partition,
            Action::Rollback { .. } => ActionKind::Rollback,
            Action::DeletePod { .. } => ActionKind::DeletePod,
            Action::DeleteClaim { .. } => ActionKind::DeleteClaim,
            Action::Expand { .. } => ActionKind::Expand,
        }
    }

    pub fn namespace(&self) -> &str {
        match self {
            Action::Scale { namespace, .. }
            | Action::Restart { namespace, .. }
            | Action::SetPartition { namespace, .. }
            | Action::Rollback { namespace, .. }
            | Action::DeletePod { namespace, .. }
            | Action::DeleteClaim { namespace, .. }
            | Action::Expand { namespace, .. } => namespace,
        }
    }

    /// The name of the object acted on.
    pub fn name(&self) -> &str {
        match self {
            Action::Scale { name, .. }
            | Action::Restart { name, .. }
            | Action::SetPartition { name, .. }
            | Action::Rollback { name, .. }
            | Action::DeletePod { name, .. }
            | Action::DeleteClaim { name, .. }
            | Action::Expand { name, .. } => name,
        }
    }

    /// `statefulset/mysql`, `pod/mysql-1`, `persistentvolumeclaim/data-mysql-3`.
    pub fn object(&self) -> String {
        format!("{}/{}", self.kind().object_kind(), self.name())
    }

    /// The action's request, words and weight, from its own file.
    pub fn describe(&self) -> Description {
        match self {
            Action::Scale {
                namespace,
                name,
                replicas,
            } => scale::describe(namespace, name, *replicas),
            Action::Restart {
                namespace,
                name,
                at,
            } => restart::describe(namespace, name, at),
            Action::SetPartition {
                namespace,
                name,
                partition,
            } => partition::describe(namespace, name, *partition),
            Action::Rollback {
                namespace,
                name,
                revision,
                data,
            } => rollback::describe(namespace, name, *revision, data),
            Action::DeletePod {
                namespace,
                name,
                force,
            } => delete_pod::describe(namespace, name, *force),
            Action::DeleteClaim { namespace, name } => delete_claim::describe(namespace, name),
            Action::Expand {
                namespace,
                name,
                storage,
            } => expand::describe(namespace, name, storage),
        }
    }

    /// The exact request `cluster::actions` sends.
    pub fn request(&self) -> Request {
        self.describe().request
    }

    /// The equivalent kubectl command line.
    pub fn kubectl(&self) -> String {
        self.describe().kubectl
    }

    /// A one-line heading for the confirmation dialog.
    pub fn title(&self) -> String {
        self.describe().title
    }

    /// Whether the action removes something (Pods, claims, every replica):
    /// the dialog asks more firmly.
    pub fn is_destructive(&self) -> bool {
        self.describe().destructive
    }

    /// What to say when the API accepted the request.
    pub fn success(&self) -> String {
        self.describe().success
    }
}
