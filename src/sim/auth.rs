//! Bearer-token users with RBAC-like rules, for testing the unhappy paths:
//! a namespace-scoped user who may not see cluster-scoped storage, a
//! read-only user who may not patch, and so on.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::error::ApiError;

/// One allow rule: any of `verbs` on any of `resources` (plural, with
/// `/subresource` for subresources; `*` matches all) in API `groups`
/// (`None`: any group) in `namespaces` (`None`: every namespace and
/// cluster-scoped resources).
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub verbs: Vec<String>,
    pub groups: Option<Vec<String>>,
    pub resources: Vec<String>,
    pub namespaces: Option<Vec<String>>,
}

fn strings(xs: &[&str]) -> Vec<String> {
    xs.iter().map(|x| x.to_string()).collect()
}

impl Rule {
    pub fn new(verbs: &[&str], resources: &[&str], namespaces: Option<&[&str]>) -> Rule {
        Rule {
            verbs: strings(verbs),
            groups: None,
            resources: strings(resources),
            namespaces: namespaces.map(strings),
        }
    }

    /// The rule for resources of one API group only (`""`: core).
    pub fn in_group(mut self, group: &str) -> Rule {
        self.groups = Some(vec![group.to_string()]);
        self
    }

    fn allows(&self, a: &Attributes) -> bool {
        let verb = self.verbs.iter().any(|v| v == "*" || *v == a.verb);
        let group = self
            .groups
            .as_ref()
            .is_none_or(|gs| gs.iter().any(|g| g == "*" || *g == a.group));
        let resource = group && self.resources.iter().any(|r| r == "*" || *r == a.resource);
        let scope = match (&self.namespaces, &a.namespace) {
            (None, _) => true,
            (Some(list), Some(ns)) => list.iter().any(|n| n == ns),
            (Some(_), None) => false,
        };
        verb && resource && scope
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub name: String,
    pub rules: Vec<Rule>,
}

const READ: &[&str] = &["get", "list", "watch"];
const WRITE: &[&str] = &["create", "delete", "deletecollection", "patch", "update"];
const READ_WRITE: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];

/// The rules of the bootstrap `system:aggregate-to-view` ClusterRole (which
/// `view` aggregates) in Kubernetes 1.34, by API group (plugin/pkg/auth/
/// authorizer/rbac/bootstrappolicy: policy.go and testdata/cluster-roles
/// .yaml): reads of namespaced kinds; no Secrets, no Nodes,
/// PersistentVolumes or StorageClasses, and no events.k8s.io.
const VIEW: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "configmaps",
            "endpoints",
            "persistentvolumeclaims",
            "persistentvolumeclaims/status",
            "pods",
            "replicationcontrollers",
            "replicationcontrollers/scale",
            "serviceaccounts",
            "services",
            "services/status",
            "bindings",
            "events",
            "limitranges",
            "namespaces/status",
            "pods/log",
            "pods/status",
            "replicationcontrollers/status",
            "resourcequotas",
            "resourcequotas/status",
            "namespaces",
        ],
    ),
    ("discovery.k8s.io", &["endpointslices"]),
    (
        "apps",
        &[
            "controllerrevisions",
            "daemonsets",
            "daemonsets/status",
            "deployments",
            "deployments/scale",
            "deployments/status",
            "replicasets",
            "replicasets/scale",
            "replicasets/status",
            "statefulsets",
            "statefulsets/scale",
            "statefulsets/status",
        ],
    ),
    (
        "autoscaling",
        &[
            "horizontalpodautoscalers",
            "horizontalpodautoscalers/status",
        ],
    ),
    (
        "batch",
        &["cronjobs", "cronjobs/status", "jobs", "jobs/status"],
    ),
    (
        "extensions",
        &[
            "daemonsets",
            "daemonsets/status",
            "deployments",
            "deployments/scale",
            "deployments/status",
            "ingresses",
            "ingresses/status",
            "networkpolicies",
            "replicasets",
            "replicasets/scale",
            "replicasets/status",
            "replicationcontrollers/scale",
        ],
    ),
    (
        "policy",
        &["poddisruptionbudgets", "poddisruptionbudgets/status"],
    ),
    (
        "networking.k8s.io",
        &["ingresses", "ingresses/status", "networkpolicies"],
    ),
    (
        "resource.k8s.io",
        &[
            "resourceclaims",
            "resourceclaims/status",
            "resourceclaimtemplates",
        ],
    ),
];

/// The rules of `system:aggregate-to-edit` (which `edit` aggregates with
/// `view`), from the same source: reads of Secrets, writes of the
/// workloads, Services, ConfigMaps, Secrets, core Events and claims, but
/// not of Endpoints (removed in 1.22) or of any `/status`.
const EDIT: &[(&[&str], &str, &[&str])] = &[
    (
        READ,
        "",
        &[
            "pods/attach",
            "pods/exec",
            "pods/portforward",
            "pods/proxy",
            "secrets",
            "services/proxy",
        ],
    ),
    (&["impersonate"], "", &["serviceaccounts"]),
    (
        WRITE,
        "",
        &[
            "pods",
            "pods/attach",
            "pods/exec",
            "pods/portforward",
            "pods/proxy",
        ],
    ),
    (&["create"], "", &["pods/eviction"]),
    (
        WRITE,
        "",
        &[
            "configmaps",
            "events",
            "persistentvolumeclaims",
            "replicationcontrollers",
            "replicationcontrollers/scale",
            "secrets",
            "serviceaccounts",
            "services",
            "services/proxy",
        ],
    ),
    (&["create"], "", &["serviceaccounts/token"]),
    (
        WRITE,
        "apps",
        &[
            "daemonsets",
            "deployments",
            "deployments/rollback",
            "deployments/scale",
            "replicasets",
            "replicasets/scale",
            "statefulsets",
            "statefulsets/scale",
        ],
    ),
    (WRITE, "autoscaling", &["horizontalpodautoscalers"]),
    (WRITE, "batch", &["cronjobs", "jobs"]),
    (
        WRITE,
        "extensions",
        &[
            "daemonsets",
            "deployments",
            "deployments/rollback",
            "deployments/scale",
            "ingresses",
            "networkpolicies",
            "replicasets",
            "replicasets/scale",
            "replicationcontrollers/scale",
        ],
    ),
    (WRITE, "policy", &["poddisruptionbudgets"]),
    (
        WRITE,
        "networking.k8s.io",
        &["ingresses", "networkpolicies"],
    ),
    (READ_WRITE, "coordination.k8s.io", &["leases"]),
    (
        WRITE,
        "resource.k8s.io",
        &["resourceclaims", "resourceclaimtemplates"],
    ),
];

/// The `view` rules, in `namespaces` (`None`: bound cluster-wide).
fn view_rules(namespaces: Option<&[&str]>) -> Vec<Rule> {
    VIEW.iter()
        .map(|(group, resources)| Rule::new(READ, resources, namespaces).in_group(group))
        .collect()
}

/// The `edit` rules (`view`'s and its own), in `namespaces`.
fn edit_rules(namespaces: Option<&[&str]>) -> Vec<Rule> {
    let mut rules = view_rules(namespaces);
    rules.extend(
        EDIT.iter().map(|(verbs, group, resources)| {
            Rule::new(verbs, resources, namespaces).in_group(group)
        }),
    );
    rules
}

impl User {
    /// May do everything.
    pub fn admin(name: &str) -> User {
        User {
            name: name.into(),
            rules: vec![Rule::new(&["*"], &["*"], None)],
        }
    }

    /// The `view` ClusterRole bound cluster-wide: reads namespaced kinds in
    /// every namespace (not Secrets), changes nothing, and may not read
    /// cluster-scoped storage or Nodes.
    pub fn read_only(name: &str) -> User {
        User {
            name: name.into(),
            rules: view_rules(None),
        }
    }

    /// The `view` ClusterRole bound in the given namespaces (a RoleBinding
    /// in each): what `read-only` may, there only; nothing cluster-scoped.
    pub fn namespace_viewer(name: &str, namespaces: &[&str]) -> User {
        User {
            name: name.into(),
            rules: view_rules(Some(namespaces)),
        }
    }

    /// The `edit` ClusterRole bound in the given namespaces: reads as the
    /// viewer does and Secrets too, and writes the workloads, Services,
    /// ConfigMaps and Secrets there.
    pub fn namespace_operator(name: &str, namespaces: &[&str]) -> User {
        User {
            name: name.into(),
            rules: edit_rules(Some(namespaces)),
        }
    }

    /// A profile by name, for the `sim` command line.
    pub fn from_profile(name: &str, profile: &str) -> Result<User, String> {
        let (kind, ns) = profile.split_once(':').unwrap_or((profile, ""));
        let namespaces: Vec<&str> = ns.split(',').filter(|n| !n.is_empty()).collect();
        match (kind, namespaces.is_empty()) {
            ("admin", true) => Ok(User::admin(name)),
            ("read-only", true) => Ok(User::read_only(name)),
            ("namespace-viewer", false) => Ok(User::namespace_viewer(name, &namespaces)),
            ("namespace-operator", false) => Ok(User::namespace_operator(name, &namespaces)),
            _ => Err(format!(
                "unknown user profile {profile:?}: use admin, read-only, namespace-viewer:NS[,NS] or namespace-operator:NS[,NS]"
            )),
        }
    }

    pub fn allows(&self, a: &Attributes) -> bool {
        self.rules.iter().any(|r| r.allows(a))
    }
}

/// What a request wants to do, as the authorizer sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Attributes {
    pub verb: String,
    pub group: String,
    /// Plural, with `/subresource` if any.
    pub resource: String,
    pub namespace: Option<String>,
    pub name: Option<String>,
}

impl Attributes {
    pub fn forbidden(&self, user: &str) -> ApiError {
        ApiError::forbidden(
            user,
            &self.verb,
            &self.resource,
            &self.group,
            self.namespace.as_deref(),
            self.name.as_deref(),
        )
    }
}

/// Token → user. Empty means authentication is off and everyone is admin.
#[derive(Debug, Clone, Default)]
pub struct Users(BTreeMap<String, User>);

impl Users {
    pub fn add(&mut self, token: &str, user: User) {
        self.0.insert(token.to_string(), user);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// (token, user) pairs, in token order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &User)> {
        self.0.iter().map(|(t, u)| (t.as_str(), u))
    }

    /// The user for an `Authorization` header value; 401 for a missing or
    /// unknown token when users are configured.
    pub fn authenticate(&self, authorization: Option<&str>) -> Result<User, ApiError> {
        if self.0.is_empty() {
            return Ok(User::admin("admin"));
        }
        authorization
            .and_then(|h| h.strip_prefix("Bearer "))
            .and_then(|t| self.0.get(t.trim()))
            .cloned()
            .ok_or_else(ApiError::unauthorized)
    }
}

/// Answers a SelfSubjectAccessReview body for `user`.
pub fn self_subject_access_review(user: &User, body: &Value) -> Result<Value, ApiError> {
    let attrs = &body["spec"]["resourceAttributes"];
    if !attrs.is_object() {
        return Err(ApiError {
            code: 422,
            reason: "Invalid",
            message: "SelfSubjectAccessReview.authorization.k8s.io \"\" is invalid: spec.resourceAttributes: Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified".into(),
            details: None,
        });
    }
    let text = |k: &str| attrs[k].as_str().unwrap_or_default().to_string();
    let sub = text("subresource");
    let resource = if sub.is_empty() {
        text("resource")
    } else {
        format!("{}/{}", text("resource"), sub)
    };
    let namespace = Some(text("namespace")).filter(|n| !n.is_empty());
    let a = Attributes {
        verb: text("verb"),
        group: text("group"),
        resource,
        namespace,
        name: Some(text("name")).filter(|n| !n.is_empty()),
    };
    // RBAC gives no reason for a denial (kubectl prints a bare `no`).
    let status = json!({"allowed": user.allows(&a)});
    Ok(json!({
        "kind": "SelfSubjectAccessReview",
        "apiVersion": "authorization.k8s.io/v1",
        "metadata": {"creationTimestamp": null},
        "spec": body["spec"].clone(),
        "status": status,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(verb: &str, resource: &str, ns: Option<&str>) -> Attributes {
        Attributes {
            verb: verb.into(),
            group: String::new(),
            resource: resource.into(),
            namespace: ns.map(String::from),
            name: None,
        }
    }

    fn in_group(group: &str, a: Attributes) -> Attributes {
        Attributes {
            group: group.into(),
            ..a
        }
    }

    #[test]
    fn profiles_allow_what_they_say() {
        let viewer = User::namespace_viewer("dev", &["mysql"]);
        assert!(viewer.allows(&attrs("list", "pods", Some("mysql"))));
        assert!(!viewer.allows(&attrs("list", "pods", Some("kafka"))));
        assert!(!viewer.allows(&attrs("list", "persistentvolumes", None)));
        assert!(!viewer.allows(&attrs("list", "secrets", Some("mysql"))));
        let scale = || attrs("patch", "statefulsets/scale", Some("mysql"));
        assert!(!viewer.allows(&in_group("apps", scale())));
        let jobs = || attrs("list", "jobs", Some("mysql"));
        assert!(viewer.allows(&in_group("batch", jobs())));
        let slices = || attrs("list", "endpointslices", Some("mysql"));
        assert!(viewer.allows(&in_group("discovery.k8s.io", slices())));
        // The `view` role reads core Events, not events.k8s.io ones.
        assert!(!viewer.allows(&in_group(
            "events.k8s.io",
            attrs("list", "events", Some("mysql"))
        )));
        let ro = User::read_only("ro");
        assert!(ro.allows(&attrs("list", "pods", Some("mysql"))));
        assert!(ro.allows(&attrs("list", "pods", None)));
        // The `view` role: no cluster-scoped storage, no Secrets, no writes.
        assert!(!ro.allows(&attrs("list", "persistentvolumes", None)));
        assert!(!ro.allows(&attrs("list", "nodes", None)));
        assert!(!ro.allows(&attrs("list", "secrets", Some("mysql"))));
        assert!(!ro.allows(&attrs("delete", "pods", Some("mysql"))));
        let get_scale = || attrs("get", "statefulsets/scale", Some("mysql"));
        assert!(ro.allows(&in_group("apps", get_scale())));
        assert!(!ro.allows(&in_group("batch", get_scale())));
        assert!(ro.allows(&in_group("apps", attrs("list", "deployments", None))));

        let op = User::namespace_operator("op", &["mysql"]);
        assert!(op.allows(&in_group("apps", scale())));
        assert!(!op.allows(&in_group(
            "apps",
            attrs("patch", "statefulsets/scale", Some("kafka"))
        )));
        assert!(op.allows(&attrs("get", "secrets", Some("mysql"))));
        assert!(op.allows(&attrs("create", "secrets", Some("mysql"))));
        assert!(op.allows(&in_group("batch", attrs("create", "jobs", Some("mysql")))));
        assert!(op.allows(&in_group(
            "apps",
            attrs("delete", "deployments", Some("mysql"))
        )));
        assert!(op.allows(&attrs("delete", "pods", Some("mysql"))));
        // Not Endpoints (since 1.22), not status, nothing cluster-scoped.
        assert!(!op.allows(&attrs("update", "endpoints", Some("mysql"))));
        assert!(!op.allows(&in_group(
            "apps",
            attrs("patch", "statefulsets/status", Some("mysql"))
        )));
        assert!(!op.allows(&attrs("create", "namespaces", None)));
        assert!(!op.allows(&attrs("list", "persistentvolumes", None)));
        assert!(User::from_profile("x", "namespace-viewer").is_err());
        assert!(User::from_profile("x", "root").is_err());
    }

    #[test]
    fn authentication_is_off_without_users_and_strict_with_them() {
        let mut users = Users::default();
        assert_eq!(users.authenticate(None).unwrap().name, "admin");
        users.add("t1", User::read_only("ro"));
        assert_eq!(users.authenticate(Some("Bearer t1")).unwrap().name, "ro");
        assert_eq!(
            users.authenticate(Some("Bearer nope")).unwrap_err().code,
            401
        );
        assert_eq!(users.authenticate(None).unwrap_err().code, 401);
    }

    #[test]
    fn access_review_answers_for_the_user() {
        let viewer = User::namespace_viewer("dev", &["mysql"]);
        let review = |verb: &str, sub: &str| {
            let body = json!({"spec": {"resourceAttributes": {
                "namespace": "mysql", "verb": verb, "group": "apps",
                "resource": "statefulsets", "subresource": sub}}});
            self_subject_access_review(&viewer, &body).unwrap()["status"]["allowed"].clone()
        };
        assert_eq!(review("get", ""), json!(true));
        assert_eq!(review("patch", "scale"), json!(false));
        assert!(self_subject_access_review(&viewer, &json!({})).is_err());
    }
}
