//! The read side of the store: lookups, index walks and generations.

use std::collections::BTreeSet;

use super::*;

impl Store {
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The generation of the last change that can alter what the views show
    /// for one StatefulSet: the set, its Pods, claims, their volumes, events
    /// and usage, and anything shared (classes, nodes, sync state, re-lists).
    /// Equal values mean the set's derived views are still valid (up to time
    /// thresholds).
    pub fn set_generation(&self, namespace: &str, name: &str) -> u64 {
        self.set_generations
            .get(k!(namespace, name))
            .map_or(0, |c| c.last)
            .max(self.shared_generation)
    }

    /// The generation of the last change to objects of `kind` (for views
    /// that read one kind across sets, such as a set's events).
    pub fn kind_generation(&self, kind: Kind) -> u64 {
        self.kind_generations[kind.index()]
    }

    /// Per ordinal of one StatefulSet, the generation of the last change
    /// that can alter what that ordinal shows: its Pod, its claims, their
    /// volumes, usage and events, and (for every ordinal) the set itself,
    /// its revisions and events, and anything shared. A change to one Pod
    /// moves only its ordinal's generation (and [`Store::set_generation`]).
    pub fn ordinal_generations(&self, namespace: &str, name: &str) -> OrdinalGenerations<'_> {
        let c = self.set_generations.get(k!(namespace, name));
        OrdinalGenerations {
            base: c.map_or(0, |c| c.whole).max(self.shared_generation),
            ordinals: c.map(|c| &c.ordinals),
        }
    }

    /// PVs not `Bound` (Released, Failed…) whose claimRef names a claim in
    /// `namespace` starting with `prefix`.
    pub fn loose_volumes_for_claim_prefix<'s, 'p>(
        &'s self,
        namespace: &'p str,
        prefix: &'p str,
    ) -> impl Iterator<Item = (&'s str, &'s Volume)> + 'p
    where
        's: 'p,
    {
        self.idx
            .loose_volumes_by_claim
            .range::<Key, _>((
                Bound::Included((namespace.to_string(), prefix.to_string())),
                Bound::Unbounded,
            ))
            .take_while(move |((ns, name), _)| ns == namespace && name.starts_with(prefix))
            .flat_map(move |((_, claim), names)| {
                names
                    .iter()
                    .filter_map(move |n| self.volume(n).map(|v| (claim.as_str(), v)))
            })
    }

    pub fn sync(&self, kind: Kind) -> &SyncState {
        &self.sync[kind.index()]
    }

    /// True once the kind is Live (or was listed and is reconnecting).
    pub fn is_synced(&self, kind: Kind) -> bool {
        self.listed[kind.index()]
    }

    /// The change log, oldest first.
    pub fn log(&self) -> impl DoubleEndedIterator<Item = &LogEntry> + ExactSizeIterator {
        self.log.iter()
    }

    /// How many entries were ever logged: the newest entry is number
    /// `log_serial()`, the oldest kept `log_serial() - log().len() + 1`.
    pub fn log_serial(&self) -> u64 {
        self.log_serial
    }

    /// Nodes of Running Pods that mount claims (the nodes worth polling for
    /// volume stats), in `namespace` or everywhere.
    pub fn nodes_hosting_claims(&self, namespace: Option<&str>) -> BTreeSet<String> {
        ns_range(&self.maps.pods, namespace)
            .map(|(_, p)| p)
            .filter(|p| p.phase == "Running" && !p.node.is_empty() && !p.claims.is_empty())
            .map(|p| p.node.clone())
            .collect()
    }

    pub fn sets(&self, namespace: Option<&str>) -> impl Iterator<Item = &StatefulSet> {
        ns_range(&self.maps.sets, namespace).map(|(_, v)| v)
    }

    pub fn set(&self, namespace: &str, name: &str) -> Option<&StatefulSet> {
        self.maps.sets.get(k!(namespace, name))
    }

    pub fn pods(&self, namespace: Option<&str>) -> impl Iterator<Item = &Pod> {
        ns_range(&self.maps.pods, namespace).map(|(_, v)| v)
    }

    pub fn pod(&self, namespace: &str, name: &str) -> Option<&Pod> {
        self.maps.pods.get(k!(namespace, name))
    }

    /// Pods of a StatefulSet by ordinal (owner reference or name pattern),
    /// in ordinal order.
    ///
    /// One walk of the namespace's Pods named `<set>-…` (they sit side by
    /// side in the map), each checked against the set's index, instead of a
    /// search of every Pod per ordinal: a 1,000-ordinal set is read each
    /// frame it is open. When the walk misses one the index names (a name
    /// the index keeps for another reason), the index is looked up instead.
    pub fn pods_of_set(&self, namespace: &str, set: &str) -> impl Iterator<Item = (i32, &Pod)> {
        let Some(slots) = self.idx.pods_by_set.get(k!(namespace, set)) else {
            return Vec::new().into_iter();
        };
        let prefix = format!("{set}-");
        let mut found: Vec<(i32, &Pod)> = self
            .maps
            .pods
            .range::<Key, _>((
                Bound::Included((namespace.to_string(), prefix.clone())),
                Bound::Unbounded,
            ))
            .take_while(|((ns, name), _)| ns == namespace && name.starts_with(&prefix))
            .filter_map(|((_, name), p)| {
                let n = name[prefix.len()..].parse::<i32>().ok()?;
                (slots.get(&n) == Some(name)).then_some((n, p))
            })
            .collect();
        if found.len() != slots.len() {
            found = slots
                .iter()
                .filter_map(|(n, name)| self.pod(namespace, name).map(|p| (*n, p)))
                .collect();
        }
        found.sort_unstable_by_key(|(n, _)| *n);
        found.into_iter()
    }

    /// The Pod of one ordinal of a StatefulSet.
    pub fn pod_of(&self, namespace: &str, set: &str, ordinal: i32) -> Option<&Pod> {
        let name = self
            .idx
            .pods_by_set
            .get(k!(namespace, set))?
            .get(&ordinal)?;
        self.pod(namespace, name)
    }

    pub fn claims(&self, namespace: Option<&str>) -> impl Iterator<Item = &Claim> {
        ns_range(&self.maps.claims, namespace).map(|(_, v)| v)
    }

    pub fn claim(&self, namespace: &str, name: &str) -> Option<&Claim> {
        self.maps.claims.get(k!(namespace, name))
    }

    /// Claims in `namespace` whose name starts with `prefix` (a range scan).
    pub fn claims_with_prefix<'s, 'p>(
        &'s self,
        namespace: &'p str,
        prefix: &'p str,
    ) -> impl Iterator<Item = &'s Claim> + 'p
    where
        's: 'p,
    {
        self.maps
            .claims
            .range::<Key, _>((
                Bound::Included((namespace.to_string(), prefix.to_string())),
                Bound::Unbounded,
            ))
            .take_while(move |((ns, name), _)| ns == namespace && name.starts_with(prefix))
            .map(|(_, c)| c)
    }

    pub fn volumes(&self) -> impl Iterator<Item = &Volume> {
        self.maps.volumes.values()
    }

    pub fn volume(&self, name: &str) -> Option<&Volume> {
        self.maps.volumes.get(k!("", name))
    }

    /// PVs whose claimRef names this claim (a Released PV keeps pointing at a
    /// deleted claim).
    pub fn volumes_for_claim(&self, namespace: &str, claim: &str) -> impl Iterator<Item = &Volume> {
        self.idx
            .volumes_by_claim
            .get(k!(namespace, claim))
            .into_iter()
            .flatten()
            .filter_map(|n| self.volume(n))
    }

    /// The PV bound to a claim: `spec.volumeName`, failing that a PV whose
    /// claimRef carries the claim's uid.
    pub fn volume_of_claim(&self, claim: &Claim) -> Option<&Volume> {
        if !claim.volume_name.is_empty() {
            return self.volume(&claim.volume_name);
        }
        self.volumes_for_claim(&claim.namespace, &claim.name)
            .find(|v| !claim.uid.is_empty() && v.claim_uid == claim.uid)
    }

    pub fn classes(&self) -> impl Iterator<Item = &StorageClass> {
        self.maps.classes.values()
    }

    pub fn class(&self, name: &str) -> Option<&StorageClass> {
        self.maps.classes.get(k!("", name))
    }

    /// Classes marked default, oldest first.
    pub fn default_classes(&self) -> Vec<&StorageClass> {
        let mut v: Vec<&StorageClass> = self.classes().filter(|c| c.is_default).collect();
        v.sort_by(|a, b| a.created.cmp(&b.created).then(a.name.cmp(&b.name)));
        v
    }

    pub fn nodes(&self) -> impl Iterator<Item = &Node> {
        self.maps.nodes.values()
    }

    pub fn node(&self, name: &str) -> Option<&Node> {
        self.maps.nodes.get(k!("", name))
    }

    /// The node with this name or `kubernetes.io/hostname` label.
    pub fn node_by_hostname(&self, hostname: &str) -> Option<&Node> {
        self.node(hostname)
            .or_else(|| self.nodes().find(|n| n.hostname == hostname))
    }

    pub fn events(&self, namespace: Option<&str>) -> impl Iterator<Item = &Event> {
        ns_range(&self.maps.events, namespace).map(|(_, v)| v)
    }

    /// Events whose involved object is `(kind, namespace, name)`
    /// (`kind` as Kubernetes spells it: `Pod`, `PersistentVolumeClaim`…).
    pub fn events_for(
        &self,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> impl Iterator<Item = &Event> {
        self.indexed_events(&self.idx.events_by_object, kind, namespace, name)
    }

    /// Warning events whose involved object is `(kind, namespace, name)`.
    pub fn warnings_for(
        &self,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> impl Iterator<Item = &Event> {
        self.indexed_events(&self.idx.warnings_by_object, kind, namespace, name)
    }

    fn indexed_events<'a, 'k>(
        &'a self,
        index: &'a HashMap<Key, BTreeSet<Key>>,
        kind: &'k str,
        namespace: &str,
        name: &str,
    ) -> impl Iterator<Item = &'a Event> + use<'a, 'k> {
        index
            .get(k!(namespace, name))
            .into_iter()
            .flatten()
            .filter_map(|k| self.maps.events.get(k))
            .filter(move |e| e.involved.0 == kind)
    }

    /// ControllerRevisions owned by a StatefulSet.
    pub fn revisions_of_set(&self, namespace: &str, set: &str) -> impl Iterator<Item = &Revision> {
        self.idx
            .revisions_by_set
            .get(k!(namespace, set))
            .into_iter()
            .flatten()
            .filter_map(move |n| self.maps.revisions.get(k!(namespace, n)))
    }

    pub fn revision(&self, namespace: &str, name: &str) -> Option<&Revision> {
        self.maps.revisions.get(k!(namespace, name))
    }

    pub fn usage(&self, namespace: &str, claim: &str) -> Option<&ClaimUsage> {
        self.usage.get(k!(namespace, claim))
    }

    /// The claim's usage samples, oldest first.
    pub fn history(&self, namespace: &str, claim: &str) -> Option<&History> {
        self.history.get(k!(namespace, claim))
    }

    pub fn history_source(&self) -> &HistorySource {
        &self.history_source
    }

    pub fn usage_error(&self, node: &str) -> Option<&UsageError> {
        self.usage_errors.get(node)
    }

    /// Namespaces that hold StatefulSets, Pods or claims, sorted.
    pub fn namespaces(&self) -> Vec<String> {
        let mut out = BTreeSet::new();
        fn distinct<T>(map: &BTreeMap<Key, T>, out: &mut BTreeSet<String>) {
            let mut next = map.keys().next().map(|(ns, _)| ns.clone());
            while let Some(ns) = next {
                let after = (format!("{ns}\0"), String::new());
                next = map
                    .range::<Key, _>((Bound::Included(after), Bound::Unbounded))
                    .next()
                    .map(|((n, _), _)| n.clone());
                if !ns.is_empty() {
                    out.insert(ns);
                }
            }
        }
        distinct(&self.maps.sets, &mut out);
        distinct(&self.maps.pods, &mut out);
        distinct(&self.maps.claims, &mut out);
        out.into_iter().collect()
    }

    /// Number of objects of a kind (for status lines and benchmarks).
    pub fn count(&self, kind: Kind) -> usize {
        match kind {
            Kind::StatefulSet => self.maps.sets.len(),
            Kind::Pod => self.maps.pods.len(),
            Kind::Claim => self.maps.claims.len(),
            Kind::Volume => self.maps.volumes.len(),
            Kind::StorageClass => self.maps.classes.len(),
            Kind::Node => self.maps.nodes.len(),
            Kind::Event => self.maps.events.len(),
            Kind::Revision => self.maps.revisions.len(),
        }
    }
}
