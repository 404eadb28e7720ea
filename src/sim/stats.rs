//! Placeholder: the kubelet's stats summary.
use crate::sim::state::SimState;

pub fn summary(_state: &SimState, _node: &str) -> Option<serde_json::Value> {
    None
}
