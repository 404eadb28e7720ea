//! ratatui widgets: draw a [`model::FrameView`]; never touch the store, never do IO.

pub mod model;
