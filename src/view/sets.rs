//! The StatefulSets list and one StatefulSet's screen.

use jiff::Timestamp;

use crate::store::{Kind, LogEntry, Pod, StatefulSet, Store, UpdateStrategy, split_ordinal};

use super::chain;
use super::health::{self, Tagged, worst};
use super::model::{
    EventRow, Finding, LogRow, OrdinalRow, PartitionSide, RevisionMark, SetDetail, SetHeader,
    SetRow,
};
use super::rollout;
use super::{Scope, age, claim_name, ordinals_of};

/// How many change-log rows the set screen gets.
pub(crate) const LOG_ROWS: usize = 200;
/// How many event rows the set screen gets (the newest; the pane title
/// counts them all).
pub const EVENT_ROWS: usize = 500;

/// `RollingUpdate`, `RollingUpdate p=2`, `RollingUpdate p=1 mu=2`, `OnDelete`.
fn strategy_text(s: &StatefulSet) -> String {
    match &s.strategy {
        UpdateStrategy::OnDelete => "OnDelete".into(),
        UpdateStrategy::RollingUpdate {
            partition,
            max_unavailable,
        } => {
            let mut t = "RollingUpdate".to_string();
            if *partition > 0 {
                t.push_str(&format!(" p={partition}"));
            }
            if let Some(mu) = max_unavailable.as_ref().filter(|m| m.as_str() != "1") {
                t.push_str(&format!(" mu={mu}"));
            }
            t
        }
    }
}

pub(crate) fn matches_filter(s: &StatefulSet, filter: &str) -> bool {
    let f = filter.trim().to_lowercase();
    f.is_empty() || s.name.to_lowercase().contains(&f) || s.namespace.to_lowercase().contains(&f)
}

/// The StatefulSets list, sorted by namespace and name.
pub fn set_rows(store: &Store, scope: &Scope, filter: &str, now: Timestamp) -> Vec<SetRow> {
    let tagged = health::tagged(store, scope, now);
    // Findings grouped by set once, not scanned once per set.
    let mut by_set: std::collections::HashMap<(&str, &str), Vec<&Tagged>> =
        std::collections::HashMap::new();
    for t in &tagged {
        if let Some((ns, n)) = &t.set {
            by_set.entry((ns.as_str(), n.as_str())).or_default().push(t);
        }
    }
    store
        .sets(scope.ns())
        .filter(|s| matches_filter(s, filter))
        .map(|s| {
            let mine: &[&Tagged] = by_set
                .get(&(s.namespace.as_str(), s.name.as_str()))
                .map_or(&[], Vec::as_slice);
            set_row(store, s, worst(mine.iter().copied()), mine.len(), now)
        })
        .collect()
}

/// One list row, given the set's worst finding and how many it has.
pub(crate) fn set_row(
    store: &Store,
    s: &StatefulSet,
    health: Option<super::model::Severity>,
    findings: usize,
    now: Timestamp,
) -> SetRow {
    let syncing = health::syncing(store);
    SetRow {
        namespace: s.namespace.clone(),
        name: s.name.clone(),
        ready: format!("{}/{}", s.status.ready, s.replicas),
        updated: format!("{}/{}", s.status.updated, s.replicas),
        strategy: strategy_text(s),
        policy: s.pod_management.clone(),
        service: s.service.clone(),
        templates: s
            .templates
            .iter()
            .map(|t| t.name.clone())
            .collect::<Vec<_>>()
            .join(","),
        rollout: if syncing {
            // Pods not listed yet would read as missing ("creating").
            "syncing…".into()
        } else {
            rollout::analyse(store, s).short()
        },
        health,
        findings,
        age: age(s.created, now),
        syncing,
    }
}

fn revision_text(store: &Store, s: &StatefulSet, name: &str) -> String {
    if name.is_empty() {
        return String::new();
    }
    match store.revision(&s.namespace, name) {
        Some(r) => format!("{name} (rev {})", r.revision),
        None => name.to_string(),
    }
}

fn partition_side(s: &StatefulSet, ordinal: i32) -> PartitionSide {
    match &s.strategy {
        UpdateStrategy::RollingUpdate { partition, .. } if *partition > 0 => {
            if ordinal - s.ordinals_start >= *partition {
                PartitionSide::Updates
            } else {
                PartitionSide::HeldBack
            }
        }
        _ => PartitionSide::None,
    }
}

/// `3 (45s ago)` or `0`; empty without a Pod.
fn restarts_text(pod: Option<&Pod>, now: Timestamp) -> String {
    pod.map_or(String::new(), |p| match p.last_restart {
        Some(t) if p.restarts > 0 => format!("{} ({} ago)", p.restarts, age(Some(t), now)),
        _ => p.restarts.to_string(),
    })
}

/// Brings the parts of a row that move with the clock (the restart and Pod
/// ages) to `now`; the rest of the row stands while its ordinal's inputs do.
pub(crate) fn update_row_times(row: &mut OrdinalRow, pod: Option<&Pod>, now: Timestamp) {
    let restarts = restarts_text(pod, now);
    if row.restarts != restarts {
        row.restarts = restarts;
    }
    let a = pod.map_or(String::new(), |p| age(p.created, now));
    if row.age != a {
        row.age = a;
    }
}

fn ordinal_row(
    store: &Store,
    s: &StatefulSet,
    n: i32,
    health: Option<super::model::Severity>,
    now: Timestamp,
) -> OrdinalRow {
    let pod = store.pod_of(&s.namespace, &s.name, n);
    let claims = s
        .templates
        .iter()
        .map(|t| {
            let phase = match store.claim(&s.namespace, &claim_name(&t.name, &s.name, n)) {
                Some(c) if c.deleting.is_some() => "Terminating".to_string(),
                Some(c) => c.phase.clone(),
                None => "missing".to_string(),
            };
            (t.name.clone(), phase)
        })
        .collect();
    let revision = match pod {
        Some(p) if !p.revision.is_empty() => RevisionMark {
            hash: s.revision_hash(&p.revision).to_string(),
            is_update: p.revision == s.status.update_revision,
            is_current: p.revision == s.status.current_revision,
        },
        _ => RevisionMark {
            hash: String::new(),
            is_update: false,
            is_current: false,
        },
    };
    OrdinalRow {
        ordinal: n,
        pod: format!("{}-{n}", s.name),
        exists: pod.is_some(),
        status: pod.map_or("missing".into(), |p| p.status_text.clone()),
        ready: pod.map_or("-".into(), |p| {
            format!("{}/{}", p.ready_containers, p.total_containers)
        }),
        restarts: restarts_text(pod, now),
        node: pod.map_or(String::new(), |p| p.node.clone()),
        ip: pod.map_or(String::new(), |p| p.ip.clone()),
        age: pod.map_or(String::new(), |p| age(p.created, now)),
        revision,
        partition: partition_side(s, n),
        beyond_replicas: n < s.ordinals_start || n >= s.ordinals_end(),
        claims,
        health,
    }
}

fn wall_clock(t: Timestamp) -> String {
    t.to_zoned(jiff::tz::TimeZone::system())
        .strftime("%H:%M:%S")
        .to_string()
}

/// Whether a log entry concerns this set: the set, its Pods, its claims.
fn log_matches(s: &StatefulSet, kind: Kind, (namespace, name): (&str, &str)) -> bool {
    if namespace != s.namespace {
        return false;
    }
    match kind {
        Kind::StatefulSet => name == s.name,
        Kind::Pod => split_ordinal(name).is_some_and(|(set, _)| set == s.name),
        Kind::Claim => s.templates.iter().any(|t| {
            name.strip_prefix(t.name.as_str())
                .and_then(|r| r.strip_prefix('-'))
                .and_then(|r| split_ordinal(r))
                .is_some_and(|(set, _)| set == s.name)
        }),
        _ => false,
    }
}

/// One StatefulSet's screen; `None` when the set does not exist.
pub fn set_detail(
    store: &Store,
    namespace: &str,
    name: &str,
    selected_ordinal: Option<i32>,
    now: Timestamp,
) -> Option<SetDetail> {
    let s = store.set(namespace, name)?;
    let pods: Vec<(i32, &Pod)> = store.pods_of_set(namespace, name).collect();
    let part = set_part(store, s, &pods, now);
    let all = ordinals_of(store, s, &pods);
    let (mut rows, tagged): (Vec<OrdinalRow>, Vec<Vec<Tagged>>) = all
        .iter()
        .map(|n| {
            let p = ordinal_part(store, s, *n, now);
            (p.row, p.tagged)
        })
        .unzip();
    for row in &mut rows {
        row.health = part.health(row.ordinal, row.health);
    }
    let mut mine: Vec<&Tagged> = part.tagged.iter().chain(tagged.iter().flatten()).collect();
    health::sort_refs(&mut mine);
    let findings = mine.iter().map(|t| t.finding.clone()).collect();
    let events = set_events(store, s, now);
    Some(assemble(
        store,
        s,
        &part,
        Screen {
            all: &all,
            rows,
            findings,
            events: events.rows,
            events_total: events.total,
            log: set_log(store, s),
        },
        selected_ordinal,
        now,
    ))
}

/// One ordinal's share of the set screen: its row (health from its own
/// findings) and findings, and until when they hold if its inputs do.
pub(crate) struct OrdinalPart {
    pub row: OrdinalRow,
    pub tagged: Vec<Tagged>,
    pub until: Option<Timestamp>,
}

pub(crate) fn ordinal_part(store: &Store, s: &StatefulSet, n: i32, now: Timestamp) -> OrdinalPart {
    let (tagged, until) = health::ordinal_tagged(store, s, n, now);
    let row = ordinal_row(store, s, n, worst(tagged.iter()), now);
    OrdinalPart { row, tagged, until }
}

/// The set-level share of the screen: its rollout and the findings about
/// the set as a whole.
pub(crate) struct SetPart {
    rollout: rollout::Rollout,
    pub tagged: Vec<Tagged>,
}

/// The set-level part of its screen; `set_pods` as [`Store::pods_of_set`]
/// gives them (read once per derivation: a set may have 1,000 Pods).
pub(crate) fn set_part(
    store: &Store,
    s: &StatefulSet,
    set_pods: &[(i32, &Pod)],
    now: Timestamp,
) -> SetPart {
    let rollout = rollout::analyse_pods(s, set_pods);
    let (tagged, _) = health::set_level_tagged(store, s, &rollout, now);
    SetPart { rollout, tagged }
}

impl SetPart {
    /// An ordinal row's health: the worst of its own findings (`own`) and
    /// the set-level findings about that ordinal.
    pub(crate) fn health(
        &self,
        n: i32,
        own: Option<super::model::Severity>,
    ) -> Option<super::model::Severity> {
        self.tagged
            .iter()
            .filter(|t| t.ordinal == Some(n))
            .map(|t| t.finding.severity)
            .chain(own)
            .max()
    }
}

/// The parts of the screen derived on their own (by [`set_detail`] from
/// scratch, or kept between frames by [`super::memo::DetailMemo`]).
pub(crate) struct Screen<'a> {
    /// The ordinals shown, in order.
    pub all: &'a [i32],
    /// Their rows, health final.
    pub rows: Vec<OrdinalRow>,
    /// Every finding of the set, in [`health::order_in_set`] order.
    pub findings: Vec<Finding>,
    pub events: Vec<EventRow>,
    pub events_total: usize,
    pub log: Vec<LogRow>,
}

/// The screen from its parts.
pub(crate) fn assemble(
    store: &Store,
    s: &StatefulSet,
    part: &SetPart,
    screen: Screen<'_>,
    selected_ordinal: Option<i32>,
    now: Timestamp,
) -> SetDetail {
    let Screen {
        all,
        rows,
        findings,
        events,
        events_total,
        log,
    } = screen;
    let r = &part.rollout;
    let partition = match &s.strategy {
        UpdateStrategy::RollingUpdate { partition, .. } => Some(*partition),
        UpdateStrategy::OnDelete => None,
    };
    let header = SetHeader {
        namespace: s.namespace.clone(),
        name: s.name.clone(),
        selector: s.selector.clone(),
        service: s.service.clone(),
        strategy: strategy_text(s),
        partition,
        policy: s.pod_management.clone(),
        counts: vec![
            ("desired", s.replicas),
            ("ready", s.status.ready),
            ("updated", s.status.updated),
            ("current", s.status.current),
            ("available", s.status.available),
        ],
        current_revision: revision_text(store, s, &s.status.current_revision),
        update_revision: revision_text(store, s, &s.status.update_revision),
        retention: format!(
            "whenDeleted={} whenScaled={}",
            s.when_deleted, s.when_scaled
        ),
        conditions: s
            .status
            .conditions
            .iter()
            .map(|c| {
                if c.reason.is_empty() {
                    format!("{}={}", c.type_, c.status)
                } else {
                    format!("{}={} ({})", c.type_, c.status, c.reason)
                }
            })
            .collect(),
        images: s.images.clone(),
        age: age(s.created, now),
        rollout: r.long(s, now),
    };
    let selected = selected_ordinal
        .filter(|n| all.binary_search(n).is_ok())
        .or_else(|| all.first().copied());
    let chains = match selected {
        Some(n) => s
            .templates
            .iter()
            .map(|t| chain::chain(store, s, &t.name, n))
            .collect(),
        None => Vec::new(),
    };
    SetDetail {
        header,
        ordinals: rows,
        partition: match partition {
            Some(p) if p > 0 => Some(s.ordinals_start + p),
            _ => None,
        },
        chains,
        findings,
        events,
        events_total,
        log,
    }
}

/// The newest events about a set, its Pods and its claims (at most
/// [`EVENT_ROWS`]), with the time each age is counted from, and how many
/// there are in all.
pub(crate) struct SetEvents {
    pub rows: Vec<EventRow>,
    pub times: Vec<Option<Timestamp>>,
    pub total: usize,
}

pub(crate) fn set_events(store: &Store, s: &StatefulSet, now: Timestamp) -> SetEvents {
    let (namespace, name) = (s.namespace.as_str(), s.name.as_str());
    let mut events: Vec<&crate::store::Event> = store
        .events(Some(namespace))
        .filter(|e| {
            let (kind, ns, n) = &e.involved;
            ns == namespace
                && match kind.as_str() {
                    "StatefulSet" => n == name,
                    "Pod" => log_matches(s, Kind::Pod, (ns, n)),
                    "PersistentVolumeClaim" => log_matches(s, Kind::Claim, (ns, n)),
                    _ => false,
                }
        })
        .collect();
    // Newest first.
    events.sort_by(|a, b| b.last_seen.cmp(&a.last_seen).then(a.name.cmp(&b.name)));
    let total = events.len();
    events.truncate(EVENT_ROWS);
    let times = events.iter().map(|e| e.last_seen).collect();
    let rows = events
        .into_iter()
        .map(|e| {
            let (kind, _, n) = &e.involved;
            let short = match kind.as_str() {
                "StatefulSet" => "statefulset",
                "Pod" => "pod",
                _ => "pvc",
            };
            EventRow {
                age: age(e.last_seen, now),
                type_: e.type_.clone(),
                reason: e.reason.clone(),
                object: format!("{short}/{n}"),
                message: e.message.clone(),
                count: e.count,
            }
        })
        .collect();
    SetEvents { rows, times, total }
}

/// Brings event rows' ages to `now` (`times` as [`SetEvents::times`]).
pub(crate) fn update_event_ages(
    rows: &mut [EventRow],
    times: &[Option<Timestamp>],
    now: Timestamp,
) {
    for (row, t) in rows.iter_mut().zip(times) {
        let a = age(*t, now);
        if row.age != a {
            row.age = a;
        }
    }
}

/// The change log of a set's objects: the newest [`LOG_ROWS`], oldest
/// first (the live pane follows the tail).
pub(crate) fn set_log(store: &Store, s: &StatefulSet) -> Vec<LogRow> {
    let matching: Vec<_> = store.log().filter(|l| logs(s, l)).collect();
    let skip = matching.len().saturating_sub(LOG_ROWS);
    matching.into_iter().skip(skip).map(log_row).collect()
}

/// Whether a log entry belongs in the set's log.
pub(crate) fn logs(s: &StatefulSet, l: &LogEntry) -> bool {
    log_matches(s, l.kind, (&l.key.0, &l.key.1))
}

pub(crate) fn log_row(l: &LogEntry) -> LogRow {
    LogRow {
        time: wall_clock(l.time),
        object: format!("{}/{}", l.kind.short(), l.key.1),
        change: l.change.clone(),
    }
}
