//! Expand: a merge patch of a claim's `spec.resources.requests.storage`
//! (what `kubectl patch pvc` sends), the validation of the typed size, and
//! the preview (online or offline, the filesystem step, the template).
//! The batch form (every claim of one template) is in [`super::expand_batch`].

use super::plan::{Plan, size};
use super::request::{MERGE_PATCH, patch};
use super::{Action, Description};
use crate::store::owner::claim_owner;
use crate::store::{Claim, Store};

pub(super) fn claim_path(ns: &str, name: &str) -> String {
    format!("/api/v1/namespaces/{ns}/persistentvolumeclaims/{name}")
}

pub(super) fn describe(ns: &str, name: &str, storage: &str) -> Description {
    let body = serde_json::json!({"spec": {"resources": {"requests": {"storage": storage}}}});
    Description {
        kubectl: format!("kubectl -n {ns} patch pvc {name} --type merge -p '{body}'"),
        request: patch(claim_path(ns, name), MERGE_PATCH, body),
        title: format!("Expand claim {name} to {storage}"),
        destructive: false,
        success: format!("requested {storage} for persistentvolumeclaim {ns}/{name}"),
    }
}

/// The size typed for a claim: a quantity with a unit, larger than what
/// the claim has and requests now. Returns the text to send and its bytes.
pub fn parse_size(input: &str, current: u64) -> Result<(String, u64), String> {
    let text = input.trim();
    if text.is_empty() {
        return Err("type the new size, e.g. 20Gi".into());
    }
    let bytes = crate::format::quantity::parse(text).map_err(|why| {
        if text.starts_with('-') {
            format!("{text}: a size cannot be negative")
        } else {
            format!("{text} is not a size: {why}")
        }
    })?;
    if text.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "{text} means {text} bytes: add a unit, e.g. {text}Gi"
        ));
    }
    if bytes == current {
        return Err(format!(
            "the claim already has {}: nothing changes",
            size(Some(current))
        ));
    }
    if bytes < current {
        return Err(format!(
            "claims cannot shrink: {text} is below the current {}",
            size(Some(current))
        ));
    }
    Ok((text.to_string(), bytes))
}

/// What the claim has or already asks for (a pending expansion counts).
pub(super) fn current(c: &Claim) -> u64 {
    c.capacity_bytes
        .unwrap_or(0)
        .max(c.request_bytes.unwrap_or(0))
}

/// Whether the claim can be expanded at all, and why not.
pub(super) fn expandable<'s>(store: &'s Store, ns: &str, claim: &str) -> Result<&'s Claim, String> {
    let c = store
        .claim(ns, claim)
        .ok_or_else(|| format!("claim {ns}/{claim} is not in the cache (deleted?)"))?;
    if c.phase != "Bound" {
        return Err(format!(
            "{claim} is {}: only a Bound claim can be expanded",
            c.phase
        ));
    }
    let class = match &c.storage_class {
        Some(n) if !n.is_empty() => Some(n.clone()),
        Some(_) => None,
        None => store.default_classes().last().map(|d| d.name.clone()),
    };
    let Some(class) = class else {
        return Err(format!(
            "{claim} has no StorageClass: only dynamically provisioned claims of a class with allowVolumeExpansion can be expanded"
        ));
    };
    match store.class(&class) {
        None => Err(format!(
            "class {class} is not in the cache: cannot tell whether it allows expansion"
        )),
        Some(k) if !k.allow_expansion => Err(format!(
            "class {class} does not allow expansion (allowVolumeExpansion is not true): the API server refuses the patch; move the data to a larger claim instead"
        )),
        Some(_) => Ok(c),
    }
}

/// The expansion of one claim to the typed size, or why not. Nothing is
/// sent under `--read-only`.
pub fn expand_action(
    store: &Store,
    ns: &str,
    claim: &str,
    input: &str,
    read_only: bool,
) -> Result<Action, String> {
    if read_only {
        return Err("ordinal runs with --read-only: nothing is sent".into());
    }
    let c = expandable(store, ns, claim)?;
    let (storage, _) = parse_size(input, current(c))?;
    Ok(Action::Expand {
        namespace: ns.into(),
        name: claim.into(),
        storage,
    })
}

/// The preview: the request's effect, online or offline, the filesystem
/// step, and what the template means for future ordinals.
pub fn expand_plan(store: &Store, ns: &str, claim: &str, bytes: u64) -> Plan {
    let mut plan = Plan::default();
    let Some(c) = store.claim(ns, claim) else {
        plan.warn(format!("claim {ns}/{claim} is not in the cache"));
        return plan;
    };
    plan.line(format!(
        "{claim}: {} → {}",
        size(c.capacity_bytes.or(c.request_bytes)),
        size(Some(bytes))
    ));
    let driver = driver(store, c);
    plan.line(format!(
        "The driver{} grows the volume (Resizing), then the kubelet grows the filesystem on the node",
        if driver.is_empty() {
            String::new()
        } else {
            format!(" {driver}")
        }
    ));
    let users = running_users(store, ns, claim);
    if users.is_empty() {
        plan.line("No running Pod mounts it: the filesystem is grown when a Pod next mounts it");
    } else {
        plan.line(format!(
            "Online expansion while {} runs, where the driver supports it; a driver that expands only offline leaves the claim FileSystemResizePending until the Pod restarts",
            users.join(", ")
        ));
    }
    if let Some(o) = claim_owner(store, ns, claim)
        && let Some(s) = store.set(ns, &o.set)
        && let Some(t) = s.templates.iter().find(|t| t.name == o.template)
    {
        plan.warn(format!(
            "template {} of {} still asks for {}: new ordinals get {}, and the template cannot be changed in place (the API server rejects updates to statefulset spec fields other than replicas, template, updateStrategy …)",
            t.name,
            s.name,
            size(t.request_bytes),
            size(t.request_bytes)
        ));
    }
    plan
}

/// The running Pods that mount the claim (online expansion happens under them).
pub(super) fn running_users(store: &Store, ns: &str, claim: &str) -> Vec<String> {
    store
        .pods(Some(ns))
        .filter(|p| p.phase == "Running" && p.claims.iter().any(|x| x == claim))
        .map(|p| p.name.clone())
        .collect()
}

/// The driver (provisioner) of the claim's class, empty when unknown.
pub(super) fn driver(store: &Store, c: &Claim) -> String {
    store
        .volume_of_claim(c)
        .map(|v| v.storage_class.clone())
        .filter(|n| !n.is_empty())
        .or_else(|| c.storage_class.clone())
        .and_then(|n| store.class(&n))
        .map(|k| k.provisioner.clone())
        .unwrap_or_default()
}

/// How far an expansion sent earlier has got.
#[derive(Debug, Clone, PartialEq)]
pub enum Stage {
    /// The claim is gone from the cache.
    Gone,
    /// Not picked up by the resizer yet.
    Waiting,
    /// The driver grows the volume.
    Resizing,
    /// The volume grew; the filesystem grows when the kubelet next mounts
    /// it (a Pod restart, with offline-only drivers).
    FileSystemResizePending,
    /// The new capacity is there.
    Done(u64),
}

pub fn expand_stage(store: &Store, ns: &str, claim: &str, want: u64) -> Stage {
    let Some(c) = store.claim(ns, claim) else {
        return Stage::Gone;
    };
    match c.capacity_bytes {
        Some(cap) if cap >= want => Stage::Done(cap),
        _ if c
            .condition("FileSystemResizePending")
            .is_some_and(|x| x.status == "True") =>
        {
            Stage::FileSystemResizePending
        }
        _ if c.condition("Resizing").is_some_and(|x| x.status == "True") => Stage::Resizing,
        _ => Stage::Waiting,
    }
}

/// Where an expansion sent earlier stands: `(done, what to say)`, through
/// `Resizing` and `FileSystemResizePending` to the new capacity.
pub fn expand_progress(store: &Store, ns: &str, claim: &str, want: u64) -> (bool, String) {
    let now = size(store.claim(ns, claim).and_then(|c| c.capacity_bytes));
    let want_s = size(Some(want));
    match expand_stage(store, ns, claim, want) {
        Stage::Gone => (true, format!("{claim} is gone")),
        Stage::Done(cap) => (true, format!("done: {claim} now has {}", size(Some(cap)))),
        Stage::FileSystemResizePending => (
            false,
            format!(
                "{claim}: FileSystemResizePending ({now} → {want_s}): the volume grew; the filesystem grows when the kubelet next mounts it (a Pod restart, with offline-only drivers)"
            ),
        ),
        Stage::Resizing => (
            false,
            format!("{claim}: Resizing ({now} → {want_s}): the driver grows the volume…"),
        ),
        Stage::Waiting => (
            false,
            format!("{claim}: expansion to {want_s} requested, waiting for the resizer…"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::fixture::Fx;
    use crate::store::Object;
    use serde_json::json;

    fn with_class(expandable: bool) -> Fx {
        let mut f = Fx::healthy("Delete");
        let c: k8s_openapi::api::storage::v1::StorageClass = serde_json::from_value(json!({
            "metadata": {"name": "standard", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
            "provisioner": "disk.csi.example.com",
            "allowVolumeExpansion": expandable
        }))
        .unwrap();
        f.put(Object::from(&c));
        f
    }

    #[test]
    fn every_bad_input_sends_nothing_and_says_why() {
        let f = with_class(true);
        let bad = |input: &str, read_only: bool| {
            expand_action(&f.0, "app", "data-web-0", input, read_only).unwrap_err()
        };
        assert!(
            bad("abc", false).contains("abc is not a size"),
            "{}",
            bad("abc", false)
        );
        assert!(bad("-5Gi", false).contains("cannot be negative"));
        assert!(bad("10", false).contains("10 means 10 bytes: add a unit"));
        assert!(bad("5Gi", false).contains("claims cannot shrink: 5Gi is below the current 10Gi"));
        assert!(bad("10Gi", false).contains("already has 10Gi: nothing changes"));
        assert!(bad("", false).contains("type the new size"));
        assert!(bad("20Gi", true).contains("--read-only"));
        let fixed = with_class(false);
        let e = expand_action(&fixed.0, "app", "data-web-0", "20Gi", false).unwrap_err();
        assert!(e.contains("class standard does not allow expansion"), "{e}");
    }

    #[test]
    fn a_valid_size_is_exactly_this_patch() {
        let f = with_class(true);
        let a = expand_action(&f.0, "app", "data-web-0", " 20Gi ", false).unwrap();
        let d = a.describe();
        assert_eq!(d.request.method, "PATCH");
        assert_eq!(
            d.request.path,
            "/api/v1/namespaces/app/persistentvolumeclaims/data-web-0"
        );
        assert_eq!(d.request.content_type, Some(MERGE_PATCH));
        assert_eq!(
            d.request.body,
            Some(json!({"spec": {"resources": {"requests": {"storage": "20Gi"}}}}))
        );
        assert_eq!(
            d.kubectl,
            r#"kubectl -n app patch pvc data-web-0 --type merge -p '{"spec":{"resources":{"requests":{"storage":"20Gi"}}}}'"#
        );
        assert_eq!(a.kind(), crate::action::ActionKind::Expand);
        assert_eq!(a.object(), "persistentvolumeclaim/data-web-0");
        let plan = expand_plan(&f.0, "app", "data-web-0", 20 << 30);
        assert!(
            plan.lines.iter().any(|l| l.contains("10Gi → 20Gi")),
            "{plan:?}"
        );
        assert!(
            plan.lines
                .iter()
                .any(|l| l.contains("Online expansion while web-0 runs"))
        );
        assert!(
            plan.warnings
                .iter()
                .any(|l| l.contains("new ordinals get 10Gi"))
        );
    }
}
