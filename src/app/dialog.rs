//! Action dialogs: input, validation and preview while the user types; the
//! action value on confirmation; the API's answer afterwards. Nothing is sent
//! until the user confirms a valid input.

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent};
use jiff::Timestamp;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::action::{self, Action, ActionError, Plan, Request};
use crate::store::Store;
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
}

/// What the dialog would do with the current input: the action, or why not.
struct Prepared {
    action: Result<Action, String>,
    plan: Plan,
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
            DialogKind::DeleteClaim { .. } => Some(Input::default()),
            _ => None,
        };
        Dialog {
            kind,
            namespace: namespace.to_string(),
            name: name.to_string(),
            input,
            selected: 0,
            state: DialogState::Editing,
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
                        action: Ok(Action::SetPartition {
                            namespace: ns.into(),
                            name: name.into(),
                            partition: p,
                        }),
                        plan,
                    }
                }
                Err(why) => Prepared {
                    action: Err(why),
                    plan: Plan::default(),
                },
            };
        match &self.kind {
            DialogKind::Scale => match action::parse_replicas(self.text(), replicas) {
                Ok((n, warnings)) => scale(n, warnings),
                Err(e) => Prepared {
                    action: Err(e),
                    plan: Plan::default(),
                },
            },
            DialogKind::ScaleBy(delta) => {
                let n = replicas + delta;
                if n < 0 {
                    Prepared {
                        action: Err("already at 0 replicas".into()),
                        plan: Plan::default(),
                    }
                } else {
                    scale(n, Vec::new())
                }
            }
            DialogKind::Restart => Prepared {
                action: Ok(Action::restart_now(ns, name, now)),
                plan: action::restart_plan(store, ns, name),
            },
            DialogKind::Partition => match action::parse_partition(self.text(), replicas) {
                Ok((p, warnings)) => partition(p, warnings),
                Err(e) => Prepared {
                    action: Err(e),
                    plan: Plan::default(),
                },
            },
            DialogKind::Pause => partition(action::pause_partition(store, ns, name), Vec::new()),
            DialogKind::Step => match action::step_partition(store, ns, name) {
                Ok(p) => partition(p, Vec::new()),
                Err(e) => Prepared {
                    action: Err(e),
                    plan: Plan::default(),
                },
            },
            DialogKind::Rollback => {
                let choices = action::rollback_choices(store, ns, name, now);
                match choices.get(self.selected) {
                    Some(choice) if choice.is_update => Prepared {
                        action: Err(format!(
                            "revision {} is already the update revision",
                            choice.revision
                        )),
                        plan: Plan::default(),
                    },
                    Some(choice) => match action::rollback_plan(store, ns, name, choice.revision) {
                        Ok(plan) => Prepared {
                            action: action::rollback_action(store, ns, name, choice.revision),
                            plan,
                        },
                        Err(e) => Prepared {
                            action: Err(e),
                            plan: Plan::default(),
                        },
                    },
                    None => Prepared {
                        action: Err("no revisions to roll back to".into()),
                        plan: Plan::default(),
                    },
                }
            }
            DialogKind::DeletePod { pod, force } => Prepared {
                action: Ok(Action::DeletePod {
                    namespace: ns.into(),
                    name: pod.clone(),
                    force: *force,
                }),
                plan: action::delete_pod_plan(store, ns, pod, *force),
            },
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
                        Prepared { action, plan }
                    }
                    Err(why) => Prepared {
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

    fn confirm(&mut self, store: &Store, now: Timestamp) -> DialogOutcome {
        match self.prepare(store, now).action {
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
        }
    }

    /// What the dialog shows now.
    pub fn view(&self, store: &Store, now: Timestamp) -> DialogView {
        let prepared = self.prepare(store, now);
        let error = prepared.action.as_ref().err().cloned();
        let input = self.input.as_ref().map(|i| {
            let (label, hint) = match &self.kind {
                DialogKind::Scale => ("Replicas".to_string(), None),
                DialogKind::Partition => ("Partition".to_string(), None),
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
                error: error.clone().filter(|_| {
                    !i.value().is_empty() || !matches!(self.kind, DialogKind::DeleteClaim { .. })
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
        let (request, kubectl) = match &prepared.action {
            Ok(a) => (Some(request_view(&a.request())), Some(a.kubectl())),
            Err(_) => (None, None),
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
    }
}
