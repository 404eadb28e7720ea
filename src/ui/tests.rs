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
