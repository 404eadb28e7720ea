//! Delete claim: a DELETE of an orphaned PersistentVolumeClaim, refused
//! while a running Pod uses it, and the preview of what happens to its
//! volume and data.

use super::Description;
use super::plan::{Plan, pod_name, size, volume_fate};
use super::request::delete;
use crate::store::owner::claim_owner;
use crate::store::{Pod, Store};

pub(super) fn describe(ns: &str, name: &str) -> Description {
    Description {
        request: delete(
            format!("/api/v1/namespaces/{ns}/persistentvolumeclaims/{name}"),
            false,
        ),
        kubectl: format!("kubectl -n {ns} delete pvc {name}"),
        title: format!("Delete claim {name}"),
        destructive: true,
        success: format!("deleted persistentvolumeclaim {ns}/{name}"),
    }
}

/// Deleting an orphaned claim: refused while a running Pod uses it; says
/// what happens to the volume and its data.
pub fn delete_claim_plan(store: &Store, ns: &str, claim: &str) -> Result<Plan, String> {
    let c = store
        .claim(ns, claim)
        .ok_or_else(|| format!("claim {ns}/{claim} is not in the cache (already deleted?)"))?;
    if c.deleting.is_some() {
        return Err(format!(
            "{claim} is already being deleted; it stays while a Pod still uses it (kubernetes.io/pvc-protection)"
        ));
    }
    let users: Vec<&Pod> = store
        .pods(Some(ns))
        .filter(|p| p.claims.iter().any(|x| x == claim))
        .filter(|p| p.phase != "Succeeded" && p.phase != "Failed")
        .collect();
    if let Some(p) = users.first() {
        return Err(format!(
            "{claim} is used by Pod {} ({}): only claims no running Pod uses can be deleted{}",
            p.name,
            p.status_text,
            if p.owner_set.is_some() {
                "; scale the set down first"
            } else {
                ""
            }
        ));
    }
    let mut plan = Plan::default();
    plan.line(format!(
        "Deletes claim {claim} ({}, {})",
        size(c.capacity_bytes.or(c.request_bytes)),
        c.phase
    ));
    if let Some(o) = claim_owner(store, ns, claim)
        && let Some(s) = store.set(ns, &o.set)
    {
        let pod = pod_name(s, o.ordinal);
        if o.ordinal >= s.ordinals_start && o.ordinal < s.ordinals_end() {
            plan.warn(format!(
                "{claim} belongs to {pod}, which is within {}'s {} replicas: when {pod} is created again it gets a new, empty claim",
                s.name, s.replicas
            ));
        } else {
            plan.line(format!(
                "Left over from {pod} after a scale-down: a later scale-up of {} would have reused it; it gets a new, empty claim instead",
                s.name
            ));
        }
    }
    let (fate, lost) = volume_fate(store, c);
    plan.line(format!("Then {fate}"));
    if lost {
        plan.warn(format!(
            "the data on {} is destroyed and cannot be recovered",
            c.volume_name
        ));
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::action::fixture::{Fx, T0, has};

    use crate::action::{Action, ActionKind};
    use crate::store::{Object, StoreEvent};

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
    fn delete_claim_is_refused_while_used_and_says_what_happens_to_the_volume() {
        let mut f = Fx::healthy("Retain");
        f.set(json!({"spec": {"replicas": 2}}));
        let e = delete_claim_plan(&f.0, "app", "data-web-1").unwrap_err();
        assert!(
            e.contains("used by Pod web-1 (Running)") && e.contains("scale the set down first"),
            "{e}"
        );

        // web-2 is gone after a scale-down: its claim is orphaned.
        f.0.apply(
            StoreEvent::Deleted(
                f.0.pod("app", "web-2")
                    .map(|p| Object::Pod(p.clone()))
                    .unwrap(),
            ),
            T0.parse().unwrap(),
        );
        let p = delete_claim_plan(&f.0, "app", "data-web-2").unwrap();
        assert_eq!(
            p.lines,
            [
                "Deletes claim data-web-2 (10Gi, Bound)",
                "Left over from web-2 after a scale-down: a later scale-up of web would have reused it; it gets a new, empty claim instead",
                "Then its volume pv-2 becomes Released and keeps its data (reclaim policy Retain), but binds to no new claim until an admin clears its claimRef",
            ]
        );
        assert!(p.warnings.is_empty());

        f.claim(2, "Delete");
        let p = delete_claim_plan(&f.0, "app", "data-web-2").unwrap();
        assert!(has(&p.lines, "pv-2 is deleted with its data"), "{p:?}");
        assert!(has(&p.warnings, "cannot be recovered"), "{p:?}");
        assert!(delete_claim_plan(&f.0, "app", "nope").is_err());
    }
}
