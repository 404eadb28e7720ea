//! A usage history as one line of text, and the trend spans that go with it
//! (`▁▂▄▆█ +4.7Gi/d · full in 31h`). Under `--ascii` the levels are
//! `_.-~=+*#`.

use ratatui::text::Span;

use crate::view::forecast::Resource;
use crate::view::model::CapacityView;

use super::theme::Theme;

const UNICODE: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const ASCII: [char; 8] = ['_', '.', '-', '~', '=', '+', '*', '#'];

/// The newest `width` levels (0..=7) as characters.
pub fn sparkline(levels: &[u8], width: usize, unicode: bool) -> String {
    let set = if unicode { &UNICODE } else { &ASCII };
    let skip = levels.len().saturating_sub(width);
    levels[skip..]
        .iter()
        .map(|l| set[usize::from(*l).min(7)])
        .collect()
}

/// The view's `—` (no figure) as `-` under `--ascii`.
pub fn dash(s: &str, theme: &Theme) -> String {
    if theme.symbols.unicode {
        s.to_string()
    } else {
        s.replace('—', "-")
    }
}

/// `full in 31h` / `inodes out in 5h` / `full in —`.
pub fn full_in_text(c: &CapacityView, theme: &Theme) -> String {
    let left = dash(&c.full_in, theme);
    match c.runs_out {
        Some(Resource::Inodes) => format!("inodes out in {left}"),
        _ => format!("full in {left}"),
    }
}

/// The style of a time to full: as the findings grade it.
pub fn full_in_style(c: &CapacityView, theme: &Theme) -> ratatui::style::Style {
    use crate::view::capacity::{LEFT_CRITICAL_SECS, LEFT_WARNING_SECS};
    use crate::view::model::Severity;
    match c.full_in_secs {
        Some(s) if s <= LEFT_CRITICAL_SECS => theme.severity(Severity::Critical),
        Some(s) if s <= LEFT_WARNING_SECS => theme.severity(Severity::Warning),
        _ => theme.muted,
    }
}

/// `▁▂▄▆█ +4.7Gi/d · full in 31h`, for a line `width` cells wide.
pub fn trend_spans<'a>(c: &'a CapacityView, width: usize, theme: &Theme) -> Vec<Span<'a>> {
    let sep = format!(" {} ", theme.symbols.sep);
    let rate = dash(&c.rate, theme);
    let tail = format!("{rate}{sep}{}", full_in_text(c, theme));
    let room = width.saturating_sub(tail.chars().count() + 1);
    let spark = sparkline(&c.spark, room.min(c.spark.len()), theme.symbols.unicode);
    let mut spans = Vec::with_capacity(5);
    if !spark.is_empty() {
        spans.push(Span::styled(spark, theme.label));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::raw(rate));
    spans.push(Span::styled(sep, theme.muted));
    spans.push(Span::styled(
        full_in_text(c, theme),
        full_in_style(c, theme),
    ));
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_map_to_blocks_or_ascii_and_keep_the_newest() {
        assert_eq!(sparkline(&[0, 3, 7], 8, true), "▁▄█");
        assert_eq!(sparkline(&[0, 3, 7], 8, false), "_~#");
        assert_eq!(sparkline(&[0, 3, 7], 2, false), "~#");
        assert_eq!(sparkline(&[], 5, true), "");
    }
}
