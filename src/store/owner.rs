//! Which StatefulSet ordinal a claim belongs to, from its name: shared by
//! the views (chains, findings) and the action previews (delete claim).

use super::Store;

/// The StatefulSet ordinal a claim name belongs to: `<template>-<set>-<n>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimOwner {
    pub set: String,
    pub template: String,
    pub ordinal: i32,
}

/// The owner of `claim`, when a set of `namespace` has a template that
/// names it.
pub fn claim_owner(store: &Store, namespace: &str, claim: &str) -> Option<ClaimOwner> {
    // `<template>-<set>-<ordinal>`: split off the ordinal, then try each
    // `-` as the template/set boundary and look the set up by name, instead
    // of matching every set of the namespace.
    let (rest, ordinal) = claim.rsplit_once('-')?;
    let ordinal = parse_ordinal(ordinal)?;
    for (i, _) in rest.match_indices('-') {
        let (template, set_name) = (&rest[..i], &rest[i + 1..]);
        if let Some(s) = store.set(namespace, set_name)
            && s.templates.iter().any(|t| t.name == template)
        {
            return Some(ClaimOwner {
                set: s.name.clone(),
                template: template.to_string(),
                ordinal,
            });
        }
    }
    None
}

/// An ordinal as Kubernetes writes it: digits, no leading zero.
pub fn parse_ordinal(s: &str) -> Option<i32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0'))
    {
        return None;
    }
    s.parse().ok()
}

/// The claim a template gives an ordinal: `<template>-<set>-<ordinal>`.
pub fn claim_name(template: &str, set: &str, ordinal: i32) -> String {
    format!("{template}-{set}-{ordinal}")
}
