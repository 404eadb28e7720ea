//! The watches that feed the store: one kube-runtime watcher per feed
//! (a kind in one namespace or all, narrowed by server-side selectors),
//! slimming objects at the edge.
//!
//! What crosses the wire is only what ordinal shows:
//! - Pods: `labelSelector=statefulset.kubernetes.io/pod-name` (an existence
//!   selector on the label the StatefulSet controller puts on every Pod it
//!   creates); Deployment, Job and DaemonSet Pods never arrive.
//! - Events: Warnings are what the findings read (about sets, their Pods,
//!   claims and volumes), in two kinds of watch:
//!   `fieldSelector=type=Warning,involvedObject.kind!=Pod`, one per scope,
//!   and `type=Warning,involvedObject.kind=Pod` in each namespace that
//!   holds StatefulSets, started when the sets' list (or a new set) shows
//!   one there and stopped when its last set goes. Warnings about other
//!   workloads' Pods are most of a shared cluster's Warnings (BackOff,
//!   Unhealthy, FailedScheduling), and they were what crossed the wire in
//!   unrelated churn (80 kB/s at 1,000 changes/s on the envelope); now
//!   they do only where those Pods share a namespace with sets. Events
//!   select on `type`, `reason`, `source`, `reportingComponent` and
//!   `involvedObject.{kind,namespace,name,uid,apiVersion,fieldPath}` (the
//!   API server's `addFieldLabelConversionsForEvent`), ANDed, never a set
//!   of names, so "the Pods of some set" cannot be one selector and a
//!   watch per Pod would cost far more connections. One Pod-warning watch
//!   for the scope with `involvedObject.namespace!=` for every namespace
//!   without sets would need the namespaces listed (often forbidden) and a
//!   restart for each new one. The cost of the choice is a connection per
//!   namespace with sets (50 on the envelope, where sets live in `bench-*`
//!   and other workloads in `team-*`, so its churn figure is the best case;
//!   in a namespace that mixes sets and Deployments their Pods' Warnings
//!   still arrive and are dropped at the edge). The events wait, as a
//!   kind, for the sets' first list, so a complete sync includes the Pod
//!   warnings. While a set's screen is open, a watch of its namespace with
//!   `fieldSelector=type!=Warning` adds the rest (the screen lists all its
//!   events). The selectors are disjoint, so no event arrives twice.
//!   Events about other kinds, and about Pods not named `<set>-<ordinal>`,
//!   are dropped at the edge: no screen reads them.
//! - ControllerRevisions: only for the open set (revision numbers and
//!   rollback), with the set's label selector, started when its screen
//!   opens and stopped when it closes; no DaemonSet history is held.
//! - Nodes: every Node as a Table row (`Accept: application/json;as=Table;
//!   v=v1;g=meta.k8s.io`, `includeObject=None`), whose `Status` column
//!   (`Ready`, `NotReady`, `Unknown`, `,SchedulingDisabled`) carries the
//!   readiness and cordon the screens show; a Node that is not Ready is
//!   also fetched in full (one GET per change of its row), because the
//!   findings quote its Ready condition (`False` or `Unknown`, reason,
//!   since when). See [`super::nodes`]. Measured on the envelope's Nodes
//!   (`ordinal-bench` envelope figure "bytes per Node", small envelope,
//!   10 Nodes): 241 bytes as a Table row (the column definitions spread
//!   over 10 rows), 1,524 metadata-only, 9,333 in full.
//!   Metadata-only carries neither readiness nor cordon (labels and
//!   managedFields, no status or spec), so it would still need a full
//!   Node per Node shown; field selectors on Nodes know only
//!   `metadata.name` and `spec.unschedulable`, so "the Nodes hosting set
//!   Pods" would be a watch per Node (500 on the envelope), and they
//!   change as Pods move. One table watch of every Node costs less than
//!   the full objects of the tenth of them that host sets. Not covered: a
//!   local volume pinned by `kubernetes.io/hostname` to a Node whose name
//!   differs from its hostname label (kubelet `--hostname-override`) finds
//!   no Node unless it is not Ready (and fetched in full), so the "pinned
//!   to an unavailable node" finding misses a cordoned one there.
//! - StatefulSets, claims, volumes and StorageClasses: everything in scope
//!   (each is shown or feeds a finding).
//!
//! Lists stream (`sendInitialEvents`, one request) where the server
//! supports it. The first feed to find out that it does not (a 4xx other
//! than 401/403/410/429 to the streaming watch) switches every feed to
//! paged lists (`limit`), so one refusal is paid at most once per feed.
//!
//! Objects are parsed without their managedFields ([`super::lean`]).
//!
//! A (re)list is buffered and sent as one `Relisted`, so the store swaps
//! the feed's share in atomically; while it runs, `Listing` counts what
//! has arrived (without sending the objects one by one). After any watch
//! error the watcher is rebuilt from scratch with backoff: the next list
//! both refreshes everything deleted meanwhile and tells the store the
//! data is live again.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Debug;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::apps::v1::{ControllerRevision, StatefulSet};
use k8s_openapi::api::core::v1::{Event, PersistentVolume, PersistentVolumeClaim, Pod};
use k8s_openapi::api::storage::v1::StorageClass;
use kube::api::Api;
use kube::runtime::watcher;
use serde::de::DeserializeOwned;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::lean::Lean;
use crate::store::{Feed, Kind, Object, Part, StoreEvent};

/// The label the StatefulSet controller puts on every Pod it creates.
pub const SET_POD_LABEL: &str = "statefulset.kubernetes.io/pod-name";

/// Objects per page when lists are paged.
const PAGE_SIZE: u32 = 500;

/// How often (in objects received) a list under way reports its count.
const COUNT_EVERY: u64 = 1000;

/// Which namespaces the namespaced kinds are watched in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    Namespace(String),
    /// Several namespaces (`-n a,b,c`): one watch per namespace per kind.
    Namespaces(Vec<String>),
}

impl Scope {
    /// `None` for all namespaces; else each namespace watched.
    pub fn namespaces(&self) -> Vec<Option<String>> {
        match self {
            Scope::All => vec![None],
            Scope::Namespace(ns) => vec![Some(ns.clone())],
            Scope::Namespaces(v) => v.iter().cloned().map(Some).collect(),
        }
    }
}

/// The set whose screen is open: its events and revisions are watched
/// while it stays open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenSet {
    pub namespace: String,
    pub name: String,
    /// The set's label selector (`app=web`), as the store holds it.
    pub selector: String,
}

/// The feeds watched for `scope`, whatever is open.
pub fn base_feeds(scope: &Scope) -> Vec<Feed> {
    let mut out = Vec::new();
    for ns in scope.namespaces() {
        let ns = ns.as_deref();
        out.push(Feed::whole(Kind::StatefulSet, ns));
        out.push(Feed::whole(Kind::Pod, ns));
        out.push(Feed::whole(Kind::Claim, ns));
        out.push(Feed {
            kind: Kind::Event,
            namespace: ns.map(str::to_string),
            part: Part::Warnings,
        });
    }
    for kind in [Kind::Volume, Kind::StorageClass, Kind::Node] {
        out.push(Feed::whole(kind, None));
    }
    out
}

/// The feeds watched while `set`'s screen is open.
pub fn open_set_feeds(set: &OpenSet) -> Vec<Feed> {
    vec![
        Feed {
            kind: Kind::Event,
            namespace: Some(set.namespace.clone()),
            part: Part::NotWarnings,
        },
        Feed {
            kind: Kind::Revision,
            namespace: Some(set.namespace.clone()),
            part: Part::OfSet {
                set: set.name.clone(),
                selector: set.selector.clone(),
            },
        },
    ]
}

/// The feed of Warning events about Pods in `namespace` (which holds sets).
pub fn pod_warnings_feed(namespace: &str) -> Feed {
    Feed {
        kind: Kind::Event,
        namespace: Some(namespace.to_string()),
        part: Part::PodWarnings,
    }
}

/// The field selector of Warning events about anything but Pods.
pub const WARNINGS_NOT_PODS: &str = "type=Warning,involvedObject.kind!=Pod";
/// The field selector of Warning events about Pods.
pub const WARNINGS_OF_PODS: &str = "type=Warning,involvedObject.kind=Pod";

/// The `(labelSelector, fieldSelector)` a feed's requests carry.
pub fn selectors(feed: &Feed) -> (Option<String>, Option<String>) {
    match (&feed.kind, &feed.part) {
        (Kind::Pod, _) => (Some(SET_POD_LABEL.to_string()), None),
        (_, Part::Warnings) => (None, Some(WARNINGS_NOT_PODS.into())),
        (_, Part::PodWarnings) => (None, Some(WARNINGS_OF_PODS.into())),
        (_, Part::NotWarnings) => (None, Some("type!=Warning".into())),
        (_, Part::OfSet { selector, .. }) if !selector.is_empty() => (Some(selector.clone()), None),
        _ => (None, None),
    }
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

/// How initial lists are made; shared by every feed of one connection.
#[derive(Debug, Clone, Default)]
pub struct Lists(Arc<AtomicU8>);

const UNTRIED: u8 = 0;
const STREAMING: u8 = 1;
const PAGED: u8 = 2;

impl Lists {
    /// Always paged (for a server known not to stream).
    pub fn paged() -> Lists {
        Lists(Arc::new(AtomicU8::new(PAGED)))
    }

    /// Whether lists stream (`sendInitialEvents`): until a server refuses.
    pub fn streaming(&self) -> bool {
        self.0.load(Ordering::Acquire) != PAGED
    }

    fn streamed(&self) {
        let _ = self
            .0
            .compare_exchange(UNTRIED, STREAMING, Ordering::AcqRel, Ordering::Acquire);
    }

    fn refused(&self) {
        self.0.store(PAGED, Ordering::Release);
    }
}

/// The latest resourceVersion each feed's watcher has passed on to the
/// store channel. `--tour` compares it with what the in-process sim has
/// emitted to know the store has caught up (the slim store objects do not
/// keep resourceVersions). Versions that are not numbers (real clusters
/// promise nothing about their form) are not tracked.
#[derive(Debug, Clone, Default)]
pub struct Progress(Arc<Mutex<HashMap<Feed, u64>>>);

impl Progress {
    /// The latest version passed on for `feed` (0: none yet).
    pub fn get(&self, feed: &Feed) -> u64 {
        self.lock().get(feed).copied().unwrap_or(0)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Feed, u64>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Called after the event carrying `object` was sent, so a reader that
    /// sees the version finds the event in the channel or already applied.
    fn passed_on<K: kube::Resource>(&self, feed: &Feed, object: &K) {
        self.passed_on_rv(feed, rv_of(object));
    }

    /// [`Progress::passed_on`] for a version as the server wrote it.
    pub(super) fn passed_on_version(&self, feed: &Feed, version: &str) {
        self.passed_on_rv(feed, version.parse().unwrap_or(0));
    }

    fn passed_on_rv(&self, feed: &Feed, rv: u64) {
        if rv == 0 {
            return;
        }
        let mut map = self.lock();
        match map.get_mut(feed) {
            Some(v) => *v = (*v).max(rv),
            None => {
                map.insert(feed.clone(), rv);
            }
        }
    }
}

/// What every watcher of one connection shares.
#[derive(Clone)]
pub(super) struct Ctx {
    pub(super) client: kube::Client,
    tx: mpsc::UnboundedSender<StoreEvent>,
    pub(super) backoff: Backoff,
    pub(super) progress: Progress,
    lists: Lists,
    pod_warnings: PodWarnings,
}

/// The watches of Pod warnings, one per namespace that holds sets: the
/// StatefulSet feeds say which namespaces those are, as their lists and
/// changes come in.
#[derive(Clone, Default)]
struct PodWarnings(Arc<Mutex<PodWarningsState>>);

#[derive(Default)]
struct PodWarningsState {
    /// Namespaces holding sets, per StatefulSet feed.
    by_feed: BTreeMap<Feed, BTreeSet<String>>,
    running: BTreeMap<String, Running>,
    /// Set once the watches stop: nothing starts after that.
    stopped: bool,
}

impl PodWarnings {
    fn lock(&self) -> std::sync::MutexGuard<'_, PodWarningsState> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `set_feed` now sees sets in `namespaces`: starts the Pod-warning
    /// watches of namespaces new to every set feed (their `Listing` goes
    /// out before the caller sends on), stops those no set feed names.
    fn update(&self, ctx: &Ctx, set_feed: &Feed, namespaces: BTreeSet<String>) {
        let mut st = self.lock();
        if st.stopped || st.by_feed.get(set_feed) == Some(&namespaces) {
            return;
        }
        st.by_feed.insert(set_feed.clone(), namespaces);
        let wanted: BTreeSet<String> = st.by_feed.values().flatten().cloned().collect();
        let gone: Vec<String> = st
            .running
            .keys()
            .filter(|ns| !wanted.contains(*ns))
            .cloned()
            .collect();
        for ns in gone {
            if let Some(r) = st.running.remove(&ns) {
                r.stop();
            }
        }
        for ns in wanted {
            if let std::collections::btree_map::Entry::Vacant(slot) = st.running.entry(ns) {
                let feed = pod_warnings_feed(slot.key());
                slot.insert(spawn_feed(ctx, feed));
            }
        }
    }

    fn feeds(&self) -> Vec<Feed> {
        self.lock()
            .running
            .values()
            .map(|r| r.feed.clone())
            .collect()
    }

    fn stop(&self) {
        let mut st = self.lock();
        st.stopped = true;
        st.by_feed.clear();
        for (_, r) in std::mem::take(&mut st.running) {
            r.stop();
        }
    }
}

/// A feed's way to the store; closed (under its lock) when the feed stops,
/// so nothing it sends can land after its `Stopped`.
#[derive(Clone)]
pub(super) struct Gate {
    tx: mpsc::UnboundedSender<StoreEvent>,
    open: Arc<Mutex<bool>>,
}

impl Gate {
    fn new(tx: mpsc::UnboundedSender<StoreEvent>) -> Gate {
        Gate {
            tx,
            open: Arc::new(Mutex::new(true)),
        }
    }

    /// False when the receiver is gone or the feed stopped.
    pub(super) fn send(&self, event: StoreEvent) -> bool {
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        *open && self.tx.send(event).is_ok()
    }

    /// Closes the gate and sends `last` through it.
    fn close_with(&self, last: StoreEvent) {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        *open = false;
        let _ = self.tx.send(last);
    }

    pub(super) fn is_closed(&self) -> bool {
        self.tx.is_closed() || !*self.open.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// One running feed.
struct Running {
    feed: Feed,
    gate: Gate,
    handle: JoinHandle<()>,
}

impl Running {
    /// Stops the feed and takes its objects out of the store.
    fn stop(self) {
        self.gate.close_with(StoreEvent::Stopped(self.feed.clone()));
        self.handle.abort();
    }
}

/// Running watchers; dropping this stops them (and frees their connections).
pub struct Watches {
    ctx: Ctx,
    base: Vec<Running>,
    /// The open set and its feeds.
    open: Option<(OpenSet, Vec<Running>)>,
}

impl Watches {
    /// Stops every watch; their objects leave the store (a new scope's
    /// feeds list only their own share).
    pub fn stop(&mut self) {
        for r in self.base.drain(..) {
            r.stop();
        }
        self.ctx.pod_warnings.stop();
        if let Some((_, feeds)) = self.open.take() {
            for r in feeds {
                r.stop();
            }
        }
    }

    /// Watches what `set`'s screen needs while it is open; `None` (or
    /// another set) stops the previous set's feeds and drops their objects.
    pub fn follow(&mut self, set: Option<OpenSet>) {
        if self.open.as_ref().map(|(s, _)| s) == set.as_ref() {
            return;
        }
        if let Some((_, feeds)) = self.open.take() {
            for r in feeds {
                r.stop();
            }
        }
        if let Some(set) = set {
            let feeds = open_set_feeds(&set)
                .into_iter()
                .map(|f| spawn_feed(&self.ctx, f))
                .collect();
            self.open = Some((set, feeds));
        }
    }

    /// The feeds running now.
    pub fn feeds(&self) -> Vec<Feed> {
        let open = self.open.iter().flat_map(|(_, v)| v.iter());
        let mut out: Vec<Feed> = self
            .base
            .iter()
            .chain(open)
            .map(|r| r.feed.clone())
            .collect();
        out.extend(self.ctx.pod_warnings.feeds());
        out
    }
}

impl Drop for Watches {
    fn drop(&mut self) {
        self.stop();
    }
}

fn describe(err: &watcher::Error) -> (String, Option<u16>) {
    let api = match err {
        watcher::Error::InitialListFailed(e)
        | watcher::Error::WatchStartFailed(e)
        | watcher::Error::WatchFailed(e) => Some(e),
        _ => None,
    };
    match api {
        Some(kube::Error::Api(s)) => (format!("{} ({})", s.message, s.code), Some(s.code)),
        Some(e) => (e.to_string(), None),
        None => (err.to_string(), None),
    }
}

/// Whether a failed streaming list means the server cannot stream lists
/// (as opposed to: may not, is overloaded, or forgot the version).
fn refuses_streaming(code: Option<u16>) -> bool {
    code.is_some_and(|c| (400..500).contains(&c) && ![401, 403, 404, 410, 429].contains(&c))
}

fn config_for(feed: &Feed, lists: &Lists) -> watcher::Config {
    let (labels, fields) = selectors(feed);
    let mut config = watcher::Config::default();
    if let Some(l) = labels {
        config = config.labels(&l);
    }
    if let Some(f) = fields {
        config = config.fields(&f);
    }
    if lists.streaming() {
        config.streaming_lists()
    } else {
        config.page_size(PAGE_SIZE)
    }
}

/// Whether an object the server sent goes on to the store: a revision
/// selector may also match another set's revisions, and only events about
/// StatefulSets, ordinal-named Pods and claims are ever shown (field
/// selectors cannot say "the Pods of some set").
fn belongs(feed: &Feed, object: &Object) -> bool {
    match (&feed.part, object) {
        (Part::OfSet { set, .. }, Object::Revision(r)) => r.owner_set.as_deref() == Some(set),
        (_, Object::Event(e)) => match e.involved.0.as_str() {
            "StatefulSet" | "PersistentVolumeClaim" => true,
            "Pod" => crate::store::split_ordinal(&e.involved.2).is_some(),
            _ => false,
        },
        _ => true,
    }
}

/// Watches one feed until the receiver is gone or the feed stops.
async fn watch_feed<K>(api: Api<K>, feed: Feed, ctx: Ctx, gate: Gate)
where
    K: kube::Resource + Clone + DeserializeOwned + Debug + Send + 'static,
    for<'a> Object: From<&'a K>,
{
    let kind = feed.kind;
    let mut delay = ctx.backoff.initial;
    loop {
        let streaming = ctx.lists.streaming();
        let config = config_for(&feed, &ctx.lists);
        let mut stream = watcher(api.clone(), config).boxed();
        let mut buffer: Vec<Object> = Vec::new();
        let mut received: u64 = 0;
        // The newest object of the list being buffered (for `progress`).
        let mut newest: Option<K> = None;
        let mut listed = false;
        let mut retry_now = false;
        // StatefulSet feeds: (namespace, name) of the sets seen, which say
        // where Pod warnings are watched.
        let mut sets: BTreeSet<(String, String)> = BTreeSet::new();
        while let Some(event) = stream.next().await {
            // The object whose version is passed on with this event.
            let mut carried: Option<K> = None;
            let out = match event {
                Ok(watcher::Event::Init) => {
                    buffer.clear();
                    received = 0;
                    newest = None;
                    Some(StoreEvent::Listing {
                        feed: feed.clone(),
                        received: 0,
                    })
                }
                Ok(watcher::Event::InitApply(o)) => {
                    let object = Object::from(&o);
                    received += 1;
                    if belongs(&feed, &object) {
                        buffer.push(object);
                    }
                    if rv_of(&o) >= newest.as_ref().map_or(0, rv_of) {
                        newest = Some(o);
                    }
                    received
                        .is_multiple_of(COUNT_EVERY)
                        .then(|| StoreEvent::Listing {
                            feed: feed.clone(),
                            received,
                        })
                }
                Ok(watcher::Event::InitDone) => {
                    if kind == Kind::StatefulSet {
                        sets = buffer.iter().map(Object::key).collect();
                        ctx.pod_warnings.update(&ctx, &feed, namespaces_of(&sets));
                    }
                    delay = ctx.backoff.initial;
                    carried = newest.take();
                    if streaming {
                        ctx.lists.streamed();
                    }
                    listed = true;
                    Some(StoreEvent::Relisted(
                        feed.clone(),
                        std::mem::take(&mut buffer),
                    ))
                }
                Ok(watcher::Event::Apply(o)) => {
                    let object = Object::from(&o);
                    if kind == Kind::StatefulSet && sets.insert(object.key()) {
                        ctx.pod_warnings.update(&ctx, &feed, namespaces_of(&sets));
                    }
                    carried = Some(o);
                    belongs(&feed, &object).then_some(StoreEvent::Applied(object))
                }
                Ok(watcher::Event::Delete(o)) => {
                    let object = Object::from(&o);
                    if kind == Kind::StatefulSet && sets.remove(&object.key()) {
                        ctx.pod_warnings.update(&ctx, &feed, namespaces_of(&sets));
                    }
                    carried = Some(o);
                    belongs(&feed, &object).then_some(StoreEvent::Deleted(object))
                }
                Err(e) => {
                    let (message, code) = describe(&e);
                    if streaming && !listed && refuses_streaming(code) {
                        tracing::info!(?kind, %message, "streaming lists refused; paging");
                        ctx.lists.refused();
                        retry_now = true;
                        break;
                    }
                    tracing::debug!(?kind, %message, "watch error");
                    let event = StoreEvent::WatchError {
                        kind,
                        message,
                        forbidden: code == Some(403),
                    };
                    if !gate.send(event) {
                        return;
                    }
                    break;
                }
            };
            if let Some(ev) = out
                && !gate.send(ev)
            {
                return;
            }
            if let Some(o) = &carried {
                ctx.progress.passed_on(&feed, o);
            }
        }
        if gate.is_closed() {
            return;
        }
        if retry_now {
            continue;
        }
        // The stream ended or failed: rebuild (list again) after a pause.
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(ctx.backoff.max);
        if gate.is_closed() {
            return;
        }
    }
}

fn namespaces_of(sets: &BTreeSet<(String, String)>) -> BTreeSet<String> {
    sets.iter().map(|(ns, _)| ns.clone()).collect()
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

fn api_for<K>(client: &kube::Client, namespace: Option<&str>) -> Api<K>
where
    K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope>,
    <K as kube::Resource>::DynamicType: Default,
{
    match namespace {
        None => Api::all(client.clone()),
        Some(ns) => Api::namespaced(client.clone(), ns),
    }
}

fn run<K>(api: Api<K>, feed: Feed, ctx: &Ctx, gate: &Gate) -> JoinHandle<()>
where
    K: kube::Resource + Clone + DeserializeOwned + Debug + Send + Sync + 'static,
    for<'a> Object: From<&'a K>,
{
    tokio::spawn(watch_feed(api, feed, ctx.clone(), gate.clone()))
}

/// Starts the watcher of one feed. Its `Listing` is sent at once, so the
/// store knows of the feed before any other feed of its kind has listed.
fn spawn_feed(ctx: &Ctx, feed: Feed) -> Running {
    let gate = Gate::new(ctx.tx.clone());
    gate.send(StoreEvent::Listing {
        feed: feed.clone(),
        received: 0,
    });
    let c = &ctx.client;
    let ns = feed.namespace.as_deref();
    let f = feed.clone();
    let handle = match feed.kind {
        Kind::StatefulSet => run(api_for::<Lean<StatefulSet>>(c, ns), f, ctx, &gate),
        Kind::Pod => run(api_for::<Lean<Pod>>(c, ns), f, ctx, &gate),
        Kind::Claim => run(api_for::<Lean<PersistentVolumeClaim>>(c, ns), f, ctx, &gate),
        Kind::Event => run(api_for::<Lean<Event>>(c, ns), f, ctx, &gate),
        Kind::Revision => run(api_for::<Lean<ControllerRevision>>(c, ns), f, ctx, &gate),
        Kind::Volume => run(Api::<Lean<PersistentVolume>>::all(c.clone()), f, ctx, &gate),
        Kind::StorageClass => run(Api::<Lean<StorageClass>>::all(c.clone()), f, ctx, &gate),
        Kind::Node => tokio::spawn(super::nodes::watch_nodes(f, ctx.clone(), gate.clone())),
    };
    Running { feed, gate, handle }
}

/// Starts the watches of `scope`; namespaced kinds follow it.
pub fn start(
    client: &kube::Client,
    scope: &Scope,
    tx: &mpsc::UnboundedSender<StoreEvent>,
    backoff: Backoff,
) -> Watches {
    start_tracked(
        client,
        scope,
        tx,
        backoff,
        &Progress::default(),
        &Lists::default(),
    )
}

/// [`start`], noting in `progress` how far each feed's watcher got, and
/// listing as `lists` says.
pub fn start_tracked(
    client: &kube::Client,
    scope: &Scope,
    tx: &mpsc::UnboundedSender<StoreEvent>,
    backoff: Backoff,
    progress: &Progress,
    lists: &Lists,
) -> Watches {
    let ctx = Ctx {
        client: client.clone(),
        tx: tx.clone(),
        backoff,
        progress: progress.clone(),
        lists: lists.clone(),
        pod_warnings: PodWarnings::default(),
    };
    // Revisions are watched only for the open set.
    let _ = tx.send(StoreEvent::OnDemand(Kind::Revision));
    let base = base_feeds(scope)
        .into_iter()
        .map(|f| spawn_feed(&ctx, f))
        .collect();
    Watches {
        ctx,
        base,
        open: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feeds_carry_the_selectors() {
        let pods = Feed::whole(Kind::Pod, None);
        assert_eq!(selectors(&pods).0.as_deref(), Some(SET_POD_LABEL));
        let base = base_feeds(&Scope::All);
        let events: Vec<_> = base.iter().filter(|f| f.kind == Kind::Event).collect();
        assert_eq!(events.len(), 1);
        assert_eq!(selectors(events[0]).1.as_deref(), Some(WARNINGS_NOT_PODS));
        let pods = pod_warnings_feed("db");
        assert_eq!(selectors(&pods).1.as_deref(), Some(WARNINGS_OF_PODS));
        assert!(!base.iter().any(|f| f.kind == Kind::Revision));
        let open = open_set_feeds(&OpenSet {
            namespace: "db".into(),
            name: "pg".into(),
            selector: "app=pg".into(),
        });
        assert_eq!(selectors(&open[0]).1.as_deref(), Some("type!=Warning"));
        assert_eq!(selectors(&open[1]).0.as_deref(), Some("app=pg"));
        assert!(open.iter().all(|f| f.namespace.as_deref() == Some("db")));
    }

    #[test]
    fn several_namespaces_get_a_feed_each() {
        let base = base_feeds(&Scope::Namespaces(vec!["a".into(), "b".into()]));
        let pods: Vec<_> = base
            .iter()
            .filter(|f| f.kind == Kind::Pod)
            .map(|f| f.namespace.clone())
            .collect();
        assert_eq!(pods, vec![Some("a".to_string()), Some("b".to_string())]);
        assert_eq!(base.iter().filter(|f| f.kind == Kind::Node).count(), 1);
    }

    #[test]
    fn only_client_errors_about_the_request_switch_to_paging() {
        assert!(refuses_streaming(Some(422)));
        assert!(refuses_streaming(Some(400)));
        for c in [401, 403, 404, 410, 429, 500, 503] {
            assert!(!refuses_streaming(Some(c)), "{c}");
        }
        assert!(!refuses_streaming(None));
    }
}
