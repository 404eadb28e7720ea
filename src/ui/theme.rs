//! Styles and symbols. Every state the UI shows has a *named* style here and,
//! where it matters, a symbol or word too, so that nothing is conveyed by
//! colour alone: the monochrome theme ([`Theme::mono`]) uses only bold,
//! underline, reverse and dim, and every screen still reads the same.
//!
//! Extension points (terminal detection, issue 6): a [`ColourDepth`] picks the
//! palette ([`Theme::for_depth`]), [`Theme::ascii`] swaps the [`Symbols`] for
//! ASCII ones. Detecting what the terminal can show is the terminal
//! layer's job (`term::caps` builds a Theme from its findings); this module
//! knows nothing of the environment, so `ui` does not depend on `term`.

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;

use crate::view::model::Severity;

/// How many colours the terminal can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColourDepth {
    /// No colours at all (`NO_COLOR`, `--no-color`): modifiers only.
    Mono,
    /// The 16 ANSI colours (`TERM=xterm`, `screen`, `linux`).
    Ansi16,
    /// The 256-colour palette (`*-256color`).
    Ansi256,
    /// 24-bit colour (`COLORTERM=truecolor`).
    TrueColor,
}

/// Glyphs used for marks, bars, arrows and borders; Unicode or ASCII.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Symbols {
    pub unicode: bool,
    /// Severity marks, shown next to their word (`✖ crit`, `! warn`, `i info`).
    pub critical: &'static str,
    pub warning: &'static str,
    pub info: &'static str,
    /// A healthy state (`✓ ok`).
    pub ok: &'static str,
    /// Marks a Pod running the update revision (`↑ 7d4b9c8f6`).
    pub update: &'static str,
    /// Marks a Pod running neither the current nor the update revision.
    pub other_revision: &'static str,
    /// Links of a volume chain (`PVC → PV → SC`).
    pub arrow: &'static str,
    /// Horizontal rule for boundary lines (partition, replicas).
    pub rule: &'static str,
    /// `≥`.
    pub at_least: &'static str,
    /// Usage bar cells.
    pub bar_full: &'static str,
    pub bar_empty: &'static str,
    /// In front of the selected row.
    pub selected: &'static str,
    /// In front of the focused pane's title.
    pub focus: &'static str,
    /// Between short fields (`Bound · 10Gi · RWO`).
    pub sep: &'static str,
    /// Truncation mark.
    pub ellipsis: &'static str,
    /// Pane borders, unfocused and focused (focus is visible without colour).
    pub border: border::Set<'static>,
    pub border_focused: border::Set<'static>,
}

/// ASCII borders for terminals without box drawing (`+--+`).
pub const ASCII_BORDER: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

/// ASCII borders of the focused pane (`#==#`).
pub const ASCII_BORDER_FOCUSED: border::Set<'static> = border::Set {
    top_left: "#",
    top_right: "#",
    bottom_left: "#",
    bottom_right: "#",
    vertical_left: "#",
    vertical_right: "#",
    horizontal_top: "=",
    horizontal_bottom: "=",
};

impl Symbols {
    /// Unicode glyphs found in every common terminal font (no icon fonts).
    pub const UNICODE: Symbols = Symbols {
        unicode: true,
        critical: "✖",
        warning: "!",
        info: "i",
        ok: "✓",
        update: "↑",
        other_revision: "?",
        arrow: "→",
        rule: "─",
        at_least: "≥",
        bar_full: "█",
        bar_empty: "░",
        selected: "▶",
        focus: "●",
        sep: "·",
        ellipsis: "…",
        border: border::PLAIN,
        border_focused: border::THICK,
    };

    /// Plain ASCII, for `LANG=C` terminals and `--ascii`.
    pub const ASCII: Symbols = Symbols {
        unicode: false,
        critical: "X",
        warning: "!",
        info: "i",
        ok: "+",
        update: "*",
        other_revision: "?",
        arrow: "->",
        rule: "-",
        at_least: ">=",
        bar_full: "#",
        bar_empty: ".",
        selected: ">",
        focus: "*",
        sep: "|",
        ellipsis: "~",
        border: ASCII_BORDER,
        border_focused: ASCII_BORDER_FOCUSED,
    };

    pub fn severity(&self, severity: Severity) -> &'static str {
        match severity {
            Severity::Critical => self.critical,
            Severity::Warning => self.warning,
            Severity::Info => self.info,
        }
    }
}

impl Default for Symbols {
    fn default() -> Self {
        Symbols::UNICODE
    }
}

/// Named styles plus the symbol set. Widgets never pick a colour themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub depth: ColourDepth,
    pub symbols: Symbols,
    /// The top title bar.
    pub title_bar: Style,
    /// The `READ-ONLY` badge in the title bar.
    pub badge: Style,
    /// Table column headers.
    pub header: Style,
    /// Labels in key/value blocks (`service`, `desired`).
    pub label: Style,
    /// The selected row (patched over the row's own styles).
    pub selected: Style,
    pub border: Style,
    pub border_focused: Style,
    /// Pane titles, unfocused and focused.
    pub pane_title: Style,
    pub pane_title_focused: Style,
    pub critical: Style,
    pub warning: Style,
    pub info: Style,
    pub ok: Style,
    /// Secondary text; rows beyond replicas.
    pub muted: Style,
    /// The labelled partition boundary line.
    pub partition: Style,
    /// Pods on the update revision / on the current revision.
    pub revision_update: Style,
    pub revision_current: Style,
    /// Usage bars below 80%, from 80%, from 95%.
    pub bar_low: Style,
    pub bar_mid: Style,
    pub bar_high: Style,
    /// Key hints: the key, and what it does.
    pub key: Style,
    pub key_text: Style,
    /// A key that cannot be used now (read-only, RBAC).
    pub unavailable: Style,
    /// The `/` filter text.
    pub filter: Style,
    pub tab: Style,
    pub tab_active: Style,
}

impl Default for Theme {
    fn default() -> Self {
        Theme::colour()
    }
}

impl Theme {
    /// The colour theme on the 16 ANSI colours: works on every colour terminal.
    pub fn colour() -> Self {
        Theme::for_depth(ColourDepth::Ansi16)
    }

    /// No colours at all: bold, underline, reverse and dim only.
    pub fn mono() -> Self {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        Theme {
            depth: ColourDepth::Mono,
            symbols: Symbols::UNICODE,
            title_bar: bold,
            badge: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            header: Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            label: Style::new().add_modifier(Modifier::DIM),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            border: Style::new(),
            border_focused: bold,
            pane_title: Style::new(),
            pane_title_focused: bold,
            critical: Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            warning: bold,
            info: Style::new(),
            ok: Style::new(),
            muted: Style::new().add_modifier(Modifier::DIM),
            partition: bold,
            revision_update: bold,
            revision_current: Style::new(),
            bar_low: Style::new(),
            bar_mid: Style::new(),
            bar_high: bold,
            key: bold,
            key_text: Style::new(),
            unavailable: Style::new().add_modifier(Modifier::DIM),
            filter: Style::new().add_modifier(Modifier::UNDERLINED),
            tab: Style::new(),
            tab_active: Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        }
    }

    /// The theme for a colour depth. 256 and true colour refine a few greys;
    /// the hues stay the same so screenshots look alike everywhere.
    pub fn for_depth(depth: ColourDepth) -> Self {
        if depth == ColourDepth::Mono {
            return Theme::mono();
        }
        let (grey, bar_bg) = match depth {
            ColourDepth::Ansi256 => (Color::Indexed(245), Some(Color::Indexed(237))),
            ColourDepth::TrueColor => (Color::Rgb(138, 138, 138), Some(Color::Rgb(58, 58, 58))),
            _ => (Color::DarkGray, None),
        };
        let bold = Modifier::BOLD;
        let fg = |c: Color| Style::new().fg(c);
        // The selection is patched over the row. On 16 colours the only dark
        // bar is DarkGray, the very colour of muted text, which it would hide
        // (a selected row's namespace, IP, age); reverse video keeps every
        // cell legible in its own colour.
        let selected = match bar_bg {
            Some(bg) => Style::new().bg(bg).add_modifier(bold),
            None => Style::new().add_modifier(Modifier::REVERSED | bold),
        };
        Theme {
            depth,
            symbols: Symbols::UNICODE,
            title_bar: Style::new()
                .fg(Color::White)
                .bg(Color::Blue)
                .add_modifier(bold),
            badge: Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(bold),
            header: fg(Color::Cyan).add_modifier(bold),
            label: fg(grey),
            selected,
            border: fg(grey),
            border_focused: fg(Color::Cyan).add_modifier(bold),
            pane_title: fg(grey),
            pane_title_focused: fg(Color::Cyan).add_modifier(bold),
            critical: fg(Color::Red).add_modifier(bold),
            warning: fg(Color::Yellow),
            info: fg(Color::Blue),
            ok: fg(Color::Green),
            muted: fg(grey),
            partition: fg(Color::Magenta).add_modifier(bold),
            revision_update: fg(Color::Cyan).add_modifier(bold),
            revision_current: Style::new(),
            bar_low: fg(Color::Green),
            bar_mid: fg(Color::Yellow),
            bar_high: fg(Color::Red).add_modifier(bold),
            key: fg(Color::Cyan).add_modifier(bold),
            key_text: Style::new(),
            unavailable: fg(grey).add_modifier(Modifier::DIM),
            filter: fg(Color::Yellow),
            tab: fg(grey),
            tab_active: fg(Color::Cyan).add_modifier(bold | Modifier::UNDERLINED),
        }
    }

    /// The same styles with ASCII symbols and borders.
    pub fn ascii(self) -> Self {
        Theme {
            symbols: Symbols::ASCII,
            ..self
        }
    }

    pub fn is_mono(&self) -> bool {
        self.depth == ColourDepth::Mono
    }

    pub fn severity(&self, severity: Severity) -> Style {
        match severity {
            Severity::Critical => self.critical,
            Severity::Warning => self.warning,
            Severity::Info => self.info,
        }
    }

    /// The style of a usage bar at `fraction` (0.0..=1.0).
    pub fn bar(&self, fraction: f64) -> Style {
        if fraction >= HIGH {
            self.bar_high
        } else if fraction >= MID {
            self.bar_mid
        } else {
            self.bar_low
        }
    }

    /// The mark shown after a usage percentage: `!` from 80%, `!!` from 95%.
    pub fn bar_mark(fraction: f64) -> &'static str {
        if fraction >= HIGH {
            "!!"
        } else if fraction >= MID {
            "!"
        } else {
            ""
        }
    }
}

/// Usage thresholds.
pub const MID: f64 = 0.80;
pub const HIGH: f64 = 0.95;

/// Short severity words, as shown next to the mark.
pub fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "crit",
        Severity::Warning => "warn",
        Severity::Info => "info",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mono_has_no_colours() {
        let t = Theme::mono();
        for s in [
            t.title_bar,
            t.badge,
            t.header,
            t.selected,
            t.border_focused,
            t.critical,
            t.warning,
            t.partition,
            t.bar_high,
            t.key,
            t.tab_active,
        ] {
            assert_eq!(s.fg, None);
            assert_eq!(s.bg, None);
        }
    }

    #[test]
    fn thresholds() {
        assert_eq!(Theme::bar_mark(0.5), "");
        assert_eq!(Theme::bar_mark(0.8), "!");
        assert_eq!(Theme::bar_mark(0.97), "!!");
    }
}
