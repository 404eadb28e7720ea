//! The event loop: one task owns the app; it `select!`s over terminal input,
//! store events, a one-second tick and shutdown, and redraws only when
//! something visible changed, at most `max_fps` times a second.

use std::collections::BTreeSet;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::Event as TermEvent;
use futures::{Stream, StreamExt};
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use super::{App, Effect};
use crate::cluster::actions::{Action, ActionError};
use crate::store::StoreEvent;
use crate::ui::{self, theme::Theme};

/// Where "now" comes from: ages, the title clock, the times store events
/// are applied at.
#[derive(Clone, Default)]
pub enum Clock {
    /// The real present (a real cluster).
    #[default]
    Wall,
    /// Another clock: the demo's simulated present, which `--speed` makes
    /// run faster or slower than real time.
    Sim(Arc<dyn Fn() -> Timestamp + Send + Sync>),
}

impl Clock {
    pub fn now(&self) -> Timestamp {
        match self {
            Clock::Wall => Timestamp::now(),
            Clock::Sim(now) => now(),
        }
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Clock::Wall => "Wall",
            Clock::Sim(_) => "Sim",
        })
    }
}

#[derive(Debug)]
pub struct RunOptions {
    /// Upper bound on redraws per second (bursts of watch events coalesce).
    pub max_fps: u32,
    /// How often ages are refreshed when shown.
    pub tick: Duration,
    pub clock: Clock,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            max_fps: 30,
            tick: Duration::from_secs(1),
            clock: Clock::Wall,
        }
    }
}

/// Why the loop ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Exit {
    /// The user quit.
    Quit,
    /// The terminal went away (EOF/EIO: a closed SSH session).
    TerminalGone,
    /// A signal or the caller asked to stop.
    Shutdown,
}

/// The title bar's clock.
pub(super) fn clock(now: Timestamp) -> String {
    now.strftime("%H:%M:%S").to_string()
}

/// An action's answer, as the executor sends it back.
pub type ActionResult = (Action, Result<String, ActionError>);

/// The loop's connections to the outside: store events in, volume-stats
/// nodes out, actions out and their results in, and how to rewatch.
pub struct Wiring<'a, R: FnMut(Option<String>), X: FnMut(Action)> {
    pub store_rx: &'a mut mpsc::UnboundedReceiver<StoreEvent>,
    pub nodes_tx: &'a watch::Sender<BTreeSet<String>>,
    pub results_rx: &'a mut mpsc::UnboundedReceiver<ActionResult>,
    pub rewatch: R,
    pub execute: X,
}

/// Runs until the user quits, the terminal goes away, or `shutdown` resolves.
pub async fn run<B, S, F, R, X>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    theme: &Theme,
    mut inputs: S,
    wiring: Wiring<'_, R, X>,
    shutdown: F,
    options: &RunOptions,
) -> io::Result<Exit>
where
    R: FnMut(Option<String>),
    X: FnMut(Action),
    B: Backend,
    B::Error: std::error::Error + Send + Sync + 'static,
    S: Stream<Item = io::Result<TermEvent>> + Unpin,
    F: std::future::Future<Output = ()>,
{
    let Wiring {
        store_rx,
        nodes_tx,
        results_rx,
        mut rewatch,
        mut execute,
    } = wiring;
    tokio::pin!(shutdown);
    let min_frame = Duration::from_secs(1) / options.max_fps.max(1);
    let mut tick = tokio::time::interval(options.tick);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_draw: Option<Instant> = None;
    let mut drawn_generation = u64::MAX;
    let mut needs_draw = true;
    // A key press is answered at once; the frame cap is for watch bursts.
    let mut input_waiting = false;
    let mut store_open = true;
    loop {
        if app.take_dirty() || app.store.generation() != drawn_generation {
            needs_draw = true;
        }
        for effect in app.take_effects() {
            match effect {
                Effect::Rewatch(ns) => rewatch(ns),
                Effect::Execute(action) => execute(action),
            }
        }
        if app.quit {
            return Ok(Exit::Quit);
        }
        let draw_at = match last_draw {
            Some(_) if needs_draw && input_waiting => Some(Instant::now()),
            Some(t) if needs_draw => Some(t + min_frame),
            None if needs_draw => Some(Instant::now()),
            _ => None,
        };
        tokio::select! {
            biased;
            _ = &mut shutdown => return Ok(Exit::Shutdown),
            _ = tokio::time::sleep_until(draw_at.unwrap_or_else(Instant::now)), if draw_at.is_some() => {
                let now = options.clock.now();
                let generation = app.store.generation();
                let frame = app.frame_view(now, &clock(now));
                terminal
                    .draw(|f| ui::draw(f, &frame, theme))
                    .map_err(io::Error::other)?;
                last_draw = Some(Instant::now());
                input_waiting = false;
                let store_changed = drawn_generation != generation;
                drawn_generation = generation;
                needs_draw = false;
                // Which nodes to poll for volume stats only changes with the store.
                if !store_changed {
                    continue;
                }
                let nodes = app.store.nodes_hosting_claims(app.namespace.as_deref());
                nodes_tx.send_if_modified(|current| {
                    let changed = *current != nodes;
                    if changed {
                        *current = nodes;
                    }
                    changed
                });
            }
            input = inputs.next() => match input {
                Some(Ok(event)) => {
                    app.on_event(&event, options.clock.now());
                    input_waiting = true;
                }
                // EOF or an error on the tty: the session is gone.
                Some(Err(_)) | None => return Ok(Exit::TerminalGone),
            },
            event = store_rx.recv(), if store_open => {
                let Some(event) = event else {
                    store_open = false;
                    continue;
                };
                let now = options.clock.now();
                app.apply(event, now);
                // Coalesce a burst into one frame.
                while let Ok(more) = store_rx.try_recv() {
                    app.apply(more, now);
                }
            }
            Some((action, result)) = results_rx.recv() => app.on_action_result(&action, result),
            _ = tick.tick() => {
                app.on_tick(options.clock.now());
                if app.shows_ages() {
                    needs_draw = true;
                }
            }
        }
    }
}
