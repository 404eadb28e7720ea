//! Executes action values: sends an [`Action`]'s exact [`Request`] through
//! kube's client and maps the API's errors into a readable [`ActionError`].
//! What an action is and says lives in [`crate::action`].

use crate::action::{Action, ActionError, Request};

/// How long an action may take before it is reported as a timeout.
pub const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

/// The request as an `http::Request` for kube's client.
pub fn http_request(r: &Request) -> Result<http::Request<Vec<u8>>, ActionError> {
    let mut b = http::Request::builder().method(r.method).uri(&r.path);
    if let Some(ct) = r.content_type {
        b = b.header(http::header::CONTENT_TYPE, ct);
    }
    let body = r
        .body
        .as_ref()
        .map(|v| serde_json::to_vec(v).unwrap_or_default())
        .unwrap_or_default();
    b.body(body).map_err(|e| ActionError {
        code: None,
        reason: "InvalidRequest".into(),
        message: format!("cannot build the request for {}: {e}", r.path),
    })
}

/// Sending an action through kube (an extension of [`Action`], which has no IO).
#[allow(async_fn_in_trait)]
pub trait Execute {
    /// Sends exactly [`Action::request`], waiting at most [`TIMEOUT`].
    async fn execute(&self, client: &kube::Client) -> Result<String, ActionError>;

    /// [`Execute::execute`] with another time limit.
    async fn execute_within(
        &self,
        client: &kube::Client,
        timeout: std::time::Duration,
    ) -> Result<String, ActionError>;
}

impl Execute for Action {
    async fn execute(&self, client: &kube::Client) -> Result<String, ActionError> {
        self.execute_within(client, TIMEOUT).await
    }

    async fn execute_within(
        &self,
        client: &kube::Client,
        timeout: std::time::Duration,
    ) -> Result<String, ActionError> {
        let described = self.describe();
        let r = &described.request;
        let req = http_request(r)?;
        match tokio::time::timeout(timeout, client.request_text(req)).await {
            Ok(Ok(_)) => Ok(described.success),
            Ok(Err(e)) => Err(ActionError::from(e)),
            Err(_) => Err(ActionError {
                code: None,
                reason: "Timeout".into(),
                message: format!(
                    "no answer from the API server within {}s for {} {}; it may still have been applied: check before retrying",
                    timeout.as_secs_f64(),
                    r.method,
                    r.path
                ),
            }),
        }
    }
}

impl From<kube::Error> for ActionError {
    fn from(e: kube::Error) -> Self {
        match e {
            kube::Error::Api(s) => {
                let reason = if s.reason.is_empty() {
                    http::StatusCode::from_u16(s.code)
                        .ok()
                        .and_then(|c| c.canonical_reason())
                        .unwrap_or("Error")
                        .replace(' ', "")
                } else {
                    s.reason.clone()
                };
                ActionError {
                    code: Some(s.code),
                    reason,
                    message: s.message.clone(),
                }
            }
            other => ActionError {
                code: None,
                reason: "Connection".into(),
                message: format!("cannot reach the API server: {other}"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_http_request_carries_method_path_content_type_and_body() {
        let scale = Action::Scale {
            namespace: "mysql".into(),
            name: "mysql".into(),
            replicas: 3,
        };
        let r = http_request(&scale.request()).unwrap();
        assert_eq!(r.method(), http::Method::PATCH);
        assert_eq!(
            r.uri().path(),
            "/apis/apps/v1/namespaces/mysql/statefulsets/mysql/scale"
        );
        assert_eq!(
            r.headers()[http::header::CONTENT_TYPE],
            "application/merge-patch+json"
        );
        assert_eq!(r.body(), br#"{"spec":{"replicas":3}}"#);
    }

    #[test]
    fn api_errors_keep_the_servers_words() {
        let status = kube::core::Status::failure(
            "statefulsets.apps \"web\" is forbidden: User \"ro\" cannot patch resource \"statefulsets/scale\"",
            "Forbidden",
        )
        .with_code(403);
        let e = ActionError::from(kube::Error::Api(status.boxed()));
        assert!(e.is_forbidden());
        assert_eq!(
            e.to_string(),
            "403 Forbidden: statefulsets.apps \"web\" is forbidden: User \"ro\" cannot patch resource \"statefulsets/scale\""
        );
        let bare = kube::core::Status::failure("upstream connect error", "").with_code(503);
        let e = ActionError::from(kube::Error::Api(bare.boxed()));
        assert_eq!(e.reason, "ServiceUnavailable");
    }
}
