//! Runs scenario timeline steps when their simulated time comes. Steps that
//! change objects go through the same update path as API requests, so they
//! are validated and watched like a user's change.

use serde_json::json;

use crate::sim::objects::Object;
use crate::sim::patch::{self, PatchType};
use crate::sim::resources::{self, Kind};
use crate::sim::scenario::{Action, NodeRef, PatchKind, Step};
use crate::sim::state::SimState;

use super::kubelet;

/// Runs every step whose time has come, in order.
pub fn run_due(state: &mut SimState) {
    let elapsed = state.elapsed();
    let due = state.timeline.partition_point(|p| p.at <= elapsed);
    if due == 0 {
        return;
    }
    let steps: Vec<Step> = state.timeline.drain(..due).map(|p| p.step).collect();
    for step in steps {
        if let Err(message) = run(state, &step) {
            tracing::warn!(action = step.action.key(), at = ?step.at, "timeline step failed: {message}");
        }
    }
}

fn kind_for(resource: &str) -> Result<Kind, String> {
    resources::ALL
        .iter()
        .find(|r| r.plural == resource)
        .map(|r| r.kind)
        .ok_or_else(|| format!("unknown resource {resource:?}"))
}

fn patch_object(
    state: &mut SimState,
    kind: Kind,
    namespace: &str,
    name: &str,
    patch_type: PatchType,
    body: &serde_json::Value,
) -> Result<(), String> {
    let current = state
        .store
        .get(kind, namespace, name)
        .ok_or_else(|| format!("{} {namespace}/{name} not found", kind.qualified_plural()))?
        .object()
        .clone();
    let patched = patch::apply(kind.info().kind_name, &current.to_json(), patch_type, body)
        .map_err(|e| e.to_string())?;
    let object = Object::from_json(kind, patched).map_err(|e| e.to_string())?;
    state
        .update(object, None)
        .map(|_| ())
        .map_err(|e| e.message)
}

fn run(state: &mut SimState, step: &Step) -> Result<(), String> {
    let ns = step.namespace.clone().unwrap_or_default();
    let scoped = |kind: Kind| {
        if kind.info().namespaced {
            ns.clone()
        } else {
            String::new()
        }
    };
    match &step.action {
        Action::Scale {
            statefulset,
            replicas,
        } => patch_object(
            state,
            Kind::StatefulSet,
            &ns,
            statefulset,
            PatchType::Merge,
            &json!({"spec": {"replicas": replicas}}),
        ),
        Action::Patch {
            resource,
            name,
            patch_type,
            body,
        } => {
            let kind = kind_for(resource)?;
            let t = match patch_type {
                PatchKind::Merge => PatchType::Merge,
                PatchKind::Strategic => PatchType::Strategic,
            };
            patch_object(state, kind, &scoped(kind), name, t, body)
        }
        Action::Delete {
            resource,
            name,
            grace_period_seconds,
        } => {
            let kind = kind_for(resource)?;
            state
                .delete(kind, &scoped(kind), name, *grace_period_seconds)
                .map(|_| ())
                .map_err(|e| e.message)
        }
        Action::Readiness {
            pod,
            container,
            ready,
        } => {
            state
                .kubelet
                .set_readiness(&ns, pod, container.as_deref(), *ready);
            Ok(())
        }
        Action::Crash {
            pod,
            container,
            restarts,
        } => {
            state.kubelet.crash(&ns, pod, container, *restarts);
            Ok(())
        }
        Action::FailNode(node) => {
            let node = match node {
                NodeRef::Node(n) => n.clone(),
                NodeRef::NodeOf(pod) => state
                    .get::<k8s_openapi::api::core::v1::Pod>(&ns, pod)
                    .and_then(|p| p.spec.and_then(|s| s.node_name))
                    .ok_or_else(|| format!("pod {ns}/{pod} is not on a node"))?,
            };
            kubelet::fail_node(state, &node);
            Ok(())
        }
        Action::RecoverNode { node } => {
            kubelet::recover_node(state, node);
            Ok(())
        }
        Action::Cordon { node } | Action::Uncordon { node } => {
            let unschedulable = matches!(step.action, Action::Cordon { .. });
            patch_object(
                state,
                Kind::Node,
                "",
                node,
                PatchType::Merge,
                &json!({"spec": {"unschedulable": if unschedulable { json!(true) } else { json!(null) }}}),
            )
        }
        Action::Resize { claim, size, .. } => patch_object(
            state,
            Kind::PersistentVolumeClaim,
            &ns,
            claim,
            PatchType::Merge,
            &json!({"spec": {"resources": {"requests": {"storage": size}}}}),
        ),
        Action::Usage { claim, used_bytes } => {
            state.storage.set_usage(&ns, claim, *used_bytes);
            Ok(())
        }
    }
}
