//! A one-screen message (no reachable cluster, fatal startup problem).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::theme::Theme;
use super::widgets::{centered, text};

pub fn draw(frame: &mut Frame, area: Rect, title: &str, lines: &[String], theme: &Theme) {
    let width = lines
        .iter()
        .map(|l| Line::from(l.as_str()).width() as u16)
        .max()
        .unwrap_or(0)
        .max(title.len() as u16 + 6)
        .saturating_add(6)
        .min(area.width.saturating_sub(4))
        .min(100);
    // wrapped height estimate: each line needs ceil(len / inner width) rows
    let inner_w = width.saturating_sub(4).max(1);
    let rows: u16 = lines
        .iter()
        .map(|l| {
            (Line::from(l.as_str()).width() as u16)
                .div_ceil(inner_w)
                .max(1)
        })
        .sum();
    let height = (rows + 4).min(area.height);
    let rect = centered(area, width, height);
    let title = Line::styled(
        format!(" {} {} ", theme.symbols.critical, text(title, theme)),
        theme.critical,
    );
    let inner = super::boxed(frame, rect, title, theme);
    let inner = Rect::new(
        inner.x + 1,
        inner.y + 1,
        inner.width.saturating_sub(2),
        inner.height.saturating_sub(1),
    );
    let body: Vec<Line> = lines
        .iter()
        .map(|l| {
            // `--demo` and other flags stand out
            if l.trim_start().starts_with("ordinal ") || l.trim_start().starts_with("--") {
                Line::styled(text(l, theme), Style::new().add_modifier(Modifier::BOLD))
            } else {
                Line::raw(text(l, theme))
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(body).wrap(Wrap { trim: false }), inner);
}
