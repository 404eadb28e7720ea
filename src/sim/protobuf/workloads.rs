//! The protobuf messages of `kubectl create deployment`, `create job`,
//! `create cronjob` and `create serviceaccount` (field numbers from
//! k8s.io/api's `generated.proto`): what those commands fill in, nothing
//! more; fields not listed are skipped.

use super::{Field, OBJECT_META, Ty};

const LABEL_SELECTOR: &[Field] = &[(1, "matchLabels", Ty::StrMap)];

const CONTAINER_PORT: &[Field] = &[
    (1, "name", Ty::Str),
    (3, "containerPort", Ty::Int),
    (4, "protocol", Ty::Str),
];

const CONTAINER: &[Field] = &[
    (1, "name", Ty::Str),
    (2, "image", Ty::Str),
    (3, "command", Ty::Strs),
    (4, "args", Ty::Strs),
    (6, "ports", Ty::Msgs(CONTAINER_PORT)),
    (8, "resources", Ty::Msg(&[])),
    (14, "imagePullPolicy", Ty::Str),
];

const POD_SPEC: &[Field] = &[
    (2, "containers", Ty::Msgs(CONTAINER)),
    (3, "restartPolicy", Ty::Str),
    (8, "serviceAccountName", Ty::Str),
];

const POD_TEMPLATE: &[Field] = &[
    (1, "metadata", Ty::Msg(OBJECT_META)),
    (2, "spec", Ty::Msg(POD_SPEC)),
];

const DEPLOYMENT_SPEC: &[Field] = &[
    (1, "replicas", Ty::Int),
    (2, "selector", Ty::Msg(LABEL_SELECTOR)),
    (3, "template", Ty::Msg(POD_TEMPLATE)),
    (4, "strategy", Ty::Msg(&[(1, "type", Ty::Str)])),
];

pub(super) const DEPLOYMENT: &[Field] = &[
    (1, "metadata", Ty::Msg(OBJECT_META)),
    (2, "spec", Ty::Msg(DEPLOYMENT_SPEC)),
];

const JOB_SPEC: &[Field] = &[
    (1, "parallelism", Ty::Int),
    (2, "completions", Ty::Int),
    (6, "template", Ty::Msg(POD_TEMPLATE)),
];

pub(super) const JOB: &[Field] = &[
    (1, "metadata", Ty::Msg(OBJECT_META)),
    (2, "spec", Ty::Msg(JOB_SPEC)),
];

const JOB_TEMPLATE: &[Field] = &[
    (1, "metadata", Ty::Msg(OBJECT_META)),
    (2, "spec", Ty::Msg(JOB_SPEC)),
];

pub(super) const CRON_JOB: &[Field] = &[
    (1, "metadata", Ty::Msg(OBJECT_META)),
    (
        2,
        "spec",
        Ty::Msg(&[
            (1, "schedule", Ty::Str),
            (3, "concurrencyPolicy", Ty::Str),
            (4, "suspend", Ty::Bool),
            (5, "jobTemplate", Ty::Msg(JOB_TEMPLATE)),
            (8, "timeZone", Ty::Str),
        ]),
    ),
];

pub(super) const SERVICE_ACCOUNT: &[Field] = &[(1, "metadata", Ty::Msg(OBJECT_META))];
