//! The overlays' keys (help, namespace switcher, filter) and switching
//! namespaces.

use super::*;

impl App {
    pub(super) fn on_overlay_key(&mut self, overlay: OverlayState, key: &KeyEvent, now: Timestamp) {
        match overlay {
            OverlayState::Help => {
                // Any key closes the help; a quit key other than a plain
                // character (Ctrl-C) also quits.
                let plain_char = matches!(key.code, KeyCode::Char(_))
                    && !key.modifiers.intersects(
                        crossterm::event::KeyModifiers::CONTROL
                            | crossterm::event::KeyModifiers::ALT,
                    );
                if matches!(self.keymap.command(self.mode(), key), Some(Command::Quit))
                    && !plain_char
                {
                    self.quit = true;
                }
                self.overlay = None;
            }
            OverlayState::Namespaces {
                selected,
                mut filter,
                mut picked,
            } => {
                let items = self.namespace_items(&filter);
                let mut next = |selected, filter, picked| {
                    self.overlay = Some(OverlayState::Namespaces {
                        selected,
                        filter,
                        picked,
                    })
                };
                match key.code {
                    KeyCode::Esc => self.overlay = None,
                    KeyCode::Up => next(selected.saturating_sub(1), filter, picked),
                    KeyCode::Down => next(
                        (selected + 1).min(items.len().saturating_sub(1)),
                        filter,
                        picked,
                    ),
                    // Namespaces have no spaces: Space picks, it never filters.
                    KeyCode::Char(' ') => {
                        if let Some(choice) = items.get(selected).filter(|c| *c != ALL_NAMESPACES) {
                            match picked.iter().position(|p| p == choice) {
                                Some(i) => {
                                    picked.remove(i);
                                }
                                None => picked.push(choice.clone()),
                            }
                        }
                        next(selected, filter, picked);
                    }
                    KeyCode::Enter if picked.len() > 1 => {
                        self.overlay = None;
                        self.switch_namespaces(picked);
                    }
                    KeyCode::Enter if picked.len() == 1 => {
                        self.overlay = None;
                        self.switch_namespace(picked.pop(), now);
                    }
                    KeyCode::Enter => {
                        self.overlay = None;
                        if let Some(choice) = items.get(selected) {
                            let ns = (selected > 0 || !filter.is_empty())
                                .then(|| choice.clone())
                                .filter(|c| c != ALL_NAMESPACES);
                            self.switch_namespace(ns, now);
                        }
                    }
                    KeyCode::Backspace => {
                        filter.pop();
                        next(0, filter, picked);
                    }
                    KeyCode::Char(c) => {
                        filter.push(c);
                        next(0, filter, picked);
                    }
                    _ => {}
                }
            }
        }
    }

    pub(super) fn namespace_items(&self, filter: &str) -> Vec<String> {
        let mut items = vec![ALL_NAMESPACES.to_string()];
        items.extend(view::namespaces(&self.store));
        if let Some(ns) = &self.namespace
            && !items.contains(ns)
        {
            items.push(ns.clone());
        }
        for ns in &self.namespaces {
            if !items.contains(ns) {
                items.push(ns.clone());
            }
        }
        let f = filter.to_lowercase();
        items.retain(|i| f.is_empty() || i.to_lowercase().contains(&f));
        items
    }

    /// Watching several namespaces (`-n a,b,c`): the views show every set
    /// of the store, which holds just those.
    pub fn set_namespaces(&mut self, namespaces: Vec<String>) {
        self.namespace = None;
        self.watching_all = false;
        self.namespaces = namespaces;
        self.dirty = true;
    }

    /// Watches several namespaces (picked in the switcher).
    pub(super) fn switch_namespaces(&mut self, namespaces: Vec<String>) {
        if namespaces == self.namespaces {
            return;
        }
        self.effects
            .push(Effect::Rewatch(Some(namespaces.join(","))));
        self.set_namespaces(namespaces);
        self.screens.truncate(1);
        self.list_selected = 0;
        self.storage_selected = 0;
    }

    pub(super) fn switch_namespace(&mut self, namespace: Option<String>, _now: Timestamp) {
        if namespace == self.namespace && self.namespaces.is_empty() {
            return;
        }
        self.namespaces.clear();
        // Watching one namespace: other scopes need new watches.
        if !self.watching_all {
            self.effects.push(Effect::Rewatch(namespace.clone()));
            self.watching_all = namespace.is_none();
        }
        self.namespace = namespace;
        self.screens.truncate(1);
        self.list_selected = 0;
        self.storage_selected = 0;
    }
}
