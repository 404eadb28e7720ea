//! What an action will do, said before it is sent: pure functions of the
//! store that the confirmation dialogs show, and the validation of what the
//! user typed. Each follows the upstream controller's rules (ordering,
//! partition, retention policy, reclaim policy) so the preview is what
//! actually happens.

use jiff::Timestamp;

use crate::cluster::actions::Action;
use crate::store::{Claim, Pod, StatefulSet, Store, UpdateStrategy};

/// Above this, replicas are refused as a likely typo.
pub const MAX_REPLICAS: i32 = 10_000;

/// A preview: what will happen, and what the user should think twice about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub lines: Vec<String>,
    pub warnings: Vec<String>,
}

impl Plan {
    fn line(&mut self, s: impl Into<String>) {
        self.lines.push(s.into());
    }
    fn warn(&mut self, s: impl Into<String>) {
        self.warnings.push(s.into());
    }
}

/// An ordinal and its Pod, if any.
type Slot<'a> = (i32, Option<&'a Pod>);

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

// ---- validation ----

fn parse_whole(input: &str, what: &str) -> Result<i32, String> {
    let t = input.trim();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if t.is_empty() {
        return Err(format!("enter the {what} as a whole number"));
    }
    if let Some(rest) = t.strip_prefix('-')
        && digits(rest)
    {
        return Err(format!("the {what} cannot be negative: {t}"));
    }
    if let Some(rest) = t.strip_prefix('+')
        && digits(rest)
    {
        return Err(format!(
            "type the {what} itself, without a sign: {rest}, not {t}"
        ));
    }
    if !digits(t) {
        let decimal = t
            .split_once(['.', ','])
            .is_some_and(|(a, b)| digits(a.trim_start_matches(['-', '+'])) && digits(b));
        return Err(if decimal {
            format!("the {what} must be a whole number, not {t}")
        } else {
            format!("{t:?} is not a whole number")
        });
    }
    t.parse::<i32>()
        .map_err(|_| format!("{t} is far too large for the {what}"))
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

// ---- shared helpers ----

fn find_set<'s>(store: &'s Store, ns: &str, name: &str) -> Result<&'s StatefulSet, String> {
    store.set(ns, name).ok_or_else(|| {
        format!("statefulset {ns}/{name} is not in the cache (deleted, or not watched yet)")
    })
}

fn missing_set(ns: &str, name: &str) -> Plan {
    let mut plan = Plan::default();
    plan.warn(format!(
        "statefulset {ns}/{name} is not in the cache (deleted, or not watched yet): the request will probably fail with 404"
    ));
    plan
}

fn pod_name(s: &StatefulSet, n: i32) -> String {
    format!("{}-{n}", s.name)
}

fn names(s: &StatefulSet, ordinals: &[i32]) -> Vec<String> {
    ordinals.iter().map(|n| pod_name(s, *n)).collect()
}

fn claim_names(s: &StatefulSet, n: i32) -> Vec<String> {
    s.templates
        .iter()
        .map(|t| format!("{}-{}-{n}", t.name, s.name))
        .collect()
}

fn size(b: Option<u64>) -> String {
    b.map(crate::store::quantity::format_bytes)
        .unwrap_or_else(|| "no size".into())
}

fn unhealthy(store: &Store, s: &StatefulSet) -> Vec<String> {
    (s.ordinals_start..s.ordinals_end())
        .filter_map(|n| store.pod_of(&s.namespace, &s.name, n))
        .filter(|p| !p.is_healthy())
        .map(|p| format!("{} ({})", p.name, p.status_text))
        .collect()
}

/// The first ordinal the rolling update touches, or `None` for OnDelete.
fn update_min(s: &StatefulSet) -> Option<i32> {
    match &s.strategy {
        UpdateStrategy::RollingUpdate { partition, .. } => {
            Some(s.ordinals_start.saturating_add((*partition).max(0)))
        }
        UpdateStrategy::OnDelete => None,
    }
}

fn one_at_a_time(s: &StatefulSet) -> String {
    match &s.strategy {
        UpdateStrategy::RollingUpdate {
            max_unavailable: Some(m),
            ..
        } if m != "1" => format!("up to {m} at a time (maxUnavailable)"),
        _ => "one at a time".into(),
    }
}

/// What deleting `claim` does to its volume and data, and whether the data is lost.
fn volume_fate(store: &Store, claim: &Claim) -> (String, bool) {
    if claim.volume_name.is_empty() {
        return ("it is not bound to a volume".into(), false);
    }
    let Some(v) = store.volume_of_claim(claim) else {
        return (
            format!(
                "its volume {} (not visible here) follows its reclaim policy",
                claim.volume_name
            ),
            false,
        );
    };
    match v.reclaim_policy.as_str() {
        "Delete" => (
            format!(
                "its volume {} is deleted with its data (reclaim policy Delete)",
                v.name
            ),
            true,
        ),
        "Recycle" => (
            format!(
                "its volume {} is scrubbed and made Available again (reclaim policy Recycle): the data is erased",
                v.name
            ),
            true,
        ),
        _ => (
            format!(
                "its volume {} becomes Released and keeps its data (reclaim policy {}), but binds to no new claim until an admin clears its claimRef",
                v.name, v.reclaim_policy
            ),
            false,
        ),
    }
}

fn class_text(store: &Store, class: &Option<String>) -> String {
    match class.as_deref() {
        Some("") => "no class".into(),
        Some(c) => format!("class {c}"),
        None => match store.default_classes().first() {
            Some(c) => format!("default class {}", c.name),
            None => "the default class".into(),
        },
    }
}

// ---- scale ----

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

// ---- restart ----

/// A rolling restart: which ordinals restart in which order, and what holds them back.
pub fn restart_plan(store: &Store, ns: &str, name: &str) -> Plan {
    let Ok(s) = find_set(store, ns, name) else {
        return missing_set(ns, name);
    };
    let mut plan = Plan::default();
    plan.line(format!(
        "Sets the template annotation {} to now (a new revision), as kubectl rollout restart does",
        crate::cluster::actions::RESTARTED_AT
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

// ---- partition ----

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

// ---- rollback ----

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

// ---- delete pod ----

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

// ---- delete claim ----

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
    if let Some(o) = super::claim_owner(store, ns, claim)
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
    use serde_json::{Value, json};

    use super::*;
    use crate::store::{Kind, Object, StoreEvent};

    const T0: &str = "2026-01-01T00:00:00Z";

    fn merge(base: &mut Value, patch: Value) {
        match (base, patch) {
            (Value::Object(b), Value::Object(p)) => {
                for (k, v) in p {
                    merge(b.entry(k).or_insert(Value::Null), v);
                }
            }
            (b, p) => *b = p,
        }
    }

    /// A small cluster: set `web` in `app`, Pods, claims and volumes as asked.
    struct Fx(Store);

    impl Fx {
        fn new() -> Fx {
            let mut store = Store::new();
            for k in Kind::ALL {
                store.apply(StoreEvent::Restarted(k, vec![]), T0.parse().unwrap());
            }
            let mut fx = Fx(store);
            fx.put_node("n1", "True");
            fx.put_class();
            fx
        }
        fn put(&mut self, o: Object) {
            self.0.apply(StoreEvent::Applied(o), T0.parse().unwrap());
        }
        fn set(&mut self, patch: Value) {
            let mut v = json!({
                "metadata": {"namespace": "app", "name": "web"},
                "spec": {"replicas": 3, "serviceName": "web",
                    "selector": {"matchLabels": {"app": "web"}},
                    "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.28"}]}},
                    "volumeClaimTemplates": [{"metadata": {"name": "data"},
                        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}}}}]},
                "status": {"replicas": 3, "readyReplicas": 3, "currentRevision": "web-aaa", "updateRevision": "web-aaa"}
            });
            merge(&mut v, patch);
            let s: k8s_openapi::api::apps::v1::StatefulSet = serde_json::from_value(v).unwrap();
            self.put(Object::from(&s));
        }
        /// A Ready Pod of `web` with its claim, bound to `pv-<n>` (policy `reclaim`).
        fn ordinal(&mut self, n: i32, rev: &str, reclaim: &str) {
            self.pod(n, rev, json!({}));
            self.claim(n, reclaim);
        }
        fn pod(&mut self, n: i32, rev: &str, patch: Value) {
            let mut v = json!({
                "metadata": {"namespace": "app", "name": format!("web-{n}"),
                    "labels": {"controller-revision-hash": format!("web-{rev}")},
                    "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web", "uid": "u", "controller": true}]},
                "spec": {"nodeName": "n1", "containers": [{"name": "nginx"}],
                    "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": format!("data-web-{n}")}}]},
                "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}],
                    "containerStatuses": [{"name": "nginx", "image": "nginx", "imageID": "", "ready": true, "restartCount": 0, "state": {"running": {}}}]}
            });
            merge(&mut v, patch);
            let p: k8s_openapi::api::core::v1::Pod = serde_json::from_value(v).unwrap();
            self.put(Object::from(&p));
        }
        fn claim(&mut self, n: i32, reclaim: &str) {
            let (name, pv) = (format!("data-web-{n}"), format!("pv-{n}"));
            let c: k8s_openapi::api::core::v1::PersistentVolumeClaim = serde_json::from_value(json!({
                "metadata": {"namespace": "app", "name": name, "uid": format!("uid-{name}")},
                "spec": {"accessModes": ["ReadWriteOnce"], "volumeName": pv, "resources": {"requests": {"storage": "10Gi"}}},
                "status": {"phase": "Bound", "capacity": {"storage": "10Gi"}}
            }))
            .unwrap();
            self.put(Object::from(&c));
            let v: k8s_openapi::api::core::v1::PersistentVolume = serde_json::from_value(json!({
                "metadata": {"name": pv},
                "spec": {"capacity": {"storage": "10Gi"}, "persistentVolumeReclaimPolicy": reclaim,
                    "claimRef": {"namespace": "app", "name": name, "uid": format!("uid-{name}")}},
                "status": {"phase": "Bound"}
            }))
            .unwrap();
            self.put(Object::from(&v));
        }
        fn put_node(&mut self, name: &str, ready: &str) {
            let n: k8s_openapi::api::core::v1::Node = serde_json::from_value(json!({
                "metadata": {"name": name},
                "status": {"conditions": [{"type": "Ready", "status": ready,
                    "reason": if ready == "True" {"KubeletReady"} else {"NodeStatusUnknown"}}]}
            }))
            .unwrap();
            self.put(Object::from(&n));
        }
        fn put_class(&mut self) {
            let c: k8s_openapi::api::storage::v1::StorageClass = serde_json::from_value(json!({
                "metadata": {"name": "standard", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
                "provisioner": "x"
            }))
            .unwrap();
            self.put(Object::from(&c));
        }
        fn revision(&mut self, hash: &str, n: i64, image: &str, created: &str) {
            let r: k8s_openapi::api::apps::v1::ControllerRevision = serde_json::from_value(json!({
                "metadata": {"namespace": "app", "name": format!("web-{hash}"), "creationTimestamp": created,
                    "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web", "uid": "u", "controller": true}]},
                "revision": n,
                "data": {"spec": {"template": {"$patch": "replace",
                    "spec": {"containers": [{"name": "nginx", "image": image}]}}}}
            }))
            .unwrap();
            self.put(Object::from(&r));
        }
        /// `web` of 3, all Ready on `aaa`, volumes reclaimed per `reclaim`.
        fn healthy(reclaim: &str) -> Fx {
            let mut f = Fx::new();
            f.set(json!({}));
            for n in 0..3 {
                f.ordinal(n, "aaa", reclaim);
            }
            f
        }
    }

    fn has(lines: &[String], needle: &str) -> bool {
        lines.iter().any(|l| l.contains(needle))
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
