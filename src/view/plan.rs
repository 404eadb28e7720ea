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
                    "not Running and Ready: {}. OrderedReady creates {} only after every lower ordinal is",
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
    let ords = |f: &dyn Fn(&(i32, Option<&Pod>)) -> bool| -> Vec<i32> {
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
