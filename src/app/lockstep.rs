//! `--tour` in lockstep with the embedded sim, so that what is drawn (and
//! recorded) depends on the scenario, the seed, `--speed`, the script and
//! the terminal size alone.
//!
//! The live loop ([`super::run`]) shows whatever arrives when it arrives,
//! so two runs differ in which frames show what. Here nothing is left to
//! timing; the driver owns time. Each step it
//!
//! 1. advances simulated time by one frame (times `--speed`), the sim
//!    being paused otherwise;
//! 2. waits until the store has applied everything the sim emitted (the
//!    catch-up barrier: per kind, the newest resourceVersion the watchers
//!    passed on against the sim's change history). Watch streams of
//!    different kinds interleave at random, but after the barrier the store
//!    holds the same objects whatever the interleaving was, all applied at
//!    the same simulated instant;
//! 3. presses the script's due keys, sends the actions they ask for and
//!    waits for their answers and for the changes they made, then shows
//!    the step's caption;
//! 4. polls volume usage when due (by the simulated clock);
//! 5. draws one frame, stamped in the recording with the virtual time.
//!
//! Ages and the title clock read the simulated clock. Between steps it
//! sleeps to keep real time (which changes nothing on screen), unless told
//! to run as fast as it can.

use std::collections::BTreeSet;
use std::io;
use std::time::Duration;

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use futures::{Stream, StreamExt};
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::run::{ActionResult, Exit, clock};
use super::tour::{self, Step};
use super::{App, Effect};
use crate::cluster::actions::Action;
use crate::cluster::watch::Progress;
use crate::sim::controllers::TICK;
use crate::sim::resources::Kind as SimKind;
use crate::sim::server::SimServer;
use crate::store::{Kind, StoreEvent};
use crate::ui::{self, theme::Theme};

/// Simulated time zero of a tour: a fixed date, so that no run depends on
/// when it was made (the story's present is this plus the warmup).
pub fn epoch() -> Timestamp {
    "2025-03-14T09:00:00Z"
        .parse()
        .expect("a valid constant timestamp")
}

/// How long the driver waits for the store to catch up, or for an action's
/// answer, before it goes on regardless (and says so in the log). Only a
/// broken connection gets near it.
const PATIENCE: Duration = Duration::from_secs(30);

/// How often volume usage is polled, in simulated time (as the live loop
/// does in real time).
const USAGE_EVERY: Duration = Duration::from_secs(30);

#[derive(Debug, Clone)]
pub struct Options {
    /// Virtual (recorded) time per step.
    pub frame: Duration,
    /// Simulated seconds per virtual second (`--speed`).
    pub speed: f64,
    /// Run as fast as possible instead of at the real pace.
    pub fast: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            frame: TICK,
            speed: 1.0,
            fast: false,
        }
    }
}

/// The driver's connections: the paused sim, the watchers' progress, store
/// events and action results in, actions out, volume usage polls, and the
/// recording's clock.
pub struct Wiring<'a, X, U, P> {
    pub sim: &'a SimServer,
    pub progress: &'a Progress,
    pub store_rx: &'a mut mpsc::UnboundedReceiver<StoreEvent>,
    pub results_rx: &'a mut mpsc::UnboundedReceiver<ActionResult>,
    /// Sends an action; its answer comes back on `results_rx`.
    pub execute: X,
    /// Polls these nodes' volume usage.
    pub usage: U,
    /// Sets the time the next frame is recorded at.
    pub pace: P,
}

/// Which sim kinds the watchers deliver, as store kinds.
fn watched(kind: SimKind) -> Option<Kind> {
    Some(match kind {
        SimKind::StatefulSet => Kind::StatefulSet,
        SimKind::Pod => Kind::Pod,
        SimKind::PersistentVolumeClaim => Kind::Claim,
        SimKind::PersistentVolume => Kind::Volume,
        SimKind::StorageClass => Kind::StorageClass,
        SimKind::Node => Kind::Node,
        SimKind::Event => Kind::Event,
        SimKind::ControllerRevision => Kind::Revision,
        SimKind::Namespace | SimKind::Service | SimKind::ConfigMap => return None,
    })
}

fn slot(kind: Kind) -> usize {
    Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
}

/// What the sim emitted after version `after` that the watches (of
/// `namespace`, or all) deliver: the newest version per kind (0: none), and
/// the sim's version now.
fn emitted(sim: &SimServer, after: u64, namespace: Option<&str>) -> (u64, [u64; 8]) {
    sim.with_state(|state| {
        let now = state.store.resource_version();
        let mut newest = [0; 8];
        let changes = match state.store.changes_since(after) {
            Ok(changes) => changes,
            Err(e) => {
                // Only if history was compacted: nothing to wait for.
                tracing::warn!("tour: sim history since {after}: {}", e.message);
                Vec::new()
            }
        };
        for change in changes {
            let sim_kind = change.kind();
            let Some(kind) = watched(sim_kind) else {
                continue;
            };
            let object = change.entry.object();
            if let Some(ns) = namespace
                && sim_kind.info().namespaced
                && object.namespace() != ns
            {
                continue;
            }
            newest[slot(kind)] = newest[slot(kind)].max(change.rv);
        }
        (now, newest)
    })
}

/// The driver's state between steps.
struct Driver<'a, X, U, P> {
    wiring: Wiring<'a, X, U, P>,
    /// The sim version whose changes the store has all applied.
    applied_rv: u64,
    /// Simulated time the sim has been advanced by, in ticks.
    ticks: u64,
    /// The nodes last polled for usage, and when (simulated).
    usage_polled: Option<(BTreeSet<String>, Timestamp)>,
}

impl<X, U, P, F> Driver<'_, X, U, P>
where
    X: FnMut(Action),
    U: FnMut(BTreeSet<String>) -> F,
    F: std::future::Future<Output = Vec<StoreEvent>>,
    P: FnMut(Duration),
{
    /// Applies every store event already in the channel, at the simulated
    /// present; false when the channel is closed.
    fn drain(&mut self, app: &mut App) -> bool {
        let now = self.wiring.sim.now();
        loop {
            match self.wiring.store_rx.try_recv() {
                Ok(event) => {
                    app.apply(event, now);
                }
                Err(mpsc::error::TryRecvError::Empty) => return true,
                Err(mpsc::error::TryRecvError::Disconnected) => return false,
            }
        }
    }

    /// Waits (applying events) until `done` holds for the app and the
    /// watchers' progress, or [`PATIENCE`] runs out.
    async fn wait_until(
        &mut self,
        app: &mut App,
        what: &str,
        done: impl Fn(&App, &Progress) -> bool,
    ) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let open = self.drain(app);
            // The progress is noted after an event is sent: once it shows
            // the version, the event is in the channel or applied, so one
            // more drain completes the picture.
            if done(app, self.wiring.progress) {
                self.drain(app);
                return;
            }
            if !open || Instant::now() >= deadline {
                tracing::warn!("tour: gave up waiting for {what}; frames may differ between runs");
                return;
            }
            // Short naps: the last event may be sent just before its
            // version is noted.
            if let Ok(Some(event)) =
                tokio::time::timeout(Duration::from_millis(5), self.wiring.store_rx.recv()).await
            {
                app.apply(event, self.wiring.sim.now());
            }
        }
    }

    /// The barrier: returns once the store has applied every change the
    /// sim made so far.
    async fn catch_up(&mut self, app: &mut App) {
        let (now_rv, newest) = emitted(self.wiring.sim, self.applied_rv, app.namespace.as_deref());
        self.wait_until(app, "the watches", |_, progress| {
            Kind::ALL
                .iter()
                .all(|k| progress.get(*k) >= newest[slot(*k)])
        })
        .await;
        self.applied_rv = now_rv;
    }

    /// The first list of every kind (the sim is paused meanwhile, so the
    /// lists are all of one moment).
    async fn sync(&mut self, app: &mut App) {
        self.wait_until(app, "the first lists", |app, _| {
            Kind::ALL.iter().all(|k| app.store.is_synced(*k))
        })
        .await;
        self.applied_rv = self.wiring.sim.with_state(|s| s.store.resource_version());
    }

    /// Moves simulated time on to `speed` times the virtual time `at`.
    async fn advance_to(&mut self, app: &mut App, at: Duration, speed: f64) {
        let target = (at.as_secs_f64() * speed / TICK.as_secs_f64()).floor() as u64;
        if target > self.ticks {
            let by = TICK * u32::try_from(target - self.ticks).unwrap_or(u32::MAX);
            self.wiring.sim.advance(by);
            self.ticks = target;
        }
        self.catch_up(app).await;
    }

    /// Sends what the keys asked for and waits for the answers (and the
    /// changes they made), so they land before the next frame every time.
    async fn run_effects(&mut self, app: &mut App) {
        let mut sent = 0;
        for effect in app.take_effects() {
            match effect {
                Effect::Execute(action) => {
                    (self.wiring.execute)(action);
                    sent += 1;
                }
                // The tour watches one fixed scope.
                Effect::Rewatch(_) => tracing::warn!("tour: a namespace switch is not followed"),
            }
        }
        for _ in 0..sent {
            match tokio::time::timeout(PATIENCE, self.wiring.results_rx.recv()).await {
                Ok(Some((action, result))) => app.on_action_result(&action, result),
                _ => tracing::warn!("tour: no answer to an action"),
            }
        }
        if sent > 0 {
            self.catch_up(app).await;
        }
    }

    /// Polls volume usage when the nodes to poll changed or it is due.
    async fn poll_usage(&mut self, app: &mut App) {
        let now = self.wiring.sim.now();
        let nodes = app.store.nodes_hosting_claims(app.namespace.as_deref());
        let due = match &self.usage_polled {
            None => true,
            Some((polled, at)) => {
                *polled != nodes
                    || now.duration_since(*at)
                        >= jiff::SignedDuration::try_from(USAGE_EVERY).unwrap_or_default()
            }
        };
        if !due {
            return;
        }
        self.usage_polled = Some((nodes.clone(), now));
        if nodes.is_empty() {
            return;
        }
        for event in (self.wiring.usage)(nodes).await {
            app.apply(event, now);
        }
    }
}

/// Whether a key ends the tour early. Other keys are ignored, so a stray
/// key press cannot make a recording differ.
fn quits(key: &KeyEvent) -> bool {
    matches!(key.code, KeyCode::Char('q'))
        || (key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL))
}

/// Plays `steps` in lockstep with the sim until the script ends (then
/// [`Exit::Quit`]), a quit key, the terminal going away, or `shutdown`.
#[allow(clippy::too_many_arguments)]
pub async fn run<B, S, Sh, X, U, F, P>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    theme: &Theme,
    mut inputs: S,
    steps: Vec<Step>,
    wiring: Wiring<'_, X, U, P>,
    shutdown: Sh,
    options: &Options,
) -> io::Result<Exit>
where
    B: Backend,
    B::Error: std::error::Error + Send + Sync + 'static,
    S: Stream<Item = io::Result<TermEvent>> + Unpin,
    Sh: std::future::Future<Output = ()>,
    X: FnMut(Action),
    U: FnMut(BTreeSet<String>) -> F,
    F: std::future::Future<Output = Vec<StoreEvent>>,
    P: FnMut(Duration),
{
    tokio::pin!(shutdown);
    let mut driver = Driver {
        wiring,
        applied_rv: 0,
        ticks: 0,
        usage_polled: None,
    };
    let mut tour = tour::Tour::new(steps);
    driver.sync(app).await;
    let started = Instant::now();
    let mut at = Duration::ZERO;
    let mut drawn: Option<(u64, i64)> = None;
    loop {
        let now = driver.wiring.sim.now();
        let due = tour.due(at);
        let finished = tour.finished();
        for mut step in due {
            // The caption goes up after the answers to the actions the keys
            // sent, or those answers would replace it at once. (The app's
            // follow-up of an action's rollout is not run either: it
            // rewrites the status line every tick, and here the captions
            // tell the story.)
            let caption = step.caption.take();
            tour::play(app, step, now);
            driver.run_effects(app).await;
            if let Some(caption) = caption {
                app.say(crate::view::model::Severity::Info, caption);
            }
        }
        if finished || app.quit {
            return Ok(Exit::Quit);
        }
        driver.poll_usage(app).await;

        // One frame, when anything visible changed (ages tick by the second).
        let seen = (app.store.generation(), now.as_second());
        if app.take_dirty() || drawn != Some(seen) {
            (driver.wiring.pace)(at);
            let frame = app.frame_view(now, &clock(now));
            terminal
                .draw(|f| ui::draw(f, &frame, theme))
                .map_err(io::Error::other)?;
            drawn = Some(seen);
        }

        at += options.frame;
        // Keep the real pace (or not), minding the user meanwhile.
        let wake = if options.fast {
            Instant::now()
        } else {
            started + at
        };
        loop {
            tokio::select! {
                biased;
                _ = &mut shutdown => return Ok(Exit::Shutdown),
                input = inputs.next() => match input {
                    Some(Ok(TermEvent::Key(key))) if quits(&key) => return Ok(Exit::Quit),
                    // Redrawn at the new size with the next frame.
                    Some(Ok(event @ TermEvent::Resize(..))) => app.on_event(&event, now),
                    Some(Ok(_)) => {}
                    Some(Err(_)) | None => return Ok(Exit::TerminalGone),
                },
                _ = tokio::time::sleep_until(wake) => break,
            }
        }
        driver.advance_to(app, at, options.speed).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_the_store_watches_maps_from_a_sim_kind() {
        let sim_kinds = [
            SimKind::Namespace,
            SimKind::Node,
            SimKind::Pod,
            SimKind::Service,
            SimKind::ConfigMap,
            SimKind::Event,
            SimKind::PersistentVolumeClaim,
            SimKind::PersistentVolume,
            SimKind::StatefulSet,
            SimKind::ControllerRevision,
            SimKind::StorageClass,
        ];
        let mapped: BTreeSet<usize> = sim_kinds
            .into_iter()
            .filter_map(watched)
            .map(slot)
            .collect();
        assert_eq!(mapped.len(), Kind::ALL.len());
    }

    #[tokio::test]
    async fn emitted_changes_are_the_newest_per_watched_kind_in_scope() {
        let sim = SimServer::start(crate::sim::server::SimConfig {
            scenario: Some("mysql".into()),
            auto_tick: false,
            epoch: Some(epoch()),
            ..Default::default()
        })
        .await
        .unwrap();
        let before = sim.with_state(|s| s.store.resource_version());
        let start = sim.now();
        assert!(start > epoch(), "the warmup ran from the fixed epoch");
        assert_eq!(emitted(&sim, before, None), (before, [0; 8]), "paused");
        sim.advance(Duration::from_secs(60));
        let (now, all) = emitted(&sim, before, None);
        assert!(now > before);
        assert!(all.iter().all(|rv| *rv <= now));
        assert!(all.iter().any(|rv| *rv > before), "mysql-2's probe flaps");
        let (_, elsewhere) = emitted(&sim, before, Some("nowhere"));
        for kind in [Kind::Pod, Kind::StatefulSet, Kind::Claim, Kind::Event] {
            assert_eq!(elsewhere[slot(kind)], 0, "{kind:?} is namespaced");
        }
        assert_eq!(sim.now(), start + jiff::SignedDuration::from_secs(60));
    }

    #[test]
    fn the_epoch_is_fixed() {
        assert_eq!(epoch().as_second(), 1_741_942_800);
    }
}
