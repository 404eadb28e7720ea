//! The `envelope` bench cluster: Kubernetes' tested scalability limit
//! (5,000 Nodes, 150,000 Pods), where StatefulSets are a small share.
//!
//! The StatefulSet part (sets, Pods, claims, volumes, revisions) is made by
//! the simulated controllers as in [`super::generate`], on the first
//! `set_nodes` Nodes. Everything else is stored as plain JSON afterwards,
//! as a real API server would hold it (managedFields included) but with no
//! controller running it: the other Nodes, the Pods of Deployments, Jobs and
//! DaemonSets, the DaemonSets' ControllerRevisions and most Events. Those
//! objects go through [`ObjectStore::insert_json`](super::objects::ObjectStore::insert_json),
//! so they are kept as bytes and never parsed unless something asks.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use super::generate::{self, ClusterSpec, GenerateError};
use super::resources::Kind;
use super::state::SimState;

/// What to generate.
#[derive(Debug, Clone)]
pub struct EnvelopeSpec {
    pub sets: usize,
    pub replicas: i32,
    /// Namespaces of the sets (`bench-NN`) and of the other workloads (`team-NN`).
    pub namespaces: usize,
    /// Nodes that exist while the controllers run the sets (they host them).
    pub set_nodes: usize,
    pub nodes: usize,
    pub classes: usize,
    /// Pods that no StatefulSet owns: one per Node for each DaemonSet, then
    /// Jobs (one Pod each, a sixth of the rest) and Deployments.
    pub other_pods: usize,
    pub daemonsets: usize,
    /// Events in total; `set_events` of them about the sets' Pods.
    pub events: usize,
    pub set_events: usize,
}

impl EnvelopeSpec {
    /// The envelope: 5,000 Nodes, 150,000 Pods (10,000 in 1,000
    /// StatefulSets), 150,000 Events.
    pub fn full() -> EnvelopeSpec {
        EnvelopeSpec {
            sets: 1000,
            replicas: 10,
            namespaces: 50,
            set_nodes: 500,
            nodes: 5000,
            classes: 20,
            other_pods: 140_000,
            daemonsets: 4,
            events: 150_000,
            set_events: 15_000,
        }
    }

    /// A small variant for CI: the same mix at 1/500 of the size.
    pub fn small() -> EnvelopeSpec {
        EnvelopeSpec {
            sets: 10,
            replicas: 2,
            namespaces: 3,
            set_nodes: 4,
            nodes: 10,
            classes: 2,
            other_pods: 280,
            daemonsets: 2,
            events: 300,
            set_events: 30,
        }
    }

    pub fn set_pods(&self) -> usize {
        self.sets * self.replicas as usize
    }

    pub fn pods(&self) -> usize {
        self.set_pods() + self.other_pods
    }

    fn cluster(&self) -> ClusterSpec {
        ClusterSpec {
            sets: self.sets,
            replicas: self.replicas,
            namespaces: self.namespaces,
            nodes: 0,
            classes: self.classes,
            events: self.set_events,
        }
    }
}

/// The name of Node `i`.
pub fn node_name(i: usize) -> String {
    format!("node-{i:04}")
}

/// A deterministic 64-bit mix (splitmix64), for digests and hashes.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn sha256(seed: u64) -> String {
    (0..4)
        .map(|i| format!("{:016x}", mix(seed * 4 + i)))
        .collect()
}

fn stamp(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

const IMAGES: [&str; 12] = [
    "registry.k8s.io/kube-proxy",
    "quay.io/prometheus/node-exporter",
    "cr.fluentbit.io/fluent/fluent-bit",
    "registry.k8s.io/sig-storage/csi-node-driver-registrar",
    "docker.io/library/nginx",
    "docker.io/library/redis",
    "docker.io/library/postgres",
    "ghcr.io/example/api",
    "ghcr.io/example/worker",
    "ghcr.io/example/frontend",
    "docker.io/bitnami/kafka",
    "registry.k8s.io/pause",
];

/// A Node as a kubelet reports it: labels, annotations, conditions,
/// addresses and 30–60 images (10–20 KB of JSON).
fn node(i: usize, uid: &str, created: Timestamp, now: Timestamp) -> Value {
    let name = node_name(i);
    let ip = format!("10.{}.{}.{}", i / 65536 % 256, i / 256 % 256, i % 256);
    let images: Vec<Value> = (0..30 + i % 31)
        .map(|j| {
            let repo = IMAGES[j % IMAGES.len()];
            let seed = (i * 64 + j) as u64;
            json!({
                "names": [format!("{repo}@sha256:{}", sha256(seed)), format!("{repo}:v1.{}.{}", j % 30, seed % 10)],
                "sizeBytes": 10_000_000 + mix(seed) % 900_000_000,
            })
        })
        .collect();
    let condition = |kind: &str, status: &str, reason: &str, message: &str| {
        json!({"type": kind, "status": status, "lastHeartbeatTime": stamp(now),
               "lastTransitionTime": stamp(created), "reason": reason, "message": message})
    };
    json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {
            "name": name, "uid": uid, "creationTimestamp": stamp(created),
            "labels": {
                "beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64", "kubernetes.io/os": "linux",
                "kubernetes.io/hostname": name,
                "node.kubernetes.io/instance-type": "m6i.4xlarge",
                "topology.kubernetes.io/region": "eu-west-1",
                "topology.kubernetes.io/zone": format!("eu-west-1{}", ["a", "b", "c"][i % 3]),
                "topology.ebs.csi.aws.com/zone": format!("eu-west-1{}", ["a", "b", "c"][i % 3]),
                "node-pool": format!("pool-{}", i % 8),
            },
            "annotations": {
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
                "csi.volume.kubernetes.io/nodeid": format!("{{\"ebs.csi.aws.com\":\"i-{:017x}\"}}", mix(i as u64) >> 4),
                "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///run/containerd/containerd.sock",
            },
            "managedFields": [
                {"manager": "kubelet", "operation": "Update", "apiVersion": "v1", "time": stamp(created), "fieldsType": "FieldsV1",
                 "fieldsV1": {"f:metadata": {"f:annotations": {".": {}, "f:node.alpha.kubernetes.io/ttl": {}, "f:volumes.kubernetes.io/controller-managed-attach-detach": {}},
                   "f:labels": {".": {}, "f:beta.kubernetes.io/arch": {}, "f:beta.kubernetes.io/os": {}, "f:kubernetes.io/arch": {}, "f:kubernetes.io/hostname": {}, "f:kubernetes.io/os": {}}},
                   "f:spec": {"f:providerID": {}}}},
                {"manager": "kubelet", "operation": "Update", "apiVersion": "v1", "time": stamp(now), "fieldsType": "FieldsV1", "subresource": "status",
                 "fieldsV1": {"f:status": {"f:allocatable": {"f:cpu": {}, "f:memory": {}, "f:pods": {}}, "f:capacity": {"f:cpu": {}, "f:memory": {}, "f:pods": {}},
                   "f:conditions": {"k:{\"type\":\"DiskPressure\"}": {"f:lastHeartbeatTime": {}}, "k:{\"type\":\"MemoryPressure\"}": {"f:lastHeartbeatTime": {}},
                     "k:{\"type\":\"PIDPressure\"}": {"f:lastHeartbeatTime": {}}, "k:{\"type\":\"Ready\"}": {"f:lastHeartbeatTime": {}, "f:lastTransitionTime": {}, "f:message": {}, "f:reason": {}, "f:status": {}}},
                   "f:images": {}, "f:nodeInfo": {"f:bootID": {}}}}},
            ],
        },
        "spec": {
            "podCIDR": format!("10.{}.{}.0/24", 100 + i / 250, i % 250),
            "podCIDRs": [format!("10.{}.{}.0/24", 100 + i / 250, i % 250)],
            "providerID": format!("aws:///eu-west-1a/i-{:017x}", mix(i as u64) >> 4),
        },
        "status": {
            "capacity": {"cpu": "16", "memory": "65023472Ki", "pods": "110", "ephemeral-storage": "104845292Ki", "hugepages-1Gi": "0", "hugepages-2Mi": "0"},
            "allocatable": {"cpu": "15890m", "memory": "63896560Ki", "pods": "110", "ephemeral-storage": "95551679124", "hugepages-1Gi": "0", "hugepages-2Mi": "0"},
            "conditions": [
                condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
            ],
            "addresses": [
                {"type": "InternalIP", "address": ip},
                {"type": "InternalDNS", "address": format!("ip-{}.eu-west-1.compute.internal", ip.replace('.', "-"))},
                {"type": "Hostname", "address": name},
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "architecture": "amd64", "operatingSystem": "linux",
                "osImage": "Ubuntu 22.04.5 LTS", "kernelVersion": "6.8.0-1021-aws",
                "containerRuntimeVersion": "containerd://1.7.27",
                "kubeletVersion": "v1.34.1", "kubeProxyVersion": "v1.34.1",
                "machineID": format!("{:016x}{:016x}", mix(i as u64 + 1), mix(i as u64 + 2)),
                "systemUUID": format!("ec2{:013x}", mix(i as u64 + 3) >> 12),
                "bootID": format!("{:016x}", mix(i as u64 + 4)),
            },
            "images": images,
        }
    })
}

/// Who owns a plain Pod.
struct Owner<'a> {
    api_version: &'a str,
    kind: &'a str,
    name: String,
    uid: String,
}

/// A plain Pod as the API server sends it: managedFields from its
/// controller and the kubelet, a projected token volume, conditions and a
/// container status.
#[allow(clippy::too_many_arguments)]
fn pod(
    namespace: &str,
    name: &str,
    uid: &str,
    labels: Value,
    owner: &Owner,
    node: &str,
    image: &str,
    succeeded: bool,
    created: Timestamp,
    seed: u64,
) -> Value {
    let phase = if succeeded { "Succeeded" } else { "Running" };
    let ready = if succeeded { "False" } else { "True" };
    let ip = format!(
        "10.{}.{}.{}",
        100 + seed % 100,
        seed / 100 % 256,
        seed % 250 + 2
    );
    let state = if succeeded {
        json!({"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": stamp(created), "finishedAt": stamp(created + SignedDuration::from_secs(40)), "containerID": format!("containerd://{}", sha256(seed + 7))}})
    } else {
        json!({"running": {"startedAt": stamp(created + SignedDuration::from_secs(3))}})
    };
    let condition = |kind: &str| json!({"type": kind, "status": if kind == "PodScheduled" || kind == "Initialized" || kind == "PodReadyToStartContainers" { "True" } else { ready }, "lastProbeTime": null, "lastTransitionTime": stamp(created)});
    let conditions = [
        "PodReadyToStartContainers",
        "Initialized",
        "Ready",
        "ContainersReady",
        "PodScheduled",
    ]
    .map(condition);
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {
            "name": name, "generateName": format!("{}-", owner.name), "namespace": namespace, "uid": uid,
            "creationTimestamp": stamp(created), "labels": labels,
            "ownerReferences": [{"apiVersion": owner.api_version, "kind": owner.kind, "name": owner.name, "uid": owner.uid, "controller": true, "blockOwnerDeletion": true}],
            "managedFields": [
                {"manager": "kube-controller-manager", "operation": "Update", "apiVersion": "v1", "time": stamp(created), "fieldsType": "FieldsV1",
                 "fieldsV1": {"f:metadata": {"f:generateName": {}, "f:labels": {".": {}, "f:app": {}}, "f:ownerReferences": {".": {}, format!("k:{{\"uid\":\"{}\"}}", owner.uid): {}}},
                   "f:spec": {"f:containers": {"k:{\"name\":\"main\"}": {".": {}, "f:image": {}, "f:imagePullPolicy": {}, "f:name": {}, "f:ports": {".": {}, "k:{\"containerPort\":8080,\"protocol\":\"TCP\"}": {".": {}, "f:containerPort": {}, "f:name": {}, "f:protocol": {}}},
                     "f:readinessProbe": {".": {}, "f:httpGet": {".": {}, "f:path": {}, "f:port": {}, "f:scheme": {}}, "f:periodSeconds": {}}, "f:resources": {".": {}, "f:limits": {".": {}, "f:memory": {}}, "f:requests": {".": {}, "f:cpu": {}, "f:memory": {}}},
                     "f:terminationMessagePath": {}, "f:terminationMessagePolicy": {}}},
                     "f:dnsPolicy": {}, "f:enableServiceLinks": {}, "f:restartPolicy": {}, "f:schedulerName": {}, "f:securityContext": {}, "f:terminationGracePeriodSeconds": {}}}},
                {"manager": "kubelet", "operation": "Update", "apiVersion": "v1", "time": stamp(created + SignedDuration::from_secs(5)), "fieldsType": "FieldsV1", "subresource": "status",
                 "fieldsV1": {"f:status": {"f:conditions": {"k:{\"type\":\"ContainersReady\"}": {".": {}, "f:lastProbeTime": {}, "f:lastTransitionTime": {}, "f:status": {}, "f:type": {}},
                   "k:{\"type\":\"Initialized\"}": {".": {}, "f:lastProbeTime": {}, "f:lastTransitionTime": {}, "f:status": {}, "f:type": {}},
                   "k:{\"type\":\"Ready\"}": {".": {}, "f:lastProbeTime": {}, "f:lastTransitionTime": {}, "f:status": {}, "f:type": {}}},
                   "f:containerStatuses": {}, "f:hostIP": {}, "f:hostIPs": {}, "f:phase": {}, "f:podIP": {}, "f:podIPs": {".": {}, format!("k:{{\"ip\":\"{ip}\"}}"): {".": {}, "f:ip": {}}}, "f:startTime": {}}}},
            ],
        },
        "spec": {
            "containers": [{
                "name": "main", "image": image, "imagePullPolicy": "IfNotPresent",
                "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                "env": [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}},
                        {"name": "LOG_LEVEL", "value": "info"}],
                "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"}, "periodSeconds": 10, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3},
                "resources": {"limits": {"memory": "512Mi"}, "requests": {"cpu": "100m", "memory": "256Mi"}},
                "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
                "volumeMounts": [{"name": "kube-api-access", "readOnly": true, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}],
            }],
            "volumes": [{"name": "kube-api-access", "projected": {"defaultMode": 420, "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}]}}],
            "restartPolicy": if succeeded { "Never" } else { "Always" },
            "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst",
            "serviceAccountName": "default", "serviceAccount": "default",
            "nodeName": node, "securityContext": {}, "schedulerName": "default-scheduler",
            "tolerations": [
                {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
                {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}],
            "priority": 0, "enableServiceLinks": true, "preemptionPolicy": "PreemptLowerPriority",
        },
        "status": {
            "phase": phase,
            "conditions": conditions,
            "hostIP": format!("10.0.{}.{}", seed / 256 % 256, seed % 256), "podIP": ip, "podIPs": [{"ip": ip}],
            "startTime": stamp(created),
            "containerStatuses": [{
                "name": "main", "state": state, "lastState": {}, "ready": !succeeded, "restartCount": 0,
                "image": image, "imageID": format!("{}@sha256:{}", image.split(':').next().unwrap_or(image), sha256(seed + 3)),
                "containerID": format!("containerd://{}", sha256(seed + 5)), "started": !succeeded,
            }],
            "qosClass": "Burstable",
        }
    })
}

/// An Event about a plain Pod.
fn event(namespace: &str, pod: &str, uid: &str, i: usize, at: Timestamp) -> Value {
    const REASONS: [(&str, &str, &str); 8] = [
        ("Normal", "Scheduled", "Successfully assigned {} to a node"),
        (
            "Normal",
            "Pulling",
            "Pulling image \"ghcr.io/example/api:v1.4.2\"",
        ),
        (
            "Normal",
            "Pulled",
            "Successfully pulled image \"ghcr.io/example/api:v1.4.2\" in 1.2s",
        ),
        ("Normal", "Created", "Created container main"),
        ("Normal", "Started", "Started container main"),
        ("Normal", "Killing", "Stopping container main"),
        (
            "Warning",
            "Unhealthy",
            "Readiness probe failed: HTTP probe failed with statuscode: 503",
        ),
        (
            "Warning",
            "BackOff",
            "Back-off restarting failed container main in pod {}",
        ),
    ];
    // One in four is a Warning.
    let (type_, reason, message) = REASONS[i % REASONS.len()];
    json!({
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": format!("{pod}.{:016x}", mix(i as u64)), "namespace": namespace,
                     "uid": format!("{:08x}-0000-4000-8000-{:012x}", i, mix(i as u64) >> 16), "creationTimestamp": stamp(at)},
        "involvedObject": {"apiVersion": "v1", "kind": "Pod", "name": pod, "namespace": namespace, "uid": uid, "fieldPath": "spec.containers{main}"},
        "reason": reason, "message": message.replace("{}", pod), "type": type_,
        "count": 1 + (i % 4) as i32, "firstTimestamp": stamp(at), "lastTimestamp": stamp(at),
        "source": {"component": "kubelet", "host": node_name(i % 5000)},
        "reportingComponent": "kubelet", "reportingInstance": node_name(i % 5000),
    })
}

/// `prefix-xxxxx` with a random suffix not taken yet (20,000 DaemonSet
/// Pods in one namespace would otherwise collide).
fn free_pod_name(state: &mut SimState, namespace: &str, prefix: &str) -> String {
    loop {
        let name = format!("{prefix}-{}", state.random_suffix(5));
        if state.store.get(Kind::Pod, namespace, &name).is_none() {
            return name;
        }
    }
}

fn insert(state: &mut SimState, kind: Kind, value: Value) -> Result<(), GenerateError> {
    state
        .store
        .insert_json(kind, value)
        .map(|_| ())
        .map_err(|e| GenerateError(format!("{}: {}", kind.info().kind_name, e.message)))
}

/// The whole envelope cluster, with simulated time zero at `epoch`.
pub fn build(spec: &EnvelopeSpec, seed: u64, epoch: Timestamp) -> Result<SimState, GenerateError> {
    let mut state = SimState::new(seed, epoch);
    for ns in ["default", "kube-system"] {
        generate::ensure_namespace(&mut state, ns)?;
    }
    let created = epoch - SignedDuration::from_hours(24 * 30);
    // The Nodes that host the sets exist while the controllers run.
    for i in 0..spec.set_nodes.min(spec.nodes) {
        let uid = state.new_uid();
        let mut value = node(i, &uid, created, epoch);
        for field in ["uid", "creationTimestamp", "managedFields"] {
            value["metadata"].as_object_mut().map(|m| m.remove(field));
        }
        generate::create_with_status(&mut state, Kind::Node, value)?;
    }
    let cluster = spec.cluster();
    generate::add_infrastructure(&mut state, &cluster)?;
    for i in 0..spec.sets {
        generate::add_set(
            &mut state,
            &generate::namespace_of(&cluster, i),
            &generate::set_name(i),
            spec.replicas,
            &format!("class-{:02}", i % spec.classes.max(1)),
        )?;
    }
    generate::settle(&mut state, Duration::from_secs(600))?;
    generate::replace_events(&mut state, spec.set_events)?;

    // ---- plain objects, stored as JSON ----
    let now = state.now();
    for i in spec.set_nodes.min(spec.nodes)..spec.nodes {
        let uid = state.new_uid();
        insert(&mut state, Kind::Node, node(i, &uid, created, now))?;
    }
    let mut pods: Vec<(String, String, String)> = Vec::with_capacity(spec.other_pods);
    let daemonsets = ["kube-proxy", "node-exporter", "fluent-bit", "csi-node"];
    let ds_count = spec.daemonsets.min(daemonsets.len());
    let mut made = 0usize;
    for ds in daemonsets.iter().take(ds_count) {
        let ds_uid = state.new_uid();
        for rev in 1..=3i64 {
            let hash = format!(
                "{:x}",
                mix(ds_uid.len() as u64 * 31 + rev as u64) % 0xffff_ffff
            );
            let uid = state.new_uid();
            insert(
                &mut state,
                Kind::ControllerRevision,
                json!({
                    "apiVersion": "apps/v1", "kind": "ControllerRevision",
                    "metadata": {"name": format!("{ds}-{hash}"), "namespace": "kube-system", "uid": uid,
                                 "creationTimestamp": stamp(created + SignedDuration::from_hours(rev)),
                                 "labels": {"app": ds, "controller-revision-hash": hash},
                                 "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": ds, "uid": ds_uid, "controller": true, "blockOwnerDeletion": true}]},
                    "data": {"spec": {"template": {"$patch": "replace", "metadata": {"labels": {"app": ds}},
                        "spec": {"containers": [{"name": ds, "image": format!("{}:v1.{rev}", IMAGES[made % IMAGES.len()])}]}}}},
                    "revision": rev,
                }),
            )?;
        }
        let owner = Owner {
            api_version: "apps/v1",
            kind: "DaemonSet",
            name: ds.to_string(),
            uid: ds_uid,
        };
        for n in 0..spec.nodes {
            if made >= spec.other_pods {
                break;
            }
            let name = free_pod_name(&mut state, "kube-system", ds);
            let labels = json!({"app": ds, "controller-revision-hash": "7d9f8c6b5", "pod-template-generation": "3"});
            let uid = state.new_uid();
            let image = format!("{}:v1.3", IMAGES[made % 4]);
            let value = pod(
                "kube-system",
                &name,
                &uid,
                labels,
                &owner,
                &node_name(n),
                &image,
                false,
                created,
                made as u64,
            );
            insert(&mut state, Kind::Pod, value)?;
            pods.push(("kube-system".into(), name, uid));
            made += 1;
        }
    }
    let rest = spec.other_pods - made;
    let jobs = rest / 6;
    for j in 0..rest {
        let namespace = format!("team-{:02}", j % spec.namespaces.max(1));
        generate::ensure_namespace(&mut state, &namespace)?;
        let (owner, labels, succeeded) = if j < jobs {
            let job = format!("batch-{j:06}");
            let job_uid = state.new_uid();
            let labels = json!({"batch.kubernetes.io/job-name": job, "job-name": job,
                                "batch.kubernetes.io/controller-uid": job_uid, "controller-uid": job_uid});
            let owner = Owner {
                api_version: "batch/v1",
                kind: "Job",
                name: job,
                uid: job_uid,
            };
            (owner, labels, true)
        } else {
            // Deployments of five replicas each.
            let d = (j - jobs) / 5;
            let app = format!("svc-{d:05}");
            let hash = format!("{:08x}", mix(d as u64) as u32);
            let labels = json!({"app": app, "pod-template-hash": hash, "app.kubernetes.io/part-of": format!("team-{:02}", j % spec.namespaces.max(1))});
            let owner = Owner {
                api_version: "apps/v1",
                kind: "ReplicaSet",
                name: format!("{app}-{hash}"),
                uid: format!("{:08x}-0000-4000-8000-{:012x}", d, mix(d as u64 + 17) >> 16),
            };
            (owner, labels, false)
        };
        let name = free_pod_name(&mut state, &namespace, &owner.name);
        let uid = state.new_uid();
        let image = format!("{}:v1.{}", IMAGES[4 + j % 7], j % 9);
        let node = node_name(j % spec.nodes.max(1));
        let value = pod(
            &namespace,
            &name,
            &uid,
            labels,
            &owner,
            &node,
            &image,
            succeeded,
            created + SignedDuration::from_secs((j % 86_400) as i64),
            (made + j) as u64,
        );
        insert(&mut state, Kind::Pod, value)?;
        pods.push((namespace, name, uid));
    }
    let others = spec.events.saturating_sub(state.store.count(Kind::Event));
    for i in 0..others {
        if pods.is_empty() {
            break;
        }
        let (ns, name, uid) = &pods[mix(i as u64) as usize % pods.len()];
        let at = now - SignedDuration::from_secs((i % 3000) as i64);
        insert(&mut state, Kind::Event, event(ns, name, uid, i, at))?;
    }
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::objects::Object;

    #[test]
    fn the_small_envelope_has_the_mix_and_every_object_decodes() {
        let spec = EnvelopeSpec::small();
        let state = build(&spec, 1, Timestamp::now()).unwrap();
        let store = &state.store;
        assert_eq!(store.count(Kind::Pod), spec.pods());
        assert_eq!(store.count(Kind::Node), spec.nodes);
        assert_eq!(store.count(Kind::Event), spec.events);
        assert_eq!(store.count(Kind::StatefulSet), spec.sets);
        assert_eq!(store.count(Kind::PersistentVolumeClaim), spec.set_pods());
        let set_pods = store
            .iter(Kind::Pod, None)
            .filter(|e| {
                e.labels()
                    .is_some_and(|l| l.contains_key("statefulset.kubernetes.io/pod-name"))
            })
            .count();
        assert_eq!(set_pods, spec.set_pods());
        let ds_revisions = store
            .iter(Kind::ControllerRevision, Some("kube-system"))
            .count();
        assert_eq!(ds_revisions, 3 * spec.daemonsets);
        // Plain objects decode as their kinds and carry managedFields.
        for kind in [Kind::Pod, Kind::Node, Kind::Event, Kind::ControllerRevision] {
            for e in store.iter(kind, None) {
                assert_eq!(e.object().kind(), kind);
            }
        }
        let plain = store.iter(Kind::Pod, Some("team-00")).next().unwrap();
        let Object::Pod(p) = plain.object() else {
            panic!("a Pod")
        };
        assert!(
            p.metadata
                .managed_fields
                .as_ref()
                .is_some_and(|m| m.len() == 2)
        );
        let node = store.iter(Kind::Node, None).last().unwrap();
        assert!(node.json.len() > 8_000, "{} bytes", node.json.len());
        let warnings = store
            .iter(Kind::Event, None)
            .filter(|e| e.field("type") == "Warning")
            .count();
        assert!(warnings > 0 && warnings < spec.events / 2, "{warnings}");
        // The controllers have nothing left to do for the sets.
        assert!(generate::all_ready(&state));
    }
}
