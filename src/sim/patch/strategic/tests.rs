//! Strategic merge patch: the patches kubectl sends, list merging, and the
//! directives.

use serde_json::json;

use super::super::fixtures::*;
use super::super::{PatchError, PatchType, apply};
use super::strategic_merge_patch;

// --- kubectl patches ----------------------------------------------------

#[test]
fn rollout_restart_adds_annotation_and_keeps_the_others() {
    let sts = statefulset();
    let patch = json!({"spec":{"template":{"metadata":{"annotations":{
        "kubectl.kubernetes.io/restartedAt":"2026-11-22T10:00:00Z"}}}}});
    for patch_type in [PatchType::Strategic, PatchType::Merge] {
        let out = apply("StatefulSet", &sts, patch_type, &patch).unwrap();
        let mut want = sts.clone();
        want["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"] =
            json!("2026-11-22T10:00:00Z");
        assert_eq!(out, want, "{patch_type:?}");
    }
}

#[test]
fn set_image_changes_only_the_named_container() {
    let sts = statefulset();
    let out = strategic(
        "StatefulSet",
        &sts,
        json!({"spec":{"template":{"spec":{"containers":[{"name":"mysql","image":"mysql:8.4"}]}}}}),
    );
    let mut want = sts.clone();
    want["spec"]["template"]["spec"]["containers"][0]["image"] = json!("mysql:8.4");
    assert_eq!(out, want);
    assert_eq!(container(&out, "exporter"), container(&sts, "exporter"));
}

#[test]
fn set_image_is_atomic_under_merge_patch() {
    // The same body as a JSON merge patch replaces the whole list, which is
    // why kubectl uses strategic merge for built-in types.
    let out = apply(
        "StatefulSet",
        &statefulset(),
        PatchType::Merge,
        &json!({"spec":{"template":{"spec":{"containers":[{"name":"mysql","image":"mysql:8.4"}]}}}}),
    )
    .unwrap();
    assert_eq!(
        out["spec"]["template"]["spec"]["containers"],
        json!([{"name":"mysql","image":"mysql:8.4"}])
    );
}

#[test]
fn scale_subresource_merge_patch() {
    let scale = json!({
        "apiVersion": "autoscaling/v1", "kind": "Scale",
        "metadata": {"name": "db", "namespace": "default"},
        "spec": {"replicas": 3},
        "status": {"replicas": 3, "selector": "app=db"}
    });
    for patch_type in [PatchType::Merge, PatchType::Strategic] {
        let out = apply("Scale", &scale, patch_type, &json!({"spec":{"replicas":5}})).unwrap();
        let mut want = scale.clone();
        want["spec"]["replicas"] = json!(5);
        assert_eq!(out, want, "{patch_type:?}");
    }
}

// --- strategic merge: lists ---------------------------------------------

#[test]
fn new_container_is_appended_and_existing_ones_keep_their_place() {
    let out = strategic(
        "StatefulSet",
        &statefulset(),
        json!({"spec":{"template":{"spec":{"containers":[
            {"name":"backup","image":"backup:1"},
            {"name":"exporter","args":["--x"]}
        ]}}}}),
    );
    let containers = &out["spec"]["template"]["spec"]["containers"];
    assert_eq!(names(containers, "name"), ["mysql", "exporter", "backup"]);
    assert_eq!(container(&out, "exporter")["args"], json!(["--x"]));
    assert_eq!(container(&out, "exporter")["image"], "mysqld-exporter:0.15");
}

#[test]
fn env_merges_by_name_inside_a_container() {
    let out = strategic(
        "StatefulSet",
        &statefulset(),
        json!({"spec":{"template":{"spec":{"containers":[{"name":"mysql","env":[
            {"name":"MYSQL_USER","value":"admin"},
            {"name":"TZ","value":"UTC"}
        ]}]}}}}),
    );
    assert_eq!(
        container(&out, "mysql")["env"],
        json!([
            {"name":"MYSQL_DATABASE","value":"app"},
            {"name":"MYSQL_USER","value":"admin"},
            {"name":"TZ","value":"UTC"}
        ])
    );
}

#[test]
fn ports_merge_by_container_port_comparing_numbers_by_value() {
    let out = strategic(
        "StatefulSet",
        &statefulset(),
        json!({"spec":{"template":{"spec":{"containers":[{"name":"mysql","ports":[
            {"containerPort":3306.0,"protocol":"TCP"},
            {"containerPort":33060,"name":"mysqlx"}
        ]}]}}}}),
    );
    assert_eq!(
        container(&out, "mysql")["ports"],
        json!([
            {"containerPort":3306,"name":"mysql","protocol":"TCP"},
            {"containerPort":33060,"name":"mysqlx"}
        ])
    );
}

#[test]
fn volume_mounts_merge_by_mount_path() {
    let out = strategic(
        "StatefulSet",
        &statefulset(),
        json!({"spec":{"template":{"spec":{"containers":[{"name":"mysql","volumeMounts":[
            {"mountPath":"/var/lib/mysql","readOnly":true},
            {"mountPath":"/etc/mysql/conf.d","name":"config"}
        ]}]}}}}),
    );
    assert_eq!(
        container(&out, "mysql")["volumeMounts"],
        json!([
            {"name":"data","mountPath":"/var/lib/mysql","readOnly":true},
            {"mountPath":"/etc/mysql/conf.d","name":"config"}
        ])
    );
}

#[test]
fn init_container_fields_use_the_container_rules() {
    let out = strategic(
        "StatefulSet",
        &statefulset(),
        json!({"spec":{"template":{"spec":{"initContainers":[{"name":"init","env":[{"name":"B","value":"2"}]}]}}}}),
    );
    assert_eq!(
        out["spec"]["template"]["spec"]["initContainers"],
        json!([{"name":"init","image":"busybox","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]}])
    );
}

#[test]
fn atomic_lists_are_replaced() {
    let out = strategic(
        "StatefulSet",
        &statefulset(),
        json!({"spec":{
            "template":{"spec":{
                "tolerations":[{"key":"gpu","operator":"Exists"}],
                "containers":[{"name":"mysql","envFrom":[{"configMapRef":{"name":"x"}}]}]
            }},
            "volumeClaimTemplates":[{"metadata":{"name":"logs"}}]
        }}),
    );
    let pod_spec = &out["spec"]["template"]["spec"];
    assert_eq!(
        pod_spec["tolerations"],
        json!([{"key":"gpu","operator":"Exists"}])
    );
    assert_eq!(
        container(&out, "mysql")["envFrom"],
        json!([{"configMapRef":{"name":"x"}}])
    );
    assert_eq!(
        out["spec"]["volumeClaimTemplates"],
        json!([{"metadata":{"name":"logs"}}])
    );
}

#[test]
fn lists_not_in_the_table_are_replaced_and_unknown_maps_merge() {
    let target = json!({"spec":{"items":[1,2,3],"settings":{"a":1,"b":2}}});
    let out = strategic(
        "Widget",
        &target,
        json!({"spec":{"items":[4],"settings":{"b":3}}}),
    );
    assert_eq!(out, json!({"spec":{"items":[4],"settings":{"a":1,"b":3}}}));
}

#[test]
fn kind_decides_where_the_pod_spec_lives() {
    let pod = json!({"kind":"Pod","spec":{"containers":[{"name":"a","image":"a:1"},{"name":"b","image":"b:1"}]}});
    let patch = json!({"spec":{"containers":[{"name":"b","image":"b:2"}]}});
    let merged = strategic("Pod", &pod, patch.clone());
    assert_eq!(names(&merged["spec"]["containers"], "name"), ["a", "b"]);
    assert_eq!(merged["spec"]["containers"][1]["image"], "b:2");
    // A StatefulSet has no `spec.containers`: unknown, hence atomic.
    let replaced = strategic("StatefulSet", &pod, patch);
    assert_eq!(
        replaced["spec"]["containers"],
        json!([{"name":"b","image":"b:2"}])
    );
}

#[test]
fn pod_spec_lists_merge_by_their_keys() {
    let pod = json!({"spec":{
        "volumes":[{"name":"data","emptyDir":{}}],
        "imagePullSecrets":[{"name":"reg"}],
        "hostAliases":[{"ip":"10.0.0.1","hostnames":["a"]}],
        "topologySpreadConstraints":[{"topologyKey":"zone","maxSkew":1}]
    }});
    let out = strategic(
        "Pod",
        &pod,
        json!({"spec":{
            "volumes":[{"name":"config","configMap":{"name":"c"}}],
            "imagePullSecrets":[{"name":"reg2"}],
            "hostAliases":[{"ip":"10.0.0.1","hostnames":["b"]}],
            "topologySpreadConstraints":[{"topologyKey":"zone","maxSkew":2}]
        }}),
    );
    assert_eq!(names(&out["spec"]["volumes"], "name"), ["data", "config"]);
    assert_eq!(
        names(&out["spec"]["imagePullSecrets"], "name"),
        ["reg", "reg2"]
    );
    // hostnames is atomic inside the merged host alias.
    assert_eq!(
        out["spec"]["hostAliases"],
        json!([{"ip":"10.0.0.1","hostnames":["b"]}])
    );
    assert_eq!(
        out["spec"]["topologySpreadConstraints"],
        json!([{"topologyKey":"zone","maxSkew":2}])
    );
}

#[test]
fn metadata_lists() {
    let out = strategic(
        "StatefulSet",
        &statefulset(),
        json!({"metadata":{
            "finalizers":["b.example.com/two","c.example.com/three"],
            "ownerReferences":[{"uid":"u-1","controller":false},{"uid":"u-2","kind":"App","name":"other"}]
        }}),
    );
    assert_eq!(
        out["metadata"]["finalizers"],
        json!([
            "a.example.com/one",
            "b.example.com/two",
            "c.example.com/three"
        ])
    );
    assert_eq!(
        out["metadata"]["ownerReferences"],
        json!([
            {"uid":"u-1","kind":"App","name":"app","controller":false},
            {"uid":"u-2","kind":"App","name":"other"}
        ])
    );
}

#[test]
fn pod_template_metadata_uses_object_meta_rules() {
    let target = json!({"spec":{"template":{"metadata":{"finalizers":["x"]}}}});
    let out = strategic(
        "StatefulSet",
        &target,
        json!({"spec":{"template":{"metadata":{"finalizers":["y"]}}}}),
    );
    assert_eq!(
        out["spec"]["template"]["metadata"]["finalizers"],
        json!(["x", "y"])
    );
}

#[test]
fn status_conditions_merge_by_type() {
    for kind in ["Pod", "PersistentVolumeClaim", "StatefulSet", "Node"] {
        let target = json!({"status":{"conditions":[
            {"type":"Ready","status":"False","reason":"Starting"},
            {"type":"Other","status":"True"}
        ]}});
        let out = strategic(
            kind,
            &target,
            json!({"status":{"conditions":[{"type":"Ready","status":"True","reason":null},{"type":"New","status":"True"}]}}),
        );
        assert_eq!(
            out["status"]["conditions"],
            json!([
                {"type":"Ready","status":"True"},
                {"type":"Other","status":"True"},
                {"type":"New","status":"True"}
            ]),
            "{kind}"
        );
    }
    // Scale has no conditions rule: the list is replaced.
    let out = strategic(
        "Scale",
        &json!({"status":{"conditions":[{"type":"A"}]}}),
        json!({"status":{"conditions":[{"type":"B"}]}}),
    );
    assert_eq!(out["status"]["conditions"], json!([{"type":"B"}]));
}

#[test]
fn pod_container_statuses_are_replaced() {
    let pod = json!({"status":{"containerStatuses":[{"name":"a","ready":true},{"name":"b","ready":true}]}});
    let out = strategic(
        "Pod",
        &pod,
        json!({"status":{"containerStatuses":[{"name":"a","ready":false}]}}),
    );
    assert_eq!(
        out["status"]["containerStatuses"],
        json!([{"name":"a","ready":false}])
    );
}

#[test]
fn node_taints_and_addresses() {
    let node = json!({
        "spec":{"taints":[{"key":"a","effect":"NoSchedule"},{"key":"b","effect":"NoSchedule"}]},
        "status":{"addresses":[{"type":"InternalIP","address":"10.0.0.1"},{"type":"Hostname","address":"n1"}]}
    });
    let out = strategic(
        "Node",
        &node,
        json!({
            "spec":{"taints":[{"key":"b","$patch":"delete"},{"key":"c","effect":"NoExecute"}]},
            "status":{"addresses":[{"type":"InternalIP","address":"10.0.0.2"}]}
        }),
    );
    assert_eq!(
        out["spec"]["taints"],
        json!([{"key":"a","effect":"NoSchedule"},{"key":"c","effect":"NoExecute"}])
    );
    assert_eq!(
        out["status"]["addresses"],
        json!([{"type":"InternalIP","address":"10.0.0.2"},{"type":"Hostname","address":"n1"}])
    );
}

// --- strategic merge: directives ----------------------------------------

#[test]
fn patch_delete_removes_an_env_var() {
    let out = strategic(
        "StatefulSet",
        &statefulset(),
        json!({"spec":{"template":{"spec":{"containers":[{"name":"mysql","env":[
            {"name":"MYSQL_USER","$patch":"delete"}
        ]}]}}}}),
    );
    assert_eq!(
        container(&out, "mysql")["env"],
        json!([{"name":"MYSQL_DATABASE","value":"app"}])
    );
    assert_no_directives(&out);
}

#[test]
fn patch_delete_of_a_missing_item_is_a_no_op() {
    let sts = statefulset();
    let out = strategic(
        "StatefulSet",
        &sts,
        json!({"spec":{"template":{"spec":{"containers":[{"name":"nope","$patch":"delete"}]}}}}),
    );
    assert_eq!(out, sts);
}

#[test]
fn patch_replace_in_a_list_item_replaces_the_list() {
    let out = strategic(
        "StatefulSet",
        &statefulset(),
        json!({"spec":{"template":{"spec":{"containers":[
            {"$patch":"replace"},
            {"name":"only","image":"only:1"}
        ]}}}}),
    );
    assert_eq!(
        out["spec"]["template"]["spec"]["containers"],
        json!([{"name":"only","image":"only:1"}])
    );
}

#[test]
fn patch_replace_on_a_map_replaces_the_map() {
    let out = strategic(
        "StatefulSet",
        &statefulset(),
        json!({"spec":{"template":{"metadata":{"annotations":{"$patch":"replace","only":"this"}}}}}),
    );
    assert_eq!(
        out["spec"]["template"]["metadata"]["annotations"],
        json!({"only":"this"})
    );
    assert_eq!(
        out["spec"]["template"]["metadata"]["labels"],
        json!({"app":"db"})
    );
}

#[test]
fn patch_delete_on_a_map_deletes_it() {
    let out = strategic(
        "StatefulSet",
        &statefulset(),
        json!({"spec":{"updateStrategy":{"$patch":"delete"}}}),
    );
    assert!(out["spec"].get("updateStrategy").is_none());
    assert_eq!(out["spec"]["replicas"], 3);
    // The whole object cannot be deleted through a patch.
    let err = strategic_err("StatefulSet", &statefulset(), json!({"$patch":"delete"}));
    assert!(matches!(err, PatchError::InvalidPatch(_)), "{err}");
}

#[test]
fn patch_merge_is_the_default() {
    let sts = statefulset();
    let explicit = strategic(
        "StatefulSet",
        &sts,
        json!({"spec":{"$patch":"merge","template":{"spec":{"containers":[{"$patch":"merge","name":"mysql","image":"m:2"}]}}}}),
    );
    let implicit = strategic(
        "StatefulSet",
        &sts,
        json!({"spec":{"template":{"spec":{"containers":[{"name":"mysql","image":"m:2"}]}}}}),
    );
    assert_eq!(explicit, implicit);
    assert_no_directives(&explicit);
}

#[test]
fn set_element_order_reorders_the_merged_list() {
    let out = strategic(
        "StatefulSet",
        &statefulset(),
        json!({"spec":{"template":{"spec":{
            "$setElementOrder/containers":[{"name":"exporter"},{"name":"new"}],
            "containers":[{"name":"new","image":"new:1"}]
        }}}}),
    );
    // Listed items first in the given order, then the rest (mysql).
    assert_eq!(
        names(&out["spec"]["template"]["spec"]["containers"], "name"),
        ["exporter", "new", "mysql"]
    );
    assert_no_directives(&out);
}

#[test]
fn set_element_order_on_a_primitive_list() {
    let out = strategic(
        "StatefulSet",
        &statefulset(),
        json!({"metadata":{"$setElementOrder/finalizers":["b.example.com/two","a.example.com/one"]}}),
    );
    assert_eq!(
        out["metadata"]["finalizers"],
        json!(["b.example.com/two", "a.example.com/one"])
    );
}

#[test]
fn retain_keys_drops_unlisted_keys() {
    let out = strategic(
        "StatefulSet",
        &statefulset(),
        json!({"spec":{"updateStrategy":{"$retainKeys":["type"],"type":"OnDelete"}}}),
    );
    assert_eq!(out["spec"]["updateStrategy"], json!({"type":"OnDelete"}));
    assert_no_directives(&out);
}

#[test]
fn retain_keys_rejects_patch_keys_outside_the_list() {
    let err = strategic_err(
        "StatefulSet",
        &statefulset(),
        json!({"spec":{"updateStrategy":{"$retainKeys":["type"],"rollingUpdate":{"partition":1}}}}),
    );
    assert!(
        matches!(err, PatchError::Strategic { ref path, .. } if path == "spec.updateStrategy"),
        "{err}"
    );
}

#[test]
fn delete_from_primitive_list() {
    let out = strategic(
        "StatefulSet",
        &statefulset(),
        json!({"metadata":{"$deleteFromPrimitiveList/finalizers":["a.example.com/one"],"finalizers":["z"]}}),
    );
    assert_eq!(
        out["metadata"]["finalizers"],
        json!(["b.example.com/two", "z"])
    );
    assert_no_directives(&out);
}

#[test]
fn null_deletes_keys_and_unmatched_nulls_are_dropped() {
    let out = strategic(
        "StatefulSet",
        &statefulset(),
        json!({"spec":{"template":{"metadata":{"annotations":{"team":null,"absent":null}}},"serviceName":null}}),
    );
    assert_eq!(
        out["spec"]["template"]["metadata"]["annotations"],
        json!({"prometheus.io/scrape":"true"})
    );
    assert!(out["spec"].get("serviceName").is_none());
}

#[test]
fn directives_in_new_fields_never_reach_the_result() {
    let out = strategic(
        "StatefulSet",
        &json!({"spec":{}}),
        json!({"spec":{
            "template":{"spec":{"containers":[
                {"name":"a","env":[{"name":"X","$patch":"delete"},{"name":"Y","value":"1"}]},
                {"name":"gone","$patch":"delete"}
            ]}},
            "minReadySeconds":null,
            "extra":{"$patch":"replace","k":"v"},
            "updateStrategy":{"$retainKeys":["type"],"type":"OnDelete"},
            "tolerations-like":[{"$patch":"replace"},{"k":{"$patch":"merge","v":1}}]
        }}),
    );
    assert_no_directives(&out);
    assert_eq!(
        out,
        json!({"spec":{
            "template":{"spec":{"containers":[{"name":"a","env":[{"name":"Y","value":"1"}]}]}},
            "extra":{"k":"v"},
            "updateStrategy":{"type":"OnDelete"},
            "tolerations-like":[{"k":{"v":1}}]
        }})
    );
}

#[test]
fn strategic_errors() {
    let sts = statefulset();
    let cases = [
        // unknown directive key
        json!({"spec":{"$frobnicate":true}}),
        // unknown $patch value
        json!({"spec":{"$patch":"explode"}}),
        json!({"spec":{"$patch":1}}),
        json!({"spec":{"template":{"spec":{"containers":[{"name":"mysql","$patch":"upsert"}]}}}}),
        // merge list items need their merge key, and must be maps
        json!({"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}),
        json!({"spec":{"template":{"spec":{"containers":[{"$patch":"delete"}]}}}}),
        json!({"spec":{"template":{"spec":{"containers":["mysql"]}}}}),
        // primitive merge lists hold scalars
        json!({"metadata":{"finalizers":[{"a":1}]}}),
        // directive values of the wrong shape
        json!({"metadata":{"$deleteFromPrimitiveList/finalizers":"a"}}),
        json!({"metadata":{"$setElementOrder/finalizers":{}}}),
        json!({"spec":{"updateStrategy":{"$retainKeys":"type"}}}),
        json!({"spec":{"updateStrategy":{"$retainKeys":[1]}}}),
        json!({"metadata":{"$deleteFromPrimitiveList/name":["db"]}}),
    ];
    for patch in cases {
        let result = apply("StatefulSet", &sts, PatchType::Strategic, &patch);
        assert!(
            result.is_err(),
            "expected an error for {patch}, got {result:?}"
        );
    }
    let err = strategic_err("StatefulSet", &sts, json!({"spec":{"$frobnicate":true}}));
    assert_eq!(
        err,
        PatchError::UnsupportedDirective {
            directive: "$frobnicate".into(),
            path: "spec".into()
        }
    );
}

#[test]
fn strategic_error_leaves_target_unchanged() {
    let mut sts = statefulset();
    // The first field merges fine; the second fails afterwards.
    let patch = json!({"spec":{"replicas":9,"template":{"spec":{"containers":[{"image":"x"}]}}}});
    assert!(strategic_merge_patch("StatefulSet", &mut sts, &patch).is_err());
    assert_eq!(sts, statefulset());
}
