//! What several integration tests share: the real binary in a
//! pseudo-terminal (`pty`) and a headless frame as text (`frame`).
//! Each test binary uses part of it.
#![allow(dead_code)]

pub mod frame;
pub mod pty;
