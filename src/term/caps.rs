//! What the terminal can show, decided from environment variables alone (no
//! queries sent to the terminal, so it works the same over slow links, in
//! tmux and GNU screen, and in recordings).
//!
//! - Colour depth: 24-bit only when `COLORTERM` is `truecolor` or `24bit`;
//!   256 colours when `TERM` names a `256color` terminal; otherwise the 16
//!   ANSI colours. `TERM=dumb` has none, and neither has `NO_COLOR` (any
//!   non-empty value) nor `--no-color`: the UI is then monochrome.
//! - Unicode only when the locale is UTF-8: the first non-empty one of
//!   `LC_ALL`, `LC_CTYPE`, `LANG` (the order the C library uses) must name
//!   a UTF-8 codeset (`en_US.UTF-8`, `C.utf8`). Otherwise, or with `--ascii`,
//!   ASCII borders, bars and symbols.
//! - The config file (see [`crate::config`]) can force a colour depth over
//!   `COLORTERM`/`TERM`, but not over `NO_COLOR`, `--no-color` or
//!   `TERM=dumb`; its `mono` and `ascii` act as the flags.

use crate::ui::theme::{ColourDepth, Theme};

/// What the command line (and the config file) asks for, over what the
/// environment says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `--no-color` (or the file's `theme = "mono"`).
    pub no_color: bool,
    /// `--ascii` (or the file's `ascii = true`).
    pub ascii: bool,
    /// The file's `colors`: this depth instead of the one `COLORTERM` and
    /// `TERM` suggest.
    pub colors: Option<ColourDepth>,
}

/// The terminal's capabilities as far as ordinal cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    pub depth: ColourDepth,
    /// Unicode box drawing and symbols; ASCII when false.
    pub unicode: bool,
    /// `TERM=dumb`: no cursor addressing, so no full-screen UI at all.
    pub dumb: bool,
}

impl Caps {
    /// Detects the capabilities from the real environment.
    pub fn from_env(overrides: Overrides) -> Caps {
        detect(|name| std::env::var(name).ok(), overrides)
    }

    /// The theme for these capabilities.
    pub fn theme(&self) -> Theme {
        let theme = Theme::for_depth(self.depth);
        if self.unicode { theme } else { theme.ascii() }
    }
}

/// Detects the capabilities from any variable lookup (testable).
pub fn detect(var: impl Fn(&str) -> Option<String>, overrides: Overrides) -> Caps {
    let term = var("TERM").unwrap_or_default();
    let dumb = term.trim() == "dumb";
    let no_color = overrides.no_color || var("NO_COLOR").is_some_and(|v| !v.is_empty());
    let depth = if dumb || no_color {
        ColourDepth::Mono
    } else if let Some(depth) = overrides.colors {
        depth
    } else if var("COLORTERM").is_some_and(|v| {
        let v = v.trim().to_ascii_lowercase();
        v == "truecolor" || v == "24bit"
    }) {
        ColourDepth::TrueColor
    } else if term.contains("256color") {
        ColourDepth::Ansi256
    } else {
        ColourDepth::Ansi16
    };
    let unicode = !overrides.ascii && utf8_locale(&var);
    Caps {
        depth,
        unicode,
        dumb,
    }
}

/// Whether the effective character-type locale is UTF-8.
pub fn utf8_locale(var: &impl Fn(&str) -> Option<String>) -> bool {
    ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|name| var(name).filter(|v| !v.is_empty()))
        .is_some_and(|locale| names_utf8(&locale))
}

/// `en_US.UTF-8`, `C.utf8`, `de_DE.utf-8@euro` → true; `C`, `POSIX`,
/// `en_US.ISO-8859-1` → false.
fn names_utf8(locale: &str) -> bool {
    let Some((_, rest)) = locale.split_once('.') else {
        return false;
    };
    let codeset = rest.split('@').next().unwrap_or_default();
    let codeset = codeset.to_ascii_lowercase();
    codeset == "utf-8" || codeset == "utf8"
}

#[cfg(test)]
mod tests {
    use super::*;
    use ColourDepth::*;

    /// The theme the variables ask for (what `Theme::from_vars` did before
    /// detection moved out of `ui`).
    fn theme_from_vars(var: impl Fn(&str) -> Option<String>) -> Theme {
        detect(var, Default::default()).theme()
    }

    #[test]
    fn no_color_means_mono() {
        let t = theme_from_vars(|n| (n == "NO_COLOR").then(|| "1".to_string()));
        assert!(t.is_mono());
        let t = theme_from_vars(|n| (n == "NO_COLOR").then(String::new));
        assert!(!t.is_mono());
        let t = theme_from_vars(|_| None);
        assert!(!t.is_mono());
    }

    #[test]
    fn no_color_env_gives_mono() {
        let t = theme_from_vars(|v| (v == "NO_COLOR").then(|| "1".into()));
        assert!(t.is_mono());
    }

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    fn caps(vars: &[(&str, &str)]) -> Caps {
        detect(env(vars), Overrides::default())
    }

    const UTF8: (&str, &str) = ("LANG", "en_US.UTF-8");

    #[test]
    fn colour_depth_follows_term_and_colorterm() {
        let table: &[(&[(&str, &str)], ColourDepth)] = &[
            (&[("TERM", "xterm")], Ansi16),
            (&[("TERM", "screen")], Ansi16),
            (&[("TERM", "linux")], Ansi16),
            (&[("TERM", "vt100")], Ansi16),
            (&[], Ansi16),
            (&[("TERM", "xterm-256color")], Ansi256),
            (&[("TERM", "screen-256color")], Ansi256),
            (&[("TERM", "tmux-256color")], Ansi256),
            (
                &[("TERM", "xterm-256color"), ("COLORTERM", "truecolor")],
                TrueColor,
            ),
            (&[("TERM", "xterm"), ("COLORTERM", "24bit")], TrueColor),
            (
                &[("TERM", "tmux-256color"), ("COLORTERM", "TrueColor")],
                TrueColor,
            ),
            // Anything else in COLORTERM says nothing about the depth.
            (&[("TERM", "xterm-256color"), ("COLORTERM", "yes")], Ansi256),
            (&[("TERM", "screen"), ("COLORTERM", "1")], Ansi16),
            // dumb and NO_COLOR win over everything.
            (&[("TERM", "dumb")], Mono),
            (&[("TERM", "dumb"), ("COLORTERM", "truecolor")], Mono),
            (&[("TERM", "xterm-256color"), ("NO_COLOR", "1")], Mono),
            (
                &[
                    ("TERM", "xterm"),
                    ("COLORTERM", "truecolor"),
                    ("NO_COLOR", "x"),
                ],
                Mono,
            ),
            // An empty NO_COLOR is not set.
            (&[("TERM", "xterm-256color"), ("NO_COLOR", "")], Ansi256),
        ];
        for (vars, want) in table {
            assert_eq!(caps(vars).depth, *want, "{vars:?}");
        }
    }

    #[test]
    fn a_forced_depth_beats_detection_but_not_no_color_or_dumb() {
        let forced = Overrides {
            colors: Some(TrueColor),
            ..Overrides::default()
        };
        let c = |vars: &[(&str, &str)]| detect(env(vars), forced).depth;
        assert_eq!(c(&[("TERM", "screen")]), TrueColor);
        assert_eq!(c(&[("TERM", "xterm-256color")]), TrueColor);
        assert_eq!(c(&[("TERM", "xterm"), ("NO_COLOR", "1")]), Mono);
        assert_eq!(c(&[("TERM", "dumb")]), Mono);
        let mono = Overrides {
            no_color: true,
            ..forced
        };
        assert_eq!(detect(env(&[("TERM", "xterm")]), mono).depth, Mono);
    }

    #[test]
    fn dumb_is_flagged() {
        assert!(caps(&[("TERM", "dumb")]).dumb);
        assert!(!caps(&[("TERM", "xterm")]).dumb);
        assert!(!caps(&[]).dumb);
    }

    #[test]
    fn no_color_flag_gives_mono() {
        let no_color = Overrides {
            no_color: true,
            ..Overrides::default()
        };
        let c = detect(env(&[("TERM", "xterm-256color"), UTF8]), no_color);
        assert_eq!(c.depth, Mono);
        assert!(c.unicode, "--no-color leaves the symbols alone");
        assert!(c.theme().is_mono());
    }

    #[test]
    fn unicode_follows_the_first_set_locale_variable() {
        let table: &[(&[(&str, &str)], bool)] = &[
            (&[("LANG", "en_US.UTF-8")], true),
            (&[("LANG", "C.utf8")], true),
            (&[("LANG", "C.UTF8")], true),
            (&[("LANG", "de_DE.utf-8@euro")], true),
            (&[("LANG", "C")], false),
            (&[("LANG", "POSIX")], false),
            (&[("LANG", "en_US")], false),
            (&[("LANG", "en_US.ISO-8859-1")], false),
            (&[("LANG", "utf8")], false),
            (&[], false),
            // LC_ALL overrides LANG, both ways.
            (&[("LC_ALL", "C"), ("LANG", "en_US.UTF-8")], false),
            (&[("LC_ALL", "en_US.UTF-8"), ("LANG", "C")], true),
            // LC_CTYPE overrides LANG, LC_ALL overrides LC_CTYPE.
            (&[("LC_CTYPE", "C.UTF-8"), ("LANG", "C")], true),
            (&[("LC_CTYPE", "C"), ("LANG", "C.UTF-8")], false),
            (&[("LC_ALL", "C"), ("LC_CTYPE", "C.UTF-8")], false),
            // An empty variable is not set: the next one decides.
            (&[("LC_ALL", ""), ("LANG", "en_US.UTF-8")], true),
            (&[("LC_ALL", ""), ("LC_CTYPE", ""), ("LANG", "C")], false),
            // Other LC_* categories do not matter.
            (&[("LC_MESSAGES", "en_US.UTF-8"), ("LANG", "C")], false),
        ];
        for (vars, want) in table {
            assert_eq!(caps(vars).unicode, *want, "{vars:?}");
        }
    }

    #[test]
    fn ascii_flag_forces_ascii() {
        let ascii = Overrides {
            ascii: true,
            ..Overrides::default()
        };
        let c = detect(env(&[("TERM", "xterm-256color"), UTF8]), ascii);
        assert!(!c.unicode);
        assert_eq!(c.depth, Ansi256, "--ascii leaves the colours alone");
        assert!(!c.theme().symbols.unicode);
    }

    #[test]
    fn bastion_defaults_give_sixteen_colours_and_ascii() {
        // SSH to a bastion: screen in between, LANG=C.
        let c = caps(&[("TERM", "screen"), ("LANG", "C")]);
        assert_eq!(c.depth, Ansi16);
        assert!(!c.unicode);
        let theme = c.theme();
        assert_eq!(theme.depth, Ansi16);
        assert_eq!(theme.symbols.border.top_left, "+");
    }

    #[test]
    fn theme_follows_caps() {
        let c = caps(&[("TERM", "tmux-256color"), ("LC_ALL", "C.UTF-8")]);
        let theme = c.theme();
        assert_eq!(theme.depth, Ansi256);
        assert!(theme.symbols.unicode);
        assert_eq!(theme, Theme::for_depth(Ansi256));
    }
}
