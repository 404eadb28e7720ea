//! Performance benchmarks (issue 5): the real client, watchers, store,
//! views and widgets against a big generated simulated cluster over loopback.
//! `ordinal-bench` prints the figures; `tests/bench_smoke.rs` runs the same
//! code on a tiny cluster so it does not rot. Nothing here asserts timings.

pub mod attach;
pub mod envelope;
mod frames;
mod parse;
mod process;
mod rig;
pub mod size;

use frames::*;
use process::*;
use rig::*;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;
use k8s_openapi::api::core::v1::Pod as K8sPod;
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use tokio::sync::mpsc;

use crate::app::App;
use crate::app::run::{self, RunOptions, Wiring};
use crate::cluster::{stats, watch};
use crate::sim::generate::{self, ClusterSpec};
use crate::sim::server::{SimConfig, SimServer};
use crate::store::{Kind, Object, StoreEvent};
use crate::ui::{self, model::ScreenView, theme::Theme};

/// What to run.
#[derive(Debug, Clone)]
pub struct Options {
    pub spec: ClusterSpec,
    /// Replicas of the one big set of the frame benchmark.
    pub big_replicas: i32,
    /// Pod status changes per second in the churn benchmark, and for how long.
    pub churn_rate: u32,
    pub churn: Duration,
    pub idle: Duration,
    /// Frames per frame benchmark.
    pub frames: usize,
    /// Key presses in the input benchmark.
    pub presses: usize,
    /// `ordinal-bench` itself, run again with `--attach` to measure the
    /// client alone (see [`attach`]); `None` skips that figure.
    pub bench_exe: Option<std::path::PathBuf>,
}

impl Options {
    pub fn full() -> Options {
        Options {
            spec: ClusterSpec::full(),
            big_replicas: 1000,
            churn_rate: 1000,
            churn: Duration::from_secs(30),
            idle: Duration::from_secs(60),
            frames: 200,
            presses: 200,
            bench_exe: None,
        }
    }

    pub fn quick() -> Options {
        Options {
            spec: ClusterSpec::quick(),
            churn: Duration::from_secs(3),
            idle: Duration::from_secs(5),
            presses: 100,
            ..Options::full()
        }
    }

    /// For the CI smoke test: a tiny cluster, short phases.
    pub fn tiny() -> Options {
        Options {
            spec: ClusterSpec {
                sets: 20,
                replicas: 3,
                namespaces: 4,
                nodes: 5,
                classes: 2,
                events: 200,
            },
            big_replicas: 50,
            churn_rate: 200,
            churn: Duration::from_secs(1),
            idle: Duration::from_secs(2),
            frames: 20,
            presses: 20,
            bench_exe: None,
        }
    }
}

/// One printed figure.
#[derive(Debug, Clone)]
pub struct Figure {
    pub name: String,
    pub value: f64,
    pub unit: &'static str,
    /// Baseline, ratio, breakdowns.
    pub detail: String,
    pub target: &'static str,
}

impl fmt::Display for Figure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = if self.value.abs() >= 100.0 || self.value == self.value.trunc() {
            format!("{:.0}", self.value)
        } else {
            format!("{:.2}", self.value)
        };
        write!(f, "{}: {v} {}", self.name, self.unit)?;
        if !self.detail.is_empty() {
            write!(f, " ({})", self.detail)?;
        }
        if !self.target.is_empty() {
            write!(f, " [target {}]", self.target)?;
        }
        Ok(())
    }
}

/// Everything measured.
#[derive(Debug, Default)]
pub struct Report {
    pub figures: Vec<Figure>,
    /// Objects per kind in the client's store after sync.
    pub counts: BTreeMap<Kind, usize>,
    /// Rows of the list in the first complete frame.
    pub list_rows: usize,
    /// Ordinal rows of the big set's screen.
    pub big_rows: usize,
}

impl Report {
    pub fn figure(&self, name: &str) -> Option<&Figure> {
        self.figures.iter().find(|f| f.name == name)
    }
}

// ---- process figures from /proc ----

/// The list paths of the watched kinds, with their kinds.
const LISTS: [(Kind, &str); 8] = [
    (Kind::StatefulSet, "/apis/apps/v1/statefulsets"),
    (Kind::Pod, "/api/v1/pods"),
    (Kind::Claim, "/api/v1/persistentvolumeclaims"),
    (Kind::Volume, "/api/v1/persistentvolumes"),
    (Kind::StorageClass, "/apis/storage.k8s.io/v1/storageclasses"),
    (Kind::Node, "/api/v1/nodes"),
    (Kind::Event, "/api/v1/events"),
    (Kind::Revision, "/apis/apps/v1/controllerrevisions"),
];

/// The baseline: GET every list at once and parse each into a
/// `serde_json::Value`. Returns the time and each list's JSON size.
async fn baseline(client: &kube::Client) -> Result<(Duration, BTreeMap<Kind, usize>)> {
    let t = Instant::now();
    let gets = LISTS.iter().map(|(kind, path)| async move {
        let req = http::Request::get(*path).body(Vec::new())?;
        let text = client.request_text(req).await?;
        let value: serde_json::Value = serde_json::from_str(&text)?;
        let items = value["items"].as_array().map_or(0, Vec::len);
        anyhow::Ok((*kind, text.len(), items, value))
    });
    let results = futures::future::try_join_all(gets).await?;
    let elapsed = t.elapsed();
    let mut sizes = BTreeMap::new();
    for (kind, bytes, _items, value) in results {
        sizes.insert(kind, bytes);
        drop(value);
    }
    Ok((elapsed, sizes))
}

/// Applies an event and everything queued behind it (as the run loop does);
/// returns the Pods among them.
fn apply_burst(
    app: &mut App,
    first: StoreEvent,
    rx: &mut mpsc::UnboundedReceiver<StoreEvent>,
    mut on: impl FnMut(&StoreEvent),
) -> usize {
    let now = Timestamp::now();
    on(&first);
    app.apply(first, now);
    let mut n = 1;
    while let Ok(more) = rx.try_recv() {
        on(&more);
        app.apply(more, now);
        n += 1;
    }
    n
}

/// Runs every benchmark; `out` gets each figure as soon as it is known.
pub fn run(opts: &Options, out: &mut dyn FnMut(&Figure)) -> Result<Report> {
    let mut report = Report::default();
    let mut emit = |report: &mut Report, f: Figure| {
        out(&f);
        report.figures.push(f);
    };

    // The cluster, settled, before anything is served.
    let t = Instant::now();
    let epoch = Timestamp::now() - jiff::SignedDuration::from_secs(600);
    let state = generate::build(&opts.spec, 1, epoch)?;
    let generated = t.elapsed();
    let total_pods = state.store.count(crate::sim::resources::Kind::Pod);
    eprintln!(
        "generated {} sets, {} pods, {} events in {:.1}s",
        opts.spec.sets,
        total_pods,
        state.store.count(crate::sim::resources::Kind::Event),
        generated.as_secs_f64()
    );

    let Rig {
        sim_rt,
        client_rt,
        threads,
        sim,
    } = rig(state)?;
    let rss_sim = status_kb("VmRSS").unwrap_or(0);
    let peak_reset = reset_peak_rss();
    let theme = Theme::mono();

    let result = client_rt.block_on(async {
        let spec = &opts.spec;
        // ---- 1. sync ----
        let cpu0 = threads.cpu();
        let client = sim.client(None);
        let attach::Started {
            mut app,
            watches,
            mut rx,
            tx,
            mut terminal,
            complete: sync_time,
            rows: list_rows,
            ..
        } = attach::start(&client, spec.sets, &theme).await?;
        let sync_cpu = threads.cpu() - cpu0;
        report.list_rows = list_rows;
        for k in Kind::ALL {
            report.counts.insert(k, app.store.count(k));
        }

        // ---- 2. memory (before the baseline allocates anything) ----
        let peak = status_kb("VmHWM").unwrap_or(0);
        let rss = status_kb("VmRSS").unwrap_or(0);
        let store_bytes: BTreeMap<Kind, usize> = Kind::ALL
            .iter()
            .map(|k| (*k, size::store_bytes(&app.store, *k)))
            .collect();
        // The client alone, in a process of its own (the in-process peak
        // above also counts the sim's serving).
        let child = match &opts.bench_exe {
            Some(exe) => Some(attach::in_child(exe, &sim.url(), spec.sets).await?),
            None => None,
        };

        // The baseline, twice (the better one counts).
        let (b1, sizes) = baseline(&client).await?;
        let (b2, _) = baseline(&client).await?;
        let base = b1.min(b2);
        emit(
            &mut report,
            Figure {
                name: "sync".into(),
                value: ms(sync_time),
                unit: "ms",
                detail: format!(
                    "baseline {:.0} ms (runs {:.0}/{:.0}), ratio {:.2}; client CPU {:.0} ms; {} sets, {} pods, {} claims, {} PVs, {} events",
                    ms(base),
                    ms(b1),
                    ms(b2),
                    sync_time.as_secs_f64() / base.as_secs_f64().max(1e-9),
                    ms(sync_cpu),
                    app.store.count(Kind::StatefulSet),
                    app.store.count(Kind::Pod),
                    app.store.count(Kind::Claim),
                    app.store.count(Kind::Volume),
                    app.store.count(Kind::Event),
                ),
                target: "≤ 1.5× baseline",
            },
        );
        let json_total: usize = sizes.values().sum();
        let store_total: usize = store_bytes.values().sum();
        let in_process = format!(
            "in the bench process: peak {:.1} MB less the sim's {:.1} MB before the client = {:.1} MB; RSS now {:.1} MB{}",
            mb(peak),
            mb(rss_sim),
            mb(peak.saturating_sub(rss_sim)),
            mb(rss),
            if peak_reset { "" } else { "; peak not reset, includes generation" }
        );
        emit(
            &mut report,
            Figure {
                name: "memory peak RSS".into(),
                value: mb(child.as_ref().map_or(peak.saturating_sub(rss_sim), |c| c.peak_kb)),
                unit: "MB",
                detail: match &child {
                    Some(c) => format!(
                        "the client alone in a process of its own: RSS {:.1} MB at sync ({:.0} ms), CPU {:.0} ms; {in_process}",
                        mb(c.rss_kb),
                        c.complete_ms,
                        c.cpu_ms
                    ),
                    None => format!("no child run, so the in-process estimate; {in_process}"),
                },
                target: "≤ 80 MB",
            },
        );
        let parse = parse::pods(&client, 3).await?;
        emit(&mut report, parse);
        let per_kind: Vec<String> = Kind::ALL
            .iter()
            .map(|k| {
                format!(
                    "{} {:.2}/{:.2}",
                    k.label(),
                    store_bytes[k] as f64 / 1e6,
                    sizes.get(k).copied().unwrap_or(0) as f64 / 1e6
                )
            })
            .collect();
        emit(
            &mut report,
            Figure {
                name: "memory store".into(),
                value: store_total as f64 / 1e6,
                unit: "MB",
                detail: format!(
                    "raw JSON of the lists {:.1} MB; per kind store/JSON MB: {}",
                    json_total as f64 / 1e6,
                    per_kind.join(", ")
                ),
                target: "",
            },
        );

        // ---- 4a. frame: the list ----
        for (w, h) in [(80u16, 24u16), (200, 60)] {
            let (median, p99, derive) = frame_times(&app, w, h, opts.frames, &theme)?;
            emit(
                &mut report,
                Figure {
                    name: format!("frame list {w}x{h}"),
                    value: ms(median),
                    unit: "ms median",
                    detail: format!(
                        "p99 {:.2} ms; deriving the views {:.2} ms of it; {} rows, {} frames",
                        ms(p99),
                        ms(derive),
                        list_rows,
                        opts.frames
                    ),
                    target: "≤ 2 ms at 200x60",
                },
            );
        }
        {
            // One Pod per frame changes, in a different set each time.
            let some_pods: Vec<(String, String)> = app
                .store
                .sets(None)
                .filter_map(|s| {
                    app.store
                        .pods_of_set(&s.namespace, &s.name)
                        .next()
                        .map(|(_, p)| (p.namespace.clone(), p.name.clone()))
                })
                .collect();
            let n = opts.frames.min(100);
            let (median, p99) =
                frame_times_after_change(&mut app, &some_pods, 200, 60, n, &theme)?;
            let now = Timestamp::now();
            let scratch = median_of(5, || {
                std::hint::black_box(crate::view::set_rows(
                    &app.store,
                    &crate::view::Scope::all(),
                    "",
                    now,
                ));
            });
            emit(
                &mut report,
                Figure {
                    name: "frame list 200x60 after a Pod change".into(),
                    value: ms(median),
                    unit: "ms median",
                    detail: format!(
                        "p99 {:.2} ms; one Pod of another set changes before each of {n} frames; baseline, deriving the whole list from scratch: {:.2} ms (ratio {:.2})",
                        ms(p99),
                        ms(scratch),
                        median.as_secs_f64() / scratch.as_secs_f64().max(1e-9)
                    ),
                    target: "≤ 2 ms at 200x60",
                },
            );
        }

        // ---- 3. churn ----
        let pods: Vec<(String, String)> = sim.with_state(|s| {
            s.store
                .iter(crate::sim::resources::Kind::Pod, None)
                .map(|e| (e.namespace().to_string(), e.name().to_string()))
                .collect()
        });
        let changed: Arc<Mutex<HashMap<(String, String), Instant>>> = Arc::default();
        let driver = {
            let sim = sim.clone();
            let changed = changed.clone();
            let rate = opts.churn_rate as f64;
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
                            let (ns, name) = &pods[done % pods.len()];
                            done += 1;
                            let Some(mut pod) = s.get::<K8sPod>(ns, name) else {
                                continue;
                            };
                            if let Some(c) = pod
                                .status
                                .as_mut()
                                .and_then(|st| st.container_statuses.as_mut())
                                .and_then(|cs| cs.first_mut())
                            {
                                c.restart_count += 1;
                            }
                            if s.put(pod).is_ok() {
                                changed
                                    .lock()
                                    .unwrap_or_else(|e| e.into_inner())
                                    .insert((ns.clone(), name.clone()), Instant::now());
                            }
                        }
                    });
                }
                (done, start.elapsed())
            })
        };
        let cpu0 = threads.cpu();
        let pcpu0 = process_cpu();
        let start = Instant::now();
        let min_frame = Duration::from_secs(1) / RunOptions::default().max_fps;
        let mut last_draw = Instant::now() - min_frame;
        let mut pending: Vec<((String, String), Instant)> = Vec::new();
        let mut latencies: Vec<Duration> = Vec::new();
        let mut applied = 0usize;
        let mut frames = 0usize;
        let mut driver = Some(driver);
        let mut sent = 0usize;
        let mut sent_for = opts.churn;
        // Until the driver ends and every change it made has been drawn (or
        // 5 s). Two changes to one Pod between frames are drawn once, so the
        // test is "nothing changed is left undrawn", not a count of frames.
        let mut drain_deadline: Option<Instant> = None;
        let undrawn = || changed.lock().unwrap_or_else(|e| e.into_inner()).len();
        loop {
            if let Some(d) = drain_deadline
                && (Instant::now() > d || undrawn() == 0)
            {
                break;
            }
            let draw_at = (!pending.is_empty()).then(|| last_draw + min_frame);
            tokio::select! {
                biased;
                _ = tokio::time::sleep_until(draw_at.unwrap_or_else(Instant::now).into()), if draw_at.is_some() => {
                    draw(&app, &mut terminal, &theme)?;
                    let drawn = Instant::now();
                    last_draw = drawn;
                    frames += 1;
                    let mut changed = changed.lock().unwrap_or_else(|e| e.into_inner());
                    for (k, _) in pending.drain(..) {
                        if let Some(at) = changed.remove(&k) {
                            latencies.push(drawn.saturating_duration_since(at));
                        }
                    }
                }
                ev = rx.recv() => {
                    let Some(ev) = ev else { bail!("the watches ended") };
                    let now = Instant::now();
                    applied += apply_burst(&mut app, ev, &mut rx, |e| {
                        if let StoreEvent::Applied(Object::Pod(p)) = e {
                            pending.push(((p.namespace.clone(), p.name.clone()), now));
                        }
                    });
                }
                // Wakes the loop at the deadline when nothing else arrives.
                _ = tokio::time::sleep_until(drain_deadline.unwrap_or_else(Instant::now).into()), if drain_deadline.is_some() => {}
                r = async { driver.as_mut().expect("guarded").await }, if driver.is_some() => {
                    driver = None;
                    let (n, took) = r?;
                    sent = n;
                    sent_for = took;
                    drain_deadline = Some(Instant::now() + Duration::from_secs(5));
                }
            }
        }
        let wall = start.elapsed();
        let backlog = undrawn();
        let churn_cpu = threads.cpu() - cpu0;
        let churn_pcpu = process_cpu() - pcpu0;
        latencies.sort();
        emit(
            &mut report,
            Figure {
                name: "churn events applied".into(),
                value: applied as f64 / sent_for.as_secs_f64(),
                unit: "/s",
                detail: format!(
                    "{sent} changes made by the sim in {:.1}s, {} drawn (changes to one Pod between frames count once), {backlog} not seen within 5 s after the end (backlog); {frames} frames",
                    sent_for.as_secs_f64(),
                    latencies.len(),
                ),
                target: "no backlog at 1,000 changes/s",
            },
        );
        emit(
            &mut report,
            Figure {
                name: "churn change-to-frame".into(),
                value: ms(quantile(&latencies, 0.99)),
                unit: "ms p99",
                detail: format!(
                    "p50 {:.1} ms, max {:.1} ms (frames are capped at {} fps)",
                    ms(quantile(&latencies, 0.5)),
                    ms(latencies.last().copied().unwrap_or_default()),
                    RunOptions::default().max_fps
                ),
                target: "p99 ≤ 100 ms",
            },
        );
        emit(
            &mut report,
            Figure {
                name: "churn client CPU".into(),
                value: 100.0 * churn_cpu.as_secs_f64() / wall.as_secs_f64(),
                unit: "% of one core",
                detail: format!(
                    "{:.0} ms over {:.1} s; whole process with the sim {:.0}%",
                    ms(churn_cpu),
                    wall.as_secs_f64(),
                    100.0 * churn_pcpu.as_secs_f64() / wall.as_secs_f64()
                ),
                target: "≤ 25% of one core",
            },
        );

        // ---- 5. idle, with the real run loop and the stats poller ----
        let bytes = Arc::new(AtomicU64::new(0));
        let (flush_tx, mut flush_rx) = mpsc::unbounded_channel();
        let sink = Sink {
            bytes: bytes.clone(),
            flushes: flush_tx,
        };
        let mut real = Terminal::with_options(
            CrosstermBackend::new(sink),
            TerminalOptions {
                viewport: Viewport::Fixed(Rect::new(0, 0, 200, 60)),
            },
        )?;
        let (nodes_tx, nodes_rx) = tokio::sync::watch::channel(std::collections::BTreeSet::new());
        let stats_task = stats::start(client.clone(), nodes_rx, tx.clone(), Duration::from_secs(30));
        let (keys_tx, keys_rx) = mpsc::unbounded_channel::<io::Result<TermEvent>>();
        let inputs = futures::stream::unfold(keys_rx, |mut rx| async move {
            rx.recv().await.map(|e| (e, rx))
        });
        let run_options = RunOptions::default();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let (_results_tx, mut results_rx) = mpsc::unbounded_channel();
        let loop_fut = run::run(
            &mut real,
            &mut app,
            &theme,
            Box::pin(inputs),
            Wiring {
                store_rx: &mut rx,
                nodes_tx: &nodes_tx,
                results_rx: &mut results_rx,
                rewatch: |_| {},
                execute: |_| {},
            },
            async {
                let _ = stop_rx.await;
            },
            &run_options,
        );
        let measure = async {
            // Let the first full frame and the first stats poll pass.
            tokio::time::sleep(Duration::from_millis(2500)).await;
            let b0 = bytes.load(Ordering::Relaxed);
            let r0 = sim.metrics().requests();
            let w0 = sim.metrics().watch_bytes();
            let c0 = threads.cpu();
            let p0 = process_cpu();
            let t = Instant::now();
            tokio::time::sleep(opts.idle).await;
            let idle = (
                bytes.load(Ordering::Relaxed) - b0,
                sim.metrics().requests() - r0,
                sim.metrics().watch_bytes() - w0,
                threads.cpu() - c0,
                process_cpu() - p0,
                t.elapsed(),
            );
            // ---- 6. input: key presses through the same loop ----
            let mut lat = Vec::with_capacity(opts.presses);
            for i in 0..opts.presses {
                tokio::time::sleep(Duration::from_millis(50)).await;
                while flush_rx.try_recv().is_ok() {}
                let code = if i % 2 == 0 { KeyCode::Down } else { KeyCode::Up };
                let sent = Instant::now();
                let _ = keys_tx.send(Ok(key(code)));
                match tokio::time::timeout(Duration::from_secs(2), flush_rx.recv()).await {
                    Ok(Some(at)) => lat.push(at.saturating_duration_since(sent)),
                    _ => break,
                }
            }
            let _ = stop_tx.send(());
            (idle, lat)
        };
        let (exit, (idle, mut input)) = tokio::join!(loop_fut, measure);
        exit?;
        stats_task.abort();
        let (ibytes, ireq, iwatch, icpu, ipcpu, iwall) = idle;
        emit(
            &mut report,
            Figure {
                name: "idle terminal bytes".into(),
                value: ibytes as f64,
                unit: "bytes",
                detail: format!(
                    "{:.0} bytes/s over {:.0} s (the list shows ages: one refresh a second)",
                    ibytes as f64 / iwall.as_secs_f64(),
                    iwall.as_secs_f64()
                ),
                target: "0 except a once-a-second age refresh",
            },
        );
        emit(
            &mut report,
            Figure {
                name: "idle API".into(),
                value: ireq as f64,
                unit: "requests",
                detail: format!(
                    "{iwatch} bytes on watches; the stats poll asks each node every 30 s"
                ),
                target: "only watch keep-alive and the volume-stats poll",
            },
        );
        emit(
            &mut report,
            Figure {
                name: "idle client CPU".into(),
                value: 100.0 * icpu.as_secs_f64() / iwall.as_secs_f64(),
                unit: "% of one core",
                detail: format!(
                    "{:.0} ms over {:.0} s; whole process {:.0} ms (10 ms /proc resolution)",
                    ms(icpu),
                    iwall.as_secs_f64(),
                    ms(ipcpu)
                ),
                target: "≈ 0",
            },
        );
        input.sort();
        emit(
            &mut report,
            Figure {
                name: "input key-to-frame".into(),
                value: ms(quantile(&input, 0.99)),
                unit: "ms p99",
                detail: format!(
                    "p50 {:.2} ms over {} Down/Up presses 50 ms apart on the list, real run loop",
                    ms(quantile(&input, 0.5)),
                    input.len()
                ),
                target: "p99 ≤ 16 ms",
            },
        );

        // ---- 4b. frame: one set of many ordinals ----
        let big = opts.big_replicas;
        sim.with_state(|s| {
            generate::add_set(s, "bench-big", "big", big, "class-00")?;
            generate::settle(s, Duration::from_secs(600))
        })?;
        let deadline = Instant::now() + Duration::from_secs(120);
        while app.store.pods_of_set("bench-big", "big").count() < big as usize
            || app
                .store
                .set("bench-big", "big")
                .is_none_or(|s| s.status.ready < big)
        {
            if Instant::now() > deadline {
                bail!("the big set did not arrive");
            }
            if let Ok(Some(ev)) = tokio::time::timeout(Duration::from_secs(1), rx.recv()).await {
                apply_burst(&mut app, ev, &mut rx, |_| {});
            }
        }
        let now = Timestamp::now();
        for ev in ['/', 'b', 'i', 'g'].map(KeyCode::Char).into_iter().chain([KeyCode::Enter, KeyCode::Enter]) {
            app.on_event(&key(ev), now);
        }
        match draw(&app, &mut terminal, &theme)? {
            ScreenView::Set { detail, .. } => report.big_rows = detail.ordinals.len(),
            _ => bail!("the big set's screen did not open"),
        }
        let big_rows = report.big_rows;
        for (w, h) in [(80u16, 24u16), (200, 60)] {
            let (median, p99, derive) = frame_times(&app, w, h, opts.frames, &theme)?;
            emit(
                &mut report,
                Figure {
                    name: format!("frame set {w}x{h}"),
                    value: ms(median),
                    unit: "ms median",
                    detail: format!(
                        "p99 {:.2} ms; deriving the views {:.2} ms of it; {} ordinals, {} frames",
                        ms(p99),
                        ms(derive),
                        big_rows,
                        opts.frames
                    ),
                    target: "≤ 2 ms at 200x60",
                },
            );
        }
        {
            let big_pods: Vec<(String, String)> = app
                .store
                .pods_of_set("bench-big", "big")
                .map(|(_, p)| (p.namespace.clone(), p.name.clone()))
                .collect();
            let n = opts.frames.min(100);
            let (median, p99) = frame_times_after_change(&mut app, &big_pods, 200, 60, n, &theme)?;
            let now = Timestamp::now();
            let scratch = median_of(5, || {
                std::hint::black_box(crate::view::set_detail(
                    &app.store, "bench-big", "big", None, now,
                ));
            });
            emit(
                &mut report,
                Figure {
                    name: "frame set 200x60 after a Pod change".into(),
                    value: ms(median),
                    unit: "ms median",
                    detail: format!(
                        "p99 {:.2} ms; one of its Pods changes before each of {n} frames, so that ordinal and the set-level parts are derived again each time (the whole screen from scratch: {:.2} ms)",
                        ms(p99),
                        ms(scratch),
                    ),
                    target: "≤ 2 ms at 200x60",
                },
            );
        }
        drop(watches);
        anyhow::Ok(())
    });
    drop(client_rt);
    drop(sim);
    drop(sim_rt);
    result.context("benchmark")?;
    Ok(report)
}
