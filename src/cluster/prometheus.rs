//! Usage history from Prometheus: the kubelet's `kubelet_volume_stats_*`
//! series per `namespace`/`persistentvolumeclaim`, loaded once at start.
//!
//! Two queries per series: `query_range` over the last 7 days at a 15-minute
//! step (the long trend, at most 673 points), and the raw samples of the
//! last hour (a range-vector instant query), which give the recent window
//! at scrape resolution. Prometheus is reached directly (`http://…`) or
//! through the API server's service proxy (`service:NAMESPACE/NAME:PORT`).

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::Timestamp;
use serde::Deserialize;

use crate::store::{HistorySource, Key, Sample, StoreEvent};

/// How far back the history reaches.
pub const RANGE: Duration = Duration::from_secs(7 * 86_400);
pub const STEP: Duration = Duration::from_secs(15 * 60);
/// The recent stretch loaded at scrape resolution.
pub const RAW: &str = "1h";
const TIMEOUT: Duration = Duration::from_secs(20);

const USED: &str = "kubelet_volume_stats_used_bytes";
const CAPACITY: &str = "kubelet_volume_stats_capacity_bytes";
const INODES_USED: &str = "kubelet_volume_stats_inodes_used";
const INODES: &str = "kubelet_volume_stats_inodes";

// Where Prometheus is: a setting (flag or config file), parsed in `config`.
pub use crate::config::prometheus::{Target, TargetError};

#[derive(Debug, Deserialize)]
struct Response {
    status: String,
    #[serde(default)]
    data: Option<Data>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Data {
    #[serde(default)]
    result: Vec<Series>,
}

#[derive(Debug, Deserialize)]
struct Series {
    metric: BTreeMap<String, String>,
    #[serde(default)]
    values: Vec<(f64, String)>,
}

/// Why history could not be loaded (the status line says which).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    #[error("unreachable: {0}")]
    Unreachable(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("no kubelet_volume_stats series")]
    NoSeries,
    #[error("query failed: {0}")]
    Query(String),
}

/// A client for one Prometheus.
pub struct Prometheus {
    client: kube::Client,
    prefix: String,
    target: Target,
}

impl Prometheus {
    /// Service targets go through `api` (the cluster's client); URLs get a
    /// client of their own, without the cluster's credentials.
    pub fn new(target: Target, api: &kube::Client) -> Result<Prometheus, LoadError> {
        let (client, prefix) = match &target {
            Target::Url(u) => {
                let uri: http::Uri = u
                    .parse()
                    .map_err(|e| LoadError::Unreachable(format!("{u}: {e}")))?;
                let mut config = kube::Config::new(uri);
                config.connect_timeout = Some(Duration::from_secs(5));
                config.read_timeout = Some(TIMEOUT);
                let client = kube::Client::try_from(config)
                    .map_err(|e| LoadError::Unreachable(e.to_string()))?;
                (client, String::new())
            }
            Target::Service {
                namespace,
                name,
                port,
            } => (
                api.clone(),
                format!("/api/v1/namespaces/{namespace}/services/{name}:{port}/proxy"),
            ),
        };
        Ok(Prometheus {
            client,
            prefix,
            target,
        })
    }

    async fn get(&self, path: &str, params: &[(&str, String)]) -> Result<Vec<Series>, LoadError> {
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish();
        let request = http::Request::get(format!("{}{path}?{query}", self.prefix))
            .body(Vec::new())
            .map_err(|e| LoadError::Query(e.to_string()))?;
        let response = tokio::time::timeout(TIMEOUT, self.client.request::<Response>(request))
            .await
            .map_err(|_| {
                LoadError::Unreachable(format!("no answer within {}s", TIMEOUT.as_secs()))
            })?
            .map_err(classify)?;
        if response.status != "success" {
            return Err(LoadError::Query(response.error.unwrap_or(response.status)));
        }
        Ok(response.data.map(|d| d.result).unwrap_or_default())
    }

    /// One series: the long range at [`STEP`] and the raw last hour.
    async fn series(
        &self,
        metric: &str,
        selector: &str,
        now: Timestamp,
    ) -> Result<Vec<Series>, LoadError> {
        let end = now.as_second();
        let start = end - RANGE.as_secs() as i64;
        let mut out = self
            .get(
                "/api/v1/query_range",
                &[
                    ("query", format!("{metric}{selector}")),
                    ("start", start.to_string()),
                    ("end", end.to_string()),
                    ("step", STEP.as_secs().to_string()),
                ],
            )
            .await?;
        out.extend(
            self.get(
                "/api/v1/query",
                &[
                    ("query", format!("{metric}{selector}[{RAW}]")),
                    ("time", end.to_string()),
                ],
            )
            .await?,
        );
        Ok(out)
    }

    /// The claims' history in `namespace` (or all), as one store event.
    pub async fn load(&self, namespace: Option<&str>, now: Timestamp) -> StoreEvent {
        let from = self.target.to_string();
        match self.load_samples(namespace, now).await {
            Ok(claims) => StoreEvent::History {
                source: HistorySource::Loaded {
                    from,
                    claims: claims.len(),
                    samples: claims.iter().map(|(_, s)| s.len()).sum(),
                },
                claims,
            },
            Err(e) => StoreEvent::History {
                source: HistorySource::Failed {
                    from,
                    reason: e.to_string(),
                },
                claims: Vec::new(),
            },
        }
    }

    async fn load_samples(
        &self,
        namespace: Option<&str>,
        now: Timestamp,
    ) -> Result<Vec<(Key, Vec<Sample>)>, LoadError> {
        let selector = match namespace {
            Some(ns) => format!(
                "{{namespace=\"{}\"}}",
                ns.replace('\\', "\\\\").replace('"', "\\\"")
            ),
            None => String::new(),
        };
        let mut sets = Vec::new();
        for metric in [USED, CAPACITY, INODES_USED, INODES] {
            sets.push(self.series(metric, &selector, now).await?);
        }
        let claims = join(&sets[0], &sets[1], &sets[2], &sets[3]);
        if claims.is_empty() {
            return Err(LoadError::NoSeries);
        }
        Ok(claims)
    }
}

/// Loads the history in the background: a `Loading` event at once, then
/// the samples (or why there are none).
pub fn start(
    prometheus: Prometheus,
    namespace: Option<String>,
    tx: tokio::sync::mpsc::UnboundedSender<StoreEvent>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let loading = StoreEvent::History {
            source: HistorySource::Loading {
                from: prometheus.target.to_string(),
            },
            claims: Vec::new(),
        };
        if tx.send(loading).is_err() {
            return;
        }
        // Prometheus stamps samples with the wall clock.
        let event = prometheus
            .load(namespace.as_deref(), Timestamp::now())
            .await;
        let _ = tx.send(event);
    })
}

fn classify(e: kube::Error) -> LoadError {
    match e {
        kube::Error::Api(s) if s.code == 403 => LoadError::Forbidden(s.message),
        kube::Error::Api(s) if matches!(s.code, 404 | 502 | 503) => {
            LoadError::Unreachable(format!("{} ({})", s.message, s.code))
        }
        kube::Error::Api(s) => LoadError::Query(format!("{} ({})", s.message, s.code)),
        kube::Error::HyperError(e) => LoadError::Unreachable(e.to_string()),
        kube::Error::Service(e) => LoadError::Unreachable(e.to_string()),
        other => LoadError::Query(other.to_string()),
    }
}

type Point = (Key, i64);

fn values(series: &[Series]) -> BTreeMap<Point, u64> {
    let mut out = BTreeMap::new();
    for s in series {
        let (Some(ns), Some(claim)) = (
            s.metric.get("namespace"),
            s.metric.get("persistentvolumeclaim"),
        ) else {
            continue;
        };
        for (t, v) in &s.values {
            let Ok(v) = v.parse::<f64>() else { continue };
            if v.is_finite() && v >= 0.0 {
                let ms = (t * 1000.0).round() as i64;
                out.insert(((ns.clone(), claim.clone()), ms), v as u64);
            }
        }
    }
    out
}

/// Samples where used bytes and capacity are both known at the same instant
/// (one scrape stamps all its series alike; range steps align too).
fn join(
    used: &[Series],
    capacity: &[Series],
    inodes_used: &[Series],
    inodes: &[Series],
) -> Vec<(Key, Vec<Sample>)> {
    let (capacity, inodes_used, inodes) = (values(capacity), values(inodes_used), values(inodes));
    let mut claims: BTreeMap<Key, Vec<Sample>> = BTreeMap::new();
    for ((key, ms), used) in values(used) {
        let point = (key, ms);
        let (Some(cap), Ok(at)) = (capacity.get(&point), Timestamp::from_millisecond(ms)) else {
            continue;
        };
        let (iu, i) = match (inodes_used.get(&point), inodes.get(&point)) {
            (Some(iu), Some(i)) => (*iu, *i),
            _ => (0, 0),
        };
        claims.entry(point.0).or_default().push(Sample {
            at,
            used_bytes: used,
            capacity_bytes: *cap,
            inodes_used: iu,
            inodes: i,
        });
    }
    claims.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn targets_parse_or_say_what_is_expected() {
        assert_eq!(
            "http://127.0.0.1:9090/".parse::<Target>(),
            Ok(Target::Url("http://127.0.0.1:9090".into()))
        );
        assert_eq!(
            "service:monitoring/prometheus-k8s:9090".parse::<Target>(),
            Ok(Target::Service {
                namespace: "monitoring".into(),
                name: "prometheus-k8s".into(),
                port: "9090".into()
            })
        );
        for bad in [
            "prometheus:9090",
            "service:monitoring",
            "service:/x:1",
            "ftp://x",
            "",
        ] {
            let e = bad.parse::<Target>().unwrap_err().to_string();
            assert!(e.contains("service:NAMESPACE/NAME:PORT"), "{bad}: {e}");
        }
    }

    #[test]
    fn series_join_by_claim_and_instant() {
        let series = |metric: &str, vals: serde_json::Value| -> Vec<Series> {
            serde_json::from_value(json!([{
                "metric": {"__name__": metric, "namespace": "db", "persistentvolumeclaim": "data-0"},
                "values": vals
            }]))
            .unwrap()
        };
        let used = series(USED, json!([[100.0, "10"], [101.5, "20"], [102.0, "30"]]));
        let cap = series(CAPACITY, json!([[100.0, "100"], [101.5, "100"]]));
        let iu = series(INODES_USED, json!([[100.0, "1"]]));
        let i = series(INODES, json!([[100.0, "50"]]));
        let joined = join(&used, &cap, &iu, &i);
        assert_eq!(joined.len(), 1);
        let (key, samples) = &joined[0];
        assert_eq!(key, &("db".to_string(), "data-0".to_string()));
        // 102.0 has no capacity: skipped.
        assert_eq!(samples.len(), 2);
        assert_eq!((samples[0].used_bytes, samples[0].inodes), (10, 50));
        assert_eq!((samples[1].used_bytes, samples[1].inodes), (20, 0));
        assert_eq!(samples[1].at.as_millisecond(), 101_500);
    }
}
