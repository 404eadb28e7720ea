//! Estimated memory of the store's slim objects: `size_of` plus the heap of
//! their strings, vectors and JSON values (allocation capacity, not counting
//! allocator overhead, map nodes or indexes).

use jiff::Timestamp;

use crate::store::{
    Claim, ClaimTemplate, Condition, Event, Kind, Node, Pod, Revision, SetStatus, StatefulSet,
    StorageClass, Store, UpdateStrategy, Volume,
};

/// Bytes an object owns on the heap.
pub trait Heap {
    fn heap(&self) -> usize;
}

impl Heap for String {
    fn heap(&self) -> usize {
        self.capacity()
    }
}

impl Heap for bool {
    fn heap(&self) -> usize {
        0
    }
}

macro_rules! no_heap {
    ($($t:ty),*) => {$(impl Heap for $t { fn heap(&self) -> usize { 0 } })*};
}
no_heap!(i32, i64, u32, u64, Timestamp);

impl<T: Heap> Heap for Option<T> {
    fn heap(&self) -> usize {
        self.as_ref().map_or(0, Heap::heap)
    }
}

impl<T: Heap> Heap for Vec<T> {
    fn heap(&self) -> usize {
        self.capacity() * std::mem::size_of::<T>() + self.iter().map(Heap::heap).sum::<usize>()
    }
}

impl<A: Heap, B: Heap> Heap for (A, B) {
    fn heap(&self) -> usize {
        self.0.heap() + self.1.heap()
    }
}

impl<A: Heap, B: Heap, C: Heap> Heap for (A, B, C) {
    fn heap(&self) -> usize {
        self.0.heap() + self.1.heap() + self.2.heap()
    }
}

impl Heap for serde_json::Value {
    fn heap(&self) -> usize {
        use serde_json::Value;
        match self {
            Value::String(s) => s.capacity(),
            Value::Array(a) => {
                a.capacity() * std::mem::size_of::<Value>()
                    + a.iter().map(Heap::heap).sum::<usize>()
            }
            Value::Object(m) => m
                .iter()
                // An indexmap entry: hash, key, value, plus the index slot.
                .map(|(k, v)| {
                    k.capacity()
                        + v.heap()
                        + std::mem::size_of::<(u64, String, Value)>()
                        + std::mem::size_of::<usize>()
                })
                .sum(),
            _ => 0,
        }
    }
}

/// Sums fields; destructuring without `..` makes a new field a compile error
/// here until it is counted.
macro_rules! heap_struct {
    ($t:ident { $($f:ident),* $(,)? }) => {
        impl Heap for $t {
            fn heap(&self) -> usize {
                let $t { $($f),* } = self;
                0 $(+ $f.heap())*
            }
        }
    };
}

heap_struct!(Condition {
    type_,
    status,
    reason,
    message,
    since
});
heap_struct!(ClaimTemplate {
    name,
    storage_class,
    request_bytes,
    access_modes
});
heap_struct!(SetStatus {
    observed_generation,
    replicas,
    ready,
    current,
    updated,
    available,
    current_revision,
    update_revision,
    conditions,
});
heap_struct!(StatefulSet {
    namespace,
    name,
    uid,
    created,
    deleting,
    generation,
    selector,
    service,
    replicas,
    ordinals_start,
    strategy,
    pod_management,
    templates,
    images,
    when_deleted,
    when_scaled,
    min_ready_seconds,
    status,
});
heap_struct!(Pod {
    namespace,
    name,
    uid,
    created,
    deleting,
    grace_seconds,
    owner_set,
    revision,
    node,
    ip,
    phase,
    reason,
    status_text,
    ready_containers,
    total_containers,
    ready,
    ready_since,
    restarts,
    last_restart,
    unschedulable,
    claims,
});
heap_struct!(Claim {
    namespace,
    name,
    uid,
    created,
    deleting,
    phase,
    storage_class,
    volume_name,
    request_bytes,
    capacity_bytes,
    access_modes,
    conditions,
    resize_status,
    selected_node,
});
heap_struct!(Volume {
    name,
    uid,
    created,
    deleting,
    phase,
    message,
    capacity_bytes,
    access_modes,
    reclaim_policy,
    storage_class,
    claim_ref,
    claim_uid,
    source,
    node_affinity,
    pinned_nodes,
});
heap_struct!(StorageClass {
    name,
    created,
    provisioner,
    reclaim_policy,
    binding_mode,
    allow_expansion,
    is_default,
});
heap_struct!(Node {
    name,
    created,
    hostname,
    ready,
    ready_reason,
    ready_since,
    unschedulable,
});
heap_struct!(Event {
    namespace,
    name,
    type_,
    reason,
    message,
    involved,
    count,
    last_seen,
});
heap_struct!(Revision {
    namespace,
    name,
    owner_set,
    revision,
    created,
    data,
    images,
});

impl Heap for UpdateStrategy {
    fn heap(&self) -> usize {
        match self {
            UpdateStrategy::RollingUpdate {
                max_unavailable, ..
            } => max_unavailable.heap(),
            UpdateStrategy::OnDelete => 0,
        }
    }
}

/// One map entry: the key `(namespace, name)` and the value, inline and on
/// the heap.
fn entry<T: Heap>(namespace: &str, name: &str, value: &T) -> usize {
    std::mem::size_of::<((String, String), T)>() + namespace.len() + name.len() + value.heap()
}

/// Estimated bytes of the store's objects of one kind (keys included; map
/// nodes and indexes not).
pub fn store_bytes(store: &Store, kind: Kind) -> usize {
    match kind {
        Kind::StatefulSet => store
            .sets(None)
            .map(|o| entry(&o.namespace, &o.name, o))
            .sum(),
        Kind::Pod => store
            .pods(None)
            .map(|o| entry(&o.namespace, &o.name, o))
            .sum(),
        Kind::Claim => store
            .claims(None)
            .map(|o| entry(&o.namespace, &o.name, o))
            .sum(),
        Kind::Volume => store.volumes().map(|o| entry("", &o.name, o)).sum(),
        Kind::StorageClass => store.classes().map(|o| entry("", &o.name, o)).sum(),
        Kind::Node => store.nodes().map(|o| entry("", &o.name, o)).sum(),
        Kind::Event => store
            .events(None)
            .map(|o| entry(&o.namespace, &o.name, o))
            .sum(),
        // No iterator over all revisions: go through the sets.
        Kind::Revision => store
            .sets(None)
            .flat_map(|s| store.revisions_of_set(&s.namespace, &s.name))
            .map(|o| entry(&o.namespace, &o.name, o))
            .sum(),
    }
}
