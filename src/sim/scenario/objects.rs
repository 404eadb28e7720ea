//! The Kubernetes objects of a scenario file: each is read into its
//! k8s-openapi type (which checks types and names the bad field), checked
//! the way the API server would refuse it, and recorded in a [`Model`] of
//! what the file defines, for the Scenario document's references.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::{apps::v1 as apps, core::v1 as core, storage::v1 as storage};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::SUPPORTED_KINDS;
use super::error::{Location, ScenarioError, list_or_none};

/// A StatefulSet as the Scenario document's references need it.
#[derive(Debug, Default)]
pub struct StatefulSetInfo {
    pub containers: Vec<String>,
    /// (template name, storageClassName, requested bytes)
    pub templates: Vec<(String, Option<String>, u64)>,
}

#[derive(Debug, Clone)]
pub struct ClaimInfo {
    pub class: Option<String>,
    pub request: u64,
}

/// What one file defines, for reference checks.
#[derive(Debug, Default)]
pub struct Model {
    /// (kind, namespace or "", name) → document
    pub keys: BTreeMap<(String, String, String), usize>,
    pub namespaces: BTreeSet<String>,
    pub statefulsets: BTreeMap<(String, String), StatefulSetInfo>,
    pub pods: BTreeMap<(String, String), Vec<String>>,
    pub claims: BTreeMap<(String, String), ClaimInfo>,
    /// class → allowVolumeExpansion
    pub classes: BTreeMap<String, bool>,
}

impl Model {
    pub fn has(&self, kind: &str, namespace: &str, name: &str) -> bool {
        self.keys
            .contains_key(&(kind.to_string(), namespace.to_string(), name.to_string()))
    }

    pub fn statefulset_names(&self, namespace: &str) -> String {
        list_or_none(
            self.statefulsets
                .keys()
                .filter(|(ns, _)| ns == namespace)
                .map(|(_, n)| n.as_str()),
        )
    }

    /// Containers of a Pod defined in the file or of an ordinal `<sts>-<n>`.
    pub fn pod_containers(&self, namespace: &str, pod: &str) -> Option<&[String]> {
        if let Some(c) = self.pods.get(&(namespace.to_string(), pod.to_string())) {
            return Some(c);
        }
        let (sts, ordinal) = pod.rsplit_once('-')?;
        if !is_ordinal(ordinal) {
            return None;
        }
        self.statefulsets
            .get(&(namespace.to_string(), sts.to_string()))
            .map(|s| s.containers.as_slice())
    }

    /// A claim defined in the file or `<template>-<sts>-<n>` of a StatefulSet.
    pub fn claim(&self, namespace: &str, claim: &str) -> Option<ClaimInfo> {
        if let Some(c) = self.claims.get(&(namespace.to_string(), claim.to_string())) {
            return Some(c.clone());
        }
        for ((ns, sts), info) in &self.statefulsets {
            if ns != namespace {
                continue;
            }
            for (template, class, request) in &info.templates {
                let prefix = format!("{template}-{sts}-");
                if claim.strip_prefix(&prefix).is_some_and(is_ordinal) {
                    return Some(ClaimInfo {
                        class: class.clone(),
                        request: *request,
                    });
                }
            }
        }
        None
    }
}

fn is_ordinal(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
}

/// A DNS-1123 subdomain (object names); `label` additionally forbids dots and caps at 63.
pub fn check_dns_name(name: &str, label: bool) -> Result<(), String> {
    let max = if label { 63 } else { 253 };
    if name.is_empty() {
        return Err("must not be empty".into());
    }
    if name.len() > max {
        return Err(format!("must be at most {max} characters"));
    }
    let ok_chars = name.bytes().all(|b| {
        b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || (!label && b == b'.')
    });
    let ends_ok = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if !ok_chars || !ends_ok(name.as_bytes()[0]) || !ends_ok(name.as_bytes()[name.len() - 1]) {
        return Err(format!(
            "`{name}` is not a valid name (lowercase letters, digits and '-'{}, starting and ending with a letter or digit)",
            if label { "" } else { " or '.'" }
        ));
    }
    Ok(())
}

pub fn object_label(kind: &str, namespace: &str, name: &str) -> String {
    if namespace.is_empty() {
        format!("{kind} {name}")
    } else {
        format!("{kind} {namespace}/{name}")
    }
}

/// Reads `value` into `T`; a bad field becomes an error naming its path.
pub fn typed<T: DeserializeOwned>(
    value: &Value,
    at: &Location,
    what: &str,
) -> Result<T, ScenarioError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let field = e.path().to_string();
        ScenarioError::InvalidField {
            at: Box::new(at.clone()),
            field: if field == "." { String::new() } else { field },
            message: format!("{what}{}", e.into_inner()),
        }
    })
}

/// Errors that name a field of one object.
struct Fields<'a>(&'a Location);

impl Fields<'_> {
    fn invalid(&self, field: &str, message: impl Into<String>) -> ScenarioError {
        ScenarioError::InvalidField {
            at: Box::new(self.0.clone()),
            field: field.to_string(),
            message: message.into(),
        }
    }

    fn missing(&self, field: &str) -> ScenarioError {
        ScenarioError::MissingField {
            at: Box::new(self.0.clone()),
            field: field.to_string(),
        }
    }

    fn one_of(
        &self,
        field: &str,
        value: Option<&str>,
        allowed: &[&str],
    ) -> Result<(), ScenarioError> {
        match value {
            Some(v) if !allowed.contains(&v) => {
                Err(self.invalid(field, format!("`{v}` is not one of {}", allowed.join(", "))))
            }
            _ => Ok(()),
        }
    }

    /// A required quantity in bytes.
    fn quantity(&self, field: &str, q: Option<&Quantity>) -> Result<u64, ScenarioError> {
        let q = q.ok_or_else(|| self.missing(field))?;
        crate::format::quantity::parse(&q.0)
            .map_err(|reason| self.invalid(field, format!("invalid quantity `{}`: {reason}", q.0)))
    }
}

/// Checks one object document, fills in its namespace from the scenario's
/// when it has none, and records it in the model.
pub fn check_object(
    doc_at: &Location,
    mut map: Map<String, Value>,
    kind: &str,
    api_version: &str,
    default_namespace: Option<&str>,
    model: &mut Model,
) -> Result<Value, ScenarioError> {
    let f = Fields(doc_at);
    let Some(&(_, expected_api, namespaced)) = SUPPORTED_KINDS.iter().find(|(k, _, _)| *k == kind)
    else {
        return Err(ScenarioError::UnknownKind {
            at: Box::new(doc_at.clone()),
            kind: kind.to_string(),
        });
    };
    if api_version != expected_api {
        return Err(ScenarioError::WrongApiVersion {
            at: Box::new(doc_at.clone()),
            kind: kind.to_string(),
            api_version: api_version.to_string(),
            expected: expected_api.to_string(),
        });
    }
    let metadata = match map.get("metadata") {
        None => return Err(f.missing("metadata")),
        Some(Value::Object(m)) => m,
        Some(_) => return Err(f.invalid("metadata", "expected a mapping")),
    };
    let name = match metadata.get("name") {
        None | Some(Value::Null) => return Err(f.missing("metadata.name")),
        Some(Value::String(s)) => s.clone(),
        Some(v) => return Err(f.invalid("metadata.name", format!("expected a string, found {v}"))),
    };
    let label_only = matches!(kind, "Namespace" | "Service" | "StatefulSet");
    check_dns_name(&name, label_only).map_err(|m| f.invalid("metadata.name", m))?;
    let at = doc_at.with_object(format!("{kind} {name}"));
    let f = Fields(&at);

    for key in [
        "uid",
        "resourceVersion",
        "creationTimestamp",
        "generation",
        "managedFields",
        "deletionTimestamp",
        "selfLink",
    ] {
        if metadata.contains_key(key) {
            return Err(f.invalid(
                &format!("metadata.{key}"),
                "set by the API server; leave it out of scenario files",
            ));
        }
    }
    if kind != "Node" && map.contains_key("status") {
        return Err(f.invalid(
            "status",
            "written by controllers; only Nodes may carry a status (capacity/allocatable) in scenario files",
        ));
    }

    let written_namespace = match metadata.get("namespace") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(v) => {
            return Err(f.invalid(
                "metadata.namespace",
                format!("expected a string, found {v}"),
            ));
        }
    };
    let namespace = match (namespaced, written_namespace) {
        (true, Some(ns)) => ns,
        (true, None) => {
            let Some(ns) = default_namespace else {
                return Err(f.invalid(
                    "metadata.namespace",
                    format!("{kind} is namespaced: set metadata.namespace or spec.namespace in the Scenario document"),
                ));
            };
            if let Some(Value::Object(metadata)) = map.get_mut("metadata") {
                metadata.insert("namespace".into(), Value::String(ns.to_string()));
            }
            ns.to_string()
        }
        (false, Some(_)) => {
            return Err(f.invalid(
                "metadata.namespace",
                format!("{kind} is cluster-scoped and takes no namespace"),
            ));
        }
        (false, None) => String::new(),
    };

    let key = (kind.to_string(), namespace.clone(), name.clone());
    if let Some(first) = model.keys.get(&key) {
        return Err(ScenarioError::DuplicateObject {
            at: Box::new(doc_at.clone()),
            object: object_label(kind, &namespace, &name),
            first_document: *first,
        });
    }
    model.keys.insert(key, doc_at.document);

    let value = Value::Object(map);
    let what = format!("not a valid {kind}: ");
    match kind {
        "Namespace" => {
            typed::<core::Namespace>(&value, &at, &what)?;
            model.namespaces.insert(name);
        }
        "StorageClass" => {
            let class: storage::StorageClass = typed(&value, &at, &what)?;
            if class.provisioner.is_empty() {
                return Err(f.missing("provisioner"));
            }
            let modes = ["Immediate", "WaitForFirstConsumer"];
            f.one_of(
                "volumeBindingMode",
                class.volume_binding_mode.as_deref(),
                &modes,
            )?;
            f.one_of(
                "reclaimPolicy",
                class.reclaim_policy.as_deref(),
                &["Delete", "Retain"],
            )?;
            let expansion = class.allow_volume_expansion.unwrap_or(false);
            model.classes.insert(name, expansion);
        }
        "PersistentVolume" => {
            let pv: core::PersistentVolume = typed(&value, &at, &what)?;
            let spec = pv.spec.unwrap_or_default();
            let capacity = spec.capacity.ok_or_else(|| f.missing("spec.capacity"))?;
            f.quantity("spec.capacity.storage", capacity.get("storage"))?;
            f.one_of(
                "spec.persistentVolumeReclaimPolicy",
                spec.persistent_volume_reclaim_policy.as_deref(),
                &["Delete", "Retain", "Recycle"],
            )?;
        }
        "PersistentVolumeClaim" => {
            let pvc: core::PersistentVolumeClaim = typed(&value, &at, &what)?;
            let spec = pvc.spec.unwrap_or_default();
            let request = claim_request(&f, &spec, "spec")?;
            let class = spec.storage_class_name;
            model
                .claims
                .insert((namespace, name), ClaimInfo { class, request });
        }
        "Pod" => {
            let pod: core::Pod = typed(&value, &at, &what)?;
            let spec = pod.spec.ok_or_else(|| f.missing("spec"))?;
            let containers = container_names(&f, &spec, "spec")?;
            model.pods.insert((namespace, name), containers);
        }
        "StatefulSet" => {
            let sts: apps::StatefulSet = typed(&value, &at, &what)?;
            let info = check_statefulset(&f, sts.spec.ok_or_else(|| f.missing("spec"))?)?;
            model.statefulsets.insert((namespace, name), info);
        }
        "Node" => drop(typed::<core::Node>(&value, &at, &what)?),
        "Service" => drop(typed::<core::Service>(&value, &at, &what)?),
        "ConfigMap" => drop(typed::<core::ConfigMap>(&value, &at, &what)?),
        _ => {}
    }
    Ok(value)
}

fn claim_request(
    f: &Fields<'_>,
    spec: &core::PersistentVolumeClaimSpec,
    field: &str,
) -> Result<u64, ScenarioError> {
    let resources = spec
        .resources
        .as_ref()
        .ok_or_else(|| f.missing(&format!("{field}.resources")))?;
    let requests = resources
        .requests
        .as_ref()
        .ok_or_else(|| f.missing(&format!("{field}.resources.requests")))?;
    f.quantity(
        &format!("{field}.resources.requests.storage"),
        requests.get("storage"),
    )
}

fn container_names(
    f: &Fields<'_>,
    pod_spec: &core::PodSpec,
    field: &str,
) -> Result<Vec<String>, ScenarioError> {
    let containers_field = format!("{field}.containers");
    if pod_spec.containers.is_empty() {
        return Err(f.invalid(&containers_field, "needs at least one container"));
    }
    let mut names: Vec<String> = Vec::new();
    for (i, c) in pod_spec.containers.iter().enumerate() {
        let name_field = format!("{containers_field}[{i}].name");
        if c.name.is_empty() {
            return Err(f.missing(&name_field));
        }
        if names.contains(&c.name) {
            return Err(f.invalid(
                &name_field,
                format!("duplicate container name `{}`", c.name),
            ));
        }
        names.push(c.name.clone());
    }
    Ok(names)
}

fn check_statefulset(
    f: &Fields<'_>,
    spec: apps::StatefulSetSpec,
) -> Result<StatefulSetInfo, ScenarioError> {
    let selector = &spec.selector;
    let labels = spec
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.clone())
        .unwrap_or_default();
    if labels.is_empty() {
        return Err(f.missing("spec.template.metadata.labels"));
    }
    if selector
        .match_labels
        .as_ref()
        .is_none_or(BTreeMap::is_empty)
        && selector.match_expressions.is_none()
    {
        return Err(f.invalid(
            "spec.selector",
            "an empty selector would select every Pod; set matchLabels",
        ));
    }
    if !crate::sim::select::label_selector_matches(Some(selector), Some(&labels)) {
        return Err(f.invalid(
            "spec.selector",
            format!(
                "does not match the template labels {{{}}}; the API server rejects this (`selector` does not match template `labels`)",
                labels.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    f.one_of(
        "spec.podManagementPolicy",
        spec.pod_management_policy.as_deref(),
        &["OrderedReady", "Parallel"],
    )?;
    if let Some(strategy) = &spec.update_strategy {
        f.one_of(
            "spec.updateStrategy.type",
            strategy.type_.as_deref(),
            &["RollingUpdate", "OnDelete"],
        )?;
    }
    let pod_spec = spec
        .template
        .spec
        .as_ref()
        .ok_or_else(|| f.missing("spec.template.spec"))?;
    let containers = container_names(f, pod_spec, "spec.template.spec")?;

    let mut templates: Vec<(String, Option<String>, u64)> = Vec::new();
    for (i, t) in spec.volume_claim_templates.iter().flatten().enumerate() {
        let meta_path = format!("spec.volumeClaimTemplates[{i}].metadata");
        let name = t
            .metadata
            .name
            .clone()
            .ok_or_else(|| f.missing(&format!("{meta_path}.name")))?;
        check_dns_name(&name, true).map_err(|m| f.invalid(&format!("{meta_path}.name"), m))?;
        if templates.iter().any(|(n, _, _)| *n == name) {
            return Err(f.invalid(
                &format!("{meta_path}.name"),
                format!("duplicate claim template `{name}`"),
            ));
        }
        let spec_path = format!("spec.volumeClaimTemplates[{i}].spec");
        let tspec = t.spec.as_ref().ok_or_else(|| f.missing(&spec_path))?;
        let request = claim_request(f, tspec, &spec_path)?;
        templates.push((name, tspec.storage_class_name.clone(), request));
    }

    // Every volumeMount names a pod volume or a claim template (the API server checks this too).
    let mut volumes: BTreeSet<&str> = templates.iter().map(|(n, _, _)| n.as_str()).collect();
    volumes.extend(pod_spec.volumes.iter().flatten().map(|v| v.name.as_str()));
    let groups = [
        (
            "initContainers",
            pod_spec.init_containers.as_deref().unwrap_or_default(),
        ),
        ("containers", pod_spec.containers.as_slice()),
    ];
    for (key, containers) in groups {
        for (i, c) in containers.iter().enumerate() {
            for (j, m) in c.volume_mounts.iter().flatten().enumerate() {
                if !volumes.contains(m.name.as_str()) {
                    return Err(f.invalid(
                        &format!("spec.template.spec.{key}[{i}].volumeMounts[{j}].name"),
                        format!(
                            "`{}` is neither a volume nor a volumeClaimTemplate (have: {})",
                            m.name,
                            list_or_none(&volumes)
                        ),
                    ));
                }
            }
        }
    }
    Ok(StatefulSetInfo {
        containers,
        templates,
    })
}
