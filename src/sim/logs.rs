//! `pods/{name}/log`: plausible, deterministic container logs told from what
//! the sim knows of a container: when it started, its ports, the readiness
//! probe failures its Pod's events record, and how a previous instance ended.
//! Supports `container`, `tailLines`, `sinceSeconds`, `sinceTime`,
//! `timestamps` and `previous` (the container before its last restart).

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use k8s_openapi::api::core::v1::{ContainerStatus, Event, Pod};

use super::error::ApiError;
use super::objects::Object;
use super::resources::Kind;
use super::state::SimState;

/// The most lines one container instance tells (its periodic lines are capped).
const MAX_LINES: usize = 2000;

/// The log text of one container of `namespace/pod`, as the query asks.
pub fn logs(
    state: &SimState,
    namespace: &str,
    pod: &str,
    q: &BTreeMap<String, String>,
) -> Result<String, ApiError> {
    let (lines, _) = selected(state, namespace, pod, q)?;
    Ok(render(&lines, q))
}

/// `follow=true`: the text so far, and a [`Follower`] for what comes next.
pub fn follow(
    state: &SimState,
    namespace: &str,
    pod: &str,
    q: &BTreeMap<String, String>,
) -> Result<(String, Follower), ApiError> {
    let (lines, uid) = selected(state, namespace, pod, q)?;
    let last = lines.last().map_or(state.stamp_now(), |(at, _)| *at);
    Ok((render(&lines, q), Follower { uid, last }))
}

/// Where a followed log is: its Pod (by uid) and the time of the last line
/// sent.
#[derive(Debug, Clone)]
pub struct Follower {
    uid: String,
    last: Timestamp,
}

/// What a followed log has next.
#[derive(Debug, PartialEq)]
pub enum Followed {
    /// New lines (maybe none); the container still runs.
    More(String),
    /// The last lines: the container ended or the Pod is gone.
    End(String),
}

impl Follower {
    /// The lines written since the last call.
    pub fn next(
        &mut self,
        state: &SimState,
        namespace: &str,
        pod: &str,
        q: &BTreeMap<String, String>,
    ) -> Followed {
        let mut all = q.clone();
        all.remove("tailLines");
        all.remove("sinceSeconds");
        all.remove("sinceTime");
        let Ok((lines, uid)) = selected(state, namespace, pod, &all) else {
            return Followed::End(String::new());
        };
        if uid != self.uid {
            return Followed::End(String::new());
        }
        let new: Vec<(Timestamp, String)> = lines
            .into_iter()
            .filter(|(at, _)| *at > self.last)
            .collect();
        if let Some((at, _)) = new.last() {
            self.last = *at;
        }
        let text = render(&new, q);
        if running(state, namespace, pod, q) {
            Followed::More(text)
        } else {
            Followed::End(text)
        }
    }
}

/// Whether the asked container of the Pod is running now.
fn running(state: &SimState, namespace: &str, pod: &str, q: &BTreeMap<String, String>) -> bool {
    let Some(Object::Pod(p)) = state
        .store
        .get(Kind::Pod, namespace, pod)
        .map(|e| e.object())
    else {
        return false;
    };
    let Ok(container) = pick_container(p, q.get("container").map(String::as_str)) else {
        return false;
    };
    p.status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .and_then(|l| l.iter().find(|c| c.name == container))
        .and_then(|c| c.state.as_ref())
        .is_some_and(|s| s.running.is_some())
}

/// The lines the query selects (container, previous, since, tail), on the
/// stamp clock (see `state`), and the Pod's uid.
fn selected(
    state: &SimState,
    namespace: &str,
    pod: &str,
    q: &BTreeMap<String, String>,
) -> Result<(Vec<(Timestamp, String)>, String), ApiError> {
    let entry = state
        .store
        .get(Kind::Pod, namespace, pod)
        .ok_or_else(|| ApiError::not_found(Kind::Pod, pod))?;
    let Object::Pod(p) = entry.object() else {
        return Err(ApiError::not_found(Kind::Pod, pod));
    };
    let container = pick_container(p, q.get("container").map(String::as_str))?;
    let status = p
        .status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .and_then(|l| l.iter().find(|c| c.name == container))
        .cloned()
        .unwrap_or_else(|| ContainerStatus {
            name: container.clone(),
            ..ContainerStatus::default()
        });
    let previous = q.get("previous").is_some_and(|v| v == "true");
    let now = state.stamp_now();
    let events = pod_events(state, namespace, pod);
    let mut lines = if previous {
        previous_lines(p, &status, &events)?
    } else {
        current_lines(p, &status, &events, now)?
    };
    let since = match (q.get("sinceSeconds"), q.get("sinceTime")) {
        (Some(s), _) => {
            let secs: i64 = s
                .parse()
                .map_err(|_| ApiError::bad_request(format!("invalid sinceSeconds {s:?}")))?;
            Some(now - SignedDuration::from_secs(secs))
        }
        (None, Some(t)) => Some(
            t.parse::<Timestamp>()
                .map_err(|_| ApiError::bad_request(format!("invalid sinceTime {t:?}")))?,
        ),
        _ => None,
    };
    if let Some(since) = since {
        lines.retain(|(at, _)| *at >= since);
    }
    if let Some(t) = q.get("tailLines") {
        let n: usize = t
            .parse()
            .map_err(|_| ApiError::bad_request(format!("invalid tailLines {t:?}")))?;
        let skip = lines.len().saturating_sub(n);
        lines.drain(..skip);
    }
    Ok((lines, p.metadata.uid.clone().unwrap_or_default()))
}

fn render(lines: &[(Timestamp, String)], q: &BTreeMap<String, String>) -> String {
    let timestamps = q.get("timestamps").is_some_and(|v| v == "true");
    let mut out = String::new();
    for (at, line) in lines {
        if timestamps {
            out.push_str(&format!("{} ", at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")));
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn pick_container(pod: &Pod, asked: Option<&str>) -> Result<String, ApiError> {
    let name = pod.metadata.name.clone().unwrap_or_default();
    let names: Vec<String> = pod
        .spec
        .iter()
        .flat_map(|s| s.containers.iter().map(|c| c.name.clone()))
        .collect();
    match asked {
        Some(c) if names.iter().any(|n| n == c) => Ok(c.to_string()),
        Some(c) => Err(ApiError::bad_request(format!(
            "container {c} is not valid for pod {name}"
        ))),
        None if names.len() == 1 => Ok(names[0].clone()),
        None => Err(ApiError::bad_request(format!(
            "a container name must be specified for pod {name}, choose one of: [{}]",
            names.join(" ")
        ))),
    }
}

fn pod_events(state: &SimState, namespace: &str, pod: &str) -> Vec<Event> {
    state
        .store
        .iter(Kind::Event, Some(namespace))
        .filter_map(|e| match e.object() {
            Object::Event(ev)
                if ev.involved_object.name.as_deref() == Some(pod)
                    && ev.involved_object.kind.as_deref() == Some("Pod") =>
            {
                Some(ev.clone())
            }
            _ => None,
        })
        .collect()
}

fn image_of(pod: &Pod, container: &str) -> (String, Vec<i32>) {
    pod.spec
        .iter()
        .flat_map(|s| s.containers.iter())
        .find(|c| c.name == container)
        .map(|c| {
            (
                c.image.clone().unwrap_or_default(),
                c.ports.iter().flatten().map(|p| p.container_port).collect(),
            )
        })
        .unwrap_or_default()
}

/// What one container instance says between `start` and `end`.
fn story(
    pod: &Pod,
    container: &str,
    events: &[Event],
    start: Timestamp,
    end: Timestamp,
) -> Vec<(Timestamp, String)> {
    let (image, ports) = image_of(pod, container);
    let mut lines = vec![(start, format!("starting {container} (image {image})"))];
    let second = start + SignedDuration::from_secs(1);
    for port in &ports {
        lines.push((second, format!("listening on 0.0.0.0:{port}")));
    }
    lines.push((second, "ready to accept connections".to_string()));
    for ev in events {
        let Some(at) = ev.last_timestamp.as_ref().map(|t| t.0) else {
            continue;
        };
        if ev.reason.as_deref() == Some("Unhealthy") && at >= start && at <= end {
            let message = ev.message.clone().unwrap_or_default();
            lines.push((at, format!("health check failed: {message}")));
        }
    }
    // A quiet heartbeat every minute, so `--tail` and `--since` have lines to cut.
    let mut at = start + SignedDuration::from_secs(60);
    let mut beats = Vec::new();
    while at <= end {
        let minutes = at.duration_since(start).as_secs() / 60;
        beats.push((at, format!("{container}: serving, uptime {minutes}m")));
        at += SignedDuration::from_secs(60);
    }
    let skip = beats.len().saturating_sub(MAX_LINES);
    lines.extend(beats.into_iter().skip(skip));
    lines.sort_by_key(|(at, _)| *at);
    lines
}

fn current_lines(
    pod: &Pod,
    status: &ContainerStatus,
    events: &[Event],
    now: Timestamp,
) -> Result<Vec<(Timestamp, String)>, ApiError> {
    let pod_name = pod.metadata.name.clone().unwrap_or_default();
    let state = status.state.as_ref();
    if let Some(running) = state.and_then(|s| s.running.as_ref()) {
        let start = running.started_at.as_ref().map_or(now, |t| t.0);
        return Ok(story(pod, &status.name, events, start, now));
    }
    if let Some(done) = state.and_then(|s| s.terminated.as_ref()) {
        let start = done.started_at.as_ref().map_or(now, |t| t.0);
        let end = done.finished_at.as_ref().map_or(now, |t| t.0);
        let mut lines = story(pod, &status.name, events, start, end);
        lines.push((end, format!("exiting with code {}", done.exit_code)));
        return Ok(lines);
    }
    let reason = state
        .and_then(|s| s.waiting.as_ref())
        .and_then(|w| w.reason.clone())
        .unwrap_or_else(|| "ContainerCreating".into());
    Err(ApiError::bad_request(format!(
        "container \"{}\" in pod \"{pod_name}\" is waiting to start: {reason}",
        status.name
    )))
}

fn previous_lines(
    pod: &Pod,
    status: &ContainerStatus,
    events: &[Event],
) -> Result<Vec<(Timestamp, String)>, ApiError> {
    let pod_name = pod.metadata.name.clone().unwrap_or_default();
    let Some(done) = status
        .last_state
        .as_ref()
        .and_then(|s| s.terminated.as_ref())
    else {
        return Err(ApiError::bad_request(format!(
            "previous terminated container \"{}\" in pod \"{pod_name}\" not found",
            status.name
        )));
    };
    let end = done.finished_at.as_ref().map(|t| t.0).unwrap_or_default();
    let start = done.started_at.as_ref().map_or(end, |t| t.0);
    let mut lines = story(pod, &status.name, events, start, end);
    let why = done.reason.clone().unwrap_or_else(|| "Error".into());
    lines.push((
        end,
        format!("fatal: exiting with code {} ({why})", done.exit_code),
    ));
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{
        Container, ContainerPort, ContainerState, ContainerStateRunning, ContainerStateTerminated,
        PodSpec, PodStatus,
    };
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

    fn pod(status: ContainerStatus) -> Pod {
        let mut p = Pod::default();
        p.metadata.name = Some("web-0".into());
        p.spec = Some(PodSpec {
            containers: vec![Container {
                name: "nginx".into(),
                image: Some("nginx:1.27".into()),
                ports: Some(vec![ContainerPort {
                    container_port: 80,
                    ..Default::default()
                }]),
                ..Default::default()
            }],
            ..Default::default()
        });
        p.status = Some(PodStatus {
            container_statuses: Some(vec![status]),
            ..Default::default()
        });
        p
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn running_since(at: &str) -> ContainerStatus {
        ContainerStatus {
            name: "nginx".into(),
            state: Some(ContainerState {
                running: Some(ContainerStateRunning {
                    started_at: Some(Time(ts(at))),
                }),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn a_running_container_tells_its_start_ports_and_heartbeats() {
        let p = pod(running_since("2026-01-01T00:00:00Z"));
        let status = &p
            .status
            .as_ref()
            .unwrap()
            .container_statuses
            .as_ref()
            .unwrap()[0];
        let lines = current_lines(&p, status, &[], ts("2026-01-01T00:03:30Z")).unwrap();
        let texts: Vec<&str> = lines.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "starting nginx (image nginx:1.27)",
                "listening on 0.0.0.0:80",
                "ready to accept connections",
                "nginx: serving, uptime 1m",
                "nginx: serving, uptime 2m",
                "nginx: serving, uptime 3m",
            ]
        );
    }

    #[test]
    fn readiness_failures_from_events_appear_in_order() {
        let p = pod(running_since("2026-01-01T00:00:00Z"));
        let ev = Event {
            reason: Some("Unhealthy".into()),
            message: Some("Readiness probe failed: connection refused".into()),
            last_timestamp: Some(Time(ts("2026-01-01T00:01:30Z"))),
            ..Default::default()
        };
        let status = &p
            .status
            .as_ref()
            .unwrap()
            .container_statuses
            .as_ref()
            .unwrap()[0];
        let lines = current_lines(&p, status, &[ev], ts("2026-01-01T00:02:00Z")).unwrap();
        assert_eq!(
            lines[4].1,
            "health check failed: Readiness probe failed: connection refused"
        );
    }

    #[test]
    fn previous_needs_a_terminated_instance() {
        let p = pod(running_since("2026-01-01T00:00:00Z"));
        let status = &p
            .status
            .as_ref()
            .unwrap()
            .container_statuses
            .as_ref()
            .unwrap()[0];
        let err = previous_lines(&p, status, &[]).unwrap_err();
        assert_eq!(
            err.message,
            "previous terminated container \"nginx\" in pod \"web-0\" not found"
        );
        let mut restarted = running_since("2026-01-01T00:05:00Z");
        restarted.last_state = Some(ContainerState {
            terminated: Some(ContainerStateTerminated {
                exit_code: 137,
                reason: Some("OOMKilled".into()),
                started_at: Some(Time(ts("2026-01-01T00:00:00Z"))),
                finished_at: Some(Time(ts("2026-01-01T00:04:59Z"))),
                ..Default::default()
            }),
            ..Default::default()
        });
        let lines = previous_lines(&p, &restarted, &[]).unwrap();
        assert_eq!(
            lines.last().unwrap().1,
            "fatal: exiting with code 137 (OOMKilled)"
        );
    }

    #[test]
    fn a_waiting_container_has_no_logs_yet() {
        let p = pod(ContainerStatus {
            name: "nginx".into(),
            ..Default::default()
        });
        let status = &p
            .status
            .as_ref()
            .unwrap()
            .container_statuses
            .as_ref()
            .unwrap()[0];
        let err = current_lines(&p, status, &[], ts("2026-01-01T00:00:00Z")).unwrap_err();
        assert_eq!(err.code, 400);
        assert!(
            err.message
                .contains("is waiting to start: ContainerCreating")
        );
    }
}
