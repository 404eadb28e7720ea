//! At `--speed` above 1 the controllers write every time a client sees on
//! the stamp clock (see `state`), yet time what they do on the simulated
//! clock: a story plays the same at speed 1 and 60, only its stamps differ.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{Namespace, Pod};
use serde_json::{Value, json};

use super::run_for;
use crate::sim::objects::Object;
use crate::sim::resources::{ALL, Kind};
use crate::sim::server::{SimConfig, build_state};
use crate::sim::state::SimState;

const NS: &str = "fast";

/// The base scenario's nodes and storage, stamps anchored at `speed`, and a
/// three-replica set (one claim each) that waits 20s for availability.
fn cluster(speed: f64) -> SimState {
    let mut s = build_state(&SimConfig {
        scenario: Some("base".into()),
        epoch: Some("2026-03-01T12:00:00Z".parse().unwrap()),
        ..SimConfig::default()
    })
    .unwrap();
    s.anchor_stamps(speed);
    let ns: Namespace = serde_json::from_value(json!({"metadata": {"name": NS}})).unwrap();
    s.create(Object::Namespace(ns)).unwrap();
    let set: StatefulSet = serde_json::from_value(json!({
        "metadata": {"name": "web", "namespace": NS},
        "spec": {
            "replicas": 3,
            "minReadySeconds": 20,
            "serviceName": "web",
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{
                    "name": "app", "image": "nginx:1.27",
                    "readinessProbe": {"tcpSocket": {"port": 80}}
                }]}
            },
            "volumeClaimTemplates": [{
                "metadata": {"name": "data"},
                "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "standard",
                         "resources": {"requests": {"storage": "1Gi"}}}
            }]
        }
    }))
    .unwrap();
    s.create(Object::StatefulSet(set)).unwrap();
    s
}

fn pod(s: &SimState, name: &str) -> Pod {
    s.get::<Pod>(NS, name).unwrap()
}

/// Every time in every stored object (but `deletionTimestamp`, which
/// real servers set in the future), with where it was found.
fn all_times(s: &SimState) -> Vec<(String, Timestamp)> {
    fn walk(v: &Value, path: &str, out: &mut Vec<(String, Timestamp)>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    if k != "deletionTimestamp" {
                        walk(v, &format!("{path}.{k}"), out);
                    }
                }
            }
            Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    walk(v, &format!("{path}[{i}]"), out);
                }
            }
            Value::String(t) => {
                if let Ok(t) = t.parse::<Timestamp>() {
                    out.push((path.to_string(), t));
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for info in ALL {
        for e in s.store.iter(info.kind, None) {
            let at = format!("{} {}/{}", info.kind_name, e.namespace(), e.name());
            walk(&e.object().to_json(), &at, &mut out);
        }
    }
    out
}

fn time(v: &Value, pointer: &str) -> Timestamp {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no {pointer} in {v:#}"))
        .parse()
        .unwrap()
}

/// Five simulated minutes with three crashes of web-0's container.
fn crash_story(s: &mut SimState) {
    run_for(s, Duration::from_secs(60));
    s.kubelet.crash(NS, "web-0", "app", 3);
    run_for(s, Duration::from_secs(240));
}

#[test]
fn at_speed_sixty_every_written_time_is_at_or_before_the_stamp_clock_and_in_order() {
    let mut s = cluster(60.0);
    let anchored = s.stamp_now();
    crash_story(&mut s);
    let now = s.stamp_now();
    // Five simulated minutes are five seconds of stamps.
    assert_eq!(now.duration_since(anchored), SignedDuration::from_secs(5));
    let times = all_times(&s);
    let ahead: Vec<_> = times.iter().filter(|(_, t)| *t > now).collect();
    assert!(ahead.is_empty(), "after the stamp clock {now}: {ahead:#?}");
    // The story's writes are there (conditions, container and PV times).
    let written = |key: &str| {
        times
            .iter()
            .filter(|(at, t)| at.ends_with(key) && *t > anchored)
            .count()
    };
    for key in [
        ".lastTransitionTime",
        ".startedAt",
        ".finishedAt",
        ".startTime",
        ".lastPhaseTransitionTime",
    ] {
        assert!(written(key) > 0, "no {key} written: {times:#?}");
    }

    // web-0: scheduled, started, crashed three times, running and ready.
    let p = serde_json::to_value(pod(&s, "web-0")).unwrap();
    let c = "/status/containerStatuses/0";
    assert_eq!(p.pointer(&format!("{c}/restartCount")), Some(&json!(3)));
    let condition = |t: &str| {
        let i = p["status"]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .position(|c| c["type"] == t)
            .unwrap();
        time(&p, &format!("/status/conditions/{i}/lastTransitionTime"))
    };
    let order = [
        ("creationTimestamp", time(&p, "/metadata/creationTimestamp")),
        ("PodScheduled", condition("PodScheduled")),
        ("startTime", time(&p, "/status/startTime")),
        (
            "lastState.startedAt",
            time(&p, &format!("{c}/lastState/terminated/startedAt")),
        ),
        (
            "lastState.finishedAt",
            time(&p, &format!("{c}/lastState/terminated/finishedAt")),
        ),
        (
            "state.running.startedAt",
            time(&p, &format!("{c}/state/running/startedAt")),
        ),
        ("Ready", condition("Ready")),
        ("stamp clock", now),
    ];
    for w in order.windows(2) {
        assert!(w[0].1 <= w[1].1, "{} after {}: {order:#?}", w[0].0, w[1].0);
    }
    // The restarts were simulated seconds apart: a fraction of a second of stamps.
    let gap = order[4].1.duration_since(order[3].1);
    assert!(gap < SignedDuration::from_secs(1), "{order:#?}");
}

/// What the set and web-0 look like every 2.5 simulated seconds: the Pods
/// come one by one, each 20s after the previous turned Ready, and web-0
/// crashes twice at 60s.
fn history(speed: f64) -> Vec<String> {
    let mut s = cluster(speed);
    let mut out = Vec::new();
    for step in 0..40 {
        if step == 24 {
            s.kubelet.crash(NS, "web-0", "app", 2);
        }
        run_for(&mut s, Duration::from_millis(2500));
        let status = s.get::<StatefulSet>(NS, "web").unwrap().status.unwrap();
        let web0 = s.get::<Pod>(NS, "web-0").and_then(|p| p.status);
        let restarts = web0
            .as_ref()
            .and_then(|p| p.container_statuses.as_ref())
            .map(|c| c[0].restart_count);
        let waiting = web0
            .as_ref()
            .and_then(|p| p.container_statuses.as_ref())
            .and_then(|c| c[0].state.as_ref()?.waiting.as_ref()?.reason.clone());
        out.push(format!(
            "{}s: ready {:?} available {:?} web-0 restarts {restarts:?} {waiting:?}",
            s.elapsed().as_secs_f64(),
            status.ready_replicas,
            status.available_replicas,
        ));
    }
    out
}

#[test]
fn min_ready_seconds_and_back_off_keep_simulated_time_at_any_speed() {
    let slow = history(1.0);
    // The set becomes available 20s after Ready, and the crash backs off.
    assert!(
        slow.iter()
            .any(|l| l.contains("ready Some(3) available Some(2)")),
        "{slow:#?}"
    );
    assert!(
        slow.iter()
            .any(|l| l.contains("ready Some(3) available Some(3)")),
        "{slow:#?}"
    );
    assert!(
        slow.iter().any(|l| l.contains("CrashLoopBackOff")),
        "{slow:#?}"
    );
    assert_eq!(history(60.0), slow);
}

#[test]
fn a_graceful_deletion_is_stamped_the_grace_period_ahead_on_the_stamp_clock() {
    let mut s = cluster(60.0);
    run_for(&mut s, Duration::from_secs(60));
    let at = s.now() + SignedDuration::from_secs(30);
    s.delete(Kind::Pod, NS, "web-0", Some(30)).unwrap();
    let deleting = pod(&s, "web-0").metadata.deletion_timestamp.unwrap().0;
    assert_eq!(deleting, s.stamp(at));
    // Half a second of stamps, where the simulated clock says 30s.
    assert_eq!(
        deleting.duration_since(s.stamp_now()),
        SignedDuration::from_millis(500)
    );
}

#[test]
fn unstamp_inverts_stamp_and_never_passes_the_present() {
    let mut s = cluster(60.0);
    let anchor = s.now();
    run_for(&mut s, Duration::from_secs(120));
    for back in [0, 1, 59, 60, 119] {
        let t = s.now() - SignedDuration::from_secs(back);
        let round = s.unstamp(s.stamp(t));
        assert!(
            round.duration_since(t).abs() < SignedDuration::from_micros(1),
            "{t} came back as {round}"
        );
    }
    // Before the anchor both clocks are one.
    let before = anchor - SignedDuration::from_secs(10);
    assert_eq!(s.stamp(before), before);
    assert_eq!(s.unstamp(before), before);
    assert_eq!(
        s.unstamp(s.stamp_now() + SignedDuration::from_hours(1)),
        s.now()
    );
}
