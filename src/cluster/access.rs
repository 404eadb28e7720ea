//! What the user may do, asked of the API server before they try
//! (SelfSubjectAccessReview), so forbidden keys are shown as unavailable
//! with the reason instead of failing after confirmation.

use std::collections::BTreeMap;

use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
};
use kube::api::{Api, PostParams};

use crate::action::ActionKind;

/// Which actions are allowed; every denial carries its reason.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Permissions {
    denied: BTreeMap<ActionKind, String>,
    /// Set when the server could not be asked: everything is offered and
    /// the server decides.
    unchecked: Option<String>,
}

impl Permissions {
    /// Everything allowed (nothing checked).
    pub fn all() -> Permissions {
        Permissions::default()
    }

    /// `--read-only`: everything denied.
    pub fn read_only() -> Permissions {
        Permissions {
            denied: ActionKind::ALL
                .iter()
                .map(|k| (*k, "--read-only".to_string()))
                .collect(),
            unchecked: None,
        }
    }

    pub fn allows(&self, kind: ActionKind) -> bool {
        !self.denied.contains_key(&kind)
    }

    /// Why `kind` is unavailable, for the help and footer.
    pub fn denial(&self, kind: ActionKind) -> Option<&str> {
        self.denied.get(&kind).map(String::as_str)
    }

    /// Why nothing could be checked, when the access reviews failed.
    pub fn unchecked(&self) -> Option<&str> {
        self.unchecked.as_deref()
    }

    pub fn deny(&mut self, kind: ActionKind, reason: impl Into<String>) {
        self.denied.insert(kind, reason.into());
    }
}

/// The SelfSubjectAccessReview body asking whether `kind` is allowed.
pub fn review(kind: ActionKind, namespace: Option<&str>) -> SelfSubjectAccessReview {
    let (verb, group, resource, subresource) = kind.rbac();
    SelfSubjectAccessReview {
        spec: SelfSubjectAccessReviewSpec {
            resource_attributes: Some(ResourceAttributes {
                namespace: namespace.map(String::from),
                verb: Some(verb.into()),
                group: Some(group.into()),
                resource: Some(resource.into()),
                subresource: Some(subresource.into()).filter(|s: &String| !s.is_empty()),
                ..Default::default()
            }),
            ..Default::default()
        },
        ..Default::default()
    }
}

fn what(kind: ActionKind, namespace: Option<&str>) -> String {
    let (verb, _, resource, sub) = kind.rbac();
    let resource = if sub.is_empty() {
        resource.to_string()
    } else {
        format!("{resource}/{sub}")
    };
    match namespace {
        Some(ns) => format!("{verb} {resource} in namespace {ns}"),
        None => format!("{verb} {resource} cluster-wide"),
    }
}

/// Allowed, and the server's reason; or why the review failed.
type Answer = Result<(bool, String), String>;

async fn ask(
    api: &Api<SelfSubjectAccessReview>,
    kind: ActionKind,
    namespace: Option<&str>,
) -> Answer {
    match api
        .create(&PostParams::default(), &review(kind, namespace))
        .await
    {
        Ok(r) => {
            let st = r.status.unwrap_or_default();
            let why = st
                .reason
                .or(st.evaluation_error)
                .filter(|r| !r.is_empty())
                .unwrap_or_default();
            Ok((st.allowed && !st.denied.unwrap_or(false), why))
        }
        Err(e) => Err(crate::action::ActionError::from(e).describe()),
    }
}

/// Asks the server what the user may do in `namespace` (`None`: all
/// namespaces, checked cluster-wide). A failed review leaves that action
/// allowed: the server still refuses it if need be, readably.
pub async fn check(client: &kube::Client, namespace: Option<&str>) -> Permissions {
    let api: Api<SelfSubjectAccessReview> = Api::all(client.clone());
    let mut perms = Permissions::all();
    // Restart, partition and rollback need the same permission: ask once.
    let mut answers: Vec<(ActionKind, Answer)> = Vec::new();
    for kind in ActionKind::ALL {
        let answer = match answers.iter().find(|(k, _)| k.rbac() == kind.rbac()) {
            Some((_, a)) => a.clone(),
            None => ask(&api, kind, namespace).await,
        };
        answers.push((kind, answer.clone()));
        match &answer {
            Ok((true, _)) => {}
            Ok((false, why)) => {
                let mut reason = format!("forbidden: {}", what(kind, namespace));
                if !why.is_empty() {
                    reason.push_str(&format!(" ({why})"));
                }
                perms.deny(kind, reason);
            }
            Err(e) => {
                perms.unchecked = Some(format!("cannot check permissions: {e}"));
            }
        }
    }
    perms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_only_denies_everything_with_the_flag_as_reason() {
        let p = Permissions::read_only();
        for k in ActionKind::ALL {
            assert!(!p.allows(k));
            assert_eq!(p.denial(k), Some("--read-only"));
        }
        let all = Permissions::all();
        assert!(ActionKind::ALL.iter().all(|k| all.allows(*k)));
        assert_eq!(all.denial(ActionKind::Scale), None);
    }

    #[test]
    fn reviews_ask_for_the_verb_and_resource_each_action_needs() {
        let attrs = |k, ns| review(k, ns).spec.resource_attributes.unwrap();
        let scale = attrs(ActionKind::Scale, Some("mysql"));
        assert_eq!(scale.verb.as_deref(), Some("patch"));
        assert_eq!(scale.group.as_deref(), Some("apps"));
        assert_eq!(scale.resource.as_deref(), Some("statefulsets"));
        assert_eq!(scale.subresource.as_deref(), Some("scale"));
        assert_eq!(scale.namespace.as_deref(), Some("mysql"));
        let restart = attrs(ActionKind::Restart, None);
        assert_eq!(restart.subresource, None);
        assert_eq!(restart.namespace, None);
        let claim = attrs(ActionKind::DeleteClaim, Some("x"));
        assert_eq!(claim.verb.as_deref(), Some("delete"));
        assert_eq!(claim.group.as_deref(), Some(""));
        assert_eq!(claim.resource.as_deref(), Some("persistentvolumeclaims"));
        assert_eq!(
            what(ActionKind::Scale, Some("t")),
            "patch statefulsets/scale in namespace t"
        );
        assert_eq!(
            what(ActionKind::DeletePod, None),
            "delete pods cluster-wide"
        );
    }
}
