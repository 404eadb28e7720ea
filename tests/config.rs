//! The config file's effects, end to end: a remapped key opens its command
//! on the demo cluster, the old key no longer does, and the footer hints and
//! the help overlay show the new keys; `refresh = "off"` leaves an idle
//! screen alone.

mod common;

use common::tui::Harness;
use crossterm::event::KeyCode;
use ordinal::config::Config;
use ordinal::sim::server::SimConfig;

fn remapped() -> Config {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/config/remap.toml"
    );
    let text = std::fs::read_to_string(path).unwrap();
    Config::parse(&text, std::path::Path::new(path)).expect("remap.toml is valid")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remapped_key_opens_its_command_and_the_old_one_does_nothing() {
    let config = SimConfig {
        scenario: Some("blog".into()),
        speed: 20.0,
        ..SimConfig::default()
    };
    let mut h = Harness::start(config, None, None).await;
    h.app.set_keymap(remapped().keymap);
    h.wait_for(20, "the list", |s| s.contains("articledb"))
        .await;
    h.key(KeyCode::Char('/'));
    // Typing in the filter is not remapped: `s` and `z` are letters there.
    h.keys("articledb");
    h.key(KeyCode::Enter);
    h.key(KeyCode::Enter);
    let screen = h
        .wait_for(10, "the set screen", |s| s.contains("articledb-0"))
        .await;
    // The footer names the new keys: scale on z, restart on R.
    let footer = screen.lines().last().unwrap().to_string();
    assert!(footer.contains("z scale"), "{footer}");
    assert!(footer.contains("R restart"), "{footer}");
    assert!(footer.contains("Alt-d delete"), "{footer}");
    assert!(!footer.contains("s scale"), "{footer}");

    // `s` was scale; now it steps the rollout.
    h.key(KeyCode::Char('s'));
    let screen = h.screen();
    assert!(!screen.contains("Scale blog/articledb"), "{screen}");
    assert!(
        screen.contains("Release the next ordinal of blog/articledb"),
        "s opens step now: {screen}"
    );
    h.key(KeyCode::Esc);
    // `z` scales.
    h.key(KeyCode::Char('z'));
    let screen = h.screen();
    assert!(screen.contains("Scale blog/articledb"), "{screen}");
    h.key(KeyCode::Esc);
    // `r` no longer restarts.
    h.key(KeyCode::Char('r'));
    let screen = h.screen();
    assert!(!screen.contains("Restart"), "{screen}");
    assert_eq!(h.execute_effects().await, 0, "nothing sent");

    // The help overlay lists the keys now bound.
    h.key(KeyCode::Char('?'));
    let help = h.screen();
    let row = |what: &str| {
        help.lines()
            .find(|l| l.contains(what))
            .unwrap_or_else(|| panic!("{what}: {help}"))
            .to_string()
    };
    assert!(row("scale: type the replicas").contains(" z "), "{help}");
    assert!(row("rolling restart").contains("R Ctrl-R"), "{help}");
    assert!(row("step the rollout").contains(" s "), "{help}");
    assert!(
        row("delete the selected ordinal's Pod").contains("Alt-d"),
        "{help}"
    );
    // Untouched rows read as before.
    assert!(row("move the selection").contains("↑ ↓ / k j"), "{help}");
}

/// Bytes written to a terminal (shared with the test).
#[derive(Clone, Default)]
struct Sink(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs the real loop on an idle app for a while; the bytes written after
/// the first frame.
async fn idle_bytes(config: &Config) -> usize {
    use ordinal::app::App;
    use ordinal::app::run::{RunOptions, Wiring, run};
    use ordinal::ui::theme::Theme;
    use std::time::Duration;
    let (_store_tx, mut store_rx) = tokio::sync::mpsc::unbounded_channel();
    let (nodes_tx, _nodes_rx) = tokio::sync::watch::channel(Default::default());
    let (_results_tx, mut results_rx) = tokio::sync::mpsc::unbounded_channel();
    let sink = Sink::default();
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::CrosstermBackend::new(sink.clone())).unwrap();
    let mut app = App::new("demo", None, false);
    app.set_redraw_on_tick(config.ui.refresh != ordinal::config::Refresh::Off);
    let options = RunOptions {
        max_fps: config.max_fps(None),
        tick: Duration::from_millis(300),
        ..RunOptions::default()
    };
    let first_frame = async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let first = sink.0.lock().unwrap().len();
        tokio::time::sleep(Duration::from_millis(1900)).await;
        sink.0.lock().unwrap().len() - first
    };
    let theme = Theme::mono();
    let looping = run(
        &mut terminal,
        &mut app,
        &theme,
        futures::stream::pending(),
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
        bytes = first_frame => bytes,
        exit = looping => panic!("the loop ended: {exit:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_off_writes_nothing_while_idle() {
    let parse = |text: &str| Config::parse(text, std::path::Path::new("config.toml")).unwrap();
    let (default, off) = (parse(""), parse("[ui]\nrefresh = \"off\"\n"));
    let (ticking, off) = tokio::join!(idle_bytes(&default), idle_bytes(&off));
    assert!(ticking > 0, "the clock ticks by default");
    assert_eq!(off, 0, "refresh = \"off\": an idle screen writes nothing");
}
