//! Actions from the keyboard, end to end: keys open a dialog, the input is
//! validated, Enter sends exactly one request, and the cluster and the
//! screen follow. Bad input and refused users send nothing (or show the
//! server's refusal).

mod common;

use common::tui::Harness;
use crossterm::event::KeyCode;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;
use kube::api::Api;
use ordinal::cluster::access;
use ordinal::sim::auth::{User, Users};
use ordinal::sim::server::SimConfig;

fn demo(scenario: &str) -> SimConfig {
    SimConfig {
        scenario: Some(scenario.into()),
        speed: 20.0,
        ..SimConfig::default()
    }
}

/// Opens the set `name` from the list (filtering by name).
async fn open_set(h: &mut Harness, name: &str) {
    h.wait_for(20, "the list", |s| s.contains(name)).await;
    h.key(KeyCode::Char('/'));
    h.keys(name);
    h.key(KeyCode::Enter);
    h.key(KeyCode::Enter);
    h.wait_for(10, "the set screen", |s| s.contains(&format!("{name}-0")))
        .await;
}

async fn replicas(h: &Harness, ns: &str, name: &str) -> i32 {
    let sets: Api<StatefulSet> = Api::namespaced(h.client.clone(), ns);
    sets.get(name)
        .await
        .unwrap()
        .spec
        .unwrap()
        .replicas
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scale_from_the_keyboard_creates_the_new_ordinals() {
    let mut h = Harness::start(demo("blog"), None, None).await;
    open_set(&mut h, "articledb").await;
    h.key(KeyCode::Char('s'));
    h.key(KeyCode::Backspace);
    h.keys("3");
    let screen = h.screen();
    assert!(
        screen.contains("PATCH /apis/apps/v1/namespaces/blog/statefulsets/articledb/scale"),
        "{screen}"
    );
    assert!(
        screen.contains("kubectl -n blog scale statefulset articledb --replicas=3"),
        "{screen}"
    );
    assert_eq!(h.execute_effects().await, 0, "nothing is sent before Enter");
    h.key(KeyCode::Enter);
    assert_eq!(h.execute_effects().await, 1);
    assert_eq!(replicas(&h, "blog", "articledb").await, 3);
    h.wait_for(60, "articledb-1 and -2 running", |s| {
        ["articledb-1", "articledb-2"]
            .iter()
            .all(|p| s.lines().any(|l| l.contains(p) && l.contains("Running")))
    })
    .await;
    // The status line follows the rollout and says when it is done.
    h.wait_for(60, "done in the status line", |s| {
        s.contains("done: scaled")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_sends_nothing() {
    let mut h = Harness::start(demo("blog"), None, None).await;
    open_set(&mut h, "rankdb").await;
    for bad in ["x", "-2", "99999999999", "", "2.5"] {
        h.key(KeyCode::Char('s'));
        h.key(KeyCode::Backspace);
        h.keys(bad);
        h.key(KeyCode::Enter);
        let screen = h.screen();
        assert!(
            screen.contains("Scale blog/rankdb"),
            "the dialog stays open for {bad:?}: {screen}"
        );
        assert!(
            screen.contains('✖'),
            "an inline error for {bad:?}: {screen}"
        );
        h.key(KeyCode::Esc);
        assert!(!h.screen().contains("Scale blog/rankdb"));
    }
    // Esc mid-way through a valid input sends nothing either.
    h.key(KeyCode::Char('s'));
    h.keys("4");
    h.key(KeyCode::Esc);
    assert_eq!(h.execute_effects().await, 0);
    assert_eq!(replicas(&h, "blog", "rankdb").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn force_deleting_an_unknown_pod_lets_the_set_recreate_it() {
    let mut h = Harness::start(demo("nfs"), None, None).await;
    open_set(&mut h, "sample-statefulset").await;
    h.wait_for(10, "ordinal 1 Unknown", |s| {
        s.lines()
            .any(|l| l.contains("sample-statefulset-1") && l.contains("Unknown"))
    })
    .await;
    let pods: Api<Pod> = Api::namespaced(h.client.clone(), "nfs-demo");
    let before = pods.get("sample-statefulset-1").await.unwrap().metadata.uid;
    h.key(KeyCode::Down);
    h.key(KeyCode::Char('D'));
    let screen = h.screen();
    assert!(
        screen.contains("Force delete Pod nfs-demo/sample-statefulset-1"),
        "{screen}"
    );
    assert!(screen.contains("gracePeriodSeconds"), "{screen}");
    h.key(KeyCode::Enter);
    assert_eq!(h.execute_effects().await, 1);
    let mut recreated = false;
    for _ in 0..200 {
        if let Ok(Some(p)) = pods.get_opt("sample-statefulset-1").await
            && p.metadata.uid != before
        {
            recreated = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        recreated,
        "the set recreates ordinal 1 once the old Pod is gone"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rolling_restart_sets_the_annotation_kubectl_uses() {
    let mut h = Harness::start(demo("blog"), None, None).await;
    open_set(&mut h, "userdb").await;
    h.key(KeyCode::Char('r'));
    assert!(h.screen().contains("kubectl.kubernetes.io/restartedAt"));
    h.key(KeyCode::Enter);
    assert_eq!(h.execute_effects().await, 1);
    let sets: Api<StatefulSet> = Api::namespaced(h.client.clone(), "blog");
    let template = sets.get("userdb").await.unwrap().spec.unwrap().template;
    let annotations = template.metadata.unwrap().annotations.unwrap();
    assert!(annotations.contains_key("kubectl.kubernetes.io/restartedAt"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_user_is_refused_before_sending_and_a_race_shows_the_403() {
    let mut users = Users::default();
    users.add("ro", User::read_only("auditor"));
    let config = SimConfig {
        users,
        ..demo("blog")
    };
    let mut h = Harness::start(config, Some("ro"), None).await;
    // Without asking the API first, the server's refusal shows in the dialog.
    open_set(&mut h, "articledb").await;
    h.key(KeyCode::Char('+'));
    h.key(KeyCode::Enter);
    assert_eq!(h.execute_effects().await, 1);
    let screen = h.screen();
    assert!(screen.contains("403"), "{screen}");
    assert!(screen.contains("forbidden"), "{screen}");
    assert_eq!(replicas(&h, "blog", "articledb").await, 1);
    h.key(KeyCode::Esc);

    // Having asked (SelfSubjectAccessReview), the key is refused up front.
    let permissions = access::check(&h.client, Some("blog")).await;
    h.app.set_permissions(permissions);
    h.key(KeyCode::Char('s'));
    let screen = h.screen();
    assert!(
        !screen.contains("Scale blog/articledb"),
        "no dialog: {screen}"
    );
    assert!(screen.contains("not available"), "{screen}");
    assert_eq!(h.execute_effects().await, 0);
    h.key(KeyCode::Char('?'));
    let help = h.screen();
    assert!(help.contains("(unavailable)"), "{help}");
}

/// The `--tour` script, with its waits shortened, walks the demo cluster and
/// its actions really happen: the script and the demo stay in step.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tour_walks_the_demo_and_its_actions_happen() {
    use ordinal::app::tour;
    let mut h = Harness::start(demo("all"), None, None).await;
    h.wait_for(30, "the whole demo list", |s| {
        s.contains("sample-statefu") && s.contains("mysql")
    })
    .await;
    let steps: Vec<tour::Step> = tour::parse(tour::BUILTIN)
        .unwrap()
        .into_iter()
        .map(|mut s| {
            s.wait = std::time::Duration::from_millis(200);
            s
        })
        .collect();
    h.app.start_tour(steps);
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    while !h.app.quit {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the tour did not finish"
        );
        h.app.on_tick(jiff::Timestamp::now());
        h.execute_effects().await;
        h.pump();
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let sets: Api<StatefulSet> = Api::namespaced(h.client.clone(), "nfs-demo");
    let set = sets.get("sample-statefulset").await.unwrap();
    let spec = set.spec.unwrap();
    assert_eq!(spec.replicas, Some(4), "scaled up by one");
    let annotations = spec
        .template
        .metadata
        .unwrap()
        .annotations
        .unwrap_or_default();
    assert!(
        annotations.contains_key("kubectl.kubernetes.io/restartedAt"),
        "restarted"
    );
    let partition = spec
        .update_strategy
        .unwrap()
        .rolling_update
        .unwrap()
        .partition;
    assert_eq!(partition, Some(0), "stepped from 1 to 0");
}
