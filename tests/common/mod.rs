//! What several integration tests share: the real binary in a
//! pseudo-terminal (`pty`), a headless frame as text (`frame`) and the
//! database dumped as text (`db`) and the import tests' helpers (`import`).
//! Each test binary uses part of it.
#![allow(dead_code)]

pub mod db;
pub mod frame;
pub mod import;
pub mod pty;
