//! Kept whole (over 800 lines): a claim's one lifecycle, from protection to expansion, in the
//! order the controllers act on it.
//!
//! Claims: protection, binding, provisioning, loss and expansion.

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{
    Node, ObjectReference, PersistentVolume, PersistentVolumeClaim, PersistentVolumeClaimCondition,
    PersistentVolumeClaimStatus,
};
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

use super::util::*;
use super::{
    DEFAULT_FILE_SYSTEM_RESIZE_AFTER, DEFAULT_PROVISION_AFTER, DEFAULT_RESIZE_AFTER, Pass, RESYNC,
    UsageAnchor, initial_anchor, provision, signed, volume_stats,
};
use crate::sim::admission::PVC_PROTECTION;
use crate::sim::objects::Typed;
use crate::sim::resources::Kind;
use crate::sim::state::SimState;

/// How often a claim waiting for a Pod to finish its resize looks again
/// (node health is kubelet state the store does not show).
const NODE_RESIZE_RECHECK: Duration = Duration::from_secs(5);

const FS_RESIZE_PENDING_MESSAGE: &str =
    "Waiting for user to (re-)start a pod to finish file system resize of volume on node.";

fn after(t: Timestamp, d: Duration) -> Timestamp {
    t.checked_add(signed(d)).unwrap_or(t)
}

struct Timing {
    provision_after: Duration,
    resize_after: Duration,
    file_system_resize_after: Duration,
}

fn timing(state: &SimState, class: &str) -> Timing {
    match state.behaviour.storage_timing(class) {
        Some(t) => Timing {
            provision_after: t.provision_after,
            resize_after: t.resize_after,
            file_system_resize_after: t.file_system_resize_after,
        },
        None => Timing {
            provision_after: DEFAULT_PROVISION_AFTER,
            resize_after: DEFAULT_RESIZE_AFTER,
            file_system_resize_after: DEFAULT_FILE_SYSTEM_RESIZE_AFTER,
        },
    }
}

fn key(claim: &PersistentVolumeClaim) -> (&str, &str, &str) {
    (
        claim.metadata.namespace.as_deref().unwrap_or_default(),
        claim.metadata.name.as_deref().unwrap_or_default(),
        claim.metadata.uid.as_deref().unwrap_or_default(),
    )
}

/// Looks at one claim. Returns whether it is settled: nothing to do until
/// it or its volume changes.
pub(super) fn sync(state: &mut SimState, pass: &mut Pass, ns: &str, name: &str) -> bool {
    let Some(claim) = state.get::<PersistentVolumeClaim>(ns, name) else {
        state.storage.forget(ns, name);
        return true;
    };
    let uid = claim.metadata.uid.clone().unwrap_or_default();
    state.storage.record_mut(ns, name, &uid);
    let deleting = claim.metadata.deletion_timestamp.is_some();
    if deleting && !protect(state, pass, ns, name) {
        // Gone: its volume is released in this same pass.
        if let Some(volume) = claim_volume_name(&claim) {
            state.storage.unsettle_volume(volume);
        }
        return true;
    }
    match claim_phase(&claim) {
        "Pending" if !deleting => {
            pending(state, pass, claim);
            false
        }
        "Bound" => bound(state, pass, claim) && !deleting,
        // Lost: only a change to the claim or its volume matters.
        "Lost" => !deleting,
        _ => false,
    }
}

/// The pvc-protection controller for a claim being deleted: the finalizer
/// stays while a Pod that has not terminated references the claim. Returns
/// whether the claim is still there.
fn protect(state: &mut SimState, pass: &mut Pass, ns: &str, name: &str) -> bool {
    let in_use = pass
        .pods(state)
        .get(&(ns.to_string(), name.to_string()))
        .is_some_and(|uses| uses.iter().any(|u| !u.terminated));
    if in_use {
        return true;
    }
    let _ = state.remove_finalizer(Kind::PersistentVolumeClaim, ns, name, PVC_PROTECTION);
    if state
        .store
        .get(Kind::PersistentVolumeClaim, ns, name)
        .is_none()
    {
        state.storage.forget(ns, name);
        return false;
    }
    true
}

/// Records an event about a claim that repeats while the condition lasts
/// (`repeat`: at most every resync period, like the PV controller's resync),
/// or only once.
fn notice(
    state: &mut SimState,
    claim: &PersistentVolumeClaim,
    reason: &'static str,
    event_type: &str,
    message: &str,
    component: &str,
    repeat: bool,
) {
    let now = state.now();
    let (ns, name, uid) = key(claim);
    let record = state.storage.record_mut(ns, name, uid);
    let due = match record.notices.iter_mut().find(|(r, _)| *r == reason) {
        None => {
            record.notices.push((reason, now));
            Ok(())
        }
        Some(_) if !repeat => return,
        Some(slot) => {
            let next = after(slot.1, RESYNC);
            if now < next {
                Err(next)
            } else {
                slot.1 = now;
                Ok(())
            }
        }
    };
    match due {
        Err(next) => state.storage.wake_at(next),
        Ok(()) => {
            if repeat {
                state.storage.wake_at(after(now, RESYNC));
            }
            state.record_event(
                &claim.clone().wrap(),
                event_type,
                reason,
                message,
                component,
            );
        }
    }
}

fn event(
    state: &mut SimState,
    claim: &PersistentVolumeClaim,
    event_type: &str,
    reason: &str,
    message: &str,
    component: &str,
) {
    state.record_event(
        &claim.clone().wrap(),
        event_type,
        reason,
        message,
        component,
    );
}

/// The component name an external provisioner's events carry
/// (`<driver>_<pod>_<uuid>`), stable for a driver.
pub(super) fn provisioner_component(provisioner: &str) -> String {
    let h = fnv(&[provisioner]);
    let h2 = fnv(&[provisioner, "instance"]);
    let pod = match provisioner {
        LOCAL_PATH => format!("local-path-provisioner-{:x}-{:05x}", h >> 40, h2 & 0xfffff),
        _ => {
            let base = provisioner.split('.').next().unwrap_or("csi");
            format!("{base}-csi-controller-{:x}-{:05x}", h >> 40, h2 & 0xfffff)
        }
    };
    let uuid = uuid::Builder::from_random_bytes(
        [h.to_be_bytes(), h2.to_be_bytes()]
            .concat()
            .try_into()
            .unwrap_or([0; 16]),
    )
    .into_uuid();
    format!("{provisioner}_{pod}_{uuid}")
}

// ---- Pending claims --------------------------------------------------------

fn pending(state: &mut SimState, pass: &mut Pass, claim: PersistentVolumeClaim) {
    if let Some(volume) = claim_volume_name(&claim).map(str::to_string) {
        prebound(state, pass, claim, &volume);
        return;
    }
    let class_name = claim_class(&claim).to_string();
    let class = if class_name.is_empty() {
        None
    } else {
        state.get::<StorageClass>("", &class_name)
    };
    let wffc = class
        .as_ref()
        .is_some_and(|c| c.volume_binding_mode.as_deref() == Some("WaitForFirstConsumer"));
    let selected = annotation(&claim.metadata, ANN_SELECTED_NODE).map(str::to_string);
    if wffc && selected.is_none() {
        notice(
            state,
            &claim,
            "WaitForFirstConsumer",
            NORMAL,
            "waiting for first consumer to be created before binding",
            PV_CONTROLLER,
            true,
        );
        return;
    }
    let node = if wffc { selected.as_deref() } else { None };
    if let Some(pv) = find_match(state, pass, &claim, node) {
        bind(state, pass, claim, pv);
        return;
    }
    if class_name.is_empty() {
        notice(
            state,
            &claim,
            "FailedBinding",
            NORMAL,
            "no persistent volumes available for this claim and no storage class is set",
            PV_CONTROLLER,
            true,
        );
        return;
    }
    let Some(class) = class else {
        let message = format!("storageclass.storage.k8s.io \"{class_name}\" not found");
        notice(
            state,
            &claim,
            "ProvisioningFailed",
            WARNING,
            &message,
            PV_CONTROLLER,
            true,
        );
        return;
    };
    provision_claim(state, pass, claim, &class, selected.as_deref());
}

/// A claim that names its volume in `spec.volumeName`.
fn prebound(state: &mut SimState, pass: &mut Pass, claim: PersistentVolumeClaim, volume: &str) {
    let Some(pv) = state.get::<PersistentVolume>("", volume) else {
        return; // waits for the volume to appear
    };
    let (ns, name, uid) = key(&claim);
    if pv.metadata.deletion_timestamp.is_some()
        || matches!(pv_phase(&pv), "Released" | "Failed")
        || !claim_ref_allows(&pv, ns, name, uid)
    {
        return;
    }
    if let Some(why) = mismatch(&pv, &claim) {
        let message = format!("Cannot bind to requested volume \"{volume}\": {why}");
        notice(
            state,
            &claim,
            "VolumeMismatch",
            WARNING,
            &message,
            PV_CONTROLLER,
            true,
        );
        return;
    }
    bind(state, pass, claim, pv);
}

/// Whether a volume is free for this claim: no claimRef, or one naming it.
fn claim_ref_allows(pv: &PersistentVolume, ns: &str, name: &str, uid: &str) -> bool {
    match pv.spec.as_ref().and_then(|s| s.claim_ref.as_ref()) {
        None => true,
        Some(r) => {
            r.namespace.as_deref().unwrap_or_default() == ns
                && r.name.as_deref().unwrap_or_default() == name
                && r.uid.as_deref().is_none_or(|u| u == uid)
        }
    }
}

fn is_prebound_to(pv: &PersistentVolume, ns: &str, name: &str) -> bool {
    pv.spec
        .as_ref()
        .and_then(|s| s.claim_ref.as_ref())
        .is_some_and(|r| {
            r.namespace.as_deref().unwrap_or_default() == ns
                && r.name.as_deref().unwrap_or_default() == name
        })
}

/// Why a volume cannot satisfy a claim, in the PV controller's words.
fn mismatch(pv: &PersistentVolume, claim: &PersistentVolumeClaim) -> Option<&'static str> {
    if pv_class(pv) != claim_class(claim) {
        return Some("storageClassName does not match");
    }
    if pv_capacity(pv).unwrap_or(0) < claim_request(claim).unwrap_or(0) {
        return Some("requested PV is too small");
    }
    let pv_modes = pv
        .spec
        .as_ref()
        .and_then(|s| s.access_modes.as_deref())
        .unwrap_or_default();
    let wanted = claim
        .spec
        .as_ref()
        .and_then(|s| s.access_modes.as_deref())
        .unwrap_or_default();
    if !wanted.iter().all(|m| pv_modes.contains(m)) {
        return Some("incompatible accessMode");
    }
    let pv_mode = pv
        .spec
        .as_ref()
        .and_then(|s| s.volume_mode.as_deref())
        .unwrap_or("Filesystem");
    let claim_mode = claim
        .spec
        .as_ref()
        .and_then(|s| s.volume_mode.as_deref())
        .unwrap_or("Filesystem");
    if pv_mode != claim_mode {
        return Some("incompatible volumeMode");
    }
    None
}

/// The best static volume for a claim: one pre-bound to it, else the
/// smallest that fits (ties by name). With `node` (WaitForFirstConsumer),
/// only volumes whose node affinity admits that node.
fn find_match(
    state: &SimState,
    pass: &mut Pass,
    claim: &PersistentVolumeClaim,
    node: Option<&str>,
) -> Option<PersistentVolume> {
    let candidates = pass.candidates.get_or_insert_with(|| {
        state
            .store
            .list_typed::<PersistentVolume>(None)
            .filter(|pv| {
                pv.metadata.deletion_timestamp.is_none()
                    && matches!(pv_phase(pv), "Available" | "Pending")
                    && pv
                        .spec
                        .as_ref()
                        .and_then(|s| s.claim_ref.as_ref())
                        .is_none_or(|r| r.uid.is_none())
            })
            .filter_map(|pv| pv.metadata.name.clone())
            .collect()
    });
    if candidates.is_empty() {
        return None;
    }
    let (ns, name, uid) = key(claim);
    let labels = node.map(|n| node_labels(n, state.store.get_typed::<Node>("", n)));
    let selector = claim.spec.as_ref().and_then(|s| s.selector.as_ref());
    let mut best: Option<(u64, &PersistentVolume)> = None;
    for candidate in candidates.iter() {
        let Some(pv) = state.store.get_typed::<PersistentVolume>("", candidate) else {
            continue;
        };
        if !claim_ref_allows(pv, ns, name, uid) || mismatch(pv, claim).is_some() {
            continue;
        }
        if let (Some(n), Some(l)) = (node, labels.as_ref())
            && !pv_fits_node(pv, n, l)
        {
            continue;
        }
        if is_prebound_to(pv, ns, name) {
            return Some(pv.clone());
        }
        if selector.is_some_and(|s| !label_selector_matches(s, pv.metadata.labels.as_ref())) {
            continue;
        }
        let capacity = pv_capacity(pv).unwrap_or(0);
        if best.is_none_or(|(c, _)| capacity < c) {
            best = Some((capacity, pv));
        }
    }
    best.map(|(_, pv)| pv.clone())
}

/// Sets a volume's phase; `at` (a stamp) records a change.
fn set_pv_phase(pv: &mut PersistentVolume, phase: &str, at: Time) {
    let status = pv.status.get_or_insert_with(Default::default);
    if status.phase.as_deref() != Some(phase) {
        status.phase = Some(phase.to_string());
        status.last_phase_transition_time = Some(at);
        status.message = None;
        status.reason = None;
    }
}

pub(super) fn pv_set_phase(pv: &mut PersistentVolume, phase: &str, at: Time) {
    set_pv_phase(pv, phase, at);
}

/// Binds a claim and a volume, both sides, as the PV controller does.
fn bind(
    state: &mut SimState,
    pass: &mut Pass,
    claim: PersistentVolumeClaim,
    mut pv: PersistentVolume,
) {
    let now = state.now();
    let (ns, name, uid) = key(&claim);
    let (ns, name, uid) = (ns.to_string(), name.to_string(), uid.to_string());
    let pv_name = pv.metadata.name.clone().unwrap_or_default();
    let spec = pv.spec.get_or_insert_with(Default::default);
    let controller_chose_claim = spec
        .claim_ref
        .as_ref()
        .is_none_or(|r| r.uid.is_none() && r.name.is_none());
    spec.claim_ref = Some(ObjectReference {
        api_version: Some("v1".into()),
        kind: Some("PersistentVolumeClaim".into()),
        name: Some(name.clone()),
        namespace: Some(ns.clone()),
        uid: Some(uid.clone()),
        resource_version: claim.metadata.resource_version.clone(),
        field_path: None,
    });
    if controller_chose_claim {
        set_annotation(&mut pv.metadata, ANN_BOUND_BY_CONTROLLER, "yes");
    }
    set_pv_phase(&mut pv, "Bound", state.now_time());
    let Ok(pv) = state.put(pv) else {
        return;
    };
    if let Some(c) = pass.candidates.as_mut() {
        c.retain(|n| *n != pv_name);
    }
    let mut claim = claim;
    let user_named = claim_volume_name(&claim).is_some();
    claim.spec.get_or_insert_with(Default::default).volume_name = Some(pv_name);
    set_annotation(&mut claim.metadata, ANN_BIND_COMPLETED, "yes");
    if !user_named {
        set_annotation(&mut claim.metadata, ANN_BOUND_BY_CONTROLLER, "yes");
    }
    let pv_spec = pv.spec.clone().unwrap_or_default();
    let status = claim
        .status
        .get_or_insert_with(PersistentVolumeClaimStatus::default);
    status.phase = Some("Bound".into());
    status.capacity = pv_spec.capacity;
    status.access_modes = pv_spec.access_modes;
    let Ok(claim) = state.put(claim) else {
        return;
    };
    let capacity = claim_capacity(&claim).unwrap_or(0);
    let anchor = initial_anchor(state, &ns, &name, capacity, now);
    let record = state.storage.record_mut(&ns, &name, &uid);
    record.provision_started = None;
    record.notices.clear();
    if record.usage.is_none() {
        record.usage = Some(anchor);
    }
}

// ---- dynamic provisioning ----------------------------------------------------

fn provision_claim(
    state: &mut SimState,
    pass: &mut Pass,
    mut claim: PersistentVolumeClaim,
    class: &StorageClass,
    selected: Option<&str>,
) {
    let provisioner = class.provisioner.clone();
    let mut changed = set_annotation(
        &mut claim.metadata,
        ANN_BETA_STORAGE_PROVISIONER,
        &provisioner,
    );
    changed |= set_annotation(&mut claim.metadata, ANN_STORAGE_PROVISIONER, &provisioner);
    if changed {
        match state.put(claim) {
            Ok(c) => claim = c,
            Err(_) => return,
        }
    }
    let message = format!(
        "Waiting for a volume to be created either by the external provisioner '{provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered."
    );
    notice(
        state,
        &claim,
        "ExternalProvisioning",
        NORMAL,
        &message,
        PV_CONTROLLER,
        true,
    );
    if provisioner == NO_PROVISIONER {
        return;
    }
    let component = provisioner_component(&provisioner);
    if claim
        .spec
        .as_ref()
        .and_then(|s| s.selector.as_ref())
        .is_some_and(|s| {
            s.match_labels.as_ref().is_some_and(|m| !m.is_empty())
                || s.match_expressions.as_ref().is_some_and(|m| !m.is_empty())
        })
    {
        notice(
            state,
            &claim,
            "ProvisioningFailed",
            WARNING,
            "claim Selector is not supported",
            &component,
            true,
        );
        return;
    }
    let now = state.now();
    let class_name = class.metadata.name.clone().unwrap_or_default();
    let wait = timing(state, &class_name).provision_after;
    let (ns, name, uid) = key(&claim);
    let record = state.storage.record_mut(ns, name, uid);
    let started = match record.provision_started {
        Some(t) => t,
        None => {
            record.provision_started = Some(now);
            state.storage.wake_at(after(now, wait));
            let message =
                format!("External provisioner is provisioning volume for claim \"{ns}/{name}\"");
            event(state, &claim, NORMAL, "Provisioning", &message, &component);
            return;
        }
    };
    if now < after(started, wait) {
        state.storage.wake_at(after(started, wait));
        return;
    }
    if provisioner == LOCAL_PATH && selected.is_none() {
        let message = format!(
            "failed to provision volume with StorageClass \"{class_name}\": configuration error, no node was specified"
        );
        notice(
            state,
            &claim,
            "ProvisioningFailed",
            WARNING,
            &message,
            &component,
            true,
        );
        return;
    }
    let pv = provision::build(state, &claim, class, selected);
    let pv_name = pv.metadata.name.clone().unwrap_or_default();
    let pv = match state.create(pv.wrap()) {
        Ok(entry) => PersistentVolume::peek(entry.object()).cloned(),
        Err(_) => state.get::<PersistentVolume>("", &pv_name),
    };
    let Some(pv) = pv else {
        return;
    };
    if !claim_ref_allows(&pv, ns, name, uid) {
        return; // a volume of that name belongs to someone else
    }
    let message = format!("Successfully provisioned volume {pv_name}");
    event(
        state,
        &claim,
        NORMAL,
        "ProvisioningSucceeded",
        &message,
        &component,
    );
    bind(state, pass, claim, pv);
}

// ---- Bound claims ----------------------------------------------------------

/// Returns whether the claim is settled.
fn bound(state: &mut SimState, pass: &mut Pass, claim: PersistentVolumeClaim) -> bool {
    let Some(volume) = claim_volume_name(&claim).map(str::to_string) else {
        return false;
    };
    let (ns, name, uid) = key(&claim);
    let (ns, name, uid) = (ns.to_string(), name.to_string(), uid.to_string());
    let Some(pv) = state.get::<PersistentVolume>("", &volume) else {
        lose(
            state,
            claim,
            "ClaimLost",
            "Bound claim has lost its PersistentVolume. Data on the volume is lost!",
        );
        return true;
    };
    match pv.spec.as_ref().and_then(|s| s.claim_ref.as_ref()) {
        None => {
            // The volume forgot its claim: the controller binds it again.
            bind(state, pass, claim, pv);
            return false;
        }
        Some(r) if r.uid.as_deref().is_some_and(|u| u != uid) => {
            lose(
                state,
                claim,
                "ClaimMisbound",
                "Two claims are bound to the same volume, this one is bound incorrectly",
            );
            return true;
        }
        Some(_) => {}
    }
    let now = state.now();
    if state
        .storage
        .record(&ns, &name)
        .is_none_or(|r| r.usage.is_none())
    {
        let capacity = claim_capacity(&claim).unwrap_or(0);
        let anchor = initial_anchor(state, &ns, &name, capacity, now);
        state.storage.record_mut(&ns, &name, &uid).usage = Some(anchor);
    }
    // Settled when no expansion is in flight.
    resize(state, pass, claim, &pv)
}

fn lose(state: &mut SimState, mut claim: PersistentVolumeClaim, reason: &str, message: &str) {
    claim
        .status
        .get_or_insert_with(PersistentVolumeClaimStatus::default)
        .phase = Some("Lost".into());
    if let Ok(claim) = state.put(claim) {
        event(state, &claim, WARNING, reason, message, PV_CONTROLLER);
    }
}

// ---- expansion -------------------------------------------------------------

/// A resize condition; `at` is the stamp of its transition.
fn condition(type_: &str, message: Option<&str>, at: Time) -> PersistentVolumeClaimCondition {
    PersistentVolumeClaimCondition {
        type_: type_.to_string(),
        status: "True".to_string(),
        last_transition_time: Some(at),
        last_probe_time: None,
        message: message.map(str::to_string),
        reason: None,
    }
}

/// Keeps only the given resize condition (or none), keeping its transition
/// time when it was already there.
fn set_resize_condition(
    status: &mut PersistentVolumeClaimStatus,
    keep: Option<PersistentVolumeClaimCondition>,
) {
    let mut conditions: Vec<_> = status
        .conditions
        .take()
        .unwrap_or_default()
        .into_iter()
        .filter(|c| {
            !matches!(c.type_.as_str(), "Resizing" | "FileSystemResizePending")
                || keep.as_ref().is_some_and(|k| k.type_ == c.type_)
        })
        .collect();
    if let Some(k) = keep
        && !conditions.iter().any(|c| c.type_ == k.type_)
    {
        conditions.push(k);
    }
    status.conditions = (!conditions.is_empty()).then_some(conditions);
}

fn set_resize_status(status: &mut PersistentVolumeClaimStatus, value: Option<&str>) {
    let mut map = status
        .allocated_resource_statuses
        .take()
        .unwrap_or_default();
    match value {
        Some(v) => {
            map.insert("storage".to_string(), v.to_string());
        }
        None => {
            map.remove("storage");
        }
    }
    status.allocated_resource_statuses = (!map.is_empty()).then_some(map);
}

/// Drives an expansion one step. Returns whether the claim has nothing in
/// flight.
fn resize(
    state: &mut SimState,
    pass: &mut Pass,
    claim: PersistentVolumeClaim,
    pv: &PersistentVolume,
) -> bool {
    let request = claim_request(&claim).unwrap_or(0);
    let Some(capacity) = claim_capacity(&claim) else {
        return true;
    };
    let status = claim.status.clone().unwrap_or_default();
    let step = status
        .allocated_resource_statuses
        .as_ref()
        .and_then(|m| m.get("storage"))
        .cloned();
    let allocated = status
        .allocated_resources
        .as_ref()
        .and_then(|m| m.get("storage"))
        .and_then(|q| crate::format::quantity::parse(&q.0).ok());
    if step.is_none() && request <= capacity {
        return true;
    }
    let Some(driver) = pv
        .spec
        .as_ref()
        .and_then(|s| s.csi.as_ref())
        .map(|c| c.driver.clone())
    else {
        // Only CSI drivers have an external resizer; nothing else expands.
        notice(
            state,
            &claim,
            "ExternalExpanding",
            NORMAL,
            "waiting for an external controller to expand this PVC",
            "volume_expand",
            false,
        );
        return false;
    };
    let t = timing(state, claim_class(&claim));
    let resizer = format!("external-resizer {driver}");
    let now = state.now();
    let (ns, name, uid) = key(&claim);
    let (ns, name, uid) = (ns.to_string(), name.to_string(), uid.to_string());
    let pv_name = pv.metadata.name.clone().unwrap_or_default();
    let target = allocated.unwrap_or(request);
    match step.as_deref() {
        Some("NodeResizePending" | "NodeResizeInProgress") if target >= request => {
            let node = pass
                .pods(state)
                .get(&(ns.clone(), name.clone()))
                .and_then(|uses| {
                    uses.iter()
                        .filter_map(|u| u.running_on.as_deref())
                        .find(|n| !state.kubelet.is_node_down(n))
                        .map(str::to_string)
                });
            let record = state.storage.record_mut(&ns, &name, &uid);
            let Some(node) = node else {
                record.node_ready_since = None;
                state.storage.wake_at(after(now, NODE_RESIZE_RECHECK));
                return false;
            };
            let since = *record.node_ready_since.get_or_insert(now);
            let due = after(since, t.file_system_resize_after);
            if now < due {
                state.storage.wake_at(due);
                return false;
            }
            finish(state, claim, target, &pv_name, Some(&node), &resizer);
        }
        Some("ControllerResizeInProgress") if allocated == Some(request) => {
            let record = state.storage.record_mut(&ns, &name, &uid);
            let since = *record.resize_since.get_or_insert(now);
            let due = after(since, t.resize_after);
            if now < due {
                state.storage.wake_at(due);
                return false;
            }
            let mut volume = pv.clone();
            volume
                .spec
                .get_or_insert_with(Default::default)
                .capacity
                .get_or_insert_with(BTreeMap::new)
                .insert("storage".into(), Quantity(format_quantity(target)));
            if state.put(volume).is_err() {
                return false;
            }
            if driver == NFS_CSI {
                // NFS has no filesystem of its own to grow on the node.
                finish(state, claim, target, &pv_name, None, &resizer);
                return false;
            }
            let mut claim = claim;
            let status = claim.status.get_or_insert_with(Default::default);
            set_resize_condition(
                status,
                Some(condition(
                    "FileSystemResizePending",
                    Some(FS_RESIZE_PENDING_MESSAGE),
                    state.now_time(),
                )),
            );
            set_resize_status(status, Some("NodeResizePending"));
            if let Ok(claim) = state.put(claim) {
                event(
                    state,
                    &claim,
                    NORMAL,
                    "FileSystemResizeRequired",
                    "Require file system resize of volume on node",
                    &resizer,
                );
            }
            let record = state.storage.record_mut(&ns, &name, &uid);
            record.resize_since = Some(now);
            record.node_ready_since = None;
            // A Pod may already be running: look again next tick.
            state.storage.wake_at(now);
        }
        _ => {
            // A new (or larger) request: the resizer starts over.
            if request <= capacity {
                // Nothing left to do (e.g. the request went back down).
                let mut claim = claim;
                let status = claim.status.get_or_insert_with(Default::default);
                set_resize_condition(status, None);
                set_resize_status(status, None);
                let _ = state.put(claim);
                return false;
            }
            let mut claim = claim;
            let status = claim.status.get_or_insert_with(Default::default);
            status
                .allocated_resources
                .get_or_insert_with(BTreeMap::new)
                .insert("storage".into(), Quantity(format_quantity(request)));
            set_resize_status(status, Some("ControllerResizeInProgress"));
            set_resize_condition(status, Some(condition("Resizing", None, state.now_time())));
            let Ok(claim) = state.put(claim) else {
                return false;
            };
            event(
                state,
                &claim,
                NORMAL,
                "ExternalExpanding",
                "waiting for an external controller to expand this PVC",
                "volume_expand",
            );
            let message = format!("External resizer is resizing volume {pv_name}");
            event(state, &claim, NORMAL, "Resizing", &message, &resizer);
            let record = state.storage.record_mut(&ns, &name, &uid);
            record.resize_since = Some(now);
            record.node_ready_since = None;
            state.storage.wake_at(after(now, t.resize_after));
        }
    }
    false
}

/// The last step of an expansion: the filesystem has the new size.
fn finish(
    state: &mut SimState,
    mut claim: PersistentVolumeClaim,
    target: u64,
    pv_name: &str,
    node: Option<&str>,
    resizer: &str,
) {
    let now = state.now();
    // Usage carries on from what the old filesystem held.
    let before = volume_stats(state, &claim);
    let (ns, name, uid) = key(&claim);
    let (ns, name, uid) = (ns.to_string(), name.to_string(), uid.to_string());
    let status = claim.status.get_or_insert_with(Default::default);
    status
        .capacity
        .get_or_insert_with(BTreeMap::new)
        .insert("storage".into(), Quantity(format_quantity(target)));
    set_resize_condition(status, None);
    set_resize_status(status, None);
    let Ok(claim) = state.put(claim) else {
        return;
    };
    let record = state.storage.record_mut(&ns, &name, &uid);
    record.resize_since = None;
    record.node_ready_since = None;
    if let Some(stats) = before {
        let growth = record.usage.and_then(|u| u.growth_per_hour);
        record.usage = Some(UsageAnchor {
            bytes: stats.used_bytes,
            at: Some(now),
            growth_per_hour: growth,
            inodes: Some(stats.inodes_used),
        });
    }
    match node {
        Some(node) => {
            let message =
                format!("MountVolume.NodeExpandVolume succeeded for volume \"{pv_name}\" {node}");
            event(
                state,
                &claim,
                NORMAL,
                "FileSystemResizeSuccessful",
                &message,
                "kubelet",
            );
        }
        None => event(
            state,
            &claim,
            NORMAL,
            "VolumeResizeSuccessful",
            "Resize volume succeeded",
            resizer,
        ),
    }
}
