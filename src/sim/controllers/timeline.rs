//! Placeholder: timeline executor.
use crate::sim::state::SimState;
pub fn run_due(_state: &mut SimState) {}
