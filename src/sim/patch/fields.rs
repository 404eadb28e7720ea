//! Sets of fields, as server-side apply tracks ownership
//! (structured-merge-diff's `fieldpath.Set`), kept in the `fieldsV1` shape:
//! `f:<name>` for a field, `k:{"name":"web"}` for an item of a list keyed by
//! `x-kubernetes-list-map-keys`, `v:<json>` for an item of a set, and `.` for
//! "this node itself".
//!
//! Sets are built from an object ([`of_object`]) or from the difference of
//! two ([`compare`]), with the list types of [`super::rules`].

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::json_eq;
use super::rules::{ListType, is_atomic_map, list_type};

/// A set of field paths. Each node may be a member itself and hold children.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldSet {
    children: BTreeMap<String, Node>,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Node {
    member: bool,
    set: FieldSet,
}

/// A path as `fieldsV1` element strings (`f:spec`, `k:{"name":"web"}`, ...).
pub type Path = Vec<String>;

impl FieldSet {
    pub fn is_empty(&self) -> bool {
        self.children
            .values()
            .all(|n| !n.member && n.set.is_empty())
    }

    pub fn insert(&mut self, path: &[String]) {
        let Some((first, rest)) = path.split_first() else {
            return;
        };
        let node = self.children.entry(first.clone()).or_default();
        if rest.is_empty() {
            node.member = true;
        } else {
            node.set.insert(rest);
        }
    }

    pub fn contains(&self, path: &[String]) -> bool {
        match path.split_first() {
            None => false,
            Some((first, rest)) => self.children.get(first).is_some_and(|n| {
                if rest.is_empty() {
                    n.member
                } else {
                    n.set.contains(rest)
                }
            }),
        }
    }

    /// Whether `path` or anything below it is in the set.
    pub fn touches(&self, path: &[String]) -> bool {
        match path.split_first() {
            None => !self.is_empty(),
            Some((first, rest)) => self
                .children
                .get(first)
                .is_some_and(|n| (rest.is_empty() && n.member) || n.set.touches(rest)),
        }
    }

    pub fn union(&self, other: &FieldSet) -> FieldSet {
        let mut out = self.clone();
        for (key, node) in &other.children {
            let mine = out.children.entry(key.clone()).or_default();
            mine.member |= node.member;
            mine.set = mine.set.union(&node.set);
        }
        out
    }

    pub fn intersection(&self, other: &FieldSet) -> FieldSet {
        let mut out = FieldSet::default();
        for (key, node) in &self.children {
            if let Some(theirs) = other.children.get(key) {
                let both = Node {
                    member: node.member && theirs.member,
                    set: node.set.intersection(&theirs.set),
                };
                if both.member || !both.set.is_empty() {
                    out.children.insert(key.clone(), both);
                }
            }
        }
        out
    }

    pub fn difference(&self, other: &FieldSet) -> FieldSet {
        let mut out = FieldSet::default();
        for (key, node) in &self.children {
            let left = match other.children.get(key) {
                None => node.clone(),
                Some(theirs) => Node {
                    member: node.member && !theirs.member,
                    set: node.set.difference(&theirs.set),
                },
            };
            if left.member || !left.set.is_empty() {
                out.children.insert(key.clone(), left);
            }
        }
        out
    }

    /// Every member path, depth first in `fieldsV1` order.
    pub fn paths(&self) -> Vec<Path> {
        let mut out = Vec::new();
        self.collect_paths(&mut Vec::new(), &mut out);
        out
    }

    fn collect_paths(&self, prefix: &mut Path, out: &mut Vec<Path>) {
        for (key, node) in &self.children {
            prefix.push(key.clone());
            if node.member {
                out.push(prefix.clone());
            }
            node.set.collect_paths(prefix, out);
            prefix.pop();
        }
    }

    /// The `fieldsV1` JSON of the set.
    pub fn to_fields_v1(&self) -> Value {
        let map: Map<String, Value> = self
            .children
            .iter()
            .map(|(key, node)| {
                let mut inner = match node.set.to_fields_v1() {
                    Value::Object(m) => m,
                    _ => Map::new(),
                };
                if node.member && !inner.is_empty() {
                    inner.insert(".".into(), Value::Object(Map::new()));
                    inner.sort_keys();
                }
                (key.clone(), Value::Object(inner))
            })
            .collect();
        Value::Object(map)
    }

    /// Reads a `fieldsV1` value; an empty object is a member leaf.
    pub fn from_fields_v1(value: &Value) -> Result<FieldSet, String> {
        let Value::Object(map) = value else {
            return Err(format!("fieldsV1 must be an object, not {value}"));
        };
        let mut out = FieldSet::default();
        for (key, child) in map {
            if key == "." {
                continue;
            }
            if !["f:", "k:", "v:", "i:"].iter().any(|p| key.starts_with(p)) {
                return Err(format!("unknown fieldsV1 element {key:?}"));
            }
            let Value::Object(inner) = child else {
                return Err(format!("fieldsV1 element {key:?} must be an object"));
            };
            let node = Node {
                member: inner.is_empty() || inner.contains_key("."),
                set: FieldSet::from_fields_v1(child)?,
            };
            out.children.insert(key.clone(), node);
        }
        Ok(out)
    }
}

/// A path as the server prints it in conflicts: `.spec.replicas`,
/// `.spec.template.spec.containers[name="web"].image`.
pub fn path_string(path: &[String]) -> String {
    path.iter().map(|e| element_string(e)).collect()
}

fn element_string(element: &str) -> String {
    if let Some(name) = element.strip_prefix("f:") {
        return format!(".{name}");
    }
    if let Some(keys) = element.strip_prefix("k:") {
        let fields = match serde_json::from_str::<Value>(keys) {
            Ok(Value::Object(m)) => m
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(","),
            _ => keys.to_string(),
        };
        return format!("[{fields}]");
    }
    if let Some(value) = element.strip_prefix("v:") {
        return format!("[={value}]");
    }
    if let Some(index) = element.strip_prefix("i:") {
        return format!("[{index}]");
    }
    element.to_string()
}

/// The element string of a list item: `k:{…}` for keyed lists, `v:…` for sets.
fn item_element(list: ListType, item: &Value) -> Result<String, String> {
    match list {
        ListType::Map(keys) => {
            let mut key = Map::new();
            for &k in keys {
                match item.get(k) {
                    Some(v) => {
                        key.insert(k.to_string(), v.clone());
                    }
                    // The one key field with a schema default.
                    None if k == "protocol" => {
                        key.insert(k.to_string(), Value::String("TCP".into()));
                    }
                    None => {
                        return Err(format!(
                            "associative list with keys has an element that omits key field {k:?} (and doesn't have default value)"
                        ));
                    }
                }
            }
            key.sort_keys();
            Ok(format!("k:{}", Value::Object(key)))
        }
        ListType::Set | ListType::Atomic => Ok(format!("v:{item}")),
    }
}

/// How a value is walked at a path.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Shape {
    /// Owned as one field: scalars, atomic lists and maps, empty maps.
    Leaf,
    /// A map whose fields are owned one by one.
    Fields,
    List(ListType),
}

fn shape(kind: &str, names: &[&str], value: &Value) -> Shape {
    match value {
        Value::Object(m) if !m.is_empty() && !is_atomic_map(names) => Shape::Fields,
        Value::Array(items) if !items.is_empty() => match list_type(kind, names) {
            ListType::Atomic => Shape::Leaf,
            list => Shape::List(list),
        },
        _ => Shape::Leaf,
    }
}

/// The fields `object` sets, as server-side apply owns them for its applier:
/// every leaf and every list item; maps with fields are not members
/// themselves. Fails on a keyed list item without its keys.
pub fn of_object(kind: &str, object: &Value) -> Result<FieldSet, String> {
    let mut out = FieldSet::default();
    let walker = Walker { kind };
    walker.collect(&mut Vec::new(), &mut Vec::new(), object, false, &mut out)?;
    Ok(out)
}

/// What changed between two versions of an object.
#[derive(Debug, Default, PartialEq)]
pub struct Comparison {
    pub added: FieldSet,
    pub modified: FieldSet,
    pub removed: FieldSet,
}

impl Comparison {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.modified.is_empty() && self.removed.is_empty()
    }

    /// The fields the new version sets differently: ownership moves with them.
    pub fn changed(&self) -> FieldSet {
        self.added.union(&self.modified)
    }
}

/// The fields added, modified and removed from `old` to `new`. A map or list
/// item that is new is itself a member of `added` (the `.` of `fieldsV1`), as
/// are its fields; the object's top-level fields (`metadata`, `spec`) are not.
pub fn compare(kind: &str, old: &Value, new: &Value) -> Comparison {
    let mut cmp = Comparison::default();
    let walker = Walker { kind };
    walker.diff(
        &mut Vec::new(),
        &mut Vec::new(),
        Some(old),
        Some(new),
        &mut cmp,
    );
    cmp
}

struct Walker<'k> {
    kind: &'k str,
}

impl Walker<'_> {
    /// Adds the fields of `value` at `prefix` to `out`; with `members`, the
    /// maps on the way are members too (a subtree that is new as a whole).
    fn collect<'v>(
        &self,
        names: &mut Vec<&'v str>,
        prefix: &mut Path,
        value: &'v Value,
        members: bool,
        out: &mut FieldSet,
    ) -> Result<(), String> {
        match shape(self.kind, names, value) {
            Shape::Leaf => out.insert(prefix),
            Shape::Fields => {
                // `metadata`, `spec` and `status` are struct fields every
                // object has (never new nodes); other top-level maps, a
                // ConfigMap's `data`, are.
                if members && !is_struct_field(prefix) {
                    out.insert(prefix);
                }
                for (key, child) in value.as_object().into_iter().flatten() {
                    names.push(key);
                    prefix.push(format!("f:{key}"));
                    let r = self.collect(names, prefix, child, members, out);
                    prefix.pop();
                    names.pop();
                    r?;
                }
            }
            Shape::List(list) => {
                if members {
                    out.insert(prefix);
                }
                for item in value.as_array().into_iter().flatten() {
                    prefix.push(item_element(list, item)?);
                    out.insert(prefix);
                    if let (ListType::Map(_), Value::Object(fields)) = (list, item) {
                        for (key, child) in fields {
                            names.push(key);
                            prefix.push(format!("f:{key}"));
                            let r = self.collect(names, prefix, child, members, out);
                            prefix.pop();
                            names.pop();
                            r?;
                        }
                    }
                    prefix.pop();
                }
            }
        }
        Ok(())
    }

    fn all<'v>(
        &self,
        names: &mut Vec<&'v str>,
        prefix: &mut Path,
        value: &'v Value,
        out: &mut FieldSet,
    ) {
        // Stored objects may hold a keyed item without its key (nothing
        // checks them on the way in): the walk stops there.
        let depth = (names.len(), prefix.len());
        let _ = self.collect(names, prefix, value, true, out);
        names.truncate(depth.0);
        prefix.truncate(depth.1);
    }

    fn diff<'v>(
        &self,
        names: &mut Vec<&'v str>,
        prefix: &mut Path,
        old: Option<&'v Value>,
        new: Option<&'v Value>,
        cmp: &mut Comparison,
    ) {
        let (old, new) = match (old, new) {
            (None, None) => return,
            (None, Some(new)) => return self.all(names, prefix, new, &mut cmp.added),
            (Some(old), None) => return self.all(names, prefix, old, &mut cmp.removed),
            (Some(old), Some(new)) => (old, new),
        };
        let kinds = (shape(self.kind, names, old), shape(self.kind, names, new));
        match kinds {
            (Shape::Fields, Shape::Fields) => {
                let (Some(o), Some(n)) = (old.as_object(), new.as_object()) else {
                    return;
                };
                let keys: Vec<&'v String> = o
                    .keys()
                    .chain(n.keys().filter(|k| !o.contains_key(*k)))
                    .collect();
                for key in keys {
                    names.push(key);
                    prefix.push(format!("f:{key}"));
                    self.diff(names, prefix, o.get(key), n.get(key), cmp);
                    prefix.pop();
                    names.pop();
                }
            }
            (Shape::List(a), Shape::List(b)) if a == b => {
                let items = |v: &'v Value| -> Vec<(String, &'v Value)> {
                    v.as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|item| Some((item_element(a, item).ok()?, item)))
                        .collect()
                };
                let (o, n) = (items(old), items(new));
                let find = |list: &[(String, &'v Value)], key: &str| {
                    list.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
                };
                for (key, item) in &o {
                    prefix.push(key.clone());
                    match find(&n, key) {
                        None => self.all(names, prefix, item, &mut cmp.removed),
                        Some(new_item) => self.diff_item(names, prefix, item, new_item, cmp),
                    }
                    prefix.pop();
                }
                for (key, item) in &n {
                    if find(&o, key).is_none() {
                        prefix.push(key.clone());
                        self.all(names, prefix, item, &mut cmp.added);
                        prefix.pop();
                    }
                }
            }
            (Shape::Leaf, Shape::Leaf) => {
                if !json_eq(old, new) {
                    cmp.modified.insert(prefix);
                }
            }
            // A null or empty map or list that gains content, or loses all
            // of it: the node itself was there before and stays (no `.`),
            // only what is below it is added or removed, as
            // structured-merge-diff's compare marks a node only when it is
            // absent on one side.
            (Shape::Leaf, Shape::Fields | Shape::List(_)) if is_empty(old) => {
                self.children(names, prefix, new, &mut cmp.added);
            }
            (Shape::Fields | Shape::List(_), Shape::Leaf) if is_empty(new) => {
                self.children(names, prefix, old, &mut cmp.removed);
            }
            // The shape changed (a map became a scalar, ...): what was below
            // is gone and the new value is set.
            _ => {
                self.all(names, prefix, old, &mut cmp.removed);
                self.all(names, prefix, new, &mut cmp.added);
            }
        }
    }

    /// The fields and items below a map or list (not the node itself), all
    /// new or all gone.
    fn children<'v>(
        &self,
        names: &mut Vec<&'v str>,
        prefix: &mut Path,
        value: &'v Value,
        out: &mut FieldSet,
    ) {
        match (shape(self.kind, names, value), value) {
            (Shape::Fields, Value::Object(map)) => {
                for (key, child) in map {
                    names.push(key);
                    prefix.push(format!("f:{key}"));
                    self.all(names, prefix, child, out);
                    prefix.pop();
                    names.pop();
                }
            }
            (Shape::List(list), Value::Array(items)) => {
                for item in items {
                    let Ok(element) = item_element(list, item) else {
                        continue;
                    };
                    prefix.push(element);
                    self.all(names, prefix, item, out);
                    prefix.pop();
                }
            }
            _ => {}
        }
    }

    /// Two versions of the same keyed item (or the same set value): their
    /// fields are compared; the item itself stays.
    fn diff_item<'v>(
        &self,
        names: &mut Vec<&'v str>,
        prefix: &mut Path,
        old: &'v Value,
        new: &'v Value,
        cmp: &mut Comparison,
    ) {
        let (Some(o), Some(n)) = (old.as_object(), new.as_object()) else {
            return;
        };
        let keys: Vec<&'v String> = o
            .keys()
            .chain(n.keys().filter(|k| !o.contains_key(*k)))
            .collect();
        for key in keys {
            names.push(key);
            prefix.push(format!("f:{key}"));
            self.diff(names, prefix, o.get(key), n.get(key), cmp);
            prefix.pop();
            names.pop();
        }
    }
}

/// The top-level parts every object of a kind has, as Go structs.
fn is_struct_field(prefix: &[String]) -> bool {
    prefix.is_empty()
        || matches!(prefix, [top] if ["f:metadata", "f:spec", "f:status"].contains(&top.as_str()))
}

/// Null, `{}` or `[]`: a map or list with nothing in it.
fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// Removes the node at `path` from `value`, if it is there.
pub fn remove_path(value: &mut Value, path: &[String]) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let Some(parent) = parents
        .iter()
        .try_fold(value, |node, element| child_mut(node, element))
    else {
        return;
    };
    match (parent, last.strip_prefix("f:")) {
        (Value::Object(map), Some(name)) => {
            map.shift_remove(name);
        }
        (Value::Array(items), None) => {
            items.retain(|item| !is_element(item, last));
        }
        _ => {}
    }
}

/// The node at `path` in `value`, if it is there.
pub fn child<'v>(value: &'v Value, path: &[String]) -> Option<&'v Value> {
    path.iter().try_fold(value, |node, element| {
        match (node, element.strip_prefix("f:")) {
            (Value::Object(map), Some(name)) => map.get(name),
            (Value::Array(items), None) => items.iter().find(|item| is_element(item, element)),
            _ => None,
        }
    })
}

/// The child of `node` an element names.
pub fn child_mut<'v>(node: &'v mut Value, element: &str) -> Option<&'v mut Value> {
    match (node, element.strip_prefix("f:")) {
        (Value::Object(map), Some(name)) => map.get_mut(name),
        (Value::Array(items), None) => items.iter_mut().find(|item| is_element(item, element)),
        _ => None,
    }
}

/// Whether list `item` is the one a `k:` or `v:` element names.
fn is_element(item: &Value, element: &str) -> bool {
    if let Some(keys) = element.strip_prefix("k:") {
        let Ok(Value::Object(keys)) = serde_json::from_str::<Value>(keys) else {
            return false;
        };
        return keys.iter().all(|(k, want)| match item.get(k) {
            Some(v) => json_eq(v, want),
            None => k == "protocol" && want == "TCP",
        });
    }
    if let Some(value) = element.strip_prefix("v:") {
        return serde_json::from_str::<Value>(value).is_ok_and(|want| json_eq(item, &want));
    }
    false
}

#[cfg(test)]
mod tests;
