//! The report over the simulated cluster's stories (every scenario loaded,
//! fixed epoch): typed values, the light form, and JSON = YAML.

use jiff::Timestamp;
use serde_json::Value;

use super::*;
use crate::store::Store;
use crate::view::model::{Chain, SetDetail, SetRow};
use crate::view::{self, Scope};

struct Views {
    row: SetRow,
    detail: SetDetail,
    chains: Vec<(i32, Vec<Chain>)>,
}

fn views(store: &Store, now: Timestamp) -> Vec<Views> {
    view::set_rows(store, &Scope { namespace: None }, "", now)
        .into_iter()
        .map(|row| {
            let detail = view::set_detail(store, &row.namespace, &row.name, None, now).unwrap();
            let chains = detail
                .ordinals
                .iter()
                .map(|o| {
                    let d =
                        view::set_detail(store, &row.namespace, &row.name, Some(o.ordinal), now);
                    (o.ordinal, d.unwrap().chains)
                })
                .collect();
            Views {
                row,
                detail,
                chains,
            }
        })
        .collect()
}

fn inputs(v: &[Views]) -> Vec<SetInput<'_>> {
    v.iter()
        .map(|v| SetInput {
            row: &v.row,
            detail: &v.detail,
            chains: &v.chains,
        })
        .collect()
}

fn list_value(summary: bool) -> (Value, Timestamp) {
    let (store, now) = view::tests::sim_store();
    let v = views(&store, now);
    let findings = view::findings(&store, &Scope { namespace: None }, now);
    let doc = list(&store, &inputs(&v), &findings, now, summary);
    (serde_json::from_str(&to_json(&doc).unwrap()).unwrap(), now)
}

fn item<'a>(list: &'a Value, namespace: &str, name: &str) -> &'a Value {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["statefulSet"]["namespace"] == namespace && i["statefulSet"]["name"] == name)
        .unwrap_or_else(|| panic!("{namespace}/{name} in the list"))
}

#[test]
fn the_list_is_versioned_and_carries_every_sets_ordinals_and_chains() {
    let (v, _) = list_value(false);
    assert_eq!(v["apiVersion"], "ordinal.dev/v1");
    assert_eq!(v["kind"], "StatefulSetReportList");
    assert_eq!(v["summary"], false);
    let items = v["items"].as_array().unwrap();
    assert!(items.len() > 3, "every story's sets: {}", items.len());
    for i in items {
        assert_eq!(i["kind"], "StatefulSetReport");
        assert!(!i["ordinals"].as_array().unwrap().is_empty(), "{i}");
    }
    let (light, _) = list_value(true);
    assert_eq!(light["summary"], true);
    let light_items = light["items"].as_array().unwrap();
    assert_eq!(light_items.len(), items.len());
    assert!(light_items.iter().all(|i| i.get("ordinals").is_none()));
    assert_eq!(light["findings"], v["findings"]);
}

#[test]
fn values_are_typed_not_display_text() {
    let (v, now) = list_value(false);
    let mysql = item(&v, "mysql", "mysql");
    let set = &mysql["statefulSet"];
    assert_eq!(set["replicas"]["desired"], 3);
    assert!(set["replicas"]["ready"].is_i64());
    assert_eq!(set["updateStrategy"]["type"], "RollingUpdate");
    assert_eq!(set["updateStrategy"]["partition"], 0);
    assert_eq!(set["updateStrategy"]["maxUnavailable"], Value::Null);
    assert_eq!(set["health"], "warning");
    // The timestamp and the age agree.
    let created: Timestamp = set["createdAt"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        set["ageSeconds"].as_i64().unwrap(),
        now.as_second() - created.as_second()
    );

    let ordinals = mysql["ordinals"].as_array().unwrap();
    let first = &ordinals[0];
    assert_eq!(first["partition"], "none");
    assert!(first["podStatus"]["restarts"].is_i64());
    assert!(first["podStatus"]["readyContainers"].is_u64());
    let chain = &first["volumes"][0];
    assert_eq!(chain["claim"]["state"], "present");
    assert_eq!(chain["claim"]["name"], "data-mysql-0");
    assert_eq!(chain["claim"]["phase"], "Bound");
    assert!(chain["claim"]["capacityBytes"].as_u64().unwrap() > 0);
    assert_eq!(chain["usage"]["state"], "known");
    assert!(chain["usage"]["usedBytes"].is_u64());
    // Ordinal 3 is only an orphaned claim: no Pod, so no Pod status.
    let three = ordinals.iter().find(|o| o["ordinal"] == 3).unwrap();
    assert_eq!(three["exists"], false);
    assert_eq!(three["podStatus"], Value::Null);
    assert_eq!(three["beyondReplicas"], true);
    assert!(
        mysql["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "claim-orphaned" && f["severity"] == "warning")
    );

    // No Rust Debug text or display pairs anywhere.
    let text = v.to_string();
    for leak in ["\"None\"", "Some(", "\"Present\"", "\"Missing\"", "[[\""] {
        assert!(!text.contains(leak), "{leak} leaked");
    }
}

#[test]
fn yaml_and_json_carry_the_same_document() {
    let (store, now) = view::tests::sim_store();
    let v = views(&store, now);
    let findings = view::findings(&store, &Scope { namespace: None }, now);
    let doc = list(&store, &inputs(&v), &findings, now, false);
    let from_json: Value = serde_json::from_str(&to_json(&doc).unwrap()).unwrap();
    let from_yaml: Value = serde_yaml_ng::from_str(&to_yaml(&doc).unwrap()).unwrap();
    assert_eq!(from_json, from_yaml);
    let one = one(&store, &inputs(&v)[0], now, true);
    let from_json: Value = serde_json::from_str(&to_json(&one).unwrap()).unwrap();
    let from_yaml: Value = serde_yaml_ng::from_str(&to_yaml(&one).unwrap()).unwrap();
    assert_eq!(from_json, from_yaml);
    assert_eq!(from_yaml["kind"], "StatefulSetReport");
}
