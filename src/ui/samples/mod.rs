//! Hand-built frames modelled on the demo scenarios, for the snapshot
//! tests only (compiled under `#[cfg(test)]`, not into the binary), one
//! file per screen; shared pieces (rows, claims, sync states) live here.

use super::model::*;
use crate::view::model::*;

mod dialogs;
mod sets;
mod storage;

pub use dialogs::*;
pub use sets::*;
pub use storage::*;

fn s(v: &str) -> String {
    v.to_string()
}

pub fn sync_live() -> SyncSummary {
    SyncSummary {
        kinds: [
            "StatefulSets",
            "Pods",
            "PVCs",
            "PVs",
            "StorageClasses",
            "Nodes",
            "Events",
            "Revisions",
        ]
        .into_iter()
        .map(|k| (k, SyncView::Live))
        .collect(),
        stale: false,
        received: vec![None; 8],
    }
}

/// Pods reconnecting, PVs forbidden: what a namespace-scoped user on a flaky
/// link sees.
pub fn sync_stale() -> SyncSummary {
    let mut s = sync_live();
    s.kinds[1].1 = SyncView::Reconnecting {
        since: "12s".into(),
        error: "connection refused".into(),
    };
    s.kinds[3].1 = SyncView::Forbidden {
        message: "persistentvolumes is forbidden".into(),
    };
    s.stale = true;
    s
}

/// The first lists under way on a big cluster: sets and claims in, Pods
/// and PVs arriving.
pub fn sync_partial() -> SyncSummary {
    let mut s = sync_live();
    s.kinds[1].1 = SyncView::Syncing;
    s.received[1] = Some(41_500);
    s.kinds[3].1 = SyncView::Syncing;
    s.received[3] = Some(9_200);
    s.kinds[6].1 = SyncView::Syncing;
    s.received[6] = Some(0);
    s.stale = true;
    s
}

pub fn hints(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, w)| (s(k), s(w))).collect()
}

pub fn list_hints() -> Vec<(String, String)> {
    hints(&[
        ("?", "help"),
        ("Enter", "open"),
        ("/", "filter"),
        ("n", "namespace"),
        ("v", "storage"),
        ("q", "quit"),
    ])
}

pub fn set_hints() -> Vec<(String, String)> {
    hints(&[
        ("?", "help"),
        ("Tab", "pane"),
        ("+/-", "scale"),
        ("r", "restart"),
        ("p", "partition"),
        ("Esc", "back"),
    ])
}

fn frame(namespace: &str, screen: ScreenView, hints: Vec<(String, String)>) -> FrameView {
    FrameView {
        title: TitleBar {
            context: s("demo"),
            namespace: s(namespace),
            read_only: false,
            clock: s("14:03:27"),
        },
        screen,
        status: StatusLine {
            sync: sync_live(),
            message: None,
            filter: None,
            hints,
        },
        overlay: None,
    }
}

#[allow(clippy::too_many_arguments)]
fn set_row(
    ns: &str,
    name: &str,
    ready: &str,
    updated: &str,
    strategy: &str,
    policy: &str,
    templates: &str,
    rollout: &str,
    health: Option<Severity>,
    findings: usize,
    age: &str,
) -> SetRow {
    SetRow {
        namespace: s(ns),
        name: s(name),
        ready: s(ready),
        updated: s(updated),
        strategy: s(strategy),
        policy: s(policy),
        service: format!("{name}-headless").replace("mysql-headless", "mysql"),
        templates: s(templates),
        rollout: s(rollout),
        health,
        findings,
        age: s(age),
        syncing: false,
    }
}

/// Eleven sets across the demo namespaces.
pub fn set_rows() -> Vec<SetRow> {
    use Severity::*;
    vec![
        set_row(
            "blog",
            "accesscountdb",
            "1/1",
            "1/1",
            "RollingUpdate",
            "OrderedReady",
            "pgdata",
            "stable",
            None,
            0,
            "10m",
        ),
        set_row(
            "blog",
            "articledb",
            "1/1",
            "1/1",
            "RollingUpdate",
            "OrderedReady",
            "pgdata",
            "stable",
            None,
            0,
            "10m",
        ),
        set_row(
            "blog",
            "rankdb",
            "0/1",
            "1/1",
            "RollingUpdate",
            "OrderedReady",
            "pgdata",
            "stable",
            Some(Warning),
            1,
            "10m",
        ),
        set_row(
            "blog",
            "userdb",
            "1/1",
            "1/1",
            "RollingUpdate",
            "OrderedReady",
            "pgdata",
            "stable",
            None,
            0,
            "10m",
        ),
        set_row(
            "kafka",
            "kafka",
            "3/3",
            "3/3",
            "RollingUpdate",
            "Parallel",
            "data",
            "stable",
            Some(Critical),
            3,
            "41d",
        ),
        set_row(
            "kafka",
            "ksqldb-server",
            "1/1",
            "1/1",
            "OnDelete",
            "OrderedReady",
            "",
            "stable",
            None,
            0,
            "41d",
        ),
        set_row(
            "kafka",
            "schema-registry",
            "2/2",
            "2/2",
            "RollingUpdate",
            "Parallel",
            "",
            "stable",
            None,
            0,
            "41d",
        ),
        set_row(
            "kafka",
            "zookeeper",
            "3/3",
            "3/3",
            "RollingUpdate",
            "OrderedReady",
            "data,datalog",
            "stable",
            Some(Warning),
            1,
            "41d",
        ),
        set_row(
            "mysql",
            "mysql",
            "2/3",
            "3/3",
            "RollingUpdate",
            "OrderedReady",
            "data",
            "stable",
            Some(Critical),
            4,
            "4d2h",
        ),
        set_row(
            "nfs-demo",
            "sample-statefulset",
            "2/3",
            "1/3",
            "RollingUpdate p=1",
            "OrderedReady",
            "www",
            "rolling 1/2",
            Some(Critical),
            2,
            "26h",
        ),
        set_row(
            "postgres",
            "postgresql-k8s",
            "2/2",
            "2/2",
            "RollingUpdate",
            "OrderedReady",
            "pgdata,logs",
            "scaling 3→2",
            Some(Warning),
            3,
            "17d",
        ),
    ]
}

/// Rows as the memo hands them to a frame.
fn shared(rows: Vec<SetRow>) -> std::sync::Arc<Vec<std::sync::Arc<SetRow>>> {
    std::sync::Arc::new(rows.into_iter().map(std::sync::Arc::new).collect())
}

pub fn list_frame() -> FrameView {
    frame(
        "all namespaces",
        ScreenView::List {
            rows: shared(set_rows()),
            selected: 8,
        },
        list_hints(),
    )
}

/// The list while the first lists run: every set row in, Pods, PVs and
/// Events still arriving, so no row has findings yet.
pub fn list_frame_syncing() -> FrameView {
    let rows = set_rows()
        .into_iter()
        .map(|mut r| {
            r.rollout = s("syncing…");
            r.health = None;
            r.findings = 0;
            r.syncing = true;
            r
        })
        .collect();
    let mut f = frame(
        "all namespaces",
        ScreenView::List {
            rows: shared(rows),
            selected: 0,
        },
        list_hints(),
    );
    f.status.sync = sync_partial();
    f
}

/// The list in one namespace, with a stale sync and an error message.
pub fn list_frame_namespace() -> FrameView {
    let rows = set_rows()
        .into_iter()
        .filter(|r| r.namespace == "kafka")
        .collect();
    let mut f = frame(
        "kafka",
        ScreenView::List {
            rows: shared(rows),
            selected: 0,
        },
        list_hints(),
    );
    f.status.sync = sync_stale();
    f.status.message = Some((
        Severity::Critical,
        s(
            "scale kafka/kafka: statefulsets.apps \"kafka\" is forbidden: User \"dev\" cannot patch resource \"statefulsets/scale\"",
        ),
    ));
    f.title.read_only = true;
    f
}

pub fn empty_list_frame() -> FrameView {
    frame(
        "payments",
        ScreenView::List {
            rows: Default::default(),
            selected: 0,
        },
        list_hints(),
    )
}

/// `/kaf` being typed on the list.
pub fn filter_frame() -> FrameView {
    let rows = set_rows()
        .into_iter()
        .filter(|r| r.name.contains("kaf") || r.namespace.contains("kaf"))
        .collect();
    let mut f = frame(
        "all namespaces",
        ScreenView::List {
            rows: shared(rows),
            selected: 1,
        },
        hints(&[("Enter", "apply"), ("Esc", "clear")]),
    );
    f.status.filter = Some(FilterView {
        text: s("kaf"),
        cursor: 3,
        editing: true,
    });
    f
}

pub fn help_frame() -> FrameView {
    let mut f = mysql_frame(SetPane::Ordinals, 2);
    f.title.read_only = true;
    let keys = [
        ("↑↓ j k", "move", true),
        ("Enter", "open ordinal / claim", true),
        ("Tab S-Tab", "next / previous pane", true),
        ("Esc Bksp", "back to the list", true),
        ("/", "filter", true),
        ("n", "switch namespace", true),
        ("s", "storage screen", true),
        ("+ -", "scale up / down", false),
        ("r", "rolling restart", false),
        ("p", "set partition", false),
        ("d", "delete Pod", false),
        ("D", "force-delete Pod", false),
        ("?", "this help", true),
        ("q Ctrl-C", "quit", true),
    ];
    f.overlay = Some(Overlay::Help {
        title: s("Keys: StatefulSet (read-only)"),
        keys: keys.iter().map(|(k, w, a)| (s(k), s(w), *a)).collect(),
    });
    f
}

pub fn namespaces_frame() -> FrameView {
    let mut f = list_frame();
    f.overlay = Some(Overlay::Namespaces {
        items: [
            "all namespaces",
            "blog",
            "kafka",
            "kube-system",
            "mysql",
            "nfs-demo",
            "postgres",
        ]
        .map(s)
        .to_vec(),
        picked: Vec::new(),
        selected: 4,
        filter: String::new(),
    });
    f
}

/// The switcher with two namespaces picked to watch together.
pub fn namespaces_picked_frame() -> FrameView {
    let mut f = namespaces_frame();
    if let Some(Overlay::Namespaces { picked, .. }) = &mut f.overlay {
        *picked = vec![s("kafka"), s("mysql")];
    }
    f
}

pub fn message_frame() -> FrameView {
    let mut f = frame(
        "default",
        ScreenView::Message {
            title: s("No reachable cluster"),
            lines: vec![
                s("Context prod-eu-1 (server https://10.20.0.4:6443) did not answer:"),
                s("  connect: connection timed out after 10s"),
                s(""),
                s("Check the VPN or bastion tunnel, or pick another context with --context."),
                s("To try ordinal without a cluster, run the simulated one:"),
                s("  ordinal --demo"),
            ],
        },
        hints(&[("q", "quit")]),
    );
    f.title.context = s("prod-eu-1");
    f.title.clock = String::new();
    f.status.sync = SyncSummary {
        kinds: vec![("StatefulSets", SyncView::Syncing)],
        stale: true,
        received: vec![None],
    };
    f
}

fn rev(hash: &str, is_update: bool, is_current: bool) -> RevisionMark {
    RevisionMark {
        hash: s(hash),
        is_update,
        is_current,
    }
}

#[allow(clippy::too_many_arguments)]
fn ord(
    set: &str,
    i: i32,
    status: &str,
    ready: &str,
    restarts: &str,
    node: &str,
    revision: RevisionMark,
    partition: PartitionSide,
    claims: &[(&str, &str)],
    health: Option<Severity>,
) -> OrdinalRow {
    let exists = status != "missing";
    OrdinalRow {
        ordinal: i,
        pod: format!("{set}-{i}"),
        exists,
        status: s(status),
        ready: s(ready),
        restarts: s(restarts),
        node: s(node),
        ip: if exists {
            format!("10.244.{}.{}", i % 3, 17 + i)
        } else {
            String::new()
        },
        age: s(if exists { "4d2h" } else { "" }),
        revision,
        partition,
        beyond_replicas: false,
        claims: claims.iter().map(|(t, p)| (s(t), s(p))).collect(),
        health,
    }
}

fn finding(
    sev: Severity,
    code: &'static str,
    title: &str,
    detail: &str,
    objs: &[(&str, &str, &str)],
) -> Finding {
    Finding {
        severity: sev,
        code,
        title: s(title),
        detail: s(detail),
        objects: objs
            .iter()
            .map(|(k, ns, n)| ObjectRef {
                kind: s(k),
                namespace: s(ns),
                name: s(n),
            })
            .collect(),
    }
}

fn event(
    age: &str,
    type_: &str,
    reason: &str,
    object: &str,
    message: &str,
    count: i32,
) -> EventRow {
    EventRow {
        age: s(age),
        type_: s(type_),
        reason: s(reason),
        object: s(object),
        message: s(message),
        count,
    }
}

fn log(time: &str, object: &str, change: &str) -> LogRow {
    LogRow {
        time: s(time),
        object: s(object),
        change: s(change),
    }
}

fn claim(name: &str, phase: &str, req: &str, cap: &str) -> ClaimInfo {
    ClaimInfo {
        name: s(name),
        phase: s(phase),
        requested: s(req),
        capacity: s(cap),
        access_modes: s("RWO"),
        conditions: vec![],
        deleting: false,
    }
}

fn volume(name: &str, cap: &str, reclaim: &str, source: &str, affinity: &str) -> VolumeInfo {
    VolumeInfo {
        name: s(name),
        phase: s("Bound"),
        capacity: s(cap),
        reclaim_policy: s(reclaim),
        source: s(source),
        node_affinity: s(affinity),
    }
}

fn class(
    name: &str,
    provisioner: &str,
    reclaim: &str,
    mode: &str,
    expand: bool,
    default: bool,
) -> ClassInfo {
    ClassInfo {
        name: s(name),
        provisioner: s(provisioner),
        reclaim_policy: s(reclaim),
        binding_mode: s(mode),
        allow_expansion: expand,
        is_default: default,
    }
}

fn used(used: &str, cap: &str, fraction: f64, inodes: &str, inode_fraction: f64) -> UsageView {
    UsageView::Known {
        used: s(used),
        capacity: s(cap),
        fraction,
        inodes: s(inodes),
        inode_fraction,
    }
}

pub fn standard_class() -> ClassInfo {
    class(
        "standard",
        "disk.csi.azure.com",
        "Delete",
        "WaitForFirstConsumer",
        true,
        true,
    )
}
