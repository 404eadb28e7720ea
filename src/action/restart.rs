//! Rolling restart: what `kubectl rollout restart` sends (a strategic merge
//! patch of a template annotation), and its preview.

use super::Description;
use super::plan::{
    Plan, find_set, missing_set, names, one_at_a_time, pod_name, unhealthy, update_min,
};
use super::request::{STRATEGIC_MERGE_PATCH, patch, set_path};
use crate::store::Store;

/// The annotation `kubectl rollout restart` sets on the Pod template.
pub const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";

/// `now` as kubectl stamps it (RFC 3339, seconds).
pub(super) fn stamp(now: jiff::Timestamp) -> String {
    now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub(super) fn describe(ns: &str, name: &str, at: &str) -> Description {
    Description {
        request: patch(
            set_path(ns, name),
            STRATEGIC_MERGE_PATCH,
            serde_json::json!({"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: at}}}}}),
        ),
        kubectl: format!("kubectl -n {ns} rollout restart statefulset {name}"),
        title: format!("Rolling restart of statefulset {name}"),
        destructive: false,
        success: format!("restarted statefulset {ns}/{name} (restartedAt {at})"),
    }
}

/// A rolling restart: which ordinals restart in which order, and what holds them back.
pub fn restart_plan(store: &Store, ns: &str, name: &str) -> Plan {
    let Ok(s) = find_set(store, ns, name) else {
        return missing_set(ns, name);
    };
    let mut plan = Plan::default();
    plan.line(format!(
        "Sets the template annotation {} to now (a new revision), as kubectl rollout restart does",
        RESTARTED_AT
    ));
    let start = s.ordinals_start;
    let end = s.ordinals_end();
    match update_min(s) {
        None => {
            plan.line(format!(
                "Pods restart only when deleted: {}",
                names(s, &(start..end).collect::<Vec<_>>()).join(", ")
            ));
            plan.warn(
                "updateStrategy is OnDelete: nothing restarts until each Pod is deleted"
                    .to_string(),
            );
        }
        Some(min) => {
            let targets: Vec<i32> = (min.max(start)..end).rev().collect();
            if targets.is_empty() {
                plan.warn(format!(
                    "the partition ({}) is not below replicas ({}): no Pod restarts until it is lowered",
                    min - start,
                    s.replicas
                ));
            } else {
                plan.line(format!(
                    "Restarts {}, highest ordinal first, {}, each after the previous is Running and Ready",
                    names(s, &targets).join(" → "),
                    one_at_a_time(s)
                ));
                plan.line("Each Pod keeps its name, identity and claims");
            }
            let held: Vec<i32> = (start..min.min(end)).collect();
            if !held.is_empty() && !targets.is_empty() {
                plan.warn(format!(
                    "partition {} holds back {}: only ordinals ≥ {} restart",
                    min - start,
                    names(s, &held).join(", "),
                    min
                ));
            }
        }
    }
    let bad = unhealthy(store, s);
    if !bad.is_empty() && update_min(s).is_some() {
        plan.warn(format!(
            "not Running and Ready: {}. The restart waits for them",
            bad.join(", ")
        ));
    }
    if s.replicas == 1 {
        plan.warn(format!(
            "only one replica: {} is unavailable while it restarts",
            pod_name(s, start)
        ));
    }
    plan
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::action::fixture::{Fx, has};

    use crate::action::{Action, ActionKind};

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
    fn restart_rolls_from_the_top_and_warns_about_partition_and_on_delete() {
        let mut f = Fx::healthy("Delete");
        let p = restart_plan(&f.0, "app", "web");
        assert!(
            has(
                &p.lines,
                "Restarts web-2 → web-1 → web-0, highest ordinal first, one at a time"
            ),
            "{p:?}"
        );
        assert!(p.warnings.is_empty());

        f.set(json!({"spec": {"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 1, "maxUnavailable": 2}}}}));
        let p = restart_plan(&f.0, "app", "web");
        assert!(
            has(
                &p.lines,
                "Restarts web-2 → web-1, highest ordinal first, up to 2 at a time"
            ),
            "{p:?}"
        );
        assert!(
            has(
                &p.warnings,
                "partition 1 holds back web-0: only ordinals ≥ 1 restart"
            ),
            "{p:?}"
        );

        f.set(json!({"spec": {"updateStrategy": {"rollingUpdate": {"partition": 3}}}}));
        let p = restart_plan(&f.0, "app", "web");
        assert!(
            has(&p.warnings, "no Pod restarts until it is lowered"),
            "{p:?}"
        );

        f.set(json!({"spec": {"updateStrategy": {"type": "OnDelete", "rollingUpdate": null}}}));
        let p = restart_plan(&f.0, "app", "web");
        assert!(
            has(
                &p.warnings,
                "OnDelete: nothing restarts until each Pod is deleted"
            ),
            "{p:?}"
        );
    }
}
