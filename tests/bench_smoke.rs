//! The benchmark's code paths on a tiny cluster, so `ordinal-bench` does not
//! rot. Only sanity is asserted (complete sync, finite positive figures);
//! timings are printed, never compared with thresholds.

use ordinal::bench::{self, Options};
use ordinal::store::Kind;

#[test]
fn the_bench_runs_on_a_tiny_cluster() {
    let opts = Options {
        bench_exe: Some(env!("CARGO_BIN_EXE_ordinal-bench").into()),
        ..Options::tiny()
    };
    let report = bench::run(&opts, &mut |f| println!("{f}")).expect("the bench runs");
    let spec = &opts.spec;
    let per_set = spec.replicas as usize;
    assert_eq!(report.list_rows, spec.sets);
    assert_eq!(report.counts[&Kind::StatefulSet], spec.sets);
    assert_eq!(report.counts[&Kind::Pod], spec.sets * per_set);
    assert_eq!(report.counts[&Kind::Claim], spec.sets * per_set);
    assert_eq!(report.counts[&Kind::Volume], spec.sets * per_set);
    assert_eq!(report.counts[&Kind::Node], spec.nodes);
    assert_eq!(report.counts[&Kind::StorageClass], spec.classes);
    // Outside an open set ordinal watches only Warning events: the
    // generator's last two of five reasons, taken in rounds of one per Pod.
    let pods = spec.sets * per_set;
    let warnings = (0..spec.events).filter(|i| (i / pods) % 5 >= 3).count();
    assert_eq!(report.counts[&Kind::Event], warnings);
    assert_eq!(report.big_rows, opts.big_replicas as usize);
    let rss = report.figure("memory peak RSS").expect("a memory figure");
    assert!(rss.detail.contains("process of its own"), "{rss}");
    for name in [
        "sync",
        "memory peak RSS",
        "memory store",
        "parse per Pod",
        "frame list 80x24",
        "frame list 200x60",
        "churn events applied",
        "churn change-to-frame",
        "input key-to-frame",
        "frame set 80x24",
        "frame set 200x60",
    ] {
        let f = report
            .figure(name)
            .unwrap_or_else(|| panic!("no {name} figure"));
        assert!(f.value.is_finite() && f.value > 0.0, "{f}");
    }
    for name in [
        "idle terminal bytes",
        "idle API",
        "idle client CPU",
        "churn client CPU",
    ] {
        let f = report
            .figure(name)
            .unwrap_or_else(|| panic!("no {name} figure"));
        assert!(f.value.is_finite() && f.value >= 0.0, "{f}");
    }
}

#[test]
fn the_envelope_bench_runs_on_the_small_envelope() {
    use ordinal::bench::envelope::{self, EnvelopeOptions};
    let opts = EnvelopeOptions {
        bench_exe: Some(env!("CARGO_BIN_EXE_ordinal-bench").into()),
        ..EnvelopeOptions::small()
    };
    let report = envelope::run(&opts, &mut |f| println!("{f}")).expect("the bench runs");
    let spec = &opts.spec;
    assert_eq!(report.list_rows, spec.sets);
    assert_eq!(report.counts[&Kind::StatefulSet], spec.sets);
    // Only the sets' Pods cross the wire.
    assert_eq!(report.counts[&Kind::Pod], spec.set_pods());
    assert_eq!(report.counts[&Kind::Claim], spec.set_pods());
    for name in [
        "envelope generation",
        "envelope sim RSS",
        "envelope every set row",
        "envelope complete frame",
        "envelope bytes received",
    ] {
        let f = report
            .figure(name)
            .unwrap_or_else(|| panic!("no {name} figure"));
        assert!(f.value.is_finite() && f.value > 0.0, "{f}");
    }
    // The memory figure comes from the client run alone, in a child.
    let rss = report
        .figure("envelope client peak RSS")
        .expect("a memory figure");
    assert!(
        rss.detail.contains("process of its own") && rss.value > 0.0,
        "{rss}"
    );
    assert!(
        rss.detail.contains(&format!("{} pods", spec.set_pods())),
        "{rss}"
    );
    for name in [
        "envelope unrelated churn client CPU",
        "envelope unrelated churn bytes",
    ] {
        let f = report
            .figure(name)
            .unwrap_or_else(|| panic!("no {name} figure"));
        assert!(f.value.is_finite() && f.value >= 0.0, "{f}");
    }
}

#[test]
fn ordinal_bench_help_prints_usage_instead_of_running() {
    let bin = env!("CARGO_BIN_EXE_ordinal-bench");
    let out = std::process::Command::new(bin)
        .arg("--help")
        .output()
        .expect("ordinal-bench starts");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("--shape") && text.contains("envelope") && text.contains("--quick"));
    // No figures: the bench did not run.
    assert!(!text.contains("ordinal-bench --shape"), "{text}");
    let bad = std::process::Command::new(bin)
        .args(["--shape", "huge"])
        .output()
        .expect("ordinal-bench starts");
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("huge") && err.contains("10k"), "{err}");
}
