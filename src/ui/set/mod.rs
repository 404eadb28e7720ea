//! One StatefulSet: header, ordinal table with the partition boundary, and
//! the panes of the selected ordinal (volume chains, findings, events, live
//! log). Narrow windows stack the panes (ordinals on top, the focused other
//! pane below); wide ones show ordinals and chains side by side with
//! findings, events and the log underneath.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::chain::{self, ChainParts};
use super::list::rollout_style;
use super::model::SetPane;
use super::theme::Theme;
use super::widgets::{
    Col, Grid, GridLine, MARK, fit_columns, not_ready, pane, put_line, scroll_mark, severity,
    severity_mark, status_style, text, viewport, wrap,
};
use crate::view::model::{
    EventRow, Finding, LogRow, OrdinalRow, PartitionSide, SetDetail, SetHeader, Severity,
};

mod ordinals;
mod panes;

use ordinals::{ordinals, rules};
use panes::{events_pane, findings_pane, log_pane};

/// Windows at least this big show the side-by-side layout.
pub const WIDE_WIDTH: u16 = 120;
pub const WIDE_HEIGHT: u16 = 34;

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    d: &SetDetail,
    selected: usize,
    focus: SetPane,
    scroll: u16,
    theme: &Theme,
) {
    let wide = area.width >= WIDE_WIDTH && area.height >= WIDE_HEIGHT;
    let header = if area.height < 18 {
        compact_header(&d.header, theme)
    } else {
        header_lines(&d.header, wide, area.width, theme)
    };
    let header_h = header.len() as u16;
    let [head, rest] =
        Layout::vertical([Constraint::Length(header_h), Constraint::Fill(1)]).areas(area);
    for (row, line) in header.iter().enumerate() {
        put_line(
            frame.buffer_mut(),
            head.x,
            head.y + row as u16,
            line,
            head.width,
            false,
            theme,
            Style::new(),
        );
    }
    let selected = selected.min(d.ordinals.len().saturating_sub(1));
    let rules = rules(d);
    let ord_needed = (d.ordinals.len() + rules.len()) as u16 + 3;
    let buf = frame.buffer_mut();

    if wide {
        let top_max = rest.height * 11 / 20;
        let chain_needed = chain_height(d) + 2;
        let top_h = ord_needed.max(chain_needed).clamp(6, top_max);
        let [top, bottom] =
            Layout::vertical([Constraint::Length(top_h), Constraint::Fill(1)]).areas(rest);
        let [ords, chains] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Fill(1)]).areas(top);
        let [finds, right] =
            Layout::horizontal([Constraint::Percentage(45), Constraint::Fill(1)]).areas(bottom);
        let [events, log] =
            Layout::vertical([Constraint::Percentage(50), Constraint::Fill(1)]).areas(right);
        ordinals(buf, ords, d, &rules, selected, focus, theme);
        let s = |p: SetPane| if focus == p { scroll } else { 0 };
        chain_pane(
            buf,
            chains,
            d,
            selected,
            focus == SetPane::Chain,
            s(SetPane::Chain),
            None,
            theme,
        );
        findings_pane(
            buf,
            finds,
            d,
            focus == SetPane::Findings,
            s(SetPane::Findings),
            None,
            theme,
        );
        events_pane(
            buf,
            events,
            d,
            focus == SetPane::Events,
            s(SetPane::Events),
            None,
            theme,
        );
        log_pane(
            buf,
            log,
            d,
            focus == SetPane::Log,
            s(SetPane::Log),
            None,
            theme,
        );
    } else {
        let ord_max = rest.height.saturating_sub(7).max(rest.height * 3 / 5);
        let ord_h = ord_needed.clamp(5.min(rest.height), ord_max.max(5));
        let [ords, lower] =
            Layout::vertical([Constraint::Length(ord_h), Constraint::Fill(1)]).areas(rest);
        ordinals(buf, ords, d, &rules, selected, focus, theme);
        let shown = if focus == SetPane::Ordinals {
            SetPane::Chain
        } else {
            focus
        };
        let focused = focus == shown;
        let scroll = if focused { scroll } else { 0 };
        let tabs = Some(tab_title(d, shown, theme));
        match shown {
            SetPane::Chain | SetPane::Ordinals => {
                chain_pane(buf, lower, d, selected, focused, scroll, tabs, theme)
            }
            SetPane::Findings => findings_pane(buf, lower, d, focused, scroll, tabs, theme),
            SetPane::Events => events_pane(buf, lower, d, focused, scroll, tabs, theme),
            SetPane::Log => log_pane(buf, lower, d, focused, scroll, tabs, theme),
        }
    }
}

/// The lower pane's title in the stacked layout: every pane Tab reaches,
/// the shown one bracketed (readable without colour).
fn tab_title<'a>(d: &SetDetail, shown: SetPane, theme: &Theme) -> Line<'a> {
    let mut spans = Vec::new();
    for p in &SetPane::ALL[1..] {
        let count = match p {
            SetPane::Findings => Some(d.findings.len()),
            SetPane::Events => Some(d.events_total),
            _ => None,
        };
        let label = match count {
            Some(n) if n > 0 => format!("{} {n}", p.title()),
            _ => p.title().to_string(),
        };
        if !spans.is_empty() {
            spans.push(Span::styled(" ", theme.muted));
        }
        if *p == shown {
            spans.push(Span::styled(format!("[{label}]"), theme.tab_active));
        } else {
            spans.push(Span::styled(format!(" {label} "), theme.tab));
        }
    }
    Line::from(spans)
}

/// A revision name without the set's name in front: `mysql-6c9f7d8b5 (rev 2)`
/// → `6c9f7d8b5 (rev 2)`, matching the hashes in the ordinal table.
fn short_revision<'a>(rev: &'a str, set: &str) -> &'a str {
    rev.strip_prefix(set)
        .and_then(|r| r.strip_prefix('-'))
        .unwrap_or(rev)
}

/// Two lines for short windows: identity and strategy, then the rollout.
fn compact_header<'a>(h: &'a SetHeader, theme: &Theme) -> Vec<Line<'a>> {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut l1 = vec![
        Span::raw(" "),
        Span::styled(h.name.as_str(), bold),
        Span::raw("  "),
        Span::raw(h.strategy.as_str()),
    ];
    if let Some(p) = h.partition {
        l1.push(Span::raw("  "));
        l1.push(Span::styled(format!("partition {p}"), theme.partition));
    }
    l1.push(Span::raw("  "));
    l1.push(Span::raw(h.policy.as_str()));
    vec![
        Line::from(l1),
        Line::from(vec![
            Span::raw(" "),
            Span::styled("rollout ", theme.label),
            Span::styled(text(&h.rollout, theme), rollout_style(&h.rollout, theme)),
        ]),
    ]
}

fn header_lines<'a>(h: &'a SetHeader, wide: bool, width: u16, theme: &Theme) -> Vec<Line<'a>> {
    let sep = || Span::styled("  ", Style::new());
    let label = |s: &'a str| Span::styled(s, theme.label);
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut lines = Vec::with_capacity(6);
    lines.push(Line::from(vec![
        Span::raw(" "),
        Span::styled(h.name.as_str(), bold),
        sep(),
        label("ns "),
        Span::raw(h.namespace.as_str()),
        sep(),
        label("selector "),
        Span::raw(h.selector.as_str()),
        sep(),
        label("service "),
        Span::raw(if h.service.is_empty() {
            "-"
        } else {
            h.service.as_str()
        }),
        sep(),
        label("age "),
        Span::raw(h.age.as_str()),
    ]));
    let mut l2 = vec![
        Span::raw(" "),
        label("strategy "),
        Span::raw(h.strategy.as_str()),
    ];
    if let Some(p) = h.partition {
        l2.push(sep());
        l2.push(label("partition "));
        l2.push(Span::styled(p.to_string(), theme.partition));
    }
    l2.extend([
        sep(),
        label("policy "),
        Span::raw(h.policy.as_str()),
        sep(),
        label("retention "),
        Span::raw(h.retention.as_str()),
    ]);
    lines.push(Line::from(l2));
    let mut l3 = vec![Span::raw(" "), label("revision ")];
    let current = short_revision(&h.current_revision, &h.name);
    let update = short_revision(&h.update_revision, &h.name);
    if current == update || update.is_empty() {
        l3.push(Span::raw(current));
        l3.push(Span::styled("  (current = update)", theme.muted));
    } else {
        l3.push(label("current "));
        l3.push(Span::styled(current, theme.revision_current));
        l3.push(Span::styled(
            format!(" {} ", theme.symbols.arrow),
            theme.muted,
        ));
        l3.push(label("update "));
        l3.push(Span::styled(
            format!("{} {}", theme.symbols.update, update),
            theme.revision_update,
        ));
    }
    lines.push(Line::from(l3));
    if wide {
        lines.push(Line::from(vec![
            Span::raw(" "),
            label("images "),
            Span::raw(h.images.join(", ")),
        ]));
        lines.push(Line::from(vec![
            Span::raw(" "),
            label("conditions "),
            Span::raw(if h.conditions.is_empty() {
                "-".to_string()
            } else {
                h.conditions.join(", ")
            }),
        ]));
    }
    // the rollout in words matters most: wrap it to two lines if needed
    let style = rollout_style(&h.rollout, theme);
    let rollout = text(&h.rollout, theme);
    let mut parts = wrap(&rollout, (width as usize).saturating_sub(10)).into_iter();
    lines.push(Line::from(vec![
        Span::raw(" "),
        label("rollout "),
        Span::styled(parts.next().unwrap_or_default(), style),
    ]));
    let rest: Vec<String> = parts.collect();
    if !rest.is_empty() {
        lines.push(Line::from(vec![
            Span::raw("         "),
            Span::styled(rest.join(" "), style),
        ]));
    }
    lines
}

/// Lines of every chain of the selected ordinal.
fn chain_height(d: &SetDetail) -> u16 {
    d.chains
        .iter()
        .map(|c| {
            let mut n = 4;
            if let crate::view::model::Link::Present(pv) = &c.volume {
                n += (!pv.source.is_empty()) as u16 + (!pv.node_affinity.is_empty()) as u16;
            }
            if let crate::view::model::Link::Present(pvc) = &c.claim {
                n += pvc.conditions.len() as u16;
            }
            n + 1
        })
        .sum::<u16>()
        .saturating_sub(1)
        .max(1)
}

#[allow(clippy::too_many_arguments)]
fn chain_pane(
    buf: &mut Buffer,
    area: Rect,
    d: &SetDetail,
    selected: usize,
    focused: bool,
    scroll: u16,
    tabs: Option<Line<'_>>,
    theme: &Theme,
) {
    let pod = d
        .ordinals
        .get(selected)
        .map(|o| o.pod.as_str())
        .unwrap_or("");
    let title = tabs.unwrap_or_else(|| Line::raw(SetPane::Chain.title()));
    let mut title = title;
    title.spans.push(Span::styled(
        format!(" {} {pod}", theme.symbols.sep),
        Style::new(),
    ));
    let block = pane(title, focused, theme);
    let inner = block.inner(area);
    ratatui::widgets::Widget::render(block, area, buf);
    let mut lines: Vec<Line> = Vec::new();
    if d.chains.is_empty() {
        lines.push(Line::styled(
            "No volumeClaimTemplates: this set keeps no per-ordinal storage.",
            theme.muted,
        ));
    }
    for (i, c) in d.chains.iter().enumerate() {
        if i > 0 {
            lines.push(Line::raw(""));
        }
        lines.extend(chain::lines(
            &ChainParts {
                template: &c.template,
                claim: (&c.claim).into(),
                volume: (&c.volume).into(),
                class: (&c.class).into(),
                usage: &c.usage,
                capacity: c.capacity.as_ref(),
            },
            inner.width.saturating_sub(1),
            theme,
        ));
    }
    render_lines(buf, inner, lines, scroll, theme);
}

/// Draw `lines` from `scroll` on, one per row, truncated with an ellipsis.
fn render_lines(buf: &mut Buffer, area: Rect, lines: Vec<Line<'_>>, scroll: u16, theme: &Theme) {
    let scroll = (scroll as usize).min(lines.len().saturating_sub(area.height as usize));
    scroll_mark(buf, area, scroll, area.height as usize, lines.len(), theme);
    for (row, line) in lines
        .iter()
        .skip(scroll)
        .take(area.height as usize)
        .enumerate()
    {
        put_line(
            buf,
            area.x + 1,
            area.y + row as u16,
            line,
            area.width.saturating_sub(1),
            false,
            theme,
            Style::new(),
        );
    }
}
