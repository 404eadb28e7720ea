//! One kube-runtime watcher per kind, slimming objects at the edge and
//! sending store events to the UI task.
//!
//! A (re)list is buffered and sent as one `Restarted`, so the store swaps it
//! in atomically. After any watch error the watcher is rebuilt from scratch
//! with backoff: the next list both refreshes everything deleted meanwhile
//! and tells the store the data is live again.

use std::fmt::Debug;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::apps::v1::{ControllerRevision, StatefulSet};
use k8s_openapi::api::core::v1::{Event, Node, PersistentVolume, PersistentVolumeClaim, Pod};
use k8s_openapi::api::storage::v1::StorageClass;
use kube::api::Api;
use kube::runtime::watcher;
use serde::de::DeserializeOwned;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::store::{Kind, Object, StoreEvent};

/// Which namespaces the namespaced kinds are watched in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    Namespace(String),
}

/// Backoff between watcher rebuilds after errors.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub initial: Duration,
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            initial: Duration::from_millis(500),
            max: Duration::from_secs(30),
        }
    }
}

/// Running watchers; dropping this stops them (and frees their connections).
pub struct Watches {
    handles: Vec<JoinHandle<()>>,
}

impl Watches {
    pub fn stop(&mut self) {
        for h in self.handles.drain(..) {
            h.abort();
        }
    }
}

impl Drop for Watches {
    fn drop(&mut self) {
        self.stop();
    }
}

fn describe(err: &watcher::Error) -> (String, bool) {
    let api = match err {
        watcher::Error::InitialListFailed(e)
        | watcher::Error::WatchStartFailed(e)
        | watcher::Error::WatchFailed(e) => Some(e),
        _ => None,
    };
    match api {
        Some(kube::Error::Api(s)) => (format!("{} ({})", s.message, s.code), s.code == 403),
        Some(e) => (e.to_string(), false),
        None => (err.to_string(), false),
    }
}

/// The latest resourceVersion each kind's watcher has passed on to the
/// store channel. `--tour` compares it with what the in-process sim has
/// emitted to know the store has caught up (the slim store objects do not
/// keep resourceVersions). Versions that are not numbers (real clusters
/// promise nothing about their form) are not tracked.
#[derive(Debug, Clone, Default)]
pub struct Progress(std::sync::Arc<[std::sync::atomic::AtomicU64; 8]>);

impl Progress {
    /// The latest version passed on for `kind` (0: none yet).
    pub fn get(&self, kind: Kind) -> u64 {
        let i = Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
        self.0[i].load(std::sync::atomic::Ordering::Acquire)
    }

    /// Called after the event carrying `object` was sent, so a reader that
    /// sees the version finds the event in the channel or already applied.
    fn passed_on<K: kube::Resource>(&self, kind: Kind, object: &K) {
        let rv = rv_of(object);
        if rv == 0 {
            return;
        }
        let i = Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
        self.0[i].fetch_max(rv, std::sync::atomic::Ordering::AcqRel);
    }
}

/// Watches one kind until the receiver is gone.
async fn watch_kind<K>(
    api: Api<K>,
    kind: Kind,
    tx: mpsc::UnboundedSender<StoreEvent>,
    backoff: Backoff,
    progress: Progress,
) where
    K: kube::Resource + Clone + DeserializeOwned + Debug + Send + 'static,
    for<'a> Object: From<&'a K>,
{
    let mut delay = backoff.initial;
    loop {
        let mut stream = watcher(api.clone(), watcher::Config::default()).boxed();
        let mut buffer: Vec<Object> = Vec::new();
        // The newest object of the list being buffered (for `progress`).
        let mut newest: Option<K> = None;
        while let Some(event) = stream.next().await {
            // The object whose version is passed on with this event.
            let mut carried: Option<K> = None;
            let out = match event {
                Ok(watcher::Event::Init) => {
                    buffer.clear();
                    newest = None;
                    None
                }
                Ok(watcher::Event::InitApply(o)) => {
                    buffer.push(Object::from(&o));
                    if rv_of(&o) >= newest.as_ref().map_or(0, rv_of) {
                        newest = Some(o);
                    }
                    None
                }
                Ok(watcher::Event::InitDone) => {
                    delay = backoff.initial;
                    carried = newest.take();
                    Some(StoreEvent::Restarted(kind, std::mem::take(&mut buffer)))
                }
                Ok(watcher::Event::Apply(o)) => {
                    let event = StoreEvent::Applied(Object::from(&o));
                    carried = Some(o);
                    Some(event)
                }
                Ok(watcher::Event::Delete(o)) => {
                    let event = StoreEvent::Deleted(Object::from(&o));
                    carried = Some(o);
                    Some(event)
                }
                Err(e) => {
                    let (message, forbidden) = describe(&e);
                    tracing::debug!(?kind, %message, "watch error");
                    if tx
                        .send(StoreEvent::WatchError {
                            kind,
                            message,
                            forbidden,
                        })
                        .is_err()
                    {
                        return;
                    }
                    break;
                }
            };
            if let Some(ev) = out
                && tx.send(ev).is_err()
            {
                return;
            }
            if let Some(o) = &carried {
                progress.passed_on(kind, o);
            }
        }
        // The stream ended or failed: rebuild (list again) after a pause.
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(backoff.max);
        if tx.is_closed() {
            return;
        }
    }
}

/// A resourceVersion as a number (0 when it is not one).
fn rv_of<K: kube::Resource>(object: &K) -> u64 {
    object
        .meta()
        .resource_version
        .as_deref()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn spawn<K>(
    api: Api<K>,
    kind: Kind,
    tx: &mpsc::UnboundedSender<StoreEvent>,
    backoff: Backoff,
    progress: &Progress,
) -> JoinHandle<()>
where
    K: kube::Resource + Clone + DeserializeOwned + Debug + Send + Sync + 'static,
    for<'a> Object: From<&'a K>,
{
    tokio::spawn(watch_kind(api, kind, tx.clone(), backoff, progress.clone()))
}

fn scoped<K>(client: &kube::Client, scope: &Scope) -> Api<K>
where
    K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope>,
    <K as kube::Resource>::DynamicType: Default,
{
    match scope {
        Scope::All => Api::all(client.clone()),
        Scope::Namespace(ns) => Api::namespaced(client.clone(), ns),
    }
}

/// Starts one watcher per kind; namespaced kinds follow `scope`.
pub fn start(
    client: &kube::Client,
    scope: &Scope,
    tx: &mpsc::UnboundedSender<StoreEvent>,
    backoff: Backoff,
) -> Watches {
    start_tracked(client, scope, tx, backoff, &Progress::default())
}

/// [`start`], noting in `progress` how far each kind's watcher got.
pub fn start_tracked(
    client: &kube::Client,
    scope: &Scope,
    tx: &mpsc::UnboundedSender<StoreEvent>,
    backoff: Backoff,
    progress: &Progress,
) -> Watches {
    let handles = vec![
        spawn(
            scoped::<StatefulSet>(client, scope),
            Kind::StatefulSet,
            tx,
            backoff,
            progress,
        ),
        spawn(
            scoped::<Pod>(client, scope),
            Kind::Pod,
            tx,
            backoff,
            progress,
        ),
        spawn(
            scoped::<PersistentVolumeClaim>(client, scope),
            Kind::Claim,
            tx,
            backoff,
            progress,
        ),
        spawn(
            scoped::<Event>(client, scope),
            Kind::Event,
            tx,
            backoff,
            progress,
        ),
        spawn(
            scoped::<ControllerRevision>(client, scope),
            Kind::Revision,
            tx,
            backoff,
            progress,
        ),
        spawn(
            Api::<PersistentVolume>::all(client.clone()),
            Kind::Volume,
            tx,
            backoff,
            progress,
        ),
        spawn(
            Api::<StorageClass>::all(client.clone()),
            Kind::StorageClass,
            tx,
            backoff,
            progress,
        ),
        spawn(
            Api::<Node>::all(client.clone()),
            Kind::Node,
            tx,
            backoff,
            progress,
        ),
    ];
    Watches { handles }
}
