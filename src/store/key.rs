//! Map lookups by `(namespace, name)` without allocating: the maps are keyed
//! by owned `(String, String)`, and a view looking up thousands of objects
//! per frame should not build two `String`s for each lookup. `(String,
//! String)` borrows as `dyn KeyView`, which hashes and orders exactly as the
//! tuple does, so `map.get(key(ns, name))` finds the same entry.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

/// A `(namespace, name)` pair, owned or borrowed.
pub trait KeyView {
    fn parts(&self) -> (&str, &str);
}

impl KeyView for (String, String) {
    fn parts(&self) -> (&str, &str) {
        (&self.0, &self.1)
    }
}

impl KeyView for (&str, &str) {
    fn parts(&self) -> (&str, &str) {
        (self.0, self.1)
    }
}

impl<'a> Borrow<dyn KeyView + 'a> for (String, String) {
    fn borrow(&self) -> &(dyn KeyView + 'a) {
        self
    }
}

// Same as the tuple's derived impls: element by element.
impl Hash for dyn KeyView + '_ {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let (a, b) = self.parts();
        a.hash(state);
        b.hash(state);
    }
}

impl PartialEq for dyn KeyView + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for dyn KeyView + '_ {}

impl PartialOrd for dyn KeyView + '_ {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for dyn KeyView + '_ {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts().cmp(&other.parts())
    }
}

/// The pair to look up: `map.get(&pair(ns, name) as &dyn KeyView)` (the
/// store wraps this in its `k!` macro).
pub fn pair<'a>(namespace: &'a str, name: &'a str) -> (&'a str, &'a str) {
    (namespace, name)
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashMap};

    use super::*;

    #[test]
    fn borrowed_lookups_find_owned_keys() {
        let keys = [("a", "x"), ("a", "xy"), ("ab", ""), ("", "a"), ("b", "a")];
        let hashed: HashMap<(String, String), usize> = keys
            .iter()
            .enumerate()
            .map(|(i, (a, b))| ((a.to_string(), b.to_string()), i))
            .collect();
        let ordered: BTreeMap<(String, String), usize> = hashed.clone().into_iter().collect();
        for (i, (a, b)) in keys.iter().enumerate() {
            let k = pair(a, b);
            assert_eq!(hashed.get(&k as &dyn KeyView), Some(&i));
            assert_eq!(ordered.get(&k as &dyn KeyView), Some(&i));
        }
        let missing = pair("a", "");
        assert_eq!(hashed.get(&missing as &dyn KeyView), None);
        assert_eq!(ordered.get(&missing as &dyn KeyView), None);
    }
}
