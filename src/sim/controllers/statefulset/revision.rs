//! ControllerRevisions: one per distinct Pod template, named
//! `<set>-<hash>`, whose `data` is the strategic-merge patch that puts the
//! template back (what `kubectl rollout undo` applies). Mirrors upstream
//! `pkg/controller/history` and `getStatefulSetRevisions`.

use std::borrow::Cow;
use std::fmt::Write as _;

use k8s_openapi::api::apps::v1::{ControllerRevision, StatefulSet};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::runtime::RawExtension;
use serde_json::Value;

use super::pods::set_ref;
use crate::sim::error::ApiError;
use crate::sim::state::SimState;

/// The label carrying a revision's hash.
pub const HASH_LABEL: &str = "controller.kubernetes.io/hash";

/// How many name collisions are tried before giving up for this tick.
const MAX_COLLISIONS: i32 = 64;

/// The revisions a sync works with (borrowed from the tick's snapshot
/// unless this sync wrote them).
#[derive(Debug, Clone)]
pub struct Revisions<'a> {
    pub current: Cow<'a, ControllerRevision>,
    pub update: Cow<'a, ControllerRevision>,
    pub collision_count: i32,
}

impl Revisions<'_> {
    pub fn current_name(&self) -> &str {
        self.current.metadata.name.as_deref().unwrap_or_default()
    }
    pub fn update_name(&self) -> &str {
        self.update.metadata.name.as_deref().unwrap_or_default()
    }
}

/// Sorts as upstream `SortControllerRevisions`: by revision, then creation
/// time, then name.
pub fn sort(revisions: &mut [&ControllerRevision]) {
    revisions.sort_by(|a, b| {
        a.revision
            .cmp(&b.revision)
            .then_with(|| {
                a.metadata
                    .creation_timestamp
                    .as_ref()
                    .map(|t| t.0)
                    .cmp(&b.metadata.creation_timestamp.as_ref().map(|t| t.0))
            })
            .then_with(|| a.metadata.name.cmp(&b.metadata.name))
    });
}

/// The revision `data` for a template, as the exact bytes upstream hashes
/// (`{"spec":{"template":{"$patch":"replace",…}}}`, keys sorted as Go's
/// `json.Marshal` of a map sorts them) and as the JSON value stored.
pub fn revision_data(template: &PodTemplateSpec) -> (String, Value) {
    let mut t =
        serde_json::to_value(template).unwrap_or_else(|_| Value::Object(Default::default()));
    if let Value::Object(m) = &mut t {
        m.insert("$patch".into(), Value::String("replace".into()));
    }
    let mut spec = serde_json::Map::new();
    spec.insert("template".into(), t);
    let mut root = serde_json::Map::new();
    root.insert("spec".into(), Value::Object(spec));
    let root = Value::Object(root);
    let mut bytes = String::new();
    write_go_json(&mut bytes, &root);
    // Re-read so the stored value keeps the sorted key order.
    let value = serde_json::from_str(&bytes).unwrap_or(root);
    (bytes, value)
}

/// JSON as Go's `encoding/json` writes a `map[string]interface{}`: keys
/// sorted, no spaces, HTML-safe string escapes.
fn write_go_json(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => write_go_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go_json(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go_string(out, key);
                out.push(':');
                write_go_json(out, &map[key]);
            }
            out.push('}');
        }
    }
}

fn write_go_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// 32-bit FNV-1 (Go's `hash/fnv.New32`, which upstream uses).
pub fn fnv32(chunks: &[&[u8]]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for chunk in chunks {
        for &b in *chunk {
            h = h.wrapping_mul(0x0100_0193);
            h ^= u32::from(b);
        }
    }
    h
}

/// Kubernetes `rand.SafeEncodeString`: each character mapped into an
/// alphabet without vowels (so no words) and without look-alikes.
pub fn safe_encode(s: &str) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    s.chars()
        .map(|c| ALPHABET[(c as usize) % ALPHABET.len()] as char)
        .collect()
}

/// Upstream `HashControllerRevision` with the collision count as probe.
pub fn hash(data: &str, collision_count: i32) -> String {
    let probe = collision_count.to_string();
    safe_encode(&fnv32(&[data.as_bytes(), probe.as_bytes()]).to_string())
}

/// `<prefix>-<hash>`, the prefix cut to 223 bytes so the name fits 253.
pub fn revision_name(prefix: &str, hash: &str) -> String {
    let mut cut = prefix.len().min(223);
    while !prefix.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}-{hash}", &prefix[..cut])
}

/// The Pod template a revision restores, read back from its `data` patch.
pub fn template_of(revision: &ControllerRevision) -> Option<PodTemplateSpec> {
    let mut t = revision
        .data
        .as_ref()?
        .0
        .get("spec")?
        .get("template")?
        .clone();
    if let Value::Object(m) = &mut t {
        m.remove("$patch");
    }
    serde_json::from_value(t).ok()
}

/// Finds or makes the current and update revisions of `set`, given its
/// revisions sorted by [`sort`] (upstream `getStatefulSetRevisions`).
pub fn resolve<'a>(
    state: &mut SimState,
    set: &StatefulSet,
    revisions: &[&'a ControllerRevision],
) -> Result<Revisions<'a>, ApiError> {
    let status = set.status.as_ref();
    let mut collision_count = status.and_then(|s| s.collision_count).unwrap_or(0);
    let status_update = status.and_then(|s| s.update_revision.as_deref());
    let latest = revisions.last().copied();
    let latest_name = latest.and_then(|r| r.metadata.name.as_deref());
    let observed = status.and_then(|s| s.observed_generation);

    // Fast path: the spec has not changed since the update revision was
    // worked out, and it is still the newest one: nothing to hash.
    let update: Cow<'a, ControllerRevision> = if observed.is_some()
        && observed == set.metadata.generation
        && status_update.is_some()
        && status_update == latest_name
        && let Some(latest) = latest
    {
        Cow::Borrowed(latest)
    } else {
        let template = &set
            .spec
            .as_ref()
            .map(|s| s.template.clone())
            .unwrap_or_default();
        let (bytes, value) = revision_data(template);
        let next = latest.map_or(1, |r| r.revision + 1);
        let equal = revisions
            .iter()
            .rev()
            .find(|r| r.data.as_ref().is_some_and(|d| d.0 == value));
        match equal {
            Some(eq) if eq.metadata.name.as_deref() == latest_name => Cow::Borrowed(*eq),
            Some(eq) => {
                // Back to an earlier template: that revision becomes the
                // newest again.
                let mut bumped = (*eq).clone();
                bumped.revision = next;
                Cow::Owned(state.put(bumped)?)
            }
            None => Cow::Owned(create(
                state,
                set,
                &bytes,
                value,
                next,
                &mut collision_count,
            )?),
        }
    };
    let current = status
        .and_then(|s| s.current_revision.as_deref())
        .and_then(|name| {
            revisions
                .iter()
                .find(|r| r.metadata.name.as_deref() == Some(name))
        })
        .map_or_else(|| update.clone(), |r| Cow::Borrowed(*r));
    Ok(Revisions {
        current,
        update,
        collision_count,
    })
}

fn create(
    state: &mut SimState,
    set: &StatefulSet,
    bytes: &str,
    value: Value,
    revision: i64,
    collision_count: &mut i32,
) -> Result<ControllerRevision, ApiError> {
    let set_name = set.metadata.name.as_deref().unwrap_or_default();
    let namespace = set.metadata.namespace.clone().unwrap_or_default();
    let template_labels = set
        .spec
        .as_ref()
        .and_then(|s| s.template.metadata.as_ref())
        .and_then(|m| m.labels.clone())
        .unwrap_or_default();
    let annotations = set.metadata.annotations.clone().filter(|a| !a.is_empty());
    for _ in 0..MAX_COLLISIONS {
        let h = hash(bytes, *collision_count);
        let name = revision_name(set_name, &h);
        let mut labels = template_labels.clone();
        labels.insert(HASH_LABEL.into(), h);
        let cr = ControllerRevision {
            metadata: ObjectMeta {
                name: Some(name.clone()),
                namespace: Some(namespace.clone()),
                labels: Some(labels),
                annotations: annotations.clone(),
                owner_references: Some(vec![set_ref(set)]),
                ..Default::default()
            },
            data: Some(RawExtension(value.clone())),
            revision,
        };
        match state.create_typed(cr) {
            Ok(created) => return Ok(created),
            Err(e) if e.reason == "AlreadyExists" => {
                if let Some(existing) = state.get::<ControllerRevision>(&namespace, &name)
                    && existing.data.as_ref().is_some_and(|d| d.0 == value)
                {
                    return Ok(existing);
                }
                *collision_count = collision_count.saturating_add(1);
            }
            Err(e) => return Err(e),
        }
    }
    Err(ApiError {
        code: 409,
        reason: "AlreadyExists",
        message: format!("too many ControllerRevision name collisions for StatefulSet {set_name}"),
        details: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1_matches_go_reference_values() {
        // Go: fnv.New32() of "" and "a".
        assert_eq!(fnv32(&[b""]), 0x811c_9dc5);
        assert_eq!(fnv32(&[b"a"]), 0x050c_5d7e);
        assert_eq!(fnv32(&[b"foo", b"bar"]), fnv32(&[b"foobar"]));
    }

    #[test]
    fn safe_encoding_maps_digits_into_the_alphabet() {
        // '0' is 48: 48 % 27 = 21 → '4'; '9' is 57: 57 % 27 = 3 → 'f'.
        assert_eq!(safe_encode("09"), "4f");
        let h = hash("{}", 0);
        assert!(h.len() <= 10 && !h.is_empty());
        assert!(
            h.bytes()
                .all(|b| b"bcdfghjklmnpqrstvwxz2456789".contains(&b))
        );
    }

    #[test]
    fn data_is_go_style_sorted_json_with_replace_directive() {
        let t: PodTemplateSpec = serde_json::from_value(serde_json::json!({
            "metadata": {"labels": {"b": "1", "a": "<&>"}},
            "spec": {"containers": [{"name": "c", "image": "i"}]}
        }))
        .unwrap();
        let (bytes, value) = revision_data(&t);
        assert_eq!(
            bytes,
            r#"{"spec":{"template":{"$patch":"replace","metadata":{"labels":{"a":"\u003c\u0026\u003e","b":"1"}},"spec":{"containers":[{"image":"i","name":"c"}]}}}}"#
        );
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            bytes.replace(r"\u003c\u0026\u003e", "<&>")
        );
        let cr = ControllerRevision {
            data: Some(RawExtension(value)),
            ..Default::default()
        };
        assert_eq!(template_of(&cr), Some(t));
    }

    #[test]
    fn long_names_are_cut() {
        let long = "a".repeat(250);
        assert_eq!(revision_name(&long, "xyz").len(), 227);
    }
}
