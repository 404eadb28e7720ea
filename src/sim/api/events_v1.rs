//! `events.k8s.io/v1` Events: a read-only view of the stored core Events,
//! the same objects under the newer API's field names (`note`,
//! `regarding`, `reportingController`, `deprecatedCount`…), as the real
//! server converts between the two. Tables are the core Event's printer,
//! which is what the real server prints for both.

use super::*;

/// Core `v1` field → `events.k8s.io/v1` field (pkg/apis/events/v1 conversion).
const RENAMES: &[(&str, &str)] = &[
    ("message", "note"),
    ("involvedObject", "regarding"),
    ("reportingComponent", "reportingController"),
    ("source", "deprecatedSource"),
    ("firstTimestamp", "deprecatedFirstTimestamp"),
    ("lastTimestamp", "deprecatedLastTimestamp"),
    ("count", "deprecatedCount"),
];

/// One core Event as an `events.k8s.io/v1` Event.
pub(super) fn convert(core: &Value) -> Value {
    let mut out = serde_json::Map::new();
    let Some(fields) = core.as_object() else {
        return Value::Object(out);
    };
    for (key, value) in fields {
        let name = RENAMES
            .iter()
            .find(|(from, _)| from == key)
            .map_or(key.as_str(), |(_, to)| to);
        out.insert(name.to_string(), value.clone());
    }
    out.insert("apiVersion".into(), json!("events.k8s.io/v1"));
    out.insert("kind".into(), json!("Event"));
    Value::Object(out)
}

/// The converted JSON of one stored core Event.
pub(super) fn convert_bytes(json: &[u8]) -> Bytes {
    let core: Value = serde_json::from_slice(json).unwrap_or(Value::Null);
    Bytes::from(convert(&core).to_string())
}

async fn body_json(response: Response<Body>) -> Result<Value, ApiError> {
    let bytes = response
        .into_body()
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    parse_json(&bytes)
}

/// Serves `verb` on `t` (a core Event target) in the events.k8s.io shape.
pub(super) async fn serve(
    shared: &Arc<Shared>,
    t: &Target,
    q: &Query,
    verb: &str,
    as_table: bool,
) -> Result<Response<Body>, ApiError> {
    match verb {
        "get" | "list" if as_table => {
            if verb == "get" {
                get(shared, t, q, true)
            } else {
                list(shared, t, q, true)
            }
        }
        "get" => {
            let event = body_json(get(shared, t, q, false)?).await?;
            Ok(json_response(200, &convert(&event)))
        }
        "list" => {
            let mut list = body_json(list(shared, t, q, false)?).await?;
            if let Some(items) = list["items"].as_array_mut() {
                for item in items.iter_mut() {
                    *item = convert(item);
                }
            }
            list["apiVersion"] = json!("events.k8s.io/v1");
            Ok(json_response(200, &list))
        }
        "watch" => {
            let shape = if as_table {
                WatchAs::Table {
                    kind: Kind::Event,
                    include: include_object(q).to_string(),
                }
            } else {
                WatchAs::EventsV1
            };
            watch(shared, t, q, shape)
        }
        _ => Err(ApiError::method_not_allowed()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_fields_take_their_events_k8s_io_names() {
        let core = json!({
            "apiVersion": "v1", "kind": "Event",
            "metadata": {"name": "web-0.1", "namespace": "demo"},
            "involvedObject": {"kind": "Pod", "name": "web-0"},
            "reason": "Scheduled", "message": "assigned demo/web-0 to node-1",
            "type": "Normal", "reportingComponent": "default-scheduler",
            "reportingInstance": "default-scheduler-1", "count": 3,
            "firstTimestamp": "2026-01-01T00:00:00Z", "lastTimestamp": "2026-01-01T00:01:00Z",
            "source": {"component": "default-scheduler"},
            "series": {"count": 2, "lastObservedTime": "2026-01-01T00:01:00.000000Z"},
            "eventTime": null,
        });
        let v1 = convert(&core);
        assert_eq!(v1["apiVersion"], "events.k8s.io/v1");
        assert_eq!(v1["note"], "assigned demo/web-0 to node-1");
        assert_eq!(v1["regarding"], json!({"kind": "Pod", "name": "web-0"}));
        assert_eq!(v1["reportingController"], "default-scheduler");
        assert_eq!(v1["reportingInstance"], "default-scheduler-1");
        assert_eq!(v1["deprecatedCount"], 3);
        assert_eq!(v1["deprecatedFirstTimestamp"], "2026-01-01T00:00:00Z");
        assert_eq!(v1["deprecatedLastTimestamp"], "2026-01-01T00:01:00Z");
        assert_eq!(
            v1["deprecatedSource"],
            json!({"component": "default-scheduler"})
        );
        assert_eq!(v1["series"]["count"], 2);
        assert_eq!(v1["reason"], "Scheduled");
        for gone in [
            "message",
            "involvedObject",
            "reportingComponent",
            "count",
            "source",
        ] {
            assert!(v1.get(gone).is_none(), "{gone}");
        }
    }
}
