//! Protobuf request bodies (`application/vnd.kubernetes.protobuf`), which
//! kubectl's typed clients send for `create namespace`, `create configmap`
//! and `auth can-i`. The body is the `k8s\0` magic and a `runtime.Unknown`
//! envelope whose `raw` field holds the object; it is turned into the JSON
//! the rest of the server handles.
//!
//! Only the messages those commands send are known (field numbers from
//! k8s.io/api's `generated.proto`); anything else is refused with 415, so a
//! client can retry with JSON.

use base64::Engine;
use serde_json::{Map, Value, json};

use super::error::ApiError;

mod workloads;

pub const MEDIA_TYPE: &str = "application/vnd.kubernetes.protobuf";
const MAGIC: &[u8] = b"k8s\0";

/// Whether a Content-Type names the protobuf encoding.
pub fn is_protobuf(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case(MEDIA_TYPE))
}

/// How a field is encoded and shown in JSON.
#[derive(Clone, Copy)]
enum Ty {
    Str,
    Bool,
    Msg(&'static [Field]),
    /// A repeated message: a JSON list.
    Msgs(&'static [Field]),
    /// A varint integer (int32, int64).
    Int,
    StrMap,
    BytesMap,
    Strs,
}

type Field = (u64, &'static str, Ty);

const OBJECT_META: &[Field] = &[
    (1, "name", Ty::Str),
    (2, "generateName", Ty::Str),
    (3, "namespace", Ty::Str),
    (6, "resourceVersion", Ty::Str),
    (11, "labels", Ty::StrMap),
    (12, "annotations", Ty::StrMap),
    (14, "finalizers", Ty::Strs),
];

const NAMESPACE: &[Field] = &[
    (1, "metadata", Ty::Msg(OBJECT_META)),
    (2, "spec", Ty::Msg(&[(1, "finalizers", Ty::Strs)])),
];

const CONFIG_MAP: &[Field] = &[
    (1, "metadata", Ty::Msg(OBJECT_META)),
    (2, "data", Ty::StrMap),
    (3, "binaryData", Ty::BytesMap),
    (4, "immutable", Ty::Bool),
];

const SECRET: &[Field] = &[
    (1, "metadata", Ty::Msg(OBJECT_META)),
    (2, "data", Ty::BytesMap),
    (3, "type", Ty::Str),
    (4, "stringData", Ty::StrMap),
    (5, "immutable", Ty::Bool),
];

const RESOURCE_ATTRIBUTES: &[Field] = &[
    (1, "namespace", Ty::Str),
    (2, "verb", Ty::Str),
    (3, "group", Ty::Str),
    (4, "version", Ty::Str),
    (5, "resource", Ty::Str),
    (6, "subresource", Ty::Str),
    (7, "name", Ty::Str),
];

const ACCESS_REVIEW: &[Field] = &[
    (1, "metadata", Ty::Msg(OBJECT_META)),
    (
        2,
        "spec",
        Ty::Msg(&[
            (1, "resourceAttributes", Ty::Msg(RESOURCE_ATTRIBUTES)),
            (
                2,
                "nonResourceAttributes",
                Ty::Msg(&[(1, "path", Ty::Str), (2, "verb", Ty::Str)]),
            ),
        ]),
    ),
];

const TYPE_META: &[Field] = &[(1, "apiVersion", Ty::Str), (2, "kind", Ty::Str)];

fn message_for(kind: &str) -> Option<&'static [Field]> {
    Some(match kind {
        "Namespace" => NAMESPACE,
        "ConfigMap" => CONFIG_MAP,
        "Secret" => SECRET,
        "SelfSubjectAccessReview" => ACCESS_REVIEW,
        "Deployment" => workloads::DEPLOYMENT,
        "Job" => workloads::JOB,
        "CronJob" => workloads::CRON_JOB,
        "ServiceAccount" => workloads::SERVICE_ACCOUNT,
        _ => return None,
    })
}

/// Decodes a protobuf request body into the object's JSON.
pub fn to_json(body: &[u8]) -> Result<Value, ApiError> {
    let bad = |e: String| {
        ApiError::bad_request(format!(
            "the request body could not be decoded as protobuf: {e}"
        ))
    };
    let envelope = body
        .strip_prefix(MAGIC)
        .ok_or_else(|| bad("missing the k8s protobuf prefix".into()))?;
    let mut type_meta = Value::Null;
    let mut raw: &[u8] = &[];
    for field in Reader(envelope) {
        match field.map_err(bad)? {
            (1, Wire::Len(b)) => type_meta = decode(b, TYPE_META).map_err(bad)?,
            (2, Wire::Len(b)) => raw = b,
            _ => {}
        }
    }
    let kind = type_meta["kind"].as_str().unwrap_or_default().to_string();
    let Some(schema) = message_for(&kind) else {
        return Err(ApiError::unsupported_media_type(&format!(
            "{MEDIA_TYPE} ({kind})"
        )));
    };
    let mut object = decode(raw, schema).map_err(bad)?;
    object["apiVersion"] = type_meta["apiVersion"].clone();
    object["kind"] = json!(kind);
    Ok(object)
}

/// A field's wire value.
enum Wire<'b> {
    Varint(u64),
    Len(&'b [u8]),
    Fixed,
}

/// Iterates over the (field number, value) pairs of one message.
struct Reader<'b>(&'b [u8]);

impl Reader<'_> {
    fn varint(&mut self) -> Result<u64, String> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let (&b, rest) = self.0.split_first().ok_or("truncated varint")?;
            self.0 = rest;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("varint too long".into())
    }
}

impl<'b> Iterator for Reader<'b> {
    type Item = Result<(u64, Wire<'b>), String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.0.is_empty() {
            return None;
        }
        let item = (|| {
            let key = self.varint()?;
            let wire = match key & 7 {
                0 => Wire::Varint(self.varint()?),
                2 => {
                    let len = usize::try_from(self.varint()?).map_err(|e| e.to_string())?;
                    if len > self.0.len() {
                        return Err("truncated field".to_string());
                    }
                    let (b, rest) = self.0.split_at(len);
                    self.0 = rest;
                    Wire::Len(b)
                }
                1 | 5 => {
                    let n = if key & 7 == 1 { 8 } else { 4 };
                    if n > self.0.len() {
                        return Err("truncated field".to_string());
                    }
                    self.0 = &self.0[n..];
                    Wire::Fixed
                }
                t => return Err(format!("unsupported wire type {t}")),
            };
            Ok((key >> 3, wire))
        })();
        if item.is_err() {
            self.0 = &[];
        }
        Some(item)
    }
}

fn text(b: &[u8]) -> Result<String, String> {
    String::from_utf8(b.to_vec()).map_err(|e| e.to_string())
}

/// A map entry: key (1) and value (2).
fn entry(b: &[u8]) -> Result<(String, &[u8]), String> {
    let (mut key, mut value) = (String::new(), &[][..]);
    for f in Reader(b) {
        match f? {
            (1, Wire::Len(k)) => key = text(k)?,
            (2, Wire::Len(v)) => value = v,
            _ => {}
        }
    }
    Ok((key, value))
}

fn decode(bytes: &[u8], schema: &[Field]) -> Result<Value, String> {
    let mut out = Map::new();
    for f in Reader(bytes) {
        let (number, wire) = f?;
        let Some((_, name, ty)) = schema.iter().find(|(n, _, _)| *n == number) else {
            continue;
        };
        let name = name.to_string();
        match (ty, wire) {
            // Go's encoder writes empty strings that its JSON omits
            // (`omitempty`); dropping them lets defaulting see them as unset.
            (Ty::Str, Wire::Len(b)) => {
                if !b.is_empty() {
                    out.insert(name, json!(text(b)?));
                }
            }
            (Ty::Bool, Wire::Varint(v)) => {
                out.insert(name, json!(v != 0));
            }
            (Ty::Msg(inner), Wire::Len(b)) => {
                out.insert(name, decode(b, inner)?);
            }
            (Ty::Msgs(inner), Wire::Len(b)) => {
                let item = decode(b, inner)?;
                let list = out.entry(name).or_insert_with(|| json!([]));
                if let Some(a) = list.as_array_mut() {
                    a.push(item);
                }
            }
            (Ty::Int, Wire::Varint(v)) => {
                // int32 fields carry negatives as 64-bit two's complement.
                out.insert(name, json!(v as i64));
            }
            (Ty::Strs, Wire::Len(b)) => {
                let list = out.entry(name).or_insert_with(|| json!([]));
                if let Some(a) = list.as_array_mut() {
                    a.push(json!(text(b)?));
                }
            }
            (Ty::StrMap | Ty::BytesMap, Wire::Len(b)) => {
                let (k, v) = entry(b)?;
                let v = match ty {
                    Ty::StrMap => json!(text(v)?),
                    _ => json!(base64::engine::general_purpose::STANDARD.encode(v)),
                };
                let map = out.entry(name).or_insert_with(|| json!({}));
                if let Some(m) = map.as_object_mut() {
                    m.insert(k, v);
                }
            }
            _ => return Err(format!("field {number} has an unexpected wire type")),
        }
    }
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn varint(mut v: u64, out: &mut Vec<u8>) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(b);
                return;
            }
            out.push(b | 0x80);
        }
    }

    fn len_field(number: u64, bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        varint(number << 3 | 2, &mut out);
        varint(bytes.len() as u64, &mut out);
        out.extend_from_slice(bytes);
        out
    }

    fn envelope(api_version: &str, kind: &str, raw: &[u8]) -> Vec<u8> {
        let type_meta = [
            len_field(1, api_version.as_bytes()),
            len_field(2, kind.as_bytes()),
        ]
        .concat();
        [MAGIC.to_vec(), len_field(1, &type_meta), len_field(2, raw)].concat()
    }

    #[test]
    fn decodes_a_namespace_as_kubectl_create_namespace_sends_it() {
        let meta = len_field(1, b"demo");
        let body = envelope(
            "v1",
            "Namespace",
            &[len_field(1, &meta), len_field(2, &[]), len_field(3, &[])].concat(),
        );
        let ns = to_json(&body).unwrap();
        assert_eq!(ns["apiVersion"], "v1");
        assert_eq!(ns["kind"], "Namespace");
        assert_eq!(ns["metadata"]["name"], "demo");
    }

    #[test]
    fn decodes_config_map_data_and_labels() {
        let label = [len_field(1, b"app"), len_field(2, b"web")].concat();
        let meta = [len_field(1, b"cfg"), len_field(11, &label)].concat();
        let data = [len_field(1, b"key"), len_field(2, b"value")].concat();
        let bin = [len_field(1, b"b"), len_field(2, &[0, 1])].concat();
        let raw = [len_field(1, &meta), len_field(2, &data), len_field(3, &bin)].concat();
        let cm = to_json(&envelope("v1", "ConfigMap", &raw)).unwrap();
        assert_eq!(cm["metadata"]["labels"]["app"], "web");
        assert_eq!(cm["data"]["key"], "value");
        assert_eq!(cm["binaryData"]["b"], "AAE=");
    }

    #[test]
    fn decodes_an_access_review() {
        let attrs = [
            len_field(1, b"demo"),
            len_field(2, b"list"),
            len_field(5, b"pods"),
        ]
        .concat();
        let spec = len_field(1, &attrs);
        let raw = [len_field(1, &[]), len_field(2, &spec)].concat();
        let review = to_json(&envelope(
            "authorization.k8s.io/v1",
            "SelfSubjectAccessReview",
            &raw,
        ))
        .unwrap();
        assert_eq!(
            review["spec"]["resourceAttributes"],
            json!({"namespace": "demo", "verb": "list", "resource": "pods"})
        );
    }

    #[test]
    fn refuses_unknown_kinds_and_garbage() {
        let err = to_json(&envelope("v1", "Pod", &[])).unwrap_err();
        assert_eq!(err.code, 415);
        assert_eq!(to_json(b"{}").unwrap_err().code, 400);
        let truncated = [MAGIC.to_vec(), vec![0x0a, 0x20, 0x01]].concat();
        assert_eq!(to_json(&truncated).unwrap_err().code, 400);
        assert!(is_protobuf("application/vnd.kubernetes.protobuf"));
        assert!(!is_protobuf("application/json"));
    }
}
