use std::time::{Duration, Instant};
use ordinal::sim::generate::{self, ClusterSpec};
fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let spec = if quick { ClusterSpec::quick() } else { ClusterSpec::full() };
    let t = Instant::now();
    let epoch = jiff::Timestamp::now() - jiff::SignedDuration::from_secs(600);
    let state = generate::build(&spec, 1, epoch).unwrap();
    eprintln!("built in {:?}, sim elapsed {:?}, pods {}", t.elapsed(), state.elapsed(), state.store.count(ordinal::sim::resources::Kind::Pod));
    let _ = Duration::ZERO;
}
