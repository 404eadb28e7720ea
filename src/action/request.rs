//! What goes over the wire, as plain data: the exact request an action
//! sends and the error it can come back with. `cluster::actions` turns a
//! [`Request`] into HTTP and kube's errors into an [`ActionError`].

use serde::Serialize;

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

pub(super) const MERGE_PATCH: &str = "application/merge-patch+json";
pub(super) const STRATEGIC_MERGE_PATCH: &str = "application/strategic-merge-patch+json";
pub(super) const JSON: &str = "application/json";

pub(super) fn set_path(namespace: &str, name: &str) -> String {
    format!("/apis/apps/v1/namespaces/{namespace}/statefulsets/{name}")
}

/// A PATCH of `path` with `body`, sent as `content_type`.
pub(super) fn patch(path: String, content_type: &'static str, body: serde_json::Value) -> Request {
    Request {
        method: "PATCH",
        path,
        content_type: Some(content_type),
        body: Some(body),
    }
}

/// A DELETE of `path` with what kubectl sends (cascade=background is its
/// default); `force` means grace period 0.
pub(super) fn delete(path: String, force: bool) -> Request {
    let mut body = serde_json::json!({"kind": "DeleteOptions", "apiVersion": "v1"});
    if force {
        body["gracePeriodSeconds"] = 0.into();
    }
    body["propagationPolicy"] = "Background".into();
    Request {
        method: "DELETE",
        path,
        content_type: Some(JSON),
        body: Some(body),
    }
}
