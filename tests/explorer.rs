//! End to end: the real client, watchers, store, views and widgets against
//! the simulated cluster over loopback, driven by keys, read off the screen.

mod common;

use common::tui::Harness;

use std::time::Duration;

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use k8s_openapi::api::apps::v1::StatefulSet;
use kube::api::{Api, Patch, PatchParams};
use ordinal::app::App;
use ordinal::cluster::watch::{self, Backoff};
use ordinal::sim::auth::{User, Users};
use ordinal::sim::server::{SimConfig, SimServer};
use ordinal::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;
use tokio::sync::mpsc;

fn demo(scenario: &str) -> SimConfig {
    SimConfig {
        scenario: Some(scenario.into()),
        speed: 20.0,
        ..SimConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_then_set_then_live_scale_up() {
    let mut h = Harness::start(demo("mysql"), None, None).await;
    h.wait_for(20, "the mysql set in the list", |s| {
        s.contains("mysql") && s.contains("2/3")
    })
    .await;
    h.keys("/mysql");
    h.key(KeyCode::Enter);
    h.key(KeyCode::Enter);
    let screen = h
        .wait_for(10, "the ordinal table with the orphaned ordinals", |s| {
            ["mysql-0", "mysql-2", "mysql-3", "mysql-4"]
                .iter()
                .all(|p| s.contains(p))
        })
        .await;
    assert!(
        screen.contains("data-mysql-0") || screen.contains("data"),
        "{screen}"
    );
    // Ordinals 3 and 4 only have claims left: shown beyond replicas.
    assert!(
        screen.contains("mysql-3") && screen.contains("mysql-4"),
        "{screen}"
    );

    // The cluster scales the set; the screen follows.
    let sets: Api<StatefulSet> = Api::namespaced(h.sim.client(None), "mysql");
    sets.patch_scale(
        "mysql",
        &PatchParams::default(),
        &Patch::Merge(json!({"spec": {"replicas": 4}})),
    )
    .await
    .unwrap();
    h.wait_for(30, "mysql-3 running", |s| {
        s.lines()
            .any(|l| l.contains("mysql-3") && l.contains("Running"))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_shows_reconnecting_then_fresh_data() {
    let mut h = Harness::start(demo("mysql"), None, None).await;
    h.wait_for(20, "synced list", |s| s.contains("mysql")).await;
    h.sim.begin_outage().await;
    h.wait_for(20, "a reconnecting status", |s| {
        s.to_lowercase().contains("reconnecting")
    })
    .await;
    // While the server is away, the set is deleted (with its Pods).
    h.sim.with_state(|s| {
        for name in ["mysql-0", "mysql-1", "mysql-2"] {
            let _ = s
                .store
                .remove(ordinal::sim::resources::Kind::Pod, "mysql", name);
        }
        s.store
            .remove(ordinal::sim::resources::Kind::StatefulSet, "mysql", "mysql")
            .unwrap();
    });
    h.sim.end_outage().await.unwrap();
    let screen = h
        .wait_for(30, "fresh data without mysql", |s| {
            !s.to_lowercase().contains("reconnecting")
                && !s.lines().any(|l| l.contains(" mysql ") && l.contains("/3"))
        })
        .await;
    assert!(!screen.contains("2/3"), "{screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_namespace_viewer_sees_everything_but_cluster_storage() {
    let mut users = Users::default();
    users.add("viewer", User::namespace_viewer("dev", &["mysql"]));
    let config = SimConfig {
        users,
        ..demo("mysql")
    };
    let mut h = Harness::start(config, Some("viewer"), Some("mysql")).await;
    // The namespace is in the title at once: wait for the set's row itself
    // (its readiness), not just the word.
    let screen = h
        .wait_for(20, "the set's row and a forbidden status", |s| {
            s.to_lowercase().contains("forbidden")
                && s.lines()
                    .any(|l| l.contains("mysql") && (l.contains("2/3") || l.contains("3/3")))
        })
        .await;
    assert!(
        !screen.contains("stale"),
        "forbidden is not stale: {screen}"
    );
    h.key(KeyCode::Enter);
    h.wait_for(10, "the chain with the PV hidden", |s| {
        s.contains("hidden") && s.contains("forbidden")
    })
    .await;
}

/// The real loop with a TestBackend: it draws, follows keys, and ends when
/// the terminal's input ends (a closed SSH session) or on `q`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_event_loop_draws_follows_keys_and_ends_with_the_terminal() {
    use ordinal::app::run::{Exit, RunOptions, Wiring, run};
    let sim = SimServer::start(demo("nfs")).await.unwrap();
    let client = sim.client(None);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let _watches = watch::start(&client, &watch::Scope::All, &tx, Backoff::default());
    let (nodes_tx, _nodes_rx) = tokio::sync::watch::channel(std::collections::BTreeSet::new());
    let (keys_tx, keys_rx) = mpsc::unbounded_channel::<std::io::Result<TermEvent>>();
    let inputs =
        futures::stream::unfold(
            keys_rx,
            |mut rx| async move { rx.recv().await.map(|e| (e, rx)) },
        );
    let task = tokio::spawn(async move {
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
        let mut app = App::new("demo", None, false);
        let (_results_tx, mut results_rx) = mpsc::unbounded_channel();
        let wiring = Wiring {
            store_rx: &mut rx,
            nodes_tx: &nodes_tx,
            results_rx: &mut results_rx,
            rewatch: |_| {},
            execute: |_| {},
        };
        let exit = run(
            &mut terminal,
            &mut app,
            &Theme::mono(),
            Box::pin(inputs),
            wiring,
            std::future::pending(),
            &RunOptions::default(),
        )
        .await
        .unwrap();
        (exit, terminal)
    });
    // Let it sync, then open the (only) set.
    tokio::time::sleep(Duration::from_secs(2)).await;
    keys_tx
        .send(Ok(TermEvent::Key(KeyEvent::new(
            KeyCode::Enter,
            KeyModifiers::NONE,
        ))))
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    drop(keys_tx);
    let (exit, terminal) = tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(exit, Exit::TerminalGone);
    let screen: String = terminal
        .backend()
        .buffer()
        .content
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(screen.contains("sample-statefulset-0"), "{screen}");
    assert!(screen.contains("Unknown"), "{screen}");
}
