//! Snapshot tests of every screen at 80x24 and 160x48. The text is the same
//! under the colour and the mono theme (asserted), so one snapshot per
//! screen and size covers both; styles are asserted where they carry meaning.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

use super::model::{FrameView, SetPane, StorageTab};
use super::samples;
use super::{Theme, draw};

/// Styles per colour depth (a file of its own; `mod.rs` is not ours to edit).
#[path = "tests_depth.rs"]
mod depth;

fn render(view: &FrameView, theme: &Theme, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| draw(f, view, theme)).unwrap();
    t
}

/// The buffer as plain text, one line per row, trailing spaces kept.
fn text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut skip = 0;
        for x in 0..buf.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            out.push_str(sym);
            skip = ratatui::text::Span::raw(sym).width().saturating_sub(1);
        }
        out.push('\n');
    }
    out
}

/// Render with the colour theme, check the mono theme draws the same text
/// with no colour at all, and return the text.
fn screen(view: &FrameView, w: u16, h: u16) -> String {
    let colour = render(view, &Theme::colour(), w, h);
    let mono = render(view, &Theme::mono(), w, h);
    let c = text(colour.backend().buffer());
    let m = text(mono.backend().buffer());
    assert_eq!(c, m, "mono theme must draw the same text");
    assert_no_colour(mono.backend().buffer());
    c
}

fn assert_no_colour(buf: &Buffer) {
    for cell in buf.content() {
        assert_eq!(
            cell.fg,
            Color::Reset,
            "mono cell {:?} has a fg colour",
            cell.symbol()
        );
        assert_eq!(
            cell.bg,
            Color::Reset,
            "mono cell {:?} has a bg colour",
            cell.symbol()
        );
    }
}

macro_rules! snap {
    ($name:ident, $view:expr) => {
        #[test]
        fn $name() {
            let view = $view;
            insta::assert_snapshot!(concat!(stringify!($name), "_80x24"), screen(&view, 80, 24));
            insta::assert_snapshot!(
                concat!(stringify!($name), "_160x48"),
                screen(&view, 160, 48)
            );
        }
    };
}

snap!(list_all_namespaces, samples::list_frame());
snap!(
    list_namespace_stale_read_only,
    samples::list_frame_namespace()
);
snap!(list_empty, samples::empty_list_frame());

/// The empty list's hint names the keys in effect: remapped ones, and
/// none for an unbound command.
#[test]
fn the_empty_list_hint_follows_the_keymap() {
    let mut view = samples::empty_list_frame();
    let shown = screen(&view, 80, 24);
    assert!(
        shown.contains("n switches namespace  v shows storage"),
        "{shown}"
    );
    view.status.hints = vec![("N".into(), "namespace".into())];
    let shown = screen(&view, 80, 24);
    assert!(shown.contains("N switches namespace"), "{shown}");
    assert!(!shown.contains("shows storage"), "{shown}");
}
snap!(list_syncing, samples::list_frame_syncing());
snap!(list_filter_editing, samples::filter_frame());
snap!(
    set_mysql_ordinals,
    samples::mysql_frame(SetPane::Ordinals, 2)
);
snap!(
    set_mysql_findings,
    samples::mysql_frame(SetPane::Findings, 2)
);
snap!(set_mysql_events, samples::mysql_frame(SetPane::Events, 2));
snap!(set_mysql_log, samples::mysql_frame(SetPane::Log, 2));
snap!(set_partition, samples::partition_frame(SetPane::Ordinals));
snap!(set_postgres_chain, samples::postgres_frame(SetPane::Chain));
snap!(
    storage_claims,
    samples::storage_frame(StorageTab::Claims, 5)
);
snap!(
    storage_volumes,
    samples::storage_frame(StorageTab::Volumes, 0)
);
snap!(
    storage_classes,
    samples::storage_frame(StorageTab::Classes, 2)
);
snap!(message_no_cluster, samples::message_frame());
snap!(overlay_help, samples::help_frame());
snap!(overlay_namespaces, samples::namespaces_frame());
snap!(
    overlay_namespaces_picked,
    samples::namespaces_picked_frame()
);

snap!(set_big_1000_ordinals, samples::big_frame(1000));

/// The smallest supported window still lays out every screen.
#[test]
fn minimum_window_60x15() {
    insta::assert_snapshot!("min_list_60x15", screen(&samples::list_frame(), 60, 15));
    insta::assert_snapshot!(
        "min_set_60x15",
        screen(&samples::partition_frame(SetPane::Ordinals), 60, 15)
    );
    insta::assert_snapshot!(
        "min_storage_60x15",
        screen(&samples::storage_frame(StorageTab::Claims, 5), 60, 15)
    );
}

#[test]
fn too_small_window_says_so() {
    for (w, h) in [(59, 15), (60, 14), (40, 10), (20, 5)] {
        let out = screen(&samples::mysql_frame(SetPane::Ordinals, 0), w, h);
        assert!(out.contains("too small"), "{w}x{h}:\n{out}");
    }
    insta::assert_snapshot!(
        "too_small_50x12",
        screen(&samples::mysql_frame(SetPane::Ordinals, 0), 50, 12)
    );
    // degenerate sizes must not panic
    for (w, h) in [(0, 0), (1, 1), (3, 2)] {
        render(&samples::list_frame(), &Theme::colour(), w, h);
    }
}

/// ASCII symbols: no non-ASCII character anywhere on any screen.
#[test]
fn ascii_theme_draws_only_ascii() {
    let views = [
        samples::list_frame(),
        samples::list_frame_namespace(),
        samples::filter_frame(),
        samples::mysql_frame(SetPane::Findings, 2),
        samples::partition_frame(SetPane::Ordinals),
        samples::postgres_frame(SetPane::Chain),
        samples::storage_frame(StorageTab::Claims, 5),
        samples::storage_frame(StorageTab::Volumes, 0),
        samples::message_frame(),
        samples::help_frame(),
        samples::namespaces_frame(),
    ];
    for view in &views {
        for (w, h) in [(80, 24), (160, 48)] {
            for theme in [Theme::colour().ascii(), Theme::mono().ascii()] {
                let out = text(render(view, &theme, w, h).backend().buffer());
                let bad: String = out.chars().filter(|c| !c.is_ascii()).collect();
                assert!(bad.is_empty(), "non-ASCII {bad:?} in\n{out}");
            }
        }
    }
    let t = Theme::mono().ascii();
    insta::assert_snapshot!(
        "ascii_set_partition_80x24",
        text(
            render(&samples::partition_frame(SetPane::Ordinals), &t, 80, 24)
                .backend()
                .buffer()
        )
    );
    insta::assert_snapshot!(
        "ascii_set_postgres_80x24",
        text(
            render(&samples::postgres_frame(SetPane::Chain), &t, 80, 24)
                .backend()
                .buffer()
        )
    );
}

fn find(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    let lines = text(buf);
    for (y, line) in lines.lines().enumerate() {
        if let Some(byte) = line.find(needle) {
            let x = line[..byte].chars().count();
            return Some((x as u16, y as u16));
        }
    }
    None
}

/// Colour where it helps, and the same information as symbols and words.
#[test]
fn severity_has_colour_and_symbol() {
    let t = render(&samples::list_frame(), &Theme::colour(), 80, 24);
    let buf = t.backend().buffer();
    let (x, y) = find(buf, "✖ crit").expect("a critical health cell");
    assert_eq!(buf[(x, y)].fg, Color::Red);
    assert!(buf[(x, y)].modifier.contains(Modifier::BOLD));
    let (x, y) = find(buf, "! warn").expect("a warning health cell");
    assert_eq!(buf[(x, y)].fg, Color::Yellow);

    // mono: no colour, but critical still stands out by modifier
    let t = render(&samples::list_frame(), &Theme::mono(), 80, 24);
    let buf = t.backend().buffer();
    let (x, y) = find(buf, "✖ crit").unwrap();
    assert_eq!(buf[(x, y)].fg, Color::Reset);
    assert!(buf[(x, y)].modifier.contains(Modifier::BOLD));
}

#[test]
fn selection_and_focus_readable_without_colour() {
    let t = render(
        &samples::mysql_frame(SetPane::Ordinals, 2),
        &Theme::mono(),
        80,
        24,
    );
    let buf = t.backend().buffer();
    // the selected ordinal row is reversed and marked
    let (x, y) = find(buf, "mysql-2  Running").unwrap();
    assert!(buf[(x, y)].modifier.contains(Modifier::REVERSED));
    assert_eq!(buf[(1, y)].symbol(), "▶");
    // the focused pane has a heavy, bold border and a mark in its title
    let (_, oy) = find(buf, "● Ordinals").unwrap();
    assert_eq!(buf[(0, oy)].symbol(), "┏");
    assert!(buf[(0, oy)].modifier.contains(Modifier::BOLD));
    // an unfocused pane does not
    let (_, vy) = find(buf, "[Volumes]").unwrap();
    assert_eq!(buf[(0, vy)].symbol(), "┌");
    // update-revision Pods are marked in text
    let t = render(
        &samples::partition_frame(SetPane::Ordinals),
        &Theme::mono(),
        80,
        24,
    );
    let out = text(t.backend().buffer());
    assert!(out.contains("↑ 7b6f8d9c2"));
    assert!(out.contains("partition 1: above held back, below (ordinals ≥ 1) update"));
}

#[test]
fn usage_thresholds_have_marks() {
    let out = screen(&samples::postgres_frame(SetPane::Chain), 80, 24);
    assert!(out.contains("96% !!"), "{out}");
    let out = screen(&samples::mysql_frame(SetPane::Ordinals, 2), 80, 24);
    assert!(out.contains("86% !"), "{out}");
}

#[test]
fn help_marks_unavailable_keys() {
    let t = render(&samples::help_frame(), &Theme::mono(), 80, 24);
    let buf = t.backend().buffer();
    let (x, y) = find(buf, "rolling restart (unavailable)").unwrap();
    assert!(buf[(x, y)].modifier.contains(Modifier::DIM));
    let (x, y) = find(buf, "this help").unwrap();
    assert!(!buf[(x, y)].modifier.contains(Modifier::DIM));
}

#[test]
fn filter_cursor_is_placed() {
    let mut t = render(&samples::filter_frame(), &Theme::colour(), 80, 24);
    // `/` at x=1, text from x=2, cursor after "kaf"
    t.backend_mut().assert_cursor_position((5, 23));
}

#[test]
fn long_messages_wrap_above_the_hints() {
    let out = screen(&samples::list_frame_namespace(), 80, 24);
    assert!(out.contains("is forbidden: User"), "{out}");
    assert!(out.contains("\"statefulsets/scale\""), "{out}");
}

/// Rendering cost must not grow with the number of ordinals: only the
/// viewport is built. Not a benchmark; prints the time.
#[test]
fn thousand_ordinals_render_quickly() {
    let view = samples::big_frame(1000);
    let theme = Theme::colour();
    let mut term = Terminal::new(TestBackend::new(160, 48)).unwrap();
    let start = std::time::Instant::now();
    for _ in 0..20 {
        term.draw(|f| draw(f, &view, &theme)).unwrap();
    }
    let per = start.elapsed() / 20;
    eprintln!("1000 ordinals, 160x48: {per:?} per frame (debug build)");
    let out = text(term.backend().buffer());
    assert!(out.contains("sample-statefulset-500"));
    assert!(out.contains("partition 500"));
}

// ---- action dialogs ----

snap!(dialog_scale, samples::scale_frame());
snap!(dialog_scale_error, samples::scale_error_frame());
snap!(dialog_scale_warning, samples::scale_warning_frame());
snap!(dialog_restart_ondelete, samples::restart_ondelete_frame());
snap!(dialog_partition_step, samples::partition_step_frame());
snap!(dialog_rollback, samples::rollback_frame());
snap!(dialog_force_delete, samples::force_delete_frame());
snap!(dialog_delete_claim, samples::delete_claim_frame());
snap!(dialog_sending, samples::sending_frame());
snap!(dialog_failed_forbidden, samples::failed_forbidden_frame());
snap!(dialog_failed_conflict, samples::failed_conflict_frame());

fn dialog_frames() -> Vec<FrameView> {
    vec![
        samples::scale_frame(),
        samples::scale_error_frame(),
        samples::scale_warning_frame(),
        samples::restart_ondelete_frame(),
        samples::partition_step_frame(),
        samples::rollback_frame(),
        samples::force_delete_frame(),
        samples::delete_claim_frame(),
        samples::sending_frame(),
        samples::failed_forbidden_frame(),
        samples::failed_conflict_frame(),
    ]
}

/// A dialog's border never lands one cell inside a pane's border (`┃┃`,
/// `┏┏`), whatever the window's width: it keeps a column clear or takes
/// the whole width.
#[test]
fn dialog_borders_never_double_the_panes() {
    let mut views = dialog_frames();
    views.push(samples::help_frame());
    for view in &views {
        for (w, h) in [
            (80, 24),
            (100, 30),
            (101, 30),
            (102, 30),
            (120, 40),
            (160, 48),
        ] {
            let out = screen(view, w, h);
            for line in out.lines() {
                for doubled in ["┃┃", "┏┏", "┓┓", "┗┗", "┛┛", "┃┏", "┓┃", "┃┗", "┛┃"]
                {
                    assert!(!line.contains(doubled), "{w}x{h} {doubled}:\n{out}");
                }
            }
        }
    }
}

/// Dialogs in ASCII: no non-ASCII character, and danger still spelled out.
#[test]
fn dialogs_in_ascii() {
    for view in &dialog_frames() {
        for (w, h) in [(60, 15), (80, 24), (160, 48)] {
            for theme in [Theme::colour().ascii(), Theme::mono().ascii()] {
                let out = text(render(view, &theme, w, h).backend().buffer());
                let bad: String = out.chars().filter(|c| !c.is_ascii()).collect();
                assert!(bad.is_empty(), "non-ASCII {bad:?} in\n{out}");
            }
        }
    }
    let t = Theme::mono().ascii();
    let out = text(
        render(&samples::force_delete_frame(), &t, 80, 24)
            .backend()
            .buffer(),
    );
    assert!(out.contains("!! DANGER | Force delete Pod"), "{out}");
    insta::assert_snapshot!("ascii_dialog_force_delete_80x24", out);
    insta::assert_snapshot!(
        "ascii_dialog_scale_error_80x24",
        text(
            render(&samples::scale_error_frame(), &t, 80, 24)
                .backend()
                .buffer()
        )
    );
}

/// Danger shows as a word and a mark, in the critical style, with or
/// without colour; the inline error too.
#[test]
fn dialog_danger_and_errors_readable_without_colour() {
    let t = render(&samples::force_delete_frame(), &Theme::colour(), 80, 24);
    let buf = t.backend().buffer();
    let (x, y) = find(buf, "⚠ DANGER").unwrap();
    assert_eq!(buf[(x, y)].fg, Color::Red);
    let t = render(&samples::force_delete_frame(), &Theme::mono(), 80, 24);
    let buf = t.backend().buffer();
    let (x, y) = find(buf, "⚠ DANGER").unwrap();
    assert!(buf[(x, y)].modifier.contains(Modifier::BOLD));
    assert!(buf[(x, y)].modifier.contains(Modifier::REVERSED));

    let t = render(&samples::scale_error_frame(), &Theme::mono(), 80, 24);
    let buf = t.backend().buffer();
    let (x, y) = find(buf, "✖ not a whole number: \"abc\"").unwrap();
    assert!(buf[(x, y)].modifier.contains(Modifier::BOLD));
    // Enter is shown as unavailable, in words and dimmed
    let (x, y) = find(buf, "Enter scale (unavailable)").unwrap();
    assert!(buf[(x, y)].modifier.contains(Modifier::DIM));
}

/// The terminal cursor sits in the field while editing, after the text.
#[test]
fn dialog_cursor_is_placed() {
    for (view, field) in [
        (samples::scale_error_frame(), "[abc"),
        (samples::delete_claim_frame(), "[data-my"),
    ] {
        let mut t = render(&view, &Theme::colour(), 80, 24);
        let (x, y) = find(t.backend().buffer(), field).unwrap();
        let at = (x + field.chars().count() as u16, y);
        t.backend_mut().assert_cursor_position(at);
    }
}

/// A small window shortens the body and the plan first; the title, the
/// input and its error, the warnings, the state and the keys stay.
#[test]
fn dialogs_degrade_in_small_windows() {
    for view in &dialog_frames() {
        let Some(super::model::Overlay::Dialog(d)) = &view.overlay else {
            unreachable!()
        };
        for (w, h) in [(60, 15), (70, 20), (80, 24)] {
            let out = screen(view, w, h);
            let title: String = d.title.chars().take(12).collect();
            assert!(out.contains(&title), "{w}x{h} title:\n{out}");
            assert!(out.contains("Esc "), "{w}x{h} keys:\n{out}");
            if let Some(e) = d.input.as_ref().and_then(|i| i.error.as_ref()) {
                assert!(out.contains(e.as_str()), "{w}x{h} error:\n{out}");
            }
            if h >= 20 {
                for warning in &d.warnings {
                    let start: String = warning.chars().take(20).collect();
                    assert!(out.contains(&start), "{w}x{h} warning:\n{out}");
                }
            }
        }
    }
    insta::assert_snapshot!(
        "min_dialog_force_delete_60x15",
        screen(&samples::force_delete_frame(), 60, 15)
    );
    insta::assert_snapshot!(
        "min_dialog_rollback_60x15",
        screen(&samples::rollback_frame(), 60, 15)
    );
}

#[test]
fn a_kept_filter_shows_its_whole_text() {
    let mut view = samples::filter_frame();
    let f = view.status.filter.as_mut().unwrap();
    f.text = "sample".into();
    f.cursor = 6;
    f.editing = false;
    let out = screen(&view, 80, 24);
    let last = out.lines().last().unwrap();
    assert!(last.contains("/sample"), "{last}");
}

#[test]
fn syncing_counts_are_grouped_by_thousands() {
    for (n, text) in [
        (0, "0"),
        (999, "999"),
        (1_000, "1,000"),
        (41_500, "41,500"),
        (1_234_567, "1,234,567"),
    ] {
        assert_eq!(super::grouped(n), text);
    }
}
