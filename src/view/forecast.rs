//! Where a claim's usage is going: the growth rate and the time to full, for
//! bytes and for inodes, from its usage history.
//!
//! Method (as Prometheus' `predict_linear`): an ordinary least-squares line
//! through the samples of the last [`WINDOW`], evaluated at the newest
//! sample. The time to full is when that line reaches the capacity (the
//! newest sample's). Two refinements:
//! - a cleanup (used falls by more than [`DROP_FRACTION`] of capacity from
//!   one sample to the next) starts the fit afresh: growth before it says
//!   nothing about growth after it;
//! - a bulk load (a step up) stays in the fit, as in `predict_linear`: it
//!   counts as growth until it leaves the window, which errs on the safe side.
//!
//! No forecast while there are fewer than [`MIN_SAMPLES`] samples spanning
//! less than [`MIN_SPAN_SECS`]; no time to full while the line is flat or
//! falling, or reaches full only after [`HORIZON_SECS`].

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::store::Sample;
use crate::store::quantity::{format_bytes, format_count};

/// The fit's window (kubernetes-mixin's `KubePersistentVolumeFillingUp`
/// alert also fits the last 6 hours).
pub const WINDOW: SignedDuration = SignedDuration::from_hours(6);
pub const MIN_SAMPLES: usize = 3;
pub const MIN_SPAN_SECS: f64 = 60.0;
/// A fall larger than this fraction of capacity between two samples is a cleanup.
pub const DROP_FRACTION: f64 = 0.01;
/// Beyond a year, "full in" is not a useful figure.
pub const HORIZON_SECS: f64 = 365.0 * 86_400.0;

/// The trend of one resource (bytes or inodes).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Trend {
    /// Growth in units per second (negative: shrinking).
    pub per_sec: f64,
    /// Seconds from the newest sample until the fitted line reaches capacity.
    pub full_in_secs: Option<f64>,
}

/// Which resource runs out first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Resource {
    Bytes,
    Inodes,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Forecast {
    pub bytes: Option<Trend>,
    pub inodes: Option<Trend>,
    /// Samples the fit used, and the time of the newest (the forecast's "now").
    pub samples: usize,
    #[serde(skip)]
    pub at: Option<Timestamp>,
}

impl Forecast {
    /// The resource that runs out first, and in how many seconds.
    pub fn first_full(&self) -> Option<(Resource, f64)> {
        let b = self
            .bytes
            .and_then(|t| t.full_in_secs)
            .map(|s| (Resource::Bytes, s));
        let i = self
            .inodes
            .and_then(|t| t.full_in_secs)
            .map(|s| (Resource::Inodes, s));
        match (b, i) {
            (Some(b), Some(i)) => Some(if i.1 < b.1 { i } else { b }),
            (b, i) => b.or(i),
        }
    }
}

/// Least squares through `(x, y)`: `(slope, intercept)`, or `None` when
/// the x values do not vary.
pub fn fit(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    let n = points.len() as f64;
    if points.len() < 2 {
        return None;
    }
    let (sx, sy) = points
        .iter()
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
    let (mx, my) = (sx / n, sy / n);
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (x, y) in points {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
    }
    if sxx <= f64::EPSILON {
        return None;
    }
    let slope = sxy / sxx;
    Some((slope, my - slope * mx))
}

/// The samples the fit uses: those in the window, after the last cleanup.
fn fit_range(samples: &[Sample], used: impl Fn(&Sample) -> (u64, u64)) -> &[Sample] {
    let Some(last) = samples.last() else {
        return samples;
    };
    let start = last.at - WINDOW;
    let mut from = samples.partition_point(|s| s.at < start);
    for i in (from + 1)..samples.len() {
        let (prev, _) = used(&samples[i - 1]);
        let (cur, cap) = used(&samples[i]);
        if prev > cur && (prev - cur) as f64 > DROP_FRACTION * cap as f64 {
            from = i;
        }
    }
    &samples[from..]
}

fn trend(samples: &[Sample], used: impl Fn(&Sample) -> (u64, u64)) -> Option<(Trend, usize)> {
    let range = fit_range(samples, &used);
    let (first, last) = (range.first()?, range.last()?);
    let span = last.at.duration_since(first.at).as_secs_f64();
    if range.len() < MIN_SAMPLES || span < MIN_SPAN_SECS {
        return None;
    }
    let (_, capacity) = used(last);
    if capacity == 0 {
        return None;
    }
    // x in seconds before the newest sample, y from the first sample's
    // value: small numbers keep the sums exact (flat stays exactly flat).
    let base = used(first).0 as f64;
    let points: Vec<(f64, f64)> = range
        .iter()
        .map(|s| {
            (
                -last.at.duration_since(s.at).as_secs_f64(),
                used(s).0 as f64 - base,
            )
        })
        .collect();
    let (slope, intercept) = fit(&points)?;
    let now_value = intercept + base;
    let full_in_secs = if slope > 0.0 {
        let left = (capacity as f64 - now_value).max(0.0);
        Some(left / slope).filter(|s| *s <= HORIZON_SECS)
    } else {
        None
    };
    Some((
        Trend {
            per_sec: slope,
            full_in_secs,
        },
        range.len(),
    ))
}

/// The forecast from a claim's history, oldest sample first.
pub fn forecast(samples: &[Sample]) -> Forecast {
    let bytes = trend(samples, |s| (s.used_bytes, s.capacity_bytes));
    let inodes = trend(samples, |s| (s.inodes_used, s.inodes));
    Forecast {
        samples: bytes.map_or(0, |(_, n)| n),
        bytes: bytes.map(|(t, _)| t),
        inodes: inodes.map(|(t, _)| t),
        at: samples.last().map(|s| s.at),
    }
}

/// `3d`, `5h`, `40m`, `now`: coarse, as a time left should read.
pub fn format_left(secs: f64) -> String {
    let s = secs.max(0.0);
    if s < 60.0 {
        "now".into()
    } else if s < 3600.0 {
        format!("{}m", (s / 60.0).floor() as u64)
    } else if s < 2.0 * 86_400.0 {
        format!("{}h", (s / 3600.0).floor() as u64)
    } else {
        format!("{}d", (s / 86_400.0).floor() as u64)
    }
}

/// `+1.2GiB/d`, `-300MiB/d`, `flat`.
pub fn format_rate(per_sec: f64, resource: Resource) -> String {
    let per_day = per_sec * 86_400.0;
    let magnitude = per_day.abs().round() as u64;
    if magnitude == 0 {
        return "flat".into();
    }
    let sign = if per_day > 0.0 { "+" } else { "-" };
    match resource {
        Resource::Bytes => format!("{sign}{}/d", format_bytes(magnitude)),
        Resource::Inodes => format!("{sign}{} inodes/d", format_count(magnitude)),
    }
}

/// Sparkline levels (0..=7) of used bytes over the history, `width`
/// buckets of equal time, each the bucket's last sample; scaled from the
/// history's lowest to its highest value (all 0 when flat). Empty buckets
/// repeat the previous level.
pub fn spark_levels(samples: &[Sample], width: usize) -> Vec<u8> {
    let (Some(first), Some(last)) = (samples.first(), samples.last()) else {
        return Vec::new();
    };
    if width == 0 || samples.len() < 2 {
        return Vec::new();
    }
    let t0 = first.at.as_millisecond();
    let span = (last.at.as_millisecond() - t0).max(1);
    let mut buckets: Vec<Option<u64>> = vec![None; width];
    for s in samples {
        let i =
            ((s.at.as_millisecond() - t0) as i128 * width as i128 / (span as i128 + 1)) as usize;
        buckets[i.min(width - 1)] = Some(s.used_bytes);
    }
    let lo = samples.iter().map(|s| s.used_bytes).min().unwrap_or(0);
    let hi = samples.iter().map(|s| s.used_bytes).max().unwrap_or(0);
    let mut prev = first.used_bytes;
    buckets
        .into_iter()
        .map(|b| {
            let v = b.unwrap_or(prev);
            prev = v;
            if hi == lo {
                0
            } else {
                ((v - lo) as f64 / (hi - lo) as f64 * 7.0).round() as u8
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
