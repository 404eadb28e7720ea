//! Keys → commands, per screen, and the help text for each key. One table
//! drives both, so the help overlay always lists what the keys really do.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::cluster::actions::ActionKind;

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Quit,
    Help,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Back,
    NextPane,
    PrevPane,
    Filter,
    Namespaces,
    Storage,
    Scale,
    ScaleUp,
    ScaleDown,
    Restart,
    Partition,
    Pause,
    Step,
    Rollback,
    DeletePod,
    ForceDeletePod,
    DeleteClaim,
}

impl Command {
    /// The cluster action a command leads to, if it changes anything.
    pub fn action(self) -> Option<ActionKind> {
        Some(match self {
            Command::Scale | Command::ScaleUp | Command::ScaleDown => ActionKind::Scale,
            Command::Restart => ActionKind::Restart,
            Command::Partition | Command::Pause | Command::Step => ActionKind::Partition,
            Command::Rollback => ActionKind::Rollback,
            Command::DeletePod | Command::ForceDeletePod => ActionKind::DeletePod,
            Command::DeleteClaim => ActionKind::DeleteClaim,
            _ => return None,
        })
    }
}

/// Which key table applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    List,
    Set,
    Storage,
}

/// One binding: the keys as shown in help, what it does, and the keys it matches.
pub struct Binding {
    pub keys: &'static str,
    pub help: &'static str,
    pub command: Command,
    pub matches: fn(&KeyEvent) -> bool,
    pub modes: &'static [Mode],
}

const ALL: &[Mode] = &[Mode::List, Mode::Set, Mode::Storage];

fn code(k: &KeyEvent, c: KeyCode) -> bool {
    k.code == c
        && !k
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}

fn ch(k: &KeyEvent, c: char) -> bool {
    code(k, KeyCode::Char(c))
}

pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: "↑ ↓ / k j",
        help: "move the selection (or scroll the focused pane)",
        command: Command::Up,
        matches: |k| code(k, KeyCode::Up) || ch(k, 'k'),
        modes: ALL,
    },
    Binding {
        keys: "",
        help: "",
        command: Command::Down,
        matches: |k| code(k, KeyCode::Down) || ch(k, 'j'),
        modes: ALL,
    },
    Binding {
        keys: "PgUp PgDn",
        help: "move a page",
        command: Command::PageUp,
        matches: |k| {
            code(k, KeyCode::PageUp)
                || (k.code == KeyCode::Char('b') && k.modifiers == KeyModifiers::CONTROL)
        },
        modes: ALL,
    },
    Binding {
        keys: "",
        help: "",
        command: Command::PageDown,
        matches: |k| {
            code(k, KeyCode::PageDown)
                || (k.code == KeyCode::Char('f') && k.modifiers == KeyModifiers::CONTROL)
        },
        modes: ALL,
    },
    Binding {
        keys: "g G / Home End",
        help: "first / last",
        command: Command::Top,
        matches: |k| code(k, KeyCode::Home) || ch(k, 'g'),
        modes: ALL,
    },
    Binding {
        keys: "",
        help: "",
        command: Command::Bottom,
        matches: |k| code(k, KeyCode::End) || ch(k, 'G'),
        modes: ALL,
    },
    Binding {
        keys: "Enter",
        help: "open the selected StatefulSet",
        command: Command::Open,
        matches: |k| code(k, KeyCode::Enter),
        modes: &[Mode::List],
    },
    Binding {
        keys: "Tab S-Tab",
        help: "next / previous pane",
        command: Command::NextPane,
        matches: |k| code(k, KeyCode::Tab),
        modes: &[Mode::Set],
    },
    Binding {
        keys: "Tab S-Tab",
        help: "next / previous tab (claims, volumes, classes)",
        command: Command::NextPane,
        matches: |k| code(k, KeyCode::Tab),
        modes: &[Mode::Storage],
    },
    Binding {
        keys: "",
        help: "",
        command: Command::PrevPane,
        matches: |k| k.code == KeyCode::BackTab,
        modes: &[Mode::Set, Mode::Storage],
    },
    Binding {
        keys: "Esc Backspace",
        help: "back (or clear the filter)",
        command: Command::Back,
        matches: |k| code(k, KeyCode::Esc) || code(k, KeyCode::Backspace),
        modes: ALL,
    },
    Binding {
        keys: "/",
        help: "filter by name (Enter keeps it, Esc clears it)",
        command: Command::Filter,
        matches: |k| ch(k, '/'),
        modes: &[Mode::List, Mode::Storage],
    },
    Binding {
        keys: "n",
        help: "switch namespace",
        command: Command::Namespaces,
        matches: |k| ch(k, 'n'),
        modes: ALL,
    },
    Binding {
        keys: "v",
        help: "storage: all claims, volumes and classes",
        command: Command::Storage,
        matches: |k| ch(k, 'v'),
        modes: &[Mode::List, Mode::Set],
    },
    Binding {
        keys: "s",
        help: "scale: type the replicas",
        command: Command::Scale,
        matches: |k| ch(k, 's'),
        modes: &[Mode::List, Mode::Set],
    },
    Binding {
        keys: "+ -",
        help: "scale up / down by one",
        command: Command::ScaleUp,
        matches: |k| ch(k, '+'),
        modes: &[Mode::List, Mode::Set],
    },
    Binding {
        keys: "",
        help: "",
        command: Command::ScaleDown,
        matches: |k| ch(k, '-'),
        modes: &[Mode::List, Mode::Set],
    },
    Binding {
        keys: "r",
        help: "rolling restart (as kubectl rollout restart)",
        command: Command::Restart,
        matches: |k| ch(k, 'r'),
        modes: &[Mode::List, Mode::Set],
    },
    Binding {
        keys: "p",
        help: "set the partition",
        command: Command::Partition,
        matches: |k| ch(k, 'p'),
        modes: &[Mode::List, Mode::Set],
    },
    Binding {
        keys: "P",
        help: "pause the rollout (partition = replicas)",
        command: Command::Pause,
        matches: |k| ch(k, 'P'),
        modes: &[Mode::List, Mode::Set],
    },
    Binding {
        keys: "S",
        help: "step the rollout: release the next ordinal (partition − 1)",
        command: Command::Step,
        matches: |k| ch(k, 'S'),
        modes: &[Mode::List, Mode::Set],
    },
    Binding {
        keys: "u",
        help: "roll back to an earlier revision",
        command: Command::Rollback,
        matches: |k| ch(k, 'u'),
        modes: &[Mode::List, Mode::Set],
    },
    Binding {
        keys: "d",
        help: "delete the selected ordinal's Pod",
        command: Command::DeletePod,
        matches: |k| ch(k, 'd'),
        modes: &[Mode::Set],
    },
    Binding {
        keys: "D",
        help: "force delete the Pod (grace period 0)",
        command: Command::ForceDeletePod,
        matches: |k| ch(k, 'D'),
        modes: &[Mode::Set],
    },
    Binding {
        keys: "x",
        help: "delete an orphaned claim (typed confirmation)",
        command: Command::DeleteClaim,
        matches: |k| ch(k, 'x'),
        modes: &[Mode::Set, Mode::Storage],
    },
    Binding {
        keys: "?",
        help: "this help",
        command: Command::Help,
        matches: |k| ch(k, '?'),
        modes: ALL,
    },
    Binding {
        keys: "q Ctrl-C",
        help: "quit",
        command: Command::Quit,
        matches: |k| {
            ch(k, 'q')
                || (k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL))
        },
        modes: ALL,
    },
];

/// The command a key means in `mode`, if any.
pub fn command(mode: Mode, key: &KeyEvent) -> Option<Command> {
    BINDINGS
        .iter()
        .find(|b| b.modes.contains(&mode) && (b.matches)(key))
        .map(|b| b.command)
}

/// Help rows for `mode`: `(keys, what, available)`; `available` says
/// whether the command may be used (read-only mode and RBAC can deny actions).
pub fn help(mode: Mode, available: impl Fn(Command) -> bool) -> Vec<(String, String, bool)> {
    BINDINGS
        .iter()
        .filter(|b| b.modes.contains(&mode) && !b.keys.is_empty())
        .map(|b| (b.keys.to_string(), b.help.to_string(), available(b.command)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn keys_map_per_screen() {
        assert_eq!(
            command(Mode::List, &key(KeyCode::Char('j'))),
            Some(Command::Down)
        );
        assert_eq!(
            command(Mode::List, &key(KeyCode::Enter)),
            Some(Command::Open)
        );
        assert_eq!(command(Mode::Set, &key(KeyCode::Enter)), None);
        assert_eq!(
            command(Mode::Set, &key(KeyCode::Tab)),
            Some(Command::NextPane)
        );
        assert_eq!(
            command(Mode::Set, &key(KeyCode::BackTab)),
            Some(Command::PrevPane)
        );
        assert_eq!(command(Mode::Set, &key(KeyCode::Char('/'))), None);
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(command(Mode::Storage, &ctrl_c), Some(Command::Quit));
        // Ctrl-j is not `j`.
        let ctrl_j = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::CONTROL);
        assert_eq!(command(Mode::List, &ctrl_j), None);
    }

    #[test]
    fn help_lists_every_visible_binding_of_the_screen() {
        let list = help(Mode::List, |_| true);
        assert!(list.iter().any(|(k, _, _)| k == "Enter"));
        assert!(list.iter().any(|(k, _, _)| k == "/"));
        let set = help(Mode::Set, |c| c.action().is_none());
        assert!(set.iter().any(|(k, _, ok)| k == "s" && !ok));
        assert!(!set.iter().any(|(k, _, _)| k == "Enter"));
        assert!(
            set.iter()
                .any(|(k, w, _)| k == "Tab S-Tab" && w.contains("pane"))
        );
    }
}
