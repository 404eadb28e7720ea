//! `ordinal-bench`: performance figures against a big generated simulated
//! cluster over loopback (issues 5 and 10). Prints one line per figure;
//! targets are shown, never asserted.

use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use ordinal::bench::envelope::{self, EnvelopeOptions};
use ordinal::bench::{self, Figure, Options};

/// Which generated cluster to measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Shape {
    /// 1,000 StatefulSets x 10 ordinals, 50 Nodes, 20,000 Events: frames,
    /// churn, idle and input.
    #[value(name = "10k")]
    TenK,
    /// Kubernetes' scale limit: 5,000 Nodes, 150,000 Pods (10,000 of them in
    /// StatefulSets), 150,000 Events: start, bytes, memory, unrelated churn
    /// against the minimal and unfiltered baselines.
    Envelope,
}

/// Performance figures of ordinal against a generated cluster in the
/// embedded simulator, over loopback. Targets are printed next to each
/// figure, never asserted.
#[derive(Debug, Parser)]
#[command(name = "ordinal-bench", version)]
struct Cli {
    /// The cluster to generate.
    #[arg(long, value_enum, default_value = "10k")]
    shape: Shape,
    /// Shorter phases (10k: 100 sets; envelope: a 5 s churn).
    #[arg(long)]
    quick: bool,
    /// Internal: run only the client's start against the sim at this URL and
    /// print its figures as JSON (the memory figures run the client this
    /// way, in a process of its own).
    #[arg(long, hide = true, value_name = "URL")]
    attach: Option<String>,
    /// Internal, with --attach: how many set rows make the list complete.
    #[arg(long, hide = true, default_value_t = 1)]
    sets: usize,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The same allocator settings as `ordinal` itself.
    ordinal::memory::limit_arenas();
    if let Some(url) = &cli.attach {
        return match bench::attach::attach(url, cli.sets) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("ordinal-bench --attach: {e:#}");
                ExitCode::FAILURE
            }
        };
    }
    let exe = std::env::current_exe().ok();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let quick = if cli.quick { " --quick" } else { "" };
    let print = &mut |f: &Figure| println!("{f}");
    let result = match cli.shape {
        Shape::TenK => {
            let opts = Options {
                bench_exe: exe,
                ..if cli.quick {
                    Options::quick()
                } else {
                    Options::full()
                }
            };
            println!(
                "ordinal-bench --shape 10k{quick}: {} sets x {} ordinals, {} events, {cores} cores",
                opts.spec.sets, opts.spec.replicas, opts.spec.events
            );
            bench::run(&opts, print)
        }
        Shape::Envelope => {
            let opts = EnvelopeOptions {
                bench_exe: exe,
                ..if cli.quick {
                    EnvelopeOptions::quick()
                } else {
                    EnvelopeOptions::full()
                }
            };
            let s = &opts.spec;
            println!(
                "ordinal-bench --shape envelope{quick}: {} nodes, {} pods ({} sets x {}), {} events, churn {}/s for {:?}, {cores} cores",
                s.nodes,
                s.pods(),
                s.sets,
                s.replicas,
                s.events,
                opts.churn_rate,
                opts.churn
            );
            envelope::run(&opts, print)
        }
    };
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ordinal-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}
