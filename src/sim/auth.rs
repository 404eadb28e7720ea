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

/// What the bootstrap `view` ClusterRole (`system:aggregate-to-view`) grants,
/// by API group, for the groups the sim serves: namespaced kinds only, no
/// Secrets, no Nodes, PersistentVolumes or StorageClasses.
const VIEW: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "pods",
            "replicationcontrollers",
            "replicationcontrollers/scale",
            "serviceaccounts",
            "services",
            "services/status",
            "endpoints",
            "persistentvolumeclaims",
            "persistentvolumeclaims/status",
            "configmaps",
            "limitranges",
            "resourcequotas",
            "bindings",
            "events",
            "pods/status",
            "resourcequotas/status",
            "namespaces/status",
            "replicationcontrollers/status",
            "pods/log",
            "namespaces",
        ],
    ),
    ("discovery.k8s.io", &["endpointslices"]),
    (
        "apps",
        &[
            "controllerrevisions",
            "statefulsets",
            "statefulsets/scale",
            "statefulsets/status",
            "daemonsets",
            "daemonsets/status",
            "deployments",
            "deployments/scale",
            "deployments/status",
            "replicasets",
            "replicasets/scale",
            "replicasets/status",
        ],
    ),
    (
        "batch",
        &["cronjobs", "cronjobs/status", "jobs", "jobs/status"],
    ),
];
const NAMESPACED: &[&str] = &[
    "pods",
    "services",
    "configmaps",
    "events",
    "persistentvolumeclaims",
    "statefulsets",
    "statefulsets/scale",
    "statefulsets/status",
    "controllerrevisions",
];

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
            rules: VIEW
                .iter()
                .map(|(group, resources)| Rule::new(READ, resources, None).in_group(group))
                .collect(),
        }
    }

    /// May read namespaced kinds in the given namespaces only: no Nodes,
    /// PersistentVolumes or StorageClasses (a common tenant setup).
    pub fn namespace_viewer(name: &str, namespaces: &[&str]) -> User {
        User {
            name: name.into(),
            rules: vec![Rule::new(READ, NAMESPACED, Some(namespaces))],
        }
    }

    /// May read and operate namespaced kinds in the given namespaces.
    pub fn namespace_operator(name: &str, namespaces: &[&str]) -> User {
        User {
            name: name.into(),
            rules: vec![Rule::new(
                &[
                    "get", "list", "watch", "create", "update", "patch", "delete",
                ],
                NAMESPACED,
                Some(namespaces),
            )],
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

    #[test]
    fn profiles_allow_what_they_say() {
        let viewer = User::namespace_viewer("dev", &["mysql"]);
        assert!(viewer.allows(&attrs("list", "pods", Some("mysql"))));
        assert!(!viewer.allows(&attrs("list", "pods", Some("kafka"))));
        assert!(!viewer.allows(&attrs("list", "persistentvolumes", None)));
        assert!(!viewer.allows(&attrs("patch", "statefulsets/scale", Some("mysql"))));
        let ro = User::read_only("ro");
        assert!(ro.allows(&attrs("list", "pods", Some("mysql"))));
        assert!(ro.allows(&attrs("list", "pods", None)));
        // The `view` role: no cluster-scoped storage, no Secrets, no writes.
        assert!(!ro.allows(&attrs("list", "persistentvolumes", None)));
        assert!(!ro.allows(&attrs("list", "nodes", None)));
        assert!(!ro.allows(&attrs("list", "secrets", Some("mysql"))));
        assert!(!ro.allows(&attrs("delete", "pods", Some("mysql"))));
        let sts = Attributes {
            group: "apps".into(),
            ..attrs("get", "statefulsets/scale", Some("mysql"))
        };
        assert!(ro.allows(&sts));
        assert!(!ro.allows(&Attributes {
            group: "batch".into(),
            ..sts
        }));
        let op = User::namespace_operator("op", &["mysql"]);
        assert!(op.allows(&attrs("patch", "statefulsets/scale", Some("mysql"))));
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
