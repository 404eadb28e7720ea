//! The Kubernetes REST API over HTTP: routing, list, watch, get, create,
//! update, patch, delete, the `scale` and `status` subresources, discovery,
//! the kubelet stats proxy and SelfSubjectAccessReview.
//!
//! Handlers hold the state lock only for the in-memory work, never across an
//! await; watch streams run in their own task fed by the store's broadcast.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::{BufMut, Bytes, BytesMut};
use http_body_util::{BodyExt, Full, Limited, StreamBody, combinators::BoxBody};
use hyper::body::{Frame, Incoming};
use hyper::{Method, Request, Response, StatusCode, header};
use serde_json::{Value, json};
use tokio::sync::{broadcast, mpsc};

use super::auth::{self, Attributes, User};
use super::defaults;
use super::error::{ApiError, Cause};
use super::logs;
use super::metrics;
use super::objects::{Change, Entry, EventType, Object};
use super::openapi;
use super::patch::managed::Writer;
use super::patch::{self, PatchType};
use super::protobuf;
use super::resources::{self, Kind};
use super::select::{FieldSelector, LabelSelector};
use super::server::Shared;
use super::state::SimState;
use super::stats;
use super::table;
use super::validation;

pub type Body = BoxBody<Bytes, Infallible>;

/// Requests larger than this get 413, as the real server's 3 MiB limit.
pub const MAX_BODY: usize = 3 * 1024 * 1024;

fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into()).boxed()
}

fn respond(status: u16, body: Bytes) -> Response<Body> {
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .header(header::CONTENT_TYPE, "application/json")
        .body(full(body))
        .expect("static response parts are valid")
}

fn json_response(status: u16, value: &Value) -> Response<Body> {
    respond(status, Bytes::from(value.to_string()))
}

fn error_response(err: &ApiError) -> Response<Body> {
    json_response(err.code, &err.to_status())
}

/// What the URL names.
#[derive(Debug, PartialEq)]
enum Route {
    Version,
    Health,
    CoreVersions,
    Groups,
    Group(String),
    Resources(String, String),
    AccessReview,
    Stats(String),
    /// The kubelet's Prometheus metrics through the node proxy.
    Metrics(String),
    OpenApiRoot,
    OpenApi(String),
    Object(Target),
}

/// A resource path: a collection or one object, maybe a subresource.
#[derive(Debug, PartialEq, Clone)]
struct Target {
    kind: Kind,
    namespace: Option<String>,
    name: Option<String>,
    subresource: Option<String>,
}

fn route(path: &str) -> Result<Route, ApiError> {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let (group, version, rest) = match segs.as_slice() {
        ["version"] => return Ok(Route::Version),
        ["healthz" | "livez" | "readyz"] => return Ok(Route::Health),
        ["api"] => return Ok(Route::CoreVersions),
        ["apis"] => return Ok(Route::Groups),
        ["openapi", "v3"] => return Ok(Route::OpenApiRoot),
        ["openapi", "v3", gv @ ..] => return Ok(Route::OpenApi(gv.join("/"))),
        ["apis", g] => return Ok(Route::Group(g.to_string())),
        ["api", v] => return Ok(Route::Resources(String::new(), v.to_string())),
        ["apis", g, v] => return Ok(Route::Resources(g.to_string(), v.to_string())),
        [
            "apis",
            "authorization.k8s.io",
            "v1",
            "selfsubjectaccessreviews",
        ] => {
            return Ok(Route::AccessReview);
        }
        ["api", v, rest @ ..] => ("", *v, rest),
        ["apis", g, v, rest @ ..] => (*g, *v, rest),
        _ => return Err(ApiError::path_not_found()),
    };
    if let (Kind::Node, ["nodes", node, "proxy", "stats", "summary"]) = (Kind::Node, rest)
        && group.is_empty()
    {
        return Ok(Route::Stats(node.to_string()));
    }
    if let ["nodes", node, "proxy", "metrics"] = rest
        && group.is_empty()
    {
        return Ok(Route::Metrics(node.to_string()));
    }
    let (namespace, rest) = match rest {
        ["namespaces", ns, plural, tail @ ..] => (Some(ns.to_string()), {
            let mut v = vec![*plural];
            v.extend_from_slice(tail);
            v
        }),
        other => (None, other.to_vec()),
    };
    let (plural, name, subresource) = match rest.as_slice() {
        [p] => (*p, None, None),
        [p, n] => (*p, Some(n.to_string()), None),
        [p, n, s] => (*p, Some(n.to_string()), Some(s.to_string())),
        _ => return Err(ApiError::path_not_found()),
    };
    let kind = Kind::from_path(group, version, plural).ok_or_else(ApiError::path_not_found)?;
    let namespaced = kind.info().namespaced;
    if namespace.is_some() && !namespaced {
        return Err(ApiError::path_not_found());
    }
    if namespaced && namespace.is_none() && name.is_some() {
        return Err(ApiError::path_not_found());
    }
    if let Some(sub) = &subresource
        && !kind.info().subresources.contains(&sub.as_str())
    {
        return Err(ApiError::path_not_found());
    }
    Ok(Route::Object(Target {
        kind,
        namespace,
        name,
        subresource,
    }))
}

type Query = BTreeMap<String, String>;

fn parse_query(q: Option<&str>) -> Query {
    url::form_urlencoded::parse(q.unwrap_or_default().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn flag(q: &Query, key: &str) -> bool {
    q.get(key).is_some_and(|v| v == "true" || v == "1")
}

/// Filters a list or watch applies to objects.
struct Filter {
    namespace: Option<String>,
    labels: LabelSelector,
    fields: FieldSelector,
}

impl Filter {
    fn from_query(namespace: Option<String>, q: &Query) -> Result<Filter, ApiError> {
        let labels = LabelSelector::parse(q.get("labelSelector").map_or("", String::as_str))
            .map_err(ApiError::bad_request)?;
        let fields = FieldSelector::parse(q.get("fieldSelector").map_or("", String::as_str))
            .map_err(ApiError::bad_request)?;
        Ok(Filter {
            namespace,
            labels,
            fields,
        })
    }

    /// Reads only the entry's index (and its JSON for a field path that is
    /// not indexed), so lists and watches never parse what they skip.
    fn matches(&self, entry: &Entry) -> bool {
        if let Some(ns) = &self.namespace
            && entry.namespace() != ns
        {
            return false;
        }
        if !self.labels.matches(entry.labels()) {
            return false;
        }
        self.fields.matches_by(|path| entry.field(path))
    }
}

fn watch_frame(event_type: &str, object_json: &[u8]) -> Bytes {
    let mut b = BytesMut::with_capacity(object_json.len() + 32);
    b.put_slice(b"{\"type\":\"");
    b.put_slice(event_type.as_bytes());
    b.put_slice(b"\",\"object\":");
    b.put_slice(object_json);
    b.put_slice(b"}\n");
    b.freeze()
}

fn bookmark_frame(kind: Kind, rv: u64, initial_events_end: bool) -> Bytes {
    let mut meta = json!({"resourceVersion": rv.to_string(), "creationTimestamp": null});
    if initial_events_end {
        meta["annotations"] = json!({"k8s.io/initial-events-end": "true"});
    }
    let obj =
        json!({"kind": kind.info().kind_name, "apiVersion": kind.api_version(), "metadata": meta});
    watch_frame("BOOKMARK", obj.to_string().as_bytes())
}

/// How a watch shows objects: as themselves, or (`as=Table`, what
/// `kubectl get -w` asks for) as one-row Tables with the list's columns.
#[derive(Clone)]
enum WatchAs {
    Objects,
    Table { kind: Kind, include: String },
}

impl WatchAs {
    fn frame(&self, event_type: &str, entry: &Arc<Entry>, now: jiff::Timestamp) -> Bytes {
        match self {
            WatchAs::Objects => watch_frame(event_type, &entry.json),
            WatchAs::Table { kind, include } => {
                let rv = resource_version(entry);
                let tbl = table::table(*kind, std::slice::from_ref(entry), &rv, None, include, now);
                watch_frame(event_type, tbl.to_string().as_bytes())
            }
        }
    }
}

/// The event a filtered watch sends for one change, if any.
fn change_event(filter: &Filter, change: &Change) -> Option<&'static str> {
    let now = filter.matches(&change.entry);
    let before = change.previous.as_ref().map(|p| filter.matches(p));
    let event_type = match (change.event_type, before, now) {
        (EventType::Modified, Some(false), true) => "ADDED",
        (EventType::Modified, Some(true), false) => "DELETED",
        (EventType::Modified, Some(false), false) => return None,
        (_, _, false) if change.event_type != EventType::Deleted => return None,
        (EventType::Deleted, _, false) => return None,
        (t, _, _) => t.as_str(),
    };
    Some(event_type)
}

/// Handles one HTTP request.
pub async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Response<Body> {
    shared.metrics.count_request();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    tracing::debug!(%method, uri = %req.uri(), "sim request");
    match dispatch(&shared, req).await {
        Ok(r) => r,
        Err(e) => {
            tracing::debug!(%method, %path, code = e.code, message = %e.message, "sim error");
            error_response(&e)
        }
    }
}

async fn read_body(req: Request<Incoming>) -> Result<Bytes, ApiError> {
    match Limited::new(req.into_body(), MAX_BODY).collect().await {
        Ok(c) => Ok(c.to_bytes()),
        Err(e)
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some() =>
        {
            Err(ApiError::too_large())
        }
        Err(e) => Err(ApiError::bad_request(format!(
            "reading the request body: {e}"
        ))),
    }
}

/// The body of a create or update, as JSON bytes: protobuf bodies (which
/// kubectl's typed clients send) are decoded first.
async fn json_body(req: Request<Incoming>) -> Result<Bytes, ApiError> {
    let protobuf = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|h| h.to_str().ok())
        .is_some_and(protobuf::is_protobuf);
    let body = read_body(req).await?;
    if protobuf {
        Ok(Bytes::from(protobuf::to_json(&body)?.to_string()))
    } else {
        Ok(body)
    }
}

fn parse_json(body: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        ApiError::bad_request(format!(
            "the request body could not be decoded as JSON: {e}"
        ))
    })
}

fn verb_for(method: &Method, target: &Target, q: &Query) -> Option<&'static str> {
    Some(match (method.as_str(), target.name.is_some()) {
        ("GET", false) if flag(q, "watch") => "watch",
        ("GET", false) => "list",
        ("GET", true) if flag(q, "watch") => "watch",
        ("GET", true) => "get",
        ("POST", false) => "create",
        ("PUT", true) => "update",
        ("PATCH", true) => "patch",
        ("DELETE", true) => "delete",
        ("DELETE", false) => "deletecollection",
        _ => return None,
    })
}

/// A request the API server proxies to a node's kubelet (`nodes/proxy`).
fn kubelet(
    shared: &Shared,
    user: &User,
    method: &Method,
    node: &str,
    answer: impl FnOnce(&SimState) -> Result<Response<Body>, stats::SummaryError>,
) -> Result<Response<Body>, ApiError> {
    if *method != Method::GET {
        return Err(ApiError::method_not_allowed());
    }
    authorize(
        user,
        Attributes {
            verb: "get".into(),
            group: String::new(),
            resource: "nodes/proxy".into(),
            namespace: None,
            name: Some(node.to_string()),
        },
    )?;
    let state = shared.lock();
    match answer(&state) {
        Ok(r) => Ok(r),
        Err(stats::SummaryError::NodeNotFound) => Err(ApiError::not_found(Kind::Node, node)),
        // What the API server's proxy answers when the kubelet is gone.
        Err(stats::SummaryError::KubeletDown) => Err(ApiError::service_unavailable(format!(
            "error trying to reach service: dial tcp {node}:10250: connect: no route to host"
        ))),
    }
}

fn authorize(user: &User, a: Attributes) -> Result<(), ApiError> {
    if user.allows(&a) {
        Ok(())
    } else {
        Err(a.forbidden(&user.name))
    }
}

async fn dispatch(
    shared: &Arc<Shared>,
    req: Request<Incoming>,
) -> Result<Response<Body>, ApiError> {
    let auth_header = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .map(String::from);
    let user = shared.users.authenticate(auth_header.as_deref())?;
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|h| h.to_str().ok())
        .map(String::from);
    let method = req.method().clone();
    let q = parse_query(req.uri().query());
    let table = table::wants_table(
        req.headers()
            .get(header::ACCEPT)
            .and_then(|h| h.to_str().ok()),
    );
    let route = route(req.uri().path())?;
    let get_only = |value: Value| {
        if method == Method::GET {
            Ok(json_response(200, &value))
        } else {
            Err(ApiError::method_not_allowed())
        }
    };
    match route {
        Route::Version => get_only(json!({
            "major": "1", "minor": "34", "gitVersion": "v1.34.0-ordinal-sim",
            "gitCommit": "0000000000000000000000000000000000000000", "gitTreeState": "clean",
            "buildDate": "2026-01-01T00:00:00Z", "goVersion": "go1.24", "compiler": "gc",
            "platform": "linux/amd64",
        })),
        Route::Health => Ok(respond(200, Bytes::from_static(b"ok"))),
        Route::CoreVersions => get_only(resources::core_versions()),
        Route::Groups => get_only(resources::group_list()),
        Route::Group(g) => get_only(resources::group(&g).ok_or_else(ApiError::path_not_found)?),
        Route::Resources(g, v) => {
            get_only(resources::resource_list(&g, &v).ok_or_else(ApiError::path_not_found)?)
        }
        Route::OpenApiRoot => get_only(openapi::root()),
        Route::OpenApi(gv) => match openapi::group_version(&gv) {
            Some(doc) if method == Method::GET => Ok(respond(200, doc)),
            Some(_) => Err(ApiError::method_not_allowed()),
            None => Err(ApiError::path_not_found()),
        },
        Route::AccessReview => {
            if method != Method::POST {
                return Err(ApiError::method_not_allowed());
            }
            let body = parse_json(&json_body(req).await?)?;
            Ok(json_response(
                201,
                &auth::self_subject_access_review(&user, &body)?,
            ))
        }
        Route::Stats(node) => kubelet(shared, &user, &method, &node, |state| {
            stats::summary(state, &node).map(|v| json_response(200, &v))
        }),
        Route::Metrics(node) => kubelet(shared, &user, &method, &node, |state| {
            metrics::text(state, &node).map(|t| {
                let mut r = respond(200, Bytes::from(t));
                r.headers_mut().insert(
                    header::CONTENT_TYPE,
                    header::HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
                );
                r
            })
        }),
        Route::Object(target) => {
            let verb = verb_for(&method, &target, &q).ok_or_else(ApiError::method_not_allowed)?;
            let info = target.kind.info();
            let resource = match &target.subresource {
                Some(s) => format!("{}/{s}", info.plural),
                None => info.plural.to_string(),
            };
            authorize(
                &user,
                Attributes {
                    verb: verb.into(),
                    group: info.group.into(),
                    resource,
                    namespace: target.namespace.clone(),
                    name: target.name.clone(),
                },
            )?;
            if q.contains_key("dryRun") {
                return Err(ApiError::bad_request(
                    "dryRun is not supported by the simulated cluster",
                ));
            }
            if target.subresource.as_deref() == Some("log") {
                return pod_log(shared, &target, &q, verb);
            }
            let writer = Writer::from_request(
                q.get("fieldManager").map(String::as_str),
                user_agent.as_deref(),
                target.subresource.as_deref(),
            );
            match verb {
                "watch" => {
                    let shape = if table {
                        WatchAs::Table {
                            kind: target.kind,
                            include: include_object(&q).to_string(),
                        }
                    } else {
                        WatchAs::Objects
                    };
                    watch(shared, &target, &q, shape)
                }
                "list" => list(shared, &target, &q, table),
                "get" => get(shared, &target, &q, table),
                "create" => {
                    let body = json_body(req).await?;
                    let warnings = validate_fields(&target, &q, &body, false)?;
                    with_warnings(create(shared, &target, &body, &writer), &warnings)
                }
                "update" => {
                    let body = json_body(req).await?;
                    let warnings = validate_fields(&target, &q, &body, false)?;
                    with_warnings(update(shared, &target, &body, &writer), &warnings)
                }
                "patch" => {
                    let ct = req
                        .headers()
                        .get(header::CONTENT_TYPE)
                        .and_then(|h| h.to_str().ok())
                        .unwrap_or("")
                        .to_string();
                    let body = read_body(req).await?;
                    let json_patch = PatchType::from_content_type(&ct) == Some(PatchType::Json);
                    let warnings = validate_fields(&target, &q, &body, json_patch)?;
                    let force = flag(&q, "force");
                    with_warnings(
                        patch_object(shared, &target, &ct, &body, &writer, force),
                        &warnings,
                    )
                }
                "delete" => {
                    let body = read_body(req).await?;
                    delete(shared, &target, &q, &body)
                }
                _ => delete_collection(shared, &target, &q),
            }
        }
    }
}

/// `fieldValidation` on a write's body: the warnings to send, or a 400.
/// JSON patches (operation lists) and subresources are not checked.
fn validate_fields(
    t: &Target,
    q: &Query,
    body: &[u8],
    json_patch: bool,
) -> Result<Vec<String>, ApiError> {
    let directive = validation::Directive::parse(q.get("fieldValidation").map(String::as_str))?;
    if json_patch || t.subresource.is_some() {
        return Ok(Vec::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(v) => validation::check(t.kind, directive, &v),
        // The handler reports the malformed body.
        Err(_) => Ok(Vec::new()),
    }
}

fn with_warnings(
    result: Result<Response<Body>, ApiError>,
    warnings: &[String],
) -> Result<Response<Body>, ApiError> {
    let mut response = result?;
    for w in warnings {
        if let Ok(value) = header::HeaderValue::from_str(&validation::warning_header(w)) {
            response.headers_mut().append(header::WARNING, value);
        }
    }
    Ok(response)
}

/// `GET pods/{name}/log`: plain text.
fn pod_log(shared: &Shared, t: &Target, q: &Query, verb: &str) -> Result<Response<Body>, ApiError> {
    if verb != "get" {
        return Err(ApiError::method_not_allowed());
    }
    let text = logs::logs(
        &shared.lock(),
        t.namespace.as_deref().unwrap_or_default(),
        t.name.as_deref().unwrap_or_default(),
        q,
    )?;
    Ok(Response::builder()
        .status(200)
        .header(header::CONTENT_TYPE, "text/plain")
        .body(full(text))
        .expect("static response parts are valid"))
}

fn object_response(status: u16, entry: &Entry) -> Response<Body> {
    respond(status, entry.json.clone())
}

fn include_object(q: &Query) -> &str {
    q.get("includeObject").map_or("Metadata", String::as_str)
}

fn get(shared: &Shared, t: &Target, q: &Query, as_table: bool) -> Result<Response<Body>, ApiError> {
    let state = shared.lock();
    let name = t.name.as_deref().unwrap_or_default();
    let ns = t.namespace.as_deref().unwrap_or_default();
    let entry = state
        .store
        .get(t.kind, ns, name)
        .ok_or_else(|| ApiError::not_found(t.kind, name))?;
    match t.subresource.as_deref() {
        Some("scale") => Ok(json_response(200, &scale_of(entry.object())?)),
        None if as_table => {
            let rv = resource_version(entry);
            let tbl = table::table(
                t.kind,
                std::slice::from_ref(entry),
                &rv,
                None,
                include_object(q),
                state.now(),
            );
            Ok(json_response(200, &tbl))
        }
        _ => Ok(object_response(200, entry)),
    }
}

fn continue_token(rv: u64, ns: &str, name: &str) -> String {
    format!("{rv}:{ns}:{name}")
}

fn parse_continue(token: &str) -> Result<(u64, String, String), ApiError> {
    let bad = || ApiError::bad_request(format!("continue key is not valid: {token:?}"));
    let mut parts = token.splitn(3, ':');
    let rv = parts.next().and_then(|r| r.parse().ok()).ok_or_else(bad)?;
    let ns = parts.next().ok_or_else(bad)?.to_string();
    let name = parts.next().ok_or_else(bad)?.to_string();
    Ok((rv, ns, name))
}

fn list(
    shared: &Shared,
    t: &Target,
    q: &Query,
    as_table: bool,
) -> Result<Response<Body>, ApiError> {
    let filter = Filter::from_query(t.namespace.clone(), q)?;
    let limit = match q.get("limit") {
        Some(l) => l
            .parse::<usize>()
            .map_err(|_| ApiError::bad_request(format!("invalid limit {l:?}")))?,
        None => 0,
    };
    let state = shared.lock();
    let store = &state.store;
    let (list_rv, after) = match q.get("continue").filter(|c| !c.is_empty()) {
        Some(token) => {
            let (rv, ns, name) = parse_continue(token)?;
            if rv + 1 < store.oldest_resource_version() {
                return Err(ApiError::gone(
                    "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.",
                ));
            }
            (rv, Some((ns, name)))
        }
        None => (store.resource_version(), None),
    };
    let iter: Box<dyn Iterator<Item = &Arc<Entry>>> = match after {
        Some(key) => Box::new(store.iter_from(t.kind, key)),
        None => Box::new(store.iter(t.kind, t.namespace.as_deref())),
    };
    let mut items = Vec::new();
    let mut next = None;
    for entry in iter.filter(|e| filter.matches(e)) {
        if limit > 0 && items.len() == limit {
            let last: &Arc<Entry> = items.last().expect("limit > 0");
            next = Some(continue_token(list_rv, last.namespace(), last.name()));
            break;
        }
        items.push(entry.clone());
    }
    let now = state.now();
    drop(state);
    if as_table {
        let tbl = table::table(
            t.kind,
            &items,
            &list_rv.to_string(),
            next.as_deref(),
            include_object(q),
            now,
        );
        return Ok(json_response(200, &tbl));
    }
    let info = t.kind.info();
    let mut meta = json!({"resourceVersion": list_rv.to_string()});
    if let Some(c) = next {
        meta["continue"] = json!(c);
    }
    let size: usize = items.iter().map(|e| e.json.len() + 1).sum();
    let mut b = BytesMut::with_capacity(size + 256);
    b.put_slice(
        format!(
            "{{\"kind\":\"{}List\",\"apiVersion\":\"{}\",\"metadata\":{},\"items\":[",
            info.kind_name,
            t.kind.api_version(),
            meta
        )
        .as_bytes(),
    );
    for (i, e) in items.iter().enumerate() {
        if i > 0 {
            b.put_u8(b',');
        }
        b.put_slice(&e.json);
    }
    b.put_slice(b"]}");
    shared.metrics.count_list_bytes(b.len());
    Ok(respond(200, b.freeze()))
}

fn watch(
    shared: &Arc<Shared>,
    t: &Target,
    q: &Query,
    shape: WatchAs,
) -> Result<Response<Body>, ApiError> {
    let mut filter = Filter::from_query(t.namespace.clone(), q)?;
    if let Some(name) = &t.name {
        // `GET …/pods/NAME?watch=1` (deprecated form) watches one object.
        let mut fields = filter.fields.clone();
        let extra = FieldSelector::parse(&format!("metadata.name={name}"))
            .map_err(ApiError::bad_request)?;
        fields = FieldSelector::and(fields, extra);
        filter.fields = fields;
    }
    let timeout = q
        .get("timeoutSeconds")
        .and_then(|t| t.parse::<u64>().ok())
        .map(Duration::from_secs)
        .unwrap_or(Duration::from_secs(1800));
    let bookmarks = flag(q, "allowWatchBookmarks");
    let send_initial = flag(q, "sendInitialEvents");
    let requested_rv = q.get("resourceVersion").cloned().unwrap_or_default();

    let (tx, rx) = mpsc::channel::<Bytes>(256);
    let mut initial = Vec::new();
    let (sub, start_rv) = {
        let state = shared.lock();
        let store = &state.store;
        let current = store.resource_version();
        let sub = store.subscribe();
        if send_initial || requested_rv.is_empty() || requested_rv == "0" {
            for e in store.iter(t.kind, t.namespace.as_deref()) {
                if filter.matches(e) {
                    initial.push(shape.frame("ADDED", e, state.now()));
                }
            }
            if send_initial && bookmarks {
                initial.push(bookmark_frame(t.kind, current, true));
            }
            (sub, current)
        } else {
            let rv: u64 = requested_rv.parse().map_err(|_| {
                ApiError::bad_request(format!("invalid resource version {requested_rv:?}"))
            })?;
            match store.changes_since(rv) {
                Ok(changes) => {
                    for c in changes.iter().filter(|c| c.kind() == t.kind) {
                        if let Some(event) = change_event(&filter, c) {
                            initial.push(shape.frame(event, &c.entry, state.now()));
                        }
                    }
                    (sub, current.max(rv))
                }
                Err(gone) => {
                    // As the real server: 200 with one ERROR event, then EOF.
                    initial.push(watch_frame(
                        "ERROR",
                        gone.to_status().to_string().as_bytes(),
                    ));
                    drop(tx);
                    let body = StreamBody::new(futures::stream::iter(
                        initial
                            .into_iter()
                            .map(|b| Ok::<_, Infallible>(Frame::data(b))),
                    ));
                    return Ok(stream_response(BodyExt::boxed(body)));
                }
            }
        }
    };
    let task = WatchTask {
        shared: shared.clone(),
        kind: t.kind,
        filter,
        tx,
        last_rv: start_rv,
        bookmarks,
        timeout,
        shape,
    };
    tokio::spawn(task.run(initial, sub));
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|b| (Ok::<_, Infallible>(Frame::data(b)), rx))
    });
    Ok(stream_response(BodyExt::boxed(StreamBody::new(stream))))
}

fn stream_response(body: Body) -> Response<Body> {
    Response::builder()
        .status(200)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CACHE_CONTROL, "no-cache, private")
        .body(body)
        .expect("static response parts are valid")
}

struct WatchTask {
    shared: Arc<Shared>,
    kind: Kind,
    filter: Filter,
    tx: mpsc::Sender<Bytes>,
    last_rv: u64,
    bookmarks: bool,
    timeout: Duration,
    shape: WatchAs,
}

impl WatchTask {
    fn shaped(&self, event: &str, entry: &Arc<Entry>) -> Bytes {
        let now = self.shared.lock().now();
        self.shape.frame(event, entry, now)
    }

    async fn send(&self, frame: Bytes) -> bool {
        self.shared.metrics.count_bytes(frame.len());
        self.tx.send(frame).await.is_ok()
    }

    async fn run(mut self, initial: Vec<Bytes>, mut sub: broadcast::Receiver<Arc<Change>>) {
        let mut faults = self.shared.faults.subscribe();
        for frame in initial {
            if !self.send(frame).await {
                return;
            }
        }
        let deadline = tokio::time::sleep(self.timeout);
        tokio::pin!(deadline);
        let mut bookmark = tokio::time::interval(self.shared.bookmark_interval);
        bookmark.tick().await;
        let mut seen_rv = self.last_rv;
        loop {
            tokio::select! {
                r = sub.recv() => match r {
                    Ok(change) => {
                        seen_rv = seen_rv.max(change.rv);
                        if change.rv <= self.last_rv || change.kind() != self.kind {
                            continue;
                        }
                        self.last_rv = change.rv;
                        if let Some(event) = change_event(&self.filter, &change)
                            && !self.send(self.shaped(event, &change.entry)).await
                        {
                            return;
                        }
                    }
                    // A watcher too slow to keep up is closed; the client
                    // resumes from its last version (or re-lists on 410).
                    Err(broadcast::error::RecvError::Lagged(_)) | Err(broadcast::error::RecvError::Closed) => return,
                },
                _ = bookmark.tick(), if self.bookmarks => {
                    if !self.send(bookmark_frame(self.kind, seen_rv.max(self.last_rv), false)).await {
                        return;
                    }
                }
                _ = &mut deadline => return,
                _ = faults.changed() => return,
                _ = self.tx.closed() => return,
            }
        }
    }
}

fn decode(kind: Kind, value: Value) -> Result<Object, ApiError> {
    Object::from_json(kind, value).map_err(|e| {
        ApiError::bad_request(format!(
            "the object provided is not a valid {}: {e}",
            kind.info().kind_name
        ))
    })
}

fn check_type_meta(kind: Kind, body: &Value) -> Result<(), ApiError> {
    let expected = kind.api_version();
    if let Some(av) = body.get("apiVersion").and_then(Value::as_str)
        && av != expected
    {
        return Err(ApiError::bad_request(format!(
            "the API version in the data ({av}) does not match the expected API version ({expected})"
        )));
    }
    if let Some(k) = body.get("kind").and_then(Value::as_str)
        && k != kind.info().kind_name
    {
        return Err(ApiError::bad_request(format!(
            "the kind in the data ({k}) does not match the expected kind ({})",
            kind.info().kind_name
        )));
    }
    Ok(())
}

fn create(
    shared: &Shared,
    t: &Target,
    body: &[u8],
    writer: &Writer,
) -> Result<Response<Body>, ApiError> {
    if t.kind.info().namespaced && t.namespace.is_none() {
        return Err(ApiError::method_not_allowed());
    }
    let value = parse_json(body)?;
    if !value.is_object() {
        return Err(ApiError::bad_request(
            "the request body must be a JSON object",
        ));
    }
    check_type_meta(t.kind, &value)?;
    let mut value = value;
    defaults::apply(t.kind, &mut value);
    let mut object = decode(t.kind, value)?;
    if let Some(ns) = &t.namespace {
        let given = object.namespace().to_string();
        if !given.is_empty() && given != *ns {
            return Err(ApiError::bad_request(
                "the namespace of the provided object does not match the namespace sent on the request",
            ));
        }
        object.meta_mut().namespace = Some(ns.clone());
    }
    let mut state = shared.lock();
    let entry = state.create_as(object, Some(writer))?;
    Ok(object_response(201, &entry))
}

fn current(shared: &Shared, t: &Target) -> Result<Arc<Entry>, ApiError> {
    let name = t.name.as_deref().unwrap_or_default();
    shared
        .lock()
        .store
        .get(t.kind, t.namespace.as_deref().unwrap_or_default(), name)
        .cloned()
        .ok_or_else(|| ApiError::not_found(t.kind, name))
}

/// Stores `new` (the full desired object) for a PUT or PATCH on `t`.
fn store_update(
    shared: &Shared,
    t: &Target,
    cur: &Entry,
    new: Value,
    writer: &Writer,
) -> Result<Response<Body>, ApiError> {
    let name = t.name.as_deref().unwrap_or_default();
    match t.subresource.as_deref() {
        Some("scale") => return store_scale(shared, t, cur, &new, writer),
        Some(_) => {
            // status: only the status stanza of the request counts.
            let mut merged = cur.object().to_json();
            merged["status"] = new.get("status").cloned().unwrap_or(Value::Null);
            if let Some(rv) = new.pointer("/metadata/resourceVersion") {
                merged["metadata"]["resourceVersion"] = rv.clone();
            }
            return finish_update(shared, t.kind, name, merged, writer);
        }
        None => {}
    }
    if let Some(n) = new.pointer("/metadata/name").and_then(Value::as_str)
        && n != name
    {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({n}) does not match the name on the URL ({name})"
        )));
    }
    finish_update(shared, t.kind, name, new, writer)
}

fn finish_update(
    shared: &Shared,
    kind: Kind,
    name: &str,
    mut new: Value,
    writer: &Writer,
) -> Result<Response<Body>, ApiError> {
    let expected_rv = new
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .map(String::from);
    if let Some(meta) = new.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.insert("name".into(), json!(name));
    }
    defaults::apply(kind, &mut new);
    let object = decode(kind, new)?;
    let mut state = shared.lock();
    let entry = state.update_as(object, expected_rv.as_deref(), Some(writer))?;
    Ok(object_response(200, &entry))
}

fn update(
    shared: &Shared,
    t: &Target,
    body: &[u8],
    writer: &Writer,
) -> Result<Response<Body>, ApiError> {
    let value = parse_json(body)?;
    if !value.is_object() {
        return Err(ApiError::bad_request(
            "the request body must be a JSON object",
        ));
    }
    let cur = current(shared, t)?;
    if t.subresource.as_deref() != Some("scale") {
        check_type_meta(t.kind, &value)?;
    }
    store_update(shared, t, &cur, value, writer)
}

fn patch_object(
    shared: &Shared,
    t: &Target,
    content_type: &str,
    body: &[u8],
    writer: &Writer,
    force: bool,
) -> Result<Response<Body>, ApiError> {
    let patch_type = PatchType::from_content_type(content_type)
        .ok_or_else(|| ApiError::unsupported_media_type(content_type))?;
    if patch_type == PatchType::Apply {
        return apply_object(shared, t, body, writer, force);
    }
    let patch_doc: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("error decoding patch: {e}")))?;
    let cur = current(shared, t)?;
    let (base, kind_name) = match t.subresource.as_deref() {
        Some("scale") => (scale_of(cur.object())?, "Scale"),
        _ => (cur.object().to_json(), t.kind.info().kind_name),
    };
    let patched =
        patch::apply(kind_name, &base, patch_type, &patch_doc).map_err(|e| e.to_api_error())?;
    store_update(shared, t, &cur, patched, writer)
}

/// Server-side apply: creates the object or applies over the live one; the
/// result is defaulted, validated and stored like any write.
fn apply_object(
    shared: &Shared,
    t: &Target,
    body: &[u8],
    writer: &Writer,
    force: bool,
) -> Result<Response<Body>, ApiError> {
    if t.subresource.is_some() {
        return Err(ApiError::unsupported_media_type(
            "application/apply-patch+yaml",
        ));
    }
    let config = patch::apply::parse_config(body)?;
    let (live, now) = {
        let state = shared.lock();
        let name = t.name.as_deref().unwrap_or_default();
        let ns = t.namespace.as_deref().unwrap_or_default();
        (state.store.get(t.kind, ns, name).cloned(), state.now_time())
    };
    let applied = patch::apply::Apply {
        kind: t.kind.info().kind_name,
        api_version: &t.kind.api_version(),
        manager: &writer.manager,
        force,
        now,
    }
    .run(
        live.as_ref().map(|e| e.object().to_json()).as_ref(),
        &config,
    )?;
    let writer = Writer {
        applied: true,
        ..writer.clone()
    };
    match live {
        Some(cur) => store_update(shared, t, &cur, applied, &writer),
        None => create(shared, t, applied.to_string().as_bytes(), &writer),
    }
}

/// The autoscaling/v1 Scale of a StatefulSet.
fn scale_of(object: &Object) -> Result<Value, ApiError> {
    let Object::StatefulSet(sts) = object else {
        return Err(ApiError::path_not_found());
    };
    let spec = sts.spec.as_ref();
    let selector = spec
        .and_then(|s| s.selector.match_labels.as_ref())
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    let m = &sts.metadata;
    Ok(json!({
        "kind": "Scale", "apiVersion": "autoscaling/v1",
        "metadata": {"name": m.name, "namespace": m.namespace, "uid": m.uid,
            "resourceVersion": m.resource_version, "creationTimestamp": m.creation_timestamp},
        "spec": {"replicas": spec.and_then(|s| s.replicas).unwrap_or(1)},
        "status": {"replicas": sts.status.as_ref().map_or(0, |s| s.replicas), "selector": selector},
    }))
}

fn store_scale(
    shared: &Shared,
    t: &Target,
    cur: &Entry,
    scale: &Value,
    writer: &Writer,
) -> Result<Response<Body>, ApiError> {
    let name = t.name.as_deref().unwrap_or_default();
    let replicas = &scale["spec"]["replicas"];
    let n = match replicas {
        Value::Null => 0,
        v => v
            .as_i64()
            .filter(|n| i32::try_from(*n).is_ok())
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "spec.replicas: invalid value {v}: must be an integer"
                ))
            })?,
    };
    if n < 0 {
        let mut err = ApiError::invalid(
            Kind::StatefulSet,
            name,
            vec![Cause::invalid(
                "spec.replicas",
                n,
                "must be greater than or equal to 0",
            )],
        );
        err.message = err
            .message
            .replacen("StatefulSet.apps", "Scale.autoscaling", 1);
        // kubectl names the kind from the details: `The Scale "web" is invalid`.
        if let Some(d) = err.details.as_mut() {
            d["kind"] = json!("Scale");
            d["group"] = json!("autoscaling");
        }
        return Err(err);
    }
    let Object::StatefulSet(mut sts) = cur.object().clone() else {
        return Err(ApiError::path_not_found());
    };
    let expected_rv = scale
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .map(String::from);
    sts.spec.get_or_insert_with(Default::default).replicas = Some(n as i32);
    let mut state = shared.lock();
    let entry = state.update_as(
        Object::StatefulSet(sts),
        expected_rv.as_deref(),
        Some(writer),
    )?;
    Ok(json_response(200, &scale_of(entry.object())?))
}

/// Options from the query string and the DeleteOptions body.
struct DeleteOptions {
    grace: Option<i64>,
    orphan: bool,
    precondition_uid: Option<String>,
    precondition_rv: Option<String>,
}

fn delete_options(q: &Query, body: &[u8]) -> Result<DeleteOptions, ApiError> {
    let body: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        parse_json(body)?
    };
    let grace = match (q.get("gracePeriodSeconds"), body.get("gracePeriodSeconds")) {
        (Some(g), _) => Some(
            g.parse::<i64>()
                .map_err(|_| ApiError::bad_request(format!("invalid gracePeriodSeconds {g:?}")))?,
        ),
        (None, Some(v)) if !v.is_null() => Some(
            v.as_i64()
                .ok_or_else(|| ApiError::bad_request("gracePeriodSeconds must be an integer"))?,
        ),
        _ => None,
    };
    let policy = q
        .get("propagationPolicy")
        .cloned()
        .or_else(|| {
            body.get("propagationPolicy")
                .and_then(Value::as_str)
                .map(String::from)
        })
        .or_else(|| {
            body.get("orphanDependents")
                .and_then(Value::as_bool)
                .filter(|o| *o)
                .map(|_| "Orphan".to_string())
        });
    if let Some(p) = &policy
        && !["Orphan", "Background", "Foreground"].contains(&p.as_str())
    {
        return Err(ApiError::bad_request(format!(
            "propagationPolicy {p:?} is not supported: use Orphan, Background or Foreground"
        )));
    }
    let text = |p: &str| body.pointer(p).and_then(Value::as_str).map(String::from);
    Ok(DeleteOptions {
        grace,
        orphan: policy.as_deref() == Some("Orphan"),
        precondition_uid: text("/preconditions/uid"),
        precondition_rv: text("/preconditions/resourceVersion"),
    })
}

fn delete(shared: &Shared, t: &Target, q: &Query, body: &[u8]) -> Result<Response<Body>, ApiError> {
    if t.subresource.is_some() {
        return Err(ApiError::method_not_allowed());
    }
    let opts = delete_options(q, body)?;
    let name = t.name.as_deref().unwrap_or_default();
    let ns = t.namespace.as_deref().unwrap_or_default();
    let mut state = shared.lock();
    let cur = state
        .store
        .get(t.kind, ns, name)
        .cloned()
        .ok_or_else(|| ApiError::not_found(t.kind, name))?;
    let meta = cur.object().meta();
    if opts
        .precondition_uid
        .as_ref()
        .is_some_and(|u| Some(u) != meta.uid.as_ref())
    {
        return Err(ApiError {
            message: format!(
                "Precondition failed: UID in precondition: {}, UID in object meta: {}",
                opts.precondition_uid.unwrap_or_default(),
                meta.uid.clone().unwrap_or_default()
            ),
            ..ApiError::conflict(t.kind, name)
        });
    }
    if opts
        .precondition_rv
        .as_ref()
        .is_some_and(|r| Some(r) != meta.resource_version.as_ref())
    {
        return Err(ApiError::conflict(t.kind, name));
    }
    if opts.orphan {
        orphan_dependents(&mut state, cur.object());
    }
    if t.kind == Kind::Namespace {
        delete_namespace_contents(&mut state, name);
    }
    let object = state.delete(t.kind, ns, name, opts.grace)?;
    let bytes = Bytes::from(object.to_bytes());
    Ok(respond(200, bytes))
}

fn delete_collection(shared: &Shared, t: &Target, q: &Query) -> Result<Response<Body>, ApiError> {
    let filter = Filter::from_query(t.namespace.clone(), q)?;
    let opts = delete_options(q, b"")?;
    let mut state = shared.lock();
    let names: Vec<(String, String)> = state
        .store
        .iter(t.kind, t.namespace.as_deref())
        .filter(|e| filter.matches(e))
        .map(|e| (e.namespace().to_string(), e.name().to_string()))
        .collect();
    let mut items = Vec::new();
    for (ns, name) in names {
        if let Ok(o) = state.delete(t.kind, &ns, &name, opts.grace) {
            items.push(o.to_json());
        }
    }
    let info = t.kind.info();
    Ok(json_response(
        200,
        &json!({
            "kind": format!("{}List", info.kind_name), "apiVersion": t.kind.api_version(),
            "metadata": {"resourceVersion": state.store.resource_version().to_string()}, "items": items,
        }),
    ))
}

/// `propagationPolicy: Orphan`: dependents lose their ownerReference to the
/// deleted object and stay.
fn orphan_dependents(state: &mut super::state::SimState, owner: &Object) {
    let Some(uid) = owner.meta().uid.clone() else {
        return;
    };
    let ns = owner.namespace().to_string();
    for kind in [
        Kind::Pod,
        Kind::ControllerRevision,
        Kind::PersistentVolumeClaim,
    ] {
        let dependents: Vec<Object> = state
            .store
            .iter(kind, Some(&ns))
            .filter(|e| {
                e.object()
                    .meta()
                    .owner_references
                    .iter()
                    .flatten()
                    .any(|r| r.uid == uid)
            })
            .map(|e| e.object().clone())
            .collect();
        for mut d in dependents {
            if let Some(refs) = d.meta_mut().owner_references.as_mut() {
                refs.retain(|r| r.uid != uid);
            }
            let _ = state.store.update(d, None);
        }
    }
}

/// Namespace deletion removes everything in it (the namespace controller).
fn delete_namespace_contents(state: &mut super::state::SimState, ns: &str) {
    for info in resources::ALL.iter().filter(|i| i.namespaced) {
        let names: Vec<String> = state
            .store
            .iter(info.kind, Some(ns))
            .map(|e| e.name().to_string())
            .collect();
        for name in names {
            let _ = state.store.remove(info.kind, ns, &name);
        }
    }
}

/// A stored object's resourceVersion (a Table's list metadata carries it).
fn resource_version(entry: &Entry) -> String {
    entry
        .object()
        .meta()
        .resource_version
        .clone()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_cover_namespaced_cluster_and_subresource_paths() {
        let t = |p: &str| match route(p).unwrap() {
            Route::Object(t) => t,
            other => panic!("{p}: {other:?}"),
        };
        let pods = t("/api/v1/namespaces/mysql/pods");
        assert_eq!(
            (pods.kind, pods.namespace.as_deref(), pods.name),
            (Kind::Pod, Some("mysql"), None)
        );
        let all = t("/api/v1/pods");
        assert_eq!((all.kind, all.namespace), (Kind::Pod, None));
        let scale = t("/apis/apps/v1/namespaces/mysql/statefulsets/mysql/scale");
        assert_eq!(scale.subresource.as_deref(), Some("scale"));
        let ns = t("/api/v1/namespaces/mysql");
        assert_eq!(
            (ns.kind, ns.name.as_deref()),
            (Kind::Namespace, Some("mysql"))
        );
        assert_eq!(
            t("/apis/storage.k8s.io/v1/storageclasses").kind,
            Kind::StorageClass
        );
        assert_eq!(
            route("/api/v1/nodes/n1/proxy/stats/summary").unwrap(),
            Route::Stats("n1".into())
        );
        assert_eq!(
            route("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews").unwrap(),
            Route::AccessReview
        );
        for bad in [
            "/api/v1/namespaces/x/nodes",
            "/api/v1/pods/name-without-namespace",
            "/apis/apps/v1/namespaces/x/deployments",
            "/api/v1/namespaces/x/pods/p/scale",
            "/nonsense",
            "/api/v1/namespaces/x/pods/p/status/extra",
        ] {
            assert_eq!(route(bad).unwrap_err().code, 404, "{bad}");
        }
    }
}
