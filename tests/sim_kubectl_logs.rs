//! `kubectl logs -f` against the simulated cluster: the log so far, then the
//! lines the simulated container writes as simulated time passes, and the
//! command ends when the Pod is deleted. Skips (saying so) only where kubectl
//! is not installed.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::*;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, DeleteParams, PostParams};
use ordinal::sim::server::{SimConfig, SimServer};

fn kubectl_available() -> bool {
    let found = Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("SKIPPED: kubectl is not installed, the kubectl tests did not run");
    }
    found
}

/// The next line kubectl printed, waiting up to 20 s for it.
fn next_line(lines: &mpsc::Receiver<String>) -> String {
    lines
        .recv_timeout(Duration::from_secs(20))
        .expect("kubectl printed a line")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_follow_streams_new_lines_and_ends_with_the_pod() {
    if !kubectl_available() {
        return;
    }
    let sim = SimServer::start(SimConfig {
        scenario: Some("base".into()),
        auto_tick: false,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let client = sim.client(None);
    create_namespace(&client, "k").await;
    Api::<StatefulSet>::namespaced(client.clone(), "k")
        .create(&PostParams::default(), &statefulset("web", 1))
        .await
        .unwrap();
    let pods: Api<Pod> = Api::namespaced(client.clone(), "k");
    sim.advance(Duration::from_secs(150));
    let running = pods.get("web-0").await.unwrap();
    assert_eq!(
        running.status.unwrap().phase.as_deref(),
        Some("Running"),
        "web-0 runs after 150 s"
    );

    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new("kubectl")
        .env("HOME", home.path())
        .env("KUBECONFIG", home.path().join("none"))
        .args(["--server", &sim.url(), "-n", "k", "logs", "-f", "web-0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("kubectl runs");
    let stdout = child.stdout.take().unwrap();
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });

    // The log so far ends with the latest heartbeat.
    let mut seen = Vec::new();
    while !seen
        .iter()
        .any(|l: &String| l.contains("ready to accept connections"))
    {
        seen.push(tokio::task::block_in_place(|| next_line(&lines)));
    }
    assert!(
        seen[0].starts_with("starting main (image nginx:1.27)"),
        "{seen:?}"
    );
    // Three simulated minutes later, the heartbeats of those minutes follow,
    // each once.
    let uptime = |l: &str| {
        l.strip_prefix("main: serving, uptime ")
            .and_then(|m| m.strip_suffix('m'))
            .and_then(|m| m.parse::<u64>().ok())
    };
    let before = seen.iter().filter_map(|l| uptime(l)).max().unwrap_or(0);
    sim.advance(Duration::from_secs(180));
    let mut later = Vec::new();
    while !later.iter().any(|l: &String| uptime(l) == Some(before + 3)) {
        let line = tokio::task::block_in_place(|| next_line(&lines));
        assert!(!seen.contains(&line), "a line sent twice: {line}");
        later.push(line);
    }
    let new: Vec<u64> = later.iter().filter_map(|l| uptime(l)).collect();
    assert_eq!(
        new,
        [before + 1, before + 2, before + 3],
        "{seen:?} then {later:?}"
    );

    // Deleting the Pod ends the command (successfully, as on a real cluster).
    pods.delete("web-0", &DeleteParams::default().grace_period(0))
        .await
        .unwrap();
    let status = eventually(20, || {
        let status = child.try_wait().unwrap();
        async move { status }
    })
    .await;
    assert!(status.success(), "{status:?}");
}
