//! Kept whole (over 800 lines): one reconcile loop, in upstream's order, reads best in one place.
//!
//! The StatefulSet controller, with upstream semantics
//! (`pkg/controller/statefulset`): Pods `<set>-<ordinal>` with their claims
//! `<template>-<set>-<ordinal>`, `OrderedReady` / `Parallel` management,
//! `RollingUpdate` (partition, `maxUnavailable`) and `OnDelete` updates,
//! ControllerRevisions, the PVC retention policy, status; and the part of
//! the garbage collector that deletes Pods, claims and revisions whose
//! owners are gone.
//!
//! Every tick indexes Pods and revisions by set once, then visits each set
//! in store order. A set whose spec is unchanged and whose Pods are all in
//! place costs a few comparisons: nothing is hashed and nothing is written.

mod fxhash;
mod pods;
mod revision;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use jiff::Timestamp;
use k8s_openapi::api::apps::v1::{ControllerRevision, StatefulSet, StatefulSetStatus};
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use self::fxhash::FxMap;
pub use self::pods::{POD_INDEX_LABEL, POD_NAME_LABEL, REVISION_LABEL};
use self::pods::{
    Retention, claim_name, claim_refs_update, has_finished, has_stale_pod_ref, is_created,
    is_running_and_available, is_running_and_ready, is_terminating, is_unavailable, new_claim,
    new_pod, parent_and_ordinal, phase, pod_name, revision_of, set_ref,
};
pub use self::revision::HASH_LABEL;
use self::revision::Revisions;
use crate::sim::objects::{Entry, Object, Typed};
use crate::sim::resources::Kind;
use crate::sim::state::SimState;

/// The `source.component` of the controller's Events.
pub const COMPONENT: &str = "statefulset-controller";

/// Most Pods a `Parallel` set creates in one tick (upstream's MaxBatchSize);
/// the rest follow on the next ticks.
const MAX_BURST: usize = 500;

/// One pass of the controller over every StatefulSet, then garbage
/// collection.
pub fn reconcile(state: &mut SimState) {
    let sets: Vec<Arc<Entry>> = state.store.iter(Kind::StatefulSet, None).cloned().collect();
    if !sets.is_empty() {
        let snapshot =
            |kind| -> Vec<Arc<Entry>> { state.store.iter(kind, None).cloned().collect() };
        let pods = snapshot(Kind::Pod);
        let revisions = snapshot(Kind::ControllerRevision);
        let pods_by_set = by_controlling_set::<Pod>(&pods);
        let revisions_by_set = by_controlling_set::<ControllerRevision>(&revisions);
        for entry in &sets {
            let Some(set) = StatefulSet::peek(entry.object()) else {
                continue;
            };
            let uid = set.metadata.uid.as_deref().unwrap_or_default();
            let owned_pods = pods_by_set.get(uid).map_or(&[][..], Vec::as_slice);
            let owned_revisions = revisions_by_set.get(uid).map_or(&[][..], Vec::as_slice);
            sync(state, set, owned_pods, owned_revisions);
        }
    }
    collect_garbage(state);
}

/// Objects of one kind grouped by the uid of the StatefulSet that controls
/// them (store order within each group). Nothing is adopted: only a
/// controller ownerReference counts.
fn by_controlling_set<T: Typed>(entries: &[Arc<Entry>]) -> FxMap<&str, Vec<&T>> {
    let mut map: FxMap<&str, Vec<&T>> = FxMap::default();
    for e in entries {
        let Some(object) = T::peek(e.object()) else {
            continue;
        };
        let controller = object
            .metadata()
            .owner_references
            .iter()
            .flatten()
            .find(|r| r.controller == Some(true));
        if let Some(r) = controller
            && r.kind == "StatefulSet"
            && r.api_version.starts_with("apps/")
        {
            map.entry(r.uid.as_str()).or_default().push(object);
        }
    }
    map
}

/// What one replica step asks of the loop over replicas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    /// Go on with the next one.
    Next,
    /// Stop here (in `OrderedReady`) and wait for a later tick.
    Block,
    /// A write failed: stop (in `Parallel`, after the other replicas).
    Fail,
}

/// One set's sync: the set, its settings, and its revisions.
struct SetSync<'a> {
    set: &'a StatefulSet,
    name: &'a str,
    namespace: &'a str,
    replicas: i32,
    start: i32,
    monotonic: bool,
    on_delete: bool,
    min_ready_seconds: i32,
    retention: Retention,
    claim_templates: &'a [PersistentVolumeClaim],
    revisions: Revisions<'a>,
    /// The controller reference to the set, for claims.
    owner: OwnerReference,
    /// A Pod Ready since before this stamp has been Ready minReadySeconds.
    ready_by: Timestamp,
}

fn sync<'a>(
    state: &mut SimState,
    set: &'a StatefulSet,
    owned_pods: &[&'a Pod],
    owned_revisions: &[&'a ControllerRevision],
) {
    if set.metadata.deletion_timestamp.is_some() {
        return;
    }
    let (Some(spec), Some(name), Some(namespace)) = (
        set.spec.as_ref(),
        set.metadata.name.as_deref(),
        set.metadata.namespace.as_deref(),
    ) else {
        return;
    };
    if set.metadata.uid.as_deref().is_none_or(str::is_empty) {
        return;
    }
    let mut sorted_revisions = owned_revisions.to_vec();
    revision::sort(&mut sorted_revisions);
    let revisions = match revision::resolve(state, set, &sorted_revisions) {
        Ok(r) => r,
        // Upstream retries with backoff and records nothing; so does the
        // next tick here.
        Err(_) => return,
    };
    let strategy = spec.update_strategy.as_ref();
    let sync = SetSync {
        set,
        name,
        namespace,
        replicas: spec.replicas.unwrap_or(1).max(0),
        start: spec
            .ordinals
            .as_ref()
            .and_then(|o| o.start)
            .unwrap_or(0)
            .max(0),
        monotonic: spec.pod_management_policy.as_deref() != Some("Parallel"),
        on_delete: strategy.and_then(|s| s.type_.as_deref()) == Some("OnDelete"),
        min_ready_seconds: spec.min_ready_seconds.unwrap_or(0),
        retention: Retention::of(set),
        claim_templates: spec.volume_claim_templates.as_deref().unwrap_or_default(),
        revisions,
        owner: set_ref(set),
        ready_by: self::pods::ready_by(state, spec.min_ready_seconds.unwrap_or(0)),
    };

    // Split the set's Pods into replicas (ordinals in range) and condemned
    // ones (valid ordinals out of range, highest first).
    let mut live: BTreeMap<i32, &Pod> = BTreeMap::new();
    let mut condemned: Vec<(i32, &Pod)> = Vec::new();
    for pod in owned_pods {
        let Some((parent, ordinal)) =
            parent_and_ordinal(pod.metadata.name.as_deref().unwrap_or_default())
        else {
            continue;
        };
        if parent != name {
            continue;
        }
        if sync.in_range(ordinal) {
            live.insert(ordinal, pod);
        } else {
            condemned.push((ordinal, pod));
        }
    }
    condemned.sort_by_key(|c| std::cmp::Reverse(c.0));

    // A rolling update completes on what the Pods were when the tick
    // started (a Pod deleted for the update was not at the update revision,
    // so completion and this tick's deletions never meet).
    let mut status = sync.status(&live, &condemned);
    sync.complete_rolling_update(&mut status);
    if !sync.is_settled(&status, &live, &condemned) {
        let deleted_for_update = sync.run(state, &live, &condemned);
        if let Some(c) = status.current_replicas.as_mut() {
            *c -= deleted_for_update;
        }
        if status.current_replicas == Some(0) {
            status.current_replicas = None;
        }
        sync.write_status(state, status);
    }
    sync.truncate_history(state, &sorted_revisions, &live, &condemned);
}

impl SetSync<'_> {
    fn in_range(&self, ordinal: i32) -> bool {
        ordinal >= self.start
            && i64::from(ordinal) < i64::from(self.start) + i64::from(self.replicas)
    }

    fn event(&self, state: &mut SimState, event_type: &str, reason: &str, message: &str) {
        state.record_event(
            &Object::StatefulSet(self.set.clone()),
            event_type,
            reason,
            message,
            COMPONENT,
        );
    }

    fn claim(
        &self,
        state: &SimState,
        template: &PersistentVolumeClaim,
        ordinal: i32,
    ) -> (String, Option<PersistentVolumeClaim>) {
        let tname = template.metadata.name.as_deref().unwrap_or_default();
        let name = claim_name(tname, self.name, ordinal);
        let found = state.get::<PersistentVolumeClaim>(self.namespace, &name);
        (name, found)
    }

    /// The partition as an index into the replicas (upstream compares it
    /// with `ordinal - start`); 0 without rolling-update parameters.
    fn partition(&self) -> i32 {
        self.set
            .spec
            .as_ref()
            .and_then(|s| s.update_strategy.as_ref())
            .and_then(|s| s.rolling_update.as_ref())
            .and_then(|r| r.partition)
            .unwrap_or(0)
            .clamp(0, self.replicas)
    }

    /// Whether a pass would find nothing to do: the status is as computed,
    /// and every replica is there, available, not terminating, with its
    /// identity label and at the revision its ordinal should run. Claims
    /// are not looked at here (as upstream, which does not watch them);
    /// they are put right on the next pass that has something to do.
    fn is_settled(
        &self,
        status: &StatefulSetStatus,
        live: &BTreeMap<i32, &Pod>,
        condemned: &[(i32, &Pod)],
    ) -> bool {
        if !condemned.is_empty()
            || live.len() as i64 != i64::from(self.replicas)
            || self.set.status.as_ref() != Some(status)
        {
            return false;
        }
        let partition = i64::from(self.start) + i64::from(self.partition());
        let update = self.revisions.update_name();
        live.iter().all(|(ordinal, pod)| {
            let name_label = pod
                .metadata
                .labels
                .as_ref()
                .and_then(|l| l.get(POD_NAME_LABEL));
            !is_terminating(pod)
                && is_running_and_available(pod, self.min_ready_seconds, self.ready_by)
                && name_label.map(String::as_str) == pod.metadata.name.as_deref()
                && (self.on_delete || i64::from(*ordinal) < partition || revision_of(pod) == update)
        })
    }

    // ---- the sync proper -----------------------------------------------------

    /// Creates, repairs and deletes Pods; returns how many Pods were
    /// deleted for a rolling update (they no longer count as current).
    fn run(
        &self,
        state: &mut SimState,
        live: &BTreeMap<i32, &Pod>,
        condemned: &[(i32, &Pod)],
    ) -> i32 {
        let mut failed = false;
        let mut created = 0;
        for index in 0..self.replicas {
            let Some(ordinal) = self.start.checked_add(index) else {
                break;
            };
            match self.process_replica(state, ordinal, live.get(&ordinal).copied(), &mut created) {
                Flow::Next => {}
                Flow::Block | Flow::Fail if self.monotonic => return 0,
                Flow::Block => {}
                Flow::Fail => failed = true,
            }
            if created >= MAX_BURST {
                return 0;
            }
        }
        if failed {
            return 0;
        }

        // Claims of condemned Pods follow the retention policy before the
        // Pods go (whenScaled: Delete gives them to the Pod).
        for (_, pod) in condemned {
            if self.fix_claim_owners(state, pod, true).is_err() {
                return 0;
            }
        }

        // Scale down, highest ordinal first; in OrderedReady one at a time,
        // and only while every lower ordinal is Running and Ready.
        let first_unavailable = condemned
            .iter()
            .rev()
            .find(|(_, p)| is_unavailable(Some(p), self.min_ready_seconds, self.ready_by))
            .map(|(o, _)| *o);
        for (ordinal, pod) in condemned {
            match self.process_condemned(state, *ordinal, pod, first_unavailable) {
                Flow::Next => {}
                Flow::Block | Flow::Fail if self.monotonic => return 0,
                Flow::Block => {}
                Flow::Fail => failed = true,
            }
        }
        if failed || self.on_delete {
            return 0;
        }
        self.rolling_update(state, live)
    }

    fn process_replica(
        &self,
        state: &mut SimState,
        ordinal: i32,
        pod: Option<&Pod>,
        created: &mut usize,
    ) -> Flow {
        let Some(pod) = pod else {
            if self.claims_blocked(state, ordinal) {
                return Flow::Block;
            }
            return match self.create_pod(state, ordinal) {
                Err(()) => Flow::Fail,
                Ok(()) => {
                    *created += 1;
                    if self.monotonic {
                        Flow::Block
                    } else {
                        Flow::Next
                    }
                }
            };
        };
        // A Pod that stopped for good is deleted, and made again once it
        // is gone.
        if has_finished(pod) {
            if !is_terminating(pod) && self.delete_pod(state, pod).is_err() {
                return Flow::Fail;
            }
            return Flow::Block;
        }
        let terminating = is_terminating(pod);
        if phase(pod) == "Pending" && !terminating {
            let name = pod.metadata.name.as_deref().unwrap_or_default();
            if self.create_claims(state, ordinal, name).is_err() {
                return Flow::Fail;
            }
        }
        if self.monotonic
            && (terminating
                || !is_running_and_available(pod, self.min_ready_seconds, self.ready_by))
        {
            return Flow::Block;
        }
        if terminating {
            return Flow::Next;
        }
        match self.enforce_invariants(state, ordinal, pod) {
            Ok(()) => Flow::Next,
            Err(()) => Flow::Fail,
        }
    }

    fn process_condemned(
        &self,
        state: &mut SimState,
        ordinal: i32,
        pod: &Pod,
        first_unavailable: Option<i32>,
    ) -> Flow {
        if is_terminating(pod) {
            return if self.monotonic {
                Flow::Block
            } else {
                Flow::Next
            };
        }
        if self.monotonic
            && first_unavailable != Some(ordinal)
            && !is_running_and_available(pod, self.min_ready_seconds, self.ready_by)
        {
            return Flow::Block;
        }
        match self.delete_pod(state, pod) {
            Ok(()) => Flow::Block,
            Err(()) => Flow::Fail,
        }
    }

    /// Replaces Pods not at the update revision, highest ordinal first,
    /// only ordinals at or above the partition.
    fn rolling_update(&self, state: &mut SimState, live: &BTreeMap<i32, &Pod>) -> i32 {
        let Some(rolling) = self
            .set
            .spec
            .as_ref()
            .and_then(|s| s.update_strategy.as_ref())
            .and_then(|s| s.rolling_update.as_ref())
        else {
            // RollingUpdate without parameters: partition 0, one at a time.
            return self.replace_one_at_a_time(state, live, 0);
        };
        let partition = self.partition();
        match &rolling.max_unavailable {
            None => self.replace_one_at_a_time(state, live, partition),
            Some(max) => self.replace_up_to(state, live, partition, max),
        }
    }

    fn needs_replacing<'p>(&self, pod: Option<&'p Pod>) -> Option<&'p Pod> {
        pod.filter(|p| revision_of(p) != self.revisions.update_name() && !is_terminating(p))
    }

    fn replace_one_at_a_time(
        &self,
        state: &mut SimState,
        live: &BTreeMap<i32, &Pod>,
        partition: i32,
    ) -> i32 {
        for index in (partition..self.replicas).rev() {
            let pod = live.get(&(self.start + index)).copied();
            if let Some(old) = self.needs_replacing(pod) {
                return i32::from(self.delete_pod(state, old).is_ok());
            }
            if is_unavailable(pod, self.min_ready_seconds, self.ready_by) {
                return 0;
            }
        }
        0
    }

    /// `maxUnavailable`: as many replacements at once as the budget of
    /// unavailable Pods (counted over all replicas) allows.
    fn replace_up_to(
        &self,
        state: &mut SimState,
        live: &BTreeMap<i32, &Pod>,
        partition: i32,
        max: &IntOrString,
    ) -> i32 {
        let max = scaled_max_unavailable(max, self.replicas);
        let missing = i64::from(self.replicas) - live.len() as i64;
        let unavailable = missing
            + live
                .values()
                .filter(|p| is_unavailable(Some(p), self.min_ready_seconds, self.ready_by))
                .count() as i64;
        if unavailable > i64::from(max) {
            return 0;
        }
        let budget = i64::from(max) - unavailable;
        let mut deleted = 0;
        for index in (partition..self.replicas).rev() {
            if i64::from(deleted) >= budget {
                break;
            }
            let pod = live.get(&(self.start + index)).copied();
            if let Some(old) = self.needs_replacing(pod)
                && self.delete_pod(state, old).is_ok()
            {
                deleted += 1;
            }
        }
        deleted
    }

    // ---- Pods and claims -----------------------------------------------------

    /// The template and revision a new Pod at `ordinal` gets: below the
    /// partition the current revision, otherwise the update revision
    /// (upstream `newVersionedStatefulSetPod`).
    fn template_for(&self, ordinal: i32) -> (PodTemplateSpec, &str) {
        let spec = self.set.spec.as_ref();
        let strategy = spec.and_then(|s| s.update_strategy.as_ref());
        let rolling = strategy.and_then(|s| s.rolling_update.as_ref());
        let is_rolling = strategy
            .and_then(|s| s.type_.as_deref())
            .unwrap_or("RollingUpdate")
            == "RollingUpdate";
        let below = |n: i32| i64::from(ordinal) < i64::from(self.start) + i64::from(n);
        let use_current = match rolling {
            None => {
                is_rolling
                    && below(
                        self.set
                            .status
                            .as_ref()
                            .and_then(|s| s.current_replicas)
                            .unwrap_or(0),
                    )
            }
            Some(r) => below(r.partition.unwrap_or(0)),
        };
        let set_template = || spec.map(|s| s.template.clone()).unwrap_or_default();
        if use_current {
            if self.revisions.current_name() == self.revisions.update_name() {
                return (set_template(), self.revisions.current_name());
            }
            if let Some(t) = revision::template_of(&self.revisions.current) {
                return (t, self.revisions.current_name());
            }
        }
        (set_template(), self.revisions.update_name())
    }

    /// A claim of `ordinal` is on its way out (being deleted, or owned by
    /// a Pod of that name that is gone): wait until it is gone.
    fn claims_blocked(&self, state: &SimState, ordinal: i32) -> bool {
        let pod = pod_name(self.name, ordinal);
        self.claim_templates.iter().any(|t| {
            let (_, claim) = self.claim(state, t, ordinal);
            claim.is_some_and(|c| {
                c.metadata.deletion_timestamp.is_some() || has_stale_pod_ref(&c, &pod, "")
            })
        })
    }

    /// Creates the claims of `ordinal` that do not exist yet; existing ones
    /// are used as they are. Errors come back as upstream words them.
    fn create_claims(&self, state: &mut SimState, ordinal: i32, pod: &str) -> Result<(), String> {
        let mut errors = Vec::new();
        for template in self.claim_templates {
            let (name, existing) = self.claim(state, template, ordinal);
            match existing {
                Some(c) if c.metadata.deletion_timestamp.is_some() => {
                    errors.push(format!("pvc {name} is being deleted"));
                }
                Some(_) => {}
                None => {
                    let mut claim = new_claim(self.set, template, ordinal);
                    if self.retention.delete_when_deleted {
                        claim.metadata.owner_references = Some(vec![self.owner.clone()]);
                    }
                    match state.create_typed(claim) {
                        Ok(_) => self.event(
                            state,
                            "Normal",
                            "SuccessfulCreate",
                            &format!(
                                "create Claim {name} Pod {pod} in StatefulSet {} success",
                                self.name
                            ),
                        ),
                        Err(e) => {
                            if e.reason != "AlreadyExists" {
                                self.event(
                                    state,
                                    "Warning",
                                    "FailedCreate",
                                    &format!(
                                        "create Claim {name} for Pod {pod} in StatefulSet {} failed error: {}",
                                        self.name, e.message
                                    ),
                                );
                            }
                            errors.push(format!("failed to create PVC {name}: {}", e.message));
                        }
                    }
                }
            }
        }
        match errors.len() {
            0 => Ok(()),
            1 => Err(errors.remove(0)),
            _ => Err(format!("[{}]", errors.join(", "))),
        }
    }

    fn create_pod(&self, state: &mut SimState, ordinal: i32) -> Result<(), ()> {
        let name = pod_name(self.name, ordinal);
        let failed = |state: &mut SimState, why: &str| {
            self.event(
                state,
                "Warning",
                "FailedCreate",
                &format!(
                    "create Pod {name} in StatefulSet {} failed error: {why}",
                    self.name
                ),
            );
        };
        if let Err(why) = self.create_claims(state, ordinal, &name) {
            failed(state, &why);
            return Err(());
        }
        let (template, revision) = self.template_for(ordinal);
        let pod = new_pod(self.set, &template, revision, ordinal);
        match state.create_typed(pod) {
            // Someone else's Pod of that name: nothing to report.
            Err(e) if e.reason == "AlreadyExists" => Err(()),
            Err(e) => {
                failed(state, &e.message);
                Err(())
            }
            Ok(created) => {
                // Reused claims follow the retention policy (new ones were
                // created that way).
                let _ = self.fix_claim_owners(state, &created, false);
                self.event(
                    state,
                    "Normal",
                    "SuccessfulCreate",
                    &format!("create Pod {name} in StatefulSet {} successful", self.name),
                );
                Ok(())
            }
        }
    }

    fn delete_pod(&self, state: &mut SimState, pod: &Pod) -> Result<(), ()> {
        let name = pod.metadata.name.as_deref().unwrap_or_default();
        match state.delete(Kind::Pod, self.namespace, name, None) {
            Ok(_) => {
                self.event(
                    state,
                    "Normal",
                    "SuccessfulDelete",
                    &format!("delete Pod {name} in StatefulSet {} successful", self.name),
                );
                Ok(())
            }
            Err(e) if e.code == 404 => Ok(()),
            Err(e) => {
                self.event(
                    state,
                    "Warning",
                    "FailedDelete",
                    &format!(
                        "delete Pod {name} in StatefulSet {} failed error: {}",
                        self.name, e.message
                    ),
                );
                Err(())
            }
        }
    }

    /// Puts the owner references the retention policy asks for on the
    /// claims of `pod`; returns whether any claim changed.
    fn fix_claim_owners(
        &self,
        state: &mut SimState,
        pod: &Pod,
        condemned: bool,
    ) -> Result<bool, String> {
        let ordinal = pod
            .metadata
            .name
            .as_deref()
            .and_then(parent_and_ordinal)
            .map(|(_, o)| o);
        let Some(ordinal) = ordinal else {
            return Ok(false);
        };
        let mut changed = false;
        for template in self.claim_templates {
            let (_, Some(mut claim)) = self.claim(state, template, ordinal) else {
                continue;
            };
            if claim.metadata.deletion_timestamp.is_some() {
                continue;
            }
            let Some(refs) = claim_refs_update(&claim, &self.owner, pod, condemned, self.retention)
            else {
                continue;
            };
            claim.metadata.owner_references = (!refs.is_empty()).then_some(refs);
            state.put(claim).map_err(|e| e.message)?;
            changed = true;
        }
        Ok(changed)
    }

    /// Keeps a running Pod's identity label and its claims' owners as they
    /// should be (upstream `UpdateStatefulPod`).
    fn enforce_invariants(&self, state: &mut SimState, ordinal: i32, pod: &Pod) -> Result<(), ()> {
        let name = pod.metadata.name.as_deref().unwrap_or_default();
        let report = |state: &mut SimState, result: Result<(), String>| {
            let message = match &result {
                Ok(()) => format!("update Pod {name} in StatefulSet {} successful", self.name),
                Err(why) => format!(
                    "update Pod {name} in StatefulSet {} failed error: {why}",
                    self.name
                ),
            };
            let (event_type, reason) = match result {
                Ok(()) => ("Normal", "SuccessfulUpdate"),
                Err(_) => ("Warning", "FailedUpdate"),
            };
            self.event(state, event_type, reason, &message);
        };
        let mut changed = match self.fix_claim_owners(state, pod, false) {
            Ok(c) => c,
            Err(why) => {
                report(state, Err(why));
                return Err(());
            }
        };
        let label = |k: &str| {
            pod.metadata
                .labels
                .as_ref()
                .and_then(|l| l.get(k))
                .map(String::as_str)
        };
        if label(POD_NAME_LABEL) != Some(name) {
            let mut fixed = pod.clone();
            let labels = fixed.metadata.labels.get_or_insert_with(Default::default);
            labels.insert(POD_NAME_LABEL.into(), name.to_string());
            labels.insert(POD_INDEX_LABEL.into(), ordinal.to_string());
            if let Err(e) = state.put(fixed) {
                report(state, Err(e.message));
                return Err(());
            }
            changed = true;
        }
        if changed {
            report(state, Ok(()));
        }
        Ok(())
    }

    // ---- status and history ----------------------------------------------------

    fn status(&self, live: &BTreeMap<i32, &Pod>, condemned: &[(i32, &Pod)]) -> StatefulSetStatus {
        let (mut replicas, mut ready, mut available, mut current, mut updated) = (0, 0, 0, 0, 0);
        for pod in live
            .values()
            .copied()
            .chain(condemned.iter().map(|(_, p)| *p))
        {
            if !is_created(pod) {
                continue;
            }
            replicas += 1;
            if is_running_and_ready(pod) {
                ready += 1;
                if is_running_and_available(pod, self.min_ready_seconds, self.ready_by) {
                    available += 1;
                }
            }
            if !is_terminating(pod) {
                let revision = revision_of(pod);
                current += i32::from(revision == self.revisions.current_name());
                updated += i32::from(revision == self.revisions.update_name());
            }
        }
        let mut status = self.set.status.clone().unwrap_or_default();
        status.observed_generation = self.set.metadata.generation;
        status.replicas = replicas;
        // Go omits these when zero.
        status.ready_replicas = (ready != 0).then_some(ready);
        status.current_replicas = (current != 0).then_some(current);
        status.updated_replicas = (updated != 0).then_some(updated);
        status.available_replicas = Some(available);
        status.current_revision = Some(self.revisions.current_name().to_string());
        status.update_revision = Some(self.revisions.update_name().to_string());
        status.collision_count = Some(self.revisions.collision_count);
        status
    }

    /// A RollingUpdate whose every replica is updated and ready is done:
    /// the update revision becomes the current one.
    fn complete_rolling_update(&self, status: &mut StatefulSetStatus) {
        let n = |v: Option<i32>| v.unwrap_or(0);
        if !self.on_delete
            && n(status.updated_replicas) == self.replicas
            && n(status.ready_replicas) == self.replicas
            && status.replicas == self.replicas
        {
            status.current_replicas = status.updated_replicas;
            status.current_revision.clone_from(&status.update_revision);
        }
    }

    fn write_status(&self, state: &mut SimState, status: StatefulSetStatus) {
        if self.set.status.as_ref() == Some(&status) {
            return;
        }
        let mut updated = self.set.clone();
        updated.status = Some(status);
        let _ = state.put(updated);
    }

    /// Deletes the oldest revisions beyond `revisionHistoryLimit` that
    /// neither the status nor any Pod uses.
    fn truncate_history(
        &self,
        state: &mut SimState,
        sorted: &[&ControllerRevision],
        live: &BTreeMap<i32, &Pod>,
        condemned: &[(i32, &Pod)],
    ) {
        let limit = self
            .set
            .spec
            .as_ref()
            .and_then(|s| s.revision_history_limit)
            .unwrap_or(10);
        if limit < 0 || sorted.len() <= limit as usize {
            return;
        }
        let mut in_use: BTreeSet<&str> = BTreeSet::new();
        in_use.insert(self.revisions.current_name());
        in_use.insert(self.revisions.update_name());
        in_use.extend(live.values().map(|p| revision_of(p)));
        in_use.extend(condemned.iter().map(|(_, p)| revision_of(p)));
        let history: Vec<&str> = sorted
            .iter()
            .filter_map(|r| r.metadata.name.as_deref())
            .filter(|n| !in_use.contains(n))
            .collect();
        let excess = history.len().saturating_sub(limit as usize);
        for name in &history[..excess] {
            let _ = state.delete(Kind::ControllerRevision, self.namespace, name, None);
        }
    }
}

/// `maxUnavailable` as a number of Pods: an int, or a percentage of the
/// replicas rounded down; never below 1.
fn scaled_max_unavailable(max: &IntOrString, replicas: i32) -> i32 {
    let n = match max {
        IntOrString::Int(n) => *n,
        IntOrString::String(s) => s
            .strip_suffix('%')
            .and_then(|p| p.trim().parse::<i64>().ok())
            .map_or(1, |p| {
                (p.clamp(0, i64::from(i32::MAX)) * i64::from(replicas) / 100) as i32
            }),
    };
    n.max(1)
}

/// Deletes Pods, ControllerRevisions and PersistentVolumeClaims all of
/// whose owners are gone (background propagation). Pods are deleted
/// gracefully; claims wait for their protection finalizer. Objects whose
/// owners are of kinds the sim does not serve are left alone.
pub fn collect_garbage(state: &mut SimState) {
    let doomed: Vec<(Kind, String, String)> = {
        let store = &state.store;
        // Owners present, by kind: uid → namespace ("" when cluster-scoped).
        let mut owners: FxMap<Kind, FxMap<&str, &str>> = FxMap::default();
        let mut kinds: FxMap<(&str, &str), Option<Kind>> = FxMap::default();
        let mut doomed = Vec::new();
        for kind in [
            Kind::Pod,
            Kind::PersistentVolumeClaim,
            Kind::ControllerRevision,
        ] {
            for entry in store.iter(kind, None) {
                let meta = entry.object().meta();
                let Some(refs) = meta.owner_references.as_ref().filter(|r| !r.is_empty()) else {
                    continue;
                };
                if meta.deletion_timestamp.is_some() {
                    continue;
                }
                let namespace = entry.namespace();
                let dangling = refs.iter().all(|r| {
                    let owner_kind = match (r.api_version.as_str(), r.kind.as_str()) {
                        ("apps/v1", "StatefulSet") => Kind::StatefulSet,
                        ("v1", "Pod") => Kind::Pod,
                        key => match *kinds
                            .entry(key)
                            .or_insert_with(|| Kind::from_kind_name(key.0, key.1))
                        {
                            Some(k) => k,
                            // A kind the sim does not serve: keep it.
                            None => return false,
                        },
                    };
                    let present = owners.entry(owner_kind).or_insert_with(|| {
                        let mut m = FxMap::with_capacity_and_hasher(
                            store.count(owner_kind),
                            Default::default(),
                        );
                        for e in store.iter(owner_kind, None) {
                            if let Some(uid) = e.object().meta().uid.as_deref() {
                                m.insert(uid, e.namespace());
                            }
                        }
                        m
                    });
                    let owner_namespace = if owner_kind.info().namespaced {
                        namespace
                    } else {
                        ""
                    };
                    present.get(r.uid.as_str()) != Some(&owner_namespace)
                });
                if dangling {
                    doomed.push((kind, namespace.to_string(), entry.name().to_string()));
                }
            }
        }
        doomed
    };
    for (kind, namespace, name) in doomed {
        let _ = state.delete(kind, &namespace, &name, None);
    }
}
