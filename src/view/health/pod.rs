//! Findings about a Pod: lost nodes, crash loops, readiness, scheduling,
//! termination.

use super::*;

/// `("unreachable", "Ready=Unknown: NodeStatusUnknown")` when the node is not Ready.
pub(super) fn node_down(store: &Store, node: &str) -> Option<(&'static str, String)> {
    let n = store.node(node)?;
    if n.is_ready() {
        return None;
    }
    let word = if n.ready == "False" {
        "NotReady"
    } else {
        "unreachable"
    };
    let status = if n.ready.is_empty() {
        "Unknown"
    } else {
        n.ready.as_str()
    };
    Some((
        word,
        if n.ready_reason.is_empty() {
            format!("Ready={status}")
        } else {
            format!("Ready={status}: {}", n.ready_reason)
        },
    ))
}

#[allow(clippy::too_many_arguments)]
pub(super) fn pod_findings(
    store: &Store,
    s: &StatefulSet,
    key: &Option<(String, String)>,
    n: i32,
    p: &Pod,
    now: Timestamp,
    out: &mut Out,
) {
    let lost = node_down(store, &p.node);
    // Pod on a lost node (Critical): the controller will not replace it.
    if p.status_text == "Unknown"
        || p.reason == "NodeLost"
        || (lost.is_some() && p.phase != "Succeeded" && p.phase != "Failed")
    {
        let node_since = store.node(&p.node).and_then(|n| n.ready_since);
        let state = if p.deleting.is_some() && p.status_text != "Unknown" {
            "stuck Terminating"
        } else {
            p.status_text.as_str()
        };
        let node_text = match &lost {
            Some((word, cond)) => format!(
                "Node {} has been {word}{} ({cond}).",
                p.node,
                for_how_long(node_since, now)
            ),
            None => format!("Its node {} stopped reporting.", p.node),
        };
        let mut objects = vec![pod_ref(p)];
        if !p.node.is_empty() {
            objects.push(node_ref(&p.node));
        }
        out.push(
            Severity::Critical,
            "pod-node-lost",
            format!("{}: {state} on lost node {}", p.name, p.node),
            format!(
                "{node_text} The StatefulSet will not create a replacement for ordinal {n} until this Pod is deleted (at most one Pod per ordinal). Force deleting it (kubectl delete pod {} --grace-period=0 --force) frees the ordinal, but only do so once the node is really down or fenced: otherwise two Pods may write to the same volume.",
                p.name
            ),
            objects,
            key.clone(),
            Some(n),
        );
        return;
    }
    // Stuck Terminating on a live node (Warning).
    if let Some(d) = p.deleting {
        let grace = p.grace_seconds.unwrap_or(30);
        if out.passed(Some(d), now, grace + TERMINATING_SLACK_SECS + 1) {
            out.push(
                Severity::Warning,
                "pod-stuck-terminating",
                format!("{}: Terminating{}", p.name, for_how_long(Some(d), now)),
                format!(
                    "Its grace period was {grace}s; a finalizer or the kubelet on {} is holding it. The StatefulSet recreates ordinal {n} only once the Pod object is gone.",
                    if p.node.is_empty() { "its node" } else { &p.node }
                ),
                vec![pod_ref(p)],
                key.clone(),
                Some(n),
            );
        }
        return;
    }
    // Crash loop (Critical).
    if p.status_text.contains("CrashLoopBackOff") {
        let last = p
            .last_restart
            .map(|t| format!(", last {} ago", age(Some(t), now)))
            .unwrap_or_default();
        out.push(
            Severity::Critical,
            "pod-crashloop",
            format!("{}: {} ({} restarts{last})", p.name, p.status_text, p.restarts),
            format!(
                "A container keeps exiting and the kubelet backs off restarting it; see kubectl logs {} --previous. An OrderedReady StatefulSet does not move past this ordinal meanwhile.",
                p.name
            ),
            vec![pod_ref(p)],
            key.clone(),
            Some(n),
        );
        return;
    }
    // Unschedulable (Warning).
    if p.node.is_empty()
        && let Some((reason, message)) = &p.unschedulable
        && out.passed(p.created, now, GRACE_SECS)
    {
        out.push(
            Severity::Warning,
            "pod-unschedulable",
            format!(
                "{}: Pending, not scheduled{}",
                p.name,
                for_how_long(p.created, now)
            ),
            format!("{reason}: {message}"),
            vec![pod_ref(p)],
            key.clone(),
            Some(n),
        );
        return;
    }
    // Failing container states (Warning): image pulls, config errors, exits.
    const BENIGN: &[&str] = &[
        "Running",
        "Completed",
        "Pending",
        "ContainerCreating",
        "PodInitializing",
        "NotReady",
    ];
    let initializing = p.status_text.starts_with("Init:") && p.status_text[5..].contains('/');
    if !(BENIGN.contains(&p.status_text.as_str()) || initializing) {
        out.push(
            Severity::Warning,
            "pod-failing",
            format!("{}: {}", p.name, p.status_text),
            format!(
                "The Pod cannot run its containers ({}); kubectl describe pod {} shows the details.",
                p.status_text, p.name
            ),
            vec![pod_ref(p)],
            key.clone(),
            Some(n),
        );
        return;
    }
    // Running but not Ready (Warning).
    if p.phase == "Running" && !p.ready && out.passed(p.ready_since.or(p.created), now, GRACE_SECS)
    {
        out.push(
            Severity::Warning,
            "pod-not-ready",
            format!(
                "{}: not Ready ({}/{}){}",
                p.name,
                p.ready_containers,
                p.total_containers,
                for_how_long(p.ready_since.or(p.created), now)
            ),
            format!(
                "Running, but {} of {} containers fail their readiness probe: the Pod gets no Service traffic{}.",
                p.total_containers.saturating_sub(p.ready_containers),
                p.total_containers,
                if s.is_ordered_ready() {
                    ", and OrderedReady will not create, update or delete other Pods of the set until it is Ready"
                } else {
                    ""
                }
            ),
            vec![pod_ref(p)],
            key.clone(),
            Some(n),
        );
    }
}
