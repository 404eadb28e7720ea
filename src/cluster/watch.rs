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

/// Watches one kind until the receiver is gone.
async fn watch_kind<K>(
    api: Api<K>,
    kind: Kind,
    tx: mpsc::UnboundedSender<StoreEvent>,
    backoff: Backoff,
) where
    K: kube::Resource + Clone + DeserializeOwned + Debug + Send + 'static,
    for<'a> Object: From<&'a K>,
{
    let mut delay = backoff.initial;
    loop {
        let mut stream = watcher(api.clone(), watcher::Config::default()).boxed();
        let mut buffer: Vec<Object> = Vec::new();
        while let Some(event) = stream.next().await {
            let out = match event {
                Ok(watcher::Event::Init) => {
                    buffer.clear();
                    None
                }
                Ok(watcher::Event::InitApply(o)) => {
                    buffer.push(Object::from(&o));
                    None
                }
                Ok(watcher::Event::InitDone) => {
                    delay = backoff.initial;
                    Some(StoreEvent::Restarted(kind, std::mem::take(&mut buffer)))
                }
                Ok(watcher::Event::Apply(o)) => Some(StoreEvent::Applied(Object::from(&o))),
                Ok(watcher::Event::Delete(o)) => Some(StoreEvent::Deleted(Object::from(&o))),
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
        }
        // The stream ended or failed: rebuild (list again) after a pause.
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(backoff.max);
        if tx.is_closed() {
            return;
        }
    }
}

fn spawn<K>(
    api: Api<K>,
    kind: Kind,
    tx: &mpsc::UnboundedSender<StoreEvent>,
    backoff: Backoff,
) -> JoinHandle<()>
where
    K: kube::Resource + Clone + DeserializeOwned + Debug + Send + Sync + 'static,
    for<'a> Object: From<&'a K>,
{
    tokio::spawn(watch_kind(api, kind, tx.clone(), backoff))
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
    let handles = vec![
        spawn(
            scoped::<StatefulSet>(client, scope),
            Kind::StatefulSet,
            tx,
            backoff,
        ),
        spawn(scoped::<Pod>(client, scope), Kind::Pod, tx, backoff),
        spawn(
            scoped::<PersistentVolumeClaim>(client, scope),
            Kind::Claim,
            tx,
            backoff,
        ),
        spawn(scoped::<Event>(client, scope), Kind::Event, tx, backoff),
        spawn(
            scoped::<ControllerRevision>(client, scope),
            Kind::Revision,
            tx,
            backoff,
        ),
        spawn(
            Api::<PersistentVolume>::all(client.clone()),
            Kind::Volume,
            tx,
            backoff,
        ),
        spawn(
            Api::<StorageClass>::all(client.clone()),
            Kind::StorageClass,
            tx,
            backoff,
        ),
        spawn(Api::<Node>::all(client.clone()), Kind::Node, tx, backoff),
    ];
    Watches { handles }
}
