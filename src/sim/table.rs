//! Server-side printing: `meta.k8s.io/v1` Tables with the columns the real
//! API server gives `kubectl get`, so kubectl output against the sim reads
//! like against a cluster.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::objects::{Entry, Object};
use crate::format::{duration, pod as podfmt};

mod stored;

/// Whether the client asked for a Table (kubectl's Accept header does).
pub fn wants_table(accept: Option<&str>) -> bool {
    accept.is_some_and(|a| {
        a.split(',')
            .next()
            .is_some_and(|first| first.contains("as=Table"))
    })
}

fn col(name: &str, kind: &str, priority: u8) -> Value {
    let format = if name == "Name" { "name" } else { "" };
    json!({"name": name, "type": kind, "format": format, "description": "", "priority": priority})
}

fn age(
    created: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::Time>,
    now: Timestamp,
) -> String {
    created.map_or_else(|| "<unknown>".into(), |t| duration::age(t.0, now))
}

/// printEvent: first seen is firstTimestamp, else eventTime; last seen
/// is lastTimestamp, else first seen, or the series' last observation;
/// the count is the series', else count, else 1 (events.k8s.io events
/// carry none).
fn event_cells(e: &k8s_openapi::api::core::v1::Event, now: Timestamp) -> Vec<Value> {
    let micro = |t: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime>| {
        t.map_or_else(|| "<unknown>".into(), |t| duration::age(t.0, now))
    };
    let first = match &e.first_timestamp {
        Some(t) => age(Some(t), now),
        None => micro(e.event_time.as_ref()),
    };
    let mut last = match &e.last_timestamp {
        Some(t) => age(Some(t), now),
        None => first.clone(),
    };
    let mut count = e.count.unwrap_or(0);
    if let Some(series) = &e.series {
        last = micro(series.last_observed_time.as_ref());
        count = series.count.unwrap_or(0);
    } else if count == 0 {
        count = 1;
    }
    let involved = &e.involved_object;
    let kind = involved.kind.clone().unwrap_or_default().to_lowercase();
    let target = match involved.name.as_deref() {
        Some(name) if !name.is_empty() => format!("{kind}/{name}"),
        _ => kind,
    };
    let source = e.source.as_ref();
    let pick = |a: Option<&String>, b: Option<&String>| {
        a.filter(|s| !s.is_empty())
            .or(b)
            .cloned()
            .unwrap_or_default()
    };
    let component = pick(
        source.and_then(|s| s.component.as_ref()),
        e.reporting_component.as_ref(),
    );
    let instance = pick(
        source.and_then(|s| s.host.as_ref()),
        e.reporting_instance.as_ref(),
    );
    let source = if instance.is_empty() {
        component
    } else {
        format!("{component}, {instance}")
    };
    vec![
        json!(last),
        json!(e.type_.clone().unwrap_or_default()),
        json!(e.reason.clone().unwrap_or_default()),
        json!(target),
        json!(involved.field_path.clone().unwrap_or_default()),
        json!(source),
        json!(e.message.clone().unwrap_or_default().trim()),
        json!(first),
        json!(count),
        json!(e.metadata.name.clone().unwrap_or_default()),
    ]
}

fn or_none(s: Option<String>) -> String {
    s.filter(|s| !s.is_empty())
        .unwrap_or_else(|| "<none>".into())
}

/// `true gates/all gates`, or `<none>`, as kubectl's pod printer shows them.
fn readiness_gates(p: &k8s_openapi::api::core::v1::Pod) -> String {
    let gates = p
        .spec
        .as_ref()
        .and_then(|s| s.readiness_gates.as_ref())
        .map(Vec::as_slice)
        .unwrap_or_default();
    if gates.is_empty() {
        return "<none>".into();
    }
    let conditions = p.status.as_ref().and_then(|s| s.conditions.as_ref());
    let met = gates
        .iter()
        .filter(|g| {
            conditions
                .into_iter()
                .flatten()
                .any(|c| c.type_ == g.condition_type && c.status == "True")
        })
        .count();
    format!("{met}/{}", gates.len())
}

fn columns(kind: super::resources::Kind) -> Vec<Value> {
    use super::resources::Kind as K;
    if let Some(cols) = stored::columns(kind) {
        return cols;
    }
    let s = |n: &str| col(n, "string", 0);
    let wide = |n: &str| col(n, "string", 1);
    match kind {
        K::Pod => vec![
            s("Name"),
            s("Ready"),
            s("Status"),
            col("Restarts", "string", 0),
            s("Age"),
            wide("IP"),
            wide("Node"),
            wide("Nominated Node"),
            wide("Readiness Gates"),
        ],
        K::StatefulSet => vec![
            s("Name"),
            s("Ready"),
            s("Age"),
            wide("Containers"),
            wide("Images"),
        ],
        K::PersistentVolumeClaim => vec![
            s("Name"),
            s("Status"),
            s("Volume"),
            s("Capacity"),
            s("Access Modes"),
            s("StorageClass"),
            s("VolumeAttributesClass"),
            s("Age"),
            wide("VolumeMode"),
        ],
        K::PersistentVolume => vec![
            s("Name"),
            s("Capacity"),
            s("Access Modes"),
            s("Reclaim Policy"),
            s("Status"),
            s("Claim"),
            s("StorageClass"),
            s("VolumeAttributesClass"),
            s("Reason"),
            s("Age"),
            wide("VolumeMode"),
        ],
        K::StorageClass => vec![
            s("Name"),
            s("Provisioner"),
            s("ReclaimPolicy"),
            s("VolumeBindingMode"),
            s("AllowVolumeExpansion"),
            s("Age"),
        ],
        K::Node => vec![
            s("Name"),
            s("Status"),
            s("Roles"),
            s("Age"),
            s("Version"),
            wide("Internal-IP"),
            wide("External-IP"),
            wide("OS-Image"),
            wide("Kernel-Version"),
            wide("Container-Runtime"),
        ],
        K::Event => vec![
            s("Last Seen"),
            s("Type"),
            s("Reason"),
            s("Object"),
            wide("Subobject"),
            wide("Source"),
            s("Message"),
            wide("First Seen"),
            wide("Count"),
            wide("Name"),
        ],
        K::ControllerRevision => vec![
            s("Name"),
            s("Controller"),
            col("Revision", "integer", 0),
            s("Age"),
        ],
        K::Service => vec![
            s("Name"),
            s("Type"),
            s("Cluster-IP"),
            s("External-IP"),
            s("Port(s)"),
            s("Age"),
        ],
        K::Namespace => vec![s("Name"), s("Status"), s("Age")],
        K::ConfigMap => vec![s("Name"), s("Data"), s("Age")],
        _ => unreachable!("stored::columns covers {kind:?}"),
    }
}

/// The Roles column, as the API server's node printer derives it: the
/// `node-role.kubernetes.io/<role>` labels and `kubernetes.io/role`.
fn node_roles(labels: Option<&std::collections::BTreeMap<String, String>>) -> String {
    let roles: std::collections::BTreeSet<&str> = labels
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| match k.strip_prefix("node-role.kubernetes.io/") {
            Some(role) if !role.is_empty() => Some(role),
            _ if k == "kubernetes.io/role" && !v.is_empty() => Some(v.as_str()),
            _ => None,
        })
        .collect();
    if roles.is_empty() {
        "<none>".into()
    } else {
        roles.into_iter().collect::<Vec<_>>().join(",")
    }
}

fn modes(m: Option<&Vec<String>>) -> String {
    crate::format::access_modes(m.map_or(&[][..], Vec::as_slice))
}

fn cells(object: &Object, now: Timestamp) -> Vec<Value> {
    if let Some(row) = stored::cells(object, now) {
        return row;
    }
    let meta = object.meta();
    let name = json!(meta.name);
    let created = meta.creation_timestamp.as_ref();
    match object {
        Object::Pod(p) => {
            let (ready, total) = podfmt::ready(p);
            let st = p.status.as_ref();
            vec![
                name,
                json!(format!("{ready}/{total}")),
                json!(podfmt::status(p)),
                json!(podfmt::restarts_text(p, now)),
                json!(age(created, now)),
                json!(or_none(st.and_then(|s| s.pod_ip.clone()))),
                json!(or_none(p.spec.as_ref().and_then(|s| s.node_name.clone()))),
                json!(or_none(st.and_then(|s| s.nominated_node_name.clone()))),
                json!(readiness_gates(p)),
            ]
        }
        Object::StatefulSet(s) => {
            let spec = s.spec.as_ref();
            let containers = spec
                .and_then(|s| s.template.spec.as_ref())
                .map(|p| &p.containers);
            let names: Vec<&str> = containers
                .into_iter()
                .flatten()
                .map(|c| c.name.as_str())
                .collect();
            let images: Vec<&str> = containers
                .into_iter()
                .flatten()
                .filter_map(|c| c.image.as_deref())
                .collect();
            vec![
                name,
                json!(format!(
                    "{}/{}",
                    s.status
                        .as_ref()
                        .and_then(|s| s.ready_replicas)
                        .unwrap_or(0),
                    spec.and_then(|s| s.replicas).unwrap_or(1)
                )),
                json!(age(created, now)),
                json!(names.join(",")),
                json!(images.join(",")),
            ]
        }
        Object::PersistentVolumeClaim(c) => {
            let spec = c.spec.as_ref();
            let st = c.status.as_ref();
            let cap = st
                .and_then(|s| s.capacity.as_ref())
                .and_then(|c| c.get("storage"))
                .map(|q| q.0.clone())
                .unwrap_or_default();
            vec![
                name,
                json!(st.and_then(|s| s.phase.clone()).unwrap_or_default()),
                json!(spec.and_then(|s| s.volume_name.clone()).unwrap_or_default()),
                json!(cap),
                json!(modes(st.and_then(|s| s.access_modes.as_ref()))),
                json!(or_none(spec.and_then(|s| s.storage_class_name.clone()))),
                json!("<unset>"),
                json!(age(created, now)),
                json!(spec.and_then(|s| s.volume_mode.clone()).unwrap_or_default()),
            ]
        }
        Object::PersistentVolume(v) => {
            let spec = v.spec.as_ref();
            let st = v.status.as_ref();
            let claim = spec
                .and_then(|s| s.claim_ref.as_ref())
                .map(|r| {
                    format!(
                        "{}/{}",
                        r.namespace.clone().unwrap_or_default(),
                        r.name.clone().unwrap_or_default()
                    )
                })
                .unwrap_or_default();
            vec![
                name,
                json!(
                    spec.and_then(|s| s.capacity.as_ref())
                        .and_then(|c| c.get("storage"))
                        .map(|q| q.0.clone())
                        .unwrap_or_default()
                ),
                json!(modes(spec.and_then(|s| s.access_modes.as_ref()))),
                json!(
                    spec.and_then(|s| s.persistent_volume_reclaim_policy.clone())
                        .unwrap_or_default()
                ),
                json!(st.and_then(|s| s.phase.clone()).unwrap_or_default()),
                json!(claim),
                json!(
                    spec.and_then(|s| s.storage_class_name.clone())
                        .unwrap_or_default()
                ),
                json!("<unset>"),
                json!(st.and_then(|s| s.reason.clone()).unwrap_or_default()),
                json!(age(created, now)),
                json!(spec.and_then(|s| s.volume_mode.clone()).unwrap_or_default()),
            ]
        }
        Object::StorageClass(sc) => {
            let default = meta
                .annotations
                .as_ref()
                .and_then(|a| a.get(super::admission::DEFAULT_CLASS_ANNOTATION))
                .is_some_and(|v| v == "true");
            let shown = format!(
                "{}{}",
                meta.name.clone().unwrap_or_default(),
                if default { " (default)" } else { "" }
            );
            vec![
                json!(shown),
                json!(sc.provisioner),
                json!(sc.reclaim_policy.clone().unwrap_or_else(|| "Delete".into())),
                json!(
                    sc.volume_binding_mode
                        .clone()
                        .unwrap_or_else(|| "Immediate".into())
                ),
                json!(sc.allow_volume_expansion.unwrap_or(false)),
                json!(age(created, now)),
            ]
        }
        Object::Node(n) => {
            let st = n.status.as_ref();
            let ready = st
                .and_then(|s| s.conditions.as_ref())
                .and_then(|c| c.iter().find(|c| c.type_ == "Ready"))
                .map(|c| {
                    if c.status == "True" {
                        "Ready"
                    } else {
                        "NotReady"
                    }
                })
                .unwrap_or("Unknown");
            let mut status = ready.to_string();
            if n.spec.as_ref().and_then(|s| s.unschedulable) == Some(true) {
                status.push_str(",SchedulingDisabled");
            }
            let ip = |kind: &str| {
                st.and_then(|s| s.addresses.as_ref())
                    .and_then(|a| a.iter().find(|a| a.type_ == kind))
                    .map(|a| a.address.clone())
            };
            let info = st.and_then(|s| s.node_info.as_ref());
            let known = |f: fn(&k8s_openapi::api::core::v1::NodeSystemInfo) -> &String| {
                info.map(f)
                    .filter(|v| !v.is_empty())
                    .cloned()
                    .unwrap_or_else(|| "<unknown>".into())
            };
            vec![
                name,
                json!(status),
                json!(node_roles(meta.labels.as_ref())),
                json!(age(created, now)),
                json!(info.map(|i| i.kubelet_version.clone()).unwrap_or_default()),
                json!(or_none(ip("InternalIP"))),
                json!(or_none(ip("ExternalIP"))),
                json!(known(|i| &i.os_image)),
                json!(known(|i| &i.kernel_version)),
                json!(known(|i| &i.container_runtime_version)),
            ]
        }
        Object::Event(e) => event_cells(e, now),
        Object::ControllerRevision(r) => {
            let owner = meta
                .owner_references
                .iter()
                .flatten()
                .find(|o| o.controller == Some(true))
                .map(|o| {
                    format!(
                        "{}.{}/{}",
                        o.kind.to_lowercase(),
                        o.api_version.split('/').next().unwrap_or(""),
                        o.name
                    )
                })
                .unwrap_or_else(|| "<none>".into());
            vec![
                name,
                json!(owner),
                json!(r.revision),
                json!(age(created, now)),
            ]
        }
        Object::Service(s) => {
            let spec = s.spec.as_ref();
            let ports: Vec<String> = spec
                .and_then(|s| s.ports.as_ref())
                .into_iter()
                .flatten()
                .map(|p| {
                    format!(
                        "{}/{}",
                        p.port,
                        p.protocol.clone().unwrap_or_else(|| "TCP".into())
                    )
                })
                .collect();
            vec![
                name,
                json!(
                    spec.and_then(|s| s.type_.clone())
                        .unwrap_or_else(|| "ClusterIP".into())
                ),
                json!(or_none(spec.and_then(|s| s.cluster_ip.clone()))),
                json!("<none>"),
                json!(if ports.is_empty() {
                    "<none>".to_string()
                } else {
                    ports.join(",")
                }),
                json!(age(created, now)),
            ]
        }
        Object::Namespace(n) => vec![
            name,
            json!(
                n.status
                    .as_ref()
                    .and_then(|s| s.phase.clone())
                    .unwrap_or_else(|| "Active".into())
            ),
            json!(age(created, now)),
        ],
        Object::ConfigMap(c) => vec![
            name,
            json!(
                c.data.as_ref().map_or(0, |d| d.len())
                    + c.binary_data.as_ref().map_or(0, |d| d.len())
            ),
            json!(age(created, now)),
        ],
        _ => unreachable!("stored::cells covers {:?}", object.kind()),
    }
}

fn row_object(entry: &Entry, include: &str) -> Value {
    match include {
        "None" => Value::Null,
        "Object" => serde_json::from_slice(&entry.json).unwrap_or(Value::Null),
        _ => {
            let mut meta = serde_json::to_value(entry.object().meta()).unwrap_or(Value::Null);
            if let Some(m) = meta.as_object_mut() {
                m.remove("managedFields");
            }
            json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": meta})
        }
    }
}

/// A Table of `entries` (all of `kind`).
pub fn table(
    kind: super::resources::Kind,
    entries: &[std::sync::Arc<Entry>],
    resource_version: &str,
    continue_token: Option<&str>,
    include: &str,
    now: Timestamp,
) -> Value {
    let rows: Vec<Value> = entries
        .iter()
        .map(|e| json!({"cells": cells(e.object(), now), "object": row_object(e, include)}))
        .collect();
    let mut meta = json!({"resourceVersion": resource_version});
    if let Some(c) = continue_token {
        meta["continue"] = json!(c);
    }
    json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": meta,
        "columnDefinitions": columns(kind), "rows": rows})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_headers_choose_tables_only_when_first_choice() {
        assert!(wants_table(Some(
            "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
        )));
        assert!(!wants_table(Some("application/json")));
        assert!(!wants_table(None));
    }

    #[test]
    fn events_fall_back_to_event_time_and_series_as_print_event_does() {
        let now: Timestamp = "2026-01-01T01:00:00Z".parse().unwrap();
        let event =
            |v: Value| -> k8s_openapi::api::core::v1::Event { serde_json::from_value(v).unwrap() };
        let new_style = event(json!({
            "metadata": {"name": "api.1"}, "involvedObject": {"kind": "Deployment", "name": "api"},
            "eventTime": "2026-01-01T00:50:00.000000Z", "type": "Normal", "reason": "Rollout",
            "message": " rolled out ", "reportingComponent": "deployer", "reportingInstance": "d-1",
        }));
        assert_eq!(
            event_cells(&new_style, now),
            [
                json!("10m"),
                json!("Normal"),
                json!("Rollout"),
                json!("deployment/api"),
                json!(""),
                json!("deployer, d-1"),
                json!("rolled out"),
                json!("10m"),
                json!(1),
                json!("api.1"),
            ]
        );
        let series = event(json!({
            "metadata": {"name": "n"}, "involvedObject": {"kind": "Node"},
            "firstTimestamp": "2026-01-01T00:00:00Z", "count": 4,
            "series": {"count": 7, "lastObservedTime": "2026-01-01T00:59:00.000000Z"},
            "source": {"component": "kubelet"},
        }));
        let cells = event_cells(&series, now);
        assert_eq!(cells[0], "60s");
        assert_eq!(cells[3], "node");
        assert_eq!(cells[5], "kubelet");
        assert_eq!(
            (cells[7].clone(), cells[8].clone()),
            (json!("60m"), json!(7))
        );
        assert_eq!(
            cells.len(),
            columns(super::super::resources::Kind::Event).len()
        );
    }

    #[test]
    fn pods_show_nominated_node_and_readiness_gates() {
        use k8s_openapi::api::core::v1::{Pod, PodCondition, PodReadinessGate, PodSpec, PodStatus};
        let mut p = Pod::default();
        assert_eq!(readiness_gates(&p), "<none>");
        p.spec = Some(PodSpec {
            readiness_gates: Some(vec![
                PodReadinessGate {
                    condition_type: "a".into(),
                },
                PodReadinessGate {
                    condition_type: "b".into(),
                },
            ]),
            ..Default::default()
        });
        p.status = Some(PodStatus {
            conditions: Some(vec![PodCondition {
                type_: "a".into(),
                status: "True".into(),
                ..Default::default()
            }]),
            ..Default::default()
        });
        assert_eq!(readiness_gates(&p), "1/2");
        let names: Vec<Value> = columns(super::super::resources::Kind::Pod)
            .iter()
            .map(|c| c["name"].clone())
            .collect();
        assert!(
            names.contains(&json!("Nominated Node")) && names.contains(&json!("Readiness Gates"))
        );
    }

    #[test]
    fn nodes_show_roles_and_status_as_kubectl_does() {
        let now: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let node = json!({"metadata": {"name": "cp-1", "labels": {
                "node-role.kubernetes.io/control-plane": "", "kubernetes.io/role": "master"}},
            "spec": {"unschedulable": true},
            "status": {"conditions": [{"type": "Ready", "status": "Unknown"}]}});
        let object = Object::from_json(super::super::resources::Kind::Node, node).unwrap();
        let cells = cells(&object, now);
        assert_eq!(cells[1], json!("NotReady,SchedulingDisabled"));
        assert_eq!(cells[2], json!("control-plane,master"));
        assert_eq!(cells[6], json!("<none>"));
        assert_eq!(cells[7], json!("<unknown>"));
    }

    #[test]
    fn every_kind_has_as_many_cells_as_columns() {
        use super::super::resources::ALL;
        let now: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        for info in ALL {
            let value = json!({"metadata": {"name": "x"}});
            let object = Object::from_json(info.kind, value).unwrap();
            assert_eq!(
                cells(&object, now).len(),
                columns(info.kind).len(),
                "{:?}",
                info.kind
            );
        }
    }
}
