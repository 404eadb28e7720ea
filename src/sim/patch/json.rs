//! JSON patch (RFC 6902) and JSON merge patch (RFC 7386) through the
//! `json-patch` crate, with failures worded as the API server words them.

use serde_json::Value;

use super::PatchError;

/// Applies an RFC 7386 JSON merge patch: objects merge recursively, `null`
/// deletes a key, anything else (arrays included) replaces the target.
pub fn json_merge_patch(target: &mut Value, patch: &Value) {
    json_patch::merge(target, patch);
}

/// Applies an RFC 6902 JSON patch. If any operation fails, `target` is left
/// unchanged.
///
/// A body that is not a list of operation objects is a 400 worded as the
/// server's Go decoder words it; operations that do not decode (an unknown
/// `op`, a missing `value`) or do not apply are a 422, as the server finds
/// those only when applying.
pub fn json_patch(target: &mut Value, ops: &Value) -> Result<(), PatchError> {
    let Value::Array(items) = ops else {
        return Err(PatchError::InvalidPatch(format!(
            "json: cannot unmarshal {} into Go value of type jsonpatch.Patch",
            go_type(ops)
        )));
    };
    if let Some(item) = items.iter().find(|item| !item.is_object()) {
        return Err(PatchError::InvalidPatch(format!(
            "json: cannot unmarshal {} into Go value of type jsonpatch.Operation",
            go_type(item)
        )));
    }
    let patch: json_patch::Patch =
        serde_json::from_value(ops.clone()).map_err(|e| PatchError::JsonPatchFailed {
            detail: e.to_string(),
        })?;
    let mut doc = target.clone();
    json_patch::patch(&mut doc, &patch).map_err(|e| PatchError::JsonPatchFailed {
        detail: e.to_string(),
    })?;
    *target = doc;
    Ok(())
}

/// How Go's encoding/json names a JSON value's type in its errors.
fn go_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::super::fixtures::*;
    use super::super::{PatchError, PatchType, apply};
    use super::*;

    // --- JSON merge patch (RFC 7386) ----------------------------------------

    #[test]
    fn merge_patch_rfc7386_examples() {
        // RFC 7386 Appendix A.
        let cases = [
            (json!({"a":"b"}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"b"}), json!({"b":"c"}), json!({"a":"b","b":"c"})),
            (json!({"a":"b"}), json!({"a":null}), json!({})),
            (
                json!({"a":"b","b":"c"}),
                json!({"a":null}),
                json!({"b":"c"}),
            ),
            (json!({"a":["b"]}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"c"}), json!({"a":["b"]}), json!({"a":["b"]})),
            (
                json!({"a":{"b":"c"}}),
                json!({"a":{"b":"d","c":null}}),
                json!({"a":{"b":"d"}}),
            ),
            (json!({"a":[{"b":"c"}]}), json!({"a":[1]}), json!({"a":[1]})),
            (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
            (json!({"a":"b"}), json!(["c"]), json!(["c"])),
            (json!({"a":"foo"}), json!(null), json!(null)),
            (json!({"a":"foo"}), json!("bar"), json!("bar")),
            (json!({"e":null}), json!({"a":1}), json!({"e":null,"a":1})),
            (json!([1, 2]), json!({"a":"b","c":null}), json!({"a":"b"})),
            (
                json!({}),
                json!({"a":{"bb":{"ccc":null}}}),
                json!({"a":{"bb":{}}}),
            ),
        ];
        for (target, patch, want) in cases {
            let mut doc = target.clone();
            json_merge_patch(&mut doc, &patch);
            assert_eq!(doc, want, "{target} + {patch}");
        }
    }

    #[test]
    fn merge_patch_ignores_list_merge_keys() {
        let out = apply(
            "StatefulSet",
            &statefulset(),
            PatchType::Merge,
            &json!({"metadata":{"finalizers":["z"]},"status":{"conditions":null}}),
        )
        .unwrap();
        assert_eq!(out["metadata"]["finalizers"], json!(["z"]));
        assert!(out["status"].get("conditions").is_none());
    }

    // --- JSON patch (RFC 6902) ----------------------------------------------

    fn json_patched(target: &Value, ops: Value) -> Result<Value, PatchError> {
        let mut doc = target.clone();
        json_patch(&mut doc, &ops).map(|()| doc)
    }

    #[test]
    fn json_patch_add() {
        let doc = json!({"a":{"b":[1,2]}});
        let cases = [
            (
                json!([{"op":"add","path":"/a/c","value":3}]),
                json!({"a":{"b":[1,2],"c":3}}),
            ),
            (
                json!([{"op":"add","path":"/a/b","value":"x"}]),
                json!({"a":{"b":"x"}}),
            ),
            (
                json!([{"op":"add","path":"/a/b/0","value":0}]),
                json!({"a":{"b":[0,1,2]}}),
            ),
            (
                json!([{"op":"add","path":"/a/b/2","value":3}]),
                json!({"a":{"b":[1,2,3]}}),
            ),
            (
                json!([{"op":"add","path":"/a/b/-","value":3}]),
                json!({"a":{"b":[1,2,3]}}),
            ),
            (
                json!([{"op":"add","path":"/n","value":null}]),
                json!({"a":{"b":[1,2]},"n":null}),
            ),
            (
                json!([{"op":"add","path":"","value":{"x":1}}]),
                json!({"x":1}),
            ),
            (
                json!([{"op":"add","path":"/","value":1}]),
                json!({"a":{"b":[1,2]},"":1}),
            ),
        ];
        for (ops, want) in cases {
            assert_eq!(json_patched(&doc, ops.clone()).unwrap(), want, "{ops}");
        }
    }

    #[test]
    fn json_patch_remove_replace_move_copy_test() {
        let doc = json!({"a":{"b":[1,2,3],"c":"x"},"d":4});
        let cases = [
            (
                json!([{"op":"remove","path":"/a/c"}]),
                json!({"a":{"b":[1,2,3]},"d":4}),
            ),
            (
                json!([{"op":"remove","path":"/a/b/1"}]),
                json!({"a":{"b":[1,3],"c":"x"},"d":4}),
            ),
            (
                json!([{"op":"replace","path":"/d","value":[5]}]),
                json!({"a":{"b":[1,2,3],"c":"x"},"d":[5]}),
            ),
            (
                json!([{"op":"replace","path":"/a/b/2","value":9}]),
                json!({"a":{"b":[1,2,9],"c":"x"},"d":4}),
            ),
            (json!([{"op":"replace","path":"","value":{}}]), json!({})),
            (
                json!([{"op":"move","from":"/a/c","path":"/e"}]),
                json!({"a":{"b":[1,2,3]},"d":4,"e":"x"}),
            ),
            (
                json!([{"op":"move","from":"/a/b/0","path":"/a/b/-"}]),
                json!({"a":{"b":[2,3,1],"c":"x"},"d":4}),
            ),
            (json!([{"op":"move","from":"/a","path":"/a"}]), doc.clone()),
            (
                json!([{"op":"copy","from":"/a/b","path":"/f"}]),
                json!({"a":{"b":[1,2,3],"c":"x"},"d":4,"f":[1,2,3]}),
            ),
            (
                json!([{"op":"test","path":"/a","value":{"c":"x","b":[1,2,3]}}]),
                doc.clone(),
            ),
            (
                json!([{"op":"test","path":"","value":doc.clone()}]),
                doc.clone(),
            ),
        ];
        for (ops, want) in cases {
            assert_eq!(json_patched(&doc, ops.clone()).unwrap(), want, "{ops}");
        }
    }

    #[test]
    fn json_patch_pointer_escaping() {
        let doc =
            json!({"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"old","a~b":1}}});
        let out = json_patched(
            &doc,
            json!([
                {"op":"replace","path":"/metadata/annotations/kubectl.kubernetes.io~1restartedAt","value":"new"},
                {"op":"remove","path":"/metadata/annotations/a~0b"},
                {"op":"add","path":"/metadata/annotations/~01","value":"tilde-one"}
            ]),
        )
        .unwrap();
        assert_eq!(
            out,
            json!({"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"new","~1":"tilde-one"}}})
        );
    }

    #[test]
    fn json_patch_operations_apply_in_sequence() {
        let out = json_patched(
            &json!({"spec":{"replicas":1}}),
            json!([
                {"op":"test","path":"/spec/replicas","value":1},
                {"op":"replace","path":"/spec/replicas","value":2},
                {"op":"test","path":"/spec/replicas","value":2},
                {"op":"add","path":"/spec/list","value":[]},
                {"op":"add","path":"/spec/list/-","value":"a"},
                {"op":"add","path":"/spec/list/0","value":"b"}
            ]),
        )
        .unwrap();
        assert_eq!(out, json!({"spec":{"replicas":2,"list":["b","a"]}}));
    }

    #[test]
    fn json_patch_failures_leave_the_target_unchanged() {
        let original = json!({"a":{"b":[1,2]},"s":"str"});
        let failing = [
            json!({"op":"remove","path":"/missing"}),
            json!({"op":"remove","path":"/a/b/2"}),
            json!({"op":"remove","path":""}),
            json!({"op":"replace","path":"/missing","value":1}),
            json!({"op":"add","path":"/missing/child","value":1}),
            json!({"op":"add","path":"/a/b/3","value":1}),
            json!({"op":"add","path":"/a/b/01","value":1}),
            json!({"op":"add","path":"/a/b/x","value":1}),
            json!({"op":"add","path":"/s/x","value":1}),
            json!({"op":"replace","path":"/a/b/-","value":1}),
            json!({"op":"move","from":"/missing","path":"/x"}),
            json!({"op":"move","from":"/a","path":"/a/b/c"}),
            json!({"op":"copy","from":"/missing","path":"/x"}),
            json!({"op":"test","path":"/a/b","value":[2,1]}),
            json!({"op":"test","path":"/missing","value":null}),
        ];
        for op in failing {
            let mut doc = original.clone();
            // A successful op first, to prove it is rolled back too.
            let ops = json!([{"op":"add","path":"/new","value":true}, op]);
            let err = json_patch(&mut doc, &ops).expect_err(&format!("{op} must fail"));
            let PatchError::JsonPatchFailed { detail } = &err else {
                panic!("{op}: {err:?}");
            };
            assert!(detail.contains("operation '/1'"), "{op}: {detail}");
            assert_eq!(doc, original, "{op} changed the target");
        }
    }

    #[test]
    fn json_patch_failed_test_reports_the_path() {
        let mut doc = json!({"spec":{"replicas":3}});
        let err = json_patch(
            &mut doc,
            &json!([{"op":"test","path":"/spec/replicas","value":4}]),
        )
        .unwrap_err();
        let PatchError::JsonPatchFailed { detail } = &err else {
            panic!("{err:?}");
        };
        assert_eq!(
            detail,
            "operation '/0' failed at path '/spec/replicas': value did not match"
        );
        assert_eq!(
            err.to_string(),
            "the server rejected our request due to an error in our request"
        );
    }

    #[test]
    fn json_patch_rejects_malformed_documents() {
        let doc = json!({"a":1});
        let malformed = [
            json!({"op":"add","path":"/b","value":1}),
            json!("add"),
            json!(42),
            json!(null),
            json!([1]),
            json!([[]]),
            json!([{"path":"/a"}]),
            json!([{"op":"add","value":1}]),
            json!([{"op":"add","path":"/b"}]),
            json!([{"op":"replace","path":"/a"}]),
            json!([{"op":"test","path":"/a"}]),
            json!([{"op":"move","path":"/b"}]),
            json!([{"op":"copy","path":"/b","from":5}]),
            json!([{"op":"frobnicate","path":"/a"}]),
            json!([{"op":1,"path":"/a"}]),
            json!([{"op":"remove","path":"a"}]),
            json!([{"op":"remove","path":"/a~2"}]),
            json!([{"op":"remove","path":"/a~"}]),
        ];
        for ops in malformed {
            let mut target = doc.clone();
            let err = json_patch(&mut target, &ops).expect_err(&format!("{ops} must be rejected"));
            // Not a list of operations: 400, as the server's decoder says;
            // operations it cannot carry out: 422.
            let want = if ops
                .as_array()
                .is_some_and(|ops| ops.iter().all(Value::is_object))
            {
                422
            } else {
                400
            };
            assert_eq!(err.to_api_error().code, want, "{ops}: {err:?}");
            assert_eq!(target, doc);
        }
    }

    #[test]
    fn empty_json_patch_is_a_no_op() {
        let sts = statefulset();
        assert_eq!(
            apply("StatefulSet", &sts, PatchType::Json, &json!([])).unwrap(),
            sts
        );
    }
}
