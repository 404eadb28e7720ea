//! The storage screen: every claim, volume and class in scope, with the
//! chain (or details) of the selected one and the findings about it.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::chain::{self, ChainParts, Ref};
use super::model::StorageTab;
use super::sparkline;
use super::theme::Theme;
use super::widgets::{
    Col, Grid, GridLine, MARK, fit_columns, health, pane, put_line, scroll_mark, severity,
    status_style, text, usage, viewport, wrap,
};
use crate::view::forecast::Resource;
use crate::view::model::{ClaimRow, ClassInfo, Finding, Link, StorageView, UsageView};

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    v: &StorageView,
    tab: StorageTab,
    selected: usize,
    theme: &Theme,
) {
    let len = match tab {
        StorageTab::Claims => v.claims.len(),
        StorageTab::Volumes => v.volumes.len(),
        StorageTab::Classes => v.classes.len(),
    };
    let selected = selected.min(len.saturating_sub(1));
    let detail = detail_lines(v, tab, selected, area.width.saturating_sub(4), theme);
    // the table keeps its rows up to half the screen; the details get the rest
    let table_min = (len as u16 + 3).min(area.height / 2).max(5);
    let detail_h = (detail.len() as u16 + 2)
        .max(4)
        .min(area.height.saturating_sub(table_min));
    let [table, lower] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(detail_h)]).areas(area);
    let buf = frame.buffer_mut();

    let block = pane(tabs(v, tab, theme), true, theme);
    let inner = block.inner(table);
    block.render(table, buf);
    if inner.height >= 2 {
        if len == 0 {
            let what = match tab {
                StorageTab::Claims => "No PersistentVolumeClaims in scope",
                StorageTab::Volumes => "No PersistentVolumes (or they are hidden)",
                StorageTab::Classes => "No StorageClasses (or they are hidden)",
            };
            put_line(
                buf,
                inner.x + 2,
                inner.y + 1,
                &Line::styled(what, theme.muted),
                inner.width.saturating_sub(2),
                false,
                theme,
                Style::new(),
            );
        } else {
            match tab {
                StorageTab::Claims => claims(buf, inner, v, selected, theme),
                StorageTab::Volumes => volumes(buf, inner, v, selected, theme),
                StorageTab::Classes => classes(buf, inner, v, selected, theme),
            }
        }
    }

    let subject = match tab {
        StorageTab::Claims => v.claims.get(selected).map(|c| c.claim.name.as_str()),
        StorageTab::Volumes => v.volumes.get(selected).map(|c| c.volume.name.as_str()),
        StorageTab::Classes => v.classes.get(selected).map(|c| c.name.as_str()),
    };
    let title = match (tab, subject) {
        (StorageTab::Claims, Some(s)) => format!("Chain {} {s}", theme.symbols.sep),
        (_, Some(s)) => format!("Details {} {s}", theme.symbols.sep),
        (_, None) => "Details".into(),
    };
    let block = pane(Line::raw(title), false, theme);
    let inner = block.inner(lower);
    block.render(lower, buf);
    for (row, line) in detail.iter().take(inner.height as usize).enumerate() {
        put_line(
            buf,
            inner.x + 1,
            inner.y + row as u16,
            line,
            inner.width.saturating_sub(1),
            false,
            theme,
            Style::new(),
        );
    }
}

fn tabs<'a>(v: &StorageView, tab: StorageTab, theme: &Theme) -> Line<'a> {
    let unused = v.claims.iter().filter(|c| c.unused).count();
    let items = [
        (StorageTab::Claims, format!("Claims {}", v.claims.len())),
        (StorageTab::Volumes, format!("Volumes {}", v.volumes.len())),
        (StorageTab::Classes, format!("Classes {}", v.classes.len())),
    ];
    let mut spans = Vec::new();
    for (t, label) in items {
        if t == tab {
            spans.push(Span::styled(format!("[{label}]"), theme.tab_active));
        } else {
            spans.push(Span::styled(format!(" {label} "), theme.tab));
        }
        spans.push(Span::raw(" "));
    }
    if unused > 0 {
        spans.push(Span::styled(
            format!("{} {unused} unused claims", theme.symbols.sep),
            theme.warning,
        ));
    }
    Line::from(spans)
}

fn measure(cols: &mut [Col], lines: &[GridLine]) {
    for line in lines {
        if let GridLine::Row { cells, .. } = line {
            for (c, cell) in cols.iter_mut().zip(cells) {
                c.fit(cell.width());
            }
        }
    }
}

fn size_text(requested: &str, capacity: &str) -> (String, bool) {
    match (requested, capacity) {
        (r, "") => (format!("req {r}"), false),
        (r, c) if r.is_empty() || r == c => (c.to_string(), false),
        (r, c) => (format!("{c} of {r}"), true),
    }
}

/// The FULL IN column's index among the claims' columns.
const FULL_IN: usize = 7;

/// The time to full (`31h`, `3d`, `5h inodes`), `—` without a trend, `-`
/// without history.
fn full_in<'a>(c: &'a ClaimRow, theme: &Theme) -> Line<'a> {
    match &c.capacity {
        None => Line::styled("-", theme.muted),
        Some(cap) => {
            let left = sparkline::dash(&cap.full_in, theme);
            let text = match cap.runs_out {
                Some(Resource::Inodes) => format!("{left} inodes"),
                _ => left,
            };
            Line::styled(text, sparkline::full_in_style(cap, theme))
        }
    }
}

fn claims(buf: &mut Buffer, area: Rect, v: &StorageView, selected: usize, theme: &Theme) {
    let total = v.claims.len();
    let (start, end) = viewport(total, selected, area.height as usize - 1);
    let multi_ns = v
        .claims
        .first()
        .is_some_and(|f| v.claims.iter().any(|c| c.namespace != f.namespace));
    // FULL IN only once some claim has a usage history.
    let show_full_in = v.claims.iter().any(|c| c.capacity.is_some());
    let lines: Vec<GridLine> = v.claims[start..end]
        .iter()
        .map(|c| {
            let (size, short) = size_text(&c.claim.requested, &c.claim.capacity);
            let owner = match (c.owner.is_empty(), c.unused) {
                (false, true) => Line::styled(
                    format!("{} orphaned", c.owner),
                    theme.warning.add_modifier(Modifier::BOLD),
                ),
                (false, false) => Line::raw(c.owner.as_str()),
                (true, _) => Line::styled("none", theme.muted),
            };
            let class = match &c.class {
                Link::Present(sc) => Line::raw(sc.name.as_str()),
                Link::Missing(_) => Line::styled("missing", theme.warning),
                Link::Hidden(_) => Line::styled("hidden", theme.muted),
            };
            let volume = match &c.volume {
                Link::Present(pv) => Line::styled(pv.name.as_str(), theme.muted),
                Link::Missing(_) => Line::styled("-", theme.muted),
                Link::Hidden(_) => Line::styled("hidden", theme.muted),
            };
            let mut phase = c.claim.phase.clone();
            if c.claim.deleting {
                phase.push_str(" Terminating");
            }
            let mut cells = vec![
                Line::styled(c.namespace.as_str(), theme.muted),
                Line::raw(c.claim.name.as_str()),
                Line::styled(phase, status_style(&c.claim.phase, theme)),
                Line::styled(size, if short { theme.warning } else { Style::new() }),
                class,
                owner,
                match &c.usage {
                    UsageView::Unknown(_) => Line::styled("-", theme.muted),
                    known => Line::from(usage(known, 0, theme)),
                },
                full_in(c, theme),
                Line::from(health(c.health, theme)),
                volume,
                Line::styled(c.age.as_str(), theme.muted),
            ];
            if !show_full_in {
                cells.remove(FULL_IN);
            }
            GridLine::Row {
                cells,
                style: Style::new(),
            }
        })
        .collect();
    let mut cols = [
        Col::new("NAMESPACE", 9, if multi_ns { 5 } else { u8::MAX }),
        Col::new("NAME", 12, 0),
        Col::new("PHASE", 5, 1),
        Col::new("CAPACITY", 8, 4),
        Col::new("CLASS", 5, 6),
        Col::new("OWNER", 5, 2),
        Col::new("USAGE", 5, 7),
        Col::new("FULL IN", 7, 3),
        Col::new("HEALTH", 6, 3),
        Col::new("VOLUME", 10, 9),
        Col::new("AGE", 3, 8).right(),
    ];
    if !multi_ns {
        cols[0].min = u16::MAX;
    }
    let mut cols = cols.to_vec();
    if !show_full_in {
        cols.remove(FULL_IN);
    }
    measure(&mut cols, &lines);
    cols[1].min = cols[1].want.min(24);
    cols[3].min = cols[3].want.min(12);
    cols[4].min = cols[4].want.min(12);
    cols[5].min = cols[5].want.min(16);
    let cols: Vec<Col> = cols.into_iter().map(Col::finish).collect();
    let widths = fit_columns(&cols, area.width.saturating_sub(MARK));
    Grid {
        cols: &cols,
        widths: &widths,
        lines,
        selected: Some(selected - start),
        show_selection: true,
    }
    .render(buf, area, theme);
    scroll_mark(buf, area, start, end - start, total, theme);
}

fn volumes(buf: &mut Buffer, area: Rect, v: &StorageView, selected: usize, theme: &Theme) {
    let total = v.volumes.len();
    let (start, end) = viewport(total, selected, area.height as usize - 1);
    let lines: Vec<GridLine> = v.volumes[start..end]
        .iter()
        .map(|r| GridLine::Row {
            cells: vec![
                Line::raw(r.volume.name.as_str()),
                Line::styled(
                    r.volume.phase.as_str(),
                    status_style(&r.volume.phase, theme),
                ),
                Line::raw(r.volume.capacity.as_str()),
                Line::raw(r.volume.reclaim_policy.as_str()),
                Line::raw(r.class.as_str()),
                if r.claim.is_empty() {
                    Line::styled("unclaimed", theme.warning)
                } else {
                    Line::raw(r.claim.as_str())
                },
                Line::from(health(r.health, theme)),
                Line::styled(text(&r.volume.source, theme), theme.muted),
                Line::styled(r.age.as_str(), theme.muted),
            ],
            style: Style::new(),
        })
        .collect();
    let mut cols = [
        Col::new("NAME", 12, 0),
        Col::new("PHASE", 5, 1),
        Col::new("CAPACITY", 8, 4),
        Col::new("RECLAIM", 7, 3),
        Col::new("CLASS", 5, 6),
        Col::new("CLAIM", 10, 2),
        Col::new("HEALTH", 6, 5),
        Col::new("SOURCE", 12, 8),
        Col::new("AGE", 3, 7).right(),
    ];
    measure(&mut cols, &lines);
    cols[0].min = cols[0].want.min(20);
    cols[5].min = cols[5].want.min(22);
    let cols = cols.map(Col::finish);
    let widths = fit_columns(&cols, area.width.saturating_sub(MARK));
    Grid {
        cols: &cols,
        widths: &widths,
        lines,
        selected: Some(selected - start),
        show_selection: true,
    }
    .render(buf, area, theme);
    scroll_mark(buf, area, start, end - start, total, theme);
}

fn classes(buf: &mut Buffer, area: Rect, v: &StorageView, selected: usize, theme: &Theme) {
    let total = v.classes.len();
    let (start, end) = viewport(total, selected, area.height as usize - 1);
    let lines: Vec<GridLine> = v.classes[start..end]
        .iter()
        .map(|c| GridLine::Row {
            cells: vec![
                Line::raw(if c.is_default {
                    format!("{} (default)", c.name)
                } else {
                    c.name.clone()
                }),
                Line::raw(c.provisioner.as_str()),
                Line::raw(c.reclaim_policy.as_str()),
                Line::raw(c.binding_mode.as_str()),
                if c.allow_expansion {
                    Line::raw("yes")
                } else {
                    Line::styled("no", theme.muted)
                },
            ],
            style: Style::new(),
        })
        .collect();
    let mut cols = [
        Col::new("NAME", 12, 0),
        Col::new("PROVISIONER", 12, 1),
        Col::new("RECLAIM", 7, 2),
        Col::new("BINDING", 9, 3),
        Col::new("EXPANSION", 9, 4),
    ];
    measure(&mut cols, &lines);
    cols[3].min = cols[3].want;
    let cols = cols.map(Col::finish);
    let widths = fit_columns(&cols, area.width.saturating_sub(MARK));
    Grid {
        cols: &cols,
        widths: &widths,
        lines,
        selected: Some(selected - start),
        show_selection: true,
    }
    .render(buf, area, theme);
    scroll_mark(buf, area, start, end - start, total, theme);
}

fn about<'a>(findings: &'a [Finding], kind: &str, name: &str) -> impl Iterator<Item = &'a Finding> {
    let kind = kind.to_string();
    let name = name.to_string();
    findings
        .iter()
        .filter(move |f| f.objects.iter().any(|o| o.kind == kind && o.name == name))
}

fn finding_lines<'a>(
    out: &mut Vec<Line<'a>>,
    findings: impl Iterator<Item = &'a Finding>,
    width: u16,
    theme: &Theme,
) {
    for f in findings {
        out.push(Line::from(vec![
            severity(f.severity, theme),
            Span::raw("  "),
            Span::styled(
                text(&f.title, theme),
                Style::new().add_modifier(Modifier::BOLD),
            ),
        ]));
        for l in wrap(&text(&f.detail, theme), width.saturating_sub(8) as usize) {
            out.push(Line::from(vec![Span::raw("        "), Span::raw(l)]));
        }
    }
}

fn class_line<'a>(c: &'a ClassInfo, theme: &Theme) -> Line<'a> {
    let sep = format!(" {} ", theme.symbols.sep);
    Line::from(vec![
        Span::styled("SC ", theme.label),
        Span::styled(c.name.as_str(), Style::new().add_modifier(Modifier::BOLD)),
        Span::styled(if c.is_default { " (default)" } else { "" }, theme.muted),
        Span::styled(sep.clone(), theme.muted),
        Span::raw(c.provisioner.as_str()),
        Span::styled(sep.clone(), theme.muted),
        Span::styled("reclaim ", theme.label),
        Span::raw(c.reclaim_policy.as_str()),
        Span::styled(sep.clone(), theme.muted),
        Span::raw(c.binding_mode.as_str()),
        Span::styled(sep, theme.muted),
        if c.allow_expansion {
            Span::raw("expandable")
        } else {
            Span::styled("no expansion", theme.muted)
        },
    ])
}

fn detail_lines<'a>(
    v: &'a StorageView,
    tab: StorageTab,
    selected: usize,
    width: u16,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let mut out = Vec::new();
    match tab {
        StorageTab::Claims => {
            let Some(c) = v.claims.get(selected) else {
                return out;
            };
            out.extend(chain::lines(
                &ChainParts {
                    template: "",
                    claim: Ref::Present(&c.claim),
                    volume: (&c.volume).into(),
                    class: (&c.class).into(),
                    usage: &c.usage,
                    capacity: c.capacity.as_ref(),
                },
                width,
                theme,
            ));
            finding_lines(
                &mut out,
                about(&v.findings, "PersistentVolumeClaim", &c.claim.name),
                width,
                theme,
            );
        }
        StorageTab::Volumes => {
            let Some(r) = v.volumes.get(selected) else {
                return out;
            };
            let pv = &r.volume;
            let sep = format!(" {} ", theme.symbols.sep);
            out.push(Line::from(vec![
                Span::styled("PV ", theme.label),
                Span::styled(pv.name.as_str(), Style::new().add_modifier(Modifier::BOLD)),
                Span::styled(sep.clone(), theme.muted),
                Span::styled(pv.phase.as_str(), status_style(&pv.phase, theme)),
                Span::styled(sep.clone(), theme.muted),
                Span::raw(pv.capacity.as_str()),
                Span::styled(sep, theme.muted),
                Span::styled("reclaim ", theme.label),
                Span::raw(pv.reclaim_policy.as_str()),
            ]));
            out.push(Line::from(vec![
                Span::styled("   source ", theme.label),
                Span::raw(text(&pv.source, theme)),
            ]));
            if !pv.node_affinity.is_empty() {
                out.push(Line::from(vec![
                    Span::styled("   pinned ", theme.label),
                    Span::raw(pv.node_affinity.as_str()),
                ]));
            }
            out.push(Line::from(vec![
                Span::styled("   claim ", theme.label),
                if r.claim.is_empty() {
                    Span::styled("none (unclaimed)", theme.warning)
                } else {
                    Span::raw(r.claim.as_str())
                },
            ]));
            finding_lines(
                &mut out,
                about(&v.findings, "PersistentVolume", &pv.name),
                width,
                theme,
            );
        }
        StorageTab::Classes => {
            let Some(c) = v.classes.get(selected) else {
                return out;
            };
            out.push(class_line(c, theme));
            let used = v
                .claims
                .iter()
                .filter(|r| matches!(&r.class, Link::Present(sc) if sc.name == c.name))
                .count();
            out.push(Line::from(vec![
                Span::styled("   claims ", theme.label),
                Span::raw(used.to_string()),
            ]));
            finding_lines(
                &mut out,
                about(&v.findings, "StorageClass", &c.name),
                width,
                theme,
            );
        }
    }
    out
}
