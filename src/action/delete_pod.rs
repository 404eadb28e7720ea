//! Delete pod: a DELETE with kubectl's DeleteOptions (grace period 0 when
//! forced), when force is the delete to offer, and the preview of what the
//! StatefulSet then does.

use super::Description;
use super::plan::{Plan, claim_names, update_min};
use super::request::delete;
use crate::store::{Pod, Store, UpdateStrategy};

pub(super) fn describe(ns: &str, name: &str, force: bool) -> Description {
    let (flags, title, success) = if force {
        (
            " --grace-period=0 --force",
            "Force delete pod",
            "force deleted pod",
        )
    } else {
        ("", "Delete pod", "deleted pod")
    };
    Description {
        request: delete(format!("/api/v1/namespaces/{ns}/pods/{name}"), force),
        kubectl: format!("kubectl -n {ns} delete pod {name}{flags}"),
        title: format!("{title} {name}"),
        destructive: true,
        success: format!("{success} {ns}/{name}"),
    }
}

/// Why a Pod cannot go away gracefully: its node is lost (NotReady or
/// gone), so the kubelet never confirms the containers stopped.
fn lost_node(store: &Store, p: &Pod) -> Option<String> {
    if p.node.is_empty() {
        return None;
    }
    match store.node(&p.node) {
        Some(n) if !n.is_ready() => Some(format!(
            "node {} is {}",
            n.name,
            if n.ready_reason.is_empty() {
                format!("Ready={}", if n.ready.is_empty() { "?" } else { &n.ready })
            } else {
                format!("not Ready ({})", n.ready_reason)
            }
        )),
        None if store.is_synced(crate::store::Kind::Node) && store.nodes().next().is_some() => {
            Some(format!("node {} no longer exists", p.node))
        }
        _ if p.reason == "NodeLost" || p.status_text == "Unknown" => Some(format!(
            "node {} is unreachable ({})",
            p.node, p.status_text
        )),
        _ => None,
    }
}

/// Whether force delete is the delete to offer first: the Pod is Unknown
/// or stuck Terminating on a lost node.
pub fn suggests_force(store: &Store, ns: &str, pod: &str) -> bool {
    store.pod(ns, pod).is_some_and(|p| {
        lost_node(store, p).is_some()
            && (p.deleting.is_some() || p.status_text == "Unknown" || p.reason == "NodeLost")
    })
}

/// Deleting a Pod, gracefully or by force, and what the StatefulSet then does.
pub fn delete_pod_plan(store: &Store, ns: &str, pod: &str, force: bool) -> Plan {
    let mut plan = Plan::default();
    let Some(p) = store.pod(ns, pod) else {
        plan.warn(format!(
            "pod {ns}/{pod} is not in the cache (already gone?): the request will probably fail with 404"
        ));
        return plan;
    };
    let lost = lost_node(store, p);
    if force {
        plan.line(format!(
            "Removes {pod} from the API at once (grace period 0), without waiting for the kubelet to confirm its containers stopped"
        ));
    } else {
        plan.line(format!(
            "Deletes {pod} with its termination grace period: its containers get SIGTERM, then SIGKILL"
        ));
    }
    let slot = crate::store::pod_slot(p);
    let set = slot
        .as_ref()
        .filter(|_| p.owner_set.is_some())
        .and_then(|(set, _)| store.set(ns, set));
    if let (Some(s), Some((_, n))) = (set, slot) {
        if n >= s.ordinals_start && n < s.ordinals_end() {
            let rev = match &s.strategy {
                UpdateStrategy::RollingUpdate { .. } if update_min(s).is_some_and(|m| n < m) => {
                    &s.status.current_revision
                }
                _ => &s.status.update_revision,
            };
            let claims = claim_names(s, n);
            plan.line(format!(
                "StatefulSet {} then recreates {pod} with the same name{} on revision {}",
                s.name,
                if claims.is_empty() {
                    String::new()
                } else {
                    format!(" and claims ({})", claims.join(", "))
                },
                s.revision_hash(rev)
            ));
        } else {
            plan.line(format!(
                "{pod} is outside {}'s {} replicas: it is not recreated",
                s.name, s.replicas
            ));
        }
    } else {
        plan.line(format!("{pod} has no StatefulSet: nothing recreates it"));
    }
    match (&lost, force) {
        (Some(why), true) => plan.line(format!(
            "{pod} is {} and {why}: the set cannot replace it while it exists; force delete lets the set recreate it",
            p.status_text
        )),
        (Some(why), false) => plan.warn(format!(
            "{pod} is {} and {why}: a graceful delete waits for a kubelet that cannot answer; force delete (grace period 0) is what frees the ordinal",
            p.status_text
        )),
        (None, false) if p.deleting.is_some() => plan.warn(format!(
            "{pod} is already terminating: deleting it again changes nothing"
        )),
        _ => {}
    }
    if force {
        let node = if p.node.is_empty() {
            "its node".to_string()
        } else {
            format!("node {}", p.node)
        };
        let volumes = if p.claims.is_empty() {
            String::new()
        } else {
            format!(" and the same volume ({})", p.claims.join(", "))
        };
        plan.warn(format!(
            "Force delete: for a StatefulSet this can run two Pods with the same identity ({pod}){volumes} if {node} is still alive. Only do this when the node is really down or its containers are known to be stopped"
        ));
    }
    plan
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::action::fixture::{Fx, has};

    use crate::action::Action;

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
    fn delete_pod_explains_graceful_and_force_and_the_lost_node() {
        let mut f = Fx::healthy("Delete");
        let p = delete_pod_plan(&f.0, "app", "web-1", false);
        assert!(
            has(
                &p.lines,
                "StatefulSet web then recreates web-1 with the same name and claims (data-web-1) on revision aaa"
            ),
            "{p:?}"
        );
        assert!(p.warnings.is_empty());
        assert!(!suggests_force(&f.0, "app", "web-1"));
        let p = delete_pod_plan(&f.0, "app", "web-1", true);
        assert!(has(&p.lines, "grace period 0"), "{p:?}");
        assert!(
            has(
                &p.warnings,
                "two Pods with the same identity (web-1) and the same volume (data-web-1) if node n1 is still alive"
            ),
            "{p:?}"
        );

        f.put_node("n1", "Unknown");
        f.pod(1, "aaa", json!({"metadata": {"deletionTimestamp": "2026-01-01T00:10:00Z"},
            "status": {"reason": "NodeLost", "conditions": [{"type": "Ready", "status": "False"}]}}));
        assert!(suggests_force(&f.0, "app", "web-1"));
        let p = delete_pod_plan(&f.0, "app", "web-1", false);
        assert!(
            has(&p.warnings, "node n1 is not Ready (NodeStatusUnknown)"),
            "{p:?}"
        );
        assert!(
            has(
                &p.warnings,
                "force delete (grace period 0) is what frees the ordinal"
            ),
            "{p:?}"
        );
        let p = delete_pod_plan(&f.0, "app", "web-1", true);
        assert!(
            has(&p.lines, "force delete lets the set recreate it"),
            "{p:?}"
        );
    }
}
