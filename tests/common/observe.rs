//! Watching the simulated cluster step by step: when each Pod appeared,
//! became Ready, was replaced or went away.

use std::collections::BTreeMap;
use std::time::Duration;

use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};
use ordinal::sim::server::SimServer;

/// Simulated time per observation step.
pub const STEP: Duration = Duration::from_millis(250);

pub fn is_ready(p: &Pod) -> bool {
    p.status.as_ref().is_some_and(|s| {
        s.phase.as_deref() == Some("Running")
            && s.conditions
                .iter()
                .flatten()
                .any(|c| c.type_ == "Ready" && c.status == "True")
    })
}

pub fn revision(p: &Pod) -> String {
    p.metadata
        .labels
        .as_ref()
        .and_then(|l| l.get("controller-revision-hash").cloned())
        .unwrap_or_default()
}

/// At which step each Pod was first seen, first Ready and gone, and which
/// Pods were replaced (new uid), in order.
#[derive(Default, Debug)]
pub struct Timeline {
    pub created: BTreeMap<String, usize>,
    pub ready: BTreeMap<String, usize>,
    pub gone: BTreeMap<String, usize>,
    pub replaced: Vec<String>,
}

pub async fn observe(
    sim: &SimServer,
    pods: &Api<Pod>,
    max_steps: usize,
    mut done: impl FnMut(&[Pod]) -> bool,
) -> Timeline {
    let mut t = Timeline::default();
    let mut uids: BTreeMap<String, String> = BTreeMap::new();
    for step in 0..max_steps {
        sim.advance(STEP);
        let list = pods.list(&ListParams::default()).await.unwrap().items;
        for p in &list {
            let name = p.metadata.name.clone().unwrap();
            let uid = p.metadata.uid.clone().unwrap();
            if uids.get(&name).is_some_and(|u| *u != uid) {
                t.replaced.push(name.clone());
                t.ready.remove(&name);
            }
            uids.insert(name.clone(), uid);
            t.created.entry(name.clone()).or_insert(step);
            if is_ready(p) {
                t.ready.entry(name.clone()).or_insert(step);
            }
            t.gone.remove(&name);
        }
        for name in uids.keys() {
            if !list.iter().any(|p| p.metadata.name.as_ref() == Some(name)) {
                t.gone.entry(name.clone()).or_insert(step);
            }
        }
        if done(&list) {
            return t;
        }
    }
    panic!("not done after {max_steps} steps: {t:?}");
}

pub fn all_ready(n: usize) -> impl FnMut(&[Pod]) -> bool {
    move |pods| pods.len() == n && pods.iter().all(is_ready)
}

pub async fn step_until<T>(
    sim: &SimServer,
    steps: usize,
    mut f: impl AsyncFnMut() -> Option<T>,
) -> T {
    for _ in 0..steps {
        if let Some(v) = f().await {
            return v;
        }
        sim.advance(STEP);
    }
    panic!("condition not met after {steps} steps");
}
