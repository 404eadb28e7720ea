//! ordinal: a terminal UI for Kubernetes StatefulSets and their storage.
//!
//! The library holds everything; `main.rs` only parses flags and wires
//! things together, so integration tests can drive the same code.

pub mod action;
pub mod app;
pub mod audit;
pub mod bench;
pub mod cli;
pub mod cluster;
pub mod config;
pub mod format;
pub mod get;
pub mod logging;
pub mod memory;
pub mod sim;
pub mod store;
pub mod term;
pub mod ui;
pub mod view;
