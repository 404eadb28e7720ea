use std::io::Write;

use anyhow::{Context, Result, bail};
use clap::Parser;
use ordinal::cli::{Cli, Command, SimArgs, SimCommand};
use ordinal::sim::auth::Users;
use ordinal::sim::scenario;
use ordinal::sim::server::{SimConfig, SimServer, parse_user};

fn sim_config(args: &SimArgs) -> SimConfig {
    SimConfig {
        seed: args.seed,
        speed: args.speed,
        scenario: Some(args.scenario.clone()),
        ..SimConfig::default()
    }
}

async fn run_sim(cmd: SimCommand) -> Result<()> {
    if cmd.list_scenarios {
        for name in scenario::builtin_names() {
            let s = &scenario::load(name)?[1];
            println!("{name:8} {}", s.description);
        }
        return Ok(());
    }
    let mut users = Users::default();
    for spec in &cmd.users {
        let (token, user) = parse_user(spec).map_err(anyhow::Error::msg)?;
        users.add(&token, user);
    }
    let config = SimConfig {
        listen: cmd.listen,
        users,
        ..sim_config(&cmd.sim)
    };
    let server = SimServer::start(config)
        .await
        .context("starting the simulated cluster")?;
    let url = server.url();
    let kubeconfig =
        std::env::temp_dir().join(format!("ordinal-sim-{}.kubeconfig", server.addr().port()));
    std::fs::write(&kubeconfig, kubeconfig_yaml(&url))
        .with_context(|| format!("writing {}", kubeconfig.display()))?;
    let mut out = std::io::stdout();
    writeln!(
        out,
        "ordinal simulated cluster on {url} (scenario {}, seed {}, speed {}x)\n\n  kubectl --server {url} get statefulsets -A\n  export KUBECONFIG={}\n\nCtrl-C stops it.",
        cmd.sim.scenario,
        cmd.sim.seed,
        cmd.sim.speed,
        kubeconfig.display()
    )?;
    out.flush()?;
    wait_for_signal().await?;
    server.shutdown().await;
    let _ = std::fs::remove_file(&kubeconfig);
    Ok(())
}

fn kubeconfig_yaml(url: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: ordinal-sim\n  cluster:\n    server: {url}\ncontexts:\n- name: ordinal-sim\n  context:\n    cluster: ordinal-sim\n    user: ordinal-sim\n    namespace: default\nusers:\n- name: ordinal-sim\n  user: {{}}\ncurrent-context: ordinal-sim\n"
    )
}

async fn wait_for_signal() -> Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut hup = signal(SignalKind::hangup())?;
    tokio::select! {
        r = tokio::signal::ctrl_c() => r?,
        _ = term.recv() => {}
        _ = hup.recv() => {}
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    if std::env::var_os("ORDINAL_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_env("ORDINAL_LOG"))
            .with_writer(std::io::stderr)
            .init();
    }
    match cli.command {
        Some(Command::Sim(cmd)) => run_sim(cmd).await,
        None => {
            let _ = cli.sim;
            bail!(
                "the explorer UI is not built yet; run `ordinal sim` to start the simulated cluster and point kubectl at it"
            )
        }
    }
}
