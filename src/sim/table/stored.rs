//! Table rows of the kinds the sim only stores (no controller runs them):
//! the columns and cells of the real server's printers
//! (`pkg/printers/internalversion/printers.go`, Kubernetes 1.32+).

use std::collections::BTreeMap;

use jiff::Timestamp;
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{Endpoints, PodTemplateSpec};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde_json::{Value, json};

use super::{age, col};
use crate::sim::objects::Object;
use crate::sim::resources::Kind;

/// Containers, Images and Selector: the wide columns of every workload.
fn workload_wide() -> [Value; 3] {
    [
        col("Containers", "string", 1),
        col("Images", "string", 1),
        col("Selector", "string", 1),
    ]
}

/// The columns of `kind`, or `None` when it is not one of these kinds.
pub(super) fn columns(kind: Kind) -> Option<Vec<Value>> {
    let s = |n: &str| col(n, "string", 0);
    let int = |n: &str| col(n, "integer", 0);
    let mut cols = match kind {
        Kind::Secret => vec![s("Name"), s("Type"), int("Data"), s("Age")],
        Kind::ServiceAccount => vec![s("Name"), int("Secrets"), s("Age")],
        Kind::Endpoints => vec![s("Name"), s("Endpoints"), s("Age")],
        Kind::EndpointSlice => vec![
            s("Name"),
            s("AddressType"),
            s("Ports"),
            s("Endpoints"),
            s("Age"),
        ],
        Kind::Deployment => vec![
            s("Name"),
            s("Ready"),
            int("Up-to-date"),
            int("Available"),
            s("Age"),
        ],
        Kind::ReplicaSet => vec![
            s("Name"),
            int("Desired"),
            int("Current"),
            int("Ready"),
            s("Age"),
        ],
        Kind::DaemonSet => vec![
            s("Name"),
            int("Desired"),
            int("Current"),
            int("Ready"),
            int("Up-to-date"),
            int("Available"),
            s("Node Selector"),
            s("Age"),
        ],
        Kind::Job => vec![
            s("Name"),
            s("Status"),
            s("Completions"),
            s("Duration"),
            s("Age"),
        ],
        Kind::CronJob => vec![
            s("Name"),
            s("Schedule"),
            s("Timezone"),
            s("Suspend"),
            int("Active"),
            s("Last Schedule"),
            s("Age"),
        ],
        _ => return None,
    };
    if matches!(
        kind,
        Kind::Deployment | Kind::ReplicaSet | Kind::DaemonSet | Kind::Job | Kind::CronJob
    ) {
        cols.extend(workload_wide());
    }
    Some(cols)
}

/// `k=v,k2=v2`, or `<none>`: labels.FormatLabels.
fn format_labels(labels: Option<&BTreeMap<String, String>>) -> String {
    let text: Vec<String> = labels
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if text.is_empty() {
        "<none>".into()
    } else {
        text.join(",")
    }
}

/// metav1.FormatLabelSelector: match labels, then expressions, or `<none>`.
fn format_selector(selector: Option<&LabelSelector>) -> String {
    let Some(sel) = selector else {
        return "<none>".into();
    };
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
    if parts.is_empty() {
        "<none>".into()
    } else {
        parts.join(",")
    }
}

/// The wide cells of a workload: container names, images, selector.
fn wide(template: Option<&PodTemplateSpec>, selector: Option<&LabelSelector>) -> [Value; 3] {
    let containers = template
        .and_then(|t| t.spec.as_ref())
        .map(|s| s.containers.as_slice())
        .unwrap_or_default();
    let names: Vec<&str> = containers.iter().map(|c| c.name.as_str()).collect();
    let images: Vec<&str> = containers
        .iter()
        .filter_map(|c| c.image.as_deref())
        .collect();
    [
        json!(names.join(",")),
        json!(images.join(",")),
        json!(format_selector(selector)),
    ]
}

/// The cells of `object`, or `None` when it is not one of these kinds.
pub(super) fn cells(object: &Object, now: Timestamp) -> Option<Vec<Value>> {
    let meta = object.meta();
    let name = json!(meta.name);
    let created = age(meta.creation_timestamp.as_ref(), now);
    let mut row = match object {
        Object::Secret(s) => vec![
            name,
            json!(s.type_.clone().unwrap_or_default()),
            json!(
                s.data.as_ref().map_or(0, |d| d.len())
                    + s.string_data.as_ref().map_or(0, |d| d.len())
            ),
            json!(created),
        ],
        Object::ServiceAccount(a) => vec![
            name,
            json!(a.secrets.as_ref().map_or(0, Vec::len)),
            json!(created),
        ],
        Object::Endpoints(e) => vec![name, json!(endpoints(e)), json!(created)],
        Object::EndpointSlice(e) => {
            let (ports, addresses) = slice(e);
            vec![
                name,
                json!(e.address_type),
                json!(ports),
                json!(addresses),
                json!(created),
            ]
        }
        Object::Deployment(d) => deployment(d, name, created),
        Object::ReplicaSet(r) => replicaset(r, name, created),
        Object::DaemonSet(d) => daemonset(d, name, created),
        Object::Job(j) => job(j, name, created, now),
        Object::CronJob(c) => cronjob(c, name, created, now),
        _ => return None,
    };
    let (template, selector) = match object {
        Object::Deployment(d) => {
            let s = d.spec.as_ref();
            (s.map(|s| &s.template), s.map(|s| &s.selector))
        }
        Object::ReplicaSet(r) => {
            let s = r.spec.as_ref();
            (s.and_then(|s| s.template.as_ref()), s.map(|s| &s.selector))
        }
        Object::DaemonSet(d) => {
            let s = d.spec.as_ref();
            (s.map(|s| &s.template), s.map(|s| &s.selector))
        }
        Object::Job(j) => {
            let s = j.spec.as_ref();
            (s.map(|s| &s.template), s.and_then(|s| s.selector.as_ref()))
        }
        Object::CronJob(c) => {
            let s = c.spec.as_ref().and_then(|s| s.job_template.spec.as_ref());
            (s.map(|s| &s.template), s.and_then(|s| s.selector.as_ref()))
        }
        _ => return Some(row),
    };
    row.extend(wide(template, selector));
    Some(row)
}

/// Up to three `ip:port` pairs, then `+ N more...`, or `<none>`.
fn endpoints(e: &Endpoints) -> String {
    let mut pairs = Vec::new();
    for subset in e.subsets.iter().flatten() {
        let ports = subset.ports.clone().unwrap_or_default();
        for address in subset.addresses.iter().flatten() {
            if ports.is_empty() {
                pairs.push(address.ip.clone());
            }
            for p in &ports {
                pairs.push(format!("{}:{}", address.ip, p.port));
            }
        }
    }
    more(pairs, "<none>")
}

/// The first three of `items` and how many more, as kubectl abbreviates.
fn more(items: Vec<String>, empty: &str) -> String {
    match items.len() {
        0 => empty.into(),
        n if n <= 3 => items.join(","),
        n => format!("{} + {} more...", items[..3].join(","), n - 3),
    }
}

fn slice(e: &EndpointSlice) -> (String, String) {
    let ports: Vec<String> = e
        .ports
        .iter()
        .flatten()
        .filter_map(|p| p.port.map(|p| p.to_string()))
        .collect();
    let ports = if ports.is_empty() {
        "<unset>".to_string()
    } else {
        ports.join(",")
    };
    let addresses = e
        .endpoints
        .iter()
        .flat_map(|ep| ep.addresses.iter().cloned())
        .collect();
    (ports, more(addresses, "<unset>"))
}

fn deployment(d: &Deployment, name: Value, created: String) -> Vec<Value> {
    let desired = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(0);
    let st = d.status.as_ref();
    vec![
        name,
        json!(format!(
            "{}/{desired}",
            st.and_then(|s| s.ready_replicas).unwrap_or(0)
        )),
        json!(st.and_then(|s| s.updated_replicas).unwrap_or(0)),
        json!(st.and_then(|s| s.available_replicas).unwrap_or(0)),
        json!(created),
    ]
}

fn replicaset(r: &ReplicaSet, name: Value, created: String) -> Vec<Value> {
    let st = r.status.as_ref();
    vec![
        name,
        json!(r.spec.as_ref().and_then(|s| s.replicas).unwrap_or(0)),
        json!(st.map_or(0, |s| s.replicas)),
        json!(st.and_then(|s| s.ready_replicas).unwrap_or(0)),
        json!(created),
    ]
}

fn daemonset(d: &DaemonSet, name: Value, created: String) -> Vec<Value> {
    let st = d.status.clone().unwrap_or_default();
    let node_selector = d
        .spec
        .as_ref()
        .and_then(|s| s.template.spec.as_ref())
        .and_then(|p| p.node_selector.as_ref());
    vec![
        name,
        json!(st.desired_number_scheduled),
        json!(st.current_number_scheduled),
        json!(st.number_ready),
        json!(st.updated_number_scheduled.unwrap_or(0)),
        json!(st.number_available.unwrap_or(0)),
        json!(format_labels(node_selector)),
        json!(created),
    ]
}

/// A Job's STATUS: its terminal or suspended condition, else Running.
fn job_status(j: &Job) -> &'static str {
    let conditions = j.status.as_ref().and_then(|s| s.conditions.as_ref());
    let has = |t: &str| {
        conditions
            .into_iter()
            .flatten()
            .any(|c| c.type_ == t && c.status == "True")
    };
    if has("Failed") {
        "Failed"
    } else if has("Complete") {
        "Complete"
    } else if has("Suspended") {
        "Suspended"
    } else if has("FailureTarget") {
        "FailureTarget"
    } else if has("SuccessCriteriaMet") {
        "SuccessCriteriaMet"
    } else if j.metadata.deletion_timestamp.is_some() {
        "Terminating"
    } else {
        "Running"
    }
}

fn job(j: &Job, name: Value, created: String, now: Timestamp) -> Vec<Value> {
    let spec = j.spec.as_ref();
    let st = j.status.as_ref();
    let succeeded = st.and_then(|s| s.succeeded).unwrap_or(0);
    let completions = match spec.and_then(|s| s.completions) {
        Some(c) => format!("{succeeded}/{c}"),
        None => match spec.and_then(|s| s.parallelism).unwrap_or(0) {
            p if p > 1 => format!("{succeeded}/1 of {p}"),
            _ => format!("{succeeded}/1"),
        },
    };
    let start = st.and_then(|s| s.start_time.as_ref());
    let end = st.and_then(|s| s.completion_time.as_ref());
    let duration = match (start, end) {
        (None, _) => String::new(),
        (Some(s), None) => age(Some(s), now),
        (Some(s), Some(e)) => age(Some(s), e.0),
    };
    vec![
        name,
        json!(job_status(j)),
        json!(completions),
        json!(duration),
        json!(created),
    ]
}

fn cronjob(c: &CronJob, name: Value, created: String, now: Timestamp) -> Vec<Value> {
    let spec = c.spec.as_ref();
    let st = c.status.as_ref();
    let suspend = match spec.and_then(|s| s.suspend) {
        Some(true) => "True",
        Some(false) => "False",
        None => "<unset>",
    };
    let last = st
        .and_then(|s| s.last_schedule_time.as_ref())
        .map_or_else(|| "<none>".to_string(), |t| age(Some(t), now));
    vec![
        name,
        json!(spec.map(|s| s.schedule.clone()).unwrap_or_default()),
        json!(
            spec.and_then(|s| s.time_zone.clone())
                .unwrap_or_else(|| "<none>".into())
        ),
        json!(suspend),
        json!(st.and_then(|s| s.active.as_ref()).map_or(0, Vec::len)),
        json!(last),
        json!(created),
    ]
}
