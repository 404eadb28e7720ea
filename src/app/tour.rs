//! `--tour`: an unattended, scripted walk through the main features, for
//! recordings. The script is data (`assets/tour.yaml`): after each wait the
//! keys are pressed as if typed, and a caption shows in the status line.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

/// The builtin tour script.
pub const BUILTIN: &str = include_str!("../../assets/tour.yaml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StepSpec {
    wait: String,
    #[serde(default)]
    keys: Option<String>,
    #[serde(default)]
    caption: Option<String>,
}

/// One step: wait, then press the keys and show the caption.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub wait: Duration,
    pub keys: Vec<KeyEvent>,
    pub caption: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum TourError {
    #[error("tour script: {0}")]
    Yaml(String),
    #[error("tour step {step}: {message}")]
    Step { step: usize, message: String },
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// `Enter`, `Esc`, `Tab`, `BackTab`, `Up`, `Down`, `Backspace`, one
/// character, or a word typed letter by letter.
fn parse_keys(text: &str) -> Vec<KeyEvent> {
    let mut keys = Vec::new();
    for token in text.split_whitespace() {
        let named = match token {
            "Enter" => Some(KeyCode::Enter),
            "Esc" => Some(KeyCode::Esc),
            "Tab" => Some(KeyCode::Tab),
            "BackTab" => Some(KeyCode::BackTab),
            "Up" => Some(KeyCode::Up),
            "Down" => Some(KeyCode::Down),
            "Backspace" => Some(KeyCode::Backspace),
            "Space" => Some(KeyCode::Char(' ')),
            _ => None,
        };
        match named {
            Some(code) => keys.push(key(code)),
            None => keys.extend(token.chars().map(|c| key(KeyCode::Char(c)))),
        }
    }
    keys
}

/// Parses a tour script.
pub fn parse(text: &str) -> Result<Vec<Step>, TourError> {
    let specs: Vec<StepSpec> =
        serde_yaml_ng::from_str(text).map_err(|e| TourError::Yaml(e.to_string()))?;
    specs
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let wait = crate::format::duration::parse(&s.wait).map_err(|e| TourError::Step {
                step: i + 1,
                message: e.to_string(),
            })?;
            Ok(Step {
                wait,
                keys: s.keys.as_deref().map(parse_keys).unwrap_or_default(),
                caption: s.caption,
            })
        })
        .collect()
}

/// Presses a step's keys as if typed and shows its caption.
pub fn play(app: &mut super::App, step: Step, now: jiff::Timestamp) {
    for key in &step.keys {
        app.on_event(&crossterm::event::Event::Key(*key), now);
    }
    if let Some(caption) = step.caption {
        app.say(crate::view::model::Severity::Info, caption);
    }
}

/// A tour in progress: the steps left and when the next one is due.
#[derive(Debug, Clone)]
pub struct Tour {
    steps: std::collections::VecDeque<Step>,
    next_at: Duration,
}

impl Tour {
    pub fn new(steps: Vec<Step>) -> Tour {
        let next_at = steps.first().map_or(Duration::ZERO, |s| s.wait);
        Tour {
            steps: steps.into(),
            next_at,
        }
    }

    /// The steps due `elapsed` after the tour started, in order.
    pub fn due(&mut self, elapsed: Duration) -> Vec<Step> {
        let mut out = Vec::new();
        while elapsed >= self.next_at {
            let Some(step) = self.steps.pop_front() else {
                break;
            };
            self.next_at += self.steps.front().map_or(Duration::ZERO, |s| s.wait);
            out.push(step);
        }
        out
    }

    pub fn finished(&self) -> bool {
        self.steps.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_script_parses() {
        let steps = parse(BUILTIN).unwrap();
        assert!(steps.len() > 10);
        assert!(steps.iter().all(|s| s.wait > Duration::ZERO));
        assert!(
            steps
                .iter()
                .any(|s| s.keys.contains(&key(KeyCode::Char('+'))))
        );
    }

    #[test]
    fn keys_are_names_characters_or_typed_words() {
        let keys = parse_keys("/ mysql Enter BackTab");
        assert_eq!(keys.len(), 8);
        assert_eq!(keys[0], key(KeyCode::Char('/')));
        assert_eq!(keys[1], key(KeyCode::Char('m')));
        assert_eq!(keys[6], key(KeyCode::Enter));
        assert_eq!(keys[7], key(KeyCode::BackTab));
    }

    #[test]
    fn bad_scripts_say_what_is_wrong() {
        assert!(matches!(
            parse("- wait: soon"),
            Err(TourError::Step { step: 1, .. })
        ));
        assert!(matches!(
            parse("- wait: 1s\n  press: x"),
            Err(TourError::Yaml(_))
        ));
        assert!(matches!(parse("nonsense: ["), Err(TourError::Yaml(_))));
    }

    #[test]
    fn steps_come_due_cumulatively() {
        let steps =
            parse("- wait: 1s\n  caption: a\n- wait: 2s\n  caption: b\n- wait: 1s").unwrap();
        let mut tour = Tour::new(steps);
        assert!(tour.due(Duration::from_millis(500)).is_empty());
        assert_eq!(tour.due(Duration::from_secs(1)).len(), 1);
        assert!(tour.due(Duration::from_secs(2)).is_empty());
        let later = tour.due(Duration::from_secs(4));
        assert_eq!(later.len(), 2);
        assert!(tour.finished());
    }
}
