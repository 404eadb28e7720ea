//! `events.k8s.io/v1` Events: the stored core Events under the newer API's
//! field names (`note`, `regarding`, `reportingController`,
//! `deprecatedCount`…). As on the real server both APIs are views of one
//! stored object: reads convert core → v1, writes convert v1 → core
//! (`pkg/apis/events/v1/conversion.go`) after the checks the real server
//! makes only of writes through this API (`ValidateEventCreate` and
//! `ValidateEventUpdate` with the events.k8s.io/v1 request version). Tables
//! are the core Event's printer, which is what the real server prints for
//! both.

use super::*;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

const API_VERSION: &str = "events.k8s.io/v1";

/// Core `v1` field → `events.k8s.io/v1` field (pkg/apis/events/v1 conversion).
const RENAMES: &[(&str, &str)] = &[
    ("message", "note"),
    ("involvedObject", "regarding"),
    ("reportingComponent", "reportingController"),
    ("source", "deprecatedSource"),
    ("firstTimestamp", "deprecatedFirstTimestamp"),
    ("lastTimestamp", "deprecatedLastTimestamp"),
    ("count", "deprecatedCount"),
];

fn rename(value: &Value, api_version: &str, to_v1: bool) -> Value {
    let mut out = serde_json::Map::new();
    let Some(fields) = value.as_object() else {
        return Value::Object(out);
    };
    for (key, value) in fields {
        let name = RENAMES
            .iter()
            .find(|(core, v1)| if to_v1 { core == key } else { v1 == key })
            .map_or(key.as_str(), |(core, v1)| if to_v1 { v1 } else { core });
        out.insert(name.to_string(), value.clone());
    }
    out.insert("apiVersion".into(), json!(api_version));
    out.insert("kind".into(), json!("Event"));
    Value::Object(out)
}

/// One core Event as an `events.k8s.io/v1` Event.
pub(super) fn convert(core: &Value) -> Value {
    rename(core, API_VERSION, true)
}

/// One `events.k8s.io/v1` Event as the core Event that is stored. A
/// missing `regarding` is the empty reference (core requires the field).
fn to_core(v1: &Value) -> Value {
    let mut core = rename(v1, "v1", false);
    if core.get("involvedObject").is_none_or(Value::is_null) {
        core["involvedObject"] = json!({});
    }
    core
}

/// The converted JSON of one stored core Event.
pub(super) fn convert_bytes(json: &[u8]) -> Bytes {
    let core: Value = serde_json::from_slice(json).unwrap_or(Value::Null);
    Bytes::from(convert(&core).to_string())
}

/// A core Event handler's answer in the events.k8s.io shape: Events and
/// lists of them converted, anything else (a Status) as it is.
async fn converted(response: Response<Body>) -> Result<Response<Body>, ApiError> {
    let (parts, body) = response.into_parts();
    let bytes = body
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    let mut value = parse_json(&bytes)?;
    match value["kind"].as_str() {
        Some("Event") => value = convert(&value),
        Some("EventList") => {
            if let Some(items) = value["items"].as_array_mut() {
                for item in items.iter_mut() {
                    *item = convert(item);
                }
            }
            value["apiVersion"] = json!(API_VERSION);
        }
        _ => {}
    }
    Ok(Response::from_parts(
        parts,
        full(Bytes::from(value.to_string())),
    ))
}

/// An error of the core handlers named as the real server names this
/// resource: `events.events.k8s.io "x" not found`, `Event.events.k8s.io "x"
/// is invalid`.
fn regroup(mut err: ApiError) -> ApiError {
    for (core, v1) in [
        ("events \"", "events.events.k8s.io \""),
        ("Event \"", "Event.events.k8s.io \""),
    ] {
        if err.message.contains(core) {
            err.message = err.message.replacen(core, v1, 1);
            break;
        }
    }
    if let Some(d) = err.details.as_mut().and_then(Value::as_object_mut)
        && d.contains_key("group")
    {
        d.insert("group".into(), json!("events.k8s.io"));
    }
    err
}

/// `check_type_meta` for this API's version.
fn check_type_meta(body: &Value) -> Result<(), ApiError> {
    if let Some(av) = body.get("apiVersion").and_then(Value::as_str)
        && av != API_VERSION
    {
        return Err(ApiError::bad_request(format!(
            "the API version in the data ({av}) does not match the expected API version ({API_VERSION})"
        )));
    }
    if let Some(k) = body.get("kind").and_then(Value::as_str)
        && k != "Event"
    {
        return Err(ApiError::bad_request(format!(
            "the kind in the data ({k}) does not match the expected kind (Event)"
        )));
    }
    Ok(())
}

fn text<'v>(v: &'v Value, field: &str) -> &'v str {
    v.get(field).and_then(Value::as_str).unwrap_or_default()
}

fn set(v: &Value, field: &str) -> bool {
    match v.get(field) {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Number(n)) => n.as_i64() != Some(0),
        Some(Value::Object(m)) => m.values().any(|x| !x.is_null() && *x != json!("")),
        Some(_) => true,
    }
}

/// legacyValidateEvent and the series check, which creates and updates
/// through events.k8s.io/v1 share (field paths are the internal names).
fn legacy_causes(core: &Value, namespace: &str) -> Vec<Cause> {
    let mut causes = Vec::new();
    let involved_ns = core["involvedObject"]["namespace"]
        .as_str()
        .unwrap_or_default();
    let mismatch = || {
        Cause::invalid(
            "involvedObject.namespace",
            format!("{involved_ns:?}"),
            "does not match event.namespace",
        )
    };
    if !set(core, "eventTime") {
        let ok = if involved_ns.is_empty() {
            namespace.is_empty() || namespace == "default"
        } else {
            namespace == involved_ns
        };
        if !ok {
            causes.push(mismatch());
        }
        return causes;
    }
    if involved_ns.is_empty() && namespace != "default" && namespace != "kube-system" {
        causes.push(mismatch());
    }
    let limited = |causes: &mut Vec<Cause>, field: &str, limit: usize| {
        let value = text(core, field);
        if value.is_empty() {
            causes.push(Cause::required(field));
        } else if value.len() > limit {
            causes.push(Cause::invalid(
                field,
                "\"\"",
                &format!("can have at most {limit} characters"),
            ));
        }
    };
    if text(core, "reportingComponent").is_empty() {
        causes.push(Cause::required("reportingController"));
    }
    limited(&mut causes, "reportingInstance", 128);
    limited(&mut causes, "action", 128);
    limited(&mut causes, "reason", 128);
    if text(core, "message").len() > 1024 {
        causes.push(Cause::invalid(
            "message",
            "\"\"",
            "can have at most 1024 characters",
        ));
    }
    causes
}

/// validateV1EventSeries.
fn series_causes(core: &Value) -> Vec<Cause> {
    let mut causes = Vec::new();
    let Some(series) = core.get("series").filter(|s| s.is_object()) else {
        return causes;
    };
    if series["count"].as_i64().unwrap_or(0) < 2 {
        causes.push(Cause::invalid(
            "series.count",
            "\"\"",
            "should be at least 2",
        ));
    }
    if !set(series, "lastObservedTime") {
        causes.push(Cause::required("series.lastObservedTime"));
    }
    causes
}

/// ValidateEventCreate for a request through events.k8s.io/v1: what the
/// newer API requires (eventTime, the reporter, an action) and the
/// deprecated core fields it must leave unset.
fn create_causes(core: &Value, namespace: &str) -> Vec<Cause> {
    let mut causes = legacy_causes(core, namespace);
    causes.extend(series_causes(core));
    if !set(core, "eventTime") {
        causes.push(Cause::required("eventTime"));
    }
    let kind = text(core, "type");
    if kind != "Normal" && kind != "Warning" {
        causes.push(Cause::invalid(
            "type",
            "\"\"",
            &format!("has invalid value: {kind}"),
        ));
    }
    for field in ["firstTimestamp", "lastTimestamp", "count", "source"] {
        if set(core, field) {
            causes.push(Cause::invalid(field, "\"\"", "needs to be unset"));
        }
    }
    causes
}

/// ValidateEventUpdate for a request through events.k8s.io/v1: the event
/// itself may not change, only its metadata and series.
fn update_causes(new: &Value, old: &Value, namespace: &str) -> Vec<Cause> {
    let mut causes = legacy_causes(new, namespace);
    if new.get("series") != old.get("series") {
        causes.extend(series_causes(new));
    }
    for field in [
        "involvedObject",
        "reason",
        "message",
        "source",
        "firstTimestamp",
        "lastTimestamp",
        "count",
        "type",
        "eventTime",
        "action",
        "related",
        "reportingComponent",
        "reportingInstance",
    ] {
        let (n, o) = (new.get(field), old.get(field));
        let blank = |v: Option<&Value>| v.is_none_or(|v| !set_value(v));
        if n != o && !(blank(n) && blank(o)) {
            let shown = match n {
                Some(Value::String(s)) => format!("{s:?}"),
                Some(v) if !v.is_object() => v.to_string(),
                _ => "{}".to_string(),
            };
            causes.push(Cause::invalid(field, shown, "field is immutable"));
        }
    }
    causes
}

fn set_value(v: &Value) -> bool {
    set(&json!({ "v": v }), "v")
}

fn invalid(name: &str, causes: Vec<Cause>) -> Result<(), ApiError> {
    if causes.is_empty() {
        Ok(())
    } else {
        Err(regroup(ApiError::invalid(Kind::Event, name, causes)))
    }
}

/// The body of a create or update through this API, checked and converted
/// to the core Event that is stored.
fn core_body(body: &[u8]) -> Result<Value, ApiError> {
    let value = parse_json(body)?;
    if !value.is_object() {
        return Err(ApiError::bad_request(
            "the request body must be a JSON object",
        ));
    }
    check_type_meta(&value)?;
    Ok(to_core(&value))
}

fn name_of(core: &Value, t: &Target) -> String {
    t.name.clone().unwrap_or_else(|| {
        core.pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    })
}

/// Writes `new` (a whole v1 Event, already converted to core) over the
/// stored `cur`, after the update checks.
fn store(
    shared: &Shared,
    t: &Target,
    cur: &Entry,
    new: Value,
    writer: &Writer,
) -> Result<Response<Body>, ApiError> {
    let old = cur.object().to_json();
    let ns = t.namespace.as_deref().unwrap_or_default();
    invalid(&name_of(&new, t), update_causes(&new, &old, ns))?;
    store_update(shared, t, cur, new, writer)
}

/// Serves `verb` on `t` (a core Event target) in the events.k8s.io shape.
pub(super) async fn serve(
    shared: &Arc<Shared>,
    req: Request<Incoming>,
    t: &mut Target,
    q: &Query,
    query_dry_run: &[String],
    verb: &str,
    writer: &Writer,
) -> Result<Response<Body>, ApiError> {
    let as_table = table::wants_table(
        req.headers()
            .get(header::ACCEPT)
            .and_then(|h| h.to_str().ok()),
    );
    let directive = validation::Directive::parse(q.get("fieldValidation").map(String::as_str))?;
    let checked = |body: &[u8]| match serde_json::from_slice::<Value>(body) {
        Ok(v) => validation::check(openapi::Root::EventsV1, directive, &v),
        Err(_) => Ok(Vec::new()),
    };
    let result = match verb {
        "get" | "list" if as_table => {
            return if verb == "get" {
                get(shared, t, q, true)
            } else {
                list(shared, t, q, true)
            };
        }
        "watch" => {
            let shape = if as_table {
                WatchAs::Table {
                    kind: Kind::Event,
                    include: include_object(q).to_string(),
                }
            } else {
                WatchAs::EventsV1
            };
            return watch(shared, t, q, shape);
        }
        "get" => get(shared, t, q, false),
        "list" => list(shared, t, q, false),
        "create" => {
            let body = json_body(req).await?;
            let warnings = checked(&body)?;
            let core = core_body(&body)?;
            let ns = t.namespace.as_deref().unwrap_or_default();
            invalid(&name_of(&core, t), create_causes(&core, ns))?;
            with_warnings(
                create(shared, t, core.to_string().as_bytes(), writer),
                &warnings,
            )
        }
        "update" => {
            let body = json_body(req).await?;
            let warnings = checked(&body)?;
            let core = core_body(&body)?;
            let cur = current(shared, t).map_err(regroup)?;
            with_warnings(store(shared, t, &cur, core, writer), &warnings)
        }
        "patch" => {
            let ct = req
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("")
                .to_string();
            let body = read_body(req).await?;
            let patch_type = PatchType::from_content_type(&ct)
                .ok_or_else(|| ApiError::unsupported_media_type(&ct))?;
            let warnings = if patch_type == PatchType::Json {
                Vec::new()
            } else {
                checked(&body)?
            };
            let force = flag(q, "force");
            with_warnings(
                patch(shared, t, patch_type, &body, writer, force),
                &warnings,
            )
        }
        "delete" => {
            let body = read_body(req).await?;
            delete(shared, t, q, query_dry_run, &body)
        }
        _ => delete_collection(shared, t, q),
    };
    converted(result.map_err(regroup)?).await
}

/// A patch of any type, applied to the v1 form of the stored Event.
fn patch(
    shared: &Shared,
    t: &Target,
    patch_type: PatchType,
    body: &[u8],
    writer: &Writer,
    force: bool,
) -> Result<Response<Body>, ApiError> {
    let live = {
        let state = shared.lock();
        let name = t.name.as_deref().unwrap_or_default();
        let ns = t.namespace.as_deref().unwrap_or_default();
        state.store.get(Kind::Event, ns, name).cloned()
    };
    if patch_type == PatchType::Apply {
        let config = patch::apply::parse_config(body)?;
        let now = Time(shared.lock().stamp_now());
        let applied = patch::apply::Apply {
            kind: "Event",
            api_version: API_VERSION,
            manager: &writer.manager,
            subresource: None,
            force,
            now,
        }
        .run(
            live.as_ref()
                .map(|e| convert(&e.object().to_json()))
                .as_ref(),
            &config,
        )?;
        let writer = Writer {
            applied: true,
            ..writer.clone()
        };
        let core = to_core(&applied);
        return match live {
            Some(cur) => store(shared, t, &cur, core, &writer),
            None => {
                let ns = t.namespace.as_deref().unwrap_or_default();
                invalid(&name_of(&core, t), create_causes(&core, ns))?;
                create(shared, t, core.to_string().as_bytes(), &writer)
            }
        };
    }
    let cur = live
        .ok_or_else(|| ApiError::not_found(Kind::Event, t.name.as_deref().unwrap_or_default()))?;
    let doc: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("error decoding patch: {e}")))?;
    let base = convert(&cur.object().to_json());
    let patched = patch::apply("Event", &base, patch_type, &doc).map_err(|e| e.to_api_error())?;
    store(shared, t, &cur, to_core(&patched), writer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v1_event() -> Value {
        json!({
            "apiVersion": "events.k8s.io/v1", "kind": "Event",
            "metadata": {"name": "api.1", "namespace": "shop"},
            "eventTime": "2026-01-01T00:00:00.000000Z",
            "reportingController": "example.com/deployer", "reportingInstance": "d-1",
            "action": "Rollout", "reason": "RolloutStarted", "note": "rolling out", "type": "Normal",
            "regarding": {"kind": "Deployment", "name": "api", "namespace": "shop"},
        })
    }

    #[test]
    fn writes_convert_back_to_the_core_names() {
        let core = to_core(&v1_event());
        assert_eq!(core["apiVersion"], "v1");
        assert_eq!(core["message"], "rolling out");
        assert_eq!(core["involvedObject"]["name"], "api");
        assert_eq!(core["reportingComponent"], "example.com/deployer");
        assert!(core.get("note").is_none() && core.get("regarding").is_none());
        assert_eq!(convert(&core), v1_event());
        // A v1 Event need not name what it is about; core needs the field.
        let mut bare = v1_event();
        bare.as_object_mut().unwrap().remove("regarding");
        assert_eq!(to_core(&bare)["involvedObject"], json!({}));
    }

    fn texts(causes: &[Cause]) -> Vec<String> {
        causes
            .iter()
            .map(|c| format!("{}: {}", c.field, c.message))
            .collect()
    }

    #[test]
    fn creates_need_the_new_fields_and_leave_the_deprecated_ones_unset() {
        assert!(create_causes(&to_core(&v1_event()), "shop").is_empty());
        let core = json!({"type": "Info", "count": 2, "source": {"component": "x"},
            "deprecatedCount": 1, "involvedObject": {}});
        assert_eq!(
            texts(&create_causes(&core, "shop")),
            [
                "involvedObject.namespace: Invalid value: \"\": does not match event.namespace",
                "eventTime: Required value",
                "type: Invalid value: \"\": has invalid value: Info",
                "count: Invalid value: \"\": needs to be unset",
                "source: Invalid value: \"\": needs to be unset",
            ]
        );
        let mut partial = to_core(&v1_event());
        for field in [
            "reportingComponent",
            "reportingInstance",
            "action",
            "reason",
        ] {
            partial.as_object_mut().unwrap().remove(field);
        }
        partial["series"] = json!({"count": 1});
        assert_eq!(
            texts(&create_causes(&partial, "shop")),
            [
                "reportingController: Required value",
                "reportingInstance: Required value",
                "action: Required value",
                "reason: Required value",
                "series.count: Invalid value: \"\": should be at least 2",
                "series.lastObservedTime: Required value",
            ]
        );
    }

    #[test]
    fn updates_keep_the_event_and_may_change_its_series() {
        let old = to_core(&v1_event());
        let mut new = old.clone();
        new["series"] = json!({"count": 2, "lastObservedTime": "2026-01-01T00:01:00.000000Z"});
        new["metadata"]["labels"] = json!({"a": "b"});
        assert!(update_causes(&new, &old, "shop").is_empty());
        new["message"] = json!("changed");
        assert_eq!(
            texts(&update_causes(&new, &old, "shop")),
            ["message: Invalid value: \"changed\": field is immutable"]
        );
    }

    #[test]
    fn errors_name_the_events_k8s_io_resource() {
        let err = regroup(ApiError::not_found(Kind::Event, "x"));
        assert_eq!(err.message, "events.events.k8s.io \"x\" not found");
        assert_eq!(err.details.unwrap()["group"], "events.k8s.io");
        let invalid = regroup(ApiError::invalid(
            Kind::Event,
            "x",
            vec![Cause::required("eventTime")],
        ));
        assert_eq!(
            invalid.message,
            "Event.events.k8s.io \"x\" is invalid: eventTime: Required value"
        );
    }

    #[test]
    fn core_fields_take_their_events_k8s_io_names() {
        let core = json!({
            "apiVersion": "v1", "kind": "Event",
            "metadata": {"name": "web-0.1", "namespace": "demo"},
            "involvedObject": {"kind": "Pod", "name": "web-0"},
            "reason": "Scheduled", "message": "assigned demo/web-0 to node-1",
            "type": "Normal", "reportingComponent": "default-scheduler",
            "reportingInstance": "default-scheduler-1", "count": 3,
            "firstTimestamp": "2026-01-01T00:00:00Z", "lastTimestamp": "2026-01-01T00:01:00Z",
            "source": {"component": "default-scheduler"},
            "series": {"count": 2, "lastObservedTime": "2026-01-01T00:01:00.000000Z"},
            "eventTime": null,
        });
        let v1 = convert(&core);
        assert_eq!(v1["apiVersion"], "events.k8s.io/v1");
        assert_eq!(v1["note"], "assigned demo/web-0 to node-1");
        assert_eq!(v1["regarding"], json!({"kind": "Pod", "name": "web-0"}));
        assert_eq!(v1["reportingController"], "default-scheduler");
        assert_eq!(v1["reportingInstance"], "default-scheduler-1");
        assert_eq!(v1["deprecatedCount"], 3);
        assert_eq!(v1["deprecatedFirstTimestamp"], "2026-01-01T00:00:00Z");
        assert_eq!(v1["deprecatedLastTimestamp"], "2026-01-01T00:01:00Z");
        assert_eq!(
            v1["deprecatedSource"],
            json!({"component": "default-scheduler"})
        );
        assert_eq!(v1["series"]["count"], 2);
        assert_eq!(v1["reason"], "Scheduled");
        for gone in [
            "message",
            "involvedObject",
            "reportingComponent",
            "count",
            "source",
        ] {
            assert!(v1.get(gone).is_none(), "{gone}");
        }
    }
}
