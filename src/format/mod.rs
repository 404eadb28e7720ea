//! How kubectl writes things, so ordinal's columns read like `kubectl get`:
//! Pod STATUS, ages, quantities. Pure functions, shared by the simulated
//! cluster's table output and the explorer's views.

pub mod duration;
pub mod pod;
