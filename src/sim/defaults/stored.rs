//! Defaults of the kinds the sim only stores, as the API server's
//! defaulters set them (`pkg/apis/{apps,batch,core}/v1/defaults.go`), so what
//! `kubectl get -o yaml` shows after `kubectl apply` matches a real cluster.

use base64::Engine;
use base64::prelude::BASE64_STANDARD;
use serde_json::{Map, Value, json};

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
        Kind::Job => job(child(obj, "spec")),
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

/// SetDefaults_Job: one pod at a time, once, six retries.
fn job(spec: &mut Map<String, Value>) {
    let unset = |m: &Map<String, Value>, k: &str| m.get(k).is_none_or(Value::is_null);
    if unset(spec, "completions") && unset(spec, "parallelism") {
        spec.insert("completions".into(), json!(1));
    }
    set(spec, "parallelism", json!(1));
    set(spec, "backoffLimit", json!(6));
    set(spec, "completionMode", json!("NonIndexed"));
    set(spec, "suspend", json!(false));
    set(spec, "podReplacementPolicy", json!("TerminatingOrFailed"));
    template(spec);
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
        // A work queue (parallelism without completions) keeps completions unset.
        let queue = defaulted(Kind::Job, json!({"spec": {"parallelism": 3}}));
        assert!(queue["spec"].get("completions").is_none());
        assert_eq!(queue["spec"]["parallelism"], 3);
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
