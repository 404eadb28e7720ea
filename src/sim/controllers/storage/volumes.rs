//! PersistentVolumes: phases, reclaim and pv-protection.

use k8s_openapi::api::core::v1::{PersistentVolume, PersistentVolumeClaim};

use super::claims::pv_set_phase;
use super::util::*;
use crate::sim::admission::PV_PROTECTION;
use crate::sim::objects::Typed;
use crate::sim::resources::Kind;
use crate::sim::state::SimState;

fn reclaim_policy(pv: &PersistentVolume) -> &str {
    pv.spec
        .as_ref()
        .and_then(|s| s.persistent_volume_reclaim_policy.as_deref())
        .unwrap_or("Retain")
}

/// The claim a volume's claimRef names, if it is still the same claim.
fn referenced_claim<'a>(
    state: &'a SimState,
    pv: &PersistentVolume,
) -> Option<&'a PersistentVolumeClaim> {
    let r = pv.spec.as_ref()?.claim_ref.as_ref()?;
    let claim = state.store.get_typed::<PersistentVolumeClaim>(
        r.namespace.as_deref().unwrap_or_default(),
        r.name.as_deref().unwrap_or_default(),
    )?;
    (claim.metadata.uid == r.uid).then_some(claim)
}

fn settled(state: &SimState, pv: &PersistentVolume) -> bool {
    if pv.metadata.deletion_timestamp.is_some() {
        return false;
    }
    let claim_ref = pv.spec.as_ref().and_then(|s| s.claim_ref.as_ref());
    match (pv_phase(pv), claim_ref) {
        ("Available", None) => true,
        ("Available", Some(r)) => r.uid.is_none(),
        ("Bound", Some(_)) => referenced_claim(state, pv)
            .is_some_and(|c| claim_volume_name(c) == pv.metadata.name.as_deref()),
        ("Released", Some(_)) => !matches!(reclaim_policy(pv), "Delete" | "Recycle"),
        ("Failed", _) => true,
        _ => false,
    }
}

fn set_phase(
    state: &mut SimState,
    mut pv: PersistentVolume,
    phase: &str,
) -> Option<PersistentVolume> {
    if pv_phase(&pv) == phase && pv.status.as_ref().and_then(|s| s.phase.as_ref()).is_some() {
        return Some(pv);
    }
    pv_set_phase(&mut pv, phase, state.now_time());
    state.put(pv).ok()
}

/// Looks at one volume. Returns whether it is settled: nothing to do until
/// it or its claim changes.
pub(super) fn sync(state: &mut SimState, name: &str) -> bool {
    sync_volume(state, name);
    state
        .store
        .get_typed::<PersistentVolume>("", name)
        .is_none_or(|pv| settled(state, pv))
}

fn sync_volume(state: &mut SimState, name: &str) {
    let Some(pv) = state.get::<PersistentVolume>("", name) else {
        return;
    };
    if pv.metadata.deletion_timestamp.is_some() && pv_phase(&pv) != "Bound" {
        // pv-protection lets go of volumes nobody is bound to; the
        // provisioner has deleted the backing volume.
        let _ = state.remove_finalizer(Kind::PersistentVolume, "", name, PROVISIONER_FINALIZER);
        let _ = state.remove_finalizer(Kind::PersistentVolume, "", name, PV_PROTECTION);
        return;
    }
    let Some(claim_ref) = pv.spec.as_ref().and_then(|s| s.claim_ref.clone()) else {
        set_phase(state, pv, "Available");
        return;
    };
    if claim_ref.uid.is_none() {
        // Pre-bound by an administrator: waits for that claim.
        set_phase(state, pv, "Available");
        return;
    }
    let Some(claim) = referenced_claim(state, &pv).cloned() else {
        release(state, pv);
        return;
    };
    match claim_volume_name(&claim) {
        Some(v) if v == name => {
            set_phase(state, pv, "Bound");
        }
        // The claim is not bound yet: the claim side finishes the binding.
        None => {}
        // The claim went to another volume: undo a binding we made.
        Some(_) if annotation(&pv.metadata, ANN_BOUND_BY_CONTROLLER) == Some("yes") => {
            let mut pv = pv;
            if let Some(spec) = pv.spec.as_mut() {
                spec.claim_ref = None;
            }
            if let Some(a) = pv.metadata.annotations.as_mut() {
                a.remove(ANN_BOUND_BY_CONTROLLER);
            }
            pv_set_phase(&mut pv, "Available", state.now_time());
            let _ = state.put(pv);
        }
        Some(_) => {}
    }
}

/// The claim is gone: the volume is Released, then reclaimed per policy.
fn release(state: &mut SimState, pv: PersistentVolume) {
    if matches!(pv_phase(&pv), "Failed") {
        return;
    }
    let Some(pv) = set_phase(state, pv, "Released") else {
        return;
    };
    let name = pv.metadata.name.clone().unwrap_or_default();
    match reclaim_policy(&pv) {
        "Delete" => {
            let Some(provisioner) =
                annotation(&pv.metadata, ANN_PROVISIONED_BY).map(str::to_string)
            else {
                // Only a provisioner can delete what it made; a static
                // volume with Delete fails as with no deletable plugin.
                let message = format!(
                    "error getting deleter volume plugin for volume \"{name}\": no deletable volume plugin matched"
                );
                let mut failed = pv.clone();
                pv_set_phase(&mut failed, "Failed", state.now_time());
                if let Some(s) = failed.status.as_mut() {
                    s.message = Some(message.clone());
                }
                if let Ok(failed) = state.put(failed) {
                    state.record_event(
                        &failed.wrap(),
                        WARNING,
                        "VolumeFailedDelete",
                        &message,
                        PV_CONTROLLER,
                    );
                }
                return;
            };
            let claim = pv
                .spec
                .as_ref()
                .and_then(|s| s.claim_ref.as_ref())
                .map(|r| {
                    format!(
                        "{}/{}",
                        r.namespace.as_deref().unwrap_or_default(),
                        r.name.as_deref().unwrap_or_default()
                    )
                })
                .unwrap_or_default();
            let message = format!(
                "Deleted volume {name}: its claim {claim} is gone and the reclaim policy is Delete"
            );
            let component = super::claims::provisioner_component(&provisioner);
            state.record_event(
                &pv.clone().wrap(),
                NORMAL,
                "VolumeDeleted",
                &message,
                &component,
            );
            if state
                .delete(Kind::PersistentVolume, "", &name, None)
                .is_ok()
            {
                let _ = state.remove_finalizer(
                    Kind::PersistentVolume,
                    "",
                    &name,
                    PROVISIONER_FINALIZER,
                );
                let _ = state.remove_finalizer(Kind::PersistentVolume, "", &name, PV_PROTECTION);
            }
        }
        "Recycle" => {
            let mut pv = pv;
            if let Some(spec) = pv.spec.as_mut() {
                spec.claim_ref = None;
            }
            pv_set_phase(&mut pv, "Available", state.now_time());
            if let Ok(pv) = state.put(pv) {
                state.record_event(
                    &pv.wrap(),
                    NORMAL,
                    "VolumeRecycled",
                    "Volume recycled",
                    PV_CONTROLLER,
                );
            }
        }
        _ => {}
    }
}
