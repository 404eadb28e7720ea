//! The builtin scenarios, and loading several files to run together:
//! what spans files (clashing names, references to cluster-scoped objects)
//! is checked here.

use std::collections::BTreeMap;

use serde_json::Value;

use super::error::{Location, ScenarioError, list_or_none};
use super::objects::object_label;
use super::read::parse;
use super::{Action, NodeRef, RESOURCES, Scenario};

pub(super) const BASE_YAML: &str = include_str!("../../../assets/scenarios/base.yaml");
pub(super) const BUILTIN_NAMES: [&str; 5] = ["blog", "mysql", "nfs", "ceph", "kafka"];
pub(super) const BUILTIN_YAML: [&str; 5] = [
    include_str!("../../../assets/scenarios/blog.yaml"),
    include_str!("../../../assets/scenarios/mysql.yaml"),
    include_str!("../../../assets/scenarios/nfs.yaml"),
    include_str!("../../../assets/scenarios/ceph.yaml"),
    include_str!("../../../assets/scenarios/kafka.yaml"),
];

/// The five builtin stories, in order.
pub fn builtin_names() -> &'static [&'static str] {
    &BUILTIN_NAMES
}

/// Loads scenarios to run together: `base` always first; `all` is base plus
/// every builtin; a builtin name is base plus that story; a path ending in
/// `.yaml`/`.yml` is base plus that file. Checks what spans files: object
/// name clashes and references to cluster-scoped objects.
pub fn load(name_or_path: &str) -> Result<Vec<Scenario>, ScenarioError> {
    let mut texts: Vec<(String, String)> = vec![("base.yaml".into(), BASE_YAML.into())];
    let lower = name_or_path.to_ascii_lowercase();
    if name_or_path == "base" {
    } else if name_or_path == "all" {
        for (name, text) in BUILTIN_NAMES.iter().zip(BUILTIN_YAML) {
            texts.push((format!("{name}.yaml"), text.into()));
        }
    } else if let Some(i) = BUILTIN_NAMES.iter().position(|n| *n == name_or_path) {
        texts.push((format!("{name_or_path}.yaml"), BUILTIN_YAML[i].into()));
    } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        let text = std::fs::read_to_string(name_or_path).map_err(|source| ScenarioError::Io {
            path: name_or_path.to_string(),
            source,
        })?;
        texts.push((name_or_path.to_string(), text));
    } else {
        return Err(ScenarioError::UnknownScenario {
            name: name_or_path.to_string(),
            valid: ["base", "all"]
                .iter()
                .chain(BUILTIN_NAMES.iter())
                .copied()
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    let scenarios = texts
        .iter()
        .map(|(name, text)| parse(name, text))
        .collect::<Result<Vec<_>, _>>()?;
    check_together(&scenarios).map_err(|(i, e)| e.locate(&texts[i].1))?;
    Ok(scenarios)
}

/// (kind, namespace or "", name) of an object already validated by [`parse`].
pub(super) fn object_key(object: &Value) -> (String, String, String) {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    (
        s(&object["kind"]),
        s(&object["metadata"]["namespace"]),
        s(&object["metadata"]["name"]),
    )
}

/// The error and the index of the scenario it is in.
fn check_together(scenarios: &[Scenario]) -> Result<(), (usize, ScenarioError)> {
    let scenario_at = |s: &Scenario| {
        Box::new(
            Location::new(&s.source, s.scenario_document)
                .with_object(format!("Scenario {}", s.name)),
        )
    };
    let mut owners: BTreeMap<(String, String, String), &str> = BTreeMap::new();
    let mut names: BTreeMap<&str, &str> = BTreeMap::new();
    for (i, s) in scenarios.iter().enumerate() {
        if let Some(other) = names.insert(&s.name, &s.source) {
            return Err((
                i,
                ScenarioError::Clash {
                    at: scenario_at(s),
                    field: "metadata.name".into(),
                    other_source: other.to_string(),
                    object: format!("Scenario {}", s.name),
                },
            ));
        }
        for (object, document) in s.objects.iter().zip(&s.object_documents) {
            let key = object_key(object);
            if let Some(other) = owners.get(&key) {
                let label = object_label(&key.0, &key.1, &key.2);
                return Err((
                    i,
                    ScenarioError::Clash {
                        at: Box::new(
                            Location::new(&s.source, *document)
                                .with_object(format!("{} {}", key.0, key.2)),
                        ),
                        field: "metadata.name".into(),
                        other_source: other.to_string(),
                        object: label,
                    },
                ));
            }
            owners.insert(key, &s.source);
        }
    }
    let defined = |kind: &str| -> Vec<&str> {
        owners
            .keys()
            .filter(|(k, _, _)| k == kind)
            .map(|(_, _, n)| n.as_str())
            .collect()
    };
    let require = |s: &Scenario, field: String, kind: &str, name: &str| {
        let names = defined(kind);
        if names.contains(&name) {
            return Ok(());
        }
        Err(ScenarioError::UnknownClusterObject {
            at: scenario_at(s),
            field,
            kind: kind.to_string(),
            name: name.to_string(),
            defined: list_or_none(names),
        })
    };
    let mut timed_classes: BTreeMap<&str, &str> = BTreeMap::new();
    for (i, s) in scenarios.iter().enumerate() {
        let with_index = |e| (i, e);
        for (j, t) in s.storage.iter().enumerate() {
            let field = format!("spec.storage[{j}].class");
            require(s, field.clone(), "StorageClass", &t.class).map_err(with_index)?;
            if let Some(other) = timed_classes.insert(&t.class, &s.source) {
                return Err((
                    i,
                    ScenarioError::Clash {
                        at: scenario_at(s),
                        field,
                        other_source: other.to_string(),
                        object: format!("storage timing for StorageClass {}", t.class),
                    },
                ));
            }
        }
        for (j, step) in s.timeline.iter().enumerate() {
            let path = format!("spec.timeline[{j}].{}", step.action.key());
            match &step.action {
                Action::FailNode(NodeRef::Node(node))
                | Action::RecoverNode { node }
                | Action::Cordon { node }
                | Action::Uncordon { node } => {
                    require(s, format!("{path}.node"), "Node", node).map_err(with_index)?
                }
                Action::Patch { resource, name, .. } | Action::Delete { resource, name, .. } => {
                    let kind = RESOURCES
                        .iter()
                        .find(|r| r.0 == resource)
                        .map_or("", |r| r.2);
                    if matches!(
                        kind,
                        "Node" | "StorageClass" | "PersistentVolume" | "Namespace"
                    ) {
                        require(s, format!("{path}.name"), kind, name).map_err(with_index)?;
                    }
                }
                _ => {}
            }
        }
    }
    Ok(())
}
