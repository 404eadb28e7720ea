//! What a StatefulSet's Pods and claims look like: names, identity, the Pod
//! built from a template, the claims built from `volumeClaimTemplates`, the
//! owner references the retention policy asks for, and the Pod predicates
//! the controller decides by (upstream `stateful_set_utils.go`).

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{
    PersistentVolumeClaim, PersistentVolumeClaimVolumeSource, Pod, PodTemplateSpec, Volume,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

/// The label naming the ControllerRevision a Pod was built from.
pub const REVISION_LABEL: &str = "controller-revision-hash";
/// The label carrying the Pod's own name (for per-Pod Services).
pub const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";
/// The label carrying the Pod's ordinal.
pub const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";

/// The `<parent>-<ordinal>` split of a Pod name, as upstream's
/// `(.*)-([0-9]+)$`; `None` when there is no ordinal or it does not fit an
/// int32 (such Pods are ignored, as upstream ignores ordinal -1).
pub fn parent_and_ordinal(name: &str) -> Option<(&str, i32)> {
    let (parent, digits) = name.rsplit_once('-')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<i32>().ok().map(|ord| (parent, ord))
}

pub fn pod_name(set: &str, ordinal: i32) -> String {
    format!("{set}-{ordinal}")
}

pub fn claim_name(template: &str, set: &str, ordinal: i32) -> String {
    format!("{template}-{set}-{ordinal}")
}

pub fn phase(pod: &Pod) -> &str {
    pod.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or_default()
}

/// Created and maintained by the API server (it has a phase).
pub fn is_created(pod: &Pod) -> bool {
    !phase(pod).is_empty()
}

pub fn is_terminating(pod: &Pod) -> bool {
    pod.metadata.deletion_timestamp.is_some()
}

/// `Failed` or `Succeeded`: the Pod has stopped for good and is replaced.
pub fn has_finished(pod: &Pod) -> bool {
    matches!(phase(pod), "Failed" | "Succeeded")
}

fn ready_condition(pod: &Pod) -> Option<&k8s_openapi::api::core::v1::PodCondition> {
    pod.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "Ready")
}

fn is_ready(pod: &Pod) -> bool {
    ready_condition(pod).is_some_and(|c| c.status == "True")
}

pub fn is_running_and_ready(pod: &Pod) -> bool {
    phase(pod) == "Running" && is_ready(pod)
}

/// Ready for at least `min_ready_seconds` (upstream `IsPodAvailable`).
/// The Ready condition's time is a stamp and the wait runs on the simulated
/// clock, so `ready_by` is the stamp of (the present − `min_ready_seconds`):
/// see [`ready_by`].
pub fn is_available(pod: &Pod, min_ready_seconds: i32, ready_by: Timestamp) -> bool {
    let Some(ready) = ready_condition(pod).filter(|c| c.status == "True") else {
        return false;
    };
    if min_ready_seconds <= 0 {
        return true;
    }
    ready
        .last_transition_time
        .as_ref()
        .is_some_and(|t| t.0 < ready_by)
}

/// The stamp a Pod must have turned Ready before to be available now.
pub fn ready_by(state: &crate::sim::state::SimState, min_ready_seconds: i32) -> Timestamp {
    let wait = SignedDuration::from_secs(i64::from(min_ready_seconds.max(0)));
    state.stamp(state.now().checked_sub(wait).unwrap_or(state.now()))
}

pub fn is_running_and_available(pod: &Pod, min_ready_seconds: i32, ready_by: Timestamp) -> bool {
    is_running_and_ready(pod) && is_available(pod, min_ready_seconds, ready_by)
}

/// Not available, or on its way out (a missing Pod is unavailable too).
pub fn is_unavailable(pod: Option<&Pod>, min_ready_seconds: i32, ready_by: Timestamp) -> bool {
    pod.is_none_or(|p| {
        is_terminating(p) || !is_running_and_available(p, min_ready_seconds, ready_by)
    })
}

pub fn revision_of(pod: &Pod) -> &str {
    pod.metadata
        .labels
        .as_ref()
        .and_then(|l| l.get(REVISION_LABEL))
        .map(String::as_str)
        .unwrap_or_default()
}

pub fn controller_ref(api_version: &str, kind: &str, name: &str, uid: &str) -> OwnerReference {
    OwnerReference {
        api_version: api_version.to_string(),
        kind: kind.to_string(),
        name: name.to_string(),
        uid: uid.to_string(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

pub fn set_ref(set: &StatefulSet) -> OwnerReference {
    controller_ref(
        "apps/v1",
        "StatefulSet",
        set.metadata.name.as_deref().unwrap_or_default(),
        set.metadata.uid.as_deref().unwrap_or_default(),
    )
}

/// The Pod for `ordinal` built from `template` (the template of the
/// revision it runs), as upstream `newStatefulSetPod` + `setPodRevision`.
pub fn new_pod(set: &StatefulSet, template: &PodTemplateSpec, revision: &str, ordinal: i32) -> Pod {
    let set_name = set.metadata.name.as_deref().unwrap_or_default();
    let name = pod_name(set_name, ordinal);
    let spec_of_set = set.spec.as_ref();
    let tmeta = template.metadata.clone().unwrap_or_default();
    let mut labels = tmeta.labels.unwrap_or_default();
    labels.insert(POD_NAME_LABEL.into(), name.clone());
    labels.insert(POD_INDEX_LABEL.into(), ordinal.to_string());
    labels.insert(REVISION_LABEL.into(), revision.to_string());
    let mut spec = template.spec.clone().unwrap_or_default();
    spec.hostname = Some(name.clone());
    spec.subdomain = spec_of_set
        .and_then(|s| s.service_name.clone())
        .filter(|s| !s.is_empty());
    let claim_templates = spec_of_set
        .and_then(|s| s.volume_claim_templates.as_deref())
        .unwrap_or_default();
    let mut volumes: Vec<Volume> = claim_templates
        .iter()
        .map(|t| {
            let tname = t.metadata.name.clone().unwrap_or_default();
            Volume {
                persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                    claim_name: claim_name(&tname, set_name, ordinal),
                    read_only: None,
                }),
                name: tname,
                ..Default::default()
            }
        })
        .collect();
    for v in spec.volumes.take().unwrap_or_default() {
        if !volumes.iter().any(|c| c.name == v.name) {
            volumes.push(v);
        }
    }
    spec.volumes = (!volumes.is_empty()).then_some(volumes);
    Pod {
        metadata: ObjectMeta {
            name: Some(name),
            generate_name: Some(format!("{set_name}-")),
            namespace: set.metadata.namespace.clone(),
            labels: Some(labels),
            annotations: tmeta.annotations,
            finalizers: tmeta.finalizers,
            owner_references: Some(vec![set_ref(set)]),
            ..Default::default()
        },
        spec: Some(spec),
        status: None,
    }
}

/// The claim for `ordinal` built from one `volumeClaimTemplate`: the
/// template with the per-Pod name, the set's namespace, and the template's
/// labels plus the set's selector labels.
pub fn new_claim(
    set: &StatefulSet,
    template: &PersistentVolumeClaim,
    ordinal: i32,
) -> PersistentVolumeClaim {
    let set_name = set.metadata.name.as_deref().unwrap_or_default();
    let tname = template.metadata.name.as_deref().unwrap_or_default();
    let mut labels: BTreeMap<String, String> = template.metadata.labels.clone().unwrap_or_default();
    if let Some(selector) = set
        .spec
        .as_ref()
        .and_then(|s| s.selector.match_labels.as_ref())
    {
        labels.extend(selector.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    PersistentVolumeClaim {
        metadata: ObjectMeta {
            name: Some(claim_name(tname, set_name, ordinal)),
            namespace: set.metadata.namespace.clone(),
            labels: (!labels.is_empty()).then_some(labels),
            annotations: template.metadata.annotations.clone(),
            finalizers: template.metadata.finalizers.clone(),
            ..Default::default()
        },
        spec: template.spec.clone(),
        status: None,
    }
}

/// The PVC retention policy; anything but `Delete` means `Retain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    pub delete_when_deleted: bool,
    pub delete_when_scaled: bool,
}

impl Retention {
    pub fn of(set: &StatefulSet) -> Retention {
        let policy = set
            .spec
            .as_ref()
            .and_then(|s| s.persistent_volume_claim_retention_policy.as_ref());
        let is_delete = |v: Option<&String>| v.is_some_and(|v| v == "Delete");
        Retention {
            delete_when_deleted: is_delete(policy.and_then(|p| p.when_deleted.as_ref())),
            delete_when_scaled: is_delete(policy.and_then(|p| p.when_scaled.as_ref())),
        }
    }
}

fn matches_ref(r: &OwnerReference, api_version: &str, kind: &str, name: &str) -> bool {
    r.api_version == api_version && r.kind == kind && r.name == name
}

/// Whether the claim names the Pod `pod_name` as owner with a uid other than
/// `pod_uid` (a Pod that is gone): the garbage collector will delete it, so
/// it must not be given to a new Pod (upstream `PodClaimIsStale`).
pub fn has_stale_pod_ref(claim: &PersistentVolumeClaim, pod_name: &str, pod_uid: &str) -> bool {
    claim
        .metadata
        .owner_references
        .iter()
        .flatten()
        .any(|r| matches_ref(r, "v1", "Pod", pod_name) && r.uid != pod_uid)
}

/// The owner references the retention policy wants on a claim of `pod`
/// (upstream `updateClaimOwnerRefForSetAndPod`), when they differ from the
/// claim's: the set's own, unrelated owners first, then the set (`owner`)
/// and/or the Pod as controller. `None` when the claim is right as it is,
/// or is to be left alone (references to an earlier set or Pod of the same
/// name: the garbage collector decides those). Allocates only to change.
pub fn claim_refs_update(
    claim: &PersistentVolumeClaim,
    owner: &OwnerReference,
    pod: &Pod,
    condemned: bool,
    policy: Retention,
) -> Option<Vec<OwnerReference>> {
    let pod_name = pod.metadata.name.as_deref().unwrap_or_default();
    let pod_uid = pod.metadata.uid.as_deref().unwrap_or_default();
    let refs = claim
        .metadata
        .owner_references
        .as_deref()
        .unwrap_or_default();
    let is_set = |r: &OwnerReference| matches_ref(r, "apps/v1", "StatefulSet", &owner.name);
    let is_pod = |r: &OwnerReference| matches_ref(r, "v1", "Pod", pod_name);
    let ours = |r: &OwnerReference| is_set(r) || is_pod(r);
    if refs
        .iter()
        .any(|r| (is_set(r) && r.uid != owner.uid) || (is_pod(r) && r.uid != pod_uid))
    {
        return None;
    }
    let retain_all = !policy.delete_when_deleted && !policy.delete_when_scaled;
    let unexpected_controller =
        !retain_all && refs.iter().any(|r| !ours(r) && r.controller == Some(true));
    let (want_set, want_pod) = match (
        unexpected_controller,
        policy.delete_when_scaled,
        policy.delete_when_deleted,
    ) {
        (true, _, _) | (false, false, false) => (false, false),
        (false, false, true) => (true, false),
        (false, true, false) => (false, condemned),
        (false, true, true) => (!condemned, condemned),
    };
    let want_pod = want_pod && !pod_uid.is_empty();
    let pod_ref_ok = |r: &OwnerReference| {
        is_pod(r)
            && r.uid == pod_uid
            && r.controller == Some(true)
            && r.block_owner_deletion == Some(true)
    };
    let others = refs.iter().filter(|r| !ours(r));
    let kept = others.clone().count();
    let up_to_date = refs.len() == kept + usize::from(want_set) + usize::from(want_pod)
        && refs.iter().take(kept).eq(others.clone())
        && (!want_set || &refs[kept] == owner)
        && (!want_pod || pod_ref_ok(&refs[kept + usize::from(want_set)]));
    if up_to_date {
        return None;
    }
    let mut out: Vec<OwnerReference> = others.cloned().collect();
    if want_set {
        out.push(owner.clone());
    }
    if want_pod {
        out.push(controller_ref("v1", "Pod", pod_name, pod_uid));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_parse_like_upstream() {
        assert_eq!(parent_and_ordinal("web-0"), Some(("web", 0)));
        assert_eq!(parent_and_ordinal("my-db-12"), Some(("my-db", 12)));
        assert_eq!(parent_and_ordinal("web"), None);
        assert_eq!(parent_and_ordinal("web-"), None);
        assert_eq!(parent_and_ordinal("web-1a"), None);
        assert_eq!(parent_and_ordinal("web-99999999999"), None);
    }
}
