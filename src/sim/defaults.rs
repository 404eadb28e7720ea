//! Defaulting on write, as the API server's scheme defaulters do
//! (k8s.io/kubernetes `pkg/apis/*/v1/defaults.go`), on the JSON of every
//! object written through the API, before validation and before the
//! immutability checks: a client that re-sends a list without the defaults
//! (kubectl's three-way patch of `volumeClaimTemplates`) then compares equal
//! to what is stored.
//!
//! Only fields that are absent are filled; an explicit value always stays.

use serde_json::{Map, Value, json};

use super::resources::Kind;

mod stored;

pub use stored::job_selector;

/// Fills in the defaults of `kind` on `object` (a whole object as JSON).
pub fn apply(kind: Kind, object: &mut Value) {
    let Some(obj) = object.as_object_mut() else {
        return;
    };
    match kind {
        Kind::Pod => {
            if let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) {
                pod_spec(spec);
                // SetDefaults_Pod, not SetDefaults_PodSpec: Pods only, never
                // the templates of workloads.
                set(spec, "enableServiceLinks", json!(true));
            }
        }
        Kind::StatefulSet => statefulset(obj),
        Kind::Service => {
            if let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) {
                service_spec(spec);
            }
        }
        Kind::PersistentVolumeClaim => claim(obj),
        Kind::PersistentVolume => {
            let spec = child(obj, "spec");
            set(spec, "persistentVolumeReclaimPolicy", json!("Retain"));
            set(spec, "volumeMode", json!("Filesystem"));
        }
        Kind::Namespace => {
            // Every namespace carries its name as a label (since 1.21).
            let name = obj
                .get("metadata")
                .and_then(|m| m.get("name"))
                .and_then(Value::as_str)
                .map(String::from);
            if let Some(name) = name {
                let labels = child(child(obj, "metadata"), "labels");
                set(labels, "kubernetes.io/metadata.name", json!(name));
            }
        }
        other => stored::apply(other, obj),
    }
}

/// The object at `key`, created empty when absent (or not an object).
fn child<'m>(map: &'m mut Map<String, Value>, key: &str) -> &'m mut Map<String, Value> {
    let slot = map.entry(key).or_insert_with(|| json!({}));
    if !slot.is_object() {
        *slot = json!({});
    }
    slot.as_object_mut().expect("just made an object")
}

/// Sets `key` unless it is present and not null.
fn set(map: &mut Map<String, Value>, key: &str, value: Value) {
    match map.get(key) {
        Some(v) if !v.is_null() => {}
        _ => {
            map.insert(key.to_string(), value);
        }
    }
}

fn each_object<'v>(map: &'v mut Map<String, Value>, key: &str) -> Vec<&'v mut Map<String, Value>> {
    match map.get_mut(key) {
        Some(Value::Array(items)) => items.iter_mut().filter_map(Value::as_object_mut).collect(),
        _ => Vec::new(),
    }
}

/// SetDefaults_PodSpec, and the defaults of what a PodSpec holds.
fn pod_spec(spec: &mut Map<String, Value>) {
    set(spec, "dnsPolicy", json!("ClusterFirst"));
    set(spec, "restartPolicy", json!("Always"));
    set(spec, "terminationGracePeriodSeconds", json!(30));
    set(spec, "securityContext", json!({}));
    set(spec, "schedulerName", json!("default-scheduler"));
    for list in ["containers", "initContainers"] {
        for c in each_object(spec, list) {
            container(c);
        }
    }
    for v in each_object(spec, "volumes") {
        volume(v);
    }
}

/// The tag of an image reference, if it has one (a digest counts as none).
fn image_tag(image: &str) -> Option<&str> {
    if image.contains('@') {
        return None;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    last.split_once(':').map(|(_, tag)| tag)
}

/// SetDefaults_Container: `:latest` (or no tag) is pulled always.
fn container(c: &mut Map<String, Value>) {
    let image = c.get("image").and_then(Value::as_str).unwrap_or_default();
    let digest = image.contains('@');
    let policy = match image_tag(image) {
        _ if digest => "IfNotPresent",
        None | Some("latest") => "Always",
        Some(_) => "IfNotPresent",
    };
    set(c, "imagePullPolicy", json!(policy));
    set(c, "terminationMessagePath", json!("/dev/termination-log"));
    set(c, "terminationMessagePolicy", json!("File"));
    set(c, "resources", json!({}));
    for p in each_object(c, "ports") {
        set(p, "protocol", json!("TCP"));
    }
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(p) = c.get_mut(probe).and_then(Value::as_object_mut) {
            set(p, "timeoutSeconds", json!(1));
            set(p, "periodSeconds", json!(10));
            set(p, "successThreshold", json!(1));
            set(p, "failureThreshold", json!(3));
            if let Some(get) = p.get_mut("httpGet").and_then(Value::as_object_mut) {
                set(get, "scheme", json!("HTTP"));
            }
        }
    }
}

/// SetDefaults_Volume and the file modes of projected sources.
fn volume(v: &mut Map<String, Value>) {
    const SOURCES: &[&str] = &[
        "emptyDir",
        "persistentVolumeClaim",
        "configMap",
        "secret",
        "hostPath",
        "projected",
        "downwardAPI",
        "nfs",
        "csi",
        "ephemeral",
    ];
    if !SOURCES.iter().any(|s| v.contains_key(*s)) {
        v.insert("emptyDir".into(), json!({}));
    }
    for source in ["configMap", "secret", "projected", "downwardAPI"] {
        if let Some(s) = v.get_mut(source).and_then(Value::as_object_mut) {
            set(s, "defaultMode", json!(420));
        }
    }
}

/// SetDefaults_Service and SetDefaults_ServicePort.
fn service_spec(spec: &mut Map<String, Value>) {
    set(spec, "type", json!("ClusterIP"));
    set(spec, "sessionAffinity", json!("None"));
    let kind = spec
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if kind != "ExternalName" {
        set(spec, "internalTrafficPolicy", json!("Cluster"));
    }
    for p in each_object(spec, "ports") {
        set(p, "protocol", json!("TCP"));
        if let Some(port) = p.get("port").cloned() {
            set(p, "targetPort", port);
        }
    }
}

/// SetDefaults_PersistentVolumeClaimSpec.
fn claim(obj: &mut Map<String, Value>) {
    set(child(obj, "spec"), "volumeMode", json!("Filesystem"));
}

/// SetDefaults_StatefulSet, its pod template and its claim templates.
fn statefulset(obj: &mut Map<String, Value>) {
    let spec = child(obj, "spec");
    set(spec, "replicas", json!(1));
    set(spec, "podManagementPolicy", json!("OrderedReady"));
    set(spec, "revisionHistoryLimit", json!(10));
    let strategy = child(spec, "updateStrategy");
    set(strategy, "type", json!("RollingUpdate"));
    if strategy.get("type").and_then(Value::as_str) == Some("RollingUpdate") {
        set(child(strategy, "rollingUpdate"), "partition", json!(0));
    }
    let retention = child(spec, "persistentVolumeClaimRetentionPolicy");
    set(retention, "whenDeleted", json!("Retain"));
    set(retention, "whenScaled", json!("Retain"));
    if let Some(pod) = spec
        .get_mut("template")
        .and_then(|t| t.get_mut("spec"))
        .and_then(Value::as_object_mut)
    {
        pod_spec(pod);
    }
    for template in each_object(spec, "volumeClaimTemplates") {
        set(template, "apiVersion", json!("v1"));
        set(template, "kind", json!("PersistentVolumeClaim"));
        claim(template);
        set(child(template, "status"), "phase", json!("Pending"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaulted(kind: Kind, mut v: Value) -> Value {
        apply(kind, &mut v);
        v
    }

    fn pod(container: Value) -> Value {
        defaulted(Kind::Pod, json!({"spec": {"containers": [container]}}))
    }

    fn sts() -> Value {
        defaulted(
            Kind::StatefulSet,
            json!({"spec": {
                "template": {"spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}},
                "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {}}],
            }}),
        )
    }

    #[test]
    fn image_pull_policy_is_always_for_latest_or_untagged_images() {
        let policy = |image: &str| {
            pod(json!({"name": "c", "image": image}))["spec"]["containers"][0]["imagePullPolicy"]
                .clone()
        };
        assert_eq!(policy("nginx:1.27"), "IfNotPresent");
        assert_eq!(policy("nginx"), "Always");
        assert_eq!(policy("nginx:latest"), "Always");
        assert_eq!(policy("registry:5000/nginx"), "Always");
        assert_eq!(policy("nginx@sha256:abc"), "IfNotPresent");
        let kept = pod(json!({"name": "c", "image": "nginx", "imagePullPolicy": "Never"}));
        assert_eq!(kept["spec"]["containers"][0]["imagePullPolicy"], "Never");
    }

    #[test]
    fn container_ports_default_to_tcp() {
        let p = pod(
            json!({"name": "c", "ports": [{"containerPort": 80}, {"containerPort": 53, "protocol": "UDP"}]}),
        );
        assert_eq!(p["spec"]["containers"][0]["ports"][0]["protocol"], "TCP");
        assert_eq!(p["spec"]["containers"][0]["ports"][1]["protocol"], "UDP");
    }

    #[test]
    fn termination_message_path_and_policy() {
        let c = &pod(json!({"name": "c"}))["spec"]["containers"][0];
        assert_eq!(c["terminationMessagePath"], "/dev/termination-log");
        assert_eq!(c["terminationMessagePolicy"], "File");
    }

    #[test]
    fn resources_default_to_empty() {
        assert_eq!(
            pod(json!({"name": "c"}))["spec"]["containers"][0]["resources"],
            json!({})
        );
    }

    #[test]
    fn probes_get_their_timings_and_scheme() {
        let p = pod(json!({"name": "c", "readinessProbe": {"httpGet": {"port": 80}}}));
        let probe = &p["spec"]["containers"][0]["readinessProbe"];
        assert_eq!(
            (
                probe["timeoutSeconds"].clone(),
                probe["periodSeconds"].clone()
            ),
            (json!(1), json!(10))
        );
        assert_eq!(probe["successThreshold"], 1);
        assert_eq!(probe["failureThreshold"], 3);
        assert_eq!(probe["httpGet"]["scheme"], "HTTP");
    }

    #[test]
    fn pod_spec_dns_policy() {
        assert_eq!(
            pod(json!({"name": "c"}))["spec"]["dnsPolicy"],
            "ClusterFirst"
        );
    }

    #[test]
    fn pod_spec_restart_policy() {
        assert_eq!(pod(json!({"name": "c"}))["spec"]["restartPolicy"], "Always");
    }

    #[test]
    fn pod_spec_scheduler_name() {
        assert_eq!(
            pod(json!({"name": "c"}))["spec"]["schedulerName"],
            "default-scheduler"
        );
    }

    #[test]
    fn pod_spec_security_context() {
        assert_eq!(
            pod(json!({"name": "c"}))["spec"]["securityContext"],
            json!({})
        );
    }

    #[test]
    fn pod_spec_termination_grace_period() {
        assert_eq!(
            pod(json!({"name": "c"}))["spec"]["terminationGracePeriodSeconds"],
            30
        );
    }

    #[test]
    fn pod_spec_enable_service_links() {
        assert_eq!(
            pod(json!({"name": "c"}))["spec"]["enableServiceLinks"],
            true
        );
        // A Pod default (SetDefaults_Pod), not a template's.
        assert!(
            sts()["spec"]["template"]["spec"]
                .get("enableServiceLinks")
                .is_none()
        );
    }

    #[test]
    fn volumes_without_a_source_are_empty_dirs_and_modes_default_to_0644() {
        let p = defaulted(
            Kind::Pod,
            json!({"spec": {"containers": [], "volumes": [{"name": "a"}, {"name": "b", "configMap": {"name": "x"}}]}}),
        );
        assert_eq!(p["spec"]["volumes"][0]["emptyDir"], json!({}));
        assert_eq!(p["spec"]["volumes"][1]["configMap"]["defaultMode"], 420);
    }

    #[test]
    fn statefulset_replicas_policy_and_history() {
        let s = sts();
        assert_eq!(s["spec"]["replicas"], 1);
        assert_eq!(s["spec"]["podManagementPolicy"], "OrderedReady");
        assert_eq!(s["spec"]["revisionHistoryLimit"], 10);
    }

    #[test]
    fn statefulset_update_strategy() {
        assert_eq!(
            sts()["spec"]["updateStrategy"],
            json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}})
        );
        let on_delete = defaulted(
            Kind::StatefulSet,
            json!({"spec": {"updateStrategy": {"type": "OnDelete"}}}),
        );
        assert_eq!(
            on_delete["spec"]["updateStrategy"],
            json!({"type": "OnDelete"})
        );
    }

    #[test]
    fn statefulset_claim_retention_policy() {
        assert_eq!(
            sts()["spec"]["persistentVolumeClaimRetentionPolicy"],
            json!({"whenDeleted": "Retain", "whenScaled": "Retain"})
        );
    }

    #[test]
    fn statefulset_template_gets_pod_defaults() {
        let c = &sts()["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(c["imagePullPolicy"], "IfNotPresent");
    }

    #[test]
    fn claim_templates_get_type_meta_volume_mode_and_status() {
        let t = &sts()["spec"]["volumeClaimTemplates"][0];
        assert_eq!(t["apiVersion"], "v1");
        assert_eq!(t["kind"], "PersistentVolumeClaim");
        assert_eq!(t["spec"]["volumeMode"], "Filesystem");
        assert_eq!(t["status"], json!({"phase": "Pending"}));
    }

    #[test]
    fn defaulting_twice_changes_nothing() {
        let once = sts();
        assert_eq!(defaulted(Kind::StatefulSet, once.clone()), once);
    }

    #[test]
    fn service_type_affinity_and_traffic_policy() {
        let s = defaulted(Kind::Service, json!({"spec": {"ports": [{"port": 80}]}}));
        assert_eq!(s["spec"]["type"], "ClusterIP");
        assert_eq!(s["spec"]["sessionAffinity"], "None");
        assert_eq!(s["spec"]["internalTrafficPolicy"], "Cluster");
    }

    #[test]
    fn service_ports_protocol_and_target_port() {
        let s = defaulted(
            Kind::Service,
            json!({"spec": {"ports": [{"port": 80}, {"port": 81, "targetPort": "http"}]}}),
        );
        assert_eq!(s["spec"]["ports"][0]["protocol"], "TCP");
        assert_eq!(s["spec"]["ports"][0]["targetPort"], 80);
        assert_eq!(s["spec"]["ports"][1]["targetPort"], "http");
    }

    #[test]
    fn claim_volume_mode() {
        let c = defaulted(Kind::PersistentVolumeClaim, json!({"spec": {}}));
        assert_eq!(c["spec"]["volumeMode"], "Filesystem");
    }

    #[test]
    fn volume_reclaim_policy_and_mode() {
        let v = defaulted(Kind::PersistentVolume, json!({"spec": {}}));
        assert_eq!(v["spec"]["persistentVolumeReclaimPolicy"], "Retain");
        assert_eq!(v["spec"]["volumeMode"], "Filesystem");
    }

    #[test]
    fn namespace_name_label() {
        let n = defaulted(Kind::Namespace, json!({"metadata": {"name": "demo"}}));
        assert_eq!(
            n["metadata"]["labels"]["kubernetes.io/metadata.name"],
            "demo"
        );
    }
}
