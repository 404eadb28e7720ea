//! Capacity against the simulated cluster: a claim filling at a known rate
//! gets the right time to full from the live polls, and its finding turns
//! from Warning to Critical as simulated time passes.

mod common;

use std::time::Duration;

use ordinal::cluster::{stats, watch};
use ordinal::sim::server::{SimConfig, SimServer};
use ordinal::store::{Kind, Store, SyncState};
use ordinal::view::{self, Scope, model::Severity};

const MI: u64 = 1 << 20;
const GI: u64 = 1 << 30;
/// The mysql scenario grows data claims by 200 MiB an hour.
const GROWTH_PER_HOUR: u64 = 200 * MI;

async fn synced_store(
    sim: &SimServer,
) -> (
    Store,
    tokio::sync::mpsc::UnboundedReceiver<ordinal::store::StoreEvent>,
    watch::Watches,
) {
    let client = sim.client(None);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let watches = watch::start(
        &client,
        &watch::Scope::Namespace("mysql".into()),
        &tx,
        watch::Backoff::default(),
    );
    let mut store = Store::new();
    while !Kind::ALL
        .iter()
        .all(|k| matches!(store.sync(*k), SyncState::Live { .. }))
    {
        let ev = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .expect("synced in time")
            .expect("watching");
        store.apply(ev, sim.now());
    }
    (store, rx, watches)
}

#[tokio::test]
async fn a_filling_claim_gets_its_time_to_full_and_its_finding_worsens_with_time() {
    let sim = SimServer::start(SimConfig {
        scenario: Some("mysql".into()),
        auto_tick: false,
        ..SimConfig::default()
    })
    .await
    .expect("sim starts");
    // data-mysql-0 (10 GiB) holds 5240 MiB: full in 25 h at 200 MiB/h.
    sim.with_state(|s| s.storage.set_usage("mysql", "data-mysql-0", 5240 * MI));
    sim.advance(Duration::from_secs(1));
    let (mut store, mut rx, _watches) = synced_store(&sim).await;
    let client = sim.client(None);
    let scope = Scope {
        namespace: Some("mysql".into()),
    };

    let mut poll = async |store: &mut Store| {
        while let Ok(ev) = rx.try_recv() {
            store.apply(ev, sim.now());
        }
        let nodes = store.nodes_hosting_claims(Some("mysql"));
        assert!(!nodes.is_empty());
        for ev in stats::poll_all(&client, &nodes).await {
            store.apply(ev, sim.now());
        }
    };
    let finding = |store: &Store| {
        view::findings(store, &scope, sim.now())
            .into_iter()
            .find(|f| f.objects.first().is_some_and(|o| o.name == "data-mysql-0"))
            .filter(|f| f.code == "volume-filling-up" || f.code == "volume-almost-full")
    };

    // Two polls: too few samples for a trend, and no finding yet at 51%.
    poll(&mut store).await;
    sim.advance(Duration::from_secs(600));
    poll(&mut store).await;
    let capacity = |store: &Store| {
        view::set_detail(store, "mysql", "mysql", Some(0), sim.now())
            .expect("the set")
            .chains[0]
            .capacity
            .clone()
            .expect("history")
    };
    assert_eq!(capacity(&store).full_in, "—");
    assert!(finding(&store).is_none());

    // Polls every 10 simulated minutes for 40 minutes.
    for _ in 0..3 {
        sim.advance(Duration::from_secs(600));
        poll(&mut store).await;
    }
    let c = capacity(&store);
    let used = store.usage("mysql", "data-mysql-0").unwrap().usage;
    assert_eq!(used.capacity_bytes, 10 * GI);
    let expected =
        (used.capacity_bytes - used.used_bytes) as f64 / (GROWTH_PER_HOUR as f64 / 3600.0);
    let got = c.full_in_secs.expect("a time to full");
    assert!(
        (got - expected).abs() < 0.01 * expected,
        "full in {got} s, expected {expected} s: {c:?}"
    );
    assert!((24.0 * 3600.0..25.0 * 3600.0).contains(&got), "{got}");
    let per_day = c.bytes_per_day.unwrap();
    assert!((per_day - 24.0 * GROWTH_PER_HOUR as f64).abs() < 0.01 * per_day);
    let f = finding(&store).expect("a filling-up finding");
    assert_eq!(
        (f.severity, f.code),
        (Severity::Warning, "volume-filling-up"),
        "{f:?}"
    );
    assert!(f.title.contains("full in 24h"), "{}", f.title);
    assert!(f.detail.contains("expand the claim"), "{}", f.detail);

    // An hour later it is full within 24 h: Critical.
    for _ in 0..6 {
        sim.advance(Duration::from_secs(600));
        poll(&mut store).await;
    }
    let f = finding(&store).expect("still filling up");
    assert_eq!(f.severity, Severity::Critical, "{f:?}");
    assert!(f.title.contains("full in 23h"), "{}", f.title);
}
