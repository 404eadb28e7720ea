//! The kinds the simulated cluster serves, and their discovery documents.

use serde_json::{Value, json};

/// Every kind the sim stores. The order is the order of discovery output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Namespace,
    Node,
    Pod,
    Service,
    ConfigMap,
    Secret,
    ServiceAccount,
    Endpoints,
    Event,
    PersistentVolumeClaim,
    PersistentVolume,
    StatefulSet,
    ControllerRevision,
    Deployment,
    ReplicaSet,
    DaemonSet,
    Job,
    CronJob,
    StorageClass,
    EndpointSlice,
}

/// Static facts about a kind, as discovery reports them.
#[derive(Debug)]
pub struct ResourceInfo {
    pub kind: Kind,
    pub group: &'static str,
    pub version: &'static str,
    pub kind_name: &'static str,
    pub plural: &'static str,
    pub singular: &'static str,
    pub namespaced: bool,
    pub short_names: &'static [&'static str],
    /// Subresources served under `{plural}/{name}/…`.
    pub subresources: &'static [&'static str],
}

/// In the real server's order (kubectl prints them as given).
const VERBS: [&str; 8] = [
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];

pub const ALL: &[ResourceInfo] = &[
    info(
        Kind::Namespace,
        "",
        "Namespace",
        "namespaces",
        false,
        &["ns"],
    ),
    info(Kind::Node, "", "Node", "nodes", false, &["no"]),
    ResourceInfo {
        subresources: &["status", "log"],
        ..info(Kind::Pod, "", "Pod", "pods", true, &["po"])
    },
    info(Kind::Service, "", "Service", "services", true, &["svc"]),
    stored(info(
        Kind::ConfigMap,
        "",
        "ConfigMap",
        "configmaps",
        true,
        &["cm"],
    )),
    stored(info(Kind::Secret, "", "Secret", "secrets", true, &[])),
    stored(info(
        Kind::ServiceAccount,
        "",
        "ServiceAccount",
        "serviceaccounts",
        true,
        &["sa"],
    )),
    stored(info(
        Kind::Endpoints,
        "",
        "Endpoints",
        "endpoints",
        true,
        &["ep"],
    )),
    stored(info(Kind::Event, "", "Event", "events", true, &["ev"])),
    info(
        Kind::PersistentVolumeClaim,
        "",
        "PersistentVolumeClaim",
        "persistentvolumeclaims",
        true,
        &["pvc"],
    ),
    info(
        Kind::PersistentVolume,
        "",
        "PersistentVolume",
        "persistentvolumes",
        false,
        &["pv"],
    ),
    ResourceInfo {
        subresources: &["scale", "status"],
        ..info(
            Kind::StatefulSet,
            "apps",
            "StatefulSet",
            "statefulsets",
            true,
            &["sts"],
        )
    },
    stored(info(
        Kind::ControllerRevision,
        "apps",
        "ControllerRevision",
        "controllerrevisions",
        true,
        &[],
    )),
    scalable(info(
        Kind::Deployment,
        "apps",
        "Deployment",
        "deployments",
        true,
        &["deploy"],
    )),
    scalable(info(
        Kind::ReplicaSet,
        "apps",
        "ReplicaSet",
        "replicasets",
        true,
        &["rs"],
    )),
    info(
        Kind::DaemonSet,
        "apps",
        "DaemonSet",
        "daemonsets",
        true,
        &["ds"],
    ),
    info(Kind::Job, "batch", "Job", "jobs", true, &[]),
    info(Kind::CronJob, "batch", "CronJob", "cronjobs", true, &["cj"]),
    stored(info(
        Kind::StorageClass,
        "storage.k8s.io",
        "StorageClass",
        "storageclasses",
        false,
        &["sc"],
    )),
    stored(info(
        Kind::EndpointSlice,
        "discovery.k8s.io",
        "EndpointSlice",
        "endpointslices",
        true,
        &[],
    )),
];

/// A kind with `scale` and `status` subresources.
const fn scalable(info: ResourceInfo) -> ResourceInfo {
    ResourceInfo {
        subresources: &["scale", "status"],
        ..info
    }
}

/// A kind with no subresources: on the real server ConfigMaps, Secrets,
/// Endpoints, EndpointSlices, Events, ControllerRevisions and StorageClasses
/// have none. (ServiceAccounts have only `token`, which the sim does not serve.)
const fn stored(info: ResourceInfo) -> ResourceInfo {
    ResourceInfo {
        subresources: &[],
        ..info
    }
}

const fn info(
    kind: Kind,
    group: &'static str,
    kind_name: &'static str,
    plural: &'static str,
    namespaced: bool,
    short_names: &'static [&'static str],
) -> ResourceInfo {
    ResourceInfo {
        kind,
        group,
        version: "v1",
        kind_name,
        plural,
        singular: "",
        namespaced,
        short_names,
        subresources: &["status"],
    }
}

impl Kind {
    pub fn info(self) -> &'static ResourceInfo {
        ALL.iter()
            .find(|r| r.kind == self)
            .expect("every kind is in the table")
    }

    pub fn api_version(self) -> String {
        let i = self.info();
        if i.group.is_empty() {
            i.version.to_string()
        } else {
            format!("{}/{}", i.group, i.version)
        }
    }

    /// `statefulsets.apps`, `pods`: how the API server names a resource in messages.
    pub fn qualified_plural(self) -> String {
        let i = self.info();
        if i.group.is_empty() {
            i.plural.to_string()
        } else {
            format!("{}.{}", i.plural, i.group)
        }
    }

    pub fn from_kind_name(api_version: &str, kind: &str) -> Option<Kind> {
        ALL.iter()
            .find(|r| r.kind_name == kind && r.kind.api_version() == api_version)
            .map(|r| r.kind)
    }

    pub fn from_path(group: &str, version: &str, plural: &str) -> Option<Kind> {
        ALL.iter()
            .find(|r| r.group == group && r.version == version && r.plural == plural)
            .map(|r| r.kind)
    }
}

/// Groups other than core served by the sim (with their one version).
pub const GROUPS: &[&str] = &[
    "apps",
    "batch",
    "storage.k8s.io",
    "discovery.k8s.io",
    "events.k8s.io",
    "authorization.k8s.io",
];

fn group_version(group: &str) -> Value {
    json!({"groupVersion": format!("{group}/v1"), "version": "v1"})
}

/// `GET /api`
pub fn core_versions() -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]
    })
}

/// `GET /apis`
pub fn group_list() -> Value {
    let groups: Vec<Value> = GROUPS
        .iter()
        .map(|g| {
            json!({
                "name": g,
                "versions": [group_version(g)],
                "preferredVersion": group_version(g),
            })
        })
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

/// `GET /apis/{group}`
pub fn group(group: &str) -> Option<Value> {
    GROUPS.contains(&group).then(|| {
        json!({
            "kind": "APIGroup", "apiVersion": "v1", "name": group,
            "versions": [group_version(group)], "preferredVersion": group_version(group),
        })
    })
}

/// `GET /api/v1` or `GET /apis/{group}/v1`
pub fn resource_list(group: &str, version: &str) -> Option<Value> {
    if version != "v1" {
        return None;
    }
    let group_version = if group.is_empty() {
        "v1".to_string()
    } else {
        format!("{group}/v1")
    };
    let mut resources = Vec::new();
    if group == "authorization.k8s.io" {
        resources.push(json!({
            "name": "selfsubjectaccessreviews", "singularName": "selfsubjectaccessreview",
            "namespaced": false, "kind": "SelfSubjectAccessReview", "verbs": ["create"],
        }));
    } else if group == "events.k8s.io" {
        // The core Events under the newer API (see `api/events_v1.rs`).
        resources.push(json!({
            "name": "events", "singularName": "event", "namespaced": true, "kind": "Event",
            "verbs": VERBS, "shortNames": ["ev"], "storageVersionHash": "",
        }));
    } else if !group.is_empty() && !GROUPS.contains(&group) {
        return None;
    }
    for r in ALL.iter().filter(|r| r.group == group) {
        let singular = r.kind_name.to_ascii_lowercase();
        resources.push(json!({
            "name": r.plural, "singularName": singular, "namespaced": r.namespaced,
            "kind": r.kind_name, "verbs": VERBS, "shortNames": r.short_names,
            "storageVersionHash": "",
        }));
        for sub in r.subresources {
            let (kind, verbs, grp, ver) = match *sub {
                "scale" => ("Scale", vec!["get", "patch", "update"], "autoscaling", "v1"),
                "log" => (r.kind_name, vec!["get"], r.group, r.version),
                _ => (
                    r.kind_name,
                    vec!["get", "patch", "update"],
                    r.group,
                    r.version,
                ),
            };
            resources.push(json!({
                "name": format!("{}/{}", r.plural, sub), "singularName": "",
                "namespaced": r.namespaced, "group": grp, "version": ver, "kind": kind, "verbs": verbs,
            }));
        }
    }
    // The real server installs a group's paths sorted, so discovery lists
    // its resources (and their subresources) by name.
    resources.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
    Some(
        json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": resources}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_paths_and_kind_names() {
        for r in ALL {
            assert_eq!(Kind::from_path(r.group, "v1", r.plural), Some(r.kind));
            assert_eq!(
                Kind::from_kind_name(&r.kind.api_version(), r.kind_name),
                Some(r.kind)
            );
        }
        assert_eq!(Kind::StatefulSet.qualified_plural(), "statefulsets.apps");
        assert_eq!(Kind::Pod.qualified_plural(), "pods");
        assert_eq!(Kind::from_path("apps", "v1", "widgets"), None);
        assert_eq!(
            Kind::from_path("apps", "v1", "deployments"),
            Some(Kind::Deployment)
        );
    }

    /// The subresources each kind has on a real v1.34 server (of those the
    /// sim serves: Pods also have exec, attach… and ServiceAccounts `token`).
    #[test]
    fn subresources_are_those_of_the_real_server() {
        let subs = |kind: Kind| {
            let mut s = kind.info().subresources.to_vec();
            s.sort_unstable();
            s
        };
        for kind in [Kind::Deployment, Kind::ReplicaSet, Kind::StatefulSet] {
            assert_eq!(subs(kind), ["scale", "status"], "{kind:?}");
        }
        for kind in [
            Kind::DaemonSet,
            Kind::Job,
            Kind::CronJob,
            Kind::Namespace,
            Kind::Node,
            Kind::Service,
            Kind::PersistentVolumeClaim,
            Kind::PersistentVolume,
        ] {
            assert_eq!(subs(kind), ["status"], "{kind:?}");
        }
        for kind in [
            Kind::ConfigMap,
            Kind::Secret,
            Kind::ServiceAccount,
            Kind::Endpoints,
            Kind::EndpointSlice,
            Kind::Event,
            Kind::ControllerRevision,
            Kind::StorageClass,
        ] {
            assert!(subs(kind).is_empty(), "{kind:?}");
        }
        let core = resource_list("", "v1").unwrap();
        let names: Vec<&str> = core["resources"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r["name"].as_str())
            .collect();
        assert!(!names.contains(&"configmaps/status"), "{names:?}");
        assert!(names.contains(&"pods/log"), "{names:?}");
    }

    #[test]
    fn discovery_lists_scale_subresource_as_autoscaling_v1() {
        let apps = resource_list("apps", "v1").unwrap();
        let scale = apps["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "statefulsets/scale")
            .unwrap();
        assert_eq!(scale["group"], "autoscaling");
        assert_eq!(scale["kind"], "Scale");
        assert!(resource_list("nope.io", "v1").is_none());
        assert!(resource_list("", "v2").is_none());
    }
}
