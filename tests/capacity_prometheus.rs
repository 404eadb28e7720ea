//! With a real Prometheus (Debian's `prometheus` package; `.ci/run`
//! installs it): it scrapes the simulated kubelets' metrics every second,
//! then `ordinal get --prometheus` loads that history, and the forecast
//! uses samples older than ordinal's start.
//!
//! Skipped (and says so) only when the `prometheus` binary is absent.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use jiff::Timestamp;
use ordinal::cluster::prometheus::{Prometheus, Target};
use ordinal::sim::server::{SimConfig, SimServer};
use ordinal::store::{HistorySource, StoreEvent};

fn prometheus_binary() -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("prometheus"))
        .find(|p| p.is_file())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Kills Prometheus when the test ends, passed or not.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn config(sim: &str, nodes: &[&str]) -> String {
    let targets: String = nodes
        .iter()
        .map(|n| {
            format!(
                "  - targets: ['{sim}']\n    labels:\n      __metrics_path__: /api/v1/nodes/{n}/proxy/metrics\n"
            )
        })
        .collect();
    format!(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n- job_name: kubelet\n  static_configs:\n{targets}"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_from_prometheus_feeds_the_forecast() {
    let Some(binary) = prometheus_binary() else {
        eprintln!("SKIPPED: no `prometheus` binary on PATH (.ci/run installs Debian's package)");
        return;
    };
    eprintln!("running with {}", binary.display());
    let sim = SimServer::start(SimConfig {
        scenario: Some("mysql".into()),
        ..SimConfig::default()
    })
    .await
    .expect("sim starts");
    let nodes: Vec<String> = sim.with_state(|s| {
        s.store
            .list_typed::<k8s_openapi::api::core::v1::Node>(None)
            .filter_map(|n| n.metadata.name.clone())
            .collect()
    });
    assert!(!nodes.is_empty());
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join("prometheus.yml");
    let sim_addr = sim.addr().to_string();
    let node_refs: Vec<&str> = nodes.iter().map(String::as_str).collect();
    std::fs::write(&config_path, config(&sim_addr, &node_refs)).unwrap();
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let _prometheus = Running(
        Command::new(&binary)
            .arg(format!("--config.file={}", config_path.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("prometheus starts"),
    );

    // Wait until Prometheus holds more than a minute of samples of data-mysql-0.
    let target: Target = url.parse().unwrap();
    let client = sim.client(None);
    let p = Prometheus::new(target, &client).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(150);
    loop {
        if let StoreEvent::History { claims, .. } = p.load(Some("mysql"), Timestamp::now()).await
            && let Some((_, samples)) = claims.iter().find(|(k, _)| k.1 == "data-mysql-0")
            && samples.len() >= 10
            && samples
                .last()
                .unwrap()
                .at
                .duration_since(samples[0].at)
                .as_secs()
                >= 70
        {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "Prometheus did not collect 70 s of samples in time"
        );
        tokio::time::sleep(Duration::from_secs(2)).await;
    }

    let kubeconfig = dir.path().join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: sim\n  cluster:\n    server: {}\ncontexts:\n- name: sim\n  context:\n    cluster: sim\n    user: sim\ncurrent-context: sim\nusers:\n- name: sim\n  user: {{}}\n",
            sim.url()
        ),
    )
    .unwrap();
    let started = Timestamp::now();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "get",
            "mysql",
            "-n",
            "mysql",
            "-o",
            "json",
            "--kubeconfig",
            kubeconfig.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let out = Command::new(env!("CARGO_BIN_EXE_ordinal"))
            .args(&args)
            .env("HOME", dir.path())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let v: serde_json::Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{e}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
        v
    };
    let capacity = |v: &serde_json::Value| -> serde_json::Value {
        v["ordinals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["ordinal"] == 0)
            .expect("ordinal 0")["volumes"][0]["usage"]["forecast"]
            .clone()
    };

    let with = run(&["--prometheus", &url]);
    let c = capacity(&with);
    let oldest: Timestamp = c["oldestSampleAt"].as_str().unwrap().parse().unwrap();
    assert!(
        oldest < started - jiff::SignedDuration::from_secs(60),
        "the history reaches back before ordinal started: {c}"
    );
    assert!(c["fitSamples"].as_u64().unwrap() >= 10, "{c}");
    // The scenario grows data-mysql-0 by 200 MiB an hour.
    let per_day = c["bytesPerDay"].as_f64().expect("a growth rate");
    let expected = 200.0 * 1024.0 * 1024.0 * 24.0;
    assert!(
        (per_day - expected).abs() < 0.05 * expected,
        "{per_day} vs {expected}: {c}"
    );
    assert!(c["fullInSeconds"].as_f64().is_some_and(|s| s > 0.0), "{c}");
    assert!(c["fullAt"].is_string(), "{c}");

    // Without Prometheus, one live sample: no trend yet.
    let without = run(&[]);
    let c = capacity(&without);
    assert!(c["bytesPerDay"].is_null(), "{c}");
    assert!(c["fullInSeconds"].is_null(), "{c}");

    // A Prometheus that is not there: live samples only, and it says why.
    let gone = format!("http://127.0.0.1:{}", free_port());
    let p = Prometheus::new(gone.parse().unwrap(), &client).unwrap();
    match p.load(Some("mysql"), Timestamp::now()).await {
        StoreEvent::History {
            source: HistorySource::Failed { reason, .. },
            claims,
        } => {
            assert!(claims.is_empty());
            assert!(reason.starts_with("unreachable"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    eprintln!("ran against a real Prometheus");
}
