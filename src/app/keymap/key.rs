//! One key as the keymap and the config file name it (`q`, `Ctrl-C`,
//! `PageDown`): parsing, matching a terminal key event, display.

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// One key as bindings name it: a key code plus Ctrl and Alt. Shift is part
/// of the character (`S` is Shift-s) and of `BackTab` (Shift-Tab), so it is
/// not compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

/// Names of the keys that are not characters, as the config file writes
/// them (the first of each is the canonical one).
const NAMED: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("return", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("escape", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("shift-tab", KeyCode::BackTab),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("pgup", KeyCode::PageUp),
    ("pageup", KeyCode::PageUp),
    ("pgdn", KeyCode::PageDown),
    ("pagedown", KeyCode::PageDown),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("del", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("space", KeyCode::Char(' ')),
];

/// What a key may look like, for error messages.
pub const KEY_SYNTAX: &str = "a single character, ctrl-<char>, alt-<char>, or one of enter, esc, tab, backtab, up, down, left, right, pgup, pgdn, home, end, backspace, delete, insert, space, f1 to f12";

impl Key {
    pub const fn plain(code: KeyCode) -> Key {
        Key {
            code,
            ctrl: false,
            alt: false,
        }
    }

    pub const fn ch(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }

    pub const fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            ctrl: true,
            alt: false,
        }
    }

    /// Whether a key event is this key.
    pub fn matches(&self, k: &KeyEvent) -> bool {
        k.code == self.code
            && k.modifiers.contains(KeyModifiers::CONTROL) == self.ctrl
            && k.modifiers.contains(KeyModifiers::ALT) == self.alt
    }

    /// Reads the config file's key syntax: `q`, `S`, `ctrl-r`, `alt-x`,
    /// `enter`, `pgdn`, `f5`… Names and modifiers are case-insensitive;
    /// single characters are not (`s` and `S` are two keys). The error says
    /// what is wrong, without the key itself.
    pub fn parse(text: &str) -> Result<Key, String> {
        if text.is_empty() {
            return Err("a key cannot be empty".into());
        }
        let mut rest = text;
        let (mut ctrl, mut alt) = (false, false);
        loop {
            if let Some(r) = strip_modifier(rest, "ctrl-") {
                ctrl = true;
                rest = r;
            } else if let Some(r) = strip_modifier(rest, "alt-") {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_control() => {
                return Err("control characters cannot be bound; write ctrl-<char>".into());
            }
            (Some(c), None) if ctrl && c.is_ascii_alphabetic() => {
                // Terminals send Ctrl-S and Ctrl-s alike.
                KeyCode::Char(c.to_ascii_lowercase())
            }
            (Some(c), None) => KeyCode::Char(c),
            _ => {
                let lower = rest.to_ascii_lowercase();
                if let Some((_, code)) = NAMED.iter().find(|(name, _)| *name == lower) {
                    *code
                } else if let Some(n) = lower
                    .strip_prefix('f')
                    .and_then(|n| n.parse::<u8>().ok())
                    .filter(|n| (1..=12).contains(n) && !lower.starts_with("f0"))
                {
                    KeyCode::F(n)
                } else if lower.starts_with("shift-") {
                    return Err(
                        "shift- only goes with tab; for a capital letter write the letter (\"S\")"
                            .into(),
                    );
                } else {
                    return Err(format!("unknown key name; write {KEY_SYNTAX}"));
                }
            }
        };
        Ok(Key { code, ctrl, alt })
    }

    /// The key as the help overlay and the footer show it: `↑`, `PgUp`,
    /// `Enter`, `S-Tab`, `Ctrl-C`, `s`.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) if self.ctrl => c.to_ascii_uppercase().to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "S-Tab".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Delete => "Del".into(),
            KeyCode::Insert => "Ins".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        let ctrl = if self.ctrl { "Ctrl-" } else { "" };
        let alt = if self.alt { "Alt-" } else { "" };
        format!("{ctrl}{alt}{base}")
    }
}

/// `ctrl-x` → `x` (case-insensitive), when something follows the dash.
fn strip_modifier<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    let rest = &text[prefix.len()..];
    (head.eq_ignore_ascii_case(prefix) && !rest.is_empty()).then_some(rest)
}

/// The config file's spelling of the key (what [`Key::parse`] reads back).
impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "f{n}"),
            code => {
                let name = NAMED
                    .iter()
                    .find(|(_, c)| *c == code)
                    .map(|(name, _)| *name)
                    .unwrap_or("?");
                f.write_str(name)
            }
        }
    }
}
