//! Text as it leaves the cockpit for a person or a program: the one
//! sanitiser that makes stored text inert on a terminal (`inert`) and the
//! JSON writer that escapes what could reorder or hide text (`json`).
//! Shared by `cli` and `tui`, so neither depends on the other for it. It
//! never changes what is stored: it is applied only when text is shown.

pub mod columns;
pub mod inert;
pub mod json;
