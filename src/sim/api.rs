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

mod delete;
mod events_v1;
mod read;
mod watch;
mod write;

use delete::*;
use read::*;
use watch::*;
use write::*;

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
    /// `events.k8s.io/v1` Events: the core Events under the newer API.
    EventsV1(Target),
}

/// A resource path: a collection or one object, maybe a subresource.
#[derive(Debug, PartialEq, Clone)]
struct Target {
    kind: Kind,
    namespace: Option<String>,
    name: Option<String>,
    subresource: Option<String>,
    /// `dryRun=All`: the write is worked out in full but nothing is kept.
    dry_run: bool,
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
    let events_v1 = (group, version, plural) == ("events.k8s.io", "v1", "events");
    let kind = if events_v1 {
        Kind::Event
    } else {
        Kind::from_path(group, version, plural).ok_or_else(ApiError::path_not_found)?
    };
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
    let target = Target {
        kind,
        namespace,
        name,
        subresource,
        dry_run: false,
    };
    if events_v1 {
        if target.subresource.is_some() {
            return Err(ApiError::path_not_found());
        }
        return Ok(Route::EventsV1(target));
    }
    Ok(Route::Object(target))
}

type Query = BTreeMap<String, String>;

fn parse_query(q: Option<&str>) -> Query {
    url::form_urlencoded::parse(q.unwrap_or_default().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Every `dryRun` value of the query string (it may repeat).
fn dry_run_values(q: Option<&str>) -> Vec<String> {
    url::form_urlencoded::parse(q.unwrap_or_default().as_bytes())
        .filter(|(k, _)| k == "dryRun")
        .map(|(_, v)| v.into_owned())
        .collect()
}

/// Whether `values` ask for a dry run; anything but `All` is refused as the
/// server's `ValidateDryRun` refuses it, in the 422 of the verb's options
/// kind (`CreateOptions`, `UpdateOptions`, `PatchOptions`, `DeleteOptions`).
fn check_dry_run(values: &[String], options_kind: &str) -> Result<bool, ApiError> {
    if values.iter().all(|v| v == "All") {
        return Ok(!values.is_empty());
    }
    let quoted: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
    let message = format!(
        "Unsupported value: []string{{{}}}: supported values: \"All\"",
        quoted.join(", ")
    );
    Err(ApiError {
        code: 422,
        reason: "Invalid",
        message: format!("{options_kind}.meta.k8s.io \"\" is invalid: dryRun: {message}"),
        details: Some(json!({
            "group": "meta.k8s.io", "kind": options_kind,
            "causes": [{"reason": "FieldValueNotSupported", "message": message, "field": "dryRun"}],
        })),
    })
}

/// The state locked for a write. For a dry run the store works the write out
/// but keeps nothing (no new resourceVersion, no watch event, so no
/// controller sees it), until the lock is dropped.
struct WriteLock<'a> {
    state: std::sync::MutexGuard<'a, SimState>,
}

fn write_lock<'a>(shared: &'a Shared, t: &Target) -> WriteLock<'a> {
    let mut state = shared.lock();
    state.store.set_dry_run(t.dry_run);
    WriteLock { state }
}

impl std::ops::Deref for WriteLock<'_> {
    type Target = SimState;
    fn deref(&self) -> &SimState {
        &self.state
    }
}

impl std::ops::DerefMut for WriteLock<'_> {
    fn deref_mut(&mut self) -> &mut SimState {
        &mut self.state
    }
}

impl Drop for WriteLock<'_> {
    fn drop(&mut self) {
        self.state.store.set_dry_run(false);
    }
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
    let dry_run = dry_run_values(req.uri().query());
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
        Route::EventsV1(mut target) => {
            let verb = verb_for(&method, &target, &q).ok_or_else(ApiError::method_not_allowed)?;
            authorize(
                &user,
                Attributes {
                    verb: verb.into(),
                    group: "events.k8s.io".into(),
                    resource: "events".into(),
                    namespace: target.namespace.clone(),
                    name: target.name.clone(),
                },
            )?;
            target.dry_run = match verb {
                "create" => check_dry_run(&dry_run, "CreateOptions")?,
                "update" => check_dry_run(&dry_run, "UpdateOptions")?,
                "patch" => check_dry_run(&dry_run, "PatchOptions")?,
                "deletecollection" => check_dry_run(&dry_run, "DeleteOptions")?,
                _ => false,
            };
            let writer = Writer::from_request(
                q.get("fieldManager").map(String::as_str),
                user_agent.as_deref(),
                None,
            );
            events_v1::serve(shared, req, &mut target, &q, &dry_run, verb, &writer).await
        }
        Route::Object(mut target) => {
            let verb = verb_for(&method, &target, &q).ok_or_else(ApiError::method_not_allowed)?;
            let info = target.kind.info();
            let resource = match &target.subresource {
                Some(s) => format!("{}/{s}", info.plural),
                None => info.plural.to_string(),
            };
            // As the real RequestInfo does, a request for one namespace is
            // in that namespace (so a RoleBinding there may allow it).
            let namespace = match (target.kind, &target.name) {
                (Kind::Namespace, Some(name)) => Some(name.clone()),
                _ => target.namespace.clone(),
            };
            authorize(
                &user,
                Attributes {
                    verb: verb.into(),
                    group: info.group.into(),
                    resource,
                    namespace,
                    name: target.name.clone(),
                },
            )?;
            // Reads take no dryRun; deletes may also carry it in their body.
            target.dry_run = match verb {
                "create" => check_dry_run(&dry_run, "CreateOptions")?,
                "update" => check_dry_run(&dry_run, "UpdateOptions")?,
                "patch" => check_dry_run(&dry_run, "PatchOptions")?,
                _ => false,
            };
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
                    delete(shared, &mut target, &q, &dry_run, &body)
                }
                _ => {
                    target.dry_run = check_dry_run(&dry_run, "DeleteOptions")?;
                    delete_collection(shared, &target, &q)
                }
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
            "/apis/apps/v1/namespaces/x/widgets",
            "/api/v1/namespaces/x/pods/p/scale",
            "/nonsense",
            "/api/v1/namespaces/x/pods/p/status/extra",
        ] {
            assert_eq!(route(bad).unwrap_err().code, 404, "{bad}");
        }
    }
}
