//! `ordinal get -o json|yaml` as scripts see it: the output of every demo
//! scenario (the real binary against the embedded sim) validates against
//! assets/schema/statefulset-report.v1.json, the schema is strict enough to
//! catch drift, and YAML carries the same document as JSON.

use serde_json::Value;

mod common;

use common::bin::{ordinal, unreachable_kubeconfig};

fn get(args: &[&str]) -> String {
    let mut all = vec!["get", "--demo"];
    all.extend_from_slice(args);
    let (code, out, err) = ordinal(&all);
    assert_eq!(code, 0, "{all:?}: {err}");
    out
}

fn validator() -> jsonschema::Validator {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/schema/statefulset-report.v1.json"
    );
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema is valid draft 2020-12")
}

fn assert_valid(v: &jsonschema::Validator, doc: &Value, what: &str) {
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(10)
        .collect();
    assert!(errors.is_empty(), "{what}:\n{}", errors.join("\n"));
}

fn scenarios() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/scenarios");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "yaml").then(|| p.file_stem().unwrap().to_string_lossy().into())
        })
        .collect();
    names.sort();
    assert!(names.len() >= 5, "{names:?}");
    names
}

#[test]
fn every_scenarios_output_follows_the_schema() {
    let v = validator();
    let mut sets = 0;
    for s in scenarios() {
        for light in [false, true] {
            let mut args = vec!["--scenario", &s, "-o", "json"];
            if light {
                args.push("--summary");
            }
            let list: Value = serde_json::from_str(&get(&args)).unwrap();
            assert_eq!(list["kind"], "StatefulSetReportList");
            assert_valid(&v, &list, &format!("{s} list (summary {light})"));
            if light {
                continue;
            }
            for item in list["items"].as_array().unwrap() {
                let ns = item["statefulSet"]["namespace"].as_str().unwrap();
                let name = item["statefulSet"]["name"].as_str().unwrap();
                let one: Value =
                    serde_json::from_str(&get(&[name, "-n", ns, "--scenario", &s, "-o", "json"]))
                        .unwrap();
                assert_eq!(one["kind"], "StatefulSetReport");
                assert_eq!(one["statefulSet"]["name"], name);
                assert!(one["ordinals"].is_array());
                assert_valid(&v, &one, &format!("{s}: {ns}/{name}"));
                sets += 1;
            }
        }
    }
    assert!(sets >= 8, "the scenarios' sets were all checked: {sets}");
}

/// Every object in `doc` that has `key`.
fn objects_with<'a>(doc: &'a mut Value, key: &str, found: &mut Vec<&'a mut Value>) {
    match doc {
        Value::Object(m) if m.contains_key(key) => found.push(doc),
        Value::Object(m) => m.values_mut().for_each(|v| objects_with(v, key, found)),
        Value::Array(a) => a.iter_mut().for_each(|v| objects_with(v, key, found)),
        _ => {}
    }
}

/// Drift in either direction fails: a field the schema does not know, a
/// required field gone, a value of the wrong type or outside an enum.
#[test]
fn the_schema_rejects_output_that_drifts_from_it() {
    let v = validator();
    let doc: Value = serde_json::from_str(&get(&["--scenario", "mysql", "-o", "json"])).unwrap();
    assert_valid(&v, &doc, "mysql list");
    type Mutation = fn(&mut Value);
    let mutations: [(&str, Mutation); 7] = [
        ("an unknown top-level field", |d| {
            d["extra"] = Value::Bool(true);
        }),
        ("an unknown field in a claim", |d| {
            let mut found = Vec::new();
            objects_with(d, "capacityBytes", &mut found);
            found[0]["capacity"] = "10Gi".into();
        }),
        ("a required field removed", |d| {
            d["items"][0]["statefulSet"]
                .as_object_mut()
                .unwrap()
                .remove("replicas");
        }),
        ("a count as text", |d| {
            d["items"][0]["statefulSet"]["replicas"]["desired"] = "3".into();
        }),
        ("an enum in Rust's spelling", |d| {
            d["items"][0]["ordinals"][0]["partition"] = "None".into();
        }),
        ("a timestamp that is not RFC 3339", |d| {
            d["generatedAt"] = "10m".into();
        }),
        ("another apiVersion", |d| {
            d["apiVersion"] = "ordinal.dev/v2".into();
        }),
    ];
    for (what, mutate) in mutations {
        let mut bad = doc.clone();
        mutate(&mut bad);
        assert!(!v.is_valid(&bad), "the schema accepts {what}");
    }
}

/// Values that move between two runs of the live sim (time passes, volumes
/// grow); everything else must match exactly.
fn mask_moving(doc: &mut Value) {
    match doc {
        Value::Object(m) => {
            for (k, v) in m.iter_mut() {
                let moving = k.ends_with("At")
                    || k.ends_with("AgeSeconds")
                    || k == "ageSeconds"
                    || k == "usedBytes"
                    || k == "availableBytes"
                    || k == "fraction";
                if moving {
                    *v = Value::Null;
                } else {
                    mask_moving(v);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(mask_moving),
        _ => {}
    }
}

#[test]
fn yaml_carries_the_same_document_as_json() {
    for args in [
        vec!["--scenario", "blog"],
        vec!["articledb", "--scenario", "blog"],
    ] {
        let mut json_args = args.clone();
        json_args.extend(["-o", "json"]);
        let mut yaml_args = args.clone();
        yaml_args.extend(["-o", "yaml"]);
        let mut from_json: Value = serde_json::from_str(&get(&json_args)).unwrap();
        let yaml = get(&yaml_args);
        assert!(yaml.starts_with("apiVersion: ordinal.dev/v1\n"), "{yaml}");
        let mut from_yaml: Value = serde_yaml_ng::from_str(&yaml).unwrap();
        assert_valid(&validator(), &from_yaml, "yaml");
        mask_moving(&mut from_json);
        mask_moving(&mut from_yaml);
        assert_eq!(from_json, from_yaml, "{args:?}");
    }
}

/// 0 printed; 1 a finding at or above --fail-on (still printed); 2 usage
/// errors and clusters that cannot be reached. --help says so.
#[test]
fn exit_codes_are_as_documented() {
    let (code, out, _) = ordinal(&["get", "--demo", "--scenario", "mysql", "-o", "json"]);
    assert_eq!(code, 0);
    assert!(out.contains("StatefulSetReportList"));

    let (code, out, _) = ordinal(&[
        "get",
        "--demo",
        "--scenario",
        "mysql",
        "-o",
        "yaml",
        "--fail-on",
        "warning",
    ]);
    assert_eq!(code, 1, "orphaned claims are warnings");
    assert!(out.contains("claim-orphaned"), "printed anyway: {out}");
    let (code, _, _) = ordinal(&[
        "get",
        "--demo",
        "--scenario",
        "mysql",
        "--fail-on",
        "critical",
    ]);
    assert_eq!(code, 0, "no critical finding in the mysql story");

    let usage: [&[&str]; 4] = [
        &["get", "--demo", "-o", "xml"],
        &["get", "--demo", "--scenario", "mysql", "--summary"],
        &["get", "nope", "--demo", "--scenario", "mysql", "-o", "json"],
        &["get", "--demo", "--fail-on", "sometimes"],
    ];
    for args in usage {
        let (code, out, err) = ordinal(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?} printed {out}");
        assert!(!err.is_empty(), "{args:?} says why");
    }

    // A cluster that is not there: a closed port on loopback.
    let dir = tempfile::tempdir().unwrap();
    let (kubeconfig, _) = unreachable_kubeconfig(dir.path());
    let (code, out, _) = ordinal(&[
        "get",
        "-o",
        "json",
        "--kubeconfig",
        kubeconfig.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(out.is_empty());

    let (code, help, _) = ordinal(&["get", "--help"]);
    assert_eq!(code, 0);
    for line in [
        "Exit status:",
        "0  printed",
        "1  a finding at or above --fail-on",
        "2  usage error",
        "statefulset-report.v1.json",
        "--summary",
    ] {
        assert!(help.contains(line), "--help lacks {line:?}:\n{help}");
    }
}
