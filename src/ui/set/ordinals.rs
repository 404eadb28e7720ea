//! The ordinal table: one row per ordinal, the partition boundary and the
//! end of replicas as rules between them; only the viewport is built.

use super::*;

/// A labelled rule inserted before ordinal index `at`.
pub(super) struct Rule {
    at: usize,
    label: String,
    partition: bool,
}

pub(super) fn rules(d: &SetDetail) -> Vec<Rule> {
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

pub(super) fn ordinals(
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
