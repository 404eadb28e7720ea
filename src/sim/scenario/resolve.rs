//! From the typed Scenario document to the values the sim runs: defaults
//! filled in, and every reference to a namespaced thing (StatefulSets,
//! Pods by ordinal, claims, containers, claim templates) checked against
//! what the file defines.

use std::collections::BTreeMap;

use super::error::{Location, ScenarioError, list_or_none};
use super::file::{PatchTypeDoc, SpecDoc, StepDoc, WorkloadDoc};
use super::objects::{ClaimInfo, Model};
use super::types::*;
use super::{RESOURCES, SUPPORTED_KINDS};

/// Errors about the Scenario document, naming the field path.
pub struct Refs<'a> {
    pub at: &'a Location,
    pub model: &'a Model,
    /// The scenario's `spec.namespace`.
    pub namespace: Option<&'a str>,
}

impl Refs<'_> {
    fn invalid(&self, field: &str, message: impl Into<String>) -> ScenarioError {
        ScenarioError::InvalidField {
            at: Box::new(self.at.clone()),
            field: field.to_string(),
            message: message.into(),
        }
    }

    fn unknown(&self, field: &str, what: &str, name: &str, problem: String) -> ScenarioError {
        ScenarioError::UnknownReference {
            at: Box::new(self.at.clone()),
            field: field.to_string(),
            what: what.to_string(),
            name: name.to_string(),
            problem,
        }
    }

    fn require_namespace<'n>(
        &self,
        namespace: Option<&'n str>,
        field: &str,
    ) -> Result<&'n str, ScenarioError> {
        namespace.ok_or_else(|| {
            self.invalid(
                field,
                "no namespace: set `namespace` here or spec.namespace in the Scenario document",
            )
        })
    }

    fn require_statefulset(&self, ns: &str, name: &str, field: &str) -> Result<(), ScenarioError> {
        if self
            .model
            .statefulsets
            .contains_key(&(ns.to_string(), name.to_string()))
        {
            return Ok(());
        }
        Err(ScenarioError::UnknownStatefulSet {
            at: Box::new(self.at.clone()),
            field: field.to_string(),
            namespace: ns.to_string(),
            name: name.to_string(),
            defined: self.model.statefulset_names(ns),
        })
    }

    fn require_pod(&self, ns: &str, pod: &str, field: &str) -> Result<&[String], ScenarioError> {
        self.model.pod_containers(ns, pod).ok_or_else(|| {
            self.unknown(field, "Pod", pod, format!(
                "is neither a Pod in this file nor an ordinal `<statefulset>-<n>` of a StatefulSet in namespace `{ns}` (StatefulSets: {})",
                self.model.statefulset_names(ns)
            ))
        })
    }

    fn require_claim(
        &self,
        ns: &str,
        claim: &str,
        field: &str,
    ) -> Result<ClaimInfo, ScenarioError> {
        self.model.claim(ns, claim).ok_or_else(|| {
            self.unknown(field, "PersistentVolumeClaim", claim, format!(
                "is neither a claim in this file nor `<template>-<statefulset>-<n>` of a StatefulSet in namespace `{ns}` (StatefulSets: {})",
                self.model.statefulset_names(ns)
            ))
        })
    }

    fn require_container(
        &self,
        containers: &[String],
        pod: &str,
        container: &str,
        field: &str,
    ) -> Result<(), ScenarioError> {
        if containers.iter().any(|c| c == container) {
            return Ok(());
        }
        Err(self.unknown(
            field,
            "container",
            container,
            format!(
                "is not a container of Pod `{pod}` (containers: {})",
                containers.join(", ")
            ),
        ))
    }

    pub fn workloads(&self, spec: &SpecDoc) -> Result<Vec<Workload>, ScenarioError> {
        let mut out: Vec<Workload> = Vec::new();
        for (i, w) in spec.workloads.iter().enumerate() {
            out.push(self.workload(i, w, &out)?);
        }
        Ok(out)
    }

    fn workload(
        &self,
        i: usize,
        w: &WorkloadDoc,
        seen: &[Workload],
    ) -> Result<Workload, ScenarioError> {
        let path = format!("spec.workloads[{i}]");
        let ns = match &w.namespace {
            Some(ns) => ns.as_str(),
            None => self.require_namespace(self.namespace, &format!("{path}.namespace"))?,
        };
        let sts = &w.statefulset;
        self.require_statefulset(ns, sts, &format!("{path}.statefulset"))?;
        if let Some(j) = seen
            .iter()
            .position(|s| s.namespace == ns && s.statefulset == *sts)
        {
            return Err(self.invalid(
                &format!("{path}.statefulset"),
                format!("`{sts}` already has an entry at spec.workloads[{j}]"),
            ));
        }
        let info = &self.model.statefulsets[&(ns.to_string(), sts.clone())];
        let mut volume_usage = BTreeMap::new();
        for (template, u) in &w.volume_usage {
            if !info.templates.iter().any(|(t, _, _)| t == template) {
                return Err(self.unknown(
                    &format!("{path}.volumeUsage.{template}"),
                    "volumeClaimTemplate",
                    template,
                    format!(
                        "is not a claim template of StatefulSet `{sts}` (templates: {})",
                        list_or_none(info.templates.iter().map(|(t, _, _)| t.as_str()))
                    ),
                ));
            }
            let bytes = |q: &Option<super::file::Qty>| q.as_ref().map_or(0, |q| q.bytes);
            volume_usage.insert(
                template.clone(),
                VolumeUsage {
                    initial_bytes: bytes(&u.initial),
                    growth_per_hour_bytes: bytes(&u.growth_per_hour),
                    inodes_used: u.inodes_used.unwrap_or(0),
                },
            );
        }
        Ok(Workload {
            namespace: ns.to_string(),
            statefulset: sts.clone(),
            start_after: w.start_after.map_or(DEFAULT_START_AFTER, |d| d.0),
            ready_after: w.ready_after.map_or(DEFAULT_READY_AFTER, |d| d.0),
            volume_usage,
        })
    }

    pub fn storage(&self, spec: &SpecDoc) -> Result<Vec<StorageTiming>, ScenarioError> {
        let mut out: Vec<StorageTiming> = Vec::new();
        for (i, s) in spec.storage.iter().enumerate() {
            if let Some(j) = out.iter().position(|t| t.class == s.class) {
                return Err(self.invalid(
                    &format!("spec.storage[{i}].class"),
                    format!("`{}` already has an entry at spec.storage[{j}]", s.class),
                ));
            }
            out.push(StorageTiming {
                class: s.class.clone(),
                provision_after: s.provision_after.map_or(DEFAULT_PROVISION_AFTER, |d| d.0),
                resize_after: s.resize_after.map_or(DEFAULT_RESIZE_AFTER, |d| d.0),
                file_system_resize_after: s
                    .file_system_resize_after
                    .map_or(DEFAULT_FILE_SYSTEM_RESIZE_AFTER, |d| d.0),
            });
        }
        Ok(out)
    }

    pub fn timeline(&self, spec: &SpecDoc) -> Result<Vec<Step>, ScenarioError> {
        let mut out: Vec<Step> = Vec::new();
        for (i, step) in spec.timeline.iter().enumerate() {
            let path = format!("spec.timeline[{i}]");
            let at = step.at.0;
            if let Some(prev) = out.last()
                && at < prev.at
            {
                use crate::format::duration::compact;
                return Err(self.invalid(
                    &format!("{path}.at"),
                    format!(
                        "steps must be in time order: {} comes after a step at {}",
                        compact(at),
                        compact(prev.at)
                    ),
                ));
            }
            if let Some(ns) = &step.namespace
                && !self.model.namespaces.contains(ns)
            {
                return Err(ScenarioError::MissingNamespace {
                    at: Box::new(self.at.clone()),
                    field: format!("{path}.namespace"),
                    namespace: ns.clone(),
                });
            }
            let ns = step.namespace.as_deref().or(self.namespace);
            let key = match step.action_keys().as_slice() {
                [key] => *key,
                [] => {
                    return Err(self.invalid(
                        &path,
                        format!(
                            "step has no action (expected one of: {})",
                            super::ACTIONS.join(", ")
                        ),
                    ));
                }
                many => {
                    return Err(self.invalid(
                        &path,
                        format!(
                            "exactly one action per step, found {}: {}",
                            many.len(),
                            many.join(", ")
                        ),
                    ));
                }
            };
            let (action, namespaced) = self.action(step, &format!("{path}.{key}"), ns)?;
            out.push(Step {
                at,
                namespace: if namespaced {
                    ns.map(str::to_string)
                } else {
                    None
                },
                action,
            });
        }
        Ok(out)
    }

    /// The step's one action, and whether it acts on a namespaced object.
    fn action(
        &self,
        step: &StepDoc,
        path: &str,
        namespace: Option<&str>,
    ) -> Result<(Action, bool), ScenarioError> {
        let field = |name: &str| format!("{path}.{name}");
        let ns = || self.require_namespace(namespace, path);
        if let Some(s) = &step.scale {
            self.require_statefulset(ns()?, &s.statefulset, &field("statefulset"))?;
            let replicas = i32::try_from(s.replicas)
                .ok()
                .filter(|r| *r >= 0)
                .ok_or_else(|| {
                    self.invalid(
                        &field("replicas"),
                        format!("{} is out of range (0..={})", s.replicas, i32::MAX),
                    )
                })?;
            let statefulset = s.statefulset.clone();
            return Ok((
                Action::Scale {
                    statefulset,
                    replicas,
                },
                true,
            ));
        }
        if let Some(p) = &step.patch {
            let (resource, namespaced) = self.target(&p.resource, &p.name, path, namespace)?;
            if p.body.is_empty() {
                return Err(self.invalid(&field("body"), "an empty patch changes nothing"));
            }
            let patch_type = match p.patch_type {
                Some(PatchTypeDoc::Merge) => PatchKind::Merge,
                None | Some(PatchTypeDoc::Strategic) => PatchKind::Strategic,
            };
            let body = serde_json::Value::Object(p.body.clone());
            let name = p.name.clone();
            return Ok((
                Action::Patch {
                    resource,
                    name,
                    patch_type,
                    body,
                },
                namespaced,
            ));
        }
        if let Some(d) = &step.delete {
            let (resource, namespaced) = self.target(&d.resource, &d.name, path, namespace)?;
            let grace_period_seconds = d.grace_period_seconds.map(i64::from);
            let name = d.name.clone();
            return Ok((
                Action::Delete {
                    resource,
                    name,
                    grace_period_seconds,
                },
                namespaced,
            ));
        }
        if let Some(r) = &step.readiness {
            let containers = self.require_pod(ns()?, &r.pod, &field("pod"))?;
            if let Some(c) = &r.container {
                self.require_container(containers, &r.pod, c, &field("container"))?;
            }
            let action = Action::Readiness {
                pod: r.pod.clone(),
                container: r.container.clone(),
                ready: r.ready,
            };
            return Ok((action, true));
        }
        if let Some(c) = &step.crash {
            let containers = self.require_pod(ns()?, &c.pod, &field("pod"))?;
            self.require_container(containers, &c.pod, &c.container, &field("container"))?;
            if c.restarts == 0 {
                return Err(self.invalid(&field("restarts"), "0 is out of range (at least 1)"));
            }
            let action = Action::Crash {
                pod: c.pod.clone(),
                container: c.container.clone(),
                restarts: c.restarts,
            };
            return Ok((action, true));
        }
        if let Some(n) = &step.fail_node {
            return match (&n.node, &n.node_of) {
                (Some(node), None) => Ok((Action::FailNode(NodeRef::Node(node.clone())), false)),
                (None, Some(pod)) => {
                    self.require_pod(ns()?, pod, &field("nodeOf"))?;
                    Ok((Action::FailNode(NodeRef::NodeOf(pod.clone())), true))
                }
                _ => Err(self.invalid(path, "set exactly one of `node` and `nodeOf`")),
            };
        }
        if let Some(n) = &step.recover_node {
            return Ok((
                Action::RecoverNode {
                    node: n.node.clone(),
                },
                false,
            ));
        }
        if let Some(n) = &step.cordon {
            return Ok((
                Action::Cordon {
                    node: n.node.clone(),
                },
                false,
            ));
        }
        if let Some(n) = &step.uncordon {
            return Ok((
                Action::Uncordon {
                    node: n.node.clone(),
                },
                false,
            ));
        }
        if let Some(r) = &step.resize {
            let info = self.require_claim(ns()?, &r.claim, &field("claim"))?;
            if r.size.bytes <= info.request {
                return Err(self.invalid(
                    &field("size"),
                    format!(
                        "{} is not larger than the claim's request ({} bytes); claims can only grow",
                        r.size.text, info.request
                    ),
                ));
            }
            if let Some(class) = &info.class
                && self.model.classes.get(class) == Some(&false)
            {
                return Err(self.invalid(
                    &field("claim"),
                    format!(
                        "StorageClass `{class}` of `{}` does not set allowVolumeExpansion: true",
                        r.claim
                    ),
                ));
            }
            let action = Action::Resize {
                claim: r.claim.clone(),
                size_bytes: r.size.bytes,
                size: r.size.text.clone(),
            };
            return Ok((action, true));
        }
        if let Some(u) = &step.usage {
            self.require_claim(ns()?, &u.claim, &field("claim"))?;
            let action = Action::Usage {
                claim: u.claim.clone(),
                used_bytes: u.used.bytes,
            };
            return Ok((action, true));
        }
        unreachable!("the step's one action key was checked")
    }

    /// The plural resource a `patch`/`delete` names, checked to exist when
    /// namespaced (cluster-scoped ones are checked across files in `load`).
    fn target(
        &self,
        written: &str,
        name: &str,
        path: &str,
        namespace: Option<&str>,
    ) -> Result<(String, bool), ScenarioError> {
        let Some(&(resource, _, kind)) = RESOURCES
            .iter()
            .find(|(plural, aliases, _)| *plural == written || aliases.contains(&written))
        else {
            return Err(self.invalid(
                &format!("{path}.resource"),
                format!(
                    "unknown resource `{written}` (expected one of: {})",
                    RESOURCES.iter().map(|r| r.0).collect::<Vec<_>>().join(", ")
                ),
            ));
        };
        let name_field = format!("{path}.name");
        let namespaced = SUPPORTED_KINDS.iter().any(|(k, _, n)| *k == kind && *n);
        if namespaced {
            let ns = self.require_namespace(namespace, path)?;
            match kind {
                "StatefulSet" => self.require_statefulset(ns, name, &name_field)?,
                "Pod" => drop(self.require_pod(ns, name, &name_field)?),
                "PersistentVolumeClaim" => drop(self.require_claim(ns, name, &name_field)?),
                _ if !self.model.has(kind, ns, name) => {
                    return Err(self.unknown(
                        &name_field,
                        kind,
                        name,
                        format!("is not defined in namespace `{ns}` of this file"),
                    ));
                }
                _ => {}
            }
        }
        Ok((resource.to_string(), namespaced))
    }
}
