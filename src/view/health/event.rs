//! Findings from recent Warning events, unless their problem is visibly
//! over.

use super::*;

pub(super) fn event_findings<'a>(
    store: &Store,
    events: impl Iterator<Item = &'a crate::store::Event>,
    now: Timestamp,
    out: &mut Out,
) {
    // (reason, kind, namespace, name) → (count, last seen, message)
    #[allow(clippy::type_complexity)]
    let mut seen: BTreeMap<(String, String, String, String), (i32, Option<Timestamp>, String)> =
        BTreeMap::new();
    for e in events {
        if e.type_ != "Warning" {
            continue;
        }
        let last = e.last_seen;
        if last.is_none() || out.passed(last, now, EVENT_WINDOW_SECS + 1) {
            continue;
        }
        let (kind, ns, name) = &e.involved;
        let relevant = match kind.as_str() {
            "StatefulSet" => store.set(ns, name).is_some(),
            "Pod" => {
                crate::store::split_ordinal(name)
                    .is_some_and(|(set, _)| store.set(ns, set).is_some())
                    && store
                        .pod(ns, name)
                        .is_some_and(|p| !event_resolved_for_pod(p, &e.reason, last))
            }
            "PersistentVolumeClaim" => store
                .claim(ns, name)
                .is_some_and(|c| !event_resolved_for_claim(c, &e.reason)),
            _ => false,
        };
        if !relevant {
            continue;
        }
        let entry = seen
            .entry((e.reason.clone(), kind.clone(), ns.clone(), name.clone()))
            .or_insert((0, None, String::new()));
        entry.0 += e.count.max(1);
        if entry.1.is_none_or(|t| last.is_some_and(|l| l >= t)) {
            entry.1 = last;
            entry.2 = e.message.clone();
        }
    }
    let mut owners: HashMap<(String, String), Option<(String, i32)>> = HashMap::new();
    for ((reason, kind, ns, name), (count, last, message)) in seen {
        let (set, ordinal) = match kind.as_str() {
            "StatefulSet" => (Some(name.clone()), None),
            "Pod" => match crate::store::split_ordinal(&name) {
                Some((s, n)) => (Some(s.to_string()), Some(n)),
                None => (None, None),
            },
            _ => {
                let o = owners
                    .entry((ns.clone(), name.clone()))
                    .or_insert_with(|| claim_owner(store, &ns, &name).map(|o| (o.set, o.ordinal)));
                match o {
                    Some((s, n)) => (Some(s.clone()), Some(*n)),
                    None => (None, None),
                }
            }
        };
        let short = match kind.as_str() {
            "StatefulSet" => "statefulset",
            "Pod" => "pod",
            _ => "pvc",
        };
        let times = if count > 1 {
            format!(" ×{count}")
        } else {
            String::new()
        };
        let message = if message.chars().count() > 300 {
            format!("{}…", message.chars().take(300).collect::<String>())
        } else {
            message
        };
        // Recent Warning event (Warning).
        out.push(
            Severity::Warning,
            "warning-event",
            format!(
                "{reason} on {short}/{name}{times}, last {} ago",
                age(last, now)
            ),
            message,
            vec![obj(&kind, &ns, &name)],
            set.map(|s| (ns.clone(), s)),
            ordinal,
        );
    }
}

/// A Pod event whose problem is visibly over: the Pod was scheduled after a
/// FailedScheduling, or became Ready after the event.
pub(super) fn event_resolved_for_pod(p: &Pod, reason: &str, last: Option<Timestamp>) -> bool {
    (reason == "FailedScheduling" && !p.node.is_empty())
        || (p.is_healthy() && p.ready_since.is_some_and(|r| last.is_some_and(|l| l <= r)))
}

/// A claim event whose problem is visibly over: provisioning failed but the
/// claim is Bound, or a resize failed but the capacity now covers the request.
pub(super) fn event_resolved_for_claim(c: &Claim, reason: &str) -> bool {
    match reason {
        "ProvisioningFailed" | "FailedBinding" => c.phase == "Bound",
        "VolumeResizeFailed" | "FileSystemResizeFailed" => c
            .request_bytes
            .zip(c.capacity_bytes)
            .is_some_and(|(r, cap)| cap >= r),
        _ => false,
    }
}
