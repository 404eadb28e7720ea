//! The theme per colour depth (issue 6). `tests.rs` snapshots the *text* of
//! every screen (the same at every depth); this module checks the *styles*:
//! style-map snapshots under the 16-colour theme, the colours each depth
//! may emit, and that severity and selection stay readable at every depth.

use ratatui::buffer::{Buffer, Cell};
use ratatui::style::{Color, Modifier};

use super::super::model::{FrameView, SetPane, StorageTab};
use super::super::samples;
use super::super::theme::ColourDepth;
use super::{Theme, assert_no_colour, dialog_frames, find, render, text};

const DEPTHS: [ColourDepth; 4] = [
    ColourDepth::Mono,
    ColourDepth::Ansi16,
    ColourDepth::Ansi256,
    ColourDepth::TrueColor,
];

/// One cell's look in words: `fg=Cyan bg=Blue BOLD | DIM`, or `default`.
fn describe(cell: &Cell) -> String {
    let mut parts = Vec::new();
    if cell.fg != Color::Reset {
        parts.push(format!("fg={:?}", cell.fg));
    }
    if cell.bg != Color::Reset {
        parts.push(format!("bg={:?}", cell.bg));
    }
    if !cell.modifier.is_empty() {
        parts.push(format!("{:?}", cell.modifier));
    }
    if parts.is_empty() {
        "default".into()
    } else {
        parts.join(" ")
    }
}

/// The buffer as text with its styles: each row's text, under it one code
/// per cell (`.` = default style), then a legend of the codes. Codes are
/// handed out in order of first appearance, so the map is deterministic, and
/// a changed colour shows both in the legend and in every place it is used.
fn style_map(buf: &Buffer) -> String {
    const CODES: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut legend = vec!["default".to_string()];
    let mut out = String::new();
    for (y, line) in text(buf).lines().enumerate() {
        out.push_str(&format!("{y:>2} {line}\n   "));
        for x in 0..buf.area.width {
            let look = describe(&buf[(x, y as u16)]);
            let i = match legend.iter().position(|l| *l == look) {
                Some(i) => i,
                None => {
                    legend.push(look);
                    legend.len() - 1
                }
            };
            out.push(match i {
                0 => '.',
                i => *CODES.get(i - 1).expect("more styles than codes") as char,
            });
        }
        out.push('\n');
    }
    out.push_str("\nlegend:\n");
    for (i, look) in legend.iter().enumerate() {
        let code = if i == 0 { '.' } else { CODES[i - 1] as char };
        out.push_str(&format!("  {code} {look}\n"));
    }
    out
}

fn depth16_map(view: &FrameView, w: u16, h: u16) -> String {
    let theme = Theme::for_depth(ColourDepth::Ansi16);
    style_map(render(view, &theme, w, h).backend().buffer())
}

#[test]
fn depth16_snapshots() {
    insta::assert_snapshot!(
        "depth16_list_80x24",
        depth16_map(&samples::list_frame(), 80, 24)
    );
    insta::assert_snapshot!(
        "depth16_set_partition_80x24",
        depth16_map(&samples::partition_frame(SetPane::Ordinals), 80, 24)
    );
    insta::assert_snapshot!(
        "depth16_dialog_force_delete_80x24",
        depth16_map(&samples::force_delete_frame(), 80, 24)
    );
    insta::assert_snapshot!(
        "depth16_set_partition_160x48",
        depth16_map(&samples::partition_frame(SetPane::Ordinals), 160, 48)
    );
}

/// Every screen the samples have, overlays and dialogs included.
fn all_frames() -> Vec<FrameView> {
    let mut v = vec![
        samples::list_frame(),
        samples::list_frame_namespace(),
        samples::empty_list_frame(),
        samples::filter_frame(),
        samples::mysql_frame(SetPane::Ordinals, 2),
        samples::mysql_frame(SetPane::Findings, 2),
        samples::mysql_frame(SetPane::Events, 2),
        samples::mysql_frame(SetPane::Log, 2),
        samples::partition_frame(SetPane::Ordinals),
        samples::postgres_frame(SetPane::Chain),
        samples::storage_frame(StorageTab::Claims, 5),
        samples::storage_frame(StorageTab::Volumes, 0),
        samples::storage_frame(StorageTab::Classes, 2),
        samples::message_frame(),
        samples::help_frame(),
        samples::namespaces_frame(),
    ];
    v.extend(dialog_frames());
    v
}

/// Usual sizes, the minimum, and a too-small window (its notice is styled).
const SIZES: [(u16, u16); 4] = [(80, 24), (160, 48), (60, 15), (50, 12)];

/// The 16 colours every colour terminal has, plus the terminal's default.
fn ansi16(c: Color) -> bool {
    use Color::*;
    matches!(
        c,
        Reset
            | Black
            | Red
            | Green
            | Yellow
            | Blue
            | Magenta
            | Cyan
            | Gray
            | DarkGray
            | LightRed
            | LightGreen
            | LightYellow
            | LightBlue
            | LightMagenta
            | LightCyan
            | White
    )
}

/// Every colour a theme names. Widgets never pick a colour themselves, so
/// nothing else may reach the screen.
fn theme_colours(t: &Theme) -> Vec<Color> {
    let styles = [
        t.title_bar,
        t.badge,
        t.header,
        t.label,
        t.selected,
        t.border,
        t.border_focused,
        t.pane_title,
        t.pane_title_focused,
        t.critical,
        t.warning,
        t.info,
        t.ok,
        t.muted,
        t.partition,
        t.revision_update,
        t.revision_current,
        t.bar_low,
        t.bar_mid,
        t.bar_high,
        t.key,
        t.key_text,
        t.unavailable,
        t.filter,
        t.tab,
        t.tab_active,
    ];
    let mut colours: Vec<Color> = styles.iter().flat_map(|s| [s.fg, s.bg]).flatten().collect();
    colours.push(Color::Reset);
    colours
}

/// What each depth may put on the screen, cell by cell, on every screen and
/// size: mono no colour, 16 colours only the named ANSI ones, 256 colours
/// no 24-bit, and every depth only colours its theme defines.
#[test]
fn each_depth_emits_only_its_colours() {
    for depth in DEPTHS {
        let theme = Theme::for_depth(depth);
        assert_eq!(theme.depth, depth);
        let allowed = theme_colours(&theme);
        if depth == ColourDepth::Ansi16 {
            // the theme itself, not only what the samples happen to use
            for c in &allowed {
                assert!(ansi16(*c), "16-colour theme names {c:?}");
            }
        }
        let (mut indexed, mut rgb) = (false, false);
        for view in all_frames() {
            for (w, h) in SIZES {
                for theme in [theme, theme.ascii()] {
                    let t = render(&view, &theme, w, h);
                    let buf = t.backend().buffer();
                    if depth == ColourDepth::Mono {
                        assert_no_colour(buf);
                    }
                    for cell in buf.content() {
                        for c in [cell.fg, cell.bg] {
                            let at = || format!("{depth:?} {w}x{h}: {c:?} on {:?}", cell.symbol());
                            assert!(allowed.contains(&c), "not in the theme: {}", at());
                            match depth {
                                ColourDepth::Ansi16 => assert!(ansi16(c), "{}", at()),
                                ColourDepth::Ansi256 => {
                                    assert!(!matches!(c, Color::Rgb(..)), "{}", at())
                                }
                                _ => {}
                            }
                            indexed |= matches!(c, Color::Indexed(_));
                            rgb |= matches!(c, Color::Rgb(..));
                        }
                    }
                }
            }
        }
        // the richer depths are used, not only allowed
        match depth {
            ColourDepth::Ansi256 => assert!(indexed, "256 colours never used"),
            ColourDepth::TrueColor => assert!(rgb, "24-bit colour never used"),
            _ => {}
        }
    }
}

/// No text is drawn in its own background colour (e.g. a grey column on a
/// grey selection bar) on any screen at any depth.
#[test]
fn text_never_matches_its_background() {
    for depth in DEPTHS {
        let theme = Theme::for_depth(depth);
        for view in all_frames() {
            for (w, h) in [(80, 24), (160, 48)] {
                let t = render(&view, &theme, w, h);
                let buf = t.backend().buffer();
                for y in 0..h {
                    for x in 0..w {
                        let cell = &buf[(x, y)];
                        if cell.symbol().trim().is_empty() || cell.fg == Color::Reset {
                            continue;
                        }
                        assert_ne!(
                            cell.fg,
                            cell.bg,
                            "{depth:?} {w}x{h}: {:?} at ({x},{y}) is invisible in\n{}",
                            cell.symbol(),
                            text(buf)
                        );
                    }
                }
            }
        }
    }
}

/// Severity is told by colour and by mark and word: at every colour depth
/// the three health cells differ in colour, without colour in modifiers,
/// and each carries its mark and word whatever the depth.
#[test]
fn severities_differ_by_colour_and_by_symbol() {
    for depth in DEPTHS {
        let theme = Theme::for_depth(depth);
        let t = render(&samples::list_frame(), &theme, 80, 24);
        let buf = t.backend().buffer();
        let mut looks = Vec::new();
        for needle in ["✖ crit", "! warn", "✓ ok"] {
            let (x, y) = find(buf, needle).unwrap_or_else(|| panic!("{depth:?}: no {needle}"));
            let mark = &buf[(x, y)];
            assert_eq!(mark.symbol(), needle.split(' ').next().unwrap());
            // mark and word are one run in one style
            for i in 1..needle.chars().count() as u16 {
                let c = &buf[(x + i, y)];
                assert_eq!((c.fg, c.modifier), (mark.fg, mark.modifier), "{needle}");
            }
            looks.push((mark.fg, mark.modifier));
        }
        for (i, a) in looks.iter().enumerate() {
            for b in &looks[i + 1..] {
                if depth == ColourDepth::Mono {
                    assert_ne!(a.1, b.1, "mono severities look alike");
                } else {
                    assert_ne!(a.0, b.0, "{depth:?} severities share a colour");
                }
            }
        }
    }
}

/// The selected row stands out at every depth (reversed or on a background)
/// on the list, the set screen, storage and the namespace picker; the rows
/// around it do not.
#[test]
fn selection_visible_at_every_depth() {
    let highlit = |c: &Cell| c.modifier.contains(Modifier::REVERSED) || c.bg != Color::Reset;
    let cases = [
        (samples::list_frame(), "mysql      mysql"),
        (
            samples::mysql_frame(SetPane::Ordinals, 2),
            "mysql-2  Running",
        ),
        (
            samples::storage_frame(StorageTab::Claims, 5),
            "▶ data-mysql-3",
        ),
        // the picker's row, not the list's under it
        (samples::namespaces_frame(), "▶ mysql                "),
    ];
    for depth in DEPTHS {
        let theme = Theme::for_depth(depth);
        for (view, needle) in &cases {
            let t = render(view, &theme, 80, 24);
            let buf = t.backend().buffer();
            let (x, y) = find(buf, needle).unwrap_or_else(|| panic!("no {needle}"));
            let row = (x..x + needle.chars().count() as u16).map(|x| &buf[(x, y)]);
            for c in row {
                assert!(
                    highlit(c),
                    "{depth:?} {needle:?}: {:?} not highlit",
                    c.symbol()
                );
            }
            let below = &buf[(x, y + 1)];
            assert!(
                !highlit(below),
                "{depth:?} {needle:?}: the next row is highlit too"
            );
        }
    }
}
