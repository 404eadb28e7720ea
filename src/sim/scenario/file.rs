//! The Scenario document as written in a file: typed serde structs that
//! refuse unknown fields, and the duration and quantity fields. Reading a
//! document into them checks shapes and types; references between things
//! are checked afterwards, in `resolve`.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde::Deserialize;
use serde::de::{self, Deserializer, Unexpected, Visitor};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ScenarioDoc {
    #[allow(dead_code, reason = "checked before the typed read")]
    pub api_version: String,
    #[allow(dead_code, reason = "checked before the typed read")]
    pub kind: String,
    pub metadata: DocMetadata,
    pub spec: Option<SpecDoc>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocMetadata {
    pub name: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SpecDoc {
    pub namespace: Option<String>,
    pub description: Option<String>,
    pub warmup: Option<Dur>,
    #[serde(default)]
    pub workloads: Vec<WorkloadDoc>,
    #[serde(default)]
    pub storage: Vec<StorageDoc>,
    #[serde(default)]
    pub timeline: Vec<StepDoc>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WorkloadDoc {
    pub statefulset: String,
    pub namespace: Option<String>,
    pub start_after: Option<Dur>,
    pub ready_after: Option<Dur>,
    /// Per claim template; a map keeps file order out, so messages about
    /// templates follow name order.
    #[serde(default)]
    pub volume_usage: BTreeMap<String, VolumeUsageDoc>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct VolumeUsageDoc {
    pub initial: Option<Qty>,
    pub growth_per_hour: Option<Qty>,
    pub inodes_used: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct StorageDoc {
    pub class: String,
    pub provision_after: Option<Dur>,
    pub resize_after: Option<Dur>,
    pub file_system_resize_after: Option<Dur>,
}

/// A timeline step: `at`, maybe `namespace`, and exactly one action (the
/// count is checked after reading, so the message can list them).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct StepDoc {
    pub at: Dur,
    pub namespace: Option<String>,
    pub scale: Option<ScaleDoc>,
    pub patch: Option<PatchDoc>,
    pub delete: Option<DeleteDoc>,
    pub readiness: Option<ReadinessDoc>,
    pub crash: Option<CrashDoc>,
    pub fail_node: Option<FailNodeDoc>,
    pub recover_node: Option<NodeDoc>,
    pub cordon: Option<NodeDoc>,
    pub uncordon: Option<NodeDoc>,
    pub resize: Option<ResizeDoc>,
    pub usage: Option<UsageDoc>,
}

impl StepDoc {
    /// The action keys this step sets, in the order of [`super::ACTIONS`].
    pub fn action_keys(&self) -> Vec<&'static str> {
        let set = [
            self.scale.is_some(),
            self.patch.is_some(),
            self.delete.is_some(),
            self.readiness.is_some(),
            self.crash.is_some(),
            self.fail_node.is_some(),
            self.recover_node.is_some(),
            self.cordon.is_some(),
            self.uncordon.is_some(),
            self.resize.is_some(),
            self.usage.is_some(),
        ];
        super::ACTIONS
            .iter()
            .zip(set)
            .filter(|(_, set)| *set)
            .map(|(key, _)| *key)
            .collect()
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleDoc {
    pub statefulset: String,
    pub replicas: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatchDoc {
    pub resource: String,
    pub name: String,
    #[serde(rename = "type")]
    pub patch_type: Option<PatchTypeDoc>,
    pub body: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PatchTypeDoc {
    Merge,
    Strategic,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DeleteDoc {
    pub resource: String,
    pub name: String,
    pub grace_period_seconds: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadinessDoc {
    pub pod: String,
    pub container: Option<String>,
    pub ready: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrashDoc {
    pub pod: String,
    pub container: String,
    pub restarts: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FailNodeDoc {
    pub node: Option<String>,
    pub node_of: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeDoc {
    pub node: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResizeDoc {
    pub claim: String,
    pub size: Qty,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsageDoc {
    pub claim: String,
    pub used: Qty,
}

/// A duration field: `30s`, `1h30m`, `1.5h`, `500ms`, or the number 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dur(pub Duration);

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Dur;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a duration with a unit such as 30s, 5m or 1h30m")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Dur, E> {
                crate::format::duration::parse(s)
                    .map(Dur)
                    .map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Dur, E> {
                match n {
                    0 => Ok(Dur(Duration::ZERO)),
                    n => Err(E::invalid_value(Unexpected::Unsigned(n), &self)),
                }
            }
        }
        de.deserialize_any(V)
    }
}

/// A quantity field, as bytes and as written: `10Gi`, `2.5Gi`, or a whole
/// number of bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Qty {
    pub bytes: u64,
    pub text: String,
}

impl<'de> Deserialize<'de> for Qty {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Qty;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a quantity such as 10Gi, 500M or 1024")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Qty, E> {
                crate::format::quantity::parse(s)
                    .map(|bytes| Qty {
                        bytes,
                        text: s.to_string(),
                    })
                    .map_err(|reason| E::custom(format!("invalid quantity `{s}`: {reason}")))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Qty, E> {
                Ok(Qty {
                    bytes: n,
                    text: n.to_string(),
                })
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Qty, E> {
                Err(E::custom(format!(
                    "{n} is not a whole non-negative number of bytes"
                )))
            }
            fn visit_f64<E: de::Error>(self, n: f64) -> Result<Qty, E> {
                Err(E::custom(format!(
                    "{n} is not a whole number of bytes; write quantities like 2.5Gi as strings"
                )))
            }
        }
        de.deserialize_any(V)
    }
}
