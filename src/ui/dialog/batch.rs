//! A batch's table in the dialog: one item per object, its cells in
//! aligned columns and its result wrapped in the last column.

use ratatui::style::Style;
use ratatui::text::Line;

use super::{Row, Section, owned, width_of};
use crate::ui::model::BatchView;
use crate::ui::theme::Theme;
use crate::ui::widgets::wrap;

pub(super) fn batch_widths(b: &BatchView, theme: &Theme) -> Vec<usize> {
    let n = b.columns.len().saturating_sub(1);
    let mut widths: Vec<usize> = b.columns[..n]
        .iter()
        .map(|h| width_of(&owned(h, theme)))
        .collect();
    for row in &b.rows {
        for (cell, w) in row.cells.iter().zip(widths.iter_mut()) {
            *w = (*w).max(width_of(&owned(cell, theme)));
        }
    }
    widths
}

/// The batch's table: one item per object, its cells in aligned columns and
/// its result wrapped in the last column (failures in the critical style).
pub(super) fn batch(b: &BatchView, cw: u16, theme: &Theme) -> Section {
    let widths = batch_widths(b, theme);
    let result_x: u16 = widths.iter().map(|w| *w as u16 + 2).sum();
    let room = cw.saturating_sub(result_x).max(8) as usize;
    let cells = |cells: &[String], style: Style| -> Row {
        let mut row = Row::default();
        let mut x = 0u16;
        for (cell, w) in cells.iter().zip(&widths) {
            row.pieces
                .push((x, Line::styled(owned(cell, theme), style)));
            x = x.saturating_add(*w as u16 + 2);
        }
        row
    };
    let mut header = cells(&b.columns, theme.header);
    if let Some(last) = b.columns.last().filter(|_| b.columns.len() > widths.len()) {
        header
            .pieces
            .push((result_x, Line::styled(owned(last, theme), theme.header)));
    }
    let items = b
        .rows
        .iter()
        .map(|r| {
            let style = if r.failed {
                theme.critical
            } else {
                Style::new()
            };
            let mut rows = Vec::new();
            for (i, part) in wrap(&owned(&r.result, theme), room).into_iter().enumerate() {
                let mut row = if i == 0 {
                    cells(&r.cells, Style::new())
                } else {
                    Row::default()
                };
                row.pieces.push((result_x, Line::styled(part, style)));
                rows.push(row);
            }
            rows
        })
        .collect();
    Section {
        head: vec![header],
        items,
        // the table is the batch's plan: shortened last, a few rows kept
        shrink: Some(3),
        keep: 3,
        gap: true,
        ..Section::default()
    }
}
