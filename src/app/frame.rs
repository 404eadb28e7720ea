//! What one frame shows: the screen's view, its title and the key hints,
//! derived from the app's state.

use super::*;

impl App {
    /// Whether the screen shows ages that tick each second (and should be
    /// redrawn on each tick: not with `refresh = "off"`).
    pub fn shows_ages(&self) -> bool {
        self.redraw_on_tick
    }

    /// Everything one frame draws.
    pub fn frame_view(&self, now: Timestamp, clock: &str) -> FrameView {
        let scope = self.scope();
        let filter = self.filter.value();
        let screen = match self.screen() {
            Screen::List => {
                let rows = self.set_rows(now);
                let selected = self.list_selected.min(rows.len().saturating_sub(1));
                ScreenView::List { rows, selected }
            }
            Screen::Set { namespace, name } => match self.set_detail(namespace, name, now) {
                Some(detail) => {
                    let selected = selected_index(&detail.ordinals, self.set_ordinal);
                    ScreenView::Set {
                        detail,
                        selected,
                        focus: self.set_focus,
                        scroll: self.set_scroll,
                    }
                }
                None => ScreenView::Message {
                    title: format!("{namespace}/{name}"),
                    lines: vec![
                        "This StatefulSet is not (or no longer) in the cluster.".into(),
                        "Esc goes back to the list.".into(),
                    ],
                },
            },
            Screen::Storage => {
                let view = view::storage_view(&self.store, &scope, filter, now);
                ScreenView::Storage {
                    view: Box::new(view),
                    tab: self.storage_tab,
                    selected: self.storage_selected,
                }
            }
        };
        let overlay = match (&self.dialog, &self.overlay) {
            (Some(d), _) => Some(Overlay::Dialog(Box::new(d.view(&self.store, now)))),
            (None, None) => None,
            (None, Some(OverlayState::Help)) => Some(Overlay::Help {
                title: format!("Keys: {}", self.screen_title()),
                keys: self.keymap.help(self.mode(), |c| {
                    c.action()
                        .is_none_or(|k| self.permissions.denial(k).is_none())
                }),
            }),
            (
                None,
                Some(OverlayState::Namespaces {
                    selected,
                    filter,
                    picked,
                }),
            ) => Some(Overlay::Namespaces {
                items: self.namespace_items(filter),
                picked: picked.clone(),
                selected: *selected,
                filter: filter.clone(),
            }),
        };
        let filter_view = (self.filter_editing || !filter.is_empty()).then(|| FilterView {
            text: filter.to_string(),
            cursor: self.filter.visual_cursor(),
            editing: self.filter_editing,
        });
        FrameView {
            title: TitleBar {
                context: self.context.clone(),
                namespace: if self.namespaces.is_empty() {
                    self.namespace
                        .clone()
                        .unwrap_or_else(|| ALL_NAMESPACES.to_string())
                } else {
                    self.namespaces.join(",")
                },
                read_only: self.read_only,
                clock: clock.to_string(),
            },
            screen,
            status: StatusLine {
                sync: view::sync_summary(&self.store, now),
                message: self.message.clone().or_else(|| {
                    let all = self.namespace.is_none() && self.namespaces.is_empty();
                    view::forbidden_hint(&self.store, all).map(|hint| (Severity::Warning, hint))
                }),
                filter: filter_view,
                hints: self.hints(),
            },
            overlay,
        }
    }

    pub(super) fn screen_title(&self) -> &'static str {
        match self.mode() {
            Mode::List => "StatefulSets",
            Mode::Set => "StatefulSet",
            Mode::Storage => "Storage",
        }
    }

    /// Opens a claim's dialog, or says which claim to select.
    pub(super) fn open_claim_dialog(
        &mut self,
        claim: Option<(String, String)>,
        kind: impl FnOnce(String) -> DialogKind,
        missing: &str,
        now: Timestamp,
    ) {
        match claim {
            Some((namespace, claim)) => {
                let set = self.target_set(now).map(|(_, n)| n).unwrap_or_default();
                self.dialog = Some(Dialog::new(kind(claim), &namespace, &set, &self.store));
            }
            None => self.message = Some((Severity::Warning, missing.into())),
        }
    }

    pub(super) fn hints(&self) -> Vec<(String, String)> {
        use Command as C;
        let mut commands = match self.mode() {
            Mode::List => vec![
                (C::Open, "open"),
                (C::Filter, "filter"),
                (C::Storage, "storage"),
            ],
            Mode::Set => vec![
                (C::NextPane, "pane"),
                (C::Back, "back"),
                (C::Scale, "scale"),
                (C::Restart, "restart"),
                (C::Partition, "partition"),
                (C::DeletePod, "delete"),
            ],
            Mode::Storage => vec![
                (C::NextPane, "tab"),
                (C::Filter, "filter"),
                (C::Back, "back"),
            ],
        };
        if self.read_only {
            commands.retain(|(c, _)| c.action().is_none());
        }
        let hint =
            |(c, what): (Command, &str)| self.keymap.hint(c).map(|key| (key, what.to_string()));
        let mut hints: Vec<(String, String)> = commands.into_iter().filter_map(hint).collect();
        if self.read_only {
            hints.push(("read-only".into(), "actions off".into()));
        }
        hints.extend(
            [
                (C::Namespaces, "namespace"),
                (C::Help, "help"),
                (C::Quit, "quit"),
            ]
            .into_iter()
            .filter_map(hint),
        );
        hints
    }
}
