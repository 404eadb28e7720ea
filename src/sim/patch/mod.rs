//! The patch formats the Kubernetes API server accepts for `PATCH` requests,
//! applied to objects held as [`serde_json::Value`]:
//!
//! * JSON merge patch (RFC 7386), `application/merge-patch+json`, and JSON
//!   patch (RFC 6902), `application/json-patch+json`: the `json-patch` crate,
//!   behind [`json`], which words failures as the real server does;
//! * strategic merge patch (k8s.io/apimachinery `strategicpatch`),
//!   `application/strategic-merge-patch+json`: [`strategic`], which no crate
//!   does;
//! * server-side apply, `application/apply-patch+yaml`: [`apply`], with
//!   field ownership in `metadata.managedFields` ([`fields`], [`managed`]).
//!
//! Strategic merge and server-side apply both need to know, for each list
//! field, whether it is merged by a key, unioned, or replaced. The real server
//! reads that from Go struct tags and OpenAPI extensions; here it comes from
//! one table, [`rules`].

pub mod apply;
pub mod fields;
mod json;
pub mod managed;
mod rules;
mod strategic;

use serde_json::Value;

use super::error::ApiError;

pub use json::{json_merge_patch, json_patch};
pub use rules::list_merge_rule;
pub use strategic::strategic_merge_patch;

/// Why a patch could not be applied. Every variant maps to a 4xx answer
/// ([`PatchError::to_api_error`]).
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PatchError {
    /// The patch document itself is malformed (wrong JSON shape, ...): 400.
    #[error("{0}")]
    InvalidPatch(String),
    /// A JSON patch operation could not be carried out against the target
    /// (missing path, failed `test`, ...): 422. `detail` says which, as the
    /// patch library words it; the real server does not pass it on.
    #[error("the server rejected our request due to an error in our request")]
    JsonPatchFailed { detail: String },
    /// A `$`-key or `$patch` value the strategic merge patch does not know.
    #[error("unsupported strategic merge patch directive {directive:?} at {path:?}")]
    UnsupportedDirective { directive: String, path: String },
    /// A strategic merge patch that is well-formed JSON but cannot be merged
    /// (e.g. a list item without its merge key).
    #[error("strategic merge patch failed at {path:?}: {reason}")]
    Strategic { path: String, reason: String },
}

impl PatchError {
    /// The `Status` the API server answers with. A JSON patch that does not
    /// apply is 422 with the server's generic text (apiserver's
    /// `NewGenericServerResponse` drops the library's detail); everything
    /// else is a 400 Bad Request.
    pub fn to_api_error(&self) -> ApiError {
        match self {
            PatchError::JsonPatchFailed { .. } => ApiError {
                code: 422,
                reason: "Invalid",
                message: self.to_string(),
                details: Some(serde_json::json!({})),
            },
            _ => ApiError::bad_request(self.to_string()),
        }
    }
}

/// The patch formats, as chosen by the request's `Content-Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    Merge,
    Strategic,
    Json,
    /// Server-side apply: not a patch of the live object but a desired
    /// configuration, handled by [`apply`] with field ownership.
    Apply,
}

impl PatchType {
    /// From the request Content-Type: application/merge-patch+json,
    /// application/strategic-merge-patch+json, application/json-patch+json,
    /// application/apply-patch+yaml (parameters like `;charset=utf-8` are
    /// ignored). Anything else -> None (the caller answers 415).
    pub fn from_content_type(ct: &str) -> Option<PatchType> {
        let media_type = ct.split(';').next().unwrap_or_default().trim();
        // Media types are case-insensitive (RFC 9110 §8.3.1).
        match media_type.to_ascii_lowercase().as_str() {
            "application/merge-patch+json" => Some(PatchType::Merge),
            "application/strategic-merge-patch+json" => Some(PatchType::Strategic),
            "application/json-patch+json" => Some(PatchType::Json),
            "application/apply-patch+yaml" => Some(PatchType::Apply),
            _ => None,
        }
    }
}

/// Applies `patch` to `target` (a whole object, e.g. a StatefulSet as JSON)
/// and returns the result. `kind` is the object's Kind ("StatefulSet", "Pod",
/// "PersistentVolumeClaim", "Scale", ...), used by strategic merge to find
/// list merge keys. Server-side apply is not a patch: see [`apply::apply`].
///
/// Never panics. `target` itself is never modified. Validating immutable
/// fields (name, namespace, selectors, ...) is the caller's job.
pub fn apply(
    kind: &str,
    target: &Value,
    patch_type: PatchType,
    patch: &Value,
) -> Result<Value, PatchError> {
    let mut out = target.clone();
    match patch_type {
        PatchType::Merge => {
            // RFC 7386 would let a non-object patch replace the whole document,
            // but the result would not be a Kubernetes object any more; the
            // real server fails decoding it, so reject it up front.
            if !patch.is_object() {
                return Err(PatchError::InvalidPatch(
                    "a merge patch must be a JSON object".into(),
                ));
            }
            json_merge_patch(&mut out, patch);
        }
        PatchType::Strategic => strategic_merge_patch(kind, &mut out, patch)?,
        PatchType::Json => json_patch(&mut out, patch)?,
        PatchType::Apply => {
            return Err(PatchError::InvalidPatch(
                "server-side apply is not a patch of the live object".into(),
            ));
        }
    }
    if !out.is_object() {
        return Err(PatchError::InvalidPatch(
            "the patched document is not a JSON object".into(),
        ));
    }
    Ok(out)
}

/// JSON value equality where numbers compare by value (`1 == 1.0`), as
/// Go's comparison of decoded numbers does.
pub(crate) fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => match (x.as_u64(), y.as_u64()) {
                (Some(x), Some(y)) => x == y,
                _ => x.as_f64() == y.as_f64(),
            },
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_eq(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
pub(crate) mod fixtures;

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;
    use serde_json::json;

    // --- content type -------------------------------------------------------

    #[test]
    fn content_type_selects_patch_type() {
        let cases = [
            ("application/merge-patch+json", Some(PatchType::Merge)),
            (
                "application/strategic-merge-patch+json",
                Some(PatchType::Strategic),
            ),
            ("application/json-patch+json", Some(PatchType::Json)),
            (
                "application/json-patch+json; charset=utf-8",
                Some(PatchType::Json),
            ),
            (
                "Application/Merge-Patch+JSON;charset=UTF-8",
                Some(PatchType::Merge),
            ),
            (
                " application/strategic-merge-patch+json ",
                Some(PatchType::Strategic),
            ),
            ("application/apply-patch+yaml", Some(PatchType::Apply)),
            (
                "application/apply-patch+yaml; charset=utf-8",
                Some(PatchType::Apply),
            ),
            ("application/json", None),
            ("text/plain", None),
            ("", None),
            (";", None),
        ];
        for (ct, want) in cases {
            assert_eq!(
                PatchType::from_content_type(ct),
                want,
                "content type {ct:?}"
            );
        }
    }

    // --- apply: garbage in, errors out --------------------------------------

    #[test]
    fn apply_rejects_non_object_merge_and_strategic_patches() {
        let sts = statefulset();
        for patch in [
            json!("x"),
            json!(5),
            json!([{"a":1}]),
            json!(null),
            json!(true),
        ] {
            for patch_type in [PatchType::Merge, PatchType::Strategic] {
                let err = apply("StatefulSet", &sts, patch_type, &patch).expect_err("must fail");
                assert!(
                    matches!(err, PatchError::InvalidPatch(_)),
                    "{patch_type:?} {patch}: {err}"
                );
            }
        }
    }

    #[test]
    fn apply_rejects_json_patches_that_leave_no_object() {
        let err = apply(
            "StatefulSet",
            &statefulset(),
            PatchType::Json,
            &json!([{"op":"replace","path":"","value":"gone"}]),
        )
        .unwrap_err();
        assert!(matches!(err, PatchError::InvalidPatch(_)), "{err}");
    }

    #[test]
    fn apply_never_panics_on_odd_patches() {
        // Values that are awkward in any position: directives with the wrong
        // shapes, nesting of lists, mixed element types.
        let fragments = [
            json!(null),
            json!(1.5),
            json!("s"),
            json!([]),
            json!({}),
            json!([null, 1, "x", [], {}]),
            json!([[1], [2]]),
            json!({"$patch":"replace"}),
            json!({"$patch":"delete"}),
            json!({"$patch":null}),
            json!([{"$patch":"replace"}, {"$patch":"delete"}]),
            json!([{"name":"mysql","$patch":"delete"}, {"name":"mysql"}]),
            json!([{"name":null}, {"name":{"x":1}}, {"name":[1]}]),
            json!({"$retainKeys":[]}),
            json!({"$setElementOrder/containers":[1, {"name":"x"}, null]}),
            json!({"$deleteFromPrimitiveList/containers":[{"name":"mysql"}]}),
            json!({"$setElementOrder/":[]}),
            json!({"$":1}),
        ];
        let fields = [
            "spec",
            "metadata",
            "finalizers",
            "containers",
            "env",
            "ports",
            "template",
            "tolerations",
            "conditions",
        ];
        let sts = statefulset();
        let mut patches = Vec::new();
        for fragment in &fragments {
            patches.push(fragment.clone());
            patches.push(json!({"metadata": {"finalizers": fragment}}));
            patches.push(json!({"status": {"conditions": fragment}}));
            patches.push(json!({"spec": {"template": {"spec": {"containers": fragment}}}}));
            patches.push(
                json!({"spec": {"template": {"spec": {"containers": [{"name": "mysql", "env": fragment, "ports": fragment}]}}}}),
            );
            for field in fields {
                patches.push(json!({ field: fragment }));
                patches.push(json!({"spec": { field: fragment }}));
            }
            patches.push(json!([{"op":"add","path":"/spec/x","value":fragment}]));
            patches.push(json!([fragment]));
        }
        for kind in ["StatefulSet", "Pod", "Node", "Scale", ""] {
            for patch in &patches {
                for patch_type in [PatchType::Merge, PatchType::Strategic, PatchType::Json] {
                    if let Ok(out) = apply(kind, &sts, patch_type, patch) {
                        assert!(out.is_object());
                        if patch_type == PatchType::Strategic {
                            assert_no_directives(&out);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn errors_answer_as_the_real_server() {
        let err = apply(
            "StatefulSet",
            &statefulset(),
            PatchType::Strategic,
            &json!({"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}),
        )
        .unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("spec.template.spec.containers"),
            "{message}"
        );
        assert!(message.contains("merge key \"name\""), "{message}");
        assert_eq!(err.to_api_error().code, 400);

        let err = apply(
            "StatefulSet",
            &statefulset(),
            PatchType::Json,
            &json!([{"op":"remove","path":"/nope"}]),
        )
        .unwrap_err();
        let status = err.to_api_error();
        assert_eq!((status.code, status.reason), (422, "Invalid"));
        assert_eq!(
            status.message,
            "the server rejected our request due to an error in our request"
        );
    }
}
