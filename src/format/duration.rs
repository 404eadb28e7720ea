//! Durations: kubectl's human ages (`45s`, `5m12s`, `3h4m`, `12d`, `3y45d`),
//! and the one parser (and its inverse) for durations written in scenario
//! and tour files (`30s`, `1h30m`, `1.5h`, `500ms`).

use std::time::Duration;

/// A duration that does not parse, with what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid duration `{input}`: {reason} (examples: 30s, 5m, 1h30m, 2m30s, 1.5h, 500ms)")]
pub struct DurationError {
    pub input: String,
    pub reason: String,
}

/// kubectl's `HumanDuration`: two significant units up to a point, then one.
pub fn human(d: Duration) -> String {
    let secs = d.as_secs();
    if secs < 120 {
        return format!("{secs}s");
    }
    let minutes = secs / 60;
    if minutes < 10 {
        let s = secs % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let days = hours / 24 % 365;
        return if days == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{days}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

/// Age of something that happened at `then`, seen at `now`; future times
/// (clock skew) count as zero.
pub fn age(then: jiff::Timestamp, now: jiff::Timestamp) -> String {
    let span = now.duration_since(then);
    human(Duration::try_from(span).unwrap_or_default())
}

/// Parses a duration as scenario and tour files write it: `30s`, `5m`, `1h30m`, `90s`, `2m30s`, `1.5h`, `500ms` and `0`.
///
/// Units are `h`, `m`, `s` and `ms`, from larger to smaller, each at most once.
pub fn parse(s: &str) -> Result<Duration, DurationError> {
    let err = |reason: String| DurationError {
        input: s.to_string(),
        reason,
    };
    if s.is_empty() {
        return Err(err("empty".into()));
    }
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    let mut rest = s;
    let mut total_nanos: u128 = 0;
    let mut last_rank: Option<usize> = None;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num = &rest[..num_len];
        rest = &rest[num_len..];
        if num.is_empty() {
            return Err(err(if rest.starts_with('-') {
                "negative durations are not allowed".into()
            } else {
                format!("expected a number at `{rest}`")
            }));
        }
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let (rank, unit_nanos): (usize, u128) = match unit {
            "h" => (0, 3_600_000_000_000),
            "m" => (1, 60_000_000_000),
            "s" => (2, 1_000_000_000),
            "ms" => (3, 1_000_000),
            "" => {
                return Err(err(format!(
                    "missing unit after `{num}` (use h, m, s or ms)"
                )));
            }
            "d" => return Err(err("days are not supported; use hours, e.g. 48h".into())),
            other => {
                return Err(err(format!(
                    "unknown unit `{other}` (use h, m, s or ms, lowercase)"
                )));
            }
        };
        if last_rank.is_some_and(|last| rank <= last) {
            return Err(err(
                "units must go from larger to smaller, each at most once (e.g. 1h30m)".into(),
            ));
        }
        last_rank = Some(rank);
        let (int, frac) = match num.split_once('.') {
            Some((i, f)) => (i, f),
            None => (num, ""),
        };
        if frac.contains('.') || (num.contains('.') && (int.is_empty() || frac.is_empty())) {
            return Err(err(format!("`{num}` is not a number")));
        }
        let int_value: u128 = int
            .parse()
            .map_err(|_| err(format!("`{num}` is too large")))?;
        let mut part = int_value
            .checked_mul(unit_nanos)
            .ok_or_else(|| err("too large".into()))?;
        // Fractional digits beyond nanosecond precision are dropped.
        let mut scale = unit_nanos;
        for digit in frac.bytes() {
            scale /= 10;
            part += u128::from(digit - b'0') * scale;
        }
        total_nanos = total_nanos
            .checked_add(part)
            .ok_or_else(|| err("too large".into()))?;
    }
    let secs = u64::try_from(total_nanos / 1_000_000_000).map_err(|_| err("too large".into()))?;
    Ok(Duration::new(secs, (total_nanos % 1_000_000_000) as u32))
}

/// A duration as scenario and tour files write them (`1h30m`, `2m30s`, `500ms`, `0s`).
pub fn compact(d: Duration) -> String {
    let mut out = String::new();
    let mut secs = d.as_secs();
    let millis = d.subsec_millis();
    let h = secs / 3600;
    secs %= 3600;
    let m = secs / 60;
    secs %= 60;
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if secs > 0 {
        out.push_str(&format!("{secs}s"));
    }
    if millis > 0 {
        out.push_str(&format!("{millis}ms"));
    }
    if out.is_empty() {
        out.push_str("0s");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_kubectl_at_each_boundary() {
        let cases = [
            (0, "0s"),
            (59, "59s"),
            (119, "119s"),
            (120, "2m"),
            (150, "2m30s"),
            (599, "9m59s"),
            (600, "10m"),
            (3 * 3600 - 1, "179m"),
            (3 * 3600, "3h"),
            (3 * 3600 + 240, "3h4m"),
            (8 * 3600, "8h"),
            (47 * 3600, "47h"),
            (48 * 3600, "2d"),
            (50 * 3600, "2d2h"),
            (8 * 86400, "8d"),
            (700 * 86400, "700d"),
            (2 * 365 * 86400 + 45 * 86400, "2y45d"),
            (9 * 365 * 86400, "9y"),
        ];
        for (secs, want) in cases {
            assert_eq!(human(Duration::from_secs(secs)), want, "{secs}s");
        }
    }

    #[test]
    fn future_times_are_zero() {
        let now: jiff::Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let later: jiff::Timestamp = "2026-01-01T00:01:00Z".parse().unwrap();
        assert_eq!(age(later, now), "0s");
        assert_eq!(age(now, later), "60s");
    }

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn parses_what_scenario_and_tour_files_write() {
        let ok = [
            ("30s", secs(30)),
            ("5m", secs(300)),
            ("1h30m", secs(5400)),
            ("90s", secs(90)),
            ("2m30s", secs(150)),
            ("0", Duration::ZERO),
            ("0s", Duration::ZERO),
            ("1h0m5s", secs(3605)),
            ("1.5h", secs(5400)),
            ("2.25m", secs(135)),
            ("500ms", Duration::from_millis(500)),
            ("1m30s250ms", Duration::from_millis(90_250)),
            ("48h", secs(48 * 3600)),
        ];
        for (input, want) in ok {
            assert_eq!(
                parse(input).unwrap_or_else(|e| panic!("{e}")),
                want,
                "{input}"
            );
        }
        let bad = [
            ("", "empty"),
            ("5", "missing unit"),
            ("abc", "expected a number"),
            ("5x", "unknown unit `x`"),
            ("5M", "unknown unit `M`"),
            ("5min", "unknown unit `min`"),
            ("1d", "days are not supported"),
            ("-5m", "negative"),
            ("1m1h", "larger to smaller"),
            ("1m1m", "larger to smaller"),
            (" 5m", "expected a number"),
            ("5 m", "unknown unit"),
            ("1.m", "not a number"),
            ("1..5s", "not a number"),
            ("99999999999999999999999999999999999999999h", "too large"),
        ];
        for (input, reason) in bad {
            let err = parse(input).expect_err(input).to_string();
            assert!(
                err.contains(reason) && err.contains(&format!("`{input}`")),
                "{input}: {err}"
            );
        }
        for d in [
            secs(0),
            secs(90),
            secs(5400),
            secs(3605),
            Duration::from_millis(90_250),
        ] {
            assert_eq!(parse(&compact(d)).unwrap(), d);
        }
        assert_eq!(compact(secs(5400)), "1h30m");
    }
}
