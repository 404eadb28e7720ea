//! How kubectl writes things, so ordinal's columns read like `kubectl get`:
//! Pod STATUS, ages, quantities. Pure functions, shared by the simulated
//! cluster's table output and the explorer's views.

pub mod duration;
pub mod pod;
pub mod quantity;

/// Access modes as kubectl abbreviates them: `RWO,RWX`.
pub fn access_modes<S: AsRef<str>>(modes: &[S]) -> String {
    modes
        .iter()
        .map(|m| match m.as_ref() {
            "ReadWriteOnce" => "RWO",
            "ReadOnlyMany" => "ROX",
            "ReadWriteMany" => "RWX",
            "ReadWriteOncePod" => "RWOP",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(",")
}
