//! Reads: get, list (with paging and Tables) and pod logs (also followed).

use super::*;

/// `GET pods/{name}/log`: plain text.
pub(super) fn pod_log(
    shared: &Arc<Shared>,
    t: &Target,
    q: &Query,
    verb: &str,
) -> Result<Response<Body>, ApiError> {
    if verb != "get" {
        return Err(ApiError::method_not_allowed());
    }
    if flag(q, "follow") {
        return follow_log(shared, t, q);
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

/// `kubectl logs -f`: the log so far, then new lines as the simulated
/// container writes them, until it stops, its Pod goes or the client leaves.
pub(super) fn follow_log(
    shared: &Arc<Shared>,
    t: &Target,
    q: &Query,
) -> Result<Response<Body>, ApiError> {
    let ns = t.namespace.clone().unwrap_or_default();
    let pod = t.name.clone().unwrap_or_default();
    let (text, mut follower) = logs::follow(&shared.lock(), &ns, &pod, q)?;
    let (tx, rx) = mpsc::channel::<Bytes>(16);
    let shared = shared.clone();
    let q = q.clone();
    tokio::spawn(async move {
        if tx.send(Bytes::from(text)).await.is_err() {
            return;
        }
        let mut faults = shared.faults.subscribe();
        loop {
            tokio::select! {
                _ = tokio::time::sleep(FOLLOW_POLL) => {}
                _ = tx.closed() => return,
                _ = faults.changed() => return,
            }
            let next = follower.next(&shared.lock(), &ns, &pod, &q);
            let (text, end) = match next {
                logs::Followed::More(text) => (text, false),
                logs::Followed::End(text) => (text, true),
            };
            if !text.is_empty() && tx.send(Bytes::from(text)).await.is_err() {
                return;
            }
            if end {
                return;
            }
        }
    });
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|b| (Ok::<_, Infallible>(Frame::data(b)), rx))
    });
    Ok(Response::builder()
        .status(200)
        .header(header::CONTENT_TYPE, "text/plain")
        .body(BodyExt::boxed(StreamBody::new(stream)))
        .expect("static response parts are valid"))
}

/// How often a followed log looks for new lines (real time).
pub(super) const FOLLOW_POLL: Duration = Duration::from_millis(200);

pub(super) fn object_response(status: u16, entry: &Entry) -> Response<Body> {
    respond(status, entry.json.clone())
}

pub(super) fn include_object(q: &Query) -> &str {
    q.get("includeObject").map_or("Metadata", String::as_str)
}

pub(super) fn get(
    shared: &Shared,
    t: &Target,
    q: &Query,
    as_table: bool,
) -> Result<Response<Body>, ApiError> {
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
                state.stamp_now(),
            );
            Ok(json_response(200, &tbl))
        }
        _ => Ok(object_response(200, entry)),
    }
}

pub(super) fn continue_token(rv: u64, ns: &str, name: &str) -> String {
    format!("{rv}:{ns}:{name}")
}

pub(super) fn parse_continue(token: &str) -> Result<(u64, String, String), ApiError> {
    let bad = || ApiError::bad_request(format!("continue key is not valid: {token:?}"));
    let mut parts = token.splitn(3, ':');
    let rv = parts.next().and_then(|r| r.parse().ok()).ok_or_else(bad)?;
    let ns = parts.next().ok_or_else(bad)?.to_string();
    let name = parts.next().ok_or_else(bad)?.to_string();
    Ok((rv, ns, name))
}

pub(super) fn list(
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
    let now = state.stamp_now();
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
