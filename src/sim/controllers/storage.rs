//! Placeholder: provisioner, binder, expansion and reclaim.
use crate::sim::state::SimState;

#[derive(Debug, Default)]
pub struct StorageState {}

impl StorageState {
    pub fn set_usage(&mut self, _namespace: &str, _claim: &str, _used_bytes: u64) {}
}

pub fn reconcile(_state: &mut SimState) {}
