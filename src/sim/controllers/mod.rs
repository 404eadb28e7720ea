//! Simulated control-plane loops, run once per simulated-time tick, always in
//! the same order so a seed gives the same history.

use std::time::Duration;

use super::state::SimState;

pub mod kubelet;
pub mod statefulset;
pub mod storage;
pub mod timeline;

#[cfg(test)]
mod stamp_tests;

/// Simulated time per controller step.
pub const TICK: Duration = Duration::from_millis(250);

/// Advances simulated time by one tick and runs every controller once.
pub fn step(state: &mut SimState) {
    state.advance_clock(TICK);
    timeline::run_due(state);
    statefulset::reconcile(state);
    storage::reconcile(state);
    kubelet::reconcile(state);
    if state.elapsed().as_millis() % 60_000 < TICK.as_millis() {
        state.expire_events();
    }
}

/// Runs steps until `duration` of simulated time has passed.
pub fn run_for(state: &mut SimState, duration: Duration) {
    let steps = duration.as_millis().div_ceil(TICK.as_millis());
    for _ in 0..steps {
        step(state);
    }
}
