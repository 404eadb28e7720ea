use super::*;

const GI: u64 = 1 << 30;
const MI: u64 = 1 << 20;

fn at(secs: i64) -> Timestamp {
    Timestamp::from_second(1_800_000_000 + secs).unwrap()
}

/// Samples every `every` seconds over `secs`, used bytes from `used(t)`.
fn series(secs: i64, every: i64, used: impl Fn(i64) -> u64) -> Vec<Sample> {
    (0..=secs / every)
        .map(|i| {
            let t = i * every;
            Sample {
                at: at(t),
                used_bytes: used(t),
                capacity_bytes: 10 * GI,
                inodes_used: 1000,
                inodes: 655_360,
            }
        })
        .collect()
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance * b.abs()
}

#[test]
fn steady_growth_gives_the_rate_and_the_time_to_full() {
    // 2 GiB, growing 100 MiB an hour, sampled every 30 s for two hours.
    let rate = 100.0 * MI as f64 / 3600.0;
    let s = series(7200, 30, |t| 2 * GI + (rate * t as f64) as u64);
    let f = forecast(&s);
    let b = f.bytes.expect("a trend");
    assert!(close(b.per_sec, rate, 0.001), "{}", b.per_sec);
    let used_now = 2.0 * GI as f64 + rate * 7200.0;
    let expected = (10.0 * GI as f64 - used_now) / rate;
    assert!(close(b.full_in_secs.unwrap(), expected, 0.001));
    assert_eq!(f.first_full().unwrap().0, Resource::Bytes);
    assert_eq!(format_rate(b.per_sec, Resource::Bytes), "+2.3Gi/d");
    // The window: only the last 6 hours count, so 8 hours of samples use 6.
    let long = series(8 * 3600, 60, |t| 2 * GI + (rate * t as f64) as u64);
    assert_eq!(forecast(&long).samples, 6 * 60 + 1);
}

#[test]
fn flat_usage_has_no_time_to_full() {
    let s = series(3600, 30, |_| 3 * GI);
    let f = forecast(&s);
    let b = f.bytes.expect("a trend");
    assert_eq!(b.per_sec, 0.0);
    assert_eq!(b.full_in_secs, None);
    assert_eq!(f.first_full(), None);
    assert_eq!(format_rate(b.per_sec, Resource::Bytes), "flat");
}

#[test]
fn shrinking_after_a_cleanup_has_no_time_to_full_and_growth_after_it_starts_afresh() {
    // Growing fast for an hour, a cleanup frees 3 GiB, then it shrinks slowly.
    let shrinking = series(7200, 30, |t| {
        if t < 3600 {
            5 * GI + (t as u64) * 100_000
        } else {
            2 * GI - (t as u64 - 3600) * 10_000
        }
    });
    let f = forecast(&shrinking);
    let b = f.bytes.unwrap();
    assert!(b.per_sec < 0.0, "{}", b.per_sec);
    assert_eq!(b.full_in_secs, None);
    assert!(format_rate(b.per_sec, Resource::Bytes).starts_with('-'));

    // Growing again after the cleanup at a lower rate: the fit sees only
    // that rate (the hour before the cleanup would make it negative).
    let regrowing = series(7200, 30, |t| {
        if t < 3600 {
            5 * GI + (t as u64) * 100_000
        } else {
            2 * GI + (t as u64 - 3600) * 20_000
        }
    });
    let b = forecast(&regrowing).bytes.unwrap();
    assert!(close(b.per_sec, 20_000.0, 0.001), "{}", b.per_sec);
    assert!(b.full_in_secs.is_some());
}

#[test]
fn a_bulk_load_counts_as_growth_until_it_leaves_the_window() {
    // Flat at 2 GiB, a 3 GiB bulk load at 1 h, flat afterwards.
    let step = |t: i64| if t < 3600 { 2 * GI } else { 5 * GI };
    let soon = forecast(&series(2 * 3600, 60, step));
    let b = soon.bytes.unwrap();
    assert!(b.per_sec > 0.0);
    assert!(b.full_in_secs.is_some(), "the step reads as growth");
    let later = forecast(&series(8 * 3600, 60, step));
    let b = later.bytes.unwrap();
    assert_eq!(b.per_sec, 0.0, "7 h on, the step left the 6 h window");
    assert_eq!(b.full_in_secs, None);
}

#[test]
fn too_few_samples_give_no_forecast() {
    assert_eq!(forecast(&[]).bytes, None);
    let two = series(60, 60, |t| GI + t as u64 * 1000);
    assert_eq!(two.len(), 2);
    assert_eq!(forecast(&two).bytes, None);
    // Enough samples, but within 30 s: not a trend yet.
    let quick = series(30, 5, |t| GI + t as u64 * 1000);
    assert!(quick.len() >= MIN_SAMPLES);
    let f = forecast(&quick);
    assert_eq!((f.bytes, f.inodes, f.first_full()), (None, None, None));
}

#[test]
fn inodes_running_out_before_bytes_is_what_comes_first() {
    // Bytes: full in about 10 days; inodes (many small files): in about 5 h.
    let mut s = series(3600, 30, |t| 5 * GI + t as u64 * 6_000);
    for (i, x) in s.iter_mut().enumerate() {
        x.inodes = 100_000;
        x.inodes_used = 50_000 + i as u64 * 80;
    }
    let f = forecast(&s);
    let (what, secs) = f.first_full().unwrap();
    assert_eq!(what, Resource::Inodes);
    let inode_rate = 80.0 / 30.0;
    let expected = (100_000.0 - (50_000.0 + 120.0 * 80.0)) / inode_rate;
    assert!(close(secs, expected, 0.001), "{secs} vs {expected}");
    assert!(f.bytes.unwrap().full_in_secs.unwrap() > secs);
    assert_eq!(format_left(secs), "4h");
}

#[test]
fn fit_needs_varying_x() {
    assert_eq!(fit(&[(1.0, 1.0), (1.0, 2.0)]), None);
    let (slope, intercept) = fit(&[(0.0, 1.0), (1.0, 3.0), (2.0, 5.0)]).unwrap();
    assert!((slope - 2.0).abs() < 1e-9 && (intercept - 1.0).abs() < 1e-9);
}

#[test]
fn sparkline_levels_follow_the_history() {
    let s = series(600, 60, |t| GI + t as u64 * MI);
    let levels = spark_levels(&s, 8);
    assert_eq!(levels.len(), 8);
    // Each bucket shows its last sample: the first holds t=0 and t=60.
    assert_eq!(levels.first(), Some(&1));
    assert_eq!(levels.last(), Some(&7));
    assert!(levels.windows(2).all(|w| w[0] <= w[1]));
    assert!(spark_levels(&s[..1], 8).is_empty());
    assert!(
        spark_levels(&series(600, 60, |_| GI), 4)
            .iter()
            .all(|l| *l == 0)
    );
}
