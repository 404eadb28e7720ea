//! Quantities for the store: the program's one parser and formatters, in
//! [`crate::format::quantity`].

pub use crate::format::quantity::{format_bytes, format_count};

/// A quantity as a whole number, `None` when it does not parse.
pub fn parse(text: &str) -> Option<u64> {
    crate::format::quantity::parse(text.trim()).ok()
}
