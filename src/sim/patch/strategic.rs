//! Strategic merge patch as the API server applies it to the built-in types
//! (k8s.io/apimachinery `strategicpatch`): maps merge, lists follow the
//! rules table ([`super::rules`]), and `$patch`, `$retainKeys`,
//! `$setElementOrder/…` and `$deleteFromPrimitiveList/…` directives.

use serde_json::{Map, Value};

use super::rules::{ListStrategy, list_strategy};
use super::{PatchError, json_eq};

const PATCH_DIRECTIVE: &str = "$patch";
const RETAIN_KEYS_DIRECTIVE: &str = "$retainKeys";
const SET_ELEMENT_ORDER_PREFIX: &str = "$setElementOrder/";
const DELETE_FROM_PRIMITIVE_LIST_PREFIX: &str = "$deleteFromPrimitiveList/";

/// Applies a strategic merge patch to `target` as the API server does for the
/// built-in types. On error `target` is left unchanged.
pub fn strategic_merge_patch(
    kind: &str,
    target: &mut Value,
    patch: &Value,
) -> Result<(), PatchError> {
    let Value::Object(patch) = patch else {
        return Err(PatchError::InvalidPatch(
            "a strategic merge patch must be a JSON object".into(),
        ));
    };
    // Work on a copy so that an error half-way leaves the target untouched.
    let original = target.as_object().cloned().unwrap_or_default();
    let merger = StrategicMerge { kind };
    match merger.merge_map(original, patch, &[])? {
        Some(merged) => {
            *target = Value::Object(merged);
            Ok(())
        }
        None => Err(PatchError::InvalidPatch(
            "\"$patch\": \"delete\" cannot delete the whole object".into(),
        )),
    }
}

/// The value of a `$patch` directive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PatchDirective {
    Merge,
    Replace,
    Delete,
}

/// One key of a patch map, classified.
enum PatchKey<'p> {
    Field(&'p str),
    Patch,
    RetainKeys,
    SetElementOrder(&'p str),
    DeleteFromPrimitiveList(&'p str),
}

struct StrategicMerge<'k> {
    kind: &'k str,
}

impl StrategicMerge<'_> {
    /// Merges `patch` into `original` (the map at `path`). Returns None when
    /// the map is to be deleted (`$patch: delete`).
    fn merge_map<'p>(
        &self,
        mut original: Map<String, Value>,
        patch: &'p Map<String, Value>,
        path: &[&'p str],
    ) -> Result<Option<Map<String, Value>>, PatchError> {
        match patch_directive(patch, path)? {
            PatchDirective::Delete => return Ok(None),
            PatchDirective::Replace => original.clear(),
            PatchDirective::Merge => {}
        }
        // Validate every key before touching anything, so that an unknown
        // directive is reported even if it comes after real fields.
        let entries = patch
            .iter()
            .map(|(key, value)| Ok((classify_key(key, path)?, value)))
            .collect::<Result<Vec<_>, PatchError>>()?;
        for (key, value) in &entries {
            if let PatchKey::RetainKeys = key {
                apply_retain_keys(&mut original, patch, value, path)?;
            }
        }
        // Deletions first, so that a value both deleted and added ends up
        // present: the explicit addition wins.
        for (key, value) in &entries {
            if let PatchKey::DeleteFromPrimitiveList(field) = *key {
                delete_from_primitive_list(&mut original, field, value, path)?;
            }
        }
        for (key, value) in &entries {
            if let PatchKey::Field(field) = *key {
                self.merge_field(&mut original, field, value, path)?;
            }
        }
        // Ordering last: it applies to the merged list.
        for (key, value) in &entries {
            if let PatchKey::SetElementOrder(field) = *key {
                self.set_element_order(&mut original, field, value, path)?;
            }
        }
        Ok(Some(original))
    }

    /// Merges one field of a map patch into `original`.
    fn merge_field<'p>(
        &self,
        original: &mut Map<String, Value>,
        field: &'p str,
        patch: &'p Value,
        path: &[&'p str],
    ) -> Result<(), PatchError> {
        let child_path = [path, &[field]].concat();
        let merged = match original.get_mut(field) {
            // Take the live value out instead of cloning it; it is put back
            // (merged) in the same position below.
            Some(live) => self.merge_value(Some(std::mem::take(live)), patch, &child_path)?,
            None => self.merge_value(None, patch, &child_path)?,
        };
        match merged {
            Some(value) => {
                original.insert(field.to_string(), value);
            }
            None => {
                original.shift_remove(field);
            }
        }
        Ok(())
    }

    /// Merges `patch` into the value at `path`; None means "remove the field".
    /// A patch value with no live counterpart is still run through the merge
    /// (against an empty value) so that directives never leak into the result.
    fn merge_value<'p>(
        &self,
        original: Option<Value>,
        patch: &'p Value,
        path: &[&'p str],
    ) -> Result<Option<Value>, PatchError> {
        match patch {
            Value::Null => Ok(None),
            Value::Object(patch) => {
                let original = match original {
                    Some(Value::Object(map)) => map,
                    _ => Map::new(),
                };
                Ok(self.merge_map(original, patch, path)?.map(Value::Object))
            }
            Value::Array(patch) => {
                let original = match original {
                    Some(Value::Array(items)) => items,
                    _ => Vec::new(),
                };
                Ok(Some(Value::Array(self.merge_list(original, patch, path)?)))
            }
            // Keep the live spelling of an equal number (3306 for 3306.0): the
            // real server decodes into typed fields and re-encodes as such.
            scalar => match original {
                Some(live) if json_eq(&live, scalar) => Ok(Some(live)),
                _ => Ok(Some(scalar.clone())),
            },
        }
    }

    fn merge_list<'p>(
        &self,
        original: Vec<Value>,
        patch: &'p [Value],
        path: &[&'p str],
    ) -> Result<Vec<Value>, PatchError> {
        match list_strategy(self.kind, path) {
            ListStrategy::Replace => self.replace_list(patch, path),
            ListStrategy::MergePrimitives => merge_primitive_list(original, patch, path),
            ListStrategy::MergeByKey(key) => self.merge_keyed_list(original, patch, key, path),
        }
    }

    /// An atomic list: the patch's items win. `$patch` marker items are
    /// dropped (replacing is what happens anyway; there is nothing to delete).
    fn replace_list<'p>(
        &self,
        patch: &'p [Value],
        path: &[&'p str],
    ) -> Result<Vec<Value>, PatchError> {
        let mut items = Vec::with_capacity(patch.len());
        for item in patch {
            match item {
                Value::Object(map) => {
                    if item_directive(map, path)? != PatchDirective::Merge {
                        continue;
                    }
                    if let Some(clean) = self.merge_map(Map::new(), map, path)? {
                        items.push(Value::Object(clean));
                    }
                }
                other => items.push(other.clone()),
            }
        }
        Ok(items)
    }

    /// A list of maps merged by `key`: `$patch: delete` items remove the live
    /// item with the same key, a `$patch: replace` item makes the rest of the
    /// patch replace the list, other items merge into the live item with the
    /// same key or are appended in patch order.
    fn merge_keyed_list<'p>(
        &self,
        mut original: Vec<Value>,
        patch: &'p [Value],
        key: &str,
        path: &[&'p str],
    ) -> Result<Vec<Value>, PatchError> {
        let mut regular = Vec::with_capacity(patch.len());
        let mut replace = false;
        for item in patch {
            let Value::Object(map) = item else {
                return Err(strategic_error(
                    path,
                    format!("list item {item} is not an object"),
                ));
            };
            match item_directive(map, path)? {
                PatchDirective::Delete => {
                    let wanted = merge_key_of(map, key, path)?;
                    original.retain(|live| !has_merge_key(live, key, wanted));
                }
                PatchDirective::Replace => replace = true,
                PatchDirective::Merge => regular.push(map),
            }
        }
        if replace {
            original.clear();
        }
        for map in regular {
            let wanted = merge_key_of(map, key, path)?;
            // merge_map only returns None for `$patch: delete`, and those
            // items were handled above.
            match original
                .iter()
                .position(|live| has_merge_key(live, key, wanted))
            {
                Some(i) => {
                    let live = take_object(&mut original[i]);
                    if let Some(merged) = self.merge_map(live, map, path)? {
                        original[i] = Value::Object(merged);
                    }
                }
                None => {
                    if let Some(added) = self.merge_map(Map::new(), map, path)? {
                        original.push(Value::Object(added));
                    }
                }
            }
        }
        Ok(original)
    }

    /// `$setElementOrder/<field>`: items named in `order` come first, in that
    /// order; the others keep their relative order after them.
    fn set_element_order<'p>(
        &self,
        original: &mut Map<String, Value>,
        field: &'p str,
        order: &Value,
        path: &[&'p str],
    ) -> Result<(), PatchError> {
        let child_path = [path, &[field]].concat();
        let Value::Array(order) = order else {
            return Err(strategic_error(
                &child_path,
                format!("{SET_ELEMENT_ORDER_PREFIX}{field} must be a list"),
            ));
        };
        let Some(Value::Array(items)) = original.get_mut(field) else {
            return Ok(());
        };
        let key = match list_strategy(self.kind, &child_path) {
            ListStrategy::MergeByKey(key) => Some(key),
            ListStrategy::MergePrimitives => None,
            // The patch already dictates the order of an atomic list.
            ListStrategy::Replace => return Ok(()),
        };
        let mut rest = std::mem::take(items);
        let mut sorted = Vec::with_capacity(rest.len());
        for wanted in order {
            let (matching, others): (Vec<_>, Vec<_>) = rest
                .into_iter()
                .partition(|item| is_order_entry(item, wanted, key));
            sorted.extend(matching);
            rest = others;
        }
        sorted.extend(rest);
        *items = sorted;
        Ok(())
    }
}

/// Whether list `item` is the one a `$setElementOrder` entry names: by merge
/// key for lists of maps (entries look like `{"name": "x"}`), by value for
/// lists of scalars.
fn is_order_entry(item: &Value, entry: &Value, key: Option<&str>) -> bool {
    match key {
        Some(key) => entry
            .get(key)
            .is_some_and(|wanted| has_merge_key(item, key, wanted)),
        None => json_eq(item, entry),
    }
}

/// Moves a map out of `slot`, leaving null behind.
fn take_object(slot: &mut Value) -> Map<String, Value> {
    match std::mem::take(slot) {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The map-level `$patch` directive (absent means merge).
fn patch_directive(
    patch: &Map<String, Value>,
    path: &[&str],
) -> Result<PatchDirective, PatchError> {
    match patch.get(PATCH_DIRECTIVE) {
        None => Ok(PatchDirective::Merge),
        Some(Value::String(s)) if s == "merge" => Ok(PatchDirective::Merge),
        Some(Value::String(s)) if s == "replace" => Ok(PatchDirective::Replace),
        Some(Value::String(s)) if s == "delete" => Ok(PatchDirective::Delete),
        Some(other) => Err(PatchError::UnsupportedDirective {
            directive: format!("{PATCH_DIRECTIVE}: {other}"),
            path: path.join("."),
        }),
    }
}

/// The `$patch` directive of a list item. Same values as on a map, but in a
/// list they act on the list (delete an item, replace the list).
fn item_directive(item: &Map<String, Value>, path: &[&str]) -> Result<PatchDirective, PatchError> {
    patch_directive(item, path)
}

fn classify_key<'p>(key: &'p str, path: &[&str]) -> Result<PatchKey<'p>, PatchError> {
    if !key.starts_with('$') {
        return Ok(PatchKey::Field(key));
    }
    if key == PATCH_DIRECTIVE {
        return Ok(PatchKey::Patch);
    }
    if key == RETAIN_KEYS_DIRECTIVE {
        return Ok(PatchKey::RetainKeys);
    }
    let directive_field = |prefix: &str| key.strip_prefix(prefix).filter(|f| !f.is_empty());
    if let Some(field) = directive_field(SET_ELEMENT_ORDER_PREFIX) {
        return Ok(PatchKey::SetElementOrder(field));
    }
    if let Some(field) = directive_field(DELETE_FROM_PRIMITIVE_LIST_PREFIX) {
        return Ok(PatchKey::DeleteFromPrimitiveList(field));
    }
    Err(PatchError::UnsupportedDirective {
        directive: key.to_string(),
        path: path.join("."),
    })
}

/// `$retainKeys: [...]`: clears live keys not in the list before merging. As
/// in apimachinery, a patch that sets a key outside the list is rejected,
/// which makes "clear, then merge" the same as "merge, then keep only these".
fn apply_retain_keys(
    original: &mut Map<String, Value>,
    patch: &Map<String, Value>,
    retain: &Value,
    path: &[&str],
) -> Result<(), PatchError> {
    let bad_format = || {
        strategic_error(
            path,
            format!("{RETAIN_KEYS_DIRECTIVE} must be a list of strings"),
        )
    };
    let Value::Array(retain) = retain else {
        return Err(bad_format());
    };
    let retain = retain
        .iter()
        .map(|key| key.as_str().ok_or_else(bad_format))
        .collect::<Result<Vec<_>, _>>()?;
    let outside = patch.iter().find(|(key, value)| {
        !key.starts_with('$') && !value.is_null() && !retain.contains(&key.as_str())
    });
    if let Some((key, _)) = outside {
        return Err(strategic_error(
            path,
            format!("patch sets {key:?}, which is not in {RETAIN_KEYS_DIRECTIVE}"),
        ));
    }
    original.retain(|key, _| retain.contains(&key.as_str()));
    Ok(())
}

/// `$deleteFromPrimitiveList/<field>: [...]`: removes those values from the
/// live list.
fn delete_from_primitive_list(
    original: &mut Map<String, Value>,
    field: &str,
    values: &Value,
    path: &[&str],
) -> Result<(), PatchError> {
    let Value::Array(values) = values else {
        return Err(strategic_error(
            path,
            format!("{DELETE_FROM_PRIMITIVE_LIST_PREFIX}{field} must be a list"),
        ));
    };
    match original.get_mut(field) {
        Some(Value::Array(items)) => {
            items.retain(|item| !values.iter().any(|value| json_eq(item, value)));
            Ok(())
        }
        None | Some(Value::Null) => Ok(()),
        Some(_) => Err(strategic_error(
            path,
            format!("{DELETE_FROM_PRIMITIVE_LIST_PREFIX}{field}: {field:?} is not a list"),
        )),
    }
}

/// A list of scalars with strategy merge: union, live items first, each value
/// once. `{"$patch": "replace"}` makes the patch's items replace the list.
fn merge_primitive_list(
    original: Vec<Value>,
    patch: &[Value],
    path: &[&str],
) -> Result<Vec<Value>, PatchError> {
    let mut replace = false;
    let mut additions = Vec::with_capacity(patch.len());
    for item in patch {
        match item {
            Value::Object(map) if is_replace_marker(map) => replace = true,
            Value::Object(_) | Value::Array(_) => {
                return Err(strategic_error(
                    path,
                    format!("list of primitives cannot contain {item}"),
                ));
            }
            scalar => additions.push(scalar),
        }
    }
    let mut merged = if replace { Vec::new() } else { original };
    for value in additions {
        if !merged.iter().any(|live| json_eq(live, value)) {
            merged.push(value.clone());
        }
    }
    Ok(merged)
}

/// `{"$patch": "replace"}` and nothing else.
fn is_replace_marker(item: &Map<String, Value>) -> bool {
    item.len() == 1 && item.get(PATCH_DIRECTIVE).and_then(Value::as_str) == Some("replace")
}

/// The merge key value of a patch list item; apimachinery rejects items
/// without one.
fn merge_key_of<'m>(
    item: &'m Map<String, Value>,
    key: &str,
    path: &[&str],
) -> Result<&'m Value, PatchError> {
    item.get(key).ok_or_else(|| {
        strategic_error(
            path,
            format!(
                "list item {} does not contain merge key {key:?}",
                Value::Object(item.clone())
            ),
        )
    })
}

fn has_merge_key(item: &Value, key: &str, wanted: &Value) -> bool {
    item.get(key).is_some_and(|value| json_eq(value, wanted))
}

fn strategic_error(path: &[&str], reason: String) -> PatchError {
    PatchError::Strategic {
        path: path.join("."),
        reason,
    }
}

#[cfg(test)]
mod tests;
