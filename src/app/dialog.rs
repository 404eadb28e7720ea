//! Action dialogs: input, validation and preview while the user types; the
//! action value on confirmation; the API's answer afterwards. Nothing is sent
//! until the user confirms a valid input.

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent};
use jiff::Timestamp;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::batch::{self, BatchRun};
use crate::action::{self, Action, ActionError, Batch, Plan, Request};
use crate::store::Store;
use crate::store::owner::claim_owner;
use crate::ui::model::{ChoiceView, DialogState, DialogView, InputView, RequestView};

/// Which action the dialog prepares.
#[derive(Debug, Clone, PartialEq)]
pub enum DialogKind {
    /// Type the replicas.
    Scale,
    /// `+` / `-`: one more or one fewer, confirm only.
    ScaleBy(i32),
    Restart,
    /// Type the partition.
    Partition,
    /// Partition = replicas: nothing more is updated.
    Pause,
    /// Partition − 1: release the next ordinal.
    Step,
    Rollback,
    DeletePod {
        pod: String,
        force: bool,
    },
    /// Type the claim's name to confirm.
    DeleteClaim {
        claim: String,
    },
    /// Type the claim's new size.
    Expand {
        claim: String,
    },
    /// Type the new size of every claim of `template` (of the dialog's
    /// set); `claim` is the one it was opened from (Tab goes back to it).
    ExpandAll {
        template: String,
        claim: String,
    },
}

#[derive(Debug, Clone)]
pub struct Dialog {
    pub kind: DialogKind,
    pub namespace: String,
    /// The StatefulSet.
    pub name: String,
    input: Option<Input>,
    selected: usize,
    pub state: DialogState,
    /// A batch once sent: each claim's answer and progress.
    run: Option<BatchRun>,
    /// What the batch dialog showed when it was sent (kept as sent, while
    /// the claims it changed move on).
    sent: Option<(Batch, Plan)>,
}

/// What a key did to the dialog.
#[derive(Debug, Clone, PartialEq)]
pub enum DialogOutcome {
    /// Still open.
    Open,
    /// Closed without sending.
    Cancelled,
    /// Send this action now.
    Send(Action),
    /// Send these, one request each (a batch).
    SendAll(Vec<Action>),
}

/// What the dialog would do with the current input: the action, or why not.
struct Prepared {
    action: Result<Action, String>,
    plan: Plan,
    /// A batch's claims and verdicts (`action` is then its first patch).
    batch: Option<Batch>,
}

impl Dialog {
    pub fn new(kind: DialogKind, namespace: &str, name: &str, store: &Store) -> Dialog {
        let input = match &kind {
            DialogKind::Scale => {
                let current = store.set(namespace, name).map_or(0, |s| s.replicas);
                Some(Input::new(current.to_string()))
            }
            DialogKind::Partition => {
                let current = match store.set(namespace, name).map(|s| &s.strategy) {
                    Some(crate::store::objects::UpdateStrategy::RollingUpdate {
                        partition,
                        ..
                    }) => *partition,
                    _ => 0,
                };
                Some(Input::new(current.to_string()))
            }
            DialogKind::DeleteClaim { .. }
            | DialogKind::Expand { .. }
            | DialogKind::ExpandAll { .. } => Some(Input::default()),
            _ => None,
        };
        Dialog {
            kind,
            namespace: namespace.to_string(),
            name: name.to_string(),
            input,
            selected: 0,
            state: DialogState::Editing,
            run: None,
            sent: None,
        }
    }

    /// The batch sent from this dialog, if any (the app follows it on
    /// after the dialog closes).
    pub fn take_run(&mut self) -> Option<BatchRun> {
        self.run.take()
    }

    /// Takes the answer to one patch of its batch; false when the action
    /// is not one of them. When every answer is in, the dialog shows the
    /// summary.
    pub fn record(
        &mut self,
        action: &Action,
        result: &Result<String, ActionError>,
        store: &Store,
    ) -> bool {
        let Some(run) = self.run.as_mut() else {
            return false;
        };
        if !run.record(action, result) {
            return false;
        }
        if run.answered() {
            self.refresh(store);
        }
        true
    }

    /// The batch's summary (severity, text), while one runs.
    pub fn run_summary(&self, store: &Store) -> Option<(crate::view::model::Severity, String)> {
        self.run.as_ref().map(|r| r.summary(store))
    }

    /// Brings the finished batch's summary up to date (progress moves on).
    pub fn refresh(&mut self, store: &Store) {
        if let Some(run) = &self.run
            && run.answered()
        {
            let (severity, summary) = run.short_summary(store);
            self.state = DialogState::Done {
                summary,
                failed: severity != crate::view::model::Severity::Info,
            };
        }
    }

    fn text(&self) -> &str {
        self.input.as_ref().map_or("", Input::value)
    }

    fn prepare(&self, store: &Store, now: Timestamp) -> Prepared {
        let (ns, name) = (self.namespace.as_str(), self.name.as_str());
        let set = store.set(ns, name);
        let replicas = set.map_or(0, |s| s.replicas);
        let scale = |n: i32, warnings: Vec<String>| {
            let mut plan = action::scale_plan(store, ns, name, n);
            plan.warnings.splice(0..0, warnings);
            Prepared {
                batch: None,
                action: Ok(Action::Scale {
                    namespace: ns.into(),
                    name: name.into(),
                    replicas: n,
                }),
                plan,
            }
        };
        let partition =
            |p: i32, warnings: Vec<String>| match action::partition_plan(store, ns, name, p) {
                Ok(mut plan) => {
                    plan.warnings.splice(0..0, warnings);
                    Prepared {
                        batch: None,
                        action: Ok(Action::SetPartition {
                            namespace: ns.into(),
                            name: name.into(),
                            partition: p,
                        }),
                        plan,
                    }
                }
                Err(why) => Prepared {
                    batch: None,
                    action: Err(why),
                    plan: Plan::default(),
                },
            };
        match &self.kind {
            DialogKind::Scale => match action::parse_replicas(self.text(), replicas) {
                Ok((n, warnings)) => scale(n, warnings),
                Err(e) => Prepared {
                    batch: None,
                    action: Err(e),
                    plan: Plan::default(),
                },
            },
            DialogKind::ScaleBy(delta) => {
                let n = replicas + delta;
                if n < 0 {
                    Prepared {
                        batch: None,
                        action: Err("already at 0 replicas".into()),
                        plan: Plan::default(),
                    }
                } else {
                    scale(n, Vec::new())
                }
            }
            DialogKind::Restart => Prepared {
                batch: None,
                action: Ok(Action::restart_now(ns, name, now)),
                plan: action::restart_plan(store, ns, name),
            },
            DialogKind::Partition => match action::parse_partition(self.text(), replicas) {
                Ok((p, warnings)) => partition(p, warnings),
                Err(e) => Prepared {
                    batch: None,
                    action: Err(e),
                    plan: Plan::default(),
                },
            },
            DialogKind::Pause => partition(action::pause_partition(store, ns, name), Vec::new()),
            DialogKind::Step => match action::step_partition(store, ns, name) {
                Ok(p) => partition(p, Vec::new()),
                Err(e) => Prepared {
                    batch: None,
                    action: Err(e),
                    plan: Plan::default(),
                },
            },
            DialogKind::Rollback => {
                let choices = action::rollback_choices(store, ns, name, now);
                match choices.get(self.selected) {
                    Some(choice) if choice.is_update => Prepared {
                        batch: None,
                        action: Err(format!(
                            "revision {} is already the update revision",
                            choice.revision
                        )),
                        plan: Plan::default(),
                    },
                    Some(choice) => match action::rollback_plan(store, ns, name, choice.revision) {
                        Ok(plan) => Prepared {
                            batch: None,
                            action: action::rollback_action(store, ns, name, choice.revision),
                            plan,
                        },
                        Err(e) => Prepared {
                            batch: None,
                            action: Err(e),
                            plan: Plan::default(),
                        },
                    },
                    None => Prepared {
                        batch: None,
                        action: Err("no revisions to roll back to".into()),
                        plan: Plan::default(),
                    },
                }
            }
            DialogKind::DeletePod { pod, force } => Prepared {
                batch: None,
                action: Ok(Action::DeletePod {
                    namespace: ns.into(),
                    name: pod.clone(),
                    force: *force,
                }),
                plan: action::delete_pod_plan(store, ns, pod, *force),
            },
            DialogKind::Expand { claim } => {
                match action::expand_action(store, ns, claim, self.text(), false) {
                    Ok(a) => {
                        let bytes = crate::store::quantity::parse(self.text()).unwrap_or(0);
                        Prepared {
                            batch: None,
                            plan: action::expand_plan(store, ns, claim, bytes),
                            action: Ok(a),
                        }
                    }
                    Err(why) => Prepared {
                        batch: None,
                        action: Err(why),
                        plan: Plan::default(),
                    },
                }
            }
            DialogKind::ExpandAll { template, .. } => {
                match action::expand_template(store, ns, name, template, self.text(), false) {
                    Ok(b) => Prepared {
                        action: match (b.nothing_to_send(), b.actions().into_iter().next()) {
                            (None, Some(first)) => Ok(first),
                            (why, _) => Err(why.unwrap_or_default()),
                        },
                        plan: b.plan(store),
                        batch: Some(b),
                    },
                    Err(why) => Prepared {
                        batch: None,
                        action: Err(why),
                        plan: Plan::default(),
                    },
                }
            }
            DialogKind::DeleteClaim { claim } => {
                match action::delete_claim_plan(store, ns, claim) {
                    Ok(plan) => {
                        let action = if self.text() == claim {
                            Ok(Action::DeleteClaim {
                                namespace: ns.into(),
                                name: claim.clone(),
                            })
                        } else if self.text().is_empty() {
                            Err(format!("type {claim} to confirm"))
                        } else {
                            Err(format!("the name does not match {claim}"))
                        };
                        Prepared {
                            action,
                            plan,
                            batch: None,
                        }
                    }
                    Err(why) => Prepared {
                        batch: None,
                        action: Err(why),
                        plan: Plan::default(),
                    },
                }
            }
        }
    }

    /// Handles a key. `Enter` sends only a valid action; `Esc` cancels.
    pub fn on_key(
        &mut self,
        key: &KeyEvent,
        event: &TermEvent,
        store: &Store,
        now: Timestamp,
    ) -> DialogOutcome {
        if let DialogState::Failed { retry, .. } = self.state.clone() {
            return match key.code {
                KeyCode::Char('r') if retry => self.confirm(store, now),
                KeyCode::Esc | KeyCode::Char('q') | KeyCode::Enter => DialogOutcome::Cancelled,
                _ => DialogOutcome::Open,
            };
        }
        if matches!(self.state, DialogState::Done { .. }) {
            return match key.code {
                KeyCode::Esc | KeyCode::Char('q') | KeyCode::Enter => DialogOutcome::Cancelled,
                _ => DialogOutcome::Open,
            };
        }
        if self.state == DialogState::Sending {
            // The request is in flight; Esc closes the dialog, the answer
            // still arrives in the status line.
            return if key.code == KeyCode::Esc {
                DialogOutcome::Cancelled
            } else {
                DialogOutcome::Open
            };
        }
        match key.code {
            KeyCode::Esc => DialogOutcome::Cancelled,
            KeyCode::Enter => self.confirm(store, now),
            // One claim or every claim of its template, keeping the size typed.
            KeyCode::Tab | KeyCode::BackTab => {
                self.toggle_batch(store);
                DialogOutcome::Open
            }
            KeyCode::Up if self.kind == DialogKind::Rollback => {
                self.selected = self.selected.saturating_sub(1);
                DialogOutcome::Open
            }
            KeyCode::Down if self.kind == DialogKind::Rollback => {
                let n = action::rollback_choices(store, &self.namespace, &self.name, now).len();
                self.selected = (self.selected + 1).min(n.saturating_sub(1));
                DialogOutcome::Open
            }
            _ => {
                if let Some(input) = self.input.as_mut() {
                    input.handle_event(event);
                }
                DialogOutcome::Open
            }
        }
    }

    /// Expand one claim ⇄ expand every claim of its template.
    fn toggle_batch(&mut self, store: &Store) {
        self.kind = match &self.kind {
            DialogKind::Expand { claim } => match claim_owner(store, &self.namespace, claim) {
                Some(o) => {
                    self.name = o.set;
                    DialogKind::ExpandAll {
                        template: o.template,
                        claim: claim.clone(),
                    }
                }
                None => return,
            },
            DialogKind::ExpandAll { claim, .. } => DialogKind::Expand {
                claim: claim.clone(),
            },
            _ => return,
        };
    }

    fn confirm(&mut self, store: &Store, now: Timestamp) -> DialogOutcome {
        let prepared = self.prepare(store, now);
        if let (Some(b), Ok(_)) = (&prepared.batch, &prepared.action) {
            self.run = Some(BatchRun::new(b));
            self.state = DialogState::Sending;
            let actions = b.actions();
            self.sent = prepared.batch.map(|b| (b, prepared.plan));
            return DialogOutcome::SendAll(actions);
        }
        match prepared.action {
            Ok(action) => {
                self.state = DialogState::Sending;
                DialogOutcome::Send(action)
            }
            // Invalid: the inline error already says why; nothing is sent.
            Err(_) => DialogOutcome::Open,
        }
    }

    /// The API answered with an error.
    pub fn failed(&mut self, error: &ActionError) {
        self.state = DialogState::Failed {
            error: error.describe(),
            retry: error.is_conflict(),
        };
    }

    fn title(&self) -> String {
        let set = format!("{}/{}", self.namespace, self.name);
        match &self.kind {
            DialogKind::Scale => format!("Scale {set}"),
            DialogKind::ScaleBy(d) if *d > 0 => format!("Scale {set} up by {d}"),
            DialogKind::ScaleBy(d) => format!("Scale {set} down by {}", -d),
            DialogKind::Restart => format!("Rolling restart {set}"),
            DialogKind::Partition => format!("Set the partition of {set}"),
            DialogKind::Pause => format!("Pause the rollout of {set}"),
            DialogKind::Step => format!("Release the next ordinal of {set}"),
            DialogKind::Rollback => format!("Roll back {set}"),
            DialogKind::DeletePod { pod, force: true } => {
                format!("Force delete Pod {}/{pod}", self.namespace)
            }
            DialogKind::DeletePod { pod, .. } => format!("Delete Pod {}/{pod}", self.namespace),
            DialogKind::DeleteClaim { claim } => format!("Delete claim {}/{claim}", self.namespace),
            DialogKind::Expand { claim } => format!("Expand claim {}/{claim}", self.namespace),
            DialogKind::ExpandAll { template, .. } => {
                format!("Expand every {template} claim of {set}")
            }
        }
    }

    /// The verb Enter performs.
    fn confirm_verb(&self) -> &'static str {
        match &self.kind {
            DialogKind::Scale | DialogKind::ScaleBy(_) => "scale",
            DialogKind::Restart => "restart",
            DialogKind::Partition => "set partition",
            DialogKind::Pause => "pause",
            DialogKind::Step => "step",
            DialogKind::Rollback => "roll back",
            DialogKind::DeletePod { force: true, .. } => "force delete",
            DialogKind::DeletePod { .. } => "delete",
            DialogKind::DeleteClaim { .. } => "delete claim",
            DialogKind::Expand { .. } => "expand",
            DialogKind::ExpandAll { .. } => "expand all",
        }
    }

    /// What the dialog shows now.
    pub fn view(&self, store: &Store, now: Timestamp) -> DialogView {
        let prepared = match &self.sent {
            Some((b, plan)) => Prepared {
                action: b.actions().into_iter().next().ok_or_else(String::new),
                plan: plan.clone(),
                batch: Some(b.clone()),
            },
            None => self.prepare(store, now),
        };
        let error = prepared.action.as_ref().err().cloned();
        let input = self.input.as_ref().map(|i| {
            let (label, hint) = match &self.kind {
                DialogKind::Scale => ("Replicas".to_string(), None),
                DialogKind::Partition => ("Partition".to_string(), None),
                DialogKind::Expand { claim } => (
                    "New size".to_string(),
                    Some(match claim_owner(store, &self.namespace, claim) {
                        Some(o) => format!(
                            "a quantity with a unit, e.g. 20Gi · Tab: every {} claim",
                            o.template
                        ),
                        None => "a quantity with a unit, e.g. 20Gi".to_string(),
                    }),
                ),
                DialogKind::ExpandAll { .. } => (
                    "New size".to_string(),
                    Some("a quantity with a unit, e.g. 20Gi · Tab: this claim only".to_string()),
                ),
                DialogKind::DeleteClaim { claim } => (
                    "Type the claim's name to confirm".to_string(),
                    Some(format!("type {claim} exactly")),
                ),
                _ => (String::new(), None),
            };
            InputView {
                label,
                text: i.value().to_string(),
                cursor: i.visual_cursor(),
                // Nothing typed yet: the hint, not an error.
                error: error.clone().filter(|_| {
                    !i.value().is_empty()
                        || !matches!(
                            self.kind,
                            DialogKind::DeleteClaim { .. }
                                | DialogKind::Expand { .. }
                                | DialogKind::ExpandAll { .. }
                        )
                }),
                hint,
            }
        });
        let choices = (self.kind == DialogKind::Rollback).then(|| {
            let rows = action::rollback_choices(store, &self.namespace, &self.name, now)
                .into_iter()
                .map(|c| {
                    let state = match (c.is_current, c.is_update) {
                        (true, true) => "current, update",
                        (true, false) => "current",
                        (false, true) => "update",
                        _ => "",
                    };
                    vec![
                        c.revision.to_string(),
                        c.age.clone(),
                        state.to_string(),
                        c.images.join(", "),
                    ]
                })
                .collect();
            ChoiceView {
                label: "Revision".to_string(),
                columns: vec!["REV".into(), "AGE".into(), "STATE".into(), "IMAGES".into()],
                rows,
                selected: self.selected,
            }
        });
        let (request, kubectl) = match (&prepared.action, &prepared.batch) {
            (Ok(_), Some(b)) => {
                // One merge patch per claim, the same body each time.
                let actions = b.actions();
                let mut r = request_view(&actions[0].request());
                r.also = actions[1..].iter().map(|a| a.request().path).collect();
                (Some(r), b.kubectl())
            }
            (Ok(a), None) => (Some(request_view(&a.request())), Some(a.kubectl())),
            (Err(_), _) => (None, None),
        };
        let batch = match (&self.run, &prepared.batch) {
            (Some(run), _) => Some(run.view(store)),
            (None, Some(b)) => Some(batch::preview(b)),
            (None, None) => None,
        };
        let mut warnings = prepared.plan.warnings.clone();
        if input.is_none()
            && let Some(e) = &error
        {
            warnings.insert(0, e.clone());
        }
        DialogView {
            title: self.title(),
            danger: matches!(
                self.kind,
                DialogKind::DeletePod { .. } | DialogKind::DeleteClaim { .. }
            ),
            input,
            choices,
            plan: prepared.plan.lines,
            warnings,
            request,
            kubectl,
            confirm: self.confirm_verb().to_string(),
            can_confirm: prepared.action.is_ok(),
            state: self.state.clone(),
            batch,
        }
    }
}

/// The request as the dialog shows it: the body as compact JSON, which the
/// dialog wraps cleanly.
pub fn request_view(r: &Request) -> RequestView {
    RequestView {
        method: r.method.to_string(),
        path: r.path.clone(),
        content_type: r.content_type.map(String::from),
        body: r
            .body
            .as_ref()
            .map(|b| vec![serde_json::to_string(b).unwrap_or_default()])
            .unwrap_or_default(),
        also: Vec::new(),
    }
}
