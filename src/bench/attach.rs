//! The client's start, in the bench process and in a process of its own.
//!
//! The sim shares the bench process, so "process peak less the sim's RSS"
//! also counts what the sim allocates while it serves the lists (its
//! buffers, and glibc arenas that both sides' threads use). The memory
//! figure is therefore taken from a child (`ordinal-bench --attach URL`)
//! that runs the same start as the in-process client against the same
//! server and reports its own peak RSS and CPU: the client alone, as a user
//! would run it.

use std::path::Path;

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc::UnboundedReceiver;

use super::*;
use crate::cluster::watch::Watches;

/// The client after its first complete frame.
pub(super) struct Started {
    pub(super) app: App,
    pub(super) watches: Watches,
    pub(super) rx: UnboundedReceiver<StoreEvent>,
    /// The watches' sender, for other feeds (kubelet stats) to join.
    pub(super) tx: mpsc::UnboundedSender<StoreEvent>,
    pub(super) terminal: Terminal<TestBackend>,
    /// The first frame that showed every set row.
    pub(super) rows_at: Duration,
    /// The first frame with every kind synced.
    pub(super) complete: Duration,
    pub(super) rows: usize,
}

/// Starts the watches of every namespace and draws the list (200x60) after
/// each burst of events, as the run loop would, until every kind is synced
/// and at least `sets` rows show.
pub(super) async fn start(client: &kube::Client, sets: usize, theme: &Theme) -> Result<Started> {
    let t0 = Instant::now();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let watches = watch::start(client, &watch::Scope::All, &tx, watch::Backoff::default());
    let mut app = App::new("bench", None, false);
    let mut terminal = Terminal::new(TestBackend::new(200, 60))?;
    let mut rows_at = None;
    loop {
        let Some(ev) = rx.recv().await else {
            bail!("the watches ended");
        };
        apply_burst(&mut app, ev, &mut rx, |_| {});
        let ScreenView::List { rows, .. } = draw(&app, &mut terminal, theme)? else {
            continue;
        };
        if rows.len() >= sets && rows_at.is_none() {
            rows_at = Some(t0.elapsed());
        }
        if rows.len() >= sets && Kind::ALL.iter().all(|k| app.store.is_synced(*k)) {
            let complete = t0.elapsed();
            return Ok(Started {
                rows: rows.len(),
                app,
                watches,
                rx,
                tx,
                terminal,
                rows_at: rows_at.unwrap_or(complete),
                complete,
            });
        }
    }
}

/// What the child reports (one JSON line on stdout).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChildStart {
    pub rows_ms: f64,
    pub complete_ms: f64,
    /// Peak RSS of the child (`VmHWM`), in kB.
    pub peak_kb: u64,
    /// RSS after the complete frame, in kB.
    pub rss_kb: u64,
    /// CPU time of the whole child up to the complete frame.
    pub cpu_ms: f64,
    pub pods: usize,
}

/// The child's side: connects to the sim at `url` (plain HTTP, loopback),
/// starts, and prints a [`ChildStart`] line.
pub fn attach(url: &str, sets: usize) -> Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let figures = rt.block_on(async {
        let mut config = kube::Config::new(url.parse().context("the sim's URL")?);
        config.default_namespace = "default".into();
        let client = kube::Client::try_from(config)?;
        let started = start(&client, sets, &Theme::mono()).await?;
        anyhow::Ok(ChildStart {
            rows_ms: ms(started.rows_at),
            complete_ms: ms(started.complete),
            peak_kb: status_kb("VmHWM").unwrap_or(0),
            rss_kb: status_kb("VmRSS").unwrap_or(0),
            cpu_ms: ms(process_cpu()),
            pods: started.app.store.count(Kind::Pod),
        })
    })?;
    println!("{}", serde_json::to_string(&figures)?);
    Ok(())
}

/// The parent's side: runs `exe --attach url --sets sets` and reads its line.
pub(super) async fn in_child(exe: &Path, url: &str, sets: usize) -> Result<ChildStart> {
    let out = tokio::process::Command::new(exe)
        .args(["--attach", url, "--sets", &sets.to_string()])
        .output()
        .await
        .with_context(|| format!("running {}", exe.display()))?;
    if !out.status.success() {
        bail!(
            "{} --attach failed ({}): {}",
            exe.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().last().unwrap_or_default();
    serde_json::from_str(line).with_context(|| format!("the child's figures: {line:?}"))
}
