//! Label and field selectors: as the API server parses them from query
//! strings, and as objects carry them (label selectors, node selector terms).

use std::borrow::Cow;
use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::NodeSelectorTerm;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
enum LabelReq {
    Eq(String, String),
    NotEq(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

/// A parsed `labelSelector`; empty matches everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelSelector(Vec<LabelReq>);

/// Splits on commas that are not inside parentheses.
fn split_top_level(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

fn valid_key(k: &str) -> bool {
    !k.is_empty()
        && k.len() <= 317
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
}

fn parse_set(rest: &str) -> Result<Vec<String>, String> {
    let rest = rest.trim();
    let inner = rest
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .ok_or_else(|| format!("expected a parenthesised set of values, got {rest:?}"))?;
    Ok(inner
        .split(',')
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect())
}

impl LabelSelector {
    pub fn parse(s: &str) -> Result<LabelSelector, String> {
        let mut reqs = Vec::new();
        for part in split_top_level(s) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let req = if let Some(key) = part.strip_prefix('!') {
                LabelReq::NotExists(key.trim().to_string())
            } else if let Some((k, v)) = part.split_once("!=") {
                LabelReq::NotEq(k.trim().into(), v.trim().into())
            } else if let Some((k, v)) = part.split_once("==") {
                LabelReq::Eq(k.trim().into(), v.trim().into())
            } else if let Some((k, v)) = part.split_once('=') {
                LabelReq::Eq(k.trim().into(), v.trim().into())
            } else if let Some((k, rest)) = part.split_once(" notin ") {
                LabelReq::NotIn(k.trim().into(), parse_set(rest)?)
            } else if let Some((k, rest)) = part.split_once(" in ") {
                LabelReq::In(k.trim().into(), parse_set(rest)?)
            } else {
                LabelReq::Exists(part.to_string())
            };
            let key = match &req {
                LabelReq::Eq(k, _)
                | LabelReq::NotEq(k, _)
                | LabelReq::In(k, _)
                | LabelReq::NotIn(k, _)
                | LabelReq::Exists(k)
                | LabelReq::NotExists(k) => k,
            };
            if !valid_key(key) {
                return Err(format!(
                    "unable to parse requirement: invalid label key {key:?}"
                ));
            }
            reqs.push(req);
        }
        Ok(LabelSelector(reqs))
    }

    /// From a `matchLabels` map (what a StatefulSet's selector usually is).
    pub fn from_map(map: &BTreeMap<String, String>) -> LabelSelector {
        LabelSelector(
            map.iter()
                .map(|(k, v)| LabelReq::Eq(k.clone(), v.clone()))
                .collect(),
        )
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn matches(&self, labels: Option<&BTreeMap<String, String>>) -> bool {
        let get = |k: &str| labels.and_then(|l| l.get(k));
        self.0.iter().all(|r| match r {
            LabelReq::Eq(k, v) => get(k) == Some(v),
            LabelReq::NotEq(k, v) => get(k) != Some(v),
            LabelReq::In(k, vs) => get(k).is_some_and(|x| vs.contains(x)),
            LabelReq::NotIn(k, vs) => get(k).is_none_or(|x| !vs.contains(x)),
            LabelReq::Exists(k) => get(k).is_some(),
            LabelReq::NotExists(k) => get(k).is_none(),
        })
    }
}

/// A parsed `fieldSelector`: `path=value`, `path==value`, `path!=value`, comma-joined.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldSelector(Vec<(String, bool, String)>);

impl FieldSelector {
    pub fn parse(s: &str) -> Result<FieldSelector, String> {
        let mut reqs = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (path, equal, value) = if let Some((k, v)) = part.split_once("!=") {
                (k, false, v)
            } else if let Some((k, v)) = part.split_once("==") {
                (k, true, v)
            } else if let Some((k, v)) = part.split_once('=') {
                (k, true, v)
            } else {
                return Err(format!(
                    "invalid selector: '{part}'; can't understand '{part}'"
                ));
            };
            reqs.push((path.trim().to_string(), equal, value.trim().to_string()));
        }
        Ok(FieldSelector(reqs))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Both selectors' requirements.
    pub fn and(mut a: FieldSelector, b: FieldSelector) -> FieldSelector {
        a.0.extend(b.0);
        a
    }

    /// Fields are looked up by dotted path in the object's JSON; a missing
    /// field compares as the empty string, as the server's field sets do.
    pub fn matches(&self, object: &Value) -> bool {
        self.matches_by(|path| field_string(object, path).into())
    }

    /// Like [`FieldSelector::matches`], with fields from `get` (an index).
    pub fn matches_by<'a>(&self, mut get: impl FnMut(&str) -> Cow<'a, str>) -> bool {
        self.0
            .iter()
            .all(|(path, equal, value)| (get(path) == value.as_str()) == *equal)
    }
}

/// A field of an object's JSON by dotted path, as field selectors compare
/// it: strings as they are, missing as empty, other values as JSON text.
pub fn field_string(object: &Value, path: &str) -> String {
    let mut cur = object;
    for seg in path.split('.') {
        cur = cur.get(seg).unwrap_or(&Value::Null);
    }
    match cur {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

// ---- selectors written in objects (metav1 / core v1 types) ----------------

fn label<'a>(labels: Option<&'a BTreeMap<String, String>>, key: &str) -> Option<&'a str> {
    labels.and_then(|l| l.get(key)).map(String::as_str)
}

/// One `matchExpressions` requirement against labels (`In`, `NotIn`,
/// `Exists`, `DoesNotExist`, `Gt`, `Lt`); unknown operators never match.
pub fn requirement_matches(
    labels: Option<&BTreeMap<String, String>>,
    key: &str,
    operator: &str,
    values: &[String],
) -> bool {
    let value = label(labels, key);
    match operator {
        "In" => value.is_some_and(|v| values.iter().any(|x| x == v)),
        "NotIn" => value.is_none_or(|v| values.iter().all(|x| x != v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" | "Lt" => {
            let (Some(v), Some(bound)) = (
                value.and_then(|v| v.parse::<i64>().ok()),
                values.first().and_then(|b| b.parse::<i64>().ok()),
            ) else {
                return false;
            };
            if operator == "Gt" {
                v > bound
            } else {
                v < bound
            }
        }
        _ => false,
    }
}

/// Node selector terms are ORed; an empty term matches nothing.
pub fn node_selector_terms_match(
    terms: &[NodeSelectorTerm],
    node_name: &str,
    labels: Option<&BTreeMap<String, String>>,
) -> bool {
    terms.iter().any(|term| {
        let exprs = term.match_expressions.as_deref().unwrap_or_default();
        let fields = term.match_fields.as_deref().unwrap_or_default();
        if exprs.is_empty() && fields.is_empty() {
            return false;
        }
        let name_labels: BTreeMap<String, String> =
            [("metadata.name".to_string(), node_name.to_string())].into();
        exprs.iter().all(|r| {
            requirement_matches(
                labels,
                &r.key,
                &r.operator,
                r.values.as_deref().unwrap_or_default(),
            )
        }) && fields.iter().all(|r| {
            requirement_matches(
                Some(&name_labels),
                &r.key,
                &r.operator,
                r.values.as_deref().unwrap_or_default(),
            )
        })
    })
}

/// A metav1 k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector; `None` matches nothing, an empty one everything.
pub fn label_selector_matches(
    selector: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector>,
    labels: Option<&BTreeMap<String, String>>,
) -> bool {
    let Some(selector) = selector else {
        return false;
    };
    selector
        .match_labels
        .iter()
        .flatten()
        .all(|(k, v)| label(labels, k) == Some(v.as_str()))
        && selector.match_expressions.iter().flatten().all(|r| {
            requirement_matches(
                labels,
                &r.key,
                &r.operator,
                r.values.as_deref().unwrap_or_default(),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn label_selector_operators() {
        let l = labels(&[("app", "mysql"), ("tier", "db")]);
        let yes = [
            "app=mysql",
            "app==mysql,tier=db",
            "app in (mysql, pg)",
            "tier notin (web)",
            "app",
            "!missing",
            "app!=pg",
            "",
        ];
        for s in yes {
            assert!(LabelSelector::parse(s).unwrap().matches(Some(&l)), "{s}");
        }
        let no = [
            "app=pg",
            "app in (pg)",
            "tier notin (db)",
            "missing",
            "!app",
            "app!=mysql",
        ];
        for s in no {
            assert!(!LabelSelector::parse(s).unwrap().matches(Some(&l)), "{s}");
        }
        assert!(!LabelSelector::parse("app=mysql").unwrap().matches(None));
        assert!(LabelSelector::parse("app in mysql").is_err());
        assert!(LabelSelector::parse("a b c").is_err());
    }

    #[test]
    fn field_selector_on_nested_fields() {
        let ev = json!({"metadata": {"name": "e1", "namespace": "mysql"},
            "involvedObject": {"kind": "Pod", "name": "mysql-2"}});
        let sel =
            FieldSelector::parse("involvedObject.kind=Pod,involvedObject.name=mysql-2").unwrap();
        assert!(sel.matches(&ev));
        assert!(
            !FieldSelector::parse("metadata.name!=e1")
                .unwrap()
                .matches(&ev)
        );
        assert!(FieldSelector::parse("spec.nodeName=").unwrap().matches(&ev));
        assert!(FieldSelector::parse("nonsense").is_err());
    }
}
