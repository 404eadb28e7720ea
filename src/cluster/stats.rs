//! Volume usage from the kubelet stats summary
//! (`/api/v1/nodes/NODE/proxy/stats/summary`), polled at a modest interval
//! only for the nodes that host Pods with claims in scope.

use std::collections::BTreeSet;
use std::time::Duration;

use serde::Deserialize;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::store::{Key, StoreEvent, VolumeUsage};

/// The part of a stats summary ordinal reads: typed, so the rest of the
/// document (container, network and node stats) is skipped while parsing
/// instead of being built into a JSON tree.
#[derive(Debug, Default, Deserialize)]
pub struct Summary {
    #[serde(default)]
    pods: Vec<PodStats>,
}

#[derive(Debug, Deserialize)]
struct PodStats {
    #[serde(default)]
    volume: Vec<VolumeStats>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct VolumeStats {
    pvc_ref: Option<PvcRef>,
    #[serde(default)]
    used_bytes: u64,
    #[serde(default)]
    capacity_bytes: u64,
    #[serde(default)]
    available_bytes: u64,
    #[serde(default)]
    inodes_used: u64,
    #[serde(default)]
    inodes: u64,
}

#[derive(Debug, Deserialize)]
struct PvcRef {
    name: String,
    #[serde(default)]
    namespace: String,
}

/// The claims' usage in one summary document.
pub fn claim_usage(summary: Summary) -> Vec<(Key, VolumeUsage)> {
    summary
        .pods
        .into_iter()
        .flat_map(|p| p.volume)
        .filter_map(|v| {
            let r = v.pvc_ref?;
            Some((
                (r.namespace, r.name),
                VolumeUsage {
                    used_bytes: v.used_bytes,
                    capacity_bytes: v.capacity_bytes,
                    available_bytes: v.available_bytes,
                    inodes_used: v.inodes_used,
                    inodes: v.inodes,
                },
            ))
        })
        .collect()
}

async fn poll_node(client: &kube::Client, node: &str) -> StoreEvent {
    let request = http::Request::get(format!("/api/v1/nodes/{node}/proxy/stats/summary"))
        .body(Vec::new())
        .expect("a static request builds");
    match client.request::<Summary>(request).await {
        Ok(summary) => StoreEvent::Usage {
            node: node.to_string(),
            volumes: claim_usage(summary),
        },
        Err(kube::Error::Api(s)) => StoreEvent::UsageError {
            node: node.to_string(),
            message: format!("{} ({})", s.message, s.code),
            forbidden: s.code == 403,
        },
        Err(e) => StoreEvent::UsageError {
            node: node.to_string(),
            message: e.to_string(),
            forbidden: false,
        },
    }
}

/// How often to poll `nodes` nodes, at most `longest`: every 10 s up to 50
/// nodes (enough samples for a trend within minutes), stretching linearly
/// to `longest` at 500 nodes, so a big cluster's API server is not asked for
/// hundreds of summaries every few seconds. Still one request per node.
pub fn poll_interval(nodes: usize, longest: Duration) -> Duration {
    let shortest = Duration::from_secs(10).min(longest);
    let extra = longest - shortest;
    let t = (nodes.saturating_sub(50) as f64 / 450.0).min(1.0);
    shortest + extra.mul_f64(t)
}

/// Polls the nodes in `nodes` (see [`poll_interval`]; `interval` is the
/// longest wait), and soon after the set changes. A 403 is reported once and
/// ends polling: the user may not read node stats, and asking again would
/// only repeat the refusal.
pub fn start(
    client: kube::Client,
    mut nodes: watch::Receiver<BTreeSet<String>>,
    tx: mpsc::UnboundedSender<StoreEvent>,
    interval: Duration,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let current = nodes.borrow_and_update().clone();
            for event in poll_all(&client, &current).await {
                let forbidden = matches!(
                    event,
                    StoreEvent::UsageError {
                        forbidden: true,
                        ..
                    }
                );
                if tx.send(event).is_err() || forbidden {
                    return;
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(poll_interval(current.len(), interval)) => {}
                changed = nodes.changed() => if changed.is_err() { return },
            }
        }
    })
}

/// One poll of every node in `nodes`, in their order. (`--tour` polls
/// through this in step with the simulated clock.)
pub async fn poll_all(client: &kube::Client, nodes: &BTreeSet<String>) -> Vec<StoreEvent> {
    // Nodes are polled together, each with a deadline: a node whose
    // kubelet is gone (the client retries 503s) must not hold up the rest.
    let polls = nodes.iter().map(|node| async {
        match tokio::time::timeout(POLL_TIMEOUT, poll_node(client, node)).await {
            Ok(event) => event,
            Err(_) => StoreEvent::UsageError {
                node: node.clone(),
                message: format!("no answer within {}s", POLL_TIMEOUT.as_secs()),
                forbidden: false,
            },
        }
    });
    futures::future::join_all(polls).await
}

/// How long one node's summary may take.
const POLL_TIMEOUT: Duration = Duration::from_secs(5);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_poll_interval_stretches_with_the_number_of_nodes() {
        let max = Duration::from_secs(30);
        assert_eq!(poll_interval(3, max), Duration::from_secs(10));
        assert_eq!(poll_interval(50, max), Duration::from_secs(10));
        assert_eq!(poll_interval(275, max), Duration::from_secs(20));
        assert_eq!(poll_interval(5000, max), max);
        assert_eq!(
            poll_interval(3, Duration::from_secs(5)),
            Duration::from_secs(5)
        );
    }

    #[test]
    fn reads_claim_volumes_and_skips_others() {
        let summary = json!({"node": {"nodeName": "n1"}, "pods": [
            {"podRef": {"name": "web-0", "namespace": "t"}, "volume": [
                {"name": "data", "pvcRef": {"name": "data-web-0", "namespace": "t"},
                 "usedBytes": 100, "capacityBytes": 1000, "availableBytes": 900, "inodesUsed": 5, "inodes": 50},
                {"name": "kube-api-access", "usedBytes": 1}
            ]},
            {"podRef": {"name": "x"}}
        ]});
        let parsed = claim_usage(serde_json::from_value(summary).unwrap());
        assert_eq!(parsed.len(), 1);
        let ((ns, name), usage) = &parsed[0];
        assert_eq!((ns.as_str(), name.as_str()), ("t", "data-web-0"));
        assert_eq!(
            (
                usage.used_bytes,
                usage.capacity_bytes,
                usage.available_bytes
            ),
            (100, 1000, 900)
        );
        assert_eq!((usage.inodes_used, usage.inodes), (5, 50));
        assert!(serde_json::from_value::<Summary>(json!("garbage")).is_err());
        assert!(claim_usage(serde_json::from_value(json!({"node": {}})).unwrap()).is_empty());
    }
}
