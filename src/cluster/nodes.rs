//! The Nodes feed: every Node as one row of a server-side Table (`Accept:
//! application/json;as=Table;v=v1;g=meta.k8s.io`, `includeObject=None`),
//! the columns `kubectl get nodes` shows. The `Status` column says
//! `Ready`, `NotReady` or `Unknown`, plus `SchedulingDisabled` when the
//! Node is cordoned: what the screens read of a Ready Node. A Node that
//! is not Ready is fetched in full (one GET, again at each change of its
//! row), because its findings quote the Ready condition's status (`False`
//! or `Unknown`, which the column does not tell apart), reason and since
//! when. Why a table and not full or metadata-only Nodes: see the module
//! comment of [`super::watch`].
//!
//! kube-runtime has no Table watcher, so this is a small list-then-watch
//! loop with the watcher's semantics: a paged list (buffered, sent as one
//! `Relisted`), then a watch from the list's resourceVersion, resumed from
//! the latest version seen when the server ends it, listed again on `410
//! Gone`, and rebuilt with backoff after any other error. A server may
//! leave the column definitions out of later watch events, so the list's
//! are kept.

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::Node as K8sNode;
use kube::api::{Api, ListParams, WatchParams};
use kube::core::{Request, WatchEvent};
use serde::Deserialize;
use serde_json::Value;

use super::watch::{Ctx, Gate};
use crate::store::{Feed, Kind, Node, Object, StoreEvent};

/// What a Table-speaking client sends (kubectl's first choice).
pub const TABLE_ACCEPT: &str = "application/json;as=Table;v=v1;g=meta.k8s.io";

const PAGE_SIZE: u32 = 500;
/// What the server ends a watch after (kube-runtime's choice too).
const WATCH_TIMEOUT: u32 = 290;
/// Full Nodes fetched at once (only Nodes that are not Ready are).
const DETAIL_CONCURRENCY: usize = 8;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Table {
    #[serde(default)]
    pub metadata: TableMeta,
    #[serde(default)]
    pub column_definitions: Option<Vec<Column>>,
    #[serde(default)]
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TableMeta {
    #[serde(default, rename = "resourceVersion")]
    pub resource_version: Option<String>,
    #[serde(default, rename = "continue")]
    pub continue_token: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Column {
    pub name: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Row {
    #[serde(default)]
    pub cells: Vec<Value>,
}

/// Where the columns ordinal reads are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    name: usize,
    status: usize,
}

impl Default for Columns {
    /// The real server's order: Name, Status, Roles, Age, Version.
    fn default() -> Self {
        Columns { name: 0, status: 1 }
    }
}

impl Columns {
    /// The table's own column positions, when it carries them.
    fn update(&mut self, table: &Table) {
        let Some(defs) = table.column_definitions.as_ref().filter(|d| !d.is_empty()) else {
            return;
        };
        let at = |n: &str| defs.iter().position(|c| c.name == n);
        if let (Some(name), Some(status)) = (at("Name"), at("Status")) {
            *self = Columns { name, status };
        }
    }
}

/// The Node one row describes, as far as the table tells: readiness and
/// cordon. `None` for a row without a name.
pub fn node_of_row(row: &Row, cols: Columns) -> Option<Node> {
    let name = row.cells.get(cols.name)?.as_str()?.to_string();
    let status = row
        .cells
        .get(cols.status)
        .and_then(Value::as_str)
        .unwrap_or("");
    let words: Vec<&str> = status.split(',').map(str::trim).collect();
    let ready = if words.contains(&"Ready") {
        "True"
    } else if words.contains(&"NotReady") {
        // `False` or `Unknown`: the full Node says which.
        "False"
    } else {
        ""
    };
    Some(Node {
        hostname: name.clone(),
        name,
        ready: ready.into(),
        unschedulable: words.contains(&"SchedulingDisabled"),
        ..Node::default()
    })
}

/// The Node of a row, fetched in full when it is not Ready (the findings
/// quote its condition); the row's reading if the GET fails.
async fn complete(api: &Api<K8sNode>, node: Node) -> Node {
    if node.is_ready() {
        return node;
    }
    match api.get_opt(&node.name).await {
        Ok(Some(full)) => Node::from(&full),
        Ok(None) => node,
        Err(e) => {
            tracing::debug!(node = %node.name, error = %e, "cannot fetch a node that is not Ready");
            node
        }
    }
}

fn with_table(mut req: http::Request<Vec<u8>>) -> http::Request<Vec<u8>> {
    let uri = format!("{}&includeObject=None", req.uri());
    if let Ok(u) = uri.parse() {
        *req.uri_mut() = u;
    }
    req.headers_mut().insert(
        http::header::ACCEPT,
        http::HeaderValue::from_static(TABLE_ACCEPT),
    );
    req
}

/// One Table list request (`continue_token`: the next page).
pub fn list_request(continue_token: Option<&str>) -> Result<http::Request<Vec<u8>>, kube::Error> {
    let mut lp = ListParams::default().limit(PAGE_SIZE);
    if let Some(c) = continue_token {
        lp = lp.continue_token(c);
    }
    let req = Request::new("/api/v1/nodes")
        .list(&lp)
        .map_err(kube::Error::BuildRequest)?;
    Ok(with_table(req))
}

/// One Table watch request from `version`.
pub fn watch_request(version: &str) -> Result<http::Request<Vec<u8>>, kube::Error> {
    let wp = WatchParams::default().timeout(WATCH_TIMEOUT);
    let req = Request::new("/api/v1/nodes")
        .watch(&wp, version)
        .map_err(kube::Error::BuildRequest)?;
    Ok(with_table(req))
}

/// Why a list-then-watch round ended.
enum End {
    /// The receiver is gone or the feed stopped.
    Closed,
    /// The watch failed: list again (after backoff when `pause`).
    Relist { pause: bool },
}

/// Watches every Node as table rows until the feed stops.
pub(super) async fn watch_nodes(feed: Feed, ctx: Ctx, gate: Gate) {
    let api: Api<K8sNode> = Api::all(ctx.client.clone());
    let mut delay = ctx.backoff.initial;
    loop {
        match round(&feed, &ctx, &gate, &api, &mut delay).await {
            End::Closed => return,
            End::Relist { pause } => {
                if gate.is_closed() {
                    return;
                }
                if pause {
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(ctx.backoff.max);
                }
            }
        }
    }
}

fn error_event(err: &kube::Error) -> (StoreEvent, Option<u16>) {
    let (message, code) = match err {
        kube::Error::Api(s) => (format!("{} ({})", s.message, s.code), Some(s.code)),
        e => (e.to_string(), None),
    };
    (
        StoreEvent::WatchError {
            kind: Kind::Node,
            message,
            forbidden: code == Some(403),
        },
        code,
    )
}

fn version_of(table: &Table) -> Option<&str> {
    table
        .metadata
        .resource_version
        .as_deref()
        .filter(|v| !v.is_empty())
}

/// One list, then watches until an error: what to do next.
async fn round(
    feed: &Feed,
    ctx: &Ctx,
    gate: &Gate,
    api: &Api<K8sNode>,
    delay: &mut std::time::Duration,
) -> End {
    if !gate.send(StoreEvent::Listing {
        feed: feed.clone(),
        received: 0,
    }) {
        return End::Closed;
    }
    // ---- the list, in pages ----
    let mut cols = Columns::default();
    let mut rows: Vec<Node> = Vec::new();
    let mut token: Option<String> = None;
    let mut version = String::new();
    loop {
        let page = match list_request(token.as_deref()) {
            Ok(req) => ctx.client.request::<Table>(req).await,
            Err(e) => Err(e),
        };
        let page = match page {
            Ok(p) => p,
            Err(e) => {
                let (ev, _) = error_event(&e);
                return if gate.send(ev) {
                    End::Relist { pause: true }
                } else {
                    End::Closed
                };
            }
        };
        cols.update(&page);
        rows.extend(page.rows.iter().filter_map(|r| node_of_row(r, cols)));
        if let Some(v) = version_of(&page) {
            version = v.to_string();
        }
        token = page.metadata.continue_token.filter(|c| !c.is_empty());
        if token.is_none() {
            break;
        }
        if !gate.send(StoreEvent::Listing {
            feed: feed.clone(),
            received: rows.len() as u64,
        }) {
            return End::Closed;
        }
    }
    let nodes: Vec<Object> = futures::stream::iter(rows)
        .map(|n| complete(api, n))
        .buffered(DETAIL_CONCURRENCY)
        .map(Object::Node)
        .collect()
        .await;
    if !gate.send(StoreEvent::Relisted(feed.clone(), nodes)) {
        return End::Closed;
    }
    ctx.progress.passed_on_version(feed, &version);
    *delay = ctx.backoff.initial;

    // ---- watches from the list's version, resumed while they end cleanly ----
    loop {
        let stream = match watch_request(&version) {
            Ok(req) => ctx.client.request_events::<Table>(req).await,
            Err(e) => Err(e),
        };
        let mut stream = match stream {
            Ok(s) => s.boxed(),
            Err(e) => return failed(gate, &e),
        };
        loop {
            let event = match stream.try_next().await {
                Ok(Some(ev)) => ev,
                Ok(None) => break,
                Err(e) => return failed(gate, &e),
            };
            let (table, deleted) = match event {
                WatchEvent::Added(t) | WatchEvent::Modified(t) => (t, false),
                WatchEvent::Deleted(t) => (t, true),
                WatchEvent::Bookmark(b) => {
                    version = b.metadata.resource_version;
                    continue;
                }
                WatchEvent::Error(s) => {
                    if s.code == 410 {
                        // Too old: list again at once, as the watcher does.
                        return End::Relist { pause: false };
                    }
                    return failed(gate, &kube::Error::Api(s));
                }
            };
            cols.update(&table);
            for row in &table.rows {
                let Some(node) = node_of_row(row, cols) else {
                    continue;
                };
                let ev = if deleted {
                    StoreEvent::Deleted(Object::Node(node))
                } else {
                    StoreEvent::Applied(Object::Node(complete(api, node).await))
                };
                if !gate.send(ev) {
                    return End::Closed;
                }
            }
            // A server that leaves the version out of watch tables (the
            // row has no object) resumes from an older one: the replayed
            // rows change nothing, or a 410 lists again.
            if let Some(v) = version_of(&table) {
                version = v.to_string();
                ctx.progress.passed_on_version(feed, &version);
            }
        }
        if gate.is_closed() {
            return End::Closed;
        }
    }
}

fn failed(gate: &Gate, err: &kube::Error) -> End {
    let (ev, code) = error_event(err);
    if code == Some(410) {
        return End::Relist { pause: false };
    }
    tracing::debug!(error = %err, "node watch error");
    if gate.send(ev) {
        End::Relist { pause: true }
    } else {
        End::Closed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(name: &str, status: &str) -> Row {
        Row {
            cells: vec![
                json!(name),
                json!(status),
                json!("<none>"),
                json!("5d"),
                json!("v1.34.0"),
            ],
        }
    }

    #[test]
    fn the_status_column_gives_readiness_and_cordon() {
        let c = Columns::default();
        let n = node_of_row(&row("a", "Ready"), c).unwrap();
        assert!(n.is_ready() && !n.unschedulable);
        let n = node_of_row(&row("b", "Ready,SchedulingDisabled"), c).unwrap();
        assert!(n.is_ready() && n.unschedulable);
        let n = node_of_row(&row("c", "NotReady"), c).unwrap();
        assert_eq!((n.ready.as_str(), n.unschedulable), ("False", false));
        let n = node_of_row(&row("d", "Unknown"), c).unwrap();
        assert_eq!(n.ready, "");
        assert_eq!(n.hostname, "d");
    }

    #[test]
    fn columns_follow_the_definitions_when_given() {
        let table: Table = serde_json::from_value(json!({
            "metadata": {"resourceVersion": "7"},
            "columnDefinitions": [{"name": "Status"}, {"name": "Name"}],
            "rows": [{"cells": ["Ready", "x"]}]
        }))
        .unwrap();
        let mut c = Columns::default();
        c.update(&table);
        assert_eq!(node_of_row(&table.rows[0], c).unwrap().name, "x");
        // A later event without definitions keeps them.
        let later: Table =
            serde_json::from_value(json!({"columnDefinitions": null, "rows": []})).unwrap();
        c.update(&later);
        assert_eq!(c, Columns { name: 1, status: 0 });
        assert_eq!(version_of(&table), Some("7"));
    }

    #[test]
    fn requests_ask_for_a_table_without_objects() {
        let req = list_request(None).unwrap();
        assert_eq!(req.headers()[http::header::ACCEPT], TABLE_ACCEPT);
        let q = req.uri().query().unwrap();
        assert!(
            q.contains("includeObject=None") && q.contains("limit=500"),
            "{q}"
        );
        let req = watch_request("42").unwrap();
        let q = req.uri().query().unwrap();
        assert!(
            q.contains("watch=true") && q.contains("resourceVersion=42"),
            "{q}"
        );
        assert!(q.contains("includeObject=None"), "{q}");
    }
}
