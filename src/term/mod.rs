//! The terminal itself (issue 6): what it can show ([`caps`]), recording
//! what is drawn ([`record`]), and entering and leaving the full-screen UI
//! ([`screen`]).

pub mod caps;
pub mod record;
pub mod screen;
