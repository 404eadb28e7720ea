//! Field validation of request bodies (`fieldValidation=Strict|Warn|Ignore`):
//! fields the kind's schema does not declare are refused, reported in
//! `Warning` headers, or dropped silently, as the real server does. The
//! schema is the one the server publishes in its OpenAPI document.

use serde_json::{Map, Value};

use super::error::ApiError;
use super::openapi::{self, Root};

/// What the client asked for with `fieldValidation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Directive {
    Strict,
    Warn,
    Ignore,
}

impl Directive {
    /// The query parameter; absent means `Warn`, the server's default.
    pub fn parse(value: Option<&str>) -> Result<Directive, ApiError> {
        match value.unwrap_or("Warn") {
            "Strict" => Ok(Directive::Strict),
            "Warn" | "" => Ok(Directive::Warn),
            "Ignore" => Ok(Directive::Ignore),
            other => Err(ApiError::bad_request(format!(
                "fieldValidation must be one of \"Ignore\", \"Warn\", or \"Strict\", got {other:?}"
            ))),
        }
    }
}

/// Checks `body` (a whole object, or a merge / strategic merge patch of one)
/// against `kind`'s schema. Strict: unknown fields are a 400; Warn: they are
/// returned as the `Warning` header texts; Ignore: nothing.
pub fn check(
    kind: impl Into<Root>,
    directive: Directive,
    body: &Value,
) -> Result<Vec<String>, ApiError> {
    if directive == Directive::Ignore {
        return Ok(Vec::new());
    }
    let root = kind.into();
    let unknown = unknown_fields(root, body);
    if unknown.is_empty() {
        return Ok(Vec::new());
    }
    let texts: Vec<String> = unknown
        .iter()
        .map(|f| format!("unknown field {f:?}"))
        .collect();
    match directive {
        Directive::Strict => Err(ApiError::bad_request(format!(
            "{kind_name} in version \"v1\" cannot be handled as a {kind_name}: strict decoding error: {}",
            texts.join(", "),
            kind_name = root.kind_name(),
        ))),
        _ => Ok(texts),
    }
}

/// The `Warning` header value for one warning text (RFC 7234 form, as the
/// real server sends it).
pub fn warning_header(text: &str) -> String {
    format!("299 - {:?}", text)
}

/// The paths (`spec.template.spec.containers[0].imagee`) of the fields in
/// `body` that `kind`'s schema does not declare.
pub fn unknown_fields(kind: impl Into<Root>, body: &Value) -> Vec<String> {
    let Some((schemas, root)) = openapi::schemas(kind.into()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(schema) = schemas.get(root) {
        walk(schemas, schema, body, "", &mut out, 0);
    }
    out
}

fn resolve<'s>(schemas: &'s Map<String, Value>, mut schema: &'s Value) -> &'s Value {
    for _ in 0..8 {
        match openapi::referenced(schema).and_then(|n| schemas.get(n)) {
            Some(s) => schema = s,
            None => break,
        }
    }
    schema
}

fn walk(
    schemas: &Map<String, Value>,
    schema: &Value,
    value: &Value,
    path: &str,
    out: &mut Vec<String>,
    depth: usize,
) {
    if depth > 40 {
        return;
    }
    let schema = resolve(schemas, schema);
    match value {
        Value::Object(fields) => {
            let Some(props) = schema.get("properties").and_then(Value::as_object) else {
                // Maps and free-form objects (labels, quantities, raw JSON).
                if let Some(inner) = schema.get("additionalProperties").filter(|a| a.is_object()) {
                    for (k, v) in fields {
                        walk(schemas, inner, v, &join(path, k), out, depth + 1);
                    }
                }
                return;
            };
            for (k, v) in fields {
                // Strategic merge directives ($patch, $setElementOrder/…),
                // and nulls, which in a patch delete a field.
                if k.starts_with('$') || v.is_null() {
                    continue;
                }
                match props.get(k) {
                    Some(p) => walk(schemas, p, v, &join(path, k), out, depth + 1),
                    None => out.push(join(path, k)),
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, v) in items.iter().enumerate() {
                    walk(
                        schemas,
                        item_schema,
                        v,
                        &format!("{path}[{i}]"),
                        out,
                        depth + 1,
                    );
                }
            }
        }
        _ => {}
    }
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::resources::Kind;
    use serde_json::json;

    fn sts(spec: Value) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": "web", "labels": {"any": "label"}, "creationTimestamp": null}, "spec": spec})
    }

    #[test]
    fn finds_unknown_fields_with_their_paths() {
        let body = sts(json!({
            "replica": 3,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"spec": {"containers": [{"name": "c", "image": "x"}, {"name": "d", "imagee": "y"}]}},
        }));
        assert_eq!(
            unknown_fields(Kind::StatefulSet, &body),
            vec!["spec.replica", "spec.template.spec.containers[1].imagee"]
        );
        let known =
            sts(json!({"replicas": 3, "template": {"metadata": {"annotations": {"a": "b"}}}}));
        assert!(unknown_fields(Kind::StatefulSet, &known).is_empty());
    }

    #[test]
    fn strict_refuses_with_the_real_message() {
        let err = check(
            Kind::StatefulSet,
            Directive::Strict,
            &sts(json!({"replica": 3})),
        )
        .unwrap_err();
        assert_eq!(err.code, 400);
        assert_eq!(
            err.message,
            "StatefulSet in version \"v1\" cannot be handled as a StatefulSet: strict decoding error: unknown field \"spec.replica\""
        );
    }

    #[test]
    fn warn_returns_warnings_and_ignore_nothing() {
        let body = sts(json!({"replica": 3}));
        assert_eq!(
            check(Kind::StatefulSet, Directive::Warn, &body).unwrap(),
            vec!["unknown field \"spec.replica\""]
        );
        assert!(
            check(Kind::StatefulSet, Directive::Ignore, &body)
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            warning_header("unknown field \"spec.replica\""),
            "299 - \"unknown field \\\"spec.replica\\\"\""
        );
    }

    #[test]
    fn patch_directives_are_not_fields() {
        let patch = json!({"spec": {"template": {"spec": {
            "$setElementOrder/containers": [{"name": "c"}],
            "containers": [{"name": "c", "$patch": "delete"}]}}, "replica": null}});
        assert!(unknown_fields(Kind::StatefulSet, &patch).is_empty());
    }

    #[test]
    fn bad_directives_are_refused() {
        assert_eq!(Directive::parse(None).unwrap(), Directive::Warn);
        assert_eq!(Directive::parse(Some("Strict")).unwrap(), Directive::Strict);
        assert_eq!(Directive::parse(Some("strict")).unwrap_err().code, 400);
    }
}
