//! Scale: a merge patch of the set's `scale` subresource, what kubectl
//! scale sends, and its preview (ordinals created or deleted, claims kept,
//! reused or deleted).

use super::Description;
use super::plan::{
    Plan, claim_names, class_text, find_set, missing_set, names, pod_name, size, unhealthy,
    volume_fate,
};
use super::request::{MERGE_PATCH, patch, set_path};
use super::validate::parse_whole;
use crate::store::{Claim, Store};

/// Above this, replicas are refused as a likely typo.
pub const MAX_REPLICAS: i32 = 10_000;

pub(super) fn describe(ns: &str, name: &str, replicas: i32) -> Description {
    let s = if replicas == 1 { "" } else { "s" };
    Description {
        request: patch(
            format!("{}/scale", set_path(ns, name)),
            MERGE_PATCH,
            serde_json::json!({"spec": {"replicas": replicas}}),
        ),
        kubectl: format!("kubectl -n {ns} scale statefulset {name} --replicas={replicas}"),
        title: format!("Scale statefulset {name} to {replicas} replica{s}"),
        destructive: replicas == 0,
        success: format!("scaled statefulset {ns}/{name} to {replicas}"),
    }
}

/// Replicas typed in the scale dialog: a whole number from 0 to
/// [`MAX_REPLICAS`]; warnings for a big jump, zero, or no change.
pub fn parse_replicas(input: &str, current: i32) -> Result<(i32, Vec<String>), String> {
    let n = parse_whole(input, "replicas")?;
    if n > MAX_REPLICAS {
        return Err(format!(
            "{n} replicas is above ordinal's limit of {MAX_REPLICAS}; use kubectl if you really mean it"
        ));
    }
    let mut warnings = Vec::new();
    if n == current {
        warnings.push(format!(
            "{n} is the current number of replicas: nothing changes"
        ));
    } else if n == 0 {
        warnings.push(
            "0 replicas stops every Pod of the set (claims are kept unless whenScaled is Delete)"
                .into(),
        );
    } else if i64::from(n) > 3 * i64::from(current.max(0)) && n > current.saturating_add(2) {
        warnings.push(format!(
            "{n} is more than 3× the current {current} replicas: each new ordinal gets its own Pod and its own claims"
        ));
    }
    Ok((n, warnings))
}

/// Scaling `name` to `replicas`: ordinals created or deleted and in what
/// order, claims created, reused or deleted, and what happens to volumes.
pub fn scale_plan(store: &Store, ns: &str, name: &str, replicas: i32) -> Plan {
    let Ok(s) = find_set(store, ns, name) else {
        return missing_set(ns, name);
    };
    let mut plan = Plan::default();
    let cur = s.replicas;
    let start = s.ordinals_start;
    let ordered = s.is_ordered_ready();
    if replicas == cur {
        plan.line(format!("replicas stays at {cur}: nothing changes"));
        return plan;
    }
    plan.line(format!("replicas {cur} → {replicas}"));
    if replicas > cur {
        let new: Vec<i32> = (start.saturating_add(cur)..start.saturating_add(replicas)).collect();
        let pods = names(s, &new);
        plan.line(if ordered {
            format!(
                "Creates {}, in ordinal order, each after the previous is Running and Ready (OrderedReady)",
                pods.join(" → ")
            )
        } else {
            format!("Creates {} at once (Parallel)", pods.join(", "))
        });
        if s.templates.is_empty() {
            plan.line("No volumeClaimTemplates: no claims are created");
        }
        for n in &new {
            for (claim, t) in claim_names(s, *n).into_iter().zip(&s.templates) {
                let pod = pod_name(s, *n);
                match store.claim(ns, &claim) {
                    Some(c) if c.deleting.is_some() => plan.warn(format!(
                        "claim {claim} is being deleted: {pod} waits until it is gone, then gets a new, empty claim"
                    )),
                    Some(c) => {
                        let bound = if c.volume_name.is_empty() {
                            c.phase.clone()
                        } else {
                            format!("{} to {}", c.phase, c.volume_name)
                        };
                        plan.line(format!(
                            "{pod} reuses claim {claim} ({}, {bound}), kept from an earlier scale-up: it gets that data back",
                            size(c.capacity_bytes.or(c.request_bytes))
                        ));
                    }
                    None => plan.line(format!(
                        "{pod} gets a new claim {claim} ({}, {})",
                        size(t.request_bytes),
                        class_text(store, &t.storage_class)
                    )),
                }
            }
        }
        if ordered {
            let bad = unhealthy(store, s);
            if !bad.is_empty() {
                plan.warn(format!(
                    "not Running and Ready: {}. OrderedReady creates {} only once every lower ordinal is Running and Ready",
                    bad.join(", "),
                    pods[0]
                ));
            }
        }
    } else {
        let gone: Vec<i32> = (start.saturating_add(replicas.max(0))..start.saturating_add(cur))
            .rev()
            .collect();
        let pods = names(s, &gone);
        plan.line(if ordered {
            format!(
                "Deletes {}, highest ordinal first, one at a time (OrderedReady)",
                pods.join(" → ")
            )
        } else {
            format!("Deletes {} at once (Parallel)", pods.join(", "))
        });
        let claims: Vec<&Claim> = gone
            .iter()
            .flat_map(|n| claim_names(s, *n))
            .filter_map(|c| store.claim(ns, &c))
            .collect();
        if !claims.is_empty() {
            let list: Vec<&str> = claims.iter().map(|c| c.name.as_str()).collect();
            if s.when_scaled == "Delete" {
                let mut lost = Vec::new();
                for c in &claims {
                    let (fate, data_lost) = volume_fate(store, c);
                    plan.line(format!(
                        "Deletes claim {} once its Pod is gone (whenScaled: Delete): {fate}",
                        c.name
                    ));
                    if data_lost {
                        lost.push(c.name.as_str());
                    }
                }
                plan.warn(format!(
                    "persistentVolumeClaimRetentionPolicy.whenScaled is Delete: {} are deleted",
                    list.join(", ")
                ));
                if !lost.is_empty() {
                    plan.warn(format!(
                        "the data of {} is lost with their volumes",
                        lost.join(", ")
                    ));
                }
            } else {
                plan.line(format!(
                    "Keeps claims {} (whenScaled: {}): a later scale-up reuses them with their data",
                    list.join(", "),
                    s.when_scaled
                ));
            }
        }
        if replicas == 0 {
            plan.warn(format!("scaling to 0 stops every Pod of {}", s.name));
        }
    }
    if s.status.replicas != cur {
        plan.warn(format!(
            "a change to {cur} replicas is still in progress ({} Pods now)",
            s.status.replicas
        ));
    }
    plan
}
#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::action::fixture::{Fx, has};

    use crate::action::{Action, ActionKind, Request};

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
    fn replicas_must_be_a_whole_number_in_range() {
        let err = |s: &str| parse_replicas(s, 3).unwrap_err();
        assert_eq!(err(""), "enter the replicas as a whole number");
        assert_eq!(err("   "), "enter the replicas as a whole number");
        assert_eq!(err("abc"), "\"abc\" is not a whole number");
        assert_eq!(err("5a"), "\"5a\" is not a whole number");
        assert_eq!(err("1 0"), "\"1 0\" is not a whole number");
        assert_eq!(err("-1"), "the replicas cannot be negative: -1");
        assert_eq!(
            err("+3"),
            "type the replicas itself, without a sign: 3, not +3"
        );
        assert_eq!(err("3.0"), "the replicas must be a whole number, not 3.0");
        assert_eq!(err("2,5"), "the replicas must be a whole number, not 2,5");
        assert_eq!(
            err("99999999999"),
            "99999999999 is far too large for the replicas"
        );
        assert!(err("10001").contains("above ordinal's limit of 10000"));
        assert_eq!(parse_replicas(" 5 ", 3), Ok((5, vec![])));
        assert_eq!(parse_replicas("9", 3), Ok((9, vec![])));
        assert_eq!(parse_replicas("10000", 5000).map(|r| r.0), Ok(10_000));
    }

    #[test]
    fn replicas_warn_on_a_big_jump_zero_or_no_change() {
        let warnings = |s: &str, cur| parse_replicas(s, cur).unwrap().1;
        assert!(warnings("10", 3)[0].contains("more than 3× the current 3"));
        assert!(warnings("2", 0).is_empty(), "2 ≤ 0+2 is not a jump");
        assert!(warnings("3", 0)[0].contains("more than 3×"));
        assert!(warnings("0", 3)[0].contains("stops every Pod"));
        assert!(warnings("3", 3)[0].contains("nothing changes"));
        assert!(warnings("3", 1).is_empty(), "3 ≤ 1+2 is not a jump");
        assert!(warnings("4", 1)[0].contains("more than 3×"));
    }

    #[test]
    fn scaling_up_creates_in_order_from_the_start_ordinal_and_reuses_kept_claims() {
        let mut f = Fx::new();
        f.set(json!({"spec": {"ordinals": {"start": 2}}}));
        for n in 2..5 {
            f.ordinal(n, "aaa", "Delete");
        }
        f.claim(5, "Delete"); // kept from an earlier scale-up
        let p = scale_plan(&f.0, "app", "web", 5);
        assert_eq!(
            p.lines,
            [
                "replicas 3 → 5",
                "Creates web-5 → web-6, in ordinal order, each after the previous is Running and Ready (OrderedReady)",
                "web-5 reuses claim data-web-5 (10Gi, Bound to pv-5), kept from an earlier scale-up: it gets that data back",
                "web-6 gets a new claim data-web-6 (10Gi, default class standard)",
            ]
        );
        assert!(p.warnings.is_empty(), "{p:?}");

        f.set(json!({"spec": {"podManagementPolicy": "Parallel", "ordinals": {"start": 2}}}));
        let p = scale_plan(&f.0, "app", "web", 5);
        assert!(
            has(&p.lines, "Creates web-5, web-6 at once (Parallel)"),
            "{p:?}"
        );
    }

    #[test]
    fn scaling_up_past_an_unready_pod_says_ordered_ready_waits() {
        let mut f = Fx::healthy("Delete");
        f.pod(
            1,
            "aaa",
            json!({"status": {"conditions": [{"type": "Ready", "status": "False"}]}}),
        );
        let p = scale_plan(&f.0, "app", "web", 4);
        assert!(has(&p.warnings, "web-1"), "{p:?}");
        assert!(
            has(
                &p.warnings,
                "creates web-3 only once every lower ordinal is Running and Ready"
            ),
            "{p:?}"
        );
    }

    #[test]
    fn scaling_down_deletes_highest_first_and_keeps_or_deletes_claims_per_policy() {
        let mut f = Fx::healthy("Delete");
        let p = scale_plan(&f.0, "app", "web", 1);
        assert!(
            has(
                &p.lines,
                "Deletes web-2 → web-1, highest ordinal first, one at a time"
            ),
            "{p:?}"
        );
        assert!(
            has(
                &p.lines,
                "Keeps claims data-web-2, data-web-1 (whenScaled: Retain)"
            ),
            "{p:?}"
        );
        assert!(p.warnings.is_empty(), "{p:?}");

        f.set(json!({"spec": {"persistentVolumeClaimRetentionPolicy": {"whenScaled": "Delete"}}}));
        f.claim(2, "Retain");
        let p = scale_plan(&f.0, "app", "web", 1);
        assert!(
            has(
                &p.lines,
                "Deletes claim data-web-2 once its Pod is gone (whenScaled: Delete): its volume pv-2 becomes Released and keeps its data"
            ),
            "{p:?}"
        );
        assert!(
            has(
                &p.lines,
                "Deletes claim data-web-1 once its Pod is gone (whenScaled: Delete): its volume pv-1 is deleted with its data"
            ),
            "{p:?}"
        );
        assert!(has(&p.warnings, "the data of data-web-1 is lost"), "{p:?}");

        let p = scale_plan(&f.0, "app", "web", 0);
        assert!(
            has(&p.warnings, "scaling to 0 stops every Pod of web"),
            "{p:?}"
        );
        assert!(has(
            &scale_plan(&f.0, "app", "web", 3).lines,
            "nothing changes"
        ));
        assert!(!scale_plan(&f.0, "app", "nope", 3).warnings.is_empty());
    }
}
