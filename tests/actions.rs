//! Actions executed against the simulated cluster: each is previewed from a
//! store filled from the API, sent with `execute`, and the cluster's state
//! is checked as simulated time moves.

mod common;

use std::time::Duration;

use common::observe::*;
use common::*;
use jiff::Timestamp;
use k8s_openapi::api::apps::v1::{ControllerRevision, StatefulSet};
use k8s_openapi::api::core::v1::{Node, PersistentVolume, PersistentVolumeClaim, Pod};
use k8s_openapi::api::storage::v1::StorageClass;
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams};
use ordinal::action::{self, Action, ActionKind};
use ordinal::cluster::access::{self, Permissions};
use ordinal::cluster::actions::Execute;
use ordinal::sim::auth::{User, Users};
use ordinal::sim::server::{SimConfig, SimServer};
use ordinal::store::{Kind, Object, Store, StoreEvent};
use serde_json::json;

const NS: &str = "t";

async fn start(users: Users) -> SimServer {
    SimServer::start(SimConfig {
        scenario: Some("base".into()),
        auto_tick: false,
        users,
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

/// The base cluster plus namespace `t` and a ready set `web` of `replicas`.
async fn cluster_with(set: StatefulSet) -> (SimServer, kube::Client) {
    let sim = start(Users::default()).await;
    let client = sim.client(None);
    setup(&sim, &client, set).await;
    (sim, client)
}

async fn setup(sim: &SimServer, client: &kube::Client, set: StatefulSet) {
    create_namespace(client, NS).await;
    let n = set.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1) as usize;
    sets(client)
        .create(&PostParams::default(), &set)
        .await
        .unwrap();
    observe(sim, &pods(client), 600, all_ready(n)).await;
}

fn sets(c: &kube::Client) -> Api<StatefulSet> {
    Api::namespaced(c.clone(), NS)
}
fn pods(c: &kube::Client) -> Api<Pod> {
    Api::namespaced(c.clone(), NS)
}
fn claims(c: &kube::Client) -> Api<PersistentVolumeClaim> {
    Api::namespaced(c.clone(), NS)
}

/// The store as the watchers would fill it, from one list of each kind.
async fn snapshot(client: &kube::Client) -> Store {
    async fn list<K>(api: Api<K>) -> Vec<Object>
    where
        K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
        for<'a> Object: From<&'a K>,
    {
        api.list(&ListParams::default())
            .await
            .unwrap()
            .items
            .iter()
            .map(Object::from)
            .collect()
    }
    let c = client.clone();
    let now = Timestamp::now();
    let mut store = Store::new();
    let lists = [
        (Kind::StatefulSet, list(sets(&c)).await),
        (Kind::Pod, list(pods(&c)).await),
        (Kind::Claim, list(claims(&c)).await),
        (
            Kind::Revision,
            list(Api::<ControllerRevision>::namespaced(c.clone(), NS)).await,
        ),
        (
            Kind::Volume,
            list(Api::<PersistentVolume>::all(c.clone())).await,
        ),
        (
            Kind::StorageClass,
            list(Api::<StorageClass>::all(c.clone())).await,
        ),
        (Kind::Node, list(Api::<Node>::all(c.clone())).await),
        (Kind::Event, Vec::new()),
    ];
    for (kind, objects) in lists {
        store.apply(StoreEvent::Restarted(kind, objects), now);
    }
    store
}

fn scale(replicas: i32) -> Action {
    Action::Scale {
        namespace: NS.into(),
        name: "web".into(),
        replicas,
    }
}

fn partition(p: i32) -> Action {
    Action::SetPartition {
        namespace: NS.into(),
        name: "web".into(),
        partition: p,
    }
}

fn has(lines: &[String], needle: &str) -> bool {
    lines.iter().any(|l| l.contains(needle))
}

async fn claim_names(client: &kube::Client) -> Vec<String> {
    claims(client)
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter_map(|c| c.metadata.name)
        .collect()
}

async fn set_image(client: &kube::Client, image: &str) {
    let patch =
        json!({"spec": {"template": {"spec": {"containers": [{"name": "main", "image": image}]}}}});
    sets(client)
        .patch("web", &PatchParams::default(), &Patch::Strategic(patch))
        .await
        .unwrap();
}

#[tokio::test]
async fn scale_3_to_5_creates_3_then_4_and_5_to_3_deletes_4_then_3_keeping_claims() {
    let (sim, client) = cluster_with(statefulset("web", 3)).await;
    let store = snapshot(&client).await;
    let preview = action::scale_plan(&store, NS, "web", 5);
    assert!(has(&preview.lines, "Creates web-3 → web-4"), "{preview:?}");
    assert!(has(&preview.lines, "new claim data-web-3"), "{preview:?}");

    let done = scale(5).execute(&client).await.unwrap();
    assert_eq!(done, "scaled statefulset t/web to 5");
    let t = observe(&sim, &pods(&client), 600, all_ready(5)).await;
    assert!(t.created["web-4"] > t.created["web-3"], "{t:?}");
    assert!(t.created["web-4"] >= t.ready["web-3"], "{t:?}");
    assert_eq!(
        sets(&client)
            .get("web")
            .await
            .unwrap()
            .spec
            .unwrap()
            .replicas,
        Some(5)
    );

    let store = snapshot(&client).await;
    let preview = action::scale_plan(&store, NS, "web", 3);
    assert!(has(&preview.lines, "Deletes web-4 → web-3"), "{preview:?}");
    assert!(
        has(&preview.lines, "Keeps claims data-web-4, data-web-3"),
        "{preview:?}"
    );
    scale(3).execute(&client).await.unwrap();
    let t = observe(&sim, &pods(&client), 600, all_ready(3)).await;
    assert!(t.gone["web-4"] < t.gone["web-3"], "{t:?}");
    let names = claim_names(&client).await;
    assert!(names.contains(&"data-web-3".to_string()), "{names:?}");
    assert!(names.contains(&"data-web-4".to_string()), "{names:?}");

    // Scaling up again reuses what was kept.
    let store = snapshot(&client).await;
    let preview = action::scale_plan(&store, NS, "web", 4);
    assert!(
        has(&preview.lines, "web-3 reuses claim data-web-3"),
        "{preview:?}"
    );
}

#[tokio::test]
async fn with_when_scaled_delete_scaling_down_deletes_the_claims() {
    let mut set = statefulset("web", 3);
    set.spec
        .as_mut()
        .unwrap()
        .persistent_volume_claim_retention_policy = Some(
        serde_json::from_value(json!({"whenScaled": "Delete", "whenDeleted": "Retain"})).unwrap(),
    );
    let (sim, client) = cluster_with(set).await;
    let store = snapshot(&client).await;
    let preview = action::scale_plan(&store, NS, "web", 1);
    assert!(
        has(
            &preview.lines,
            "Deletes claim data-web-2 once its Pod is gone"
        ),
        "{preview:?}"
    );
    assert!(
        has(&preview.warnings, "whenScaled is Delete"),
        "{preview:?}"
    );
    assert!(has(&preview.warnings, "data of"), "{preview:?}");

    scale(1).execute(&client).await.unwrap();
    step_until(&sim, 800, async || {
        let names = claim_names(&client).await;
        (names == ["data-web-0"]).then_some(())
    })
    .await;
    assert_eq!(
        pods(&client)
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .len(),
        1
    );
}

#[tokio::test]
async fn restart_sets_the_annotation_and_rolls_2_1_0() {
    let (sim, client) = cluster_with(statefulset("web", 3)).await;
    let store = snapshot(&client).await;
    let preview = action::restart_plan(&store, NS, "web");
    assert!(
        has(&preview.lines, "Restarts web-2 → web-1 → web-0"),
        "{preview:?}"
    );
    assert!(preview.warnings.is_empty(), "{preview:?}");

    let old = revision(&pods(&client).get("web-0").await.unwrap());
    let action = Action::restart_now(NS, "web", Timestamp::now());
    let Action::Restart { at, .. } = &action else {
        unreachable!()
    };
    action.execute(&client).await.unwrap();
    let set = sets(&client).get("web").await.unwrap();
    let annotations = set
        .spec
        .unwrap()
        .template
        .metadata
        .unwrap()
        .annotations
        .unwrap();
    assert_eq!(annotations["kubectl.kubernetes.io/restartedAt"], *at);

    let t = observe(&sim, &pods(&client), 1200, |ps| {
        ps.len() == 3
            && ps.iter().all(|p| {
                is_ready(p) && revision(p) != old && p.metadata.deletion_timestamp.is_none()
            })
    })
    .await;
    assert_eq!(t.replaced, ["web-2", "web-1", "web-0"], "{t:?}");
}

#[tokio::test]
async fn partition_2_updates_only_ordinal_2_then_step_releases_ordinal_1() {
    let (sim, client) = cluster_with(statefulset("web", 3)).await;
    let old = revision(&pods(&client).get("web-0").await.unwrap());
    partition(2).execute(&client).await.unwrap();
    set_image(&client, "nginx:1.28").await;
    let new_rev = |ps: &[Pod], name: &str| {
        ps.iter()
            .any(|p| p.metadata.name.as_deref() == Some(name) && revision(p) != old && is_ready(p))
    };
    observe(&sim, &pods(&client), 600, |ps| new_rev(ps, "web-2")).await;
    // Give the controller time to (wrongly) go further.
    for _ in 0..80 {
        sim.advance(STEP);
    }
    for n in ["web-0", "web-1"] {
        assert_eq!(revision(&pods(&client).get(n).await.unwrap()), old, "{n}");
    }

    let store = snapshot(&client).await;
    let p = action::step_partition(&store, NS, "web").unwrap();
    assert_eq!(p, 1);
    let preview = action::partition_plan(&store, NS, "web", p).unwrap();
    assert!(
        has(&preview.lines, "highest first, one at a time: web-1"),
        "{preview:?}"
    );
    assert!(has(&preview.lines, "Stay on revision"), "{preview:?}");
    assert!(has(&preview.lines, "Already on revision"), "{preview:?}");
    partition(p).execute(&client).await.unwrap();
    observe(&sim, &pods(&client), 600, |ps| new_rev(ps, "web-1")).await;
    for _ in 0..80 {
        sim.advance(STEP);
    }
    assert_eq!(revision(&pods(&client).get("web-0").await.unwrap()), old);
    let set = sets(&client).get("web").await.unwrap();
    let ru = set
        .spec
        .unwrap()
        .update_strategy
        .unwrap()
        .rolling_update
        .unwrap();
    assert_eq!(ru.partition, Some(1));
}

#[tokio::test]
async fn rollback_to_the_previous_revision_restores_the_previous_template() {
    let (sim, client) = cluster_with(statefulset("web", 3)).await;
    let first = revision(&pods(&client).get("web-0").await.unwrap());
    set_image(&client, "nginx:1.28").await;
    observe(&sim, &pods(&client), 1200, |ps| {
        ps.len() == 3 && ps.iter().all(|p| is_ready(p) && revision(p) != first)
    })
    .await;

    let store = snapshot(&client).await;
    let choices = action::rollback_choices(&store, NS, "web", Timestamp::now());
    assert_eq!(choices.len(), 2, "{choices:?}");
    assert!(choices[0].is_update && choices[0].revision == 2);
    assert_eq!(choices[0].images, ["nginx:1.28"]);
    assert_eq!(choices[1].revision, 1);
    assert_eq!(choices[1].name, first);
    assert_eq!(choices[1].images, ["nginx:1.27"]);
    assert!(
        action::rollback_plan(&store, NS, "web", 2).is_err(),
        "already the template"
    );
    let preview = action::rollback_plan(&store, NS, "web", 1).unwrap();
    assert!(
        has(&preview.lines, "nginx:1.28 → nginx:1.27"),
        "{preview:?}"
    );
    assert!(
        has(&preview.lines, "Replaces web-2 → web-1 → web-0"),
        "{preview:?}"
    );

    let action = action::rollback_action(&store, NS, "web", 1).unwrap();
    assert_eq!(
        action.kubectl(),
        "kubectl -n t rollout undo statefulset web --to-revision=1"
    );
    action.execute(&client).await.unwrap();
    let set = sets(&client).get("web").await.unwrap();
    let image = set.spec.unwrap().template.spec.unwrap().containers[0]
        .image
        .clone();
    assert_eq!(image.as_deref(), Some("nginx:1.27"));
    observe(&sim, &pods(&client), 1200, |ps| {
        ps.len() == 3 && ps.iter().all(|p| is_ready(p) && revision(p) == first)
    })
    .await;
}

#[tokio::test]
async fn force_delete_of_an_unknown_pod_lets_the_set_recreate_it() {
    let (sim, client) = cluster_with(statefulset("web", 2)).await;
    let victim = pods(&client).get("web-1").await.unwrap();
    let node = victim.spec.as_ref().unwrap().node_name.clone().unwrap();
    sim.with_state(|s| ordinal::sim::controllers::kubelet::fail_node(s, &node));
    sim.advance(Duration::from_secs(400));

    let store = snapshot(&client).await;
    assert!(action::suggests_force(&store, NS, "web-1"));
    assert!(
        !action::suggests_force(&store, NS, "web-0") || {
            // web-0 may share the failed node.
            store.pod(NS, "web-0").unwrap().node == node
        }
    );
    let graceful = action::delete_pod_plan(&store, NS, "web-1", false);
    assert!(
        has(&graceful.warnings, "force delete (grace period 0)"),
        "{graceful:?}"
    );
    let forced = action::delete_pod_plan(&store, NS, "web-1", true);
    assert!(
        has(&forced.warnings, "two Pods with the same identity (web-1)"),
        "{forced:?}"
    );
    assert!(
        has(&forced.lines, "force delete lets the set recreate it"),
        "{forced:?}"
    );

    let done = Action::DeletePod {
        namespace: NS.into(),
        name: "web-1".into(),
        force: true,
    }
    .execute(&client)
    .await
    .unwrap();
    assert_eq!(done, "force deleted pod t/web-1");
    sim.advance(Duration::from_secs(30));
    let back = pods(&client).get("web-1").await.unwrap();
    assert_ne!(back.metadata.uid, victim.metadata.uid);
}

#[tokio::test]
async fn an_orphaned_claim_can_be_deleted_and_its_volume_follows_the_reclaim_policy() {
    let (sim, client) = cluster_with(statefulset("web", 3)).await;
    scale(2).execute(&client).await.unwrap();
    observe(&sim, &pods(&client), 600, all_ready(2)).await;
    let store = snapshot(&client).await;

    let used = action::delete_claim_plan(&store, NS, "data-web-0").unwrap_err();
    assert!(used.contains("used by Pod web-0"), "{used}");
    let preview = action::delete_claim_plan(&store, NS, "data-web-2").unwrap();
    assert!(has(&preview.lines, "Left over from web-2"), "{preview:?}");
    assert!(
        has(
            &preview.lines,
            "is deleted with its data (reclaim policy Delete)"
        ),
        "{preview:?}"
    );
    assert!(has(&preview.warnings, "cannot be recovered"), "{preview:?}");
    let volume = store.claim(NS, "data-web-2").unwrap().volume_name.clone();

    Action::DeleteClaim {
        namespace: NS.into(),
        name: "data-web-2".into(),
    }
    .execute(&client)
    .await
    .unwrap();
    let volumes: Api<PersistentVolume> = Api::all(client.clone());
    step_until(&sim, 400, async || {
        let claim_gone = !claim_names(&client)
            .await
            .contains(&"data-web-2".to_string());
        let volume_gone = volumes.get_opt(&volume).await.unwrap().is_none();
        (claim_gone && volume_gone).then_some(())
    })
    .await;
    assert_eq!(claim_names(&client).await, ["data-web-0", "data-web-1"]);
}

#[tokio::test]
async fn a_read_only_user_is_told_before_and_refused_readably_if_sent_anyway() {
    let mut users = Users::default();
    users.add("admin", User::admin("root"));
    users.add("ro", User::read_only("viewer"));
    let sim = start(users).await;
    let admin = sim.client(Some("admin"));
    setup(&sim, &admin, statefulset("web", 2)).await;
    let ro = sim.client(Some("ro"));

    let perms = access::check(&ro, Some(NS)).await;
    assert_eq!(perms.unchecked(), None);
    for kind in ActionKind::ALL {
        assert!(!perms.allows(kind), "{kind:?}");
    }
    let why = perms.denial(ActionKind::Scale).unwrap();
    assert!(
        why.contains("patch statefulsets/scale in namespace t"),
        "{why}"
    );
    assert!(
        perms
            .denial(ActionKind::DeleteClaim)
            .unwrap()
            .contains("delete persistentvolumeclaims")
    );
    assert_eq!(access::check(&admin, Some(NS)).await, Permissions::all());
    assert_eq!(access::check(&admin, None).await, Permissions::all());

    // Sent anyway (a race with a role change): the server's words, nothing changed.
    let e = scale(5).execute(&ro).await.unwrap_err();
    assert_eq!(e.code, Some(403));
    assert_eq!(e.reason, "Forbidden");
    assert!(e.is_forbidden());
    assert!(e.message.contains("viewer"), "{e}");
    assert!(e.message.contains("statefulsets/scale"), "{e}");
    let e = Action::DeletePod {
        namespace: NS.into(),
        name: "web-0".into(),
        force: true,
    }
    .execute(&ro)
    .await
    .unwrap_err();
    assert_eq!(e.code, Some(403));
    let set = sets(&admin).get("web").await.unwrap();
    assert_eq!(set.spec.unwrap().replicas, Some(2));
    assert!(
        pods(&admin)
            .get("web-0")
            .await
            .unwrap()
            .metadata
            .deletion_timestamp
            .is_none()
    );
}

#[tokio::test]
async fn stale_or_invalid_requests_come_back_as_readable_api_errors() {
    let (_sim, client) = cluster_with(statefulset("web", 1)).await;
    let e = partition(-1).execute(&client).await.unwrap_err();
    assert_eq!((e.code, e.reason.as_str()), (Some(422), "Invalid"), "{e}");
    assert!(e.message.contains("partition"), "{e}");

    // The set was deleted since the screen last showed it.
    sets(&client)
        .delete("web", &Default::default())
        .await
        .unwrap();
    let e = scale(2).execute(&client).await.unwrap_err();
    assert_eq!((e.code, e.reason.as_str()), (Some(404), "NotFound"), "{e}");
    assert!(e.to_string().starts_with("404 NotFound: "), "{e}");
    assert!(e.message.contains("\"web\" not found"), "{e}");
}

#[tokio::test]
async fn a_silent_server_is_a_timeout_and_a_closed_port_a_connection_error() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // Accept and never answer.
    let hold = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = listener.accept().await {
            held.push(s);
        }
    });
    let client = |addr: std::net::SocketAddr| {
        let config = kube::Config::new(format!("http://{addr}").parse().unwrap());
        kube::Client::try_from(config).unwrap()
    };
    let e = scale(3)
        .execute_within(&client(addr), Duration::from_millis(300))
        .await
        .unwrap_err();
    assert_eq!((e.code, e.reason.as_str()), (None, "Timeout"), "{e}");
    assert!(e.message.contains("may still have been applied"), "{e}");
    hold.abort();

    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let closed_addr = closed.local_addr().unwrap();
    drop(closed);
    let e = scale(3)
        .execute_within(&client(closed_addr), Duration::from_secs(5))
        .await
        .unwrap_err();
    assert_eq!((e.code, e.reason.as_str()), (None, "Connection"), "{e}");
}
