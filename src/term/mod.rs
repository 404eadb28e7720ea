//! The terminal itself (issue 6): what it can show ([`caps`]), recording
//! what is drawn ([`record`]), entering and leaving the full-screen UI
//! ([`screen`]), and colours any colour terminal reads ([`sgr`]).

pub mod caps;
pub mod record;
pub mod screen;
pub mod sgr;
