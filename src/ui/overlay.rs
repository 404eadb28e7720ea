//! Overlays drawn over the screen: the help table, the namespace switcher
//! and the action dialog (in `dialog.rs`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::model::Overlay;
use super::theme::Theme;
use super::widgets::{
    Col, Grid, GridLine, MARK, centered, fit_columns, floating, put_line, text, viewport,
};

/// `tall` is `area` extended over the status line, for dialogs that need it.
pub fn draw(frame: &mut Frame, area: Rect, tall: Rect, overlay: &Overlay, theme: &Theme) {
    match overlay {
        Overlay::Help { title, keys } => help(frame, area, title, keys, theme),
        Overlay::Namespaces {
            items,
            picked,
            selected,
            filter,
        } => namespaces(frame, area, items, picked, *selected, filter, theme),
        Overlay::Dialog(dialog) => super::dialog::draw(frame, area, tall, dialog, theme),
    }
}

fn help(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    keys: &[(String, String, bool)],
    theme: &Theme,
) {
    let key_w = keys
        .iter()
        .map(|(k, _, _)| Line::from(k.as_str()).width())
        .max()
        .unwrap_or(3);
    let what_w = keys
        .iter()
        .map(|(_, w, ok)| Line::from(w.as_str()).width() + if *ok { 0 } else { 14 })
        .max()
        .unwrap_or(4);
    let width = (key_w + what_w + 2 + MARK as usize + 4).max(title.len() + 8) as u16;
    let height = keys.len() as u16 + 5;
    let rect = floating(area, width, height.min(area.height));
    let t = Line::styled(format!(" {title} "), theme.pane_title_focused);
    let inner = super::boxed(frame, rect, t, theme);
    let inner = Rect::new(
        inner.x + 1,
        inner.y,
        inner.width.saturating_sub(2),
        inner.height,
    );
    let footer_y = inner.bottom().saturating_sub(1);
    let table = Rect::new(
        inner.x,
        inner.y,
        inner.width,
        inner.height.saturating_sub(2),
    );
    let lines: Vec<GridLine> = keys
        .iter()
        .take(table.height.saturating_sub(1) as usize)
        .map(|(k, what, ok)| {
            if *ok {
                GridLine::Row {
                    cells: vec![
                        Line::styled(text(k, theme), theme.key),
                        Line::raw(text(what, theme)),
                    ],
                    style: Style::new(),
                }
            } else {
                GridLine::Row {
                    cells: vec![
                        Line::raw(text(k, theme)),
                        Line::from(vec![
                            Span::raw(text(what, theme)),
                            Span::raw(" (unavailable)"),
                        ]),
                    ],
                    style: theme.unavailable,
                }
            }
        })
        .collect();
    let cols = [
        Col {
            want: key_w as u16,
            ..Col::new("KEY", key_w as u16, 0)
        },
        Col {
            want: what_w as u16,
            ..Col::new("WHAT", 10, 1)
        },
    ];
    let widths = fit_columns(&cols, table.width.saturating_sub(MARK));
    Grid {
        cols: &cols,
        widths: &widths,
        lines,
        selected: None,
        show_selection: false,
    }
    .render(frame.buffer_mut(), table, theme);
    let hidden = keys
        .len()
        .saturating_sub(table.height.saturating_sub(1) as usize);
    let mut footer = vec![
        Span::styled("Esc", theme.key),
        Span::raw(" or "),
        Span::styled("?", theme.key),
        Span::raw(" closes"),
    ];
    if hidden > 0 {
        footer.push(Span::styled(
            format!("  (+{hidden} more: enlarge the window)"),
            theme.muted,
        ));
    }
    put_line(
        frame.buffer_mut(),
        inner.x + MARK,
        footer_y,
        &Line::from(footer),
        inner.width.saturating_sub(MARK),
        false,
        theme,
        Style::new(),
    );
}

fn namespaces(
    frame: &mut Frame,
    area: Rect,
    items: &[String],
    picked: &[String],
    selected: usize,
    filter: &str,
    theme: &Theme,
) {
    let longest = items.iter().map(|i| i.len()).max().unwrap_or(0);
    let width = (longest + 10).clamp(36, 60) as u16;
    let height = (items.len() as u16 + 5).clamp(8, area.height.saturating_sub(2).max(8));
    let rect = centered(area, width, height);
    let t = Line::styled(
        format!(" Namespaces ({}) ", items.len()),
        theme.pane_title_focused,
    );
    let inner = super::boxed(frame, rect, t, theme);
    let buf = frame.buffer_mut();
    // filter line
    let mut fl = vec![Span::styled("/", theme.key)];
    if filter.is_empty() {
        fl.push(Span::styled(" type to filter", theme.muted));
    } else {
        fl.push(Span::styled(filter, theme.filter));
    }
    put_line(
        buf,
        inner.x + 1,
        inner.y,
        &Line::from(fl),
        inner.width.saturating_sub(2),
        false,
        theme,
        Style::new(),
    );
    let list = Rect::new(
        inner.x,
        inner.y + 1,
        inner.width,
        inner.height.saturating_sub(2),
    );
    if items.is_empty() {
        put_line(
            buf,
            list.x + MARK,
            list.y + 1,
            &Line::styled(format!("no namespace matches /{filter}"), theme.muted),
            list.width.saturating_sub(MARK),
            false,
            theme,
            Style::new(),
        );
    } else {
        let selected = selected.min(items.len() - 1);
        let h = list.height as usize;
        let (start, end) = viewport(items.len(), selected, h);
        for (row, i) in (start..end).enumerate() {
            let y = list.y + row as u16;
            let line = if picked.contains(&items[i]) {
                Line::from(vec![
                    Span::styled(format!("{} ", theme.symbols.ok), theme.ok),
                    Span::raw(items[i].as_str()),
                ])
            } else {
                Line::raw(items[i].as_str())
            };
            put_line(
                buf,
                list.x + MARK,
                y,
                &line,
                list.width.saturating_sub(MARK + 1),
                false,
                theme,
                Style::new(),
            );
            if i == selected {
                buf.set_style(Rect::new(list.x, y, list.width, 1), theme.selected);
                buf.set_stringn(list.x, y, theme.symbols.selected, 1, theme.selected);
            }
        }
    }
    let footer = Line::from(vec![
        Span::styled("Enter", theme.key),
        Span::raw(if picked.len() > 1 {
            " watch  "
        } else {
            " go  "
        }),
        Span::styled("Space", theme.key),
        Span::raw(" pick  "),
        Span::styled("Esc", theme.key),
        Span::raw(" cancel"),
    ]);
    put_line(
        buf,
        inner.x + 1,
        inner.bottom().saturating_sub(1),
        &footer,
        inner.width.saturating_sub(2),
        false,
        theme,
        Style::new(),
    );
}
