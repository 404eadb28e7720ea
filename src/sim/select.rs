//! Label and field selectors: as the API server parses them from query
//! strings, and as objects carry them (label selectors, node selector terms).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::NodeSelectorTerm;
use kube::core::{Expression, Selector, SelectorExt};
use serde_json::Value;

/// A parsed `labelSelector` query string; empty matches everything.
/// kube-core's `Selector` matches and prints selectors but has no parser
/// for the query-string form, so the parsing (only) is ours.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelSelector(Selector);

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

fn parse_set(rest: &str) -> Result<BTreeSet<String>, String> {
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

/// One requirement of the query-string form: `a=b`, `a==b`, `a!=b`,
/// `a in (b,c)`, `a notin (b)`, `a`, `!a`.
fn parse_requirement(part: &str) -> Result<Expression, String> {
    let eq = |k: &str, v: &str| (k.trim().to_string(), v.trim().to_string());
    let expression = if let Some(key) = part.strip_prefix('!') {
        Expression::DoesNotExist(key.trim().to_string())
    } else if let Some((k, v)) = part.split_once("!=") {
        let (k, v) = eq(k, v);
        Expression::NotEqual(k, v)
    } else if let Some((k, v)) = part.split_once("==").or_else(|| part.split_once('=')) {
        let (k, v) = eq(k, v);
        Expression::Equal(k, v)
    } else if let Some((k, rest)) = part.split_once(" notin ") {
        Expression::NotIn(k.trim().into(), parse_set(rest)?)
    } else if let Some((k, rest)) = part.split_once(" in ") {
        Expression::In(k.trim().into(), parse_set(rest)?)
    } else {
        Expression::Exists(part.to_string())
    };
    let key = match &expression {
        Expression::Equal(k, _)
        | Expression::NotEqual(k, _)
        | Expression::In(k, _)
        | Expression::NotIn(k, _)
        | Expression::Exists(k)
        | Expression::DoesNotExist(k) => k,
    };
    if !valid_key(key) {
        return Err(format!(
            "unable to parse requirement: invalid label key {key:?}"
        ));
    }
    Ok(expression)
}

/// Labels of an object without any.
static NO_LABELS: BTreeMap<String, String> = BTreeMap::new();

impl LabelSelector {
    pub fn parse(s: &str) -> Result<LabelSelector, String> {
        let expressions = split_top_level(s)
            .into_iter()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(parse_requirement)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(LabelSelector(expressions.into_iter().collect()))
    }

    /// From a `matchLabels` map (what a StatefulSet's selector usually is).
    pub fn from_map(map: &BTreeMap<String, String>) -> LabelSelector {
        LabelSelector(map.clone().into_iter().collect())
    }

    pub fn is_empty(&self) -> bool {
        self.0.selects_all()
    }

    pub fn matches(&self, labels: Option<&BTreeMap<String, String>>) -> bool {
        self.0.matches(labels.unwrap_or(&NO_LABELS))
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

/// Whether a metav1 `LabelSelector` (matchLabels and matchExpressions)
/// selects `labels`, by kube-core's matcher; `None` matches nothing, an
/// empty selector everything, and one with an invalid operator nothing.
pub fn label_selector_matches(
    selector: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector>,
    labels: Option<&BTreeMap<String, String>>,
) -> bool {
    selector
        .and_then(|s| Selector::try_from(s.clone()).ok())
        .is_some_and(|s| s.matches(labels.unwrap_or(&NO_LABELS)))
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
    fn metav1_label_selectors() {
        use k8s_openapi::apimachinery::pkg::apis::meta::v1::{
            LabelSelector as Metav1, LabelSelectorRequirement as Req,
        };
        let l = labels(&[("app", "mysql"), ("tier", "db")]);
        let req = |key: &str, operator: &str, values: &[&str]| Req {
            key: key.into(),
            operator: operator.into(),
            values: Some(values.iter().map(|v| v.to_string()).collect()),
        };
        let sel = |match_labels: &[(&str, &str)], exprs: Vec<Req>| Metav1 {
            match_labels: Some(labels(match_labels)),
            match_expressions: Some(exprs),
        };
        assert!(!label_selector_matches(None, Some(&l)), "no selector");
        assert!(label_selector_matches(Some(&Metav1::default()), None));
        assert!(label_selector_matches(
            Some(&sel(
                &[("app", "mysql")],
                vec![req("tier", "In", &["db", "web"])]
            )),
            Some(&l)
        ));
        assert!(!label_selector_matches(
            Some(&sel(&[("app", "pg")], vec![])),
            Some(&l)
        ));
        assert!(!label_selector_matches(
            Some(&sel(&[], vec![req("tier", "NotIn", &["db"])])),
            Some(&l)
        ));
        assert!(label_selector_matches(
            Some(&sel(&[], vec![req("zone", "DoesNotExist", &[])])),
            Some(&l)
        ));
        assert!(
            !label_selector_matches(Some(&sel(&[], vec![req("app", "Gt", &["1"])])), Some(&l)),
            "an invalid operator matches nothing"
        );
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
