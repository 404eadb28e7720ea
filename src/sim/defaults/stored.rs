//! Defaults of the kinds the sim only stores, as the API server's
//! defaulters set them (`pkg/apis/{apps,batch,core}/v1/defaults.go`), so what
//! `kubectl get -o yaml` shows after `kubectl apply` matches a real cluster.

use base64::Engine;
use base64::prelude::BASE64_STANDARD;
use serde_json::{Map, Value, json};

use k8s_openapi::api::batch::v1::Job;

use super::{child, pod_spec, set};
use crate::sim::resources::Kind;

/// Fills the defaults of `kind` when it is one of these kinds.
pub(super) fn apply(kind: Kind, obj: &mut Map<String, Value>) {
    match kind {
        Kind::Secret => secret(obj),
        Kind::Deployment => deployment(child(obj, "spec")),
        Kind::ReplicaSet => {
            let spec = child(obj, "spec");
            set(spec, "replicas", json!(1));
            template(spec);
        }
        Kind::DaemonSet => daemonset(child(obj, "spec")),
        Kind::Job => job(obj),
        Kind::CronJob => cronjob(child(obj, "spec")),
        _ => {}
    }
}

/// SetDefaults_Secret (an empty type, as protobuf bodies carry it, is
/// Opaque too), and `stringData` written into `data` as base64, as the
/// server's conversion does: `stringData` is write-only and never stored.
fn secret(obj: &mut Map<String, Value>) {
    if obj.get("type").and_then(Value::as_str) == Some("") {
        obj.remove("type");
    }
    set(obj, "type", json!("Opaque"));
    let Some(Value::Object(strings)) = obj.remove("stringData") else {
        return;
    };
    let data = child(obj, "data");
    for (key, value) in strings {
        let text = value.as_str().unwrap_or_default();
        data.insert(key, json!(BASE64_STANDARD.encode(text)));
    }
}

/// The pod spec of `spec.template`, when there is one.
fn template(spec: &mut Map<String, Value>) {
    if let Some(pod) = spec
        .get_mut("template")
        .and_then(|t| t.get_mut("spec"))
        .and_then(Value::as_object_mut)
    {
        pod_spec(pod);
    }
}

/// SetDefaults_Deployment.
fn deployment(spec: &mut Map<String, Value>) {
    set(spec, "replicas", json!(1));
    let strategy = child(spec, "strategy");
    set(strategy, "type", json!("RollingUpdate"));
    if strategy.get("type").and_then(Value::as_str) == Some("RollingUpdate") {
        let rolling = child(strategy, "rollingUpdate");
        set(rolling, "maxUnavailable", json!("25%"));
        set(rolling, "maxSurge", json!("25%"));
    }
    set(spec, "revisionHistoryLimit", json!(10));
    set(spec, "progressDeadlineSeconds", json!(600));
    template(spec);
}

/// SetDefaults_DaemonSet.
fn daemonset(spec: &mut Map<String, Value>) {
    let strategy = child(spec, "updateStrategy");
    set(strategy, "type", json!("RollingUpdate"));
    if strategy.get("type").and_then(Value::as_str) == Some("RollingUpdate") {
        let rolling = child(strategy, "rollingUpdate");
        set(rolling, "maxUnavailable", json!(1));
        set(rolling, "maxSurge", json!(0));
    }
    set(spec, "revisionHistoryLimit", json!(10));
    template(spec);
}

/// SetDefaults_Job: one pod at a time, once, six retries; the Job takes
/// its template's labels when it has none of its own.
fn job(obj: &mut Map<String, Value>) {
    let template_labels = obj
        .get("spec")
        .and_then(|s| s.pointer("/template/metadata/labels"))
        .filter(|l| l.as_object().is_some_and(|m| !m.is_empty()))
        .cloned();
    let meta = child(obj, "metadata");
    let own = meta.get("labels").and_then(Value::as_object);
    if let Some(labels) = template_labels
        && own.is_none_or(Map::is_empty)
    {
        meta.insert("labels".into(), labels);
    }
    let spec = child(obj, "spec");
    let unset = |m: &Map<String, Value>, k: &str| m.get(k).is_none_or(Value::is_null);
    if unset(spec, "completions") && unset(spec, "parallelism") {
        spec.insert("completions".into(), json!(1));
    }
    set(spec, "parallelism", json!(1));
    let backoff = if unset(spec, "backoffLimitPerIndex") {
        6
    } else {
        i32::MAX
    };
    set(spec, "backoffLimit", json!(backoff));
    set(spec, "completionMode", json!("NonIndexed"));
    set(spec, "suspend", json!(false));
    let replacement = if unset(spec, "podFailurePolicy") {
        "TerminatingOrFailed"
    } else {
        "Failed"
    };
    set(spec, "podReplacementPolicy", json!(replacement));
    set(spec, "manualSelector", json!(false));
    template(spec);
}

/// What the Job strategy's PrepareForCreate adds once the Job has its uid
/// (`generateSelector` in pkg/registry/batch/job/strategy.go), unless the
/// user chose `manualSelector`: the job-name and controller-uid labels on
/// the pod template, in their legacy and `batch.kubernetes.io/` forms, and
/// a selector on the uid. Labels the user set are kept.
pub fn job_selector(job: &mut Job) {
    let name = job.metadata.name.clone().unwrap_or_default();
    let uid = job.metadata.uid.clone().unwrap_or_default();
    let Some(spec) = job.spec.as_mut() else {
        return;
    };
    if spec.manual_selector == Some(true) {
        return;
    }
    let labels = spec
        .template
        .metadata
        .get_or_insert_with(Default::default)
        .labels
        .get_or_insert_with(Default::default);
    for key in ["job-name", "batch.kubernetes.io/job-name"] {
        labels.entry(key.into()).or_insert_with(|| name.clone());
    }
    for key in ["controller-uid", "batch.kubernetes.io/controller-uid"] {
        labels.entry(key.into()).or_insert_with(|| uid.clone());
    }
    spec.selector
        .get_or_insert_with(Default::default)
        .match_labels
        .get_or_insert_with(Default::default)
        .entry("batch.kubernetes.io/controller-uid".into())
        .or_insert(uid);
}

/// SetDefaults_CronJob, and the Job its template makes.
fn cronjob(spec: &mut Map<String, Value>) {
    set(spec, "concurrencyPolicy", json!("Allow"));
    set(spec, "suspend", json!(false));
    set(spec, "successfulJobsHistoryLimit", json!(3));
    set(spec, "failedJobsHistoryLimit", json!(1));
    if let Some(job_spec) = spec
        .get_mut("jobTemplate")
        .and_then(|t| t.get_mut("spec"))
        .and_then(Value::as_object_mut)
    {
        template(job_spec);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::sim::defaults::apply;
    use crate::sim::resources::Kind;

    fn defaulted(kind: Kind, mut v: Value) -> Value {
        apply(kind, &mut v);
        v
    }

    fn pod_template() -> Value {
        json!({"metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "nginx"}]}})
    }

    #[test]
    fn secrets_are_opaque_unless_typed() {
        assert_eq!(defaulted(Kind::Secret, json!({}))["type"], "Opaque");
        let tls = defaulted(Kind::Secret, json!({"type": "kubernetes.io/tls"}));
        assert_eq!(tls["type"], "kubernetes.io/tls");
        assert_eq!(
            defaulted(Kind::Secret, json!({"type": ""}))["type"],
            "Opaque"
        );
    }

    #[test]
    fn secret_string_data_is_stored_as_base64_data() {
        let s = defaulted(
            Kind::Secret,
            json!({"data": {"a": "MQ=="}, "stringData": {"b": "s3cret", "a": "2"}}),
        );
        assert_eq!(s["data"], json!({"a": "Mg==", "b": "czNjcmV0"}));
        assert!(s.get("stringData").is_none());
    }

    #[test]
    fn deployments_get_strategy_replicas_history_deadline_and_pod_defaults() {
        let d = defaulted(
            Kind::Deployment,
            json!({"spec": {"template": pod_template()}}),
        );
        let spec = &d["spec"];
        assert_eq!(spec["replicas"], 1);
        assert_eq!(
            spec["strategy"],
            json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}})
        );
        assert_eq!(spec["revisionHistoryLimit"], 10);
        assert_eq!(spec["progressDeadlineSeconds"], 600);
        let pod = &spec["template"]["spec"];
        assert_eq!(pod["restartPolicy"], "Always");
        assert_eq!(pod["containers"][0]["imagePullPolicy"], "Always");
        let recreate = defaulted(
            Kind::Deployment,
            json!({"spec": {"replicas": 3, "strategy": {"type": "Recreate"}}}),
        );
        assert_eq!(recreate["spec"]["replicas"], 3);
        assert_eq!(recreate["spec"]["strategy"], json!({"type": "Recreate"}));
        assert_eq!(defaulted(Kind::Deployment, d.clone()), d);
    }

    #[test]
    fn replicasets_get_one_replica_and_pod_defaults() {
        let r = defaulted(
            Kind::ReplicaSet,
            json!({"spec": {"template": pod_template()}}),
        );
        assert_eq!(r["spec"]["replicas"], 1);
        assert_eq!(r["spec"]["template"]["spec"]["dnsPolicy"], "ClusterFirst");
    }

    #[test]
    fn daemonsets_roll_one_node_at_a_time() {
        let d = defaulted(
            Kind::DaemonSet,
            json!({"spec": {"template": pod_template()}}),
        );
        assert_eq!(
            d["spec"]["updateStrategy"],
            json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}})
        );
        assert_eq!(d["spec"]["revisionHistoryLimit"], 10);
        assert_eq!(
            d["spec"]["template"]["spec"]["schedulerName"],
            "default-scheduler"
        );
        let on_delete = defaulted(
            Kind::DaemonSet,
            json!({"spec": {"updateStrategy": {"type": "OnDelete"}}}),
        );
        assert_eq!(
            on_delete["spec"]["updateStrategy"],
            json!({"type": "OnDelete"})
        );
    }

    #[test]
    fn jobs_run_once_with_six_retries_and_keep_their_restart_policy() {
        let mut template = pod_template();
        template["spec"]["restartPolicy"] = json!("Never");
        let j = defaulted(Kind::Job, json!({"spec": {"template": template}}));
        let spec = &j["spec"];
        assert_eq!(
            (spec["completions"].clone(), spec["parallelism"].clone()),
            (json!(1), json!(1))
        );
        assert_eq!(spec["backoffLimit"], 6);
        assert_eq!(spec["completionMode"], "NonIndexed");
        assert_eq!(spec["suspend"], false);
        assert_eq!(spec["podReplacementPolicy"], "TerminatingOrFailed");
        assert_eq!(spec["template"]["spec"]["restartPolicy"], "Never");
        assert_eq!(spec["manualSelector"], false);
        // The Job takes its template's labels when it has none.
        assert_eq!(j["metadata"]["labels"], json!({"app": "web"}));
        let own = defaulted(
            Kind::Job,
            json!({"metadata": {"labels": {"team": "a"}}, "spec": {"template": pod_template()}}),
        );
        assert_eq!(own["metadata"]["labels"], json!({"team": "a"}));
        let per_index = defaulted(
            Kind::Job,
            json!({"spec": {"backoffLimitPerIndex": 1, "podFailurePolicy": {"rules": []}}}),
        );
        assert_eq!(per_index["spec"]["backoffLimit"], i32::MAX);
        assert_eq!(per_index["spec"]["podReplacementPolicy"], "Failed");
        // A work queue (parallelism without completions) keeps completions unset.
        let queue = defaulted(Kind::Job, json!({"spec": {"parallelism": 3}}));
        assert!(queue["spec"].get("completions").is_none());
        assert_eq!(queue["spec"]["parallelism"], 3);
    }

    #[test]
    fn jobs_select_their_uid_and_label_their_pods_unless_manual() {
        let job = |manual: Option<bool>| {
            let mut j: k8s_openapi::api::batch::v1::Job = serde_json::from_value(json!({
                "metadata": {"name": "once", "uid": "u-1"},
                "spec": {"manualSelector": manual, "template": {"metadata": {"labels": {"job-name": "mine"}}}},
            }))
            .unwrap();
            super::job_selector(&mut j);
            serde_json::to_value(j).unwrap()
        };
        let auto = job(Some(false));
        assert_eq!(
            auto["spec"]["selector"],
            json!({"matchLabels": {"batch.kubernetes.io/controller-uid": "u-1"}})
        );
        assert_eq!(
            auto["spec"]["template"]["metadata"]["labels"],
            json!({
                "batch.kubernetes.io/controller-uid": "u-1",
                "batch.kubernetes.io/job-name": "once",
                "controller-uid": "u-1",
                "job-name": "mine",
            })
        );
        let manual = job(Some(true));
        assert!(manual["spec"].get("selector").is_none(), "{manual}");
        assert_eq!(
            manual["spec"]["template"]["metadata"]["labels"],
            json!({"job-name": "mine"})
        );
    }

    #[test]
    fn cronjobs_get_policy_history_and_job_template_pod_defaults() {
        let mut template = pod_template();
        template["spec"]["restartPolicy"] = json!("OnFailure");
        let c = defaulted(
            Kind::CronJob,
            json!({"spec": {"schedule": "*/5 * * * *", "jobTemplate": {"spec": {"template": template}}}}),
        );
        let spec = &c["spec"];
        assert_eq!(spec["concurrencyPolicy"], "Allow");
        assert_eq!(spec["suspend"], false);
        assert_eq!(spec["successfulJobsHistoryLimit"], 3);
        assert_eq!(spec["failedJobsHistoryLimit"], 1);
        let pod = &spec["jobTemplate"]["spec"]["template"]["spec"];
        assert_eq!(pod["restartPolicy"], "OnFailure");
        assert_eq!(pod["terminationGracePeriodSeconds"], 30);
    }

    #[test]
    fn configmaps_and_service_accounts_are_left_as_sent() {
        let cm = json!({"data": {"a": "1"}});
        assert_eq!(defaulted(Kind::ConfigMap, cm.clone()), cm);
        let sa = json!({"metadata": {"name": "x"}});
        assert_eq!(defaulted(Kind::ServiceAccount, sa.clone()), sa);
    }
}
