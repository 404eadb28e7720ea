//! Health findings: what is wrong, why, what it means, and the objects
//! involved.
//!
//! Severity order: `Critical` > `Warning` > `Info`.
//! - **Critical**: a replica is down or data is at risk, and it will not fix
//!   itself: claim `Lost`, PV `Failed`, a Pod on a lost node, a crash loop, a
//!   claim whose missing class keeps a Pod from starting, a volume pinned to a
//!   NotReady node.
//! - **Warning**: degraded or stuck, or a trap for the next operation: Pods
//!   not Ready or unschedulable, a stuck rollout, Pending claims, Released
//!   PVs, orphaned claims, capacity below request, pending filesystem
//!   resize, expansion not allowed, a volume pinned to a cordoned node,
//!   recent Warning events, several default classes.
//! - **Info**: worth knowing, nothing to do now: a resize in progress, a
//!   partition or OnDelete holding Pods on the old revision, a retention
//!   policy that deletes claims, a WaitForFirstConsumer claim with no Pod.
//!
//! Each finding's severity is stated where it is built.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;

use crate::store::{Claim, Kind, Pod, StatefulSet, Store, SyncState};

use super::capacity;
use super::model::{Finding, ObjectRef, Severity};
use super::rollout::{self, Phase, Reason, Rollout};
use super::{Scope, age, bytes, claim_owner, claim_ref, obj, secs_since, set_ref};

/// Not Ready / unschedulable / Pending claims are reported after this long.
const GRACE_SECS: i64 = 60;
/// A rollout waiting this long on one Pod is stuck.
const STUCK_SECS: i64 = 300;
/// Terminating this long past the grace period is stuck.
const TERMINATING_SLACK_SECS: i64 = 120;
/// Warning events younger than this are reported.
const EVENT_WINDOW_SECS: i64 = 3600;

/// A finding and the StatefulSet ordinal it concerns, if any.
#[derive(Debug, Clone)]
pub(crate) struct Tagged {
    pub finding: Finding,
    /// `(namespace, set)`.
    pub set: Option<(String, String)>,
    pub ordinal: Option<i32>,
}

#[derive(Default)]
struct Out {
    items: Vec<Tagged>,
    /// The first time a threshold not yet passed will pass: the findings
    /// may differ from then on.
    horizon: Option<Timestamp>,
}

impl Out {
    /// Whether at least `secs` have passed since `since`; when not yet,
    /// remembers when they will have.
    fn passed(&mut self, since: Option<Timestamp>, now: Timestamp, secs: i64) -> bool {
        if secs_since(since, now) >= secs {
            return true;
        }
        if let Some(at) =
            since.and_then(|t| t.checked_add(jiff::SignedDuration::from_secs(secs)).ok())
        {
            self.horizon = Some(self.horizon.map_or(at, |h| h.min(at)));
        }
        false
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        severity: Severity,
        code: &'static str,
        title: String,
        detail: String,
        objects: Vec<ObjectRef>,
        set: Option<(String, String)>,
        ordinal: Option<i32>,
    ) {
        self.items.push(Tagged {
            finding: Finding {
                severity,
                code,
                title,
                detail,
                objects,
            },
            set,
            ordinal,
        });
    }
}

/// All findings in scope, worst first, in a stable order.
pub fn findings(store: &Store, scope: &Scope, now: Timestamp) -> Vec<Finding> {
    tagged(store, scope, now)
        .into_iter()
        .map(|t| t.finding)
        .collect()
}

/// The kinds findings are made from (revisions and events only add to
/// them: an event about a missing object is not a finding).
const INPUTS: [Kind; 6] = [
    Kind::StatefulSet,
    Kind::Pod,
    Kind::Claim,
    Kind::Volume,
    Kind::StorageClass,
    Kind::Node,
];

/// Whether a kind findings are made from has not arrived yet (its first
/// list is under way). Findings wait for it: an absent Pod, claim, set or
/// Node would otherwise read as missing, orphaned or lost.
pub(crate) fn syncing(store: &Store) -> bool {
    INPUTS
        .iter()
        .any(|k| matches!(store.sync(*k), SyncState::Syncing))
}

/// The findings about one StatefulSet (what [`tagged`] tags with it), worst
/// first, and until when they hold if nothing in the store changes: its
/// set-level findings and those of each of its ordinals.
pub(crate) fn set_tagged(
    store: &Store,
    s: &StatefulSet,
    now: Timestamp,
) -> (Vec<Tagged>, Option<Timestamp>) {
    let r = rollout::analyse(store, s);
    let (mut items, mut horizon) = set_level_tagged(store, s, &r, now);
    for n in super::ordinals(store, s) {
        let (mine, until) = ordinal_tagged(store, s, n, now);
        items.extend(mine);
        horizon = earliest(horizon, until);
    }
    sort(&mut items);
    (items, horizon)
}

/// The earlier of two horizons.
pub(crate) fn earliest(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<Timestamp> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The findings about a set as a whole, given its rollout `r`: the rollout,
/// partition and retention, Warning events about the set itself, and
/// volumes left behind by its claims (few: only PVs not Bound). Some are
/// about one ordinal (a rollout waiting on it, a Released PV of its claim).
pub(crate) fn set_level_tagged(
    store: &Store,
    s: &StatefulSet,
    r: &Rollout,
    now: Timestamp,
) -> (Vec<Tagged>, Option<Timestamp>) {
    let mut out = Out::default();
    if syncing(store) {
        return (Vec::new(), None);
    }
    set_findings(s, r, now, &mut out);
    template_findings(store, s, &mut out);
    let (ns, name) = (s.namespace.as_str(), s.name.as_str());
    for t in &s.templates {
        let prefix = format!("{}-{}-", t.name, s.name);
        // Bound PVs have no findings of their own (their claims do).
        for (claim, v) in store.loose_volumes_for_claim_prefix(ns, &prefix) {
            volume_finding(store, v, ns, claim, &mut out);
        }
    }
    event_findings(
        store,
        store.warnings_for("StatefulSet", ns, name),
        now,
        &mut out,
    );
    out.items.retain(|t| is_of(t, s));
    (out.items, out.horizon)
}

/// The findings about one ordinal of a set: its Pod, its claims (one per
/// template), and Warning events about them. They depend only on those
/// objects, their volumes and usage, the set, and shared objects (nodes,
/// classes, sync state): what [`Store::ordinal_generations`] tracks.
pub(crate) fn ordinal_tagged(
    store: &Store,
    s: &StatefulSet,
    n: i32,
    now: Timestamp,
) -> (Vec<Tagged>, Option<Timestamp>) {
    let mut out = Out::default();
    // Nothing is called missing before its data has arrived.
    if syncing(store) {
        return (Vec::new(), None);
    }
    let ns = s.namespace.as_str();
    let pod = store.pod_of(ns, &s.name, n);
    if let Some(p) = pod {
        pod_findings(store, s, &set_key(s), n, p, now, &mut out);
    }
    let claims: Vec<&Claim> = s
        .templates
        .iter()
        .filter_map(|t| store.claim(ns, &super::claim_name(&t.name, &s.name, n)))
        .collect();
    for c in &claims {
        claim_findings(store, c, now, &mut out);
    }
    // Each event is about one object, so none comes twice; findings about
    // claims or Pods named like the set's but owned by another are dropped
    // below.
    let pod_events = pod
        .into_iter()
        .flat_map(|p| store.warnings_for("Pod", ns, &p.name));
    let claim_events = claims
        .iter()
        .flat_map(|c| store.warnings_for("PersistentVolumeClaim", ns, &c.name));
    event_findings(store, pod_events.chain(claim_events), now, &mut out);
    out.items.retain(|t| is_of(t, s));
    (out.items, out.horizon)
}

fn is_of(t: &Tagged, s: &StatefulSet) -> bool {
    t.set
        .as_ref()
        .is_some_and(|(n, x)| *n == s.namespace && *x == s.name)
}

pub(crate) fn tagged(store: &Store, scope: &Scope, now: Timestamp) -> Vec<Tagged> {
    let mut out = Out::default();
    if syncing(store) {
        return Vec::new();
    }
    for s in store.sets(scope.ns()) {
        set_findings(s, &rollout::analyse(store, s), now, &mut out);
        template_findings(store, s, &mut out);
        let key = set_key(s);
        for (n, p) in store.pods_of_set(&s.namespace, &s.name) {
            pod_findings(store, s, &key, n, p, now, &mut out);
        }
    }
    for c in store.claims(scope.ns()) {
        claim_findings(store, c, now, &mut out);
    }
    volume_findings(store, scope, &mut out);
    event_findings(store, store.events(scope.ns()), now, &mut out);
    class_findings(store, &mut out);
    sort(&mut out.items);
    out.items
}

fn sort(items: &mut [Tagged]) {
    items.sort_by(order);
}

/// Sorts findings worst first, in the order [`tagged`] gives them.
pub(crate) fn sort_refs(items: &mut [&Tagged]) {
    items.sort_by(|a, b| order(a, b));
}

/// Worst first; then by set, ordinal, first object, code and title.
fn order(a: &Tagged, b: &Tagged) -> std::cmp::Ordering {
    Reverse(a.finding.severity)
        .cmp(&Reverse(b.finding.severity))
        .then_with(|| a.set.cmp(&b.set))
        .then_with(|| order_in_set((&a.finding, a.ordinal), (&b.finding, b.ordinal)))
}

/// [`order`] for two findings of the same set, each with its ordinal tag.
pub(crate) fn order_in_set(
    (a, an): (&Finding, Option<i32>),
    (b, bn): (&Finding, Option<i32>),
) -> std::cmp::Ordering {
    fn first(f: &Finding) -> Option<(&str, &str)> {
        f.objects
            .first()
            .map(|o| (o.namespace.as_str(), o.name.as_str()))
    }
    Reverse(a.severity)
        .cmp(&Reverse(b.severity))
        .then_with(|| an.cmp(&bn))
        .then_with(|| first(a).cmp(&first(b)))
        .then_with(|| a.code.cmp(b.code))
        .then_with(|| a.title.cmp(&b.title))
}

fn pod_ref(p: &Pod) -> ObjectRef {
    obj("Pod", &p.namespace, &p.name)
}

fn node_ref(name: &str) -> ObjectRef {
    obj("Node", "", name)
}

fn set_key(s: &StatefulSet) -> Option<(String, String)> {
    Some((s.namespace.clone(), s.name.clone()))
}

/// `for 6m` from a timestamp, or empty.
fn for_how_long(t: Option<Timestamp>, now: Timestamp) -> String {
    match t {
        Some(_) => format!(" for {}", age(t, now)),
        None => String::new(),
    }
}

/// Claims of one template that differ in size (Warning, [`capacity`]).
fn template_findings(store: &Store, s: &StatefulSet, out: &mut Out) {
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
fn set_findings(s: &StatefulSet, r: &Rollout, now: Timestamp, out: &mut Out) {
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

/// `("unreachable", "Ready=Unknown: NodeStatusUnknown")` when the node is not Ready.
fn node_down(store: &Store, node: &str) -> Option<(&'static str, String)> {
    let n = store.node(node)?;
    if n.is_ready() {
        return None;
    }
    let word = if n.ready == "False" {
        "NotReady"
    } else {
        "unreachable"
    };
    let status = if n.ready.is_empty() {
        "Unknown"
    } else {
        n.ready.as_str()
    };
    Some((
        word,
        if n.ready_reason.is_empty() {
            format!("Ready={status}")
        } else {
            format!("Ready={status}: {}", n.ready_reason)
        },
    ))
}

#[allow(clippy::too_many_arguments)]
fn pod_findings(
    store: &Store,
    s: &StatefulSet,
    key: &Option<(String, String)>,
    n: i32,
    p: &Pod,
    now: Timestamp,
    out: &mut Out,
) {
    let lost = node_down(store, &p.node);
    // Pod on a lost node (Critical): the controller will not replace it.
    if p.status_text == "Unknown"
        || p.reason == "NodeLost"
        || (lost.is_some() && p.phase != "Succeeded" && p.phase != "Failed")
    {
        let node_since = store.node(&p.node).and_then(|n| n.ready_since);
        let state = if p.deleting.is_some() && p.status_text != "Unknown" {
            "stuck Terminating"
        } else {
            p.status_text.as_str()
        };
        let node_text = match &lost {
            Some((word, cond)) => format!(
                "Node {} has been {word}{} ({cond}).",
                p.node,
                for_how_long(node_since, now)
            ),
            None => format!("Its node {} stopped reporting.", p.node),
        };
        let mut objects = vec![pod_ref(p)];
        if !p.node.is_empty() {
            objects.push(node_ref(&p.node));
        }
        out.push(
            Severity::Critical,
            "pod-node-lost",
            format!("{}: {state} on lost node {}", p.name, p.node),
            format!(
                "{node_text} The StatefulSet will not create a replacement for ordinal {n} until this Pod is deleted (at most one Pod per ordinal). Force deleting it (kubectl delete pod {} --grace-period=0 --force) frees the ordinal, but only do so once the node is really down or fenced: otherwise two Pods may write to the same volume.",
                p.name
            ),
            objects,
            key.clone(),
            Some(n),
        );
        return;
    }
    // Stuck Terminating on a live node (Warning).
    if let Some(d) = p.deleting {
        let grace = p.grace_seconds.unwrap_or(30);
        if out.passed(Some(d), now, grace + TERMINATING_SLACK_SECS + 1) {
            out.push(
                Severity::Warning,
                "pod-stuck-terminating",
                format!("{}: Terminating{}", p.name, for_how_long(Some(d), now)),
                format!(
                    "Its grace period was {grace}s; a finalizer or the kubelet on {} is holding it. The StatefulSet recreates ordinal {n} only once the Pod object is gone.",
                    if p.node.is_empty() { "its node" } else { &p.node }
                ),
                vec![pod_ref(p)],
                key.clone(),
                Some(n),
            );
        }
        return;
    }
    // Crash loop (Critical).
    if p.status_text.contains("CrashLoopBackOff") {
        let last = p
            .last_restart
            .map(|t| format!(", last {} ago", age(Some(t), now)))
            .unwrap_or_default();
        out.push(
            Severity::Critical,
            "pod-crashloop",
            format!("{}: {} ({} restarts{last})", p.name, p.status_text, p.restarts),
            format!(
                "A container keeps exiting and the kubelet backs off restarting it; see kubectl logs {} --previous. An OrderedReady StatefulSet does not move past this ordinal meanwhile.",
                p.name
            ),
            vec![pod_ref(p)],
            key.clone(),
            Some(n),
        );
        return;
    }
    // Unschedulable (Warning).
    if p.node.is_empty()
        && let Some((reason, message)) = &p.unschedulable
        && out.passed(p.created, now, GRACE_SECS)
    {
        out.push(
            Severity::Warning,
            "pod-unschedulable",
            format!(
                "{}: Pending, not scheduled{}",
                p.name,
                for_how_long(p.created, now)
            ),
            format!("{reason}: {message}"),
            vec![pod_ref(p)],
            key.clone(),
            Some(n),
        );
        return;
    }
    // Failing container states (Warning): image pulls, config errors, exits.
    const BENIGN: &[&str] = &[
        "Running",
        "Completed",
        "Pending",
        "ContainerCreating",
        "PodInitializing",
        "NotReady",
    ];
    let initializing = p.status_text.starts_with("Init:") && p.status_text[5..].contains('/');
    if !(BENIGN.contains(&p.status_text.as_str()) || initializing) {
        out.push(
            Severity::Warning,
            "pod-failing",
            format!("{}: {}", p.name, p.status_text),
            format!(
                "The Pod cannot run its containers ({}); kubectl describe pod {} shows the details.",
                p.status_text, p.name
            ),
            vec![pod_ref(p)],
            key.clone(),
            Some(n),
        );
        return;
    }
    // Running but not Ready (Warning).
    if p.phase == "Running" && !p.ready && out.passed(p.ready_since.or(p.created), now, GRACE_SECS)
    {
        out.push(
            Severity::Warning,
            "pod-not-ready",
            format!(
                "{}: not Ready ({}/{}){}",
                p.name,
                p.ready_containers,
                p.total_containers,
                for_how_long(p.ready_since.or(p.created), now)
            ),
            format!(
                "Running, but {} of {} containers fail their readiness probe: the Pod gets no Service traffic{}.",
                p.total_containers.saturating_sub(p.ready_containers),
                p.total_containers,
                if s.is_ordered_ready() {
                    ", and OrderedReady will not create, update or delete other Pods of the set until it is Ready"
                } else {
                    ""
                }
            ),
            vec![pod_ref(p)],
            key.clone(),
            Some(n),
        );
    }
}

/// Pods in the claim's namespace that mount it. A StatefulSet claim
/// (`<template>-<set>-<n>`) is looked up at its ordinal's Pod directly; only
/// other claims need a scan of the namespace's Pods.
fn pods_using<'a>(store: &'a Store, c: &Claim) -> Vec<&'a Pod> {
    if let Some(o) = claim_owner(store, &c.namespace, &c.name) {
        let owned: Vec<&Pod> = store
            .pod_of(&c.namespace, &o.set, o.ordinal)
            .filter(|p| p.claims.contains(&c.name))
            .into_iter()
            .collect();
        if !owned.is_empty() {
            return owned;
        }
    }
    store
        .pods(Some(&c.namespace))
        .filter(|p| p.claims.contains(&c.name))
        .collect()
}

fn claim_findings(store: &Store, c: &Claim, now: Timestamp, out: &mut Out) {
    let owner = claim_owner(store, &c.namespace, &c.name);
    let set = store.set(&c.namespace, owner.as_ref().map_or("", |o| o.set.as_str()));
    let key = owner.as_ref().map(|o| (c.namespace.clone(), o.set.clone()));
    let ordinal = owner.as_ref().map(|o| o.ordinal);
    let volume = store.volume_of_claim(c);
    let volumes_visible = !matches!(store.sync(Kind::Volume), SyncState::Forbidden { .. });

    // Orphaned claim (Warning): ordinal outside the set's range, no Pod.
    if let (Some(o), Some(s)) = (&owner, set)
        && (o.ordinal < s.ordinals_start || o.ordinal >= s.ordinals_end())
        && store.pod_of(&s.namespace, &s.name, o.ordinal).is_none()
    {
        let range = if s.replicas > 0 {
            format!("ordinals {}–{}", s.ordinals_start, s.ordinals_end() - 1)
        } else {
            "no ordinals".into()
        };
        let delete_effect = match volume {
            Some(v) if v.reclaim_policy == "Delete" => format!(
                "Deleting it destroys the data: its PV {} has reclaim policy Delete.",
                v.name
            ),
            Some(v) if v.reclaim_policy == "Retain" => format!(
                "Deleting it keeps the data: its PV {} (reclaim policy Retain) becomes Released and is not reused until an admin cleans it up.",
                v.name
            ),
            Some(v) => format!(
                "Deleting it applies PV {}'s reclaim policy {}.",
                v.name, v.reclaim_policy
            ),
            None if !c.volume_name.is_empty() && !volumes_visible => format!(
                "What deleting it does depends on PV {}'s reclaim policy, which is not visible (forbidden).",
                c.volume_name
            ),
            None => "It has no volume bound; deleting it loses no data.".into(),
        };
        let scale_back = if o.ordinal >= s.ordinals_end() {
            format!(
                " and reattaches it, with its old data, if the set scales back to {} or more",
                o.ordinal - s.ordinals_start + 1
            )
        } else {
            String::new()
        };
        let retention = if s.when_scaled == "Delete" {
            " (whenScaled=Delete should have removed it: check the controller)"
        } else {
            ""
        };
        let mut objects = vec![claim_ref(c), set_ref(s)];
        if let Some(v) = volume {
            objects.push(obj("PersistentVolume", "", &v.name));
        }
        out.push(
            Severity::Warning,
            "claim-orphaned",
            format!("{}: orphaned claim of ordinal {}", c.name, o.ordinal),
            format!(
                "{} runs {} replicas ({range}); the StatefulSet keeps this claim{retention}{scale_back}. {delete_effect}",
                s.name, s.replicas
            ),
            objects,
            key.clone(),
            ordinal,
        );
    }

    match c.phase.as_str() {
        // Lost (Critical): the bound PV is gone.
        "Lost" => {
            out.push(
                Severity::Critical,
                "claim-lost",
                format!("{}: claim Lost", c.name),
                format!(
                    "Its PersistentVolume {} no longer exists; the data behind it is gone or detached, and Pods using the claim cannot start until it is restored or the claim recreated.",
                    if c.volume_name.is_empty() { "(unknown)" } else { &c.volume_name }
                ),
                vec![claim_ref(c)],
                key.clone(),
                ordinal,
            );
        }
        "Pending" => pending_finding(store, c, now, key.clone(), ordinal, out),
        _ => {}
    }

    if c.phase == "Bound" {
        resize_findings(store, c, now, &key, ordinal, out);
        usage_findings(store, c, &key, ordinal, out);
    }

    // Volume pinned to an unavailable node.
    if let Some(v) = volume
        && !v.pinned_nodes.is_empty()
    {
        let nodes: Vec<_> = v
            .pinned_nodes
            .iter()
            .filter_map(|h| store.node_by_hostname(h))
            .collect();
        if !nodes.is_empty() && nodes.len() == v.pinned_nodes.len() {
            let all_down = nodes.iter().all(|n| !n.is_ready());
            let all_blocked = nodes.iter().all(|n| !n.is_ready() || n.unschedulable);
            if all_blocked {
                let names: Vec<String> = nodes.iter().map(|n| n.name.clone()).collect();
                let users = pods_using(store, c);
                let pod_text = users
                    .first()
                    .map(|p| format!("Pod {}", p.name))
                    .unwrap_or_else(|| "a Pod using it".into());
                let (severity, state, consequence) = if all_down {
                    (
                        Severity::Critical,
                        "NotReady",
                        format!(
                            "{pod_text} cannot run anywhere else: the data lives on that node. Bring the node back, or give up the data by deleting the claim and PV."
                        ),
                    )
                } else {
                    (
                        Severity::Warning,
                        "cordoned",
                        format!(
                            "If {pod_text} is deleted or evicted it stays Pending: no other node can mount the volume. Uncordon the node before restarting it."
                        ),
                    )
                };
                let mut objects = vec![claim_ref(c), obj("PersistentVolume", "", &v.name)];
                objects.extend(names.iter().map(|n| node_ref(n)));
                objects.extend(users.iter().map(|p| pod_ref(p)));
                out.push(
                    severity,
                    "volume-node-unavailable",
                    format!(
                        "{}: volume pinned to {state} node {}",
                        c.name,
                        names.join(", ")
                    ),
                    format!(
                        "PV {} has node affinity {}. {consequence}",
                        v.name, v.node_affinity
                    ),
                    objects,
                    key.clone(),
                    ordinal,
                );
            }
        }
    }
}

fn pending_finding(
    store: &Store,
    c: &Claim,
    now: Timestamp,
    key: Option<(String, String)>,
    ordinal: Option<i32>,
    out: &mut Out,
) {
    let class_name = super::chain::class_name_of(store, c);
    let class = class_name.as_deref().and_then(|n| store.class(n));
    let classes_known = store.is_synced(Kind::StorageClass)
        && !matches!(store.sync(Kind::StorageClass), SyncState::Forbidden { .. });
    let missing_class =
        classes_known && class.is_none() && class_name.as_deref().is_some_and(|n| !n.is_empty());
    if !missing_class && !out.passed(c.created, now, GRACE_SECS) {
        return;
    }
    let users = pods_using(store, c);
    let waiting_pod = users.iter().find(|p| p.phase != "Running");
    let mut objects = vec![claim_ref(c)];
    objects.extend(users.iter().map(|p| pod_ref(p)));
    let title = format!("{}: claim Pending{}", c.name, for_how_long(c.created, now));
    let blocked = waiting_pod
        .map(|p| format!(" Pod {} cannot start until it binds.", p.name))
        .unwrap_or_default();
    let (severity, detail) = if missing_class {
        let n = class_name.unwrap_or_default();
        // Critical when a Pod waits for it, else Warning.
        (
            if waiting_pod.is_some() {
                Severity::Critical
            } else {
                Severity::Warning
            },
            format!(
                "StorageClass `{n}` does not exist, so nothing will provision a volume.{blocked} Create the class (a claim's class cannot be changed; otherwise delete and recreate the claim)."
            ),
        )
    } else if let Some(k) = class.filter(|k| k.binding_mode == "WaitForFirstConsumer") {
        match waiting_pod {
            // WaitForFirstConsumer with a Pod that is not scheduled (Warning).
            Some(p) => (
                Severity::Warning,
                format!(
                    "Class `{}` binds WaitForFirstConsumer: the volume is created once Pod {} is scheduled, and it is not{}.",
                    k.name,
                    p.name,
                    p.unschedulable
                        .as_ref()
                        .map(|(_, m)| format!(" ({m})"))
                        .unwrap_or_default()
                ),
            ),
            // WaitForFirstConsumer with no Pod: normal (Info).
            None => (
                Severity::Info,
                format!(
                    "Class `{}` binds WaitForFirstConsumer: the volume is created when a Pod using the claim is scheduled, and none is.",
                    k.name
                ),
            ),
        }
    } else if let Some(k) = class.filter(|k| k.provisioner == "kubernetes.io/no-provisioner") {
        (
            if waiting_pod.is_some() {
                Severity::Critical
            } else {
                Severity::Warning
            },
            format!(
                "Class `{}` has no dynamic provisioner and no Available PV matches the claim ({} {}).{blocked} An admin must create a matching PV.",
                k.name,
                bytes(c.request_bytes),
                super::chain::access_modes(&c.access_modes)
            ),
        )
    } else if let Some(k) = class {
        (
            Severity::Warning,
            format!(
                "Provisioner {} has not created a volume for class `{}` yet; see ProvisioningFailed events.{blocked}",
                k.provisioner, k.name
            ),
        )
    } else {
        // No class at all: static binding only (Warning).
        (
            Severity::Warning,
            format!(
                "{}: no PV without a class matches it ({} {}).{blocked}",
                super::chain::pending_reason(store, c),
                bytes(c.request_bytes),
                super::chain::access_modes(&c.access_modes)
            ),
        )
    };
    out.push(
        severity,
        "claim-pending",
        title,
        detail,
        objects,
        key,
        ordinal,
    );
}

fn resize_findings(
    store: &Store,
    c: &Claim,
    now: Timestamp,
    key: &Option<(String, String)>,
    ordinal: Option<i32>,
    out: &mut Out,
) {
    let (Some(req), Some(cap)) = (c.request_bytes, c.capacity_bytes) else {
        return;
    };
    let fs_pending = c.condition("FileSystemResizePending");
    let resizing = c.condition("Resizing");
    let status = c.resize_status.as_str();
    if status.contains("Infeasible") {
        // The driver refused the new size (Warning).
        out.push(
            Severity::Warning,
            "claim-resize-failed",
            format!("{}: expansion to {} refused ({status})", c.name, bytes(Some(req))),
            "The storage driver cannot expand the volume to the requested size; lower the request back (allowed when recovering from a failed expansion) or see VolumeResizeFailed events.".into(),
            vec![claim_ref(c)],
            key.clone(),
            ordinal,
        );
        return;
    }
    let fs_since = match fs_pending {
        Some(cond) => Some(cond.since),
        None if status == "NodeResizePending" => Some(None),
        None => None,
    };
    if let Some(since) = fs_since {
        // Filesystem resize pending (Warning): needs a (re)mount.
        let users = pods_using(store, c);
        let restart = users
            .first()
            .map(|p| format!("restart Pod {}", p.name))
            .unwrap_or_else(|| "start a Pod that mounts it".into());
        let mut objects = vec![claim_ref(c)];
        objects.extend(users.iter().map(|p| pod_ref(p)));
        out.push(
            Severity::Warning,
            "claim-fs-resize-pending",
            format!(
                "{}: filesystem resize pending ({} → {}){}",
                c.name,
                bytes(Some(cap)),
                bytes(Some(req)),
                for_how_long(since, now)
            ),
            format!(
                "The volume was expanded, but the filesystem grows only when the kubelet mounts it: unless the driver expands online, {restart}."
            ),
            objects,
            key.clone(),
            ordinal,
        );
        return;
    }
    if resizing.is_some()
        || status == "ControllerResizeInProgress"
        || status == "NodeResizeInProgress"
    {
        // Resize in progress (Info).
        out.push(
            Severity::Info,
            "claim-resizing",
            format!(
                "{}: expanding {} → {}{}",
                c.name,
                bytes(Some(cap)),
                bytes(Some(req)),
                for_how_long(resizing.and_then(|r| r.since), now)
            ),
            "The volume is being expanded by the storage driver; the new capacity shows once the volume and then the filesystem are resized.".into(),
            vec![claim_ref(c)],
            key.clone(),
            ordinal,
        );
        return;
    }
    if req <= cap {
        return;
    }
    let class = super::chain::class_name_of(store, c).and_then(|n| store.class(&n));
    if let Some(k) = class.filter(|k| !k.allow_expansion) {
        // Expansion not allowed by the class (Warning).
        out.push(
            Severity::Warning,
            "claim-expansion-not-allowed",
            format!(
                "{}: requests {} but has {}; class `{}` does not allow expansion",
                c.name,
                bytes(Some(req)),
                bytes(Some(cap)),
                k.name
            ),
            format!(
                "StorageClass `{}` has allowVolumeExpansion unset or false, so the volume is never expanded; the claim keeps {} of capacity.",
                k.name,
                bytes(Some(cap))
            ),
            vec![claim_ref(c), obj("StorageClass", "", &k.name)],
            key.clone(),
            ordinal,
        );
        return;
    }
    // Capacity below request with no resize under way (Warning).
    out.push(
        Severity::Warning,
        "claim-capacity-below-request",
        format!(
            "{}: capacity {} below request {}",
            c.name,
            bytes(Some(cap)),
            bytes(Some(req))
        ),
        "No resize is recorded on the claim; look for VolumeResizeFailed events, or whether the storage driver supports expansion.".into(),
        vec![claim_ref(c)],
        key.clone(),
        ordinal,
    );
}

fn volume_findings(store: &Store, scope: &Scope, out: &mut Out) {
    for v in store.volumes() {
        let (claim_ns, claim_name) = v.claim_ref.clone().unwrap_or_default();
        if !(scope.namespace.is_none() || (!claim_ns.is_empty() && scope.contains(&claim_ns))) {
            continue;
        }
        volume_finding(store, v, &claim_ns, &claim_name, out);
    }
}

/// A PV's finding; `claim_ns`/`claim_name`: its claimRef (empty when none).
fn volume_finding(
    store: &Store,
    v: &crate::store::Volume,
    claim_ns: &str,
    claim_name: &str,
    out: &mut Out,
) {
    let owner = if claim_ns.is_empty() {
        None
    } else {
        claim_owner(store, claim_ns, claim_name)
    };
    let key = owner
        .as_ref()
        .map(|o| (claim_ns.to_string(), o.set.clone()));
    let ordinal = owner.as_ref().map(|o| o.ordinal);
    let pv = obj("PersistentVolume", "", &v.name);
    match v.phase.as_str() {
        "Released" => {
            // Released (Warning): data kept, not reusable until cleaned.
            let detail = if v.reclaim_policy == "Delete" {
                format!(
                    "Its claim {claim_ns}/{claim_name} was deleted and reclaim policy Delete should remove the volume; if it stays Released, deletion is failing (see the PV's events)."
                )
            } else {
                format!(
                    "Its claim {claim_ns}/{claim_name} was deleted. With reclaim policy {} the data is kept, but the PV binds to no new claim until an admin deletes it (and the disk) or removes its spec.claimRef.",
                    v.reclaim_policy
                )
            };
            out.push(
                Severity::Warning,
                "volume-released",
                format!(
                    "{}: PV Released ({}, {})",
                    v.name,
                    v.reclaim_policy,
                    bytes(v.capacity_bytes)
                ),
                detail,
                vec![pv],
                key,
                ordinal,
            );
        }
        "Failed" => {
            // Failed (Critical): automatic reclamation failed.
            out.push(
                Severity::Critical,
                "volume-failed",
                format!("{}: PV Failed", v.name),
                format!(
                    "Automatic reclamation ({}) failed{}; the volume and its data need manual cleanup.",
                    v.reclaim_policy,
                    if v.message.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", v.message)
                    }
                ),
                vec![pv],
                key,
                ordinal,
            );
        }
        _ => {}
    }
}

fn event_findings<'a>(
    store: &Store,
    events: impl Iterator<Item = &'a crate::store::Event>,
    now: Timestamp,
    out: &mut Out,
) {
    // (reason, kind, namespace, name) → (count, last seen, message)
    #[allow(clippy::type_complexity)]
    let mut seen: BTreeMap<(String, String, String, String), (i32, Option<Timestamp>, String)> =
        BTreeMap::new();
    for e in events {
        if e.type_ != "Warning" {
            continue;
        }
        let last = e.last_seen;
        if last.is_none() || out.passed(last, now, EVENT_WINDOW_SECS + 1) {
            continue;
        }
        let (kind, ns, name) = &e.involved;
        let relevant = match kind.as_str() {
            "StatefulSet" => store.set(ns, name).is_some(),
            "Pod" => {
                crate::store::split_ordinal(name)
                    .is_some_and(|(set, _)| store.set(ns, set).is_some())
                    && store
                        .pod(ns, name)
                        .is_some_and(|p| !event_resolved_for_pod(p, &e.reason, last))
            }
            "PersistentVolumeClaim" => store
                .claim(ns, name)
                .is_some_and(|c| !event_resolved_for_claim(c, &e.reason)),
            _ => false,
        };
        if !relevant {
            continue;
        }
        let entry = seen
            .entry((e.reason.clone(), kind.clone(), ns.clone(), name.clone()))
            .or_insert((0, None, String::new()));
        entry.0 += e.count.max(1);
        if entry.1.is_none_or(|t| last.is_some_and(|l| l >= t)) {
            entry.1 = last;
            entry.2 = e.message.clone();
        }
    }
    let mut owners: HashMap<(String, String), Option<(String, i32)>> = HashMap::new();
    for ((reason, kind, ns, name), (count, last, message)) in seen {
        let (set, ordinal) = match kind.as_str() {
            "StatefulSet" => (Some(name.clone()), None),
            "Pod" => match crate::store::split_ordinal(&name) {
                Some((s, n)) => (Some(s.to_string()), Some(n)),
                None => (None, None),
            },
            _ => {
                let o = owners
                    .entry((ns.clone(), name.clone()))
                    .or_insert_with(|| claim_owner(store, &ns, &name).map(|o| (o.set, o.ordinal)));
                match o {
                    Some((s, n)) => (Some(s.clone()), Some(*n)),
                    None => (None, None),
                }
            }
        };
        let short = match kind.as_str() {
            "StatefulSet" => "statefulset",
            "Pod" => "pod",
            _ => "pvc",
        };
        let times = if count > 1 {
            format!(" ×{count}")
        } else {
            String::new()
        };
        let message = if message.chars().count() > 300 {
            format!("{}…", message.chars().take(300).collect::<String>())
        } else {
            message
        };
        // Recent Warning event (Warning).
        out.push(
            Severity::Warning,
            "warning-event",
            format!(
                "{reason} on {short}/{name}{times}, last {} ago",
                age(last, now)
            ),
            message,
            vec![obj(&kind, &ns, &name)],
            set.map(|s| (ns.clone(), s)),
            ordinal,
        );
    }
}

/// A Pod event whose problem is visibly over: the Pod was scheduled after a
/// FailedScheduling, or became Ready after the event.
fn event_resolved_for_pod(p: &Pod, reason: &str, last: Option<Timestamp>) -> bool {
    (reason == "FailedScheduling" && !p.node.is_empty())
        || (p.is_healthy() && p.ready_since.is_some_and(|r| last.is_some_and(|l| l <= r)))
}

/// A claim event whose problem is visibly over: provisioning failed but the
/// claim is Bound, or a resize failed but the capacity now covers the request.
fn event_resolved_for_claim(c: &Claim, reason: &str) -> bool {
    match reason {
        "ProvisioningFailed" | "FailedBinding" => c.phase == "Bound",
        "VolumeResizeFailed" | "FileSystemResizeFailed" => c
            .request_bytes
            .zip(c.capacity_bytes)
            .is_some_and(|(r, cap)| cap >= r),
        _ => false,
    }
}

fn usage_findings(
    store: &Store,
    c: &Claim,
    key: &Option<(String, String)>,
    ordinal: Option<i32>,
    out: &mut Out,
) {
    // Full, or filling up at the current rate (see view::capacity).
    if let Some(d) = capacity::usage_finding(store, c) {
        out.push(
            d.severity,
            d.code,
            d.title,
            d.detail,
            d.objects,
            key.clone(),
            ordinal,
        );
    }
}

fn class_findings(store: &Store, out: &mut Out) {
    let defaults = store.default_classes();
    if defaults.len() >= 2 {
        let names: Vec<String> = defaults.iter().map(|c| c.name.clone()).collect();
        let newest = names.last().cloned().unwrap_or_default();
        // Several default classes (Warning, cluster-wide).
        out.push(
            Severity::Warning,
            "default-classes",
            format!("{} default StorageClasses: {}", names.len(), names.join(", ")),
            format!(
                "Claims without storageClassName get the most recently created default ({newest}), which may not be the one intended; keep the is-default-class annotation on one class only."
            ),
            names.iter().map(|n| obj("StorageClass", "", n)).collect(),
            None,
            None,
        );
    }
}

/// Worst severity of a set of tagged findings.
pub(crate) fn worst<'a>(items: impl Iterator<Item = &'a Tagged>) -> Option<Severity> {
    items.map(|t| t.finding.severity).max()
}
