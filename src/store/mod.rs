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
mod slimming;
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

mod apply;
mod read;
mod slim;

#[cfg(test)]
mod tests;
