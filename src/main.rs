use std::collections::BTreeSet;
use std::io::Write;
use std::time::Duration;

use anyhow::{Context, Result};
use ordinal::app::{
    App, lockstep,
    run::{Clock, Exit, Rewatch, RunOptions, Wiring, run},
};
use ordinal::audit;
use ordinal::cli::{Cli, Command, GetCommand, SimArgs, SimCommand, TargetArgs};
use ordinal::cluster::access;
use ordinal::cluster::actions::Execute;
use ordinal::cluster::connect::{self, ConnectOptions, Connection};
use ordinal::cluster::{prometheus, stats, watch};
use ordinal::config::{self, Config};
use ordinal::logging;
use ordinal::sim::auth::Users;
use ordinal::sim::scenario;
use ordinal::sim::server::{SimConfig, SimServer, parse_user};
use ordinal::term::caps::Caps;
use ordinal::term::screen;
use tokio::sync::mpsc;

fn sim_config(args: &SimArgs) -> SimConfig {
    SimConfig {
        seed: args.seed,
        speed: args.speed,
        scenario: Some(args.scenario.clone()),
        ..SimConfig::default()
    }
}

/// The sim of a tour: its story starts at a fixed date and its time only
/// moves when the tour driver advances it, so runs repeat exactly.
fn tour_sim_config(args: &SimArgs) -> SimConfig {
    SimConfig {
        auto_tick: false,
        epoch: Some(lockstep::epoch()),
        ..sim_config(args)
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
        tls: cmd.tls.unwrap_or(!users.is_empty()),
        users,
        ..sim_config(&cmd.sim)
    };
    let server = SimServer::start(config)
        .await
        .context("starting the simulated cluster")?;
    let url = server.url();
    let kubeconfig =
        std::env::temp_dir().join(format!("ordinal-sim-{}.kubeconfig", server.addr().port()));
    std::fs::write(&kubeconfig, server.kubeconfig())
        .with_context(|| format!("writing {}", kubeconfig.display()))?;
    let mut out = std::io::stdout();
    writeln!(
        out,
        "ordinal simulated cluster on {url} (scenario {}, seed {}, speed {}x)\n\n  export KUBECONFIG={}\n  kubectl get statefulsets -A",
        cmd.sim.scenario,
        cmd.sim.seed,
        cmd.sim.speed,
        kubeconfig.display()
    )?;
    if server.ca_pem().is_none() {
        writeln!(out, "  kubectl --server {url} get statefulsets -A")?;
    }
    for spec in &cmd.users {
        let name = spec.split(['=', ':']).next().unwrap_or_default();
        writeln!(out, "  kubectl --context {name} auth can-i --list")?;
    }
    writeln!(out, "\nCtrl-C stops it.")?;
    out.flush()?;
    wait_for_signal().await;
    server.shutdown().await;
    let _ = std::fs::remove_file(&kubeconfig);
    Ok(())
}

/// Resolves on SIGINT, SIGTERM or SIGHUP (a closed SSH session).
async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut hup), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::hangup()),
        signal(SignalKind::interrupt()),
    ) else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = hup.recv() => {}
        _ = int.recv() => {}
    }
}

/// Connects to the cluster (or starts the demo one). The sim, if any, must
/// live as long as the connection.
async fn open(
    demo: bool,
    sim: &SimConfig,
    target: &TargetArgs,
) -> Result<(Connection, Option<SimServer>), connect::ConnectError> {
    if demo {
        let server =
            SimServer::start(sim.clone())
                .await
                .map_err(|e| connect::ConnectError::Config {
                    message: format!("starting the simulated cluster: {e}"),
                })?;
        let connection = connect::from_config(
            server.kube_config(None),
            "demo".into(),
            Duration::from_secs(5),
        )
        .await?;
        return Ok((connection, Some(server)));
    }
    let options = ConnectOptions {
        kubeconfig: target.kubeconfig.clone(),
        context: target.context.clone(),
    };
    Ok((
        connect::connect(&options, Duration::from_secs(10)).await?,
        None,
    ))
}

/// The namespace scope: `-A` → all; `-n` → that one; else the config
/// file's default, else the context's namespace (all for the demo, whose
/// stories live in several).
fn namespace_scope(
    demo: bool,
    target: &TargetArgs,
    connection: &Connection,
    config: &Config,
) -> Option<String> {
    config.namespace_scope(
        target.all_namespaces,
        target.namespace.as_deref(),
        demo,
        &connection.namespace,
    )
}

/// Reads the config file (`--config`, else the default one), or says what
/// is wrong with it: `ordinal: PATH: line N, column M: …` and the line.
fn load_config(explicit: Option<&std::path::Path>) -> Result<config::Loaded, i32> {
    config::load(explicit).map_err(|e| {
        eprintln!("ordinal: {e}");
        let excerpt = e.excerpt();
        if !excerpt.is_empty() {
            eprintln!("{excerpt}");
        }
        2
    })
}

/// `-n a,b,c`: the namespaces, when more than one (trimmed, no empties,
/// no repeats, in the order given).
fn several_namespaces(namespace: Option<&str>) -> Option<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for ns in namespace?
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        if !out.iter().any(|o| o == ns) {
            out.push(ns.to_string());
        }
    }
    (out.len() > 1).then_some(out)
}

fn watch_scope(namespace: &Option<String>) -> watch::Scope {
    match namespace {
        Some(ns) => watch::Scope::Namespace(ns.clone()),
        None => watch::Scope::All,
    }
}

/// `--prometheus`, else the config file's, checked before anything connects.
fn prometheus_target(
    config: &Config,
    flag: &Option<String>,
) -> Result<Option<prometheus::Target>, i32> {
    config.prometheus(flag.as_deref()).map_err(|e| {
        eprintln!("ordinal: {e}");
        2
    })
}

async fn run_tui(mut cli: Cli, config: Config) -> Result<i32> {
    let history_target = match prometheus_target(&config, &cli.target.prometheus) {
        Ok(t) => t,
        Err(code) => return Ok(code),
    };
    // The tour walks the demo cluster.
    let tour = if cli.tour {
        cli.demo = true;
        match ordinal::app::tour::parse(ordinal::app::tour::BUILTIN) {
            Ok(steps) => Some(steps),
            Err(e) => {
                eprintln!("ordinal: {e}");
                return Ok(2);
            }
        }
    } else {
        None
    };
    let sim_config = if cli.tour {
        tour_sim_config(&cli.sim)
    } else {
        sim_config(&cli.sim)
    };
    let (connection, sim) = match open(cli.demo, &sim_config, &cli.target).await {
        Ok(c) => c,
        Err(e) => {
            eprintln!("ordinal: {e}\n");
            for line in e.explain() {
                eprintln!("  {line}");
            }
            return Ok(2);
        }
    };
    // Decide about the terminal before touching it. (After connecting, so a
    // cluster that cannot be reached is explained first, piped or not.)
    let caps = Caps::from_env(config.overrides(cli.no_color, cli.ascii));
    if let Some(message) = screen::check(&caps) {
        screen::say(&message);
        return Ok(2);
    }
    // A tour's recording starts at the simulated present and is stamped
    // with the tour's own times.
    let virtual_start = tour.as_ref().and(sim.as_ref()).map(SimServer::now);
    let recorder = match &cli.record {
        Some(path) => match screen::start_recording(path, virtual_start) {
            Ok(recorder) => Some(recorder),
            Err(e) => {
                screen::say(&format!(
                    "ordinal: cannot record to {}: {e}",
                    path.display()
                ));
                return Ok(2);
            }
        },
        None => None,
    };
    let namespace = namespace_scope(cli.demo, &cli.target, &connection, &config);
    let several = several_namespaces(namespace.as_deref());
    let namespace = if several.is_some() { None } else { namespace };
    let (tx, mut rx) = mpsc::unbounded_channel();
    let client = connection.client.clone();
    let progress = watch::Progress::default();
    let lists = watch::Lists::default();
    let mut watches = watch::start_tracked(
        &client,
        &match &several {
            Some(v) => watch::Scope::Namespaces(v.clone()),
            None => watch_scope(&namespace),
        },
        &tx,
        watch::Backoff::default(),
        &progress,
        &lists,
    );
    let (nodes_tx, nodes_rx) = tokio::sync::watch::channel(BTreeSet::new());
    // The tour polls usage itself, in step with simulated time, and with
    // one try per poll: the client's retries of a kubelet that is gone would
    // run into the poll's wall-clock deadline, stalling the tour for seconds
    // and making its outcome a matter of timing.
    let tour_usage_client = match (&tour, &sim) {
        (Some(_), Some(sim)) => {
            let mut config = sim.kube_config(None);
            config.default_retry = false;
            Some(kube::Client::try_from(config).context("a client for the simulated cluster")?)
        }
        _ => None,
    };
    let stats_task = tour_usage_client.is_none().then(|| {
        stats::start(
            client.clone(),
            nodes_rx,
            tx.clone(),
            Duration::from_secs(30),
        )
    });
    // Older usage from Prometheus, when the user has it.
    let history_task = match history_target {
        Some(target) => match prometheus::Prometheus::new(target, &client) {
            Ok(p) => Some(prometheus::start(p, namespace.clone(), tx.clone())),
            Err(e) => {
                eprintln!("ordinal: --prometheus: {e}");
                return Ok(2);
            }
        },
        None => None,
    };

    let theme = caps.theme();
    let mut app = App::new(&connection.context, namespace.clone(), cli.read_only);
    if let Some(v) = several {
        app.set_namespaces(v);
    }
    if tour.is_none() {
        // The tour's script presses the default keys.
        app.set_keymap(config.keymap.clone());
    }
    app.set_redraw_on_tick(config.ui.refresh != config::Refresh::Off);
    if !cli.read_only {
        // Ask the API what this user may do, before they try.
        match tokio::time::timeout(
            Duration::from_secs(5),
            access::check(&client, namespace.as_deref()),
        )
        .await
        {
            Ok(permissions) => app.set_permissions(permissions),
            Err(_) => {
                tracing::warn!("access review timed out; actions stay enabled and errors will tell")
            }
        }
    }
    let (results_tx, mut results_rx) = mpsc::unbounded_channel();
    let audit_path = audit::default_path();
    let context = connection.context.clone();
    let user = connection.user.clone();
    let mut screen = screen::enter(recorder).context("setting up the terminal")?;
    // Input ends when the terminal hangs up, even without SIGHUP.
    let inputs = futures::StreamExt::take_until(
        crossterm::event::EventStream::new(),
        Box::pin(screen::hung_up(Duration::from_millis(250))),
    );
    let execute = |action: ordinal::action::Action| {
        let client = client.clone();
        let results_tx = results_tx.clone();
        let audit_path = audit_path.clone();
        let context = context.clone();
        let user = user.clone();
        tokio::spawn(async move {
            let result = action.execute(&client).await;
            if let Err(e) = audit::append(
                &audit_path,
                &audit::AuditRecord::new(
                    &action,
                    &context,
                    user.as_deref(),
                    jiff::Timestamp::now(),
                    &result,
                ),
            ) {
                tracing::warn!("audit log {}: {e}", audit_path.display());
            }
            let _ = results_tx.send((action, result));
        });
    };
    let result = match (tour, &sim, tour_usage_client) {
        (Some(steps), Some(sim), Some(usage_client)) => {
            let recording = screen.recording();
            lockstep::run(
                &mut screen.terminal,
                &mut app,
                &theme,
                inputs,
                steps,
                lockstep::Wiring {
                    sim,
                    progress: &progress,
                    store_rx: &mut rx,
                    results_rx: &mut results_rx,
                    execute,
                    usage: |nodes| {
                        let client = usage_client.clone();
                        async move { stats::poll_all(&client, &nodes).await }
                    },
                    pace: |at| recording.set_time(at),
                    follow: |set| watches.follow(set),
                },
                wait_for_signal(),
                &lockstep::Options {
                    speed: cli.sim.speed,
                    // Tests (and the impatient) need not wait for the real pace.
                    fast: std::env::var_os("ORDINAL_TOUR_FAST").is_some_and(|v| v == "1"),
                    ..lockstep::Options::default()
                },
            )
            .await
        }
        _ => {
            let wiring = Wiring {
                store_rx: &mut rx,
                nodes_tx: &nodes_tx,
                results_rx: &mut results_rx,
                rewatch: |change: Rewatch| match change {
                    Rewatch::Scope(ns) => {
                        watches.stop();
                        let scope = match several_namespaces(ns.as_deref()) {
                            Some(v) => watch::Scope::Namespaces(v),
                            None => watch_scope(&ns),
                        };
                        watches = watch::start_tracked(
                            &client,
                            &scope,
                            &tx,
                            watch::Backoff::default(),
                            &progress,
                            &lists,
                        );
                    }
                    Rewatch::Follow(set) => watches.follow(set),
                },
                execute,
            };
            run(
                &mut screen.terminal,
                &mut app,
                &theme,
                inputs,
                wiring,
                wait_for_signal(),
                &RunOptions {
                    max_fps: config.max_fps(cli.max_fps),
                    // Refreshes the ages and the clock (and follows actions,
                    // each second when the redraws are off).
                    tick: match config.ui.refresh {
                        config::Refresh::Every(every) => every,
                        config::Refresh::Off => RunOptions::default().tick,
                    },
                    // The demo's ages and clock follow its simulated time.
                    clock: match &sim {
                        Some(sim) => Clock::Sim(std::sync::Arc::new(sim.clock())),
                        None => Clock::Wall,
                    },
                },
            )
            .await
        }
    };
    let recorded = screen.leave();
    if let Some(task) = stats_task {
        task.abort();
    }
    if let Some(task) = history_task {
        task.abort();
    }
    if let (Some(path), Err(e)) = (&cli.record, &recorded) {
        screen::say(&format!(
            "ordinal: the recording {} stopped early: {e}",
            path.display()
        ));
    }
    match result {
        Ok(Exit::Quit | Exit::Shutdown | Exit::TerminalGone) => Ok(0),
        // A closed SSH session: writes fail with EIO; nobody is left to tell.
        Err(e) if screen::is_gone(&e) => Ok(0),
        Err(e) => Err(anyhow::Error::new(e).context("terminal error")),
    }
}

async fn run_get(cmd: GetCommand, target: TargetArgs, config: Config) -> Result<i32> {
    let history_target = match prometheus_target(&config, &target.prometheus) {
        Ok(t) => t,
        Err(code) => return Ok(code),
    };
    let (connection, _sim) = match open(cmd.demo, &sim_config(&cmd.sim), &target).await {
        Ok(c) => c,
        Err(e) => {
            eprintln!("ordinal: {e}");
            for line in e.explain() {
                eprintln!("  {line}");
            }
            return Ok(2);
        }
    };
    let namespace = namespace_scope(cmd.demo, &target, &connection, &config);
    let history = match history_target {
        Some(t) => match prometheus::Prometheus::new(t, &connection.client) {
            Ok(p) => Some(p),
            Err(e) => {
                eprintln!("ordinal: --prometheus: {e}");
                return Ok(2);
            }
        },
        None => None,
    };
    ordinal::get::run(&connection.client, namespace, &cmd, history.as_ref()).await
}

fn main() -> Result<()> {
    ordinal::memory::limit_arenas();
    let cli = Cli::from_env();
    // A bad config file is reported before anything else happens.
    let config = if matches!(cli.command, Some(Command::Sim(_))) {
        Config::default()
    } else {
        match load_config(cli.config.as_deref()) {
            Ok(loaded) if cli.print_config => {
                print!(
                    "{}",
                    loaded.config.to_commented_toml(loaded.path.as_deref())
                );
                return Ok(());
            }
            Ok(loaded) => loaded.config,
            Err(code) => std::process::exit(code),
        }
    };
    // A bad --log-level is refused before anything else happens, too.
    let env_level = std::env::var("ORDINAL_LOG").ok();
    let log_filter = match logging::filter(cli.log_level.as_deref(), env_level.as_deref()) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("ordinal: {e}");
            std::process::exit(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let code = runtime.block_on(async move {
        match cli.command {
            Some(Command::Sim(cmd)) => {
                // The sim alone logs its requests to stderr when asked.
                if cli.log_level.is_some() || env_level.is_some() {
                    tracing_subscriber::fmt()
                        .with_env_filter(log_filter)
                        .with_writer(std::io::stderr)
                        .init();
                }
                run_sim(cmd).await.map(|_| 0)
            }
            Some(Command::Get(cmd)) => {
                logging::init(&logging::default_path(), log_filter);
                run_get(cmd, cli.target.clone(), config).await
            }
            None => {
                logging::init(&logging::default_path(), log_filter);
                run_tui(cli, config).await
            }
        }
    })?;
    // Watch tasks may still be parked on sockets; don't wait for them.
    runtime.shutdown_timeout(Duration::from_millis(200));
    std::process::exit(code);
}
