//! Watches: the initial events, then the store's changes as they come,
//! filtered and shaped (objects or one-row Tables), with bookmarks and
//! `410 Gone` for a resourceVersion the history no longer holds.

use super::*;

pub(super) fn watch_frame(event_type: &str, object_json: &[u8]) -> Bytes {
    let mut b = BytesMut::with_capacity(object_json.len() + 32);
    b.put_slice(b"{\"type\":\"");
    b.put_slice(event_type.as_bytes());
    b.put_slice(b"\",\"object\":");
    b.put_slice(object_json);
    b.put_slice(b"}\n");
    b.freeze()
}

pub(super) fn bookmark_frame(kind: Kind, rv: u64, initial_events_end: bool) -> Bytes {
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
pub(super) enum WatchAs {
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
pub(super) fn change_event(filter: &Filter, change: &Change) -> Option<&'static str> {
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

pub(super) fn watch(
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
                    initial.push(shape.frame("ADDED", e, state.stamp_now()));
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
                            initial.push(shape.frame(event, &c.entry, state.stamp_now()));
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

pub(super) fn stream_response(body: Body) -> Response<Body> {
    Response::builder()
        .status(200)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CACHE_CONTROL, "no-cache, private")
        .body(body)
        .expect("static response parts are valid")
}

pub(super) struct WatchTask {
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
        let now = self.shared.lock().stamp_now();
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
