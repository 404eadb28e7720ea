//! Watched objects parsed without `metadata.managedFields`.
//!
//! Servers send managedFields on every object (about half of a Pod's JSON
//! once a few managers have written it), and k8s-openapi parses their
//! `fieldsV1` into `serde_json::Value` trees: many small allocations per
//! object that the store's slim copy drops at once. [`Lean<K>`] parses `K`
//! through a deserializer that hands `K` the `managedFields` key under an
//! unknown name, so `K`'s own visitor skips the value (`IgnoredAny`, no
//! allocation). Only the top level and `metadata` are wrapped; everything
//! else goes straight to serde_json.
//!
//! This is kube-runtime's "trim at the edge", done while parsing rather
//! than after, so the full tree is never built.

use std::fmt;

use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::storage::v1 as storage;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::store::Object;

/// `K` as parsed without its managedFields (always `None`).
#[derive(Clone, Debug)]
pub struct Lean<K>(pub K);

impl<'de, K: Deserialize<'de>> Deserialize<'de> for Lean<K> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        K::deserialize(Wrapped {
            inner: d,
            level: Level::Top,
        })
        .map(Lean)
    }
}

impl<K: k8s_openapi::Resource> k8s_openapi::Resource for Lean<K> {
    const API_VERSION: &'static str = K::API_VERSION;
    const GROUP: &'static str = K::GROUP;
    const KIND: &'static str = K::KIND;
    const VERSION: &'static str = K::VERSION;
    const URL_PATH_SEGMENT: &'static str = K::URL_PATH_SEGMENT;
    type Scope = K::Scope;
}

impl<K: k8s_openapi::Metadata<Ty = ObjectMeta>> k8s_openapi::Metadata for Lean<K> {
    type Ty = ObjectMeta;
    fn metadata(&self) -> &ObjectMeta {
        self.0.metadata()
    }
    fn metadata_mut(&mut self) -> &mut ObjectMeta {
        self.0.metadata_mut()
    }
}

/// The store's slim copy of each watched kind, as of its full type.
macro_rules! slims {
    ($($k:ty),*) => {
        $(impl From<&Lean<$k>> for Object {
            fn from(o: &Lean<$k>) -> Object {
                Object::from(&o.0)
            }
        })*
    };
}

slims!(
    apps::StatefulSet,
    apps::ControllerRevision,
    core::Pod,
    core::PersistentVolumeClaim,
    core::PersistentVolume,
    core::Event,
    storage::StorageClass
);

/// The key managedFields is renamed to: no Kubernetes type has it, so the
/// type's visitor ignores its value.
const SKIPPED: &str = "\u{0}managedFields";

/// Which map a wrapper stands for.
#[derive(Clone, Copy)]
enum Level {
    /// The object: its `metadata` value is wrapped.
    Top,
    /// `metadata`: its `managedFields` key is renamed.
    Meta,
}

struct Wrapped<D> {
    inner: D,
    level: Level,
}

macro_rules! forward {
    ($($method:ident),*) => {
        $(fn $method<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Self::Error> {
            self.inner.$method(WrapVisitor { inner: v, level: self.level })
        })*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Wrapped<D> {
    type Error = D::Error;

    forward!(
        deserialize_any,
        deserialize_bool,
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_f32,
        deserialize_f64,
        deserialize_char,
        deserialize_str,
        deserialize_string,
        deserialize_bytes,
        deserialize_byte_buf,
        deserialize_option,
        deserialize_unit,
        deserialize_seq,
        deserialize_map,
        deserialize_identifier,
        deserialize_ignored_any
    );

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        v: V,
    ) -> Result<V::Value, Self::Error> {
        let level = self.level;
        self.inner
            .deserialize_unit_struct(name, WrapVisitor { inner: v, level })
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        v: V,
    ) -> Result<V::Value, Self::Error> {
        let level = self.level;
        self.inner
            .deserialize_newtype_struct(name, WrapVisitor { inner: v, level })
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, v: V) -> Result<V::Value, Self::Error> {
        let level = self.level;
        self.inner
            .deserialize_tuple(len, WrapVisitor { inner: v, level })
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        v: V,
    ) -> Result<V::Value, Self::Error> {
        let level = self.level;
        self.inner
            .deserialize_tuple_struct(name, len, WrapVisitor { inner: v, level })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, Self::Error> {
        let level = self.level;
        self.inner
            .deserialize_struct(name, fields, WrapVisitor { inner: v, level })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, Self::Error> {
        // No enum holds metadata: nothing to wrap below.
        self.inner.deserialize_enum(name, variants, v)
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// Passes everything to `inner`, wrapping a map's access.
struct WrapVisitor<V> {
    inner: V,
    level: Level,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for WrapVisitor<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.inner.visit_map(WrapMap {
            inner: map,
            level: self.level,
            metadata_next: false,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.inner.visit_seq(seq)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.inner.visit_some(Wrapped {
            inner: d,
            level: self.level,
        })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.inner.visit_newtype_struct(Wrapped {
            inner: d,
            level: self.level,
        })
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_none()
    }
    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_unit()
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<V::Value, E> {
        self.inner.visit_bool(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<V::Value, E> {
        self.inner.visit_i64(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<V::Value, E> {
        self.inner.visit_u64(v)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<V::Value, E> {
        self.inner.visit_f64(v)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        self.inner.visit_str(v)
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
        self.inner.visit_borrowed_str(v)
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<V::Value, E> {
        self.inner.visit_string(v)
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<V::Value, E> {
        self.inner.visit_bytes(v)
    }
    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<V::Value, E> {
        self.inner.visit_borrowed_bytes(v)
    }
    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<V::Value, E> {
        self.inner.visit_byte_buf(v)
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.inner.visit_enum(data)
    }
}

/// A map whose keys are looked at: the object's `metadata` value is
/// wrapped; metadata's `managedFields` key is renamed.
struct WrapMap<A> {
    inner: A,
    level: Level,
    /// The key just read was the object's `metadata`.
    metadata_next: bool,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for WrapMap<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let mut metadata = false;
        let key = self.inner.next_key_seed(KeySeed {
            inner: seed,
            level: self.level,
            metadata: &mut metadata,
        })?;
        self.metadata_next = metadata;
        Ok(key)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        if std::mem::take(&mut self.metadata_next) {
            self.inner.next_value_seed(MetaSeed(seed))
        } else {
            self.inner.next_value_seed(seed)
        }
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// Reads a key, notes `metadata` at the top, renames `managedFields` in
/// metadata, and hands the key to the type's own key seed.
struct KeySeed<'s, K> {
    inner: K,
    level: Level,
    /// Set when the key is the object's `metadata`.
    metadata: &'s mut bool,
}

impl<'de, K: DeserializeSeed<'de>> DeserializeSeed<'de> for KeySeed<'_, K> {
    type Value = K::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<K::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, K: DeserializeSeed<'de>> Visitor<'de> for KeySeed<'_, K> {
    type Value = K::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(mut self, v: &str) -> Result<K::Value, E> {
        let v = self.look(v);
        self.inner
            .deserialize(de::value::StrDeserializer::<E>::new(v))
    }

    fn visit_borrowed_str<E: de::Error>(mut self, v: &'de str) -> Result<K::Value, E> {
        let v = self.look(v);
        self.inner
            .deserialize(de::value::BorrowedStrDeserializer::<E>::new(v))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<K::Value, E> {
        self.visit_str(&v)
    }
}

impl<K> KeySeed<'_, K> {
    fn look<'k>(&mut self, key: &'k str) -> &'k str {
        match (self.level, key) {
            (Level::Top, "metadata") => {
                *self.metadata = true;
                key
            }
            (Level::Meta, "managedFields") => SKIPPED,
            _ => key,
        }
    }
}

/// The seed of the object's `metadata` value.
struct MetaSeed<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for MetaSeed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(Wrapped {
            inner: d,
            level: Level::Meta,
        })
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::Pod;

    use super::*;

    fn pod_json() -> serde_json::Value {
        serde_json::json!({
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": "web-0",
                "namespace": "db",
                "labels": {"managedFields": "a label may be called so", "app": "web"},
                "managedFields": [{
                    "manager": "kubelet",
                    "operation": "Update",
                    "apiVersion": "v1",
                    "fieldsType": "FieldsV1",
                    "fieldsV1": {"f:status": {"f:phase": {}}},
                    "subresource": "status"
                }],
                "resourceVersion": "42",
                "uid": "u-1"
            },
            "spec": {"containers": [{"name": "web", "image": "nginx"}], "nodeName": "n1"},
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}
        })
    }

    #[test]
    fn managed_fields_are_skipped_and_everything_else_parsed() {
        let text = serde_json::to_string(&pod_json()).expect("json");
        let lean: Lean<Pod> = serde_json::from_str(&text).expect("parses");
        let mut full: Pod = serde_json::from_str(&text).expect("parses");
        assert!(full.metadata.managed_fields.is_some());
        assert!(lean.0.metadata.managed_fields.is_none());
        full.metadata.managed_fields = None;
        assert_eq!(lean.0, full);
        // Only metadata's key is renamed: a label of that name stays.
        let labels = lean.0.metadata.labels.as_ref().expect("labels");
        assert_eq!(labels["managedFields"], "a label may be called so");
    }

    #[test]
    fn watch_events_parse_as_kube_reads_them() {
        let text = serde_json::json!({"type": "MODIFIED", "object": pod_json()}).to_string();
        let ev: kube::api::WatchEvent<Lean<Pod>> = serde_json::from_str(&text).expect("parses");
        let kube::api::WatchEvent::Modified(p) = ev else {
            panic!("not a modification");
        };
        assert!(p.0.metadata.managed_fields.is_none());
        assert_eq!(p.0.spec.and_then(|s| s.node_name).as_deref(), Some("n1"));
    }

    #[test]
    fn bad_objects_are_still_errors() {
        let mut v = pod_json();
        v["metadata"]["uid"] = serde_json::json!(7);
        assert!(serde_json::from_value::<Lean<Pod>>(v).is_err());
        let mut v = pod_json();
        v["kind"] = serde_json::json!("Node");
        assert!(serde_json::from_str::<Lean<Pod>>(&v.to_string()).is_err());
    }
}
