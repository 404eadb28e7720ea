//! The binary as users run it: `ordinal get` against the demo cluster, and
//! the message when no cluster can be reached.

use std::process::Command;

fn ordinal(args: &[&str]) -> (i32, String, String) {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ordinal"))
        .args(args)
        .env("HOME", home.path())
        .env("XDG_STATE_HOME", home.path().join("state"))
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
