//! A test driver for the whole explorer: real watchers against the sim,
//! the app, and the widgets drawn on a TestBackend.

use std::time::Duration;

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;
use ordinal::app::{App, Effect};
use ordinal::cluster::actions::Execute;
use ordinal::cluster::watch::{self, Backoff, Watches};
use ordinal::sim::server::{SimConfig, SimServer};
use ordinal::store::StoreEvent;
use ordinal::ui::{self, theme::Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

pub struct Harness {
    pub sim: SimServer,
    pub client: kube::Client,
    pub app: App,
    rx: mpsc::UnboundedReceiver<StoreEvent>,
    terminal: Terminal<TestBackend>,
    theme: Theme,
    _watches: Watches,
}

impl Harness {
    pub async fn start(config: SimConfig, token: Option<&str>, namespace: Option<&str>) -> Harness {
        let sim = SimServer::start(config).await.unwrap();
        let client = sim.client(token);
        let (tx, rx) = mpsc::unbounded_channel();
        let scope = match namespace {
            Some(ns) => watch::Scope::Namespace(ns.to_string()),
            None => watch::Scope::All,
        };
        let backoff = Backoff {
            initial: Duration::from_millis(50),
            max: Duration::from_millis(200),
        };
        let watches = watch::start(&client, &scope, &tx, backoff);
        Harness {
            client,
            sim,
            app: App::new("demo", namespace.map(String::from), false),
            rx,
            terminal: Terminal::new(TestBackend::new(160, 48)).unwrap(),
            theme: Theme::mono(),
            _watches: watches,
        }
    }

    pub fn pump(&mut self) {
        // What the run loop does on `Effect::Follow`: watch the open set's
        // events and revisions while its screen is open.
        self._watches.follow(self.app.open_set());
        while let Ok(ev) = self.rx.try_recv() {
            self.app.apply(ev, Timestamp::now());
        }
        // What the loop's ticker does (follow-ups after actions).
        self.app.on_tick(Timestamp::now());
    }

    pub fn key(&mut self, code: KeyCode) {
        let ev = TermEvent::Key(KeyEvent::new(code, KeyModifiers::NONE));
        self.app.on_event(&ev, Timestamp::now());
    }

    pub fn keys(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    pub fn screen(&mut self) -> String {
        let frame = self.app.frame_view(Timestamp::now(), "00:00:00");
        let theme = &self.theme;
        self.terminal.draw(|f| ui::draw(f, &frame, theme)).unwrap();
        let buffer = self.terminal.backend().buffer().clone();
        let width = buffer.area.width as usize;
        buffer
            .content
            .chunks(width)
            .map(|row| row.iter().map(|c| c.symbol()).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Pumps store events and redraws until `pred` holds on the screen.
    pub async fn wait_for(&mut self, secs: u64, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        loop {
            self.pump();
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "waited {secs}s for {what}; screen:\n{screen}"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Pumps store events until every kind has finished its first list
    /// (the dialogs read classes from the store, which may still be on
    /// their list when the screen already shows the set).
    pub async fn wait_synced(&mut self, secs: u64) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        loop {
            self.pump();
            let pending: Vec<_> = ordinal::store::Kind::ALL
                .iter()
                .filter(|k| !self.app.store.is_synced(**k))
                .collect();
            if pending.is_empty() {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "waited {secs}s for the sync of {pending:?}"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Sends the actions the app asked for and hands it the answers, as the
    /// run loop does. Returns how many were sent.
    pub async fn execute_effects(&mut self) -> usize {
        let mut sent = 0;
        for effect in self.app.take_effects() {
            if let Effect::Execute(action) = effect {
                let result = action.execute(&self.client).await;
                self.app.on_action_result(&action, result);
                sent += 1;
            }
        }
        sent
    }
}
