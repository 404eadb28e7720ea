//! The PVC → PV → StorageClass chain of one claim, as a small tree:
//!
//! ```text
//! data ─ PVC data-mysql-0 · Bound · 10Gi · RWO
//!   → PV pvc-5c1e8a · Bound · 10Gi · reclaim Retain
//!        local /mnt/disks/ssd1 @ worker-3
//!     → SC local-ssd · kubernetes.io/no-provisioner · WaitForFirstConsumer
//!   usage ██████░░░░  61% · 6.1Gi of 10Gi · inodes 12k/1.3M
//! ```

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::theme::Theme;
use super::widgets::{status_style, text, usage};
use crate::view::model::{CapacityView, ClaimInfo, ClassInfo, Link, UsageView, VolumeInfo};

/// A borrowed [`Link`], so callers holding a bare `ClaimInfo` need not clone.
pub enum Ref<'a, T> {
    Present(&'a T),
    Missing(&'a str),
    Hidden(&'a str),
}

impl<'a, T> From<&'a Link<T>> for Ref<'a, T> {
    fn from(link: &'a Link<T>) -> Self {
        match link {
            Link::Present(t) => Ref::Present(t),
            Link::Missing(why) => Ref::Missing(why),
            Link::Hidden(why) => Ref::Hidden(why),
        }
    }
}

pub struct ChainParts<'a> {
    /// Claim template name, or empty (storage screen).
    pub template: &'a str,
    pub claim: Ref<'a, ClaimInfo>,
    pub volume: Ref<'a, VolumeInfo>,
    pub class: Ref<'a, ClassInfo>,
    pub usage: &'a UsageView,
    pub capacity: Option<&'a CapacityView>,
}

fn absent<'a>(kind: &'a str, missing: bool, why: &'a str, theme: &Theme) -> Vec<Span<'a>> {
    let (word, style) = if missing {
        ("missing", theme.warning)
    } else {
        ("hidden", theme.muted)
    };
    // views may already say `PV hidden: forbidden`; don't say it twice
    if why.starts_with(&format!("{kind} {word}")) {
        let (head, tail) = why.split_at(kind.len() + 1 + word.len());
        return vec![
            Span::styled(kind, theme.label),
            Span::styled(&head[kind.len()..], style.add_modifier(Modifier::BOLD)),
            Span::styled(text(tail, theme), style),
        ];
    }
    vec![
        Span::styled(kind, theme.label),
        Span::raw(" "),
        Span::styled(word, style.add_modifier(Modifier::BOLD)),
        Span::styled(if why.is_empty() { "" } else { ": " }, style),
        Span::styled(text(why, theme), style),
    ]
}

fn push_sep<'a>(spans: &mut Vec<Span<'a>>, theme: &Theme) {
    spans.push(Span::styled(
        format!(" {} ", theme.symbols.sep),
        theme.muted,
    ));
}

/// Shorten the span at `idx` (a long generated name such as a PV's
/// `pvc-<uid>`) so the line fits `width`, keeping at least 12 characters.
fn squeeze(spans: &mut [Span<'_>], idx: usize, width: u16, theme: &Theme) {
    let total: usize = spans.iter().map(|s| s.width()).sum();
    let width = width as usize;
    if total <= width {
        return;
    }
    let name = &spans[idx].content;
    let len = name.chars().count();
    let keep = len.saturating_sub(total - width + 1).max(12);
    if keep >= len {
        return;
    }
    let short: String = name.chars().take(keep).collect::<String>() + theme.symbols.ellipsis;
    spans[idx].content = short.into();
}

/// The lines of one chain, for a pane `width` columns wide.
pub fn lines<'a>(c: &ChainParts<'a>, width: u16, theme: &Theme) -> Vec<Line<'a>> {
    let sym = &theme.symbols;
    let mut out = Vec::with_capacity(7);
    let bold = Style::new().add_modifier(Modifier::BOLD);

    // PVC
    let mut spans: Vec<Span<'a>> = Vec::with_capacity(12);
    if !c.template.is_empty() {
        spans.push(Span::styled(c.template, bold));
        spans.push(Span::styled(format!(" {} ", sym.rule), theme.muted));
    }
    let mut conditions: &[String] = &[];
    match &c.claim {
        Ref::Present(claim) => {
            spans.push(Span::styled("PVC ", theme.label));
            spans.push(Span::styled(claim.name.as_str(), bold));
            push_sep(&mut spans, theme);
            spans.push(Span::styled(
                claim.phase.as_str(),
                status_style(&claim.phase, theme),
            ));
            if claim.deleting {
                push_sep(&mut spans, theme);
                spans.push(Span::styled("Terminating", theme.warning));
            }
            let size = match (claim.requested.as_str(), claim.capacity.as_str()) {
                ("", "") => None,
                (r, "") => Some((format!("requests {r}"), Style::new())),
                ("", c) => Some((c.to_string(), Style::new())),
                (r, c) if r == c => Some((c.to_string(), Style::new())),
                (r, c) => Some((format!("{c} of {r} requested"), theme.warning)),
            };
            if let Some((size, style)) = size {
                push_sep(&mut spans, theme);
                spans.push(Span::styled(size, style));
            }
            if !claim.access_modes.is_empty() {
                push_sep(&mut spans, theme);
                spans.push(Span::raw(claim.access_modes.as_str()));
            }
            conditions = &claim.conditions;
        }
        Ref::Missing(why) => spans.extend(absent("PVC", true, why, theme)),
        Ref::Hidden(why) => spans.extend(absent("PVC", false, why, theme)),
    }
    out.push(Line::from(spans));
    for cond in conditions {
        out.push(Line::from(vec![
            Span::raw("     "),
            Span::styled(format!("{} ", sym.warning), theme.warning),
            Span::styled(text(cond, theme), theme.warning),
        ]));
    }

    // PV
    let arrow = format!("  {} ", sym.arrow);
    let mut spans: Vec<Span<'a>> = vec![Span::styled(arrow, theme.muted)];
    let mut detail: Vec<Line<'a>> = Vec::new();
    match &c.volume {
        Ref::Present(pv) => {
            spans.push(Span::styled("PV ", theme.label));
            let name_idx = spans.len();
            spans.push(Span::styled(pv.name.as_str(), bold));
            push_sep(&mut spans, theme);
            spans.push(Span::styled(
                pv.phase.as_str(),
                status_style(&pv.phase, theme),
            ));
            if !pv.capacity.is_empty() {
                push_sep(&mut spans, theme);
                spans.push(Span::raw(pv.capacity.as_str()));
            }
            if !pv.reclaim_policy.is_empty() {
                push_sep(&mut spans, theme);
                spans.push(Span::styled("reclaim ", theme.label));
                spans.push(Span::raw(pv.reclaim_policy.as_str()));
            }
            squeeze(&mut spans, name_idx, width, theme);
            let pad = " ".repeat(3 + sym.arrow.len().min(2) + 3);
            if !pv.source.is_empty() {
                detail.push(Line::from(vec![
                    Span::raw(pad.clone()),
                    Span::styled(text(&pv.source, theme), theme.muted),
                ]));
            }
            if !pv.node_affinity.is_empty() {
                detail.push(Line::from(vec![
                    Span::raw(pad),
                    Span::styled("pinned ", theme.label),
                    Span::raw(pv.node_affinity.as_str()),
                ]));
            }
        }
        Ref::Missing(why) => spans.extend(absent("PV", true, why, theme)),
        Ref::Hidden(why) => spans.extend(absent("PV", false, why, theme)),
    }
    out.push(Line::from(spans));
    out.extend(detail);

    // StorageClass
    let arrow = format!("    {} ", sym.arrow);
    let mut spans: Vec<Span<'a>> = vec![Span::styled(arrow, theme.muted)];
    match &c.class {
        Ref::Present(sc) => {
            spans.push(Span::styled("SC ", theme.label));
            spans.push(Span::styled(sc.name.as_str(), bold));
            if sc.is_default {
                spans.push(Span::styled(" (default)", theme.muted));
            }
            if !sc.binding_mode.is_empty() {
                push_sep(&mut spans, theme);
                spans.push(Span::raw(sc.binding_mode.as_str()));
            }
            push_sep(&mut spans, theme);
            spans.push(if sc.allow_expansion {
                Span::raw("expandable")
            } else {
                Span::styled("no expansion", theme.muted)
            });
            if !sc.provisioner.is_empty() {
                push_sep(&mut spans, theme);
                spans.push(Span::styled(sc.provisioner.as_str(), theme.muted));
            }
        }
        Ref::Missing(why) => spans.extend(absent("SC", true, why, theme)),
        Ref::Hidden(why) => spans.extend(absent("SC", false, why, theme)),
    }
    out.push(Line::from(spans));

    // usage
    let mut spans = vec![Span::styled("  usage ", theme.label)];
    spans.extend(usage(c.usage, 10, theme));
    if let UsageView::Known {
        used,
        capacity,
        inodes,
        inode_fraction,
        ..
    } = c.usage
    {
        push_sep(&mut spans, theme);
        spans.push(Span::raw(format!("{used} of {capacity}")));
        if !inodes.is_empty() {
            push_sep(&mut spans, theme);
            spans.push(Span::styled("inodes ", theme.label));
            let style = theme.bar(*inode_fraction);
            spans.push(Span::styled(inodes.as_str(), style));
            let mark = Theme::bar_mark(*inode_fraction);
            if !mark.is_empty() {
                spans.push(Span::styled(format!(" {mark}"), style));
            }
        }
    }
    out.push(Line::from(spans));

    // trend: history sparkline, growth rate, time to full
    if let Some(cap) = c.capacity {
        let mut spans = vec![Span::styled("  trend ", theme.label)];
        spans.extend(super::sparkline::trend_spans(
            cap,
            usize::from(width).saturating_sub(8),
            theme,
        ));
        out.push(Line::from(spans));
    }
    out
}
