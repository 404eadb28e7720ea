//! The full-screen terminal: set up and restored as `ratatui::init` and
//! `ratatui::restore` do (raw mode, alternate screen, a panic hook that
//! restores), but drawing through a [`TeeWriter`] so `--record` sees every
//! byte, with colours in the form 16-colour terminals read ([`Ansi16`]), and
//! without ever panicking when the terminal has gone away (a closed SSH
//! session makes every write fail).

use std::fs::File;
use std::io::{self, IsTerminal, Stdout, Write};
use std::os::fd::AsFd;
use std::path::Path;
use std::time::Duration;

use crossterm::cursor::{MoveTo, Show};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{execute, queue};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use super::caps::Caps;
use super::record::{Header, Recorder, Recording, TeeWriter};
use super::sgr::Ansi16;

/// The recording sees the colours as rewritten: exactly what the terminal got.
pub type Backend = CrosstermBackend<Ansi16<TeeWriter<Stdout, File>>>;
pub type Tui = Terminal<Backend>;

/// Why the full-screen UI cannot start here.
pub fn unusable(caps: &Caps, stdout_is_tty: bool) -> Option<String> {
    let why = if !stdout_is_tty {
        "standard output is not a terminal"
    } else if caps.dumb {
        "TERM=dumb cannot show a full-screen UI"
    } else {
        return None;
    };
    Some(format!(
        "ordinal: the interactive UI needs a terminal, but {why}.\n\
         \n\
         For a report that works anywhere (pipes, scripts, dumb terminals), use the\n\
         non-interactive form with the same cluster flags:\n\
         \n  ordinal get [NAME] -o text|json\n\
         \n\
         e.g. `ordinal get --demo -o json`, `ordinal get mysql -n mysql`.\n"
    ))
}

/// [`unusable`] for the real standard output.
pub fn check(caps: &Caps) -> Option<String> {
    unusable(caps, io::stdout().is_terminal())
}

/// Starts a recording into `path` for a terminal of the current size,
/// following later resizes. With `virtual_start` (a tour), the header gives
/// that start time and events are stamped with the times the driver sets
/// ([`Screen::recording`]), so the file depends on nothing wall-clock.
pub fn start_recording(
    path: &Path,
    virtual_start: Option<jiff::Timestamp>,
) -> io::Result<Recorder<File>> {
    let (width, height) = crossterm::terminal::size().unwrap_or((80, 24));
    let file = File::create(path)?;
    let recorder = match virtual_start {
        Some(start) => Recorder::start_virtual(file, &Header::at(width, height, start))?,
        None => Recorder::start(file, &Header::now(width, height))?,
    };
    Ok(recorder.follow_size(Box::new(|| crossterm::terminal::size().ok())))
}

/// The full-screen UI while it is up.
pub struct Screen {
    pub terminal: Tui,
    recording: Recording<File>,
}

/// Enters the full-screen UI: panic hook, raw mode, alternate screen.
pub fn enter(recorder: Option<Recorder<File>>) -> io::Result<Screen> {
    set_panic_hook();
    enable_raw_mode()?;
    let recording = Recording::new(recorder);
    let mut writer = Ansi16::new(TeeWriter::new(io::stdout(), recording.clone()));
    execute!(writer, EnterAlternateScreen)?;
    Ok(Screen {
        terminal: Terminal::new(CrosstermBackend::new(writer))?,
        recording,
    })
}

impl Screen {
    /// The recording (a no-op when not recording), for a driver that sets
    /// its times.
    pub fn recording(&self) -> Recording<File> {
        self.recording.clone()
    }

    /// Leaves the full-screen UI, as far as the terminal still exists, and
    /// ends the recording. Never fails: the only error returned is the
    /// recording's, for the caller to report.
    pub fn leave(mut self) -> io::Result<()> {
        // Raw mode first: it has more side effects than the alternate screen.
        let _ = disable_raw_mode();
        // The cursor to the last row first: where there is no alternate
        // screen (GNU screen's default `altscreen off`, some serial
        // consoles) the UI stays, and the shell's prompt then comes below
        // it instead of over it wherever the last frame ended. Leaving the
        // alternate screen restores the cursor anyway. One flush, so a
        // recording has it in the same event.
        let backend = self.terminal.backend_mut();
        if let Ok((_, rows)) = crossterm::terminal::size() {
            let _ = queue!(backend, MoveTo(0, rows.saturating_sub(1)));
        }
        let _ = execute!(backend, LeaveAlternateScreen, Show);
        // Shown already; this marks it shown so Terminal's drop does not
        // try again. If that fails, the terminal is gone: the drop would
        // report it with `eprintln!`, which panics on a hung-up stderr.
        if self.terminal.show_cursor().is_err() {
            std::mem::forget(self.terminal);
        } else {
            drop(self.terminal);
        }
        self.recording.finish().map(|_| ())
    }
}

/// Restores the terminal without the recording (from the panic hook).
fn restore_plain() {
    let _ = disable_raw_mode();
    let _ = execute!(io::stdout(), LeaveAlternateScreen, Show);
}

fn set_panic_hook() {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_plain();
        hook(info);
    }));
}

/// Whether an error from the terminal means it is gone (hung up, closed),
/// rather than a bug: EIO, ENXIO, EBADF, a broken pipe.
pub fn is_gone(error: &io::Error) -> bool {
    let inner = error.get_ref().and_then(|e| e.downcast_ref::<io::Error>());
    if let Some(inner) = inner {
        return is_gone(inner);
    }
    const EBADF: i32 = 9;
    const ENXIO: i32 = 6;
    const EIO: i32 = 5;
    matches!(error.raw_os_error(), Some(EIO | ENXIO | EBADF))
        || matches!(
            error.kind(),
            io::ErrorKind::BrokenPipe | io::ErrorKind::UnexpectedEof
        )
}

/// Resolves once the terminal on standard output has hung up, checking
/// every `every` with a zero-length write (which fails with EIO on a
/// hung-up terminal and costs nothing otherwise).
///
/// A closed SSH session usually also sends SIGHUP, but not always (`nohup`,
/// a pty that is not the controlling terminal), and crossterm's input
/// reader does not report EIO/EOF: it retries the read forever. Ending the
/// input stream on this future turns a hang-up into
/// [`Exit::TerminalGone`](crate::app::run::Exit::TerminalGone) either way.
pub async fn hung_up(every: Duration) {
    let Ok(fd) = io::stdout().as_fd().try_clone_to_owned() else {
        return std::future::pending().await;
    };
    let mut tty = File::from(fd);
    let mut interval = tokio::time::interval(every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        if let Err(e) = tty.write(&[])
            && is_gone(&e)
        {
            return;
        }
    }
}

/// Writes to stderr without panicking (`eprintln!` panics when stderr is a
/// terminal that has hung up).
pub fn say(message: &str) {
    let mut err = io::stderr().lock();
    let _ = err.write_all(message.as_bytes());
    if !message.ends_with('\n') {
        let _ = err.write_all(b"\n");
    }
    let _ = err.flush();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::term::caps::{Overrides, detect};

    #[test]
    fn a_pipe_or_a_dumb_terminal_gets_the_get_form() {
        let xterm = detect(
            |n| (n == "TERM").then(|| "xterm".into()),
            Overrides::default(),
        );
        let dumb = detect(
            |n| (n == "TERM").then(|| "dumb".into()),
            Overrides::default(),
        );
        assert_eq!(unusable(&xterm, true), None);
        let piped = unusable(&xterm, false).unwrap();
        assert!(
            piped.contains("standard output is not a terminal"),
            "{piped}"
        );
        assert!(piped.contains("ordinal get [NAME] -o text|json"), "{piped}");
        let dumb = unusable(&dumb, true).unwrap();
        assert!(dumb.contains("TERM=dumb"), "{dumb}");
    }

    #[test]
    fn gone_errors() {
        assert!(is_gone(&io::Error::from_raw_os_error(5)));
        assert!(is_gone(&io::Error::other(io::Error::from_raw_os_error(5))));
        assert!(is_gone(&io::Error::from(io::ErrorKind::BrokenPipe)));
        assert!(!is_gone(&io::Error::other("bug")));
        assert!(!is_gone(&io::Error::from_raw_os_error(28)));
    }
}
