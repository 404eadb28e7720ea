//! The embedded simulated cluster: the Kubernetes REST API on loopback, backed
//! by an in-memory object store and simulated controllers.
//!
//! Everything here is deterministic for a given seed: controllers only act on
//! simulated-time ticks and visit objects in sorted order.

pub mod admission;
pub mod api;
pub mod auth;
pub mod controllers;
pub mod defaults;
pub mod envelope;
pub mod error;
pub mod generate;
pub mod kubeconfig;
pub mod logs;
pub mod metrics;
pub mod objects;
pub mod openapi;
pub mod patch;
pub mod protobuf;
pub mod refusal;
pub mod resources;
pub mod scenario;
pub mod select;
pub mod server;
pub mod state;
pub mod stats;
pub mod table;
pub mod tls;
pub mod validation;
