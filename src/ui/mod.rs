//! ratatui widgets: draw a [`model::FrameView`]; never touch the store, never do IO.
//!
//! [`draw`] lays out a title bar, the current screen and a two-line status
//! line (sync state and message; filter input and key hints), then any
//! overlay. Windows below [`MIN_WIDTH`]x[`MIN_HEIGHT`] get a notice instead.

pub mod model;
pub mod theme;

mod chain;
mod dialog;
mod list;
mod message;
mod overlay;
/// Sample frames for the snapshot tests (test data, not shipped).
#[cfg(test)]
mod samples;
mod set;
mod sparkline;
mod storage;
mod widgets;

#[cfg(test)]
mod tests;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

pub use model::FrameView;
pub use theme::{ColourDepth, Symbols, Theme};

use crate::view::model::{SyncSummary, SyncView};
use model::{ScreenView, StatusLine, TitleBar};
use widgets::put_line;

/// The smallest window the layout supports.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;

/// Draw one frame.
pub fn draw(frame: &mut Frame, view: &FrameView, theme: &Theme) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area, theme);
        return;
    }
    let message = message_lines(&view.status, area.width, theme);
    let [title, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(2 + message.len() as u16),
    ])
    .areas(area);
    title_bar(frame, title, &view.title, &view.screen, theme);
    match &view.screen {
        ScreenView::List { rows, selected } => {
            list::draw(frame, body, rows, *selected, view, theme)
        }
        ScreenView::Set {
            detail,
            selected,
            focus,
            scroll,
        } => set::draw(frame, body, detail, *selected, *focus, *scroll, theme),
        ScreenView::Storage {
            view: storage,
            tab,
            selected,
        } => storage::draw(frame, body, storage, *tab, *selected, theme),
        ScreenView::Message { title, lines } => message::draw(frame, body, title, lines, theme),
    }
    status_line(frame, status, &view.status, message, theme);
    if let Some(overlay) = &view.overlay {
        // a dialog that does not fit the body may cover the status line too
        let tall = Rect::new(body.x, body.y, body.width, status.bottom() - body.y);
        overlay::draw(frame, body, tall, overlay, theme);
    }
}

fn too_small(frame: &mut Frame, area: Rect, theme: &Theme) {
    let text = vec![
        Line::styled(
            format!("window too small ({}x{})", area.width, area.height),
            theme.warning,
        ),
        Line::from(format!("need at least {MIN_WIDTH}x{MIN_HEIGHT}")),
        Line::styled("q quits", theme.muted),
    ];
    let h = (text.len() as u16).min(area.height);
    let y = area.y + (area.height - h) / 2;
    frame.render_widget(
        Paragraph::new(text)
            .centered()
            .wrap(ratatui::widgets::Wrap { trim: true }),
        Rect::new(area.x, y, area.width, area.height - (y - area.y)),
    );
}

/// Where we are, in words: `StatefulSets`, `StatefulSet mysql/mysql`, …
fn breadcrumb(screen: &ScreenView) -> String {
    match screen {
        ScreenView::List { .. } => "StatefulSets".into(),
        ScreenView::Set { detail, .. } => format!(
            "StatefulSet {}/{}",
            detail.header.namespace, detail.header.name
        ),
        ScreenView::Storage { .. } => "Storage".into(),
        ScreenView::Message { title, .. } => title.clone(),
    }
}

fn title_bar(frame: &mut Frame, area: Rect, t: &TitleBar, screen: &ScreenView, theme: &Theme) {
    let buf = frame.buffer_mut();
    buf.set_style(area, theme.title_bar);
    let sep = theme.symbols.sep;
    let left = Line::from(vec![
        Span::raw(" ordinal "),
        Span::raw(sep),
        Span::raw(" "),
        Span::raw(t.context.as_str()),
        Span::raw(" "),
        Span::raw(sep),
        Span::raw(" ns "),
        Span::raw(t.namespace.as_str()),
        Span::raw(" "),
        Span::raw(sep),
        Span::raw(" "),
        Span::raw(breadcrumb(screen)),
    ]);
    let mut right = Vec::new();
    if t.read_only {
        right.push(Span::styled(" READ-ONLY ", theme.badge));
        right.push(Span::raw(" "));
    }
    if !t.clock.is_empty() {
        right.push(Span::raw(t.clock.as_str()));
        right.push(Span::raw(" "));
    }
    let right = Line::from(right);
    let rw = (right.width() as u16).min(area.width);
    let lw = area.width.saturating_sub(rw + 1);
    put_line(buf, area.x, area.y, &left, lw, false, theme, Style::new());
    put_line(
        buf,
        area.right() - rw,
        area.y,
        &right,
        rw,
        false,
        theme,
        Style::new(),
    );
}

/// `✓ live`; while first lists run, what has arrived
/// (`syncing sets ✓ pods 41,500… claims ✓ volumes 9,200…`); else what is
/// stale (reconnecting) and, apart, what is forbidden (not stale: it will
/// not come).
fn sync_spans<'a>(sync: &'a SyncSummary, theme: &Theme) -> Vec<Span<'a>> {
    let sym = &theme.symbols;
    if !sync.stale
        || sync
            .kinds
            .iter()
            .all(|(_, state)| matches!(state, SyncView::Live))
    {
        return vec![Span::styled(format!("{} live", sym.ok), theme.ok)];
    }
    let reconnecting = sync
        .kinds
        .iter()
        .any(|(_, s)| matches!(s, SyncView::Reconnecting { .. }));
    let syncing = sync
        .kinds
        .iter()
        .any(|(_, s)| matches!(s, SyncView::Syncing));
    let nothing_yet = sync.kinds.iter().enumerate().all(|(i, (_, s))| {
        matches!(s, SyncView::Syncing) && sync.received.get(i).copied().flatten().unwrap_or(0) == 0
    });
    if nothing_yet {
        return vec![Span::styled(format!("{} syncing", sym.info), theme.info)];
    }
    if syncing && !reconnecting {
        return syncing_spans(sync, theme);
    }
    let mut spans = Vec::new();
    for (kind, state) in &sync.kinds {
        let text = match state {
            SyncView::Live | SyncView::Forbidden { .. } => continue,
            SyncView::Syncing => format!(" {kind} syncing"),
            SyncView::Reconnecting { since, error } if error.is_empty() => {
                format!(" {kind} reconnecting {since}")
            }
            SyncView::Reconnecting { since, error } => {
                format!(" {kind} reconnecting {since} ({error})")
            }
        };
        if spans.is_empty() {
            spans.push(Span::styled(
                format!("{} stale:", sym.warning),
                theme.warning,
            ));
        } else {
            spans.push(Span::styled(",", theme.warning));
        }
        spans.push(Span::styled(text, theme.warning));
    }
    spans.extend(forbidden_spans(sync, theme, !spans.is_empty()));
    spans
}

/// `forbidden: Nodes, PVs`, or nothing.
fn forbidden_spans<'a>(sync: &'a SyncSummary, theme: &Theme, after: bool) -> Vec<Span<'a>> {
    let names: Vec<&str> = sync
        .kinds
        .iter()
        .filter(|(_, s)| matches!(s, SyncView::Forbidden { .. }))
        .map(|(k, _)| *k)
        .collect();
    if names.is_empty() {
        return Vec::new();
    }
    let lead = if after {
        format!(" {} forbidden: ", theme.symbols.sep)
    } else {
        format!("{} forbidden: ", theme.symbols.warning)
    };
    vec![Span::styled(
        format!("{lead}{}", names.join(", ")),
        theme.warning,
    )]
}

/// The status line's word for a kind while first lists run.
fn short_kind(label: &str) -> &str {
    match label {
        "StatefulSets" => "sets",
        "Pods" => "pods",
        "PVCs" => "claims",
        "PVs" => "volumes",
        "StorageClasses" => "classes",
        "Nodes" => "nodes",
        "Events" => "events",
        "Revisions" => "revisions",
        other => other,
    }
}

/// `syncing sets ✓ pods 41,500… claims ✓ volumes 9,200…`: the four kinds
/// rows are made of always, the others while they are not live.
fn syncing_spans<'a>(sync: &'a SyncSummary, theme: &Theme) -> Vec<Span<'a>> {
    let sym = &theme.symbols;
    let mut spans = vec![Span::styled(format!("{} syncing", sym.info), theme.info)];
    for (i, (kind, state)) in sync.kinds.iter().enumerate() {
        let name = short_kind(kind);
        let (text, style) = match state {
            SyncView::Live if i < 4 => (format!(" {name} {}", sym.ok), theme.muted),
            SyncView::Live => continue,
            SyncView::Syncing => match sync.received.get(i).copied().flatten() {
                Some(n) if n > 0 => (
                    format!(" {name} {}{}", grouped(n), sym.ellipsis),
                    theme.info,
                ),
                _ => (format!(" {name}{}", sym.ellipsis), theme.info),
            },
            SyncView::Forbidden { .. } => (format!(" {name} forbidden"), theme.warning),
            SyncView::Reconnecting { .. } => (format!(" {name} reconnecting"), theme.warning),
        };
        spans.push(Span::styled(text, style));
    }
    spans
}

/// `41,500`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The transient message on lines of its own when it does not fit next to
/// the sync state (API errors are long and must stay readable): at most two
/// wrapped lines, the rest ellipsized.
fn message_lines<'a>(s: &'a StatusLine, width: u16, theme: &Theme) -> Vec<Line<'a>> {
    let Some((sev, msg)) = &s.message else {
        return Vec::new();
    };
    let sync_w = Line::from(sync_spans(&s.sync, theme)).width();
    let msg_w = Line::from(msg.as_str()).width();
    if sync_w + msg_w + 8 <= width as usize {
        return Vec::new(); // fits inline
    }
    let style = theme.severity(*sev);
    let mut parts = widgets::wrap(msg, (width as usize).saturating_sub(4));
    if parts.len() > 2 {
        let rest = parts.split_off(1).join(" ");
        parts.push(rest);
    }
    parts
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let mark = if i == 0 {
                format!(" {} ", theme.symbols.severity(*sev))
            } else {
                "   ".to_string()
            };
            Line::from(vec![Span::styled(mark, style), Span::styled(p, style)])
        })
        .collect()
}

fn status_line(
    frame: &mut Frame,
    area: Rect,
    s: &StatusLine,
    message: Vec<Line<'_>>,
    theme: &Theme,
) {
    let top = Rect::new(area.x, area.y, area.width, 1);
    let bottom = Rect::new(area.x, area.bottom() - 1, area.width, 1);
    let buf = frame.buffer_mut();

    // line 1: sync state, then the transient message when it fits
    let mut spans = vec![Span::raw(" ")];
    spans.extend(sync_spans(&s.sync, theme));
    if let (Some((sev, text)), true) = (&s.message, message.is_empty()) {
        spans.push(Span::styled(
            format!("  {} ", theme.symbols.sep),
            theme.muted,
        ));
        spans.push(Span::styled(
            format!("{} ", theme.symbols.severity(*sev)),
            theme.severity(*sev),
        ));
        spans.push(Span::styled(text.as_str(), theme.severity(*sev)));
    }
    put_line(
        buf,
        top.x,
        top.y,
        &Line::from(spans),
        top.width,
        false,
        theme,
        Style::new(),
    );
    for (i, line) in message.iter().enumerate() {
        put_line(
            buf,
            area.x,
            area.y + 1 + i as u16,
            line,
            area.width,
            false,
            theme,
            Style::new(),
        );
    }

    // line 2: filter, then key hints
    let mut x = bottom.x + 1;
    let mut cursor = None;
    if let Some(f) = &s.filter {
        let label = Span::styled("/", theme.key);
        buf.set_span(x, bottom.y, &label, 1);
        x += 1;
        let field = if f.editing {
            // room for the text and the cursor, leaving some for hints
            (bottom.width / 2).max(12)
        } else {
            // the whole text (plus the cell the scroller keeps for a cursor)
            (Line::from(f.text.as_str()).width() as u16 + 1).min(bottom.width / 2)
        };
        let (shown, cur) = scroll_input(&f.text, f.cursor, field.saturating_sub(1) as usize);
        let shown_line = Line::styled(shown, theme.filter);
        put_line(
            buf,
            x,
            bottom.y,
            &shown_line,
            field,
            false,
            theme,
            Style::new(),
        );
        if f.editing {
            cursor = Some((x + cur as u16, bottom.y));
        }
        x += field + 2;
    }
    let mut hints = Vec::with_capacity(s.hints.len() * 3);
    for (key, what) in &s.hints {
        hints.push(Span::styled(key.as_str(), theme.key));
        hints.push(Span::raw(" "));
        hints.push(Span::styled(what.as_str(), theme.key_text));
        hints.push(Span::raw("  "));
    }
    if x < bottom.right() {
        put_line(
            buf,
            x,
            bottom.y,
            &Line::from(hints),
            bottom.right() - x,
            false,
            theme,
            Style::new(),
        );
    }
    if let Some(pos) = cursor {
        frame.set_cursor_position(pos);
    }
}

/// The part of `text` to show in `width` cells so that the cursor (a char
/// index) stays visible, and the cursor's cell offset in it.
fn scroll_input(text: &str, cursor: usize, width: usize) -> (String, usize) {
    let chars: Vec<char> = text.chars().collect();
    let cursor = cursor.min(chars.len());
    let start = cursor.saturating_sub(width);
    let end = (start + width).min(chars.len());
    let shown: String = chars[start..end].iter().collect();
    let cur = Line::from(chars[start..cursor].iter().collect::<String>()).width();
    (shown, cur)
}

/// Clear `area` and draw a bordered box titled `title`; returns the inside.
fn boxed(frame: &mut Frame, area: Rect, title: Line<'_>, theme: &Theme) -> Rect {
    frame.render_widget(Clear, area);
    let block = Block::bordered()
        .border_set(theme.symbols.border_focused)
        .border_style(theme.border_focused)
        .title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}
