//! A batch expansion once sent: each claim's answer as it arrives, then its
//! progress to the new capacity, and the one-line summary for the status
//! line ("expanded 2 of 3 claims to 20Gi; data-mysql-2: 403 Forbidden: …").
//! One failure never hides the others: every claim keeps its own result.

use crate::action::{self, Action, ActionError, Batch, Stage, Verdict};
use crate::store::Store;
use crate::ui::model::{BatchRow, BatchView};
use crate::view::model::Severity;

/// What became of one claim.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Already at or above the size; nothing sent.
    Skipped(String),
    /// Could not be expanded (class, phase); nothing sent.
    Refused(String),
    /// Sent, no answer yet.
    Sending,
    /// The API accepted the patch; followed to the new capacity.
    Accepted,
    /// The API's error, verbatim.
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
struct Item {
    claim: String,
    size: String,
    mode: String,
    outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BatchRun {
    namespace: String,
    storage: String,
    want: u64,
    items: Vec<Item>,
}

fn bytes(b: Option<u64>) -> String {
    b.map(crate::store::quantity::format_bytes)
        .unwrap_or_else(|| "no size".into())
}

const COLUMNS: [&str; 4] = ["CLAIM", "SIZE", "EXPANSION", "RESULT"];

fn size_cell(b: &Batch, i: &action::BatchItem) -> String {
    let now = bytes(i.now);
    match i.verdict {
        Verdict::Expand(_) => format!("{now} → {}", b.storage),
        _ => now,
    }
}

fn mode_cell(i: &action::BatchItem) -> String {
    if i.users.is_empty() {
        "offline".into()
    } else {
        "online".into()
    }
}

/// The table before sending: what each claim will get.
pub fn preview(b: &Batch) -> BatchView {
    let rows = b
        .items
        .iter()
        .map(|i| {
            let (result, failed) = match &i.verdict {
                Verdict::Expand(_) if i.fs_pending => (
                    format!(
                        "will expand; FileSystemResizePending: restart {} for the filesystem to grow",
                        if i.users.is_empty() {
                            "its Pod".to_string()
                        } else {
                            i.users.join(", ")
                        }
                    ),
                    false,
                ),
                Verdict::Expand(_) => ("will expand".to_string(), false),
                Verdict::Skip(why) => (format!("skipped: {why}"), false),
                Verdict::Refuse(why) => (format!("refused: {why}"), true),
            };
            BatchRow {
                cells: vec![i.claim.clone(), size_cell(b, i), mode_cell(i)],
                result,
                failed,
            }
        })
        .collect();
    BatchView {
        columns: COLUMNS.iter().map(|c| c.to_string()).collect(),
        rows,
    }
}

impl BatchRun {
    /// The batch as sent: its patches are in flight, the others are
    /// skipped or refused.
    pub fn new(b: &Batch) -> BatchRun {
        BatchRun {
            namespace: b.namespace.clone(),
            storage: b.storage.clone(),
            want: b.bytes,
            items: b
                .items
                .iter()
                .map(|i| Item {
                    claim: i.claim.clone(),
                    size: size_cell(b, i),
                    mode: mode_cell(i),
                    outcome: match &i.verdict {
                        Verdict::Expand(_) => Outcome::Sending,
                        Verdict::Skip(why) => Outcome::Skipped(why.clone()),
                        Verdict::Refuse(why) => Outcome::Refused(why.clone()),
                    },
                })
                .collect(),
        }
    }

    /// Takes the answer to one of its patches; false when the action is
    /// not one of them.
    pub fn record(&mut self, action: &Action, result: &Result<String, ActionError>) -> bool {
        let Action::Expand {
            namespace, name, ..
        } = action
        else {
            return false;
        };
        if *namespace != self.namespace {
            return false;
        }
        let Some(item) = self
            .items
            .iter_mut()
            .find(|i| i.claim == *name && i.outcome == Outcome::Sending)
        else {
            return false;
        };
        item.outcome = match result {
            Ok(_) => Outcome::Accepted,
            Err(e) => Outcome::Failed(e.describe()),
        };
        true
    }

    /// Every patch answered.
    pub fn answered(&self) -> bool {
        !self.items.iter().any(|i| i.outcome == Outcome::Sending)
    }

    fn stage(&self, store: &Store, claim: &str) -> Stage {
        action::expand_stage(store, &self.namespace, claim, self.want)
    }

    /// Every answer in, and every accepted claim at its new size (or gone).
    pub fn settled(&self, store: &Store) -> bool {
        self.answered()
            && self.items.iter().all(|i| {
                i.outcome != Outcome::Accepted
                    || matches!(self.stage(store, &i.claim), Stage::Done(_) | Stage::Gone)
            })
    }

    /// The table after sending: each claim's answer, then its progress.
    pub fn view(&self, store: &Store) -> BatchView {
        let rows = self
            .items
            .iter()
            .map(|i| {
                let (result, failed) = match &i.outcome {
                    Outcome::Skipped(why) => (format!("skipped: {why}"), false),
                    Outcome::Refused(why) => (format!("refused: {why}"), true),
                    Outcome::Sending => ("sending…".to_string(), false),
                    Outcome::Failed(e) => (e.clone(), true),
                    Outcome::Accepted => (
                        match self.stage(store, &i.claim) {
                            Stage::Gone => "accepted; the claim is gone".to_string(),
                            Stage::Waiting => "accepted; waiting for the resizer…".to_string(),
                            Stage::Resizing => "accepted; Resizing…".to_string(),
                            Stage::FileSystemResizePending => {
                                "FileSystemResizePending: grows when its Pod restarts".to_string()
                            }
                            Stage::Done(cap) => format!("done: now has {}", bytes(Some(cap))),
                        },
                        false,
                    ),
                };
                BatchRow {
                    cells: vec![i.claim.clone(), i.size.clone(), i.mode.clone()],
                    result,
                    failed,
                }
            })
            .collect();
        BatchView {
            columns: COLUMNS.iter().map(|c| c.to_string()).collect(),
            rows,
        }
    }

    /// The status line: how many were expanded, how far they got, and
    /// each failure with its reason.
    pub fn summary(&self, store: &Store) -> (Severity, String) {
        self.summarise(store, true)
    }

    /// The summary under the dialog's table, whose rows already carry the
    /// errors: the failed claims are named, not quoted.
    pub fn short_summary(&self, store: &Store) -> (Severity, String) {
        self.summarise(store, false)
    }

    fn summarise(&self, store: &Store, verbatim: bool) -> (Severity, String) {
        let count =
            |f: &dyn Fn(&Outcome) -> bool| self.items.iter().filter(|i| f(&i.outcome)).count();
        let accepted = count(&|o| *o == Outcome::Accepted);
        let sending = count(&|o| *o == Outcome::Sending);
        let skipped = count(&|o| matches!(o, Outcome::Skipped(_)));
        let wanted = self.items.len() - skipped;
        let mut text = if sending > 0 {
            format!(
                "expanding {wanted} claims to {}: {} of {} answered",
                self.storage,
                accepted + count(&|o| matches!(o, Outcome::Failed(_))),
                wanted - count(&|o| matches!(o, Outcome::Refused(_)))
            )
        } else {
            let done = self
                .items
                .iter()
                .filter(|i| {
                    i.outcome == Outcome::Accepted
                        && matches!(self.stage(store, &i.claim), Stage::Done(_))
                })
                .count();
            let mut t = format!("expanded {accepted} of {wanted} claims to {}", self.storage);
            if accepted > 0 && done == accepted {
                t = format!("done: {t}, all at the new size");
            } else if accepted > 0 {
                t.push_str(&format!(
                    " ({done} at the new size, {} resizing)",
                    accepted - done
                ));
            }
            t
        };
        if skipped > 0 {
            text.push_str(&format!("; {skipped} skipped (already at or above)"));
        }
        let mut failed = Vec::new();
        for i in &self.items {
            match &i.outcome {
                Outcome::Failed(e) if verbatim => text.push_str(&format!("; {}: {e}", i.claim)),
                Outcome::Refused(why) if verbatim => {
                    text.push_str(&format!("; {}: refused: {why}", i.claim))
                }
                Outcome::Failed(_) | Outcome::Refused(_) => {}
                _ => continue,
            }
            failed.push(i.claim.as_str());
        }
        if !verbatim && !failed.is_empty() {
            text.push_str(&format!("; failed: {} (why in its row)", failed.join(", ")));
        }
        let failures = failed.len();
        let severity = match (failures, accepted) {
            (0, _) => Severity::Info,
            (_, 0) => Severity::Critical,
            _ => Severity::Warning,
        };
        (severity, text)
    }
}
