//! Findings about a set as a whole: its rollout, partition, retention and
//! claim templates.

use super::*;

/// Claims of one template that differ in size (Warning, [`capacity`]).
pub(super) fn template_findings(store: &Store, s: &StatefulSet, out: &mut Out) {
    for d in capacity::uneven_templates(store, s) {
        out.push(
            d.severity,
            d.code,
            d.title,
            d.detail,
            d.objects,
            set_key(s),
            None,
        );
    }
}

/// The findings about the set as a whole, given its rollout (not its Pods').
pub(super) fn set_findings(s: &StatefulSet, r: &Rollout, now: Timestamp, out: &mut Out) {
    let key = set_key(s);

    // Rollout stuck (Warning): the controller waits on one Pod for too long.
    if let Some(w) = &r.waiting
        && !w.missing
        && out.passed(w.since, now, STUCK_SECS)
    {
        let what = match &r.phase {
            Phase::Scaling { from, to } => format!("scaling {from}→{to}"),
            Phase::Rolling { updated, total } => {
                format!("rolling update ({updated} of {total} updated)")
            }
            _ => "creating missing Pods".into(),
        };
        let why = match w.reason {
            Reason::OrderedReady => format!(
                "podManagementPolicy OrderedReady: the controller creates, updates and deletes one Pod at a time and does nothing more until {} is Running and Ready ({} now{}).",
                w.pod,
                w.status,
                for_how_long(w.since, now)
            ),
            Reason::RollingUpdate => format!(
                "RollingUpdate replaces Pods from the highest ordinal down and waits for each replaced Pod to be Ready; {} is {}{}.",
                w.pod,
                w.status,
                for_how_long(w.since, now)
            ),
        };
        let mut objects = vec![set_ref(s)];
        objects.push(obj("Pod", &s.namespace, &w.pod));
        out.push(
            Severity::Warning,
            "rollout-stuck",
            format!(
                "{}: {what} stuck waiting for {}{}",
                s.name,
                w.pod,
                for_how_long(w.since, now)
            ),
            format!("{why} Fix or delete that Pod to let the rollout continue."),
            objects,
            key.clone(),
            Some(w.ordinal),
        );
    }

    match &r.phase {
        // Partition holding ordinals back (Info): a staged rollout, by design.
        Phase::Paused {
            partition,
            updated,
            total,
        } => {
            let update = s.revision_hash(&s.status.update_revision);
            let current = s.revision_hash(&s.status.current_revision);
            out.push(
                Severity::Info,
                "rollout-partitioned",
                format!(
                    "{}: partition {partition} holds {} on the old revision",
                    s.name,
                    rollout::ordinal_list(&s.name, &r.held_back)
                ),
                format!(
                    "RollingUpdate with partition {partition} updates only ordinals ≥ {} ({updated} of {total} run revision {update}); the others stay on {current} until the partition is lowered.",
                    s.ordinals_start + partition
                ),
                vec![set_ref(s)],
                key.clone(),
                None,
            );
        }
        // OnDelete waiting for deletions (Info).
        Phase::OnDelete {
            updated,
            total,
            old,
        } => {
            out.push(
                Severity::Info,
                "rollout-ondelete",
                format!(
                    "{}: {} of {total} Pods on the old revision (OnDelete)",
                    s.name,
                    total - updated
                ),
                format!(
                    "updateStrategy OnDelete never replaces Pods itself: {} update to revision {} only when deleted.",
                    old.iter().take(4).cloned().collect::<Vec<_>>().join(", "),
                    s.revision_hash(&s.status.update_revision)
                ),
                vec![set_ref(s)],
                key.clone(),
                None,
            );
        }
        _ => {}
    }

    // Retention policy (Info): claims will be deleted by the controller.
    if s.when_scaled == "Delete" || s.when_deleted == "Delete" {
        let mut parts = Vec::new();
        if s.when_scaled == "Delete" {
            parts.push("scaling down deletes the claims of the removed ordinals");
        }
        if s.when_deleted == "Delete" {
            parts.push("deleting the StatefulSet deletes all its claims");
        }
        out.push(
            Severity::Info,
            "retention-delete",
            format!(
                "{}: claims are deleted (whenDeleted={} whenScaled={})",
                s.name, s.when_deleted, s.when_scaled
            ),
            format!(
                "persistentVolumeClaimRetentionPolicy: {}; with reclaim policy Delete their volumes and data go too.",
                parts.join(", and ")
            ),
            vec![set_ref(s)],
            key.clone(),
            None,
        );
    }
}
