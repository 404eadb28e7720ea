//! What the API server does to a request before storing it: defaulting,
//! admission plugins (default StorageClass, PVC protection, resize checks)
//! and validation, with the real server's field paths and wording.

use k8s_openapi::api::apps::v1::{
    RollingUpdateStatefulSetStrategy, StatefulSet, StatefulSetPersistentVolumeClaimRetentionPolicy,
    StatefulSetSpec, StatefulSetUpdateStrategy,
};
use k8s_openapi::api::core::v1::{
    NamespaceStatus, PersistentVolumeClaim, PersistentVolumeClaimStatus, PersistentVolumeStatus,
    PodStatus,
};
use k8s_openapi::api::storage::v1::StorageClass;

use super::error::{ApiError, Cause};
use super::objects::Object;
use super::resources::Kind;
use super::select::LabelSelector;
use super::state::SimState;

pub const PVC_PROTECTION: &str = "kubernetes.io/pvc-protection";
pub const PV_PROTECTION: &str = "kubernetes.io/pv-protection";
pub const DEFAULT_CLASS_ANNOTATION: &str = "storageclass.kubernetes.io/is-default-class";

fn add_finalizer(finalizers: &mut Option<Vec<String>>, name: &str) {
    let list = finalizers.get_or_insert_with(Vec::new);
    if !list.iter().any(|f| f == name) {
        list.push(name.to_string());
    }
}

/// The default StorageClass: with several, the newest wins (as since 1.26).
pub fn default_storage_class(state: &SimState) -> Option<StorageClass> {
    state
        .store
        .list_typed::<StorageClass>(None)
        .filter(|sc| {
            sc.metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get(DEFAULT_CLASS_ANNOTATION))
                .is_some_and(|v| v == "true")
        })
        .max_by(|a, b| {
            a.metadata
                .creation_timestamp
                .cmp(&b.metadata.creation_timestamp)
                .then_with(|| b.metadata.name.cmp(&a.metadata.name))
        })
        .cloned()
}

pub fn default_on_create(state: &SimState, object: &mut Object) {
    match object {
        Object::PersistentVolumeClaim(pvc) => default_claim(state, pvc),
        Object::PersistentVolume(pv) => {
            add_finalizer(&mut pv.metadata.finalizers, PV_PROTECTION);
            let status = pv
                .status
                .get_or_insert_with(PersistentVolumeStatus::default);
            status.phase.get_or_insert_with(|| "Pending".to_string());
            let spec = pv.spec.get_or_insert_with(Default::default);
            spec.persistent_volume_reclaim_policy
                .get_or_insert_with(|| "Retain".to_string());
            spec.volume_mode
                .get_or_insert_with(|| "Filesystem".to_string());
        }
        Object::Pod(pod) => {
            let status = pod.status.get_or_insert_with(PodStatus::default);
            status.phase.get_or_insert_with(|| "Pending".to_string());
            let spec = pod.spec.get_or_insert_with(Default::default);
            spec.restart_policy.get_or_insert_with(|| "Always".into());
            spec.termination_grace_period_seconds.get_or_insert(30);
            spec.scheduler_name
                .get_or_insert_with(|| "default-scheduler".into());
            add_default_tolerations(spec);
        }
        Object::StatefulSet(sts) => default_statefulset(sts),
        Object::Namespace(ns) => {
            let status = ns.status.get_or_insert_with(NamespaceStatus::default);
            status.phase.get_or_insert_with(|| "Active".to_string());
        }
        Object::StorageClass(sc) => {
            sc.reclaim_policy.get_or_insert_with(|| "Delete".into());
            sc.volume_binding_mode
                .get_or_insert_with(|| "Immediate".into());
        }
        _ => {}
    }
}

/// DefaultTolerationSeconds: Pods tolerate a not-ready or unreachable node
/// for 300s before the taint manager evicts them.
fn add_default_tolerations(spec: &mut k8s_openapi::api::core::v1::PodSpec) {
    let tolerations = spec.tolerations.get_or_insert_with(Vec::new);
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        let covered = tolerations.iter().any(|t| {
            (t.key.as_deref() == Some(key)
                || (t.key.is_none() && t.operator.as_deref() == Some("Exists")))
                && t.effect.as_deref().is_none_or(|e| e == "NoExecute")
        });
        if !covered {
            tolerations.push(k8s_openapi::api::core::v1::Toleration {
                key: Some(key.to_string()),
                operator: Some("Exists".into()),
                effect: Some("NoExecute".into()),
                toleration_seconds: Some(300),
                value: None,
            });
        }
    }
}

fn default_claim(state: &SimState, pvc: &mut PersistentVolumeClaim) {
    add_finalizer(&mut pvc.metadata.finalizers, PVC_PROTECTION);
    let spec = pvc.spec.get_or_insert_with(Default::default);
    spec.volume_mode.get_or_insert_with(|| "Filesystem".into());
    // DefaultStorageClass admission: only when the field is absent; an
    // explicit "" means "no class" and stays.
    if spec.storage_class_name.is_none()
        && spec.volume_name.is_none()
        && let Some(sc) = default_storage_class(state)
    {
        spec.storage_class_name = sc.metadata.name;
    }
    let status = pvc
        .status
        .get_or_insert_with(PersistentVolumeClaimStatus::default);
    status.phase.get_or_insert_with(|| "Pending".to_string());
}

fn default_statefulset(sts: &mut StatefulSet) {
    let spec = sts.spec.get_or_insert_with(StatefulSetSpec::default);
    spec.replicas.get_or_insert(1);
    spec.pod_management_policy
        .get_or_insert_with(|| "OrderedReady".into());
    spec.revision_history_limit.get_or_insert(10);
    let strategy = spec
        .update_strategy
        .get_or_insert_with(StatefulSetUpdateStrategy::default);
    let kind = strategy.type_.get_or_insert_with(|| "RollingUpdate".into());
    if kind == "RollingUpdate" {
        strategy
            .rolling_update
            .get_or_insert_with(RollingUpdateStatefulSetStrategy::default)
            .partition
            .get_or_insert(0);
    }
    let retention = spec
        .persistent_volume_claim_retention_policy
        .get_or_insert_with(StatefulSetPersistentVolumeClaimRetentionPolicy::default);
    retention
        .when_deleted
        .get_or_insert_with(|| "Retain".into());
    retention.when_scaled.get_or_insert_with(|| "Retain".into());
    for template in spec.volume_claim_templates.iter_mut().flatten() {
        let s = template.spec.get_or_insert_with(Default::default);
        s.volume_mode.get_or_insert_with(|| "Filesystem".into());
    }
    if let Some(pod) = spec.template.spec.as_mut() {
        pod.restart_policy.get_or_insert_with(|| "Always".into());
        pod.termination_grace_period_seconds.get_or_insert(30);
        pod.scheduler_name
            .get_or_insert_with(|| "default-scheduler".into());
    }
}

/// DNS-1123 subdomain: what most object names must be.
pub fn is_dns_subdomain(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

pub fn validate_create(_state: &SimState, object: &Object) -> Result<(), ApiError> {
    let name = object.name();
    let kind = object.kind();
    if !is_dns_subdomain(name) {
        return Err(ApiError::invalid(
            kind,
            name,
            vec![Cause::invalid(
                "metadata.name",
                format!("\"{name}\""),
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
            )],
        ));
    }
    if let Object::StatefulSet(sts) = object {
        let causes = statefulset_causes(sts);
        if !causes.is_empty() {
            return Err(ApiError::invalid(kind, name, causes));
        }
    }
    Ok(())
}

fn statefulset_causes(sts: &StatefulSet) -> Vec<Cause> {
    let mut causes = Vec::new();
    let Some(spec) = sts.spec.as_ref() else {
        return vec![Cause::required("spec")];
    };
    if let Some(r) = spec.replicas
        && r < 0
    {
        causes.push(Cause::invalid(
            "spec.replicas",
            r,
            "must be greater than or equal to 0",
        ));
    }
    if let Some(p) = spec.pod_management_policy.as_deref()
        && p != "OrderedReady"
        && p != "Parallel"
    {
        causes.push(Cause {
            reason: "FieldValueNotSupported",
            field: "spec.podManagementPolicy".into(),
            message: format!(
                "Unsupported value: \"{p}\": supported values: \"OrderedReady\", \"Parallel\""
            ),
        });
    }
    if let Some(strategy) = spec.update_strategy.as_ref() {
        match strategy.type_.as_deref() {
            Some("RollingUpdate") | None => {}
            Some("OnDelete") => {
                if strategy.rolling_update.is_some() {
                    causes.push(Cause::invalid(
                        "spec.updateStrategy.rollingUpdate",
                        "{…}",
                        "only allowed for updateStrategy 'RollingUpdate'",
                    ));
                }
            }
            Some(other) => causes.push(Cause {
                reason: "FieldValueNotSupported",
                field: "spec.updateStrategy.type".into(),
                message: format!(
                    "Unsupported value: \"{other}\": supported values: \"OnDelete\", \"RollingUpdate\""
                ),
            }),
        }
        if let Some(ru) = strategy.rolling_update.as_ref() {
            if let Some(p) = ru.partition
                && p < 0
            {
                causes.push(Cause::invalid(
                    "spec.updateStrategy.rollingUpdate.partition",
                    p,
                    "must be greater than or equal to 0",
                ));
            }
            if let Some(k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(m)) =
                ru.max_unavailable
                && m < 1
            {
                causes.push(Cause::invalid(
                    "spec.updateStrategy.rollingUpdate.maxUnavailable",
                    m,
                    "must be greater than 0",
                ));
            }
        }
    }
    if let Some(start) = spec.ordinals.as_ref().and_then(|o| o.start)
        && start < 0
    {
        causes.push(Cause::invalid(
            "spec.ordinals.start",
            start,
            "must be greater than or equal to 0",
        ));
    }
    let labels = spec
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.as_ref());
    let selector = spec.selector.match_labels.as_ref();
    match selector {
        None => causes.push(Cause::required("spec.selector")),
        Some(sel) if sel.is_empty() => causes.push(Cause::invalid(
            "spec.selector",
            "{}",
            "empty selector is invalid for statefulset",
        )),
        Some(sel) => {
            if !LabelSelector::from_map(sel).matches(labels) {
                causes.push(Cause::invalid(
                    "spec.template.metadata.labels",
                    go_string_map(labels),
                    "`selector` does not match template `labels`",
                ));
            }
        }
    }
    if spec
        .template
        .spec
        .as_ref()
        .is_none_or(|s| s.containers.is_empty())
    {
        causes.push(Cause::required("spec.template.spec.containers"));
    }
    causes
}

pub fn validate_update(state: &SimState, old: &Object, new: &Object) -> Result<(), ApiError> {
    let name = new.name();
    match (old, new) {
        (Object::StatefulSet(a), Object::StatefulSet(b)) => {
            let mut causes = statefulset_causes(b);
            if !only_mutable_statefulset_fields_changed(a, b) {
                causes.push(Cause::forbidden(
                    "spec",
                    // v1.34's text (pkg/apis/apps/validation): revisionHistoryLimit is not mutable yet.
                    "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
                ));
            }
            if !causes.is_empty() {
                return Err(ApiError::invalid(Kind::StatefulSet, name, causes));
            }
        }
        (Object::PersistentVolumeClaim(a), Object::PersistentVolumeClaim(b)) => {
            validate_claim_update(state, a, b)?;
        }
        _ => {}
    }
    Ok(())
}

fn only_mutable_statefulset_fields_changed(old: &StatefulSet, new: &StatefulSet) -> bool {
    let strip = |s: &StatefulSet| {
        let mut spec = s.spec.clone().unwrap_or_default();
        spec.replicas = None;
        spec.ordinals = None;
        spec.template = Default::default();
        spec.update_strategy = None;
        spec.persistent_volume_claim_retention_policy = None;
        spec.min_ready_seconds = None;
        spec
    };
    strip(old) == strip(new)
}

fn storage_request(pvc: &PersistentVolumeClaim) -> Option<u64> {
    let q = pvc
        .spec
        .as_ref()?
        .resources
        .as_ref()?
        .requests
        .as_ref()?
        .get("storage")?;
    crate::format::quantity::parse(&q.0).ok()
}

fn validate_claim_update(
    state: &SimState,
    old: &PersistentVolumeClaim,
    new: &PersistentVolumeClaim,
) -> Result<(), ApiError> {
    let name = new.metadata.name.clone().unwrap_or_default();
    let strip = |c: &PersistentVolumeClaim| {
        let mut spec = c.spec.clone().unwrap_or_default();
        if let Some(r) = spec.resources.as_mut() {
            r.requests = None;
        }
        spec.volume_attributes_class_name = None;
        // Binding fills volumeName in; the controller may set it once.
        if old
            .spec
            .as_ref()
            .and_then(|s| s.volume_name.as_ref())
            .is_none()
        {
            spec.volume_name = None;
        }
        spec
    };
    if strip(old) != strip(new) {
        return Err(ApiError::invalid(
            Kind::PersistentVolumeClaim,
            &name,
            vec![Cause::forbidden(
                "spec",
                "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
            )],
        ));
    }
    let (before, after) = (storage_request(old), storage_request(new));
    if before == after {
        return Ok(());
    }
    let capacity = old
        .status
        .as_ref()
        .and_then(|s| s.capacity.as_ref())
        .and_then(|c| c.get("storage"))
        .and_then(|q| crate::format::quantity::parse(&q.0).ok());
    if let (Some(after), Some(cap)) = (after, capacity)
        && after < cap
    {
        return Err(ApiError::invalid(
            Kind::PersistentVolumeClaim,
            &name,
            vec![Cause::forbidden(
                "spec.resources.requests.storage",
                "field can not be less than status.capacity",
            )],
        ));
    }
    let bound = old.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Bound");
    let class_allows = old
        .spec
        .as_ref()
        .and_then(|s| s.storage_class_name.as_ref())
        .and_then(|c| state.get::<StorageClass>("", c))
        .is_some_and(|sc| sc.allow_volume_expansion == Some(true));
    if !bound {
        return Err(ApiError::invalid(
            Kind::PersistentVolumeClaim,
            &name,
            vec![Cause::forbidden(
                "spec",
                "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
            )],
        ));
    }
    if !class_allows {
        return Err(ApiError {
            code: 403,
            reason: "Forbidden",
            message: format!(
                "persistentvolumeclaims \"{name}\" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize"
            ),
            details: Some(serde_json::json!({"name": name, "kind": "persistentvolumeclaims"})),
        });
    }
    Ok(())
}

/// A label map as Go's `%#v` prints it in the real message:
/// `map[string]string{"app":"other"}` (keys sorted, as Go sorts them).
fn go_string_map(labels: Option<&std::collections::BTreeMap<String, String>>) -> String {
    let pairs: Vec<String> = labels
        .into_iter()
        .flatten()
        .map(|(k, v)| {
            format!(
                "{}:{}",
                serde_json::Value::from(k.as_str()),
                serde_json::Value::from(v.as_str())
            )
        })
        .collect();
    format!("map[string]string{{{}}}", pairs.join(", "))
}
