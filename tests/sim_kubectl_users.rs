//! Two users of a simulated cluster over TLS, from kubectl as typed with the
//! kubeconfig the sim writes: `auth can-i` answers (and exit codes) per
//! user, and a Forbidden `get pv` names the user as the real server does.
//! Skips (saying so) only where kubectl is not installed.

mod common;

use std::path::Path;
use std::process::Command;

use ordinal::sim::auth::{User, Users};
use ordinal::sim::server::{SimConfig, SimServer};

/// Runs kubectl with the sim's kubeconfig; (exit code, stdout, stderr).
fn kubectl(kubeconfig: &Path, args: &[&str]) -> (i32, String, String) {
    let home = kubeconfig.parent().expect("the kubeconfig is in a folder");
    let out = Command::new("kubectl")
        .env("HOME", home)
        .env("KUBECONFIG", kubeconfig)
        .args(["--request-timeout", "10s"])
        .args(args)
        .output()
        .expect("kubectl runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn two_user_sim() -> (SimServer, tempfile::TempDir, std::path::PathBuf) {
    common::kubectl::sim_with_users(&["ops:ops-secret-token=admin", "viewer=read-only"]).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_users_over_tls_ask_kubectl_what_they_may_do() {
    if !common::kubectl::available() {
        return;
    }
    let (sim, _dir, kc) = two_user_sim().await;
    assert!(sim.url().starts_with("https://127.0.0.1:"), "{}", sim.url());
    let can_i = |user: &str, args: &[&str]| {
        let mut all = vec!["--user", user, "auth", "can-i"];
        all.extend_from_slice(args);
        tokio::task::block_in_place(|| kubectl(&kc, &all))
    };
    // kubectl prints a bare yes/no and exits 0 for yes, 1 for no.
    for (user, args, answer) in [
        ("ops", &["list", "pods"][..], "yes"),
        ("ops", &["patch", "statefulsets"], "yes"),
        ("ops", &["list", "persistentvolumes"], "yes"),
        ("viewer", &["list", "pods"], "yes"),
        ("viewer", &["patch", "statefulsets"], "no"),
        ("viewer", &["list", "persistentvolumes"], "no"),
    ] {
        let (code, out, err) = can_i(user, args);
        assert_eq!(out, format!("{answer}\n"), "{user} {args:?}: {err}");
        assert_eq!(code, i32::from(answer == "no"), "{user} {args:?}: {err}");
    }
    // As on a real cluster, kubectl warns that PVs are not namespaced.
    let (_, _, err) = can_i("viewer", &["list", "persistentvolumes", "-n", "default"]);
    assert!(
        err.contains("Warning: resource 'persistentvolumes' is not namespace scoped"),
        "{err}"
    );
    // The current context is the first user by name.
    let (code, out, _) = tokio::task::block_in_place(|| {
        kubectl(
            &kc,
            &["auth", "can-i", "delete", "pods", "-n", "kube-system"],
        )
    });
    assert_eq!((code, out.as_str()), (0, "yes\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_is_refused_pvs_by_name_and_reads_what_the_view_role_gives() {
    if !common::kubectl::available() {
        return;
    }
    let (_sim, _dir, kc) = two_user_sim().await;
    let (code, out, err) =
        tokio::task::block_in_place(|| kubectl(&kc, &["--context", "viewer", "get", "pv"]));
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        err,
        "Error from server (Forbidden): persistentvolumes is forbidden: User \"viewer\" cannot list resource \"persistentvolumes\" in API group \"\" at the cluster scope\n"
    );
    let (code, out, err) = tokio::task::block_in_place(|| {
        kubectl(&kc, &["--context", "viewer", "get", "nodes", "-o", "name"])
    });
    assert_eq!(code, 1, "{out}");
    assert!(
        err.contains("User \"viewer\" cannot list resource \"nodes\""),
        "{err}"
    );
    let (code, out, err) = tokio::task::block_in_place(|| {
        kubectl(
            &kc,
            &["--context", "viewer", "get", "namespaces", "-o", "name"],
        )
    });
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("namespace/kube-system"), "{out}");
    // The admin reads PVs over the same TLS connection setup.
    let (code, _, err) =
        tokio::task::block_in_place(|| kubectl(&kc, &["--user", "ops", "get", "pv"]));
    assert_eq!(code, 0, "{err}");
}

#[tokio::test]
async fn ordinals_own_client_trusts_the_sims_ca_and_an_unknown_token_is_refused() {
    use k8s_openapi::api::core::v1::{Namespace, PersistentVolume};
    use kube::api::{Api, ListParams};
    let mut users = Users::default();
    users.add("t-view", User::read_only("viewer"));
    let sim = SimServer::start(SimConfig {
        users,
        tls: true,
        auto_tick: false,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let viewer = sim.client(Some("t-view"));
    let names = Api::<Namespace>::all(viewer.clone())
        .list(&ListParams::default())
        .await
        .unwrap();
    assert!(!names.items.is_empty());
    match Api::<PersistentVolume>::all(viewer)
        .list(&ListParams::default())
        .await
    {
        Err(kube::Error::Api(s)) => {
            assert_eq!(s.code, 403);
            assert!(s.message.contains("User \"viewer\""), "{}", s.message);
        }
        other => panic!("expected 403, got {other:?}"),
    }
    match Api::<Namespace>::all(sim.client(Some("nope")))
        .list(&ListParams::default())
        .await
    {
        Err(kube::Error::Api(s)) => assert_eq!(s.code, 401),
        other => panic!("expected 401, got {other:?}"),
    }
}

/// The `view` and `edit` ClusterRoles bound in one namespace (the
/// namespace-viewer and namespace-operator profiles) and `view` bound
/// cluster-wide (read-only), as `kubectl auth can-i` sees them over TLS,
/// with the rules of the Kubernetes 1.34 bootstrap policy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn namespace_profiles_grant_what_view_and_edit_grant_in_their_namespace() {
    if !common::kubectl::available() {
        return;
    }
    let (_sim, _dir, kc) = common::kubectl::sim_with_users(&[
        "ops=admin",
        "dev=namespace-viewer:web",
        "deployer=namespace-operator:web",
        "viewer=read-only",
    ])
    .await;
    let can_i = |user: &str, args: &[&str]| {
        let mut all = vec!["--user", user, "auth", "can-i"];
        all.extend_from_slice(args);
        tokio::task::block_in_place(|| kubectl(&kc, &all))
    };
    let cases: &[(&str, &[&str], &str)] = &[
        // view in `web`: the workloads and their status, no Secrets, no
        // writes, nothing elsewhere and nothing cluster-scoped.
        ("dev", &["list", "pods", "-n", "web"], "yes"),
        ("dev", &["get", "deployments.apps", "-n", "web"], "yes"),
        ("dev", &["list", "jobs.batch", "-n", "web"], "yes"),
        (
            "dev",
            &["get", "cronjobs.batch", "-n", "web", "--subresource=status"],
            "yes",
        ),
        (
            "dev",
            &["list", "endpointslices.discovery.k8s.io", "-n", "web"],
            "yes",
        ),
        ("dev", &["list", "configmaps", "-n", "web"], "yes"),
        ("dev", &["get", "namespaces/web"], "no"),
        ("dev", &["get", "namespaces/web", "-n", "web"], "yes"),
        ("dev", &["list", "secrets", "-n", "web"], "no"),
        ("dev", &["list", "events.events.k8s.io", "-n", "web"], "no"),
        ("dev", &["create", "deployments.apps", "-n", "web"], "no"),
        ("dev", &["list", "pods", "-n", "other"], "no"),
        // edit in `web`: Secrets, and writes of the workloads and config.
        ("deployer", &["get", "secrets", "-n", "web"], "yes"),
        ("deployer", &["create", "secrets", "-n", "web"], "yes"),
        (
            "deployer",
            &["create", "deployments.apps", "-n", "web"],
            "yes",
        ),
        ("deployer", &["delete", "jobs.batch", "-n", "web"], "yes"),
        (
            "deployer",
            &[
                "patch",
                "statefulsets.apps",
                "-n",
                "web",
                "--subresource=scale",
            ],
            "yes",
        ),
        ("deployer", &["update", "configmaps", "-n", "web"], "yes"),
        ("deployer", &["create", "events", "-n", "web"], "yes"),
        // …but not Endpoints (since 1.22), status, other namespaces or the cluster.
        ("deployer", &["update", "endpoints", "-n", "web"], "no"),
        (
            "deployer",
            &[
                "patch",
                "statefulsets.apps",
                "-n",
                "web",
                "--subresource=status",
            ],
            "no",
        ),
        (
            "deployer",
            &["create", "deployments.apps", "-n", "other"],
            "no",
        ),
        ("deployer", &["list", "nodes"], "no"),
        // view everywhere.
        ("viewer", &["list", "deployments.apps", "-A"], "yes"),
        ("viewer", &["list", "daemonsets.apps", "-n", "other"], "yes"),
        ("viewer", &["get", "secrets", "-n", "web"], "no"),
        ("viewer", &["delete", "jobs.batch", "-n", "web"], "no"),
    ];
    for (user, args, answer) in cases {
        let (code, out, err) = can_i(user, args);
        assert_eq!(out, format!("{answer}\n"), "{user} {args:?}: {err}");
        assert_eq!(code, i32::from(*answer == "no"), "{user} {args:?}: {err}");
    }
    // A namespace is read in itself (the real RequestInfo puts a request
    // for namespace N in N), so the viewer may get `web`, which the base
    // scenario does not have, and not kube-system.
    let (code, _, err) =
        tokio::task::block_in_place(|| kubectl(&kc, &["--user", "dev", "get", "namespace", "web"]));
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "Error from server (NotFound): namespaces \"web\" not found\n"
    );
    let (code, _, err) = tokio::task::block_in_place(|| {
        kubectl(&kc, &["--user", "dev", "get", "namespace", "kube-system"])
    });
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "Error from server (Forbidden): namespaces \"kube-system\" is forbidden: User \"dev\" cannot get resource \"namespaces\" in API group \"\" in the namespace \"kube-system\"\n"
    );
    // Refused by name, as the real server words it.
    let (code, _, err) = tokio::task::block_in_place(|| {
        kubectl(&kc, &["--user", "dev", "get", "secrets", "-n", "web"])
    });
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "Error from server (Forbidden): secrets is forbidden: User \"dev\" cannot list resource \"secrets\" in API group \"\" in the namespace \"web\"\n"
    );
}
