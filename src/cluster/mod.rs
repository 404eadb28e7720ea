//! Everything that talks to an API server through kube-rs: connecting,
//! watching into store events, polling volume stats. The store and views
//! never know whether the server is a real cluster or the simulated one.

pub mod access;
pub mod actions;
pub mod connect;
pub mod lean;
pub mod nodes;
pub mod prometheus;
pub mod stats;
pub mod watch;
