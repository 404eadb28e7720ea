//! `--record FILE.cast`: what ordinal draws, as an [asciicast v2] file that
//! `asciinema play` replays.
//!
//! The first line is the JSON header (size, start time, `TERM` and
//! `SHELL`); each following line is one output event
//! `[seconds_since_start, "o", "<output>"]`, or a resize
//! `[seconds_since_start, "r", "COLSxROWS"]` (which `asciinema play` and
//! the asciinema player apply) before the first frame drawn at a new size.
//! The terminal backend writes
//! through a [`TeeWriter`], which passes every byte on to the real terminal
//! and hands the recorder one event per flush (ratatui flushes once per
//! frame), so an event is a whole frame. Every event is written with a
//! single `write` and flushed at once: a killed process leaves a file that
//! plays up to its last frame.
//!
//! Times come from the wall clock, or (for `--tour`, whose recording must
//! be the same every run) from the driver: [`Recording::set_time`] stamps
//! the frames that follow with the tour's virtual time.
//!
//! [asciicast v2]: https://docs.asciinema.org/manual/asciicast/v2/

use std::io::{self, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The asciicast v2 header.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub width: u16,
    pub height: u16,
    /// Unix time of the start, in seconds.
    pub timestamp: i64,
    pub term: Option<String>,
    pub shell: Option<String>,
}

impl Header {
    /// A header for a terminal of this size, now, with `TERM` and `SHELL`
    /// from the environment.
    pub fn now(width: u16, height: u16) -> Header {
        Header::at(width, height, jiff::Timestamp::now())
    }

    /// [`Header::now`] with a given start time (a tour gives its simulated
    /// start, so the header does not change between runs either).
    pub fn at(width: u16, height: u16, start: jiff::Timestamp) -> Header {
        Header {
            width,
            height,
            timestamp: start.as_second(),
            term: std::env::var("TERM").ok(),
            shell: std::env::var("SHELL").ok(),
        }
    }

    fn to_json(&self) -> String {
        let mut env = serde_json::Map::new();
        if let Some(term) = &self.term {
            env.insert("TERM".into(), term.clone().into());
        }
        if let Some(shell) = &self.shell {
            env.insert("SHELL".into(), shell.clone().into());
        }
        serde_json::json!({
            "version": 2,
            "width": self.width,
            "height": self.height,
            "timestamp": self.timestamp,
            "env": env,
        })
        .to_string()
    }
}

/// Where event times come from.
#[derive(Debug, Clone, Copy)]
enum Clock {
    /// Real time since the start.
    Wall(Instant),
    /// The time last given to [`Recorder::set_time`].
    Virtual(Duration),
}

/// Reads the terminal's size (columns, rows), to notice resizes.
pub type SizeProbe = Box<dyn FnMut() -> Option<(u16, u16)> + Send>;

/// Writes an asciicast v2 stream to `out`.
pub struct Recorder<W: Write> {
    out: W,
    clock: Clock,
    /// The time of the last event, so times never go backwards.
    last: f64,
    /// Output not yet written as an event.
    pending: Vec<u8>,
    /// The size the player has now (the header's, then the last "r" event's).
    size: (u16, u16),
    /// Asked at the start of each frame; `None`: sizes are not followed.
    probe: Option<SizeProbe>,
    /// Whether output arrived since the last flush (a frame is under way).
    in_frame: bool,
}

impl<W: Write> std::fmt::Debug for Recorder<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("clock", &self.clock)
            .field("last", &self.last)
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

impl<W: Write> Recorder<W> {
    /// Writes the header and starts the wall clock.
    pub fn start(out: W, header: &Header) -> io::Result<Self> {
        Recorder::begin(out, header, Clock::Wall(Instant::now()))
    }

    /// Writes the header; events are stamped with the times given to
    /// [`Recorder::set_time`] (zero until then), never the wall clock.
    pub fn start_virtual(out: W, header: &Header) -> io::Result<Self> {
        Recorder::begin(out, header, Clock::Virtual(Duration::ZERO))
    }

    fn begin(mut out: W, header: &Header, clock: Clock) -> io::Result<Self> {
        out.write_all(format!("{}\n", header.to_json()).as_bytes())?;
        out.flush()?;
        Ok(Recorder {
            out,
            clock,
            last: 0.0,
            pending: Vec::new(),
            size: (header.width, header.height),
            probe: None,
            in_frame: false,
        })
    }

    /// Follows the terminal's size: `probe` is asked before each frame, and
    /// a new answer is written as a resize event ahead of that frame.
    pub fn follow_size(mut self, probe: SizeProbe) -> Self {
        self.probe = Some(probe);
        self
    }

    /// The time of the following events, for a virtual clock (ignored on
    /// the wall clock).
    pub fn set_time(&mut self, at: Duration) {
        if let Clock::Virtual(t) = &mut self.clock {
            *t = at;
        }
    }

    fn elapsed(&self) -> Duration {
        match self.clock {
            Clock::Wall(start) => start.elapsed(),
            Clock::Virtual(t) => t,
        }
    }

    /// Buffers output until the next [`Recorder::flush`]. The first output
    /// of a frame first checks the terminal's size: ratatui resizes its
    /// buffers at the start of a draw, so a frame drawn at a new size
    /// follows its resize event.
    pub fn output(&mut self, bytes: &[u8]) -> io::Result<()> {
        if !self.in_frame {
            self.in_frame = true;
            if let Some(size) = self.probe.as_mut().and_then(|probe| probe()) {
                self.resize(size.0, size.1)?;
            }
        }
        self.pending.extend_from_slice(bytes);
        Ok(())
    }

    /// Writes a resize event (`[t, "r", "COLSxROWS"]`) unless the player
    /// already has this size. Output buffered so far goes out first, as it
    /// was drawn at the old size.
    pub fn resize(&mut self, width: u16, height: u16) -> io::Result<()> {
        if self.size == (width, height) {
            return Ok(());
        }
        self.flush()?;
        self.size = (width, height);
        let t = self.stamp(self.elapsed());
        let line = format!("[{t:.6}, \"r\", \"{width}x{height}\"]\n");
        self.out.write_all(line.as_bytes())?;
        self.out.flush()
    }

    /// An event time: `elapsed`, but never earlier than the last event's.
    fn stamp(&mut self, elapsed: Duration) -> f64 {
        let t = elapsed.as_secs_f64().max(self.last);
        self.last = t;
        t
    }

    /// Writes the buffered output as one event, stamped now.
    pub fn flush(&mut self) -> io::Result<()> {
        self.flush_at(self.elapsed())
    }

    /// Writes the buffered output as one event at `elapsed` since the start
    /// (never earlier than the previous event). A UTF-8 sequence cut by the
    /// end of the buffer waits for the next event; invalid bytes become
    /// U+FFFD, as asciicast holds text.
    pub fn flush_at(&mut self, elapsed: Duration) -> io::Result<()> {
        self.in_frame = false;
        let cut = self.pending.len() - incomplete_tail(&self.pending);
        if cut == 0 {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&self.pending[..cut]).into_owned();
        self.pending.drain(..cut);
        let t = self.stamp(elapsed);
        let line = format!("[{t:.6}, \"o\", {}]\n", serde_json::Value::String(text));
        self.out.write_all(line.as_bytes())?;
        self.out.flush()
    }

    /// Writes whatever is left (an incomplete UTF-8 tail included) and
    /// returns the sink.
    pub fn finish(mut self) -> io::Result<W> {
        self.flush()?;
        if !self.pending.is_empty() {
            let rest = std::mem::take(&mut self.pending);
            let t = self.stamp(self.elapsed());
            let line = format!(
                "[{t:.6}, \"o\", {}]\n",
                serde_json::Value::String(String::from_utf8_lossy(&rest).into_owned())
            );
            self.out.write_all(line.as_bytes())?;
            self.out.flush()?;
        }
        Ok(self.out)
    }
}

/// How many bytes at the end of `bytes` start a UTF-8 sequence that is not
/// complete yet (0..=3).
fn incomplete_tail(bytes: &[u8]) -> usize {
    for back in 1..=bytes.len().min(3) {
        let b = bytes[bytes.len() - back];
        if b & 0xC0 == 0x80 {
            continue; // a continuation byte: look further back
        }
        let need = match b {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => return 0, // ASCII or invalid: nothing to wait for
        };
        return if need > back { back } else { 0 };
    }
    0
}

/// The recording side of a [`TeeWriter`], shared so that the owner of the
/// terminal can end the recording while the backend owns the writer.
///
/// A failing recording never stops the UI: the recorder is dropped and the
/// error kept for [`Recording::finish`] to report.
#[derive(Debug)]
pub struct Recording<R: Write>(Arc<Mutex<RecordingState<R>>>);

#[derive(Debug)]
struct RecordingState<R: Write> {
    recorder: Option<Recorder<R>>,
    error: Option<io::Error>,
}

impl<R: Write> Clone for Recording<R> {
    fn clone(&self) -> Self {
        Recording(Arc::clone(&self.0))
    }
}

impl<R: Write> Recording<R> {
    /// A recording into `recorder`, or none.
    pub fn new(recorder: Option<Recorder<R>>) -> Self {
        Recording(Arc::new(Mutex::new(RecordingState {
            recorder,
            error: None,
        })))
    }

    fn state(&self) -> std::sync::MutexGuard<'_, RecordingState<R>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn is_recording(&self) -> bool {
        self.state().recorder.is_some()
    }

    /// Stamps the following frames with `at` (for a virtual clock).
    pub fn set_time(&self, at: Duration) {
        if let Some(recorder) = &mut self.state().recorder {
            recorder.set_time(at);
        }
    }

    fn output(&self, bytes: &[u8]) {
        self.with_recorder(|recorder| recorder.output(bytes));
    }

    fn flush(&self) {
        self.with_recorder(Recorder::flush);
    }

    /// Runs `f` on the recorder, if any; an error ends the recording.
    fn with_recorder(&self, f: impl FnOnce(&mut Recorder<R>) -> io::Result<()>) {
        let mut state = self.state();
        if let Some(Err(error)) = state.recorder.as_mut().map(f) {
            tracing::warn!("recording stopped: {error}");
            state.recorder = None;
            state.error.get_or_insert(error);
        }
    }

    /// Ends the recording: the remaining output is written. Returns the
    /// recording's sink (none when there was no recording), or the first
    /// error the recording met.
    pub fn finish(&self) -> io::Result<Option<R>> {
        let mut state = self.state();
        if let Some(error) = state.error.take() {
            return Err(error);
        }
        match state.recorder.take() {
            Some(recorder) => recorder.finish().map(Some),
            None => Ok(None),
        }
    }
}

/// Passes everything written on to `out` and, when recording, to the
/// recording; a flush flushes `out` and writes one recorded event.
#[derive(Debug)]
pub struct TeeWriter<W: Write, R: Write> {
    out: W,
    recording: Recording<R>,
}

impl<W: Write, R: Write> TeeWriter<W, R> {
    pub fn new(out: W, recording: Recording<R>) -> Self {
        TeeWriter { out, recording }
    }
}

impl<W: Write, R: Write> Write for TeeWriter<W, R> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.out.write(buf)?;
        self.recording.output(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        let result = self.out.flush();
        self.recording.flush();
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small asciicast v2 reader: the header and the output events.
    fn parse(cast: &[u8]) -> (serde_json::Value, Vec<(f64, String)>) {
        let text = std::str::from_utf8(cast).expect("a cast is UTF-8");
        let mut lines = text.lines();
        let header: serde_json::Value =
            serde_json::from_str(lines.next().expect("a header line")).expect("header is JSON");
        let events = lines
            .map(|line| {
                let v: serde_json::Value = serde_json::from_str(line).expect("event is JSON");
                let a = v.as_array().expect("event is an array");
                assert_eq!(a.len(), 3, "{line}");
                assert_eq!(a[1], "o", "{line}");
                (a[0].as_f64().unwrap(), a[2].as_str().unwrap().to_string())
            })
            .collect();
        (header, events)
    }

    fn header() -> Header {
        Header {
            width: 80,
            height: 24,
            timestamp: 1_700_000_000,
            term: Some("xterm-256color".into()),
            shell: None,
        }
    }

    #[test]
    fn header_is_asciicast_v2() {
        let rec = Recorder::start(Vec::new(), &header()).unwrap();
        let out = rec.finish().unwrap();
        let (h, events) = parse(&out);
        assert_eq!(h["version"], 2);
        assert_eq!(h["width"], 80);
        assert_eq!(h["height"], 24);
        assert_eq!(h["timestamp"], 1_700_000_000);
        assert_eq!(h["env"]["TERM"], "xterm-256color");
        assert!(h["env"].get("SHELL").is_none());
        assert!(events.is_empty());
        let first = std::str::from_utf8(&out).unwrap().lines().next().unwrap();
        assert!(first.starts_with("{\"version\":2,"), "{first}");
    }

    #[test]
    fn one_event_per_flush_with_escaped_output() {
        let recording = Recording::new(Some(Recorder::start(Vec::new(), &header()).unwrap()));
        let mut tee = TeeWriter::new(Vec::new(), recording.clone());
        let frame = "\x1b[?1049h\x1b[1;1H┏ ● \"quoted\" \\ back\r\n\ttab";
        tee.write_all(&frame.as_bytes()[..15]).unwrap(); // inside the ┏
        tee.write_all(&frame.as_bytes()[15..]).unwrap();
        tee.flush().unwrap();
        tee.flush().unwrap(); // nothing new: no empty event
        tee.write_all(b"\x1b[2;1Hnext").unwrap();
        tee.flush().unwrap();
        let cast = recording.finish().unwrap().unwrap();
        assert_eq!(
            tee.out,
            frame
                .to_string()
                .into_bytes()
                .into_iter()
                .chain(*b"\x1b[2;1Hnext")
                .collect::<Vec<_>>()
        );
        let text = String::from_utf8(cast.clone()).unwrap();
        assert!(text.contains("\\u001b[?1049h"), "{text}");
        assert!(
            text.contains("\\\"quoted\\\" \\\\ back\\r\\n\\ttab"),
            "{text}"
        );
        assert_eq!(text.lines().count(), 3, "{text}");
        let (_, events) = parse(&cast);
        assert_eq!(
            events.iter().map(|(_, s)| s.as_str()).collect::<Vec<_>>(),
            [frame, "\x1b[2;1Hnext"]
        );
    }

    #[test]
    fn times_are_monotonic() {
        let mut rec = Recorder::start(Vec::new(), &header()).unwrap();
        for (i, ms) in [5u64, 300, 200, 1200, 1200, 2500].into_iter().enumerate() {
            rec.output(format!("frame {i}").as_bytes()).unwrap();
            rec.flush_at(Duration::from_millis(ms)).unwrap();
        }
        rec.output(b"real clock").unwrap();
        rec.flush().unwrap();
        let (_, events) = parse(&rec.finish().unwrap());
        let times: Vec<f64> = events.iter().map(|(t, _)| *t).collect();
        assert_eq!(times.len(), 7);
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
        assert_eq!(times[0], 0.005);
        assert_eq!(
            times[2], 0.3,
            "an earlier clock reading is held at the last time"
        );
        assert_eq!(times[5], 2.5);
    }

    #[test]
    fn a_utf8_sequence_cut_by_a_flush_waits_for_the_next_event() {
        let mut rec = Recorder::start(Vec::new(), &header()).unwrap();
        let bar = "█░".as_bytes();
        rec.output(&bar[..2]).unwrap();
        rec.flush_at(Duration::from_millis(1)).unwrap();
        rec.output(&bar[2..4]).unwrap();
        rec.flush_at(Duration::from_millis(2)).unwrap();
        rec.output(&bar[4..]).unwrap();
        rec.output(&[0xE2]).unwrap(); // cut at the very end
        let (_, events) = parse(&rec.finish().unwrap());
        let texts: Vec<&str> = events.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(texts, ["█", "░", "\u{FFFD}"]);
    }

    /// Every event as (time, code, data), "r" events included.
    /// Each event's code and data, without its time.
    fn codes(events: &[(f64, String, String)]) -> Vec<(&str, &str)> {
        events
            .iter()
            .map(|(_, code, data)| (code.as_str(), data.as_str()))
            .collect()
    }

    fn all_events(cast: &[u8]) -> Vec<(f64, String, String)> {
        std::str::from_utf8(cast)
            .unwrap()
            .lines()
            .skip(1)
            .map(|line| serde_json::from_str(line).expect(line))
            .collect()
    }

    #[test]
    fn a_virtual_clock_stamps_the_times_it_is_given() {
        let mut rec = Recorder::start_virtual(Vec::new(), &header()).unwrap();
        rec.output(b"enter").unwrap();
        rec.flush().unwrap();
        rec.set_time(Duration::from_millis(250));
        rec.output(b"frame").unwrap();
        rec.flush().unwrap();
        rec.set_time(Duration::from_millis(1750));
        rec.output(b"later").unwrap();
        let events = all_events(&rec.finish().unwrap());
        let times: Vec<f64> = events.iter().map(|e| e.0).collect();
        assert_eq!(times, [0.0, 0.25, 1.75]);
    }

    #[test]
    fn a_resize_is_an_r_event_after_the_output_drawn_before_it() {
        let mut rec = Recorder::start_virtual(Vec::new(), &header()).unwrap();
        rec.output(b"old size").unwrap();
        rec.set_time(Duration::from_secs(1));
        rec.resize(120, 40).unwrap();
        rec.resize(120, 40).unwrap(); // the same size again: nothing
        rec.output(b"new size").unwrap();
        rec.flush().unwrap();
        rec.resize(80, 24).unwrap();
        let cast = rec.finish().unwrap();
        let text = String::from_utf8(cast.clone()).unwrap();
        assert!(text.contains("\n[1.000000, \"r\", \"120x40\"]\n"), "{text}");
        let events = all_events(&cast);
        let codes = codes(&events);
        assert_eq!(
            codes,
            [
                ("o", "old size"),
                ("r", "120x40"),
                ("o", "new size"),
                ("r", "80x24")
            ]
        );
    }

    #[test]
    fn a_size_probe_puts_a_resize_before_the_first_frame_at_the_new_size() {
        let sizes = Arc::new(Mutex::new((80u16, 24u16)));
        let probe_sizes = sizes.clone();
        let recorder = Recorder::start(Vec::new(), &header())
            .unwrap()
            .follow_size(Box::new(move || Some(*probe_sizes.lock().unwrap())));
        let recording = Recording::new(Some(recorder));
        let mut tee = TeeWriter::new(Vec::new(), recording.clone());
        tee.write_all(b"one").unwrap();
        tee.flush().unwrap();
        *sizes.lock().unwrap() = (100, 30);
        tee.write_all(b"two").unwrap();
        tee.write_all(b"+").unwrap(); // the same frame: asked once
        tee.flush().unwrap();
        tee.write_all(b"three").unwrap();
        tee.flush().unwrap();
        let events = all_events(&recording.finish().unwrap().unwrap());
        let codes = codes(&events);
        assert_eq!(
            codes,
            [("o", "one"), ("r", "100x30"), ("o", "two+"), ("o", "three")]
        );
        assert_eq!(tee.out, b"onetwo+three", "the terminal gets only output");
    }

    #[test]
    fn incomplete_tails() {
        assert_eq!(incomplete_tail(b""), 0);
        assert_eq!(incomplete_tail(b"abc"), 0);
        assert_eq!(incomplete_tail("a→".as_bytes()), 0);
        assert_eq!(incomplete_tail(&"→".as_bytes()[..1]), 1);
        assert_eq!(incomplete_tail(&"→".as_bytes()[..2]), 2);
        assert_eq!(incomplete_tail(&"😀".as_bytes()[..3]), 3);
        assert_eq!(incomplete_tail(&[b'a', 0xFF]), 0);
    }

    #[test]
    fn a_failing_recording_does_not_stop_the_output() {
        #[derive(Debug)]
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                if buf.starts_with(b"{") {
                    Ok(buf.len()) // the header goes through
                } else {
                    Err(io::Error::other("disk full"))
                }
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let recording = Recording::new(Some(Recorder::start(Broken, &header()).unwrap()));
        let mut tee = TeeWriter::new(Vec::new(), recording.clone());
        assert!(recording.is_recording());
        tee.write_all(b"one").unwrap();
        tee.flush().unwrap();
        assert!(!recording.is_recording());
        tee.write_all(b"two").unwrap();
        tee.flush().unwrap();
        assert_eq!(tee.out, b"onetwo");
        let err = recording.finish().unwrap_err();
        assert_eq!(err.to_string(), "disk full");
    }

    #[test]
    fn without_a_recorder_it_only_passes_through() {
        let recording: Recording<Vec<u8>> = Recording::new(None);
        let mut tee = TeeWriter::new(Vec::new(), recording.clone());
        tee.write_all(b"x").unwrap();
        tee.flush().unwrap();
        assert!(recording.finish().unwrap().is_none());
        assert_eq!(tee.out, b"x");
    }
}
