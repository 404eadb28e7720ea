//! The list fields of the built-in types that are not simply replaced, and
//! how: strategic merge's `patchStrategy`/`patchMergeKey` tags and server-side
//! apply's `x-kubernetes-list-type`/`x-kubernetes-list-map-keys`, from one
//! table so that the two (and the OpenAPI document) agree.

/// How a list field is patched (the Go `patchStrategy`/`patchMergeKey` tags).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ListStrategy {
    /// The patch's list replaces the live one (the default, "atomic").
    Replace,
    /// Items are maps identified by this field.
    MergeByKey(&'static str),
    /// Items are scalars; the patch's items are added (set union).
    MergePrimitives,
}

/// Where a [`ListRule`] path is rooted.
#[derive(Debug, Clone, Copy)]
enum Anchor {
    /// Every ObjectMeta: the object's own `metadata` and pod templates'.
    ObjectMeta,
    /// Every PodSpec; the kind decides where it lives (see [`pod_spec_path`]).
    PodSpec,
    /// The object root, for the listed kinds only.
    Root(&'static [&'static str]),
}

struct ListRule {
    anchor: Anchor,
    /// Dot-separated field names below the anchor; list items are transparent
    /// (`containers.env` is the `env` of any container).
    path: &'static str,
    strategy: ListStrategy,
    /// Server-side apply's `x-kubernetes-list-map-keys` where they are more
    /// than the strategic merge key (ports are keyed by port and protocol).
    map_keys: Option<&'static [&'static str]>,
}

const fn rule(anchor: Anchor, path: &'static str, strategy: ListStrategy) -> ListRule {
    ListRule {
        anchor,
        path,
        strategy,
        map_keys: None,
    }
}

const fn ports(anchor: Anchor, path: &'static str, key: &'static str) -> ListRule {
    ListRule {
        map_keys: Some(match anchor {
            Anchor::PodSpec => &["containerPort", "protocol"],
            _ => &["port", "protocol"],
        }),
        ..rule(anchor, path, ListStrategy::MergeByKey(key))
    }
}

const CONDITION_KINDS: &[&str] = &[
    "Pod",
    "PersistentVolumeClaim",
    "StatefulSet",
    "Node",
    "Deployment",
    "ReplicaSet",
    "DaemonSet",
    "Job",
];

/// The list fields of the built-in types that do not simply get replaced,
/// mirroring the `patchStrategy`/`patchMergeKey` tags of k8s.io/api. Fields
/// not listed here are atomic; maps always merge. A few atomic fields are
/// listed anyway to document that the choice is deliberate.
const LIST_RULES: &[ListRule] = &[
    // ObjectMeta
    rule(
        Anchor::ObjectMeta,
        "ownerReferences",
        ListStrategy::MergeByKey("uid"),
    ),
    rule(
        Anchor::ObjectMeta,
        "finalizers",
        ListStrategy::MergePrimitives,
    ),
    // PodSpec. `initContainers` and `ephemeralContainers` hold Containers
    // too; their fields are looked up as `containers.*` (see `rule_path`).
    rule(
        Anchor::PodSpec,
        "containers",
        ListStrategy::MergeByKey("name"),
    ),
    rule(
        Anchor::PodSpec,
        "initContainers",
        ListStrategy::MergeByKey("name"),
    ),
    rule(
        Anchor::PodSpec,
        "ephemeralContainers",
        ListStrategy::MergeByKey("name"),
    ),
    rule(Anchor::PodSpec, "volumes", ListStrategy::MergeByKey("name")),
    rule(
        Anchor::PodSpec,
        "imagePullSecrets",
        ListStrategy::MergeByKey("name"),
    ),
    rule(Anchor::PodSpec, "tolerations", ListStrategy::Replace),
    rule(
        Anchor::PodSpec,
        "hostAliases",
        ListStrategy::MergeByKey("ip"),
    ),
    rule(
        Anchor::PodSpec,
        "topologySpreadConstraints",
        ListStrategy::MergeByKey("topologyKey"),
    ),
    rule(
        Anchor::PodSpec,
        "resourceClaims",
        ListStrategy::MergeByKey("name"),
    ),
    rule(
        Anchor::PodSpec,
        "schedulingGates",
        ListStrategy::MergeByKey("name"),
    ),
    // Container
    rule(
        Anchor::PodSpec,
        "containers.env",
        ListStrategy::MergeByKey("name"),
    ),
    ports(Anchor::PodSpec, "containers.ports", "containerPort"),
    rule(
        Anchor::PodSpec,
        "containers.volumeMounts",
        ListStrategy::MergeByKey("mountPath"),
    ),
    rule(
        Anchor::PodSpec,
        "containers.volumeDevices",
        ListStrategy::MergeByKey("devicePath"),
    ),
    rule(Anchor::PodSpec, "containers.envFrom", ListStrategy::Replace),
    // Status conditions
    rule(
        Anchor::Root(CONDITION_KINDS),
        "status.conditions",
        ListStrategy::MergeByKey("type"),
    ),
    // Pod
    rule(
        Anchor::Root(&["Pod"]),
        "status.podIPs",
        ListStrategy::MergeByKey("ip"),
    ),
    rule(
        Anchor::Root(&["Pod"]),
        "status.containerStatuses",
        ListStrategy::Replace,
    ),
    // StatefulSet
    rule(
        Anchor::Root(&["StatefulSet"]),
        "spec.volumeClaimTemplates",
        ListStrategy::Replace,
    ),
    // Node
    rule(
        Anchor::Root(&["Node"]),
        "spec.taints",
        ListStrategy::MergeByKey("key"),
    ),
    rule(
        Anchor::Root(&["Node"]),
        "spec.podCIDRs",
        ListStrategy::MergePrimitives,
    ),
    rule(
        Anchor::Root(&["Node"]),
        "status.addresses",
        ListStrategy::MergeByKey("type"),
    ),
    // Service
    ports(Anchor::Root(&["Service"]), "spec.ports", "port"),
];

/// Where `kind` keeps its PodTemplateSpec, if it has one.
fn pod_template_path(kind: &str) -> Option<&'static [&'static str]> {
    match kind {
        "StatefulSet"
        | "Deployment"
        | "ReplicaSet"
        | "DaemonSet"
        | "Job"
        | "ReplicationController" => Some(&["spec", "template"]),
        "CronJob" => Some(&["spec", "jobTemplate", "spec", "template"]),
        "PodTemplate" => Some(&["template"]),
        _ => None,
    }
}

/// Where `kind` keeps its PodSpec, if it has one.
fn pod_spec_path(kind: &str) -> Option<Vec<&'static str>> {
    if kind == "Pod" {
        return Some(vec!["spec"]);
    }
    pod_template_path(kind).map(|template| [template, &["spec"]].concat())
}

fn find_rule(kind: &str, path: &[&str]) -> Option<&'static ListRule> {
    LIST_RULES
        .iter()
        .find(|rule| rule_path(kind, rule.anchor, path).is_some_and(|rel| rule_matches(rule, &rel)))
}

/// The strategy for the list at `path` (field names from the object root) of
/// an object of `kind`.
pub(super) fn list_strategy(kind: &str, path: &[&str]) -> ListStrategy {
    find_rule(kind, path).map_or(ListStrategy::Replace, |rule| rule.strategy)
}

/// How server-side apply treats a list (`x-kubernetes-list-type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListType {
    /// Replaced whole, owned as one field.
    Atomic,
    /// Items are maps identified by these fields (`x-kubernetes-list-map-keys`).
    Map(&'static [&'static str]),
    /// Items are scalars, each owned on its own.
    Set,
}

/// The server-side apply list type of the list at `path` of `kind`.
pub fn list_type(kind: &str, path: &[&str]) -> ListType {
    match find_rule(kind, path) {
        None => ListType::Atomic,
        Some(rule) => match (&rule.strategy, rule.map_keys) {
            (ListStrategy::Replace, _) => ListType::Atomic,
            (ListStrategy::MergePrimitives, _) => ListType::Set,
            (ListStrategy::MergeByKey(_), Some(keys)) => ListType::Map(keys),
            // The rule lives in a static table, so its key can be borrowed
            // as a one-key list for ever.
            (ListStrategy::MergeByKey(key), None) => ListType::Map(std::slice::from_ref(key)),
        },
    }
}

/// Maps whose value is owned as one field (`x-kubernetes-map-type: atomic`,
/// `+structType=atomic`): a new value replaces the old one whole.
pub fn is_atomic_map(path: &[&str]) -> bool {
    // A LabelSelector, and a Service's selector map.
    matches!(path, ["spec", "selector"])
}

/// The strategic merge tags of the list at `path` of `kind`, as the OpenAPI
/// document states them: `("merge", Some(key))` for keyed lists,
/// `("merge", None)` for sets of scalars, `None` for atomic lists.
pub fn list_merge_rule(kind: &str, path: &[&str]) -> Option<(&'static str, Option<&'static str>)> {
    match list_strategy(kind, path) {
        ListStrategy::Replace => None,
        ListStrategy::MergeByKey(key) => Some(("merge", Some(key))),
        ListStrategy::MergePrimitives => Some(("merge", None)),
    }
}

/// `path` relative to `anchor` if `path` lies below it for this `kind`.
fn rule_path<'p>(kind: &str, anchor: Anchor, path: &[&'p str]) -> Option<Vec<&'p str>> {
    match anchor {
        Anchor::Root(kinds) => kinds.contains(&kind).then(|| path.to_vec()),
        Anchor::ObjectMeta => {
            let template = pod_template_path(kind).unwrap_or_default();
            let below_template = || path.strip_prefix(template)?.strip_prefix(&["metadata"][..]);
            let rel = path
                .strip_prefix(&["metadata"][..])
                .or_else(below_template)?;
            Some(rel.to_vec())
        }
        Anchor::PodSpec => {
            let mut rel = path.strip_prefix(pod_spec_path(kind)?.as_slice())?.to_vec();
            // All three container lists hold the same Container struct.
            if rel.len() > 1 && matches!(rel[0], "initContainers" | "ephemeralContainers") {
                rel[0] = "containers";
            }
            Some(rel)
        }
    }
}

fn rule_matches(rule: &ListRule, rel: &[&str]) -> bool {
    rule.path.split('.').eq(rel.iter().copied())
}
