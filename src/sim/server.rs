//! Runs the simulated cluster: the HTTP listener on loopback, the controller
//! ticker in simulated time, and the fault injection tests use.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use jiff::Timestamp;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::api;
use super::auth::{User, Users};
use super::controllers;
use super::objects::Object;
use super::resources::Kind;
use super::scenario::{self, Scenario};
use super::state::{Pending, SimState};
use super::tls::Tls;

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the simulated cluster only listens on loopback addresses, not {0}")]
    NotLoopback(SocketAddr),
    #[error(transparent)]
    Scenario(#[from] scenario::ScenarioError),
    #[error("scenario {scenario}: cannot create {kind} {name:?}: {message}")]
    Load {
        scenario: String,
        kind: String,
        name: String,
        message: String,
    },
    #[error("the speed must be a positive number, not {0}")]
    Speed(f64),
    #[error(transparent)]
    Tls(#[from] super::tls::TlsError),
}

/// How to start the simulated cluster.
#[derive(Debug, Clone)]
pub struct SimConfig {
    pub seed: u64,
    /// Simulated seconds per real second.
    pub speed: f64,
    /// A builtin scenario name, `all`, a YAML path, or `None` for an empty cluster.
    pub scenario: Option<String>,
    /// Port 0 picks a free port.
    pub listen: SocketAddr,
    /// `false`: simulated time only moves when a test calls [`SimServer::advance`].
    pub auto_tick: bool,
    pub users: Users,
    /// How often watches that asked for bookmarks get one.
    pub bookmark_interval: Duration,
    /// Simulated time zero; `None`: now minus the warmup, so the story's
    /// present is the real present.
    pub epoch: Option<Timestamp>,
    /// Serve HTTPS with a certificate made at start (kubectl sends bearer
    /// tokens only over TLS).
    pub tls: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: 1,
            speed: 1.0,
            scenario: None,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            auto_tick: true,
            users: Users::default(),
            bookmark_interval: Duration::from_secs(60),
            epoch: None,
            tls: false,
        }
    }
}

/// Request counters, for benchmarks of what clients cost the server.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: AtomicU64,
    watch_bytes: AtomicU64,
    list_bytes: AtomicU64,
}

impl Metrics {
    pub fn count_request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }
    pub fn count_bytes(&self, n: usize) {
        self.watch_bytes.fetch_add(n as u64, Ordering::Relaxed);
    }
    pub fn count_list_bytes(&self, n: usize) {
        self.list_bytes.fetch_add(n as u64, Ordering::Relaxed);
    }
    /// Bytes of list bodies (JSON lists, not tables).
    pub fn list_bytes(&self) -> u64 {
        self.list_bytes.load(Ordering::Relaxed)
    }
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }
    pub fn watch_bytes(&self) -> u64 {
        self.watch_bytes.load(Ordering::Relaxed)
    }
}

/// One request as the server received it (for tests of what clients ask).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    /// The raw query string (percent-encoded), empty when none.
    pub query: String,
}

impl LoggedRequest {
    /// A query parameter, decoded.
    pub fn param(&self, name: &str) -> Option<String> {
        url::form_urlencoded::parse(self.query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    /// Whether this is a watch (`watch=true` or `watch=1`).
    pub fn is_watch(&self) -> bool {
        self.param("watch").is_some_and(|v| v == "true" || v == "1")
    }
}

/// How many requests the log keeps (the oldest go first).
const REQUEST_LOG_CAPACITY: usize = 10_000;

/// Faults that change how requests are answered.
#[derive(Debug, Default)]
struct RequestFaults {
    /// Lists (and streaming lists) of these resources (plural, `pods`) are
    /// answered only after this long.
    list_delay: Vec<(String, Duration)>,
    /// Streaming lists (`sendInitialEvents`) are refused with 422, as a
    /// server without the WatchList feature does.
    refuse_streaming: bool,
    /// Requests answered with a Status instead (admission refusals).
    refusals: Vec<super::refusal::Refusal>,
}

/// What request handlers share.
pub struct Shared {
    state: Mutex<SimState>,
    pub users: Users,
    pub metrics: Metrics,
    pub bookmark_interval: Duration,
    /// Bumped to end every open watch.
    pub(super) faults: watch::Sender<u64>,
    requests: Mutex<std::collections::VecDeque<LoggedRequest>>,
    request_faults: Mutex<RequestFaults>,
}

impl Shared {
    /// The state; a panic elsewhere must not wedge the server, so poisoning
    /// is ignored.
    pub fn lock(&self) -> MutexGuard<'_, SimState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Loads scenarios into a fresh state and runs their warmup.
pub fn build_state(config: &SimConfig) -> Result<SimState, SimError> {
    let scenarios = match &config.scenario {
        Some(name) => scenario::load(name)?,
        None => Vec::new(),
    };
    let warmup = scenarios.iter().map(|s| s.warmup).max().unwrap_or_default();
    let epoch = config.epoch.unwrap_or_else(|| {
        Timestamp::now() - jiff::SignedDuration::try_from(warmup).unwrap_or_default()
    });
    let mut state = SimState::new(config.seed, epoch);
    create_system_namespaces(&mut state);
    for s in &scenarios {
        load_scenario(&mut state, s)?;
    }
    controllers::run_for(&mut state, warmup);
    Ok(state)
}

/// The namespaces every cluster has (Node events land in `default`).
fn create_system_namespaces(state: &mut SimState) {
    for name in ["default", "kube-system", "kube-public", "kube-node-lease"] {
        let mut ns = k8s_openapi::api::core::v1::Namespace::default();
        ns.metadata.name = Some(name.to_string());
        if let Err(e) = state.create(Object::Namespace(ns)) {
            tracing::warn!("creating namespace {name}: {e}");
        }
    }
}

/// Creates a scenario's objects and registers its behaviour and timeline.
pub fn load_scenario(state: &mut SimState, s: &Scenario) -> Result<(), SimError> {
    for value in &s.objects {
        let kind_name = value["kind"].as_str().unwrap_or_default().to_string();
        let api_version = value["apiVersion"].as_str().unwrap_or_default();
        let name = value["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let fail = |message: String| SimError::Load {
            scenario: s.name.clone(),
            kind: kind_name.clone(),
            name: name.clone(),
            message,
        };
        let kind = Kind::from_kind_name(api_version, &kind_name)
            .ok_or_else(|| fail(format!("unsupported kind {api_version}/{kind_name}")))?;
        let mut value = value.clone();
        super::defaults::apply(kind, &mut value);
        let object = Object::from_json(kind, value.clone()).map_err(|e| fail(e.to_string()))?;
        let status = value.get("status").cloned();
        let entry = state.create(object).map_err(|e| fail(e.message))?;
        // Objects a scenario gives a status (Nodes, pre-existing PVs) keep it.
        if let Some(status) = status {
            let mut json = entry.object().to_json();
            json["status"] = status;
            let object = Object::from_json(kind, json).map_err(|e| fail(e.to_string()))?;
            state
                .store
                .update(object, None)
                .map_err(|e| fail(e.message))?;
        }
    }
    state
        .behaviour
        .workloads
        .extend(s.workloads.iter().cloned());
    state.behaviour.storage.extend(s.storage.iter().cloned());
    for step in &s.timeline {
        state.timeline.push(Pending {
            at: step.at,
            step: step.clone(),
        });
    }
    state.timeline.sort_by_key(|p| p.at);
    Ok(())
}

/// A running simulated cluster.
pub struct SimServer {
    shared: Arc<Shared>,
    addr: SocketAddr,
    tls: Option<Tls>,
    accept: Mutex<Option<(CancellationToken, JoinHandle<()>)>>,
    ticker: Option<JoinHandle<()>>,
}

impl SimServer {
    /// Builds the cluster from `config` and serves it.
    pub async fn start(config: SimConfig) -> Result<SimServer, SimError> {
        if !config.listen.ip().is_loopback() {
            return Err(SimError::NotLoopback(config.listen));
        }
        if !(config.speed.is_finite() && config.speed > 0.0) {
            return Err(SimError::Speed(config.speed));
        }
        let mut state = build_state(&config)?;
        if config.auto_tick {
            state.anchor_stamps(config.speed);
        }
        let tls = config.tls.then(Tls::generate).transpose()?;
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|source| SimError::Listen {
                    addr: config.listen,
                    source,
                })?;
        let addr = listener.local_addr().map_err(|source| SimError::Listen {
            addr: config.listen,
            source,
        })?;
        let (faults, _) = watch::channel(0);
        let shared = Arc::new(Shared {
            state: Mutex::new(state),
            users: config.users.clone(),
            metrics: Metrics::default(),
            bookmark_interval: config.bookmark_interval,
            faults,
            requests: Mutex::default(),
            request_faults: Mutex::default(),
        });
        let ticker = config.auto_tick.then(|| {
            let shared = shared.clone();
            let period = controllers::TICK.div_f64(config.speed);
            tokio::spawn(async move {
                let mut interval = tokio::time::interval(period);
                interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    interval.tick().await;
                    controllers::step(&mut shared.lock());
                }
            })
        });
        let server = SimServer {
            shared,
            addr,
            tls,
            accept: Mutex::new(None),
            ticker,
        };
        server.serve(listener);
        Ok(server)
    }

    fn serve(&self, listener: TcpListener) {
        let token = CancellationToken::new();
        let shared = self.shared.clone();
        let t = token.clone();
        let acceptor = self.tls.as_ref().map(|t| t.acceptor.clone());
        let handle = tokio::spawn(async move {
            loop {
                let stream = tokio::select! {
                    _ = t.cancelled() => return,
                    r = listener.accept() => match r {
                        Ok((stream, _)) => stream,
                        Err(e) => {
                            tracing::warn!("sim accept failed: {e}");
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            continue;
                        }
                    },
                };
                let _ = stream.set_nodelay(true);
                let shared = shared.clone();
                let conn_token = t.clone();
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    match acceptor {
                        None => serve_connection(shared, stream, conn_token).await,
                        Some(acceptor) => {
                            let tls = tokio::select! {
                                r = acceptor.accept(stream) => r,
                                _ = conn_token.cancelled() => return,
                            };
                            match tls {
                                Ok(stream) => serve_connection(shared, stream, conn_token).await,
                                // A client that does not trust the CA hangs up here.
                                Err(e) => tracing::debug!("sim TLS handshake failed: {e}"),
                            }
                        }
                    }
                });
            }
        });
        *self.accept.lock().unwrap_or_else(|e| e.into_inner()) = Some((token, handle));
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn url(&self) -> String {
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// The CA that signed the serving certificate (PEM), when serving TLS.
    pub fn ca_pem(&self) -> Option<&str> {
        self.tls.as_ref().map(|t| t.ca_pem.as_str())
    }

    /// A kubeconfig for this server with one context per user (see
    /// [`super::kubeconfig`]).
    pub fn kubeconfig(&self) -> String {
        super::kubeconfig::yaml(&self.url(), self.ca_pem(), &self.shared.users)
    }

    /// A kube client configuration for this server, as `token`'s user.
    pub fn kube_config(&self, token: Option<&str>) -> kube::Config {
        let mut config = kube::Config::new(self.url().parse().expect("a loopback URL parses"));
        config.default_namespace = "default".into();
        config.read_timeout = Some(Duration::from_secs(300));
        if let Some(tls) = &self.tls {
            config.root_cert = Some(vec![tls.ca_der.clone()]);
        }
        if let Some(t) = token {
            config.auth_info.token = Some(t.to_string().into());
        }
        config
    }

    pub fn client(&self, token: Option<&str>) -> kube::Client {
        kube::Client::try_from(self.kube_config(token)).expect("a client for the sim builds")
    }

    /// Reads or changes the cluster state directly.
    pub fn with_state<R>(&self, f: impl FnOnce(&mut SimState) -> R) -> R {
        f(&mut self.shared.lock())
    }

    /// The simulated present.
    pub fn now(&self) -> Timestamp {
        self.shared.lock().now()
    }

    /// Reads the present of the stamp clock (see `state`): the simulated
    /// present at speed 1 or when time is advanced by hand, wall time when
    /// ticking faster; the ages of objects a UI shows are measured with it.
    pub fn clock(&self) -> impl Fn() -> Timestamp + Send + Sync + 'static {
        let shared = self.shared.clone();
        move || shared.lock().stamp_now()
    }

    /// Runs the controllers for `duration` of simulated time at once.
    pub fn advance(&self, duration: Duration) {
        controllers::run_for(&mut self.shared.lock(), duration);
    }

    pub fn metrics(&self) -> &Metrics {
        &self.shared.metrics
    }

    /// The requests received so far (the newest 10,000), oldest first.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.shared.requests).iter().cloned().collect()
    }

    /// Fault: lists of `resource` (plural: `pods`) are answered after
    /// `delay` (a slow kind, for tests of a partial sync).
    pub fn delay_lists(&self, resource: &str, delay: Duration) {
        let mut faults = lock(&self.shared.request_faults);
        faults.list_delay.retain(|(r, _)| r != resource);
        if !delay.is_zero() {
            faults.list_delay.push((resource.to_string(), delay));
        }
    }

    /// Fault: streaming lists are refused (422), as by a server without
    /// the WatchList feature; clients must page.
    pub fn refuse_streaming_lists(&self, refuse: bool) {
        lock(&self.shared.request_faults).refuse_streaming = refuse;
    }

    /// Fault: requests matching `refusal` are answered with its Status
    /// (an admission plugin's refusal), nothing is stored.
    pub fn refuse(&self, refusal: super::refusal::Refusal) {
        lock(&self.shared.request_faults).refusals.push(refusal);
    }

    /// Fault: ends every open watch connection (clients must re-watch).
    pub fn drop_watches(&self) {
        self.shared.faults.send_modify(|g| *g += 1);
    }

    /// Fault: forgets the watch history, so resuming watches get 410 Gone.
    pub fn compact_history(&self) {
        self.shared.lock().store.compact();
    }

    /// Fault: the server goes away: the listener closes, every connection
    /// drops and new ones are refused until [`SimServer::end_outage`].
    pub async fn begin_outage(&self) {
        let accept = self.accept.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some((token, handle)) = accept {
            token.cancel();
            let _ = handle.await;
        }
        self.drop_watches();
    }

    /// Ends an outage: listens again on the same address.
    pub async fn end_outage(&self) -> Result<(), SimError> {
        let mut tries = 0;
        let listener = loop {
            match TcpListener::bind(self.addr).await {
                Ok(l) => break l,
                Err(e) if tries < 50 => {
                    tries += 1;
                    tracing::debug!("rebinding {}: {e}", self.addr);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Err(source) => {
                    return Err(SimError::Listen {
                        addr: self.addr,
                        source,
                    });
                }
            }
        };
        self.serve(listener);
        Ok(())
    }

    /// Stops serving and ticking.
    pub async fn shutdown(mut self) {
        self.begin_outage().await;
        if let Some(t) = self.ticker.take() {
            t.abort();
        }
    }
}

impl Drop for SimServer {
    fn drop(&mut self) {
        if let Some(t) = self.ticker.take() {
            t.abort();
        }
        if let Some((token, handle)) = self.accept.lock().unwrap_or_else(|e| e.into_inner()).take()
        {
            token.cancel();
            handle.abort();
        }
    }
}

/// Serves HTTP/1.1 on one connection until it closes or the server stops.
async fn serve_connection<IO>(shared: Arc<Shared>, io: IO, token: CancellationToken)
where
    IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |req| {
        let shared = shared.clone();
        async move { Ok::<_, std::convert::Infallible>(answer(shared, req).await) }
    });
    let conn = http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(io), service);
    tokio::select! {
        _ = conn => {}
        // An outage drops connections abruptly, as a dead server would.
        _ = token.cancelled() => {}
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Logs the request, applies the request faults, and hands it to the API.
async fn answer(
    shared: Arc<Shared>,
    req: hyper::Request<hyper::body::Incoming>,
) -> hyper::Response<api::Body> {
    let logged = LoggedRequest {
        method: req.method().to_string(),
        path: req.uri().path().to_string(),
        query: req.uri().query().unwrap_or_default().to_string(),
    };
    {
        let mut log = lock(&shared.requests);
        if log.len() == REQUEST_LOG_CAPACITY {
            log.pop_front();
        }
        log.push_back(logged.clone());
    }
    let streaming = logged
        .param("sendInitialEvents")
        .is_some_and(|v| v == "true");
    let lists = logged.method == "GET" && (!logged.is_watch() || streaming);
    let refusal = lock(&shared.request_faults)
        .refusals
        .iter()
        .find(|r| r.matches(&logged.method, &logged.path))
        .cloned();
    if let Some(r) = refusal {
        shared.metrics.count_request();
        return r.response();
    }
    let (delay, refuse) = {
        let faults = lock(&shared.request_faults);
        let delay = faults
            .list_delay
            .iter()
            .find(|(r, _)| lists && logged.path.ends_with(&format!("/{r}")))
            .map(|(_, d)| *d);
        (delay, faults.refuse_streaming && streaming)
    };
    if refuse {
        shared.metrics.count_request();
        let status = serde_json::json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "ListOptions.meta.k8s.io \"\" is invalid: sendInitialEvents: Forbidden: \
                        sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled",
            "reason": "Invalid", "code": 422,
        });
        return hyper::Response::builder()
            .status(422)
            .header(hyper::header::CONTENT_TYPE, "application/json")
            .body(http_body_util::BodyExt::boxed(http_body_util::Full::new(
                bytes::Bytes::from(status.to_string()),
            )))
            .expect("static response parts are valid");
    }
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    api::handle(shared, req).await
}

/// A user for a `--user NAME[:TOKEN]=PROFILE` flag: the token, and the user
/// named NAME (the token is NAME when not given). Forbidden messages and
/// access reviews name the user, as the real server does.
pub fn parse_user(spec: &str) -> Result<(String, User), String> {
    let (who, profile) = spec
        .split_once('=')
        .ok_or_else(|| format!("expected NAME[:TOKEN]=PROFILE, got {spec:?}"))?;
    let (name, token) = who.split_once(':').unwrap_or((who, who));
    if name.is_empty() {
        return Err(format!("the user name must not be empty in {spec:?}"));
    }
    if token.is_empty() {
        return Err(format!("the token must not be empty in {spec:?}"));
    }
    Ok((token.to_string(), User::from_profile(name, profile)?))
}
