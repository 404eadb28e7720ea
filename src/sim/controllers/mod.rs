//! Simulated control-plane loops, run once per simulated-time tick.

pub mod kubelet;
pub mod statefulset;
pub mod storage;
