//! Where Prometheus is, as `--prometheus` and the config file's
//! `capacity.prometheus` give it: a URL, or a Service reached through the
//! API server's service proxy.

/// Where Prometheus is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `http://prometheus:9090`
    Url(String),
    /// `service:monitoring/prometheus-k8s:9090`, through the API server.
    Service {
        namespace: String,
        name: String,
        port: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error(
        "--prometheus {0:?}: expected a URL (http://host:9090) or service:NAMESPACE/NAME:PORT (service:monitoring/prometheus-k8s:9090)"
    )]
    Malformed(String),
}

impl std::str::FromStr for Target {
    type Err = TargetError;
    fn from_str(s: &str) -> Result<Target, TargetError> {
        let bad = || TargetError::Malformed(s.to_string());
        if let Some(rest) = s.strip_prefix("service:") {
            let (namespace, svc) = rest.split_once('/').ok_or_else(bad)?;
            let (name, port) = svc.split_once(':').ok_or_else(bad)?;
            if [namespace, name, port]
                .iter()
                .any(|p| p.is_empty() || p.contains('/'))
            {
                return Err(bad());
            }
            return Ok(Target::Service {
                namespace: namespace.into(),
                name: name.into(),
                port: port.into(),
            });
        }
        let url = url::Url::parse(s).map_err(|_| bad())?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(bad());
        }
        Ok(Target::Url(s.trim_end_matches('/').to_string()))
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Url(u) => write!(f, "{u}"),
            Target::Service {
                namespace,
                name,
                port,
            } => write!(f, "service {namespace}/{name}:{port}"),
        }
    }
}
