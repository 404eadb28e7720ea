//! Feeds: what one watch delivers. A kind may come from several watches at
//! once (one per namespace under `-n a,b`; the Warning events of the scope
//! plus the other events of the open set's namespace), and some start and
//! stop while ordinal runs. A feed's re-list replaces only the objects that
//! feed holds, and a stopped feed takes only its own objects with it.
//! Plain data: the watch side says which feeds it runs.

use super::Kind;

/// Which objects of its kind and namespace a feed delivers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Part {
    /// Every object (Pods: every StatefulSet Pod, the server filters the rest).
    Whole,
    /// Warning events about anything but Pods (one feed per scope).
    Warnings,
    /// Warning events about Pods, in one namespace that holds StatefulSets
    /// (started and stopped as sets appear there and go).
    PodWarnings,
    /// Events of any other type.
    NotWarnings,
    /// ControllerRevisions owned by this StatefulSet (`selector`: its label
    /// selector, which the server filters by).
    OfSet { set: String, selector: String },
}

/// One watch's share of the store.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Feed {
    pub kind: Kind,
    /// `None`: all namespaces (and the cluster-scoped kinds).
    pub namespace: Option<String>,
    pub part: Part,
}

impl Feed {
    /// Every object of `kind` in `namespace` (or all).
    pub fn whole(kind: Kind, namespace: Option<&str>) -> Feed {
        Feed {
            kind,
            namespace: namespace.map(str::to_string),
            part: Part::Whole,
        }
    }

    /// Whether an object of this feed's kind, in `namespace`, with
    /// `(type, involved kind)` `event` (events) or owner `owner_set`
    /// (revisions), is one this feed delivers.
    pub fn holds(
        &self,
        namespace: &str,
        event: Option<(&str, &str)>,
        owner_set: Option<&str>,
    ) -> bool {
        if self.namespace.as_deref().is_some_and(|ns| ns != namespace) {
            return false;
        }
        match &self.part {
            Part::Whole => true,
            Part::Warnings => event.is_some_and(|(t, k)| t == "Warning" && k != "Pod"),
            Part::PodWarnings => event.is_some_and(|(t, k)| t == "Warning" && k == "Pod"),
            Part::NotWarnings => event.is_none_or(|(t, _)| t != "Warning"),
            Part::OfSet { set, .. } => owner_set == Some(set.as_str()),
        }
    }

    /// Whether this feed is started and stopped with the open set (its
    /// list says nothing about the kind as a whole).
    pub fn on_demand(&self) -> bool {
        matches!(self.part, Part::NotWarnings | Part::OfSet { .. })
    }
}

/// How far one feed's list got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FeedState {
    /// Objects received by the list under way (or by the last one).
    pub received: u64,
    /// The list finished (the feed is live, or reconnecting after it was).
    pub listed: bool,
    /// Lists finished so far (re-lists log what changed; first lists do not).
    pub lists: u32,
}
