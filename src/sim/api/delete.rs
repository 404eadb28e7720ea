//! Deletes: one object (grace period, preconditions, orphaning) and
//! collections; a namespace takes its contents with it.

use super::*;

/// Options from the query string and the DeleteOptions body.
pub(super) struct DeleteOptions {
    grace: Option<i64>,
    orphan: bool,
    precondition_uid: Option<String>,
    precondition_rv: Option<String>,
    /// `dryRun` values: the body's when the request has one (the server
    /// then reads no options from the query), else the query's.
    dry_run: Vec<String>,
}

pub(super) fn delete_options(
    q: &Query,
    query_dry_run: &[String],
    body: &[u8],
) -> Result<DeleteOptions, ApiError> {
    let body: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        parse_json(body)?
    };
    let dry_run = match &body {
        Value::Null => query_dry_run.to_vec(),
        body => body
            .get("dryRun")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|v| v.as_str().unwrap_or_default().to_string())
            .collect(),
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
        dry_run,
    })
}

pub(super) fn delete(
    shared: &Shared,
    t: &mut Target,
    q: &Query,
    query_dry_run: &[String],
    body: &[u8],
) -> Result<Response<Body>, ApiError> {
    if t.subresource.is_some() {
        return Err(ApiError::method_not_allowed());
    }
    let opts = delete_options(q, query_dry_run, body)?;
    t.dry_run = check_dry_run(&opts.dry_run, "DeleteOptions")?;
    let name = t.name.as_deref().unwrap_or_default();
    let ns = t.namespace.as_deref().unwrap_or_default();
    let mut state = write_lock(shared, t);
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

pub(super) fn delete_collection(
    shared: &Shared,
    t: &Target,
    q: &Query,
) -> Result<Response<Body>, ApiError> {
    let filter = Filter::from_query(t.namespace.clone(), q)?;
    let opts = delete_options(q, &[], b"")?;
    let mut state = write_lock(shared, t);
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
pub(super) fn orphan_dependents(state: &mut SimState, owner: &Object) {
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
pub(super) fn delete_namespace_contents(state: &mut SimState, ns: &str) {
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
