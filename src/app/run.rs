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
use crate::action::{Action, ActionError};
use crate::cluster::watch::OpenSet;
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
pub struct Wiring<'a, R: FnMut(Rewatch), X: FnMut(Action)> {
    pub store_rx: &'a mut mpsc::UnboundedReceiver<StoreEvent>,
    pub nodes_tx: &'a watch::Sender<BTreeSet<String>>,
    pub results_rx: &'a mut mpsc::UnboundedReceiver<ActionResult>,
    pub rewatch: R,
    pub execute: X,
}

/// A change to what is watched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rewatch {
    /// Another namespace scope (`None`: all namespaces).
    Scope(Option<String>),
    /// The open set's screen changed: watch what it needs (`None`: no set
    /// is open).
    Follow(Option<OpenSet>),
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
    R: FnMut(Rewatch),
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
                Effect::Rewatch(ns) => rewatch(Rewatch::Scope(ns)),
                Effect::Execute(action) => execute(action),
                Effect::Follow(set) => rewatch(Rewatch::Follow(set)),
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

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use ratatui::backend::CrosstermBackend;

    use super::*;

    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl io::Write for Sink {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// The frame cap spaces out watch bursts, not answers to keys: with one
    /// frame a second, a key pressed right after a frame is drawn at once.
    /// (Paused time: the clock only moves when every task waits, so "at
    /// once" means before any timer fires.)
    #[tokio::test(start_paused = true)]
    async fn a_key_is_answered_without_waiting_for_the_frame_cap() {
        let (_store_tx, mut store_rx) = mpsc::unbounded_channel();
        let (nodes_tx, _nodes_rx) = watch::channel(BTreeSet::new());
        let (_results_tx, mut results_rx) = mpsc::unbounded_channel();
        let (keys_tx, keys_rx) = mpsc::unbounded_channel::<io::Result<TermEvent>>();
        let sink = Sink::default();
        let mut terminal = Terminal::new(CrosstermBackend::new(sink.clone())).unwrap();
        let mut app = App::new("demo", None, false);
        let options = RunOptions {
            max_fps: 1,
            tick: Duration::from_secs(3600),
            ..RunOptions::default()
        };
        let theme = Theme::mono();
        let drive = async {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let before = sink.0.lock().unwrap().len();
            assert!(before > 0, "the first frame was drawn");
            let help = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::NONE);
            keys_tx.send(Ok(TermEvent::Key(help))).unwrap();
            tokio::time::sleep(Duration::from_millis(10)).await;
            let drawn = String::from_utf8_lossy(&sink.0.lock().unwrap()[before..]).into_owned();
            assert!(drawn.contains("Keys"), "the help overlay is drawn at once");
        };
        let looping = run(
            &mut terminal,
            &mut app,
            &theme,
            tokio_stream_of(keys_rx),
            Wiring {
                store_rx: &mut store_rx,
                nodes_tx: &nodes_tx,
                results_rx: &mut results_rx,
                rewatch: |_| {},
                execute: |_| {},
            },
            std::future::pending(),
            &options,
        );
        tokio::select! {
            () = drive => {}
            exit = looping => panic!("the loop ended: {exit:?}"),
        }
    }

    fn tokio_stream_of<T>(mut rx: mpsc::UnboundedReceiver<T>) -> impl Stream<Item = T> + Unpin {
        Box::pin(futures::stream::poll_fn(move |cx| rx.poll_recv(cx)))
    }
}
