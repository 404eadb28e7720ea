//! The state store: slim copies of watched objects, applied from watch
//! events, with indexes. Plain data: no IO, no async, no terminal.
//!
//! `apply` is cheap: one map insert or removal plus index updates, all
//! logarithmic; only `Restarted` (a re-list) touches every object of its kind.
//! Unchanged objects (equal slim values) change nothing and do not bump the
//! generation.

pub mod feed;
pub mod objects;
pub mod owner;
pub mod quantity;
pub mod usage;

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::ops::Bound;

use jiff::Timestamp;

pub use feed::{Feed, FeedState, Part};
/// A PersistentVolumeClaim, slimmed.
pub use objects::Claim;
pub use objects::{
    ClaimTemplate, Condition, Event, Node, Pod, Revision, SetStatus, StatefulSet, StorageClass,
    UpdateStrategy, Volume,
};
pub use usage::{History, HistorySource, Sample};

/// `(namespace, name)`; `("", name)` for cluster-scoped objects.
pub type Key = (String, String);

pub mod key;
use key::{KeyView, pair};

/// `&dyn KeyView` for a borrowed `(namespace, name)`: looks up a map keyed
/// by [`Key`] without allocating.
macro_rules! k {
    ($a:expr, $b:expr) => {
        &pair($a, $b) as &dyn KeyView
    };
}

/// How many change-log entries are kept.
pub const LOG_CAPACITY: usize = 500;

/// The kinds the explorer watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    StatefulSet,
    Pod,
    Claim,
    Volume,
    StorageClass,
    Node,
    Event,
    Revision,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::StatefulSet,
        Kind::Pod,
        Kind::Claim,
        Kind::Volume,
        Kind::StorageClass,
        Kind::Node,
        Kind::Event,
        Kind::Revision,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Kind::StatefulSet => "StatefulSets",
            Kind::Pod => "Pods",
            Kind::Claim => "PVCs",
            Kind::Volume => "PVs",
            Kind::StorageClass => "StorageClasses",
            Kind::Node => "Nodes",
            Kind::Event => "Events",
            Kind::Revision => "Revisions",
        }
    }

    /// The prefix of `kind/name` references (`pod/mysql-2`).
    pub fn short(self) -> &'static str {
        match self {
            Kind::StatefulSet => "statefulset",
            Kind::Pod => "pod",
            Kind::Claim => "pvc",
            Kind::Volume => "pv",
            Kind::StorageClass => "storageclass",
            Kind::Node => "node",
            Kind::Event => "event",
            Kind::Revision => "controllerrevision",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// One slim object of any watched kind.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum Object {
    StatefulSet(StatefulSet),
    Pod(Pod),
    Claim(Claim),
    Volume(Volume),
    StorageClass(StorageClass),
    Node(Node),
    Event(Event),
    Revision(Revision),
}

impl Object {
    pub fn kind(&self) -> Kind {
        match self {
            Object::StatefulSet(_) => Kind::StatefulSet,
            Object::Pod(_) => Kind::Pod,
            Object::Claim(_) => Kind::Claim,
            Object::Volume(_) => Kind::Volume,
            Object::StorageClass(_) => Kind::StorageClass,
            Object::Node(_) => Kind::Node,
            Object::Event(_) => Kind::Event,
            Object::Revision(_) => Kind::Revision,
        }
    }

    pub fn key(&self) -> Key {
        match self {
            Object::StatefulSet(o) => o.key(),
            Object::Pod(o) => o.key(),
            Object::Claim(o) => o.key(),
            Object::Volume(o) => o.key(),
            Object::StorageClass(o) => o.key(),
            Object::Node(o) => o.key(),
            Object::Event(o) => o.key(),
            Object::Revision(o) => o.key(),
        }
    }
}

macro_rules! from_k8s {
    ($($k8s:ty => $variant:ident),* $(,)?) => {$(
        impl From<&$k8s> for Object {
            fn from(o: &$k8s) -> Object {
                Object::$variant(o.into())
            }
        }
    )*};
}

from_k8s! {
    k8s_openapi::api::apps::v1::StatefulSet => StatefulSet,
    k8s_openapi::api::core::v1::Pod => Pod,
    k8s_openapi::api::core::v1::PersistentVolumeClaim => Claim,
    k8s_openapi::api::core::v1::PersistentVolume => Volume,
    k8s_openapi::api::storage::v1::StorageClass => StorageClass,
    k8s_openapi::api::core::v1::Node => Node,
    k8s_openapi::api::core::v1::Event => Event,
    k8s_openapi::api::apps::v1::ControllerRevision => Revision,
}

/// Usage of one volume from the kubelet's stats summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VolumeUsage {
    pub used_bytes: u64,
    pub capacity_bytes: u64,
    pub available_bytes: u64,
    pub inodes_used: u64,
    pub inodes: u64,
}

/// The latest usage of one claim, and where and when it was reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimUsage {
    pub usage: VolumeUsage,
    pub node: String,
    pub at: Timestamp,
}

/// What the watch side tells the store.
#[derive(Debug, Clone, PartialEq)]
pub enum StoreEvent {
    Applied(Object),
    Deleted(Object),
    /// A (re)list finished: atomically replaces every object of that kind
    /// (objects deleted while disconnected disappear).
    Restarted(Kind, Vec<Object>),
    /// A list of `feed` is under way and has received `received` objects
    /// so far (sent at its start with 0, then now and then; not per object).
    Listing {
        feed: Feed,
        received: u64,
    },
    /// A (re)list of `feed` finished: replaces the objects that feed holds,
    /// and only those.
    Relisted(Feed, Vec<Object>),
    /// The feed's watch stopped (the set it follows was closed): its
    /// objects go.
    Stopped(Feed),
    /// The kind is watched only for the open set: with none open there is
    /// nothing to wait for.
    OnDemand(Kind),
    /// The watch failed; data of that kind may be stale until the next Restarted.
    WatchError {
        kind: Kind,
        message: String,
        forbidden: bool,
    },
    /// Usage of claims on one node, from its kubelet stats summary:
    /// ((claim namespace, claim name), usage).
    Usage {
        node: String,
        volumes: Vec<(Key, VolumeUsage)>,
    },
    UsageError {
        node: String,
        message: String,
        forbidden: bool,
    },
    /// Older usage (from Prometheus) merged into the claims' histories, and
    /// how loading it went.
    History {
        source: HistorySource,
        claims: Vec<(Key, Vec<Sample>)>,
    },
}

impl StoreEvent {
    /// The kind whose objects the event may change, if any.
    fn kind(&self) -> Option<Kind> {
        match self {
            StoreEvent::Applied(o) | StoreEvent::Deleted(o) => Some(o.kind()),
            StoreEvent::Restarted(k, _) | StoreEvent::OnDemand(k) => Some(*k),
            StoreEvent::Listing { feed, .. }
            | StoreEvent::Relisted(feed, _)
            | StoreEvent::Stopped(feed) => Some(feed.kind),
            StoreEvent::WatchError { kind, .. } => Some(*kind),
            StoreEvent::Usage { .. }
            | StoreEvent::UsageError { .. }
            | StoreEvent::History { .. } => None,
        }
    }
}

/// Freshness of one watched kind.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SyncState {
    #[default]
    Syncing,
    Live {
        since: Timestamp,
    },
    Reconnecting {
        since: Timestamp,
        error: String,
    },
    Forbidden {
        message: String,
    },
}

/// One entry of the change log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub time: Timestamp,
    pub kind: Kind,
    pub key: Key,
    pub change: String,
}

/// A failed stats poll of one node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError {
    pub message: String,
    pub forbidden: bool,
}

#[derive(Debug, Default)]
struct Maps {
    sets: BTreeMap<Key, StatefulSet>,
    pods: BTreeMap<Key, Pod>,
    claims: BTreeMap<Key, Claim>,
    volumes: BTreeMap<Key, Volume>,
    classes: BTreeMap<Key, StorageClass>,
    nodes: BTreeMap<Key, Node>,
    events: BTreeMap<Key, Event>,
    revisions: BTreeMap<Key, Revision>,
}

#[derive(Debug, Default)]
struct Indexes {
    /// (namespace, set) → ordinal → pod name.
    pods_by_set: HashMap<Key, BTreeMap<i32, String>>,
    /// (claim namespace, claim name) → PV names whose claimRef points there.
    volumes_by_claim: HashMap<Key, BTreeSet<String>>,
    /// The same for PVs not `Bound` (Released, Failed…), ordered for
    /// prefix scans: a set's findings look for its claims' leftovers.
    loose_volumes_by_claim: BTreeMap<Key, BTreeSet<String>>,
    /// (kind, namespace, name) of the involved object → event keys.
    /// (namespace, name) of the involved object (any kind) → event keys.
    events_by_object: HashMap<Key, BTreeSet<Key>>,
    /// The same for Warning events only (findings look at these).
    warnings_by_object: HashMap<Key, BTreeSet<Key>>,
    /// (namespace, set) → revision names.
    revisions_by_set: HashMap<Key, BTreeSet<String>>,
}

/// An index of sets of values by key (both map types the indexes use).
trait SetIndex<V> {
    /// Removes `value` from the set under `key`, and the set once empty.
    fn remove_value(&mut self, key: &Key, value: &V);
}

impl<V: Ord> SetIndex<V> for HashMap<Key, BTreeSet<V>> {
    fn remove_value(&mut self, key: &Key, value: &V) {
        if let Some(set) = self.get_mut(key) {
            set.remove(value);
            if set.is_empty() {
                self.remove(key);
            }
        }
    }
}

impl<V: Ord> SetIndex<V> for BTreeMap<Key, BTreeSet<V>> {
    fn remove_value(&mut self, key: &Key, value: &V) {
        if let Some(set) = self.get_mut(key) {
            set.remove(value);
            if set.is_empty() {
                self.remove(key);
            }
        }
    }
}

/// A slim type the store holds.
trait Slim: Clone + PartialEq + Sized {
    const KIND: Kind;
    fn key(&self) -> Key;
    fn map_mut(maps: &mut Maps) -> &mut BTreeMap<Key, Self>;
    fn unwrap(object: Object) -> Option<Self>;
    fn reindex(_idx: &mut Indexes, _old: Option<&Self>, _new: Option<&Self>) {}
    fn clear_index(_idx: &mut Indexes) {}
    /// What changed, for the log; empty when nothing worth logging did.
    fn diff(_old: &Self, _new: &Self) -> Vec<String> {
        Vec::new()
    }
    /// Whether changes of this kind go to the change log.
    const LOGGED: bool = true;
    /// The StatefulSets whose views this object feeds (their derived views
    /// are re-derived when it changes). Default: any set.
    fn touches(&self, _maps: &Maps, out: &mut Touched) {
        out.all();
    }
    /// Whether `feed` (of this kind) delivers this object.
    fn in_feed(&self, feed: &Feed) -> bool {
        feed.holds(&self.key().0, None, None)
    }
}

/// The StatefulSets (and which of their ordinals) one store change can
/// alter the views of: `(set, Some(n))` for ordinal `n` only (its Pod,
/// claims, their volumes, usage and events), `(set, None)` for the set as a
/// whole.
#[derive(Debug, Default)]
enum Touched {
    #[default]
    Nothing,
    Sets(Vec<(Key, Option<i32>)>),
    All,
}

impl Touched {
    fn set(&mut self, namespace: &str, name: &str) {
        self.push(namespace, name, None);
    }
    fn ordinal(&mut self, namespace: &str, name: &str, ordinal: i32) {
        self.push(namespace, name, Some(ordinal));
    }
    fn push(&mut self, namespace: &str, name: &str, ordinal: Option<i32>) {
        let key = (namespace.to_string(), name.to_string());
        match self {
            Touched::All => {}
            Touched::Sets(v) => v.push((key, ordinal)),
            Touched::Nothing => *self = Touched::Sets(vec![(key, ordinal)]),
        }
    }
    fn all(&mut self) {
        *self = Touched::All;
    }
    /// The set ordinals a claim named `<template>-<set>-<n>` can belong to:
    /// ordinal `n` of every existing set whose name ends the claim name
    /// before the ordinal.
    fn claim(&mut self, maps: &Maps, namespace: &str, claim: &str) {
        let Some((rest, n)) = split_ordinal(claim) else {
            return;
        };
        for (i, _) in rest.match_indices('-') {
            let set = &rest[i + 1..];
            if maps.sets.contains_key(k!(namespace, set)) {
                self.ordinal(namespace, set, n);
            }
        }
    }
    /// A Pod's ordinal: by its controller, and by the `<set>-<n>` name pattern.
    fn pod(&mut self, namespace: &str, pod: &Pod) {
        if let Some((set, n)) = pod_slot(pod) {
            self.ordinal(namespace, &set, n);
        }
        if let Some((set, n)) = split_ordinal(&pod.name) {
            self.ordinal(namespace, set, n);
        }
    }
}

/// When the views of one set last had reason to change: anything about it
/// (`last`), the set as a whole (`whole`: the set, its revisions, its own
/// events), and each ordinal.
#[derive(Debug, Default)]
struct SetChanges {
    last: u64,
    whole: u64,
    ordinals: HashMap<i32, u64>,
}

/// The generations of one set's ordinals: see [`Store::ordinal_generations`].
#[derive(Debug, Clone, Copy)]
pub struct OrdinalGenerations<'a> {
    /// The last change to the set as a whole or to anything shared.
    base: u64,
    ordinals: Option<&'a HashMap<i32, u64>>,
}

impl OrdinalGenerations<'_> {
    /// The generation of the last change that can alter what ordinal `n`
    /// shows (its row and findings).
    pub fn of(&self, n: i32) -> u64 {
        self.ordinals
            .and_then(|m| m.get(&n))
            .map_or(self.base, |g| (*g).max(self.base))
    }
}

/// `set-3` → `("set", 3)`: the StatefulSet pod name pattern (no sign, no
/// leading zeros).
pub fn split_ordinal(name: &str) -> Option<(&str, i32)> {
    let (prefix, ord) = name.rsplit_once('-')?;
    if prefix.is_empty()
        || ord.is_empty()
        || !ord.bytes().all(|b| b.is_ascii_digit())
        || (ord.len() > 1 && ord.starts_with('0'))
    {
        return None;
    }
    Some((prefix, ord.parse().ok()?))
}

/// The StatefulSet and ordinal a Pod belongs to: via its controller
/// ownerReference, failing that via the `<set>-<ordinal>` name pattern.
pub fn pod_slot(pod: &Pod) -> Option<(String, i32)> {
    if let Some(set) = &pod.owner_set
        && let Some(rest) = pod.name.strip_prefix(set.as_str())
        && let Some(ord) = rest.strip_prefix('-')
        && let Some((_, n)) = split_ordinal(&format!("x-{ord}"))
    {
        return Some((set.clone(), n));
    }
    split_ordinal(&pod.name).map(|(s, n)| (s.to_string(), n))
}

fn ns_range<'a, T>(
    map: &'a BTreeMap<Key, T>,
    namespace: Option<&str>,
) -> std::collections::btree_map::Range<'a, Key, T> {
    match namespace {
        None => map.range::<Key, (Bound<Key>, Bound<Key>)>((Bound::Unbounded, Bound::Unbounded)),
        Some(ns) => map.range::<Key, _>((
            Bound::Included((ns.to_string(), String::new())),
            Bound::Excluded((format!("{ns}\0"), String::new())),
        )),
    }
}

fn phase_word(ready: &str) -> &'static str {
    match ready {
        "True" => "Ready",
        "False" => "NotReady",
        _ => "Unknown",
    }
}

fn bytes_opt(b: Option<u64>) -> String {
    b.map(quantity::format_bytes).unwrap_or_else(|| "-".into())
}

impl Slim for StatefulSet {
    const KIND: Kind = Kind::StatefulSet;
    fn touches(&self, _maps: &Maps, out: &mut Touched) {
        out.set(&self.namespace, &self.name);
    }
    fn key(&self) -> Key {
        (self.namespace.clone(), self.name.clone())
    }
    fn map_mut(m: &mut Maps) -> &mut BTreeMap<Key, Self> {
        &mut m.sets
    }
    fn unwrap(o: Object) -> Option<Self> {
        match o {
            Object::StatefulSet(x) => Some(x),
            _ => None,
        }
    }
    fn diff(a: &Self, b: &Self) -> Vec<String> {
        let mut out = Vec::new();
        if a.replicas != b.replicas {
            out.push(format!("replicas {} → {}", a.replicas, b.replicas));
        }
        match (&a.strategy, &b.strategy) {
            (
                UpdateStrategy::RollingUpdate { partition: p, .. },
                UpdateStrategy::RollingUpdate { partition: q, .. },
            ) if p != q => out.push(format!("partition {p} → {q}")),
            (UpdateStrategy::OnDelete, UpdateStrategy::RollingUpdate { .. }) => {
                out.push("strategy OnDelete → RollingUpdate".into())
            }
            (UpdateStrategy::RollingUpdate { .. }, UpdateStrategy::OnDelete) => {
                out.push("strategy RollingUpdate → OnDelete".into())
            }
            _ => {}
        }
        if a.images != b.images {
            out.push(format!(
                "image {} → {}",
                a.images.join(","),
                b.images.join(",")
            ));
        }
        if a.status.update_revision != b.status.update_revision
            && !b.status.update_revision.is_empty()
        {
            out.push(format!(
                "revision {} → {}",
                a.revision_hash(&a.status.update_revision),
                b.revision_hash(&b.status.update_revision)
            ));
        }
        if a.status.ready != b.status.ready {
            out.push(format!(
                "ready {}/{} → {}/{}",
                a.status.ready, a.replicas, b.status.ready, b.replicas
            ));
        }
        if a.status.updated != b.status.updated
            && a.status.update_revision == b.status.update_revision
        {
            out.push(format!(
                "updated {}/{} → {}/{}",
                a.status.updated, a.replicas, b.status.updated, b.replicas
            ));
        }
        if a.status.current_revision != b.status.current_revision
            && b.status.current_revision == b.status.update_revision
            && !b.status.current_revision.is_empty()
        {
            out.push("rollout complete".into());
        }
        if a.deleting.is_none() && b.deleting.is_some() {
            out.push("deleting".into());
        }
        out
    }
}

impl Slim for Pod {
    const KIND: Kind = Kind::Pod;
    fn touches(&self, _maps: &Maps, out: &mut Touched) {
        out.pod(&self.namespace, self);
    }
    fn key(&self) -> Key {
        (self.namespace.clone(), self.name.clone())
    }
    fn map_mut(m: &mut Maps) -> &mut BTreeMap<Key, Self> {
        &mut m.pods
    }
    fn unwrap(o: Object) -> Option<Self> {
        match o {
            Object::Pod(x) => Some(x),
            _ => None,
        }
    }
    fn reindex(idx: &mut Indexes, old: Option<&Self>, new: Option<&Self>) {
        if let Some(old) = old
            && let Some((set, n)) = pod_slot(old)
        {
            let k = (old.namespace.clone(), set);
            if let Some(m) = idx.pods_by_set.get_mut(&k) {
                if m.get(&n) == Some(&old.name) {
                    m.remove(&n);
                }
                if m.is_empty() {
                    idx.pods_by_set.remove(&k);
                }
            }
        }
        if let Some(new) = new
            && let Some((set, n)) = pod_slot(new)
        {
            idx.pods_by_set
                .entry((new.namespace.clone(), set))
                .or_default()
                .insert(n, new.name.clone());
        }
    }
    fn clear_index(idx: &mut Indexes) {
        idx.pods_by_set.clear();
    }
    fn diff(a: &Self, b: &Self) -> Vec<String> {
        let mut out = Vec::new();
        if a.node != b.node {
            if a.node.is_empty() {
                out.push(format!("scheduled to {}", b.node));
            } else {
                out.push(format!("node {} → {}", a.node, b.node));
            }
        }
        if a.status_text != b.status_text {
            out.push(format!("{} → {}", a.status_text, b.status_text));
        }
        if (a.ready_containers, a.total_containers) != (b.ready_containers, b.total_containers) {
            out.push(format!(
                "ready {}/{} → {}/{}",
                a.ready_containers, a.total_containers, b.ready_containers, b.total_containers
            ));
        }
        if a.restarts != b.restarts {
            out.push(format!("restarts {} → {}", a.restarts, b.restarts));
        }
        if a.revision != b.revision && !a.revision.is_empty() {
            out.push(format!(
                "revision {} → {}",
                revision_suffix(&a.revision, a.owner_set.as_deref()),
                revision_suffix(&b.revision, b.owner_set.as_deref())
            ));
        }
        out
    }
}

fn revision_suffix<'a>(revision: &'a str, set: Option<&str>) -> &'a str {
    set.and_then(|s| revision.strip_prefix(s))
        .and_then(|r| r.strip_prefix('-'))
        .unwrap_or(revision)
}

impl Slim for Claim {
    const KIND: Kind = Kind::Claim;
    fn touches(&self, maps: &Maps, out: &mut Touched) {
        out.claim(maps, &self.namespace, &self.name);
    }
    fn key(&self) -> Key {
        (self.namespace.clone(), self.name.clone())
    }
    fn map_mut(m: &mut Maps) -> &mut BTreeMap<Key, Self> {
        &mut m.claims
    }
    fn unwrap(o: Object) -> Option<Self> {
        match o {
            Object::Claim(x) => Some(x),
            _ => None,
        }
    }
    fn diff(a: &Self, b: &Self) -> Vec<String> {
        let mut out = Vec::new();
        if a.phase != b.phase {
            out.push(format!("{} → {}", a.phase, b.phase));
        }
        if a.volume_name != b.volume_name && !b.volume_name.is_empty() {
            out.push(format!("volume {}", b.volume_name));
        }
        if a.request_bytes != b.request_bytes {
            out.push(format!(
                "request {} → {}",
                bytes_opt(a.request_bytes),
                bytes_opt(b.request_bytes)
            ));
        }
        if a.capacity_bytes != b.capacity_bytes && b.capacity_bytes.is_some() {
            out.push(format!(
                "capacity {} → {}",
                bytes_opt(a.capacity_bytes),
                bytes_opt(b.capacity_bytes)
            ));
        }
        for c in &b.conditions {
            if c.is_true() && a.condition(&c.type_).is_none() {
                out.push(c.type_.clone());
            }
        }
        for c in &a.conditions {
            if c.is_true() && b.condition(&c.type_).is_none() {
                out.push(format!("{} cleared", c.type_));
            }
        }
        if a.deleting.is_none() && b.deleting.is_some() {
            out.push("deleting".into());
        }
        out
    }
}

impl Slim for Volume {
    const KIND: Kind = Kind::Volume;
    fn touches(&self, maps: &Maps, out: &mut Touched) {
        if let Some((ns, claim)) = &self.claim_ref {
            out.claim(maps, ns, claim);
        }
    }
    fn key(&self) -> Key {
        (String::new(), self.name.clone())
    }
    fn map_mut(m: &mut Maps) -> &mut BTreeMap<Key, Self> {
        &mut m.volumes
    }
    fn unwrap(o: Object) -> Option<Self> {
        match o {
            Object::Volume(x) => Some(x),
            _ => None,
        }
    }
    fn reindex(idx: &mut Indexes, old: Option<&Self>, new: Option<&Self>) {
        if let Some(old) = old
            && let Some(c) = &old.claim_ref
        {
            idx.volumes_by_claim.remove_value(c, &old.name);
            if old.phase != "Bound" {
                idx.loose_volumes_by_claim.remove_value(c, &old.name);
            }
        }
        if let Some(new) = new
            && let Some(c) = &new.claim_ref
        {
            idx.volumes_by_claim
                .entry(c.clone())
                .or_default()
                .insert(new.name.clone());
            if new.phase != "Bound" {
                idx.loose_volumes_by_claim
                    .entry(c.clone())
                    .or_default()
                    .insert(new.name.clone());
            }
        }
    }
    fn clear_index(idx: &mut Indexes) {
        idx.volumes_by_claim.clear();
        idx.loose_volumes_by_claim.clear();
    }
    fn diff(a: &Self, b: &Self) -> Vec<String> {
        let mut out = Vec::new();
        if a.phase != b.phase {
            out.push(format!("{} → {}", a.phase, b.phase));
        }
        if a.claim_ref != b.claim_ref {
            match &b.claim_ref {
                Some((ns, n)) => out.push(format!("claimed by {ns}/{n}")),
                None => out.push("claimRef removed".into()),
            }
        }
        if a.capacity_bytes != b.capacity_bytes {
            out.push(format!(
                "capacity {} → {}",
                bytes_opt(a.capacity_bytes),
                bytes_opt(b.capacity_bytes)
            ));
        }
        if a.deleting.is_none() && b.deleting.is_some() {
            out.push("deleting".into());
        }
        out
    }
}

impl Slim for StorageClass {
    const KIND: Kind = Kind::StorageClass;
    fn key(&self) -> Key {
        (String::new(), self.name.clone())
    }
    fn map_mut(m: &mut Maps) -> &mut BTreeMap<Key, Self> {
        &mut m.classes
    }
    fn unwrap(o: Object) -> Option<Self> {
        match o {
            Object::StorageClass(x) => Some(x),
            _ => None,
        }
    }
    fn diff(a: &Self, b: &Self) -> Vec<String> {
        let mut out = Vec::new();
        if a.is_default != b.is_default {
            out.push(
                if b.is_default {
                    "now default"
                } else {
                    "no longer default"
                }
                .into(),
            );
        }
        if a.allow_expansion != b.allow_expansion {
            out.push(format!("allowVolumeExpansion {}", b.allow_expansion));
        }
        out
    }
}

impl Slim for Node {
    const KIND: Kind = Kind::Node;
    fn key(&self) -> Key {
        (String::new(), self.name.clone())
    }
    fn map_mut(m: &mut Maps) -> &mut BTreeMap<Key, Self> {
        &mut m.nodes
    }
    fn unwrap(o: Object) -> Option<Self> {
        match o {
            Object::Node(x) => Some(x),
            _ => None,
        }
    }
    fn diff(a: &Self, b: &Self) -> Vec<String> {
        let mut out = Vec::new();
        if a.ready != b.ready {
            out.push(format!(
                "{} → {}",
                phase_word(&a.ready),
                phase_word(&b.ready)
            ));
        }
        if a.unschedulable != b.unschedulable {
            out.push(
                if b.unschedulable {
                    "cordoned"
                } else {
                    "uncordoned"
                }
                .into(),
            );
        }
        out
    }
}

impl Slim for Event {
    const KIND: Kind = Kind::Event;
    const LOGGED: bool = false;
    fn in_feed(&self, feed: &Feed) -> bool {
        feed.holds(&self.namespace, Some((&self.type_, &self.involved.0)), None)
    }
    fn touches(&self, maps: &Maps, out: &mut Touched) {
        let (kind, ns, name) = &self.involved;
        match kind.as_str() {
            "StatefulSet" => out.set(ns, name),
            "Pod" => {
                if let Some((set, n)) = split_ordinal(name) {
                    out.ordinal(ns, set, n);
                }
                if let Some(p) = maps.pods.get(&(ns.clone(), name.clone())) {
                    out.pod(ns, p);
                }
            }
            "PersistentVolumeClaim" => out.claim(maps, ns, name),
            _ => {}
        }
    }
    fn key(&self) -> Key {
        (self.namespace.clone(), self.name.clone())
    }
    fn map_mut(m: &mut Maps) -> &mut BTreeMap<Key, Self> {
        &mut m.events
    }
    fn unwrap(o: Object) -> Option<Self> {
        match o {
            Object::Event(x) => Some(x),
            _ => None,
        }
    }
    fn reindex(idx: &mut Indexes, old: Option<&Self>, new: Option<&Self>) {
        if let Some(old) = old {
            let object = (old.involved.1.clone(), old.involved.2.clone());
            let key = (old.namespace.clone(), old.name.clone());
            idx.events_by_object.remove_value(&object, &key);
            if old.type_ == "Warning" {
                idx.warnings_by_object.remove_value(&object, &key);
            }
        }
        if let Some(new) = new {
            let object = (new.involved.1.clone(), new.involved.2.clone());
            let key = (new.namespace.clone(), new.name.clone());
            if new.type_ == "Warning" {
                idx.warnings_by_object
                    .entry(object.clone())
                    .or_default()
                    .insert(key.clone());
            }
            idx.events_by_object.entry(object).or_default().insert(key);
        }
    }
    fn clear_index(idx: &mut Indexes) {
        idx.events_by_object.clear();
        idx.warnings_by_object.clear();
    }
}

impl Slim for Revision {
    const KIND: Kind = Kind::Revision;
    fn in_feed(&self, feed: &Feed) -> bool {
        feed.holds(&self.namespace, None, self.owner_set.as_deref())
    }
    fn touches(&self, _maps: &Maps, out: &mut Touched) {
        // `<set>-<hash>`; the header names revisions of its set.
        let set = self
            .owner_set
            .as_deref()
            .or_else(|| self.name.rsplit_once('-').map(|(s, _)| s));
        if let Some(set) = set {
            out.set(&self.namespace, set);
        }
    }
    fn key(&self) -> Key {
        (self.namespace.clone(), self.name.clone())
    }
    fn map_mut(m: &mut Maps) -> &mut BTreeMap<Key, Self> {
        &mut m.revisions
    }
    fn unwrap(o: Object) -> Option<Self> {
        match o {
            Object::Revision(x) => Some(x),
            _ => None,
        }
    }
    fn reindex(idx: &mut Indexes, old: Option<&Self>, new: Option<&Self>) {
        if let Some(old) = old
            && let Some(s) = &old.owner_set
        {
            let k = (old.namespace.clone(), s.clone());
            if let Some(set) = idx.revisions_by_set.get_mut(&k) {
                set.remove(&old.name);
                if set.is_empty() {
                    idx.revisions_by_set.remove(&k);
                }
            }
        }
        if let Some(new) = new
            && let Some(s) = &new.owner_set
        {
            idx.revisions_by_set
                .entry((new.namespace.clone(), s.clone()))
                .or_default()
                .insert(new.name.clone());
        }
    }
    fn clear_index(idx: &mut Indexes) {
        idx.revisions_by_set.clear();
    }
}

/// The in-memory state of the cluster as the watches report it.
#[derive(Debug)]
pub struct Store {
    maps: Maps,
    idx: Indexes,
    sync: [SyncState; 8],
    /// Whether a kind was listed at least once (re-lists log their differences).
    listed: [bool; 8],
    /// The watches the store is fed by, and how far their lists got.
    feeds: BTreeMap<Feed, FeedState>,
    usage: HashMap<Key, ClaimUsage>,
    usage_by_node: HashMap<String, Vec<Key>>,
    usage_errors: BTreeMap<String, UsageError>,
    history: HashMap<Key, History>,
    history_source: HistorySource,
    generation: u64,
    /// (namespace, set) → the generations of the last changes that can
    /// alter that set's views (see [`Store::set_generation`] and
    /// [`Store::ordinal_generations`]).
    set_generations: HashMap<Key, SetChanges>,
    /// The generation of the last change that can alter any set's views.
    shared_generation: u64,
    /// Per kind, the generation of the last change to its objects.
    kind_generations: [u64; 8],
    /// What the change being applied touches.
    touched: Touched,
    log: VecDeque<LogEntry>,
    /// How many entries were ever logged.
    log_serial: u64,
}

impl Default for Store {
    fn default() -> Self {
        Store::new()
    }
}

impl Store {
    pub fn new() -> Store {
        Store {
            maps: Maps::default(),
            idx: Indexes::default(),
            sync: Default::default(),
            listed: [false; 8],
            feeds: BTreeMap::new(),
            usage: HashMap::new(),
            usage_by_node: HashMap::new(),
            usage_errors: BTreeMap::new(),
            history: HashMap::new(),
            history_source: HistorySource::default(),
            generation: 0,
            set_generations: HashMap::new(),
            shared_generation: 0,
            kind_generations: [0; 8],
            touched: Touched::Nothing,
            log: VecDeque::new(),
            log_serial: 0,
        }
    }

    /// Applies one event; true (and the generation bumped) when anything changed.
    pub fn apply(&mut self, event: StoreEvent, now: Timestamp) -> bool {
        let kind = event.kind();
        let changed = match event {
            StoreEvent::Applied(o) => self.applied(o, now),
            StoreEvent::Deleted(o) => self.deleted(o, now),
            StoreEvent::Restarted(kind, objects) => {
                self.relisted(Feed::whole(kind, None), objects, now)
            }
            StoreEvent::Relisted(feed, objects) => self.relisted(feed, objects, now),
            StoreEvent::Listing { feed, received } => self.listing(feed, received),
            StoreEvent::Stopped(feed) => self.stopped(feed, now),
            StoreEvent::OnDemand(kind) => {
                self.listed[kind.index()] = true;
                let slot = &mut self.sync[kind.index()];
                if matches!(slot, SyncState::Syncing) {
                    *slot = SyncState::Live { since: now };
                    self.touched.all();
                    true
                } else {
                    false
                }
            }
            StoreEvent::WatchError {
                kind,
                message,
                forbidden,
            } => {
                let slot = &mut self.sync[kind.index()];
                let next = if forbidden {
                    SyncState::Forbidden { message }
                } else {
                    let since = match slot {
                        SyncState::Reconnecting { since, .. } => *since,
                        _ => now,
                    };
                    SyncState::Reconnecting {
                        since,
                        error: message,
                    }
                };
                if *slot == next {
                    false
                } else {
                    *slot = next;
                    self.touched.all();
                    true
                }
            }
            StoreEvent::Usage { node, volumes } => self.usage_report(node, volumes, now),
            StoreEvent::UsageError {
                node,
                message,
                forbidden,
            } => {
                let mut changed = self.drop_usage_of(&node);
                self.touched.all();
                let err = UsageError { message, forbidden };
                if self.usage_errors.get(&node) != Some(&err) {
                    self.usage_errors.insert(node, err);
                    changed = true;
                }
                changed
            }
            StoreEvent::History { source, claims } => self.history_loaded(source, claims),
        };
        let touched = std::mem::take(&mut self.touched);
        if changed {
            self.generation += 1;
            if let Some(k) = kind {
                self.kind_generations[k.index()] = self.generation;
            }
            match touched {
                Touched::All => self.shared_generation = self.generation,
                Touched::Sets(keys) => {
                    for (k, ordinal) in keys {
                        if !self.maps.sets.contains_key(&k) {
                            self.set_generations.remove(&k);
                            continue;
                        }
                        let g = self.generation;
                        let c = self.set_generations.entry(k).or_default();
                        c.last = g;
                        match ordinal {
                            Some(n) => {
                                c.ordinals.insert(n, g);
                            }
                            None => c.whole = g,
                        }
                    }
                }
                Touched::Nothing => {}
            }
        }
        changed
    }

    fn applied(&mut self, o: Object, now: Timestamp) -> bool {
        match o {
            Object::StatefulSet(x) => self.upsert(x, now),
            Object::Pod(x) => self.upsert(x, now),
            Object::Claim(x) => self.upsert(x, now),
            Object::Volume(x) => self.upsert(x, now),
            Object::StorageClass(x) => self.upsert(x, now),
            Object::Node(x) => self.upsert(x, now),
            Object::Event(x) => self.upsert(x, now),
            Object::Revision(x) => self.upsert(x, now),
        }
    }

    fn deleted(&mut self, o: Object, now: Timestamp) -> bool {
        let key = o.key();
        match o.kind() {
            Kind::StatefulSet => self.remove::<StatefulSet>(&key, now),
            Kind::Pod => self.remove::<Pod>(&key, now),
            Kind::Claim => self.remove::<Claim>(&key, now),
            Kind::Volume => self.remove::<Volume>(&key, now),
            Kind::StorageClass => self.remove::<StorageClass>(&key, now),
            Kind::Node => self.remove::<Node>(&key, now),
            Kind::Event => self.remove::<Event>(&key, now),
            Kind::Revision => self.remove::<Revision>(&key, now),
        }
    }

    fn listing(&mut self, feed: Feed, received: u64) -> bool {
        let state = self.feeds.entry(feed).or_default();
        let next = FeedState {
            received,
            listed: false,
            lists: state.lists,
        };
        if *state == next {
            return false;
        }
        *state = next;
        // Progress shows on the status line, not in any set's view.
        true
    }

    fn relisted(&mut self, feed: Feed, objects: Vec<Object>, now: Timestamp) -> bool {
        let kind = feed.kind;
        let mut changed = match kind {
            Kind::StatefulSet => self.relist_feed::<StatefulSet>(&feed, objects, now),
            Kind::Pod => self.relist_feed::<Pod>(&feed, objects, now),
            Kind::Claim => self.relist_feed::<Claim>(&feed, objects, now),
            Kind::Volume => self.relist_feed::<Volume>(&feed, objects, now),
            Kind::StorageClass => self.relist_feed::<StorageClass>(&feed, objects, now),
            Kind::Node => self.relist_feed::<Node>(&feed, objects, now),
            Kind::Event => self.relist_feed::<Event>(&feed, objects, now),
            Kind::Revision => self.relist_feed::<Revision>(&feed, objects, now),
        };
        let state = self.feeds.entry(feed).or_default();
        state.listed = true;
        state.lists += 1;
        changed |= self.refresh_sync(kind, now);
        // The sets' list decides which namespaces' Pod warnings are
        // watched: the events wait for it.
        if kind == Kind::StatefulSet {
            changed |= self.refresh_sync(Kind::Event, now);
        }
        self.touched.all();
        changed
    }

    /// Marks `kind` live and synced once every feed of it has listed (one
    /// slow namespace keeps it syncing); events also wait for the sets'
    /// first list, which starts the watches of Pod warnings in the
    /// namespaces that hold sets (their feeds are known to the store
    /// before the sets' list lands).
    fn refresh_sync(&mut self, kind: Kind, now: Timestamp) -> bool {
        let mut of_kind = self.feeds.iter().filter(|(f, _)| f.kind == kind).peekable();
        let any = of_kind.peek().is_some();
        let all_listed = any
            && of_kind.all(|(_, s)| s.listed)
            && (kind != Kind::Event
                || self.listed[Kind::StatefulSet.index()]
                || !self.feeds.keys().any(|f| f.kind == Kind::StatefulSet));
        if !all_listed {
            return false;
        }
        self.listed[kind.index()] = true;
        let slot = &mut self.sync[kind.index()];
        if matches!(slot, SyncState::Live { .. }) {
            return false;
        }
        *slot = SyncState::Live { since: now };
        true
    }

    fn stopped(&mut self, feed: Feed, now: Timestamp) -> bool {
        let known = self.feeds.remove(&feed).is_some();
        let removed = match feed.kind {
            Kind::StatefulSet => self.drop_feed::<StatefulSet>(&feed),
            Kind::Pod => self.drop_feed::<Pod>(&feed),
            Kind::Claim => self.drop_feed::<Claim>(&feed),
            Kind::Volume => self.drop_feed::<Volume>(&feed),
            Kind::StorageClass => self.drop_feed::<StorageClass>(&feed),
            Kind::Node => self.drop_feed::<Node>(&feed),
            Kind::Event => self.drop_feed::<Event>(&feed),
            Kind::Revision => self.drop_feed::<Revision>(&feed),
        };
        // The remaining feeds may all have listed by now.
        let kind = feed.kind;
        let mut left = self.feeds.iter().filter(|(f, _)| f.kind == kind).peekable();
        let any_left = left.peek().is_some();
        let all_listed = any_left && left.all(|(_, s)| s.listed);
        if all_listed {
            self.listed[kind.index()] = true;
        }
        let slot = &mut self.sync[kind.index()];
        let live = all_listed && matches!(slot, SyncState::Syncing);
        if live {
            *slot = SyncState::Live { since: now };
        }
        if removed {
            self.touched.all();
        }
        known || removed || live
    }

    /// Removes the objects `feed` holds (no log: nothing happened to them).
    fn drop_feed<T: Slim>(&mut self, feed: &Feed) -> bool {
        let map = T::map_mut(&mut self.maps);
        let gone: Vec<Key> = map
            .iter()
            .filter(|(_, o)| o.in_feed(feed))
            .map(|(k, _)| k.clone())
            .collect();
        for k in &gone {
            if let Some(old) = T::map_mut(&mut self.maps).remove(k) {
                T::reindex(&mut self.idx, Some(&old), None);
            }
        }
        !gone.is_empty()
    }

    /// How many objects of `kind` the lists under way have received, when
    /// any is under way.
    pub fn receiving(&self, kind: Kind) -> Option<u64> {
        let mut out = None;
        for (f, s) in &self.feeds {
            if f.kind == kind && !s.listed && !f.on_demand() {
                *out.get_or_insert(0) += s.received;
            }
        }
        out
    }

    /// Whether `feed` has listed (false: unknown, or its list is under way).
    pub fn feed_listed(&self, feed: &Feed) -> bool {
        self.feeds.get(feed).is_some_and(|s| s.listed)
    }

    /// The feeds the store knows of, and how far each got.
    pub fn feeds(&self) -> impl Iterator<Item = (&Feed, &FeedState)> {
        self.feeds.iter()
    }

    fn push_log(&mut self, time: Timestamp, kind: Kind, key: Key, change: String) {
        if self.log.len() == LOG_CAPACITY {
            self.log.pop_front();
        }
        self.log_serial += 1;
        self.log.push_back(LogEntry {
            time,
            kind,
            key,
            change,
        });
    }

    fn upsert<T: Slim>(&mut self, obj: T, now: Timestamp) -> bool {
        let key = obj.key();
        let map = T::map_mut(&mut self.maps);
        let change = match map.get(&key) {
            Some(old) if *old == obj => return false,
            Some(old) => T::diff(old, &obj).join(", "),
            None => "created".to_string(),
        };
        obj.touches(&self.maps, &mut self.touched);
        let old = T::map_mut(&mut self.maps).insert(key.clone(), obj);
        if let Some(old) = &old {
            old.touches(&self.maps, &mut self.touched);
        }
        let map = T::map_mut(&mut self.maps);
        let new = map.get(&key);
        T::reindex(&mut self.idx, old.as_ref(), new);
        if T::LOGGED && !change.is_empty() {
            self.push_log(now, T::KIND, key, change);
        }
        true
    }

    fn remove<T: Slim>(&mut self, key: &Key, now: Timestamp) -> bool {
        let Some(old) = T::map_mut(&mut self.maps).remove(key) else {
            return false;
        };
        old.touches(&self.maps, &mut self.touched);
        T::reindex(&mut self.idx, Some(&old), None);
        if T::LOGGED {
            self.push_log(now, T::KIND, key.clone(), "deleted".into());
        }
        true
    }

    fn relist_feed<T: Slim>(&mut self, feed: &Feed, objects: Vec<Object>, now: Timestamp) -> bool {
        let whole = feed.namespace.is_none() && feed.part == Part::Whole;
        if whole {
            return self.relist::<T>(objects, now);
        }
        // Only this feed's share is replaced: take it out, put the list in.
        let new: BTreeMap<Key, T> = objects
            .into_iter()
            .filter_map(T::unwrap)
            .filter(|o| o.in_feed(feed))
            .map(|o| (o.key(), o))
            .collect();
        let map = T::map_mut(&mut self.maps);
        let keys: Vec<Key> = map
            .iter()
            .filter(|(_, o)| o.in_feed(feed))
            .map(|(k, _)| k.clone())
            .collect();
        let old: BTreeMap<Key, T> = keys
            .into_iter()
            .filter_map(|k| map.remove(&k).map(|o| (k, o)))
            .collect();
        let changed = old != new;
        let relist = self.feeds.get(feed).is_some_and(|s| s.lists > 0);
        if changed && T::LOGGED && relist {
            self.log_relist(&old, &new, now);
        }
        for o in old.values() {
            T::reindex(&mut self.idx, Some(o), None);
        }
        for (k, o) in new {
            T::reindex(&mut self.idx, None, Some(&o));
            T::map_mut(&mut self.maps).insert(k, o);
        }
        changed
    }

    fn relist<T: Slim>(&mut self, objects: Vec<Object>, now: Timestamp) -> bool {
        let new: BTreeMap<Key, T> = objects
            .into_iter()
            .filter_map(T::unwrap)
            .map(|o| (o.key(), o))
            .collect();
        let old = std::mem::take(T::map_mut(&mut self.maps));
        let changed = old != new;
        if changed && T::LOGGED && self.listed[T::KIND.index()] {
            self.log_relist(&old, &new, now);
        }
        drop(old);
        T::clear_index(&mut self.idx);
        for v in new.values() {
            T::reindex(&mut self.idx, None, Some(v));
        }
        *T::map_mut(&mut self.maps) = new;
        changed
    }

    /// Logs what a re-list changed.
    fn log_relist<T: Slim>(
        &mut self,
        old: &BTreeMap<Key, T>,
        new: &BTreeMap<Key, T>,
        now: Timestamp,
    ) {
        {
            let mut entries = Vec::new();
            for (k, o) in old {
                match new.get(k) {
                    None => entries.push((k.clone(), "deleted".to_string())),
                    Some(n) if n != o => {
                        let d = T::diff(o, n);
                        if !d.is_empty() {
                            entries.push((k.clone(), d.join(", ")));
                        }
                    }
                    Some(_) => {}
                }
            }
            for k in new.keys() {
                if !old.contains_key(k) {
                    entries.push((k.clone(), "created".to_string()));
                }
            }
            for (k, c) in entries {
                self.push_log(now, T::KIND, k, c);
            }
        }
    }

    fn drop_usage_of(&mut self, node: &str) -> bool {
        let Some(keys) = self.usage_by_node.remove(node) else {
            return false;
        };
        let mut changed = false;
        for k in keys {
            if self.usage.get(&k).is_some_and(|u| u.node == node) {
                self.touched.claim(&self.maps, &k.0, &k.1);
                self.usage.remove(&k);
                changed = true;
            }
        }
        changed
    }

    fn usage_report(
        &mut self,
        node: String,
        volumes: Vec<(Key, VolumeUsage)>,
        now: Timestamp,
    ) -> bool {
        let mut changed = self.usage_errors.remove(&node).is_some();
        if changed {
            self.touched.all();
        }
        // Every poll is a sample, changed or not: a flat stretch is a trend too.
        for (k, u) in &volumes {
            self.history
                .entry(k.clone())
                .or_default()
                .push(Sample::from_usage(now, u));
        }
        let same = self.usage_by_node.get(&node).is_some_and(|keys| {
            keys.len() == volumes.len()
                && volumes.iter().all(|(k, u)| {
                    self.usage
                        .get(k)
                        .is_some_and(|c| c.node == node && c.usage == *u)
                })
        });
        if same {
            return changed;
        }
        self.drop_usage_of(&node);
        let mut keys = Vec::with_capacity(volumes.len());
        for (k, usage) in volumes {
            self.touched.claim(&self.maps, &k.0, &k.1);
            self.usage.insert(
                k.clone(),
                ClaimUsage {
                    usage,
                    node: node.clone(),
                    at: now,
                },
            );
            keys.push(k);
        }
        self.usage_by_node.insert(node, keys);
        changed = true;
        changed
    }

    fn history_loaded(&mut self, source: HistorySource, claims: Vec<(Key, Vec<Sample>)>) -> bool {
        for (k, samples) in claims {
            self.touched.claim(&self.maps, &k.0, &k.1);
            self.history.entry(k).or_default().merge(samples);
        }
        if self.history_source != source {
            self.history_source = source;
            self.touched.all();
        }
        true
    }

    // ---- queries ----

    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The generation of the last change that can alter what the views show
    /// for one StatefulSet: the set, its Pods, claims, their volumes, events
    /// and usage, and anything shared (classes, nodes, sync state, re-lists).
    /// Equal values mean the set's derived views are still valid (up to time
    /// thresholds).
    pub fn set_generation(&self, namespace: &str, name: &str) -> u64 {
        self.set_generations
            .get(k!(namespace, name))
            .map_or(0, |c| c.last)
            .max(self.shared_generation)
    }

    /// The generation of the last change to objects of `kind` (for views
    /// that read one kind across sets, such as a set's events).
    pub fn kind_generation(&self, kind: Kind) -> u64 {
        self.kind_generations[kind.index()]
    }

    /// Per ordinal of one StatefulSet, the generation of the last change
    /// that can alter what that ordinal shows: its Pod, its claims, their
    /// volumes, usage and events, and (for every ordinal) the set itself,
    /// its revisions and events, and anything shared. A change to one Pod
    /// moves only its ordinal's generation (and [`Store::set_generation`]).
    pub fn ordinal_generations(&self, namespace: &str, name: &str) -> OrdinalGenerations<'_> {
        let c = self.set_generations.get(k!(namespace, name));
        OrdinalGenerations {
            base: c.map_or(0, |c| c.whole).max(self.shared_generation),
            ordinals: c.map(|c| &c.ordinals),
        }
    }

    /// PVs not `Bound` (Released, Failed…) whose claimRef names a claim in
    /// `namespace` starting with `prefix`.
    pub fn loose_volumes_for_claim_prefix<'s, 'p>(
        &'s self,
        namespace: &'p str,
        prefix: &'p str,
    ) -> impl Iterator<Item = (&'s str, &'s Volume)> + 'p
    where
        's: 'p,
    {
        self.idx
            .loose_volumes_by_claim
            .range::<Key, _>((
                Bound::Included((namespace.to_string(), prefix.to_string())),
                Bound::Unbounded,
            ))
            .take_while(move |((ns, name), _)| ns == namespace && name.starts_with(prefix))
            .flat_map(move |((_, claim), names)| {
                names
                    .iter()
                    .filter_map(move |n| self.volume(n).map(|v| (claim.as_str(), v)))
            })
    }

    pub fn sync(&self, kind: Kind) -> &SyncState {
        &self.sync[kind.index()]
    }

    /// True once the kind is Live (or was listed and is reconnecting).
    pub fn is_synced(&self, kind: Kind) -> bool {
        self.listed[kind.index()]
    }

    /// The change log, oldest first.
    pub fn log(&self) -> impl DoubleEndedIterator<Item = &LogEntry> + ExactSizeIterator {
        self.log.iter()
    }

    /// How many entries were ever logged: the newest entry is number
    /// `log_serial()`, the oldest kept `log_serial() - log().len() + 1`.
    pub fn log_serial(&self) -> u64 {
        self.log_serial
    }

    /// Nodes of Running Pods that mount claims (the nodes worth polling for
    /// volume stats), in `namespace` or everywhere.
    pub fn nodes_hosting_claims(&self, namespace: Option<&str>) -> BTreeSet<String> {
        ns_range(&self.maps.pods, namespace)
            .map(|(_, p)| p)
            .filter(|p| p.phase == "Running" && !p.node.is_empty() && !p.claims.is_empty())
            .map(|p| p.node.clone())
            .collect()
    }

    pub fn sets(&self, namespace: Option<&str>) -> impl Iterator<Item = &StatefulSet> {
        ns_range(&self.maps.sets, namespace).map(|(_, v)| v)
    }

    pub fn set(&self, namespace: &str, name: &str) -> Option<&StatefulSet> {
        self.maps.sets.get(k!(namespace, name))
    }

    pub fn pods(&self, namespace: Option<&str>) -> impl Iterator<Item = &Pod> {
        ns_range(&self.maps.pods, namespace).map(|(_, v)| v)
    }

    pub fn pod(&self, namespace: &str, name: &str) -> Option<&Pod> {
        self.maps.pods.get(k!(namespace, name))
    }

    /// Pods of a StatefulSet by ordinal (owner reference or name pattern).
    pub fn pods_of_set(&self, namespace: &str, set: &str) -> impl Iterator<Item = (i32, &Pod)> {
        self.idx
            .pods_by_set
            .get(k!(namespace, set))
            .into_iter()
            .flatten()
            .filter_map(move |(n, name)| self.pod(namespace, name).map(|p| (*n, p)))
    }

    /// The Pod of one ordinal of a StatefulSet.
    pub fn pod_of(&self, namespace: &str, set: &str, ordinal: i32) -> Option<&Pod> {
        let name = self
            .idx
            .pods_by_set
            .get(k!(namespace, set))?
            .get(&ordinal)?;
        self.pod(namespace, name)
    }

    pub fn claims(&self, namespace: Option<&str>) -> impl Iterator<Item = &Claim> {
        ns_range(&self.maps.claims, namespace).map(|(_, v)| v)
    }

    pub fn claim(&self, namespace: &str, name: &str) -> Option<&Claim> {
        self.maps.claims.get(k!(namespace, name))
    }

    /// Claims in `namespace` whose name starts with `prefix` (a range scan).
    pub fn claims_with_prefix<'s, 'p>(
        &'s self,
        namespace: &'p str,
        prefix: &'p str,
    ) -> impl Iterator<Item = &'s Claim> + 'p
    where
        's: 'p,
    {
        self.maps
            .claims
            .range::<Key, _>((
                Bound::Included((namespace.to_string(), prefix.to_string())),
                Bound::Unbounded,
            ))
            .take_while(move |((ns, name), _)| ns == namespace && name.starts_with(prefix))
            .map(|(_, c)| c)
    }

    pub fn volumes(&self) -> impl Iterator<Item = &Volume> {
        self.maps.volumes.values()
    }

    pub fn volume(&self, name: &str) -> Option<&Volume> {
        self.maps.volumes.get(k!("", name))
    }

    /// PVs whose claimRef names this claim (a Released PV keeps pointing at a
    /// deleted claim).
    pub fn volumes_for_claim(&self, namespace: &str, claim: &str) -> impl Iterator<Item = &Volume> {
        self.idx
            .volumes_by_claim
            .get(k!(namespace, claim))
            .into_iter()
            .flatten()
            .filter_map(|n| self.volume(n))
    }

    /// The PV bound to a claim: `spec.volumeName`, failing that a PV whose
    /// claimRef carries the claim's uid.
    pub fn volume_of_claim(&self, claim: &Claim) -> Option<&Volume> {
        if !claim.volume_name.is_empty() {
            return self.volume(&claim.volume_name);
        }
        self.volumes_for_claim(&claim.namespace, &claim.name)
            .find(|v| !claim.uid.is_empty() && v.claim_uid == claim.uid)
    }

    pub fn classes(&self) -> impl Iterator<Item = &StorageClass> {
        self.maps.classes.values()
    }

    pub fn class(&self, name: &str) -> Option<&StorageClass> {
        self.maps.classes.get(k!("", name))
    }

    /// Classes marked default, oldest first.
    pub fn default_classes(&self) -> Vec<&StorageClass> {
        let mut v: Vec<&StorageClass> = self.classes().filter(|c| c.is_default).collect();
        v.sort_by(|a, b| a.created.cmp(&b.created).then(a.name.cmp(&b.name)));
        v
    }

    pub fn nodes(&self) -> impl Iterator<Item = &Node> {
        self.maps.nodes.values()
    }

    pub fn node(&self, name: &str) -> Option<&Node> {
        self.maps.nodes.get(k!("", name))
    }

    /// The node with this name or `kubernetes.io/hostname` label.
    pub fn node_by_hostname(&self, hostname: &str) -> Option<&Node> {
        self.node(hostname)
            .or_else(|| self.nodes().find(|n| n.hostname == hostname))
    }

    pub fn events(&self, namespace: Option<&str>) -> impl Iterator<Item = &Event> {
        ns_range(&self.maps.events, namespace).map(|(_, v)| v)
    }

    /// Events whose involved object is `(kind, namespace, name)`
    /// (`kind` as Kubernetes spells it: `Pod`, `PersistentVolumeClaim`…).
    pub fn events_for(
        &self,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> impl Iterator<Item = &Event> {
        self.indexed_events(&self.idx.events_by_object, kind, namespace, name)
    }

    /// Warning events whose involved object is `(kind, namespace, name)`.
    pub fn warnings_for(
        &self,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> impl Iterator<Item = &Event> {
        self.indexed_events(&self.idx.warnings_by_object, kind, namespace, name)
    }

    fn indexed_events<'a, 'k>(
        &'a self,
        index: &'a HashMap<Key, BTreeSet<Key>>,
        kind: &'k str,
        namespace: &str,
        name: &str,
    ) -> impl Iterator<Item = &'a Event> + use<'a, 'k> {
        index
            .get(k!(namespace, name))
            .into_iter()
            .flatten()
            .filter_map(|k| self.maps.events.get(k))
            .filter(move |e| e.involved.0 == kind)
    }

    /// ControllerRevisions owned by a StatefulSet.
    pub fn revisions_of_set(&self, namespace: &str, set: &str) -> impl Iterator<Item = &Revision> {
        self.idx
            .revisions_by_set
            .get(k!(namespace, set))
            .into_iter()
            .flatten()
            .filter_map(move |n| self.maps.revisions.get(k!(namespace, n)))
    }

    pub fn revision(&self, namespace: &str, name: &str) -> Option<&Revision> {
        self.maps.revisions.get(k!(namespace, name))
    }

    pub fn usage(&self, namespace: &str, claim: &str) -> Option<&ClaimUsage> {
        self.usage.get(k!(namespace, claim))
    }

    /// The claim's usage samples, oldest first.
    pub fn history(&self, namespace: &str, claim: &str) -> Option<&History> {
        self.history.get(k!(namespace, claim))
    }

    pub fn history_source(&self) -> &HistorySource {
        &self.history_source
    }

    pub fn usage_error(&self, node: &str) -> Option<&UsageError> {
        self.usage_errors.get(node)
    }

    /// Namespaces that hold StatefulSets, Pods or claims, sorted.
    pub fn namespaces(&self) -> Vec<String> {
        let mut out = BTreeSet::new();
        fn distinct<T>(map: &BTreeMap<Key, T>, out: &mut BTreeSet<String>) {
            let mut next = map.keys().next().map(|(ns, _)| ns.clone());
            while let Some(ns) = next {
                let after = (format!("{ns}\0"), String::new());
                next = map
                    .range::<Key, _>((Bound::Included(after), Bound::Unbounded))
                    .next()
                    .map(|((n, _), _)| n.clone());
                if !ns.is_empty() {
                    out.insert(ns);
                }
            }
        }
        distinct(&self.maps.sets, &mut out);
        distinct(&self.maps.pods, &mut out);
        distinct(&self.maps.claims, &mut out);
        out.into_iter().collect()
    }

    /// Number of objects of a kind (for status lines and benchmarks).
    pub fn count(&self, kind: Kind) -> usize {
        match kind {
            Kind::StatefulSet => self.maps.sets.len(),
            Kind::Pod => self.maps.pods.len(),
            Kind::Claim => self.maps.claims.len(),
            Kind::Volume => self.maps.volumes.len(),
            Kind::StorageClass => self.maps.classes.len(),
            Kind::Node => self.maps.nodes.len(),
            Kind::Event => self.maps.events.len(),
            Kind::Revision => self.maps.revisions.len(),
        }
    }
}

#[cfg(test)]
mod tests;
