//! Derived views kept between frames, so a frame, a key press or the age
//! tick re-derives only what changed:
//!
//! - [`ListMemo`]: the StatefulSets list, one entry per set, re-derived only
//!   when [`Store::set_generation`] says the set's inputs changed or a time
//!   threshold in its findings passed (the horizon of [`health::set_tagged`]);
//!   ages are filled in fresh for every call.
//! - [`DetailMemo`]: the open set's screen, re-derived when its inputs, the
//!   second (its ages and durations) or the selected ordinal changed.
//!
//! Both give the same result as deriving from scratch ([`super::set_rows`],
//! [`super::set_detail`]); the tests compare them over changing stores.

use std::collections::HashMap;
use std::sync::Arc;

use jiff::Timestamp;

use crate::store::key::{KeyView, pair};
use crate::store::{Key, Store};

use super::health::{self, worst};
use super::model::{SetDetail, SetRow};
use super::sets::{matches_filter, set_row};
use super::{Scope, age};

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

/// The open set's screen.
#[derive(Default)]
pub struct DetailMemo {
    last: Option<(DetailKey, Option<Arc<SetDetail>>)>,
}

impl DetailMemo {
    /// [`super::set_detail`], re-derived only when its inputs changed.
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
        let detail = super::set_detail(store, namespace, name, selected, now).map(Arc::new);
        self.last = Some((key, detail.clone()));
        detail
    }
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

    /// Hands the store what the watches would have seen since `rv`, one
    /// change at a time, checking the list and two screens after each.
    fn sync(
        state: &SimState,
        store: &mut Store,
        rv: &mut u64,
        list: &mut ListMemo,
        details: &mut DetailMemo,
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
            for (ns, name) in [("mysql", "mysql"), ("kafka", "kafka")] {
                assert_eq!(
                    details.detail(store, ns, name, None, now).as_deref(),
                    set_detail(store, ns, name, None, now).as_ref(),
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
    fn check(list: &mut ListMemo, details: &mut DetailMemo, store: &Store, now: Timestamp) {
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
            assert_eq!(
                details.detail(store, ns, name, selected, now).as_deref(),
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
        let mut details = DetailMemo::default();
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
