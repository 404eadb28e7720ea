//! Writes: create, update (PUT), patch, and the `scale` and `status`
//! subresources, each decoded, defaulted and validated before it is stored.

use super::*;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

pub(super) fn decode(kind: Kind, value: Value) -> Result<Object, ApiError> {
    Object::from_json(kind, value).map_err(|e| {
        ApiError::bad_request(format!(
            "the object provided is not a valid {}: {e}",
            kind.info().kind_name
        ))
    })
}

pub(super) fn check_type_meta(kind: Kind, body: &Value) -> Result<(), ApiError> {
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

pub(super) fn create(
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
    let mut state = write_lock(shared, t);
    let entry = state.create_as(object, Some(writer))?;
    Ok(object_response(201, &entry))
}

pub(super) fn current(shared: &Shared, t: &Target) -> Result<Arc<Entry>, ApiError> {
    let name = t.name.as_deref().unwrap_or_default();
    shared
        .lock()
        .store
        .get(t.kind, t.namespace.as_deref().unwrap_or_default(), name)
        .cloned()
        .ok_or_else(|| ApiError::not_found(t.kind, name))
}

/// Stores `new` (the full desired object) for a PUT or PATCH on `t`.
pub(super) fn store_update(
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
            // An apply worked out the managedFields of the whole object.
            if writer.applied {
                merged["metadata"]["managedFields"] = new["metadata"]["managedFields"].clone();
            }
            return finish_update(shared, t, merged, writer);
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
    finish_update(shared, t, new, writer)
}

pub(super) fn finish_update(
    shared: &Shared,
    t: &Target,
    mut new: Value,
    writer: &Writer,
) -> Result<Response<Body>, ApiError> {
    let (kind, name) = (t.kind, t.name.as_deref().unwrap_or_default());
    let expected_rv = new
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .map(String::from);
    if let Some(meta) = new.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.insert("name".into(), json!(name));
    }
    defaults::apply(kind, &mut new);
    let object = decode(kind, new)?;
    let mut state = write_lock(shared, t);
    let entry = state.update_as(object, expected_rv.as_deref(), Some(writer))?;
    Ok(object_response(200, &entry))
}

pub(super) fn update(
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

pub(super) fn patch_object(
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
/// result is defaulted, validated and stored like any write. Through the
/// `status` and `scale` subresources it applies to the live object's status
/// or replicas, and the manager's entry names the subresource.
fn apply_object(
    shared: &Shared,
    t: &Target,
    body: &[u8],
    writer: &Writer,
    force: bool,
) -> Result<Response<Body>, ApiError> {
    let sub = t.subresource.as_deref();
    let name = t.name.as_deref().unwrap_or_default();
    let kind_name = t.kind.info().kind_name;
    let api_version = t.kind.api_version();
    let config = patch::apply::parse_config(body)?;
    let (live, now) = {
        let state = shared.lock();
        let ns = t.namespace.as_deref().unwrap_or_default();
        (
            state.store.get(t.kind, ns, name).cloned(),
            Time(state.stamp_now()),
        )
    };
    let config = match sub {
        Some("scale") if !scalable(t.kind) => return Err(ApiError::path_not_found()),
        Some("scale") => patch::apply::scale_config(&config, kind_name, &api_version, name)?,
        _ => config,
    };
    // A subresource is applied to an object that exists.
    if sub.is_some() && live.is_none() {
        return Err(ApiError::not_found(t.kind, name));
    }
    let applied = patch::apply::Apply {
        kind: kind_name,
        api_version: &api_version,
        manager: &writer.manager,
        subresource: sub,
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
    match (live, sub) {
        (Some(cur), Some("scale")) => {
            let scale = json!({
                "spec": {"replicas": applied["spec"]["replicas"]},
                "metadata": {"managedFields": applied["metadata"]["managedFields"]},
            });
            store_scale(shared, t, &cur, &scale, &writer)
        }
        (Some(cur), _) => store_update(shared, t, &cur, applied, &writer),
        (None, _) => create(shared, t, applied.to_string().as_bytes(), &writer),
    }
}

/// The autoscaling/v1 Scale of a StatefulSet, Deployment or ReplicaSet.
pub(super) fn scale_of(object: &Object) -> Result<Value, ApiError> {
    if !scalable(object.kind()) {
        return Err(ApiError::path_not_found());
    }
    let v = object.to_json();
    let selector = v["spec"]["selector"]["matchLabels"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    let m = object.meta();
    Ok(json!({
        "kind": "Scale", "apiVersion": "autoscaling/v1",
        "metadata": {"name": m.name, "namespace": m.namespace, "uid": m.uid,
            "resourceVersion": m.resource_version, "creationTimestamp": m.creation_timestamp},
        "spec": {"replicas": v["spec"]["replicas"].as_i64().unwrap_or(1)},
        "status": {"replicas": v["status"]["replicas"].as_i64().unwrap_or(0), "selector": selector},
    }))
}

/// Kinds with a `scale` subresource (the sim runs only StatefulSets; the
/// others just store the new count).
fn scalable(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::StatefulSet | Kind::Deployment | Kind::ReplicaSet
    )
}

pub(super) fn store_scale(
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
            cur.kind(),
            name,
            vec![Cause::invalid(
                "spec.replicas",
                n,
                "must be greater than or equal to 0",
            )],
        );
        err.message = err.message.replacen(
            &format!("{}.apps", cur.kind().info().kind_name),
            "Scale.autoscaling",
            1,
        );
        // kubectl names the kind from the details: `The Scale "web" is invalid`.
        if let Some(d) = err.details.as_mut() {
            d["kind"] = json!("Scale");
            d["group"] = json!("autoscaling");
        }
        return Err(err);
    }
    if !scalable(cur.kind()) {
        return Err(ApiError::path_not_found());
    }
    let expected_rv = scale
        .pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
        .map(String::from);
    let mut value = cur.object().to_json();
    value["spec"]["replicas"] = json!(n);
    if writer.applied {
        value["metadata"]["managedFields"] = scale["metadata"]["managedFields"].clone();
    }
    let object = Object::from_json(cur.kind(), value)
        .map_err(|e| ApiError::bad_request(format!("scaling: {e}")))?;
    let mut state = write_lock(shared, t);
    let entry = state.update_as(object, expected_rv.as_deref(), Some(writer))?;
    Ok(json_response(200, &scale_of(entry.object())?))
}
