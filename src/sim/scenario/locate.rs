//! The line and column of a field path (`spec.timeline[3].at`) in a
//! scenario file, from the YAML parser's own marks: the document is read
//! again, following the path, and reading fails on purpose at the deepest
//! node the path reaches; serde_yaml_ng marks that error with the node's
//! position. Only runs when there is an error to report.

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Key(String),
    Index(usize),
}

/// `a.b[2].c` → `a`, `b`, `2`, `c`. Keys with dots in them (annotation
/// keys) split too; the path then stops at their parent, which is near.
fn segments(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (key, mut rest) = part.split_once('[').map_or((part, ""), |(k, r)| (k, r));
        if !key.is_empty() {
            out.push(Segment::Key(key.to_string()));
        }
        while let Some((index, after)) = rest.split_once(']') {
            if let Ok(i) = index.parse() {
                out.push(Segment::Index(i));
            }
            rest = after.strip_prefix('[').unwrap_or(after);
        }
    }
    out
}

/// 1-based (line, column) of `path` in the 1-based `document` of `text`,
/// or of its deepest existing parent; `None` if the document is not there.
pub fn line_of(text: &str, document: usize, path: &str) -> Option<(usize, usize)> {
    let de = serde_yaml_ng::Deserializer::from_str(text).nth(document.checked_sub(1)?)?;
    let error = Walk(&segments(path)).deserialize(de).err()?;
    let location = error.location()?;
    Some((location.line(), location.column()))
}

/// The error raised where the walk stops; its message is never shown.
struct Found;

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("found")
    }
}

struct Walk<'p>(&'p [Segment]);

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML node")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        if let Some((Segment::Key(want), rest)) = self.0.split_first() {
            while let Some(key) = map.next_key::<serde_yaml_ng::Value>()? {
                if key.as_str() == Some(want) {
                    return map.next_value_seed(Walk(rest));
                }
                map.next_value::<IgnoredAny>()?;
            }
        }
        Err(de::Error::custom(Found))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if let Some((Segment::Index(want), rest)) = self.0.split_first() {
            for _ in 0..*want {
                if seq.next_element::<IgnoredAny>()?.is_none() {
                    return Err(de::Error::custom(Found));
                }
            }
            if seq.next_element_seed(Walk(rest))?.is_some() {
                // Reached only if the element ended the walk without error.
                return Ok(());
            }
        }
        Err(de::Error::custom(Found))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(E::custom(Found))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(E::custom(Found))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(E::custom(Found))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(E::custom(Found))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(E::custom(Found))
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom(Found))
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom(Found))
    }

    fn visit_some<D: de::Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "a: 1\n---\nkind: X\nspec:\n  list:\n  - {at: 1m, x: {y: 2}}\n  - at: 2m\n    x:\n      y: 3\n";

    #[test]
    fn splits_paths() {
        assert_eq!(
            segments("spec.timeline[3].at"),
            [
                Segment::Key("spec".into()),
                Segment::Key("timeline".into()),
                Segment::Index(3),
                Segment::Key("at".into())
            ]
        );
        assert_eq!(segments(""), []);
    }

    #[test]
    fn finds_fields_in_block_and_flow_style_and_the_nearest_parent() {
        assert_eq!(line_of(TEXT, 1, "a"), Some((1, 4)));
        assert_eq!(line_of(TEXT, 2, ""), Some((3, 1)));
        assert_eq!(line_of(TEXT, 2, "kind"), Some((3, 7)));
        assert_eq!(line_of(TEXT, 2, "spec.list[0].x.y"), Some((6, 21)));
        assert_eq!(line_of(TEXT, 2, "spec.list[1].x.y"), Some((9, 10)));
        assert_eq!(line_of(TEXT, 2, "spec.list[1].at"), Some((7, 9)));
        // A missing field points at its parent mapping.
        assert_eq!(line_of(TEXT, 2, "spec.list[1].nope"), Some((7, 5)));
        assert_eq!(line_of(TEXT, 2, "spec.list[7]"), Some((6, 3)));
        assert_eq!(line_of(TEXT, 3, "a"), None);
    }
}
