//! kubectl as a user types it, against a simulated cluster: no kubeconfig
//! (an empty HOME), `--server` pointing at the sim.

use std::path::Path;
use std::process::{Command, Output};

use ordinal::sim::server::SimServer;

/// Whether kubectl is installed; says so when the tests skip.
pub fn available() -> bool {
    let found = Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("SKIPPED: kubectl is not installed, the kubectl tests did not run");
    }
    found
}

/// Runs kubectl as typed; its success and stdout+stderr.
pub fn run(sim: &SimServer, args: &[&str]) -> (bool, String) {
    let home = tempfile::tempdir().unwrap();
    let out = blocking(|| {
        Command::new("kubectl")
            .env("HOME", home.path())
            .env("KUBECONFIG", home.path().join("none"))
            .args(["--server", &sim.url(), "--request-timeout", "10s"])
            .args(args)
            .output()
    })
    .expect("kubectl runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// Runs kubectl and fails the test, with its output, if it fails.
pub fn ok(sim: &SimServer, args: &[&str]) -> String {
    let (ok, out) = run(sim, args);
    assert!(ok, "kubectl {args:?}: {out}");
    out
}

/// Writes a manifest into `dir`; its path for `-f`.
pub fn write_manifest(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// kubectl waits on the sim, which may share this runtime: on a
/// multi-threaded runtime the wait moves off the worker.
fn blocking(f: impl FnOnce() -> std::io::Result<Output>) -> std::io::Result<Output> {
    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(f),
        _ => f(),
    }
}

/// A sim of the `base` scenario serving TLS to the users `specs` give
/// (`NAME[:TOKEN]=PROFILE`, as `--user` takes them), and the kubeconfig it
/// writes (one context per user) in a directory of its own.
pub async fn sim_with_users(specs: &[&str]) -> (SimServer, tempfile::TempDir, std::path::PathBuf) {
    let mut users = ordinal::sim::auth::Users::default();
    for spec in specs {
        let (token, user) = ordinal::sim::server::parse_user(spec).unwrap();
        users.add(&token, user);
    }
    let sim = SimServer::start(ordinal::sim::server::SimConfig {
        scenario: Some("base".into()),
        users,
        tls: true,
        ..Default::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kubeconfig");
    std::fs::write(&path, sim.kubeconfig()).unwrap();
    (sim, dir, path)
}
