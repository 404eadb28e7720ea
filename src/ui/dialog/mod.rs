//! The action dialog: the input or choice, what will happen, warnings, the
//! exact request and its kubectl equivalent, and how sending it went.
//!
//! The box is sized to its content and the window. When it does not fit,
//! blank lines go first, then the request body and the plan are shortened
//! (`… N more lines`), then the choice list scrolls; the title, the input
//! and its error, the warnings, the state and the keys stay.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear};

use super::model::{ChoiceView, DialogState, DialogView, InputView, RequestView};
use super::theme::Theme;
use super::widgets::{MARK, floating, put_line, text, viewport, wrap};

mod batch;
mod wrap;

use batch::{batch, batch_widths};
use wrap::{command, wrap_json, wrap_path};

const MIN_WIDTH: u16 = 60;
const MAX_WIDTH: u16 = 100;
/// Narrowest input field, in cells.
const FIELD_MIN: usize = 14;
/// Widest label column (`Request`, the choice label).
const LABEL_MAX: usize = 14;

/// One screen row: pieces of text at offsets from the content's left edge,
/// and where the selection highlight starts, if the row is selected.
#[derive(Default)]
struct Row {
    pieces: Vec<(u16, Line<'static>)>,
    highlight: Option<u16>,
}

impl Row {
    fn at(x: u16, line: Line<'static>) -> Row {
        Row {
            pieces: vec![(x, line)],
            highlight: None,
        }
    }
}

/// A block of rows: fixed `head` rows, then `items` (groups of rows) that
/// can be shortened when the window is small.
#[derive(Default)]
struct Section {
    /// Drawn in the label column of the first row.
    label: Option<Line<'static>>,
    head: Vec<Row>,
    items: Vec<Vec<Row>>,
    /// Shortening order (lower gives up rows first); `None`: never.
    shrink: Option<u8>,
    /// Items kept at least.
    keep: usize,
    /// Where the `… N more` row goes, and its unit (`line`, or none).
    more_x: u16,
    more_unit: &'static str,
    /// Scroll `items` around this one instead of cutting the tail.
    selected: Option<usize>,
    /// Drawn at the bottom of the box (state, keys).
    pinned: bool,
    /// A blank row before it, dropped first when the window is small.
    gap: bool,
    /// Cursor position: head row and offset.
    cursor: Option<(usize, u16)>,
}

impl Section {
    fn height(&self, shown: usize) -> usize {
        let n = self.items.len();
        let shown = shown.min(n);
        let items: usize = if self.selected.is_some() {
            shown
        } else {
            self.items[..shown].iter().map(Vec::len).sum::<usize>() + usize::from(shown < n)
        };
        self.head.len() + items
    }

    /// The rows to draw with `shown` items; the label goes on the first row.
    fn rows(&mut self, shown: usize, theme: &Theme) -> Vec<Row> {
        let n = self.items.len();
        let shown = shown.min(n);
        let mut rows: Vec<Row> = std::mem::take(&mut self.head);
        let mut items = std::mem::take(&mut self.items);
        if let Some(sel) = self.selected {
            let (start, end) = viewport(n, sel, shown);
            rows.extend(items.drain(start..end).flatten());
        } else {
            let hidden: usize = items[shown..].iter().map(Vec::len).sum();
            rows.extend(items.drain(..shown).flatten());
            if shown < n {
                let ell = text("…", theme);
                let more = if self.more_unit.is_empty() {
                    format!("{ell} {} more", n - shown)
                } else {
                    let unit = self.more_unit;
                    let plural = if hidden == 1 { "" } else { "s" };
                    format!("{ell} {hidden} more {unit}{plural}")
                };
                rows.push(Row::at(self.more_x, Line::styled(more, theme.muted)));
            }
        }
        if let Some(label) = self.label.take() {
            match rows.first_mut() {
                Some(first) => first.pieces.insert(0, (0, label)),
                None => rows.push(Row::at(0, label)),
            }
        }
        rows
    }
}

/// Draw the dialog centred in `area`, or in `tall` (the same, extended over
/// the status line) when it does not fit `area`.
pub fn draw(frame: &mut Frame, area: Rect, tall: Rect, d: &DialogView, theme: &Theme) {
    if area.width < 20 || area.height < 4 {
        return;
    }
    let lw = label_width(d);
    let width = (natural_width(d, lw, theme) + 4)
        .clamp(MIN_WIDTH as usize, MAX_WIDTH as usize)
        .min(area.width as usize) as u16;
    let width = floating(area, width, 1).width;
    let cw = width.saturating_sub(4);
    let mut sections = sections(d, lw, cw, theme);
    let mut area = area;
    let mut avail = area.height.saturating_sub(2) as usize;
    let (mut shown, mut gaps) = fit(&sections, avail);
    if total(&sections, &shown, &gaps) > avail && tall.height > area.height {
        area = tall;
        avail = area.height.saturating_sub(2) as usize;
        (shown, gaps) = fit(&sections, avail);
    }
    let total = total(&sections, &shown, &gaps);
    let rect = floating(area, width, total.min(avail) as u16 + 2);

    frame.render_widget(Clear, rect);
    let block = Block::bordered()
        .border_set(theme.symbols.border_focused)
        .border_style(if d.danger {
            Style {
                fg: theme.critical.fg,
                ..theme.border_focused
            }
        } else {
            theme.border_focused
        })
        .title(title(d, rect.width.saturating_sub(4), theme));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let content = Rect::new(inner.x + 1, inner.y, cw, inner.height);

    let pinned: usize = sections
        .iter()
        .zip(&shown)
        .zip(&gaps)
        .filter(|((s, _), _)| s.pinned)
        .map(|((s, &k), &g)| s.height(k) + usize::from(g))
        .sum();
    let flow_end = content
        .bottom()
        .saturating_sub(pinned as u16)
        .max(content.y);
    let mut y = content.y;
    let mut cursor = None;
    for ((section, &k), &gap) in sections.iter_mut().zip(&shown).zip(&gaps) {
        if section.pinned && y < flow_end {
            y = flow_end;
        }
        let end = if section.pinned {
            content.bottom()
        } else {
            flow_end
        };
        if gap {
            y += 1;
        }
        let section_cursor = section.cursor;
        for (i, row) in section.rows(k, theme).into_iter().enumerate() {
            if y >= end {
                break;
            }
            draw_row(frame, content, y, &row, theme);
            if let Some((r, x)) = section_cursor
                && r == i
            {
                cursor = Some((content.x + x, y));
            }
            y += 1;
        }
    }
    if total > avail {
        let mark = format!(" {} enlarge the window to see all ", text("…", theme));
        let w = width_of(&mark) as u16;
        if w + 2 <= rect.width {
            frame.buffer_mut().set_string(
                rect.right() - w - 1,
                rect.bottom() - 1,
                mark,
                theme.muted,
            );
        }
    }
    if let (Some(pos), DialogState::Editing) = (cursor, &d.state) {
        frame.set_cursor_position(pos);
    }
}

fn draw_row(frame: &mut Frame, content: Rect, y: u16, row: &Row, theme: &Theme) {
    let buf = frame.buffer_mut();
    for (x, line) in &row.pieces {
        if *x >= content.width {
            continue;
        }
        put_line(
            buf,
            content.x + x,
            y,
            line,
            content.width - x,
            false,
            theme,
            Style::new(),
        );
    }
    if let Some(x) = row.highlight
        && x < content.width
    {
        buf.set_style(
            Rect::new(content.x + x, y, content.width - x, 1),
            theme.selected,
        );
        buf.set_stringn(
            content.x + x,
            y,
            theme.symbols.selected,
            MARK as usize,
            theme.selected,
        );
    }
}

/// How many items each section shows and which gaps stay, so that the whole
/// fits in `avail` rows (or as nearly as the fixed rows allow).
fn fit(sections: &[Section], avail: usize) -> (Vec<usize>, Vec<bool>) {
    let mut shown = full(sections);
    let mut gaps: Vec<bool> = sections
        .iter()
        .enumerate()
        .map(|(i, s)| i > 0 && s.gap)
        .collect();
    // gaps between flowing sections first, then the ones above the keys
    let mut order: Vec<usize> = (0..sections.len()).collect();
    order.sort_by_key(|&i| (sections[i].pinned, i));
    for i in order {
        if total(sections, &shown, &gaps) <= avail {
            break;
        }
        gaps[i] = false;
    }
    let mut order: Vec<usize> = (0..sections.len())
        .filter(|&i| sections[i].shrink.is_some())
        .collect();
    order.sort_by_key(|&i| sections[i].shrink);
    for i in order {
        let s = &sections[i];
        while total(sections, &shown, &gaps) > avail {
            // the next smaller count that saves a row (`… 1 more line`
            // costs as much as the line)
            let now = s.height(shown[i]);
            match (s.keep..shown[i]).rev().find(|&k| s.height(k) < now) {
                Some(k) => shown[i] = k,
                None => break,
            }
        }
    }
    (shown, gaps)
}

/// Every item of every section.
fn full(sections: &[Section]) -> Vec<usize> {
    sections.iter().map(|s| s.items.len()).collect()
}

/// Rows taken by `sections` showing `shown` items, with `gaps` (missing: none).
fn total(sections: &[Section], shown: &[usize], gaps: &[bool]) -> usize {
    sections
        .iter()
        .enumerate()
        .map(|(i, s)| s.height(shown[i]) + usize::from(gaps.get(i).copied().unwrap_or(false)))
        .sum()
}

fn width_of(s: &str) -> usize {
    Line::from(s).width()
}

fn owned(s: &str, theme: &Theme) -> String {
    text(s, theme).into_owned()
}

/// The label column: wide enough for `Request` and the choice label.
fn label_width(d: &DialogView) -> u16 {
    let mut w = width_of("Request");
    if let Some(c) = &d.choices {
        w = w.max(width_of(&c.label));
    }
    (w + 2).min(LABEL_MAX) as u16
}

/// The width the content would like, before wrapping.
fn natural_width(d: &DialogView, lw: u16, theme: &Theme) -> usize {
    let lw = lw as usize;
    let mut want = width_of(&d.title) + 16;
    if let Some(i) = &d.input {
        let field = (width_of(&i.text) + 2).max(FIELD_MIN) + 2;
        want = want.max((width_of(&i.label) + 2).max(lw) + field);
        let note = i.error.as_ref().or(i.hint.as_ref());
        want = want.max(lw + note.map_or(0, |n| width_of(n) + 2));
    }
    if let Some(c) = &d.choices {
        let cols = column_widths(c, theme);
        want = want.max(lw + MARK as usize + cols.iter().sum::<usize>() + 2 * cols.len());
    }
    for p in &d.plan {
        want = want.max(lw + 2 + width_of(p));
    }
    for w in &d.warnings {
        want = want.max(2 + width_of(w));
    }
    if let Some(b) = &d.batch {
        let cols = batch_widths(b, theme);
        let result = b
            .rows
            .iter()
            .map(|r| width_of(&r.result))
            .max()
            .unwrap_or(0);
        want = want.max(cols.iter().map(|w| w + 2).sum::<usize>() + result.min(40));
    }
    if let Some(r) = &d.request {
        want = want.max(lw + width_of(&r.method) + 1 + width_of(&r.path));
        for b in &r.body {
            want = want.max(lw + width_of(b));
        }
    }
    if let Some(k) = &d.kubectl {
        want = want.max(lw + width_of(k));
    }
    if let DialogState::Failed { error, .. } = &d.state {
        want = want.max(2 + width_of(error));
    }
    want
}

/// ` ⚠ DANGER · Force delete Pod … ` in the top border, cut to `max`.
fn title(d: &DialogView, max: u16, theme: &Theme) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    let mut used = 2;
    let style = if d.danger {
        spans.push(Span::styled(
            format!("{} DANGER", danger_mark(theme)),
            theme.critical.add_modifier(Modifier::REVERSED),
        ));
        spans.push(Span::styled(
            format!(" {} ", theme.symbols.sep),
            theme.critical,
        ));
        used += Line::from(spans.clone()).width();
        theme.critical
    } else {
        theme.pane_title_focused
    };
    let t = owned(&d.title, theme);
    let room = (max as usize).saturating_sub(used);
    spans.push(Span::styled(cut(&t, room, theme), style));
    spans.push(Span::raw(" "));
    Line::from(spans)
}

fn danger_mark(theme: &Theme) -> &'static str {
    if theme.symbols.unicode { "⚠" } else { "!!" }
}

fn bullet(theme: &Theme) -> &'static str {
    if theme.symbols.unicode { "•" } else { "-" }
}

/// `s` in at most `max` cells, with the ellipsis when cut.
fn cut(s: &str, max: usize, theme: &Theme) -> String {
    if width_of(s) <= max {
        return s.to_string();
    }
    let ell = theme.symbols.ellipsis;
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = width_of(c.encode_utf8(&mut [0; 4]));
        if w + cw + width_of(ell) > max {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push_str(ell);
    out
}

fn sections(d: &DialogView, lw: u16, cw: u16, theme: &Theme) -> Vec<Section> {
    let editing = matches!(d.state, DialogState::Editing);
    let mut out = Vec::new();
    if let Some(i) = &d.input {
        out.push(input(i, lw, cw, editing, theme));
    }
    if let Some(c) = &d.choices {
        out.push(choices(c, lw, theme));
    }
    if let Some(b) = &d.batch {
        out.push(batch(b, cw, theme));
    }
    if !d.plan.is_empty() {
        out.push(plan(&d.plan, lw, cw, theme));
    }
    if !d.warnings.is_empty() {
        let mut head = Vec::new();
        for w in &d.warnings {
            head.extend(marked(
                &owned(w, theme),
                theme.symbols.warning,
                cw,
                theme.warning,
            ));
        }
        out.push(Section {
            head,
            gap: true,
            ..Section::default()
        });
    }
    out.push(request(d.request.as_ref(), lw, cw, theme));
    if let Some(k) = &d.kubectl {
        let rows = command(&owned(k, theme), (cw - lw) as usize)
            .into_iter()
            .map(|r| Row::at(lw, Line::raw(r)))
            .collect();
        out.push(Section {
            label: Some(Line::styled("kubectl", theme.label)),
            head: rows,
            ..Section::default()
        });
    }
    match &d.state {
        DialogState::Editing => {}
        DialogState::Sending => out.push(Section {
            head: vec![Row::at(
                0,
                Line::styled(owned("sending…", theme), theme.info),
            )],
            pinned: true,
            gap: true,
            ..Section::default()
        }),
        DialogState::Failed { error, .. } => out.push(Section {
            head: marked(
                &owned(error, theme),
                theme.symbols.critical,
                cw,
                theme.critical,
            ),
            pinned: true,
            gap: true,
            ..Section::default()
        }),
        DialogState::Done { summary, failed } => out.push(Section {
            head: if *failed {
                marked(
                    &owned(summary, theme),
                    theme.symbols.critical,
                    cw,
                    theme.critical,
                )
            } else {
                wrap(&owned(summary, theme), cw as usize)
                    .into_iter()
                    .map(|part| Row::at(0, Line::styled(part, theme.info)))
                    .collect()
            },
            pinned: true,
            gap: true,
            ..Section::default()
        }),
    }
    out.push(Section {
        head: vec![Row::at(0, keys(d, theme))],
        pinned: true,
        gap: true,
        ..Section::default()
    });
    out
}

/// `! text` wrapped to `cw` with a hanging indent, all in `style`.
fn marked(s: &str, mark: &str, cw: u16, style: Style) -> Vec<Row> {
    let indent = (width_of(mark) + 1) as u16;
    wrap(s, cw.saturating_sub(indent) as usize)
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            let mut row = Row::at(indent, Line::styled(part, style));
            if i == 0 {
                row.pieces.push((0, Line::styled(mark.to_string(), style)));
            }
            row
        })
        .collect()
}

/// `Replicas  [5            ]` and, under the field, the error or the hint.
fn input(i: &InputView, lw: u16, cw: u16, editing: bool, theme: &Theme) -> Section {
    let label = owned(&i.label, theme);
    let label_w = width_of(&label) as u16;
    let value = owned(&i.text, theme);
    let field_want = (width_of(&value) + 2).max(FIELD_MIN) as u16;
    let mut head = Vec::new();
    let mut fx = if label_w + 2 <= lw { lw } else { label_w + 2 };
    let label_line = Line::styled(label, theme.key_text.add_modifier(Modifier::BOLD));
    if fx + FIELD_MIN as u16 + 2 > cw {
        // the label on its own row, the field under it
        head.push(Row::at(0, label_line.clone()));
        fx = lw.min(cw.saturating_sub(FIELD_MIN as u16 + 2));
    }
    let field_w = field_want.min(cw.saturating_sub(fx + 2)).max(1);
    let (shown, cur) = super::scroll_input(&value, i.cursor, field_w.saturating_sub(1) as usize);
    let pad = (field_w as usize).saturating_sub(width_of(&shown));
    let style = if editing { theme.filter } else { theme.muted };
    let field = Line::from(vec![
        Span::raw("["),
        Span::styled(format!("{shown}{}", " ".repeat(pad)), style),
        Span::raw("]"),
    ]);
    let cursor = (head.len(), fx + 1 + cur as u16);
    if head.is_empty() {
        let mut row = Row::at(0, label_line);
        row.pieces.push((fx, field));
        head.push(row);
    } else {
        head.push(Row::at(fx, field));
    }
    // under the field when there is room, else from the left edge
    let nx = if cw.saturating_sub(fx) >= 30 { fx } else { 0 };
    match (&i.error, &i.hint) {
        (Some(e), _) => head.extend(
            marked(
                &owned(e, theme),
                theme.symbols.critical,
                cw - nx,
                theme.critical,
            )
            .into_iter()
            .map(|mut r| {
                r.pieces.iter_mut().for_each(|(x, _)| *x += nx);
                r
            }),
        ),
        (None, Some(h)) => head.extend(
            wrap(&owned(h, theme), (cw - nx) as usize)
                .into_iter()
                .map(|part| Row::at(nx, Line::styled(part, theme.muted))),
        ),
        (None, None) => head.push(Row::default()),
    }
    Section {
        head,
        cursor: Some(cursor),
        ..Section::default()
    }
}

fn column_widths(c: &ChoiceView, theme: &Theme) -> Vec<usize> {
    let mut widths: Vec<usize> = c
        .columns
        .iter()
        .map(|h| width_of(&owned(h, theme)))
        .collect();
    for row in &c.rows {
        for (j, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(j) {
                *w = (*w).max(width_of(&owned(cell, theme)));
            }
        }
    }
    widths
}

/// The header and one row per option, in aligned columns after the mark.
fn choices(c: &ChoiceView, lw: u16, theme: &Theme) -> Section {
    let widths = column_widths(c, theme);
    let cells = |cells: &[String], style: Style| -> Row {
        let mut row = Row::default();
        let mut x = lw + MARK;
        for (cell, w) in cells.iter().zip(&widths) {
            row.pieces
                .push((x, Line::styled(owned(cell, theme), style)));
            x = x.saturating_add(*w as u16 + 2);
        }
        row
    };
    let selected = c.selected.min(c.rows.len().saturating_sub(1));
    let items = c
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut row = cells(r, Style::new());
            if i == selected {
                row.highlight = Some(lw);
            }
            vec![row]
        })
        .collect();
    Section {
        label: Some(Line::styled(owned(&c.label, theme), theme.label)),
        head: vec![cells(&c.columns, theme.header)],
        items,
        shrink: Some(2),
        keep: 3,
        selected: Some(selected),
        gap: true,
        ..Section::default()
    }
}

/// `• creates mysql-3 …`, one item each, wrapped under its text.
fn plan(plan: &[String], lw: u16, cw: u16, theme: &Theme) -> Section {
    let room = cw.saturating_sub(lw + 2) as usize;
    let items = plan
        .iter()
        .map(|p| {
            wrap(&owned(p, theme), room)
                .into_iter()
                .enumerate()
                .map(|(i, part)| {
                    let mut row = Row::at(lw + 2, Line::raw(part));
                    if i == 0 {
                        row.pieces.push((lw, Line::raw(bullet(theme))));
                    }
                    row
                })
                .collect()
        })
        .collect();
    Section {
        label: Some(Line::styled("Plan", theme.label)),
        items,
        shrink: Some(1),
        keep: 0,
        more_x: lw,
        gap: true,
        ..Section::default()
    }
}

/// `PATCH /apis/…`, `Content-Type: …` and the body, monospace.
fn request(r: Option<&RequestView>, lw: u16, cw: u16, theme: &Theme) -> Section {
    let room = (cw - lw) as usize;
    let mut section = Section {
        label: Some(Line::styled("Request", theme.label)),
        shrink: Some(0),
        keep: 0,
        more_x: lw,
        more_unit: "line",
        gap: true,
        ..Section::default()
    };
    let Some(r) = r else {
        section.head.push(Row::at(
            lw,
            Line::styled(
                "none: nothing is sent until the input is valid",
                theme.muted,
            ),
        ));
        return section;
    };
    let method = owned(&r.method, theme);
    let first = room.saturating_sub(width_of(&method) + 1);
    for (i, part) in wrap_path(&owned(&r.path, theme), first, room.saturating_sub(2))
        .into_iter()
        .enumerate()
    {
        section.head.push(if i == 0 {
            Row::at(
                lw,
                Line::from(vec![
                    Span::styled(method.clone(), theme.key_text.add_modifier(Modifier::BOLD)),
                    Span::raw(" "),
                    Span::raw(part),
                ]),
            )
        } else {
            Row::at(lw + 2, Line::raw(part))
        });
    }
    for path in &r.also {
        for (i, part) in wrap_path(&owned(path, theme), first, room.saturating_sub(2))
            .into_iter()
            .enumerate()
        {
            section.head.push(if i == 0 {
                Row::at(
                    lw,
                    Line::from(vec![
                        Span::styled(method.clone(), theme.key_text.add_modifier(Modifier::BOLD)),
                        Span::raw(" "),
                        Span::raw(part),
                    ]),
                )
            } else {
                Row::at(lw + 2, Line::raw(part))
            });
        }
    }
    if let Some(ct) = &r.content_type {
        section.head.push(Row::at(
            lw,
            Line::from(vec![
                Span::styled("Content-Type: ", theme.muted),
                Span::raw(owned(ct, theme)),
            ]),
        ));
    }
    for line in &r.body {
        for part in wrap_json(&owned(line, theme), room) {
            section.items.push(vec![Row::at(lw, Line::raw(part))]);
        }
    }
    section
}

/// The footer: what Enter and Esc do now.
fn keys(d: &DialogView, theme: &Theme) -> Line<'static> {
    let mut spans = Vec::new();
    let mut key = |k: &str, what: String, style: Style| {
        spans.push(Span::styled(owned(k, theme), theme.key.patch(style)));
        spans.push(Span::styled(
            format!(" {what}  "),
            theme.key_text.patch(style),
        ));
    };
    match &d.state {
        DialogState::Editing => {
            if d.choices.is_some() {
                key("↑↓", "choose".into(), Style::new());
            }
            if d.can_confirm {
                let style = if d.danger {
                    theme.critical
                } else {
                    Style::new()
                };
                key("Enter", d.confirm.clone(), style);
            } else {
                key(
                    "Enter",
                    format!("{} (unavailable)", d.confirm),
                    theme.unavailable,
                );
            }
            key("Esc", "cancel".into(), Style::new());
        }
        DialogState::Sending | DialogState::Done { .. } => key("Esc", "close".into(), Style::new()),
        DialogState::Failed { retry, .. } => {
            if *retry {
                key("r", "retry on fresh data".into(), Style::new());
            }
            key("Esc", "close".into(), Style::new());
        }
    }
    Line::from(spans)
}
