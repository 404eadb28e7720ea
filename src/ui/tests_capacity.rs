//! Capacity on screen: the chain pane's trend line (sparkline, growth rate,
//! time to full) and the storage list's FULL IN column, at 80x24 and
//! 160x48, colour and mono (same text, asserted by `screen`), and ASCII.

use std::sync::Arc;

use ratatui::style::Color;

use super::super::model::{ScreenView, SetPane, StorageTab};
use super::super::samples;
use super::{find, render, screen, text};
use crate::ui::Theme;
use crate::view::forecast::Resource;
use crate::view::model::CapacityView;

fn capacity(
    rate: &str,
    full_in: &str,
    secs: Option<f64>,
    runs_out: Option<Resource>,
) -> CapacityView {
    CapacityView {
        rate: rate.into(),
        full_in: full_in.into(),
        runs_out,
        full_in_secs: secs,
        bytes_per_day: Some(9.8e9),
        bytes_full_in_secs: secs,
        inodes_per_day: Some(10.0),
        inodes_full_in_secs: None,
        samples: 720,
        fit_samples: 360,
        oldest: "2026-12-01T04:00:00Z".into(),
        spark: vec![
            0, 0, 1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 5, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7,
        ],
    }
}

fn chain_frame() -> crate::ui::model::FrameView {
    let mut view = samples::postgres_frame(SetPane::Chain);
    if let ScreenView::Set { detail, .. } = &mut view.screen {
        let d = Arc::make_mut(detail);
        d.chains[0].capacity = Some(capacity(
            "+9.1Gi/d",
            "5h",
            Some(5.0 * 3600.0),
            Some(Resource::Bytes),
        ));
        d.chains[1].capacity = Some(CapacityView {
            spark: vec![3; 24],
            ..capacity("flat", "—", None, None)
        });
    }
    view
}

fn storage_frame() -> crate::ui::model::FrameView {
    let mut view = samples::storage_frame(StorageTab::Claims, 5);
    if let ScreenView::Storage { view: v, .. } = &mut view.screen {
        let n = v.claims.len();
        for (i, c) in v.claims.iter_mut().enumerate() {
            c.capacity = match if c.claim.phase == "Bound" { i % 4 } else { 3 } {
                0 => Some(capacity(
                    "+1.2Gi/d",
                    "3d",
                    Some(3.0 * 86_400.0),
                    Some(Resource::Bytes),
                )),
                1 => Some(capacity(
                    "+40Mi/d",
                    "5h",
                    Some(5.0 * 3600.0),
                    Some(Resource::Inodes),
                )),
                2 => Some(capacity("—", "—", None, None)),
                _ => None,
            };
        }
        assert!(n >= 4);
    }
    view
}

#[test]
fn chain_pane_with_trend() {
    let view = chain_frame();
    insta::assert_snapshot!("capacity_chain_80x24", screen(&view, 80, 24));
    insta::assert_snapshot!("capacity_chain_160x48", screen(&view, 160, 48));
    // The time to full is coloured as its finding would be (critical: < 24 h).
    let t = render(&view, &Theme::colour(), 160, 48);
    let buf = t.backend().buffer();
    let (x, y) = find(buf, "full in 5h").expect("the trend line");
    assert_ne!(buf[(x + 8, y)].fg, Color::Reset);
}

#[test]
fn storage_list_with_full_in() {
    let view = storage_frame();
    insta::assert_snapshot!("capacity_storage_80x24", screen(&view, 80, 24));
    insta::assert_snapshot!("capacity_storage_160x48", screen(&view, 160, 48));
}

#[test]
fn sparkline_is_ascii_under_ascii() {
    let t = Theme::mono().ascii();
    for view in [chain_frame(), storage_frame()] {
        for (w, h) in [(80, 24), (160, 48)] {
            let out = text(render(&view, &t, w, h).backend().buffer());
            let bad: String = out.chars().filter(|c| !c.is_ascii()).collect();
            assert!(bad.is_empty(), "non-ASCII {bad:?} in\n{out}");
        }
    }
    let out = text(render(&chain_frame(), &t, 160, 48).backend().buffer());
    assert!(out.contains("__..--~~~==+++***#######"), "{out}");
}
