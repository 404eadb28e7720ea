//! Server-side apply (`application/apply-patch+yaml`): the request body is
//! the applier's whole intent for the fields it cares about. It is merged into
//! the live object (keyed lists by their `x-kubernetes-list-map-keys`), the
//! applier then owns exactly those fields; fields it applied before and
//! dropped now are removed unless somebody else owns them; changing a field
//! another manager owns is a conflict, unless forced, which takes the field
//! over. As structured-merge-diff's `Updater.Apply` does for the API server.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde_json::{Map, Value, json};

use super::fields::{self, FieldSet, Path, path_string};
use super::managed::{Managed, Managers, Operation, tracked};
use super::rules::{ListType, is_atomic_map, list_type};
use crate::sim::error::ApiError;

/// One apply request.
pub struct Apply<'a> {
    /// The Kind name ("StatefulSet").
    pub kind: &'a str,
    /// The served version of the kind ("apps/v1").
    pub api_version: &'a str,
    pub manager: &'a str,
    /// Applied through a subresource: `status` (only the status counts) or
    /// `scale` (the config is then the parent's `spec.replicas`, see
    /// [`scale_config`]). The manager's entry carries it.
    pub subresource: Option<&'a str>,
    pub force: bool,
    pub now: Time,
}

/// A field another manager owns and the applier would change.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    /// The owner, as conflicts name it (see [`Managed::describe`]).
    pub manager: String,
    pub path: Path,
}

/// Parses the body of an apply request (YAML, or JSON, which is YAML).
pub fn parse_config(body: &[u8]) -> Result<Value, ApiError> {
    serde_yaml_ng::from_slice::<Value>(body)
        .map_err(|e| ApiError::bad_request(format!("error decoding YAML: {e}")))
}

impl Apply<'_> {
    /// Applies `config` over `live` (None when the object does not exist yet:
    /// apply creates it) and returns the object to store, with its new
    /// `managedFields`. Defaulting and validation are the caller's, as for
    /// any write.
    pub fn run(&self, live: Option<&Value>, config: &Value) -> Result<Value, ApiError> {
        self.check_config(config)?;
        let sub = self.subresource;
        // Status is the status subresource's: the main resource ignores it,
        // and the status subresource ignores everything else.
        let mut config = config.clone();
        if let Some(map) = config.as_object_mut() {
            match sub {
                Some("status") => map.retain(|k, _| k == "status"),
                _ => {
                    map.shift_remove("status");
                }
            }
        }
        let config = &config;
        let mut managers = live.map(Managers::of_object).unwrap_or_default();
        let config_set = fields::of_object(self.kind, &tracked(config, sub)).map_err(|e| {
            ApiError::bad_request(format!("failed to create typed patch object: {e}"))
        })?;
        let empty = Value::Object(Map::new());
        let live_value = live.unwrap_or(&empty);
        let mut merged = merge(self.kind, &mut Vec::new(), live_value, config);
        let me = Managed {
            manager: self.manager.to_string(),
            operation: Operation::Apply,
            api_version: self.api_version.to_string(),
            subresource: sub.unwrap_or_default().to_string(),
            time: Some(self.now.clone()),
            fields: config_set.clone(),
        };
        let last = managers.find(&me).map(|m| m.fields.clone());
        let previous_time = managers.find(&me).and_then(|m| m.time.clone());
        managers.put(me.clone());
        if let Some(last) = last {
            prune(
                &mut merged,
                &last.difference(&config_set),
                &managers.owned(),
            );
        }
        let cmp = fields::compare(self.kind, &tracked(live_value, sub), &tracked(&merged, sub));
        let changed = cmp.changed();
        let conflicts: Vec<(Managed, FieldSet)> = managers
            .0
            .iter()
            .filter(|m| !m.same(&me))
            .map(|m| (m.clone(), m.fields.intersection(&changed)))
            .filter(|(_, set)| !set.is_empty())
            .collect();
        if !conflicts.is_empty()
            && !self.force
            && !matches_last_applied(live_value, config, &conflicts)
        {
            let list = conflicts
                .iter()
                .flat_map(|(m, set)| {
                    set.paths().into_iter().map(|path| Conflict {
                        manager: m.describe(),
                        path,
                    })
                })
                .collect::<Vec<_>>();
            return Err(conflict_error(&list));
        }
        for m in managers.0.iter_mut().filter(|m| !m.same(&me)) {
            m.fields = m.fields.difference(&changed).difference(&cmp.removed);
        }
        // The applier's time moves only when the object changed.
        if cmp.is_empty()
            && let Some(time) = previous_time
        {
            managers.put(Managed {
                time: Some(time),
                ..me
            });
        }
        managers.retain_owners();
        if let Some(meta) = merged.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.insert("managedFields".into(), managers.encode_json());
        }
        Ok(merged)
    }

    fn check_config(&self, config: &Value) -> Result<(), ApiError> {
        if !config.is_object() {
            return Err(ApiError::bad_request(
                "error decoding YAML: the applied configuration is not an object",
            ));
        }
        let version = config["apiVersion"].as_str().unwrap_or_default();
        if version != self.api_version {
            return Err(ApiError::bad_request(format!(
                "Incorrect version specified in apply patch. Specified patch version: {version}, expected: {}",
                self.api_version
            )));
        }
        let kind = config["kind"].as_str().unwrap_or_default();
        if kind != self.kind {
            return Err(ApiError::bad_request(format!(
                "the kind in the data ({kind}) does not match the expected kind ({})",
                self.kind
            )));
        }
        if config.pointer("/metadata/managedFields").is_some() {
            return Err(ApiError::bad_request("metadata.managedFields must be nil"));
        }
        Ok(())
    }
}

/// An apply of an autoscaling/v1 `Scale` as the apply of its parent's
/// `spec.replicas` (the API server's scale handler maps the Scale's
/// `.spec.replicas` to the parent's and back, recording the manager on the
/// parent with subresource `scale` and the parent's version).
pub fn scale_config(
    scale: &Value,
    kind: &str,
    api_version: &str,
    name: &str,
) -> Result<Value, ApiError> {
    let version = scale["apiVersion"].as_str().unwrap_or_default();
    if version != "autoscaling/v1" {
        return Err(ApiError::bad_request(format!(
            "Incorrect version specified in apply patch. Specified patch version: {version}, expected: autoscaling/v1"
        )));
    }
    let given = scale["kind"].as_str().unwrap_or_default();
    if given != "Scale" {
        return Err(ApiError::bad_request(format!(
            "the kind in the data ({given}) does not match the expected kind (Scale)"
        )));
    }
    if scale.pointer("/metadata/managedFields").is_some() {
        return Err(ApiError::bad_request("metadata.managedFields must be nil"));
    }
    let mut config = json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": name}});
    if let Some(replicas) = scale.pointer("/spec/replicas") {
        config["spec"] = json!({"replicas": replicas});
    }
    Ok(config)
}

/// The manager client-side `kubectl apply` writes as.
const CLIENT_SIDE_APPLY: &str = "kubectl-client-side-apply";
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Whether every conflict is with client-side apply over a field the config
/// sets as the object's last-applied configuration did: then the applier
/// takes the fields over, as the API server's `lastAppliedManager` allows, so
/// that a manifest applied client-side can be applied server-side.
fn matches_last_applied(live: &Value, config: &Value, conflicts: &[(Managed, FieldSet)]) -> bool {
    let Some(last) = live
        .pointer("/metadata/annotations")
        .and_then(|a| a.get(LAST_APPLIED))
        .and_then(Value::as_str)
        .and_then(|text| serde_json::from_str::<Value>(text).ok())
    else {
        return false;
    };
    conflicts.iter().all(|(m, set)| {
        m.manager == CLIENT_SIDE_APPLY
            && m.operation == Operation::Update
            && set.paths().iter().all(|path| {
                let (a, b) = (fields::child(&last, path), fields::child(config, path));
                a.is_some() && a == b
            })
    })
}

/// The 409 the API server answers: `Apply failed with 1 conflict: conflict
/// with "kubectl": .spec.replicas`, one cause per field.
pub fn conflict_error(conflicts: &[Conflict]) -> ApiError {
    let causes: Vec<Value> = conflicts
        .iter()
        .map(|c| {
            json!({"reason": "FieldManagerConflict", "message": format!("conflict with {}", c.manager),
                "field": path_string(&c.path)})
        })
        .collect();
    let message = match conflicts {
        [one] => format!(
            "Apply failed with 1 conflict: conflict with {}: {}",
            one.manager,
            path_string(&one.path)
        ),
        _ => {
            let mut managers: Vec<&str> = conflicts.iter().map(|c| c.manager.as_str()).collect();
            managers.sort_unstable();
            managers.dedup();
            let lines: Vec<String> = managers
                .iter()
                .flat_map(|m| {
                    std::iter::once(format!("conflicts with {m}:")).chain(
                        conflicts
                            .iter()
                            .filter(|c| c.manager == *m)
                            .map(|c| format!("- {}", path_string(&c.path))),
                    )
                })
                .collect();
            format!(
                "Apply failed with {} conflicts: {}",
                conflicts.len(),
                lines.join("\n")
            )
        }
    };
    ApiError {
        code: 409,
        reason: "Conflict",
        message,
        details: Some(json!({"causes": causes})),
    }
}

/// Merges the applied `config` into `live`: maps field by field, keyed lists
/// item by item (live order, new items after), sets as a union, anything
/// else (scalars, atomic lists and maps) replaced. A `null` in the config
/// removes the field.
fn merge<'v>(kind: &str, names: &mut Vec<&'v str>, live: &Value, config: &'v Value) -> Value {
    match (live, config) {
        (Value::Object(l), Value::Object(c)) if !is_atomic_map(names) => {
            let mut out = l.clone();
            for (key, value) in c {
                names.push(key);
                if value.is_null() {
                    out.shift_remove(key);
                } else {
                    let merged = match l.get(key) {
                        Some(old) => merge(kind, names, old, value),
                        None => strip_nulls(value),
                    };
                    out.insert(key.clone(), merged);
                }
                names.pop();
            }
            Value::Object(out)
        }
        (Value::Array(l), Value::Array(c)) => match list_type(kind, names) {
            ListType::Atomic => strip_nulls(config),
            ListType::Set => {
                let mut out = l.clone();
                for v in c {
                    if !out.iter().any(|o| super::json_eq(o, v)) {
                        out.push(v.clone());
                    }
                }
                Value::Array(out)
            }
            ListType::Map(keys) => {
                let same = |a: &Value, b: &Value| {
                    keys.iter().all(|k| match (a.get(*k), b.get(*k)) {
                        (Some(x), Some(y)) => super::json_eq(x, y),
                        (None, None) => true,
                        (x, y) => *k == "protocol" && x.or(y).is_some_and(|v| v == "TCP"),
                    })
                };
                let mut out = l.clone();
                for item in c {
                    match out.iter_mut().find(|o| same(o, item)) {
                        Some(slot) => *slot = merge(kind, names, slot, item),
                        None => out.push(strip_nulls(item)),
                    }
                }
                Value::Array(out)
            }
        },
        _ => strip_nulls(config),
    }
}

/// A config value as stored: `null` fields mean "absent".
fn strip_nulls(value: &Value) -> Value {
    match value {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), strip_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(strip_nulls).collect()),
        other => other.clone(),
    }
}

/// Removes from `merged` what the applier let go of (`dropped`) and nobody
/// owns (`owned`, the applier's new fields included). A dropped map or item
/// that somebody still owns part of keeps that part.
fn prune(merged: &mut Value, dropped: &FieldSet, owned: &FieldSet) {
    for path in dropped.paths() {
        prune_at(merged, &path, owned);
    }
}

fn prune_at(merged: &mut Value, path: &[String], owned: &FieldSet) {
    if owned.contains(path) {
        return;
    }
    if !owned.touches(path) {
        fields::remove_path(merged, path);
        return;
    }
    // Somebody owns something below: walk down and prune the rest.
    let Some(node) = path.iter().try_fold(&mut *merged, |node, element| {
        fields::child_mut(node, element)
    }) else {
        return;
    };
    let children: Vec<String> = match node {
        Value::Object(map) => map.keys().map(|k| format!("f:{k}")).collect(),
        _ => Vec::new(),
    };
    for child in children {
        let mut p = path.to_vec();
        p.push(child);
        prune_at(merged, &p, owned);
    }
}

#[cfg(test)]
mod tests;
