//! ordinal: a terminal UI for Kubernetes StatefulSets and their storage.
pub mod sim;
