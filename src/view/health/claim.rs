//! Findings about a claim: orphaned, pending, lost, resizing, capacity and
//! usage.

use super::*;

/// Pods in the claim's namespace that mount it. A StatefulSet claim
/// (`<template>-<set>-<n>`) is looked up at its ordinal's Pod directly; only
/// other claims need a scan of the namespace's Pods.
fn pods_using<'a>(store: &'a Store, c: &Claim) -> Vec<&'a Pod> {
    if let Some(o) = claim_owner(store, &c.namespace, &c.name) {
        let owned: Vec<&Pod> = store
            .pod_of(&c.namespace, &o.set, o.ordinal)
            .filter(|p| p.claims.contains(&c.name))
            .into_iter()
            .collect();
        if !owned.is_empty() {
            return owned;
        }
    }
    store
        .pods(Some(&c.namespace))
        .filter(|p| p.claims.contains(&c.name))
        .collect()
}

pub(super) fn claim_findings(store: &Store, c: &Claim, now: Timestamp, out: &mut Out) {
    let owner = claim_owner(store, &c.namespace, &c.name);
    let set = store.set(&c.namespace, owner.as_ref().map_or("", |o| o.set.as_str()));
    let key = owner.as_ref().map(|o| (c.namespace.clone(), o.set.clone()));
    let ordinal = owner.as_ref().map(|o| o.ordinal);
    let volume = store.volume_of_claim(c);
    let volumes_visible = !matches!(store.sync(Kind::Volume), SyncState::Forbidden { .. });

    // Orphaned claim (Warning): ordinal outside the set's range, no Pod.
    if let (Some(o), Some(s)) = (&owner, set)
        && (o.ordinal < s.ordinals_start || o.ordinal >= s.ordinals_end())
        && store.pod_of(&s.namespace, &s.name, o.ordinal).is_none()
    {
        let range = if s.replicas > 0 {
            format!("ordinals {}–{}", s.ordinals_start, s.ordinals_end() - 1)
        } else {
            "no ordinals".into()
        };
        let delete_effect = match volume {
            Some(v) if v.reclaim_policy == "Delete" => format!(
                "Deleting it destroys the data: its PV {} has reclaim policy Delete.",
                v.name
            ),
            Some(v) if v.reclaim_policy == "Retain" => format!(
                "Deleting it keeps the data: its PV {} (reclaim policy Retain) becomes Released and is not reused until an admin cleans it up.",
                v.name
            ),
            Some(v) => format!(
                "Deleting it applies PV {}'s reclaim policy {}.",
                v.name, v.reclaim_policy
            ),
            None if !c.volume_name.is_empty() && !volumes_visible => format!(
                "What deleting it does depends on PV {}'s reclaim policy, which is not visible (forbidden).",
                c.volume_name
            ),
            None => "It has no volume bound; deleting it loses no data.".into(),
        };
        let scale_back = if o.ordinal >= s.ordinals_end() {
            format!(
                " and reattaches it, with its old data, if the set scales back to {} or more",
                o.ordinal - s.ordinals_start + 1
            )
        } else {
            String::new()
        };
        let retention = if s.when_scaled == "Delete" {
            " (whenScaled=Delete should have removed it: check the controller)"
        } else {
            ""
        };
        let mut objects = vec![claim_ref(c), set_ref(s)];
        if let Some(v) = volume {
            objects.push(obj("PersistentVolume", "", &v.name));
        }
        out.push(
            Severity::Warning,
            "claim-orphaned",
            format!("{}: orphaned claim of ordinal {}", c.name, o.ordinal),
            format!(
                "{} runs {} replicas ({range}); the StatefulSet keeps this claim{retention}{scale_back}. {delete_effect}",
                s.name, s.replicas
            ),
            objects,
            key.clone(),
            ordinal,
        );
    }

    match c.phase.as_str() {
        // Lost (Critical): the bound PV is gone.
        "Lost" => {
            out.push(
                Severity::Critical,
                "claim-lost",
                format!("{}: claim Lost", c.name),
                format!(
                    "Its PersistentVolume {} no longer exists; the data behind it is gone or detached, and Pods using the claim cannot start until it is restored or the claim recreated.",
                    if c.volume_name.is_empty() { "(unknown)" } else { &c.volume_name }
                ),
                vec![claim_ref(c)],
                key.clone(),
                ordinal,
            );
        }
        "Pending" => pending_finding(store, c, now, key.clone(), ordinal, out),
        _ => {}
    }

    if c.phase == "Bound" {
        resize_findings(store, c, now, &key, ordinal, out);
        usage_findings(store, c, &key, ordinal, out);
    }

    // Volume pinned to an unavailable node.
    if let Some(v) = volume
        && !v.pinned_nodes.is_empty()
    {
        let nodes: Vec<_> = v
            .pinned_nodes
            .iter()
            .filter_map(|h| store.node_by_hostname(h))
            .collect();
        if !nodes.is_empty() && nodes.len() == v.pinned_nodes.len() {
            let all_down = nodes.iter().all(|n| !n.is_ready());
            let all_blocked = nodes.iter().all(|n| !n.is_ready() || n.unschedulable);
            if all_blocked {
                let names: Vec<String> = nodes.iter().map(|n| n.name.clone()).collect();
                let users = pods_using(store, c);
                let pod_text = users
                    .first()
                    .map(|p| format!("Pod {}", p.name))
                    .unwrap_or_else(|| "a Pod using it".into());
                let (severity, state, consequence) = if all_down {
                    (
                        Severity::Critical,
                        "NotReady",
                        format!(
                            "{pod_text} cannot run anywhere else: the data lives on that node. Bring the node back, or give up the data by deleting the claim and PV."
                        ),
                    )
                } else {
                    (
                        Severity::Warning,
                        "cordoned",
                        format!(
                            "If {pod_text} is deleted or evicted it stays Pending: no other node can mount the volume. Uncordon the node before restarting it."
                        ),
                    )
                };
                let mut objects = vec![claim_ref(c), obj("PersistentVolume", "", &v.name)];
                objects.extend(names.iter().map(|n| node_ref(n)));
                objects.extend(users.iter().map(|p| pod_ref(p)));
                out.push(
                    severity,
                    "volume-node-unavailable",
                    format!(
                        "{}: volume pinned to {state} node {}",
                        c.name,
                        names.join(", ")
                    ),
                    format!(
                        "PV {} has node affinity {}. {consequence}",
                        v.name, v.node_affinity
                    ),
                    objects,
                    key.clone(),
                    ordinal,
                );
            }
        }
    }
}

pub(super) fn pending_finding(
    store: &Store,
    c: &Claim,
    now: Timestamp,
    key: Option<(String, String)>,
    ordinal: Option<i32>,
    out: &mut Out,
) {
    let class_name = crate::view::chain::class_name_of(store, c);
    let class = class_name.as_deref().and_then(|n| store.class(n));
    let classes_known = store.is_synced(Kind::StorageClass)
        && !matches!(store.sync(Kind::StorageClass), SyncState::Forbidden { .. });
    let missing_class =
        classes_known && class.is_none() && class_name.as_deref().is_some_and(|n| !n.is_empty());
    if !missing_class && !out.passed(c.created, now, GRACE_SECS) {
        return;
    }
    let users = pods_using(store, c);
    let waiting_pod = users.iter().find(|p| p.phase != "Running");
    let mut objects = vec![claim_ref(c)];
    objects.extend(users.iter().map(|p| pod_ref(p)));
    let title = format!("{}: claim Pending{}", c.name, for_how_long(c.created, now));
    let blocked = waiting_pod
        .map(|p| format!(" Pod {} cannot start until it binds.", p.name))
        .unwrap_or_default();
    let (severity, detail) = if missing_class {
        let n = class_name.unwrap_or_default();
        // Critical when a Pod waits for it, else Warning.
        (
            if waiting_pod.is_some() {
                Severity::Critical
            } else {
                Severity::Warning
            },
            format!(
                "StorageClass `{n}` does not exist, so nothing will provision a volume.{blocked} Create the class (a claim's class cannot be changed; otherwise delete and recreate the claim)."
            ),
        )
    } else if let Some(k) = class.filter(|k| k.binding_mode == "WaitForFirstConsumer") {
        match waiting_pod {
            // WaitForFirstConsumer with a Pod that is not scheduled (Warning).
            Some(p) => (
                Severity::Warning,
                format!(
                    "Class `{}` binds WaitForFirstConsumer: the volume is created once Pod {} is scheduled, and it is not{}.",
                    k.name,
                    p.name,
                    p.unschedulable
                        .as_ref()
                        .map(|(_, m)| format!(" ({m})"))
                        .unwrap_or_default()
                ),
            ),
            // WaitForFirstConsumer with no Pod: normal (Info).
            None => (
                Severity::Info,
                format!(
                    "Class `{}` binds WaitForFirstConsumer: the volume is created when a Pod using the claim is scheduled, and none is.",
                    k.name
                ),
            ),
        }
    } else if let Some(k) = class.filter(|k| k.provisioner == "kubernetes.io/no-provisioner") {
        (
            if waiting_pod.is_some() {
                Severity::Critical
            } else {
                Severity::Warning
            },
            format!(
                "Class `{}` has no dynamic provisioner and no Available PV matches the claim ({} {}).{blocked} An admin must create a matching PV.",
                k.name,
                bytes(c.request_bytes),
                crate::view::chain::access_modes(&c.access_modes)
            ),
        )
    } else if let Some(k) = class {
        (
            Severity::Warning,
            format!(
                "Provisioner {} has not created a volume for class `{}` yet; see ProvisioningFailed events.{blocked}",
                k.provisioner, k.name
            ),
        )
    } else {
        // No class at all: static binding only (Warning).
        (
            Severity::Warning,
            format!(
                "{}: no PV without a class matches it ({} {}).{blocked}",
                crate::view::chain::pending_reason(store, c),
                bytes(c.request_bytes),
                crate::view::chain::access_modes(&c.access_modes)
            ),
        )
    };
    out.push(
        severity,
        "claim-pending",
        title,
        detail,
        objects,
        key,
        ordinal,
    );
}

pub(super) fn resize_findings(
    store: &Store,
    c: &Claim,
    now: Timestamp,
    key: &Option<(String, String)>,
    ordinal: Option<i32>,
    out: &mut Out,
) {
    let (Some(req), Some(cap)) = (c.request_bytes, c.capacity_bytes) else {
        return;
    };
    let fs_pending = c.condition("FileSystemResizePending");
    let resizing = c.condition("Resizing");
    let status = c.resize_status.as_str();
    if status.contains("Infeasible") {
        // The driver refused the new size (Warning).
        out.push(
            Severity::Warning,
            "claim-resize-failed",
            format!("{}: expansion to {} refused ({status})", c.name, bytes(Some(req))),
            "The storage driver cannot expand the volume to the requested size; lower the request back (allowed when recovering from a failed expansion) or see VolumeResizeFailed events.".into(),
            vec![claim_ref(c)],
            key.clone(),
            ordinal,
        );
        return;
    }
    let fs_since = match fs_pending {
        Some(cond) => Some(cond.since),
        None if status == "NodeResizePending" => Some(None),
        None => None,
    };
    if let Some(since) = fs_since {
        // Filesystem resize pending (Warning): needs a (re)mount.
        let users = pods_using(store, c);
        let restart = users
            .first()
            .map(|p| format!("restart Pod {}", p.name))
            .unwrap_or_else(|| "start a Pod that mounts it".into());
        let mut objects = vec![claim_ref(c)];
        objects.extend(users.iter().map(|p| pod_ref(p)));
        out.push(
            Severity::Warning,
            "claim-fs-resize-pending",
            format!(
                "{}: filesystem resize pending ({} → {}){}",
                c.name,
                bytes(Some(cap)),
                bytes(Some(req)),
                for_how_long(since, now)
            ),
            format!(
                "The volume was expanded, but the filesystem grows only when the kubelet mounts it: unless the driver expands online, {restart}."
            ),
            objects,
            key.clone(),
            ordinal,
        );
        return;
    }
    if resizing.is_some()
        || status == "ControllerResizeInProgress"
        || status == "NodeResizeInProgress"
    {
        // Resize in progress (Info).
        out.push(
            Severity::Info,
            "claim-resizing",
            format!(
                "{}: expanding {} → {}{}",
                c.name,
                bytes(Some(cap)),
                bytes(Some(req)),
                for_how_long(resizing.and_then(|r| r.since), now)
            ),
            "The volume is being expanded by the storage driver; the new capacity shows once the volume and then the filesystem are resized.".into(),
            vec![claim_ref(c)],
            key.clone(),
            ordinal,
        );
        return;
    }
    if req <= cap {
        return;
    }
    let class = crate::view::chain::class_name_of(store, c).and_then(|n| store.class(&n));
    if let Some(k) = class.filter(|k| !k.allow_expansion) {
        // Expansion not allowed by the class (Warning).
        out.push(
            Severity::Warning,
            "claim-expansion-not-allowed",
            format!(
                "{}: requests {} but has {}; class `{}` does not allow expansion",
                c.name,
                bytes(Some(req)),
                bytes(Some(cap)),
                k.name
            ),
            format!(
                "StorageClass `{}` has allowVolumeExpansion unset or false, so the volume is never expanded; the claim keeps {} of capacity.",
                k.name,
                bytes(Some(cap))
            ),
            vec![claim_ref(c), obj("StorageClass", "", &k.name)],
            key.clone(),
            ordinal,
        );
        return;
    }
    // Capacity below request with no resize under way (Warning).
    out.push(
        Severity::Warning,
        "claim-capacity-below-request",
        format!(
            "{}: capacity {} below request {}",
            c.name,
            bytes(Some(cap)),
            bytes(Some(req))
        ),
        "No resize is recorded on the claim; look for VolumeResizeFailed events, or whether the storage driver supports expansion.".into(),
        vec![claim_ref(c)],
        key.clone(),
        ordinal,
    );
}

pub(super) fn usage_findings(
    store: &Store,
    c: &Claim,
    key: &Option<(String, String)>,
    ordinal: Option<i32>,
    out: &mut Out,
) {
    // Full, or filling up at the current rate (see view::capacity).
    if let Some(d) = capacity::usage_finding(store, c) {
        out.push(
            d.severity,
            d.code,
            d.title,
            d.detail,
            d.objects,
            key.clone(),
            ordinal,
        );
    }
}
