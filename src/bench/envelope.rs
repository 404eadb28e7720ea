//! Figures for the `envelope` shape (issue 10): a cluster at Kubernetes'
//! scale limit where StatefulSets are a small share. One run, one server:
//! the sim's generation time and size, the client's start (every set row,
//! then the complete frame), what it downloads, its memory and CPU, the
//! churn it does not show, and two measured baselines: **minimal** (GET
//! exactly what ordinal shows, with its selectors) and **unfiltered** (GET
//! every list, as kubectl or k9s would). Ratios are printed with the issue's
//! targets; nothing is asserted.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Event as K8sEvent, Pod as K8sPod};

use super::{
    Figure, Report, Rig, apply_burst, attach, draw, mb, ms, process_cpu, reset_peak_rss, rig,
    status_kb,
};
use crate::app::run::RunOptions;
use crate::cluster::watch;
use crate::sim::envelope::{self, EnvelopeSpec};
use crate::sim::resources::Kind as SimKind;
use crate::store::Kind;
use crate::ui::theme::Theme;

/// What to run.
#[derive(Debug, Clone)]
pub struct EnvelopeOptions {
    pub spec: EnvelopeSpec,
    /// Changes per second to Pods and Events no StatefulSet owns, and for how long.
    pub churn_rate: u32,
    pub churn: Duration,
    /// `ordinal-bench` itself, run again with `--attach` to measure the
    /// client alone (see [`super::attach`]); `None` skips that figure.
    pub bench_exe: Option<std::path::PathBuf>,
}

impl EnvelopeOptions {
    pub fn full() -> EnvelopeOptions {
        EnvelopeOptions {
            spec: EnvelopeSpec::full(),
            churn_rate: 1000,
            churn: Duration::from_secs(30),
            bench_exe: None,
        }
    }

    /// The full cluster, a 5 s churn.
    pub fn quick() -> EnvelopeOptions {
        EnvelopeOptions {
            churn: Duration::from_secs(5),
            ..EnvelopeOptions::full()
        }
    }

    /// For the CI smoke test: the small envelope, short phases.
    pub fn small() -> EnvelopeOptions {
        EnvelopeOptions {
            spec: EnvelopeSpec::small(),
            churn_rate: 100,
            churn: Duration::from_secs(1),
            bench_exe: None,
        }
    }
}

/// The requests of the **minimal** baseline: exactly the objects ordinal
/// shows at start (no set open), with the selectors the client uses. Keep
/// this in step with `cluster::watch`: Pods that a StatefulSet made (the
/// label its controller sets), Warning Events about anything but Pods, and
/// about Pods in the namespaces that hold sets (`set_namespaces`), every
/// set, claim, volume and class, and only the Nodes that host set Pods, one
/// GET each, as the Table row the client reads (readiness and cordon; the
/// client fetches a Node in full only when it is not Ready, and then so
/// does this: `not_ready`). ControllerRevisions are needed only for an open
/// set, so none here.
pub fn minimal_requests(
    set_nodes: &BTreeSet<String>,
    not_ready: &BTreeSet<String>,
    set_namespaces: &BTreeSet<String>,
) -> Vec<String> {
    let field = |s: &str| {
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("fieldSelector", s)
            .finish()
    };
    let mut paths: Vec<String> = [
        "/apis/apps/v1/statefulsets",
        "/api/v1/pods?labelSelector=statefulset.kubernetes.io%2Fpod-name",
        "/api/v1/persistentvolumeclaims",
        "/api/v1/persistentvolumes",
        "/apis/storage.k8s.io/v1/storageclasses",
    ]
    .map(String::from)
    .to_vec();
    paths.push(format!(
        "/api/v1/events?{}",
        field(watch::WARNINGS_NOT_PODS)
    ));
    paths.extend(set_namespaces.iter().map(|ns| {
        format!(
            "/api/v1/namespaces/{ns}/events?{}",
            field(watch::WARNINGS_OF_PODS)
        )
    }));
    paths.extend(
        set_nodes
            .iter()
            .map(|n| format!("/api/v1/nodes/{n}?includeObject=None")),
    );
    paths.extend(not_ready.iter().map(|n| format!("/api/v1/nodes/{n}")));
    paths
}

/// The requests of the **unfiltered** baseline: every list ordinal watched
/// before issue 10, which is what kubectl or k9s fetch (every Pod, Event and
/// Node).
pub fn unfiltered_requests() -> Vec<String> {
    super::LISTS.iter().map(|(_, p)| p.to_string()).collect()
}

/// What a baseline cost.
#[derive(Debug, Clone, Copy, Default)]
struct Fetched {
    time: Duration,
    bytes: usize,
    requests: usize,
}

/// GETs every path at once (lists in pages of 500, as kube-rs and kubectl
/// do) and parses each response into a `serde_json::Value`.
async fn fetch(client: &kube::Client, paths: &[String]) -> Result<Fetched> {
    let t = Instant::now();
    let gets = paths.iter().map(|path| async move {
        let is_list = !path.starts_with("/api/v1/nodes/");
        let table = path.contains("includeObject=None");
        let (mut bytes, mut requests) = (0usize, 0usize);
        let mut token: Option<String> = None;
        loop {
            let sep = if path.contains('?') { '&' } else { '?' };
            let url = match (is_list, &token) {
                (false, _) => path.clone(),
                (true, None) => format!("{path}{sep}limit=500"),
                (true, Some(c)) => format!("{path}{sep}limit=500&continue={c}"),
            };
            let mut req = http::Request::get(url);
            if table {
                req = req.header(http::header::ACCEPT, crate::cluster::nodes::TABLE_ACCEPT);
            }
            let req = req.body(Vec::new())?;
            let text = client.request_text(req).await?;
            requests += 1;
            bytes += text.len();
            let value: serde_json::Value = serde_json::from_str(&text)?;
            token = value["metadata"]["continue"]
                .as_str()
                .filter(|c| !c.is_empty())
                .map(String::from);
            if token.is_none() {
                break;
            }
        }
        anyhow::Ok((bytes, requests))
    });
    let results = futures::future::try_join_all(gets).await?;
    Ok(Fetched {
        time: t.elapsed(),
        bytes: results.iter().map(|r| r.0).sum(),
        requests: results.iter().map(|r| r.1).sum(),
    })
}

/// Average bytes per Node in each form a client could watch.
struct NodeSizes {
    nodes: usize,
    full: f64,
    metadata: f64,
    table: f64,
}

/// Measures [`NodeSizes`] on the first page of Nodes: in full and as a
/// Table as the server sends them; metadata-only as the server would (the
/// sim does not serve `PartialObjectMetadata`: the metadata, managedFields
/// included, in its envelope).
async fn node_sizes(client: &kube::Client) -> Result<NodeSizes> {
    let full = client
        .request_text(http::Request::get("/api/v1/nodes?limit=500").body(Vec::new())?)
        .await?;
    let list: serde_json::Value = serde_json::from_str(&full)?;
    let items = list["items"].as_array().cloned().unwrap_or_default();
    let nodes = items.len().max(1);
    let metadata: usize = items
        .iter()
        .map(|n| {
            serde_json::json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": n["metadata"]})
                .to_string()
                .len()
        })
        .sum();
    let table = client
        .request_text(crate::cluster::nodes::list_request(None)?)
        .await?;
    Ok(NodeSizes {
        nodes,
        full: full.len() as f64 / nodes as f64,
        metadata: metadata as f64 / nodes as f64,
        table: table.len() as f64 / nodes as f64,
    })
}

fn ratio(a: f64, b: f64) -> f64 {
    a / b.max(1e-9)
}

/// Runs the envelope benchmarks; `out` gets each figure as soon as it is known.
pub fn run(opts: &EnvelopeOptions, out: &mut dyn FnMut(&Figure)) -> Result<Report> {
    let mut report = Report::default();
    let mut emit = |report: &mut Report, f: Figure| {
        out(&f);
        report.figures.push(f);
    };
    let spec = &opts.spec;

    let t = Instant::now();
    let epoch = Timestamp::now() - jiff::SignedDuration::from_secs(600);
    let state = envelope::build(spec, 1, epoch)?;
    let generated = t.elapsed();
    let counts = [
        SimKind::Node,
        SimKind::Pod,
        SimKind::Event,
        SimKind::PersistentVolumeClaim,
        SimKind::ControllerRevision,
    ]
    .map(|k| state.store.count(k));
    let set_nodes: BTreeSet<String> = state
        .store
        .iter(SimKind::Pod, None)
        .filter(|e| {
            e.labels()
                .is_some_and(|l| l.contains_key("statefulset.kubernetes.io/pod-name"))
        })
        .map(|e| e.field("spec.nodeName").into_owned())
        .collect();
    let set_namespaces: BTreeSet<String> = state
        .store
        .iter(SimKind::StatefulSet, None)
        .map(|e| e.namespace().to_string())
        .collect();
    let not_ready: BTreeSet<String> = set_nodes
        .iter()
        .filter(|n| {
            state
                .store
                .get(SimKind::Node, "", n)
                .and_then(|e| {
                    serde_json::from_slice::<k8s_openapi::api::core::v1::Node>(&e.json).ok()
                })
                .is_some_and(|node| {
                    !node
                        .status
                        .and_then(|s| s.conditions)
                        .into_iter()
                        .flatten()
                        .any(|c| c.type_ == "Ready" && c.status == "True")
                })
        })
        .cloned()
        .collect();
    // What the churn changes: Pods no set owns and Events about them.
    let plain_pods: Vec<(String, String)> = state
        .store
        .iter(SimKind::Pod, None)
        .filter(|e| e.namespace().starts_with("team-"))
        .map(|e| (e.namespace().to_string(), e.name().to_string()))
        .collect();
    let plain_events: Vec<(String, String)> = state
        .store
        .iter(SimKind::Event, None)
        .filter(|e| !e.namespace().starts_with("bench-"))
        .map(|e| (e.namespace().to_string(), e.name().to_string()))
        .collect();

    let Rig {
        sim_rt,
        client_rt,
        threads,
        sim,
    } = rig(state)?;
    let rss_sim = status_kb("VmRSS").unwrap_or(0);
    emit(
        &mut report,
        Figure {
            name: "envelope generation".into(),
            value: generated.as_secs_f64(),
            unit: "s",
            detail: format!(
                "{} Nodes, {} Pods ({} in {} StatefulSets), {} Events, {} claims, {} ControllerRevisions",
                counts[0],
                counts[1],
                spec.set_pods(),
                spec.sets,
                counts[2],
                counts[3],
                counts[4]
            ),
            target: "≤ 120 s",
        },
    );
    emit(
        &mut report,
        Figure {
            name: "envelope sim RSS".into(),
            value: mb(rss_sim),
            unit: "MB",
            detail: "the process after generating and starting the sim, before the client".into(),
            target: "≤ 8,192 MB",
        },
    );
    let peak_reset = reset_peak_rss();
    let theme = Theme::mono();

    let result = client_rt.block_on(async {
        // ---- the client's start ----
        let metrics = sim.metrics();
        let (r0, b0) = (metrics.requests(), metrics.list_bytes() + metrics.watch_bytes());
        let cpu0 = threads.cpu();
        let client = sim.client(None);
        let attach::Started {
            mut app,
            watches,
            mut rx,
            mut terminal,
            rows_at,
            complete,
            rows,
            ..
        } = attach::start(&client, spec.sets, &theme).await?;
        report.list_rows = rows;
        let sync_cpu = threads.cpu() - cpu0;
        let sync_bytes = metrics.list_bytes() + metrics.watch_bytes() - b0;
        let sync_requests = metrics.requests() - r0;
        let peak = status_kb("VmHWM").unwrap_or(0);
        for k in Kind::ALL {
            report.counts.insert(k, app.store.count(k));
        }

        // ---- churn nobody looks at ----
        let driver = {
            let sim = sim.clone();
            let rate = f64::from(opts.churn_rate);
            let length = opts.churn;
            sim_rt.spawn(async move {
                let start = Instant::now();
                let mut done = 0usize;
                let mut tick = tokio::time::interval(Duration::from_millis(10));
                while start.elapsed() < length {
                    tick.tick().await;
                    let due = (start.elapsed().min(length).as_secs_f64() * rate) as usize;
                    sim.with_state(|s| {
                        while done < due {
                            let i = done / 2;
                            if done.is_multiple_of(2) && !plain_pods.is_empty() {
                                let (ns, name) = &plain_pods[i % plain_pods.len()];
                                if let Some(mut pod) = s.get::<K8sPod>(ns, name) {
                                    if let Some(c) = pod
                                        .status
                                        .as_mut()
                                        .and_then(|st| st.container_statuses.as_mut())
                                        .and_then(|cs| cs.first_mut())
                                    {
                                        c.restart_count += 1;
                                    }
                                    let _ = s.put(pod);
                                }
                            } else if !plain_events.is_empty() {
                                let (ns, name) = &plain_events[i % plain_events.len()];
                                if let Some(mut ev) = s.get::<K8sEvent>(ns, name) {
                                    ev.count = Some(ev.count.unwrap_or(1) + 1);
                                    let _ = s.put(ev);
                                }
                            }
                            done += 1;
                        }
                    });
                }
                (done, start.elapsed())
            })
        };
        let b1 = metrics.list_bytes() + metrics.watch_bytes();
        let cpu1 = threads.cpu();
        let pcpu1 = process_cpu();
        let start = Instant::now();
        let min_frame = Duration::from_secs(1) / RunOptions::default().max_fps;
        let mut last_draw = Instant::now();
        let mut dirty = false;
        let mut applied = 0usize;
        let mut driver = Some(driver);
        let mut drain_until: Option<Instant> = None;
        let mut made = (0, opts.churn);
        loop {
            if drain_until.is_some_and(|d| Instant::now() > d) {
                break;
            }
            let wake = if dirty { last_draw + min_frame } else { Instant::now() + Duration::from_millis(100) };
            tokio::select! {
                biased;
                ev = rx.recv() => {
                    let Some(ev) = ev else { bail!("the watches ended") };
                    applied += apply_burst(&mut app, ev, &mut rx, |_| {});
                    dirty = true;
                }
                r = async { driver.as_mut().expect("guarded").await }, if driver.is_some() => {
                    driver = None;
                    made = r?;
                    drain_until = Some(Instant::now() + Duration::from_secs(1));
                }
                _ = tokio::time::sleep_until(wake.into()) => {
                    if dirty {
                        draw(&app, &mut terminal, &theme)?;
                        last_draw = Instant::now();
                        dirty = false;
                    }
                }
            }
        }
        let churn_wall = start.elapsed();
        let churn_cpu = threads.cpu() - cpu1;
        let churn_pcpu = process_cpu() - pcpu1;
        let churn_bytes = metrics.list_bytes() + metrics.watch_bytes() - b1;
        drop(watches);
        drop(app);

        // ---- the client alone, in a process of its own ----
        let child = match &opts.bench_exe {
            Some(exe) => Some(attach::in_child(exe, &sim.url(), spec.sets).await?),
            None => None,
        };

        // ---- the baselines, after the client's figures ----
        let minimal_paths = minimal_requests(&set_nodes, &not_ready, &set_namespaces);
        let m1 = fetch(&client, &minimal_paths).await?;
        let m2 = fetch(&client, &minimal_paths).await?;
        let minimal = if m2.time < m1.time { m2 } else { m1 };
        let unfiltered = fetch(&client, &unfiltered_requests()).await?;
        let per_node = node_sizes(&client).await?;

        let s = |d: Duration| d.as_secs_f64();
        emit(
            &mut report,
            Figure {
                name: "envelope every set row".into(),
                value: ms(rows_at),
                unit: "ms",
                detail: format!("first frame with all {} StatefulSet rows", spec.sets),
                target: "≤ 1,000 ms",
            },
        );
        emit(
            &mut report,
            Figure {
                name: "envelope complete frame".into(),
                value: ms(complete),
                unit: "ms",
                detail: format!(
                    "minimal baseline {:.0} ms (runs {:.0}/{:.0}), ratio {:.2}; unfiltered baseline {:.0} ms, speed-up over it {:.1}×",
                    ms(minimal.time),
                    ms(m1.time),
                    ms(m2.time),
                    ratio(s(complete), s(minimal.time)),
                    ms(unfiltered.time),
                    ratio(s(unfiltered.time), s(complete)),
                ),
                target: "≤ 1.3× minimal, ≥ 10× faster than unfiltered",
            },
        );
        emit(
            &mut report,
            Figure {
                name: "envelope bytes received".into(),
                value: sync_bytes as f64 / 1e6,
                unit: "MB",
                detail: format!(
                    "{sync_requests} requests; minimal {:.1} MB in {} requests (ratio {:.2}); unfiltered {:.1} MB in {} requests (ratio {:.2})",
                    minimal.bytes as f64 / 1e6,
                    minimal.requests,
                    ratio(sync_bytes as f64, minimal.bytes as f64),
                    unfiltered.bytes as f64 / 1e6,
                    unfiltered.requests,
                    ratio(sync_bytes as f64, unfiltered.bytes as f64),
                ),
                target: "≤ 1.2× minimal",
            },
        );
        let in_process = format!(
            "in the bench process: peak {:.0} MB less the sim's {:.0} MB = {:.0} MB{}, client CPU {:.0} ms for the start; store: {} pods, {} events, {} nodes",
            mb(peak),
            mb(rss_sim),
            mb(peak.saturating_sub(rss_sim)),
            if peak_reset { "" } else { " (peak not reset)" },
            ms(sync_cpu),
            report.counts[&Kind::Pod],
            report.counts[&Kind::Event],
            report.counts[&Kind::Node],
        );
        emit(
            &mut report,
            match &child {
                Some(c) => Figure {
                    name: "envelope client peak RSS".into(),
                    value: mb(c.peak_kb),
                    unit: "MB",
                    detail: format!(
                        "the client alone in a process of its own: RSS {:.0} MB at its complete frame ({:.0} ms, every row {:.0} ms), CPU {:.0} ms, {} pods; {in_process}",
                        mb(c.rss_kb),
                        c.complete_ms,
                        c.rows_ms,
                        c.cpu_ms,
                        c.pods,
                    ),
                    target: "≤ 100 MB",
                },
                None => Figure {
                    name: "envelope client peak RSS".into(),
                    value: mb(peak.saturating_sub(rss_sim)),
                    unit: "MB",
                    detail: format!("no child run; {in_process}"),
                    target: "≤ 100 MB",
                },
            },
        );
        emit(
            &mut report,
            Figure {
                name: "envelope unrelated churn client CPU".into(),
                value: 100.0 * s(churn_cpu) / s(churn_wall),
                unit: "% of one core",
                detail: format!(
                    "{} changes to Pods and Events no set owns in {:.1} s; {applied} watch events applied; whole process {:.0}%",
                    made.0,
                    s(made.1),
                    100.0 * s(churn_pcpu) / s(churn_wall)
                ),
                target: "≤ 2% of a core",
            },
        );
        emit(
            &mut report,
            Figure {
                name: "envelope unrelated churn bytes".into(),
                value: churn_bytes as f64,
                unit: "bytes",
                detail: format!("{:.0} bytes/s received over {:.1} s", churn_bytes as f64 / s(churn_wall), s(churn_wall)),
                target: "≈ 0",
            },
        );
        emit(
            &mut report,
            Figure {
                name: "envelope bytes per Node".into(),
                value: per_node.table,
                unit: "bytes",
                detail: format!(
                    "as a Table row (includeObject=None, what the client watches); in full {:.0}, metadata only (PartialObjectMetadata with managedFields) {:.0}; over {} Nodes",
                    per_node.full, per_node.metadata, per_node.nodes
                ),
                target: "small",
            },
        );
        anyhow::Ok(())
    });
    drop(client_rt);
    drop(sim);
    drop(sim_rt);
    result?;
    Ok(report)
}
