//! The panes that list things: findings (the selected one with its
//! detail), events and the live log.

use super::*;

pub(super) fn finding_counts(findings: &[Finding]) -> String {
    let mut parts = Vec::new();
    for (sev, word) in [
        (Severity::Critical, "crit"),
        (Severity::Warning, "warn"),
        (Severity::Info, "info"),
    ] {
        let n = findings.iter().filter(|f| f.severity == sev).count();
        if n > 0 {
            parts.push(format!("{n} {word}"));
        }
    }
    parts.join(" ")
}

/// Findings, worst first; the selected one (`scroll` when focused, else the
/// worst) shows its detail wrapped underneath.
pub(super) fn findings_pane(
    buf: &mut Buffer,
    area: Rect,
    d: &SetDetail,
    focused: bool,
    scroll: u16,
    tabs: Option<Line<'_>>,
    theme: &Theme,
) {
    let title = tabs.unwrap_or_else(|| {
        let mut t = format!("{} ({})", SetPane::Findings.title(), d.findings.len());
        let counts = finding_counts(&d.findings);
        if !counts.is_empty() {
            t.push_str(&format!(" {} {counts}", theme.symbols.sep));
        }
        Line::raw(t)
    });
    let empty = d
        .findings
        .is_empty()
        .then(|| Line::styled(format!("{} no findings", theme.symbols.ok), theme.ok));
    let Some(inner) = framed(buf, area, title, focused, 1, empty, theme) else {
        return;
    };
    let sel = (scroll as usize).min(d.findings.len() - 1);
    let indent = 9usize;
    let width = (inner.width as usize).saturating_sub(1 + indent);
    let detail = |f: &'_ Finding| -> Vec<Line<'static>> {
        let mut out: Vec<Line<'static>> = wrap(&text(&f.detail, theme), width)
            .into_iter()
            .map(|l| Line::from(vec![Span::raw(" ".repeat(indent)), Span::raw(l)]))
            .collect();
        if !f.objects.is_empty() {
            let objs = f
                .objects
                .iter()
                .map(|o| format!("{}/{}", short_kind(&o.kind), o.name))
                .collect::<Vec<_>>()
                .join(", ");
            out.push(Line::from(vec![
                Span::raw(" ".repeat(indent)),
                Span::styled(objs, theme.muted),
            ]));
        }
        out
    };
    let h = inner.height as usize;
    // Every finding's detail when it all fits (wide windows), else only the
    // selected one's. Only what can be shown is wrapped: a set with a
    // thousand findings costs no more per frame than one with a pane full.
    let all = d.findings.len() <= h && {
        let mut used = d.findings.len();
        d.findings.iter().all(|f| {
            used += detail(f).len();
            used <= h
        })
    };
    let selected_detail = detail(&d.findings[sel]);
    let block_len = 1 + selected_detail.len();
    let first = if all {
        0
    } else {
        (sel + block_len).saturating_sub(h).min(sel)
    };
    let mut lines = Vec::with_capacity(h);
    for (i, f) in d.findings.iter().enumerate().skip(first) {
        if lines.len() >= h {
            break;
        }
        let mark = if i == sel && focused {
            theme.symbols.selected
        } else {
            " "
        };
        let title_style = if i == sel || all {
            Style::new().add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        };
        lines.push(Line::from(vec![
            Span::styled(mark, theme.selected),
            Span::raw(" "),
            severity(f.severity, theme),
            Span::raw("  "),
            Span::styled(text(&f.title, theme), title_style),
        ]));
        if i == sel {
            lines.extend(selected_detail.iter().cloned());
        } else if all {
            lines.extend(detail(f));
        }
    }
    for (row, line) in lines.iter().take(h).enumerate() {
        put_line(
            buf,
            inner.x,
            inner.y + row as u16,
            line,
            inner.width,
            false,
            theme,
            Style::new(),
        );
    }
    let hidden_after = d
        .findings
        .len()
        .saturating_sub(first + lines.iter().take(h).filter(|l| l.spans.len() == 5).count());
    if first > 0 || hidden_after > 0 {
        let label = format!(" {} above, {} below ", first, hidden_after);
        let w = label.len() as u16;
        if w + 2 <= inner.width {
            buf.set_string(inner.right() - w - 1, inner.bottom(), label, theme.muted);
        }
    }
}

/// `pvc`, `pv`, `sc`… as kubectl abbreviates them.
pub fn short_kind(kind: &str) -> &str {
    match kind {
        "PersistentVolumeClaim" => "pvc",
        "PersistentVolume" => "pv",
        "StorageClass" => "sc",
        "StatefulSet" => "sts",
        "Pod" => "pod",
        "Node" => "node",
        other => other,
    }
}

pub(super) fn events_pane(
    buf: &mut Buffer,
    area: Rect,
    d: &SetDetail,
    focused: bool,
    scroll: u16,
    tabs: Option<Line<'_>>,
    theme: &Theme,
) {
    let title = tabs
        .unwrap_or_else(|| Line::raw(format!("{} ({})", SetPane::Events.title(), d.events_total)));
    let empty = d
        .events
        .is_empty()
        .then(|| Line::styled("no recent events", theme.muted));
    let Some(inner) = framed(buf, area, title, focused, 2, empty, theme) else {
        return;
    };
    if inner.width < 100 {
        return events_stacked(buf, inner, d, scroll, theme);
    }
    let h = inner.height as usize - 1;
    let start = (scroll as usize).min(d.events.len().saturating_sub(h));
    let visible: &[EventRow] = &d.events[start..(start + h).min(d.events.len())];
    let mut cols = [
        Col::new("AGE", 3, 3).right(),
        Col::new("", 1, 4),
        Col::new("REASON", 8, 1),
        Col::new("OBJECT", 8, 2),
        Col::new("#", 1, 5).right(),
        Col::new("MESSAGE", 20, 0),
    ];
    let lines: Vec<GridLine> = visible
        .iter()
        .map(|e| {
            let warn = e.type_ == "Warning";
            let cells = vec![
                Line::styled(e.age.as_str(), theme.muted),
                if warn {
                    Line::styled(theme.symbols.warning, theme.warning)
                } else {
                    Line::raw("")
                },
                Line::styled(
                    e.reason.as_str(),
                    if warn { theme.warning } else { Style::new() },
                ),
                Line::raw(e.object.as_str()),
                Line::styled(count(e), theme.muted),
                Line::raw(text(&e.message, theme)),
            ];
            GridLine::Row {
                cells,
                style: Style::new(),
            }
        })
        .collect();
    for line in &lines {
        if let GridLine::Row { cells, .. } = line {
            for (c, cell) in cols.iter_mut().zip(cells) {
                c.fit(cell.width());
            }
        }
    }
    cols[2].min = cols[2].want.min(16);
    cols[3].min = cols[3].want.min(16);
    cols[4].min = cols[4].want;
    let cols = cols.map(Col::finish);
    let widths = fit_columns(&cols, inner.width.saturating_sub(MARK));
    Grid {
        cols: &cols,
        widths: &widths,
        lines,
        selected: None,
        show_selection: false,
    }
    .render(buf, inner, theme);
}

pub(super) fn count(e: &EventRow) -> String {
    if e.count > 1 {
        format!("x{}", e.count)
    } else {
        String::new()
    }
}

/// Narrow panes: each event on two lines, the message on its own so it can
/// be read.
pub(super) fn events_stacked(
    buf: &mut Buffer,
    inner: Rect,
    d: &SetDetail,
    scroll: u16,
    theme: &Theme,
) {
    let per = (inner.height as usize / 2).max(1);
    let start = (scroll as usize).min(d.events.len().saturating_sub(per));
    let mut lines = Vec::with_capacity(per * 2);
    for e in d.events.iter().skip(start).take(per) {
        let warn = e.type_ == "Warning";
        lines.push(Line::from(vec![
            Span::styled(format!("{:>4} ", e.age), theme.muted),
            if warn {
                Span::styled(format!("{} ", theme.symbols.warning), theme.warning)
            } else {
                Span::raw("  ")
            },
            Span::styled(
                e.reason.as_str(),
                if warn {
                    theme.warning.add_modifier(Modifier::BOLD)
                } else {
                    Style::new().add_modifier(Modifier::BOLD)
                },
            ),
            Span::raw("  "),
            Span::raw(e.object.as_str()),
            Span::styled(
                if e.count > 1 {
                    format!("  {}", count(e))
                } else {
                    String::new()
                },
                theme.muted,
            ),
        ]));
        lines.push(Line::from(vec![
            Span::raw("       "),
            Span::raw(text(&e.message, theme)),
        ]));
    }
    for (row, line) in lines.iter().take(inner.height as usize).enumerate() {
        put_line(
            buf,
            inner.x,
            inner.y + row as u16,
            line,
            inner.width,
            false,
            theme,
            Style::new(),
        );
    }
    scroll_mark(
        buf,
        inner,
        start,
        per.min(d.events.len()),
        d.events.len(),
        theme,
    );
}

/// The live log, oldest first: it follows the tail; `scroll` is how many
/// lines back from the newest.
pub(super) fn log_pane(
    buf: &mut Buffer,
    area: Rect,
    d: &SetDetail,
    focused: bool,
    scroll: u16,
    tabs: Option<Line<'_>>,
    theme: &Theme,
) {
    let title =
        tabs.unwrap_or_else(|| Line::raw(format!("{} ({})", SetPane::Log.title(), d.log.len())));
    let empty = d
        .log
        .is_empty()
        .then(|| Line::styled("waiting for changes…", theme.muted));
    let Some(inner) = framed(buf, area, title, focused, 2, empty, theme) else {
        return;
    };
    let h = inner.height as usize - 1;
    let end = d
        .log
        .len()
        .saturating_sub(scroll as usize)
        .max(h.min(d.log.len()));
    let start = end.saturating_sub(h);
    let visible: &[LogRow] = &d.log[start..end];
    let mut cols = [
        Col::new("TIME", 8, 2),
        Col::new("OBJECT", 8, 1),
        Col::new("CHANGE", 12, 0),
    ];
    let lines: Vec<GridLine> = visible
        .iter()
        .map(|l| GridLine::Row {
            cells: vec![
                Line::styled(l.time.as_str(), theme.muted),
                Line::raw(l.object.as_str()),
                Line::raw(text(&l.change, theme)),
            ],
            style: Style::new(),
        })
        .collect();
    for line in &lines {
        if let GridLine::Row { cells, .. } = line {
            for (c, cell) in cols.iter_mut().zip(cells) {
                c.fit(cell.width());
            }
        }
    }
    cols[1].min = cols[1].want.min(20);
    let cols = cols.map(Col::finish);
    let widths = fit_columns(&cols, inner.width.saturating_sub(MARK));
    Grid {
        cols: &cols,
        widths: &widths,
        lines,
        selected: None,
        show_selection: false,
    }
    .render(buf, inner, theme);
}

/// Draws a pane's frame and returns the area inside it to fill, or `None`
/// when there is nothing more to draw: the inside is lower than
/// `min_height`, or the pane is empty and `empty` was drawn instead.
fn framed(
    buf: &mut Buffer,
    area: Rect,
    title: Line<'_>,
    focused: bool,
    min_height: u16,
    empty: Option<Line<'_>>,
    theme: &Theme,
) -> Option<Rect> {
    let block = pane(title, focused, theme);
    let inner = block.inner(area);
    ratatui::widgets::Widget::render(block, area, buf);
    if inner.height < min_height {
        return None;
    }
    if let Some(line) = empty {
        render_lines(buf, inner, vec![line], 0, theme);
        return None;
    }
    Some(inner)
}
