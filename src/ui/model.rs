//! Everything one frame draws, as plain data built by the app from its state
//! and the views. `ui::draw` is a function of this alone.

use crate::view::model::{SetDetail, SetRow, Severity, StorageView, SyncSummary};

/// One frame.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameView {
    pub title: TitleBar,
    pub screen: ScreenView,
    pub status: StatusLine,
    pub overlay: Option<Overlay>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TitleBar {
    /// Context name, or `demo` for the simulated cluster.
    pub context: String,
    /// `mysql`, or `all namespaces`.
    pub namespace: String,
    pub read_only: bool,
    /// Wall-clock `HH:MM:SS`, shown only when ages are on screen.
    pub clock: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ScreenView {
    /// The StatefulSets list.
    List { rows: Vec<SetRow>, selected: usize },
    /// One StatefulSet; `selected` indexes `detail.ordinals`.
    ///
    /// `scroll` applies to the focused pane only: in Findings it is the
    /// selected finding (its detail is shown wrapped under it; unfocused, the
    /// worst finding is expanded); in Volumes and Events it is the first
    /// line/event shown; in Live (oldest first, following the tail) it is how
    /// many entries back from the newest. Out-of-range values are clamped.
    Set {
        detail: Box<SetDetail>,
        selected: usize,
        focus: SetPane,
        scroll: u16,
    },
    /// All claims, volumes and classes in scope.
    Storage {
        view: Box<StorageView>,
        tab: StorageTab,
        selected: usize,
    },
    /// No reachable cluster, or a fatal startup problem: a one-screen message.
    Message { title: String, lines: Vec<String> },
}

/// The panes of the StatefulSet screen, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetPane {
    Ordinals,
    Chain,
    Findings,
    Events,
    Log,
}

impl SetPane {
    pub const ALL: [SetPane; 5] = [
        SetPane::Ordinals,
        SetPane::Chain,
        SetPane::Findings,
        SetPane::Events,
        SetPane::Log,
    ];
    pub fn title(self) -> &'static str {
        match self {
            SetPane::Ordinals => "Ordinals",
            SetPane::Chain => "Volumes",
            SetPane::Findings => "Findings",
            SetPane::Events => "Events",
            SetPane::Log => "Live",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageTab {
    Claims,
    Volumes,
    Classes,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StatusLine {
    pub sync: SyncSummary,
    /// A transient message (an API error, "copied", …) with its severity.
    pub message: Option<(Severity, String)>,
    /// The `/` filter: its text, cursor position, and whether it is being edited.
    pub filter: Option<FilterView>,
    /// The most useful keys of the current screen (`? help  / filter  q quit`).
    pub hints: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FilterView {
    pub text: String,
    pub cursor: usize,
    pub editing: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    /// Every key of the current screen: `(keys, what it does, available)`.
    Help {
        title: String,
        keys: Vec<(String, String, bool)>,
    },
    /// The namespace switcher: `all namespaces` first, then each namespace.
    /// `items` are already filtered by the app (`filter` is only shown);
    /// `selected` indexes `items`.
    Namespaces {
        items: Vec<String>,
        selected: usize,
        filter: String,
    },
}
