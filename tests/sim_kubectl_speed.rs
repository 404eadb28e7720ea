//! A simulated cluster running faster than the wall clock: every time
//! kubectl reads (object and Event stamps, conditions, container start and
//! finish times) stays at or before the wall clock, so no age or restart
//! time reads `<invalid>` and `describe` shows nothing in the future. Skips
//! the kubectl half (saying so) only where kubectl is not installed.

mod common;

use std::time::Duration;

use common::*;
use jiff::Timestamp;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, DynamicObject, ListParams, PostParams};
use kube::discovery::ApiResource;
use ordinal::sim::server::{SimConfig, SimServer};
use serde_json::Value;

/// Every stamp kubectl ages from, in every object of `plural`'s list.
async fn stamps(client: &kube::Client, group: &str, kind: &str, plural: &str) -> Vec<String> {
    let (api_version, group) = match group {
        "" => ("v1".to_string(), String::new()),
        g => (format!("{g}/v1"), g.to_string()),
    };
    let resource = ApiResource {
        group,
        version: "v1".into(),
        api_version,
        kind: kind.into(),
        plural: plural.into(),
    };
    let list = Api::<DynamicObject>::all_with(client.clone(), &resource)
        .list(&ListParams::default())
        .await
        .unwrap();
    let mut out = Vec::new();
    for item in list.items {
        let name = item.metadata.name.clone().unwrap_or_default();
        walk(
            &serde_json::to_value(&item).unwrap(),
            &format!("{plural} {name}:"),
            &mut out,
        );
    }
    out
}

/// Every string that is a time, with its path; but `deletionTimestamp`,
/// which a real server sets the grace period ahead.
fn walk(v: &Value, path: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m.iter().filter(|(k, _)| *k != "deletionTimestamp") {
                walk(v, &format!("{path}/{k}"), out);
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                walk(v, &format!("{path}/{i}"), out);
            }
        }
        Value::String(t) if t.parse::<Timestamp>().is_ok() => out.push(format!("{path} {t}")),
        _ => {}
    }
}

fn time_of(stamp: &str) -> Timestamp {
    stamp.rsplit(' ').next().unwrap().parse().unwrap()
}

async fn all_stamps(client: &kube::Client) -> Vec<String> {
    let mut all = Vec::new();
    for (group, kind, plural) in [
        ("", "Pod", "pods"),
        ("", "Event", "events"),
        ("", "PersistentVolumeClaim", "persistentvolumeclaims"),
        ("", "PersistentVolume", "persistentvolumes"),
        ("", "Node", "nodes"),
        ("apps", "StatefulSet", "statefulsets"),
    ] {
        all.extend(stamps(client, group, kind, plural).await);
    }
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_ten_times_speed_no_stamp_passes_the_wall_clock() {
    let sim = SimServer::start(SimConfig {
        scenario: Some("base".into()),
        speed: 10.0,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let client = sim.client(None);
    create_namespace(&client, "fast").await;
    Api::<StatefulSet>::namespaced(client.clone(), "fast")
        .create(&PostParams::default(), &statefulset("web", 3))
        .await
        .unwrap();
    // Two simulated minutes pass (Pods, claims and Events are made meanwhile).
    let start = sim.now();
    eventually(60, || {
        let done = sim.now().duration_since(start) >= jiff::SignedDuration::from_mins(2);
        async move { done.then_some(()) }
    })
    .await;
    let wall = Timestamp::now();
    let all = all_stamps(&client).await;
    assert!(all.iter().any(|s| s.starts_with("pods web-")), "{all:#?}");
    assert!(all.iter().any(|s| s.starts_with("events ")), "{all:#?}");
    let ahead: Vec<&String> = all.iter().filter(|s| time_of(s) > wall).collect();
    assert!(
        ahead.is_empty(),
        "stamps after the wall clock {wall}: {ahead:#?}"
    );

    if !common::kubectl::available() {
        return;
    }
    for args in [
        &["get", "pods", "-n", "fast"][..],
        &["events", "-n", "fast"],
        &["get", "events", "-n", "fast"],
    ] {
        let (ok, out) = tokio::task::block_in_place(|| common::kubectl::run(&sim, args));
        assert!(ok, "{args:?}: {out}");
        assert!(out.contains("web-"), "{args:?}: {out}");
        assert!(!out.contains("<invalid>"), "{args:?}: {out}");
    }
    tokio::time::sleep(Duration::from_millis(10)).await;
}

/// web-0's container state: its restart count, whether it runs, and when
/// its last run finished.
fn web0(sim: &SimServer) -> Option<(i32, bool, Option<Timestamp>)> {
    let pod = sim.with_state(|s| s.get::<Pod>("fast", "web-0"))?;
    let c = pod.status?.container_statuses?.into_iter().next()?;
    let finished = c
        .last_state
        .and_then(|s| s.terminated)
        .and_then(|t| t.finished_at)
        .map(|t| t.0);
    let running = c.state.is_some_and(|s| s.running.is_some());
    Some((c.restart_count, running, finished))
}

/// A `describe` time (RFC 1123 with a numeric zone, as kubectl prints it).
fn described(line: &str) -> Timestamp {
    let text = line.split_once(':').unwrap().1.trim();
    jiff::fmt::strtime::parse("%a, %d %b %Y %H:%M:%S %z", text)
        .and_then(|t| t.to_timestamp())
        .unwrap_or_else(|e| panic!("{line:?}: {e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_sixty_times_speed_restarts_started_times_and_ages_read_sensibly() {
    let sim = SimServer::start(SimConfig {
        scenario: Some("base".into()),
        speed: 60.0,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let client = sim.client(None);
    create_namespace(&client, "fast").await;
    Api::<StatefulSet>::namespaced(client.clone(), "fast")
        .create(&PostParams::default(), &statefulset("web", 2))
        .await
        .unwrap();
    // Three exits: about 80 simulated seconds of back-off, over a second of wall time.
    let finished = crash_web0_thrice(&sim).await;
    // Three seconds of wall time (three simulated minutes) after the last exit.
    let clock = sim.clock();
    let later = finished + jiff::SignedDuration::from_secs(3);
    eventually(30, || {
        let now = clock();
        async move { (now >= later).then_some(()) }
    })
    .await;

    // Nothing is ahead of the wall clock, nor of the clock ordinal's UI ages
    // things with (so "ready since" never reads negative).
    let all = all_stamps(&client).await;
    let (wall, ui) = (Timestamp::now(), clock());
    let conditions = all
        .iter()
        .filter(|s| s.contains("/lastTransitionTime "))
        .count();
    let started = all.iter().filter(|s| s.contains("/startedAt ")).count();
    assert!(conditions > 0 && started > 0, "{all:#?}");
    let ahead: Vec<&String> = all
        .iter()
        .filter(|s| time_of(s) > wall || time_of(s) > ui)
        .collect();
    assert!(ahead.is_empty(), "after {wall} or {ui}: {ahead:#?}");

    if !common::kubectl::available() {
        return;
    }
    let out = common::kubectl::ok(&sim, &["get", "pods", "-n", "fast"]);
    let row = out.lines().find(|l| l.starts_with("web-0 ")).unwrap();
    let restarts = row.split_once("3 (").unwrap_or_else(|| panic!("{out}")).1;
    let ago = restarts
        .split_once(" ago)")
        .unwrap_or_else(|| panic!("{out}"))
        .0;
    let ago = ordinal::format::duration::parse(ago).unwrap_or_else(|e| panic!("{out}: {e}"));
    // Measured on the wall clock from the last exit: at least those 3s, not 0s.
    assert!(
        ago >= Duration::from_secs(3) && ago < Duration::from_secs(60),
        "{out}"
    );

    let out = common::kubectl::ok(&sim, &["describe", "pod", "web-0", "-n", "fast"]);
    let wall = Timestamp::now();
    let times: Vec<&str> = out
        .lines()
        .map(str::trim)
        .filter(|l| {
            ["Start Time:", "Started:", "Finished:"]
                .iter()
                .any(|k| l.starts_with(k))
        })
        .collect();
    // The Pod's start, the running container's and the last run's start and finish.
    assert_eq!(times.len(), 4, "{out}");
    for line in times {
        assert!(described(line) <= wall, "{line} is after {wall}:\n{out}");
    }
    assert!(out.contains("Restart Count:  3"), "{out}");
    assert!(!out.contains("<invalid>"), "{out}");

    // The watch ends itself: its rows (a Table, with ages) for a few seconds.
    let (_, out) = common::kubectl::run(
        &sim,
        &[
            "get",
            "statefulset",
            "-n",
            "fast",
            "-w",
            "--request-timeout=3s",
        ],
    );
    let rows: Vec<&str> = out.lines().filter(|l| l.starts_with("web ")).collect();
    assert!(!rows.is_empty(), "{out}");
    for row in rows {
        let age = row.split_whitespace().last().unwrap();
        let age = ordinal::format::duration::parse(age).unwrap_or_else(|e| panic!("{out}: {e}"));
        assert!(age < Duration::from_secs(60), "{out}");
    }
}

/// Brings web-0 up and makes its container exit three times; the stamp of
/// the last exit.
async fn crash_web0_thrice(sim: &SimServer) -> Timestamp {
    eventually(60, || {
        let up = web0(sim).is_some_and(|(_, running, _)| running);
        async move { up.then_some(()) }
    })
    .await;
    sim.with_state(|s| s.kubelet.crash("fast", "web-0", "main", 3));
    eventually(60, || {
        let done = web0(sim).and_then(|(n, running, f)| f.filter(|_| n == 3 && running));
        async move { done }
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ordinals_own_screen_times_restarts_from_the_stamps() {
    let mut h = common::tui::Harness::start(
        SimConfig {
            scenario: Some("base".into()),
            speed: 60.0,
            ..SimConfig::default()
        },
        None,
        None,
    )
    .await;
    create_namespace(&h.client, "fast").await;
    Api::<StatefulSet>::namespaced(h.client.clone(), "fast")
        .create(&PostParams::default(), &statefulset("web", 2))
        .await
        .unwrap();
    let finished = crash_web0_thrice(&h.sim).await;
    h.wait_for(20, "the web set in the list", |s| s.contains("web"))
        .await;
    h.keys("/web");
    h.key(crossterm::event::KeyCode::Enter);
    h.key(crossterm::event::KeyCode::Enter);
    // Seconds of wall time after the last exit, the row says so (a stamp
    // in the future would read "0s ago" for ever).
    let secs_ago = |line: &str| -> Option<u64> {
        let (_, rest) = line.split_once("3 (")?;
        rest.split_once("s ago)")?.0.parse().ok()
    };
    let screen = h
        .wait_for(30, "web-0's restarts three seconds ago or more", |s| {
            s.lines()
                .filter(|l| l.contains("web-0"))
                .any(|l| secs_ago(l).is_some_and(|n| (3..60).contains(&n)))
        })
        .await;
    assert!(Timestamp::now() >= finished, "{screen}");
}
