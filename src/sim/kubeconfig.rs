//! The kubeconfig `ordinal sim` writes: one cluster (with its CA when it
//! serves TLS), and one user and context per `--user`, named after the user,
//! so `kubectl --user viewer` or `--context viewer` picks one.

use serde_json::{Value, json};

use super::auth::Users;
use base64::Engine;

/// The cluster, context and user names when no users are configured.
pub const NAME: &str = "ordinal-sim";

/// The kubeconfig as YAML. The current context is `ordinal-sim`, as the
/// first user in name order (or without credentials when authentication is
/// off).
pub fn yaml(url: &str, ca_pem: Option<&str>, users: &Users) -> String {
    let mut cluster = json!({"server": url});
    if let Some(pem) = ca_pem {
        cluster["certificate-authority-data"] =
            json!(base64::engine::general_purpose::STANDARD.encode(pem));
    }
    let context = |name: &str, user: &str| json!({"name": name, "context": {"cluster": NAME, "user": user, "namespace": "default"}});
    let mut named: Vec<(&str, &str)> = users.iter().map(|(t, u)| (u.name.as_str(), t)).collect();
    named.sort();
    let (contexts, kube_users): (Vec<Value>, Vec<Value>) = if named.is_empty() {
        (
            vec![context(NAME, NAME)],
            vec![json!({"name": NAME, "user": {}})],
        )
    } else {
        let mut contexts = vec![context(NAME, named[0].0)];
        contexts.extend(named.iter().map(|(name, _)| context(name, name)));
        let users = named
            .iter()
            .map(|(name, token)| json!({"name": name, "user": {"token": token}}))
            .collect();
        (contexts, users)
    };
    let config = json!({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": NAME, "cluster": cluster}],
        "contexts": contexts,
        "users": kube_users,
        "current-context": NAME,
    });
    serde_yaml_ng::to_string(&config).expect("a JSON value serializes as YAML")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::auth::User;

    #[test]
    fn one_context_per_user_and_the_ca_inline() {
        let mut users = Users::default();
        users.add("t-view", User::read_only("viewer"));
        users.add("t-admin", User::admin("admin"));
        let text = yaml("https://127.0.0.1:1", Some("PEM"), &users);
        let v: Value = serde_yaml_ng::from_str(&text).unwrap();
        assert_eq!(
            v["clusters"][0]["cluster"]["certificate-authority-data"],
            "UEVN"
        );
        let names: Vec<&str> = v["contexts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["ordinal-sim", "admin", "viewer"]);
        assert_eq!(v["contexts"][0]["context"]["user"], "admin");
        assert_eq!(v["users"][1]["user"]["token"], "t-view");
        let plain: Value =
            serde_yaml_ng::from_str(&yaml("http://x", None, &Users::default())).unwrap();
        assert!(plain["clusters"][0]["cluster"]["certificate-authority-data"].is_null());
        assert_eq!(plain["contexts"][0]["context"]["user"], "ordinal-sim");
    }
}
