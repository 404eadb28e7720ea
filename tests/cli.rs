//! The binary as users run it: `ordinal get` against the demo cluster, the
//! message when no cluster can be reached, and bad config files.

use std::process::Command;

fn ordinal(args: &[&str]) -> (i32, String, String) {
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

#[test]
fn get_prints_sets_and_findings_and_fails_on_warnings_when_asked() {
    let (code, out, err) = ordinal(&[
        "get",
        "--demo",
        "--scenario",
        "mysql",
        "--fail-on",
        "warning",
    ]);
    assert_eq!(code, 1, "a warning exists (orphaned claims): {out}{err}");
    assert!(out.contains("NAMESPACE") && out.contains("mysql"), "{out}");
    assert!(
        out.contains("data-mysql-3: orphaned claim of ordinal 3"),
        "{out}"
    );
    let (code, _, _) = ordinal(&["get", "--demo", "--scenario", "mysql"]);
    assert_eq!(code, 0, "without --fail-on the exit code is 0");
}

#[test]
fn get_one_set_as_json_has_ordinals_chains_and_findings() {
    let (code, out, err) = ordinal(&[
        "get",
        "mysql",
        "--demo",
        "--scenario",
        "mysql",
        "-o",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let ordinals = v["statefulset"]["ordinals"].as_array().unwrap();
    let pods: Vec<&str> = ordinals
        .iter()
        .map(|o| o["pod"].as_str().unwrap())
        .collect();
    assert_eq!(
        pods,
        ["mysql-0", "mysql-1", "mysql-2", "mysql-3", "mysql-4"]
    );
    assert_eq!(ordinals[3]["beyond_replicas"], true);
    let chains = v["chains"].as_array().unwrap();
    assert_eq!(chains.len(), 5);
    assert_eq!(
        chains[0]["chains"][0]["claim"]["Present"]["name"],
        "data-mysql-0"
    );
    assert!(
        v["statefulset"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "claim-orphaned")
    );

    let (code, _, err) = ordinal(&["get", "nope", "--demo", "--scenario", "mysql"]);
    assert_eq!(code, 2);
    assert!(err.contains("no StatefulSet named \"nope\""), "{err}");
}

#[test]
fn an_unreachable_cluster_is_explained_with_a_demo_hint() {
    let dir = tempfile::tempdir().unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let server = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let kubeconfig = dir.path().join("config");
    std::fs::write(
        &kubeconfig,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: {server}\ncontexts:\n- name: staging\n  context:\n    cluster: c\n    user: u\nusers:\n- name: u\n  user: {{}}\ncurrent-context: staging\n"
        ),
    )
    .unwrap();
    let path = kubeconfig.to_str().unwrap();
    for args in [
        vec!["--kubeconfig", path],
        vec!["get", "--kubeconfig", path],
    ] {
        let (code, out, err) = ordinal(&args);
        assert_eq!(code, 2, "{out}{err}");
        assert!(err.contains("staging") && err.contains(&server), "{err}");
        assert!(err.contains("ordinal --demo"), "{err}");
        assert!(out.is_empty(), "nothing drawn: {out:?}");
    }
}

#[test]
fn bad_flags_are_refused_with_a_clear_error() {
    let (code, _, err) = ordinal(&["--demo", "--speed", "0"]);
    assert_eq!(code, 2);
    assert!(err.contains("speed must be above 0"), "{err}");
    let (code, _, err) = ordinal(&["-n", "a", "-A"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot be used with"), "{err}");
}

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/config/{name}.toml",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// Each invalid fixture: `ordinal: PATH: line N, column M: message`, the
/// line itself, exit status 2, nothing drawn (stdout is a pipe here, and the
/// config is checked before the terminal and before connecting).
#[test]
fn a_bad_config_file_is_reported_with_its_line_before_anything_else() {
    let table = [
        (
            "bad-syntax",
            "line 3, column 14: invalid basic string",
            "theme = \"mono",
        ),
        (
            "unknown-section",
            "line 4, column 2: unknown section `colours`",
            "[colours]",
        ),
        (
            "unknown-setting",
            "line 3, column 1: unknown setting `refesh`",
            "refesh = \"5s\"",
        ),
        (
            "unknown-command",
            "line 3, column 1: unknown command \"delete\" in [keys]; the commands are up, down,",
            "delete = \"X\"",
        ),
        (
            "bad-key",
            "line 2, column 17: cannot read key \"ctrl+r\" for restart: unknown key name",
            "restart = [\"r\", \"ctrl+r\"]",
        ),
        (
            "conflict",
            "line 4, column 17: key \"z\" is bound to both restart (line 4) and scale (line 3)",
            "restart = [\"r\", \"z\"]",
        ),
        (
            "conflict-default",
            "line 6, column 11: key \"d\" is bound to both restart (line 6) and delete-pod (default)",
            "restart = \"d\"",
        ),
        (
            "refresh-range",
            "line 2, column 11: ui.refresh must be \"off\" or from \"1s\" to \"60s\", not \"90s\"",
            "refresh = \"90s\"",
        ),
    ];
    for (name, message, line) in table {
        let path = fixture(name);
        let (code, out, err) = ordinal(&["--demo", "--config", &path]);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(out.is_empty(), "{name}: nothing drawn: {out:?}");
        let first = err.lines().next().unwrap_or_default();
        assert!(
            first.starts_with(&format!("ordinal: {path}: {message}")),
            "{name}: {err}"
        );
        assert!(
            err.lines().any(|l| l.ends_with(&format!("| {line}"))),
            "{name}: {err}"
        );
        assert!(
            !err.contains("not a terminal"),
            "{name}: the config comes first: {err}"
        );
    }
    // `get` and --print-config read it too.
    let (code, _, err) = ordinal(&["get", "--demo", "--config", &fixture("conflict")]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("line 4, column 17"), "{err}");
    let (code, _, err) = ordinal(&["--print-config", "--config", &fixture("bad-key")]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn a_named_config_file_must_exist_the_default_one_need_not() {
    let (code, out, err) = ordinal(&["--demo", "--config", "/nonexistent/ordinal.toml"]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert!(
        err.starts_with("ordinal: /nonexistent/ordinal.toml: cannot read the config file: "),
        "{err}"
    );
    // No file at the default place: the defaults.
    let (code, out, err) = ordinal(&["--print-config"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("no file read; ordinal reads "), "{out}");
    assert!(
        out.contains("config/ordinal/config.toml when it exists"),
        "{out}"
    );
    assert!(out.contains("# scale = \"s\""), "{out}");
}

#[test]
fn print_config_shows_the_effective_settings() {
    let path = fixture("remap");
    let (code, out, err) = ordinal(&["--print-config", "--config", &path]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(&format!("read from {path}")), "{out}");
    for line in [
        "theme = \"mono\"",
        "refresh = \"5s\"",
        "default = \"db\"",
        "scale = \"z\"",
    ] {
        assert!(out.lines().any(|l| l == line), "{line}: {out}");
    }
    // The output is itself a valid config file.
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("config.toml");
    std::fs::write(&copy, &out).unwrap();
    let (code, again, err) = ordinal(&["--print-config", "--config", copy.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        again.lines().skip(1).collect::<Vec<_>>(),
        out.lines().skip(1).collect::<Vec<_>>()
    );
}

#[test]
fn help_shows_where_the_config_file_is() {
    let home = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ordinal"))
        .arg("--help")
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", "/xdg/conf")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("here: /xdg/conf/ordinal/config.toml"),
        "{help}"
    );
    assert!(help.contains("--config <FILE>"), "{help}");
}

/// The README's first command is `cargo run --release -- --demo`: with a
/// second binary (the bench) in the package, cargo only knows which one to
/// run from `default-run`.
#[test]
fn the_readme_run_command_runs_the_tool() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(readme.contains("cargo run --release -- --demo"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--no-deps",
            "--offline",
            "--format-version",
            "1",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let package = &meta["packages"][0];
    let bins: Vec<&str> = package["targets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["kind"].as_array().unwrap().iter().any(|k| k == "bin"))
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(bins.contains(&"ordinal"), "{bins:?}");
    if bins.len() > 1 {
        assert_eq!(package["default_run"], "ordinal", "binaries: {bins:?}");
    }
}

#[test]
fn help_shows_where_the_logs_are_and_bad_log_levels_are_refused() {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ordinal"))
        .arg("--help")
        .env("HOME", home.path())
        .env("XDG_STATE_HOME", "/xdg/state")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("here: /xdg/state/ordinal/actions.log"),
        "{help}"
    );
    assert!(
        help.contains("here: /xdg/state/ordinal/ordinal.log"),
        "{help}"
    );
    assert!(help.contains("--log-level <LEVEL>"), "{help}");

    let (code, out, err) = ordinal(&["get", "--demo", "--log-level", "loud=="]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("invalid log level \"loud==\""), "{err}");
    assert!(out.is_empty(), "nothing was printed: {out}");
}

#[test]
fn the_log_level_flag_sets_what_the_log_file_gets() {
    let run = |level: Option<&str>| {
        let home = tempfile::tempdir().unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ordinal"));
        cmd.args(["get", "--demo", "--scenario", "mysql"])
            .env("HOME", home.path())
            .env("XDG_STATE_HOME", home.path().join("state"))
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env_remove("ORDINAL_LOG")
            .env_remove("KUBECONFIG");
        if let Some(l) = level {
            cmd.args(["--log-level", l]);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        std::fs::read_to_string(home.path().join("state/ordinal/ordinal.log")).unwrap_or_default()
    };
    let debug = run(Some("debug"));
    assert!(debug.contains("DEBUG"), "{debug}");
    let default = run(None);
    assert!(!default.contains("DEBUG"), "{default}");
}

/// `kubectl ordinal …`: kubectl runs `kubectl-ordinal` from the PATH with
/// the rest of the arguments.
#[test]
fn it_runs_as_a_kubectl_plugin() {
    let Ok(kubectl) = which("kubectl") else {
        eprintln!("SKIPPED: kubectl is not installed");
        return;
    };
    let bin = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        env!("CARGO_BIN_EXE_ordinal"),
        bin.path().join("kubectl-ordinal"),
    )
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = |args: &[&str]| {
        Command::new(&kubectl)
            .args(args)
            .env("PATH", &path)
            .env("HOME", home.path())
            .env("XDG_STATE_HOME", home.path().join("state"))
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env_remove("KUBECONFIG")
            .output()
            .unwrap()
    };
    let list = run(&["plugin", "list"]);
    assert!(
        String::from_utf8_lossy(&list.stdout).contains("kubectl-ordinal"),
        "{}",
        String::from_utf8_lossy(&list.stderr)
    );
    let out = run(&["ordinal", "get", "--demo", "--scenario", "mysql"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("NAMESPACE") && stdout.contains("mysql"),
        "{stdout}"
    );
    let help = run(&["ordinal", "--help"]);
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("Usage: kubectl ordinal"), "{help}");
}

fn which(name: &str) -> Result<std::path::PathBuf, ()> {
    std::env::var_os("PATH")
        .and_then(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join(name))
                .find(|f| f.is_file())
        })
        .ok_or(())
}

/// The krew manifest template installs the binary under the name kubectl
/// looks for, on every platform it lists.
#[test]
fn the_krew_manifest_template_names_the_plugin_binary() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/krew/ordinal.yaml"
    ))
    .unwrap();
    let m: serde_json::Value = serde_yaml_ng::from_str(&text).unwrap();
    assert_eq!(m["kind"], "Plugin");
    assert_eq!(m["metadata"]["name"], "ordinal");
    let platforms = m["spec"]["platforms"].as_array().unwrap();
    assert!(!platforms.is_empty());
    for p in platforms {
        assert_eq!(p["bin"], "kubectl-ordinal", "{p}");
        assert!(
            p["files"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["from"] == "ordinal" && f["to"] == "kubectl-ordinal"),
            "{p}"
        );
    }
}
