//! Small building blocks shared by the screens: a priority-driven column
//! table that only renders the rows it is given, viewport slicing, pane
//! blocks, severity marks and usage bars.

use std::borrow::Cow;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

use super::theme::{Theme, severity_word};
use crate::view::model::{Severity, UsageView};

/// One column of a [`Grid`].
#[derive(Debug, Clone, Copy)]
pub struct Col {
    pub title: &'static str,
    /// Narrowest useful width; a column that cannot get it is dropped.
    pub min: u16,
    /// Width of its widest visible content (or header).
    pub want: u16,
    /// Lower keeps the column longer as the window shrinks.
    pub priority: u8,
    pub right: bool,
}

impl Col {
    pub fn new(title: &'static str, min: u16, priority: u8) -> Self {
        Col {
            title,
            min: min.max(title.len() as u16),
            want: title.len() as u16,
            priority,
            right: false,
        }
    }

    pub fn right(mut self) -> Self {
        self.right = true;
        self
    }

    /// Widen `want` to fit `text`.
    pub fn fit(&mut self, width: usize) {
        self.want = self.want.max(width.min(u16::MAX as usize) as u16);
    }

    /// Settle `min`: never above the content; short columns (ready counts,
    /// ages, phases) are dropped rather than truncated.
    pub fn finish(mut self) -> Self {
        self.min = self.min.min(self.want).max(self.title.len() as u16);
        if self.want <= 10 {
            self.min = self.want;
        }
        self.want = self.want.max(self.min);
        self
    }
}

/// Space between columns.
pub const SPACING: u16 = 2;
/// Width of the selection mark column in front of every row.
pub const MARK: u16 = 2;

/// Width of each column (`None`: dropped) so that all kept columns fit in
/// `avail`. Columns are kept by priority; spare room goes to the kept
/// columns, by priority, up to their wanted width.
pub fn fit_columns(cols: &[Col], avail: u16) -> Vec<Option<u16>> {
    let mut order: Vec<usize> = (0..cols.len()).collect();
    order.sort_by_key(|&i| (cols[i].priority, i));
    let mut keep = vec![false; cols.len()];
    let mut used: u32 = 0;
    for &i in &order {
        let extra = if used == 0 { 0 } else { SPACING as u32 };
        let need = used + extra + cols[i].min as u32;
        if need <= avail as u32 {
            keep[i] = true;
            used = need;
        }
    }
    let mut widths: Vec<Option<u16>> = cols
        .iter()
        .zip(&keep)
        .map(|(c, &k)| k.then_some(c.min))
        .collect();
    let mut spare = (avail as u32).saturating_sub(used);
    for &i in &order {
        if let Some(w) = widths[i].as_mut() {
            let grow = ((cols[i].want - *w) as u32).min(spare);
            *w += grow as u16;
            spare -= grow;
        }
    }
    widths
}

/// The rows `[start, end)` to build for a viewport of `height` rows over
/// `len` rows, keeping `selected` visible (centred when scrolling), so that
/// only visible rows are ever built.
pub fn viewport(len: usize, selected: usize, height: usize) -> (usize, usize) {
    if len <= height {
        return (0, len);
    }
    let start = selected
        .saturating_sub(height / 2)
        .min(len.saturating_sub(height));
    (start, (start + height).min(len))
}

/// One line of a [`Grid`]: a row of cells, or a labelled rule across the
/// whole width (the partition boundary).
pub enum GridLine<'a> {
    Row { cells: Vec<Line<'a>>, style: Style },
    Rule(Line<'a>),
}

/// A table drawn straight into the buffer: header, the given lines (already
/// sliced to the viewport), a selection mark and style.
pub struct Grid<'a> {
    pub cols: &'a [Col],
    pub widths: &'a [Option<u16>],
    pub lines: Vec<GridLine<'a>>,
    /// Index into `lines` of the selected row.
    pub selected: Option<usize>,
    /// Show the selection (only the focused table does).
    pub show_selection: bool,
}

impl Grid<'_> {
    pub fn render(self, buf: &mut Buffer, area: Rect, theme: &Theme) {
        if area.height == 0 || area.width == 0 {
            return;
        }
        // header
        let mut x = area.x + MARK;
        let right = area.right();
        for (col, w) in self.cols.iter().zip(self.widths) {
            let Some(w) = *w else { continue };
            if x >= right {
                break;
            }
            let w = w.min(right - x);
            let line = Line::from(col.title);
            put_line(buf, x, area.y, &line, w, col.right, theme, theme.header);
            x = x.saturating_add(w + SPACING);
        }
        for (i, line) in self.lines.iter().enumerate() {
            let y = area.y + 1 + i as u16;
            if y >= area.bottom() {
                break;
            }
            let row_area = Rect::new(area.x, y, area.width, 1);
            match line {
                GridLine::Rule(label) => {
                    rule(buf, row_area, label, theme);
                }
                GridLine::Row { cells, style } => {
                    buf.set_style(row_area, *style);
                    let mut x = area.x + MARK;
                    for ((col, w), cell) in self.cols.iter().zip(self.widths).zip(cells) {
                        let Some(w) = *w else { continue };
                        if x >= right {
                            break;
                        }
                        let w = w.min(right - x);
                        put_line(buf, x, y, cell, w, col.right, theme, Style::new());
                        x = x.saturating_add(w + SPACING);
                    }
                    if self.selected == Some(i) {
                        if self.show_selection {
                            buf.set_style(row_area, theme.selected);
                        }
                        buf.set_stringn(
                            area.x,
                            y,
                            theme.symbols.selected,
                            MARK as usize,
                            theme.selected,
                        );
                    }
                }
            }
        }
    }
}

/// A labelled horizontal rule: `── label ─────────`.
pub fn rule(buf: &mut Buffer, area: Rect, label: &Line<'_>, theme: &Theme) {
    let sym = theme.symbols.rule;
    let w = area.width as usize;
    let mut text = String::with_capacity(w * sym.len());
    for _ in 0..w {
        text.push_str(sym);
    }
    buf.set_stringn(area.x, area.y, &text, w, theme.partition);
    let lead = 2u16.min(area.width);
    let inner = area.width.saturating_sub(lead + 1);
    let mut padded = Line::default();
    padded.spans.push(Span::raw(" "));
    padded.spans.extend(label.spans.iter().cloned());
    padded.spans.push(Span::raw(" "));
    put_line(
        buf,
        area.x + lead,
        area.y,
        &padded,
        inner,
        false,
        theme,
        theme.partition,
    );
}

/// Write `line` in `width` cells, right-aligned or not, with an ellipsis when
/// it does not fit. `base` is patched under the line's own styles.
#[allow(clippy::too_many_arguments)]
pub fn put_line(
    buf: &mut Buffer,
    x: u16,
    y: u16,
    line: &Line<'_>,
    width: u16,
    right: bool,
    theme: &Theme,
    base: Style,
) {
    if width == 0 {
        return;
    }
    let lw = line.width();
    if lw <= width as usize {
        let x = if right { x + width - lw as u16 } else { x };
        buf.set_style(Rect::new(x, y, lw as u16, 1), base);
        buf.set_line(x, y, line, width);
        return;
    }
    buf.set_style(Rect::new(x, y, width, 1), base);
    let ell = theme.symbols.ellipsis;
    let ell_w = ell.chars().count() as u16;
    if width <= ell_w {
        buf.set_line(x, y, line, width);
        return;
    }
    let (end_x, _) = buf.set_line(x, y, line, width - ell_w);
    let style = line
        .spans
        .last()
        .map(|s| line.style.patch(s.style))
        .unwrap_or(line.style);
    buf.set_stringn(end_x, y, ell, ell_w as usize, base.patch(style));
}

/// The border block of a pane; focus shows in the border style, the border
/// glyphs and a mark in front of the title, so it reads without colour.
pub fn pane<'a>(title: Line<'a>, focused: bool, theme: &Theme) -> Block<'a> {
    let (mark, border, set, title_style) = if focused {
        (
            theme.symbols.focus,
            theme.border_focused,
            theme.symbols.border_focused,
            theme.pane_title_focused,
        )
    } else {
        (" ", theme.border, theme.symbols.border, theme.pane_title)
    };
    let mut spans = vec![Span::styled(format!(" {mark} "), title_style)];
    spans.extend(
        title
            .spans
            .into_iter()
            .map(|s| Span::styled(s.content, title_style.patch(s.style))),
    );
    spans.push(Span::raw(" "));
    Block::default()
        .borders(Borders::ALL)
        .border_set(set)
        .border_style(border)
        .title(Line::from(spans))
}

/// `✖ crit` in the severity's style.
pub fn severity<'a>(sev: Severity, theme: &Theme) -> Span<'a> {
    Span::styled(
        format!("{} {}", theme.symbols.severity(sev), severity_word(sev)),
        theme.severity(sev),
    )
}

/// Just the mark (`✖`), for narrow columns whose meaning is explained nearby.
pub fn severity_mark<'a>(sev: Option<Severity>, theme: &Theme) -> Span<'a> {
    match sev {
        Some(s) => Span::styled(theme.symbols.severity(s), theme.severity(s)),
        None => Span::raw(""),
    }
}

/// The health cell of a list: `✖ crit`, or `✓ ok`.
pub fn health<'a>(sev: Option<Severity>, theme: &Theme) -> Span<'a> {
    match sev {
        Some(s) => severity(s, theme),
        None => Span::styled(format!("{} ok", theme.symbols.ok), theme.ok),
    }
}

/// `[██████░░░░]  61% ` plus `!`/`!!` past the thresholds, or the reason
/// usage is unknown. `bar` is the number of bar cells (0: percentage only).
pub fn usage<'a>(usage: &'a UsageView, bar: u16, theme: &Theme) -> Vec<Span<'a>> {
    match usage {
        UsageView::Known { fraction, .. } => {
            let f = fraction.clamp(0.0, 1.0);
            let style = theme.bar(f);
            let mut spans = Vec::with_capacity(4);
            if bar > 0 {
                let full = ((f * bar as f64).round() as u16).min(bar);
                let s = &theme.symbols;
                let mut text = String::with_capacity(bar as usize * 3);
                for i in 0..bar {
                    text.push_str(if i < full { s.bar_full } else { s.bar_empty });
                }
                spans.push(Span::styled(text, style));
                spans.push(Span::raw(" "));
            }
            spans.push(Span::styled(format!("{:>3.0}%", f * 100.0), style));
            let mark = Theme::bar_mark(f);
            if !mark.is_empty() {
                spans.push(Span::styled(format!(" {mark}"), style));
            }
            spans
        }
        UsageView::Unknown(why) => vec![Span::styled(
            if why.is_empty() {
                Cow::Borrowed("?")
            } else {
                Cow::Borrowed(why.as_str())
            },
            theme.muted,
        )],
    }
}

/// A centred rectangle of at most `width` x `height` inside `area`.
/// A box drawn over the panes: centred with at least one column between its
/// border and the panes' borders, or, when it is too wide for that, the
/// whole width, its border replacing theirs (a border one cell inside
/// another reads as `┃┃`).
pub fn floating(area: Rect, width: u16, height: u16) -> Rect {
    let width = if width.saturating_add(4) > area.width {
        area.width
    } else {
        width
    };
    centered(area, width, height)
}

pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Style of a kubectl pod status word.
pub fn status_style(status: &str, theme: &Theme) -> Style {
    match status {
        "Running" | "Completed" | "Succeeded" => Style::new(),
        "Unknown" | "CrashLoopBackOff" | "Error" | "Failed" | "ImagePullBackOff"
        | "ErrImagePull" | "OOMKilled" | "Evicted" | "Lost" => theme.critical,
        "Bound" | "Available" => Style::new(),
        _ => theme.warning,
    }
}

/// `1/2` is short of ready.
pub fn not_ready(ready: &str) -> bool {
    match ready.split_once('/') {
        Some((a, b)) => a.trim() != b.trim(),
        None => false,
    }
}

/// View text as the symbol set allows: ASCII themes fold the few non-ASCII
/// glyphs views use (`→`, `≥`, `…`, `×`) so `LANG=C` terminals show no junk.
pub fn text<'a>(s: &'a str, theme: &Theme) -> Cow<'a, str> {
    if theme.symbols.unicode || s.is_ascii() {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '→' => out.push_str("->"),
            '←' => out.push_str("<-"),
            '↑' => out.push('^'),
            '↓' => out.push('v'),
            '≥' => out.push_str(">="),
            '≤' => out.push_str("<="),
            '…' => out.push_str("..."),
            '×' => out.push('x'),
            '·' => out.push('|'),
            '✓' => out.push('+'),
            '⚠' => out.push_str("!!"),
            '•' => out.push('-'),
            c if c.is_ascii() => out.push(c),
            _ => out.push('?'),
        }
    }
    Cow::Owned(out)
}

/// Greedy word wrap of `s` to `width` columns (counted in chars).
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    let width = width.max(8);
    let mut out = Vec::new();
    let mut line = String::new();
    let mut len = 0usize;
    for word in s.split_whitespace() {
        let wl = word.chars().count();
        if len > 0 && len + 1 + wl > width {
            out.push(std::mem::take(&mut line));
            len = 0;
        }
        if len > 0 {
            line.push(' ');
            len += 1;
        }
        line.push_str(word);
        len += wl;
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

/// A position mark on the bottom border of a pane whose content does not
/// fit (`3-8/14`), so hidden lines are never a surprise.
pub fn scroll_mark(
    buf: &mut Buffer,
    inner: Rect,
    first: usize,
    shown: usize,
    total: usize,
    theme: &Theme,
) {
    if total <= shown || inner.height == 0 {
        return;
    }
    let label = format!(" {}-{}/{} ", first + 1, (first + shown).min(total), total);
    let w = label.len() as u16;
    if w + 2 > inner.width {
        return;
    }
    buf.set_string(inner.right() - w - 1, inner.bottom(), label, theme.muted);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_drop_by_priority() {
        let cols = [
            Col {
                want: 10,
                ..Col::new("A", 5, 0)
            },
            Col {
                want: 10,
                ..Col::new("B", 5, 2)
            },
            Col {
                want: 10,
                ..Col::new("C", 5, 1)
            },
        ];
        assert_eq!(fit_columns(&cols, 40), vec![Some(10), Some(10), Some(10)]);
        assert_eq!(fit_columns(&cols, 12), vec![Some(5), None, Some(5)]);
        assert_eq!(fit_columns(&cols, 14), vec![Some(7), None, Some(5)]);
    }

    #[test]
    fn viewport_keeps_selection_visible() {
        assert_eq!(viewport(5, 4, 10), (0, 5));
        assert_eq!(viewport(1000, 0, 10), (0, 10));
        assert_eq!(viewport(1000, 500, 10), (495, 505));
        assert_eq!(viewport(1000, 999, 10), (990, 1000));
    }
}
