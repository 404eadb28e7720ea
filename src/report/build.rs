//! Report documents from the view structs (what the explorer shows: health,
//! partition sides, links, findings) and the store (the raw numbers and
//! timestamps those views format as text).

use jiff::Timestamp;

use super::*;
use crate::store::{self, Store, UpdateStrategy as StoreStrategy};
use crate::view::model as view;

/// What the views give for one set: its list row, its screen, and the
/// chains of each ordinal.
pub struct SetInput<'a> {
    pub row: &'a view::SetRow,
    pub detail: &'a view::SetDetail,
    pub chains: &'a [(i32, Vec<view::Chain>)],
}

/// The report of one set; `ordinals: false` gives the light form.
pub fn one(store: &Store, set: &SetInput, now: Timestamp, ordinals: bool) -> StatefulSetReport {
    let h = &set.detail.header;
    let raw = store.set(&h.namespace, &h.name);
    StatefulSetReport {
        api_version: API_VERSION,
        kind: KIND,
        generated_at: now,
        stateful_set: summary(raw, set, now),
        ordinals: ordinals.then(|| {
            set.detail
                .ordinals
                .iter()
                .map(|o| ordinal(store, &h.namespace, o, set.chains, now))
                .collect()
        }),
        findings: findings(&set.detail.findings),
    }
}

/// Every set in scope; `all_findings` are the scope's findings (also those
/// of no set).
pub fn list(
    store: &Store,
    sets: &[SetInput],
    all_findings: &[view::Finding],
    now: Timestamp,
    summary: bool,
) -> StatefulSetReportList {
    StatefulSetReportList {
        api_version: API_VERSION,
        kind: LIST_KIND,
        generated_at: now,
        summary,
        items: sets.iter().map(|s| one(store, s, now, !summary)).collect(),
        findings: findings(all_findings),
    }
}

fn age(then: Option<Timestamp>, now: Timestamp) -> Option<i64> {
    then.map(|t| (now.as_second() - t.as_second()).max(0))
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

fn health(h: Option<view::Severity>) -> Health {
    match h {
        None => Health::Ok,
        Some(view::Severity::Info) => Health::Info,
        Some(view::Severity::Warning) => Health::Warning,
        Some(view::Severity::Critical) => Health::Critical,
    }
}

fn severity(s: view::Severity) -> Severity {
    match s {
        view::Severity::Info => Severity::Info,
        view::Severity::Warning => Severity::Warning,
        view::Severity::Critical => Severity::Critical,
    }
}

fn conditions(list: &[store::Condition]) -> Vec<Condition> {
    list.iter()
        .map(|c| Condition {
            type_: c.type_.clone(),
            status: c.status.clone(),
            reason: non_empty(&c.reason),
            message: non_empty(&c.message),
            last_transition_at: c.since,
        })
        .collect()
}

fn summary(raw: Option<&store::StatefulSet>, set: &SetInput, now: Timestamp) -> SetSummary {
    let h = &set.detail.header;
    // The view came from this store, so the set is there; defaults keep a
    // race-free pure function total anyway.
    let fallback = store::StatefulSet::default();
    let s = raw.unwrap_or(&fallback);
    let update_strategy = match &s.strategy {
        StoreStrategy::RollingUpdate {
            partition,
            max_unavailable,
        } => UpdateStrategy {
            type_: "RollingUpdate",
            partition: Some(*partition),
            max_unavailable: max_unavailable.clone(),
        },
        StoreStrategy::OnDelete => UpdateStrategy {
            type_: "OnDelete",
            partition: None,
            max_unavailable: None,
        },
    };
    SetSummary {
        namespace: h.namespace.clone(),
        name: h.name.clone(),
        created_at: s.created,
        age_seconds: age(s.created, now),
        selector: h.selector.clone(),
        service_name: h.service.clone(),
        pod_management_policy: h.policy.clone(),
        update_strategy,
        ordinals_start: s.ordinals_start,
        replicas: Replicas {
            desired: s.replicas,
            current: s.status.current,
            ready: s.status.ready,
            updated: s.status.updated,
            available: s.status.available,
        },
        revisions: Revisions {
            current: non_empty(&s.status.current_revision),
            update: non_empty(&s.status.update_revision),
        },
        claim_templates: s
            .templates
            .iter()
            .map(|t| ClaimTemplate {
                name: t.name.clone(),
                storage_class_name: t.storage_class.clone(),
                request_bytes: t.request_bytes,
                access_modes: t.access_modes.clone(),
            })
            .collect(),
        retention: Retention {
            when_deleted: s.when_deleted.clone(),
            when_scaled: s.when_scaled.clone(),
        },
        conditions: conditions(&s.status.conditions),
        images: h.images.clone(),
        rollout: Rollout {
            summary: set.row.rollout.clone(),
            detail: h.rollout.clone(),
        },
        health: health(set.row.health),
        finding_count: set.detail.findings.len(),
    }
}

fn ordinal(
    store: &Store,
    namespace: &str,
    o: &view::OrdinalRow,
    chains: &[(i32, Vec<view::Chain>)],
    now: Timestamp,
) -> OrdinalReport {
    let pod = store.pod(namespace, &o.pod).filter(|_| o.exists);
    OrdinalReport {
        ordinal: o.ordinal,
        pod: o.pod.clone(),
        exists: o.exists,
        pod_status: pod.map(|p| PodStatus {
            status: p.status_text.clone(),
            phase: p.phase.clone(),
            ready: p.ready,
            ready_containers: p.ready_containers,
            total_containers: p.total_containers,
            restarts: p.restarts,
            last_restart_at: p.last_restart,
            last_restart_age_seconds: age(p.last_restart, now),
            node: non_empty(&p.node),
            ip: non_empty(&p.ip),
            created_at: p.created,
            age_seconds: age(p.created, now),
            deleting_since: p.deleting,
        }),
        revision: RevisionMark {
            hash: non_empty(&o.revision.hash),
            is_update: o.revision.is_update,
            is_current: o.revision.is_current,
        },
        partition: match o.partition {
            view::PartitionSide::Updates => PartitionSide::Updates,
            view::PartitionSide::HeldBack => PartitionSide::Heldback,
            view::PartitionSide::None => PartitionSide::None,
        },
        beyond_replicas: o.beyond_replicas,
        health: health(o.health),
        volumes: chains
            .iter()
            .filter(|(n, _)| *n == o.ordinal)
            .flat_map(|(_, list)| list)
            .map(|c| chain(store, namespace, c, now))
            .collect(),
    }
}

fn link<T, U>(l: &view::Link<T>, present: impl FnOnce(&T) -> U) -> Link<U> {
    match l {
        view::Link::Present(t) => Link::Present(present(t)),
        view::Link::Missing(why) => Link::Missing {
            reason: why.clone(),
        },
        view::Link::Hidden(why) => Link::Hidden {
            reason: why.clone(),
        },
    }
}

fn chain(store: &Store, namespace: &str, c: &view::Chain, now: Timestamp) -> VolumeChain {
    let claim = match &c.claim {
        view::Link::Present(info) => store.claim(namespace, &info.name),
        _ => None,
    };
    VolumeChain {
        template: c.template.clone(),
        claim: link(&c.claim, |info| ClaimReport {
            name: info.name.clone(),
            phase: info.phase.clone(),
            request_bytes: claim.and_then(|x| x.request_bytes),
            capacity_bytes: claim.and_then(|x| x.capacity_bytes),
            access_modes: claim.map(|x| x.access_modes.clone()).unwrap_or_default(),
            conditions: claim.map(|x| conditions(&x.conditions)).unwrap_or_default(),
            created_at: claim.and_then(|x| x.created),
            age_seconds: age(claim.and_then(|x| x.created), now),
            deleting: info.deleting,
        }),
        volume: link(&c.volume, |v| VolumeReport {
            name: v.name.clone(),
            phase: v.phase.clone(),
            capacity_bytes: store.volume(&v.name).and_then(|x| x.capacity_bytes),
            reclaim_policy: v.reclaim_policy.clone(),
            source: v.source.clone(),
            node_affinity: non_empty(&v.node_affinity),
        }),
        storage_class: link(&c.class, |k| ClassReport {
            name: k.name.clone(),
            provisioner: k.provisioner.clone(),
            reclaim_policy: k.reclaim_policy.clone(),
            volume_binding_mode: k.binding_mode.clone(),
            allow_volume_expansion: k.allow_expansion,
            is_default: k.is_default,
        }),
        usage: usage(store, namespace, c),
    }
}

/// Known when the view shows figures (the store then holds them raw).
fn usage(store: &Store, namespace: &str, c: &view::Chain) -> Usage {
    let reported = match &c.claim {
        view::Link::Present(info) => store.usage(namespace, &info.name),
        _ => None,
    };
    match (&c.usage, reported) {
        (view::UsageView::Known { fraction, .. }, Some(r)) => {
            let u = &r.usage;
            let inodes = (u.inodes > 0).then_some(u.inodes);
            Usage::Known(UsageFigures {
                used_bytes: u.used_bytes,
                capacity_bytes: u.capacity_bytes,
                available_bytes: u.available_bytes,
                fraction: *fraction,
                inodes_used: inodes.map(|_| u.inodes_used),
                inodes,
                inode_fraction: inodes.map(|n| (u.inodes_used as f64 / n as f64).clamp(0.0, 1.0)),
                node: r.node.clone(),
                reported_at: r.at,
                forecast: c.capacity.as_ref().map(|k| Box::new(forecast(k, r.at))),
            })
        }
        (view::UsageView::Unknown(why), _) => Usage::Unknown {
            reason: why.clone(),
        },
        (view::UsageView::Known { .. }, None) => Usage::Unknown {
            reason: "not reported".into(),
        },
    }
}

/// The capacity view's figures, typed; `full_at` counts from the last report.
fn forecast(k: &view::CapacityView, reported: Timestamp) -> ForecastReport {
    let full_at = k.full_in_secs.and_then(|secs| {
        jiff::SignedDuration::try_from_secs_f64(secs)
            .ok()
            .and_then(|d| reported.checked_add(d).ok())
    });
    ForecastReport {
        samples: k.samples,
        fit_samples: k.fit_samples,
        oldest_sample_at: k.oldest.parse().ok(),
        bytes_per_day: k.bytes_per_day,
        bytes_full_in_seconds: k.bytes_full_in_secs,
        inodes_per_day: k.inodes_per_day,
        inodes_full_in_seconds: k.inodes_full_in_secs,
        runs_out: k.runs_out.map(|r| match r {
            crate::view::forecast::Resource::Bytes => RunsOut::Bytes,
            crate::view::forecast::Resource::Inodes => RunsOut::Inodes,
        }),
        full_in_seconds: k.full_in_secs,
        full_at,
    }
}

fn findings(list: &[view::Finding]) -> Vec<FindingReport> {
    list.iter()
        .map(|f| FindingReport {
            severity: severity(f.severity),
            code: f.code.to_string(),
            title: f.title.clone(),
            detail: f.detail.clone(),
            objects: f
                .objects
                .iter()
                .map(|o| ObjectRef {
                    kind: o.kind.clone(),
                    namespace: non_empty(&o.namespace),
                    name: o.name.clone(),
                })
                .collect(),
        })
        .collect()
}
