//! The 16 named colours in the SGR form every colour terminal knows.
//!
//! crossterm writes the named colours as 256-colour palette indices
//! (`ESC[38;5;1m` for red). A terminal without 256 colours (an old Linux
//! console, GNU screen built without them, serial consoles and vt-class
//! emulators) reads that as 38 (unknown), 5 (blink) and 1 (bold), so the
//! 16-colour theme would blink instead of being red. [`Ansi16`] rewrites
//! indices 0-15 into `30-37`/`90-97` (foreground) and `40-47`/`100-107`
//! (background), which name the same palette entries on terminals that do
//! know 256 colours: it is safe at every depth. Everything else, truecolor
//! and indices from 16 up included, passes through unchanged.

use std::io::{self, Write};

const ESC: u8 = 0x1b;
/// Longer control sequences are not SGR as crossterm writes them; they pass
/// through unchanged rather than being held.
const MAX_SEQUENCE: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Text,
    /// After ESC.
    Escape,
    /// Inside `ESC [`, up to the final byte.
    Csi,
}

/// A writer that rewrites 256-colour SGR indices 0-15 into the 16-colour
/// forms (see the module comment). Sequences may be split over writes (they
/// are: crossterm formats a colour in pieces).
pub struct Ansi16<W: Write> {
    inner: W,
    state: State,
    /// The control sequence seen so far.
    sequence: Vec<u8>,
    /// What one `write` passes on, reused.
    out: Vec<u8>,
}

impl<W: Write> Ansi16<W> {
    pub fn new(inner: W) -> Self {
        Ansi16 {
            inner,
            state: State::Text,
            sequence: Vec::new(),
            out: Vec::new(),
        }
    }

    fn feed(&mut self, byte: u8) {
        match self.state {
            State::Text if byte == ESC => {
                self.sequence.push(byte);
                self.state = State::Escape;
            }
            State::Text => self.out.push(byte),
            State::Escape if byte == b'[' => {
                self.sequence.push(byte);
                self.state = State::Csi;
            }
            State::Escape => {
                // Not a CSI: pass it on, and look at this byte afresh (it
                // may be another ESC).
                self.pass_sequence();
                self.feed(byte);
            }
            State::Csi => {
                self.sequence.push(byte);
                if (0x40..=0x7e).contains(&byte) {
                    self.finish_csi();
                } else if self.sequence.len() > MAX_SEQUENCE {
                    self.pass_sequence();
                }
            }
        }
    }

    fn pass_sequence(&mut self) {
        self.out.append(&mut self.sequence);
        self.state = State::Text;
    }

    fn finish_csi(&mut self) {
        let params = &self.sequence[2..self.sequence.len() - 1];
        if self.sequence.last() == Some(&b'm')
            && let Some(rewritten) = rewrite(params)
        {
            self.out.extend_from_slice(b"\x1b[");
            self.out.extend_from_slice(rewritten.as_bytes());
            self.out.push(b'm');
            self.sequence.clear();
            self.state = State::Text;
        } else {
            self.pass_sequence();
        }
    }
}

/// The SGR parameters with indices 0-15 in 16-colour form; `None` when
/// there is nothing to change.
fn rewrite(params: &[u8]) -> Option<String> {
    let params = std::str::from_utf8(params).ok()?;
    if !params.bytes().all(|b| b.is_ascii_digit() || b == b';') || !params.contains(";5;") {
        return None;
    }
    let parts: Vec<&str> = params.split(';').collect();
    let mut out: Vec<String> = Vec::with_capacity(parts.len());
    let mut changed = false;
    let mut i = 0;
    while i < parts.len() {
        let colour = match parts[i] {
            "38" | "48" | "58" => Some(parts[i]),
            _ => None,
        };
        match (colour, parts.get(i + 1).copied()) {
            (Some(which), Some("5")) => {
                let index = parts.get(i + 2).and_then(|n| n.parse::<u8>().ok());
                match (which, index) {
                    ("38", Some(n @ 0..=15)) => {
                        out.push(sixteen(30, 90, n));
                        changed = true;
                    }
                    ("48", Some(n @ 0..=15)) => {
                        out.push(sixteen(40, 100, n));
                        changed = true;
                    }
                    _ => out.extend(
                        parts[i..(i + 3).min(parts.len())]
                            .iter()
                            .map(|p| p.to_string()),
                    ),
                }
                i += 3;
            }
            // `38;2;r;g;b`: its numbers are not parameters of their own (a
            // blue of 5 is not blink).
            (Some(_), Some("2")) => {
                let end = (i + 5).min(parts.len());
                out.extend(parts[i..end].iter().map(|p| p.to_string()));
                i = end;
            }
            _ => {
                out.push(parts[i].to_string());
                i += 1;
            }
        }
    }
    changed.then(|| out.join(";"))
}

/// `base + n` for the eight normal colours, `bright + n - 8` for the bright.
fn sixteen(base: u8, bright: u8, n: u8) -> String {
    if n < 8 {
        (base + n).to_string()
    } else {
        (bright + n - 8).to_string()
    }
}

impl<W: Write> Write for Ansi16<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.clear();
        for &byte in buf {
            self.feed(byte);
        }
        self.inner.write_all(&self.out)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        // A sequence cut by a flush goes out as it is; the rest of it then
        // passes through as text. (crossterm never flushes mid-sequence.)
        if !self.sequence.is_empty() {
            self.state = State::Text;
            self.inner.write_all(&std::mem::take(&mut self.sequence))?;
        }
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn through(pieces: &[&[u8]]) -> String {
        let mut w = Ansi16::new(Vec::new());
        for piece in pieces {
            w.write_all(piece).unwrap();
        }
        w.flush().unwrap();
        String::from_utf8(w.inner).unwrap()
    }

    #[test]
    fn named_colours_take_the_sixteen_colour_form() {
        let table = [
            ("\x1b[38;5;1m", "\x1b[31m"),
            ("\x1b[38;5;0m", "\x1b[30m"),
            ("\x1b[38;5;7m", "\x1b[37m"),
            ("\x1b[38;5;8m", "\x1b[90m"),
            ("\x1b[38;5;15m", "\x1b[97m"),
            ("\x1b[48;5;4m", "\x1b[44m"),
            ("\x1b[48;5;12m", "\x1b[104m"),
            // ratatui's SetColors: both at once, or one with a reset.
            ("\x1b[38;5;15;48;5;4m", "\x1b[97;44m"),
            ("\x1b[38;5;2;49m", "\x1b[32;49m"),
            ("\x1b[1;38;5;9m", "\x1b[1;91m"),
        ];
        for (from, want) in table {
            assert_eq!(through(&[from.as_bytes()]), want, "{from:?}");
        }
    }

    #[test]
    fn everything_else_passes_unchanged() {
        for same in [
            "plain text, no escapes",
            "\x1b[38;5;245m",
            "\x1b[48;5;237m",
            "\x1b[38;5;16m",
            "\x1b[38;2;5;5;5m",
            "\x1b[48;2;1;5;1;38;2;0;0;0m",
            "\x1b[58;5;1m",
            "\x1b[39;49m",
            "\x1b[0m",
            "\x1b[m",
            "\x1b[?1049h",
            "\x1b[24;1H",
            "\x1b[5;1H",
            "\x1b]0;title\x07",
            "\x1b7\x1b8",
            "\x1b\x1b[31m",
            "┌─ ordinal ─┐ ▕██▏",
        ] {
            assert_eq!(through(&[same.as_bytes()]), same, "{same:?}");
        }
    }

    #[test]
    fn a_truecolor_blue_of_five_is_not_rewritten() {
        // `2;r;g;b` then a named colour: only the latter changes.
        assert_eq!(
            through(&[b"\x1b[38;2;0;5;5;48;5;3m"]),
            "\x1b[38;2;0;5;5;43m"
        );
    }

    #[test]
    fn sequences_split_over_writes_are_rewritten() {
        // As crossterm writes SetColors: piece by piece.
        let pieces: &[&[u8]] = &[
            b"ab\x1b", b"[", b"38;", b"5;", b"11", b";", b"49", b"m", b"cd",
        ];
        assert_eq!(through(pieces), "ab\x1b[93;49mcd");
        // Every split point of a frame gives the same bytes.
        let frame = "x\x1b[1m\x1b[38;5;6;48;5;0mé\x1b[2;3H\x1b[38;2;1;2;3my";
        let want = through(&[frame.as_bytes()]);
        assert_eq!(want, "x\x1b[1m\x1b[36;40mé\x1b[2;3H\x1b[38;2;1;2;3my");
        for cut in 0..frame.len() {
            let (a, b) = frame.as_bytes().split_at(cut);
            assert_eq!(through(&[a, b]), want, "cut at {cut}");
        }
    }

    #[test]
    fn an_overlong_sequence_passes_through() {
        let long = format!("\x1b[{}m", "1;".repeat(40));
        assert_eq!(through(&[long.as_bytes()]), long);
    }
}
