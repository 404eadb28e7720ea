//! Placeholder: scheduler, simulated kubelet and node lifecycle.
use crate::sim::state::SimState;

#[derive(Debug, Default)]
pub struct KubeletState {}

impl KubeletState {
    pub fn set_readiness(
        &mut self,
        _namespace: &str,
        _pod: &str,
        _container: Option<&str>,
        _ready: bool,
    ) {
    }
    /// Whether the node's kubelet is down (a failed node).
    pub fn is_node_down(&self, _node: &str) -> bool {
        false
    }
    pub fn crash(&mut self, _namespace: &str, _pod: &str, _container: &str, _restarts: u32) {}
}

pub fn fail_node(_state: &mut SimState, _node: &str) {}
pub fn recover_node(_state: &mut SimState, _node: &str) {}
pub fn reconcile(_state: &mut SimState) {}
