//! Sample storage screen: claims, volumes and classes.

use super::*;

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
