//! What the watches ask the server for, against the simulated cluster: only
//! StatefulSet Pods, only Warning events for the scope, the open set's
//! other events and revisions only while it is open; streaming lists with
//! paged ones as the fallback; a partial sync that claims nothing missing;
//! namespace-scoped users.

use std::time::Duration;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Event, Namespace, Node, ObjectReference, Pod};
use kube::api::{Api, ObjectMeta, Patch, PatchParams, PostParams};
use ordinal::app::App;
use ordinal::cluster::watch::{self, Backoff, Lists, OpenSet, Progress, Scope, Watches};
use ordinal::sim::auth::{User, Users};
use ordinal::sim::server::{LoggedRequest, SimConfig, SimServer};
use ordinal::store::{Kind, Store, StoreEvent, SyncState};
use ordinal::view;
use tokio::sync::mpsc;

fn config(users: Users) -> SimConfig {
    SimConfig {
        scenario: Some("mysql".into()),
        users,
        ..SimConfig::default()
    }
}

fn backoff() -> Backoff {
    Backoff {
        initial: Duration::from_millis(50),
        max: Duration::from_millis(200),
    }
}

/// The watches of `scope` feeding a store.
struct Feeding {
    app: App,
    rx: mpsc::UnboundedReceiver<StoreEvent>,
    watches: Watches,
}

impl Feeding {
    fn start(client: &kube::Client, scope: &Scope) -> Feeding {
        let (tx, rx) = mpsc::unbounded_channel();
        let watches = watch::start_tracked(
            client,
            scope,
            &tx,
            backoff(),
            &Progress::default(),
            &Lists::default(),
        );
        Feeding {
            app: App::new("demo", None, true),
            rx,
            watches,
        }
    }

    fn pump(&mut self) {
        while let Ok(ev) = self.rx.try_recv() {
            self.app.apply(ev, Timestamp::now());
        }
    }

    async fn until(&mut self, what: &str, done: impl Fn(&Store) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            self.pump();
            if done(&self.app.store) {
                return;
            }
            let states: Vec<_> = Kind::ALL
                .iter()
                .map(|k| (k, self.app.store.sync(*k)))
                .collect();
            assert!(
                tokio::time::Instant::now() < deadline,
                "waited for {what}: {states:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn synced(&mut self) {
        self.until("every kind listed", |s| {
            Kind::ALL.iter().all(|k| s.is_synced(*k))
        })
        .await;
    }
}

/// The requests on a resource collection (`/pods`, `/namespaces/x/pods`).
fn on(requests: &[LoggedRequest], resource: &str) -> Vec<LoggedRequest> {
    requests
        .iter()
        .filter(|r| r.path.ends_with(&format!("/{resource}")))
        .cloned()
        .collect()
}

async fn stray_pod_and_its_events(client: &kube::Client) {
    let pods: Api<Pod> = Api::namespaced(client.clone(), "mysql");
    let pod: Pod = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "stray", "labels": {"app": "cron"}},
        "spec": {"containers": [{"name": "c", "image": "busybox"}]},
    }))
    .unwrap();
    pods.create(&PostParams::default(), &pod).await.unwrap();
    let events: Api<Event> = Api::namespaced(client.clone(), "mysql");
    for (name, type_) in [("stray.warn", "Warning"), ("stray.normal", "Normal")] {
        let event = Event {
            metadata: ObjectMeta {
                name: Some(name.into()),
                namespace: Some("mysql".into()),
                ..Default::default()
            },
            involved_object: ObjectReference {
                kind: Some("Pod".into()),
                name: Some("stray".into()),
                namespace: Some("mysql".into()),
                ..Default::default()
            },
            type_: Some(type_.into()),
            reason: Some("BackOff".into()),
            message: Some("Back-off restarting failed container".into()),
            ..Default::default()
        };
        events.create(&PostParams::default(), &event).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unrelated_pods_and_their_events_never_reach_the_store() {
    let sim = SimServer::start(config(Users::default())).await.unwrap();
    let client = sim.client(None);
    stray_pod_and_its_events(&client).await;
    let mut f = Feeding::start(&client, &Scope::All);
    f.synced().await;

    assert!(
        f.app.store.pod("mysql", "mysql-0").is_some(),
        "set Pods arrive"
    );
    assert!(
        f.app.store.pod("mysql", "stray").is_none(),
        "no set owns it"
    );
    assert!(
        f.app.store.events(None).all(|e| e.involved.2 != "stray"),
        "events about it stay on the server"
    );
    assert!(
        f.app.store.events(None).next().is_some(),
        "Warning events arrive"
    );
    assert!(f.app.store.events(None).all(|e| e.type_ == "Warning"));
    assert_eq!(f.app.store.count(Kind::Revision), 0, "no set is open");

    let log = sim.requests();
    let pods = on(&log, "pods");
    assert!(!pods.is_empty());
    for r in pods.iter().filter(|r| r.method == "GET") {
        assert_eq!(
            r.param("labelSelector").as_deref(),
            Some(watch::SET_POD_LABEL),
            "{r:?}"
        );
    }
    let events = on(&log, "events");
    assert!(events.iter().any(|r| r.method == "GET"));
    for r in events.iter().filter(|r| r.method == "GET") {
        let expected = if r.path == "/api/v1/events" {
            watch::WARNINGS_NOT_PODS
        } else {
            // Pod warnings: only where sets live.
            assert_eq!(r.path, "/api/v1/namespaces/mysql/events", "{r:?}");
            watch::WARNINGS_OF_PODS
        };
        assert_eq!(r.param("fieldSelector").as_deref(), Some(expected), "{r:?}");
    }
    assert!(on(&log, "controllerrevisions").is_empty(), "{log:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_set_watches_its_events_and_revisions_until_it_closes() {
    let sim = SimServer::start(config(Users::default())).await.unwrap();
    let client = sim.client(None);
    let mut f = Feeding::start(&client, &Scope::All);
    f.synced().await;
    let selector = f.app.store.set("mysql", "mysql").unwrap().selector.clone();
    let set = OpenSet {
        namespace: "mysql".into(),
        name: "mysql".into(),
        selector: selector.clone(),
    };
    f.watches.follow(Some(set.clone()));
    let feeds = watch::open_set_feeds(&set);
    f.until("the open set's feeds", |s| {
        feeds.iter().all(|x| s.feed_listed(x))
    })
    .await;
    assert!(
        f.app
            .store
            .revisions_of_set("mysql", "mysql")
            .next()
            .is_some()
    );
    assert!(
        f.app
            .store
            .events(Some("mysql"))
            .any(|e| e.type_ != "Warning"),
        "the set's Normal events are in while it is open"
    );
    let log = sim.requests();
    let revisions = on(&log, "controllerrevisions");
    assert!(!revisions.is_empty());
    for r in &revisions {
        assert_eq!(r.path, "/apis/apps/v1/namespaces/mysql/controllerrevisions");
        assert_eq!(r.param("labelSelector"), Some(selector.clone()), "{r:?}");
    }
    assert!(
        on(&log, "events")
            .iter()
            .any(|r| r.path == "/api/v1/namespaces/mysql/events"
                && r.param("fieldSelector").as_deref() == Some("type!=Warning")),
        "{log:?}"
    );

    // Closed: its objects go, and its watches are gone for good.
    f.watches.follow(None);
    f.until("the open set's objects gone", |s| {
        s.count(Kind::Revision) == 0 && s.events(None).all(|e| e.type_ == "Warning")
    })
    .await;
    assert!(f.watches.feeds().iter().all(|x| !x.on_demand()));
    let before = sim.requests().len();
    let revision_requests = on(&sim.requests(), "controllerrevisions").len();
    // Every open watch is cut: the running ones come back, stopped ones do not.
    sim.drop_watches();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while on(&sim.requests()[before..], "pods").is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the Pod watch came back"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        on(&sim.requests(), "controllerrevisions").len(),
        revision_requests
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_stream_where_the_server_can() {
    let sim = SimServer::start(config(Users::default())).await.unwrap();
    let mut f = Feeding::start(&sim.client(None), &Scope::All);
    f.synced().await;
    let pods = on(&sim.requests(), "pods");
    assert!(
        pods.iter()
            .any(|r| r.param("sendInitialEvents").as_deref() == Some("true")),
        "{pods:?}"
    );
    assert!(pods.iter().all(|r| r.is_watch()), "no plain list: {pods:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_are_paged_where_the_server_cannot_stream() {
    let sim = SimServer::start(config(Users::default())).await.unwrap();
    sim.refuse_streaming_lists(true);
    let mut f = Feeding::start(&sim.client(None), &Scope::All);
    f.synced().await;
    assert!(f.app.store.pod("mysql", "mysql-0").is_some());
    let pods = on(&sim.requests(), "pods");
    let paged: Vec<_> = pods
        .iter()
        .filter(|r| !r.is_watch() && r.param("limit").as_deref() == Some("500"))
        .collect();
    assert!(!paged.is_empty(), "{pods:?}");
    // After the refusal, no feed asks for a streaming list again.
    let sets = on(&sim.requests(), "statefulsets");
    let refused = sets
        .iter()
        .filter(|r| r.param("sendInitialEvents").is_some())
        .count();
    assert!(refused <= 1, "{sets:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_pods_are_listed_no_finding_claims_anything() {
    let sim = SimServer::start(config(Users::default())).await.unwrap();
    sim.delay_lists("pods", Duration::from_secs(3));
    let mut f = Feeding::start(&sim.client(None), &Scope::All);
    f.until("everything but Pods", |s| {
        Kind::ALL
            .iter()
            .filter(|k| **k != Kind::Pod)
            .all(|k| s.is_synced(*k))
    })
    .await;
    assert_eq!(*f.app.store.sync(Kind::Pod), SyncState::Syncing);
    let now = Timestamp::now();
    let rows = view::set_rows(&f.app.store, &view::Scope::all(), "", now);
    assert!(!rows.is_empty(), "sets show before their Pods");
    for r in &rows {
        assert!(r.syncing, "{r:?}");
        assert_eq!(r.rollout, "syncing…", "not 'creating': {r:?}");
        assert_eq!(r.findings, 0, "{r:?}");
    }
    assert_eq!(
        view::findings(&f.app.store, &view::Scope::all(), now),
        vec![]
    );
    let summary = view::sync_summary(&f.app.store, now);
    assert_eq!(summary.received[1], Some(0), "the Pod list is under way");

    f.synced().await;
    let rows = view::set_rows(&f.app.store, &view::Scope::all(), "", Timestamp::now());
    assert!(rows.iter().all(|r| !r.syncing && r.rollout != "syncing…"));
    assert!(
        !view::findings(&f.app.store, &view::Scope::all(), Timestamp::now()).is_empty(),
        "mysql-2 is not ready: findings come once the Pods are in"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_namespaces_are_watched_one_by_one() {
    let mut users = Users::default();
    users.add("dev", User::namespace_viewer("dev", &["mysql", "kafka"]));
    let mut sim_config = config(users);
    sim_config.scenario = Some("all".into());
    let sim = SimServer::start(sim_config).await.unwrap();
    let scope = Scope::Namespaces(vec!["mysql".into(), "kafka".into()]);
    let mut f = Feeding::start(&sim.client(Some("dev")), &scope);
    f.until("both namespaces' sets and Pods", |s| {
        s.is_synced(Kind::StatefulSet) && s.is_synced(Kind::Pod)
    })
    .await;
    assert!(f.app.store.set("mysql", "mysql").is_some());
    assert!(f.app.store.set("kafka", "kafka").is_some());
    assert!(
        f.app
            .store
            .sets(None)
            .all(|s| s.namespace == "mysql" || s.namespace == "kafka")
    );
    // The app shows both (the store holds just those) and says which.
    f.app.set_namespaces(vec!["mysql".into(), "kafka".into()]);
    let frame = f.app.frame_view(Timestamp::now(), "00:00:00");
    assert_eq!(frame.title.namespace, "mysql,kafka");
    let ordinal::ui::model::ScreenView::List { rows, .. } = &frame.screen else {
        panic!("the list")
    };
    let shown: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r.namespace.as_str()).collect();
    assert_eq!(shown, ["kafka", "mysql"].into());
    assert!(frame.status.message.is_none(), "no -A hint");
    let pods = on(&sim.requests(), "pods");
    assert!(
        pods.iter()
            .any(|r| r.path == "/api/v1/namespaces/mysql/pods")
    );
    assert!(
        pods.iter()
            .any(|r| r.path == "/api/v1/namespaces/kafka/pods")
    );
    assert!(pods.iter().all(|r| r.path != "/api/v1/pods"), "{pods:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_namespaces_for_a_namespace_user_says_to_use_n() {
    let mut users = Users::default();
    users.add("dev", User::namespace_viewer("dev", &["mysql"]));
    let sim = SimServer::start(config(users)).await.unwrap();
    let mut f = Feeding::start(&sim.client(Some("dev")), &Scope::All);
    f.until("the Pods forbidden", |s| {
        matches!(s.sync(Kind::Pod), SyncState::Forbidden { .. })
    })
    .await;
    let mut app = App::new("demo", None, true);
    while let Ok(ev) = f.rx.try_recv() {
        app.apply(ev, Timestamp::now());
    }
    app.apply(
        StoreEvent::WatchError {
            kind: Kind::Pod,
            message: "pods is forbidden (403)".into(),
            forbidden: true,
        },
        Timestamp::now(),
    );
    let frame = app.frame_view(Timestamp::now(), "00:00:00");
    let (_, message) = frame.status.message.expect("a hint");
    assert!(message.contains("-n NAMESPACE"), "{message}");
    assert!(message.contains("Pods"), "{message}");
    // Watching a namespace they may read: no hint.
    let mut scoped = App::new("demo", Some("mysql".into()), true);
    scoped.apply(
        StoreEvent::WatchError {
            kind: Kind::Pod,
            message: "pods is forbidden (403)".into(),
            forbidden: true,
        },
        Timestamp::now(),
    );
    let frame = scoped.frame_view(Timestamp::now(), "00:00:00");
    assert!(frame.status.message.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_switcher_picks_several_namespaces() {
    use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
    let mut sim_config = config(Users::default());
    sim_config.scenario = Some("all".into());
    let sim = SimServer::start(sim_config).await.unwrap();
    let mut f = Feeding::start(&sim.client(None), &Scope::All);
    f.synced().await;
    f.app.take_effects();
    let mut key = |code| {
        let ev = TermEvent::Key(KeyEvent::new(code, KeyModifiers::NONE));
        f.app.on_event(&ev, Timestamp::now());
    };
    key(KeyCode::Char('n'));
    for ns in ["kafka", "mysql"] {
        for c in ns.chars() {
            key(KeyCode::Char(c));
        }
        key(KeyCode::Char(' '));
        for _ in ns.chars() {
            key(KeyCode::Backspace);
        }
    }
    key(KeyCode::Enter);
    let effects = f.app.take_effects();
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, ordinal::app::Effect::Rewatch(Some(ns)) if ns == "kafka,mysql")),
        "{effects:?}"
    );
    let frame = f.app.frame_view(Timestamp::now(), "00:00:00");
    assert_eq!(frame.title.namespace, "kafka,mysql");
}

/// A Warning event about `pod` in `namespace`.
async fn warning_about(client: &kube::Client, namespace: &str, name: &str, pod: &str) {
    let events: Api<Event> = Api::namespaced(client.clone(), namespace);
    let event = Event {
        metadata: ObjectMeta {
            name: Some(name.into()),
            namespace: Some(namespace.into()),
            ..Default::default()
        },
        involved_object: ObjectReference {
            kind: Some("Pod".into()),
            name: Some(pod.into()),
            namespace: Some(namespace.into()),
            ..Default::default()
        },
        type_: Some("Warning".into()),
        reason: Some("BackOff".into()),
        message: Some("Back-off restarting failed container".into()),
        ..Default::default()
    };
    events.create(&PostParams::default(), &event).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pod_warnings_are_asked_for_only_where_sets_live() {
    let sim = SimServer::start(config(Users::default())).await.unwrap();
    let client = sim.client(None);
    let namespaces: Api<Namespace> = Api::all(client.clone());
    let ns: Namespace =
        serde_json::from_value(serde_json::json!({"metadata": {"name": "batch"}})).unwrap();
    namespaces
        .create(&PostParams::default(), &ns)
        .await
        .unwrap();
    // `batch-0` would pass for an ordinal Pod's name: only the namespace
    // keeps its warning off the wire.
    warning_about(&client, "batch", "batch-0.warn", "batch-0").await;
    let mut f = Feeding::start(&client, &Scope::All);
    f.synced().await;
    assert!(f.app.store.events(Some("batch")).next().is_none());
    let log = sim.requests();
    let events: Vec<_> = on(&log, "events")
        .into_iter()
        .filter(|r| r.method == "GET")
        .collect();
    assert!(
        events
            .iter()
            .any(|r| r.path == "/api/v1/namespaces/mysql/events"),
        "{events:?}"
    );
    for r in &events {
        assert!(
            r.path == "/api/v1/namespaces/mysql/events"
                || r.param("fieldSelector").as_deref() == Some(watch::WARNINGS_NOT_PODS),
            "a request that selects Pod warnings in batch: {r:?}"
        );
    }
    assert!(
        f.watches
            .feeds()
            .contains(&watch::pod_warnings_feed("mysql"))
    );
    assert!(
        !f.watches
            .feeds()
            .contains(&watch::pod_warnings_feed("batch"))
    );

    // A warning about a set's Pod still shows, and so does one about the
    // set itself (the other watch).
    warning_about(&client, "mysql", "mysql-0.late", "mysql-0").await;
    f.until("the warning about mysql-0", |s| {
        s.events(Some("mysql")).any(|e| e.name == "mysql-0.late")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_come_as_table_rows_and_only_unready_ones_in_full() {
    let sim = SimServer::start(config(Users::default())).await.unwrap();
    let client = sim.client(None);
    let mut f = Feeding::start(&client, &Scope::All);
    f.synced().await;
    let names: Vec<String> = f.app.store.nodes().map(|n| n.name.clone()).collect();
    assert!(!names.is_empty());
    assert!(
        f.app
            .store
            .nodes()
            .all(|n| n.is_ready() && !n.unschedulable)
    );
    let nodes = on(&sim.requests(), "nodes");
    assert!(!nodes.is_empty());
    for r in &nodes {
        assert_eq!(r.param("includeObject").as_deref(), Some("None"), "{r:?}");
    }
    assert!(
        !sim.requests()
            .iter()
            .any(|r| r.path.starts_with("/api/v1/nodes/")),
        "every Node is Ready: none fetched in full"
    );

    // Cordoned: the table's Status says SchedulingDisabled.
    let api: Api<Node> = Api::all(client.clone());
    let cordoned = &names[0];
    api.patch(
        cordoned,
        &PatchParams::default(),
        &Patch::Merge(serde_json::json!({"spec": {"unschedulable": true}})),
    )
    .await
    .unwrap();
    f.until("the cordon", |s| {
        s.node(cordoned)
            .is_some_and(|n| n.unschedulable && n.is_ready())
    })
    .await;

    // Lost: the Node is fetched in full for its condition's status and
    // reason, which the findings quote; no other Node is.
    let pod = f.app.store.pod("mysql", "mysql-0").unwrap().node.clone();
    sim.with_state(|s| ordinal::sim::controllers::kubelet::fail_node(s, &pod));
    sim.advance(Duration::from_secs(400));
    f.until("the node unreachable", |s| {
        s.node(&pod)
            .is_some_and(|n| n.ready == "Unknown" && !n.ready_reason.is_empty())
    })
    .await;
    let full: Vec<String> = sim
        .requests()
        .iter()
        .filter_map(|r| r.path.strip_prefix("/api/v1/nodes/").map(String::from))
        .collect();
    assert!(!full.is_empty());
    assert!(full.iter().all(|n| *n == pod), "{full:?}");
}
