//! Command-line flags.

use std::net::SocketAddr;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "ordinal",
    version,
    about = "A terminal UI for Kubernetes StatefulSets, their ordinals and their storage",
    after_help = after_help()
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Explore the embedded simulated cluster instead of a real one.
    #[arg(long)]
    pub demo: bool,

    #[command(flatten)]
    pub sim: SimArgs,

    #[command(flatten)]
    pub target: TargetArgs,

    /// Disable every key that would change the cluster.
    #[arg(long)]
    pub read_only: bool,

    /// No colours: bold, underline and reverse only (as NO_COLOR=1 does).
    #[arg(long)]
    pub no_color: bool,

    /// ASCII borders, bars and symbols (the default unless the locale is UTF-8).
    #[arg(long)]
    pub ascii: bool,

    /// At most N screen updates per second (1-120; default 30, or the config
    /// file's max_fps); lower it on slow links.
    #[arg(long, value_name = "N", value_parser = parse_max_fps)]
    pub max_fps: Option<u32>,

    /// Record what is drawn as an asciicast v2 file (play it with `asciinema play`).
    #[arg(long, value_name = "FILE.cast")]
    pub record: Option<std::path::PathBuf>,

    /// An unattended walk through the main features on the demo cluster,
    /// with captions (for recordings; implies --demo). The script is
    /// assets/tour.yaml.
    #[arg(long)]
    pub tour: bool,

    /// Read this config file instead of the default one (see below); it
    /// must exist.
    #[arg(long, value_name = "FILE", env = "ORDINAL_CONFIG", global = true)]
    pub config: Option<std::path::PathBuf>,

    /// Print the effective configuration as a commented TOML file (to start
    /// one from) and exit.
    #[arg(long)]
    pub print_config: bool,

    /// How much goes to the diagnostics log: error, warn (default), info,
    /// debug, trace, or a filter such as `ordinal=debug,kube=info`; wins
    /// over ORDINAL_LOG.
    #[arg(long, value_name = "LEVEL", global = true)]
    pub log_level: Option<String>,
}

impl Cli {
    /// The flags of this process. Run as `kubectl-ordinal` (a kubectl
    /// plugin: `kubectl ordinal …`), help and errors say `kubectl ordinal`.
    pub fn from_env() -> Cli {
        let argv0 = std::env::args_os().next().unwrap_or_default();
        let mut command = Cli::command();
        if plugin_name(std::path::Path::new(&argv0)) {
            command = command.bin_name("kubectl ordinal");
        }
        let matches = command.get_matches();
        Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
    }
}

/// Whether the program was started under its kubectl plugin name.
fn plugin_name(argv0: &std::path::Path) -> bool {
    argv0
        .file_name()
        .is_some_and(|n| n == "kubectl-ordinal" || n == "kubectl-ordinal.exe")
}

/// The text under `--help`: where the config file, the audit log and the
/// diagnostics are (the config path resolved for this environment).
fn after_help() -> String {
    let config = crate::config::default_path()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "none: neither XDG_CONFIG_HOME nor HOME is set".into());
    let audit = crate::audit::default_path().display().to_string();
    let log = crate::logging::default_path().display().to_string();
    format!(
        "Settings (theme, colours, refresh, default namespace, keys) are read from \
$XDG_CONFIG_HOME/ordinal/config.toml (default ~/.config/ordinal/config.toml; here: {config}) \
when it exists; flags and NO_COLOR win over it; `ordinal --print-config` shows it.\n\n\
Every action sent is appended to the audit log $XDG_STATE_HOME/ordinal/actions.log \
(default ~/.local/state/ordinal/actions.log; here: {audit}). Diagnostics go to ordinal.log \
beside it (here: {log}; level from --log-level or ORDINAL_LOG, default warn), rotated at \
4 MiB with two older files kept; a repeated message is written once per 10 minutes with a count.\n\n\
Run `ordinal sim --help` for the simulated cluster alone."
    )
}

/// Which cluster and namespaces, as kubectl's flags.
#[derive(Debug, Args, Clone, Default)]
pub struct TargetArgs {
    /// Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config).
    #[arg(long, value_name = "FILE", global = true)]
    pub kubeconfig: Option<std::path::PathBuf>,

    /// The kubeconfig context to use.
    #[arg(long, global = true)]
    pub context: Option<String>,

    /// Namespace to show (default: the context's namespace; with --demo, all).
    #[arg(short = 'n', long, global = true, conflicts_with = "all_namespaces")]
    pub namespace: Option<String>,

    /// Show all namespaces.
    #[arg(short = 'A', long, global = true)]
    pub all_namespaces: bool,

    /// Load up to 7 days of volume usage history from Prometheus at start:
    /// a URL (http://prometheus:9090) or, through the API server's service
    /// proxy, service:NAMESPACE/NAME:PORT (service:monitoring/prometheus-k8s:9090).
    #[arg(long, value_name = "URL", global = true)]
    pub prometheus: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the simulated cluster alone, for kubectl or other tools.
    Sim(SimCommand),
    /// Print the StatefulSets (or one set's ordinals, chains and findings) and exit.
    Get(GetCommand),
}

/// What `ordinal get` exits with (also in the README).
pub const GET_EXIT_CODES: &str = "\
Exit status:
  0  printed (findings, if any, are below --fail-on)
  1  a finding at or above --fail-on exists (the output is still printed)
  2  usage error (bad flags, unknown or ambiguous set name), or the cluster
     could not be reached or did not sync within --timeout

JSON and YAML follow the schema assets/schema/statefulset-report.v1.json
(apiVersion ordinal.dev/v1; kind StatefulSetReport for one set,
StatefulSetReportList for all).";

#[derive(Debug, Args)]
#[command(after_help = GET_EXIT_CODES)]
pub struct GetCommand {
    /// A StatefulSet name: show its ordinals, volume chains and findings.
    pub name: Option<String>,

    /// Output format: text for people; json and yaml are the versioned
    /// report (StatefulSetReport, or StatefulSetReportList without NAME).
    #[arg(short = 'o', long, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,

    /// The light list: sets and findings without each set's ordinals and
    /// volume chains (json/yaml only; by default the list has them all).
    #[arg(long)]
    pub summary: bool,

    /// Exit with status 1 when a finding at or above this severity exists.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,

    /// Read from the embedded simulated cluster.
    #[arg(long)]
    pub demo: bool,

    #[command(flatten)]
    pub sim: SimArgs,

    /// How long to wait for the first complete sync, in seconds.
    #[arg(long, default_value_t = 20)]
    pub timeout: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
    Yaml,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Info,
    Warning,
    Critical,
}

/// Flags shared by `--demo` and `sim`.
#[derive(Debug, Args, Clone)]
pub struct SimArgs {
    /// Scenario to load: a builtin name, `all`, or a path to a YAML file.
    #[arg(long, default_value = "all", value_name = "NAME")]
    pub scenario: String,

    /// Seed for the simulation; the same seed and inputs give the same history.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// Simulated seconds per real second.
    #[arg(long, default_value_t = 1.0, value_parser = parse_speed)]
    pub speed: f64,
}

#[derive(Debug, Args)]
pub struct SimCommand {
    #[command(flatten)]
    pub sim: SimArgs,

    /// Address to listen on (loopback only).
    #[arg(long, default_value = "127.0.0.1:8001")]
    pub listen: SocketAddr,

    /// Require bearer tokens: NAME[:TOKEN]=PROFILE (the token is NAME when
    /// not given), where PROFILE is admin, read-only (the `view` role),
    /// namespace-viewer:NS[,NS] or namespace-operator:NS[,NS]. Repeatable;
    /// the kubeconfig written has one context per user.
    #[arg(long = "user", value_name = "NAME[:TOKEN]=PROFILE")]
    pub users: Vec<String>,

    /// Serve HTTPS with a CA made at start (written into the kubeconfig).
    /// On by default with --user, since kubectl sends tokens only over TLS;
    /// --tls=false turns it off.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub tls: Option<bool>,

    /// List the builtin scenarios and exit.
    #[arg(long)]
    pub list_scenarios: bool,
}

fn parse_speed(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .parse()
        .map_err(|_| format!("{s:?} is not a number (e.g. 1, 2.5, 10)"))?;
    if v.is_finite() && v > 0.0 && v <= 1000.0 {
        Ok(v)
    } else {
        Err(format!("speed must be above 0 and at most 1000, not {s}"))
    }
}

fn parse_max_fps(s: &str) -> Result<u32, String> {
    match s.parse::<u32>() {
        Ok(v) if (1..=120).contains(&v) => Ok(v),
        _ => Err(format!(
            "frames per second must be a whole number from 1 to 120, not {s:?}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_must_be_positive_and_bounded() {
        assert_eq!(parse_speed("2.5"), Ok(2.5));
        assert!(parse_speed("0").is_err());
        assert!(parse_speed("-1").is_err());
        assert!(parse_speed("fast").is_err());
        assert!(parse_speed("NaN").is_err());
    }

    #[test]
    fn sim_subcommand_parses_users_and_listen() {
        let cli = Cli::try_parse_from([
            "ordinal",
            "sim",
            "--listen",
            "127.0.0.1:9000",
            "--user",
            "t=read-only",
            "--seed",
            "7",
        ])
        .unwrap();
        let Some(Command::Sim(sim)) = cli.command else {
            panic!("expected the sim subcommand");
        };
        assert_eq!(sim.listen.port(), 9000);
        assert_eq!(sim.users, ["t=read-only"]);
        assert_eq!(sim.tls, None);
        for (flag, tls) in [("--tls", Some(true)), ("--tls=false", Some(false))] {
            let cli = Cli::try_parse_from(["ordinal", "sim", flag]).unwrap();
            let Some(Command::Sim(sim)) = cli.command else {
                panic!("expected the sim subcommand");
            };
            assert_eq!(sim.tls, tls, "{flag}");
        }
        assert_eq!(sim.sim.seed, 7);
        assert!(Cli::try_parse_from(["ordinal", "sim", "--speed", "0"]).is_err());
    }

    #[test]
    fn terminal_flags() {
        let cli = Cli::try_parse_from(["ordinal", "--demo"]).unwrap();
        assert!(!cli.no_color && !cli.ascii);
        assert_eq!(cli.max_fps, None, "unset: the config file's, else 30");
        assert_eq!(cli.config, None);
        assert_eq!(cli.record, None);
        let cli = Cli::try_parse_from([
            "ordinal",
            "--no-color",
            "--ascii",
            "--max-fps",
            "5",
            "--record",
            "demo.cast",
        ])
        .unwrap();
        assert!(cli.no_color && cli.ascii);
        assert_eq!(cli.max_fps, Some(5));
        assert_eq!(
            cli.record.as_deref(),
            Some(std::path::Path::new("demo.cast"))
        );
    }

    #[test]
    fn config_flags() {
        let cli = Cli::try_parse_from(["ordinal", "--config", "x.toml", "--print-config"]).unwrap();
        assert_eq!(cli.config.as_deref(), Some(std::path::Path::new("x.toml")));
        assert!(cli.print_config);
        // Global: also after `get`.
        let cli = Cli::try_parse_from(["ordinal", "get", "--config", "y.toml"]).unwrap();
        assert_eq!(cli.config.as_deref(), Some(std::path::Path::new("y.toml")));
    }

    #[test]
    fn help_names_the_config_file() {
        use clap::CommandFactory;
        let help = Cli::command().render_long_help().to_string();
        assert!(
            help.contains("$XDG_CONFIG_HOME/ordinal/config.toml"),
            "{help}"
        );
        assert!(help.contains("--config <FILE>"), "{help}");
        assert!(help.contains("--print-config"), "{help}");
    }

    #[test]
    fn max_fps_is_validated() {
        assert_eq!(parse_max_fps("1"), Ok(1));
        assert_eq!(parse_max_fps("120"), Ok(120));
        for bad in ["0", "121", "-3", "2.5", "fast", ""] {
            let err = parse_max_fps(bad).unwrap_err();
            assert!(err.contains("from 1 to 120"), "{bad}: {err}");
        }
        let err = Cli::try_parse_from(["ordinal", "--max-fps", "0"]).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("--max-fps") && text.contains("from 1 to 120"),
            "{text}"
        );
    }
}
