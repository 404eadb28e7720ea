//! Derived views: pure functions of the store (and UI state such as filter
//! and selection) returning the small structs in [`model`] that widgets draw.

pub mod model;
