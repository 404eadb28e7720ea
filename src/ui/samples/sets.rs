//! Sample set screens: mysql, a rollout held at a partition, postgres, a
//! big set.

use super::*;

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
