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
use crate::action::Action;
use crate::cluster::watch::{self, OpenSet, Progress};
use crate::sim::controllers::TICK;
use crate::sim::resources::Kind as SimKind;
use crate::sim::select::{FieldSelector, LabelSelector};
use crate::sim::server::SimServer;
use crate::store::{Feed, Kind, StoreEvent};
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
pub struct Wiring<'a, X, U, P, W> {
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
    /// Watches what the open set's screen needs (`None`: no set open).
    pub follow: W,
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
        // Kinds the UI does not watch.
        _ => return None,
    })
}

/// Whether the watch of `feed` delivers (or, leaving its selection,
/// deletes) this sim change.
fn delivers(feed: &Feed, change: &crate::sim::objects::Change) -> bool {
    if watched(change.kind()) != Some(feed.kind) {
        return false;
    }
    let (labels, fields) = watch::selectors(feed);
    let labels = LabelSelector::parse(labels.as_deref().unwrap_or("")).unwrap_or_default();
    let fields = FieldSelector::parse(fields.as_deref().unwrap_or("")).unwrap_or_default();
    // The sim's index answers selectors without parsing the object.
    let matches = |entry: &crate::sim::objects::Entry| {
        if let Some(ns) = &feed.namespace
            && change.kind().info().namespaced
            && entry.namespace() != ns
        {
            return false;
        }
        labels.matches(entry.labels()) && fields.matches_by(|path| entry.field(path))
    };
    matches(&change.entry) || change.previous.as_deref().is_some_and(matches)
}

/// What the sim emitted after version `after` that the watches of `feeds`
/// deliver: the newest version per feed (0: none), and the sim's version
/// now.
fn emitted(sim: &SimServer, after: u64, feeds: &[Feed]) -> (u64, Vec<u64>) {
    sim.with_state(|state| {
        let now = state.store.resource_version();
        let mut newest = vec![0; feeds.len()];
        let changes = match state.store.changes_since(after) {
            Ok(changes) => changes,
            Err(e) => {
                // Only if history was compacted: nothing to wait for.
                tracing::warn!("tour: sim history since {after}: {}", e.message);
                Vec::new()
            }
        };
        for change in changes {
            for (i, feed) in feeds.iter().enumerate() {
                if delivers(feed, &change) {
                    newest[i] = newest[i].max(change.rv);
                }
            }
        }
        (now, newest)
    })
}

/// The driver's state between steps.
struct Driver<'a, X, U, P, W> {
    wiring: Wiring<'a, X, U, P, W>,
    /// The sim version whose changes the store has all applied.
    applied_rv: u64,
    /// Simulated time the sim has been advanced by, in ticks.
    ticks: u64,
    /// The nodes last polled for usage, and when (simulated).
    usage_polled: Option<(BTreeSet<String>, Timestamp)>,
}

impl<X, U, P, F, W> Driver<'_, X, U, P, W>
where
    X: FnMut(Action),
    W: FnMut(Option<OpenSet>),
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
        let feeds: Vec<Feed> = app.store.feeds().map(|(f, _)| f.clone()).collect();
        let (now_rv, newest) = emitted(self.wiring.sim, self.applied_rv, &feeds);
        self.wait_until(app, "the watches", |_, progress| {
            feeds
                .iter()
                .zip(&newest)
                .all(|(f, rv)| progress.get(f) >= *rv)
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
        let mut followed = false;
        for effect in app.take_effects() {
            match effect {
                Effect::Execute(action) => {
                    (self.wiring.execute)(action);
                    sent += 1;
                }
                // The tour watches one fixed scope.
                Effect::Rewatch(_) => tracing::warn!("tour: a namespace switch is not followed"),
                Effect::Follow(set) => {
                    let feeds = set.as_ref().map(watch::open_set_feeds).unwrap_or_default();
                    (self.wiring.follow)(set);
                    // The open set's screen is drawn once its feeds listed.
                    self.wait_until(app, "the open set's watches", |app, _| {
                        feeds.iter().all(|f| app.store.feed_listed(f))
                    })
                    .await;
                    followed = true;
                }
            }
        }
        for _ in 0..sent {
            match tokio::time::timeout(PATIENCE, self.wiring.results_rx.recv()).await {
                Ok(Some((action, result))) => app.on_action_result(&action, result),
                _ => tracing::warn!("tour: no answer to an action"),
            }
        }
        if sent > 0 || followed {
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
pub async fn run<B, S, Sh, X, U, F, P, W>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    theme: &Theme,
    mut inputs: S,
    steps: Vec<Step>,
    wiring: Wiring<'_, X, U, P, W>,
    shutdown: Sh,
    options: &Options,
) -> io::Result<Exit>
where
    B: Backend,
    B::Error: std::error::Error + Send + Sync + 'static,
    S: Stream<Item = io::Result<TermEvent>> + Unpin,
    Sh: std::future::Future<Output = ()>,
    X: FnMut(Action),
    W: FnMut(Option<OpenSet>),
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

    fn slot(kind: Kind) -> usize {
        Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
    }

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

    /// The mysql scenario from the fixed epoch, its clock moved by hand.
    async fn paused_mysql() -> SimServer {
        SimServer::start(crate::sim::server::SimConfig {
            scenario: Some("mysql".into()),
            auto_tick: false,
            epoch: Some(epoch()),
            ..Default::default()
        })
        .await
        .unwrap()
    }

    #[tokio::test]
    async fn emitted_changes_are_the_newest_per_feed() {
        let sim = paused_mysql().await;
        let before = sim.with_state(|s| s.store.resource_version());
        let start = sim.now();
        assert!(start > epoch(), "the warmup ran from the fixed epoch");
        let all = watch::base_feeds(&watch::Scope::All);
        let elsewhere = watch::base_feeds(&watch::Scope::Namespace("nowhere".into()));
        assert_eq!(
            emitted(&sim, before, &all),
            (before, vec![0; all.len()]),
            "paused"
        );
        sim.advance(Duration::from_secs(60));
        let (now, newest) = emitted(&sim, before, &all);
        assert!(now > before);
        assert!(newest.iter().all(|rv| *rv <= now));
        assert!(
            newest.iter().any(|rv| *rv > before),
            "mysql-2's probe flaps"
        );
        let (_, there) = emitted(&sim, before, &elsewhere);
        for (feed, rv) in elsewhere.iter().zip(there) {
            if feed.namespace.is_some() {
                assert_eq!(rv, 0, "{feed:?} is namespaced");
            }
        }
        assert_eq!(sim.now(), start + jiff::SignedDuration::from_secs(60));
    }

    #[tokio::test]
    async fn emitted_changes_follow_the_feeds_selectors() {
        let sim = paused_mysql().await;
        let warnings = Feed {
            kind: Kind::Event,
            namespace: Some("mysql".into()),
            part: crate::store::Part::PodWarnings,
        };
        let normal = Feed {
            kind: Kind::Event,
            namespace: None,
            part: crate::store::Part::NotWarnings,
        };
        let (_, newest) = emitted(&sim, 0, &[warnings.clone(), normal.clone()]);
        let (w, n) = (newest[0], newest[1]);
        assert!(w > 0 && n > 0, "the warmup made both kinds of events");
        let type_of = |rv: u64| {
            sim.with_state(|s| {
                let changes = s.store.changes_since(rv - 1).unwrap();
                let c = changes.iter().find(|c| c.rv == rv).unwrap();
                serde_json::from_slice::<serde_json::Value>(&c.entry.json).unwrap()["type"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            })
        };
        assert_eq!(type_of(w), "Warning");
        assert_ne!(type_of(n), "Warning");
    }

    #[test]
    fn the_epoch_is_fixed() {
        assert_eq!(epoch().as_second(), 1_741_942_800);
    }
}
