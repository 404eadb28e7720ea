//! How each slim kind lives in the store: its map, its indexes, what a
//! change to it touches (for the per-set generations) and how a change
//! reads in the change log.

use std::collections::BTreeMap;

use super::*;
impl Slim for StatefulSet {
    const KIND: Kind = Kind::StatefulSet;
    fn touches(&self, _maps: &Maps, out: &mut Touched) {
        out.set(&self.namespace, &self.name);
    }
    fn key(&self) -> Key {
        (self.namespace.clone(), self.name.clone())
    }
    fn map_mut(m: &mut Maps) -> &mut BTreeMap<Key, Self> {
        &mut m.sets
    }
    fn unwrap(o: Object) -> Option<Self> {
        match o {
            Object::StatefulSet(x) => Some(x),
            _ => None,
        }
    }
    fn diff(a: &Self, b: &Self) -> Vec<String> {
        let mut out = Vec::new();
        if a.replicas != b.replicas {
            out.push(format!("replicas {} → {}", a.replicas, b.replicas));
        }
        match (&a.strategy, &b.strategy) {
            (
                UpdateStrategy::RollingUpdate { partition: p, .. },
                UpdateStrategy::RollingUpdate { partition: q, .. },
            ) if p != q => out.push(format!("partition {p} → {q}")),
            (UpdateStrategy::OnDelete, UpdateStrategy::RollingUpdate { .. }) => {
                out.push("strategy OnDelete → RollingUpdate".into())
            }
            (UpdateStrategy::RollingUpdate { .. }, UpdateStrategy::OnDelete) => {
                out.push("strategy RollingUpdate → OnDelete".into())
            }
            _ => {}
        }
        if a.images != b.images {
            out.push(format!(
                "image {} → {}",
                a.images.join(","),
                b.images.join(",")
            ));
        }
        if a.status.update_revision != b.status.update_revision
            && !b.status.update_revision.is_empty()
        {
            out.push(format!(
                "revision {} → {}",
                a.revision_hash(&a.status.update_revision),
                b.revision_hash(&b.status.update_revision)
            ));
        }
        if a.status.ready != b.status.ready {
            out.push(format!(
                "ready {}/{} → {}/{}",
                a.status.ready, a.replicas, b.status.ready, b.replicas
            ));
        }
        if a.status.updated != b.status.updated
            && a.status.update_revision == b.status.update_revision
        {
            out.push(format!(
                "updated {}/{} → {}/{}",
                a.status.updated, a.replicas, b.status.updated, b.replicas
            ));
        }
        if a.status.current_revision != b.status.current_revision
            && b.status.current_revision == b.status.update_revision
            && !b.status.current_revision.is_empty()
        {
            out.push("rollout complete".into());
        }
        if a.deleting.is_none() && b.deleting.is_some() {
            out.push("deleting".into());
        }
        out
    }
}

impl Slim for Pod {
    const KIND: Kind = Kind::Pod;
    fn touches(&self, _maps: &Maps, out: &mut Touched) {
        out.pod(&self.namespace, self);
    }
    fn key(&self) -> Key {
        (self.namespace.clone(), self.name.clone())
    }
    fn map_mut(m: &mut Maps) -> &mut BTreeMap<Key, Self> {
        &mut m.pods
    }
    fn unwrap(o: Object) -> Option<Self> {
        match o {
            Object::Pod(x) => Some(x),
            _ => None,
        }
    }
    fn reindex(idx: &mut Indexes, old: Option<&Self>, new: Option<&Self>) {
        if let Some(old) = old
            && let Some((set, n)) = pod_slot(old)
        {
            let k = (old.namespace.clone(), set);
            if let Some(m) = idx.pods_by_set.get_mut(&k) {
                if m.get(&n) == Some(&old.name) {
                    m.remove(&n);
                }
                if m.is_empty() {
                    idx.pods_by_set.remove(&k);
                }
            }
        }
        if let Some(new) = new
            && let Some((set, n)) = pod_slot(new)
        {
            idx.pods_by_set
                .entry((new.namespace.clone(), set))
                .or_default()
                .insert(n, new.name.clone());
        }
    }
    fn clear_index(idx: &mut Indexes) {
        idx.pods_by_set.clear();
    }
    fn diff(a: &Self, b: &Self) -> Vec<String> {
        let mut out = Vec::new();
        if a.node != b.node {
            if a.node.is_empty() {
                out.push(format!("scheduled to {}", b.node));
            } else {
                out.push(format!("node {} → {}", a.node, b.node));
            }
        }
        if a.status_text != b.status_text {
            out.push(format!("{} → {}", a.status_text, b.status_text));
        }
        if (a.ready_containers, a.total_containers) != (b.ready_containers, b.total_containers) {
            out.push(format!(
                "ready {}/{} → {}/{}",
                a.ready_containers, a.total_containers, b.ready_containers, b.total_containers
            ));
        }
        if a.restarts != b.restarts {
            out.push(format!("restarts {} → {}", a.restarts, b.restarts));
        }
        if a.revision != b.revision && !a.revision.is_empty() {
            out.push(format!(
                "revision {} → {}",
                revision_suffix(&a.revision, a.owner_set.as_deref()),
                revision_suffix(&b.revision, b.owner_set.as_deref())
            ));
        }
        out
    }
}

fn revision_suffix<'a>(revision: &'a str, set: Option<&str>) -> &'a str {
    set.and_then(|s| revision.strip_prefix(s))
        .and_then(|r| r.strip_prefix('-'))
        .unwrap_or(revision)
}

impl Slim for Claim {
    const KIND: Kind = Kind::Claim;
    fn touches(&self, maps: &Maps, out: &mut Touched) {
        out.claim(maps, &self.namespace, &self.name);
    }
    fn key(&self) -> Key {
        (self.namespace.clone(), self.name.clone())
    }
    fn map_mut(m: &mut Maps) -> &mut BTreeMap<Key, Self> {
        &mut m.claims
    }
    fn unwrap(o: Object) -> Option<Self> {
        match o {
            Object::Claim(x) => Some(x),
            _ => None,
        }
    }
    fn diff(a: &Self, b: &Self) -> Vec<String> {
        let mut out = Vec::new();
        if a.phase != b.phase {
            out.push(format!("{} → {}", a.phase, b.phase));
        }
        if a.volume_name != b.volume_name && !b.volume_name.is_empty() {
            out.push(format!("volume {}", b.volume_name));
        }
        if a.request_bytes != b.request_bytes {
            out.push(format!(
                "request {} → {}",
                bytes_opt(a.request_bytes),
                bytes_opt(b.request_bytes)
            ));
        }
        if a.capacity_bytes != b.capacity_bytes && b.capacity_bytes.is_some() {
            out.push(format!(
                "capacity {} → {}",
                bytes_opt(a.capacity_bytes),
                bytes_opt(b.capacity_bytes)
            ));
        }
        for c in &b.conditions {
            if c.is_true() && a.condition(&c.type_).is_none() {
                out.push(c.type_.clone());
            }
        }
        for c in &a.conditions {
            if c.is_true() && b.condition(&c.type_).is_none() {
                out.push(format!("{} cleared", c.type_));
            }
        }
        if a.deleting.is_none() && b.deleting.is_some() {
            out.push("deleting".into());
        }
        out
    }
}

impl Slim for Volume {
    const KIND: Kind = Kind::Volume;
    fn touches(&self, maps: &Maps, out: &mut Touched) {
        if let Some((ns, claim)) = &self.claim_ref {
            out.claim(maps, ns, claim);
        }
    }
    fn key(&self) -> Key {
        (String::new(), self.name.clone())
    }
    fn map_mut(m: &mut Maps) -> &mut BTreeMap<Key, Self> {
        &mut m.volumes
    }
    fn unwrap(o: Object) -> Option<Self> {
        match o {
            Object::Volume(x) => Some(x),
            _ => None,
        }
    }
    fn reindex(idx: &mut Indexes, old: Option<&Self>, new: Option<&Self>) {
        if let Some(old) = old
            && let Some(c) = &old.claim_ref
        {
            idx.volumes_by_claim.remove_value(c, &old.name);
            if old.phase != "Bound" {
                idx.loose_volumes_by_claim.remove_value(c, &old.name);
            }
        }
        if let Some(new) = new
            && let Some(c) = &new.claim_ref
        {
            idx.volumes_by_claim
                .entry(c.clone())
                .or_default()
                .insert(new.name.clone());
            if new.phase != "Bound" {
                idx.loose_volumes_by_claim
                    .entry(c.clone())
                    .or_default()
                    .insert(new.name.clone());
            }
        }
    }
    fn clear_index(idx: &mut Indexes) {
        idx.volumes_by_claim.clear();
        idx.loose_volumes_by_claim.clear();
    }
    fn diff(a: &Self, b: &Self) -> Vec<String> {
        let mut out = Vec::new();
        if a.phase != b.phase {
            out.push(format!("{} → {}", a.phase, b.phase));
        }
        if a.claim_ref != b.claim_ref {
            match &b.claim_ref {
                Some((ns, n)) => out.push(format!("claimed by {ns}/{n}")),
                None => out.push("claimRef removed".into()),
            }
        }
        if a.capacity_bytes != b.capacity_bytes {
            out.push(format!(
                "capacity {} → {}",
                bytes_opt(a.capacity_bytes),
                bytes_opt(b.capacity_bytes)
            ));
        }
        if a.deleting.is_none() && b.deleting.is_some() {
            out.push("deleting".into());
        }
        out
    }
}

impl Slim for StorageClass {
    const KIND: Kind = Kind::StorageClass;
    fn key(&self) -> Key {
        (String::new(), self.name.clone())
    }
    fn map_mut(m: &mut Maps) -> &mut BTreeMap<Key, Self> {
        &mut m.classes
    }
    fn unwrap(o: Object) -> Option<Self> {
        match o {
            Object::StorageClass(x) => Some(x),
            _ => None,
        }
    }
    fn diff(a: &Self, b: &Self) -> Vec<String> {
        let mut out = Vec::new();
        if a.is_default != b.is_default {
            out.push(
                if b.is_default {
                    "now default"
                } else {
                    "no longer default"
                }
                .into(),
            );
        }
        if a.allow_expansion != b.allow_expansion {
            out.push(format!("allowVolumeExpansion {}", b.allow_expansion));
        }
        out
    }
}

impl Slim for Node {
    const KIND: Kind = Kind::Node;
    fn key(&self) -> Key {
        (String::new(), self.name.clone())
    }
    fn map_mut(m: &mut Maps) -> &mut BTreeMap<Key, Self> {
        &mut m.nodes
    }
    fn unwrap(o: Object) -> Option<Self> {
        match o {
            Object::Node(x) => Some(x),
            _ => None,
        }
    }
    fn diff(a: &Self, b: &Self) -> Vec<String> {
        let mut out = Vec::new();
        if a.ready != b.ready {
            out.push(format!(
                "{} → {}",
                phase_word(&a.ready),
                phase_word(&b.ready)
            ));
        }
        if a.unschedulable != b.unschedulable {
            out.push(
                if b.unschedulable {
                    "cordoned"
                } else {
                    "uncordoned"
                }
                .into(),
            );
        }
        out
    }
}

impl Slim for Event {
    const KIND: Kind = Kind::Event;
    const LOGGED: bool = false;
    fn in_feed(&self, feed: &Feed) -> bool {
        feed.holds(&self.namespace, Some((&self.type_, &self.involved.0)), None)
    }
    fn touches(&self, maps: &Maps, out: &mut Touched) {
        let (kind, ns, name) = &self.involved;
        match kind.as_str() {
            "StatefulSet" => out.set(ns, name),
            "Pod" => {
                if let Some((set, n)) = split_ordinal(name) {
                    out.ordinal(ns, set, n);
                }
                if let Some(p) = maps.pods.get(&(ns.clone(), name.clone())) {
                    out.pod(ns, p);
                }
            }
            "PersistentVolumeClaim" => out.claim(maps, ns, name),
            _ => {}
        }
    }
    fn key(&self) -> Key {
        (self.namespace.clone(), self.name.clone())
    }
    fn map_mut(m: &mut Maps) -> &mut BTreeMap<Key, Self> {
        &mut m.events
    }
    fn unwrap(o: Object) -> Option<Self> {
        match o {
            Object::Event(x) => Some(x),
            _ => None,
        }
    }
    fn reindex(idx: &mut Indexes, old: Option<&Self>, new: Option<&Self>) {
        if let Some(old) = old {
            let object = (old.involved.1.clone(), old.involved.2.clone());
            let key = (old.namespace.clone(), old.name.clone());
            idx.events_by_object.remove_value(&object, &key);
            if old.type_ == "Warning" {
                idx.warnings_by_object.remove_value(&object, &key);
            }
        }
        if let Some(new) = new {
            let object = (new.involved.1.clone(), new.involved.2.clone());
            let key = (new.namespace.clone(), new.name.clone());
            if new.type_ == "Warning" {
                idx.warnings_by_object
                    .entry(object.clone())
                    .or_default()
                    .insert(key.clone());
            }
            idx.events_by_object.entry(object).or_default().insert(key);
        }
    }
    fn clear_index(idx: &mut Indexes) {
        idx.events_by_object.clear();
        idx.warnings_by_object.clear();
    }
}

impl Slim for Revision {
    const KIND: Kind = Kind::Revision;
    fn in_feed(&self, feed: &Feed) -> bool {
        feed.holds(&self.namespace, None, self.owner_set.as_deref())
    }
    fn touches(&self, _maps: &Maps, out: &mut Touched) {
        // `<set>-<hash>`; the header names revisions of its set.
        let set = self
            .owner_set
            .as_deref()
            .or_else(|| self.name.rsplit_once('-').map(|(s, _)| s));
        if let Some(set) = set {
            out.set(&self.namespace, set);
        }
    }
    fn key(&self) -> Key {
        (self.namespace.clone(), self.name.clone())
    }
    fn map_mut(m: &mut Maps) -> &mut BTreeMap<Key, Self> {
        &mut m.revisions
    }
    fn unwrap(o: Object) -> Option<Self> {
        match o {
            Object::Revision(x) => Some(x),
            _ => None,
        }
    }
    fn reindex(idx: &mut Indexes, old: Option<&Self>, new: Option<&Self>) {
        if let Some(old) = old
            && let Some(s) = &old.owner_set
        {
            let k = (old.namespace.clone(), s.clone());
            if let Some(set) = idx.revisions_by_set.get_mut(&k) {
                set.remove(&old.name);
                if set.is_empty() {
                    idx.revisions_by_set.remove(&k);
                }
            }
        }
        if let Some(new) = new
            && let Some(s) = &new.owner_set
        {
            idx.revisions_by_set
                .entry((new.namespace.clone(), s.clone()))
                .or_default()
                .insert(new.name.clone());
        }
    }
    fn clear_index(idx: &mut Indexes) {
        idx.revisions_by_set.clear();
    }
}
