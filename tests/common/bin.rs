//! The `ordinal` binary as users run it, in a clean home, and a kubeconfig
//! pointing at a cluster that is not there.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs `ordinal ARGS` with an empty home and no kubeconfig or config from
/// the environment: (exit code, stdout, stderr).
pub fn ordinal(args: &[&str]) -> (i32, String, String) {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ordinal"))
        .args(args)
        .env("HOME", home.path())
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env_remove("ORDINAL_CONFIG")
        .env_remove("KUBECONFIG")
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A kubeconfig in `dir` whose current context `staging` names a closed
/// loopback port: (its path, the server URL).
pub fn unreachable_kubeconfig(dir: &Path) -> (PathBuf, String) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let server = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let kubeconfig = dir.join("config");
    std::fs::write(
        &kubeconfig,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: {server}\ncontexts:\n- name: staging\n  context:\n    cluster: c\n    user: u\nusers:\n- name: u\n  user: {{}}\ncurrent-context: staging\n"
        ),
    )
    .unwrap();
    (kubeconfig, server)
}
