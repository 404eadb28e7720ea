//! The batch form of expand: "expand every claim of template `data` of set
//! `mysql` to 20Gi". One merge patch per claim (the same body each time);
//! claims already at or above the size are listed and skipped, claims that
//! cannot be expanded (not Bound, a class without expansion) are listed
//! with the reason. Sending is one [`Action::Expand`] per claim, each
//! executed, audited and answered on its own.

use super::Action;
use super::expand::{current, driver, expandable, parse_size, running_users};
use super::plan::{Plan, size};
use crate::store::Store;

/// What the batch does with one claim.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Send this patch.
    Expand(Action),
    /// Already at or above the size: nothing to do (not a failure).
    Skip(String),
    /// Cannot be expanded; nothing is sent for it.
    Refuse(String),
}

/// One claim of a batch, in ordinal order.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchItem {
    pub claim: String,
    /// What it has or already asks for (a pending expansion counts).
    pub now: Option<u64>,
    /// Online (a running Pod mounts it: these Pods) or offline (none).
    pub users: Vec<String>,
    /// Already `FileSystemResizePending` from an earlier expansion: its Pod
    /// must restart before the filesystem grows.
    pub fs_pending: bool,
    pub verdict: Verdict,
}

/// Every claim of one template, each with its verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub namespace: String,
    pub set: String,
    pub template: String,
    /// The size as typed (`20Gi`) and in bytes.
    pub storage: String,
    pub bytes: u64,
    pub items: Vec<BatchItem>,
}

/// The claims of template `template` of set `set` at size `input`, or why
/// the batch cannot be prepared at all (a bad size, `--read-only`, no such
/// set or template, no claims yet).
pub fn expand_template(
    store: &Store,
    ns: &str,
    set: &str,
    template: &str,
    input: &str,
    read_only: bool,
) -> Result<Batch, String> {
    if read_only {
        return Err("ordinal runs with --read-only: nothing is sent".into());
    }
    let s = store
        .set(ns, set)
        .ok_or_else(|| format!("statefulset {ns}/{set} is not in the cache"))?;
    if !s.templates.iter().any(|t| t.name == template) {
        return Err(format!("{set} has no volumeClaimTemplate {template}"));
    }
    // The size on its own first (syntax, unit, sign); each claim is then
    // compared with it.
    let (storage, bytes) = parse_size(input, 0)?;
    let prefix = format!("{template}-{set}-");
    let mut items: Vec<(i64, BatchItem)> = store
        .claims_with_prefix(ns, &prefix)
        .filter_map(|c| {
            let n: i64 = c.name.strip_prefix(&prefix)?.parse().ok()?;
            let verdict = match expandable(store, ns, &c.name) {
                Err(why) => Verdict::Refuse(why),
                Ok(c) if current(c) >= bytes => {
                    Verdict::Skip(format!("already has {}", size(Some(current(c)))))
                }
                Ok(_) => Verdict::Expand(Action::Expand {
                    namespace: ns.into(),
                    name: c.name.clone(),
                    storage: storage.clone(),
                }),
            };
            Some((
                n,
                BatchItem {
                    claim: c.name.clone(),
                    now: Some(current(c)).filter(|b| *b > 0),
                    users: running_users(store, ns, &c.name),
                    fs_pending: c
                        .condition("FileSystemResizePending")
                        .is_some_and(|x| x.status == "True"),
                    verdict,
                },
            ))
        })
        .collect();
    items.sort_by_key(|(n, _)| *n);
    if items.is_empty() {
        return Err(format!("{set} has no claims of template {template} yet"));
    }
    Ok(Batch {
        namespace: ns.into(),
        set: set.into(),
        template: template.into(),
        storage,
        bytes,
        items: items.into_iter().map(|(_, i)| i).collect(),
    })
}

impl Batch {
    /// The patches to send, one per claim to expand.
    pub fn actions(&self) -> Vec<Action> {
        self.items
            .iter()
            .filter_map(|i| match &i.verdict {
                Verdict::Expand(a) => Some(a.clone()),
                _ => None,
            })
            .collect()
    }

    /// Why nothing would be sent (every claim refused or skipped), or
    /// `None` when at least one patch goes out.
    pub fn nothing_to_send(&self) -> Option<String> {
        if !self.actions().is_empty() {
            return None;
        }
        let refused = self.items.iter().find_map(|i| match &i.verdict {
            Verdict::Refuse(why) => Some(why.clone()),
            _ => None,
        });
        Some(refused.unwrap_or_else(|| {
            format!(
                "every claim of template {} already has {} or more: nothing to send",
                self.template, self.storage
            )
        }))
    }

    /// The kubectl equivalent: one command for one claim, else a loop.
    pub fn kubectl(&self) -> Option<String> {
        let actions = self.actions();
        match actions.as_slice() {
            [] => None,
            [one] => Some(one.kubectl()),
            many => {
                let names: Vec<&str> = many.iter().map(Action::name).collect();
                let body = serde_json::json!({"spec": {"resources": {"requests": {"storage": self.storage}}}});
                Some(format!(
                    "for c in {}; do kubectl -n {} patch pvc \"$c\" --type merge -p '{body}'; done",
                    names.join(" "),
                    self.namespace
                ))
            }
        }
    }

    /// The preview: how many claims go out, what the driver and the kubelet
    /// do, restarts needed, and what the template means for new ordinals.
    pub fn plan(&self, store: &Store) -> Plan {
        let mut plan = Plan::default();
        let sent = self.actions();
        let skipped = self
            .items
            .iter()
            .filter(|i| matches!(i.verdict, Verdict::Skip(_)))
            .count();
        let refused = self.items.len() - sent.len() - skipped;
        let mut counts = format!(
            "{} of {} claims of template {} get {}: one merge patch each, sent one after another; each answer is reported",
            sent.len(),
            self.items.len(),
            self.template,
            self.storage
        );
        if skipped > 0 {
            counts.push_str(&format!("; {skipped} already at or above it (skipped)"));
        }
        if refused > 0 {
            counts.push_str(&format!("; {refused} cannot be expanded (left out)"));
        }
        plan.line(counts);
        let drivers: Vec<String> = sent
            .iter()
            .filter_map(|a| store.claim(&self.namespace, a.name()))
            .map(|c| driver(store, c))
            .filter(|d| !d.is_empty())
            .fold(Vec::new(), |mut acc, d| {
                if !acc.contains(&d) {
                    acc.push(d);
                }
                acc
            });
        if !sent.is_empty() {
            plan.line(format!(
                "The driver{} grows each volume (Resizing), then the kubelet grows the filesystem on its node",
                if drivers.is_empty() {
                    String::new()
                } else {
                    format!(" {}", drivers.join(", "))
                }
            ));
            plan.line("Online: a running Pod mounts the claim and the filesystem grows under it where the driver supports it; a driver that expands only offline leaves it FileSystemResizePending until the Pod restarts. Offline: grown when a Pod next mounts it");
        }
        let pending: Vec<&str> = self
            .items
            .iter()
            .filter(|i| i.fs_pending && matches!(i.verdict, Verdict::Expand(_)))
            .map(|i| i.claim.as_str())
            .collect();
        if !pending.is_empty() {
            plan.warn(format!(
                "{} already FileSystemResizePending: restart the Pod for the filesystem to grow",
                pending.join(", ")
            ));
        }
        if let Some(s) = store.set(&self.namespace, &self.set)
            && let Some(t) = s.templates.iter().find(|t| t.name == self.template)
            && t.request_bytes.is_none_or(|b| b < self.bytes)
        {
            plan.warn(format!(
                "template {} of {} still asks for {}: new ordinals get {} (a template cannot be changed in place)",
                t.name,
                s.name,
                size(t.request_bytes),
                size(t.request_bytes)
            ));
        }
        plan
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
    fn each_claim_has_its_verdict_and_larger_claims_are_skipped_not_failed() {
        let mut f = with_class(true);
        // data-web-2 was expanded by hand to 30Gi already.
        let c: k8s_openapi::api::core::v1::PersistentVolumeClaim = serde_json::from_value(json!({
            "metadata": {"namespace": "app", "name": "data-web-2", "uid": "uid-data-web-2"},
            "spec": {"accessModes": ["ReadWriteOnce"], "volumeName": "pv-2", "resources": {"requests": {"storage": "30Gi"}}},
            "status": {"phase": "Bound", "capacity": {"storage": "30Gi"}}
        }))
        .unwrap();
        f.put(Object::from(&c));
        let b = expand_template(&f.0, "app", "web", "data", "20Gi", false).unwrap();
        let claims: Vec<&str> = b.items.iter().map(|i| i.claim.as_str()).collect();
        assert_eq!(claims, ["data-web-0", "data-web-1", "data-web-2"]);
        assert_eq!(b.items[2].verdict, Verdict::Skip("already has 30Gi".into()));
        let sent: Vec<String> = b.actions().iter().map(|a| a.name().to_string()).collect();
        assert_eq!(sent, ["data-web-0", "data-web-1"]);
        assert_eq!(b.nothing_to_send(), None);
        assert_eq!(
            b.kubectl().unwrap(),
            r#"for c in data-web-0 data-web-1; do kubectl -n app patch pvc "$c" --type merge -p '{"spec":{"resources":{"requests":{"storage":"20Gi"}}}}'; done"#
        );
        let plan = b.plan(&f.0);
        assert!(
            plan.lines[0].starts_with("2 of 3 claims of template data get 20Gi")
                && plan.lines[0].contains("1 already at or above it (skipped)"),
            "{plan:?}"
        );
        assert!(
            plan.warnings
                .iter()
                .any(|w| w.contains("new ordinals get 10Gi"))
        );
        assert!(expand_template(&f.0, "app", "web", "logs", "20Gi", false).is_err());
    }

    #[test]
    fn a_batch_that_would_send_nothing_says_why() {
        let f = with_class(true);
        let all_big = expand_template(&f.0, "app", "web", "data", "10Gi", false).unwrap();
        assert!(all_big.actions().is_empty());
        assert!(
            all_big
                .nothing_to_send()
                .unwrap()
                .contains("already has 10Gi or more: nothing to send")
        );
        let fixed = with_class(false);
        let b = expand_template(&fixed.0, "app", "web", "data", "20Gi", false).unwrap();
        assert!(
            b.nothing_to_send()
                .unwrap()
                .contains("class standard does not allow expansion"),
            "{b:?}"
        );
        for (bad, why) in [
            ("abc", "abc is not a size"),
            ("-5Gi", "cannot be negative"),
            ("10", "add a unit"),
        ] {
            let e = expand_template(&f.0, "app", "web", "data", bad, false).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
        let e = expand_template(&f.0, "app", "web", "data", "20Gi", true).unwrap_err();
        assert!(e.contains("--read-only"));
    }
}
