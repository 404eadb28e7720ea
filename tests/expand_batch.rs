//! Expanding from the keyboard, end to end against the sim: the batch form
//! (every claim of a template, `E` or Tab in the `e` dialog) sends one patch
//! per claim, skips claims already large enough, reports each result (one
//! refused by a ResourceQuota does not hide the others) and follows the rest
//! to their new capacity; every refusal (a bad size, a class without
//! expansion, `--read-only`, RBAC) sends nothing and says why.

mod common;

use common::tui::Harness;
use crossterm::event::KeyCode;
use jiff::Timestamp;
use k8s_openapi::api::core::v1::PersistentVolumeClaim;
use kube::api::Api;
use ordinal::app::App;
use ordinal::cluster::access;
use ordinal::sim::auth::{Rule, User, Users};
use ordinal::sim::refusal::Refusal;
use ordinal::sim::server::SimConfig;
use ordinal::ui::model::{FrameView, ScreenView};
use ordinal::ui::{self, theme::Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn scenario(name: &str, speed: f64) -> SimConfig {
    SimConfig {
        scenario: Some(name.into()),
        speed,
        ..SimConfig::default()
    }
}

/// The PATCH requests the sim received (the sim's own request log).
fn patches(h: &Harness) -> Vec<String> {
    h.sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .map(|r| r.path)
        .collect()
}

async fn requested(h: &Harness, ns: &str, claim: &str) -> String {
    let claims: Api<PersistentVolumeClaim> = Api::namespaced(h.client.clone(), ns);
    let c = claims.get(claim).await.unwrap();
    c.spec.unwrap().resources.unwrap().requests.unwrap()["storage"]
        .0
        .clone()
}

async fn open_set(h: &mut Harness, name: &str) {
    h.wait_for(20, "the list", |s| s.contains(name)).await;
    h.key(KeyCode::Char('/'));
    h.keys(name);
    h.key(KeyCode::Enter);
    h.key(KeyCode::Enter);
    h.wait_for(10, "the set screen", |s| s.contains(&format!("{name}-0")))
        .await;
}

/// The dialog as drawn over a plain screen (the set screen behind it shows
/// ages that tick), at `w`x`h`.
fn dialog_snapshot(app: &App, w: u16, h: u16) -> String {
    let mut frame: FrameView = app.frame_view(Timestamp::now(), "00:00:00");
    frame.screen = ScreenView::Message {
        title: "postgres/postgresql-k8s".into(),
        lines: vec![],
    };
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    let theme = Theme::mono();
    t.draw(|f| ui::draw(f, &frame, &theme)).unwrap();
    let buffer = t.backend().buffer().clone();
    buffer
        .content
        .chunks(w as usize)
        .map(|row| {
            row.iter()
                .map(|c| c.symbol())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_batch_expands_each_claim_reports_each_result_and_follows_the_rest() {
    let mut h = Harness::start(scenario("ceph", 60.0), None, Some("postgres")).await;
    // The namespace's ResourceQuota has room for one more 30Gi claim only.
    h.sim.refuse(Refusal::storage_quota(
        "postgres",
        "pgdata-postgresql-k8s-2",
        "30Gi",
        "80Gi",
        "100Gi",
    ));
    h.wait_for(20, "the list", |s| s.contains("postgresql-k8s"))
        .await;
    h.key(KeyCode::Enter);
    h.wait_for(10, "the set with its claims", |s| {
        s.contains("postgresql-k8s-1") && s.contains("2 Bound")
    })
    .await;
    h.wait_for(10, "every kind synced", |s| s.contains("✓ live"))
        .await;
    h.key(KeyCode::Down);

    // From the one-claim dialog, Tab widens it to every claim of the template.
    h.key(KeyCode::Char('e'));
    let screen = h.screen();
    assert!(screen.contains("Tab: every pgdata claim"), "{screen}");
    h.key(KeyCode::Tab);
    let title = "Expand every pgdata claim of postgres/postgresql-k8s";
    assert!(h.screen().contains(title), "{}", h.screen());
    h.key(KeyCode::Esc);

    for (bad, why) in [
        ("abc", "abc is not a size"),
        ("-5Gi", "a size cannot be negative"),
        ("10", "10 means 10 bytes: add a unit"),
        (
            "20Gi",
            "every claim of template pgdata already has 20Gi or more",
        ),
    ] {
        h.key(KeyCode::Char('E'));
        h.keys(bad);
        h.key(KeyCode::Enter);
        let screen = h.screen();
        assert!(
            screen.contains(title),
            "the dialog stays open for {bad:?}: {screen}"
        );
        assert!(screen.contains(why), "{bad:?} says why: {screen}");
        assert_eq!(h.execute_effects().await, 0, "{bad:?} sends nothing");
        h.key(KeyCode::Esc);
    }
    assert!(patches(&h).is_empty(), "no PATCH reached the server");

    h.key(KeyCode::Char('E'));
    h.keys("30Gi");
    let plan = h.screen();
    // The claim mid-expansion to 40Gi is listed and skipped, not failed.
    assert!(plan.contains("skipped: already has 40Gi"), "{plan}");
    assert!(plan.contains("20Gi → 30Gi"), "{plan}");
    assert!(
        plan.contains("online") && plan.contains("offline"),
        "{plan}"
    );
    let path = |n: i32| {
        format!("/api/v1/namespaces/postgres/persistentvolumeclaims/pgdata-postgresql-k8s-{n}")
    };
    assert!(plan.contains(&path(1)) && plan.contains(&path(2)), "{plan}");
    assert!(
        !plan.contains(&path(0)),
        "nothing is sent to the skipped claim: {plan}"
    );
    assert!(
        plan.contains("for c in pgdata-postgresql-k8s-1 pgdata-postgresql-k8s-2; do"),
        "{plan}"
    );
    insta::assert_snapshot!("batch_plan_80x24", dialog_snapshot(&h.app, 80, 24));
    insta::assert_snapshot!("batch_plan_160x48", dialog_snapshot(&h.app, 160, 48));

    h.key(KeyCode::Enter);
    assert_eq!(
        h.execute_effects().await,
        2,
        "one patch per claim to expand"
    );
    assert_eq!(patches(&h), [path(1), path(2)], "exactly the patches shown");
    assert_eq!(
        requested(&h, "postgres", "pgdata-postgresql-k8s-1").await,
        "30Gi"
    );
    assert_eq!(
        requested(&h, "postgres", "pgdata-postgresql-k8s-2").await,
        "20Gi"
    );
    assert_eq!(
        requested(&h, "postgres", "pgdata-postgresql-k8s-0").await,
        "40Gi"
    );
    let results = h.screen();
    assert!(
        results.contains("expanded 1 of 2 claims to 30Gi"),
        "the summary: {results}"
    );
    assert!(
        results.contains("exceeded quota: storage"),
        "the refusal verbatim: {results}"
    );
    assert!(
        results.contains("accepted"),
        "the other claim's result: {results}"
    );
    insta::assert_snapshot!("batch_results_80x24", dialog_snapshot(&h.app, 80, 24));
    insta::assert_snapshot!("batch_results_160x48", dialog_snapshot(&h.app, 160, 48));

    // ceph-xfs: Resizing for 4 minutes, FileSystemResizePending for 2 (at 60x).
    let done = h
        .wait_for(30, "the new capacity", |s| {
            s.contains("done: now has 30Gi")
                && s.contains("done: expanded 1 of 2 claims to 30Gi, all at the new size")
        })
        .await;
    assert!(
        done.contains("pgdata-postgresql-k8s-2: 403 Forbidden"),
        "the failure stays in the summary: {done}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_class_without_expansion_is_refused_in_both_dialogs_and_nothing_is_sent() {
    let mut h = Harness::start(scenario("blog", 1.0), None, Some("blog")).await;
    open_set(&mut h, "articledb").await;
    h.wait_for(10, "the claim bound", |s| s.contains("Bound"))
        .await;
    let why = "class local-path does not allow expansion";
    h.key(KeyCode::Char('e'));
    h.keys("20Gi");
    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains(why), "{screen}");
    assert!(
        screen.contains("nothing is sent until the input is valid"),
        "{screen}"
    );
    assert_eq!(h.execute_effects().await, 0);
    h.key(KeyCode::Esc);
    h.key(KeyCode::Char('E'));
    h.keys("20Gi");
    h.key(KeyCode::Enter);
    let screen = h.screen();
    assert!(screen.contains(why), "{screen}");
    assert!(screen.contains("refused:"), "each claim says why: {screen}");
    assert_eq!(h.execute_effects().await, 0);
    assert!(patches(&h).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_and_rbac_refuse_both_keys_before_anything_is_sent() {
    // --read-only: the keys are refused with the reason.
    let mut h = Harness::start(scenario("ceph", 1.0), None, Some("postgres")).await;
    h.app = App::new("demo", Some("postgres".into()), true);
    open_set(&mut h, "postgresql-k8s").await;
    for key in ['e', 'E'] {
        h.key(KeyCode::Char(key));
        let screen = h.screen();
        assert!(
            !screen.contains("Expand claim") && !screen.contains("Expand every"),
            "no dialog: {screen}"
        );
        assert!(screen.contains("not available: --read-only"), "{screen}");
        assert_eq!(h.execute_effects().await, 0);
    }
    assert!(patches(&h).is_empty());

    // RBAC: a user who may patch sets but not claims, as the access review
    // at start finds.
    let mut users = Users::default();
    users.add(
        "op",
        User {
            name: "operator".into(),
            rules: vec![
                Rule::new(&["get", "list", "watch"], &["*"], None),
                Rule::new(
                    &["patch", "delete"],
                    &["statefulsets", "statefulsets/scale", "pods"],
                    None,
                ),
            ],
        },
    );
    let config = SimConfig {
        users,
        ..scenario("ceph", 1.0)
    };
    let mut h = Harness::start(config, Some("op"), Some("postgres")).await;
    let permissions = access::check(&h.client, Some("postgres")).await;
    h.app.set_permissions(permissions);
    open_set(&mut h, "postgresql-k8s").await;
    for key in ['e', 'E'] {
        h.key(KeyCode::Char(key));
        let screen = h.screen();
        assert!(!screen.contains("Expand every"), "no dialog: {screen}");
        assert!(screen.contains("not available"), "{screen}");
        assert!(
            screen.contains("persistentvolumeclaims"),
            "says which permission: {screen}"
        );
        assert_eq!(h.execute_effects().await, 0);
    }
    assert!(patches(&h).is_empty());
    h.key(KeyCode::Char('?'));
    let help = h.screen();
    assert!(help.contains("(unavailable)"), "{help}");
}
