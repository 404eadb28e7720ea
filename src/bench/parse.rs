//! What parsing costs per watched Pod: k8s-openapi's full type against the
//! watches' [`Lean`] form, which skips managedFields (same JSON, same run).

use k8s_openapi::api::core::v1::Pod as K8sPod;
use kube::core::ObjectList;

use super::*;
use crate::cluster::lean::Lean;

/// Times to parse the sets' Pods list in full and lean (best of `runs`
/// each), and the list's size.
pub(super) async fn pods(client: &kube::Client, runs: usize) -> Result<Figure> {
    let req = http::Request::get(format!(
        "/api/v1/pods?labelSelector={}",
        watch::SET_POD_LABEL
    ))
    .body(Vec::new())?;
    let text = client.request_text(req).await?;
    let best = |f: &dyn Fn() -> Result<usize>| -> Result<(Duration, usize)> {
        let mut best = Duration::MAX;
        let mut n = 0;
        for _ in 0..runs.max(1) {
            let t = Instant::now();
            n = f()?;
            best = best.min(t.elapsed());
        }
        Ok((best, n))
    };
    let (full, n) = best(&|| {
        Ok(serde_json::from_str::<ObjectList<K8sPod>>(&text)?
            .items
            .len())
    })?;
    let (lean, _) = best(&|| {
        Ok(serde_json::from_str::<ObjectList<Lean<K8sPod>>>(&text)?
            .items
            .len())
    })?;
    let per = |d: Duration| d.as_secs_f64() * 1e6 / n.max(1) as f64;
    Ok(Figure {
        name: "parse per Pod".into(),
        value: per(lean),
        unit: "µs",
        detail: format!(
            "without managedFields, as the watches parse; full k8s-openapi Pod {:.1} µs, ratio {:.2}; {n} Pods, {:.1} MB of JSON, best of {runs}",
            per(full),
            lean.as_secs_f64() / full.as_secs_f64().max(1e-9),
            text.len() as f64 / 1e6
        ),
        target: "",
    })
}
