//! Keys → commands, per screen, and the help text for each key. One table
//! ([`BINDINGS`]) holds the default keys, the screens and the help text; a
//! [`Keymap`] (the defaults plus the config file's remappings) drives the
//! command lookup, the help overlay and the footer hints, so what they show
//! is always what the keys really do.

use crossterm::event::{KeyCode, KeyEvent};

use crate::action::ActionKind;

mod key;

pub use key::Key;

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
    Expand,
    ExpandAll,
}

impl Command {
    /// Every command, in the order the help lists them.
    pub const ALL: [Command; 28] = [
        Command::Up,
        Command::Down,
        Command::PageUp,
        Command::PageDown,
        Command::Top,
        Command::Bottom,
        Command::Open,
        Command::NextPane,
        Command::PrevPane,
        Command::Back,
        Command::Filter,
        Command::Namespaces,
        Command::Storage,
        Command::Scale,
        Command::ScaleUp,
        Command::ScaleDown,
        Command::Restart,
        Command::Partition,
        Command::Pause,
        Command::Step,
        Command::Rollback,
        Command::DeletePod,
        Command::ForceDeletePod,
        Command::DeleteClaim,
        Command::Expand,
        Command::ExpandAll,
        Command::Help,
        Command::Quit,
    ];

    /// The command's name in the config file's `[keys]` (kebab-case).
    pub fn name(self) -> &'static str {
        match self {
            Command::Quit => "quit",
            Command::Help => "help",
            Command::Up => "up",
            Command::Down => "down",
            Command::PageUp => "page-up",
            Command::PageDown => "page-down",
            Command::Top => "top",
            Command::Bottom => "bottom",
            Command::Open => "open",
            Command::Back => "back",
            Command::NextPane => "next-pane",
            Command::PrevPane => "prev-pane",
            Command::Filter => "filter",
            Command::Namespaces => "namespaces",
            Command::Storage => "storage",
            Command::Scale => "scale",
            Command::ScaleUp => "scale-up",
            Command::ScaleDown => "scale-down",
            Command::Restart => "restart",
            Command::Partition => "partition",
            Command::Pause => "pause",
            Command::Step => "step",
            Command::Rollback => "rollback",
            Command::DeletePod => "delete-pod",
            Command::ForceDeletePod => "force-delete-pod",
            Command::DeleteClaim => "delete-claim",
            Command::Expand => "expand",
            Command::ExpandAll => "expand-all",
        }
    }

    /// The command named `name` in the config file.
    pub fn from_name(name: &str) -> Option<Command> {
        Command::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The cluster action a command leads to, if it changes anything.
    pub fn action(self) -> Option<ActionKind> {
        Some(match self {
            Command::Scale | Command::ScaleUp | Command::ScaleDown => ActionKind::Scale,
            Command::Restart => ActionKind::Restart,
            Command::Partition | Command::Pause | Command::Step => ActionKind::Partition,
            Command::Rollback => ActionKind::Rollback,
            Command::DeletePod | Command::ForceDeletePod => ActionKind::DeletePod,
            Command::DeleteClaim => ActionKind::DeleteClaim,
            Command::Expand | Command::ExpandAll => ActionKind::Expand,
            _ => return None,
        })
    }

    /// The screens where the command has a key.
    pub fn modes(self) -> Vec<Mode> {
        let mut modes: Vec<Mode> = Vec::new();
        for b in BINDINGS.iter().filter(|b| b.command == self) {
            for m in b.modes {
                if !modes.contains(m) {
                    modes.push(*m);
                }
            }
        }
        modes
    }

    /// What the command does, in a few words (for `--print-config`).
    pub fn describe(self) -> &'static str {
        match self {
            Command::Quit => "quit",
            Command::Help => "the keys of the current screen",
            Command::Up => "move the selection up (or scroll the focused pane)",
            Command::Down => "move the selection down (or scroll the focused pane)",
            Command::PageUp => "move a page up",
            Command::PageDown => "move a page down",
            Command::Top => "first row",
            Command::Bottom => "last row",
            Command::Open => "open the selected StatefulSet",
            Command::Back => "back (or clear the filter)",
            Command::NextPane => "next pane (set screen) or tab (storage screen)",
            Command::PrevPane => "previous pane or tab",
            Command::Filter => "filter by name",
            Command::Namespaces => "switch namespace",
            Command::Storage => "storage: all claims, volumes and classes",
            Command::Scale => "scale: type the replicas",
            Command::ScaleUp => "scale up by one",
            Command::ScaleDown => "scale down by one",
            Command::Restart => "rolling restart",
            Command::Partition => "set the partition",
            Command::Pause => "pause the rollout (partition = replicas)",
            Command::Step => "step the rollout (partition - 1)",
            Command::Rollback => "roll back to an earlier revision",
            Command::DeletePod => "delete the selected ordinal's Pod",
            Command::ForceDeletePod => "force delete the Pod (grace period 0)",
            Command::DeleteClaim => "delete an orphaned claim",
            Command::Expand => "expand the selected claim (new size)",
            Command::ExpandAll => {
                "expand every claim of the selected claim's template (one patch each)"
            }
        }
    }
}

/// Which key table applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    List,
    Set,
    Storage,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::List => "list",
            Mode::Set => "set",
            Mode::Storage => "storage",
        }
    }
}

/// One binding: the keys as shown in help, what it does, its default keys
/// and the screens where it applies. A binding with empty `keys` and `help`
/// shares the row of the binding before it in the help overlay.
pub struct Binding {
    pub keys: &'static str,
    pub help: &'static str,
    pub command: Command,
    pub defaults: &'static [Key],
    pub modes: &'static [Mode],
}

const ALL: &[Mode] = &[Mode::List, Mode::Set, Mode::Storage];
const LIST_SET: &[Mode] = &[Mode::List, Mode::Set];
const fn code(c: KeyCode) -> Key {
    Key::plain(c)
}
const fn ch(c: char) -> Key {
    Key::ch(c)
}

pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: "↑ ↓ / k j",
        help: "move the selection (or scroll the focused pane)",
        command: Command::Up,
        defaults: &[code(KeyCode::Up), ch('k')],
        modes: ALL,
    },
    Binding {
        keys: "",
        help: "",
        command: Command::Down,
        defaults: &[code(KeyCode::Down), ch('j')],
        modes: ALL,
    },
    Binding {
        keys: "PgUp PgDn",
        help: "move a page",
        command: Command::PageUp,
        defaults: &[code(KeyCode::PageUp), Key::ctrl('b')],
        modes: ALL,
    },
    Binding {
        keys: "",
        help: "",
        command: Command::PageDown,
        defaults: &[code(KeyCode::PageDown), Key::ctrl('f')],
        modes: ALL,
    },
    Binding {
        keys: "g G / Home End",
        help: "first / last",
        command: Command::Top,
        defaults: &[code(KeyCode::Home), ch('g')],
        modes: ALL,
    },
    Binding {
        keys: "",
        help: "",
        command: Command::Bottom,
        defaults: &[code(KeyCode::End), ch('G')],
        modes: ALL,
    },
    Binding {
        keys: "Enter",
        help: "open the selected StatefulSet",
        command: Command::Open,
        defaults: &[code(KeyCode::Enter)],
        modes: &[Mode::List],
    },
    Binding {
        keys: "Tab S-Tab",
        help: "next / previous pane",
        command: Command::NextPane,
        defaults: &[code(KeyCode::Tab)],
        modes: &[Mode::Set],
    },
    Binding {
        keys: "Tab S-Tab",
        help: "next / previous tab (claims, volumes, classes)",
        command: Command::NextPane,
        defaults: &[code(KeyCode::Tab)],
        modes: &[Mode::Storage],
    },
    Binding {
        keys: "",
        help: "",
        command: Command::PrevPane,
        defaults: &[code(KeyCode::BackTab)],
        modes: &[Mode::Set, Mode::Storage],
    },
    Binding {
        keys: "Esc Backspace",
        help: "back (or clear the filter)",
        command: Command::Back,
        defaults: &[code(KeyCode::Esc), code(KeyCode::Backspace)],
        modes: ALL,
    },
    Binding {
        keys: "/",
        help: "filter by name (Enter keeps it, Esc clears it)",
        command: Command::Filter,
        defaults: &[ch('/')],
        modes: &[Mode::List, Mode::Storage],
    },
    Binding {
        keys: "n",
        help: "switch namespace",
        command: Command::Namespaces,
        defaults: &[ch('n')],
        modes: ALL,
    },
    Binding {
        keys: "v",
        help: "storage: all claims, volumes and classes",
        command: Command::Storage,
        defaults: &[ch('v')],
        modes: LIST_SET,
    },
    Binding {
        keys: "s",
        help: "scale: type the replicas",
        command: Command::Scale,
        defaults: &[ch('s')],
        modes: LIST_SET,
    },
    Binding {
        keys: "+ -",
        help: "scale up / down by one",
        command: Command::ScaleUp,
        defaults: &[ch('+')],
        modes: LIST_SET,
    },
    Binding {
        keys: "",
        help: "",
        command: Command::ScaleDown,
        defaults: &[ch('-')],
        modes: LIST_SET,
    },
    Binding {
        keys: "r",
        help: "rolling restart (as kubectl rollout restart)",
        command: Command::Restart,
        defaults: &[ch('r')],
        modes: LIST_SET,
    },
    Binding {
        keys: "p",
        help: "set the partition",
        command: Command::Partition,
        defaults: &[ch('p')],
        modes: LIST_SET,
    },
    Binding {
        keys: "P",
        help: "pause the rollout (partition = replicas)",
        command: Command::Pause,
        defaults: &[ch('P')],
        modes: LIST_SET,
    },
    Binding {
        keys: "S",
        help: "step the rollout: release the next ordinal (partition − 1)",
        command: Command::Step,
        defaults: &[ch('S')],
        modes: LIST_SET,
    },
    Binding {
        keys: "u",
        help: "roll back to an earlier revision",
        command: Command::Rollback,
        defaults: &[ch('u')],
        modes: LIST_SET,
    },
    Binding {
        keys: "d",
        help: "delete the selected ordinal's Pod",
        command: Command::DeletePod,
        defaults: &[ch('d')],
        modes: &[Mode::Set],
    },
    Binding {
        keys: "D",
        help: "force delete the Pod (grace period 0)",
        command: Command::ForceDeletePod,
        defaults: &[ch('D')],
        modes: &[Mode::Set],
    },
    Binding {
        keys: "x",
        help: "delete an orphaned claim (typed confirmation)",
        command: Command::DeleteClaim,
        defaults: &[ch('x')],
        modes: &[Mode::Set, Mode::Storage],
    },
    Binding {
        keys: "e",
        help: "expand the claim (new size)",
        command: Command::Expand,
        defaults: &[ch('e')],
        modes: &[Mode::Set, Mode::Storage],
    },
    Binding {
        keys: "E",
        help: "expand every claim of the claim's template (Tab in the e dialog)",
        command: Command::ExpandAll,
        defaults: &[ch('E')],
        modes: &[Mode::Set, Mode::Storage],
    },
    Binding {
        keys: "?",
        help: "this help",
        command: Command::Help,
        defaults: &[ch('?')],
        modes: ALL,
    },
    Binding {
        keys: "q Ctrl-C",
        help: "quit",
        command: Command::Quit,
        defaults: &[ch('q'), Key::ctrl('c')],
        modes: ALL,
    },
];

/// The default keys of a command.
pub fn default_keys(command: Command) -> &'static [Key] {
    BINDINGS
        .iter()
        .find(|b| b.command == command)
        .map(|b| b.defaults)
        .unwrap_or(&[])
}

/// Two commands that share a screen and a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub key: Key,
    /// The two commands, in [`Command::ALL`] order.
    pub commands: (Command, Command),
}

/// The keys of every command: the defaults, with some commands' keys
/// replaced (by the config file's `[keys]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keymap {
    overrides: Vec<(Command, Vec<Key>)>,
}

impl Keymap {
    /// The default keys.
    pub const DEFAULT: Keymap = Keymap {
        overrides: Vec::new(),
    };

    /// Replaces a command's keys (no keys: the command is unbound).
    pub fn remap(&mut self, command: Command, keys: Vec<Key>) {
        let mut unique: Vec<Key> = Vec::with_capacity(keys.len());
        for k in keys {
            if !unique.contains(&k) {
                unique.push(k);
            }
        }
        self.overrides.retain(|(c, _)| *c != command);
        self.overrides.push((command, unique));
        // Sorted, so equal keymaps compare equal.
        self.overrides.sort_by_key(|(c, _)| *c);
    }

    /// Whether the command's keys are not the defaults.
    pub fn is_remapped(&self, command: Command) -> bool {
        self.overrides.iter().any(|(c, _)| *c == command)
    }

    /// The keys of a command.
    pub fn keys(&self, command: Command) -> &[Key] {
        self.overrides
            .iter()
            .find(|(c, _)| *c == command)
            .map(|(_, keys)| keys.as_slice())
            .unwrap_or_else(|| default_keys(command))
    }

    /// Keys bound to two commands that share a screen, in [`Command::ALL`]
    /// order (none for the defaults).
    pub fn conflicts(&self) -> Vec<Conflict> {
        let mut found = Vec::new();
        for (i, a) in Command::ALL.iter().enumerate() {
            let a_modes = a.modes();
            for b in &Command::ALL[i + 1..] {
                if !b.modes().iter().any(|m| a_modes.contains(m)) {
                    continue;
                }
                for key in self.keys(*a) {
                    if self.keys(*b).contains(key) {
                        found.push(Conflict {
                            key: *key,
                            commands: (*a, *b),
                        });
                    }
                }
            }
        }
        found
    }

    /// The command a key means in `mode`, if any.
    pub fn command(&self, mode: Mode, key: &KeyEvent) -> Option<Command> {
        BINDINGS
            .iter()
            .find(|b| {
                b.modes.contains(&mode) && self.keys(b.command).iter().any(|k| k.matches(key))
            })
            .map(|b| b.command)
    }

    /// The key the footer shows for a command (its first), if it has one.
    pub fn hint(&self, command: Command) -> Option<String> {
        self.keys(command).first().map(Key::label)
    }

    /// Help rows for `mode`: `(keys, what, available)`; `available` says
    /// whether the command may be used (read-only mode and RBAC can deny
    /// actions). Rows whose commands all keep their default keys read as
    /// written in [`BINDINGS`]; the others list the keys now bound.
    pub fn help(
        &self,
        mode: Mode,
        available: impl Fn(Command) -> bool,
    ) -> Vec<(String, String, bool)> {
        let in_mode: Vec<&Binding> = BINDINGS
            .iter()
            .filter(|b| b.modes.contains(&mode))
            .collect();
        let mut rows = Vec::new();
        for (i, b) in in_mode.iter().enumerate() {
            if b.keys.is_empty() {
                continue;
            }
            // This row's commands: the binding and those sharing its row.
            let mut commands = vec![b.command];
            commands.extend(
                in_mode[i + 1..]
                    .iter()
                    .take_while(|n| n.keys.is_empty())
                    .map(|n| n.command),
            );
            let keys = if commands.iter().any(|c| self.is_remapped(*c)) {
                if commands.iter().all(|c| self.keys(*c).is_empty()) {
                    continue;
                }
                commands
                    .iter()
                    .map(|c| match self.keys(*c) {
                        [] => "(none)".to_string(),
                        keys => keys.iter().map(Key::label).collect::<Vec<_>>().join(" "),
                    })
                    .collect::<Vec<_>>()
                    .join(" / ")
            } else {
                b.keys.to_string()
            };
            rows.push((keys, b.help.to_string(), available(b.command)));
        }
        rows
    }
}

/// The command a key means in `mode` with the default keys.
pub fn command(mode: Mode, key: &KeyEvent) -> Option<Command> {
    Keymap::DEFAULT.command(mode, key)
}

/// Help rows for `mode` with the default keys (see [`Keymap::help`]).
pub fn help(mode: Mode, available: impl Fn(Command) -> bool) -> Vec<(String, String, bool)> {
    Keymap::DEFAULT.help(mode, available)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

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
        // Shift-Tab arrives as BackTab with Shift.
        assert_eq!(
            command(
                Mode::Set,
                &KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)
            ),
            Some(Command::PrevPane)
        );
        assert_eq!(command(Mode::Set, &key(KeyCode::Char('/'))), None);
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(command(Mode::Storage, &ctrl_c), Some(Command::Quit));
        // Ctrl-j is not `j`.
        let ctrl_j = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::CONTROL);
        assert_eq!(command(Mode::List, &ctrl_j), None);
        // A capital letter comes with Shift.
        let shift_s = KeyEvent::new(KeyCode::Char('S'), KeyModifiers::SHIFT);
        assert_eq!(command(Mode::Set, &shift_s), Some(Command::Step));
        let ctrl_f = KeyEvent::new(KeyCode::Char('f'), KeyModifiers::CONTROL);
        assert_eq!(command(Mode::List, &ctrl_f), Some(Command::PageDown));
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

    #[test]
    fn the_defaults_have_no_conflicts_and_every_command_a_key() {
        assert_eq!(Keymap::DEFAULT.conflicts(), []);
        for c in Command::ALL {
            assert!(!default_keys(c).is_empty(), "{c:?}");
            assert!(!c.modes().is_empty(), "{c:?}");
            assert_eq!(Command::from_name(c.name()), Some(c));
            assert!(!c.describe().is_empty(), "{c:?}");
        }
        assert_eq!(Command::from_name("delete_pod"), None);
    }

    #[test]
    fn key_syntax_round_trips() {
        let cases: &[(&str, Key, &str)] = &[
            ("q", Key::ch('q'), "q"),
            ("S", Key::ch('S'), "S"),
            ("+", Key::ch('+'), "+"),
            ("-", Key::ch('-'), "-"),
            ("ctrl-r", Key::ctrl('r'), "Ctrl-R"),
            ("Ctrl-R", Key::ctrl('r'), "Ctrl-R"),
            ("ctrl--", Key::ctrl('-'), "Ctrl--"),
            (
                "alt-x",
                Key {
                    code: KeyCode::Char('x'),
                    ctrl: false,
                    alt: true,
                },
                "Alt-x",
            ),
            (
                "ctrl-alt-d",
                Key {
                    code: KeyCode::Char('d'),
                    ctrl: true,
                    alt: true,
                },
                "Ctrl-Alt-D",
            ),
            ("enter", Key::plain(KeyCode::Enter), "Enter"),
            ("Enter", Key::plain(KeyCode::Enter), "Enter"),
            ("esc", Key::plain(KeyCode::Esc), "Esc"),
            ("tab", Key::plain(KeyCode::Tab), "Tab"),
            ("backtab", Key::plain(KeyCode::BackTab), "S-Tab"),
            ("shift-tab", Key::plain(KeyCode::BackTab), "S-Tab"),
            ("up", Key::plain(KeyCode::Up), "↑"),
            ("pgup", Key::plain(KeyCode::PageUp), "PgUp"),
            ("PageDown", Key::plain(KeyCode::PageDown), "PgDn"),
            ("home", Key::plain(KeyCode::Home), "Home"),
            ("end", Key::plain(KeyCode::End), "End"),
            ("backspace", Key::plain(KeyCode::Backspace), "Backspace"),
            ("space", Key::ch(' '), "Space"),
            (" ", Key::ch(' '), "Space"),
            ("f1", Key::plain(KeyCode::F(1)), "F1"),
            ("F12", Key::plain(KeyCode::F(12)), "F12"),
            ("é", Key::ch('é'), "é"),
        ];
        for (text, want, label) in cases {
            let key = Key::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(key, *want, "{text}");
            assert_eq!(key.label(), *label, "{text}");
            assert_eq!(Key::parse(&key.to_string()), Ok(key), "{text} → {key}");
        }
    }

    #[test]
    fn bad_keys_say_why() {
        for (text, why) in [
            ("", "cannot be empty"),
            ("ctrl", "unknown key name"),
            ("ctrl-", "unknown key name"),
            ("f13", "unknown key name"),
            ("f0", "unknown key name"),
            ("f01", "unknown key name"),
            ("hyper-x", "unknown key name"),
            ("dd", "unknown key name"),
            ("shift-s", "write the letter"),
            ("\t", "control characters"),
        ] {
            let err = Key::parse(text).unwrap_err();
            assert!(err.contains(why), "{text:?}: {err}");
        }
    }

    #[test]
    fn a_remapped_command_loses_its_default_keys() {
        let mut keymap = Keymap::default();
        keymap.remap(
            Command::Scale,
            vec![Key::ch('z'), Key::ctrl('s'), Key::ch('z')],
        );
        assert_eq!(keymap.keys(Command::Scale), [Key::ch('z'), Key::ctrl('s')]);
        assert_eq!(
            keymap.command(Mode::Set, &key(KeyCode::Char('z'))),
            Some(Command::Scale)
        );
        let ctrl_s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert_eq!(keymap.command(Mode::List, &ctrl_s), Some(Command::Scale));
        assert_eq!(keymap.command(Mode::Set, &key(KeyCode::Char('s'))), None);
        assert_eq!(keymap.hint(Command::Scale).as_deref(), Some("z"));
        // Unbound: no key, no hint.
        keymap.remap(Command::Restart, vec![]);
        assert_eq!(keymap.command(Mode::Set, &key(KeyCode::Char('r'))), None);
        assert_eq!(keymap.hint(Command::Restart), None);
        assert_eq!(keymap.conflicts(), []);
    }

    #[test]
    fn conflicts_need_a_shared_screen() {
        let mut keymap = Keymap::default();
        // `d` deletes a Pod on the set screen only: free on the list screen…
        keymap.remap(Command::Open, vec![Key::ch('d')]);
        assert_eq!(keymap.conflicts(), []);
        // … but not for restart, which is on both.
        keymap.remap(Command::Restart, vec![Key::ch('d'), Key::ch('r')]);
        let d = |a, b| Conflict {
            key: Key::ch('d'),
            commands: (a, b),
        };
        assert_eq!(
            keymap.conflicts(),
            [
                d(Command::Open, Command::Restart),
                d(Command::Restart, Command::DeletePod)
            ]
        );
    }

    #[test]
    fn help_shows_the_remapped_keys() {
        let mut keymap = Keymap::default();
        keymap.remap(Command::Scale, vec![Key::ch('z')]);
        keymap.remap(Command::Down, vec![Key::plain(KeyCode::Down), Key::ch('J')]);
        keymap.remap(Command::Help, vec![]);
        let set = keymap.help(Mode::Set, |_| true);
        assert!(
            set.iter()
                .any(|(k, w, _)| k == "z" && w.starts_with("scale: type"))
        );
        assert!(set.iter().any(|(k, _, _)| k == "↑ k / ↓ J"), "{set:?}");
        // Rows left alone read as before.
        assert!(set.iter().any(|(k, _, _)| k == "Tab S-Tab"));
        assert!(!set.iter().any(|(_, w, _)| w == "this help"));
    }
}
