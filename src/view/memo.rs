//! Kept whole (over 800 lines): the memo and the generations it is keyed by are one idea.
//!
//! Derived views kept between frames, so a frame, a key press or the age
//! tick re-derives only what changed:
//!
//! - [`ListMemo`]: the StatefulSets list, one entry per set, re-derived only
//!   when [`Store::set_generation`] says the set's inputs changed or a time
//!   threshold in its findings passed (the horizon of [`health::set_tagged`]);
//!   ages are filled in fresh for every call.
//! - [`DetailMemo`]: the open set's screen, derived per ordinal: when its
//!   inputs, the second or the selected ordinal changed, the set-level parts
//!   are derived again, but an ordinal's row and findings only when
//!   [`Store::ordinal_generations`] says its Pod, claims, their volumes,
//!   usage or events changed (or the set, or anything shared), or a
//!   threshold in its findings passed; the rows that stand are updated in
//!   place (their ages each second).
//!
//! Both give the same result as deriving from scratch ([`super::set_rows`],
//! [`super::set_detail`]); the tests compare them over changing stores.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use jiff::Timestamp;

use crate::store::key::{KeyView, pair};
use crate::store::{Key, Store};

use super::health::{self, Tagged, worst};
use super::model::{EventRow, Finding, LogRow, SetDetail, SetRow, Severity};
use super::sets::{
    LOG_ROWS, Screen, assemble, log_row, logs, matches_filter, ordinal_part, set_events, set_part,
    set_row, update_event_ages, update_row_times,
};
use super::{Scope, age, ordinals_of};
use crate::store::{Kind, Pod, StatefulSet};

/// (store generation, scope, filter, second).
type ListKey = (u64, Scope, String, i64);
/// (namespace, name, set generation, second, selected ordinal).
type DetailKey = (String, String, u64, i64, Option<i32>);

/// The list's rows as frames share them.
pub type Rows = Arc<Vec<Arc<SetRow>>>;

struct Entry {
    generation: u64,
    derived_at: Timestamp,
    /// When a time threshold in the set's findings passes.
    until: Option<Timestamp>,
    /// The row, its age as of `age_second`.
    row: Arc<SetRow>,
    age_second: i64,
}

impl Entry {
    fn fresh(&self, generation: u64, now: Timestamp) -> bool {
        self.generation == generation
            && self.derived_at <= now
            && self.until.is_none_or(|u| now < u)
    }
}

/// The list rows, re-derived per set.
#[derive(Default)]
pub struct ListMemo {
    entries: HashMap<Key, Entry>,
    /// The last answer and what it was for.
    last: Option<(ListKey, Rows)>,
    /// How many set rows were derived so far (tests check that unchanged
    /// sets are not derived again).
    derived: usize,
}

impl ListMemo {
    /// [`super::set_rows`], re-deriving only the sets whose inputs changed;
    /// unchanged rows are shared with the previous answer, not copied.
    pub fn rows(&mut self, store: &Store, scope: &Scope, filter: &str, now: Timestamp) -> Rows {
        let key = (
            store.generation(),
            scope.clone(),
            filter.to_string(),
            now.as_second(),
        );
        if let Some((k, rows)) = &self.last
            && *k == key
        {
            return rows.clone();
        }
        // Let go of the last answer, so rows whose age changes are updated
        // in place rather than copied.
        self.last = None;
        let mut rows = Vec::new();
        for s in store
            .sets(scope.namespace.as_deref())
            .filter(|s| matches_filter(s, filter))
        {
            let generation = store.set_generation(&s.namespace, &s.name);
            let lookup = pair(&s.namespace, &s.name);
            let entry = match self.entries.get_mut(&lookup as &dyn KeyView) {
                Some(e) if e.fresh(generation, now) => e,
                _ => {
                    self.derived += 1;
                    let (tagged, until) = health::set_tagged(store, s, now);
                    let row = set_row(store, s, worst(tagged.iter()), tagged.len(), now);
                    let k = (s.namespace.clone(), s.name.clone());
                    let e = Entry {
                        generation,
                        derived_at: now,
                        until,
                        row: Arc::new(row),
                        age_second: now.as_second(),
                    };
                    self.entries.insert(k.clone(), e);
                    self.entries.get_mut(&k).expect("just inserted")
                }
            };
            // Ages tick each second; the rest of the row only on changes.
            if entry.age_second != now.as_second() {
                Arc::make_mut(&mut entry.row).age = age(s.created, now);
                entry.age_second = now.as_second();
            }
            rows.push(entry.row.clone());
        }
        // Forget sets that are gone (a full list names every set there is).
        if scope.namespace.is_none() && filter.trim().is_empty() && self.entries.len() > rows.len()
        {
            self.entries.retain(|(ns, n), _| store.set(ns, n).is_some());
        }
        let rows = Arc::new(rows);
        self.last = Some((key, rows.clone()));
        rows
    }
}

/// The open set's screen, derived per ordinal.
#[derive(Default)]
pub struct DetailMemo {
    last: Option<(DetailKey, Option<Arc<SetDetail>>)>,
    /// The open set's ordinal parts.
    open: Option<OpenSet>,
    /// How many ordinal parts were derived so far (tests check that a
    /// change to one Pod derives only its ordinal again).
    derived: usize,
    /// How many times the events and the log were derived in full.
    events_derived: usize,
    logs_derived: usize,
}

/// What is kept of the open set between derivations; its rows, findings,
/// events and log live in the last answer ([`DetailMemo::last`]) and are
/// updated in place.
struct OpenSet {
    key: Key,
    parts: BTreeMap<i32, Part>,
    /// The second the rows' ages are for.
    second: i64,
    /// Where each finding of the last answer came from, in its order.
    origins: Vec<Origin>,
    /// What the events were derived from: (event generation, set
    /// generation), and the time each row's age counts from.
    events_key: (u64, u64),
    event_times: Vec<Option<Timestamp>>,
    /// The log serial of each log row, and the serial the log is up to.
    log_serials: Vec<u64>,
    log_serial: u64,
    /// The set generation the log was derived for (its templates say which
    /// claims are its).
    log_set: u64,
}

/// Where a finding came from: the set-level part (`None`) or an ordinal's
/// (`Some(n)`), its place there, and the ordinal it is about. Ties in
/// [`health::order_in_set`] keep this order, as deriving from scratch does.
#[derive(Clone, Copy)]
struct Origin {
    part: Option<i32>,
    index: usize,
    ordinal: Option<i32>,
}

/// One ordinal's findings, and for which inputs and time they hold.
struct Part {
    generation: u64,
    derived_at: Timestamp,
    /// When a time threshold in its findings passes.
    until: Option<Timestamp>,
    /// How many findings it has (they live in the answer's list).
    findings: usize,
    /// Their worst.
    own: Option<Severity>,
}

impl Part {
    fn fresh(&self, generation: u64, now: Timestamp) -> bool {
        self.generation == generation
            && self.derived_at <= now
            && self.until.is_none_or(|u| now < u)
            // Findings tell ages ("not Ready for 45s"): they hold for the
            // second they were derived in.
            && (self.findings == 0 || self.derived_at.as_second() == now.as_second())
    }
}

impl DetailMemo {
    /// [`super::set_detail`], re-derived only when its inputs changed, and
    /// then only the parts whose inputs changed: each ordinal's row and
    /// findings only when [`Store::ordinal_generations`] says its inputs
    /// changed or a threshold in them passed (rows that stand get their
    /// ages moved on in place); the findings list by taking out the
    /// re-derived ordinals' findings and merging in their new ones; the
    /// events only when an Event or a set changed (ages moved on in place);
    /// the log by appending what was logged since. The header, rollout and
    /// set-level findings are derived again.
    pub fn detail(
        &mut self,
        store: &Store,
        namespace: &str,
        name: &str,
        selected: Option<i32>,
        now: Timestamp,
    ) -> Option<Arc<SetDetail>> {
        let key = (
            namespace.to_string(),
            name.to_string(),
            store.set_generation(namespace, name),
            now.as_second(),
            selected,
        );
        if let Some((k, detail)) = &self.last
            && *k == key
        {
            return detail.clone();
        }
        // Take the last answer for this set; once the frame that drew it is
        // gone its parts are ours to update without copying.
        let old = match self.last.take() {
            Some((k, Some(d))) if k.0 == namespace && k.1 == name => {
                Some(Arc::try_unwrap(d).unwrap_or_else(|d| SetDetail::clone(&d)))
            }
            _ => None,
        };
        let detail = self
            .derive(store, namespace, name, old, selected, now)
            .map(Arc::new);
        self.last = Some((key, detail.clone()));
        detail
    }

    fn derive(
        &mut self,
        store: &Store,
        namespace: &str,
        name: &str,
        old: Option<SetDetail>,
        selected: Option<i32>,
        now: Timestamp,
    ) -> Option<SetDetail> {
        let Some(s) = store.set(namespace, name) else {
            self.open = None;
            return None;
        };
        let same = matches!(&self.open, Some(o) if o.key.0 == namespace && o.key.1 == name);
        let old = match old {
            Some(d) if same => Some(d),
            // Nothing to build on: every part is derived.
            _ => {
                self.open = None;
                None
            }
        };
        let open = self.open.get_or_insert_with(|| OpenSet {
            key: (namespace.to_string(), name.to_string()),
            parts: BTreeMap::new(),
            second: now.as_second(),
            origins: Vec::new(),
            events_key: (u64::MAX, u64::MAX),
            event_times: Vec::new(),
            log_serials: Vec::new(),
            log_serial: 0,
            log_set: u64::MAX,
        });
        let (old_rows, old_findings, old_events, old_total, old_log) = match old {
            Some(d) => (d.ordinals, d.findings, d.events, d.events_total, d.log),
            None => Default::default(),
        };
        let pods: Vec<(i32, &Pod)> = store.pods_of_set(namespace, name).collect();
        let part = set_part(store, s, &pods, now);
        let all = ordinals_of(store, s, &pods);
        let generations = store.ordinal_generations(namespace, name);
        let tick = open.second != now.as_second();

        // Rows: both lists are in ordinal order, walk them side by side.
        let mut old_rows = old_rows.into_iter().peekable();
        let mut rows = Vec::with_capacity(all.len());
        // The re-derived ordinals' findings, in ordinal order.
        let mut new_findings: Vec<(i32, Vec<Tagged>)> = Vec::new();
        for &n in &all {
            while old_rows.next_if(|r| r.ordinal < n).is_some() {}
            let kept = old_rows.next_if(|r| r.ordinal == n);
            let generation = generations.of(n);
            let mut row = match kept {
                Some(mut row) if open.parts.get(&n).is_some_and(|p| p.fresh(generation, now)) => {
                    if tick {
                        update_row_times(&mut row, store.pod_of(namespace, name, n), now);
                    }
                    row
                }
                _ => {
                    self.derived += 1;
                    let p = ordinal_part(store, s, n, now);
                    open.parts.insert(
                        n,
                        Part {
                            generation,
                            derived_at: now,
                            until: p.until,
                            own: p.row.health,
                            findings: p.tagged.len(),
                        },
                    );
                    new_findings.push((n, p.tagged));
                    p.row
                }
            };
            row.health = part.health(n, open.parts[&n].own);
            rows.push(row);
        }
        if open.parts.len() > all.len() {
            open.parts.retain(|n, _| all.binary_search(n).is_ok());
        }
        open.second = now.as_second();

        let findings = merge_findings(open, old_findings, &part.tagged, new_findings);
        let (events, events_total) = self.events(store, s, old_events, old_total, now);
        let log = self.log(store, s, old_log);
        let screen = Screen {
            all: &all,
            rows,
            findings,
            events,
            events_total,
            log,
        };
        Some(assemble(store, s, &part, screen, selected, now))
    }

    /// The events, derived again when an Event or a set changed; else the
    /// old rows with their ages moved on.
    fn events(
        &mut self,
        store: &Store,
        s: &StatefulSet,
        mut rows: Vec<EventRow>,
        total: usize,
        now: Timestamp,
    ) -> (Vec<EventRow>, usize) {
        let open = self.open.as_mut().expect("the open set");
        let key = (
            store.kind_generation(Kind::Event),
            store.kind_generation(Kind::StatefulSet),
        );
        if open.events_key == key {
            update_event_ages(&mut rows, &open.event_times, now);
            return (rows, total);
        }
        self.events_derived += 1;
        let e = set_events(store, s, now);
        open.events_key = key;
        open.event_times = e.times;
        (e.rows, e.total)
    }

    /// The log: the old rows, less those the store's log has let go, plus
    /// what was logged since (derived in full when the set changed).
    fn log(&mut self, store: &Store, s: &StatefulSet, mut rows: Vec<LogRow>) -> Vec<LogRow> {
        let open = self.open.as_mut().expect("the open set");
        let serial = store.log_serial();
        let kept = store.log().len() as u64;
        let new = serial - open.log_serial.min(serial);
        let whole = store.kind_generation(Kind::StatefulSet);
        if open.log_set != whole || new > kept || rows.len() != open.log_serials.len() {
            self.logs_derived += 1;
            let first = serial - kept + 1;
            let mut serials = Vec::new();
            let mut rows = Vec::new();
            for (i, l) in store.log().enumerate() {
                if logs(s, l) {
                    serials.push(first + i as u64);
                    rows.push(log_row(l));
                }
            }
            let skip = rows.len().saturating_sub(LOG_ROWS);
            rows.drain(..skip);
            serials.drain(..skip);
            open.log_serials = serials;
            open.log_serial = serial;
            open.log_set = whole;
            return rows;
        }
        // Entries the store's log no longer holds go first.
        let oldest = serial - kept + 1;
        let gone = open.log_serials.partition_point(|&n| n < oldest);
        // What was logged since.
        for (i, l) in store.log().skip((kept - new) as usize).enumerate() {
            if logs(s, l) {
                open.log_serials.push(open.log_serial + 1 + i as u64);
                rows.push(log_row(l));
            }
        }
        let skip = gone.max(rows.len().saturating_sub(LOG_ROWS));
        rows.drain(..skip);
        open.log_serials.drain(..skip);
        open.log_serial = serial;
        rows
    }
}

/// The findings list of the answer: the old list less the set-level
/// findings and those of the re-derived or gone ordinals, merged with
/// their new findings, in the order deriving from scratch gives. Findings
/// that stand are moved, not copied.
fn merge_findings(
    open: &mut OpenSet,
    old: Vec<Finding>,
    set_level: &[Tagged],
    new: Vec<(i32, Vec<Tagged>)>,
) -> Vec<Finding> {
    let replaced = |part: Option<i32>| match part {
        None => true,
        Some(n) => {
            !open.parts.contains_key(&n) || new.binary_search_by_key(&n, |(m, _)| *m).is_ok()
        }
    };
    let mut list: Vec<(Origin, Finding)> = std::mem::take(&mut open.origins)
        .into_iter()
        .zip(old)
        .filter(|(o, _)| !replaced(o.part))
        .collect();
    let kept = list.len();
    for (index, t) in set_level.iter().enumerate() {
        let origin = Origin {
            part: None,
            index,
            ordinal: t.ordinal,
        };
        list.push((origin, t.finding.clone()));
    }
    for (n, tagged) in new {
        for (index, t) in tagged.into_iter().enumerate() {
            let origin = Origin {
                part: Some(n),
                index,
                ordinal: t.ordinal,
            };
            list.push((origin, t.finding));
        }
    }
    if list.len() > kept {
        // The kept ones are in order already: the sort merges the runs.
        list.sort_by(|(a, fa), (b, fb)| {
            health::order_in_set((fa, a.ordinal), (fb, b.ordinal))
                .then_with(|| (a.part, a.index).cmp(&(b.part, b.index)))
        });
    }
    let (origins, findings) = list.into_iter().unzip();
    open.origins = origins;
    findings
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use k8s_openapi::api::apps::v1::StatefulSet;

    use super::*;
    use crate::sim::controllers;
    use crate::sim::objects::EventType;
    use crate::sim::resources::Kind as SimKind;
    use crate::sim::state::SimState;
    use crate::store::StoreEvent;
    use crate::view::model::Finding;
    use crate::view::tests::{from_sim, sim_state_and_store};
    use crate::view::{set_detail, set_rows};

    /// One screen memo per set, as if each stayed open.
    type Details = HashMap<&'static str, DetailMemo>;

    /// Hands the store what the watches would have seen since `rv`, one
    /// change at a time, checking the list and two screens after each.
    fn sync(
        state: &SimState,
        store: &mut Store,
        rv: &mut u64,
        list: &mut ListMemo,
        details: &mut Details,
    ) -> usize {
        let changes = state.store.changes_since(*rv).unwrap();
        let n = changes.len();
        let now = state.now();
        for c in changes {
            *rv = c.rv;
            let Some(o) = from_sim(c.entry.object()) else {
                continue;
            };
            let event = match c.event_type {
                EventType::Deleted => StoreEvent::Deleted(o),
                _ => StoreEvent::Applied(o),
            };
            store.apply(event, now);
            let all = Scope::all();
            assert_eq!(
                unshared(list.rows(store, &all, "", now)),
                set_rows(store, &all, "", now),
                "list rows after {:?} {}/{}",
                c.kind(),
                c.entry.object().namespace(),
                c.entry.object().name()
            );
            for (ns, name, selected) in [("mysql", "mysql", None), ("kafka", "kafka", Some(1))] {
                let memo = details.entry(name).or_default();
                assert_eq!(
                    memo.detail(store, ns, name, selected, now).as_deref(),
                    set_detail(store, ns, name, selected, now).as_ref(),
                    "detail of {ns}/{name} after {:?} {}/{}",
                    c.kind(),
                    c.entry.object().namespace(),
                    c.entry.object().name()
                );
            }
        }
        n
    }

    fn unshared(rows: Rows) -> Vec<SetRow> {
        rows.iter().map(|r| SetRow::clone(r)).collect()
    }

    fn sorted(mut v: Vec<Finding>) -> Vec<Finding> {
        v.sort_by(|a, b| (a.code, &a.title, &a.detail).cmp(&(b.code, &b.title, &b.detail)));
        v
    }

    /// The memos and the per-set findings agree with deriving from scratch.
    fn check(list: &mut ListMemo, details: &mut Details, store: &Store, now: Timestamp) {
        for scope in [
            Scope::all(),
            Scope::namespace("mysql"),
            Scope::namespace("kafka"),
        ] {
            for filter in ["", "sample"] {
                assert_eq!(
                    unshared(list.rows(store, &scope, filter, now)),
                    set_rows(store, &scope, filter, now),
                    "list rows, scope {scope:?}, filter {filter:?}, at {now}"
                );
            }
        }
        for s in store.sets(None) {
            let key = Some((s.namespace.clone(), s.name.clone()));
            let (mine, until) = health::set_tagged(store, s, now);
            let scoped: Vec<Finding> = health::tagged(store, &Scope::namespace(&s.namespace), now)
                .into_iter()
                .filter(|t| t.set == key)
                .map(|t| t.finding)
                .collect();
            assert_eq!(
                sorted(mine.into_iter().map(|t| t.finding).collect()),
                sorted(scoped),
                "findings of {}/{} at {now}",
                s.namespace,
                s.name
            );
            assert!(until.is_none_or(|u| u > now), "a horizon lies ahead");
        }
        for (ns, name, selected) in [
            ("mysql", "mysql", None),
            ("mysql", "mysql", Some(2)),
            ("nfs-demo", "sample-statefulset", Some(1)),
            ("kafka", "kafka", None),
        ] {
            let memo = details.entry(name).or_default();
            assert_eq!(
                memo.detail(store, ns, name, selected, now).as_deref(),
                set_detail(store, ns, name, selected, now).as_ref(),
                "detail of {ns}/{name} at {now}"
            );
        }
    }

    #[test]
    fn memos_equal_fresh_derivation_as_the_cluster_and_the_clock_move() {
        let (mut state, mut store, _) = sim_state_and_store();
        let mut rv = state.store.resource_version();
        let mut list = ListMemo::default();
        let mut details = Details::new();
        let mut changes = 0;
        for i in 0..48 {
            match i {
                // Scale up and back down: Pods come and go, claims stay.
                8 => {
                    let mut s: StatefulSet = state.get("mysql", "mysql").unwrap();
                    s.spec.as_mut().unwrap().replicas = Some(5);
                    state.put(s).unwrap();
                }
                20 => {
                    let mut s: StatefulSet = state.get("mysql", "mysql").unwrap();
                    s.spec.as_mut().unwrap().replicas = Some(2);
                    state.put(s).unwrap();
                }
                14 => {
                    state
                        .delete(SimKind::Pod, "kafka", "kafka-1", Some(0))
                        .unwrap();
                }
                _ => {}
            }
            controllers::run_for(&mut state, Duration::from_secs(15));
            changes += sync(&state, &mut store, &mut rv, &mut list, &mut details);
            let now = state.now();
            check(&mut list, &mut details, &store, now);
            // The clock moves without store changes: thresholds pass.
            check(
                &mut list,
                &mut details,
                &store,
                now + jiff::SignedDuration::from_secs(10),
            );
        }
        assert!(changes > 100, "the cluster changed ({changes} changes)");
    }

    #[test]
    fn only_the_sets_a_change_touches_are_derived_again() {
        let (state, mut store, now) = sim_state_and_store();
        drop(state);
        let all = Scope::all();
        let mut list = ListMemo::default();
        let sets = list.rows(&store, &all, "", now).len();
        assert_eq!(list.derived, sets, "the first call derives every set");
        // The next second: ages move, nothing is derived again (the
        // stories' thresholds lie further ahead or behind).
        let next = now + jiff::SignedDuration::from_secs(1);
        list.rows(&store, &all, "", next);
        assert_eq!(list.derived, sets, "a clock tick derives nothing");
        // One Pod of mysql changes: only mysql is derived again.
        let mut pod = store.pod("mysql", "mysql-0").unwrap().clone();
        pod.restarts += 1;
        store.apply(StoreEvent::Applied(crate::store::Object::Pod(pod)), next);
        let rows = list.rows(&store, &all, "", next);
        assert_eq!(list.derived, sets + 1, "only the changed set");
        assert_eq!(unshared(rows), set_rows(&store, &all, "", next));
        // A class changes: every set may show it, so every set is derived.
        let class = store.classes().next().unwrap().clone();
        let mut changed = class.clone();
        changed.allow_expansion = !class.allow_expansion;
        store.apply(
            StoreEvent::Applied(crate::store::Object::StorageClass(changed)),
            next,
        );
        list.rows(&store, &all, "", next);
        assert_eq!(list.derived, 2 * sets + 1, "a shared change reaches all");
    }

    #[test]
    fn the_open_set_is_derived_again_only_when_its_inputs_change() {
        let (state, mut store, now) = sim_state_and_store();
        drop(state);
        let mut details = DetailMemo::default();
        let first = details.detail(&store, "mysql", "mysql", None, now).unwrap();
        let same = details.detail(&store, "mysql", "mysql", None, now).unwrap();
        assert!(
            Arc::ptr_eq(&first, &same),
            "nothing changed: the same screen"
        );
        // Another set's Pod changes: mysql's screen stays.
        let mut other = store.pod("kafka", "kafka-0").unwrap().clone();
        other.restarts += 1;
        store.apply(StoreEvent::Applied(crate::store::Object::Pod(other)), now);
        let after_other = details.detail(&store, "mysql", "mysql", None, now).unwrap();
        assert!(Arc::ptr_eq(&first, &after_other), "another set changed");
        // Its own Pod changes: derived again, and it shows the change.
        let mut own = store.pod("mysql", "mysql-0").unwrap().clone();
        own.restarts += 7;
        store.apply(StoreEvent::Applied(crate::store::Object::Pod(own)), now);
        let after_own = details.detail(&store, "mysql", "mysql", None, now).unwrap();
        assert!(!Arc::ptr_eq(&first, &after_own));
        assert_eq!(
            Some(&*after_own),
            set_detail(&store, "mysql", "mysql", None, now).as_ref()
        );
    }

    #[test]
    fn a_change_to_one_pod_derives_only_its_ordinal_again() {
        use crate::store::{Event, Object};
        let (state, mut store, now) = sim_state_and_store();
        drop(state);
        let (ns, name) = ("mysql", "mysql");
        let mut details = DetailMemo::default();
        let check = |details: &mut DetailMemo, store: &Store, now: Timestamp| {
            assert_eq!(
                details.detail(store, ns, name, None, now).as_deref(),
                set_detail(store, ns, name, None, now).as_ref(),
                "the screen at {now}"
            );
        };
        check(&mut details, &store, now);
        let rows = set_detail(&store, ns, name, None, now)
            .unwrap()
            .ordinals
            .len();
        assert!(rows >= 3, "mysql shows {rows} ordinals");
        assert_eq!(
            details.derived, rows,
            "the first call derives every ordinal"
        );

        // One Pod changes: its ordinal alone is derived again.
        let mut pod = store.pod(ns, "mysql-1").unwrap().clone();
        pod.restarts += 3;
        store.apply(StoreEvent::Applied(Object::Pod(pod)), now);
        check(&mut details, &store, now);
        assert_eq!(details.derived, rows + 1, "only mysql-1");

        // Another set's Pod: nothing is derived (the screen is the same).
        let mut other = store.pod("kafka", "kafka-0").unwrap().clone();
        other.restarts += 1;
        store.apply(StoreEvent::Applied(Object::Pod(other)), now);
        check(&mut details, &store, now);
        assert_eq!(details.derived, rows + 1, "another set changed");

        // A claim and a Warning event about a Pod: their ordinal alone.
        let template = store.set(ns, name).unwrap().templates[0].name.clone();
        let claim = store
            .claim(ns, &format!("{template}-mysql-2"))
            .expect("a claim of mysql-2")
            .clone();
        let mut changed = claim.clone();
        changed.request_bytes = changed.request_bytes.map(|b| b * 2);
        store.apply(StoreEvent::Applied(Object::Claim(changed)), now);
        check(&mut details, &store, now);
        assert_eq!(details.derived, rows + 2, "only the claim's ordinal");
        let event = Event {
            namespace: ns.into(),
            name: "mysql-0.warning".into(),
            type_: "Warning".into(),
            reason: "BackOff".into(),
            message: "Back-off restarting failed container".into(),
            involved: ("Pod".into(), ns.into(), "mysql-0".into()),
            count: 4,
            last_seen: Some(now),
        };
        store.apply(StoreEvent::Applied(Object::Event(event)), now);
        check(&mut details, &store, now);
        assert_eq!(details.derived, rows + 3, "only the event's ordinal");

        // The next second: ordinals with findings (their text tells ages)
        // are derived again, the others keep their findings and get their
        // ages moved on in place.
        let next = now + jiff::SignedDuration::from_secs(1);
        let s = store.set(ns, name).unwrap();
        let pods: Vec<_> = store.pods_of_set(&s.namespace, &s.name).collect();
        let with_findings = crate::view::ordinals_of(&store, s, &pods)
            .into_iter()
            .filter(|n| !health::ordinal_tagged(&store, s, *n, now).0.is_empty())
            .count();
        assert!(with_findings < rows, "some ordinals have no findings");
        check(&mut details, &store, next);
        assert_eq!(details.derived, rows + 3 + with_findings, "a clock tick");

        // The set itself changes: every ordinal is derived again.
        let mut set = store.set(ns, name).unwrap().clone();
        set.images.push("sidecar:1".into());
        store.apply(StoreEvent::Applied(Object::StatefulSet(set)), next);
        let before = details.derived;
        check(&mut details, &store, next);
        assert_eq!(details.derived, before + rows, "a set-level change");
    }

    #[test]
    fn findings_events_and_log_that_stand_are_kept_not_derived_again() {
        use crate::store::{Event, LOG_CAPACITY, Object};
        let (state, mut store, now) = sim_state_and_store();
        drop(state);
        let (ns, name) = ("mysql", "mysql");
        let mut details = DetailMemo::default();
        let check = |details: &mut DetailMemo, store: &Store| {
            let d = details.detail(store, ns, name, None, now).unwrap();
            assert_eq!(
                Some(&*d),
                set_detail(store, ns, name, None, now).as_ref(),
                "the screen"
            );
            d
        };
        let first = check(&mut details, &store);
        assert_eq!((details.events_derived, details.logs_derived), (1, 1));
        // A finding about another ordinal than the one that will change.
        let kept = first
            .findings
            .iter()
            .position(|f| f.code == "claim-orphaned" && f.title.contains("data-mysql-3"))
            .expect("ordinal 3's orphaned claim");
        let title = first.findings[kept].title.as_ptr();
        let log = first.log.len();
        // The frame that drew it is gone: the memo may reuse its parts.
        drop(first);

        let mut pod = store.pod(ns, "mysql-1").unwrap().clone();
        pod.restarts += 3;
        store.apply(StoreEvent::Applied(Object::Pod(pod)), now);
        let after = check(&mut details, &store);
        assert_eq!(after.log.len(), log + 1, "the change is logged");
        assert_eq!(
            (details.events_derived, details.logs_derived),
            (1, 1),
            "no Event changed; the log was appended to"
        );
        let moved = after
            .findings
            .iter()
            .find(|f| f.title.as_ptr() == title)
            .is_some();
        assert!(moved, "the other ordinal's finding was moved, not copied");
        drop(after);

        // A Warning event about the set: the events are derived again.
        let event = Event {
            namespace: ns.into(),
            name: "mysql.warning".into(),
            type_: "Warning".into(),
            reason: "FailedCreate".into(),
            message: "create Pod mysql-9 failed".into(),
            involved: ("StatefulSet".into(), ns.into(), name.into()),
            count: 1,
            last_seen: Some(now),
        };
        store.apply(StoreEvent::Applied(Object::Event(event)), now);
        check(&mut details, &store);
        assert_eq!(details.events_derived, 2);

        // More changes than the store's log keeps: old rows go, new ones
        // come, without deriving the log again.
        for i in 0..LOG_CAPACITY + 50 {
            let pod_name = format!("mysql-{}", i % 2);
            let mut pod = store.pod(ns, &pod_name).unwrap().clone();
            pod.restarts += 1;
            store.apply(StoreEvent::Applied(Object::Pod(pod)), now);
            if i % 97 == 0 {
                check(&mut details, &store);
            }
        }
        check(&mut details, &store);
        assert_eq!(details.logs_derived, 1, "the log was only appended to");
    }

    #[test]
    fn a_threshold_passing_rederives_only_through_the_horizon() {
        // A Pod that is not Ready is reported after a grace period: the list
        // must show it once the period passes, with no store change.
        let (state, store, now) = sim_state_and_store();
        drop(state);
        let mut list = ListMemo::default();
        let rows = unshared(list.rows(&store, &Scope::all(), "", now));
        let later = now + jiff::SignedDuration::from_secs(3600);
        let fresh = set_rows(&store, &Scope::all(), "", later);
        assert_eq!(unshared(list.rows(&store, &Scope::all(), "", later)), fresh);
        // Something in the stories changes with time alone.
        assert_ne!(
            rows.iter()
                .map(|r| (r.health, r.findings))
                .collect::<Vec<_>>(),
            fresh
                .iter()
                .map(|r| (r.health, r.findings))
                .collect::<Vec<_>>(),
            "the stories have time-dependent findings"
        );
    }
}
