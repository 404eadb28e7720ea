//! Small pure helpers shared by the scheduler, the node controller and the
//! kubelet: selector and toleration matching, quantities, addresses, images.

use std::net::Ipv4Addr;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use k8s_openapi::api::core::v1::{Taint, Toleration};

pub const UNREACHABLE: &str = "node.kubernetes.io/unreachable";
pub const NOT_READY: &str = "node.kubernetes.io/not-ready";
pub const UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";
pub const NO_SCHEDULE: &str = "NoSchedule";
pub const NO_EXECUTE: &str = "NoExecute";

pub fn after(t: Timestamp, d: Duration) -> Timestamp {
    t.checked_add(SignedDuration::try_from(d).unwrap_or(SignedDuration::MAX))
        .unwrap_or(Timestamp::MAX)
}

pub fn since(now: Timestamp, then: Timestamp) -> Duration {
    Duration::try_from(now.duration_since(then)).unwrap_or_default()
}

/// Go's `time.Duration.String()` for whole seconds: `10s`, `1m20s`, `5m0s`.
pub fn go_duration(d: Duration) -> String {
    let secs = d.as_secs();
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    if h > 0 {
        format!("{h}h{m}m{s}s")
    } else if m > 0 {
        format!("{m}m{s}s")
    } else {
        format!("{s}s")
    }
}

pub use crate::sim::select::{
    label_selector_matches, node_selector_terms_match, requirement_matches,
};

pub fn tolerates(toleration: &Toleration, taint: &Taint) -> bool {
    if let Some(effect) = toleration.effect.as_deref()
        && !effect.is_empty()
        && effect != taint.effect
    {
        return false;
    }
    let key = toleration.key.as_deref().unwrap_or_default();
    let operator = toleration.operator.as_deref().unwrap_or("Equal");
    if key.is_empty() {
        // An empty key with Exists tolerates everything.
        return operator == "Exists";
    }
    if key != taint.key {
        return false;
    }
    match operator {
        "Exists" => true,
        "Equal" | "" => {
            toleration.value.as_deref().unwrap_or_default()
                == taint.value.as_deref().unwrap_or_default()
        }
        _ => false,
    }
}

pub fn tolerates_any(tolerations: &[Toleration], taint: &Taint) -> bool {
    tolerations.iter().any(|t| tolerates(t, taint))
}

/// The usable addresses of an IPv4 CIDR: network+2 (the gateway takes +1)
/// up to the one before broadcast.
pub fn cidr_range(cidr: &str) -> Option<(u32, u32)> {
    let (ip, bits) = cidr.split_once('/')?;
    let ip: Ipv4Addr = ip.parse().ok()?;
    let bits: u32 = bits.parse().ok()?;
    if bits > 30 {
        return None;
    }
    let size = 1u64 << (32 - bits);
    let base = u32::from(ip) & (!0u32).checked_shl(32 - bits).unwrap_or(0);
    let last = (u64::from(base) + size - 2) as u32;
    Some((base + 2, last))
}

/// FNV-1a, salted, to derive stable fake digests from names.
fn fnv(salt: u64, data: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ salt.wrapping_mul(0x100_0000_01b3);
    for b in data.bytes().chain(salt.to_le_bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}

pub fn stable_hex64(data: &str) -> String {
    (0..4u64)
        .map(|i| format!("{:016x}", fnv(i + 1, data)))
        .collect()
}

/// What containerd reports for an image reference: the fully qualified name
/// (`docker.io/library/mysql:8.0`) and its digest reference.
pub fn image_refs(image: &str) -> (String, String) {
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    let last_slash = name.rfind('/').map_or(0, |i| i + 1);
    let (repo, tag) = match name[last_slash..].rfind(':') {
        Some(i) => (&name[..last_slash + i], Some(&name[last_slash + i + 1..])),
        None => (name, None),
    };
    let first = repo.split('/').next().unwrap_or_default();
    let has_domain =
        repo.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    let full_repo = if has_domain {
        repo.to_string()
    } else if repo.contains('/') {
        format!("docker.io/{repo}")
    } else {
        format!("docker.io/library/{repo}")
    };
    let reference = match (digest, tag) {
        (Some(d), _) => format!("{full_repo}@{d}"),
        (None, Some(t)) => format!("{full_repo}:{t}"),
        (None, None) => format!("{full_repo}:latest"),
    };
    let digest = digest
        .map(str::to_string)
        .unwrap_or_else(|| format!("sha256:{}", stable_hex64(&reference)));
    (reference, format!("{full_repo}@{digest}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_qualified_like_containerd() {
        let (r, id) = image_refs("mysql:8.0");
        assert_eq!(r, "docker.io/library/mysql:8.0");
        assert!(id.starts_with("docker.io/library/mysql@sha256:"));
        assert_eq!(id.len(), "docker.io/library/mysql@sha256:".len() + 64);
        assert_eq!(image_refs("mysql:8.0").1, id);
        assert_eq!(
            image_refs("confluentinc/cp-kafka:7.6.1").0,
            "docker.io/confluentinc/cp-kafka:7.6.1"
        );
        assert_eq!(
            image_refs("ghcr.io/zalando/spilo-16:3.3-p2").0,
            "ghcr.io/zalando/spilo-16:3.3-p2"
        );
        assert_eq!(image_refs("nginx").0, "docker.io/library/nginx:latest");
        assert_eq!(image_refs("localhost:5000/app:1").0, "localhost:5000/app:1");
    }

    #[test]
    fn durations() {
        assert_eq!(go_duration(Duration::from_secs(10)), "10s");
        assert_eq!(go_duration(Duration::from_secs(80)), "1m20s");
        assert_eq!(go_duration(Duration::from_secs(300)), "5m0s");
        assert_eq!(
            cidr_range("10.244.1.0/24"),
            Some((
                u32::from(Ipv4Addr::new(10, 244, 1, 2)),
                u32::from(Ipv4Addr::new(10, 244, 1, 254))
            ))
        );
    }
}
