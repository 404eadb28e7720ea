//! The application state and its updates: screens, selection, filter,
//! overlays. It owns the store; watch tasks only send it events. The frame
//! is a function of this state ([`App::frame_view`]).

pub mod batch;
pub mod dialog;
mod frame;
pub mod keymap;
pub mod lockstep;
mod overlays;
pub mod run;
pub mod tour;

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyEventKind};
use jiff::Timestamp;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::action::{self, Action, ActionError};
use crate::cluster::access::Permissions;
use crate::cluster::watch::OpenSet;
use crate::store::{Store, StoreEvent};
use crate::ui::model::{
    FilterView, FrameView, Overlay, ScreenView, SetPane, StatusLine, StorageTab, TitleBar,
};
use crate::view::memo::{DetailMemo, ListMemo};
use crate::view::model::{OrdinalRow, SetDetail};
use crate::view::{self, Scope, model::Severity};
use dialog::{Dialog, DialogKind, DialogOutcome};
use keymap::{Command, Keymap, Mode};
use std::cell::RefCell;
use std::sync::Arc;

/// Which screen is showing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    List,
    Set { namespace: String, name: String },
    Storage,
}

/// Something the run loop must do outside the state.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Watch another namespace scope (`None`: all namespaces; `a,b`: those).
    Rewatch(Option<String>),
    /// Send this action to the cluster; its result comes back through
    /// [`App::on_action_result`].
    Execute(Action),
    /// Watch what this set's screen needs (its events, its revisions)
    /// while it is open; `None`: no set is open, stop those watches.
    Follow(Option<OpenSet>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum OverlayState {
    Help,
    /// `picked`: the namespaces toggled with Space, to watch together.
    Namespaces {
        selected: usize,
        filter: String,
        picked: Vec<String>,
    },
}

/// How many rows PageUp/PageDown move.
const PAGE: usize = 10;

pub struct App {
    pub store: Store,
    screens: Vec<Screen>,
    list_selected: usize,
    /// The selected ordinal of the open set (by number, so it stays put
    /// when rows appear or go); `None`: the first.
    set_ordinal: Option<i32>,
    set_focus: SetPane,
    set_scroll: u16,
    storage_tab: StorageTab,
    storage_selected: usize,
    filter: Input,
    filter_editing: bool,
    /// Namespaces the views show (`None`: all).
    pub namespace: Option<String>,
    /// Whether the watches cover all namespaces (then switching is a view filter).
    watching_all: bool,
    /// The namespaces watched under `-n a,b,c` (empty otherwise). The store
    /// then holds just those, so the views show all it holds.
    namespaces: Vec<String>,
    overlay: Option<OverlayState>,
    dialog: Option<Dialog>,
    /// What the user may do (read-only mode, RBAC answers).
    permissions: Permissions,
    message: Option<(Severity, String)>,
    pub context: String,
    pub read_only: bool,
    pub quit: bool,
    /// Changes of UI state since the last frame.
    dirty: bool,
    effects: Vec<Effect>,
    /// The open set whose watches the last `Follow` asked for.
    followed: Option<OpenSet>,
    /// A scripted walk in progress (`--tour`) and when it started.
    tour: Option<(tour::Tour, std::time::Instant)>,
    /// Derived views kept between frames (re-derived only when their
    /// inputs changed).
    list_memo: RefCell<ListMemo>,
    detail_memo: RefCell<DetailMemo>,
    /// A set changed by an action, followed until it settles:
    /// (namespace, name, what was done).
    following: Option<(String, String, String)>,
    /// A claim being expanded: (namespace, claim, requested bytes).
    following_claim: Option<(String, String, u64)>,
    /// A batch expansion whose dialog was closed, followed in the status
    /// line until every claim has its answer and its new size.
    following_batch: Option<batch::BatchRun>,
    /// The keys of each command (defaults plus the config file's `[keys]`).
    keymap: Keymap,
    /// Redraw on every tick, for the ages and the clock (`refresh = "off"`: no).
    redraw_on_tick: bool,
}

impl App {
    pub fn new(context: &str, namespace: Option<String>, read_only: bool) -> App {
        App {
            store: Store::new(),
            screens: vec![Screen::List],
            list_selected: 0,
            set_ordinal: None,
            set_focus: SetPane::Ordinals,
            set_scroll: 0,
            storage_tab: StorageTab::Claims,
            storage_selected: 0,
            filter: Input::default(),
            filter_editing: false,
            watching_all: namespace.is_none(),
            namespaces: Vec::new(),
            namespace,
            overlay: None,
            dialog: None,
            permissions: if read_only {
                Permissions::read_only()
            } else {
                Permissions::all()
            },
            message: None,
            context: context.to_string(),
            read_only,
            quit: false,
            dirty: true,
            effects: Vec::new(),
            followed: None,
            tour: None,
            list_memo: RefCell::default(),
            detail_memo: RefCell::default(),
            following: None,
            following_claim: None,
            following_batch: None,
            keymap: Keymap::default(),
            redraw_on_tick: true,
        }
    }

    /// Uses these keys (the config file's `[keys]`) instead of the defaults.
    pub fn set_keymap(&mut self, keymap: Keymap) {
        self.keymap = keymap;
        self.dirty = true;
    }

    /// Whether each tick redraws the screen (ages, clock); off, an idle
    /// screen writes nothing.
    pub fn set_redraw_on_tick(&mut self, on: bool) {
        self.redraw_on_tick = on;
    }

    pub fn screen(&self) -> &Screen {
        self.screens.last().expect("there is always a screen")
    }

    fn mode(&self) -> Mode {
        match self.screen() {
            Screen::List => Mode::List,
            Screen::Set { .. } => Mode::Set,
            Screen::Storage => Mode::Storage,
        }
    }

    /// Applies a store event; true when the store changed.
    pub fn apply(&mut self, event: StoreEvent, now: Timestamp) -> bool {
        let history = matches!(event, StoreEvent::History { .. });
        let changed = self.store.apply(event, now);
        // Where usage history comes from (Prometheus loaded, or why not).
        if let Some(m) = history
            .then(|| view::capacity::history_message(self.store.history_source()))
            .flatten()
        {
            self.message = Some(m);
        }
        changed
    }

    /// True (once) when UI state changed since the last call.
    pub fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    pub fn take_effects(&mut self) -> Vec<Effect> {
        let open = self.open_set();
        let which = |o: &Option<OpenSet>| o.as_ref().map(|o| (o.namespace.clone(), o.name.clone()));
        if which(&open) != which(&self.followed) {
            self.followed = open.clone();
            self.effects.push(Effect::Follow(open));
        }
        std::mem::take(&mut self.effects)
    }

    /// The set whose screen is open (under the storage screen, too): what
    /// [`Effect::Follow`] asks to watch.
    pub fn open_set(&self) -> Option<OpenSet> {
        self.screens.iter().rev().find_map(|s| match s {
            Screen::Set { namespace, name } => Some(OpenSet {
                namespace: namespace.clone(),
                name: name.clone(),
                selector: self
                    .store
                    .set(namespace, name)
                    .map(|s| s.selector.clone())
                    .unwrap_or_default(),
            }),
            _ => None,
        })
    }

    /// What the cluster said the user may do (kept read-only under `--read-only`).
    pub fn set_permissions(&mut self, permissions: Permissions) {
        if !self.read_only {
            self.permissions = permissions;
            self.dirty = true;
        }
    }

    /// The answer to an action sent earlier.
    pub fn on_action_result(&mut self, action: &Action, result: Result<String, ActionError>) {
        self.dirty = true;
        // One answer of a batch: its dialog (or, closed, the status line)
        // keeps each claim's result.
        if let Some(d) = self.dialog.as_mut()
            && d.record(action, &result, &self.store)
        {
            self.message = d.run_summary(&self.store);
            return;
        }
        if let Some(run) = self.following_batch.as_mut()
            && run.record(action, &result)
        {
            self.message = Some(run.summary(&self.store));
            return;
        }
        match result {
            Ok(summary) => {
                self.dialog = None;
                self.message = Some((Severity::Info, format!("{summary}; following the rollout…")));
                if let Some((namespace, name)) = self.dialog_set_of(action) {
                    self.following = Some((namespace, name, summary));
                } else if let Action::Expand {
                    namespace,
                    name,
                    storage,
                } = action
                {
                    let want = crate::store::quantity::parse(storage).unwrap_or(0);
                    self.following_claim = Some((namespace.clone(), name.clone(), want));
                    self.message =
                        Some((Severity::Info, format!("{summary}; following the resize…")));
                }
            }
            Err(e) => match self.dialog.as_mut() {
                Some(d) if d.state == crate::ui::model::DialogState::Sending => d.failed(&e),
                _ => {
                    self.message = Some((
                        Severity::Critical,
                        format!("{}: {}", action.title(), e.describe()),
                    ))
                }
            },
        }
    }

    /// The StatefulSet an action changes (for Pods and claims, their set).
    fn dialog_set_of(&self, action: &Action) -> Option<(String, String)> {
        let ns = action.namespace().to_string();
        match action {
            Action::DeletePod { name, .. } => {
                let (set, _) = crate::store::split_ordinal(name)?;
                Some((ns, set.to_string()))
            }
            Action::DeleteClaim { .. } | Action::Expand { .. } => None,
            _ => Some((ns, action.name().to_string())),
        }
    }

    /// Says "done" once a set changed by an action is stable again, or how
    /// it is stuck (from the rollout words and findings of the views).
    pub fn follow_up(&mut self, now: Timestamp) {
        let Some((namespace, name, summary)) = self.following.clone() else {
            return;
        };
        let Some(detail) = view::set_detail(&self.store, &namespace, &name, None, now) else {
            self.following = None;
            return;
        };
        let rollout = &detail.header.rollout;
        if rollout.starts_with("stable:") || rollout == "stable" {
            self.following = None;
            self.message = Some((Severity::Info, format!("done: {summary}; {rollout}")));
            self.dirty = true;
        } else if let Some(stuck) = detail.findings.iter().find(|f| f.code == "rollout-stuck") {
            self.message = Some((Severity::Warning, format!("stuck: {}", stuck.title)));
        } else {
            self.message = Some((Severity::Info, format!("{summary}; {rollout}")));
        }
    }

    /// Starts a scripted walk: its keys are pressed as if typed.
    pub fn start_tour(&mut self, steps: Vec<tour::Step>) {
        self.tour = Some((tour::Tour::new(steps), std::time::Instant::now()));
    }

    /// Called by the loop's ticker (`now` from the loop's clock): runs the
    /// tour's due steps, and quits when the tour is over.
    pub fn on_tick(&mut self, now: Timestamp) {
        if self.following.is_some() {
            self.follow_up(now);
        }
        if let Some(d) = self.dialog.as_mut()
            && let Some(summary) = d.run_summary(&self.store)
        {
            d.refresh(&self.store);
            self.message = Some(summary);
            self.dirty = true;
        }
        if let Some(run) = &self.following_batch {
            self.message = Some(run.summary(&self.store));
            self.dirty = true;
            if run.settled(&self.store) {
                self.following_batch = None;
            }
        }
        if let Some((ns, claim, want)) = self.following_claim.clone() {
            let (done, text) = action::expand_progress(&self.store, &ns, &claim, want);
            self.message = Some((Severity::Info, text));
            self.dirty = true;
            if done {
                self.following_claim = None;
            }
        }
        let Some((tour, started)) = self.tour.as_mut() else {
            return;
        };
        let steps = tour.due(started.elapsed());
        let finished = tour.finished();
        for step in steps {
            tour::play(self, step, now);
        }
        if finished {
            self.tour = None;
            self.quit = true;
        }
    }

    /// Shows a message in the status line until the next key.
    pub fn say(&mut self, severity: Severity, text: impl Into<String>) {
        self.message = Some((severity, text.into()));
        self.dirty = true;
    }

    fn scope(&self) -> Scope {
        Scope {
            namespace: self.namespace.clone(),
        }
    }

    /// Handles one terminal event.
    pub fn on_event(&mut self, event: &TermEvent, now: Timestamp) {
        match event {
            TermEvent::Key(key) if key.kind != KeyEventKind::Release => {
                self.on_key(key, event, now)
            }
            TermEvent::Resize(..) => self.dirty = true,
            _ => {}
        }
    }

    fn on_key(&mut self, key: &KeyEvent, event: &TermEvent, now: Timestamp) {
        self.dirty = true;
        self.message = None;
        if self.filter_editing {
            match key.code {
                KeyCode::Enter => self.filter_editing = false,
                KeyCode::Esc => {
                    self.filter_editing = false;
                    self.filter.reset();
                }
                _ => {
                    self.filter.handle_event(event);
                    self.list_selected = 0;
                    self.storage_selected = 0;
                }
            }
            return;
        }
        if let Some(dialog) = self.dialog.as_mut() {
            match dialog.on_key(key, event, &self.store, now) {
                DialogOutcome::Open => {}
                DialogOutcome::Cancelled => {
                    // A batch goes on in the status line.
                    if let Some(run) = self.dialog.take().and_then(|mut d| d.take_run())
                        && !run.settled(&self.store)
                    {
                        self.message = Some(run.summary(&self.store));
                        self.following_batch = Some(run);
                    }
                }
                DialogOutcome::Send(action) => self.effects.push(Effect::Execute(action)),
                DialogOutcome::SendAll(actions) => self
                    .effects
                    .extend(actions.into_iter().map(Effect::Execute)),
            }
            return;
        }
        if let Some(overlay) = self.overlay.clone() {
            self.on_overlay_key(overlay, key, now);
            return;
        }
        let Some(command) = self.keymap.command(self.mode(), key) else {
            return;
        };
        self.run(command, now);
    }

    fn list_len(&self, now: Timestamp) -> usize {
        self.set_rows(now).len()
    }

    /// The list's rows (re-derived per set, only where something changed).
    fn set_rows(&self, now: Timestamp) -> view::memo::Rows {
        self.list_memo
            .borrow_mut()
            .rows(&self.store, &self.scope(), self.filter.value(), now)
    }

    /// The open set's screen (re-derived only when something it shows changed).
    fn set_detail(&self, namespace: &str, name: &str, now: Timestamp) -> Option<Arc<SetDetail>> {
        self.detail_memo
            .borrow_mut()
            .detail(&self.store, namespace, name, self.set_ordinal, now)
    }

    fn run(&mut self, command: Command, now: Timestamp) {
        if let Some(kind) = command.action() {
            if let Some(why) = self.permissions.denial(kind) {
                self.message = Some((Severity::Warning, format!("not available: {why}")));
                return;
            }
            self.open_dialog(command, now);
            return;
        }
        match command {
            Command::Quit => self.quit = true,
            Command::Help => self.overlay = Some(OverlayState::Help),
            Command::Namespaces => {
                self.overlay = Some(OverlayState::Namespaces {
                    selected: 0,
                    filter: String::new(),
                    picked: self.namespaces.clone(),
                })
            }
            Command::Filter => {
                self.filter_editing = true;
            }
            Command::Storage => {
                self.screens.push(Screen::Storage);
                self.storage_selected = 0;
            }
            Command::Back => {
                if !self.filter.value().is_empty() {
                    self.filter.reset();
                } else if self.screens.len() > 1 {
                    self.screens.pop();
                }
            }
            Command::Open => {
                let rows = self.set_rows(now);
                if let Some(row) = rows.get(self.list_selected) {
                    self.screens.push(Screen::Set {
                        namespace: row.namespace.clone(),
                        name: row.name.clone(),
                    });
                    self.set_ordinal = None;
                    self.set_focus = SetPane::Ordinals;
                    self.set_scroll = 0;
                }
            }
            Command::NextPane | Command::PrevPane => self.cycle(command == Command::NextPane),
            Command::Scale
            | Command::ScaleUp
            | Command::ScaleDown
            | Command::Restart
            | Command::Partition
            | Command::Pause
            | Command::Step
            | Command::Rollback
            | Command::DeletePod
            | Command::ForceDeletePod
            | Command::DeleteClaim
            | Command::Expand
            | Command::ExpandAll => {}
            Command::Up
            | Command::Down
            | Command::PageUp
            | Command::PageDown
            | Command::Top
            | Command::Bottom => self.move_selection(command, now),
        }
    }

    /// The StatefulSet an action applies to: the open one, or the selected row.
    fn target_set(&self, now: Timestamp) -> Option<(String, String)> {
        match self.screen() {
            Screen::Set { namespace, name } => Some((namespace.clone(), name.clone())),
            Screen::List => self
                .set_rows(now)
                .get(self.list_selected)
                .map(|r| (r.namespace.clone(), r.name.clone())),
            Screen::Storage => None,
        }
    }

    /// The selected ordinal row of the open set.
    fn selected_ordinal(&self, now: Timestamp) -> Option<OrdinalRow> {
        let Screen::Set { namespace, name } = self.screen() else {
            return None;
        };
        let detail = self.set_detail(namespace, name, now)?;
        let i = selected_index(&detail.ordinals, self.set_ordinal);
        detail.ordinals.get(i).cloned()
    }

    fn open_dialog(&mut self, command: Command, now: Timestamp) {
        let kind = match command {
            Command::Scale => DialogKind::Scale,
            Command::ScaleUp => DialogKind::ScaleBy(1),
            Command::ScaleDown => DialogKind::ScaleBy(-1),
            Command::Restart => DialogKind::Restart,
            Command::Partition => DialogKind::Partition,
            Command::Pause => DialogKind::Pause,
            Command::Step => DialogKind::Step,
            Command::Rollback => DialogKind::Rollback,
            Command::DeletePod | Command::ForceDeletePod => match self.selected_ordinal(now) {
                Some(row) if row.exists => DialogKind::DeletePod {
                    pod: row.pod,
                    force: command == Command::ForceDeletePod,
                },
                _ => {
                    self.message =
                        Some((Severity::Warning, "no Pod at the selected ordinal".into()));
                    return;
                }
            },
            Command::Expand => {
                let claim = self.claim_to_expand(now);
                self.open_claim_dialog(
                    claim,
                    |claim| DialogKind::Expand { claim },
                    "select a claim (an ordinal with a claim, or a claim on the storage screen)",
                    now,
                );
                return;
            }
            Command::ExpandAll => {
                match self.claim_to_expand(now).and_then(|(ns, claim)| {
                    let o = crate::store::owner::claim_owner(&self.store, &ns, &claim)?;
                    Some((ns, claim, o))
                }) {
                    Some((ns, claim, o)) => {
                        self.dialog = Some(Dialog::new(
                            DialogKind::ExpandAll {
                                template: o.template,
                                claim,
                            },
                            &ns,
                            &o.set,
                            &self.store,
                        ))
                    }
                    None => {
                        self.message = Some((
                            Severity::Warning,
                            "select a claim of a StatefulSet's template (an ordinal, or a claim on the storage screen)".into(),
                        ))
                    }
                }
                return;
            }
            Command::DeleteClaim => {
                let claim = self.selected_claim(now);
                self.open_claim_dialog(
                    claim,
                    |claim| DialogKind::DeleteClaim { claim },
                    "select an orphaned claim (an ordinal beyond replicas, or a claim on the storage screen)",
                    now,
                );
                return;
            }
            _ => return,
        };
        match self.target_set(now) {
            Some((namespace, name)) => {
                self.dialog = Some(Dialog::new(kind, &namespace, &name, &self.store))
            }
            None => self.message = Some((Severity::Warning, "select a StatefulSet first".into())),
        }
    }

    /// The claim `x` would delete: on the set screen, the first claim of the
    /// selected ordinal when it is beyond replicas; on the storage screen, the
    /// selected claim.
    /// The claim `e` expands: the selected ordinal's first claim, or the
    /// selected claim on the storage screen.
    fn claim_to_expand(&self, now: Timestamp) -> Option<(String, String)> {
        match self.screen() {
            Screen::Set { namespace, name } => {
                let row = self.selected_ordinal(now)?;
                let (template, _) = row.claims.iter().find(|(_, phase)| phase != "missing")?;
                Some((
                    namespace.clone(),
                    format!("{template}-{name}-{}", row.ordinal),
                ))
            }
            _ => self.selected_claim(now),
        }
    }

    fn selected_claim(&self, now: Timestamp) -> Option<(String, String)> {
        match self.screen() {
            Screen::Set { namespace, name } => {
                let row = self.selected_ordinal(now)?;
                if !row.beyond_replicas {
                    return None;
                }
                let (template, _) = row.claims.iter().find(|(_, phase)| phase != "missing")?;
                Some((
                    namespace.clone(),
                    format!("{template}-{name}-{}", row.ordinal),
                ))
            }
            Screen::Storage if self.storage_tab == StorageTab::Claims => {
                let v = view::storage_view(&self.store, &self.scope(), self.filter.value(), now);
                v.claims
                    .get(self.storage_selected)
                    .map(|c| (c.namespace.clone(), c.claim.name.clone()))
            }
            _ => None,
        }
    }

    fn cycle(&mut self, forward: bool) {
        match self.mode() {
            Mode::Set => {
                let panes = SetPane::ALL;
                let i = panes.iter().position(|p| *p == self.set_focus).unwrap_or(0);
                let n = panes.len();
                self.set_focus = panes[if forward {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                }];
                self.set_scroll = 0;
            }
            Mode::Storage => {
                let tabs = [StorageTab::Claims, StorageTab::Volumes, StorageTab::Classes];
                let i = tabs
                    .iter()
                    .position(|t| *t == self.storage_tab)
                    .unwrap_or(0);
                self.storage_tab = tabs[if forward { (i + 1) % 3 } else { (i + 2) % 3 }];
                self.storage_selected = 0;
            }
            Mode::List => {}
        }
    }

    fn move_selection(&mut self, command: Command, now: Timestamp) {
        let step = |current: usize, len: usize| -> usize {
            let last = len.saturating_sub(1);
            match command {
                Command::Up => current.saturating_sub(1),
                Command::Down => (current + 1).min(last),
                Command::PageUp => current.saturating_sub(PAGE),
                Command::PageDown => (current + PAGE).min(last),
                Command::Top => 0,
                _ => last,
            }
        };
        match self.screen().clone() {
            Screen::List => {
                let len = self.list_len(now);
                self.list_selected = step(self.list_selected, len);
            }
            Screen::Set { namespace, name } => {
                if self.set_focus == SetPane::Ordinals {
                    let detail = self.set_detail(&namespace, &name, now);
                    let rows = detail.as_ref().map_or(&[][..], |d| &d.ordinals[..]);
                    let i = step(selected_index(rows, self.set_ordinal), rows.len());
                    self.set_ordinal = rows.get(i).map(|o| o.ordinal);
                } else {
                    self.set_scroll = match command {
                        Command::Up => self.set_scroll.saturating_sub(1),
                        Command::Down => self.set_scroll.saturating_add(1),
                        Command::PageUp => self.set_scroll.saturating_sub(PAGE as u16),
                        Command::PageDown => self.set_scroll.saturating_add(PAGE as u16),
                        Command::Top => 0,
                        _ => u16::MAX / 2,
                    };
                }
            }
            Screen::Storage => {
                let v = view::storage_view(&self.store, &self.scope(), self.filter.value(), now);
                let len = match self.storage_tab {
                    StorageTab::Claims => v.claims.len(),
                    StorageTab::Volumes => v.volumes.len(),
                    StorageTab::Classes => v.classes.len(),
                };
                self.storage_selected = step(self.storage_selected, len);
            }
        }
    }
}

pub const ALL_NAMESPACES: &str = "all namespaces";

/// The row index of the selected ordinal (the first row when none is
/// selected or it is gone).
fn selected_index(rows: &[OrdinalRow], ordinal: Option<i32>) -> usize {
    ordinal
        .and_then(|n| rows.iter().position(|r| r.ordinal == n))
        .unwrap_or(0)
}
