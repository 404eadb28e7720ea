//! Fault: the server refuses requests to one object with a given Status,
//! as an admission plugin does (a ResourceQuota exceeded, a webhook's
//! denial). Tests use it to make one request of a batch fail.

use super::api;

#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub method: String,
    /// The exact path (`/api/v1/namespaces/db/persistentvolumeclaims/data-mysql-2`).
    pub path: String,
    pub code: u16,
    pub reason: String,
    pub message: String,
}

impl Refusal {
    /// What the ResourceQuota admission plugin answers when a claim's new
    /// request would exceed the namespace's `requests.storage`.
    pub fn storage_quota(
        namespace: &str,
        claim: &str,
        requested: &str,
        used: &str,
        limited: &str,
    ) -> Refusal {
        Refusal {
            method: "PATCH".into(),
            path: format!("/api/v1/namespaces/{namespace}/persistentvolumeclaims/{claim}"),
            code: 403,
            reason: "Forbidden".into(),
            message: format!(
                "persistentvolumeclaims \"{claim}\" is forbidden: exceeded quota: storage, requested: requests.storage={requested}, used: requests.storage={used}, limited: requests.storage={limited}"
            ),
        }
    }

    pub(super) fn matches(&self, method: &str, path: &str) -> bool {
        self.method == method && self.path == path
    }

    pub(super) fn response(&self) -> hyper::Response<api::Body> {
        let status = serde_json::json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": self.message, "reason": self.reason, "code": self.code,
        });
        hyper::Response::builder()
            .status(self.code)
            .header(hyper::header::CONTENT_TYPE, "application/json")
            .body(http_body_util::BodyExt::boxed(http_body_util::Full::new(
                bytes::Bytes::from(status.to_string()),
            )))
            .expect("static response parts are valid")
    }
}
