//! The diagnostics log, `ordinal.log` in the state directory, beside the
//! audit log.
//!
//! Two things keep it small over days of use: the file is rotated by size
//! (`ordinal.log`, `.1`, `.2`; older ones are removed), and a message that
//! repeats (a stats request to a node that is gone, a watch that keeps
//! failing) is written once, then again at most once per [`FOLD_WINDOW`]
//! with the number of repeats in between.

use std::collections::HashMap;
use std::fmt;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use file_rotate::suffix::AppendCount;
use file_rotate::{ContentLimit, FileRotate};
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// Rotate when the file passes this size.
pub const MAX_BYTES: usize = 4 * 1024 * 1024;
/// Rotated files kept besides the current one.
pub const KEPT_FILES: usize = 2;
/// A repeated message is written again at most this often.
pub const FOLD_WINDOW: Duration = Duration::from_secs(600);
/// The level when neither `--log-level` nor `ORDINAL_LOG` says.
pub const DEFAULT_LEVEL: &str = "warn";

#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error(
        "invalid log level {0:?}: use error, warn, info, debug or trace (or a filter such as ordinal=debug,kube=warn)"
    )]
    Level(String),
}

/// `ordinal.log` beside the audit log (`$XDG_STATE_HOME/ordinal/`).
pub fn default_path() -> PathBuf {
    crate::audit::default_path().with_file_name("ordinal.log")
}

/// The filter: `--log-level` first, then `ORDINAL_LOG`, then [`DEFAULT_LEVEL`].
pub fn filter(flag: Option<&str>, env: Option<&str>) -> Result<EnvFilter, LogError> {
    let (spec, from_flag) = match (flag, env) {
        (Some(f), _) => (f, true),
        (None, Some(e)) if !e.trim().is_empty() => (e, false),
        _ => (DEFAULT_LEVEL, false),
    };
    match EnvFilter::builder().parse(spec) {
        Ok(f) => Ok(f),
        // A bad ORDINAL_LOG falls back to the default rather than stopping
        // the tool; a bad flag is the user's typo and is refused.
        Err(_) if !from_flag => Ok(EnvFilter::new(DEFAULT_LEVEL)),
        Err(_) => Err(LogError::Level(spec.to_string())),
    }
}

/// Logs to `path` (rotated, folded) from now on; a log that cannot be
/// opened is skipped (the tool must still run on a read-only home).
pub fn init(path: &Path, filter: EnvFilter) {
    if let Some(dir) = path.parent()
        && std::fs::create_dir_all(dir).is_err()
    {
        return;
    }
    let file = rotating(path);
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .event_format(Folding::new(
            tracing_subscriber::fmt::format::Format::default().with_ansi(false),
            FOLD_WINDOW,
        ))
        .with_writer(Mutex::new(file))
        .try_init();
}

/// The size-capped file writer.
pub fn rotating(path: &Path) -> FileRotate<AppendCount> {
    FileRotate::new(
        path,
        AppendCount::new(KEPT_FILES),
        ContentLimit::BytesSurpassed(MAX_BYTES),
        file_rotate::compression::Compression::None,
        None,
    )
}

/// What to do with one occurrence of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Write,
    /// Write it, noting how many repeats were left out since it was last written.
    WriteRepeated(u64),
    Skip,
}

#[derive(Debug, Clone, Copy)]
struct Seen {
    written: Instant,
    skipped: u64,
}

/// Which repeats of a message are written.
#[derive(Debug)]
pub struct Folder {
    window: Duration,
    seen: HashMap<u64, Seen>,
}

/// Distinct messages remembered; past this the memory starts again (a
/// repeat may then be written once more, which is harmless).
const REMEMBERED: usize = 4096;

impl Folder {
    pub fn new(window: Duration) -> Folder {
        Folder {
            window,
            seen: HashMap::new(),
        }
    }

    pub fn admit(&mut self, key: u64, now: Instant) -> Verdict {
        if self.seen.len() >= REMEMBERED && !self.seen.contains_key(&key) {
            self.seen.clear();
        }
        match self.seen.get_mut(&key) {
            None => {
                self.seen.insert(
                    key,
                    Seen {
                        written: now,
                        skipped: 0,
                    },
                );
                Verdict::Write
            }
            Some(s) if now.duration_since(s.written) < self.window => {
                s.skipped += 1;
                Verdict::Skip
            }
            Some(s) => {
                let skipped = std::mem::take(&mut s.skipped);
                s.written = now;
                if skipped == 0 {
                    Verdict::Write
                } else {
                    Verdict::WriteRepeated(skipped)
                }
            }
        }
    }
}

/// Collects an event's fields (message included) into one string: the
/// message's identity for folding.
#[derive(Default)]
struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        use fmt::Write as _;
        let _ = write!(self.0, "{}={:?};", field.name(), value);
    }
}

fn identity(event: &Event<'_>) -> u64 {
    let mut fields = Fields::default();
    event.record(&mut fields);
    let mut h = DefaultHasher::new();
    event.metadata().target().hash(&mut h);
    event.metadata().level().as_str().hash(&mut h);
    fields.0.hash(&mut h);
    h.finish()
}

/// A formatter that leaves out repeats (see [`Folder`]).
pub struct Folding<F> {
    inner: F,
    folder: Mutex<Folder>,
}

impl<F> Folding<F> {
    pub fn new(inner: F, window: Duration) -> Folding<F> {
        Folding {
            inner,
            folder: Mutex::new(Folder::new(window)),
        }
    }
}

impl<S, N, F> FormatEvent<S, N> for Folding<F>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
    F: FormatEvent<S, N>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let verdict = match self.folder.lock() {
            Ok(mut f) => f.admit(identity(event), Instant::now()),
            Err(_) => Verdict::Write,
        };
        match verdict {
            Verdict::Skip => Ok(()),
            Verdict::Write => self.inner.format_event(ctx, writer, event),
            Verdict::WriteRepeated(n) => {
                // The inner format ends the line; say the count before it.
                let mut line = String::new();
                self.inner
                    .format_event(ctx, Writer::new(&mut line), event)?;
                let body = line.strip_suffix('\n').unwrap_or(&line);
                writeln!(writer, "{body} (repeated {n} more times since last logged)")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::sync::Arc;

    #[test]
    fn the_first_occurrence_is_written_repeats_are_counted_once_per_window() {
        let mut f = Folder::new(Duration::from_secs(60));
        let t0 = Instant::now();
        assert_eq!(f.admit(1, t0), Verdict::Write);
        for i in 1..=99 {
            assert_eq!(
                f.admit(1, t0 + Duration::from_millis(i * 100)),
                Verdict::Skip
            );
        }
        // Another message is not folded into the first.
        assert_eq!(f.admit(2, t0 + Duration::from_secs(1)), Verdict::Write);
        assert_eq!(
            f.admit(1, t0 + Duration::from_secs(61)),
            Verdict::WriteRepeated(99)
        );
        // A message that did not repeat within the window is written plainly.
        assert_eq!(f.admit(2, t0 + Duration::from_secs(120)), Verdict::Write);
    }

    #[test]
    fn flags_win_over_the_environment_and_bad_flags_are_refused() {
        assert!(filter(Some("debug"), Some("error")).is_ok());
        assert!(filter(None, Some("not a filter ===")).is_ok());
        let err = filter(Some("loud=="), None).unwrap_err();
        assert!(err.to_string().contains("\"loud==\""), "{err}");
        assert_eq!(
            filter(None, None).unwrap().to_string(),
            EnvFilter::new(DEFAULT_LEVEL).to_string()
        );
        assert_eq!(
            filter(Some("ordinal=debug"), Some("warn"))
                .unwrap()
                .to_string(),
            "ordinal=debug"
        );
    }

    /// A writer the test can read back.
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failure_repeated_a_hundred_times_is_one_line() {
        let buf = Buffer::default();
        let out = buf.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .event_format(Folding::new(
                tracing_subscriber::fmt::format::Format::default().with_ansi(false),
                Duration::from_secs(600),
            ))
            .with_writer(move || out.clone())
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            for _ in 0..100 {
                tracing::error!(node = "worker-7", "stats request failed: node not found");
            }
            tracing::error!(node = "worker-8", "stats request failed: node not found");
        });
        let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(lines[0].contains("worker-7"), "{text}");
        assert!(lines[1].contains("worker-8"), "{text}");
    }

    #[test]
    fn the_file_is_rotated_by_size_and_old_files_are_removed() {
        use std::io::Write as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ordinal.log");
        let mut file = rotating(&path);
        let line = vec![b'x'; 1023];
        // Five times the cap: without rotation the file would be 20 MiB.
        for _ in 0..(5 * MAX_BYTES / 1024) {
            file.write_all(&line).unwrap();
            file.write_all(b"\n").unwrap();
        }
        file.flush().unwrap();
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["ordinal.log", "ordinal.log.1", "ordinal.log.2"]);
        for n in &names {
            let mut content = Vec::new();
            std::fs::File::open(dir.path().join(n))
                .unwrap()
                .read_to_end(&mut content)
                .unwrap();
            assert!(content.len() <= MAX_BYTES + 1024, "{n}: {}", content.len());
        }
    }
}
