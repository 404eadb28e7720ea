//! Capacity as the screens show it: a claim's forecast (rate, time to full,
//! sparkline) and the findings about volumes filling up and about claims
//! of one template that differ in size.
//!
//! Thresholds (stated in the README's Capacity section):
//! - Critical: full (≥ 95% of bytes or inodes), or full within 24 h;
//! - Warning: ≥ 85%, or full within 7 days;
//! - Warning: the claims of one template differ in size.

use crate::store::{Claim, HistorySource, StatefulSet, Store};

use super::chain::class_name_of;
use super::forecast::{self, Forecast, Resource, format_left, format_rate};
use super::model::{CapacityView, ObjectRef, Severity};
use super::{bytes, claim_ref, parse_ordinal, set_ref};

pub const FULL_CRITICAL: f64 = 0.95;
pub const FULL_WARNING: f64 = 0.85;
pub const LEFT_CRITICAL_SECS: f64 = 24.0 * 3600.0;
pub const LEFT_WARNING_SECS: f64 = 7.0 * 86_400.0;
/// Sparkline width in buckets (the widgets draw as many as fit).
pub const SPARK_WIDTH: usize = 24;

/// A finding before it is tagged with its set and ordinal.
pub(crate) struct Draft {
    pub severity: Severity,
    pub code: &'static str,
    pub title: String,
    pub detail: String,
    pub objects: Vec<ObjectRef>,
}

pub(crate) fn claim_forecast(store: &Store, c: &Claim) -> Option<Forecast> {
    let h = store.history(&c.namespace, &c.name)?;
    Some(forecast::forecast(&h.to_vec()))
}

/// The figures for a claim with usage history.
pub(crate) fn capacity_view(store: &Store, c: &Claim) -> Option<CapacityView> {
    let h = store.history(&c.namespace, &c.name)?;
    let samples = h.to_vec();
    let f = forecast::forecast(&samples);
    let first = f.first_full();
    let dash = || "—".to_string();
    Some(CapacityView {
        rate: f
            .bytes
            .map_or_else(dash, |t| format_rate(t.per_sec, Resource::Bytes)),
        full_in: first.map_or_else(dash, |(_, s)| format_left(s)),
        runs_out: first.map(|(r, _)| r),
        full_in_secs: first.map(|(_, s)| s.round()),
        bytes_per_day: f.bytes.map(|t| t.per_sec * 86_400.0),
        bytes_full_in_secs: f.bytes.and_then(|t| t.full_in_secs).map(f64::round),
        inodes_per_day: f.inodes.map(|t| t.per_sec * 86_400.0),
        inodes_full_in_secs: f.inodes.and_then(|t| t.full_in_secs).map(f64::round),
        samples: samples.len(),
        fit_samples: f.samples,
        oldest: samples
            .first()
            .map(|s| s.at.to_string())
            .unwrap_or_default(),
        spark: forecast::spark_levels(&samples, SPARK_WIDTH),
    })
}

fn allows_expansion(store: &Store, c: &Claim) -> Option<(String, bool)> {
    let name = class_name_of(store, c).filter(|n| !n.is_empty())?;
    let allowed = store.class(&name).is_some_and(|k| k.allow_expansion);
    Some((name, allowed))
}

/// Full or filling up: by the latest usage and by the forecast.
pub(crate) fn usage_finding(store: &Store, c: &Claim) -> Option<Draft> {
    let u = store.usage(&c.namespace, &c.name)?.usage;
    let frac = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let bytes_frac = frac(u.used_bytes, u.capacity_bytes);
    let inode_frac = frac(u.inodes_used, u.inodes);
    let full = bytes_frac.max(inode_frac);
    let left = claim_forecast(store, c).and_then(|f| f.first_full());
    let left_secs = left.map(|(_, s)| s);
    let severity = if full >= FULL_CRITICAL || left_secs.is_some_and(|s| s <= LEFT_CRITICAL_SECS) {
        Severity::Critical
    } else if full >= FULL_WARNING || left_secs.is_some_and(|s| s <= LEFT_WARNING_SECS) {
        Severity::Warning
    } else {
        return None;
    };
    let what = if bytes_frac >= inode_frac {
        format!(
            "{} of {} used",
            bytes(Some(u.used_bytes)),
            bytes(Some(u.capacity_bytes))
        )
    } else {
        format!(
            "{} of {} inodes used",
            crate::store::quantity::format_count(u.inodes_used),
            crate::store::quantity::format_count(u.inodes)
        )
    };
    let by_fraction =
        full >= FULL_CRITICAL || (full >= FULL_WARNING && severity == Severity::Warning);
    let (code, title) = if by_fraction {
        (
            "volume-almost-full",
            format!("{}: volume {:.0}% full ({what})", c.name, full * 100.0),
        )
    } else {
        let (resource, secs) = left.unwrap_or((Resource::Bytes, 0.0));
        let runs_out = match resource {
            Resource::Bytes => "full",
            Resource::Inodes => "out of inodes",
        };
        (
            "volume-filling-up",
            format!(
                "{}: {runs_out} in {} at the current rate ({what})",
                c.name,
                format_left(secs)
            ),
        )
    };
    let time_left = match left {
        Some((Resource::Inodes, s)) => format!(
            "At the current rate its inodes run out in {}. ",
            format_left(s)
        ),
        Some((Resource::Bytes, s)) => {
            format!("At the current rate it is full in {}. ", format_left(s))
        }
        None => String::new(),
    };
    let resizing = c
        .request_bytes
        .zip(c.capacity_bytes)
        .is_some_and(|(r, cap)| r > cap);
    let todo = if resizing {
        "An expansion is already requested; writes fail once it is full, so watch it until the new capacity shows.".to_string()
    } else if matches!(left, Some((Resource::Inodes, _))) || inode_frac > bytes_frac {
        "Writes fail once inodes run out, whatever the free bytes: delete small files, or expand the claim (a larger filesystem has more inodes).".to_string()
    } else {
        match allows_expansion(store, c) {
            Some((class, true)) => format!(
                "Writes fail once it is full: expand the claim (`e`; class {class} allows expansion) or free space."
            ),
            Some((class, false)) => format!(
                "Writes fail once it is full: free space (class {class} does not allow expansion; migrating to a larger volume means a new claim)."
            ),
            None => "Writes fail once it is full: free space or expand the claim.".to_string(),
        }
    };
    Some(Draft {
        severity,
        code,
        title,
        detail: format!("{time_left}{todo}"),
        objects: vec![claim_ref(c)],
    })
}

/// The claims of one template that differ in requested size (Warning).
pub(crate) fn uneven_templates(store: &Store, s: &StatefulSet) -> Vec<Draft> {
    let mut out = Vec::new();
    for t in &s.templates {
        let prefix = format!("{}-{}-", t.name, s.name);
        let claims: Vec<&Claim> = store
            .claims_with_prefix(&s.namespace, &prefix)
            .filter(|c| {
                c.name
                    .strip_prefix(&prefix)
                    .and_then(parse_ordinal)
                    .is_some()
            })
            .filter(|c| c.request_bytes.is_some())
            .collect();
        let mut sizes: Vec<u64> = claims.iter().filter_map(|c| c.request_bytes).collect();
        sizes.sort_unstable();
        sizes.dedup();
        if sizes.len() < 2 {
            continue;
        }
        let template_size = t.request_bytes;
        let odd: Vec<String> = claims
            .iter()
            .filter(|c| c.request_bytes != template_size)
            .map(|c| format!("{} {}", c.name, bytes(c.request_bytes)))
            .collect();
        let mut objects = vec![set_ref(s)];
        objects.extend(claims.iter().map(|c| claim_ref(c)));
        out.push(Draft {
            severity: Severity::Warning,
            code: "template-sizes-differ",
            title: format!(
                "{}: claims of template {} differ in size ({})",
                s.name,
                t.name,
                sizes
                    .iter()
                    .map(|b| bytes(Some(*b)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            detail: format!(
                "Some were expanded by hand ({}). New ordinals get the template's {}, and the template cannot be changed in place: the API server rejects it with `updates to statefulset spec for fields other than …`. Expand new claims after they are created, or recreate the StatefulSet (delete with --cascade=orphan) with the new size.",
                odd.join(", "),
                bytes(template_size)
            ),
            objects,
        });
    }
    out
}

/// What the status line says about where history comes from.
pub fn history_message(source: &HistorySource) -> Option<(Severity, String)> {
    match source {
        HistorySource::LiveOnly => None,
        HistorySource::Loading { from } => Some((
            Severity::Info,
            format!("usage history: loading up to 7 days from Prometheus {from}…"),
        )),
        HistorySource::Loaded {
            from,
            claims,
            samples,
        } => Some((
            Severity::Info,
            format!("usage history: {samples} samples of {claims} claims from Prometheus {from}"),
        )),
        HistorySource::Failed { from, reason } => Some((
            Severity::Warning,
            format!("usage history: Prometheus {from} {reason}; live samples only"),
        )),
    }
}
