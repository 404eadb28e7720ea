//! `ordinal get`: the explorer's views printed once, as text or JSON, for
//! scripts and quick checks over SSH. Same watchers, store and views as the
//! TUI; it waits for the first complete sync, then prints.

use std::fmt::Write as _;
use std::time::Duration;

use anyhow::Result;
use jiff::Timestamp;
use serde_json::json;
use tokio::sync::mpsc;

use crate::cli::{FailOn, GetCommand, OutputFormat};
use crate::cluster::watch;
use crate::store::{Kind, Store, SyncState};
use crate::view::{self, Scope, model::*};

/// Whether every kind has finished its first list (or is forbidden).
fn synced(store: &Store) -> bool {
    Kind::ALL.iter().all(|k| {
        matches!(
            store.sync(*k),
            SyncState::Live { .. } | SyncState::Forbidden { .. }
        )
    })
}

/// Fills a store from the cluster until synced or `timeout`.
/// With `set`, the first StatefulSet of that name is followed as if its
/// screen were open (its revisions and all its events are loaded too).
pub async fn load(
    client: &kube::Client,
    namespace: Option<String>,
    set: Option<&str>,
    timeout: Duration,
) -> Result<Store> {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let scope = match &namespace {
        Some(ns) if ns.contains(',') => watch::Scope::Namespaces(
            ns.split(',')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(String::from)
                .collect(),
        ),
        Some(ns) => watch::Scope::Namespace(ns.clone()),
        None => watch::Scope::All,
    };
    let mut watches = watch::start(client, &scope, &tx, watch::Backoff::default());
    let mut store = Store::new();
    let deadline = tokio::time::Instant::now() + timeout;
    let mut open: Option<Vec<crate::store::Feed>> = None;
    loop {
        if synced(&store) {
            let Some(name) = set else { break };
            match &open {
                None => {
                    let one = namespace.as_deref().filter(|ns| !ns.contains(','));
                    let Some(s) = store.sets(one).find(|s| s.name == name) else {
                        break;
                    };
                    let set = watch::OpenSet {
                        namespace: s.namespace.clone(),
                        name: s.name.clone(),
                        selector: s.selector.clone(),
                    };
                    open = Some(watch::open_set_feeds(&set));
                    watches.follow(Some(set));
                }
                Some(feeds) if feeds.iter().all(|f| store.feed_listed(f)) => break,
                Some(_) => {}
            }
        }
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(ev)) => {
                store.apply(ev, Timestamp::now());
            }
            Ok(None) => break,
            // Only the set's own events or revisions are late: show the rest.
            Err(_) if synced(&store) => break,
            Err(_) => {
                let pending: Vec<&str> = Kind::ALL
                    .iter()
                    .filter(|k| {
                        !matches!(
                            store.sync(**k),
                            SyncState::Live { .. } | SyncState::Forbidden { .. }
                        )
                    })
                    .map(|k| k.label())
                    .collect();
                anyhow::bail!(
                    "not synced after {}s: {}",
                    timeout.as_secs(),
                    pending.join(", ")
                );
            }
        }
    }
    Ok(store)
}

/// Lays out rows as aligned columns.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if i < widths.len() {
                widths[i] = widths[i].max(c.chars().count());
            }
        }
    }
    let mut out = String::new();
    let line = |cells: Vec<&str>, out: &mut String| {
        let n = cells.len();
        for (i, c) in cells.into_iter().enumerate() {
            if i + 1 == n {
                out.push_str(c);
            } else {
                let _ = write!(out, "{c:<w$}   ", w = widths[i]);
            }
        }
        out.push('\n');
    };
    line(header.to_vec(), &mut out);
    for r in rows {
        line(r.iter().map(String::as_str).collect(), &mut out);
    }
    out
}

fn health(h: Option<Severity>) -> String {
    h.map_or_else(|| "ok".to_string(), |s| s.label().to_string())
}

fn link<T>(l: &Link<T>, f: impl Fn(&T) -> String) -> String {
    match l {
        Link::Present(t) => f(t),
        Link::Missing(why) => format!("missing: {why}"),
        // The reason names the kind and why already (`PV hidden: forbidden`).
        Link::Hidden(why) => why.clone(),
    }
}

fn findings_text(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let _ = writeln!(
            out,
            "{:<8} {}\n         {}",
            f.severity.label().to_uppercase(),
            f.title,
            f.detail
        );
    }
    if findings.is_empty() {
        out.push_str("no findings\n");
    }
    out
}

/// The text for the set list.
pub fn list_text(rows: &[SetRow], findings: &[Finding]) -> String {
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.namespace.clone(),
                r.name.clone(),
                r.ready.clone(),
                r.updated.clone(),
                r.strategy.clone(),
                r.rollout.clone(),
                health(r.health),
                r.age.clone(),
            ]
        })
        .collect();
    let mut out = table(
        &[
            "NAMESPACE",
            "NAME",
            "READY",
            "UPDATED",
            "STRATEGY",
            "ROLLOUT",
            "HEALTH",
            "AGE",
        ],
        &body,
    );
    out.push_str("\nFINDINGS\n");
    out.push_str(&findings_text(findings));
    out
}

/// The text for one set: header, ordinals, chains of every ordinal, findings.
pub fn detail_text(detail: &SetDetail, chains: &[(i32, Vec<Chain>)]) -> String {
    let h = &detail.header;
    let mut out = String::new();
    let _ = writeln!(out, "StatefulSet {}/{}", h.namespace, h.name);
    let _ = writeln!(
        out,
        "  selector   {}\n  service    {}\n  strategy   {}\n  policy     {}",
        h.selector, h.service, h.strategy, h.policy
    );
    let _ = writeln!(
        out,
        "  revisions  current {}  update {}",
        h.current_revision, h.update_revision
    );
    let _ = writeln!(
        out,
        "  retention  {}\n  rollout    {}\n",
        h.retention, h.rollout
    );
    let rows: Vec<Vec<String>> = detail
        .ordinals
        .iter()
        .map(|o| {
            let side = match o.partition {
                PartitionSide::Updates => "updates",
                PartitionSide::HeldBack => "held",
                PartitionSide::None => "",
            };
            vec![
                o.ordinal.to_string(),
                o.pod.clone(),
                o.status.clone(),
                o.ready.clone(),
                o.restarts.clone(),
                o.node.clone(),
                format!(
                    "{}{}",
                    o.revision.hash,
                    if o.revision.is_update {
                        " (update)"
                    } else {
                        ""
                    }
                ),
                side.to_string(),
                o.claims
                    .iter()
                    .map(|(t, p)| format!("{t}:{p}"))
                    .collect::<Vec<_>>()
                    .join(" "),
                health(o.health),
            ]
        })
        .collect();
    out.push_str(&table(
        &[
            "#",
            "POD",
            "STATUS",
            "READY",
            "RESTARTS",
            "NODE",
            "REVISION",
            "PARTITION",
            "CLAIMS",
            "HEALTH",
        ],
        &rows,
    ));
    out.push_str("\nVOLUMES\n");
    for (ordinal, list) in chains {
        for c in list {
            let _ = writeln!(
                out,
                "  {ordinal} {}: {} -> {} -> {}",
                c.template,
                link(&c.claim, |x| format!(
                    "{} {} {}",
                    x.name, x.phase, x.capacity
                )),
                link(&c.volume, |x| format!(
                    "{} {} {} {}",
                    x.name, x.phase, x.reclaim_policy, x.source
                )),
                link(&c.class, |x| format!(
                    "{} {} {}",
                    x.name, x.provisioner, x.binding_mode
                )),
            );
        }
    }
    out.push_str("\nFINDINGS\n");
    out.push_str(&findings_text(&detail.findings));
    out
}

fn exit_code(findings: &[Finding], fail_on: Option<FailOn>) -> i32 {
    let Some(threshold) = fail_on else { return 0 };
    let threshold = match threshold {
        FailOn::Info => Severity::Info,
        FailOn::Warning => Severity::Warning,
        FailOn::Critical => Severity::Critical,
    };
    i32::from(findings.iter().any(|f| f.severity >= threshold))
}

/// Runs `ordinal get`; returns the process exit code.
pub async fn run(
    client: &kube::Client,
    namespace: Option<String>,
    cmd: &GetCommand,
) -> Result<i32> {
    let store = load(
        client,
        namespace.clone(),
        cmd.name.as_deref(),
        Duration::from_secs(cmd.timeout),
    )
    .await?;
    let now = Timestamp::now();
    // Several namespaces: the store holds just those.
    let scope = Scope {
        namespace: namespace.filter(|ns| !ns.contains(',')),
    };
    let (text, value, findings) = match &cmd.name {
        None => {
            let rows = view::set_rows(&store, &scope, "", now);
            let findings = view::findings(&store, &scope, now);
            (
                list_text(&rows, &findings),
                json!({"statefulsets": rows, "findings": findings}),
                findings,
            )
        }
        Some(name) => {
            let matches: Vec<SetRow> = view::set_rows(&store, &scope, "", now)
                .into_iter()
                .filter(|r| r.name == *name)
                .collect();
            let Some(row) = matches.first() else {
                eprintln!(
                    "ordinal: no StatefulSet named {name:?} in {}",
                    scope.namespace.as_deref().unwrap_or("any namespace")
                );
                return Ok(2);
            };
            if matches.len() > 1 {
                eprintln!("ordinal: {name:?} exists in several namespaces; pick one with -n");
                return Ok(2);
            }
            let detail =
                view::set_detail(&store, &row.namespace, name, None, now).expect("the row exists");
            let chains: Vec<(i32, Vec<Chain>)> = detail
                .ordinals
                .iter()
                .map(|o| {
                    let d = view::set_detail(&store, &row.namespace, name, Some(o.ordinal), now);
                    (o.ordinal, d.map(|d| d.chains).unwrap_or_default())
                })
                .collect();
            let findings = detail.findings.clone();
            let value = json!({"statefulset": detail, "chains": chains.iter().map(|(o, c)| json!({"ordinal": o, "chains": c})).collect::<Vec<_>>()});
            (detail_text(&detail, &chains), value, findings)
        }
    };
    match cmd.output {
        OutputFormat::Text => print!("{text}"),
        OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&value)?),
    }
    Ok(exit_code(&findings, cmd.fail_on))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_columns() {
        let t = table(
            &["A", "LONGER"],
            &[
                vec!["xxxx".into(), "y".into()],
                vec!["z".into(), "w".into()],
            ],
        );
        assert_eq!(t, "A      LONGER\nxxxx   y\nz      w\n");
    }

    #[test]
    fn exit_code_follows_the_threshold() {
        let f = |s| Finding {
            severity: s,
            code: "x",
            title: String::new(),
            detail: String::new(),
            objects: vec![],
        };
        let findings = vec![f(Severity::Warning)];
        assert_eq!(exit_code(&findings, None), 0);
        assert_eq!(exit_code(&findings, Some(FailOn::Warning)), 1);
        assert_eq!(exit_code(&findings, Some(FailOn::Critical)), 0);
        assert_eq!(exit_code(&[], Some(FailOn::Info)), 0);
    }
}
