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
    List {
        /// Shared with the memo that derived them (a frame copies no row).
        rows: std::sync::Arc<Vec<std::sync::Arc<SetRow>>>,
        selected: usize,
    },
    /// One StatefulSet; `selected` indexes `detail.ordinals`.
    ///
    /// `scroll` applies to the focused pane only: in Findings it is the
    /// selected finding (its detail is shown wrapped under it; unfocused, the
    /// worst finding is expanded); in Volumes and Events it is the first
    /// line/event shown; in Live (oldest first, following the tail) it is how
    /// many entries back from the newest. Out-of-range values are clamped.
    Set {
        detail: std::sync::Arc<SetDetail>,
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
        /// Items toggled with Space, to watch together.
        picked: Vec<String>,
        selected: usize,
        filter: String,
    },
    /// The confirmation dialog of an action (scale, restart, partition,
    /// rollback, delete Pod, delete claim).
    Dialog(Box<DialogView>),
}

/// One action's dialog: what the user types or picks, what will happen, the
/// exact request and its kubectl equivalent, and how sending it went. Texts
/// are prose unless noted: the dialog wraps them to its width.
#[derive(Debug, Clone, PartialEq)]
pub struct DialogView {
    /// `Scale StatefulSet mysql/mysql`. Drawn in the top border: keep it
    /// under ~50 columns (it is cut with `…` at 80x24, after the danger mark).
    pub title: String,
    /// Destructive (force delete, delete claim): the title is marked
    /// `⚠ DANGER` (`!! DANGER` in ASCII) and the box drawn in the critical style.
    pub danger: bool,
    /// A text field (replicas, partition, the claim name to type).
    pub input: Option<InputView>,
    /// A list to pick from (rollback revisions).
    pub choices: Option<ChoiceView>,
    /// What will happen, one item each (`creates mysql-3, then mysql-4`).
    /// Shortened (`… N more`) when the window is small.
    pub plan: Vec<String>,
    /// Always shown in full, marked `!`.
    pub warnings: Vec<String>,
    /// `None` while the input is invalid (nothing would be sent).
    pub request: Option<RequestView>,
    /// The equivalent command, one line (`kubectl -n mysql scale statefulset
    /// mysql --replicas=5`); wrapped at spaces if too long.
    pub kubectl: Option<String>,
    /// What Enter does, a verb or two: `scale`, `restart`, `force delete`.
    pub confirm: String,
    /// Whether Enter is accepted now (valid input, the typed name matches);
    /// otherwise the key is shown as unavailable.
    pub can_confirm: bool,
    pub state: DialogState,
    /// A batch (expand every claim of a template): one row per object, its
    /// plan and, once sent, its result.
    pub batch: Option<BatchView>,
}

/// One row per object of a batch: fixed cells, then the result, wrapped.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchView {
    /// Headers of the cells and of the result (`CLAIM`, `SIZE`, …, `RESULT`).
    pub columns: Vec<String>,
    pub rows: Vec<BatchRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BatchRow {
    pub cells: Vec<String>,
    /// `will expand`, `skipped: already has 30Gi`, `403 Forbidden: …` (verbatim).
    pub result: String,
    /// Drawn as a failure (refused before sending, or by the API).
    pub failed: bool,
}

/// The exact HTTP request, shown monospace as given.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestView {
    /// `PATCH`.
    pub method: String,
    /// Path and query: `/apis/apps/v1/namespaces/mysql/statefulsets/mysql/scale`.
    pub path: String,
    /// `application/merge-patch+json`.
    pub content_type: Option<String>,
    /// The body's lines as given (compact JSON on one line is fine: too long
    /// lines are broken after `,` `:` `{` `[` outside strings, and a token that
    /// still does not fit is cut with `…`). Shortened (`… N more lines`) first
    /// when the window is small.
    pub body: Vec<String>,
    /// The same request to these paths too (a batch: one per object).
    pub also: Vec<String>,
}

/// A one-line text field.
#[derive(Debug, Clone, PartialEq)]
pub struct InputView {
    /// `Replicas`, `Type data-mysql-3 to confirm`.
    pub label: String,
    pub text: String,
    /// Cursor position, in chars.
    pub cursor: usize,
    /// Why the text is not acceptable (`not a whole number: "5x"`), shown
    /// under the field, marked `✖`.
    pub error: Option<String>,
    /// Shown under the field when there is no error (`current 3`).
    pub hint: Option<String>,
}

/// A table of options with one selected (rollback revisions).
#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceView {
    /// Heading: `Roll back to`.
    pub label: String,
    /// Column headers: `REVISION`, `AGE`, `IMAGES`, ``.
    pub columns: Vec<String>,
    /// One row per option, one cell per column; the last column is cut
    /// with `…` when too wide.
    pub rows: Vec<Vec<String>>,
    pub selected: usize,
}

/// Where the action is: being edited, sent and awaiting the answer, or failed.
#[derive(Debug, Clone, PartialEq)]
pub enum DialogState {
    Editing,
    Sending,
    /// `error` is the API's answer verbatim (`403 Forbidden: …`); `retry`
    /// offers `r` to rebuild the action on fresh data and send it again
    /// (409 Conflict).
    Failed {
        error: String,
        retry: bool,
    },
    /// A batch whose requests were all answered: `summary` says how many
    /// succeeded and why the others failed (each row has its result).
    Done {
        summary: String,
        failed: bool,
    },
}
