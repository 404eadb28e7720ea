use std::ffi::OsString;
use std::path::Path;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::app::keymap::Mode;

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(text, Path::new("config.toml"))
}

fn error(text: &str) -> ConfigError {
    parse(text).expect_err("the config is refused")
}

/// The fixtures the CLI test runs the binary on, by name.
fn fixture(name: &str) -> &'static str {
    match name {
        "bad-syntax" => include_str!("../../tests/fixtures/config/bad-syntax.toml"),
        "unknown-section" => include_str!("../../tests/fixtures/config/unknown-section.toml"),
        "unknown-setting" => include_str!("../../tests/fixtures/config/unknown-setting.toml"),
        "unknown-command" => include_str!("../../tests/fixtures/config/unknown-command.toml"),
        "bad-key" => include_str!("../../tests/fixtures/config/bad-key.toml"),
        "conflict" => include_str!("../../tests/fixtures/config/conflict.toml"),
        "conflict-default" => include_str!("../../tests/fixtures/config/conflict-default.toml"),
        "refresh-range" => include_str!("../../tests/fixtures/config/refresh-range.toml"),
        "remap" => include_str!("../../tests/fixtures/config/remap.toml"),
        other => panic!("no fixture {other}"),
    }
}

#[test]
fn an_empty_file_is_the_defaults() {
    let config = parse("").unwrap();
    assert_eq!(config, Config::default());
    assert_eq!(
        parse("# nothing\n\n[ui]\n[keys]\n").unwrap(),
        Config::default()
    );
    let ui = Ui::default();
    assert_eq!(ui.theme, Theme::Color);
    assert_eq!(ui.colors, Colors::Auto);
    assert!(!ui.ascii);
    assert_eq!(ui.max_fps, 30);
    assert_eq!(ui.refresh, Refresh::Every(Duration::from_secs(1)));
    assert_eq!(config.namespace, Namespace::Context);
    assert_eq!(config.keymap, Keymap::default());
}

#[test]
fn every_section_is_read() {
    let config = parse(fixture("remap")).unwrap();
    assert_eq!(
        config.ui,
        Ui {
            theme: Theme::Mono,
            colors: Colors::Ansi256,
            ascii: true,
            max_fps: 10,
            refresh: Refresh::Every(Duration::from_secs(5)),
        }
    );
    assert_eq!(config.namespace, Namespace::Named("db".into()));
    let keys = &config.keymap;
    assert_eq!(keys.keys(Command::Scale), [Key::ch('z')]);
    assert_eq!(keys.keys(Command::Restart), [Key::ch('R'), Key::ctrl('r')]);
    assert_eq!(keys.keys(Command::Step), [Key::ch('s')]);
    assert_eq!(
        keys.keys(Command::DeletePod),
        [Key {
            code: KeyCode::Char('d'),
            ctrl: false,
            alt: true
        }]
    );
    // The others keep their defaults.
    assert_eq!(keys.keys(Command::Quit), [Key::ch('q'), Key::ctrl('c')]);
}

#[test]
fn values_in_their_other_spellings() {
    let config = parse(
        "[ui]\ntheme = \"colour\"\ncolors = 16\nrefresh = 2\n[namespace]\ndefault = \"all\"\n",
    )
    .unwrap();
    assert_eq!(config.ui.theme, Theme::Color);
    assert_eq!(config.ui.colors, Colors::Ansi16);
    assert_eq!(config.ui.refresh, Refresh::Every(Duration::from_secs(2)));
    assert_eq!(config.namespace, Namespace::All);
    for (text, want) in [
        ("\"off\"", Refresh::Off),
        ("\"1s\"", Refresh::Every(Duration::from_secs(1))),
        ("\"1500ms\"", Refresh::Every(Duration::from_millis(1500))),
        ("\"1m\"", Refresh::Every(Duration::from_secs(60))),
        ("60", Refresh::Every(Duration::from_secs(60))),
    ] {
        let config = parse(&format!("[ui]\nrefresh = {text}\n")).unwrap();
        assert_eq!(config.ui.refresh, want, "{text}");
    }
    let config = parse("[ui]\ncolors = \"truecolor\"\n").unwrap();
    assert_eq!(config.ui.colors, Colors::TrueColor);
    let config = parse("[keys]\nhelp = []\nquit = \"ctrl-q\"\n").unwrap();
    assert_eq!(config.keymap.keys(Command::Help), []);
    assert_eq!(config.keymap.keys(Command::Quit), [Key::ctrl('q')]);
}

/// Each fixture's error, exactly as the binary prints it after `ordinal: `.
#[test]
fn each_invalid_fixture_gets_its_documented_message() {
    let table: &[(&str, usize, &str)] = &[
        (
            "bad-syntax",
            3,
            "config.toml: line 3, column 14: invalid basic string, expected `\"`",
        ),
        (
            "unknown-section",
            4,
            "config.toml: line 4, column 2: unknown section `colours`, expected one of `ui`, `namespace`, `capacity`, `keys`",
        ),
        (
            "unknown-setting",
            3,
            "config.toml: line 3, column 1: unknown setting `refesh`, expected one of `theme`, `colors`, `ascii`, `max_fps`, `refresh`",
        ),
        (
            "unknown-command",
            3,
            "config.toml: line 3, column 1: unknown command \"delete\" in [keys]; the commands are up, down, page-up, page-down, top, bottom, open, next-pane, prev-pane, back, filter, namespaces, storage, scale, scale-up, scale-down, restart, partition, pause, step, rollback, delete-pod, force-delete-pod, delete-claim, expand, expand-all, help, quit",
        ),
        (
            "bad-key",
            2,
            "config.toml: line 2, column 17: cannot read key \"ctrl+r\" for restart: unknown key name; write a single character, ctrl-<char>, alt-<char>, or one of enter, esc, tab, backtab, up, down, left, right, pgup, pgdn, home, end, backspace, delete, insert, space, f1 to f12",
        ),
        (
            "conflict",
            4,
            "config.toml: line 4, column 17: key \"z\" is bound to both restart (line 4) and scale (line 3)",
        ),
        (
            "conflict-default",
            6,
            "config.toml: line 6, column 11: key \"d\" is bound to both restart (line 6) and delete-pod (default)",
        ),
        (
            "refresh-range",
            2,
            "config.toml: line 2, column 11: ui.refresh must be \"off\" or from \"1s\" to \"60s\", not \"90s\"",
        ),
    ];
    for (name, line, message) in table {
        let e = error(fixture(name));
        assert_eq!(e.to_string(), *message, "{name}");
        assert_eq!(e.line(), Some(*line), "{name}");
    }
}

#[test]
fn the_excerpt_marks_the_offending_part_of_the_line() {
    let e = error(fixture("conflict-default"));
    assert_eq!(e.excerpt(), "  |\n6 | restart = \"d\"\n  |           ^^^");
    let e = error(fixture("unknown-setting"));
    assert_eq!(e.excerpt(), "  |\n3 | refesh = \"5s\"\n  | ^^^^^^");
}

#[test]
fn error_kinds() {
    let problem = |text: &str| error(text).problem().cloned().unwrap();
    assert!(matches!(problem("[ui\n"), Problem::Toml(_)));
    assert!(
        matches!(problem("[ui]\nascii = \"yes\"\n"), Problem::Toml(m) if m.contains("invalid type"))
    );
    assert_eq!(
        problem("[ui]\ntheme = \"dark\"\n"),
        Problem::Value {
            setting: "ui.theme",
            expected: "\"color\" or \"mono\"",
            found: "\"dark\"".into()
        }
    );
    assert_eq!(
        error("[ui]\nmax_fps = 0\n").to_string(),
        "config.toml: line 2, column 11: ui.max_fps must be a whole number from 1 to 120, not 0"
    );
    assert_eq!(
        error("[ui]\ncolors = 8\n").to_string(),
        "config.toml: line 2, column 10: ui.colors must be \"auto\", \"truecolor\", \"256\" or \"16\", not 8"
    );
    for refresh in [
        "\"0s\"",
        "\"500ms\"",
        "\"61s\"",
        "\"2h\"",
        "\"soon\"",
        "-1",
        "true",
    ] {
        let p = problem(&format!("[ui]\nrefresh = {refresh}\n"));
        assert!(
            matches!(
                &p,
                Problem::Value {
                    setting: "ui.refresh",
                    ..
                }
            ),
            "{refresh}: {p}"
        );
    }
    assert_eq!(
        error("[namespace]\ndefault = \"Prod_DB\"\n").to_string(),
        "config.toml: line 2, column 11: namespace.default must be \"context\", \"all\" or a namespace name (lowercase letters, digits and '-', at most 63), not \"Prod_DB\""
    );
    assert!(matches!(
        problem("[namespace]\nnamespace = \"db\"\n"),
        Problem::Toml(m) if m.starts_with("unknown setting `namespace`")
    ));
    assert!(matches!(
        problem("[keys]\nscale = 5\n"),
        Problem::Toml(m) if m.contains("a key (\"r\") or a list of keys")
    ));
    // The TOML reader's words, without serde's internal names.
    for (text, message) in [
        (
            "ui = 5",
            "invalid type: integer `5`, expected the [ui] table",
        ),
        ("keys = 5", "invalid type: integer `5`, expected a table"),
        (
            "namespace = \"db\"",
            "invalid type: string \"db\", expected the [namespace] table",
        ),
        (
            "[ui]\nmax_fps = \"10\"",
            "invalid type: string \"10\", expected a whole number",
        ),
    ] {
        assert_eq!(problem(text), Problem::Toml(message.into()), "{text}");
    }
    assert_eq!(
        error("[keys]\nquit = []\n").to_string(),
        "config.toml: line 2, column 8: quit needs at least one key (there would be no way out)"
    );
    assert_eq!(
        problem("[keys]\nscale = \"shift-s\"\n"),
        Problem::BadKey {
            command: "scale".into(),
            key: "shift-s".into(),
            why: "shift- only goes with tab; for a capital letter write the letter (\"S\")".into()
        }
    );
}

#[test]
fn a_conflict_is_reported_at_its_first_place_in_the_file() {
    // Both `quit = "x"` (line 2, with delete-claim's default `x`) and the
    // `v` pair (line 3) conflict: line 2 is reported.
    let e = error("[keys]\nquit = \"x\"\nfilter = \"v\"\n");
    assert_eq!(
        e.to_string(),
        "config.toml: line 2, column 8: key \"x\" is bound to both quit (line 2) and delete-claim (default)"
    );
    // Moving the default out of the way resolves it; screens that do not
    // meet do not conflict (`/` on the set screen is free).
    let config = parse("[keys]\nscale = \"/\"\nfilter = \"f\"\n");
    let config = config.unwrap();
    assert_eq!(config.keymap.keys(Command::Scale), [Key::ch('/')]);
    let config = parse("[keys]\ndelete-pod = \"/\"\n").unwrap();
    assert_eq!(config.keymap.keys(Command::DeletePod), [Key::ch('/')]);
    // Swapping two keys is fine.
    parse("[keys]\nscale = \"r\"\nrestart = \"s\"\n").unwrap();
}

#[test]
fn remapped_keys_drive_the_lookup() {
    let keymap = parse(fixture("remap")).unwrap().keymap;
    let key = |c: char| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    assert_eq!(keymap.command(Mode::List, &key('z')), Some(Command::Scale));
    assert_eq!(keymap.command(Mode::List, &key('s')), Some(Command::Step));
    assert_eq!(keymap.command(Mode::Set, &key('S')), None);
    assert_eq!(keymap.command(Mode::Set, &key('r')), None);
    assert_eq!(keymap.command(Mode::Set, &key('d')), None);
    let alt_d = KeyEvent::new(KeyCode::Char('d'), KeyModifiers::ALT);
    assert_eq!(keymap.command(Mode::Set, &alt_d), Some(Command::DeletePod));
}

#[test]
fn the_default_path_follows_xdg() {
    let env = |vars: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        }
    };
    assert_eq!(
        default_path_with(env(&[("XDG_CONFIG_HOME", "/x/conf"), ("HOME", "/home/u")])),
        Some(PathBuf::from("/x/conf/ordinal/config.toml"))
    );
    assert_eq!(
        default_path_with(env(&[("HOME", "/home/u")])),
        Some(PathBuf::from("/home/u/.config/ordinal/config.toml"))
    );
    // Empty or relative XDG_CONFIG_HOME is ignored, as the spec says.
    for xdg in ["", "conf"] {
        let vars: &'static [(&'static str, &'static str)] = if xdg.is_empty() {
            &[("XDG_CONFIG_HOME", ""), ("HOME", "/home/u")]
        } else {
            &[("XDG_CONFIG_HOME", "conf"), ("HOME", "/home/u")]
        };
        assert_eq!(
            default_path_with(env(vars)),
            Some(PathBuf::from("/home/u/.config/ordinal/config.toml"))
        );
    }
    assert_eq!(default_path_with(env(&[])), None);
}

#[test]
fn a_named_file_must_exist_and_be_valid() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.toml");
    let e = load(Some(&missing)).unwrap_err();
    assert!(matches!(e, ConfigError::Read { .. }));
    assert!(
        e.to_string().starts_with(&format!(
            "{}: cannot read the config file: ",
            missing.display()
        )),
        "{e}"
    );
    let good = dir.path().join("good.toml");
    std::fs::write(&good, "[ui]\nmax_fps = 12\n").unwrap();
    let loaded = load(Some(&good)).unwrap();
    assert_eq!(loaded.config.ui.max_fps, 12);
    assert_eq!(loaded.path.as_deref(), Some(good.as_path()));
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[ui]\nmax_fps = 500\n").unwrap();
    let e = load(Some(&bad)).unwrap_err();
    assert!(
        e.to_string()
            .starts_with(&format!("{}: line 2, column 11: ", bad.display())),
        "{e}"
    );
}

#[test]
fn flags_and_environment_win_over_the_file() {
    use crate::term::caps::detect;
    use crate::ui::theme::ColourDepth;
    let config = parse("[ui]\ncolors = \"truecolor\"\nmax_fps = 10\n").unwrap();
    let vars = |v: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            v.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    };
    // The file beats detection…
    let caps = detect(vars(&[("TERM", "screen")]), config.overrides(false, false));
    assert_eq!(caps.depth, ColourDepth::TrueColor);
    // … but not NO_COLOR, nor --no-color.
    let caps = detect(
        vars(&[("TERM", "screen"), ("NO_COLOR", "1")]),
        config.overrides(false, false),
    );
    assert_eq!(caps.depth, ColourDepth::Mono);
    let caps = detect(vars(&[("TERM", "screen")]), config.overrides(true, false));
    assert_eq!(caps.depth, ColourDepth::Mono);
    // --ascii or the file's ascii: ASCII even in a UTF-8 locale.
    let utf8: &[(&str, &str)] = &[("TERM", "xterm"), ("LANG", "C.UTF-8")];
    assert!(detect(vars(utf8), config.overrides(false, false)).unicode);
    assert!(!detect(vars(utf8), config.overrides(false, true)).unicode);
    let ascii = parse("[ui]\nascii = true\ntheme = \"mono\"\n").unwrap();
    let caps = detect(vars(utf8), ascii.overrides(false, false));
    assert!(!caps.unicode);
    assert_eq!(caps.depth, ColourDepth::Mono);
    // --max-fps beats the file's.
    assert_eq!(config.max_fps(None), 10);
    assert_eq!(config.max_fps(Some(60)), 60);
    assert_eq!(Config::default().max_fps(None), 30);
}

#[test]
fn namespace_flags_then_file_then_context() {
    let scope = |file: &str, all: bool, ns: Option<&str>, demo: bool| {
        parse(file)
            .unwrap()
            .namespace_scope(all, ns, demo, "from-context")
    };
    let context = "";
    let all = "[namespace]\ndefault = \"all\"\n";
    let db = "[namespace]\ndefault = \"db\"\n";
    // No file: the context's namespace; all for the demo.
    assert_eq!(
        scope(context, false, None, false).as_deref(),
        Some("from-context")
    );
    assert_eq!(scope(context, false, None, true), None);
    // The file's default…
    assert_eq!(scope(all, false, None, false), None);
    assert_eq!(scope(db, false, None, false).as_deref(), Some("db"));
    assert_eq!(scope(db, false, None, true).as_deref(), Some("db"));
    // … under -n and -A.
    assert_eq!(scope(db, true, None, false), None);
    assert_eq!(
        scope(all, false, Some("web"), false).as_deref(),
        Some("web")
    );
}

#[test]
fn print_config_round_trips() {
    let defaults = Config::default().to_commented_toml(Some(Path::new("/c/config.toml")));
    assert!(defaults.contains("read from /c/config.toml"), "{defaults}");
    // Everything at its default is commented out.
    assert!(
        defaults
            .lines()
            .filter(|l| l.contains(" = "))
            .all(|l| l.starts_with("# ")),
        "{defaults}"
    );
    assert!(defaults.contains("# scale = \"s\""));
    assert!(defaults.contains("# quit = [\"q\", \"ctrl-c\"]"));
    assert_eq!(parse(&defaults).unwrap(), Config::default());

    let config = parse(fixture("remap")).unwrap();
    let printed = config.to_commented_toml(None);
    for line in [
        "theme = \"mono\"",
        "colors = \"256\"",
        "ascii = true",
        "max_fps = 10",
        "refresh = \"5s\"",
        "default = \"db\"",
        "scale = \"z\"",
        "restart = [\"R\", \"ctrl-r\"]",
        "delete-pod = \"alt-d\"",
        "# quit = [\"q\", \"ctrl-c\"]",
    ] {
        assert!(printed.lines().any(|l| l == line), "{line}:\n{printed}");
    }
    assert_eq!(parse(&printed).unwrap(), config);
    let off = parse("[ui]\nrefresh = \"off\"\n[keys]\nhelp = []\nback = \"\\\"\"\n").unwrap();
    let printed = off.to_commented_toml(None);
    assert!(printed.contains("\nrefresh = \"off\"\n"), "{printed}");
    assert!(printed.contains("\nhelp = []\n"), "{printed}");
    assert_eq!(parse(&printed).unwrap(), off);
}

#[test]
fn the_readme_example_is_valid() {
    let readme = include_str!("../../README.md");
    let section = &readme[readme.find("## Configuration").expect("the section")..];
    let start = section.find("```toml\n").expect("an example") + "```toml\n".len();
    let example = &section[start..start + section[start..].find("```").unwrap()];
    let config = parse(example).unwrap_or_else(|e| panic!("{e}\n{}", e.excerpt()));
    assert_eq!(config.ui.refresh, Refresh::Every(Duration::from_secs(5)));
    assert_eq!(config.keymap.keys(Command::Help), []);
}

#[test]
fn prometheus_comes_from_the_flag_else_the_file() {
    use super::prometheus::Target;
    let config =
        parse("[capacity]\nprometheus = \"service:monitoring/prometheus-k8s:9090\"\n").unwrap();
    let service = Target::Service {
        namespace: "monitoring".into(),
        name: "prometheus-k8s".into(),
        port: "9090".into(),
    };
    assert_eq!(config.prometheus, Some(service.clone()));
    assert_eq!(config.prometheus(None).unwrap(), Some(service));
    assert_eq!(
        config.prometheus(Some("http://prom:9090/")).unwrap(),
        Some(Target::Url("http://prom:9090".into()))
    );
    assert!(config.prometheus(Some("prom")).is_err());
    assert_eq!(Config::default().prometheus(None).unwrap(), None);
    // The commented file says it, and reads back the same.
    let printed = config.to_commented_toml(None);
    assert!(
        printed.contains("prometheus = \"service:monitoring/prometheus-k8s:9090\""),
        "{printed}"
    );
    assert_eq!(parse(&printed).unwrap(), config);
}

#[test]
fn a_bad_prometheus_address_is_refused_with_its_line() {
    let e = error("[ui]\nascii = true\n\n[capacity]\nprometheus = \"prometheus:9090\"\n");
    let text = e.to_string();
    assert!(text.contains("line 5"), "{text}");
    assert!(text.contains("capacity.prometheus must be a URL"), "{text}");
    assert!(text.contains("\"prometheus:9090\""), "{text}");
}
