//! Rollback: what `kubectl rollout undo --to-revision` sends (the
//! ControllerRevision's data as a strategic merge patch), the revisions to
//! choose from, and the preview of which Pods are replaced.

use jiff::Timestamp;

use super::plan::{Plan, find_set, names, one_at_a_time, update_min};
use super::request::{STRATEGIC_MERGE_PATCH, patch, set_path};
use super::{Action, Description};
use crate::store::{Pod, StatefulSet, Store};

pub(super) fn describe(
    ns: &str,
    name: &str,
    revision: i64,
    data: &serde_json::Value,
) -> Description {
    Description {
        request: patch(set_path(ns, name), STRATEGIC_MERGE_PATCH, data.clone()),
        kubectl: format!(
            "kubectl -n {ns} rollout undo statefulset {name} --to-revision={revision}"
        ),
        title: format!("Roll back statefulset {name} to revision {revision}"),
        destructive: false,
        success: format!("rolled back statefulset {ns}/{name} to revision {revision}"),
    }
}

/// One ControllerRevision of a set, for the rollback list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionChoice {
    pub revision: i64,
    pub name: String,
    pub age: String,
    pub images: Vec<String>,
    pub is_current: bool,
    pub is_update: bool,
}

/// The set's ControllerRevisions, newest first.
pub fn rollback_choices(
    store: &Store,
    ns: &str,
    name: &str,
    now: Timestamp,
) -> Vec<RevisionChoice> {
    let set = store.set(ns, name);
    let mut revs: Vec<RevisionChoice> = store
        .revisions_of_set(ns, name)
        .map(|r| RevisionChoice {
            revision: r.revision,
            name: r.name.clone(),
            age: r
                .created
                .map(|t| crate::format::duration::age(t, now))
                .unwrap_or_default(),
            images: r.images.clone(),
            is_current: set.is_some_and(|s| s.status.current_revision == r.name),
            is_update: set.is_some_and(|s| s.status.update_revision == r.name),
        })
        .collect();
    revs.sort_by(|a, b| {
        b.revision
            .cmp(&a.revision)
            .then_with(|| a.name.cmp(&b.name))
    });
    revs
}

fn find_revision<'s>(
    store: &'s Store,
    s: &StatefulSet,
    revision: i64,
) -> Result<&'s crate::store::Revision, String> {
    store
        .revisions_of_set(&s.namespace, &s.name)
        .find(|r| r.revision == revision)
        .ok_or_else(|| {
            let mut known: Vec<i64> = store
                .revisions_of_set(&s.namespace, &s.name)
                .map(|r| r.revision)
                .collect();
            known.sort_unstable_by(|a, b| b.cmp(a));
            let known: Vec<String> = known.iter().map(i64::to_string).collect();
            format!(
                "{} has no revision {revision} (it has: {})",
                s.name,
                if known.is_empty() {
                    "none".into()
                } else {
                    known.join(", ")
                }
            )
        })
}

/// Rolling back to `revision`: the template it restores and which Pods that replaces.
pub fn rollback_plan(store: &Store, ns: &str, name: &str, revision: i64) -> Result<Plan, String> {
    let s = find_set(store, ns, name)?;
    let r = find_revision(store, s, revision)?;
    if r.name == s.status.update_revision {
        return Err(format!(
            "revision {revision} ({}) is the template {name} already has: nothing to roll back",
            s.revision_hash(&r.name)
        ));
    }
    if r.data.is_null() {
        return Err(format!(
            "revision {revision} ({}) carries no template data: cannot roll back to it",
            r.name
        ));
    }
    let mut plan = Plan::default();
    plan.line(format!(
        "Restores the Pod template of revision {revision} ({}) as a strategic merge patch, as kubectl rollout undo does",
        s.revision_hash(&r.name)
    ));
    if r.images != s.images && !r.images.is_empty() {
        plan.line(format!(
            "Images: {} → {}",
            s.images.join(", "),
            r.images.join(", ")
        ));
    } else {
        plan.line(format!(
            "Images stay {}: other template fields change",
            r.images.join(", ")
        ));
    }
    let start = s.ordinals_start;
    let end = s.ordinals_end();
    let pods: Vec<(i32, Option<&Pod>)> = (start..end)
        .map(|n| (n, store.pod_of(ns, name, n)))
        .collect();
    let on_target = |p: &Option<&Pod>| p.is_some_and(|p| p.revision == r.name);
    let already: Vec<i32> = pods
        .iter()
        .filter(|(_, p)| on_target(p))
        .map(|(n, _)| *n)
        .collect();
    match update_min(s) {
        None => {
            plan.warn(
                "updateStrategy is OnDelete: Pods move to the restored template only when they are deleted",
            );
        }
        Some(min) => {
            let moving: Vec<i32> = pods
                .iter()
                .rev()
                .filter(|(n, p)| *n >= min && !on_target(p))
                .map(|(n, _)| *n)
                .collect();
            if moving.is_empty() {
                plan.line("No Pod is replaced");
            } else {
                plan.line(format!(
                    "Replaces {}, highest ordinal first, {}",
                    names(s, &moving).join(" → "),
                    one_at_a_time(s)
                ));
            }
            let held: Vec<i32> = pods
                .iter()
                .filter(|(n, p)| *n < min && !on_target(p))
                .map(|(n, _)| *n)
                .collect();
            if !held.is_empty() {
                plan.warn(format!(
                    "partition {} holds back {}: they keep their template until it is lowered",
                    min - start,
                    names(s, &held).join(", ")
                ));
            }
        }
    }
    if !already.is_empty() {
        plan.line(format!(
            "Already running revision {revision}: {}",
            names(s, &already).join(", ")
        ));
    }
    plan.line(
        "Only the Pod template is restored: replicas, updateStrategy and claims stay as they are",
    );
    Ok(plan)
}

/// The rollback action for `revision`, carrying the revision's data.
pub fn rollback_action(
    store: &Store,
    ns: &str,
    name: &str,
    revision: i64,
) -> Result<Action, String> {
    let s = find_set(store, ns, name)?;
    let r = find_revision(store, s, revision)?;
    if r.data.is_null() {
        return Err(format!(
            "revision {revision} ({}) carries no template data: cannot roll back to it",
            r.name
        ));
    }
    Ok(Action::Rollback {
        namespace: ns.to_string(),
        name: name.to_string(),
        revision,
        data: r.data.clone(),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::action::fixture::{Fx, has};

    use jiff::Timestamp;

    use crate::action::ActionKind;

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
    fn rollback_lists_revisions_newest_first_and_previews_the_template_change() {
        let mut f = Fx::healthy("Delete");
        f.set(json!({"status": {"currentRevision": "web-aaa", "updateRevision": "web-bbb"}}));
        f.pod(2, "bbb", json!({}));
        f.revision("old", 1, "nginx:1.26", "2026-01-01T00:00:00Z");
        f.revision("aaa", 2, "nginx:1.27", "2026-01-01T01:00:00Z");
        f.revision("bbb", 3, "nginx:1.28", "2026-01-01T02:00:00Z");
        let now: Timestamp = "2026-01-01T03:00:00Z".parse().unwrap();
        let c = rollback_choices(&f.0, "app", "web", now);
        assert_eq!(c.iter().map(|c| c.revision).collect::<Vec<_>>(), [3, 2, 1]);
        assert_eq!(
            c[0],
            RevisionChoice {
                revision: 3,
                name: "web-bbb".into(),
                age: "60m".into(),
                images: vec!["nginx:1.28".into()],
                is_current: false,
                is_update: true,
            }
        );
        assert!(c[1].is_current && !c[1].is_update);
        assert_eq!(c[2].age, "3h");

        let p = rollback_plan(&f.0, "app", "web", 2).unwrap();
        assert!(has(&p.lines, "Images: nginx:1.28 → nginx:1.27"), "{p:?}");
        assert!(
            has(&p.lines, "Replaces web-2, highest ordinal first"),
            "{p:?}"
        );
        assert!(
            has(&p.lines, "Already running revision 2: web-0, web-1"),
            "{p:?}"
        );
        assert!(
            rollback_plan(&f.0, "app", "web", 3)
                .unwrap_err()
                .contains("already has")
        );
        assert_eq!(
            rollback_plan(&f.0, "app", "web", 7).unwrap_err(),
            "web has no revision 7 (it has: 3, 2, 1)"
        );
        let Action::Rollback { data, revision, .. } =
            rollback_action(&f.0, "app", "web", 1).unwrap()
        else {
            panic!()
        };
        assert_eq!(revision, 1);
        assert_eq!(data["spec"]["template"]["$patch"], "replace");
    }
}
