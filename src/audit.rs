//! The local audit log: one JSON line per action sent, so "who scaled
//! mysql to 0 last night" has an answer on this machine too.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::action::{Action, ActionError};

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub timestamp: Timestamp,
    pub context: String,
    /// The user, when the kubeconfig or the server told us.
    pub user: Option<String>,
    pub namespace: String,
    /// `statefulset/mysql`, `pod/mysql-1`.
    pub object: String,
    pub request: AuditRequest,
    /// `ok: scaled …` or the error as shown to the user.
    pub outcome: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRequest {
    pub method: String,
    pub path: String,
    pub body: Option<serde_json::Value>,
}

impl AuditRecord {
    pub fn new(
        action: &Action,
        context: &str,
        user: Option<&str>,
        at: Timestamp,
        outcome: &Result<String, ActionError>,
    ) -> AuditRecord {
        let r = action.request();
        AuditRecord {
            timestamp: at,
            context: context.to_string(),
            user: user.map(String::from),
            namespace: action.namespace().to_string(),
            object: action.object(),
            request: AuditRequest {
                method: r.method.to_string(),
                path: r.path,
                body: r.body,
            },
            outcome: match outcome {
                Ok(summary) => format!("ok: {summary}"),
                Err(e) => format!("error: {}", e.describe()),
            },
        }
    }
}

/// `$XDG_STATE_HOME/ordinal/actions.log`, else `~/.local/state/ordinal/actions.log`.
pub fn default_path() -> PathBuf {
    path_from(std::env::var_os("XDG_STATE_HOME"), std::env::var_os("HOME"))
}

/// [`default_path`] from given variable values. XDG says relative values
/// are to be ignored; without a home the temporary directory is used.
pub fn path_from(xdg_state_home: Option<OsString>, home: Option<OsString>) -> PathBuf {
    let absolute = |v: Option<OsString>| v.map(PathBuf::from).filter(|p| p.is_absolute());
    let base = absolute(xdg_state_home)
        .or_else(|| absolute(home).map(|h| h.join(".local").join("state")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("ordinal").join("actions.log")
}

/// Appends `record` as one JSON line, creating the directory (and the file,
/// readable by the user only) when missing.
pub fn append(path: &Path, record: &AuditRecord) -> io::Result<()> {
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)?;
    }
    let mut line = serde_json::to_string(record).map_err(io::Error::other)?;
    line.push('\n');
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    // One write call per line, so concurrent writers do not interleave.
    options.open(path)?.write_all(line.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scale() -> Action {
        Action::Scale {
            namespace: "mysql".into(),
            name: "mysql".into(),
            replicas: 5,
        }
    }

    #[test]
    fn state_home_wins_then_home_then_temp() {
        assert_eq!(
            path_from(Some("/xdg".into()), Some("/home/a".into())),
            PathBuf::from("/xdg/ordinal/actions.log")
        );
        assert_eq!(
            path_from(Some("relative".into()), Some("/home/a".into())),
            PathBuf::from("/home/a/.local/state/ordinal/actions.log")
        );
        assert_eq!(
            path_from(None, None),
            std::env::temp_dir().join("ordinal/actions.log")
        );
    }

    #[test]
    fn records_append_as_json_lines_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deep/er/actions.log");
        let at: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let ok = AuditRecord::new(&scale(), "prod", Some("alice"), at, &Ok("scaled".into()));
        let err = AuditRecord::new(
            &scale(),
            "prod",
            None,
            at,
            &Err(ActionError {
                code: Some(403),
                reason: "Forbidden".into(),
                message: "nope".into(),
            }),
        );
        append(&path, &ok).unwrap();
        append(&path, &err).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        let first: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
        assert_eq!(
            first,
            serde_json::json!({
                "timestamp": "2026-01-01T00:00:00Z", "context": "prod", "user": "alice",
                "namespace": "mysql", "object": "statefulset/mysql",
                "request": {"method": "PATCH",
                    "path": "/apis/apps/v1/namespaces/mysql/statefulsets/mysql/scale",
                    "body": {"spec": {"replicas": 5}}},
                "outcome": "ok: scaled"
            })
        );
        let back: AuditRecord = serde_json::from_str(lines[1]).unwrap();
        assert_eq!(back, err);
        assert_eq!(back.user, None);
        assert_eq!(back.outcome, "error: 403 Forbidden: nope");
    }

    #[test]
    fn an_unwritable_path_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        std::fs::write(&file, "x").unwrap();
        let at = Timestamp::UNIX_EPOCH;
        let r = AuditRecord::new(&scale(), "c", None, at, &Ok("x".into()));
        assert!(append(&file.join("actions.log"), &r).is_err());
    }
}
