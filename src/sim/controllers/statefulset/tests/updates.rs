//! Updates: rolling updates with and without a partition, maxUnavailable,
//! OnDelete, ControllerRevisions, rollback and the history limit.

use super::*;

fn with_partition(replicas: i32, partition: i32) -> StatefulSet {
    let mut s = mysql(replicas);
    s.spec.as_mut().unwrap().update_strategy =
        Some(k8s_openapi::api::apps::v1::StatefulSetUpdateStrategy {
            type_: Some("RollingUpdate".into()),
            rolling_update: Some(
                k8s_openapi::api::apps::v1::RollingUpdateStatefulSetStrategy {
                    partition: Some(partition),
                    max_unavailable: None,
                },
            ),
        });
    s
}

#[test]
fn rolling_update_with_partition_replaces_only_upper_ordinals_one_at_a_time() {
    let mut state = cluster();
    create(&mut state, with_partition(3, 1));
    settle(&mut state);
    let old = status(&state).current_revision.unwrap();
    set_image(&mut state, "mysql:8.4");
    let rv = state.store.resource_version();

    reconcile(&mut state);
    let new = status(&state).update_revision.unwrap();
    assert_ne!(old, new);
    assert_eq!(terminating(&state), [2], "highest ordinal first");
    reconcile(&mut state);
    assert_eq!(terminating(&state), [2], "one at a time");
    finish_deletions(&mut state);
    reconcile(&mut state);
    assert_eq!(revision_label(&state, "mysql-2"), new);
    schedule_all(&mut state);
    reconcile(&mut state);
    assert!(
        terminating(&state).is_empty(),
        "waits for mysql-2 to be ready"
    );
    mark_ready(&mut state, "mysql-2");
    reconcile(&mut state);
    assert_eq!(terminating(&state), [1]);
    settle(&mut state);

    assert_eq!(
        pod_log(&state, rv),
        log(&["-mysql-2", "+mysql-2", "-mysql-1", "+mysql-1"])
    );
    assert_eq!(revision_label(&state, "mysql-0"), old);
    assert_eq!(revision_label(&state, "mysql-1"), new);
    let st = status(&state);
    assert_eq!(st.current_revision.as_deref(), Some(old.as_str()));
    assert_eq!(st.update_revision.as_deref(), Some(new.as_str()));
    assert_eq!(st.current_replicas, Some(1));
    assert_eq!(st.updated_replicas, Some(2));
    assert_eq!(st.replicas, 3);

    // A Pod below the partition that is recreated keeps the old revision.
    state.delete(Kind::Pod, NS, "mysql-0", None).unwrap();
    settle(&mut state);
    assert_eq!(revision_label(&state, "mysql-0"), old);
    let p = pod(&state, "mysql-0");
    assert_eq!(
        p.spec.unwrap().containers[0].image.as_deref(),
        Some("mysql:8.0"),
        "built from the current revision's template"
    );

    // Lowering the partition finishes the update.
    edit(&mut state, |s| {
        s.spec
            .as_mut()
            .unwrap()
            .update_strategy
            .as_mut()
            .unwrap()
            .rolling_update
            .as_mut()
            .unwrap()
            .partition = Some(0);
    });
    settle(&mut state);
    let st = status(&state);
    assert_eq!(st.current_revision.as_deref(), Some(new.as_str()));
    assert_eq!(st.current_replicas, Some(3));
}

#[test]
fn rolling_update_without_partition_completes() {
    let mut state = cluster();
    create(&mut state, mysql(3));
    settle(&mut state);
    set_image(&mut state, "mysql:8.4");
    let rv = state.store.resource_version();
    settle(&mut state);
    assert_eq!(
        pod_log(&state, rv),
        log(&[
            "-mysql-2", "+mysql-2", "-mysql-1", "+mysql-1", "-mysql-0", "+mysql-0"
        ])
    );
    let st = status(&state);
    assert_eq!(st.current_revision, st.update_revision);
    assert_eq!(st.current_replicas, Some(3));
    assert_eq!(st.updated_replicas, Some(3));
    assert_eq!(st.ready_replicas, Some(3));
    let update = st.update_revision.unwrap();
    for name in ["mysql-0", "mysql-1", "mysql-2"] {
        assert_eq!(revision_label(&state, name), update);
        assert_eq!(
            pod(&state, name).spec.unwrap().containers[0]
                .image
                .as_deref(),
            Some("mysql:8.4")
        );
    }
}

#[test]
fn max_unavailable_replaces_several_at_once() {
    let mut state = cluster();
    let mut s = with_partition(5, 0);
    s.spec
        .as_mut()
        .unwrap()
        .update_strategy
        .as_mut()
        .unwrap()
        .rolling_update
        .as_mut()
        .unwrap()
        .max_unavailable = Some(IntOrString::Int(2));
    s.spec.as_mut().unwrap().pod_management_policy = Some("Parallel".into());
    create(&mut state, s);
    settle(&mut state);
    set_image(&mut state, "mysql:8.4");
    let rv = state.store.resource_version();
    reconcile(&mut state);
    assert_eq!(terminating(&state), [3, 4]);
    reconcile(&mut state);
    assert_eq!(terminating(&state), [3, 4]);
    settle(&mut state);
    assert_eq!(
        pod_log(&state, rv),
        log(&[
            "-mysql-4", "-mysql-3", "+mysql-3", "+mysql-4", "-mysql-2", "-mysql-1", "+mysql-1",
            "+mysql-2", "-mysql-0", "+mysql-0"
        ])
    );
    let st = status(&state);
    assert_eq!(st.current_revision, st.update_revision);
}

#[test]
fn max_unavailable_percent_with_ordered_ready() {
    let mut state = cluster();
    let mut s = with_partition(4, 0);
    s.spec
        .as_mut()
        .unwrap()
        .update_strategy
        .as_mut()
        .unwrap()
        .rolling_update
        .as_mut()
        .unwrap()
        .max_unavailable = Some(IntOrString::String("50%".into()));
    create(&mut state, s);
    settle(&mut state);
    set_image(&mut state, "mysql:8.4");
    reconcile(&mut state);
    assert_eq!(terminating(&state), [2, 3]);
    settle(&mut state);
    let st = status(&state);
    assert_eq!(st.current_revision, st.update_revision);
    assert_eq!(
        scaled_max_unavailable(&IntOrString::String("10%".into()), 4),
        1
    );
    assert_eq!(
        scaled_max_unavailable(&IntOrString::String("75%".into()), 10),
        7
    );
}

#[test]
fn on_delete_updates_only_deleted_pods() {
    let mut state = cluster();
    let mut s = mysql(3);
    s.spec.as_mut().unwrap().update_strategy =
        Some(k8s_openapi::api::apps::v1::StatefulSetUpdateStrategy {
            type_: Some("OnDelete".into()),
            rolling_update: None,
        });
    create(&mut state, s);
    settle(&mut state);
    let old = status(&state).current_revision.unwrap();
    set_image(&mut state, "mysql:8.4");
    let rv = state.store.resource_version();
    settle(&mut state);
    assert!(pod_log(&state, rv).is_empty());
    let new = status(&state).update_revision.unwrap();
    assert_ne!(old, new);

    state.delete(Kind::Pod, NS, "mysql-1", None).unwrap();
    settle(&mut state);
    assert_eq!(revision_label(&state, "mysql-0"), old);
    assert_eq!(revision_label(&state, "mysql-1"), new);
    assert_eq!(revision_label(&state, "mysql-2"), old);
    let st = status(&state);
    assert_eq!(st.updated_replicas, Some(1));
    assert_eq!(st.current_replicas, Some(2));
    assert_eq!(st.current_revision.as_deref(), Some(old.as_str()));
}

// ---- revisions -----------------------------------------------------------------------

#[test]
fn revisions_are_named_by_hash_labelled_and_owned() {
    let mut state = cluster();
    create(&mut state, mysql(2));
    settle(&mut state);
    let s = set(&state);
    let revs = revisions(&state);
    assert_eq!(revs.len(), 1);
    let r = &revs[0];
    let name = r.metadata.name.clone().unwrap();
    let labels = r.metadata.labels.clone().unwrap();
    let hash = labels[HASH_LABEL].clone();
    assert_eq!(name, format!("mysql-{hash}"));
    assert!(
        hash.bytes()
            .all(|b| b"bcdfghjklmnpqrstvwxz2456789".contains(&b))
    );
    assert_eq!(
        labels["app"], "mysql",
        "selector labels, so kubectl finds it"
    );
    assert_eq!(r.revision, 1);
    assert_eq!(
        r.metadata.owner_references.clone().unwrap()[0].uid,
        s.metadata.uid.clone().unwrap()
    );
    assert_eq!(
        r.metadata.owner_references.clone().unwrap()[0].controller,
        Some(true)
    );
    let data = &r.data.as_ref().unwrap().0;
    assert_eq!(data["spec"]["template"]["$patch"], "replace");
    assert_eq!(
        data["spec"]["template"]["spec"]["containers"][0]["image"],
        "mysql:8.0"
    );
    // The name is the hash of the data with collision count 0.
    let (bytes, _) = revision::revision_data(&s.spec.clone().unwrap().template);
    assert_eq!(hash, revision::hash(&bytes, 0));

    let st = s.status.unwrap();
    assert_eq!(st.observed_generation, s.metadata.generation);
    assert_eq!(st.replicas, 2);
    assert_eq!(st.ready_replicas, Some(2));
    assert_eq!(st.available_replicas, Some(2));
    assert_eq!(st.current_replicas, Some(2));
    assert_eq!(st.updated_replicas, Some(2));
    assert_eq!(st.current_revision.as_deref(), Some(name.as_str()));
    assert_eq!(st.update_revision.as_deref(), Some(name.as_str()));
    assert_eq!(st.collision_count, Some(0));
    assert_eq!(revision_label(&state, "mysql-0"), name);
}

#[test]
fn rollback_reuses_the_old_revision_and_its_data_restores_the_template() {
    let mut state = cluster();
    create(&mut state, mysql(2));
    settle(&mut state);
    let first = revisions(&state)[0].clone();
    let first_name = first.metadata.name.clone().unwrap();
    let original_template = set(&state).spec.unwrap().template;
    set_image(&mut state, "mysql:8.4");
    settle(&mut state);
    assert_eq!(revisions(&state).len(), 2);
    assert_eq!(revisions(&state)[1].revision, 2);

    // What `kubectl rollout undo` does: apply the old revision's patch,
    // whose `$patch: replace` swaps the whole template.
    let restored = revision::template_of(&first).unwrap();
    assert_eq!(restored, original_template);
    edit(&mut state, |s| s.spec.as_mut().unwrap().template = restored);
    reconcile(&mut state);
    let revs = revisions(&state);
    assert_eq!(revs.len(), 2, "no new revision for a known template");
    assert_eq!(revs[1].metadata.name.as_deref(), Some(first_name.as_str()));
    assert_eq!(revs[1].revision, 3, "bumped to max + 1");
    assert_eq!(
        status(&state).update_revision.as_deref(),
        Some(first_name.as_str())
    );
    settle(&mut state);
    let st = status(&state);
    assert_eq!(st.current_revision.as_deref(), Some(first_name.as_str()));
    assert_eq!(revision_label(&state, "mysql-0"), first_name);
    assert_eq!(
        pod(&state, "mysql-1").spec.unwrap().containers[0]
            .image
            .as_deref(),
        Some("mysql:8.0")
    );
}

#[test]
fn old_unused_revisions_are_trimmed_to_the_history_limit() {
    let mut state = cluster();
    let mut s = mysql(1);
    s.spec.as_mut().unwrap().revision_history_limit = Some(1);
    create(&mut state, s);
    settle(&mut state);
    for image in ["a:1", "a:2", "a:3"] {
        set_image(&mut state, image);
        settle(&mut state);
    }
    let names: Vec<i64> = revisions(&state).iter().map(|r| r.revision).collect();
    // Revision 4 is in use; one unused (3) is kept; 1 and 2 are gone.
    assert_eq!(names, [3, 4]);
}

// ---- housekeeping ---------------------------------------------------------------------
