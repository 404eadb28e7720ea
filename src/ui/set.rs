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

/// A labelled rule inserted before ordinal index `at`.
struct Rule {
    at: usize,
    label: String,
    partition: bool,
}

fn rules(d: &SetDetail) -> Vec<Rule> {
    let mut out = Vec::with_capacity(2);
    if let Some(p) = d.partition {
        let at = d
            .ordinals
            .iter()
            .position(|o| o.ordinal >= p || o.partition == PartitionSide::Updates)
            .unwrap_or(d.ordinals.len());
        out.push(Rule {
            at,
            label: format!("partition {p}"),
            partition: true,
        });
    }
    if let Some(at) = d.ordinals.iter().position(|o| o.beyond_replicas) {
        out.push(Rule {
            at,
            label: format!(
                "replicas end: ordinals ≥ {} are beyond replicas",
                d.ordinals[at].ordinal
            ),
            partition: false,
        });
    }
    out.sort_by_key(|r| (r.at, !r.partition));
    out
}

fn rule_line<'a>(r: &Rule, width: u16, theme: &Theme) -> Line<'a> {
    let ge = theme.symbols.at_least;
    if r.partition {
        let p = r.label.trim_start_matches("partition ");
        Line::from(vec![
            Span::styled(r.label.clone(), theme.partition),
            Span::styled(
                if width >= 70 {
                    format!(": above held back, below (ordinals {ge} {p}) update")
                } else {
                    format!(": ordinals {ge} {p} update")
                },
                theme.partition,
            ),
        ])
    } else {
        Line::styled(r.label.replace('≥', ge), theme.muted)
    }
}

// ordinal table columns
const MARKC: usize = 0;
const POD: usize = 1;
const STATUS: usize = 2;
const READY: usize = 3;
const REV: usize = 5;
const RESTARTS: usize = 4;
const CLAIMS: usize = 6;
const NODE: usize = 7;
const IP: usize = 8;

/// `Bound`; `2 Bound` when every template's claim is in the same phase;
/// else each one (`pgdata:Bound logs:Pending`).
fn claims_text(o: &OrdinalRow) -> String {
    match o.claims.as_slice() {
        [] => "-".into(),
        [(_, phase)] => phase.clone(),
        [(_, first), rest @ ..] if rest.iter().all(|(_, p)| p == first) => {
            format!("{} {first}", rest.len() + 1)
        }
        many => many
            .iter()
            .map(|(t, p)| format!("{t}:{p}"))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

fn ordinal_cells<'a>(o: &'a OrdinalRow, theme: &Theme) -> Vec<Line<'a>> {
    let sym = &theme.symbols;
    let rev = if !o.exists {
        Line::styled("-", theme.muted)
    } else if o.revision.hash.is_empty() {
        Line::styled(format!("{} unknown", sym.other_revision), theme.warning)
    } else if o.revision.is_update && !o.revision.is_current {
        Line::styled(
            format!("{} {}", sym.update, o.revision.hash),
            theme.revision_update,
        )
    } else if o.revision.is_current {
        Line::styled(format!("  {}", o.revision.hash), theme.revision_current)
    } else {
        Line::styled(
            format!("{} {}", sym.other_revision, o.revision.hash),
            theme.warning,
        )
    };
    let claims_style = if o.claims.iter().all(|(_, p)| p == "Bound") {
        Style::new()
    } else {
        theme.warning
    };
    vec![
        Line::from(severity_mark(o.health, theme)),
        Line::raw(o.pod.as_str()),
        Line::styled(o.status.as_str(), status_style(&o.status, theme)),
        Line::styled(
            o.ready.as_str(),
            if not_ready(&o.ready) {
                theme.warning
            } else {
                Style::new()
            },
        ),
        Line::styled(
            o.restarts.as_str(),
            if o.restarts == "0" || o.restarts.is_empty() {
                theme.muted
            } else {
                theme.warning
            },
        ),
        rev,
        Line::styled(claims_text(o), claims_style),
        Line::raw(o.node.as_str()),
        Line::styled(o.ip.as_str(), theme.muted),
        Line::styled(o.age.as_str(), theme.muted),
    ]
}

fn ordinals(
    buf: &mut Buffer,
    area: Rect,
    d: &SetDetail,
    rules: &[Rule],
    selected: usize,
    focus: SetPane,
    theme: &Theme,
) {
    let focused = focus == SetPane::Ordinals;
    let h = &d.header;
    let mut title = vec![Span::raw(format!("Ordinals ({})", d.ordinals.len()))];
    for (name, value) in &h.counts {
        title.push(Span::styled(
            format!(" {} ", theme.symbols.sep),
            theme.muted,
        ));
        title.push(Span::raw(format!("{name} {value}")));
    }
    let block = pane(Line::from(title), focused, theme);
    let inner = block.inner(area);
    ratatui::widgets::Widget::render(block, area, buf);
    if inner.height < 2 {
        return;
    }
    if d.ordinals.is_empty() {
        put_line(
            buf,
            inner.x + 1,
            inner.y,
            &Line::styled(
                "No ordinals: replicas is 0 and no Pods or claims remain",
                theme.muted,
            ),
            inner.width.saturating_sub(1),
            false,
            theme,
            Style::new(),
        );
        return;
    }

    // Virtual lines: ordinals with the rules inserted; only the viewport is built.
    let n = d.ordinals.len();
    let vlen = n + rules.len();
    let vsel = selected + rules.iter().filter(|r| r.at <= selected).count();
    let (vstart, vend) = viewport(vlen, vsel, inner.height as usize - 1);
    let mut lines = Vec::with_capacity(vend - vstart);
    let mut sel_line = None;
    let (mut first_shown, mut last_shown) = (None, None);
    for v in vstart..vend {
        // rules are sorted by position: rule k sits at virtual index at + k
        let mut before = 0;
        let mut rule = None;
        for (k, r) in rules.iter().enumerate() {
            let vr = r.at + k;
            if vr == v {
                rule = Some(r);
                break;
            }
            if vr < v {
                before += 1;
            }
        }
        if let Some(r) = rule {
            lines.push(GridLine::Rule(rule_line(r, inner.width, theme)));
            continue;
        }
        let i = v - before;
        let Some(o) = d.ordinals.get(i) else { break };
        first_shown.get_or_insert(i);
        last_shown = Some(i);
        if i == selected {
            sel_line = Some(lines.len());
        }
        lines.push(GridLine::Row {
            cells: ordinal_cells(o, theme),
            style: if o.beyond_replicas {
                theme.muted
            } else {
                Style::new()
            },
        });
    }

    let mut cols = [
        Col::new("", 1, 1),
        Col::new("POD", 8, 0),
        Col::new("STATUS", 7, 2),
        Col::new("READY", 5, 3),
        Col::new("RESTARTS", 8, 7),
        Col::new("REVISION", 8, 4),
        Col::new("CLAIMS", 6, 5),
        Col::new("NODE", 6, 6),
        Col::new("IP", 7, 9),
        Col::new("AGE", 3, 8).right(),
    ];
    for line in &lines {
        if let GridLine::Row { cells, .. } = line {
            for (c, cell) in cols.iter_mut().zip(cells) {
                c.fit(cell.width());
            }
        }
    }
    cols[MARKC].min = 1;
    cols[POD].min = cols[POD].want.min(24);
    cols[STATUS].min = cols[STATUS].want.min(11);
    cols[READY].min = cols[READY].want;
    cols[REV].min = cols[REV].want.min(11);
    cols[CLAIMS].min = cols[CLAIMS].want.min(14);
    cols[NODE].min = cols[NODE].want.min(16);
    cols[RESTARTS].min = cols[RESTARTS].want.min(12);
    cols[IP].min = cols[IP].want;
    let cols = cols.map(Col::finish);
    let widths = fit_columns(&cols, inner.width.saturating_sub(MARK));
    Grid {
        cols: &cols,
        widths: &widths,
        lines,
        selected: sel_line,
        show_selection: focused,
    }
    .render(buf, inner, theme);
    if let (Some(first), Some(last)) = (first_shown, last_shown) {
        scroll_mark(buf, inner, first, last + 1 - first, n, theme);
    }
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

fn finding_counts(findings: &[Finding]) -> String {
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
fn findings_pane(
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
    let block = pane(title, focused, theme);
    let inner = block.inner(area);
    ratatui::widgets::Widget::render(block, area, buf);
    if inner.height == 0 {
        return;
    }
    if d.findings.is_empty() {
        render_lines(
            buf,
            inner,
            vec![Line::styled(
                format!("{} no findings", theme.symbols.ok),
                theme.ok,
            )],
            0,
            theme,
        );
        return;
    }
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

fn events_pane(
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
    let block = pane(title, focused, theme);
    let inner = block.inner(area);
    ratatui::widgets::Widget::render(block, area, buf);
    if inner.height < 2 {
        return;
    }
    if d.events.is_empty() {
        render_lines(
            buf,
            inner,
            vec![Line::styled("no recent events", theme.muted)],
            0,
            theme,
        );
        return;
    }
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

fn count(e: &EventRow) -> String {
    if e.count > 1 {
        format!("x{}", e.count)
    } else {
        String::new()
    }
}

/// Narrow panes: each event on two lines, the message on its own so it can
/// be read.
fn events_stacked(buf: &mut Buffer, inner: Rect, d: &SetDetail, scroll: u16, theme: &Theme) {
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
fn log_pane(
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
    let block = pane(title, focused, theme);
    let inner = block.inner(area);
    ratatui::widgets::Widget::render(block, area, buf);
    if inner.height < 2 {
        return;
    }
    if d.log.is_empty() {
        render_lines(
            buf,
            inner,
            vec![Line::styled("waiting for changes…", theme.muted)],
            0,
            theme,
        );
        return;
    }
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
