//! The StatefulSets list.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::model::FrameView;
use super::theme::Theme;
use super::widgets::{
    Col, Grid, GridLine, MARK, fit_columns, health, not_ready, pane, scroll_mark, text, viewport,
};
use crate::view::model::SetRow;

/// The namespace label meaning "every namespace".
pub const ALL_NAMESPACES: &str = "all namespaces";

// Column indexes, in display order.
const NS: usize = 0;
const NAME: usize = 1;
const READY: usize = 2;
const UPDATED: usize = 3;
const STRATEGY: usize = 4;
const POLICY: usize = 5;
const ROLLOUT: usize = 6;
const HEALTH: usize = 7;
const FINDINGS: usize = 8;
const TEMPLATES: usize = 9;
const SERVICE: usize = 10;
const AGE: usize = 11;

/// `RollingUpdate p=2` → `Rolling p=2`, for narrow windows.
fn strategy_text(s: &str, short: bool) -> String {
    match (short, s.strip_prefix("RollingUpdate")) {
        (true, Some(rest)) => format!("Rolling{rest}"),
        _ => s.to_string(),
    }
}

pub fn rollout_style(rollout: &str, theme: &Theme) -> Style {
    if rollout.starts_with("stable") {
        theme.muted
    } else if rollout.starts_with("rolling") || rollout.starts_with("scaling") {
        theme.info
    } else {
        theme.warning
    }
}

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    rows: &[std::sync::Arc<SetRow>],
    selected: usize,
    view: &FrameView,
    theme: &Theme,
) {
    let all_ns = view.title.namespace == ALL_NAMESPACES;
    let mut title = vec![Span::raw(format!("StatefulSets ({})", rows.len()))];
    if let Some(f) = view.status.filter.as_ref().filter(|f| !f.text.is_empty()) {
        title.push(Span::raw(" "));
        title.push(Span::styled(format!("/{}", f.text), theme.filter));
    }
    let block = pane(Line::from(title), true, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height < 2 {
        return;
    }

    if rows.is_empty() {
        let mut lines = vec![Line::raw("")];
        match view.status.filter.as_ref().filter(|f| !f.text.is_empty()) {
            Some(f) => {
                lines.push(Line::from(format!("No StatefulSets match /{}", f.text)));
                lines.push(Line::styled("Esc clears the filter", theme.muted));
            }
            None => {
                lines.push(Line::from(format!(
                    "No StatefulSets in {}",
                    if all_ns {
                        "any namespace".to_string()
                    } else {
                        format!("namespace {}", view.title.namespace)
                    }
                )));
                let hint = empty_hint(&view.status.hints);
                if !hint.is_empty() {
                    lines.push(Line::styled(hint, theme.muted));
                }
            }
        }
        frame.render_widget(Paragraph::new(lines).centered(), inner);
        return;
    }

    let selected = selected.min(rows.len() - 1);
    let (start, end) = viewport(rows.len(), selected, inner.height as usize - 1);
    let visible = &rows[start..end];

    let mut cols = [
        Col::new("NAMESPACE", 9, 4),
        Col::new("NAME", 14, 0),
        Col::new("READY", 5, 1),
        Col::new("UPDATED", 7, 5),
        Col::new("STRATEGY", 8, 6),
        Col::new("POLICY", 12, 10),
        Col::new("ROLLOUT", 11, 3),
        Col::new("HEALTH", 6, 2),
        Col::new("FINDINGS", 8, 8).right(),
        Col::new("TEMPLATES", 9, 9),
        Col::new("SERVICE", 9, 11),
        Col::new("AGE", 3, 7).right(),
    ];
    if !all_ns {
        cols[NS].priority = u8::MAX;
        cols[NS].min = u16::MAX;
    }
    // Widths from every row keep columns still while scrolling; huge lists
    // measure only the visible rows so a frame stays O(viewport).
    let measured = if rows.len() <= 2000 { rows } else { visible };
    let mut short_strategy_want = 0usize;
    for r in measured {
        cols[NS].fit(r.namespace.len());
        cols[NAME].fit(r.name.len());
        cols[READY].fit(r.ready.len());
        cols[UPDATED].fit(r.updated.len());
        cols[STRATEGY].fit(r.strategy.len());
        short_strategy_want = short_strategy_want.max(strategy_text(&r.strategy, true).len());
        cols[POLICY].fit(r.policy.len());
        cols[ROLLOUT].fit(Line::from(r.rollout.as_str()).width() + 1);
        cols[HEALTH].fit(6);
        cols[FINDINGS].fit(r.findings.to_string().len());
        cols[TEMPLATES].fit(r.templates.len());
        cols[SERVICE].fit(r.service.len());
        cols[AGE].fit(r.age.len());
    }
    cols[STRATEGY].min = short_strategy_want.max(8) as u16;
    let cols = cols.map(Col::finish);
    let widths = fit_columns(&cols, inner.width.saturating_sub(MARK));
    let short = widths[STRATEGY].is_some_and(|w| (w as usize) < cols[STRATEGY].want as usize);

    let lines = visible
        .iter()
        .map(|r| {
            let ready_style = if not_ready(&r.ready) {
                theme.warning
            } else {
                Style::new()
            };
            let cells = vec![
                Line::styled(r.namespace.as_str(), theme.muted),
                Line::raw(r.name.as_str()),
                Line::styled(r.ready.as_str(), ready_style),
                Line::styled(
                    r.updated.as_str(),
                    if not_ready(&r.updated) {
                        theme.revision_update
                    } else {
                        Style::new()
                    },
                ),
                Line::raw(strategy_text(&r.strategy, short)),
                Line::raw(r.policy.as_str()),
                Line::styled(text(&r.rollout, theme), rollout_style(&r.rollout, theme)),
                if r.syncing {
                    // Not "ok": its findings wait for the first lists.
                    Line::styled(format!("{} sync", theme.symbols.info), theme.info)
                } else {
                    Line::from(health(r.health, theme))
                },
                Line::raw(if r.findings == 0 {
                    "-".to_string()
                } else {
                    r.findings.to_string()
                }),
                Line::raw(if r.templates.is_empty() {
                    "-"
                } else {
                    r.templates.as_str()
                }),
                Line::raw(r.service.as_str()),
                Line::styled(r.age.as_str(), theme.muted),
            ];
            GridLine::Row {
                cells,
                style: Style::new(),
            }
        })
        .collect();
    Grid {
        cols: &cols,
        widths: &widths,
        lines,
        selected: Some(selected - start),
        show_selection: true,
    }
    .render(frame.buffer_mut(), inner, theme);
    scroll_mark(
        frame.buffer_mut(),
        inner,
        start,
        end - start,
        rows.len(),
        theme,
    );
}

/// What to try on an empty list, with the keys in effect (taken from the
/// footer's hints, which follow the keymap; an unbound command is left out).
fn empty_hint(hints: &[(String, String)]) -> String {
    [
        ("namespace", "switches namespace"),
        ("storage", "shows storage"),
    ]
    .iter()
    .filter_map(|(what, says)| {
        hints
            .iter()
            .find(|(_, w)| w == what)
            .map(|(key, _)| format!("{key} {says}"))
    })
    .collect::<Vec<_>>()
    .join("  ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn strategy_shortens() {
        assert_eq!(
            super::strategy_text("RollingUpdate p=2", true),
            "Rolling p=2"
        );
        assert_eq!(super::strategy_text("OnDelete", true), "OnDelete");
    }
}
