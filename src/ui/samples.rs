//! Hand-built frames modelled on the demo scenarios, for the snapshot
//! tests only (compiled under `#[cfg(test)]`, not into the binary). One
//! idea, test data, so it stays one file.

use super::model::*;
use crate::view::model::*;

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

/// mysql: 3 replicas after 3→5→3, orphaned `data-mysql-3/4`, `mysql-2` 1/2
/// with a failing readiness probe. Selected ordinal 2.
/// Sample details list every event they have.
fn counted(mut d: SetDetail) -> SetDetail {
    d.events_total = d.events.len();
    d
}

pub fn mysql_detail() -> SetDetail {
    use PartitionSide::None as N;
    use Severity::*;
    let r = || rev("6c9f7d8b5", true, true);
    let mut ordinals = vec![
        ord(
            "mysql",
            0,
            "Running",
            "2/2",
            "0",
            "worker-1",
            r(),
            N,
            &[("data", "Bound")],
            None,
        ),
        ord(
            "mysql",
            1,
            "Running",
            "2/2",
            "0",
            "worker-2",
            r(),
            N,
            &[("data", "Bound")],
            None,
        ),
        ord(
            "mysql",
            2,
            "Running",
            "1/2",
            "14 (45s ago)",
            "worker-3",
            r(),
            N,
            &[("data", "Bound")],
            Some(Critical),
        ),
        ord(
            "mysql",
            3,
            "missing",
            "-",
            "",
            "",
            rev("", false, false),
            N,
            &[("data", "Bound")],
            Some(Warning),
        ),
        ord(
            "mysql",
            4,
            "missing",
            "-",
            "",
            "",
            rev("", false, false),
            N,
            &[("data", "Bound")],
            Some(Warning),
        ),
    ];
    for o in &mut ordinals[3..] {
        o.beyond_replicas = true;
    }
    counted(SetDetail {
        header: SetHeader {
            namespace: s("mysql"),
            name: s("mysql"),
            selector: s("app=mysql"),
            service: s("mysql"),
            strategy: s("RollingUpdate"),
            partition: None,
            policy: s("OrderedReady"),
            counts: vec![
                ("desired", 3),
                ("ready", 2),
                ("updated", 3),
                ("current", 3),
                ("available", 2),
            ],
            current_revision: s("mysql-6c9f7d8b5 (rev 2)"),
            update_revision: s("mysql-6c9f7d8b5 (rev 2)"),
            retention: s("whenDeleted=Retain whenScaled=Retain"),
            conditions: vec![],
            images: vec![s("mysql:8.0.36"), s("gcr.io/google-samples/xtrabackup:1.0")],
            age: s("4d2h"),
            rollout: s("stable; mysql-2 not Ready for 6m (readiness probe failing)"),
        },
        ordinals,
        partition: None,
        chains: vec![Chain {
            template: s("data"),
            claim: Link::Present(claim("data-mysql-2", "Bound", "10Gi", "10Gi")),
            volume: Link::Present(volume(
                "pvc-7f3c2a91-5b1e-4d8a-9c6f-2e4b8d1a0c37",
                "10Gi",
                "Delete",
                "csi disk.csi.azure.com /subscriptions/…/disks/pvc-7f3c2a91",
                "topology.disk.csi.azure.com/zone in (westeurope-3)",
            )),
            class: Link::Present(standard_class()),
            usage: used("8.4Gi", "9.8Gi", 0.86, "41k/655k", 0.06),
            capacity: Option::None,
        }],
        findings: vec![
            finding(
                Critical,
                "pod-not-ready",
                "mysql-2: not Ready for 6m (1/2 containers)",
                "Container mysql fails its readiness probe (14 restarts). With OrderedReady, scaling and rolling updates wait for mysql-2 to be Ready.",
                &[("Pod", "mysql", "mysql-2")],
            ),
            finding(
                Warning,
                "claim-orphaned",
                "data-mysql-3: orphaned claim of ordinal 3",
                "The set was scaled down to 3; whenScaled=Retain keeps this claim. Deleting it deletes its PV pvc-1d0e… (reclaim Delete) and the data on it.",
                &[("PersistentVolumeClaim", "mysql", "data-mysql-3")],
            ),
            finding(
                Warning,
                "claim-orphaned",
                "data-mysql-4: orphaned claim of ordinal 4",
                "The set was scaled down to 3; whenScaled=Retain keeps this claim. Deleting it deletes its PV pvc-9a41… (reclaim Delete) and the data on it.",
                &[("PersistentVolumeClaim", "mysql", "data-mysql-4")],
            ),
            finding(
                Info,
                "retention",
                "claims are retained on delete and on scale-down",
                "persistentVolumeClaimRetentionPolicy: whenDeleted=Retain, whenScaled=Retain.",
                &[("StatefulSet", "mysql", "mysql")],
            ),
        ],
        events_total: 0,
        events: vec![
            event(
                "45s",
                "Warning",
                "Unhealthy",
                "pod/mysql-2",
                "Readiness probe failed: ERROR 2003 (HY000): Can't connect to MySQL server on '127.0.0.1:3306' (111)",
                14,
            ),
            event(
                "6m",
                "Normal",
                "Pulled",
                "pod/mysql-2",
                "Container image \"mysql:8.0.36\" already present on machine",
                1,
            ),
            event(
                "7m",
                "Normal",
                "SuccessfulDelete",
                "statefulset/mysql",
                "delete Pod mysql-3 in StatefulSet mysql successful",
                1,
            ),
            event(
                "7m",
                "Normal",
                "SuccessfulDelete",
                "statefulset/mysql",
                "delete Pod mysql-4 in StatefulSet mysql successful",
                1,
            ),
            event(
                "12m",
                "Normal",
                "SuccessfulCreate",
                "statefulset/mysql",
                "create Pod mysql-4 in StatefulSet mysql successful",
                1,
            ),
        ],
        log: vec![
            log("13:51:02", "statefulset/mysql", "replicas 3 → 5"),
            log("13:51:02", "pod/mysql-3", "created"),
            log("13:51:40", "pod/mysql-3", "ready 0/2 → 2/2"),
            log("13:51:41", "pod/mysql-4", "created"),
            log("13:52:19", "pod/mysql-4", "ready 0/2 → 2/2"),
            log("13:56:00", "statefulset/mysql", "replicas 5 → 3"),
            log("13:56:00", "pod/mysql-4", "Running → Terminating"),
            log("13:56:31", "pod/mysql-4", "deleted"),
            log("13:56:31", "pod/mysql-3", "Running → Terminating"),
            log("13:57:02", "pod/mysql-3", "deleted"),
            log("14:02:42", "pod/mysql-2", "ready 2/2 → 1/2"),
        ],
    })
}

pub fn mysql_frame(focus: SetPane, selected: usize) -> FrameView {
    frame(
        "mysql",
        ScreenView::Set {
            detail: std::sync::Arc::new(mysql_detail()),
            selected,
            focus,
            scroll: 0,
        },
        set_hints(),
    )
}

/// sample-statefulset: partition 1, ordinal 0 held back on the old revision,
/// 1 `Unknown` on a failed node (not replaced until deleted), 2 updated.
pub fn partition_detail() -> SetDetail {
    use PartitionSide::*;
    use Severity::*;
    let nfs = |i: i32| Chain {
        template: s("www"),
        claim: Link::Present(ClaimInfo {
            access_modes: s("RWX"),
            ..claim(
                &format!("www-sample-statefulset-{i}"),
                "Bound",
                "1Gi",
                "1Gi",
            )
        }),
        volume: Link::Present(volume(
            &format!("pvc-0b5d9e2{i}-8c1a-4f3e-a2d7-5e9b1c6f4a80"),
            "1Gi",
            "Delete",
            &format!("nfs 10.0.0.5:/exports/pvc-0b5d9e2{i}"),
            "",
        )),
        class: Link::Present(class(
            "nfs-client",
            "k8s-sigs.io/nfs-subdir-external-provisioner",
            "Delete",
            "Immediate",
            false,
            false,
        )),
        usage: UsageView::Unknown(s("node nfs-worker-2 not reporting (NotReady)")),
        capacity: Option::None,
    };
    let old = || rev("5d7c9b8f4", false, true);
    let new = || rev("7b6f8d9c2", true, false);
    counted(SetDetail {
        header: SetHeader {
            namespace: s("nfs-demo"),
            name: s("sample-statefulset"),
            selector: s("app=nginx"),
            service: s("nginx"),
            strategy: s("RollingUpdate p=1"),
            partition: Some(1),
            policy: s("OrderedReady"),
            counts: vec![
                ("desired", 3),
                ("ready", 2),
                ("updated", 1),
                ("current", 2),
                ("available", 2),
            ],
            current_revision: s("sample-statefulset-5d7c9b8f4 (rev 1)"),
            update_revision: s("sample-statefulset-7b6f8d9c2 (rev 2)"),
            retention: s("whenDeleted=Retain whenScaled=Retain"),
            conditions: vec![],
            images: vec![s("registry.k8s.io/nginx-slim:0.27")],
            age: s("26h"),
            rollout: s(
                "rolling: 1 of 2 updated above partition 1, waiting for sample-statefulset-1 (Unknown for 4m on nfs-worker-2)",
            ),
        },
        ordinals: vec![
            ord(
                "sample-statefulset",
                0,
                "Running",
                "1/1",
                "0",
                "nfs-worker-1",
                old(),
                HeldBack,
                &[("www", "Bound")],
                Option::None,
            ),
            ord(
                "sample-statefulset",
                1,
                "Unknown",
                "0/1",
                "0",
                "nfs-worker-2",
                old(),
                Updates,
                &[("www", "Bound")],
                Some(Critical),
            ),
            ord(
                "sample-statefulset",
                2,
                "Running",
                "1/1",
                "0",
                "nfs-worker-1",
                new(),
                Updates,
                &[("www", "Bound")],
                Option::None,
            ),
        ],
        partition: Some(1),
        chains: vec![nfs(1)],
        findings: vec![
            finding(
                Critical,
                "pod-unknown",
                "sample-statefulset-1: Unknown on NotReady node nfs-worker-2 for 4m",
                "The node stopped reporting. The StatefulSet controller will not replace this Pod until it is deleted (force-delete only if the node is really gone), so the rollout is stuck.",
                &[
                    ("Pod", "nfs-demo", "sample-statefulset-1"),
                    ("Node", "", "nfs-worker-2"),
                ],
            ),
            finding(
                Warning,
                "rollout-stuck",
                "rollout waits for sample-statefulset-1",
                "RollingUpdate with partition 1: ordinals ≥ 1 move to revision 7b6f8d9c2, highest first; 2 is done, 1 is not Ready. Ordinal 0 stays on 5d7c9b8f4 until the partition is lowered.",
                &[("StatefulSet", "nfs-demo", "sample-statefulset")],
            ),
        ],
        events_total: 0,
        events: vec![
            event(
                "4m",
                "Warning",
                "NodeNotReady",
                "pod/sample-statefulset-1",
                "Node is not ready",
                1,
            ),
            event(
                "5m",
                "Normal",
                "SuccessfulCreate",
                "statefulset/sample-statefulset",
                "create Pod sample-statefulset-2 in StatefulSet sample-statefulset successful",
                1,
            ),
        ],
        log: vec![
            log(
                "13:58:10",
                "statefulset/sample-statefulset",
                "updateRevision 5d7c9b8f4 → 7b6f8d9c2",
            ),
            log(
                "13:58:10",
                "pod/sample-statefulset-2",
                "Running → Terminating",
            ),
            log(
                "13:58:12",
                "pod/sample-statefulset-2",
                "created (rev 7b6f8d9c2)",
            ),
            log("13:58:20", "pod/sample-statefulset-2", "ready 0/1 → 1/1"),
            log("13:59:31", "node/nfs-worker-2", "Ready → NotReady"),
            log("13:59:31", "pod/sample-statefulset-1", "Running → Unknown"),
        ],
    })
}

pub fn partition_frame(focus: SetPane) -> FrameView {
    frame(
        "nfs-demo",
        ScreenView::Set {
            detail: std::sync::Arc::new(partition_detail()),
            selected: 1,
            focus,
            scroll: 0,
        },
        set_hints(),
    )
}

/// postgresql-k8s: two claim templates (`pgdata`, `logs`), scaled 3→2, the
/// selected ordinal 0's pgdata resizing 20Gi→40Gi.
pub fn postgres_detail() -> SetDetail {
    use PartitionSide::None as N;
    use Severity::*;
    let r = || rev("84f6c5d7b", true, true);
    let mut ordinals = vec![
        ord(
            "postgresql-k8s",
            0,
            "Running",
            "1/1",
            "0",
            "worker-1",
            r(),
            N,
            &[("pgdata", "Bound"), ("logs", "Bound")],
            Some(Warning),
        ),
        ord(
            "postgresql-k8s",
            1,
            "Running",
            "1/1",
            "0",
            "worker-2",
            r(),
            N,
            &[("pgdata", "Bound"), ("logs", "Bound")],
            None,
        ),
        ord(
            "postgresql-k8s",
            2,
            "missing",
            "-",
            "",
            "",
            rev("", false, false),
            N,
            &[("pgdata", "Bound"), ("logs", "Bound")],
            Some(Warning),
        ),
    ];
    ordinals[2].beyond_replicas = true;
    let rbd = |n: &str| format!("csi rbd.csi.ceph.com 0001-0009-rook-ceph-0000000000000002-{n}");
    counted(SetDetail {
        header: SetHeader {
            namespace: s("postgres"),
            name: s("postgresql-k8s"),
            selector: s("app.kubernetes.io/name=postgresql-k8s"),
            service: s("postgresql-k8s-primary"),
            strategy: s("RollingUpdate"),
            partition: None,
            policy: s("OrderedReady"),
            counts: vec![
                ("desired", 2),
                ("ready", 2),
                ("updated", 2),
                ("current", 2),
                ("available", 2),
            ],
            current_revision: s("postgresql-k8s-84f6c5d7b (rev 4)"),
            update_revision: s("postgresql-k8s-84f6c5d7b (rev 4)"),
            retention: s("whenDeleted=Retain whenScaled=Retain"),
            conditions: vec![],
            images: vec![s("ghcr.io/zalando/spilo-16:3.2-p3")],
            age: s("17d"),
            rollout: s("stable"),
        },
        ordinals,
        partition: None,
        chains: vec![
            Chain {
                template: s("pgdata"),
                claim: Link::Present(ClaimInfo {
                    conditions: vec![s(
                        "Resizing=True: waiting for the external resizer (20Gi → 40Gi)",
                    )],
                    ..claim("pgdata-postgresql-k8s-0", "Bound", "40Gi", "20Gi")
                }),
                volume: Link::Present(volume(
                    "pvc-2c9d41e7-0a3b-4c5d-8e6f-7a8b9c0d1e2f",
                    "20Gi",
                    "Retain",
                    &rbd("2c9d41e7"),
                    "",
                )),
                class: Link::Present(class(
                    "ceph-xfs",
                    "rbd.csi.ceph.com",
                    "Retain",
                    "Immediate",
                    true,
                    false,
                )),
                usage: used("19.2Gi", "20Gi", 0.96, "3.1k/10M", 0.0003),
                capacity: Option::None,
            },
            Chain {
                template: s("logs"),
                claim: Link::Present(claim("logs-postgresql-k8s-0", "Bound", "5Gi", "5Gi")),
                volume: Link::Hidden(s("PV hidden: persistentvolumes is forbidden")),
                class: Link::Present(class(
                    "cephfs",
                    "cephfs.csi.ceph.com",
                    "Delete",
                    "Immediate",
                    true,
                    false,
                )),
                usage: used("1.1Gi", "5Gi", 0.22, "", 0.0),
                capacity: Option::None,
            },
        ],
        findings: vec![
            finding(
                Warning,
                "claim-resizing",
                "pgdata-postgresql-k8s-0: resizing 20Gi → 40Gi",
                "The claim asks for 40Gi; the volume still has 20Gi. The external resizer has not finished; the filesystem grows afterwards (FileSystemResizePending).",
                &[(
                    "PersistentVolumeClaim",
                    "postgres",
                    "pgdata-postgresql-k8s-0",
                )],
            ),
            finding(
                Warning,
                "usage-high",
                "pgdata-postgresql-k8s-0: 96% full",
                "19.2Gi of 20Gi used. The pending resize to 40Gi will relieve it.",
                &[(
                    "PersistentVolumeClaim",
                    "postgres",
                    "pgdata-postgresql-k8s-0",
                )],
            ),
            finding(
                Warning,
                "claim-orphaned",
                "pgdata-postgresql-k8s-2, logs-postgresql-k8s-2: orphaned claims of ordinal 2",
                "Scaled 3→2 with whenScaled=Retain. pgdata's PV is Retain: deleting the claim keeps the volume (Released).",
                &[(
                    "PersistentVolumeClaim",
                    "postgres",
                    "pgdata-postgresql-k8s-2",
                )],
            ),
        ],
        events_total: 0,
        events: vec![
            event(
                "2m",
                "Normal",
                "Resizing",
                "pvc/pgdata-postgresql-k8s-0",
                "External resizer is resizing volume pvc-2c9d41e7-0a3b-4c5d-8e6f-7a8b9c0d1e2f",
                1,
            ),
            event(
                "3m",
                "Normal",
                "ExternalExpanding",
                "pvc/pgdata-postgresql-k8s-0",
                "waiting for an external controller to expand this PVC",
                1,
            ),
        ],
        log: vec![
            log("14:00:07", "statefulset/postgresql-k8s", "replicas 3 → 2"),
            log("14:00:38", "pod/postgresql-k8s-2", "deleted"),
            log(
                "14:01:12",
                "pvc/pgdata-postgresql-k8s-0",
                "requested 20Gi → 40Gi",
            ),
        ],
    })
}

pub fn postgres_frame(focus: SetPane) -> FrameView {
    frame(
        "postgres",
        ScreenView::Set {
            detail: std::sync::Arc::new(postgres_detail()),
            selected: 0,
            focus,
            scroll: 0,
        },
        set_hints(),
    )
}

/// A set of `n` ordinals (render-cost check), selection in the middle,
/// partition at `n / 2`.
pub fn big_frame(n: i32) -> FrameView {
    let mut d = partition_detail();
    let template = d.ordinals[0].clone();
    d.ordinals = (0..n)
        .map(|i| {
            let mut o = template.clone();
            o.ordinal = i;
            o.pod = format!("sample-statefulset-{i}");
            o.partition = if i >= n / 2 {
                PartitionSide::Updates
            } else {
                PartitionSide::HeldBack
            };
            o
        })
        .collect();
    d.partition = Some(n / 2);
    d.header.partition = Some(n / 2);
    frame(
        "nfs-demo",
        ScreenView::Set {
            detail: std::sync::Arc::new(d),
            selected: (n / 2) as usize,
            focus: SetPane::Ordinals,
            scroll: 0,
        },
        set_hints(),
    )
}

#[allow(clippy::too_many_arguments)]
fn claim_row(
    ns: &str,
    c: ClaimInfo,
    volume: Link<VolumeInfo>,
    class: Link<ClassInfo>,
    usage: UsageView,
    owner: &str,
    unused: bool,
    health: Option<Severity>,
) -> ClaimRow {
    ClaimRow {
        namespace: s(ns),
        claim: c,
        volume,
        class,
        usage,
        capacity: Option::None,
        owner: s(owner),
        unused,
        health,
        age: s("4d2h"),
    }
}

pub fn storage_view() -> StorageView {
    use Severity::*;
    let azure = |id: &str| format!("csi disk.csi.azure.com /subscriptions/…/disks/{id}");
    let pv = |name: &str, cap: &str, reclaim: &str| {
        Link::Present(volume(
            name,
            cap,
            reclaim,
            &azure(&name[..12]),
            "topology.disk.csi.azure.com/zone in (westeurope-1)",
        ))
    };
    let std = || Link::Present(standard_class());
    let mut claims = vec![
        claim_row(
            "kafka",
            claim("data-kafka-0", "Bound", "100Gi", "100Gi"),
            pv(
                "pvc-a1f0c3d2-6b7e-4f81-9d2c-3e4f5a6b7c8d",
                "100Gi",
                "Retain",
            ),
            Link::Present(class(
                "managed-premium-retain",
                "disk.csi.azure.com",
                "Retain",
                "WaitForFirstConsumer",
                true,
                false,
            )),
            used("61Gi", "98Gi", 0.62, "", 0.0),
            "kafka/0",
            false,
            None,
        ),
        claim_row(
            "kafka",
            claim("data-zookeeper-3", "Pending", "10Gi", ""),
            Link::Missing(s("not bound: StorageClass fast-ssd not found")),
            Link::Missing(s("StorageClass fast-ssd not found")),
            UsageView::Unknown(s("not mounted")),
            "zookeeper/3",
            false,
            Some(Critical),
        ),
    ];
    for i in 0..5 {
        let unused = i >= 3;
        claims.push(claim_row(
            "mysql",
            claim(&format!("data-mysql-{i}"), "Bound", "10Gi", "10Gi"),
            pv(
                &format!("pvc-{i}f3c2a91-5b1e-4d8a-9c6f-2e4b8d1a0c37"),
                "10Gi",
                "Delete",
            ),
            std(),
            if unused {
                UsageView::Unknown(s("not mounted"))
            } else {
                used("5.1Gi", "9.8Gi", [0.52, 0.49, 0.86][i], "", 0.0)
            },
            &format!("mysql/{i}"),
            unused,
            if unused || i == 2 {
                Some(Warning)
            } else {
                None
            },
        ));
    }
    claims.push(claim_row(
        "postgres",
        ClaimInfo {
            conditions: vec![s(
                "Resizing=True: waiting for the external resizer (20Gi → 40Gi)",
            )],
            ..claim("pgdata-postgresql-k8s-0", "Bound", "40Gi", "20Gi")
        },
        pv("pvc-2c9d41e7-0a3b-4c5d-8e6f-7a8b9c0d1e2f", "20Gi", "Retain"),
        Link::Present(class(
            "ceph-xfs",
            "rbd.csi.ceph.com",
            "Retain",
            "Immediate",
            true,
            false,
        )),
        used("19.2Gi", "20Gi", 0.96, "3.1k/10M", 0.0003),
        "postgresql-k8s/0",
        false,
        Some(Warning),
    ));
    claims.push(claim_row(
        "postgres",
        claim("scratch", "Bound", "1Gi", "1Gi"),
        pv("pvc-5e6f7a8b-1c2d-4e3f-8a9b-0c1d2e3f4a5b", "1Gi", "Delete"),
        std(),
        used("12Mi", "1Gi", 0.01, "", 0.0),
        "",
        true,
        None,
    ));
    let volumes = vec![
        VolumeRow {
            volume: VolumeInfo {
                phase: s("Released"),
                ..volume(
                    "pvc-d4e5f6a7-8b9c-4d0e-a1f2-b3c4d5e6f7a8",
                    "100Gi",
                    "Retain",
                    &azure("pvc-d4e5f6a7"),
                    "topology.disk.csi.azure.com/zone in (westeurope-3)",
                )
            },
            claim: s("kafka/data-kafka-3"),
            class: s("managed-premium-retain"),
            health: Some(Warning),
            age: s("41d"),
        },
        VolumeRow {
            volume: volume(
                "local-pv-kafka-pool-3-nvme0n1",
                "800Gi",
                "Retain",
                "local /mnt/disks/nvme0n1 @ kafka-pool-3",
                "kubernetes.io/hostname in (kafka-pool-3)",
            ),
            claim: s("kafka/data-kafka-2"),
            class: s("local-storage"),
            health: Some(Critical),
            age: s("41d"),
        },
        VolumeRow {
            volume: VolumeInfo {
                phase: s("Available"),
                ..volume(
                    "nfs-static-archive",
                    "50Gi",
                    "Retain",
                    "nfs 10.0.0.5:/exports/archive",
                    "",
                )
            },
            claim: String::new(),
            class: String::new(),
            health: None,
            age: s("90d"),
        },
    ];
    StorageView {
        claims,
        volumes,
        classes: vec![
            class(
                "ceph-xfs",
                "rbd.csi.ceph.com",
                "Retain",
                "Immediate",
                true,
                false,
            ),
            class(
                "cephfs",
                "cephfs.csi.ceph.com",
                "Delete",
                "Immediate",
                true,
                false,
            ),
            class(
                "local-storage",
                "kubernetes.io/no-provisioner",
                "Retain",
                "WaitForFirstConsumer",
                false,
                false,
            ),
            class(
                "managed-premium-retain",
                "disk.csi.azure.com",
                "Retain",
                "WaitForFirstConsumer",
                true,
                false,
            ),
            class(
                "nfs-client",
                "k8s-sigs.io/nfs-subdir-external-provisioner",
                "Delete",
                "Immediate",
                false,
                false,
            ),
            standard_class(),
        ],
        findings: vec![
            finding(
                Warning,
                "claim-orphaned",
                "data-mysql-3: orphaned claim of ordinal 3",
                "mysql was scaled down to 3; whenScaled=Retain keeps this claim. Deleting it deletes its PV (reclaim Delete) and the data on it.",
                &[("PersistentVolumeClaim", "mysql", "data-mysql-3")],
            ),
            finding(
                Critical,
                "claim-pending",
                "data-zookeeper-3: Pending, StorageClass fast-ssd does not exist",
                "The claim names a class that does not exist, so nothing provisions it and zookeeper-3 cannot start.",
                &[("PersistentVolumeClaim", "kafka", "data-zookeeper-3")],
            ),
            finding(
                Warning,
                "pv-released",
                "pvc-d4e5f6a7…: Released, still holds data of kafka/data-kafka-3",
                "Reclaim policy Retain keeps the disk after its claim was deleted. Reuse it by clearing claimRef, or delete it by hand.",
                &[(
                    "PersistentVolume",
                    "",
                    "pvc-d4e5f6a7-8b9c-4d0e-a1f2-b3c4d5e6f7a8",
                )],
            ),
        ],
    }
}

pub fn storage_frame(tab: StorageTab, selected: usize) -> FrameView {
    frame(
        "all namespaces",
        ScreenView::Storage {
            view: Box::new(storage_view()),
            tab,
            selected,
        },
        hints(&[
            ("?", "help"),
            ("Tab", "tab"),
            ("/", "filter"),
            ("Esc", "back"),
            ("q", "quit"),
        ]),
    )
}

// ---- action dialogs ----

fn request(method: &str, path: &str, content_type: Option<&str>, body: &[&str]) -> RequestView {
    RequestView {
        method: s(method),
        path: s(path),
        content_type: content_type.map(s),
        body: body.iter().map(|b| s(b)).collect(),
        also: vec![],
    }
}

fn dialog_over(mut base: FrameView, dialog: DialogView) -> FrameView {
    base.overlay = Some(Overlay::Dialog(Box::new(dialog)));
    base
}

const MERGE: Option<&str> = Some("application/merge-patch+json");
const STRATEGIC: Option<&str> = Some("application/strategic-merge-patch+json");

fn scale_request(replicas: i32) -> RequestView {
    request(
        "PATCH",
        "/apis/apps/v1/namespaces/mysql/statefulsets/mysql/scale",
        MERGE,
        &[&format!(r#"{{"spec":{{"replicas":{replicas}}}}}"#)],
    )
}

/// mysql 3→5: the orphaned claims of an earlier scale-up are reused.
pub fn scale_dialog() -> DialogView {
    DialogView {
        title: s("Scale StatefulSet mysql/mysql"),
        danger: false,
        input: Some(InputView {
            label: s("Replicas"),
            text: s("5"),
            cursor: 1,
            error: None,
            hint: Some(s("now 3 · up to 9 without a warning")),
        }),
        choices: None,
        plan: vec![
            s(
                "creates mysql-3, then mysql-4: OrderedReady starts each one after the previous is Running and Ready",
            ),
            s("reuses data-mysql-3 (exists from an earlier scale-up)"),
            s("reuses data-mysql-4 (exists from an earlier scale-up)"),
            s("mysql-2 is not Ready (readiness probe failing): mysql-3 waits for it"),
        ],
        warnings: vec![],
        request: Some(scale_request(5)),
        kubectl: Some(s("kubectl -n mysql scale statefulset mysql --replicas=5")),
        confirm: s("scale"),
        can_confirm: true,
        state: DialogState::Editing,
        batch: None,
    }
}

pub fn scale_frame() -> FrameView {
    dialog_over(mysql_frame(SetPane::Ordinals, 2), scale_dialog())
}

/// `abc` typed: an inline error, nothing to send.
pub fn scale_error_frame() -> FrameView {
    let d = DialogView {
        input: Some(InputView {
            label: s("Replicas"),
            text: s("abc"),
            cursor: 3,
            error: Some(s(r#"not a whole number: "abc""#)),
            hint: None,
        }),
        plan: vec![],
        request: None,
        kubectl: None,
        can_confirm: false,
        ..scale_dialog()
    };
    dialog_over(mysql_frame(SetPane::Ordinals, 2), d)
}

/// 3→50: allowed, with a warning.
pub fn scale_warning_frame() -> FrameView {
    let d = DialogView {
        input: Some(InputView {
            label: s("Replicas"),
            text: s("50"),
            cursor: 2,
            error: None,
            hint: Some(s("now 3 · up to 9 without a warning")),
        }),
        plan: vec![
            s(
                "creates mysql-3 to mysql-49, one at a time, each after the previous is Running and Ready",
            ),
            s("reuses data-mysql-3 and data-mysql-4 (exist from an earlier scale-up)"),
            s("creates 45 claims data-mysql-5 … data-mysql-49 (10Gi each, class standard)"),
        ],
        warnings: vec![s(
            "50 is more than 3× the current 3 replicas. Check the number: every new ordinal also gets a 10Gi volume (450Gi more in total).",
        )],
        request: Some(scale_request(50)),
        kubectl: Some(s("kubectl -n mysql scale statefulset mysql --replicas=50")),
        ..scale_dialog()
    };
    dialog_over(mysql_frame(SetPane::Ordinals, 2), d)
}

/// Rolling restart of a set whose strategy is OnDelete.
pub fn restart_ondelete_frame() -> FrameView {
    let d = DialogView {
        title: s("Rolling restart StatefulSet kafka/ksqldb-server"),
        danger: false,
        input: None,
        choices: None,
        plan: vec![s(
            "sets the Pod template annotation kubectl.kubernetes.io/restartedAt to 2026-11-22T14:03:27Z, which makes a new revision",
        )],
        warnings: vec![s(
            "The update strategy is OnDelete: no Pod restarts until it is deleted (d on an ordinal); each deleted Pod comes back on the new revision.",
        )],
        request: Some(request(
            "PATCH",
            "/apis/apps/v1/namespaces/kafka/statefulsets/ksqldb-server",
            STRATEGIC,
            &[
                r#"{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-11-22T14:03:27Z"}}}}}"#,
            ],
        )),
        kubectl: Some(s(
            "kubectl -n kafka rollout restart statefulset ksqldb-server",
        )),
        confirm: s("restart"),
        can_confirm: true,
        state: DialogState::Editing,
        batch: None,
    };
    dialog_over(list_frame(), d)
}

/// Staged rollout: partition 1 → 0 releases ordinal 0.
pub fn partition_step_dialog() -> DialogView {
    DialogView {
        title: s("Partition step StatefulSet nfs-demo/sample-statefulset"),
        danger: false,
        input: None,
        choices: None,
        plan: vec![
            s("partition 1 → 0: ordinal 0 moves to the update revision 7b6f8d9c2"),
            s(
                "sample-statefulset-0 is deleted and recreated on 7b6f8d9c2 once sample-statefulset-1 is Ready; its claim www-sample-statefulset-0 is kept",
            ),
        ],
        warnings: vec![s(
            "sample-statefulset-1 is Unknown on NotReady node nfs-worker-2: the rollout waits for it, so ordinal 0 will not move until it is Ready or deleted.",
        )],
        request: Some(request(
            "PATCH",
            "/apis/apps/v1/namespaces/nfs-demo/statefulsets/sample-statefulset",
            MERGE,
            &[r#"{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}"#],
        )),
        kubectl: Some(s(
            r#"kubectl -n nfs-demo patch statefulset sample-statefulset --type=merge -p '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}'"#,
        )),
        confirm: s("step"),
        can_confirm: true,
        state: DialogState::Editing,
        batch: None,
    }
}

pub fn partition_step_frame() -> FrameView {
    dialog_over(partition_frame(SetPane::Ordinals), partition_step_dialog())
}

/// Roll postgresql-k8s back to revision 3 of 2, 3, 4.
pub fn rollback_frame() -> FrameView {
    let row = |cells: [&str; 4]| cells.map(s).to_vec();
    let d = DialogView {
        title: s("Roll back StatefulSet postgres/postgresql-k8s"),
        danger: false,
        input: None,
        choices: Some(ChoiceView {
            label: s("Revision"),
            columns: ["REV", "AGE", "IMAGES", ""].map(s).to_vec(),
            rows: vec![
                row([
                    "4",
                    "2d",
                    "ghcr.io/zalando/spilo-16:3.2-p3",
                    "current, update",
                ]),
                row(["3", "9d", "ghcr.io/zalando/spilo-16:3.2-p2", ""]),
                row(["2", "31d", "ghcr.io/zalando/spilo-16:3.2-p1", ""]),
            ],
            selected: 1,
        }),
        plan: vec![
            s("the Pod template goes back to revision 3 (spilo-16:3.2-p2); it becomes revision 5"),
            s(
                "RollingUpdate replaces postgresql-k8s-1, then postgresql-k8s-0, each after the previous is Ready",
            ),
        ],
        warnings: vec![],
        request: Some(request(
            "PATCH",
            "/apis/apps/v1/namespaces/postgres/statefulsets/postgresql-k8s",
            STRATEGIC,
            &[
                "{",
                r#"  "spec": {"#,
                r#"    "template": {"#,
                r#"      "metadata": {"labels": {"app": "postgresql-k8s", "cluster-name": "postgresql-k8s"}},"#,
                r#"      "spec": {"#,
                r#"        "$setElementOrder/containers": [{"name": "postgres"}],"#,
                r#"        "containers": [{"name": "postgres", "image": "ghcr.io/zalando/spilo-16:3.2-p2", "env": [{"name": "PGVERSION", "value": "16"}]}]"#,
                "      }",
                "    }",
                "  }",
                "}",
            ],
        )),
        kubectl: Some(s(
            "kubectl -n postgres rollout undo statefulset postgresql-k8s --to-revision=3",
        )),
        confirm: s("roll back"),
        can_confirm: true,
        state: DialogState::Editing,
        batch: None,
    };
    dialog_over(postgres_frame(SetPane::Ordinals), d)
}

/// Force delete of the Unknown Pod on the lost node.
pub fn force_delete_frame() -> FrameView {
    let d = DialogView {
        title: s("Force delete Pod nfs-demo/sample-statefulset-1"),
        danger: true,
        input: None,
        choices: None,
        plan: vec![
            s(
                "removes sample-statefulset-1 from the API at once (grace period 0), without waiting for the kubelet on nfs-worker-2 to confirm it stopped",
            ),
            s(
                "the StatefulSet controller then creates a new sample-statefulset-1 with the same claim www-sample-statefulset-1",
            ),
        ],
        warnings: vec![s(
            "nfs-worker-2 is NotReady for 4m, not known to be down. If it still runs the old Pod, two Pods with the same identity will write to the same volume. Force delete only if the node is really gone or fenced.",
        )],
        request: Some(request(
            "DELETE",
            "/api/v1/namespaces/nfs-demo/pods/sample-statefulset-1",
            Some("application/json"),
            &[r#"{"kind":"DeleteOptions","apiVersion":"v1","gracePeriodSeconds":0}"#],
        )),
        kubectl: Some(s(
            "kubectl -n nfs-demo delete pod sample-statefulset-1 --grace-period=0 --force",
        )),
        confirm: s("force delete"),
        can_confirm: true,
        state: DialogState::Editing,
        batch: None,
    };
    dialog_over(partition_frame(SetPane::Ordinals), d)
}

/// Deleting an orphaned claim, its name half typed.
pub fn delete_claim_frame() -> FrameView {
    let d = DialogView {
        title: s("Delete PersistentVolumeClaim mysql/data-mysql-4"),
        danger: true,
        input: Some(InputView {
            label: s("Type the claim's name to confirm"),
            text: s("data-my"),
            cursor: 7,
            error: None,
            hint: Some(s("type data-mysql-4 exactly")),
        }),
        choices: None,
        plan: vec![
            s("deletes data-mysql-4, orphaned since mysql was scaled from 5 to 3 (no Pod uses it)"),
            s(
                "its volume pvc-9a41c7e2-3b5d-4f8a-b1c6-7d2e9f0a5b13 has reclaim policy Delete: the volume and its data are deleted too",
            ),
        ],
        warnings: vec![s(
            "The data cannot be recovered. If mysql is scaled to 5 again, mysql-4 starts with a new, empty claim.",
        )],
        request: Some(request(
            "DELETE",
            "/api/v1/namespaces/mysql/persistentvolumeclaims/data-mysql-4",
            None,
            &[],
        )),
        kubectl: Some(s("kubectl -n mysql delete pvc data-mysql-4")),
        confirm: s("delete"),
        can_confirm: false,
        state: DialogState::Editing,
        batch: None,
    };
    dialog_over(mysql_frame(SetPane::Ordinals, 2), d)
}

/// The scale request sent, waiting for the answer.
pub fn sending_frame() -> FrameView {
    let d = DialogView {
        state: DialogState::Sending,
        ..scale_dialog()
    };
    dialog_over(mysql_frame(SetPane::Ordinals, 2), d)
}

/// The scale refused by RBAC.
pub fn failed_forbidden_frame() -> FrameView {
    let d = DialogView {
        state: DialogState::Failed {
            error: s(
                r#"403 Forbidden: statefulsets.apps "mysql" is forbidden: User "alice@example.com" cannot patch resource "statefulsets/scale" in API group "apps" in the namespace "mysql""#,
            ),
            retry: false,
        },
        ..scale_dialog()
    };
    dialog_over(mysql_frame(SetPane::Ordinals, 2), d)
}

/// The partition step lost a race with another writer.
pub fn failed_conflict_frame() -> FrameView {
    let d = DialogView {
        state: DialogState::Failed {
            error: s(
                r#"409 Conflict: Operation cannot be fulfilled on statefulsets.apps "sample-statefulset": the object has been modified; please apply your changes to the latest version and try again"#,
            ),
            retry: true,
        },
        ..partition_step_dialog()
    };
    dialog_over(partition_frame(SetPane::Ordinals), d)
}
