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
        // The column types are the printer's (a count may be a "string").
        Kind::Secret => vec![s("Name"), s("Type"), s("Data"), s("Age")],
        Kind::ServiceAccount => vec![s("Name"), s("Secrets"), s("Age")],
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
            s("Up-to-date"),
            s("Available"),
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
            col("Suspend", "boolean", 0),
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

/// The selector as `labels.Selector.String()` prints it: one requirement
/// per match label and expression, sorted by key, set values sorted; `""`
/// for an empty or missing selector.
fn selector_string(selector: Option<&LabelSelector>) -> String {
    let Some(sel) = selector else {
        return String::new();
    };
    let mut parts: Vec<(String, String)> = sel
        .match_labels
        .iter()
        .flatten()
        .map(|(k, v)| (k.clone(), format!("{k}={v}")))
        .collect();
    for e in sel.match_expressions.iter().flatten() {
        let mut values = e.values.clone().unwrap_or_default();
        values.sort();
        values.dedup();
        let values = values.join(",");
        let text = match e.operator.as_str() {
            "In" => format!("{} in ({values})", e.key),
            "NotIn" => format!("{} notin ({values})", e.key),
            "Exists" => e.key.clone(),
            "DoesNotExist" => format!("!{}", e.key),
            op => format!("{} {op} ({values})", e.key),
        };
        parts.push((e.key.clone(), text));
    }
    parts.sort_by(|a, b| a.0.cmp(&b.0));
    let texts: Vec<String> = parts.into_iter().map(|(_, t)| t).collect();
    texts.join(",")
}

/// metav1.FormatLabelSelector: the selector's string, or `<none>`.
fn format_selector(selector: Option<&LabelSelector>) -> String {
    match selector_string(selector) {
        s if s.is_empty() => "<none>".into(),
        s => s,
    }
}

/// The wide cells of a workload: container names, images, selector.
fn wide(template: Option<&PodTemplateSpec>, selector: String) -> [Value; 3] {
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
        json!(selector),
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
    // printDeployment prints the selector's string as it is, the others
    // through FormatLabelSelector (`<none>` when empty).
    let selector = if matches!(object, Object::Deployment(_)) {
        selector_string(selector)
    } else {
        format_selector(selector)
    };
    row.extend(wide(template, selector));
    Some(row)
}

/// formatEndpoints: for each subset, each port's addresses (`ip:port`; a
/// bare ip without ports), up to three, then `+ N more...`; `<none>`.
fn endpoints(e: &Endpoints) -> String {
    let subsets = e.subsets.as_deref().unwrap_or_default();
    if subsets.is_empty() {
        return "<none>".into();
    }
    let mut pairs = Vec::new();
    for subset in subsets {
        let addresses = subset.addresses.as_deref().unwrap_or_default();
        let ports = subset.ports.as_deref().unwrap_or_default();
        if ports.is_empty() {
            pairs.extend(addresses.iter().map(|a| a.ip.clone()));
        }
        for p in ports {
            pairs.extend(addresses.iter().map(|a| join_host_port(&a.ip, p.port)));
        }
    }
    more(pairs, "")
}

/// net.JoinHostPort: IPv6 addresses in brackets.
fn join_host_port(ip: &str, port: i32) -> String {
    if ip.contains(':') {
        format!("[{ip}]:{port}")
    } else {
        format!("{ip}:{port}")
    }
}

/// The first three of `items` and how many more, as the printer abbreviates.
fn more(items: Vec<String>, empty: &str) -> String {
    match items.len() {
        0 => empty.into(),
        n if n <= 3 => items.join(","),
        n => format!("{} + {} more...", items[..3].join(","), n - 3),
    }
}

/// formatDiscoveryPorts and formatDiscoveryEndpoints: a port's number, else
/// its name, else `*`; `<unset>` for none.
fn slice(e: &EndpointSlice) -> (String, String) {
    let ports = e
        .ports
        .iter()
        .flatten()
        .map(|p| match (p.port, &p.name) {
            (Some(n), _) => n.to_string(),
            (None, Some(name)) => name.clone(),
            (None, None) => "*".into(),
        })
        .collect();
    let addresses = e
        .endpoints
        .iter()
        .flat_map(|ep| ep.addresses.iter().cloned())
        .collect();
    (more(ports, "<unset>"), more(addresses, "<unset>"))
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

/// A Job's STATUS as printJob decides it: Complete, Failed, Terminating,
/// Suspended, FailureTarget, SuccessCriteriaMet, else Running. A condition
/// counts by the first of its type, as hasJobCondition reads them.
fn job_status(j: &Job) -> &'static str {
    let conditions = j.status.as_ref().and_then(|s| s.conditions.as_ref());
    let has = |t: &str| {
        conditions
            .into_iter()
            .flatten()
            .find(|c| c.type_ == t)
            .is_some_and(|c| c.status == "True")
    };
    if has("Complete") {
        "Complete"
    } else if has("Failed") {
        "Failed"
    } else if j.metadata.deletion_timestamp.is_some() {
        "Terminating"
    } else if has("Suspended") {
        "Suspended"
    } else if has("FailureTarget") {
        "FailureTarget"
    } else if has("SuccessCriteriaMet") {
        "SuccessCriteriaMet"
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

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn now() -> Timestamp {
        "2026-01-01T01:00:00Z".parse().unwrap()
    }

    /// The cells of `kind` decoded from `value`, as strings for comparing.
    fn row(kind: Kind, mut value: Value) -> Vec<String> {
        value["metadata"] = json!({"name": "x", "creationTimestamp": "2026-01-01T00:00:00Z"});
        let object = Object::from_json(kind, value).unwrap();
        let row = cells(&object, now()).unwrap();
        assert_eq!(row.len(), columns(kind).unwrap().len(), "{kind:?}");
        row.iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), String::from))
            .collect()
    }

    fn names(kind: Kind) -> Vec<String> {
        columns(kind)
            .unwrap()
            .iter()
            .filter(|c| c["priority"] == 0)
            .map(|c| c["name"].as_str().unwrap().to_uppercase())
            .collect()
    }

    #[test]
    fn secrets_show_type_and_data_count() {
        assert_eq!(names(Kind::Secret), ["NAME", "TYPE", "DATA", "AGE"]);
        let r = row(
            Kind::Secret,
            json!({"type": "Opaque", "data": {"a": "MQ==", "b": "Mg=="}}),
        );
        assert_eq!(r, ["x", "Opaque", "2", "60m"]);
    }

    #[test]
    fn service_accounts_count_their_secrets() {
        assert_eq!(names(Kind::ServiceAccount), ["NAME", "SECRETS", "AGE"]);
        let r = row(Kind::ServiceAccount, json!({"secrets": [{"name": "t"}]}));
        assert_eq!(r, ["x", "1", "60m"]);
    }

    #[test]
    fn deployments_show_ready_of_desired_up_to_date_and_available() {
        assert_eq!(
            names(Kind::Deployment),
            ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
        );
        let r = row(
            Kind::Deployment,
            json!({
                "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                    "template": {"spec": {"containers": [{"name": "web", "image": "nginx"}]}}},
                "status": {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2},
            }),
        );
        assert_eq!(r, ["x", "2/3", "3", "2", "60m", "web", "nginx", "app=web"]);
    }

    #[test]
    fn replicasets_show_desired_current_ready() {
        assert_eq!(
            names(Kind::ReplicaSet),
            ["NAME", "DESIRED", "CURRENT", "READY", "AGE"]
        );
        let r = row(
            Kind::ReplicaSet,
            json!({"spec": {"replicas": 2, "selector": {"matchLabels": {"zone": "z"},
                    "matchExpressions": [{"key": "tier", "operator": "In", "values": ["b", "a"]}]}},
                "status": {"replicas": 2, "readyReplicas": 1}}),
        );
        // Requirements sorted by key, values sorted, as labels.Selector prints.
        assert_eq!(
            r,
            ["x", "2", "2", "1", "60m", "", "", "tier in (a,b),zone=z"]
        );
    }

    #[test]
    fn daemonsets_show_counts_and_node_selector() {
        assert_eq!(
            names(Kind::DaemonSet),
            [
                "NAME",
                "DESIRED",
                "CURRENT",
                "READY",
                "UP-TO-DATE",
                "AVAILABLE",
                "NODE SELECTOR",
                "AGE"
            ]
        );
        let r = row(
            Kind::DaemonSet,
            json!({"spec": {"selector": {}, "template": {"spec": {"containers": [], "nodeSelector": {"kubernetes.io/os": "linux"}}}},
                "status": {"desiredNumberScheduled": 3, "currentNumberScheduled": 3, "numberReady": 2,
                    "updatedNumberScheduled": 3, "numberAvailable": 2, "numberMisscheduled": 0}}),
        );
        assert_eq!(
            r[..8],
            [
                "x",
                "3",
                "3",
                "2",
                "3",
                "2",
                "kubernetes.io/os=linux",
                "60m"
            ]
        );
        let bare = row(Kind::DaemonSet, json!({}));
        assert_eq!(bare[6], "<none>");
    }

    #[test]
    fn jobs_show_status_completions_and_duration() {
        assert_eq!(
            names(Kind::Job),
            ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"]
        );
        let running = row(
            Kind::Job,
            json!({"spec": {"completions": 3, "template": {}},
                "status": {"succeeded": 1, "startTime": "2026-01-01T00:58:00Z"}}),
        );
        assert_eq!(running[..5], ["x", "Running", "1/3", "2m", "60m"]);
        let done = row(
            Kind::Job,
            json!({"spec": {"template": {}, "parallelism": 2},
                "status": {"succeeded": 1, "startTime": "2026-01-01T00:00:00Z",
                    "completionTime": "2026-01-01T00:00:45Z",
                    "conditions": [{"type": "Complete", "status": "True"}]}}),
        );
        assert_eq!(done[..5], ["x", "Complete", "1/1 of 2", "45s", "60m"]);
        // printJob's order: Complete before Failed, Terminating before Suspended.
        let both = row(
            Kind::Job,
            json!({"spec": {"template": {}}, "status": {"conditions": [
                {"type": "Failed", "status": "True"}, {"type": "Complete", "status": "True"}]}}),
        );
        assert_eq!(both[1], "Complete");
        let mut leaving = json!({"spec": {"template": {}}, "status": {"conditions": [
            {"type": "Suspended", "status": "True"}]}});
        let mut job = Object::from_json(Kind::Job, {
            leaving["metadata"] = json!({"name": "x", "creationTimestamp": "2026-01-01T00:00:00Z",
                "deletionTimestamp": "2026-01-01T00:30:00Z"});
            leaving.clone()
        })
        .unwrap();
        assert_eq!(cells(&job, now()).unwrap()[1], "Terminating");
        leaving["metadata"]["deletionTimestamp"] = Value::Null;
        job = Object::from_json(Kind::Job, leaving).unwrap();
        assert_eq!(cells(&job, now()).unwrap()[1], "Suspended");
        let pending = row(Kind::Job, json!({"spec": {"template": {}}}));
        assert_eq!(pending[..4], ["x", "Running", "0/1", ""]);
    }

    #[test]
    fn cronjobs_show_schedule_timezone_suspend_active_and_last_schedule() {
        assert_eq!(
            names(Kind::CronJob),
            [
                "NAME",
                "SCHEDULE",
                "TIMEZONE",
                "SUSPEND",
                "ACTIVE",
                "LAST SCHEDULE",
                "AGE"
            ]
        );
        let r = row(
            Kind::CronJob,
            json!({"spec": {"schedule": "0 3 * * *", "suspend": false, "jobTemplate": {}},
                "status": {"active": [{"name": "j"}], "lastScheduleTime": "2026-01-01T00:55:00Z"}}),
        );
        assert_eq!(
            r[..7],
            ["x", "0 3 * * *", "<none>", "False", "1", "5m", "60m"]
        );
        let zoned = row(
            Kind::CronJob,
            json!({"spec": {"schedule": "@daily", "timeZone": "Etc/UTC", "jobTemplate": {}}}),
        );
        assert_eq!(zoned[2..6], ["Etc/UTC", "<unset>", "0", "<none>"]);
    }

    #[test]
    fn endpoints_and_slices_abbreviate_after_three_addresses() {
        let r = row(
            Kind::Endpoints,
            json!({"subsets": [{"addresses": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}],
                "ports": [{"port": 80}, {"port": 443}]}]}),
        );
        // Port by port, as formatEndpoints walks a subset.
        assert_eq!(r[1], "10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...");
        assert_eq!(row(Kind::Endpoints, json!({}))[1], "<none>");
        let s = row(
            Kind::EndpointSlice,
            json!({"addressType": "IPv4", "ports": [{"port": 80}],
                "endpoints": [{"addresses": ["10.0.0.1"]}]}),
        );
        assert_eq!(s[1..4], ["IPv4", "80", "10.0.0.1"]);
        let named = row(
            Kind::EndpointSlice,
            json!({"addressType": "IPv4", "ports": [{"name": "http"}, {}],
                "endpoints": [{"addresses": ["a", "b"]}, {"addresses": ["c", "d", "e"]}]}),
        );
        assert_eq!(named[2..4], ["http,*", "a,b,c + 2 more..."]);
        let empty = row(
            Kind::EndpointSlice,
            json!({"addressType": "IPv4", "endpoints": []}),
        );
        assert_eq!(empty[2..4], ["<unset>", "<unset>"]);
    }
}
