//! Partition: a merge patch of `spec.updateStrategy.rollingUpdate.partition`,
//! the partitions that pause or step a rollout, and the preview of which
//! ordinals move.

use super::Description;
use super::plan::{Plan, Slot, find_set, names, one_at_a_time};
use super::request::{MERGE_PATCH, patch, set_path};
use super::validate::parse_whole;
use crate::store::{Pod, Store, UpdateStrategy};

pub(super) fn describe(ns: &str, name: &str, partition: i32) -> Description {
    let body = serde_json::json!({"spec": {"updateStrategy": {"rollingUpdate": {"partition": partition}}}});
    Description {
        kubectl: format!("kubectl -n {ns} patch statefulset {name} --type=merge -p '{body}'"),
        request: patch(set_path(ns, name), MERGE_PATCH, body),
        title: format!("Set the partition of statefulset {name} to {partition}"),
        destructive: false,
        success: format!("set partition of statefulset {ns}/{name} to {partition}"),
    }
}

/// A partition typed in the partition dialog: a whole number ≥ 0; above
/// replicas is allowed (Kubernetes accepts it) but explained.
pub fn parse_partition(input: &str, replicas: i32) -> Result<(i32, Vec<String>), String> {
    let p = parse_whole(input, "partition")?;
    let mut warnings = Vec::new();
    if p > replicas {
        warnings.push(format!(
            "partition {p} is above replicas ({replicas}): no ordinal is released, which pauses all updates until it is lowered"
        ));
    } else if p == replicas && replicas > 0 {
        warnings.push(format!(
            "partition {p} = replicas: no ordinal is released, which pauses all updates"
        ));
    }
    Ok((p, warnings))
}

/// Setting the partition: which ordinals move to the update revision and
/// which stay. Refused for OnDelete, where the partition means nothing.
pub fn partition_plan(store: &Store, ns: &str, name: &str, partition: i32) -> Result<Plan, String> {
    let s = find_set(store, ns, name)?;
    let UpdateStrategy::RollingUpdate { partition: cur, .. } = &s.strategy else {
        return Err(format!(
            "{name} uses updateStrategy OnDelete: the partition only applies to RollingUpdate; its Pods move to the update revision when they are deleted"
        ));
    };
    let mut plan = Plan::default();
    plan.line(format!(
        "partition {cur} → {partition} (replicas {})",
        s.replicas
    ));
    let start = s.ordinals_start;
    let end = s.ordinals_end();
    let boundary = start.saturating_add(partition.max(0));
    let update = &s.status.update_revision;
    let current = &s.status.current_revision;
    let pods: Vec<(i32, Option<&Pod>)> = (start..end)
        .map(|n| (n, store.pod_of(ns, name, n)))
        .collect();
    let on_update =
        |p: &Option<&Pod>| p.is_some_and(|p| !update.is_empty() && p.revision == *update);
    let pending = !update.is_empty()
        && (current != update || pods.iter().any(|(_, p)| p.is_some() && !on_update(p)));
    let ords = |f: &dyn Fn(&Slot) -> bool| -> Vec<i32> {
        pods.iter().filter(|x| f(x)).map(|(n, _)| *n).collect()
    };
    if !pending {
        let hash = s.revision_hash(update);
        plan.line(format!(
            "No update pending: every Pod runs revision {}",
            if hash.is_empty() { "?" } else { hash }
        ));
        let released = ords(&|(n, _)| *n >= boundary);
        let held = ords(&|(n, _)| *n < boundary);
        plan.line(if released.is_empty() {
            "At the next template change no ordinal updates until the partition is lowered".into()
        } else if held.is_empty() {
            "At the next template change every ordinal updates".to_string()
        } else {
            format!(
                "At the next template change {} update and {} are held back",
                names(s, &released).join(", "),
                names(s, &held).join(", ")
            )
        });
    } else {
        let uhash = s.revision_hash(update);
        let moving: Vec<i32> = ords(&|(n, p)| *n >= boundary && !on_update(p))
            .into_iter()
            .rev()
            .collect();
        let already = ords(&|(n, p)| *n >= boundary && on_update(p));
        let staying = ords(&|(n, p)| *n < boundary && !on_update(p));
        let kept = ords(&|(n, p)| *n < boundary && on_update(p));
        if !moving.is_empty() {
            plan.line(format!(
                "Move to revision {uhash}, highest first, {}: {}",
                one_at_a_time(s),
                names(s, &moving).join(" → ")
            ));
        }
        if !already.is_empty() {
            plan.line(format!(
                "Already on revision {uhash}: {}",
                names(s, &already).join(", ")
            ));
        }
        if !staying.is_empty() {
            plan.line(format!(
                "Stay on revision {}: {}",
                s.revision_hash(current),
                names(s, &staying).join(", ")
            ));
        }
        if moving.is_empty() && partition >= s.replicas {
            plan.line("Pauses the rollout: no further ordinal moves");
        }
        if !kept.is_empty() {
            plan.warn(format!(
                "{} already run revision {uhash}: a higher partition does not roll them back (only Pods deleted later come back on the current revision)",
                names(s, &kept).join(", ")
            ));
        }
    }
    if partition > s.replicas {
        plan.warn(format!(
            "partition {partition} is above replicas ({}): this pauses all updates until it is lowered",
            s.replicas
        ));
    }
    Ok(plan)
}

/// The partition that pauses a rollout: no ordinal is released.
pub fn pause_partition(store: &Store, ns: &str, name: &str) -> i32 {
    store.set(ns, name).map_or(i32::MAX, |s| s.replicas.max(0))
}

/// The partition that releases the next ordinal (one below the current
/// boundary, counting a partition above replicas as replicas).
pub fn step_partition(store: &Store, ns: &str, name: &str) -> Result<i32, String> {
    let s = find_set(store, ns, name)?;
    match &s.strategy {
        UpdateStrategy::OnDelete => Err(format!(
            "{name} uses updateStrategy OnDelete: there is no partition to step; delete a Pod to update it"
        )),
        UpdateStrategy::RollingUpdate { partition, .. } => {
            let p = (*partition).min(s.replicas);
            if p <= 0 {
                Err(format!(
                    "the partition of {name} is already 0: every ordinal is released"
                ))
            } else {
                Ok(p - 1)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::action::fixture::{Fx, has};

    use crate::action::{Action, ActionKind};

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
    fn partition_must_be_whole_and_not_negative_and_above_replicas_is_explained() {
        assert_eq!(
            parse_partition("-1", 3).unwrap_err(),
            "the partition cannot be negative: -1"
        );
        assert!(parse_partition("", 3).is_err());
        assert!(parse_partition("x", 3).is_err());
        assert!(parse_partition("1.5", 3).is_err());
        assert_eq!(parse_partition("0", 3), Ok((0, vec![])));
        assert_eq!(parse_partition("2", 3), Ok((2, vec![])));
        let (p, w) = parse_partition("3", 3).unwrap();
        assert_eq!(p, 3);
        assert!(w[0].contains("pauses all updates"));
        let (p, w) = parse_partition("5", 3).unwrap();
        assert_eq!(p, 5);
        assert!(w[0].contains("above replicas (3)") && w[0].contains("pauses all updates"));
    }

    #[test]
    fn partition_says_which_ordinals_move_and_which_stay() {
        let mut f = Fx::healthy("Delete");
        f.set(json!({"spec": {"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 2}}},
            "status": {"updateRevision": "web-bbb"}}));
        f.pod(2, "bbb", json!({}));
        let p = partition_plan(&f.0, "app", "web", 1).unwrap();
        assert_eq!(
            p.lines,
            [
                "partition 2 → 1 (replicas 3)",
                "Move to revision bbb, highest first, one at a time: web-1",
                "Already on revision bbb: web-2",
                "Stay on revision aaa: web-0",
            ]
        );
        assert!(p.warnings.is_empty());
        let p = partition_plan(&f.0, "app", "web", 5).unwrap();
        assert!(has(&p.lines, "Pauses the rollout"), "{p:?}");
        assert!(has(&p.warnings, "web-2 already run revision bbb"), "{p:?}");
        assert!(has(&p.warnings, "above replicas (3)"), "{p:?}");

        assert_eq!(step_partition(&f.0, "app", "web"), Ok(1));
        assert_eq!(pause_partition(&f.0, "app", "web"), 3);
        f.set(json!({"spec": {"updateStrategy": {"rollingUpdate": {"partition": 9}}}}));
        assert_eq!(
            step_partition(&f.0, "app", "web"),
            Ok(2),
            "from replicas, not 9"
        );
        f.set(json!({"spec": {"updateStrategy": {"rollingUpdate": {"partition": 0}}}}));
        assert!(
            step_partition(&f.0, "app", "web")
                .unwrap_err()
                .contains("already 0")
        );
    }

    #[test]
    fn partition_without_a_pending_update_explains_the_next_change() {
        let f = Fx::healthy("Delete");
        let p = partition_plan(&f.0, "app", "web", 2).unwrap();
        assert!(
            has(&p.lines, "No update pending: every Pod runs revision aaa"),
            "{p:?}"
        );
        assert!(
            has(&p.lines, "web-2 update and web-0, web-1 are held back"),
            "{p:?}"
        );
    }

    #[test]
    fn partition_and_step_are_refused_on_on_delete() {
        let mut f = Fx::healthy("Delete");
        f.set(json!({"spec": {"updateStrategy": {"type": "OnDelete"}}}));
        let e = partition_plan(&f.0, "app", "web", 1).unwrap_err();
        assert!(e.contains("OnDelete") && e.contains("RollingUpdate"), "{e}");
        assert!(
            step_partition(&f.0, "app", "web")
                .unwrap_err()
                .contains("OnDelete")
        );
    }
}
