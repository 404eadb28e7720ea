//! Connecting like kubectl: kubeconfig from `--kubeconfig`, `KUBECONFIG` or
//! `~/.kube/config` (exec credential plugins included), `--context`, the
//! context's namespace, or in-cluster config; then one request to check the
//! server answers.

use std::path::PathBuf;
use std::time::Duration;

use kube::config::{KubeConfigOptions, Kubeconfig};

/// Where to connect, from the command line.
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
}

/// A checked connection to an API server.
#[derive(Clone)]
pub struct Connection {
    pub client: kube::Client,
    /// The context name (`demo` for the simulated cluster, `in-cluster` inside a Pod).
    pub context: String,
    pub server: String,
    /// The context's namespace (or `default`).
    pub namespace: String,
    /// The kubeconfig user of the context, when known (for the audit log).
    pub user: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("cannot load the Kubernetes configuration: {message}")]
    Config { message: String },
    #[error("cannot reach the API server {server} (context {context}): {message}")]
    Unreachable {
        context: String,
        server: String,
        message: String,
    },
}

impl ConnectError {
    /// The lines of the one-screen explanation.
    pub fn explain(&self) -> Vec<String> {
        let mut lines = match self {
            ConnectError::Config { message } => vec![
                "No usable Kubernetes configuration was found.".to_string(),
                String::new(),
                format!("  {message}"),
                String::new(),
                "ordinal reads --kubeconfig, $KUBECONFIG or ~/.kube/config (or the".to_string(),
                "in-cluster service account), like kubectl.".to_string(),
            ],
            ConnectError::Unreachable {
                context,
                server,
                message,
            } => vec![
                format!("Context:  {context}"),
                format!("Server:   {server}"),
                format!("Error:    {message}"),
                String::new(),
                "Check the VPN/bastion tunnel, the context (--context), and that".to_string(),
                "`kubectl get --raw /version` works from this shell.".to_string(),
            ],
        };
        lines.push(String::new());
        lines.push("To explore without a cluster, run: ordinal --demo".to_string());
        lines
    }
}

fn context_name(options: &ConnectOptions) -> Option<String> {
    if let Some(c) = &options.context {
        return Some(c.clone());
    }
    read_kubeconfig(options).and_then(|k| k.current_context)
}

fn read_kubeconfig(options: &ConnectOptions) -> Option<Kubeconfig> {
    match &options.kubeconfig {
        Some(path) => Kubeconfig::read_from(path).ok(),
        None => Kubeconfig::read().ok(),
    }
}

/// The user name the context authenticates as, per the kubeconfig.
fn user_of(options: &ConnectOptions, context: &str) -> Option<String> {
    read_kubeconfig(options)?
        .contexts
        .into_iter()
        .find(|c| c.name == context)?
        .context?
        .user
}

/// Loads the configuration and checks the server answers within `timeout`.
pub async fn connect(
    options: &ConnectOptions,
    timeout: Duration,
) -> Result<Connection, ConnectError> {
    let kube_options = KubeConfigOptions {
        context: options.context.clone(),
        ..KubeConfigOptions::default()
    };
    let (config, context) = match &options.kubeconfig {
        Some(path) => {
            let kubeconfig = Kubeconfig::read_from(path).map_err(|e| ConnectError::Config {
                message: format!("{}: {e}", path.display()),
            })?;
            let config = kube::Config::from_custom_kubeconfig(kubeconfig, &kube_options)
                .await
                .map_err(|e| ConnectError::Config {
                    message: e.to_string(),
                })?;
            (config, context_name(options))
        }
        None if options.context.is_some() => {
            let config = kube::Config::from_kubeconfig(&kube_options)
                .await
                .map_err(|e| ConnectError::Config {
                    message: e.to_string(),
                })?;
            (config, options.context.clone())
        }
        None => match kube::Config::infer().await {
            Ok(config) => {
                let ctx = context_name(options).or_else(|| Some("in-cluster".to_string()));
                (config, ctx)
            }
            Err(e) => {
                return Err(ConnectError::Config {
                    message: e.to_string(),
                });
            }
        },
    };
    let context = context.unwrap_or_else(|| "default".into());
    let user = user_of(options, &context);
    let mut connection = from_config(config, context, timeout).await?;
    connection.user = user;
    Ok(connection)
}

/// Builds a client from a ready configuration and checks the server answers.
pub async fn from_config(
    config: kube::Config,
    context: String,
    timeout: Duration,
) -> Result<Connection, ConnectError> {
    let server = config.cluster_url.to_string();
    let namespace = config.default_namespace.clone();
    let unreachable = |message: String| ConnectError::Unreachable {
        context: context.clone(),
        server: server.clone(),
        message,
    };
    let client = kube::Client::try_from(config).map_err(|e| unreachable(e.to_string()))?;
    match tokio::time::timeout(timeout, client.apiserver_version()).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => return Err(unreachable(e.to_string())),
        Err(_) => {
            return Err(unreachable(format!(
                "no answer within {}s",
                timeout.as_secs()
            )));
        }
    }
    Ok(Connection {
        client,
        context,
        server,
        namespace,
        user: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_unreachable_server_names_context_and_server_and_suggests_demo() {
        // A port nothing listens on: bind, read the port, drop the listener.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        drop(listener);
        let config = kube::Config::new(url.parse().unwrap());
        let err = from_config(config, "prod-eu".into(), Duration::from_secs(2))
            .await
            .err()
            .expect("nothing listens there");
        let text = err.explain().join("\n");
        assert!(text.contains("prod-eu"), "{text}");
        assert!(text.contains(&url), "{text}");
        assert!(text.contains("ordinal --demo"), "{text}");
    }

    #[tokio::test]
    async fn a_missing_kubeconfig_file_is_a_config_error() {
        let options = ConnectOptions {
            kubeconfig: Some("/nonexistent/kubeconfig".into()),
            context: None,
        };
        let err = connect(&options, Duration::from_secs(1))
            .await
            .err()
            .unwrap();
        assert!(matches!(err, ConnectError::Config { .. }), "{err}");
        assert!(err.to_string().contains("/nonexistent/kubeconfig"));
    }
}
