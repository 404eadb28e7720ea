//! The write side of the store: applying watch events (objects, lists,
//! feeds starting and stopping, watch errors, usage and history), with
//! the change log.

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;

use super::*;
impl Store {
    pub fn new() -> Store {
        Store {
            maps: Maps::default(),
            idx: Indexes::default(),
            sync: Default::default(),
            listed: [false; 8],
            feeds: BTreeMap::new(),
            usage: HashMap::new(),
            usage_by_node: HashMap::new(),
            usage_errors: BTreeMap::new(),
            history: HashMap::new(),
            history_source: HistorySource::default(),
            generation: 0,
            set_generations: HashMap::new(),
            shared_generation: 0,
            kind_generations: [0; 8],
            touched: Touched::Nothing,
            log: VecDeque::new(),
            log_serial: 0,
        }
    }

    /// Applies one event; true (and the generation bumped) when anything changed.
    pub fn apply(&mut self, event: StoreEvent, now: Timestamp) -> bool {
        let kind = event.kind();
        let changed = match event {
            StoreEvent::Applied(o) => self.applied(o, now),
            StoreEvent::Deleted(o) => self.deleted(o, now),
            StoreEvent::Restarted(kind, objects) => {
                self.relisted(Feed::whole(kind, None), objects, now)
            }
            StoreEvent::Relisted(feed, objects) => self.relisted(feed, objects, now),
            StoreEvent::Listing { feed, received } => self.listing(feed, received),
            StoreEvent::Stopped(feed) => self.stopped(feed, now),
            StoreEvent::OnDemand(kind) => {
                self.listed[kind.index()] = true;
                let slot = &mut self.sync[kind.index()];
                if matches!(slot, SyncState::Syncing) {
                    *slot = SyncState::Live { since: now };
                    self.touched.all();
                    true
                } else {
                    false
                }
            }
            StoreEvent::WatchError {
                kind,
                message,
                forbidden,
            } => {
                let slot = &mut self.sync[kind.index()];
                let next = if forbidden {
                    SyncState::Forbidden { message }
                } else {
                    let since = match slot {
                        SyncState::Reconnecting { since, .. } => *since,
                        _ => now,
                    };
                    SyncState::Reconnecting {
                        since,
                        error: message,
                    }
                };
                if *slot == next {
                    false
                } else {
                    *slot = next;
                    self.touched.all();
                    true
                }
            }
            StoreEvent::Usage { node, volumes } => self.usage_report(node, volumes, now),
            StoreEvent::UsageError {
                node,
                message,
                forbidden,
            } => {
                let mut changed = self.drop_usage_of(&node);
                self.touched.all();
                let err = UsageError { message, forbidden };
                if self.usage_errors.get(&node) != Some(&err) {
                    self.usage_errors.insert(node, err);
                    changed = true;
                }
                changed
            }
            StoreEvent::History { source, claims } => self.history_loaded(source, claims),
        };
        let touched = std::mem::take(&mut self.touched);
        if changed {
            self.generation += 1;
            if let Some(k) = kind {
                self.kind_generations[k.index()] = self.generation;
            }
            match touched {
                Touched::All => self.shared_generation = self.generation,
                Touched::Sets(keys) => {
                    for (k, ordinal) in keys {
                        if !self.maps.sets.contains_key(&k) {
                            self.set_generations.remove(&k);
                            continue;
                        }
                        let g = self.generation;
                        let c = self.set_generations.entry(k).or_default();
                        c.last = g;
                        match ordinal {
                            Some(n) => {
                                c.ordinals.insert(n, g);
                            }
                            None => c.whole = g,
                        }
                    }
                }
                Touched::Nothing => {}
            }
        }
        changed
    }

    fn applied(&mut self, o: Object, now: Timestamp) -> bool {
        match o {
            Object::StatefulSet(x) => self.upsert(x, now),
            Object::Pod(x) => self.upsert(x, now),
            Object::Claim(x) => self.upsert(x, now),
            Object::Volume(x) => self.upsert(x, now),
            Object::StorageClass(x) => self.upsert(x, now),
            Object::Node(x) => self.upsert(x, now),
            Object::Event(x) => self.upsert(x, now),
            Object::Revision(x) => self.upsert(x, now),
        }
    }

    fn deleted(&mut self, o: Object, now: Timestamp) -> bool {
        let key = o.key();
        match o.kind() {
            Kind::StatefulSet => self.remove::<StatefulSet>(&key, now),
            Kind::Pod => self.remove::<Pod>(&key, now),
            Kind::Claim => self.remove::<Claim>(&key, now),
            Kind::Volume => self.remove::<Volume>(&key, now),
            Kind::StorageClass => self.remove::<StorageClass>(&key, now),
            Kind::Node => self.remove::<Node>(&key, now),
            Kind::Event => self.remove::<Event>(&key, now),
            Kind::Revision => self.remove::<Revision>(&key, now),
        }
    }

    fn listing(&mut self, feed: Feed, received: u64) -> bool {
        let state = self.feeds.entry(feed).or_default();
        let next = FeedState {
            received,
            listed: false,
            lists: state.lists,
        };
        if *state == next {
            return false;
        }
        *state = next;
        // Progress shows on the status line, not in any set's view.
        true
    }

    fn relisted(&mut self, feed: Feed, objects: Vec<Object>, now: Timestamp) -> bool {
        let kind = feed.kind;
        let mut changed = match kind {
            Kind::StatefulSet => self.relist_feed::<StatefulSet>(&feed, objects, now),
            Kind::Pod => self.relist_feed::<Pod>(&feed, objects, now),
            Kind::Claim => self.relist_feed::<Claim>(&feed, objects, now),
            Kind::Volume => self.relist_feed::<Volume>(&feed, objects, now),
            Kind::StorageClass => self.relist_feed::<StorageClass>(&feed, objects, now),
            Kind::Node => self.relist_feed::<Node>(&feed, objects, now),
            Kind::Event => self.relist_feed::<Event>(&feed, objects, now),
            Kind::Revision => self.relist_feed::<Revision>(&feed, objects, now),
        };
        let state = self.feeds.entry(feed).or_default();
        state.listed = true;
        state.lists += 1;
        changed |= self.refresh_sync(kind, now);
        // The sets' list decides which namespaces' Pod warnings are
        // watched: the events wait for it.
        if kind == Kind::StatefulSet {
            changed |= self.refresh_sync(Kind::Event, now);
        }
        self.touched.all();
        changed
    }

    /// Marks `kind` live and synced once every feed of it has listed (one
    /// slow namespace keeps it syncing); events also wait for the sets'
    /// first list, which starts the watches of Pod warnings in the
    /// namespaces that hold sets (their feeds are known to the store
    /// before the sets' list lands).
    fn refresh_sync(&mut self, kind: Kind, now: Timestamp) -> bool {
        let mut of_kind = self.feeds.iter().filter(|(f, _)| f.kind == kind).peekable();
        let any = of_kind.peek().is_some();
        let all_listed = any
            && of_kind.all(|(_, s)| s.listed)
            && (kind != Kind::Event
                || self.listed[Kind::StatefulSet.index()]
                || !self.feeds.keys().any(|f| f.kind == Kind::StatefulSet));
        if !all_listed {
            return false;
        }
        self.listed[kind.index()] = true;
        let slot = &mut self.sync[kind.index()];
        if matches!(slot, SyncState::Live { .. }) {
            return false;
        }
        *slot = SyncState::Live { since: now };
        true
    }

    fn stopped(&mut self, feed: Feed, now: Timestamp) -> bool {
        let known = self.feeds.remove(&feed).is_some();
        let removed = match feed.kind {
            Kind::StatefulSet => self.drop_feed::<StatefulSet>(&feed),
            Kind::Pod => self.drop_feed::<Pod>(&feed),
            Kind::Claim => self.drop_feed::<Claim>(&feed),
            Kind::Volume => self.drop_feed::<Volume>(&feed),
            Kind::StorageClass => self.drop_feed::<StorageClass>(&feed),
            Kind::Node => self.drop_feed::<Node>(&feed),
            Kind::Event => self.drop_feed::<Event>(&feed),
            Kind::Revision => self.drop_feed::<Revision>(&feed),
        };
        // The remaining feeds may all have listed by now.
        let kind = feed.kind;
        let mut left = self.feeds.iter().filter(|(f, _)| f.kind == kind).peekable();
        let any_left = left.peek().is_some();
        let all_listed = any_left && left.all(|(_, s)| s.listed);
        if all_listed {
            self.listed[kind.index()] = true;
        }
        let slot = &mut self.sync[kind.index()];
        let live = all_listed && matches!(slot, SyncState::Syncing);
        if live {
            *slot = SyncState::Live { since: now };
        }
        if removed {
            self.touched.all();
        }
        known || removed || live
    }

    /// Removes the objects `feed` holds (no log: nothing happened to them).
    fn drop_feed<T: Slim>(&mut self, feed: &Feed) -> bool {
        let map = T::map_mut(&mut self.maps);
        let gone: Vec<Key> = map
            .iter()
            .filter(|(_, o)| o.in_feed(feed))
            .map(|(k, _)| k.clone())
            .collect();
        for k in &gone {
            if let Some(old) = T::map_mut(&mut self.maps).remove(k) {
                T::reindex(&mut self.idx, Some(&old), None);
            }
        }
        !gone.is_empty()
    }

    /// How many objects of `kind` the lists under way have received, when
    /// any is under way.
    pub fn receiving(&self, kind: Kind) -> Option<u64> {
        let mut out = None;
        for (f, s) in &self.feeds {
            if f.kind == kind && !s.listed && !f.on_demand() {
                *out.get_or_insert(0) += s.received;
            }
        }
        out
    }

    /// Whether `feed` has listed (false: unknown, or its list is under way).
    pub fn feed_listed(&self, feed: &Feed) -> bool {
        self.feeds.get(feed).is_some_and(|s| s.listed)
    }

    /// The feeds the store knows of, and how far each got.
    pub fn feeds(&self) -> impl Iterator<Item = (&Feed, &FeedState)> {
        self.feeds.iter()
    }

    fn push_log(&mut self, time: Timestamp, kind: Kind, key: Key, change: String) {
        if self.log.len() == LOG_CAPACITY {
            self.log.pop_front();
        }
        self.log_serial += 1;
        self.log.push_back(LogEntry {
            time,
            kind,
            key,
            change,
        });
    }

    fn upsert<T: Slim>(&mut self, obj: T, now: Timestamp) -> bool {
        let key = obj.key();
        let map = T::map_mut(&mut self.maps);
        let change = match map.get(&key) {
            Some(old) if *old == obj => return false,
            Some(old) => T::diff(old, &obj).join(", "),
            None => "created".to_string(),
        };
        obj.touches(&self.maps, &mut self.touched);
        let old = T::map_mut(&mut self.maps).insert(key.clone(), obj);
        if let Some(old) = &old {
            old.touches(&self.maps, &mut self.touched);
        }
        let map = T::map_mut(&mut self.maps);
        let new = map.get(&key);
        T::reindex(&mut self.idx, old.as_ref(), new);
        if T::LOGGED && !change.is_empty() {
            self.push_log(now, T::KIND, key, change);
        }
        true
    }

    fn remove<T: Slim>(&mut self, key: &Key, now: Timestamp) -> bool {
        let Some(old) = T::map_mut(&mut self.maps).remove(key) else {
            return false;
        };
        old.touches(&self.maps, &mut self.touched);
        T::reindex(&mut self.idx, Some(&old), None);
        if T::LOGGED {
            self.push_log(now, T::KIND, key.clone(), "deleted".into());
        }
        true
    }

    fn relist_feed<T: Slim>(&mut self, feed: &Feed, objects: Vec<Object>, now: Timestamp) -> bool {
        let whole = feed.namespace.is_none() && feed.part == Part::Whole;
        if whole {
            return self.relist::<T>(objects, now);
        }
        // Only this feed's share is replaced: take it out, put the list in.
        let new: BTreeMap<Key, T> = objects
            .into_iter()
            .filter_map(T::unwrap)
            .filter(|o| o.in_feed(feed))
            .map(|o| (o.key(), o))
            .collect();
        let map = T::map_mut(&mut self.maps);
        let keys: Vec<Key> = map
            .iter()
            .filter(|(_, o)| o.in_feed(feed))
            .map(|(k, _)| k.clone())
            .collect();
        let old: BTreeMap<Key, T> = keys
            .into_iter()
            .filter_map(|k| map.remove(&k).map(|o| (k, o)))
            .collect();
        let changed = old != new;
        let relist = self.feeds.get(feed).is_some_and(|s| s.lists > 0);
        if changed && T::LOGGED && relist {
            self.log_relist(&old, &new, now);
        }
        for o in old.values() {
            T::reindex(&mut self.idx, Some(o), None);
        }
        for (k, o) in new {
            T::reindex(&mut self.idx, None, Some(&o));
            T::map_mut(&mut self.maps).insert(k, o);
        }
        changed
    }

    fn relist<T: Slim>(&mut self, objects: Vec<Object>, now: Timestamp) -> bool {
        let new: BTreeMap<Key, T> = objects
            .into_iter()
            .filter_map(T::unwrap)
            .map(|o| (o.key(), o))
            .collect();
        let old = std::mem::take(T::map_mut(&mut self.maps));
        let changed = old != new;
        if changed && T::LOGGED && self.listed[T::KIND.index()] {
            self.log_relist(&old, &new, now);
        }
        drop(old);
        T::clear_index(&mut self.idx);
        for v in new.values() {
            T::reindex(&mut self.idx, None, Some(v));
        }
        *T::map_mut(&mut self.maps) = new;
        changed
    }

    /// Logs what a re-list changed.
    fn log_relist<T: Slim>(
        &mut self,
        old: &BTreeMap<Key, T>,
        new: &BTreeMap<Key, T>,
        now: Timestamp,
    ) {
        {
            let mut entries = Vec::new();
            for (k, o) in old {
                match new.get(k) {
                    None => entries.push((k.clone(), "deleted".to_string())),
                    Some(n) if n != o => {
                        let d = T::diff(o, n);
                        if !d.is_empty() {
                            entries.push((k.clone(), d.join(", ")));
                        }
                    }
                    Some(_) => {}
                }
            }
            for k in new.keys() {
                if !old.contains_key(k) {
                    entries.push((k.clone(), "created".to_string()));
                }
            }
            for (k, c) in entries {
                self.push_log(now, T::KIND, k, c);
            }
        }
    }

    fn drop_usage_of(&mut self, node: &str) -> bool {
        let Some(keys) = self.usage_by_node.remove(node) else {
            return false;
        };
        let mut changed = false;
        for k in keys {
            if self.usage.get(&k).is_some_and(|u| u.node == node) {
                self.touched.claim(&self.maps, &k.0, &k.1);
                self.usage.remove(&k);
                changed = true;
            }
        }
        changed
    }

    fn usage_report(
        &mut self,
        node: String,
        volumes: Vec<(Key, VolumeUsage)>,
        now: Timestamp,
    ) -> bool {
        let mut changed = self.usage_errors.remove(&node).is_some();
        if changed {
            self.touched.all();
        }
        // Every poll is a sample, changed or not: a flat stretch is a trend too.
        for (k, u) in &volumes {
            self.history
                .entry(k.clone())
                .or_default()
                .push(Sample::from_usage(now, u));
        }
        let same = self.usage_by_node.get(&node).is_some_and(|keys| {
            keys.len() == volumes.len()
                && volumes.iter().all(|(k, u)| {
                    self.usage
                        .get(k)
                        .is_some_and(|c| c.node == node && c.usage == *u)
                })
        });
        if same {
            return changed;
        }
        self.drop_usage_of(&node);
        let mut keys = Vec::with_capacity(volumes.len());
        for (k, usage) in volumes {
            self.touched.claim(&self.maps, &k.0, &k.1);
            self.usage.insert(
                k.clone(),
                ClaimUsage {
                    usage,
                    node: node.clone(),
                    at: now,
                },
            );
            keys.push(k);
        }
        self.usage_by_node.insert(node, keys);
        changed = true;
        changed
    }

    fn history_loaded(&mut self, source: HistorySource, claims: Vec<(Key, Vec<Sample>)>) -> bool {
        for (k, samples) in claims {
            self.touched.claim(&self.maps, &k.0, &k.1);
            self.history.entry(k).or_default().merge(samples);
        }
        if self.history_source != source {
            self.history_source = source;
            self.touched.all();
        }
        true
    }

    // ---- queries ----
}
