//! The simulated cluster's API, driven by kube-rs over loopback: wire format,
//! list/watch semantics, patches, deletion, errors and access control.

mod common;

use std::time::Duration;

use common::*;
use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{ConfigMap, PersistentVolume, Pod};
use kube::api::{
    Api, DeleteParams, ListParams, Patch, PatchParams, PostParams, WatchEvent, WatchParams,
};
use kube::runtime::watcher;
use ordinal::sim::auth::{User, Users};
use ordinal::sim::server::{SimConfig, SimServer};
use serde_json::json;

fn config_map(name: &str, labels: serde_json::Value) -> ConfigMap {
    serde_json::from_value(
        json!({"metadata": {"name": name, "labels": labels}, "data": {"k": "v"}}),
    )
    .unwrap()
}

#[tokio::test]
async fn discovery_answers_like_an_api_server() {
    let sim = manual_sim().await;
    let client = sim.client(None);
    let version = client.apiserver_version().await.unwrap();
    assert_eq!(version.major, "1");
    let discovery = kube::discovery::Discovery::new(client).run().await.unwrap();
    let groups: Vec<String> = discovery.groups().map(|g| g.name().to_string()).collect();
    for g in ["", "apps", "storage.k8s.io"] {
        assert!(groups.contains(&g.to_string()), "{g} in {groups:?}");
    }
    let apps = discovery.get("apps").unwrap();
    let kinds: Vec<String> = apps
        .recommended_resources()
        .iter()
        .map(|(r, _)| r.kind.clone())
        .collect();
    assert!(kinds.contains(&"StatefulSet".to_string()));
    assert!(kinds.contains(&"ControllerRevision".to_string()));
}

#[tokio::test]
async fn create_get_list_with_selectors_and_paging() {
    let sim = manual_sim().await;
    let client = sim.client(None);
    create_namespace(&client, "a").await;
    create_namespace(&client, "b").await;
    let a: Api<ConfigMap> = Api::namespaced(client.clone(), "a");
    let b: Api<ConfigMap> = Api::namespaced(client.clone(), "b");
    for i in 0..5 {
        let tier = if i % 2 == 0 { "db" } else { "web" };
        a.create(
            &PostParams::default(),
            &config_map(&format!("cm-{i}"), json!({"tier": tier})),
        )
        .await
        .unwrap();
    }
    b.create(
        &PostParams::default(),
        &config_map("other", json!({"tier": "db"})),
    )
    .await
    .unwrap();

    let got = a.get("cm-3").await.unwrap();
    assert!(got.metadata.uid.is_some());
    assert!(got.metadata.creation_timestamp.is_some());

    let list = a.list(&ListParams::default()).await.unwrap();
    assert_eq!(list.items.len(), 5);
    let rv: u64 = list.metadata.resource_version.unwrap().parse().unwrap();
    assert!(rv > 0);

    let db = a
        .list(&ListParams::default().labels("tier=db"))
        .await
        .unwrap();
    assert_eq!(db.items.len(), 3);
    let not_db = a
        .list(&ListParams::default().labels("tier notin (db)"))
        .await
        .unwrap();
    assert_eq!(not_db.items.len(), 2);
    let by_name = a
        .list(&ListParams::default().fields("metadata.name=cm-4"))
        .await
        .unwrap();
    assert_eq!(by_name.items.len(), 1);

    let all: Api<ConfigMap> = Api::all(client.clone());
    assert_eq!(
        all.list(&ListParams::default()).await.unwrap().items.len(),
        6
    );
    let in_b = all
        .list(&ListParams::default().fields("metadata.namespace=b"))
        .await
        .unwrap();
    assert_eq!(in_b.items.len(), 1);

    // Paging: 2 per page, the continue token walks the rest in order.
    let mut names = Vec::new();
    let mut lp = ListParams::default().limit(2);
    loop {
        let page = a.list(&lp).await.unwrap();
        assert!(page.items.len() <= 2);
        names.extend(page.items.iter().map(|c| c.metadata.name.clone().unwrap()));
        match page.metadata.continue_ {
            Some(c) if !c.is_empty() => lp = lp.continue_token(&c),
            _ => break,
        }
    }
    assert_eq!(names, ["cm-0", "cm-1", "cm-2", "cm-3", "cm-4"]);
}

#[tokio::test]
async fn watch_streams_changes_bookmarks_and_selector_transitions() {
    let sim = manual_sim().await;
    let client = sim.client(None);
    create_namespace(&client, "w").await;
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), "w");
    let rv = api
        .list(&ListParams::default())
        .await
        .unwrap()
        .metadata
        .resource_version
        .unwrap();
    let mut stream = api
        .watch(&WatchParams::default().labels("tier=db"), &rv)
        .await
        .unwrap()
        .boxed();
    api.create(
        &PostParams::default(),
        &config_map("x", json!({"tier": "db"})),
    )
    .await
    .unwrap();
    // Leaving the selection is DELETED for this watch; coming back is ADDED.
    let pp = PatchParams::default();
    api.patch(
        "x",
        &pp,
        &Patch::Merge(json!({"metadata": {"labels": {"tier": "web"}}})),
    )
    .await
    .unwrap();
    api.patch(
        "x",
        &pp,
        &Patch::Merge(json!({"metadata": {"labels": {"tier": "db"}}})),
    )
    .await
    .unwrap();
    api.delete("x", &DeleteParams::default()).await.unwrap();
    let mut seen = Vec::new();
    let mut bookmark = false;
    while seen.len() < 4 || !bookmark {
        let ev = tokio::time::timeout(Duration::from_secs(5), stream.try_next())
            .await
            .expect("watch event in time")
            .unwrap()
            .expect("stream open");
        match ev {
            WatchEvent::Added(_) => seen.push("ADDED"),
            WatchEvent::Modified(_) => seen.push("MODIFIED"),
            WatchEvent::Deleted(_) => seen.push("DELETED"),
            WatchEvent::Bookmark(b) => {
                assert!(b.metadata.resource_version.parse::<u64>().unwrap() > 0);
                bookmark = true;
            }
            WatchEvent::Error(e) => panic!("watch error {e:?}"),
        }
    }
    assert_eq!(seen, ["ADDED", "DELETED", "ADDED", "DELETED"]);
}

#[tokio::test]
async fn too_old_resource_version_is_410_and_the_watcher_recovers() {
    let sim = manual_sim().await;
    let client = sim.client(None);
    create_namespace(&client, "w").await;
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), "w");
    let old = api
        .list(&ListParams::default())
        .await
        .unwrap()
        .metadata
        .resource_version
        .unwrap();
    api.create(&PostParams::default(), &config_map("a", json!({})))
        .await
        .unwrap();
    sim.compact_history();
    let mut raw = api
        .watch(&WatchParams::default(), &old)
        .await
        .unwrap()
        .boxed();
    match raw.try_next().await.unwrap() {
        Some(WatchEvent::Error(e)) => {
            assert_eq!(e.code, 410);
            assert_eq!(e.reason, "Expired");
        }
        other => panic!("expected a 410 ERROR event, got {other:?}"),
    }

    // A kube-runtime watcher re-lists after 410 and sees objects deleted meanwhile go.
    let mut w = watcher(api.clone(), watcher::Config::default()).boxed();
    let mut inits = 0;
    let mut names = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let ev = tokio::time::timeout_at(deadline, w.next())
            .await
            .expect("watcher progresses")
            .unwrap();
        match ev {
            Ok(watcher::Event::Init) => {
                inits += 1;
                names.clear();
            }
            Ok(watcher::Event::InitApply(cm)) => names.push(cm.metadata.name.unwrap()),
            Ok(watcher::Event::InitDone) if inits == 1 => {
                assert_eq!(names, ["a"]);
                api.delete("a", &DeleteParams::default()).await.unwrap();
                api.create(&PostParams::default(), &config_map("b", json!({})))
                    .await
                    .unwrap();
                sim.compact_history();
                sim.drop_watches();
            }
            Ok(watcher::Event::InitDone) => {
                assert_eq!(
                    names,
                    ["b"],
                    "the re-list replaces what was deleted meanwhile"
                );
                break;
            }
            Ok(_) => {}
            Err(_) => {} // the 410 surfaces as an error before the re-list
        }
    }
    assert_eq!(inits, 2);
}

#[tokio::test]
async fn patches_scale_subresource_and_conflicts() {
    let sim = manual_sim().await;
    let client = sim.client(None);
    create_namespace(&client, "p").await;
    let api: Api<StatefulSet> = Api::namespaced(client.clone(), "p");
    let created = api
        .create(&PostParams::default(), &statefulset("web", 3))
        .await
        .unwrap();
    assert_eq!(created.metadata.generation, Some(1));
    let spec = created.spec.as_ref().unwrap();
    assert_eq!(spec.pod_management_policy.as_deref(), Some("OrderedReady"));
    assert_eq!(
        spec.update_strategy.as_ref().unwrap().type_.as_deref(),
        Some("RollingUpdate")
    );

    // kubectl rollout restart: a strategic merge patch of one annotation.
    let restart = json!({"spec": {"template": {"metadata": {"annotations": {
        "kubectl.kubernetes.io/restartedAt": "2026-11-22T10:00:00Z"}}}}});
    let patched = api
        .patch("web", &PatchParams::default(), &Patch::Strategic(restart))
        .await
        .unwrap();
    let annotations = patched
        .spec
        .unwrap()
        .template
        .metadata
        .unwrap()
        .annotations
        .unwrap();
    assert_eq!(
        annotations["kubectl.kubernetes.io/restartedAt"],
        "2026-11-22T10:00:00Z"
    );
    assert_eq!(patched.metadata.generation, Some(2));

    // kubectl scale: a merge patch of the scale subresource.
    let scale = api
        .patch_scale(
            "web",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": 5}})),
        )
        .await
        .unwrap();
    assert_eq!(scale.spec.unwrap().replicas, Some(5));
    assert_eq!(scale.status.unwrap().selector.as_deref(), Some("app=web"));
    assert_eq!(
        api.get_scale("web").await.unwrap().spec.unwrap().replicas,
        Some(5)
    );
    assert_eq!(
        api.get("web").await.unwrap().spec.unwrap().replicas,
        Some(5)
    );

    let (code, reason, message) = api_error(
        api.patch_scale(
            "web",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": -1}})),
        )
        .await,
    );
    assert_eq!((code, reason.as_str()), (422, "Invalid"));
    assert_eq!(
        message,
        "Scale.autoscaling \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0"
    );

    // JSON patch on the partition.
    let (code, body) = raw(
        &sim,
        "PATCH",
        "/apis/apps/v1/namespaces/p/statefulsets/web",
        "application/json-patch+json",
        br#"[{"op":"replace","path":"/spec/updateStrategy/rollingUpdate/partition","value":2}]"#
            .to_vec(),
    )
    .await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(
        body["spec"]["updateStrategy"]["rollingUpdate"]["partition"],
        2
    );

    // Immutable fields are refused exactly as the API server words it.
    let (code, _, message) = api_error(
        api.patch(
            "web",
            &PatchParams::default(),
            &Patch::Merge(
                json!({"spec": {"volumeClaimTemplates": [{"metadata": {"name": "logs"}}]}}),
            ),
        )
        .await,
    );
    assert_eq!(code, 422);
    assert_eq!(
        message,
        "StatefulSet.apps \"web\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"
    );

    // v1.34 does not let revisionHistoryLimit change either (it is not in the list).
    let (code, _, forbidden) = api_error(
        api.patch(
            "web",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"revisionHistoryLimit": 3}})),
        )
        .await,
    );
    assert_eq!((code, forbidden), (422, message));

    // Optimistic concurrency: replacing with a stale resourceVersion is 409.
    let stale = created.clone();
    let (code, reason, _) = api_error(api.replace("web", &PostParams::default(), &stale).await);
    assert_eq!((code, reason.as_str()), (409, "Conflict"));
    let (code, reason, _) = api_error(
        api.create(&PostParams::default(), &statefulset("web", 1))
            .await,
    );
    assert_eq!((code, reason.as_str()), (409, "AlreadyExists"));
    let (code, reason, message) = api_error(api.get("nope").await);
    assert_eq!((code, reason.as_str()), (404, "NotFound"));
    assert_eq!(message, "statefulsets.apps \"nope\" not found");
    let (code, _, _) = api_error(
        api.create(&PostParams::default(), &statefulset("bad", -2))
            .await,
    );
    assert_eq!(code, 422);
}

#[tokio::test]
async fn graceful_and_immediate_pod_deletion() {
    let sim = manual_sim().await;
    let client = sim.client(None);
    create_namespace(&client, "d").await;
    let pods: Api<Pod> = Api::namespaced(client.clone(), "d");
    let pod = |name: &str| -> Pod {
        serde_json::from_value(json!({"metadata": {"name": name},
            "spec": {"nodeName": "n1", "containers": [{"name": "c", "image": "busybox"}]}}))
        .unwrap()
    };
    pods.create(&PostParams::default(), &pod("graceful"))
        .await
        .unwrap();
    pods.create(&PostParams::default(), &pod("forced"))
        .await
        .unwrap();
    let res = pods
        .delete("graceful", &DeleteParams::default())
        .await
        .unwrap();
    let terminating = res.left().expect("graceful deletion returns the object");
    assert!(terminating.metadata.deletion_timestamp.is_some());
    assert_eq!(terminating.metadata.deletion_grace_period_seconds, Some(30));
    assert!(
        pods.get("graceful")
            .await
            .unwrap()
            .metadata
            .deletion_timestamp
            .is_some()
    );
    pods.delete(
        "forced",
        &DeleteParams {
            grace_period_seconds: Some(0),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let (code, _, _) = api_error(pods.get("forced").await);
    assert_eq!(code, 404);
}

async fn raw(
    sim: &SimServer,
    method: &str,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (u16, serde_json::Value) {
    let client = sim.client(None);
    let req = http::Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", content_type)
        .body(body)
        .unwrap();
    match client.request_text(req).await {
        Ok(text) => (200, serde_json::from_str(&text).unwrap_or(json!(text))),
        Err(kube::Error::Api(s)) => (s.code, json!({"reason": s.reason, "message": s.message})),
        Err(e) => panic!("transport error for {method} {path}: {e}"),
    }
}

#[tokio::test]
async fn malformed_requests_get_clean_errors_and_the_server_keeps_serving() {
    let sim = manual_sim().await;
    let client = sim.client(None);
    create_namespace(&client, "m").await;
    let json = "application/json";
    let cases: Vec<(&str, &str, &str, Vec<u8>, u16)> = vec![
        (
            "POST",
            "/apis/apps/v1/namespaces/m/statefulsets",
            json,
            b"{not json".to_vec(),
            400,
        ),
        (
            "POST",
            "/apis/apps/v1/namespaces/m/statefulsets",
            json,
            b"[1,2]".to_vec(),
            400,
        ),
        (
            "POST",
            "/apis/apps/v1/namespaces/m/statefulsets",
            json,
            br#"{"spec":{"replicas":"many"}}"#.to_vec(),
            400,
        ),
        (
            "POST",
            "/apis/apps/v1/namespaces/m/statefulsets",
            json,
            br#"{"apiVersion":"v1","kind":"Pod"}"#.to_vec(),
            400,
        ),
        (
            "GET",
            "/apis/apps/v1/namespaces/m/widgets",
            json,
            vec![],
            404,
        ),
        ("GET", "/apis/nope.io/v1/things", json, vec![], 404),
        ("GET", "/totally/unknown", json, vec![], 404),
        (
            "PUT",
            "/apis/apps/v1/namespaces/m/statefulsets",
            json,
            b"{}".to_vec(),
            405,
        ),
        ("POST", "/version", json, vec![], 405),
        (
            "PATCH",
            "/api/v1/namespaces/m",
            "application/apply-patch+yaml",
            b"{}".to_vec(),
            400,
        ),
        (
            "PATCH",
            "/api/v1/namespaces/m",
            "text/plain",
            b"{}".to_vec(),
            415,
        ),
        (
            "PATCH",
            "/api/v1/namespaces/m",
            "application/merge-patch+json",
            b"{oops".to_vec(),
            400,
        ),
        (
            "GET",
            "/api/v1/namespaces/m/pods?labelSelector=a%20in%20b",
            json,
            vec![],
            400,
        ),
        (
            "POST",
            "/api/v1/namespaces/m/configmaps",
            json,
            vec![b' '; 4 * 1024 * 1024],
            413,
        ),
        (
            "POST",
            "/api/v1/namespaces/nowhere/configmaps",
            json,
            br#"{"metadata":{"name":"x"}}"#.to_vec(),
            404,
        ),
        (
            "POST",
            "/api/v1/namespaces/m/configmaps",
            json,
            br#"{"metadata":{"name":"Bad_Name"}}"#.to_vec(),
            422,
        ),
    ];
    for (method, path, ct, body, want) in cases {
        let (code, status) = raw(&sim, method, path, ct, body).await;
        assert_eq!(code, want, "{method} {path}: {status}");
        assert!(
            status["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{method} {path}: {status}"
        );
    }
    // Still serving.
    let cms: Api<ConfigMap> = Api::namespaced(client, "m");
    assert!(
        cms.list(&ListParams::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

#[tokio::test]
async fn users_are_limited_by_their_rules_and_can_ask_what_they_may_do() {
    let mut users = Users::default();
    users.add("admin-token", User::admin("admin"));
    users.add("viewer-token", User::namespace_viewer("dev", &["team"]));
    users.add("ro-token", User::read_only("auditor"));
    let sim = SimServer::start(SimConfig {
        users,
        auto_tick: false,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let admin = sim.client(Some("admin-token"));
    create_namespace(&admin, "team").await;
    Api::<StatefulSet>::namespaced(admin.clone(), "team")
        .create(&PostParams::default(), &statefulset("db", 1))
        .await
        .unwrap();

    let viewer = sim.client(Some("viewer-token"));
    let sets: Api<StatefulSet> = Api::namespaced(viewer.clone(), "team");
    assert_eq!(
        sets.list(&ListParams::default()).await.unwrap().items.len(),
        1
    );
    let (code, reason, message) = api_error(
        Api::<PersistentVolume>::all(viewer.clone())
            .list(&ListParams::default())
            .await,
    );
    assert_eq!((code, reason.as_str()), (403, "Forbidden"));
    assert_eq!(
        message,
        "persistentvolumes is forbidden: User \"dev\" cannot list resource \"persistentvolumes\" in API group \"\" at the cluster scope"
    );
    let (code, _, message) = api_error(
        sets.patch_scale(
            "db",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": 2}})),
        )
        .await,
    );
    assert_eq!(code, 403);
    assert!(message.contains("cannot patch resource \"statefulsets/scale\" in API group \"apps\" in the namespace \"team\""), "{message}");

    let ro: Api<Pod> = Api::namespaced(sim.client(Some("ro-token")), "team");
    let (code, _, _) = api_error(ro.delete("db-0", &DeleteParams::default()).await);
    assert_eq!(code, 403);

    let (code, _, _) = api_error(
        Api::<Pod>::all(sim.client(Some("wrong")))
            .list(&ListParams::default())
            .await,
    );
    assert_eq!(code, 401);

    // SelfSubjectAccessReview answers for the caller.
    use k8s_openapi::api::authorization::v1::{
        ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
    };
    let review = |verb: &str, sub: Option<&str>| SelfSubjectAccessReview {
        spec: SelfSubjectAccessReviewSpec {
            resource_attributes: Some(ResourceAttributes {
                namespace: Some("team".into()),
                verb: Some(verb.into()),
                group: Some("apps".into()),
                resource: Some("statefulsets".into()),
                subresource: sub.map(String::from),
                ..Default::default()
            }),
            ..Default::default()
        },
        ..Default::default()
    };
    let reviews: Api<SelfSubjectAccessReview> = Api::all(viewer);
    let allowed = |r: SelfSubjectAccessReview| r.status.unwrap().allowed;
    assert!(allowed(
        reviews
            .create(&PostParams::default(), &review("list", None))
            .await
            .unwrap()
    ));
    assert!(!allowed(
        reviews
            .create(&PostParams::default(), &review("patch", Some("scale")))
            .await
            .unwrap()
    ));
}

#[tokio::test]
async fn an_outage_refuses_connections_until_it_ends() {
    let sim = manual_sim().await;
    let client = sim.client(None);
    create_namespace(&client, "o").await;
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), "o");
    api.create(&PostParams::default(), &config_map("before", json!({})))
        .await
        .unwrap();
    sim.begin_outage().await;
    let fresh: Api<ConfigMap> = Api::namespaced(sim.client(None), "o");
    match fresh.list(&ListParams::default()).await {
        Err(kube::Error::Api(s)) => panic!("expected a transport error, got status {s:?}"),
        Err(_) => {}
        Ok(_) => panic!("the outage should refuse requests"),
    }
    sim.with_state(|s| {
        let cm = s.get::<ConfigMap>("o", "before").unwrap();
        let _ = cm;
        s.store
            .remove(ordinal::sim::resources::Kind::ConfigMap, "o", "before")
            .unwrap();
    });
    sim.end_outage().await.unwrap();
    let after = eventually(5, || {
        let api = api.clone();
        async move { api.list(&ListParams::default()).await.ok() }
    })
    .await;
    assert!(after.items.is_empty());
}
