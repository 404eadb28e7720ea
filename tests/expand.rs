//! Expanding a claim from the keyboard, end to end against the sim: bad
//! sizes send nothing and say why; a valid one sends exactly the patch the
//! dialog shows, and the status line follows the claim to its new capacity.

mod common;

use common::tui::Harness;
use crossterm::event::KeyCode;
use k8s_openapi::api::core::v1::PersistentVolumeClaim;
use kube::api::Api;
use ordinal::sim::server::SimConfig;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expand_validates_sends_the_patch_shown_and_follows_the_claim() {
    let config = SimConfig {
        scenario: Some("ceph".into()),
        speed: 60.0,
        ..SimConfig::default()
    };
    let mut h = Harness::start(config, None, Some("postgres")).await;
    h.wait_for(20, "the list", |s| s.contains("postgresql-k8s"))
        .await;
    h.key(KeyCode::Enter);
    h.wait_for(10, "the set with its claims", |s| {
        s.contains("postgresql-k8s-1") && s.contains("2 Bound")
    })
    .await;
    h.wait_synced(20).await;
    h.key(KeyCode::Down);
    let claim = "pgdata-postgresql-k8s-1";
    for (bad, why) in [
        ("abc", "abc is not a size"),
        ("-5Gi", "a size cannot be negative"),
        ("10", "10 means 10 bytes: add a unit"),
        ("10Gi", "claims cannot shrink: 10Gi is below"),
        ("20Gi", "already has 20Gi"),
    ] {
        h.key(KeyCode::Char('e'));
        h.keys(bad);
        h.key(KeyCode::Enter);
        let screen = h.screen();
        assert!(
            screen.contains(&format!("Expand claim postgres/{claim}")),
            "the dialog stays open for {bad:?}: {screen}"
        );
        assert!(screen.contains(why), "{bad:?} says why: {screen}");
        assert_eq!(h.execute_effects().await, 0, "{bad:?} sends nothing");
        h.key(KeyCode::Esc);
    }

    h.key(KeyCode::Char('e'));
    h.keys("30Gi");
    let screen = h.screen();
    let body = r#"{"spec":{"resources":{"requests":{"storage":"30Gi"}}}}"#;
    assert!(screen.contains(body), "the patch is shown: {screen}");
    assert!(screen.contains(&format!(
        "/api/v1/namespaces/postgres/persistentvolumeclaims/{claim}"
    )));
    assert!(screen.contains("kubectl -n postgres patch pvc"), "{screen}");
    h.key(KeyCode::Enter);
    assert_eq!(h.execute_effects().await, 1);
    let claims: Api<PersistentVolumeClaim> = Api::namespaced(h.client.clone(), "postgres");
    let c = claims.get(claim).await.unwrap();
    let requested = &c.spec.unwrap().resources.unwrap().requests.unwrap()["storage"];
    assert_eq!(requested.0, "30Gi");
    // ceph-xfs: Resizing for 4 minutes, FileSystemResizePending for 2 (at 60x).
    h.wait_for(20, "Resizing", |s| {
        s.contains(&format!("{claim}: Resizing"))
    })
    .await;
    h.wait_for(30, "the new capacity", |s| {
        s.contains(&format!("done: {claim} now has 30Gi"))
    })
    .await;
}
