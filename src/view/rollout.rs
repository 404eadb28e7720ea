//! Where a StatefulSet's rollout stands, following the upstream controller:
//! which ordinals should exist, which should run the update revision, and
//! which Pod (if any) the controller is waiting for.

use jiff::Timestamp;

use crate::store::{Pod, StatefulSet, Store, UpdateStrategy};

/// Why the controller is not moving on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reason {
    /// `OrderedReady`: every lower ordinal must be Running and Ready first.
    OrderedReady,
    /// `RollingUpdate` waits for each replaced Pod to be Ready before the next.
    RollingUpdate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Wait {
    pub ordinal: i32,
    pub pod: String,
    /// The Pod does not exist yet (being created).
    pub missing: bool,
    /// kubectl status of the Pod (`Running`, `Unknown`…), or `missing`.
    pub status: String,
    /// Since when the Pod has been unhealthy, when known.
    pub since: Option<Timestamp>,
    pub reason: Reason,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Phase {
    Stable,
    /// `status.replicas` → `spec.replicas`, or Pods outside the range remain.
    Scaling {
        from: i32,
        to: i32,
    },
    /// Ordinals in range without a Pod while the replica count is steady.
    Creating,
    /// Rolling update in progress: `updated` of `total` target ordinals.
    Rolling {
        updated: i32,
        total: i32,
    },
    /// Everything the partition allows is updated; lower ordinals wait.
    Paused {
        partition: i32,
        updated: i32,
        total: i32,
    },
    /// OnDelete with Pods still on the old revision.
    OnDelete {
        updated: i32,
        total: i32,
        old: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rollout {
    pub phase: Phase,
    pub waiting: Option<Wait>,
    /// Ordinals held back by the partition (on the old revision).
    pub held_back: Vec<i32>,
    /// Pods in range that are not Running and Ready.
    pub not_ready: usize,
}

fn unhealthy_since(p: &Pod) -> Option<Timestamp> {
    if let Some(d) = p.deleting {
        return Some(d);
    }
    if !p.ready {
        return p.ready_since.or(p.created);
    }
    None
}

pub(crate) fn analyse(store: &Store, s: &StatefulSet) -> Rollout {
    let pods: Vec<(i32, &Pod)> = store.pods_of_set(&s.namespace, &s.name).collect();
    analyse_pods(s, &pods)
}

/// [`analyse`] over the set's Pods as [`Store::pods_of_set`] gives them (in
/// ordinal order), for callers that read them once for several uses.
pub(crate) fn analyse_pods(s: &StatefulSet, set_pods: &[(i32, &Pod)]) -> Rollout {
    let start = s.ordinals_start;
    let end = s.ordinals_end();
    let update = &s.status.update_revision;
    let mut existing = set_pods.iter().copied().peekable();
    let mut beyond = 0;
    let mut pods: Vec<(i32, Option<&Pod>)> = Vec::with_capacity((end - start).max(0) as usize);
    for n in start..end {
        while let Some((m, _)) = existing.next_if(|(m, _)| *m < n) {
            beyond += usize::from(m < start);
        }
        pods.push((n, existing.next_if(|(m, _)| *m == n).map(|(_, p)| p)));
    }
    beyond += existing.count();
    let missing = pods.iter().any(|(_, p)| p.is_none());
    let partition = match &s.strategy {
        UpdateStrategy::RollingUpdate { partition, .. } => Some((*partition).max(0)),
        UpdateStrategy::OnDelete => None,
    };
    let update_min = start.saturating_add(partition.unwrap_or(0));
    let is_updated = |p: &Pod| !update.is_empty() && &p.revision == update;
    let update_pending = !update.is_empty()
        && (s.status.current_revision != *update
            || pods.iter().any(|(_, p)| p.is_some_and(|p| !is_updated(p))));

    let target: Vec<&(i32, Option<&Pod>)> = pods
        .iter()
        .filter(|(n, _)| partition.is_none() || *n >= update_min)
        .collect();
    let total = target.len() as i32;
    let updated = target
        .iter()
        .filter(|(_, p)| p.is_some_and(is_updated))
        .count() as i32;
    let held_back: Vec<i32> = if update_pending && partition.is_some_and(|p| p > 0) {
        pods.iter()
            .filter(|(n, p)| *n < update_min && p.is_none_or(|p| !is_updated(p)))
            .map(|(n, _)| *n)
            .collect()
    } else {
        Vec::new()
    };

    let scaling = s.status.replicas != s.replicas || beyond > 0;
    let rolling_work = update_pending && updated < total && partition.is_some();
    let work = scaling || missing || rolling_work;

    let wait = |n: i32, p: Option<&Pod>, reason: Reason| -> Wait {
        Wait {
            ordinal: n,
            pod: format!("{}-{n}", s.name),
            missing: p.is_none(),
            status: p.map_or("missing".into(), |p| p.status_text.clone()),
            since: p.and_then(unhealthy_since),
            reason,
        }
    };

    let mut waiting = None;
    if work && s.is_ordered_ready() {
        // The controller walks ordinals upwards and stops at the first Pod
        // that is not Running and Ready (creating it when it is missing).
        if let Some((n, p)) = pods.iter().find(|(_, p)| p.is_none_or(|p| !p.is_healthy())) {
            waiting = Some(wait(*n, *p, Reason::OrderedReady));
        }
    } else if rolling_work {
        // Parallel: the rolling update walks down from the highest ordinal,
        // replacing one Pod and waiting for it to be healthy.
        for (n, p) in pods.iter().rev().filter(|(n, _)| *n >= update_min) {
            match p {
                Some(p) if !is_updated(p) && p.deleting.is_none() => break,
                Some(p) if p.is_healthy() => continue,
                _ => {
                    waiting = Some(wait(*n, *p, Reason::RollingUpdate));
                    break;
                }
            }
        }
    }

    let phase = if scaling {
        Phase::Scaling {
            from: s.status.replicas,
            to: s.replicas,
        }
    } else if rolling_work {
        Phase::Rolling { updated, total }
    } else if update_pending && !held_back.is_empty() {
        Phase::Paused {
            partition: partition.unwrap_or(0),
            updated,
            total: end - start,
        }
    } else if update_pending && partition.is_none() && updated < total {
        Phase::OnDelete {
            updated,
            total,
            old: pods
                .iter()
                .filter_map(|(_, p)| p.filter(|p| !is_updated(p)).map(|p| p.name.clone()))
                .collect(),
        }
    } else if missing {
        Phase::Creating
    } else {
        Phase::Stable
    };
    let not_ready = pods
        .iter()
        .filter(|(_, p)| p.is_some_and(|p| !p.is_healthy()))
        .count();
    Rollout {
        phase,
        waiting,
        held_back,
        not_ready,
    }
}

impl Rollout {
    /// A few words for the list: `stable`, `rolling 1/3`, `paused at p=3`,
    /// `scaling 3→5`, `waiting for mysql-2`.
    pub(crate) fn short(&self) -> String {
        if let Some(w) = &self.waiting
            && !w.missing
        {
            return format!("waiting for {}", w.pod);
        }
        match &self.phase {
            Phase::Stable if self.not_ready > 0 => format!("stable, {} not ready", self.not_ready),
            Phase::Stable => "stable".into(),
            Phase::Scaling { from, to } => format!("scaling {from}→{to}"),
            Phase::Creating => match &self.waiting {
                Some(w) => format!("creating {}", w.pod),
                None => "creating".into(),
            },
            Phase::Rolling { updated, total } => format!("rolling {updated}/{total}"),
            Phase::Paused { partition, .. } => format!("paused at p={partition}"),
            Phase::OnDelete { updated, total, .. } => format!("OnDelete {updated}/{total}"),
        }
    }

    /// The header's sentence.
    pub(crate) fn long(&self, s: &StatefulSet, now: Timestamp) -> String {
        let head = match &self.phase {
            Phase::Stable => format!(
                "stable: {} of {} ready on revision {}",
                s.replicas as usize - self.not_ready.min(s.replicas.max(0) as usize),
                s.replicas,
                s.revision_hash(&s.status.current_revision)
            ),
            Phase::Scaling { from, to } => format!("scaling {from}→{to}"),
            Phase::Creating => "creating missing Pods".into(),
            Phase::Rolling { updated, total } => {
                format!("rolling: {updated} of {total} updated")
            }
            Phase::Paused {
                partition,
                updated,
                total,
            } => format!(
                "paused at partition {partition}: {updated} of {total} updated, {} held back",
                ordinal_list(&s.name, &self.held_back)
            ),
            Phase::OnDelete { updated, total, .. } => format!(
                "OnDelete: {updated} of {total} updated; the others update when their Pods are deleted"
            ),
        };
        match &self.waiting {
            Some(w) if w.missing => format!("{head}, creating {}", w.pod),
            Some(w) => {
                let how_long = w
                    .since
                    .map(|t| format!(" for {}", crate::format::duration::age(t, now)))
                    .unwrap_or_default();
                format!(
                    "{head}, waiting for {} to be Ready ({}{how_long})",
                    w.pod, w.status
                )
            }
            None => head,
        }
    }
}

/// `web-0, web-1` (at most four, then `…`).
pub(crate) fn ordinal_list(set: &str, ordinals: &[i32]) -> String {
    let mut parts: Vec<String> = ordinals
        .iter()
        .take(4)
        .map(|n| format!("{set}-{n}"))
        .collect();
    if ordinals.len() > 4 {
        parts.push(format!("… ({} in all)", ordinals.len()));
    }
    parts.join(", ")
}
