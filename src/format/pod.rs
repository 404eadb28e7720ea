//! The READY, STATUS and RESTARTS columns of `kubectl get pods`, derived
//! from a Pod the way kubectl's printer does.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{ContainerStatus, Pod};

/// kubectl's STATUS column: the phase, refined by init containers, container
/// waiting/terminated reasons, deletion and lost nodes.
pub fn status(pod: &Pod) -> String {
    let st = pod.status.as_ref();
    let phase = st.and_then(|s| s.phase.clone()).unwrap_or_default();
    let mut reason = st
        .and_then(|s| s.reason.clone())
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| phase.clone());

    let scheduling_gated = st
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
        .any(|c| c.type_ == "PodScheduled" && c.reason.as_deref() == Some("SchedulingGated"));
    if scheduling_gated {
        reason = "SchedulingGated".into();
    }

    let spec = pod.spec.as_ref();
    let init_specs = spec.and_then(|s| s.init_containers.as_ref());
    let init_total = init_specs.map_or(0, Vec::len);
    let mut initializing = false;
    for (i, c) in st
        .and_then(|s| s.init_container_statuses.as_ref())
        .into_iter()
        .flatten()
        .enumerate()
    {
        let state = c.state.as_ref();
        let terminated = state.and_then(|s| s.terminated.as_ref());
        let waiting = state.and_then(|s| s.waiting.as_ref());
        let sidecar = init_specs
            .and_then(|specs| specs.iter().find(|s| s.name == c.name))
            .is_some_and(|s| s.restart_policy.as_deref() == Some("Always"));
        if terminated.is_some_and(|t| t.exit_code == 0) || (sidecar && c.started == Some(true)) {
            continue;
        }
        initializing = true;
        reason = match (terminated, waiting) {
            (Some(t), _) => match t.reason.as_deref().filter(|r| !r.is_empty()) {
                Some(r) => format!("Init:{r}"),
                None if t.signal.unwrap_or(0) != 0 => {
                    format!("Init:Signal:{}", t.signal.unwrap_or(0))
                }
                None => format!("Init:ExitCode:{}", t.exit_code),
            },
            (None, Some(w))
                if w.reason
                    .as_deref()
                    .is_some_and(|r| !r.is_empty() && r != "PodInitializing") =>
            {
                format!("Init:{}", w.reason.clone().unwrap_or_default())
            }
            _ => format!("Init:{i}/{init_total}"),
        };
        break;
    }

    let initialized = st
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
        .any(|c| c.type_ == "Initialized" && c.status == "True");
    if !initializing || initialized {
        let mut has_running = false;
        for c in containers(pod).iter().rev() {
            let state = c.state.as_ref();
            let waiting = state.and_then(|s| s.waiting.as_ref());
            let terminated = state.and_then(|s| s.terminated.as_ref());
            if let Some(r) = waiting
                .and_then(|w| w.reason.clone())
                .filter(|r| !r.is_empty())
            {
                reason = r;
            } else if let Some(t) = terminated {
                reason = match t.reason.clone().filter(|r| !r.is_empty()) {
                    Some(r) => r,
                    None if t.signal.unwrap_or(0) != 0 => {
                        format!("Signal:{}", t.signal.unwrap_or(0))
                    }
                    None => format!("ExitCode:{}", t.exit_code),
                };
            } else if c.ready && state.is_some_and(|s| s.running.is_some()) {
                has_running = true;
            }
        }
        if reason == "Completed" && has_running {
            reason = if is_ready(pod) { "Running" } else { "NotReady" }.into();
        }
    }

    if pod.metadata.deletion_timestamp.is_some() {
        if st.and_then(|s| s.reason.as_deref()) == Some("NodeLost") {
            reason = "Unknown".into();
        } else if phase != "Succeeded" && phase != "Failed" {
            reason = "Terminating".into();
        }
    }
    reason
}

fn containers(pod: &Pod) -> &[ContainerStatus] {
    pod.status
        .as_ref()
        .and_then(|s| s.container_statuses.as_deref())
        .unwrap_or_default()
}

/// The Pod's `Ready` condition is True.
pub fn is_ready(pod: &Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
        .any(|c| c.type_ == "Ready" && c.status == "True")
}

/// READY: ready containers / containers (sidecars count, as kubectl counts them).
pub fn ready(pod: &Pod) -> (usize, usize) {
    let total = pod.spec.as_ref().map_or(0, |s| {
        s.containers.len()
            + s.init_containers
                .iter()
                .flatten()
                .filter(|c| c.restart_policy.as_deref() == Some("Always"))
                .count()
    });
    let ready = containers(pod).iter().filter(|c| c.ready).count()
        + pod
            .status
            .as_ref()
            .and_then(|s| s.init_container_statuses.as_ref())
            .into_iter()
            .flatten()
            .filter(|c| c.ready && c.started == Some(true))
            .count();
    (ready.min(total.max(ready)), total)
}

/// RESTARTS: the sum of container restarts and when the last one ended.
pub fn restarts(pod: &Pod) -> (i32, Option<Timestamp>) {
    let mut count = 0;
    let mut last: Option<Timestamp> = None;
    let status = pod.status.as_ref();
    let all = status
        .and_then(|s| s.init_container_statuses.as_ref())
        .into_iter()
        .flatten()
        .chain(containers(pod));
    for c in all {
        count += c.restart_count;
        let ended = c
            .last_state
            .as_ref()
            .and_then(|s| s.terminated.as_ref())
            .and_then(|t| t.finished_at.as_ref())
            .map(|t| t.0);
        if let Some(t) = ended
            && last.is_none_or(|l| t > l)
        {
            last = Some(t);
        }
    }
    (count, last)
}

/// RESTARTS as kubectl prints it: `3 (45s ago)`.
pub fn restarts_text(pod: &Pod, now: Timestamp) -> String {
    match restarts(pod) {
        (n, Some(t)) if n > 0 => format!("{n} ({} ago)", super::duration::age(t, now)),
        (n, _) => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(v: serde_json::Value) -> Pod {
        serde_json::from_value(v).unwrap()
    }

    fn running(name: &str, ready: bool) -> serde_json::Value {
        json!({"name": name, "image": "x", "imageID": "", "ready": ready, "restartCount": 0,
            "state": {"running": {"startedAt": "2026-01-01T00:00:00Z"}}})
    }

    #[test]
    fn status_column_cases() {
        let spec = json!({"containers": [{"name": "a"}, {"name": "b"}]});
        let cases = vec![
            (
                json!({"spec": spec, "status": {"phase": "Pending"}}),
                "Pending",
            ),
            (
                json!({"spec": spec, "status": {"phase": "Pending", "containerStatuses": [
                    {"name": "a", "image": "x", "imageID": "", "ready": false, "restartCount": 0, "state": {"waiting": {"reason": "ContainerCreating"}}}]}}),
                "ContainerCreating",
            ),
            (
                json!({"spec": spec, "status": {"phase": "Running", "containerStatuses": [running("a", true), running("b", true)]}}),
                "Running",
            ),
            (
                json!({"spec": spec, "status": {"phase": "Running", "containerStatuses": [running("a", true),
                    {"name": "b", "image": "x", "imageID": "", "ready": false, "restartCount": 4, "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}}),
                "CrashLoopBackOff",
            ),
            (
                json!({"metadata": {"deletionTimestamp": "2026-01-01T00:00:00Z"}, "spec": spec, "status": {"phase": "Running", "containerStatuses": [running("a", true)]}}),
                "Terminating",
            ),
            (
                json!({"metadata": {"deletionTimestamp": "2026-01-01T00:00:00Z"}, "spec": spec, "status": {"phase": "Running", "reason": "NodeLost"}}),
                "Unknown",
            ),
            (
                json!({"spec": spec, "status": {"phase": "Succeeded", "containerStatuses": [
                    {"name": "a", "image": "x", "imageID": "", "ready": false, "restartCount": 0, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]}}),
                "Completed",
            ),
            (
                json!({"spec": spec, "status": {"phase": "Failed", "containerStatuses": [
                    {"name": "a", "image": "x", "imageID": "", "ready": false, "restartCount": 0, "state": {"terminated": {"exitCode": 137}}}]}}),
                "ExitCode:137",
            ),
            (
                json!({"spec": {"initContainers": [{"name": "i1"}, {"name": "i2"}], "containers": [{"name": "a"}]},
                    "status": {"phase": "Pending", "initContainerStatuses": [
                        {"name": "i1", "image": "x", "imageID": "", "ready": true, "restartCount": 0, "state": {"terminated": {"exitCode": 0}}},
                        {"name": "i2", "image": "x", "imageID": "", "ready": false, "restartCount": 0, "state": {"running": {}}}]}}),
                "Init:1/2",
            ),
            (
                json!({"spec": {"initContainers": [{"name": "i1"}], "containers": [{"name": "a"}]},
                    "status": {"phase": "Pending", "initContainerStatuses": [
                        {"name": "i1", "image": "x", "imageID": "", "ready": false, "restartCount": 2, "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}}),
                "Init:CrashLoopBackOff",
            ),
            (
                json!({"spec": spec, "status": {"phase": "Running", "containerStatuses": [running("a", true),
                    {"name": "b", "image": "x", "imageID": "", "ready": false, "restartCount": 0, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}],
                    "conditions": [{"type": "Ready", "status": "False"}]}}),
                "NotReady",
            ),
        ];
        for (p, want) in cases {
            assert_eq!(status(&pod(p.clone())), want, "{p}");
        }
    }

    #[test]
    fn ready_and_restarts_columns() {
        let p = pod(
            json!({"spec": {"containers": [{"name": "a"}, {"name": "b"}]},
            "status": {"phase": "Running", "containerStatuses": [running("a", true),
                {"name": "b", "image": "x", "imageID": "", "ready": false, "restartCount": 3,
                 "lastState": {"terminated": {"exitCode": 1, "finishedAt": "2026-01-01T00:00:00Z"}},
                 "state": {"running": {}}}]}}),
        );
        assert_eq!(ready(&p), (1, 2));
        let now: Timestamp = "2026-01-01T00:00:45Z".parse().unwrap();
        assert_eq!(restarts_text(&p, now), "3 (45s ago)");
        assert_eq!(restarts_text(&pod(json!({})), now), "0");
    }
}
