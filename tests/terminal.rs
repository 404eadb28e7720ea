//! Kept whole (over 800 lines): one harness (a pseudo-terminal around the real binary) and its
//! stories.
//!
//! The real binary in real terminals: a pseudo-terminal of 80x24 that keys
//! are typed into, resized, and hung up like a closed SSH session, SIGTERM,
//! a pipe and `TERM=dumb` instead of a terminal, `--record` (replayed in a
//! terminal emulator) and `--tour` recordings that repeat exactly.
//!
//! The pty tests skip (with a note) when no pseudo-terminal can be opened.

use std::fs::File;
use std::io::{ErrorKind, Read, Write};
use std::os::fd::{BorrowedFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rustix::fs::{OFlags, fcntl_getfl, fcntl_setfl};
use rustix::process::{Pid, Signal, kill_process};
use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
use rustix::termios::{LocalModes, Winsize, tcgetattr, tcsetwinsize};

const ALT_SCREEN_ENTER: &str = "\x1b[?1049h";
const ALT_SCREEN_LEAVE: &str = "\x1b[?1049l";

/// A child process on the slave side of a pseudo-terminal; the test holds
/// the master side.
struct Pty {
    /// `None` once hung up.
    master: Option<File>,
    child: Child,
    /// Everything the child wrote, escape sequences included.
    raw: Vec<u8>,
    /// The terminal's size at the start, and from which byte of `raw` on
    /// each later size held.
    sizes: Vec<(usize, (u16, u16))>,
    _home: tempfile::TempDir,
}

/// Opens a pty pair of `cols` x `rows`: (master, slave).
fn open_pty(cols: u16, rows: u16) -> std::io::Result<(File, OwnedFd)> {
    let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC)?;
    grantpt(&master)?;
    unlockpt(&master)?;
    let name = ptsname(&master, Vec::new())?;
    let slave = rustix::fs::open(
        name.as_c_str(),
        OFlags::RDWR | OFlags::NOCTTY | OFlags::CLOEXEC,
        rustix::fs::Mode::empty(),
    )?;
    tcsetwinsize(
        &master,
        Winsize {
            ws_row: rows,
            ws_col: cols,
            ws_xpixel: 0,
            ws_ypixel: 0,
        },
    )?;
    // Non-blocking, so the test polls with timeouts and one fd is enough:
    // dropping it hangs the terminal up.
    let flags = fcntl_getfl(&master)?;
    fcntl_setfl(&master, flags | OFlags::NONBLOCK)?;
    Ok((File::from(master), slave))
}

impl Pty {
    /// Runs ordinal with `args` in a new 80x24 pty, as the session leader
    /// with the pty as its controlling terminal (as a login shell would).
    /// `None` (after a note) when the machine cannot open a pty.
    fn spawn(args: &[&str], env: &[(&str, &str)]) -> Option<(Pty, OwnedFd)> {
        Pty::spawn_with(args, env, true)
    }

    /// [`Pty::spawn`]; without `controlling`, the pty is only the child's
    /// stdin/stdout/stderr, so a hang-up sends no SIGHUP and only shows as
    /// EIO/EOF on the terminal (as under `nohup` or some multiplexers).
    fn spawn_with(
        args: &[&str],
        env: &[(&str, &str)],
        controlling: bool,
    ) -> Option<(Pty, OwnedFd)> {
        Pty::spawn_sized(args, env, controlling, (80, 24))
    }

    /// [`Pty::spawn_with`] in a pty of `(cols, rows)`.
    fn spawn_sized(
        args: &[&str],
        env: &[(&str, &str)],
        controlling: bool,
        (cols, rows): (u16, u16),
    ) -> Option<(Pty, OwnedFd)> {
        let (master, slave) = match open_pty(cols, rows) {
            Ok(pair) => pair,
            Err(e) => {
                eprintln!("note: skipping, no pseudo-terminal can be opened here: {e}");
                return None;
            }
        };
        let home = tempfile::tempdir().unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_ordinal"));
        command
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home.path())
            .env("XDG_STATE_HOME", home.path().join("state"))
            .env("TERM", "xterm-256color")
            .env("LANG", "C.UTF-8")
            .envs(env.iter().copied())
            .stdin(Stdio::from(slave.try_clone().unwrap()))
            .stdout(Stdio::from(slave.try_clone().unwrap()))
            .stderr(Stdio::from(slave.try_clone().unwrap()));
        // SAFETY: only async-signal-safe system calls between fork and exec.
        unsafe {
            command.pre_exec(move || {
                rustix::process::setsid()?;
                if controlling {
                    rustix::process::ioctl_tiocsctty(BorrowedFd::borrow_raw(0))?;
                }
                Ok(())
            });
        }
        let child = command.spawn().expect("the binary starts");
        drop(command); // closes the parent's copies of the slave in Stdio
        Some((
            Pty {
                master: Some(master),
                child,
                raw: Vec::new(),
                sizes: vec![(0, (cols, rows))],
                _home: home,
            },
            slave,
        ))
    }

    /// Reads what is available now; false once the slave side is gone.
    fn pump(&mut self) -> bool {
        let Some(master) = &mut self.master else {
            return false;
        };
        let mut buf = [0u8; 8192];
        loop {
            match master.read(&mut buf) {
                Ok(0) => return false,
                Ok(n) => self.raw.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == ErrorKind::WouldBlock => return true,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                // EIO: every slave fd is closed (the child exited).
                Err(_) => return false,
            }
        }
    }

    /// Reads until the text drawn since byte `from` satisfies `seen`.
    fn wait_for(&mut self, from: usize, what: &str, seen: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let open = self.pump();
            if seen(&plain(&self.raw[from.min(self.raw.len())..])) {
                return;
            }
            if !open || Instant::now() > deadline || self.exited() {
                let _ = self.child.kill();
                panic!(
                    "{what} not seen; screen so far:\n{}",
                    plain(&self.raw[from.min(self.raw.len())..])
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    fn send(&mut self, keys: &[u8]) {
        let master = self.master.as_mut().expect("not hung up");
        master.write_all(keys).unwrap();
        master.flush().unwrap();
    }

    /// What a terminal emulator shows after the bytes `raw[..end]`, at the
    /// sizes the terminal had.
    fn screen_until(&self, end: usize) -> String {
        let mut parser = emulator(self.sizes[0].1);
        let mut from = 0;
        for &(at, (cols, rows)) in &self.sizes[1..] {
            let at = at.min(end);
            parser.process(&self.raw[from..at]);
            parser.set_size(
                std::num::NonZeroU16::new(rows).unwrap(),
                std::num::NonZeroU16::new(cols).unwrap(),
            );
            from = at;
        }
        parser.process(&self.raw[from..end]);
        parser.screen().contents()
    }

    /// Reads until the emulated screen satisfies `seen`.
    fn wait_for_screen(&mut self, what: &str, seen: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let open = self.pump();
            let screen = self.screen_until(self.raw.len());
            if seen(&screen) {
                return;
            }
            if !open || Instant::now() > deadline || self.exited() {
                let _ = self.child.kill();
                panic!("{what} not seen; the screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Resizes the terminal, as a terminal window does: the kernel sends
    /// SIGWINCH to the foreground process group. (Bytes read later count
    /// as drawn at the new size: a frame at the old size still in flight is
    /// overdrawn by the full redraw that follows a resize.)
    fn resize(&mut self, cols: u16, rows: u16) {
        self.pump();
        self.sizes.push((self.raw.len(), (cols, rows)));
        let master = self.master.as_ref().expect("not hung up");
        tcsetwinsize(
            master,
            Winsize {
                ws_row: rows,
                ws_col: cols,
                ws_xpixel: 0,
                ws_ypixel: 0,
            },
        )
        .unwrap();
    }

    /// Closes the master side, as sshd does when the client goes away.
    fn hang_up(&mut self) {
        self.master = None;
    }

    /// Waits up to `limit` for the child to exit, reading its output
    /// meanwhile; kills it and fails otherwise. Returns the exit code.
    fn wait_exit(&mut self, limit: Duration) -> i32 {
        let start = Instant::now();
        loop {
            self.pump();
            if let Some(status) = self.child.try_wait().unwrap() {
                self.pump();
                return status.code().unwrap_or(-1);
            }
            if start.elapsed() > limit {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("ordinal still running {limit:?} after it should have exited");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        if !self.exited() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The text in terminal output: escape sequences dropped, cursor moves
/// turned into line breaks so words from different places never join.
fn plain(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('[') => {
                // CSI: parameters up to a final byte in @..~.
                for f in chars.by_ref() {
                    if ('@'..='~').contains(&f) {
                        if matches!(f, 'H' | 'f' | 'A' | 'B' | 'E' | 'F' | 'G' | 'd') {
                            out.push('\n');
                        }
                        break;
                    }
                }
            }
            Some(']') => {
                // OSC: up to BEL or ST.
                while let Some(f) = chars.next() {
                    if f == '\x07' || (f == '\x1b' && chars.next_if_eq(&'\\').is_some()) {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn shows_the_list(screen: &str) -> bool {
    screen.contains("StatefulSets (") && screen.contains("mysql")
}

fn shows_the_set(screen: &str) -> bool {
    // Only what changed is redrawn, so look for text the list never shows.
    screen.contains("Ordinals (") && screen.contains("mysql-0")
}

const DEMO: &[&str] = &["--demo", "--scenario", "mysql"];

#[test]
fn a_hang_up_ends_the_process_promptly() {
    hang_up_ends_the_process(true);
}

#[test]
fn a_hang_up_without_sighup_ends_the_process_on_eio() {
    hang_up_ends_the_process(false);
}

fn hang_up_ends_the_process(controlling: bool) {
    let Some((mut pty, slave)) = Pty::spawn_with(DEMO, &[], controlling) else {
        return;
    };
    drop(slave);
    pty.wait_for(0, "the StatefulSet list", shows_the_list);
    let mark = pty.raw.len();
    pty.send(b"j");
    pty.send(b"\r");
    pty.wait_for(mark, "the set screen", shows_the_set);

    let hung_up = Instant::now();
    pty.hang_up();
    let code = pty.wait_exit(Duration::from_secs(2));
    eprintln!(
        "ordinal exited with {code} {:?} after the hang-up",
        hung_up.elapsed()
    );
    // Not 101: nothing may panic on the way out (a write to the dead
    // terminal must not end in `eprintln!`).
    assert_eq!(code, 0, "a hang-up is a normal end");
    assert!(
        hung_up.elapsed() < Duration::from_secs(1),
        "a closed session ends the process within a second, not {:?}",
        hung_up.elapsed()
    );
}

#[test]
fn sigterm_exits_promptly_and_restores_the_terminal() {
    let Some((mut pty, slave)) = Pty::spawn(DEMO, &[]) else {
        return;
    };
    let before = tcgetattr(&slave).unwrap();
    pty.wait_for(0, "the StatefulSet list", shows_the_list);
    let raw_mode = tcgetattr(&slave).unwrap();
    assert!(
        !raw_mode.local_modes.contains(LocalModes::ICANON),
        "the UI runs in raw mode"
    );
    assert!(String::from_utf8_lossy(&pty.raw).contains(ALT_SCREEN_ENTER));
    let mark = pty.raw.len();
    kill_process(Pid::from_child(&pty.child), Signal::TERM).unwrap();
    let code = pty.wait_exit(Duration::from_secs(2));
    assert_eq!(code, 0, "SIGTERM is a normal shutdown");
    let after = String::from_utf8_lossy(&pty.raw[mark..]).into_owned();
    assert!(
        after.contains(ALT_SCREEN_LEAVE),
        "the alternate screen is left: {after:?}"
    );
    let restored = tcgetattr(&slave).unwrap();
    assert_eq!(
        restored
            .local_modes
            .contains(LocalModes::ICANON | LocalModes::ECHO),
        before
            .local_modes
            .contains(LocalModes::ICANON | LocalModes::ECHO),
        "raw mode is switched off again"
    );
}

/// The demo recording to a cast in a temporary directory, on its set screen
/// (Enter pressed on the list); `None` without a pty.
fn recording_on_the_set_screen(
    env: &[(&str, &str)],
) -> Option<(Pty, tempfile::TempDir, std::path::PathBuf)> {
    let dir = tempfile::tempdir().unwrap();
    let cast = dir.path().join("demo.cast");
    let mut args = DEMO.to_vec();
    args.extend(["--record", cast.to_str().unwrap()]);
    let (mut pty, slave) = Pty::spawn(&args, env)?;
    drop(slave);
    pty.wait_for(0, "the StatefulSet list", shows_the_list);
    let mark = pty.raw.len();
    pty.send(b"\r");
    pty.wait_for(mark, "the set screen", shows_the_set);
    Some((pty, dir, cast))
}

#[test]
fn record_writes_a_playable_asciicast() {
    let Some((mut pty, _dir, cast)) = recording_on_the_set_screen(&[("SHELL", "/bin/sh")]) else {
        return;
    };
    pty.send(b"q");
    assert_eq!(pty.wait_exit(Duration::from_secs(5)), 0);

    let text = std::fs::read_to_string(&cast).expect("the recording exists");
    let mut lines = text.lines();
    let header: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(header["version"], 2);
    assert_eq!(
        (header["width"].as_u64(), header["height"].as_u64()),
        (Some(80), Some(24))
    );
    assert!(header["timestamp"].as_i64().unwrap() > 1_600_000_000);
    assert_eq!(header["env"]["TERM"], "xterm-256color");
    assert_eq!(header["env"]["SHELL"], "/bin/sh");
    let mut last = 0.0;
    let mut output = String::new();
    for line in lines {
        let event: (f64, String, String) = serde_json::from_str(line).expect(line);
        assert!(event.0 >= last, "times never go back: {line}");
        assert_eq!(event.1, "o");
        last = event.0;
        output.push_str(&event.2);
    }
    // What was recorded is exactly what the terminal got.
    assert_eq!(output, String::from_utf8_lossy(&pty.raw));
    assert!(output.starts_with(ALT_SCREEN_ENTER), "{output:?}");
    assert!(output.contains(ALT_SCREEN_LEAVE));
    let screens = plain(output.as_bytes());
    assert!(shows_the_list(&screens) && shows_the_set(&screens));
}

#[test]
fn a_dumb_terminal_gets_the_get_form() {
    let Some((mut pty, slave)) = Pty::spawn(DEMO, &[("TERM", "dumb")]) else {
        return;
    };
    drop(slave);
    let code = pty.wait_exit(Duration::from_secs(5));
    let out = String::from_utf8_lossy(&pty.raw).into_owned();
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("TERM=dumb"), "{out}");
    assert!(out.contains("ordinal get [NAME] -o text|json"), "{out}");
    assert!(!out.contains('\x1b'), "the terminal is left alone: {out:?}");
}

#[test]
fn piped_stdout_gets_the_get_form() {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ordinal"))
        .args(DEMO)
        .env("HOME", home.path())
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("TERM", "xterm-256color")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(out.stdout.is_empty(), "nothing drawn into the pipe");
    assert!(err.contains("standard output is not a terminal"), "{err}");
    assert!(err.contains("ordinal get [NAME] -o text|json"), "{err}");
    assert!(!err.contains('\x1b'), "{err:?}");
}

#[test]
fn max_fps_out_of_range_is_a_clear_error() {
    for bad in ["0", "500", "x"] {
        let out = Command::new(env!("CARGO_BIN_EXE_ordinal"))
            .args(["--demo", "--max-fps", bad])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains("--max-fps") && err.contains("from 1 to 120"),
            "{err}"
        );
    }
}

fn emulator((cols, rows): (u16, u16)) -> vt100::Parser {
    vt100::Parser::new(
        std::num::NonZeroU16::new(rows).unwrap(),
        std::num::NonZeroU16::new(cols).unwrap(),
        0,
    )
}

/// An asciicast v2 file, read strictly: the header and every event.
struct Cast {
    header: serde_json::Value,
    /// (time, code, data): "o" output or "r" resize.
    events: Vec<(f64, String, String)>,
}

impl Cast {
    fn parse(text: &str) -> Cast {
        let mut lines = text.lines();
        let header: serde_json::Value =
            serde_json::from_str(lines.next().expect("a header line")).expect("header is JSON");
        assert_eq!(header["version"], 2, "asciicast v2");
        let mut last = 0.0;
        let events = lines
            .map(|line| {
                let event: (f64, String, String) = serde_json::from_str(line).expect(line);
                assert!(event.0 >= last, "times never go back: {line}");
                assert!(matches!(event.1.as_str(), "o" | "r"), "{line}");
                last = event.0;
                event
            })
            .collect();
        Cast { header, events }
    }

    fn size(&self) -> (u16, u16) {
        let n = |k: &str| u16::try_from(self.header[k].as_u64().unwrap()).unwrap();
        (n("width"), n("height"))
    }

    /// All output, resizes left out.
    fn output(&self) -> String {
        self.events
            .iter()
            .filter(|(_, code, _)| code == "o")
            .map(|(_, _, data)| data.as_str())
            .collect()
    }

    /// Plays the cast into a terminal emulator of the header's size,
    /// following "r" events, and returns the last screen shown while the
    /// alternate screen was up (that is, while ordinal ran: leaving it
    /// brings back the shell's screen) and the size it had.
    fn replay(&self) -> (String, (u16, u16)) {
        self.screens()
            .pop()
            .expect("the recording shows the alternate screen")
    }

    /// Every screen the player shows on the alternate screen, with its size.
    fn screens(&self) -> Vec<(String, (u16, u16))> {
        let mut size = self.size();
        let mut parser = emulator(size);
        let mut shown = Vec::new();
        for (_, code, data) in &self.events {
            if code == "r" {
                let (cols, rows) = data.split_once('x').expect("COLSxROWS");
                size = (cols.parse().unwrap(), rows.parse().unwrap());
                parser.set_size(
                    std::num::NonZeroU16::new(size.1).unwrap(),
                    std::num::NonZeroU16::new(size.0).unwrap(),
                );
                continue;
            }
            parser.process(data.as_bytes());
            if parser.screen().alternate_screen() {
                shown.push((parser.screen().contents(), size));
            }
        }
        shown
    }
}

/// `--record` while keys are typed and the window is resized: the cast
/// parses, holds exactly what the terminal got, and a player that replays
/// it (resizes included) ends on the screen the terminal showed.
#[test]
fn a_recording_replays_to_the_screen_the_terminal_showed() {
    let Some((mut pty, _dir, cast_path)) = recording_on_the_set_screen(&[]) else {
        return;
    };

    // A bigger window: a resize event, then frames at the new size.
    pty.resize(100, 30);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        pty.pump();
        let cast = std::fs::read_to_string(&cast_path).unwrap_or_default();
        if let Some(at) = cast.find("\"r\", \"100x30\"]")
            && cast[at..].contains("\"o\"")
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no resize event in the recording:\n{cast}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    pty.send(b"\t");
    pty.wait_for_screen("the claims pane", |s| s.contains("PVC"));
    pty.send(b"q");
    assert_eq!(pty.wait_exit(Duration::from_secs(5)), 0);

    let cast = Cast::parse(&std::fs::read_to_string(&cast_path).unwrap());
    assert_eq!(cast.size(), (80, 24));
    assert_eq!(cast.output(), String::from_utf8_lossy(&pty.raw));
    let resizes: Vec<&str> = cast
        .events
        .iter()
        .filter(|(_, code, _)| code == "r")
        .map(|(_, _, data)| data.as_str())
        .collect();
    assert_eq!(resizes, ["100x30"]);

    // The terminal's side: the bytes it got, at its sizes, up to the
    // moment ordinal left the alternate screen.
    let left = pty
        .raw
        .windows(ALT_SCREEN_LEAVE.len())
        .rposition(|w| w == ALT_SCREEN_LEAVE.as_bytes())
        .expect("the alternate screen is left");
    let shown = pty.screen_until(left);

    let (replayed, size) = cast.replay();
    assert_eq!(size, (100, 30));
    assert_eq!(replayed, shown);
    assert!(replayed.contains("mysql-0"), "{replayed}");
    assert!(replayed.contains("PVC"), "{replayed}");
}

/// Runs `ordinal --tour` at full speed in a 100x30 pty, recording; returns
/// the cast.
fn record_tour(args: &[&str], path: &std::path::Path) -> Option<String> {
    let mut all = vec!["--tour", "--record", path.to_str().unwrap()];
    all.extend(args);
    let (mut pty, slave) = Pty::spawn_sized(
        &all,
        &[("ORDINAL_TOUR_FAST", "1"), ("SHELL", "/bin/sh")],
        true,
        (100, 30),
    )?;
    drop(slave);
    let code = pty.wait_exit(Duration::from_secs(300));
    assert_eq!(code, 0, "{}", plain(&pty.raw));
    Some(std::fs::read_to_string(path).expect("the recording exists"))
}

/// The tour with a fixed seed makes the same recording twice, byte for
/// byte, header included (a tour's header gives its simulated start time).
#[test]
fn a_tour_with_a_fixed_seed_records_the_same_cast_twice() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["--seed", "7"];
    let Some(first) = record_tour(&args, &dir.path().join("one.cast")) else {
        return;
    };
    let second = record_tour(&args, &dir.path().join("two.cast")).unwrap();

    let cast = Cast::parse(&first);
    assert_eq!(cast.size(), (100, 30));
    // Virtual times: the script's waits add up to over a minute, however
    // fast it ran.
    let end = cast.events.last().unwrap().0;
    assert!(end > 60.0, "the recording lasts {end}s");
    // Not trivially equal: the captions, the scale-up dialog and its result
    // are in it.
    let screens: String = cast.screens().into_iter().map(|(s, _)| s).collect();
    for text in [
        "Every StatefulSet with readiness",
        "Scale up by one: the dialog shows the plan",
        "Scale nfs-demo/sample-statefulset up by 1",
        "Ordinal 0 moves to the update revision",
        "That was ordinal.",
    ] {
        assert!(
            screens.contains(text),
            "{text:?} not in the tour; its last screen:\n{}",
            cast.replay().0
        );
    }
    if first != second {
        let a: Vec<&str> = first.lines().collect();
        let b: Vec<&str> = second.lines().collect();
        let at = a
            .iter()
            .zip(&b)
            .position(|(x, y)| x != y)
            .unwrap_or(a.len().min(b.len()));
        panic!(
            "the recordings differ at line {at} (of {} and {}):\n{:?}\n{:?}",
            a.len(),
            b.len(),
            a.get(at),
            b.get(at)
        );
    }
}

// ---------------------------------------------------------------------------
// Hard terminals (issue 6): the bytes ordinal sends under each TERM, colour
// and locale setting, as a bastion host's user would get them.

/// The colour depth a run is expected to use, judged from the SGR
/// sequences it wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Depth {
    Mono,
    Sixteen,
    Indexed256,
    TrueColor,
}

/// Which colour forms SGR sequences in `raw` use.
#[derive(Debug, Default, PartialEq, Eq)]
struct Sgr {
    /// `38;2;r;g;b` / `48;2;r;g;b`.
    truecolor: usize,
    /// `38;5;n` / `48;5;n`.
    indexed: usize,
    /// `30-37`, `40-47`, `90-97`, `100-107`.
    sixteen: usize,
    /// Sequences with parameters that are neither of those nor the
    /// attributes ratatui uses.
    other: Vec<String>,
}

fn sgr_forms(raw: &[u8]) -> Sgr {
    let text = String::from_utf8_lossy(raw);
    let mut forms = Sgr::default();
    let mut rest = text.as_ref();
    while let Some(at) = rest.find("\x1b[") {
        rest = &rest[at + 2..];
        let end = rest
            .find(|c: char| ('@'..='~').contains(&c))
            .unwrap_or(rest.len());
        let (params, after) = rest.split_at(end);
        rest = after;
        if !after.starts_with('m') {
            continue;
        }
        let parts: Vec<&str> = params.split(';').collect();
        let mut i = 0;
        while i < parts.len() {
            match (parts[i], parts.get(i + 1).copied()) {
                ("38" | "48", Some("2")) => {
                    forms.truecolor += 1;
                    i += 5;
                }
                ("38" | "48", Some("5")) => {
                    forms.indexed += 1;
                    i += 3;
                }
                (p, _) => {
                    match p.parse::<u16>() {
                        Ok(30..=37 | 40..=47 | 90..=97 | 100..=107) => forms.sixteen += 1,
                        // Resets and the attributes ratatui sets and
                        // unsets (an empty list is a reset too).
                        Ok(0..=9 | 21..=29 | 39 | 49 | 59) => {}
                        _ if p.is_empty() => {}
                        _ => forms.other.push(params.to_string()),
                    }
                    i += 1;
                }
            }
        }
    }
    forms
}

#[test]
fn sgr_forms_are_told_apart() {
    let f = sgr_forms(b"\x1b[1m\x1b[38;5;245;48;2;1;5;3m\x1b[31;49m\x1b[m\x1b[5;1H\x1b[104m");
    assert_eq!(
        f,
        Sgr {
            truecolor: 1,
            indexed: 1,
            sixteen: 2,
            other: vec![],
        }
    );
}

const CURSOR_SHOW: &str = "\x1b[?25h";

/// One run in a pty: `env` over a clean environment (none of TERM,
/// COLORTERM, LANG, NO_COLOR set unless given), the list screen, `q`.
/// Checks the exit, the restored terminal, the colour forms against
/// `depth` and the bytes against `unicode`.
fn hard_terminal(env: &[(&str, &str)], args: &[&str], depth: Depth, unicode: bool) {
    let mut all = DEMO.to_vec();
    all.extend(args);
    // Pty::spawn sets TERM and LANG defaults; a case that wants them unset
    // says so with an empty value, which reads as unset for both.
    let mut vars = vec![("TERM", ""), ("LANG", "")];
    vars.extend(env.iter().copied());
    let Some((mut pty, slave)) = Pty::spawn(&all, &vars) else {
        return;
    };
    let before = tcgetattr(&slave).unwrap();
    pty.wait_for_screen("the StatefulSet list", shows_the_list);
    let screen = pty.screen_until(pty.raw.len());
    pty.send(b"q");
    let code = pty.wait_exit(Duration::from_secs(5));
    let case = format!("{env:?} {args:?}");
    assert_eq!(code, 0, "{case}: q quits cleanly");

    // The terminal is handed back: the alternate screen left last, the
    // cursor shown, cooked mode again.
    let out = String::from_utf8_lossy(&pty.raw).into_owned();
    let left = out
        .rfind(ALT_SCREEN_LEAVE)
        .expect("the alternate screen is left");
    assert!(out.find(ALT_SCREEN_ENTER).unwrap() < left, "{case}");
    assert!(
        out[left..].contains(CURSOR_SHOW),
        "{case}: the cursor is shown again"
    );
    let after = tcgetattr(&slave).unwrap();
    assert_eq!(
        after.local_modes & (LocalModes::ICANON | LocalModes::ECHO | LocalModes::ISIG),
        before.local_modes & (LocalModes::ICANON | LocalModes::ECHO | LocalModes::ISIG),
        "{case}: raw mode is switched off again"
    );

    let forms = sgr_forms(&pty.raw);
    assert!(
        forms.other.is_empty(),
        "{case}: unexpected SGR {:?}",
        forms.other
    );
    match depth {
        Depth::Mono => assert!(
            forms.truecolor + forms.indexed + forms.sixteen == 0,
            "{case}: monochrome sets no colour: {forms:?}"
        ),
        // No `38;5;n`: an 8/16-colour terminal reads its 5 as blink.
        Depth::Sixteen => assert!(
            forms.sixteen > 0 && forms.indexed == 0 && forms.truecolor == 0,
            "{case}: 16 colours only: {forms:?}"
        ),
        Depth::Indexed256 => assert!(
            forms.indexed > 0 && forms.truecolor == 0,
            "{case}: 256 colours, no truecolor: {forms:?}"
        ),
        Depth::TrueColor => assert!(forms.truecolor > 0, "{case}: truecolor: {forms:?}"),
    }

    let non_ascii = pty.raw.iter().filter(|b| !b.is_ascii()).count();
    if unicode {
        assert!(non_ascii > 0, "{case}: a UTF-8 locale gets box drawing");
        assert!(
            screen.contains('─') || screen.contains('━'),
            "{case}:\n{screen}"
        );
    } else {
        assert_eq!(
            non_ascii, 0,
            "{case}: ASCII only, not one byte above 127:\n{screen}"
        );
    }
    assert!(
        !screen.contains('\u{fffd}'),
        "{case}: no garbage:\n{screen}"
    );
}

macro_rules! hard_terminals {
    ($($name:ident: $env:expr, $args:expr => $depth:expr, $unicode:expr;)*) => {$(
        #[test]
        fn $name() {
            hard_terminal($env, $args, $depth, $unicode);
        }
    )*};
}

hard_terminals! {
    term_xterm_lang_c: &[("TERM", "xterm"), ("LANG", "C")], &[] => Depth::Sixteen, false;
    term_xterm_utf8: &[("TERM", "xterm"), ("LANG", "en_US.UTF-8")], &[] => Depth::Sixteen, true;
    term_screen_lang_c: &[("TERM", "screen"), ("LANG", "C")], &[] => Depth::Sixteen, false;
    term_screen_utf8: &[("TERM", "screen"), ("LANG", "C.UTF-8")], &[] => Depth::Sixteen, true;
    term_linux_lang_c: &[("TERM", "linux"), ("LANG", "C")], &[] => Depth::Sixteen, false;
    term_linux_no_locale: &[("TERM", "linux")], &[] => Depth::Sixteen, false;
    term_tmux_256_lang_c: &[("TERM", "tmux-256color"), ("LANG", "C")], &[] => Depth::Indexed256, false;
    term_tmux_256_utf8: &[("TERM", "tmux-256color"), ("LANG", "en_US.UTF-8")], &[] => Depth::Indexed256, true;
    term_xterm_256_utf8: &[("TERM", "xterm-256color"), ("LANG", "C.UTF-8")], &[] => Depth::Indexed256, true;
    term_truecolor_utf8: &[("TERM", "xterm-256color"), ("COLORTERM", "truecolor"), ("LANG", "en_US.UTF-8")], &[] => Depth::TrueColor, true;
    term_truecolor_lang_c: &[("TERM", "xterm-256color"), ("COLORTERM", "truecolor"), ("LANG", "C")], &[] => Depth::TrueColor, false;
    term_colorterm_other_is_not_truecolor: &[("TERM", "xterm"), ("COLORTERM", "yes"), ("LANG", "C")], &[] => Depth::Sixteen, false;
    term_lc_all_c_beats_lang: &[("TERM", "xterm-256color"), ("LC_ALL", "C"), ("LANG", "C.UTF-8")], &[] => Depth::Indexed256, false;
    term_lc_ctype_utf8_beats_lang: &[("TERM", "screen"), ("LC_CTYPE", "C.UTF-8"), ("LANG", "C")], &[] => Depth::Sixteen, true;
    term_no_color_beats_truecolor: &[("TERM", "xterm-256color"), ("COLORTERM", "truecolor"), ("LANG", "C.UTF-8"), ("NO_COLOR", "1")], &[] => Depth::Mono, true;
    term_no_color_any_value_linux: &[("TERM", "linux"), ("LANG", "C"), ("NO_COLOR", "yes")], &[] => Depth::Mono, false;
    term_no_color_flag: &[("TERM", "xterm-256color"), ("LANG", "C.UTF-8")], &["--no-color"] => Depth::Mono, true;
    term_ascii_flag: &[("TERM", "xterm-256color"), ("COLORTERM", "truecolor"), ("LANG", "C.UTF-8")], &["--ascii"] => Depth::TrueColor, false;
    term_no_color_and_ascii_flags: &[("TERM", "screen"), ("LANG", "C.UTF-8")], &["--no-color", "--ascii"] => Depth::Mono, false;
}

/// `kill -INT` (Ctrl-C is a key in raw mode, so this comes from elsewhere:
/// a supervisor, a script): a prompt, clean exit with the terminal restored.
#[test]
fn sigint_exits_promptly_and_restores_the_terminal() {
    let Some((mut pty, slave)) = Pty::spawn(DEMO, &[]) else {
        return;
    };
    let before = tcgetattr(&slave).unwrap();
    pty.wait_for_screen("the StatefulSet list", shows_the_list);
    assert!(
        !tcgetattr(&slave)
            .unwrap()
            .local_modes
            .contains(LocalModes::ISIG)
    );
    let mark = pty.raw.len();
    let sent = Instant::now();
    kill_process(Pid::from_child(&pty.child), Signal::INT).unwrap();
    let code = pty.wait_exit(Duration::from_secs(2));
    assert!(
        sent.elapsed() < Duration::from_secs(1),
        "SIGINT ends the process within a second, not {:?}",
        sent.elapsed()
    );
    assert_eq!(code, 0, "SIGINT is a normal shutdown, as SIGTERM");
    let after = String::from_utf8_lossy(&pty.raw[mark..]).into_owned();
    assert!(after.contains(ALT_SCREEN_LEAVE), "{after:?}");
    assert!(after.contains(CURSOR_SHOW), "{after:?}");
    assert_eq!(
        tcgetattr(&slave).unwrap().local_modes
            & (LocalModes::ICANON | LocalModes::ECHO | LocalModes::ISIG),
        before.local_modes & (LocalModes::ICANON | LocalModes::ECHO | LocalModes::ISIG),
        "raw mode is switched off again"
    );
}

/// Ctrl-C typed at the keyboard arrives as a key (raw mode has no ISIG)
/// and quits like `q`.
#[test]
fn ctrl_c_typed_quits() {
    let Some((mut pty, slave)) = Pty::spawn(DEMO, &[]) else {
        return;
    };
    drop(slave);
    pty.wait_for_screen("the StatefulSet list", shows_the_list);
    let mark = pty.raw.len();
    pty.send(b"\x03");
    assert_eq!(pty.wait_exit(Duration::from_secs(2)), 0);
    let after = String::from_utf8_lossy(&pty.raw[mark..]).into_owned();
    assert!(
        after.contains(ALT_SCREEN_LEAVE) && after.contains(CURSOR_SHOW),
        "{after:?}"
    );
}

/// A window below 60x15 gets the notice, from the start and after a
/// resize; growing it back brings the UI back at once.
#[test]
fn tiny_windows_get_a_notice_and_resizes_are_prompt() {
    let Some((mut pty, slave)) = Pty::spawn_sized(DEMO, &[], true, (50, 12)) else {
        return;
    };
    drop(slave);
    let too_small = |s: &str| s.contains("window too small") && s.contains("60x15");
    pty.wait_for_screen("the too-small notice at 50x12", too_small);
    // Each resize is answered well within a second: the resize is an input
    // event, drawn at once, not at the next tick.
    for (cols, rows, small) in [
        (80, 24, false),
        (59, 24, true),
        (60, 15, false),
        (80, 14, true),
        (100, 30, false),
        (40, 10, true),
    ] {
        let asked = Instant::now();
        pty.resize(cols, rows);
        let what = format!("{cols}x{rows}");
        pty.wait_for_screen(&what, |s| {
            if small {
                s.contains(&format!("window too small ({cols}x{rows})"))
            } else {
                shows_the_list(s) && !s.contains("too small")
            }
        });
        assert!(
            asked.elapsed() < Duration::from_secs(1),
            "{what} drawn after {:?}",
            asked.elapsed()
        );
    }
    // The notice says q quits, and it does.
    pty.send(b"q");
    assert_eq!(pty.wait_exit(Duration::from_secs(5)), 0);
}

/// GNU screen's default `altscreen off` ignores the alternate screen: the
/// UI stays after exit. The cursor must then be on the last row, so the
/// shell's prompt follows the UI instead of landing in the middle of it
/// (where the last frame happened to end).
#[test]
fn without_an_alternate_screen_the_prompt_comes_below_the_ui() {
    let Some((mut pty, slave)) = Pty::spawn(DEMO, &[("TERM", "screen"), ("LANG", "C")]) else {
        return;
    };
    drop(slave);
    pty.wait_for_screen("the StatefulSet list", shows_the_list);
    // Another frame, ending away from the bottom row: the help overlay.
    pty.send(b"?");
    pty.wait_for_screen("the help", |s| s.contains("this help"));
    // Closing it redraws the middle of the screen last.
    pty.send(b"?");
    pty.wait_for_screen("the list again", |s| !s.contains("this help"));
    pty.send(b"q");
    assert_eq!(pty.wait_exit(Duration::from_secs(5)), 0);

    let raw = String::from_utf8_lossy(&pty.raw)
        .replace(ALT_SCREEN_ENTER, "")
        .replace(ALT_SCREEN_LEAVE, "");
    let mut screen = emulator((80, 24));
    screen.process(raw.as_bytes());
    assert!(shows_the_list(&screen.screen().contents()));
    assert_eq!(screen.screen().cursor_position(), (23, 0), "row, column");
}
