//! Actions on the cluster as values: each describes itself (the exact
//! request and the equivalent kubectl command) before it is executed, so the
//! confirmation dialog can show precisely what will be sent.
//!
//! CONTRACT: the types `Action`, `Request` and `ActionError` are fixed; the
//! dialogs build on `request`, `kubectl`, `title`, `is_destructive` and
//! `execute`. Previews and input validation live in `view::plan`, access
//! checks in `cluster::access`, the audit log in `audit`.

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

/// What kind of change an action makes, for access checks and key hints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum ActionKind {
    Scale,
    Restart,
    Partition,
    Rollback,
    DeletePod,
    DeleteClaim,
}

impl ActionKind {
    pub const ALL: [ActionKind; 6] = [
        ActionKind::Scale,
        ActionKind::Restart,
        ActionKind::Partition,
        ActionKind::Rollback,
        ActionKind::DeletePod,
        ActionKind::DeleteClaim,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ActionKind::Scale => "scale",
            ActionKind::Restart => "restart",
            ActionKind::Partition => "partition",
            ActionKind::Rollback => "rollback",
            ActionKind::DeletePod => "delete pod",
            ActionKind::DeleteClaim => "delete claim",
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
        }
    }
}

/// How long an action may take before it is reported as a timeout.
pub const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

const MERGE_PATCH: &str = "application/merge-patch+json";
const STRATEGIC_MERGE_PATCH: &str = "application/strategic-merge-patch+json";
const JSON: &str = "application/json";
/// The annotation `kubectl rollout restart` sets on the Pod template.
pub const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";

fn set_path(namespace: &str, name: &str) -> String {
    format!("/apis/apps/v1/namespaces/{namespace}/statefulsets/{name}")
}

/// What kubectl sends with `delete` (cascade=background is its default).
fn delete_options(force: bool) -> serde_json::Value {
    let mut body = serde_json::json!({"kind": "DeleteOptions", "apiVersion": "v1"});
    if force {
        body["gracePeriodSeconds"] = 0.into();
    }
    body["propagationPolicy"] = "Background".into();
    body
}

impl Action {
    /// A rolling restart stamped with `now`, as kubectl formats it (RFC 3339, seconds).
    pub fn restart_now(namespace: &str, name: &str, now: jiff::Timestamp) -> Action {
        Action::Restart {
            namespace: namespace.to_string(),
            name: name.to_string(),
            at: now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
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
        }
    }

    pub fn namespace(&self) -> &str {
        match self {
            Action::Scale { namespace, .. }
            | Action::Restart { namespace, .. }
            | Action::SetPartition { namespace, .. }
            | Action::Rollback { namespace, .. }
            | Action::DeletePod { namespace, .. }
            | Action::DeleteClaim { namespace, .. } => namespace,
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
            | Action::DeleteClaim { name, .. } => name,
        }
    }

    /// `statefulset/mysql`, `pod/mysql-1`, `persistentvolumeclaim/data-mysql-3`.
    pub fn object(&self) -> String {
        let kind = match self.kind() {
            ActionKind::DeletePod => "pod",
            ActionKind::DeleteClaim => "persistentvolumeclaim",
            _ => "statefulset",
        };
        format!("{kind}/{}", self.name())
    }

    /// The exact request [`Action::execute`] sends.
    pub fn request(&self) -> Request {
        use serde_json::json;
        match self {
            Action::Scale {
                namespace,
                name,
                replicas,
            } => Request {
                method: "PATCH",
                path: format!("{}/scale", set_path(namespace, name)),
                content_type: Some(MERGE_PATCH),
                body: Some(json!({"spec": {"replicas": replicas}})),
            },
            Action::Restart {
                namespace,
                name,
                at,
            } => Request {
                method: "PATCH",
                path: set_path(namespace, name),
                content_type: Some(STRATEGIC_MERGE_PATCH),
                body: Some(
                    json!({"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: at}}}}}),
                ),
            },
            Action::SetPartition {
                namespace,
                name,
                partition,
            } => Request {
                method: "PATCH",
                path: set_path(namespace, name),
                content_type: Some(MERGE_PATCH),
                body: Some(
                    json!({"spec": {"updateStrategy": {"rollingUpdate": {"partition": partition}}}}),
                ),
            },
            Action::Rollback {
                namespace,
                name,
                data,
                ..
            } => Request {
                method: "PATCH",
                path: set_path(namespace, name),
                content_type: Some(STRATEGIC_MERGE_PATCH),
                body: Some(data.clone()),
            },
            Action::DeletePod {
                namespace,
                name,
                force,
            } => Request {
                method: "DELETE",
                path: format!("/api/v1/namespaces/{namespace}/pods/{name}"),
                content_type: Some(JSON),
                body: Some(delete_options(*force)),
            },
            Action::DeleteClaim { namespace, name } => Request {
                method: "DELETE",
                path: format!("/api/v1/namespaces/{namespace}/persistentvolumeclaims/{name}"),
                content_type: Some(JSON),
                body: Some(delete_options(false)),
            },
        }
    }

    /// The equivalent kubectl command line.
    pub fn kubectl(&self) -> String {
        let ns = self.namespace();
        match self {
            Action::Scale { name, replicas, .. } => {
                format!("kubectl -n {ns} scale statefulset {name} --replicas={replicas}")
            }
            Action::Restart { name, .. } => {
                format!("kubectl -n {ns} rollout restart statefulset {name}")
            }
            Action::SetPartition { name, .. } => {
                let body = self.request().body.unwrap_or_default();
                format!("kubectl -n {ns} patch statefulset {name} --type=merge -p '{body}'")
            }
            Action::Rollback { name, revision, .. } => {
                format!("kubectl -n {ns} rollout undo statefulset {name} --to-revision={revision}")
            }
            Action::DeletePod { name, force, .. } => {
                let force = if *force {
                    " --grace-period=0 --force"
                } else {
                    ""
                };
                format!("kubectl -n {ns} delete pod {name}{force}")
            }
            Action::DeleteClaim { name, .. } => format!("kubectl -n {ns} delete pvc {name}"),
        }
    }

    /// A one-line heading for the confirmation dialog.
    pub fn title(&self) -> String {
        match self {
            Action::Scale { name, replicas, .. } => {
                let s = if *replicas == 1 { "" } else { "s" };
                format!("Scale statefulset {name} to {replicas} replica{s}")
            }
            Action::Restart { name, .. } => format!("Rolling restart of statefulset {name}"),
            Action::SetPartition {
                name, partition, ..
            } => format!("Set the partition of statefulset {name} to {partition}"),
            Action::Rollback { name, revision, .. } => {
                format!("Roll back statefulset {name} to revision {revision}")
            }
            Action::DeletePod {
                name, force: false, ..
            } => format!("Delete pod {name}"),
            Action::DeletePod {
                name, force: true, ..
            } => format!("Force delete pod {name}"),
            Action::DeleteClaim { name, .. } => format!("Delete claim {name}"),
        }
    }

    /// Whether the action removes something (Pods, claims, every replica):
    /// the dialog asks more firmly.
    pub fn is_destructive(&self) -> bool {
        match self {
            Action::DeletePod { .. } | Action::DeleteClaim { .. } => true,
            Action::Scale { replicas, .. } => *replicas == 0,
            _ => false,
        }
    }

    /// What to say when the API accepted the request.
    fn success(&self) -> String {
        let ns = self.namespace();
        match self {
            Action::Scale { name, replicas, .. } => {
                format!("scaled statefulset {ns}/{name} to {replicas}")
            }
            Action::Restart { name, at, .. } => {
                format!("restarted statefulset {ns}/{name} (restartedAt {at})")
            }
            Action::SetPartition {
                name, partition, ..
            } => format!("set partition of statefulset {ns}/{name} to {partition}"),
            Action::Rollback { name, revision, .. } => {
                format!("rolled back statefulset {ns}/{name} to revision {revision}")
            }
            Action::DeletePod {
                name, force: true, ..
            } => format!("force deleted pod {ns}/{name}"),
            Action::DeletePod { name, .. } => format!("deleted pod {ns}/{name}"),
            Action::DeleteClaim { name, .. } => {
                format!("deleted persistentvolumeclaim {ns}/{name}")
            }
        }
    }

    /// The request as an `http::Request` for kube's client.
    pub fn http_request(&self) -> Result<http::Request<Vec<u8>>, ActionError> {
        let r = self.request();
        let mut b = http::Request::builder().method(r.method).uri(&r.path);
        if let Some(ct) = r.content_type {
            b = b.header(http::header::CONTENT_TYPE, ct);
        }
        let body = r
            .body
            .map(|v| serde_json::to_vec(&v).unwrap_or_default())
            .unwrap_or_default();
        b.body(body).map_err(|e| ActionError {
            code: None,
            reason: "InvalidRequest".into(),
            message: format!("cannot build the request for {}: {e}", r.path),
        })
    }

    /// Sends exactly [`Action::request`], waiting at most [`TIMEOUT`].
    pub async fn execute(&self, client: &kube::Client) -> Result<String, ActionError> {
        self.execute_within(client, TIMEOUT).await
    }

    /// [`Action::execute`] with another time limit.
    pub async fn execute_within(
        &self,
        client: &kube::Client,
        timeout: std::time::Duration,
    ) -> Result<String, ActionError> {
        let req = self.http_request()?;
        match tokio::time::timeout(timeout, client.request_text(req)).await {
            Ok(Ok(_)) => Ok(self.success()),
            Ok(Err(e)) => Err(ActionError::from(e)),
            Err(_) => Err(ActionError {
                code: None,
                reason: "Timeout".into(),
                message: format!(
                    "no answer from the API server within {}s for {} {}; it may still have been applied: check before retrying",
                    timeout.as_secs_f64(),
                    self.request().method,
                    self.request().path
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
    use serde_json::json;

    fn scale(n: i32) -> Action {
        Action::Scale {
            namespace: "mysql".into(),
            name: "mysql".into(),
            replicas: n,
        }
    }

    #[test]
    fn scale_patches_the_scale_subresource_with_a_merge_patch() {
        let a = scale(5);
        assert_eq!(
            a.request(),
            Request {
                method: "PATCH",
                path: "/apis/apps/v1/namespaces/mysql/statefulsets/mysql/scale".into(),
                content_type: Some("application/merge-patch+json"),
                body: Some(json!({"spec": {"replicas": 5}})),
            }
        );
        assert_eq!(
            a.kubectl(),
            "kubectl -n mysql scale statefulset mysql --replicas=5"
        );
        assert_eq!(a.title(), "Scale statefulset mysql to 5 replicas");
        assert_eq!(a.kind(), ActionKind::Scale);
        assert_eq!(a.object(), "statefulset/mysql");
        assert!(!a.is_destructive());
        assert!(scale(0).is_destructive());
    }

    #[test]
    fn restart_is_kubectls_strategic_merge_patch_of_the_template_annotation() {
        let a = Action::restart_now(
            "mysql",
            "mysql",
            "2026-03-01T10:20:30.123Z".parse().unwrap(),
        );
        assert_eq!(
            a,
            Action::Restart {
                namespace: "mysql".into(),
                name: "mysql".into(),
                at: "2026-03-01T10:20:30Z".into()
            }
        );
        let r = a.request();
        assert_eq!(r.method, "PATCH");
        assert_eq!(r.path, "/apis/apps/v1/namespaces/mysql/statefulsets/mysql");
        assert_eq!(
            r.content_type,
            Some("application/strategic-merge-patch+json")
        );
        assert_eq!(
            r.body,
            Some(json!({"spec": {"template": {"metadata": {"annotations": {
                "kubectl.kubernetes.io/restartedAt": "2026-03-01T10:20:30Z"}}}}}))
        );
        assert_eq!(
            a.kubectl(),
            "kubectl -n mysql rollout restart statefulset mysql"
        );
        assert_eq!(a.kind(), ActionKind::Restart);
    }

    #[test]
    fn partition_is_a_merge_patch_and_kubectl_shows_it() {
        let a = Action::SetPartition {
            namespace: "mysql".into(),
            name: "mysql".into(),
            partition: 2,
        };
        let r = a.request();
        assert_eq!(r.method, "PATCH");
        assert_eq!(r.path, "/apis/apps/v1/namespaces/mysql/statefulsets/mysql");
        assert_eq!(r.content_type, Some("application/merge-patch+json"));
        assert_eq!(
            r.body,
            Some(json!({"spec": {"updateStrategy": {"rollingUpdate": {"partition": 2}}}}))
        );
        assert_eq!(
            a.kubectl(),
            r#"kubectl -n mysql patch statefulset mysql --type=merge -p '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":2}}}}'"#
        );
        assert_eq!(a.kind(), ActionKind::Partition);
    }

    #[test]
    fn rollback_sends_the_revision_data_as_a_strategic_merge_patch() {
        let data = json!({"spec": {"template": {"$patch": "replace",
            "spec": {"containers": [{"name": "mysql", "image": "mysql:8.0"}]}}}});
        let a = Action::Rollback {
            namespace: "mysql".into(),
            name: "mysql".into(),
            revision: 2,
            data: data.clone(),
        };
        let r = a.request();
        assert_eq!(r.method, "PATCH");
        assert_eq!(r.path, "/apis/apps/v1/namespaces/mysql/statefulsets/mysql");
        assert_eq!(
            r.content_type,
            Some("application/strategic-merge-patch+json")
        );
        assert_eq!(r.body, Some(data));
        assert_eq!(
            a.kubectl(),
            "kubectl -n mysql rollout undo statefulset mysql --to-revision=2"
        );
        assert_eq!(a.title(), "Roll back statefulset mysql to revision 2");
        assert_eq!(a.kind(), ActionKind::Rollback);
    }

    #[test]
    fn delete_pod_sends_delete_options_with_grace_period_0_only_when_forced() {
        let del = |force| Action::DeletePod {
            namespace: "x".into(),
            name: "p".into(),
            force,
        };
        let forced = del(true).request();
        assert_eq!(forced.method, "DELETE");
        assert_eq!(forced.path, "/api/v1/namespaces/x/pods/p");
        assert_eq!(forced.content_type, Some("application/json"));
        assert_eq!(
            forced.body,
            Some(
                json!({"kind":"DeleteOptions","apiVersion":"v1","gracePeriodSeconds":0,"propagationPolicy":"Background"})
            )
        );
        assert_eq!(
            serde_json::to_string(&forced.body).unwrap(),
            r#"{"kind":"DeleteOptions","apiVersion":"v1","gracePeriodSeconds":0,"propagationPolicy":"Background"}"#
        );
        let graceful = del(false).request();
        assert_eq!(
            graceful.body,
            Some(
                json!({"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background"})
            )
        );
        assert_eq!(
            del(true).kubectl(),
            "kubectl -n x delete pod p --grace-period=0 --force"
        );
        assert_eq!(del(false).kubectl(), "kubectl -n x delete pod p");
        assert_eq!(del(true).title(), "Force delete pod p");
        assert!(del(false).is_destructive());
        assert_eq!(del(true).object(), "pod/p");
    }

    #[test]
    fn delete_claim_deletes_the_pvc() {
        let a = Action::DeleteClaim {
            namespace: "x".into(),
            name: "c".into(),
        };
        let r = a.request();
        assert_eq!(r.method, "DELETE");
        assert_eq!(r.path, "/api/v1/namespaces/x/persistentvolumeclaims/c");
        assert_eq!(
            r.body,
            Some(
                json!({"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background"})
            )
        );
        assert_eq!(a.kubectl(), "kubectl -n x delete pvc c");
        assert_eq!(a.kind(), ActionKind::DeleteClaim);
        assert_eq!(a.object(), "persistentvolumeclaim/c");
        assert!(a.is_destructive());
    }

    #[test]
    fn the_http_request_carries_method_path_content_type_and_body() {
        let r = scale(3).http_request().unwrap();
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
