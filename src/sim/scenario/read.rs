//! Reading one scenario file: split it into documents, find the Scenario
//! document, check the objects, read the Scenario document into its typed
//! structs and resolve its references. Errors get their line at the end.

use std::time::Duration;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::error::{Location, ScenarioError};
use super::file::ScenarioDoc;
use super::objects::{Model, check_dns_name, check_object, typed};
use super::resolve::Refs;
use super::{API_VERSION, SCENARIO_KIND, Scenario};

/// Parses and validates one scenario file. `source_name` is used in messages.
pub fn parse(source_name: &str, text: &str) -> Result<Scenario, ScenarioError> {
    parse_unlocated(source_name, text).map_err(|e| e.locate(text))
}

/// The documents as JSON, with their 1-based index; empty ones skipped.
fn read_documents(source_name: &str, text: &str) -> Result<Vec<(usize, Value)>, ScenarioError> {
    let mut out = Vec::new();
    for (i, de) in serde_yaml_ng::Deserializer::from_str(text).enumerate() {
        let yaml_err = |e: serde_yaml_ng::Error| {
            let mut at = Location::new(source_name, i + 1);
            at.line = e.location().map(|l| (l.line(), l.column()));
            ScenarioError::Yaml {
                at: Box::new(at),
                message: e.to_string(),
            }
        };
        let mut yaml = serde_yaml_ng::Value::deserialize(de).map_err(yaml_err)?;
        yaml.apply_merge().map_err(yaml_err)?;
        if yaml.is_null() {
            continue; // empty document, e.g. a trailing `---`
        }
        let json = serde_json::to_value(&yaml).map_err(|e| ScenarioError::Yaml {
            at: Box::new(Location::new(source_name, i + 1)),
            message: format!("cannot be represented as JSON: {e}"),
        })?;
        out.push((i + 1, json));
    }
    Ok(out)
}

/// `apiVersion` and `kind` of a document, both required strings.
fn head(map: &Map<String, Value>, at: &Location) -> Result<(String, String), ScenarioError> {
    let get = |key: &str| match map.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        None | Some(Value::Null) => Err(ScenarioError::MissingField {
            at: Box::new(at.clone()),
            field: key.to_string(),
        }),
        Some(v) => Err(ScenarioError::InvalidField {
            at: Box::new(at.clone()),
            field: key.to_string(),
            message: format!("expected a non-empty string, found {v}"),
        }),
    };
    Ok((get("apiVersion")?, get("kind")?))
}

fn parse_unlocated(source_name: &str, text: &str) -> Result<Scenario, ScenarioError> {
    // Separate the Scenario document from the objects.
    let mut scenario_doc: Option<(usize, Value)> = None;
    let mut object_docs = Vec::new();
    for (index, value) in read_documents(source_name, text)? {
        let at = Location::new(source_name, index);
        let Value::Object(map) = value else {
            let found = match value {
                Value::Array(_) => "a list",
                Value::String(_) => "a string",
                Value::Number(_) => "a number",
                Value::Bool(_) => "a boolean",
                _ => "something else",
            };
            return Err(ScenarioError::NotAMapping {
                at: Box::new(at),
                found: found.to_string(),
            });
        };
        let (api_version, kind) = head(&map, &at)?;
        if kind != SCENARIO_KIND {
            object_docs.push((index, map, kind, api_version));
            continue;
        }
        if api_version != API_VERSION {
            return Err(ScenarioError::WrongApiVersion {
                at: Box::new(at),
                kind,
                api_version,
                expected: API_VERSION.to_string(),
            });
        }
        if let Some((first, _)) = &scenario_doc {
            return Err(ScenarioError::DuplicateScenario {
                at: Box::new(at),
                first_document: *first,
            });
        }
        scenario_doc = Some((index, Value::Object(map)));
    }
    let Some((scenario_document, scenario_value)) = scenario_doc else {
        return Err(ScenarioError::MissingScenario {
            source_name: source_name.to_string(),
        });
    };

    // The Scenario document's shape, before the objects it refers to.
    let mut at = Location::new(source_name, scenario_document);
    if let Some(name) = scenario_value["metadata"]["name"].as_str() {
        at = at.with_object(format!("Scenario {name}"));
    }
    let doc: ScenarioDoc = typed(&scenario_value, &at, "")?;
    let name = doc.metadata.name;
    let invalid = |at: &Location, field: &str, message: String| ScenarioError::InvalidField {
        at: Box::new(at.clone()),
        field: field.to_string(),
        message,
    };
    check_dns_name(&name, true).map_err(|m| invalid(&at, "metadata.name", m))?;
    let spec = doc.spec.unwrap_or_default();
    let namespace = spec.namespace.clone();
    if let Some(ns) = &namespace {
        check_dns_name(ns, true).map_err(|m| invalid(&at, "spec.namespace", m))?;
    }

    // Objects.
    let mut model = Model::default();
    let mut objects = Vec::with_capacity(object_docs.len());
    let mut object_documents = Vec::with_capacity(object_docs.len());
    let mut used_namespaces: Vec<(String, Location, &str)> = Vec::new();
    if let Some(ns) = &namespace {
        used_namespaces.push((ns.clone(), at.clone(), "spec.namespace"));
    }
    for (index, map, kind, api_version) in object_docs {
        let doc_at = Location::new(source_name, index);
        let object = check_object(
            &doc_at,
            map,
            &kind,
            &api_version,
            namespace.as_deref(),
            &mut model,
        )?;
        if let Some(ns) = object["metadata"]["namespace"].as_str() {
            let name = object["metadata"]["name"].as_str().unwrap_or_default();
            let object_at = doc_at.with_object(format!("{kind} {name}"));
            used_namespaces.push((ns.to_string(), object_at, "metadata.namespace"));
        }
        objects.push(object);
        object_documents.push(index);
    }
    for (ns, ns_at, field) in used_namespaces {
        if !model.namespaces.contains(&ns) {
            return Err(ScenarioError::MissingNamespace {
                at: Box::new(ns_at),
                field: field.to_string(),
                namespace: ns,
            });
        }
    }

    let refs = Refs {
        at: &at,
        model: &model,
        namespace: namespace.as_deref(),
    };
    Ok(Scenario {
        workloads: refs.workloads(&spec)?,
        storage: refs.storage(&spec)?,
        timeline: refs.timeline(&spec)?,
        name,
        source: source_name.to_string(),
        namespace,
        description: spec.description.unwrap_or_default(),
        warmup: spec.warmup.map_or(Duration::ZERO, |d| d.0),
        objects,
        scenario_document,
        object_documents,
    })
}
