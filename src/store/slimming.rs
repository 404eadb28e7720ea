//! Slimming at the edge: each watched Kubernetes object turned into the
//! store's slim copy (only what the views use, quantities parsed to bytes,
//! kubectl's Pod columns computed once).

use std::collections::BTreeMap;

use jiff::Timestamp;
use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::storage::v1 as storage;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta, Time};

use super::objects::*;
use super::quantity;

fn ts(t: &Option<Time>) -> Option<Timestamp> {
    t.as_ref().map(|t| t.0)
}

fn meta_strings(m: &ObjectMeta) -> (String, String, String) {
    (
        m.namespace.clone().unwrap_or_default(),
        m.name.clone().unwrap_or_default(),
        m.uid.clone().unwrap_or_default(),
    )
}

fn storage_bytes(
    map: Option<&BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>>,
) -> Option<u64> {
    map.and_then(|m| m.get("storage"))
        .and_then(|q| quantity::parse(&q.0))
}

/// `app=mysql,tier in (db,cache)` like kubectl's selector column.
pub fn selector_text(sel: &LabelSelector) -> String {
    let mut parts: Vec<String> = sel
        .match_labels
        .iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    for e in sel.match_expressions.iter().flatten() {
        let values = e.values.clone().unwrap_or_default().join(",");
        parts.push(match e.operator.as_str() {
            "In" => format!("{} in ({values})", e.key),
            "NotIn" => format!("{} notin ({values})", e.key),
            "Exists" => e.key.clone(),
            "DoesNotExist" => format!("!{}", e.key),
            op => format!("{} {op} ({values})", e.key),
        });
    }
    parts.join(",")
}

fn condition(
    type_: &str,
    status: &str,
    reason: &Option<String>,
    message: &Option<String>,
    since: &Option<Time>,
) -> Condition {
    Condition {
        type_: type_.to_string(),
        status: status.to_string(),
        reason: reason.clone().unwrap_or_default(),
        message: message.clone().unwrap_or_default(),
        since: ts(since),
    }
}

impl From<&apps::StatefulSet> for StatefulSet {
    fn from(s: &apps::StatefulSet) -> Self {
        let (namespace, name, uid) = meta_strings(&s.metadata);
        let spec = s.spec.clone().unwrap_or_default();
        let st = s.status.clone().unwrap_or_default();
        let strategy = match spec.update_strategy.as_ref() {
            Some(u) if u.type_.as_deref() == Some("OnDelete") => UpdateStrategy::OnDelete,
            Some(u) => {
                let ru = u.rolling_update.as_ref();
                UpdateStrategy::RollingUpdate {
                    partition: ru.and_then(|r| r.partition).unwrap_or(0),
                    max_unavailable: ru
                        .and_then(|r| r.max_unavailable.as_ref())
                        .map(|m| match m {
                            k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(i) => {
                                i.to_string()
                            }
                            k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(
                                s,
                            ) => s.clone(),
                        }),
                }
            }
            None => UpdateStrategy::default(),
        };
        let pod_spec = spec.template.spec.as_ref();
        let images = pod_spec
            .map(|p| {
                p.init_containers
                    .iter()
                    .flatten()
                    .chain(p.containers.iter())
                    .filter_map(|c| c.image.clone())
                    .fold(Vec::new(), |mut v: Vec<String>, i| {
                        if !v.contains(&i) {
                            v.push(i);
                        }
                        v
                    })
            })
            .unwrap_or_default();
        let templates = spec
            .volume_claim_templates
            .iter()
            .flatten()
            .map(|t| {
                let ts = t.spec.as_ref();
                ClaimTemplate {
                    name: t.metadata.name.clone().unwrap_or_default(),
                    storage_class: ts.and_then(|s| s.storage_class_name.clone()),
                    request_bytes: storage_bytes(
                        ts.and_then(|s| s.resources.as_ref())
                            .and_then(|r| r.requests.as_ref()),
                    ),
                    access_modes: ts.and_then(|s| s.access_modes.clone()).unwrap_or_default(),
                }
            })
            .collect();
        let retention = spec.persistent_volume_claim_retention_policy.as_ref();
        StatefulSet {
            namespace,
            name,
            uid,
            created: ts(&s.metadata.creation_timestamp),
            deleting: ts(&s.metadata.deletion_timestamp),
            generation: s.metadata.generation.unwrap_or(0),
            selector: selector_text(&spec.selector),
            service: spec.service_name.clone().unwrap_or_default(),
            replicas: spec.replicas.unwrap_or(1),
            ordinals_start: spec.ordinals.as_ref().and_then(|o| o.start).unwrap_or(0),
            strategy,
            pod_management: spec
                .pod_management_policy
                .clone()
                .unwrap_or_else(|| "OrderedReady".into()),
            templates,
            images,
            when_deleted: retention
                .and_then(|r| r.when_deleted.clone())
                .unwrap_or_else(|| "Retain".into()),
            when_scaled: retention
                .and_then(|r| r.when_scaled.clone())
                .unwrap_or_else(|| "Retain".into()),
            min_ready_seconds: spec.min_ready_seconds.unwrap_or(0),
            status: SetStatus {
                observed_generation: st.observed_generation.unwrap_or(0),
                replicas: st.replicas,
                ready: st.ready_replicas.unwrap_or(0),
                current: st.current_replicas.unwrap_or(0),
                updated: st.updated_replicas.unwrap_or(0),
                available: st.available_replicas.unwrap_or(0),
                current_revision: st.current_revision.clone().unwrap_or_default(),
                update_revision: st.update_revision.clone().unwrap_or_default(),
                conditions: st
                    .conditions
                    .iter()
                    .flatten()
                    .map(|c| {
                        condition(
                            &c.type_,
                            &c.status,
                            &c.reason,
                            &c.message,
                            &c.last_transition_time,
                        )
                    })
                    .collect(),
            },
        }
    }
}

impl From<&core::Pod> for Pod {
    fn from(p: &core::Pod) -> Self {
        let (namespace, name, uid) = meta_strings(&p.metadata);
        let st = p.status.as_ref();
        let conditions = st.and_then(|s| s.conditions.as_ref());
        let ready_cond = conditions
            .into_iter()
            .flatten()
            .find(|c| c.type_ == "Ready");
        let unschedulable = conditions
            .into_iter()
            .flatten()
            .find(|c| c.type_ == "PodScheduled" && c.status == "False")
            .map(|c| {
                (
                    c.reason.clone().unwrap_or_default(),
                    c.message.clone().unwrap_or_default(),
                )
            });
        let (ready_containers, total_containers) = crate::format::pod::ready(p);
        let (restarts, last_restart) = crate::format::pod::restarts(p);
        let owner_set = p
            .metadata
            .owner_references
            .iter()
            .flatten()
            .find(|o| o.controller == Some(true) && o.kind == "StatefulSet")
            .map(|o| o.name.clone());
        let claims = p
            .spec
            .as_ref()
            .and_then(|s| s.volumes.as_ref())
            .into_iter()
            .flatten()
            .filter_map(|v| {
                if let Some(c) = &v.persistent_volume_claim {
                    Some(c.claim_name.clone())
                } else {
                    v.ephemeral.as_ref().map(|_| format!("{name}-{}", v.name))
                }
            })
            .collect();
        Pod {
            created: ts(&p.metadata.creation_timestamp),
            deleting: ts(&p.metadata.deletion_timestamp),
            grace_seconds: p.metadata.deletion_grace_period_seconds,
            owner_set,
            revision: p
                .metadata
                .labels
                .as_ref()
                .and_then(|l| l.get("controller-revision-hash"))
                .cloned()
                .unwrap_or_default(),
            node: p
                .spec
                .as_ref()
                .and_then(|s| s.node_name.clone())
                .unwrap_or_default(),
            ip: st.and_then(|s| s.pod_ip.clone()).unwrap_or_default(),
            phase: st.and_then(|s| s.phase.clone()).unwrap_or_default(),
            reason: st.and_then(|s| s.reason.clone()).unwrap_or_default(),
            status_text: crate::format::pod::status(p),
            ready_containers: ready_containers as u32,
            total_containers: total_containers as u32,
            ready: ready_cond.is_some_and(|c| c.status == "True"),
            ready_since: ready_cond.and_then(|c| ts(&c.last_transition_time)),
            restarts,
            last_restart,
            unschedulable,
            claims,
            namespace,
            name,
            uid,
        }
    }
}

impl From<&core::PersistentVolumeClaim> for Claim {
    fn from(c: &core::PersistentVolumeClaim) -> Self {
        let (namespace, name, uid) = meta_strings(&c.metadata);
        let spec = c.spec.as_ref();
        let st = c.status.as_ref();
        Claim {
            created: ts(&c.metadata.creation_timestamp),
            deleting: ts(&c.metadata.deletion_timestamp),
            phase: st
                .and_then(|s| s.phase.clone())
                .unwrap_or_else(|| "Pending".into()),
            storage_class: spec.and_then(|s| s.storage_class_name.clone()),
            volume_name: spec.and_then(|s| s.volume_name.clone()).unwrap_or_default(),
            request_bytes: storage_bytes(
                spec.and_then(|s| s.resources.as_ref())
                    .and_then(|r| r.requests.as_ref()),
            ),
            capacity_bytes: storage_bytes(st.and_then(|s| s.capacity.as_ref())),
            access_modes: spec
                .and_then(|s| s.access_modes.clone())
                .unwrap_or_default(),
            conditions: st
                .and_then(|s| s.conditions.as_ref())
                .into_iter()
                .flatten()
                .map(|c| {
                    condition(
                        &c.type_,
                        &c.status,
                        &c.reason,
                        &c.message,
                        &c.last_transition_time,
                    )
                })
                .collect(),
            resize_status: st
                .and_then(|s| s.allocated_resource_statuses.as_ref())
                .and_then(|m| m.get("storage"))
                .cloned()
                .unwrap_or_default(),
            selected_node: c
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get("volume.kubernetes.io/selected-node"))
                .cloned()
                .unwrap_or_default(),
            namespace,
            name,
            uid,
        }
    }
}

/// `csi rbd.csi.ceph.com 0001-…`, `local /mnt/disks/ssd1`, `nfs server:/path`, `hostPath /opt/x`.
fn volume_source(s: &core::PersistentVolumeSpec) -> String {
    if let Some(c) = &s.csi {
        return format!("csi {} {}", c.driver, c.volume_handle);
    }
    if let Some(l) = &s.local {
        return format!("local {}", l.path);
    }
    if let Some(n) = &s.nfs {
        return format!("nfs {}:{}", n.server, n.path);
    }
    if let Some(h) = &s.host_path {
        return format!("hostPath {}", h.path);
    }
    if let Some(a) = &s.aws_elastic_block_store {
        return format!("awsElasticBlockStore {}", a.volume_id);
    }
    if let Some(g) = &s.gce_persistent_disk {
        return format!("gcePersistentDisk {}", g.pd_name);
    }
    if let Some(a) = &s.azure_disk {
        return format!("azureDisk {}", a.disk_name);
    }
    if let Some(a) = &s.azure_file {
        return format!("azureFile {}", a.share_name);
    }
    if let Some(r) = &s.rbd {
        return format!("rbd {}", r.image);
    }
    if let Some(c) = &s.cephfs {
        return format!("cephfs {}", c.path.clone().unwrap_or_else(|| "/".into()));
    }
    if let Some(i) = &s.iscsi {
        return format!("iscsi {} {} lun {}", i.target_portal, i.iqn, i.lun);
    }
    if s.fc.is_some() {
        return "fc".into();
    }
    if let Some(v) = &s.vsphere_volume {
        return format!("vsphereVolume {}", v.volume_path);
    }
    if let Some(f) = &s.flex_volume {
        return format!("flexVolume {}", f.driver);
    }
    String::new()
}

fn node_affinity(s: &core::PersistentVolumeSpec) -> (String, Vec<String>) {
    let Some(terms) = s
        .node_affinity
        .as_ref()
        .and_then(|a| a.required.as_ref())
        .map(|r| &r.node_selector_terms)
    else {
        return (String::new(), Vec::new());
    };
    let mut texts = Vec::new();
    let mut pinned = Vec::new();
    let mut only_hostnames = true;
    for term in terms {
        let mut parts = Vec::new();
        let exprs = term.match_expressions.iter().flatten();
        let fields = term.match_fields.iter().flatten();
        for (e, is_field) in exprs.map(|e| (e, false)).chain(fields.map(|e| (e, true))) {
            let values = e.values.clone().unwrap_or_default();
            let op = match e.operator.as_str() {
                "In" => "in",
                "NotIn" => "notin",
                "Exists" => "exists",
                "DoesNotExist" => "does not exist",
                "Gt" => ">",
                "Lt" => "<",
                other => other,
            };
            parts.push(if values.is_empty() {
                format!("{} {op}", e.key)
            } else {
                format!("{} {op} ({})", e.key, values.join(","))
            });
            if !is_field && e.key == "kubernetes.io/hostname" && e.operator == "In" {
                pinned.extend(values);
            } else {
                only_hostnames = false;
            }
        }
        texts.push(parts.join(", "));
    }
    if !only_hostnames {
        pinned.clear();
    }
    pinned.sort();
    pinned.dedup();
    (texts.join(" or "), pinned)
}

impl From<&core::PersistentVolume> for Volume {
    fn from(v: &core::PersistentVolume) -> Self {
        let (_, name, uid) = meta_strings(&v.metadata);
        let spec = v.spec.clone().unwrap_or_default();
        let st = v.status.as_ref();
        let (node_affinity, pinned_nodes) = node_affinity(&spec);
        Volume {
            name,
            uid,
            created: ts(&v.metadata.creation_timestamp),
            deleting: ts(&v.metadata.deletion_timestamp),
            phase: st
                .and_then(|s| s.phase.clone())
                .unwrap_or_else(|| "Pending".into()),
            message: st.and_then(|s| s.message.clone()).unwrap_or_default(),
            capacity_bytes: storage_bytes(spec.capacity.as_ref()),
            access_modes: spec.access_modes.clone().unwrap_or_default(),
            reclaim_policy: spec
                .persistent_volume_reclaim_policy
                .clone()
                .unwrap_or_else(|| "Retain".into()),
            storage_class: spec.storage_class_name.clone().unwrap_or_default(),
            claim_ref: spec.claim_ref.as_ref().map(|r| {
                (
                    r.namespace.clone().unwrap_or_default(),
                    r.name.clone().unwrap_or_default(),
                )
            }),
            claim_uid: spec
                .claim_ref
                .as_ref()
                .and_then(|r| r.uid.clone())
                .unwrap_or_default(),
            source: volume_source(&spec),
            node_affinity,
            pinned_nodes,
        }
    }
}

impl From<&storage::StorageClass> for StorageClass {
    fn from(c: &storage::StorageClass) -> Self {
        let is_default = c.metadata.annotations.as_ref().is_some_and(|a| {
            a.get("storageclass.kubernetes.io/is-default-class")
                .or_else(|| a.get("storageclass.beta.kubernetes.io/is-default-class"))
                .is_some_and(|v| v == "true")
        });
        StorageClass {
            name: c.metadata.name.clone().unwrap_or_default(),
            created: ts(&c.metadata.creation_timestamp),
            provisioner: c.provisioner.clone(),
            reclaim_policy: c.reclaim_policy.clone().unwrap_or_else(|| "Delete".into()),
            binding_mode: c
                .volume_binding_mode
                .clone()
                .unwrap_or_else(|| "Immediate".into()),
            allow_expansion: c.allow_volume_expansion.unwrap_or(false),
            is_default,
        }
    }
}

impl From<&core::Node> for Node {
    fn from(n: &core::Node) -> Self {
        let ready = n
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .into_iter()
            .flatten()
            .find(|c| c.type_ == "Ready");
        let name = n.metadata.name.clone().unwrap_or_default();
        Node {
            hostname: n
                .metadata
                .labels
                .as_ref()
                .and_then(|l| l.get("kubernetes.io/hostname"))
                .cloned()
                .unwrap_or_else(|| name.clone()),
            name,
            created: ts(&n.metadata.creation_timestamp),
            ready: ready.map(|c| c.status.clone()).unwrap_or_default(),
            ready_reason: ready.and_then(|c| c.reason.clone()).unwrap_or_default(),
            ready_since: ready.and_then(|c| ts(&c.last_transition_time)),
            unschedulable: n
                .spec
                .as_ref()
                .and_then(|s| s.unschedulable)
                .unwrap_or(false),
        }
    }
}

impl From<&core::Event> for Event {
    fn from(e: &core::Event) -> Self {
        let (namespace, name, _) = meta_strings(&e.metadata);
        let io = &e.involved_object;
        let last_seen = ts(&e.last_timestamp)
            .or_else(|| {
                e.series
                    .as_ref()
                    .and_then(|s| s.last_observed_time.as_ref())
                    .map(|t| t.0)
            })
            .or_else(|| e.event_time.as_ref().map(|t| t.0))
            .or_else(|| ts(&e.first_timestamp))
            .or_else(|| ts(&e.metadata.creation_timestamp));
        Event {
            namespace,
            name,
            type_: e.type_.clone().unwrap_or_else(|| "Normal".into()),
            reason: e.reason.clone().unwrap_or_default(),
            message: e.message.clone().unwrap_or_default(),
            involved: (
                io.kind.clone().unwrap_or_default(),
                io.namespace.clone().unwrap_or_default(),
                io.name.clone().unwrap_or_default(),
            ),
            count: e
                .series
                .as_ref()
                .and_then(|s| s.count)
                .or(e.count)
                .unwrap_or(1),
            last_seen,
        }
    }
}

impl From<&apps::ControllerRevision> for Revision {
    fn from(r: &apps::ControllerRevision) -> Self {
        let (namespace, name, _) = meta_strings(&r.metadata);
        Revision {
            namespace,
            name,
            owner_set: r
                .metadata
                .owner_references
                .iter()
                .flatten()
                .find(|o| o.controller == Some(true) && o.kind == "StatefulSet")
                .map(|o| o.name.clone()),
            revision: r.revision,
            created: ts(&r.metadata.creation_timestamp),
            images: revision_images(r.data.as_ref().map(|d| &d.0)),
            data: r.data.as_ref().map(|d| d.0.clone()).unwrap_or_default(),
        }
    }
}

/// Images in a revision's `{"spec":{"template":{"spec":{…}}}}`, init containers first.
fn revision_images(data: Option<&serde_json::Value>) -> Vec<String> {
    let Some(spec) = data.map(|d| &d["spec"]["template"]["spec"]) else {
        return Vec::new();
    };
    let mut images: Vec<String> = Vec::new();
    for list in ["initContainers", "containers"] {
        for c in spec[list].as_array().into_iter().flatten() {
            if let Some(i) = c["image"].as_str()
                && !images.iter().any(|x| x == i)
            {
                images.push(i.to_string());
            }
        }
    }
    images
}
