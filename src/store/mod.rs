//! The state store: slim copies of watched objects, applied from watch
//! events, with indexes. Plain data: no IO, no async, no terminal.
