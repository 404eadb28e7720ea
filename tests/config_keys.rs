//! Key remapping from a config file, end to end: the remapped key opens its
//! command on the demo cluster, the old key no longer does, and the footer
//! hints and the help overlay show the new keys.

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
