//! The sim's etcd: objects by kind, namespace and name, one global
//! resourceVersion, a bounded history of watch events and a broadcast of new
//! ones.
//!
//! This layer knows nothing of HTTP, clocks or controllers: it stores what it
//! is given and records what changed. Each stored version is serialised once
//! and shared as bytes by lists, watches and history; a small index beside
//! the bytes (name, namespace, labels, the fields field selectors use) lets
//! lists and watches filter without parsing. Typed objects are kept only for
//! the kinds the controllers read; the rest are parsed on demand (see
//! [`Entry`]), which is what lets the `envelope` cluster's 300,000 bulk
//! objects fit.

use std::borrow::Cow;
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use k8s_openapi::api::apps::v1::{
    ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet,
};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{
    ConfigMap, Endpoints, Event, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod,
    Secret, Service, ServiceAccount,
};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::Value;
use tokio::sync::broadcast;

use super::error::ApiError;
use super::resources::Kind;
use super::select::field_string;

/// A Rust type the store holds, and how to get it in and out of [`Object`].
pub trait Typed: Clone + Sized {
    const KIND: Kind;
    fn wrap(self) -> Object;
    fn peek(object: &Object) -> Option<&Self>;
    fn metadata(&self) -> &ObjectMeta;
    fn metadata_mut(&mut self) -> &mut ObjectMeta;
}

macro_rules! objects {
    ($($variant:ident => $ty:ty),* $(,)?) => {
        /// One stored object of any kind the sim serves.
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        pub enum Object { $($variant($ty)),* }

        impl Object {
            pub fn kind(&self) -> Kind {
                match self { $(Object::$variant(_) => Kind::$variant),* }
            }
            pub fn meta(&self) -> &ObjectMeta {
                match self { $(Object::$variant(o) => &o.metadata),* }
            }
            pub fn meta_mut(&mut self) -> &mut ObjectMeta {
                match self { $(Object::$variant(o) => &mut o.metadata),* }
            }
            pub fn to_json(&self) -> Value {
                let v = match self { $(Object::$variant(o) => serde_json::to_value(o)),* };
                v.expect("k8s-openapi types always serialise")
            }
            pub fn to_bytes(&self) -> Vec<u8> {
                let v = match self { $(Object::$variant(o) => serde_json::to_vec(o)),* };
                v.expect("k8s-openapi types always serialise")
            }
            /// Decodes a request body or patch result; unknown fields are
            /// dropped, as the API server does without strict validation.
            pub fn from_json(kind: Kind, value: Value) -> Result<Object, serde_json::Error> {
                match kind { $(Kind::$variant => serde_json::from_value::<$ty>(value).map(Object::$variant)),* }
            }
        }

        $(impl Typed for $ty {
            const KIND: Kind = Kind::$variant;
            fn wrap(self) -> Object { Object::$variant(self) }
            fn peek(object: &Object) -> Option<&Self> {
                match object { Object::$variant(o) => Some(o), #[allow(unreachable_patterns)] _ => None }
            }
            fn metadata(&self) -> &ObjectMeta { &self.metadata }
            fn metadata_mut(&mut self) -> &mut ObjectMeta { &mut self.metadata }
        })*
    };
}

objects! {
    Namespace => Namespace,
    Node => Node,
    Pod => Pod,
    Service => Service,
    ConfigMap => ConfigMap,
    Secret => Secret,
    ServiceAccount => ServiceAccount,
    Endpoints => Endpoints,
    Event => Event,
    PersistentVolumeClaim => PersistentVolumeClaim,
    PersistentVolume => PersistentVolume,
    StatefulSet => StatefulSet,
    ControllerRevision => ControllerRevision,
    Deployment => Deployment,
    ReplicaSet => ReplicaSet,
    DaemonSet => DaemonSet,
    Job => Job,
    CronJob => CronJob,
    StorageClass => StorageClass,
    EndpointSlice => EndpointSlice,
}

impl Object {
    pub fn name(&self) -> &str {
        self.meta().name.as_deref().unwrap_or_default()
    }
    pub fn namespace(&self) -> &str {
        self.meta().namespace.as_deref().unwrap_or_default()
    }
}

/// One stored version of an object: its wire encoding, shared by lists,
/// watches and history, plus the few parsed fields selectors and keys need.
/// The typed object is kept only for kinds the controllers read (see
/// [`keeps_typed`]); other kinds, and objects stored from JSON, are parsed
/// on first use and the result cached with this version.
#[derive(Debug)]
pub struct Entry {
    kind: Kind,
    pub json: Bytes,
    index: Index,
    typed: OnceLock<Object>,
}

/// What lists and watches read without parsing the object.
#[derive(Debug, Default)]
struct Index {
    namespace: Box<str>,
    name: Box<str>,
    labels: Option<BTreeMap<String, String>>,
    /// Values of [`indexed_fields`] paths that are not empty.
    fields: Box<[(&'static str, Box<str>)]>,
}

/// Field paths read from the index instead of the JSON: the ones the API
/// server supports as field selectors for the kind (and an Event's
/// `lastTimestamp`, which expiry reads). Other paths still work, by parsing.
fn indexed_fields(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Pod => &[
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "spec.hostNetwork",
            "status.phase",
            "status.podIP",
            "status.nominatedNodeName",
        ],
        Kind::Event => &[
            "involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.name",
            "involvedObject.uid",
            "involvedObject.apiVersion",
            "involvedObject.resourceVersion",
            "involvedObject.fieldPath",
            "reason",
            "reportingComponent",
            "source",
            "type",
            "lastTimestamp",
        ],
        Kind::Node => &["spec.unschedulable"],
        Kind::PersistentVolumeClaim | Kind::PersistentVolume => &["status.phase"],
        _ => &[],
    }
}

/// Whether stored versions keep their typed object: the kinds controllers
/// and admission read on every pass. Events, ConfigMaps and Services are
/// mostly served, so they stay bytes until something asks; so do the kinds
/// no controller runs (Deployments, Secrets, Jobs…), which are only stored.
fn keeps_typed(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Namespace
            | Kind::Node
            | Kind::Pod
            | Kind::PersistentVolumeClaim
            | Kind::PersistentVolume
            | Kind::StatefulSet
            | Kind::ControllerRevision
            | Kind::StorageClass
    )
}

impl Index {
    fn of(kind: Kind, value: &Value) -> Index {
        let meta = &value["metadata"];
        let text = |v: &Value| v.as_str().unwrap_or_default().into();
        let labels = meta.get("labels").and_then(Value::as_object).map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        });
        let fields = indexed_fields(kind)
            .iter()
            .filter_map(|path| {
                let v = field_string(value, path);
                (!v.is_empty()).then(|| (*path, v.into_boxed_str()))
            })
            .collect();
        Index {
            namespace: text(&meta["namespace"]),
            name: text(&meta["name"]),
            labels,
            fields,
        }
    }
}

impl Entry {
    fn new(object: Object) -> Arc<Entry> {
        let kind = object.kind();
        let mut entry = Entry::encode(kind, &object.to_json());
        if keeps_typed(kind) {
            entry.typed = OnceLock::from(object);
        }
        Arc::new(entry)
    }

    /// An entry made from JSON alone; the typed object is parsed on first use.
    fn from_json(kind: Kind, value: &Value) -> Arc<Entry> {
        Arc::new(Entry::encode(kind, value))
    }

    fn encode(kind: Kind, value: &Value) -> Entry {
        let json = serde_json::to_vec(value).expect("JSON values always serialise");
        Entry {
            kind,
            json: Bytes::from(json),
            index: Index::of(kind, value),
            typed: OnceLock::new(),
        }
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The typed object, parsed from the JSON the first time it is needed.
    pub fn object(&self) -> &Object {
        self.typed.get_or_init(|| {
            let value: Value = serde_json::from_slice(&self.json).expect("stored JSON is valid");
            Object::from_json(self.kind, value).expect("stored objects decode as their kind")
        })
    }

    pub fn namespace(&self) -> &str {
        &self.index.namespace
    }

    pub fn name(&self) -> &str {
        &self.index.name
    }

    pub fn labels(&self) -> Option<&BTreeMap<String, String>> {
        self.index.labels.as_ref()
    }

    /// A field as field selectors compare it (missing is empty), from the
    /// index when the path is indexed, else from the parsed JSON.
    pub fn field(&self, path: &str) -> Cow<'_, str> {
        match path {
            "metadata.name" => return Cow::Borrowed(self.name()),
            "metadata.namespace" => return Cow::Borrowed(self.namespace()),
            _ => {}
        }
        if indexed_fields(self.kind).contains(&path) {
            let found = self.index.fields.iter().find(|(p, _)| *p == path);
            return Cow::Borrowed(found.map_or("", |(_, v)| v));
        }
        let value: Value = serde_json::from_slice(&self.json).unwrap_or(Value::Null);
        Cow::Owned(field_string(&value, path))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    Added,
    Modified,
    Deleted,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

/// One change, as watchers receive it.
#[derive(Debug)]
pub struct Change {
    pub rv: u64,
    pub event_type: EventType,
    pub entry: Arc<Entry>,
    /// The version before a MODIFIED, so selector-filtered watches can turn
    /// a change that leaves (or enters) the selection into DELETED (ADDED).
    pub previous: Option<Arc<Entry>>,
}

impl Change {
    pub fn kind(&self) -> Kind {
        self.entry.kind()
    }
}

type Key = (String, String);

/// How many changes are kept for watches that resume from an older version.
pub const DEFAULT_HISTORY: usize = 50_000;

pub struct ObjectStore {
    rv: u64,
    maps: BTreeMap<Kind, BTreeMap<Key, Arc<Entry>>>,
    history: VecDeque<Arc<Change>>,
    history_limit: usize,
    /// Watches may resume from any version `>= oldest`; older ones get 410.
    oldest: u64,
    tx: broadcast::Sender<Arc<Change>>,
    /// A `dryRun=All` request is being served: writes are worked out and
    /// returned but nothing is kept, versioned or told to watchers.
    dry_run: bool,
}

impl Default for ObjectStore {
    fn default() -> Self {
        ObjectStore::new(DEFAULT_HISTORY)
    }
}

impl ObjectStore {
    pub fn new(history_limit: usize) -> ObjectStore {
        let (tx, _) = broadcast::channel(65_536);
        ObjectStore {
            rv: 1,
            maps: BTreeMap::new(),
            history: VecDeque::new(),
            history_limit,
            oldest: 1,
            tx,
            dry_run: false,
        }
    }

    /// Turns dry-run mode on or off: while on, writes keep nothing.
    pub fn set_dry_run(&mut self, on: bool) {
        self.dry_run = on;
    }

    pub fn is_dry_run(&self) -> bool {
        self.dry_run
    }

    /// The current (latest) resourceVersion.
    pub fn resource_version(&self) -> u64 {
        self.rv
    }

    /// The oldest resourceVersion a watch may resume from.
    pub fn oldest_resource_version(&self) -> u64 {
        self.oldest
    }

    pub fn get(&self, kind: Kind, namespace: &str, name: &str) -> Option<&Arc<Entry>> {
        self.maps
            .get(&kind)?
            .get(&(namespace.to_string(), name.to_string()))
    }

    pub fn get_typed<T: Typed>(&self, namespace: &str, name: &str) -> Option<&T> {
        self.get(T::KIND, namespace, name)
            .and_then(|e| T::peek(e.object()))
    }

    /// Objects of a kind in key order, optionally in one namespace.
    pub fn iter<'a>(
        &'a self,
        kind: Kind,
        namespace: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Arc<Entry>> + 'a {
        let map = self.maps.get(&kind);
        let range: Box<dyn Iterator<Item = (&Key, &Arc<Entry>)>> = match (map, namespace) {
            (None, _) => Box::new(std::iter::empty()),
            (Some(m), None) => Box::new(m.iter()),
            (Some(m), Some(ns)) => Box::new(
                m.range((ns.to_string(), String::new())..)
                    .take_while(move |((n, _), _)| n == ns),
            ),
        };
        range.map(|(_, e)| e)
    }

    /// Entries from a key onwards (for `continue` paging).
    pub fn iter_from<'a>(
        &'a self,
        kind: Kind,
        after: (String, String),
    ) -> impl Iterator<Item = &'a Arc<Entry>> + 'a {
        use std::ops::Bound;
        self.maps
            .get(&kind)
            .into_iter()
            .flat_map(move |m| m.range((Bound::Excluded(after.clone()), Bound::Unbounded)))
            .map(|(_, e)| e)
    }

    pub fn list_typed<'a, T: Typed + 'a>(
        &'a self,
        namespace: Option<&'a str>,
    ) -> impl Iterator<Item = &'a T> + 'a {
        self.iter(T::KIND, namespace)
            .filter_map(|e| T::peek(e.object()))
    }

    pub fn count(&self, kind: Kind) -> usize {
        self.maps.get(&kind).map_or(0, BTreeMap::len)
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Change>> {
        self.tx.subscribe()
    }

    /// Changes after `rv`, or 410 Gone when they are no longer kept.
    pub fn changes_since(&self, rv: u64) -> Result<Vec<Arc<Change>>, ApiError> {
        if rv + 1 < self.oldest {
            return Err(ApiError::gone(format!(
                "too old resource version: {rv} ({})",
                self.oldest - 1
            )));
        }
        let start = self.history.partition_point(|c| c.rv <= rv);
        Ok(self.history.range(start..).cloned().collect())
    }

    /// Forgets all history: every watch resuming from an earlier version gets 410.
    pub fn compact(&mut self) {
        self.history.clear();
        self.oldest = self.rv + 1;
    }

    fn key(object: &Object) -> Key {
        (object.namespace().to_string(), object.name().to_string())
    }

    fn record(&mut self, event_type: EventType, entry: Arc<Entry>, previous: Option<Arc<Entry>>) {
        let change = Arc::new(Change {
            rv: self.rv,
            event_type,
            entry,
            previous,
        });
        self.history.push_back(change.clone());
        while self.history.len() > self.history_limit {
            if let Some(old) = self.history.pop_front() {
                self.oldest = old.rv + 1;
            }
        }
        // No receivers is fine: nobody is watching.
        let _ = self.tx.send(change);
    }

    fn next_rv(&mut self, object: &mut Object) {
        self.rv += 1;
        object.meta_mut().resource_version = Some(self.rv.to_string());
    }

    /// Stores a new object; its metadata must already be complete.
    pub fn insert(&mut self, mut object: Object) -> Result<Arc<Entry>, ApiError> {
        let kind = object.kind();
        let key = Self::key(&object);
        if self.maps.get(&kind).is_some_and(|m| m.contains_key(&key)) {
            return Err(ApiError::already_exists(kind, &key.1));
        }
        if self.dry_run {
            // As the real server's dry-run create: no resourceVersion yet.
            object.meta_mut().resource_version = None;
            return Ok(Entry::new(object));
        }
        self.next_rv(&mut object);
        let entry = Entry::new(object);
        self.add(kind, key, entry)
    }

    /// Keeps a new entry and tells watchers it was added.
    fn add(&mut self, kind: Kind, key: Key, entry: Arc<Entry>) -> Result<Arc<Entry>, ApiError> {
        self.maps
            .entry(kind)
            .or_default()
            .insert(key, entry.clone());
        self.record(EventType::Added, entry.clone(), None);
        Ok(entry)
    }

    /// Stores an object given as JSON (bulk objects nothing reads typed:
    /// generated clusters). Its metadata must be complete but for the
    /// resourceVersion, which is set here. The JSON is not checked against
    /// the kind's schema; it is parsed only if something asks for the object.
    pub fn insert_json(&mut self, kind: Kind, mut value: Value) -> Result<Arc<Entry>, ApiError> {
        let meta = &value["metadata"];
        let key: Key = (
            meta["namespace"].as_str().unwrap_or_default().to_string(),
            meta["name"].as_str().unwrap_or_default().to_string(),
        );
        if self.maps.get(&kind).is_some_and(|m| m.contains_key(&key)) {
            return Err(ApiError::already_exists(kind, &key.1));
        }
        if self.dry_run {
            return Ok(Entry::from_json(kind, &value));
        }
        self.rv += 1;
        value["metadata"]["resourceVersion"] = Value::String(self.rv.to_string());
        let entry = Entry::from_json(kind, &value);
        self.add(kind, key, entry)
    }

    /// Replaces a stored object. With `expected_rv`, a stale version is a 409
    /// Conflict. An unchanged object is not written again (no event), as the
    /// API server skips no-op updates.
    pub fn update(
        &mut self,
        mut object: Object,
        expected_rv: Option<&str>,
    ) -> Result<Arc<Entry>, ApiError> {
        let kind = object.kind();
        let key = Self::key(&object);
        let current = self
            .maps
            .get(&kind)
            .and_then(|m| m.get(&key))
            .ok_or_else(|| ApiError::not_found(kind, &key.1))?
            .clone();
        let current_rv = current.object().meta().resource_version.clone();
        if let Some(rv) = expected_rv
            && !rv.is_empty()
            && Some(rv) != current_rv.as_deref()
        {
            return Err(ApiError::conflict(kind, &key.1));
        }
        object.meta_mut().resource_version = current_rv;
        if object == *current.object() {
            return Ok(current);
        }
        let meta = object.meta();
        let finished = meta.deletion_timestamp.is_some()
            && meta.finalizers.as_ref().is_none_or(Vec::is_empty)
            && kind != Kind::Pod;
        if finished {
            return self.remove(kind, &key.0, &key.1).map(|(_, e)| e);
        }
        if self.dry_run {
            return Ok(Entry::new(object));
        }
        self.next_rv(&mut object);
        let entry = Entry::new(object);
        self.maps
            .entry(kind)
            .or_default()
            .insert(key, entry.clone());
        self.record(EventType::Modified, entry.clone(), Some(current));
        Ok(entry)
    }

    /// Removes an object at once; watchers see DELETED with a new version.
    pub fn remove(
        &mut self,
        kind: Kind,
        namespace: &str,
        name: &str,
    ) -> Result<(Object, Arc<Entry>), ApiError> {
        if self.dry_run {
            let current = self
                .get(kind, namespace, name)
                .ok_or_else(|| ApiError::not_found(kind, name))?;
            return Ok((current.object().clone(), current.clone()));
        }
        let removed = self
            .maps
            .get_mut(&kind)
            .and_then(|m| m.remove(&(namespace.to_string(), name.to_string())))
            .ok_or_else(|| ApiError::not_found(kind, name))?;
        let mut object = removed.object().clone();
        self.next_rv(&mut object);
        let entry = Entry::new(object.clone());
        self.record(EventType::Deleted, entry.clone(), None);
        Ok((object, entry))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(ns: &str, name: &str) -> Object {
        let mut p = Pod::default();
        p.metadata.namespace = Some(ns.into());
        p.metadata.name = Some(name.into());
        Object::Pod(p)
    }

    #[test]
    fn versions_increase_and_history_replays_in_order() {
        let mut s = ObjectStore::new(10);
        let start = s.resource_version();
        s.insert(pod("a", "p0")).unwrap();
        s.insert(pod("b", "p1")).unwrap();
        let mut changed = s.get(Kind::Pod, "a", "p0").unwrap().object().clone();
        changed.meta_mut().labels = Some([("x".into(), "y".into())].into());
        s.update(changed, None).unwrap();
        s.remove(Kind::Pod, "b", "p1").unwrap();
        let changes = s.changes_since(start).unwrap();
        let types: Vec<_> = changes.iter().map(|c| c.event_type).collect();
        assert_eq!(
            types,
            [
                EventType::Added,
                EventType::Added,
                EventType::Modified,
                EventType::Deleted
            ]
        );
        assert!(changes.windows(2).all(|w| w[0].rv < w[1].rv));
        assert_eq!(changes.last().unwrap().rv, s.resource_version());
        // The DELETED object carries the version of its deletion.
        assert_eq!(
            changes[3].entry.object().meta().resource_version.as_deref(),
            Some(s.resource_version().to_string().as_str())
        );
        assert_eq!(s.iter(Kind::Pod, Some("a")).count(), 1);
        assert_eq!(s.iter(Kind::Pod, Some("b")).count(), 0);
    }

    #[test]
    fn stale_updates_conflict_and_noops_are_not_recorded() {
        let mut s = ObjectStore::default();
        let e = s.insert(pod("a", "p0")).unwrap();
        let rv = e.object().meta().resource_version.clone().unwrap();
        let same = s.update(e.object().clone(), Some(&rv)).unwrap();
        assert_eq!(
            same.object().meta().resource_version.as_deref(),
            Some(rv.as_str())
        );
        let mut changed = e.object().clone();
        changed.meta_mut().labels = Some([("x".into(), "y".into())].into());
        s.update(changed.clone(), Some(&rv)).unwrap();
        let err = s.update(changed, Some(&rv)).unwrap_err();
        assert_eq!(err.code, 409);
        assert_eq!(err.reason, "Conflict");
        assert_eq!(
            s.insert(pod("a", "p0")).unwrap_err().reason,
            "AlreadyExists"
        );
    }

    #[test]
    fn compaction_and_overflow_make_old_versions_gone() {
        let mut s = ObjectStore::new(2);
        let start = s.resource_version();
        for i in 0..5 {
            s.insert(pod("a", &format!("p{i}"))).unwrap();
        }
        assert_eq!(s.changes_since(start).unwrap_err().code, 410);
        let recent = s.resource_version() - 1;
        assert_eq!(s.changes_since(recent).unwrap().len(), 1);
        s.compact();
        assert_eq!(s.changes_since(recent).unwrap_err().code, 410);
        assert!(s.changes_since(s.resource_version()).unwrap().is_empty());
    }

    #[test]
    fn entries_from_json_answer_selectors_from_the_index_and_parse_on_demand() {
        let mut s = ObjectStore::default();
        let value = serde_json::json!({
            "apiVersion": "v1", "kind": "Event",
            "metadata": {"name": "e1", "namespace": "a", "labels": {"x": "y"}},
            "involvedObject": {"kind": "Pod", "name": "p0", "namespace": "a"},
            "type": "Warning", "reason": "BackOff", "count": 3,
        });
        let e = s.insert_json(Kind::Event, value).unwrap();
        assert!(e.typed.get().is_none(), "not parsed when stored");
        assert_eq!((e.namespace(), e.name()), ("a", "e1"));
        assert_eq!(e.labels().unwrap()["x"], "y");
        assert_eq!(e.field("type"), "Warning");
        assert_eq!(e.field("involvedObject.name"), "p0");
        assert_eq!(e.field("metadata.name"), "e1");
        // Indexed but absent: empty, as the server compares it.
        assert_eq!(e.field("involvedObject.uid"), "");
        // Not indexed: read from the JSON, numbers as their JSON text.
        assert_eq!(e.field("count"), "3");
        assert!(e.typed.get().is_none(), "selectors did not parse it");
        let Object::Event(ev) = e.object() else {
            panic!("an Event")
        };
        assert_eq!(ev.count, Some(3));
        assert_eq!(
            ev.metadata.resource_version.as_deref(),
            Some(s.resource_version().to_string().as_str())
        );
        assert_eq!(
            s.insert_json(Kind::Event, e.object().to_json())
                .unwrap_err()
                .code,
            409
        );
        // Kinds controllers read keep the typed object they were stored with.
        let p = s.insert(pod("a", "p0")).unwrap();
        assert!(p.typed.get().is_some());
        assert_eq!(p.field("status.phase"), "");
    }
}
