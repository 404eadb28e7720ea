//! The optional config file: `$XDG_CONFIG_HOME/ordinal/config.toml`, else
//! `~/.config/ordinal/config.toml`, or the file `--config` (or
//! `ORDINAL_CONFIG`) names. A missing default file is the defaults; a
//! missing named file, bad TOML, an unknown section, setting or command, a
//! key that cannot be read, a value out of range or two commands on one key
//! are errors that name the line: the file is never half-read or ignored.
//!
//! ```toml
//! [ui]
//! theme = "color"     # or "mono" (as NO_COLOR)
//! colors = "auto"     # or "truecolor", "256", "16"
//! ascii = false       # true: ASCII borders and symbols
//! max_fps = 30        # 1-120
//! refresh = "1s"      # ages and clock: "1s" to "60s", or "off"
//!
//! [namespace]
//! default = "context" # or "all", or a namespace name
//!
//! [keys]
//! scale = "z"                 # replaces `s`
//! restart = ["r", "ctrl-r"]
//! ```
//!
//! Precedence: command-line flags, then the environment (`NO_COLOR`,
//! `TERM=dumb`), then this file, then detection (`TERM`, `COLORTERM`, the
//! locale) and the built-in defaults.

mod print;
pub mod prometheus;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use toml::Spanned;

use crate::app::keymap::{Command, Key, Keymap};
use crate::term::caps::Overrides;
use crate::ui::theme::ColourDepth;

/// Colour or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    /// Colours, as deep as the terminal (or `colors`) allows.
    #[default]
    Color,
    /// Bold, underline, reverse and dim only (as `NO_COLOR` / `--no-color`).
    Mono,
}

/// The colour depth: detected, or forced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Colors {
    /// From `COLORTERM` and `TERM`.
    #[default]
    Auto,
    TrueColor,
    Ansi256,
    Ansi16,
}

/// How often ages and the clock are redrawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refresh {
    Every(Duration),
    /// Never on a timer: only when something changes (an idle screen
    /// writes nothing).
    Off,
}

impl Default for Refresh {
    fn default() -> Self {
        Refresh::Every(Duration::from_secs(1))
    }
}

/// The accepted refresh intervals.
pub const REFRESH_MIN: Duration = Duration::from_secs(1);
pub const REFRESH_MAX: Duration = Duration::from_secs(60);

/// Which namespaces to show when neither `-n` nor `-A` is given.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Namespace {
    /// The kubeconfig context's namespace (with `--demo`: all).
    #[default]
    Context,
    All,
    Named(String),
}

/// The `[ui]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ui {
    pub theme: Theme,
    pub colors: Colors,
    pub ascii: bool,
    pub max_fps: u32,
    pub refresh: Refresh,
}

impl Default for Ui {
    fn default() -> Self {
        Ui {
            theme: Theme::Color,
            colors: Colors::Auto,
            ascii: false,
            max_fps: 30,
            refresh: Refresh::default(),
        }
    }
}

/// The effective configuration: the file over the defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    pub ui: Ui,
    pub namespace: Namespace,
    pub keymap: Keymap,
    /// `[capacity] prometheus`: where usage history comes from at start
    /// (`--prometheus` wins over it).
    pub prometheus: Option<prometheus::Target>,
}

impl Config {
    /// Where usage history comes from: `--prometheus` (checked here), else
    /// the file's `capacity.prometheus`, else nowhere.
    pub fn prometheus(
        &self,
        flag: Option<&str>,
    ) -> Result<Option<prometheus::Target>, prometheus::TargetError> {
        match flag {
            Some(f) => f.parse().map(Some),
            None => Ok(self.prometheus.clone()),
        }
    }
}

/// What is wrong in a config file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// Bad TOML, an unknown section or setting, a value of the wrong type
    /// (the TOML reader's words).
    #[error("{0}")]
    Toml(String),
    #[error("{setting} must be {expected}, not {found}")]
    Value {
        setting: &'static str,
        expected: &'static str,
        found: String,
    },
    #[error("unknown command \"{0}\" in [keys]; the commands are {names}", names = command_names())]
    UnknownCommand(String),
    #[error("cannot read key \"{key}\" for {command}: {why}")]
    BadKey {
        command: String,
        key: String,
        why: String,
    },
    #[error("quit needs at least one key (there would be no way out)")]
    NoQuit,
    /// Two commands that share a screen on one key: the binding at the
    /// reported line first, then the other; each as `command (line N)` or
    /// `command (default)`.
    #[error("key \"{key}\" is bound to both {first} and {second}")]
    Conflict {
        key: String,
        first: String,
        second: String,
    },
}

/// Why the config cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}: cannot read the config file: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: line {line}, column {column}: {problem}", path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        /// The offending line, and how many characters of it to mark.
        text: String,
        width: usize,
        problem: Box<Problem>,
    },
}

impl ConfigError {
    /// The offending line with the offending part marked, for under the
    /// message (empty for a file that cannot be read).
    pub fn excerpt(&self) -> String {
        match self {
            ConfigError::Read { .. } => String::new(),
            ConfigError::Invalid {
                line,
                column,
                text,
                width,
                ..
            } => {
                let gutter = line.to_string().len();
                format!(
                    "{:gutter$} |\n{line} | {text}\n{:gutter$} | {}{}",
                    "",
                    "",
                    " ".repeat(column.saturating_sub(1)),
                    "^".repeat((*width).max(1)),
                )
            }
        }
    }

    pub fn problem(&self) -> Option<&Problem> {
        match self {
            ConfigError::Invalid { problem, .. } => Some(problem.as_ref()),
            ConfigError::Read { .. } => None,
        }
    }

    /// The line the error is on (1-based).
    pub fn line(&self) -> Option<usize> {
        match self {
            ConfigError::Invalid { line, .. } => Some(*line),
            ConfigError::Read { .. } => None,
        }
    }
}

/// `$XDG_CONFIG_HOME/ordinal/config.toml`, else `~/.config/ordinal/config.toml`.
pub fn default_path() -> Option<PathBuf> {
    default_path_with(|name| std::env::var_os(name))
}

/// [`default_path`] over any variable lookup (testable). As the XDG spec
/// says, an empty or relative `XDG_CONFIG_HOME` is ignored.
pub fn default_path_with(var: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    var("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            var("HOME")
                .filter(|h| !h.is_empty())
                .map(|h| PathBuf::from(h).join(".config"))
        })
        .map(|dir| dir.join("ordinal").join("config.toml"))
}

/// Where the config came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    pub config: Config,
    /// The file read; `None` when there was none (the defaults).
    pub path: Option<PathBuf>,
}

/// Reads the config: `explicit` (from `--config`/`ORDINAL_CONFIG`) must
/// exist; the default file may not.
pub fn load(explicit: Option<&Path>) -> Result<Loaded, ConfigError> {
    let (path, required) = match explicit {
        Some(p) => (p.to_path_buf(), true),
        None => match default_path() {
            Some(p) => (p, false),
            None => {
                return Ok(Loaded {
                    config: Config::default(),
                    path: None,
                });
            }
        },
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Loaded {
            config: Config::parse(&text, &path)?,
            path: Some(path),
        }),
        Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => Ok(Loaded {
            config: Config::default(),
            path: None,
        }),
        Err(source) => Err(ConfigError::Read { path, source }),
    }
}

// The file as written. Every table denies unknown names, so a typo is an
// error with its line rather than a setting silently not applied.

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    ui: UiFile,
    #[serde(default)]
    namespace: NamespaceFile,
    #[serde(default)]
    capacity: CapacityFile,
    #[serde(default)]
    keys: BTreeMap<Spanned<String>, Spanned<KeyList>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CapacityFile {
    prometheus: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct UiFile {
    theme: Option<Spanned<String>>,
    colors: Option<Spanned<toml::Value>>,
    ascii: Option<bool>,
    max_fps: Option<Spanned<i64>>,
    refresh: Option<Spanned<toml::Value>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct NamespaceFile {
    default: Option<Spanned<String>>,
}

/// `"r"` or `["r", "ctrl-r"]` (or `[]`: unbound).
enum KeyList {
    One(String),
    Many(Vec<Spanned<String>>),
}

impl<'de> Deserialize<'de> for KeyList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key (\"r\") or a list of keys ([\"r\", \"ctrl-r\"])")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<KeyList, E> {
                Ok(KeyList::One(v.to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<KeyList, A::Error> {
                let mut keys = Vec::new();
                while let Some(k) = seq.next_element::<Spanned<String>>()? {
                    keys.push(k);
                }
                Ok(KeyList::Many(keys))
            }
        }
        d.deserialize_any(V)
    }
}

/// A problem at a byte range of the file.
struct At(std::ops::Range<usize>, Problem);

impl Config {
    /// Reads a config file's text; `path` is only for the messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        Config::from_text(text).map_err(|At(span, problem)| locate(text, path, span, problem))
    }

    fn from_text(text: &str) -> Result<Config, At> {
        let file: File = toml::from_str(text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            At(span, Problem::Toml(toml_message(e.message())))
        })?;
        let mut config = Config::default();
        let ui = file.ui;
        if let Some(theme) = ui.theme {
            config.ui.theme = match theme.get_ref().as_str() {
                "color" | "colour" => Theme::Color,
                "mono" => Theme::Mono,
                other => {
                    return Err(bad(
                        &theme,
                        "ui.theme",
                        "\"color\" or \"mono\"",
                        format!("{other:?}"),
                    ));
                }
            };
        }
        if let Some(colors) = ui.colors {
            config.ui.colors = match colors.get_ref() {
                toml::Value::String(s) if s == "auto" => Colors::Auto,
                toml::Value::String(s) if s == "truecolor" || s == "24bit" => Colors::TrueColor,
                toml::Value::String(s) if s == "256" => Colors::Ansi256,
                toml::Value::Integer(256) => Colors::Ansi256,
                toml::Value::String(s) if s == "16" => Colors::Ansi16,
                toml::Value::Integer(16) => Colors::Ansi16,
                other => {
                    return Err(bad(
                        &colors,
                        "ui.colors",
                        "\"auto\", \"truecolor\", \"256\" or \"16\"",
                        other.to_string(),
                    ));
                }
            };
        }
        if let Some(ascii) = ui.ascii {
            config.ui.ascii = ascii;
        }
        if let Some(fps) = ui.max_fps {
            config.ui.max_fps = match u32::try_from(*fps.get_ref()) {
                Ok(n) if (1..=120).contains(&n) => n,
                _ => {
                    return Err(bad(
                        &fps,
                        "ui.max_fps",
                        "a whole number from 1 to 120",
                        fps.get_ref().to_string(),
                    ));
                }
            };
        }
        if let Some(refresh) = ui.refresh {
            config.ui.refresh = parse_refresh(refresh.get_ref()).ok_or_else(|| {
                bad(
                    &refresh,
                    "ui.refresh",
                    "\"off\" or from \"1s\" to \"60s\"",
                    refresh.get_ref().to_string(),
                )
            })?;
        }
        if let Some(p) = file.capacity.prometheus {
            config.prometheus = Some(p.get_ref().parse().map_err(|_| {
                bad(
                    &p,
                    "capacity.prometheus",
                    "a URL (\"http://prometheus:9090\") or \"service:NAMESPACE/NAME:PORT\"",
                    format!("{:?}", p.get_ref()),
                )
            })?);
        }
        if let Some(ns) = file.namespace.default {
            config.namespace = match ns.get_ref().as_str() {
                "context" => Namespace::Context,
                "all" => Namespace::All,
                name if is_namespace_name(name) => Namespace::Named(name.to_string()),
                other => {
                    return Err(bad(
                        &ns,
                        "namespace.default",
                        "\"context\", \"all\" or a namespace name (lowercase letters, digits and '-', at most 63)",
                        format!("{other:?}"),
                    ));
                }
            };
        }
        config.keymap = keymap(text, &file.keys)?;
        Ok(config)
    }

    /// What the terminal detection is told: `--no-color` or the file's
    /// `mono`, `--ascii` or the file's `ascii`, and the file's colour depth.
    /// (`NO_COLOR` and `TERM=dumb` still win over the file's colours, in
    /// [`crate::term::caps::detect`].)
    pub fn overrides(&self, no_color_flag: bool, ascii_flag: bool) -> Overrides {
        Overrides {
            no_color: no_color_flag || self.ui.theme == Theme::Mono,
            ascii: ascii_flag || self.ui.ascii,
            colors: match self.ui.colors {
                Colors::Auto => None,
                Colors::TrueColor => Some(ColourDepth::TrueColor),
                Colors::Ansi256 => Some(ColourDepth::Ansi256),
                Colors::Ansi16 => Some(ColourDepth::Ansi16),
            },
        }
    }

    /// `--max-fps` if given, else the file's.
    pub fn max_fps(&self, flag: Option<u32>) -> u32 {
        flag.unwrap_or(self.ui.max_fps)
    }

    /// The namespace scope (`None`: all): `-A`, then `-n`, then the file's
    /// `[namespace] default`, then the context's namespace (all for the
    /// demo, whose stories live in several).
    pub fn namespace_scope(
        &self,
        all_namespaces_flag: bool,
        namespace_flag: Option<&str>,
        demo: bool,
        context_namespace: &str,
    ) -> Option<String> {
        if all_namespaces_flag {
            return None;
        }
        if let Some(ns) = namespace_flag {
            return Some(ns.to_string());
        }
        match &self.namespace {
            Namespace::All => None,
            Namespace::Named(ns) => Some(ns.clone()),
            Namespace::Context if demo => None,
            Namespace::Context => Some(context_namespace.to_string()),
        }
    }

    /// The effective config as a TOML file: settings at their defaults
    /// commented out, the others set, each explained (for
    /// `ordinal --print-config`). Reading it back gives the same config.
    pub fn to_commented_toml(&self, path: Option<&Path>) -> String {
        print::commented_toml(self, path)
    }
}

/// The TOML reader's message, with serde's "field" in the config's words.
fn toml_message(message: &str) -> String {
    let message = message
        .trim_end()
        .replace("expected struct UiFile", "expected the [ui] table")
        .replace(
            "expected struct NamespaceFile",
            "expected the [namespace] table",
        )
        .replace(
            "expected struct CapacityFile",
            "expected the [capacity] table",
        )
        .replace("expected a map", "expected a table")
        .replace("expected i64", "expected a whole number");
    let Some(rest) = message.strip_prefix("unknown field ") else {
        return message;
    };
    let what = if rest.ends_with("expected one of `ui`, `namespace`, `capacity`, `keys`") {
        "section"
    } else {
        "setting"
    };
    format!("unknown {what} {rest}")
}

/// Every command's name, for the unknown-command message.
fn command_names() -> String {
    Command::ALL.map(Command::name).join(", ")
}

fn bad<T>(value: &Spanned<T>, setting: &'static str, expected: &'static str, found: String) -> At {
    At(
        value.span(),
        Problem::Value {
            setting,
            expected,
            found,
        },
    )
}

/// `"off"`, `"5s"`, `"1m"`, `"1500ms"` or a number of seconds, within
/// [`REFRESH_MIN`]..=[`REFRESH_MAX`].
fn parse_refresh(value: &toml::Value) -> Option<Refresh> {
    let duration = match value {
        toml::Value::String(s) if s == "off" => return Some(Refresh::Off),
        toml::Value::String(s) => {
            let s = s.trim();
            let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
            let (digits, unit) = s.split_at(split);
            let n: u64 = digits.parse().ok()?;
            match unit.trim() {
                "ms" => Duration::from_millis(n),
                "s" => Duration::from_secs(n),
                "m" => Duration::from_secs(n.checked_mul(60)?),
                _ => return None,
            }
        }
        toml::Value::Integer(n) => Duration::from_secs(u64::try_from(*n).ok()?),
        _ => return None,
    };
    (REFRESH_MIN..=REFRESH_MAX)
        .contains(&duration)
        .then_some(Refresh::Every(duration))
}

/// A DNS-1123 label, as Kubernetes requires of namespace names.
fn is_namespace_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// The `[keys]` table over the defaults. A command named there loses its
/// default keys; then any key shared by two commands on one screen is an
/// error, reported where it is written (the first such place in the file).
fn keymap(text: &str, table: &BTreeMap<Spanned<String>, Spanned<KeyList>>) -> Result<Keymap, At> {
    type Span = std::ops::Range<usize>;
    let mut keymap = Keymap::default();
    // Each (command, key) the file binds, and where.
    let mut written: Vec<(Command, Key, Span)> = Vec::new();
    // Check in file order, so the first mistake in the file is reported.
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(name, _)| name.span().start);
    for (name, list) in entries {
        let Some(command) = Command::from_name(name.get_ref()) else {
            return Err(At(
                name.span(),
                Problem::UnknownCommand(name.get_ref().clone()),
            ));
        };
        let spelled: Vec<(String, Span)> = match list.get_ref() {
            KeyList::One(k) => vec![(k.clone(), list.span())],
            KeyList::Many(keys) => keys
                .iter()
                .map(|k| (k.get_ref().clone(), k.span()))
                .collect(),
        };
        if command == Command::Quit && spelled.is_empty() {
            return Err(At(list.span(), Problem::NoQuit));
        }
        let mut keys = Vec::new();
        for (key_text, span) in spelled {
            let key = Key::parse(&key_text).map_err(|why| {
                At(
                    span.clone(),
                    Problem::BadKey {
                        command: command.name().to_string(),
                        key: key_text.clone(),
                        why,
                    },
                )
            })?;
            written.push((command, key, span));
            keys.push(key);
        }
        keymap.remap(command, keys);
    }
    // Where a command's key was written (`None`: a default key).
    let place = |command: Command, key: Key| -> Option<Span> {
        written
            .iter()
            .find(|(c, k, _)| *c == command && *k == key)
            .map(|(_, _, span)| span.clone())
    };
    let describe = |command: Command, place: &Option<Span>| match place {
        Some(span) => format!(
            "{} (line {})",
            command.name(),
            line_column(text, span.start).0
        ),
        None => format!("{} (default)", command.name()),
    };
    let mut first: Option<At> = None;
    for conflict in keymap.conflicts() {
        let (mut a, mut b) = conflict.commands;
        let (mut pa, mut pb) = (place(a, conflict.key), place(b, conflict.key));
        // `b`: the later place in the file (a default counts as earlier), where
        // the conflict is reported and which the message names first.
        let swap = match (&pa, &pb) {
            (Some(sa), Some(sb)) => sa.start > sb.start,
            (Some(_), None) => true,
            _ => false,
        };
        if swap {
            std::mem::swap(&mut a, &mut b);
            std::mem::swap(&mut pa, &mut pb);
        }
        // Two defaults cannot conflict (the defaults are tested to have none).
        let Some(span) = pb.clone() else { continue };
        if first.as_ref().is_some_and(|At(s, _)| s.start <= span.start) {
            continue;
        }
        first = Some(At(
            span,
            Problem::Conflict {
                key: conflict.key.to_string(),
                first: describe(b, &pb),
                second: describe(a, &pa),
            },
        ));
    }
    match first {
        Some(at) => Err(at),
        None => Ok(keymap),
    }
}

/// Line and column (1-based, in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, text[start..offset].chars().count() + 1)
}

fn locate(text: &str, path: &Path, span: std::ops::Range<usize>, problem: Problem) -> ConfigError {
    let (line, column) = line_column(text, span.start);
    let content = text.lines().nth(line - 1).unwrap_or_default();
    let content = content.strip_suffix('\r').unwrap_or(content);
    let rest = content.chars().count().saturating_sub(column - 1);
    let width = text
        .get(span.clone())
        .map_or(1, |s| s.lines().next().unwrap_or_default().chars().count())
        .clamp(1, rest.max(1));
    ConfigError::Invalid {
        path: path.to_path_buf(),
        line,
        column,
        text: content.to_string(),
        width,
        problem: Box::new(problem),
    }
}
