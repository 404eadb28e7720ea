//! What an external provisioner creates for a claim: the PersistentVolume
//! with a source, handle and topology in the style of its driver.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    CSIPersistentVolumeSource, HostPathVolumeSource, Node, NodeSelector, NodeSelectorRequirement,
    NodeSelectorTerm, ObjectReference, PersistentVolume, PersistentVolumeClaim,
    PersistentVolumeSpec, VolumeNodeAffinity,
};
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::util::*;
use crate::sim::state::SimState;

const CSI_PREFIX: &str = "csi.storage.k8s.io/";
const IDENTITY_KEY: &str = "storage.kubernetes.io/csiProvisionerIdentity";

fn affinity(key: &str, value: &str) -> VolumeNodeAffinity {
    VolumeNodeAffinity {
        required: Some(NodeSelector {
            node_selector_terms: vec![NodeSelectorTerm {
                match_expressions: Some(vec![NodeSelectorRequirement {
                    key: key.to_string(),
                    operator: "In".to_string(),
                    values: Some(vec![value.to_string()]),
                }]),
                match_fields: None,
            }],
        }),
    }
}

/// What the external-provisioner sidecar reports as its identity:
/// `<start ms>-<number>-<driver>`, stable for a driver within a run.
fn identity(state: &SimState, driver: &str) -> String {
    let epoch = state
        .now()
        .checked_sub(jiff::SignedDuration::try_from(state.elapsed()).unwrap_or_default())
        .unwrap_or(state.now());
    format!(
        "{}-{}-{driver}",
        epoch.as_millisecond(),
        fnv(&[driver]) % 10_000
    )
}

fn is_ceph(driver: &str) -> bool {
    driver.ends_with("rbd.csi.ceph.com") || driver.ends_with("cephfs.csi.ceph.com")
}

/// Drivers of shared filesystems, whose volumes have no fsType.
fn is_file_driver(driver: &str) -> bool {
    driver == NFS_CSI
        || driver.ends_with("cephfs.csi.ceph.com")
        || matches!(
            driver,
            "file.csi.azure.com" | "efs.csi.aws.com" | "filestore.csi.storage.gke.io"
        )
}

/// Resolves the `${pvc.metadata.*}` / `${pv.metadata.name}` templates the
/// NFS driver accepts in `subDir`.
fn expand_templates(value: &str, ns: &str, claim: &str, pv: &str) -> String {
    value
        .replace("${pvc.metadata.namespace}", ns)
        .replace("${pvc.metadata.name}", claim)
        .replace("${pv.metadata.name}", pv)
}

/// The PersistentVolume the class's provisioner creates for the claim.
/// `node` is the selected node (WaitForFirstConsumer), if any.
pub(super) fn build(
    state: &mut SimState,
    claim: &PersistentVolumeClaim,
    class: &StorageClass,
    node: Option<&str>,
) -> PersistentVolume {
    let ns = claim.metadata.namespace.clone().unwrap_or_default();
    let claim_name = claim.metadata.name.clone().unwrap_or_default();
    let uid = claim.metadata.uid.clone().unwrap_or_default();
    let name = format!("pvc-{uid}");
    let driver = class.provisioner.clone();
    let class_name = class.metadata.name.clone().unwrap_or_default();
    let wffc = class.volume_binding_mode.as_deref() == Some("WaitForFirstConsumer");
    let params = class.parameters.clone().unwrap_or_default();
    let claim_spec = claim.spec.clone().unwrap_or_default();
    let size = claim_request(claim).unwrap_or(0);
    let reclaim = class
        .reclaim_policy
        .clone()
        .unwrap_or_else(|| "Delete".to_string());

    let mut annotations = BTreeMap::from([(ANN_PROVISIONED_BY.to_string(), driver.clone())]);
    let mut finalizers = Vec::new();
    let mut spec = PersistentVolumeSpec {
        access_modes: claim_spec.access_modes.clone(),
        capacity: Some(BTreeMap::from([(
            "storage".to_string(),
            Quantity(format_quantity(size)),
        )])),
        claim_ref: Some(ObjectReference {
            api_version: Some("v1".into()),
            kind: Some("PersistentVolumeClaim".into()),
            name: Some(claim_name.clone()),
            namespace: Some(ns.clone()),
            uid: Some(uid.clone()),
            resource_version: claim.metadata.resource_version.clone(),
            field_path: None,
        }),
        mount_options: class.mount_options.clone(),
        persistent_volume_reclaim_policy: Some(reclaim.clone()),
        storage_class_name: Some(class_name),
        volume_mode: Some(
            claim_spec
                .volume_mode
                .clone()
                .unwrap_or_else(|| "Filesystem".to_string()),
        ),
        ..Default::default()
    };

    match driver.as_str() {
        LOCAL_PATH => {
            let node = node.unwrap_or_default();
            spec.host_path = Some(HostPathVolumeSource {
                path: format!("/opt/local-path-provisioner/{name}_{ns}_{claim_name}"),
                type_: Some("DirectoryOrCreate".into()),
            });
            spec.node_affinity = Some(affinity("kubernetes.io/hostname", node));
            annotations.insert(
                "local.path.provisioner/selected-node".into(),
                node.to_string(),
            );
        }
        "k8s.io/minikube-hostpath" => {
            spec.host_path = Some(HostPathVolumeSource {
                path: format!("/tmp/hostpath-provisioner/{ns}/{claim_name}"),
                type_: Some(String::new()),
            });
        }
        _ => {
            let volume_uuid = state.new_uid();
            let mut attributes: BTreeMap<String, String> = params
                .iter()
                .filter(|(k, _)| !k.starts_with(CSI_PREFIX))
                .map(|(k, v)| (k.clone(), expand_templates(v, &ns, &claim_name, &name)))
                .collect();
            let handle = if driver == NFS_CSI {
                let server = params.get("server").cloned().unwrap_or_default();
                let share = params.get("share").cloned().unwrap_or_default();
                let share = share.trim_start_matches('/');
                attributes.insert("csi.storage.k8s.io/pv/name".into(), name.clone());
                attributes.insert("csi.storage.k8s.io/pvc/name".into(), claim_name.clone());
                attributes.insert("csi.storage.k8s.io/pvc/namespace".into(), ns.clone());
                match attributes.remove("subDir") {
                    Some(sub) => {
                        attributes.insert("subdir".into(), sub.clone());
                        format!("{server}#{share}#{sub}#{name}#")
                    }
                    None => {
                        attributes.insert("subdir".into(), name.clone());
                        format!("{server}#{share}#{name}##")
                    }
                }
            } else if is_ceph(&driver) {
                let cluster = params
                    .get("clusterID")
                    .cloned()
                    .unwrap_or_else(|| "rook-ceph".to_string());
                let (pool_id, prefix) = if driver.ends_with("cephfs.csi.ceph.com") {
                    (1u64, "subvolumeName")
                } else {
                    (2u64, "imageName")
                };
                attributes.insert(prefix.into(), format!("csi-vol-{volume_uuid}"));
                format!(
                    "0001-{:04x}-{cluster}-{pool_id:016x}-{volume_uuid}",
                    cluster.len()
                )
            } else if driver == "disk.csi.azure.com" {
                let sub = uuid::Builder::from_random_bytes(
                    fnv(&["subscription"])
                        .to_be_bytes()
                        .iter()
                        .chain(fnv(&["subscription", "2"]).to_be_bytes().iter())
                        .copied()
                        .collect::<Vec<u8>>()
                        .try_into()
                        .unwrap_or([0; 16]),
                )
                .into_uuid();
                format!(
                    "/subscriptions/{sub}/resourceGroups/mc_ordinal_demo/providers/Microsoft.Compute/disks/{name}"
                )
            } else {
                volume_uuid
            };
            attributes.insert(IDENTITY_KEY.into(), identity(state, &driver));
            let fs_type = (!is_file_driver(&driver)).then(|| {
                params
                    .get("csi.storage.k8s.io/fstype")
                    .cloned()
                    .unwrap_or_else(|| "ext4".to_string())
            });
            for (param, ann) in [
                (
                    "csi.storage.k8s.io/provisioner-secret-name",
                    "volume.kubernetes.io/provisioner-deletion-secret-name",
                ),
                (
                    "csi.storage.k8s.io/provisioner-secret-namespace",
                    "volume.kubernetes.io/provisioner-deletion-secret-namespace",
                ),
            ] {
                if let Some(v) = params.get(param) {
                    annotations.insert(ann.into(), v.clone());
                }
            }
            spec.csi = Some(CSIPersistentVolumeSource {
                driver: driver.clone(),
                fs_type,
                volume_attributes: Some(attributes),
                volume_handle: handle,
                ..Default::default()
            });
            spec.node_affinity = topology(state, &driver, wffc, node);
            if reclaim == "Delete" {
                finalizers.push(PROVISIONER_FINALIZER.to_string());
            }
        }
    }

    PersistentVolume {
        metadata: ObjectMeta {
            name: Some(name),
            annotations: Some(annotations),
            finalizers: (!finalizers.is_empty()).then_some(finalizers),
            ..Default::default()
        },
        spec: Some(spec),
        status: None,
    }
}

/// Where a CSI volume can be used: the hostpath driver pins it to its node;
/// WaitForFirstConsumer volumes go to the selected node's zone (or node).
fn topology(
    state: &SimState,
    driver: &str,
    wffc: bool,
    node: Option<&str>,
) -> Option<VolumeNodeAffinity> {
    if driver == HOSTPATH_CSI {
        // With Immediate binding the driver picks a node it runs on: its
        // DaemonSet has no tolerations, so the first untainted node.
        let node = node.map(str::to_string).or_else(|| {
            state
                .store
                .list_typed::<Node>(None)
                .find(|n| {
                    n.spec.as_ref().is_none_or(|s| {
                        s.unschedulable != Some(true)
                            && s.taints
                                .iter()
                                .flatten()
                                .all(|t| t.effect == "PreferNoSchedule")
                    })
                })
                .and_then(|n| n.metadata.name.clone())
        })?;
        return Some(affinity("kubernetes.io/hostname", &node));
    }
    if !wffc {
        return None;
    }
    let node = node?;
    let zone = state
        .store
        .get_typed::<Node>("", node)
        .and_then(|n| n.metadata.labels.as_ref())
        .and_then(|l| l.get("topology.kubernetes.io/zone"))
        .cloned();
    Some(match zone {
        Some(zone) => affinity("topology.kubernetes.io/zone", &zone),
        None => affinity("kubernetes.io/hostname", node),
    })
}
