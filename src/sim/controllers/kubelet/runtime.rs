//! Kept whole (over 800 lines): one Pod's life on its kubelet reads best as one state machine.
//!
//! The simulated kubelet for one Pod: volumes mount once their claims are
//! Bound, init containers run in turn, containers start after the
//! workload's `startAfter` and turn ready after its `readyAfter`; readiness
//! overrides, crash loops with the kubelet's back-off, and graceful
//! termination. The Pod's status is rebuilt from this state and written only
//! when it changed.

use std::net::Ipv4Addr;
use std::time::Duration;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{
    Container, ContainerState, ContainerStateRunning, ContainerStateTerminated,
    ContainerStateWaiting, ContainerStatus, HostIP, PersistentVolumeClaim, Pod, PodCondition,
    PodIP, PodStatus, Probe, VolumeMountStatus,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use rand::Rng;

use super::matching::{after, go_duration, image_refs, since};
use super::{Key, KubeletState};
use crate::sim::objects::Object;
use crate::sim::state::SimState;

const DEFAULT_START_AFTER: Duration = Duration::from_secs(2);
const DEFAULT_READY_AFTER: Duration = Duration::from_secs(5);
/// How long a crashing container runs before it exits again.
const CRASH_RUN: Duration = Duration::from_secs(2);
const BACKOFF_INITIAL: Duration = Duration::from_secs(10);
const BACKOFF_MAX: Duration = Duration::from_secs(300);
const MOUNT_TIMEOUT: Duration = Duration::from_secs(120);
const EVENT_REPEAT: Duration = Duration::from_secs(10);
const MAX_TERMINATION: Duration = Duration::from_secs(2);
const KUBELET: &str = "kubelet";

#[derive(Debug, Clone, PartialEq)]
enum Run {
    Waiting,
    Running,
    BackOff {
        until: Timestamp,
    },
    /// An init container that finished.
    Done,
}

#[derive(Debug, Clone)]
struct Ctr {
    name: String,
    image: String,
    probe: Option<Probe>,
    ports: Vec<(String, i32)>,
    mounts: Vec<VolumeMountStatus>,
    /// Waits `readyAfter` after each start before it is ready.
    gated: bool,
    run: Run,
    started_at: Option<Timestamp>,
    ready_at: Option<Timestamp>,
    finished_at: Option<Timestamp>,
    id: Option<String>,
    restarts: i32,
    /// The previous run: started, finished, container id.
    last_exit: Option<(Timestamp, Timestamp, String)>,
    crashes_left: u32,
    crash_now: bool,
    /// The kubelet's back-off entry: current delay and when it was set.
    backoff: Option<(Duration, Timestamp)>,
    next_backoff_event: Option<Timestamp>,
    next_unhealthy: Option<Timestamp>,
}

impl Ctr {
    fn new(c: &Container, gated: bool) -> Ctr {
        Ctr {
            name: c.name.clone(),
            image: c.image.clone().unwrap_or_default(),
            probe: c.readiness_probe.clone(),
            ports: c
                .ports
                .iter()
                .flatten()
                .filter_map(|p| Some((p.name.clone()?, p.container_port)))
                .collect(),
            mounts: c
                .volume_mounts
                .iter()
                .flatten()
                .map(|m| VolumeMountStatus {
                    name: m.name.clone(),
                    mount_path: m.mount_path.clone(),
                    read_only: m.read_only.filter(|r| *r),
                    recursive_read_only: m.read_only.filter(|r| *r).map(|_| "Disabled".into()),
                })
                .collect(),
            gated,
            run: Run::Waiting,
            started_at: None,
            ready_at: None,
            finished_at: None,
            id: None,
            restarts: 0,
            last_exit: None,
            crashes_left: 0,
            crash_now: false,
            backoff: None,
            next_backoff_event: None,
            next_unhealthy: None,
        }
    }
}

#[derive(Debug)]
pub struct PodRuntime {
    pub uid: String,
    pub node: String,
    pub wake: Option<Timestamp>,
    pub ip: Option<u32>,
    bound_at: Timestamp,
    /// `status.startTime`, on the stamp clock (only ever written out).
    start_time: Timestamp,
    start_after: Duration,
    ready_after: Duration,
    mounted_at: Option<Timestamp>,
    last_mount_warning: Option<Timestamp>,
    sandbox_at: Option<Timestamp>,
    inits: Vec<Ctr>,
    ctrs: Vec<Ctr>,
    killing_at: Option<Timestamp>,
}

/// A light copy of the Pod to hang events on.
pub fn pod_ref(pod: &Pod) -> Object {
    Object::Pod(Pod {
        metadata: pod.metadata.clone(),
        ..Default::default()
    })
}

fn condition<'a>(pod: &'a Pod, type_: &str) -> Option<&'a PodCondition> {
    pod.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == type_)
}

fn new_runtime(state: &SimState, pod: &Pod, node: &str) -> PodRuntime {
    let now = state.now();
    let ns = pod.metadata.namespace.as_deref().unwrap_or_default();
    let workload = pod
        .metadata
        .owner_references
        .iter()
        .flatten()
        .find(|o| o.kind == "StatefulSet")
        .and_then(|o| state.behaviour.workload(ns, &o.name));
    let spec = pod.spec.clone().unwrap_or_default();
    let any_probe = spec.containers.iter().any(|c| c.readiness_probe.is_some());
    let bound_at = condition(pod, "PodScheduled")
        .filter(|c| c.status == "True")
        .and_then(|c| c.last_transition_time.as_ref())
        .map_or(now, |t| state.unstamp(t.0));
    PodRuntime {
        uid: pod.metadata.uid.clone().unwrap_or_default(),
        node: node.to_string(),
        wake: None,
        ip: None,
        bound_at,
        start_time: pod
            .status
            .as_ref()
            .and_then(|s| s.start_time.as_ref())
            .map_or(state.stamp(now), |t| t.0),
        start_after: workload.map_or(DEFAULT_START_AFTER, |w| w.start_after),
        ready_after: workload.map_or(DEFAULT_READY_AFTER, |w| w.ready_after),
        mounted_at: None,
        last_mount_warning: None,
        sandbox_at: None,
        inits: spec
            .init_containers
            .iter()
            .flatten()
            .map(|c| Ctr::new(c, false))
            .collect(),
        ctrs: spec
            .containers
            .iter()
            .map(|c| Ctr::new(c, c.readiness_probe.is_some() || !any_probe))
            .collect(),
        killing_at: None,
    }
}

/// Volumes whose claim is not Bound yet.
fn unbound_claim_volumes(state: &SimState, pod: &Pod) -> Vec<String> {
    let ns = pod.metadata.namespace.as_deref().unwrap_or_default();
    let mut out: Vec<String> = pod
        .spec
        .as_ref()
        .and_then(|s| s.volumes.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|v| {
            let claim = v.persistent_volume_claim.as_ref()?;
            let bound = state
                .store
                .get_typed::<PersistentVolumeClaim>(ns, &claim.claim_name)
                .and_then(|c| c.status.as_ref())
                .and_then(|s| s.phase.as_deref())
                == Some("Bound");
            (!bound).then(|| v.name.clone())
        })
        .collect();
    out.sort();
    out
}

fn earliest(a: &mut Option<Timestamp>, t: Timestamp) {
    *a = Some(a.map_or(t, |x| x.min(t)));
}

struct Sync<'a> {
    state: &'a mut SimState,
    involved: Object,
    now: Timestamp,
    wake: Option<Timestamp>,
}

impl Sync<'_> {
    fn event(&mut self, type_: &str, reason: &str, message: &str) {
        self.state
            .record_event(&self.involved, type_, reason, message, KUBELET);
    }

    fn container_id(&mut self) -> String {
        let bytes: [u8; 32] = self.state.rng().random();
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn start(&mut self, c: &mut Ctr, ready_after: Duration) {
        let now = self.now;
        c.id = Some(self.container_id());
        c.run = Run::Running;
        c.started_at = Some(now);
        c.ready_at = Some(if c.gated {
            after(now, ready_after)
        } else {
            now
        });
        c.next_unhealthy = None;
        self.event(
            "Normal",
            "Pulled",
            &format!("Container image \"{}\" already present on machine", c.image),
        );
        self.event(
            "Normal",
            "Created",
            &format!("Created container: {}", c.name),
        );
        self.event(
            "Normal",
            "Started",
            &format!("Started container {}", c.name),
        );
    }
}

/// `back-off` as the kubelet's flowcontrol.Backoff: whether a container that
/// finished at `finished` must still wait.
fn in_backoff(entry: Option<(Duration, Timestamp)>, finished: Timestamp, now: Timestamp) -> bool {
    match entry {
        None => false,
        Some((delay, last)) => since(now, last) <= BACKOFF_MAX * 2 && since(now, finished) < delay,
    }
}

fn next_backoff(entry: Option<(Duration, Timestamp)>, at: Timestamp) -> (Duration, Timestamp) {
    match entry {
        Some((delay, last)) if since(at, last) <= BACKOFF_MAX * 2 => {
            ((delay * 2).min(BACKOFF_MAX), at)
        }
        _ => (BACKOFF_INITIAL, at),
    }
}

fn pod_label(pod: &Pod) -> String {
    format!(
        "{}_{}({})",
        pod.metadata.name.as_deref().unwrap_or_default(),
        pod.metadata.namespace.as_deref().unwrap_or_default(),
        pod.metadata.uid.as_deref().unwrap_or_default()
    )
}

/// What a failing readiness probe of this kind reports.
fn probe_failure(c: &Ctr, pod_ip: &str) -> String {
    let port = |p: &IntOrString| match p {
        IntOrString::Int(n) => n.to_string(),
        IntOrString::String(name) => c
            .ports
            .iter()
            .find(|(n, _)| n == name)
            .map_or(name.clone(), |(_, n)| n.to_string()),
    };
    let Some(probe) = c.probe.as_ref() else {
        return "HTTP probe failed with statuscode: 503".into();
    };
    if probe.http_get.is_some() {
        "HTTP probe failed with statuscode: 503".into()
    } else if let Some(tcp) = &probe.tcp_socket {
        format!(
            "dial tcp {pod_ip}:{}: connect: connection refused",
            port(&tcp.port)
        )
    } else if let Some(grpc) = &probe.grpc {
        format!(
            "timeout: failed to connect service \"{pod_ip}:{}\" within 1s",
            grpc.port
        )
    } else {
        let command = probe
            .exec
            .as_ref()
            .and_then(|e| e.command.as_ref())
            .map(|c| c.join(" "))
            .unwrap_or_default();
        if command.contains("pg_isready") {
            "/var/run/postgresql:5432 - no response".into()
        } else if command.contains("mysql") {
            "ERROR 2003 (HY000): Can't connect to MySQL server on '127.0.0.1:3306' (111)".into()
        } else {
            "command terminated with exit code 1".into()
        }
    }
}

/// Brings one Pod on an up node forward to now and writes its status.
pub fn sync(state: &mut SimState, ks: &mut KubeletState, k: &Key, pod: Pod, node: &str) {
    let mut rt = match ks.pods.remove(k) {
        Some(rt) => rt,
        None => new_runtime(state, &pod, node),
    };
    if let Some(requests) = ks.crashes.remove(k) {
        for (name, n) in requests {
            if let Some(c) = rt.ctrs.iter_mut().find(|c| c.name == name) {
                c.crashes_left += n;
                // A container not running yet first runs a little.
                c.crash_now = c.run == Run::Running;
            }
        }
    }
    let now = state.now();
    let mut s = Sync {
        involved: pod_ref(&pod),
        state,
        now,
        wake: None,
    };
    if pod.metadata.deletion_timestamp.is_some() {
        let wake = terminate(&mut s, &mut rt, &pod);
        if wake.is_none() {
            let _ = s.state.finish_pod_deletion(&k.0, &k.1);
            ks.pods.insert(k.clone(), rt);
            ks.forget(k);
            return;
        }
        ks.pods.insert(k.clone(), rt);
        ks.set_wakeup(k, wake);
        return;
    }
    advance(&mut s, ks, k, &mut rt, &pod);
    let wake = s.wake;
    let state = s.state;
    let host_ip = ks.nodes.get(node).and_then(|n| n.internal_ip.clone());
    let status = build_status(state, &rt, &pod, host_ip, |c| ks.probe_failing(k, c));
    if pod.status.as_ref() != Some(&status) {
        let mut updated = pod;
        updated.status = Some(status);
        let _ = state.put(updated);
    }
    ks.pods.insert(k.clone(), rt);
    ks.set_wakeup(k, wake);
}

fn advance(s: &mut Sync, ks: &mut KubeletState, k: &Key, rt: &mut PodRuntime, pod: &Pod) {
    let now = s.now;
    if rt.mounted_at.is_none() {
        let unbound = unbound_claim_volumes(s.state, pod);
        if unbound.is_empty() {
            rt.mounted_at = Some(now);
            ks.mount_waiting.remove(k);
        } else {
            ks.mount_waiting.insert(k.clone());
            let due = after(rt.last_mount_warning.unwrap_or(rt.bound_at), MOUNT_TIMEOUT);
            if now >= due {
                let mut all: Vec<String> = pod
                    .spec
                    .as_ref()
                    .and_then(|s| s.volumes.as_ref())
                    .into_iter()
                    .flatten()
                    .map(|v| v.name.clone())
                    .collect();
                all.sort();
                s.event(
                    "Warning",
                    "FailedMount",
                    &format!(
                        "Unable to attach or mount volumes: unmounted volumes=[{}], unattached volumes=[{}]: timed out waiting for the condition",
                        unbound.join(" "),
                        all.join(" ")
                    ),
                );
                rt.last_mount_warning = Some(now);
                earliest(&mut s.wake, after(now, MOUNT_TIMEOUT));
            } else {
                earliest(&mut s.wake, due);
            }
            return;
        }
    }
    let base = rt.mounted_at.unwrap_or(now);
    let main_start = after(rt.bound_at, rt.start_after).max(base);
    let segments = u32::try_from(rt.inits.len() + 1).unwrap_or(u32::MAX);
    let segment = since(main_start, base) / segments;
    let sandbox = |rt: &mut PodRuntime, ks: &mut KubeletState| {
        if rt.sandbox_at.is_none() {
            rt.sandbox_at = Some(now);
            rt.ip = ks.nodes.get_mut(&rt.node).and_then(|n| n.allocate_ip());
        }
    };
    // Init containers, one after the other.
    let mut inits_done = true;
    for i in 0..rt.inits.len() {
        let begin = after(base, segment * (i as u32 + 1));
        let end = after(base, segment * (i as u32 + 2));
        if rt.inits[i].run == Run::Done {
            continue;
        }
        if rt.inits[i].run == Run::Waiting {
            if now < begin {
                earliest(&mut s.wake, begin);
                inits_done = false;
                break;
            }
            sandbox(rt, ks);
            let mut c = rt.inits[i].clone();
            s.start(&mut c, Duration::ZERO);
            rt.inits[i] = c;
        }
        if now < end {
            earliest(&mut s.wake, end);
            inits_done = false;
            break;
        }
        let c = &mut rt.inits[i];
        c.run = Run::Done;
        c.finished_at = Some(now);
    }
    if !inits_done {
        return;
    }
    if now < main_start {
        earliest(&mut s.wake, main_start);
        return;
    }
    let ready_after = rt.ready_after;
    for i in 0..rt.ctrs.len() {
        let mut c = rt.ctrs[i].clone();
        if c.run == Run::Waiting {
            sandbox(rt, ks);
            s.start(&mut c, ready_after);
        }
        step_container(s, &mut c, ready_after, pod);
        let failing = ks.probe_failing(k, &c.name);
        if c.run == Run::Running {
            let ready_at = c.ready_at.unwrap_or(now);
            if failing {
                if c.next_unhealthy.is_none_or(|t| now >= t) {
                    let ip = rt
                        .ip
                        .map(|ip| Ipv4Addr::from(ip).to_string())
                        .unwrap_or_default();
                    s.event(
                        "Warning",
                        "Unhealthy",
                        &format!("Readiness probe failed: {}", probe_failure(&c, &ip)),
                    );
                    let period = c
                        .probe
                        .as_ref()
                        .and_then(|p| p.period_seconds)
                        .map_or(EVENT_REPEAT, |p| {
                            Duration::from_secs(u64::from(p.max(1).unsigned_abs()))
                        })
                        .max(EVENT_REPEAT);
                    c.next_unhealthy = Some(after(now, period));
                }
                if let Some(t) = c.next_unhealthy {
                    earliest(&mut s.wake, t);
                }
            } else {
                c.next_unhealthy = None;
                if now < ready_at {
                    earliest(&mut s.wake, ready_at);
                }
            }
        }
        rt.ctrs[i] = c;
    }
}

/// Crash, back-off and restart of one started container.
fn step_container(s: &mut Sync, c: &mut Ctr, ready_after: Duration, pod: &Pod) {
    let now = s.now;
    loop {
        match c.run.clone() {
            Run::Running if c.crashes_left > 0 => {
                let started = c.started_at.unwrap_or(now);
                let exit_at = if c.crash_now {
                    now
                } else {
                    after(started, CRASH_RUN)
                };
                if now < exit_at {
                    earliest(&mut s.wake, exit_at);
                    return;
                }
                c.crash_now = false;
                c.crashes_left -= 1;
                c.last_exit = Some((started, now, c.id.clone().unwrap_or_default()));
                c.finished_at = Some(now);
                if in_backoff(c.backoff, now, now) {
                    let delay = c.backoff.map_or(BACKOFF_INITIAL, |b| b.0);
                    c.run = Run::BackOff {
                        until: after(now, delay),
                    };
                    c.next_backoff_event = None;
                    continue;
                }
                c.backoff = Some(next_backoff(c.backoff, now));
                c.restarts += 1;
                s.start(c, ready_after);
                continue;
            }
            Run::BackOff { until } => {
                if now >= until {
                    c.backoff = Some(next_backoff(c.backoff, c.finished_at.unwrap_or(now)));
                    c.restarts += 1;
                    s.start(c, ready_after);
                    continue;
                }
                if c.next_backoff_event.is_none_or(|t| now >= t) {
                    s.event(
                        "Warning",
                        "BackOff",
                        &format!(
                            "Back-off restarting failed container {} in pod {}",
                            c.name,
                            pod_label(pod)
                        ),
                    );
                    c.next_backoff_event = Some(after(now, EVENT_REPEAT));
                }
                earliest(&mut s.wake, until);
                if let Some(t) = c.next_backoff_event {
                    earliest(&mut s.wake, t);
                }
                return;
            }
            _ => return,
        }
    }
}

/// Graceful deletion: stop the containers, then let the Pod go. Returns the
/// time to come back, or `None` when the Pod can be removed now.
fn terminate(s: &mut Sync, rt: &mut PodRuntime, pod: &Pod) -> Option<Timestamp> {
    let now = s.now;
    let grace = pod
        .metadata
        .deletion_grace_period_seconds
        .or_else(|| {
            pod.spec
                .as_ref()
                .and_then(|s| s.termination_grace_period_seconds)
        })
        .unwrap_or(30);
    let wait = Duration::from_secs(grace.max(0).unsigned_abs()).min(MAX_TERMINATION);
    let killing_at = match rt.killing_at {
        Some(t) => t,
        None => {
            let running: Vec<String> = rt
                .inits
                .iter()
                .chain(rt.ctrs.iter())
                .filter(|c| c.run == Run::Running)
                .map(|c| c.name.clone())
                .collect();
            for name in running {
                s.event("Normal", "Killing", &format!("Stopping container {name}"));
            }
            rt.killing_at = Some(now);
            now
        }
    };
    let done = after(killing_at, wait);
    if now < done {
        return Some(done);
    }
    // The containers have stopped: show it once before the Pod goes.
    let mut stopped = pod.clone();
    if let Some(status) = stopped.status.as_mut() {
        for cs in status.container_statuses.iter_mut().flatten() {
            let Some(running) = cs.state.as_ref().and_then(|st| st.running.clone()) else {
                continue;
            };
            cs.ready = false;
            cs.started = Some(false);
            cs.state = Some(ContainerState {
                terminated: Some(ContainerStateTerminated {
                    exit_code: 0,
                    reason: Some("Completed".into()),
                    started_at: running.started_at,
                    finished_at: Some(s.state.stamp_time(now)),
                    container_id: cs.container_id.clone(),
                    ..Default::default()
                }),
                ..Default::default()
            });
        }
        let names: Vec<&str> = rt.ctrs.iter().map(|c| c.name.as_str()).collect();
        for c in status.conditions.iter_mut().flatten() {
            if (c.type_ == "Ready" || c.type_ == "ContainersReady") && c.status == "True" {
                c.status = "False".into();
                c.reason = Some("ContainersNotReady".into());
                c.message = Some(format!(
                    "containers with unready status: [{}]",
                    names.join(" ")
                ));
                c.last_transition_time = Some(s.state.stamp_time(now));
            }
        }
    }
    if stopped != *pod {
        let _ = s.state.put(stopped);
    }
    None
}

fn waiting(reason: &str, message: Option<String>) -> ContainerState {
    ContainerState {
        waiting: Some(ContainerStateWaiting {
            reason: Some(reason.into()),
            message,
        }),
        ..Default::default()
    }
}

/// A container's status; its times on the stamp clock.
fn container_status(
    state: &SimState,
    c: &Ctr,
    ready: bool,
    init: bool,
    inits_pending: bool,
    pod: &Pod,
) -> ContainerStatus {
    let (image, image_id) = image_refs(&c.image);
    let cid = |id: &str| format!("containerd://{id}");
    let last_state = match &c.last_exit {
        Some((started, finished, id)) => ContainerState {
            terminated: Some(ContainerStateTerminated {
                exit_code: 1,
                reason: Some("Error".into()),
                started_at: Some(state.stamp_time(*started)),
                finished_at: Some(state.stamp_time(*finished)),
                container_id: Some(cid(id)),
                ..Default::default()
            }),
            ..Default::default()
        },
        None => ContainerState::default(),
    };
    let mut status = ContainerStatus {
        name: c.name.clone(),
        image,
        image_id,
        container_id: c.id.as_deref().map(cid),
        ready: false,
        started: Some(false),
        restart_count: c.restarts,
        last_state: Some(last_state),
        volume_mounts: (!c.mounts.is_empty()).then(|| c.mounts.clone()),
        ..Default::default()
    };
    match &c.run {
        Run::Waiting => {
            status.image.clone_from(&c.image);
            status.image_id = String::new();
            let reason = if init || inits_pending {
                "PodInitializing"
            } else {
                "ContainerCreating"
            };
            status.state = Some(waiting(reason, None));
        }
        Run::Running => {
            status.started = Some(true);
            status.ready = ready;
            status.state = Some(ContainerState {
                running: Some(ContainerStateRunning {
                    started_at: c.started_at.map(|t| state.stamp_time(t)),
                }),
                ..Default::default()
            });
        }
        Run::BackOff { .. } => {
            let delay = c.backoff.map_or(BACKOFF_INITIAL, |b| b.0);
            status.state = Some(waiting(
                "CrashLoopBackOff",
                Some(format!(
                    "back-off {} restarting failed container={} pod={}",
                    go_duration(delay),
                    c.name,
                    pod_label(pod)
                )),
            ));
        }
        Run::Done => {
            status.ready = true;
            status.state = Some(ContainerState {
                terminated: Some(ContainerStateTerminated {
                    exit_code: 0,
                    reason: Some("Completed".into()),
                    started_at: c.started_at.map(|t| state.stamp_time(t)),
                    finished_at: c.finished_at.map(|t| state.stamp_time(t)),
                    container_id: c.id.as_deref().map(cid),
                    ..Default::default()
                }),
                ..Default::default()
            });
        }
    }
    status
}

/// The Pod's status as the kubelet posts it; new times on the stamp clock.
fn build_status(
    state: &SimState,
    rt: &PodRuntime,
    pod: &Pod,
    host_ip: Option<String>,
    failing: impl Fn(&str) -> bool,
) -> PodStatus {
    let now = state.now();
    let mut status = pod.status.clone().unwrap_or_default();
    let inits_pending: Vec<&str> = rt
        .inits
        .iter()
        .filter(|c| c.run != Run::Done)
        .map(|c| c.name.as_str())
        .collect();
    let ready = |c: &Ctr| {
        c.run == Run::Running && !failing(&c.name) && c.ready_at.is_some_and(|t| now >= t)
    };
    let unready: Vec<&str> = rt
        .ctrs
        .iter()
        .filter(|c| !ready(c))
        .map(|c| c.name.as_str())
        .collect();
    let started = inits_pending.is_empty() && rt.ctrs.iter().any(|c| c.started_at.is_some());
    if started || status.phase.is_none() {
        status.phase = Some(if started { "Running" } else { "Pending" }.into());
    }
    if let Some(ip) = host_ip {
        status.host_ip = Some(ip.clone());
        status.host_ips = Some(vec![HostIP { ip }]);
    }
    match rt.ip.filter(|_| rt.sandbox_at.is_some()) {
        Some(ip) => {
            let ip = Ipv4Addr::from(ip).to_string();
            status.pod_ip = Some(ip.clone());
            status.pod_ips = Some(vec![PodIP { ip }]);
        }
        None => {
            status.pod_ip = None;
            status.pod_ips = None;
        }
    }
    status.start_time = Some(Time(rt.start_time));
    let mut ctrs: Vec<ContainerStatus> = rt
        .ctrs
        .iter()
        .map(|c| container_status(state, c, ready(c), false, !inits_pending.is_empty(), pod))
        .collect();
    ctrs.sort_by(|a, b| a.name.cmp(&b.name));
    status.container_statuses = Some(ctrs);
    status.init_container_statuses = (!rt.inits.is_empty()).then(|| {
        rt.inits
            .iter()
            .map(|c| container_status(state, c, false, true, true, pod))
            .collect()
    });
    let list = |names: &[&str]| names.join(" ");
    let not_ready = (!unready.is_empty()).then(|| {
        (
            "ContainersNotReady",
            format!("containers with unready status: [{}]", list(&unready)),
        )
    });
    type Why<'a> = Option<(&'a str, String)>;
    let desired: Vec<(&str, bool, Why)> = vec![
        ("PodReadyToStartContainers", rt.sandbox_at.is_some(), None),
        (
            "Initialized",
            inits_pending.is_empty(),
            (!inits_pending.is_empty()).then(|| {
                (
                    "ContainersNotInitialized",
                    format!(
                        "containers with incomplete status: [{}]",
                        list(&inits_pending)
                    ),
                )
            }),
        ),
        ("Ready", unready.is_empty(), not_ready.clone()),
        ("ContainersReady", unready.is_empty(), not_ready),
    ];
    let existing = status.conditions.take().unwrap_or_default();
    let mut conditions: Vec<PodCondition> = desired
        .into_iter()
        .map(|(type_, ok, why)| {
            let status = if ok { "True" } else { "False" };
            let last_transition_time = existing
                .iter()
                .find(|c| c.type_ == type_ && c.status == status)
                .and_then(|c| c.last_transition_time.clone())
                .or(Some(state.stamp_time(now)));
            PodCondition {
                type_: type_.into(),
                status: status.into(),
                reason: why.as_ref().map(|w| w.0.to_string()),
                message: why.map(|w| w.1),
                last_transition_time,
                ..Default::default()
            }
        })
        .collect();
    let ours = [
        "PodReadyToStartContainers",
        "Initialized",
        "Ready",
        "ContainersReady",
    ];
    conditions.extend(
        existing
            .into_iter()
            .filter(|c| !ours.contains(&c.type_.as_str())),
    );
    status.conditions = Some(conditions);
    status
}
