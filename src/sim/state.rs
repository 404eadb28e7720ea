//! The whole simulated cluster as one value: the object store, the simulated
//! clock, the seeded random source, and the hidden state of the simulated
//! node agents. The API layer and the controllers both change it through the
//! methods here, so API semantics (metadata defaults, graceful deletion,
//! finalizers, events) live in one place.
//!
//! Two clocks. The simulated clock (`now`) drives the controllers and runs
//! `--speed` times faster than the wall clock. kubectl computes ages on the
//! client, from `creationTimestamp` and an Event's `firstTimestamp`,
//! `lastTimestamp` and `eventTime` (and `describe` prints condition,
//! container start and finish times), against the wall clock: stamped in
//! simulated time they would run ahead of it (`<invalid>` ages). So every
//! time written into an object is on the stamp clock (`stamp`,
//! `stamp_time`, `now_time`): the simulated clock up to
//! the moment the server starts serving (the scenario's warmup, which is in
//! the past), and from there simulated time divided by the speed, which is
//! wall time. Every simulated instant has one stamp and the mapping keeps
//! order, so controllers compare stamps with `stamp(...)` of a simulated
//! instant, or time what comes next from `unstamp(...)` of a stamp they
//! read back; Table ages and the UI's clock read the stamp clock too. At speed 1
//! (and in tests that advance time by hand) both clocks are one.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Event, EventSource, ObjectReference};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta, Time};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::admission;
use super::controllers::{kubelet::KubeletState, storage::StorageState};
use super::error::ApiError;
use super::objects::{Entry, Object, ObjectStore, Typed};
use super::patch::managed::{self, Writer};
use super::resources::Kind;
use super::scenario::{Step, StorageTiming, Workload};

/// Sim-only behaviour loaded from scenarios.
#[derive(Debug, Default, Clone)]
pub struct Behaviour {
    pub workloads: Vec<Workload>,
    pub storage: Vec<StorageTiming>,
}

impl Behaviour {
    pub fn workload(&self, namespace: &str, statefulset: &str) -> Option<&Workload> {
        self.workloads
            .iter()
            .find(|w| w.namespace == namespace && w.statefulset == statefulset)
    }
    pub fn storage_timing(&self, class: &str) -> Option<&StorageTiming> {
        self.storage.iter().find(|s| s.class == class)
    }
}

/// A timeline step waiting for its time.
#[derive(Debug, Clone)]
pub struct Pending {
    pub at: Duration,
    pub step: Step,
}

pub struct SimState {
    pub store: ObjectStore,
    now: Timestamp,
    /// Simulated time zero: when the scenarios were loaded.
    epoch: Timestamp,
    rng: ChaCha8Rng,
    pub behaviour: Behaviour,
    /// Steps not yet run, in time order.
    pub timeline: Vec<Pending>,
    pub kubelet: KubeletState,
    pub storage: StorageState,
    /// From this simulated instant on, stamps run `1/speed` as fast.
    stamp_anchor: Option<(Timestamp, f64)>,
    /// Names of events by aggregation key, so repeats bump `count`.
    event_names: BTreeMap<(String, String, String, String), (String, String)>,
}

/// How long Events are kept, as the API server's default `--event-ttl`.
pub const EVENT_TTL: Duration = Duration::from_secs(3600);

impl SimState {
    pub fn new(seed: u64, epoch: Timestamp) -> SimState {
        SimState {
            store: ObjectStore::default(),
            now: epoch,
            epoch,
            rng: ChaCha8Rng::seed_from_u64(seed),
            behaviour: Behaviour::default(),
            timeline: Vec::new(),
            kubelet: KubeletState::default(),
            storage: StorageState::default(),
            stamp_anchor: None,
            event_names: BTreeMap::new(),
        }
    }

    pub fn now(&self) -> Timestamp {
        self.now
    }

    /// The present as served objects record it: on the stamp clock.
    pub fn now_time(&self) -> Time {
        Time(self.stamp_now())
    }

    /// A simulated instant as served objects record it: on the stamp clock.
    pub fn stamp_time(&self, t: Timestamp) -> Time {
        Time(self.stamp(t))
    }

    /// From now on, the clock runs `speed` times faster than stamps (see
    /// the module comment). Called when the server starts serving.
    pub fn anchor_stamps(&mut self, speed: f64) {
        if speed > 1.0 {
            self.stamp_anchor = Some((self.now, speed));
        }
    }

    /// The stamp of a simulated instant: at or before wall time while the
    /// clock runs at its speed.
    pub fn stamp(&self, t: Timestamp) -> Timestamp {
        match self.stamp_anchor {
            Some((anchor, speed)) if t > anchor => {
                let ahead = t.duration_since(anchor).as_secs_f64() / speed;
                anchor + jiff::SignedDuration::from_secs_f64(ahead)
            }
            _ => t,
        }
    }

    /// The simulated instant of a stamp read back from an object (the
    /// inverse of [`Self::stamp`]), for a controller that times what it
    /// does next from it; never after the present.
    pub fn unstamp(&self, stamp: Timestamp) -> Timestamp {
        let t = match self.stamp_anchor {
            Some((anchor, speed)) if stamp > anchor => {
                let ahead = stamp.duration_since(anchor).as_secs_f64() * speed;
                anchor + jiff::SignedDuration::from_secs_f64(ahead)
            }
            _ => stamp,
        };
        t.min(self.now)
    }

    /// The stamp clock's present (Table ages and UIs read it).
    pub fn stamp_now(&self) -> Timestamp {
        self.stamp(self.now)
    }

    /// Simulated time since the scenarios were loaded.
    pub fn elapsed(&self) -> Duration {
        let span = self.now.duration_since(self.epoch);
        Duration::try_from(span).unwrap_or_default()
    }

    pub fn advance_clock(&mut self, by: Duration) {
        self.now = self
            .now
            .checked_add(jiff::SignedDuration::try_from(by).unwrap_or_default())
            .unwrap_or(self.now);
    }

    pub fn rng(&mut self) -> &mut ChaCha8Rng {
        &mut self.rng
    }

    /// A random (v4) uid drawn from the seeded source.
    pub fn new_uid(&mut self) -> String {
        let bytes: [u8; 16] = self.rng.random();
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .to_string()
    }

    /// A lowercase alphanumeric suffix like `generateName` uses.
    pub fn random_suffix(&mut self, len: usize) -> String {
        const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
        (0..len)
            .map(|_| ALPHABET[self.rng.random_range(0..ALPHABET.len())] as char)
            .collect()
    }

    // ---- typed reads -------------------------------------------------------

    pub fn get<T: Typed>(&self, namespace: &str, name: &str) -> Option<T> {
        self.store.get_typed::<T>(namespace, name).cloned()
    }

    pub fn list<T: Typed>(&self, namespace: Option<&str>) -> Vec<T> {
        self.store.list_typed::<T>(namespace).cloned().collect()
    }

    // ---- writes with API semantics ------------------------------------------

    /// Creates an object as the API server does: admission defaults and
    /// validation, then uid, creationTimestamp and generation.
    pub fn create(&mut self, object: Object) -> Result<Arc<Entry>, ApiError> {
        self.create_as(object, None)
    }

    /// [`Self::create`] by an API client's field manager (None: the control
    /// plane), recorded in managedFields.
    pub fn create_as(
        &mut self,
        mut object: Object,
        writer: Option<&Writer>,
    ) -> Result<Arc<Entry>, ApiError> {
        let kind = object.kind();
        if kind.info().namespaced {
            let ns = object.namespace().to_string();
            if ns.is_empty() {
                return Err(ApiError::bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request",
                ));
            }
            if self.store.get(Kind::Namespace, "", &ns).is_none() {
                return Err(ApiError::namespace_not_found(&ns));
            }
        } else {
            object.meta_mut().namespace = None;
        }
        if object.name().is_empty() {
            let prefix = object.meta().generate_name.clone().unwrap_or_default();
            if prefix.is_empty() {
                return Err(ApiError::invalid(
                    kind,
                    "",
                    vec![super::error::Cause::required("metadata.name")],
                ));
            }
            let suffix = self.random_suffix(5);
            object.meta_mut().name = Some(format!("{prefix}{suffix}"));
        }
        admission::default_on_create(self, &mut object);
        admission::validate_create(self, &object)?;
        let uid = self.new_uid();
        let now = Time(self.stamp_now());
        let meta = object.meta_mut();
        meta.uid = Some(uid);
        meta.creation_timestamp = Some(now.clone());
        meta.generation = has_generation(kind).then_some(1);
        meta.deletion_timestamp = None;
        if let Object::Job(job) = &mut object {
            super::defaults::job_selector(job);
        }
        managed::record(None, &mut object, writer, &now);
        self.store.insert(object)
    }

    pub fn create_typed<T: Typed>(&mut self, object: T) -> Result<T, ApiError> {
        let entry = self.create(object.wrap())?;
        Ok(T::peek(entry.object())
            .expect("the store returns the kind it was given")
            .clone())
    }

    /// A user's update (PUT or PATCH): validated against the stored object;
    /// system metadata is kept; `generation` bumps when the spec changes.
    pub fn update(
        &mut self,
        object: Object,
        expected_rv: Option<&str>,
    ) -> Result<Arc<Entry>, ApiError> {
        self.update_as(object, expected_rv, None)
    }

    /// [`Self::update`] by an API client's field manager.
    pub fn update_as(
        &mut self,
        object: Object,
        expected_rv: Option<&str>,
        writer: Option<&Writer>,
    ) -> Result<Arc<Entry>, ApiError> {
        let current = self
            .store
            .get(object.kind(), object.namespace(), object.name())
            .ok_or_else(|| ApiError::not_found(object.kind(), object.name()))?
            .clone();
        admission::validate_update(self, current.object(), &object)?;
        self.write(current.object(), object, expected_rv, writer)
    }

    /// A controller's write: no user validation, same metadata rules.
    pub fn put<T: Typed>(&mut self, object: T) -> Result<T, ApiError> {
        let meta = object.metadata();
        let ns = meta.namespace.clone().unwrap_or_default();
        let name = meta.name.clone().unwrap_or_default();
        let current = self
            .store
            .get(T::KIND, &ns, &name)
            .ok_or_else(|| ApiError::not_found(T::KIND, &name))?
            .clone();
        let entry = self.write(current.object(), object.wrap(), None, None)?;
        Ok(T::peek(entry.object())
            .cloned()
            .unwrap_or_else(|| T::peek(current.object()).cloned().expect("same kind")))
    }

    fn write(
        &mut self,
        current: &Object,
        mut object: Object,
        expected_rv: Option<&str>,
        writer: Option<&Writer>,
    ) -> Result<Arc<Entry>, ApiError> {
        let old = current.meta();
        let spec_changed = spec_changed(current, &object);
        let meta = object.meta_mut();
        meta.uid.clone_from(&old.uid);
        meta.creation_timestamp.clone_from(&old.creation_timestamp);
        meta.namespace.clone_from(&old.namespace);
        if old.deletion_timestamp.is_some() {
            // Deletion cannot be undone by an update.
            meta.deletion_timestamp.clone_from(&old.deletion_timestamp);
            meta.deletion_grace_period_seconds = old.deletion_grace_period_seconds;
        }
        meta.generation = has_generation(current.kind())
            .then(|| old.generation.unwrap_or(1) + i64::from(spec_changed));
        managed::record(Some(current), &mut object, writer, &Time(self.stamp_now()));
        self.store.update(object, expected_rv)
    }

    /// Deletes as the API server does: Pods are deleted gracefully (the
    /// kubelet finishes them) unless the grace period is 0; objects with
    /// finalizers get a deletionTimestamp and wait for them.
    pub fn delete(
        &mut self,
        kind: Kind,
        namespace: &str,
        name: &str,
        grace_period_seconds: Option<i64>,
    ) -> Result<Object, ApiError> {
        let current = self
            .store
            .get(kind, namespace, name)
            .ok_or_else(|| ApiError::not_found(kind, name))?
            .object()
            .clone();
        let meta = current.meta();
        let has_finalizers = meta.finalizers.as_ref().is_some_and(|f| !f.is_empty());
        if kind == Kind::Pod {
            let default_grace = match &current {
                Object::Pod(p) => p
                    .spec
                    .as_ref()
                    .and_then(|s| s.termination_grace_period_seconds)
                    .unwrap_or(30),
                _ => 30,
            };
            let grace = grace_period_seconds.unwrap_or(default_grace).max(0);
            let unscheduled = match &current {
                Object::Pod(p) => p.spec.as_ref().and_then(|s| s.node_name.as_ref()).is_none(),
                _ => false,
            };
            if (grace == 0 || unscheduled) && !has_finalizers {
                return self.store.remove(kind, namespace, name).map(|(o, _)| o);
            }
            if meta.deletion_timestamp.is_some()
                && meta.deletion_grace_period_seconds.unwrap_or(i64::MAX) <= grace
            {
                return Ok(current);
            }
            let mut updated = current.clone();
            let at = self.now + jiff::SignedDuration::from_secs(grace);
            let m = updated.meta_mut();
            m.deletion_timestamp = Some(self.stamp_time(at));
            m.deletion_grace_period_seconds = Some(grace);
            return self.store.update(updated, None).map(|e| e.object().clone());
        }
        if has_finalizers {
            if meta.deletion_timestamp.is_some() {
                return Ok(current);
            }
            let mut updated = current.clone();
            let now = self.now_time();
            let m = updated.meta_mut();
            m.deletion_timestamp = Some(now);
            m.deletion_grace_period_seconds = Some(0);
            return self.store.update(updated, None).map(|e| e.object().clone());
        }
        self.store.remove(kind, namespace, name).map(|(o, _)| o)
    }

    /// Finishes a graceful Pod deletion (what the kubelet does once the
    /// containers have stopped).
    pub fn finish_pod_deletion(&mut self, namespace: &str, name: &str) -> Result<(), ApiError> {
        self.store.remove(Kind::Pod, namespace, name).map(|_| ())
    }

    /// Removes one finalizer; the object goes away when it was the last one
    /// and deletion was requested.
    pub fn remove_finalizer(
        &mut self,
        kind: Kind,
        namespace: &str,
        name: &str,
        finalizer: &str,
    ) -> Result<(), ApiError> {
        let Some(entry) = self.store.get(kind, namespace, name) else {
            return Ok(());
        };
        let mut object = entry.object().clone();
        let meta = object.meta_mut();
        if let Some(f) = meta.finalizers.as_mut() {
            f.retain(|x| x != finalizer);
        }
        self.store.update(object, None).map(|_| ())
    }

    // ---- events ---------------------------------------------------------------

    /// Records an Event about an object, aggregating repeats into `count`
    /// like the client-go event recorder.
    pub fn record_event(
        &mut self,
        involved: &Object,
        event_type: &str,
        reason: &str,
        message: &str,
        component: &str,
    ) {
        let meta = involved.meta();
        let namespace = meta
            .namespace
            .clone()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "default".to_string());
        let uid = meta.uid.clone().unwrap_or_default();
        let key = (
            uid.clone(),
            reason.to_string(),
            message.to_string(),
            event_type.to_string(),
        );
        let now = Time(self.stamp_now());
        if let Some((ns, name)) = self.event_names.get(&key).cloned()
            && let Some(mut ev) = self.get::<Event>(&ns, &name)
        {
            ev.count = Some(ev.count.unwrap_or(1) + 1);
            ev.last_timestamp = Some(now);
            let _ = self.put(ev);
            return;
        }
        let name = format!(
            "{}.{:016x}",
            meta.name.as_deref().unwrap_or_default(),
            self.rng.random::<u64>()
        );
        let kind = involved.kind();
        let event = Event {
            metadata: ObjectMeta {
                name: Some(name.clone()),
                namespace: Some(namespace.clone()),
                ..Default::default()
            },
            involved_object: ObjectReference {
                api_version: Some(kind.api_version()),
                kind: Some(kind.info().kind_name.to_string()),
                name: meta.name.clone(),
                namespace: meta.namespace.clone(),
                uid: meta.uid.clone(),
                resource_version: meta.resource_version.clone(),
                field_path: None,
            },
            reason: Some(reason.to_string()),
            message: Some(message.to_string()),
            type_: Some(event_type.to_string()),
            count: Some(1),
            first_timestamp: Some(now.clone()),
            last_timestamp: Some(now.clone()),
            event_time: Some(MicroTime(now.0)),
            source: Some(EventSource {
                component: Some(component.to_string()),
                host: None,
            }),
            reporting_component: Some(component.to_string()),
            reporting_instance: Some(component.to_string()),
            ..Default::default()
        };
        // Events about objects in namespaces being created may fail; they
        // are best effort in the real cluster too.
        if self.create(Object::Event(event)).is_ok() {
            self.event_names.insert(key, (namespace, name));
        }
    }

    /// Drops Events older than the TTL.
    pub fn expire_events(&mut self) {
        let cutoff =
            self.stamp(self.now - jiff::SignedDuration::try_from(EVENT_TTL).unwrap_or_default());
        // From the index: the Events are not parsed.
        let expired: Vec<(String, String)> = self
            .store
            .iter(Kind::Event, None)
            .filter(|e| {
                e.field("lastTimestamp")
                    .parse::<Timestamp>()
                    .is_ok_and(|t| t < cutoff)
            })
            .map(|e| (e.namespace().to_string(), e.name().to_string()))
            .collect();
        for (ns, name) in expired {
            let _ = self.store.remove(Kind::Event, &ns, &name);
        }
        let store = &self.store;
        self.event_names
            .retain(|_, (ns, name)| store.get(Kind::Event, ns, name).is_some());
    }
}

/// Whether the real v1.34 server keeps `metadata.generation` for a kind:
/// the workload kinds and, since v1.33, Pods; not PVCs, PVs, Services,
/// StorageClasses, Nodes, Namespaces, ConfigMaps or Events.
fn has_generation(kind: Kind) -> bool {
    matches!(kind, Kind::StatefulSet | Kind::Pod)
}

/// Whether an update changes the spec, which bumps `metadata.generation`.
fn spec_changed(old: &Object, new: &Object) -> bool {
    match (old, new) {
        (Object::StatefulSet(a), Object::StatefulSet(b)) => a.spec != b.spec,
        (Object::Pod(a), Object::Pod(b)) => a.spec != b.spec,
        (Object::PersistentVolumeClaim(a), Object::PersistentVolumeClaim(b)) => a.spec != b.spec,
        (Object::PersistentVolume(a), Object::PersistentVolume(b)) => a.spec != b.spec,
        (Object::Node(a), Object::Node(b)) => a.spec != b.spec,
        (Object::Service(a), Object::Service(b)) => a.spec != b.spec,
        _ => false,
    }
}
