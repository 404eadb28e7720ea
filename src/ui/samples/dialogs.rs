//! Sample action dialogs over the screens they are opened from.

use super::*;

fn request(method: &str, path: &str, content_type: Option<&str>, body: &[&str]) -> RequestView {
    RequestView {
        method: s(method),
        path: s(path),
        content_type: content_type.map(s),
        body: body.iter().map(|b| s(b)).collect(),
        also: vec![],
    }
}

fn dialog_over(mut base: FrameView, dialog: DialogView) -> FrameView {
    base.overlay = Some(Overlay::Dialog(Box::new(dialog)));
    base
}

const MERGE: Option<&str> = Some("application/merge-patch+json");
const STRATEGIC: Option<&str> = Some("application/strategic-merge-patch+json");

fn scale_request(replicas: i32) -> RequestView {
    request(
        "PATCH",
        "/apis/apps/v1/namespaces/mysql/statefulsets/mysql/scale",
        MERGE,
        &[&format!(r#"{{"spec":{{"replicas":{replicas}}}}}"#)],
    )
}

/// mysql 3→5: the orphaned claims of an earlier scale-up are reused.
pub fn scale_dialog() -> DialogView {
    DialogView {
        title: s("Scale StatefulSet mysql/mysql"),
        danger: false,
        input: Some(InputView {
            label: s("Replicas"),
            text: s("5"),
            cursor: 1,
            error: None,
            hint: Some(s("now 3 · up to 9 without a warning")),
        }),
        choices: None,
        plan: vec![
            s(
                "creates mysql-3, then mysql-4: OrderedReady starts each one after the previous is Running and Ready",
            ),
            s("reuses data-mysql-3 (exists from an earlier scale-up)"),
            s("reuses data-mysql-4 (exists from an earlier scale-up)"),
            s("mysql-2 is not Ready (readiness probe failing): mysql-3 waits for it"),
        ],
        warnings: vec![],
        request: Some(scale_request(5)),
        kubectl: Some(s("kubectl -n mysql scale statefulset mysql --replicas=5")),
        confirm: s("scale"),
        can_confirm: true,
        state: DialogState::Editing,
        batch: None,
    }
}

pub fn scale_frame() -> FrameView {
    dialog_over(mysql_frame(SetPane::Ordinals, 2), scale_dialog())
}

/// `abc` typed: an inline error, nothing to send.
pub fn scale_error_frame() -> FrameView {
    let d = DialogView {
        input: Some(InputView {
            label: s("Replicas"),
            text: s("abc"),
            cursor: 3,
            error: Some(s(r#"not a whole number: "abc""#)),
            hint: None,
        }),
        plan: vec![],
        request: None,
        kubectl: None,
        can_confirm: false,
        ..scale_dialog()
    };
    dialog_over(mysql_frame(SetPane::Ordinals, 2), d)
}

/// 3→50: allowed, with a warning.
pub fn scale_warning_frame() -> FrameView {
    let d = DialogView {
        input: Some(InputView {
            label: s("Replicas"),
            text: s("50"),
            cursor: 2,
            error: None,
            hint: Some(s("now 3 · up to 9 without a warning")),
        }),
        plan: vec![
            s(
                "creates mysql-3 to mysql-49, one at a time, each after the previous is Running and Ready",
            ),
            s("reuses data-mysql-3 and data-mysql-4 (exist from an earlier scale-up)"),
            s("creates 45 claims data-mysql-5 … data-mysql-49 (10Gi each, class standard)"),
        ],
        warnings: vec![s(
            "50 is more than 3× the current 3 replicas. Check the number: every new ordinal also gets a 10Gi volume (450Gi more in total).",
        )],
        request: Some(scale_request(50)),
        kubectl: Some(s("kubectl -n mysql scale statefulset mysql --replicas=50")),
        ..scale_dialog()
    };
    dialog_over(mysql_frame(SetPane::Ordinals, 2), d)
}

/// Rolling restart of a set whose strategy is OnDelete.
pub fn restart_ondelete_frame() -> FrameView {
    let d = DialogView {
        title: s("Rolling restart StatefulSet kafka/ksqldb-server"),
        danger: false,
        input: None,
        choices: None,
        plan: vec![s(
            "sets the Pod template annotation kubectl.kubernetes.io/restartedAt to 2026-11-22T14:03:27Z, which makes a new revision",
        )],
        warnings: vec![s(
            "The update strategy is OnDelete: no Pod restarts until it is deleted (d on an ordinal); each deleted Pod comes back on the new revision.",
        )],
        request: Some(request(
            "PATCH",
            "/apis/apps/v1/namespaces/kafka/statefulsets/ksqldb-server",
            STRATEGIC,
            &[
                r#"{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-11-22T14:03:27Z"}}}}}"#,
            ],
        )),
        kubectl: Some(s(
            "kubectl -n kafka rollout restart statefulset ksqldb-server",
        )),
        confirm: s("restart"),
        can_confirm: true,
        state: DialogState::Editing,
        batch: None,
    };
    dialog_over(list_frame(), d)
}

/// Staged rollout: partition 1 → 0 releases ordinal 0.
pub fn partition_step_dialog() -> DialogView {
    DialogView {
        title: s("Partition step StatefulSet nfs-demo/sample-statefulset"),
        danger: false,
        input: None,
        choices: None,
        plan: vec![
            s("partition 1 → 0: ordinal 0 moves to the update revision 7b6f8d9c2"),
            s(
                "sample-statefulset-0 is deleted and recreated on 7b6f8d9c2 once sample-statefulset-1 is Ready; its claim www-sample-statefulset-0 is kept",
            ),
        ],
        warnings: vec![s(
            "sample-statefulset-1 is Unknown on NotReady node nfs-worker-2: the rollout waits for it, so ordinal 0 will not move until it is Ready or deleted.",
        )],
        request: Some(request(
            "PATCH",
            "/apis/apps/v1/namespaces/nfs-demo/statefulsets/sample-statefulset",
            MERGE,
            &[r#"{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}"#],
        )),
        kubectl: Some(s(
            r#"kubectl -n nfs-demo patch statefulset sample-statefulset --type=merge -p '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}'"#,
        )),
        confirm: s("step"),
        can_confirm: true,
        state: DialogState::Editing,
        batch: None,
    }
}

pub fn partition_step_frame() -> FrameView {
    dialog_over(partition_frame(SetPane::Ordinals), partition_step_dialog())
}

/// Roll postgresql-k8s back to revision 3 of 2, 3, 4.
pub fn rollback_frame() -> FrameView {
    let row = |cells: [&str; 4]| cells.map(s).to_vec();
    let d = DialogView {
        title: s("Roll back StatefulSet postgres/postgresql-k8s"),
        danger: false,
        input: None,
        choices: Some(ChoiceView {
            label: s("Revision"),
            columns: ["REV", "AGE", "IMAGES", ""].map(s).to_vec(),
            rows: vec![
                row([
                    "4",
                    "2d",
                    "ghcr.io/zalando/spilo-16:3.2-p3",
                    "current, update",
                ]),
                row(["3", "9d", "ghcr.io/zalando/spilo-16:3.2-p2", ""]),
                row(["2", "31d", "ghcr.io/zalando/spilo-16:3.2-p1", ""]),
            ],
            selected: 1,
        }),
        plan: vec![
            s("the Pod template goes back to revision 3 (spilo-16:3.2-p2); it becomes revision 5"),
            s(
                "RollingUpdate replaces postgresql-k8s-1, then postgresql-k8s-0, each after the previous is Ready",
            ),
        ],
        warnings: vec![],
        request: Some(request(
            "PATCH",
            "/apis/apps/v1/namespaces/postgres/statefulsets/postgresql-k8s",
            STRATEGIC,
            &[
                "{",
                r#"  "spec": {"#,
                r#"    "template": {"#,
                r#"      "metadata": {"labels": {"app": "postgresql-k8s", "cluster-name": "postgresql-k8s"}},"#,
                r#"      "spec": {"#,
                r#"        "$setElementOrder/containers": [{"name": "postgres"}],"#,
                r#"        "containers": [{"name": "postgres", "image": "ghcr.io/zalando/spilo-16:3.2-p2", "env": [{"name": "PGVERSION", "value": "16"}]}]"#,
                "      }",
                "    }",
                "  }",
                "}",
            ],
        )),
        kubectl: Some(s(
            "kubectl -n postgres rollout undo statefulset postgresql-k8s --to-revision=3",
        )),
        confirm: s("roll back"),
        can_confirm: true,
        state: DialogState::Editing,
        batch: None,
    };
    dialog_over(postgres_frame(SetPane::Ordinals), d)
}

/// Force delete of the Unknown Pod on the lost node.
pub fn force_delete_frame() -> FrameView {
    let d = DialogView {
        title: s("Force delete Pod nfs-demo/sample-statefulset-1"),
        danger: true,
        input: None,
        choices: None,
        plan: vec![
            s(
                "removes sample-statefulset-1 from the API at once (grace period 0), without waiting for the kubelet on nfs-worker-2 to confirm it stopped",
            ),
            s(
                "the StatefulSet controller then creates a new sample-statefulset-1 with the same claim www-sample-statefulset-1",
            ),
        ],
        warnings: vec![s(
            "nfs-worker-2 is NotReady for 4m, not known to be down. If it still runs the old Pod, two Pods with the same identity will write to the same volume. Force delete only if the node is really gone or fenced.",
        )],
        request: Some(request(
            "DELETE",
            "/api/v1/namespaces/nfs-demo/pods/sample-statefulset-1",
            Some("application/json"),
            &[r#"{"kind":"DeleteOptions","apiVersion":"v1","gracePeriodSeconds":0}"#],
        )),
        kubectl: Some(s(
            "kubectl -n nfs-demo delete pod sample-statefulset-1 --grace-period=0 --force",
        )),
        confirm: s("force delete"),
        can_confirm: true,
        state: DialogState::Editing,
        batch: None,
    };
    dialog_over(partition_frame(SetPane::Ordinals), d)
}

/// Deleting an orphaned claim, its name half typed.
pub fn delete_claim_frame() -> FrameView {
    let d = DialogView {
        title: s("Delete PersistentVolumeClaim mysql/data-mysql-4"),
        danger: true,
        input: Some(InputView {
            label: s("Type the claim's name to confirm"),
            text: s("data-my"),
            cursor: 7,
            error: None,
            hint: Some(s("type data-mysql-4 exactly")),
        }),
        choices: None,
        plan: vec![
            s("deletes data-mysql-4, orphaned since mysql was scaled from 5 to 3 (no Pod uses it)"),
            s(
                "its volume pvc-9a41c7e2-3b5d-4f8a-b1c6-7d2e9f0a5b13 has reclaim policy Delete: the volume and its data are deleted too",
            ),
        ],
        warnings: vec![s(
            "The data cannot be recovered. If mysql is scaled to 5 again, mysql-4 starts with a new, empty claim.",
        )],
        request: Some(request(
            "DELETE",
            "/api/v1/namespaces/mysql/persistentvolumeclaims/data-mysql-4",
            None,
            &[],
        )),
        kubectl: Some(s("kubectl -n mysql delete pvc data-mysql-4")),
        confirm: s("delete"),
        can_confirm: false,
        state: DialogState::Editing,
        batch: None,
    };
    dialog_over(mysql_frame(SetPane::Ordinals, 2), d)
}

/// The scale request sent, waiting for the answer.
pub fn sending_frame() -> FrameView {
    let d = DialogView {
        state: DialogState::Sending,
        ..scale_dialog()
    };
    dialog_over(mysql_frame(SetPane::Ordinals, 2), d)
}

/// The scale refused by RBAC.
pub fn failed_forbidden_frame() -> FrameView {
    let d = DialogView {
        state: DialogState::Failed {
            error: s(
                r#"403 Forbidden: statefulsets.apps "mysql" is forbidden: User "alice@example.com" cannot patch resource "statefulsets/scale" in API group "apps" in the namespace "mysql""#,
            ),
            retry: false,
        },
        ..scale_dialog()
    };
    dialog_over(mysql_frame(SetPane::Ordinals, 2), d)
}

/// The partition step lost a race with another writer.
pub fn failed_conflict_frame() -> FrameView {
    let d = DialogView {
        state: DialogState::Failed {
            error: s(
                r#"409 Conflict: Operation cannot be fulfilled on statefulsets.apps "sample-statefulset": the object has been modified; please apply your changes to the latest version and try again"#,
            ),
            retry: true,
        },
        ..partition_step_dialog()
    };
    dialog_over(partition_frame(SetPane::Ordinals), d)
}
