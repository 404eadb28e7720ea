//! `ordinal-bench [--quick]`: performance figures against a big generated
//! simulated cluster over loopback (issue 5). Prints one line per figure;
//! targets are shown, never asserted.

use std::process::ExitCode;

use ordinal::bench::{self, Options};

fn main() -> ExitCode {
    // The same allocator settings as `ordinal` itself.
    ordinal::memory::limit_arenas();
    let quick = std::env::args().skip(1).any(|a| a == "--quick");
    let opts = if quick {
        Options::quick()
    } else {
        Options::full()
    };
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "ordinal-bench{}: {} sets x {} ordinals, {} events, {cores} cores",
        if quick { " --quick" } else { "" },
        opts.spec.sets,
        opts.spec.replicas,
        opts.spec.events
    );
    match bench::run(&opts, &mut |f| println!("{f}")) {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ordinal-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}
