//! Placeholder: the StatefulSet controller.
use crate::sim::state::SimState;

pub fn reconcile(_state: &mut SimState) {}
