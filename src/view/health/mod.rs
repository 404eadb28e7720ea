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

mod claim;
mod event;
mod pod;
mod set;
mod volume;

use claim::claim_findings;
use event::event_findings;
use pod::pod_findings;
use set::{set_findings, template_findings};
use volume::{class_findings, volume_finding, volume_findings};

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
    let pods: Vec<(i32, &Pod)> = store.pods_of_set(&s.namespace, &s.name).collect();
    let r = rollout::analyse_pods(s, &pods);
    let (mut items, mut horizon) = set_level_tagged(store, s, &r, now);
    for n in super::ordinals_of(store, s, &pods) {
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
        .filter_map(|t| store.claim(ns, &crate::view::claim_name(&t.name, &s.name, n)))
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

/// Worst severity of a set of tagged findings.
pub(crate) fn worst<'a>(items: impl Iterator<Item = &'a Tagged>) -> Option<Severity> {
    items.map(|t| t.finding.severity).max()
}
