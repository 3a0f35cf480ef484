//! What the cockpit reads behind the screen, each on a connection of its
//! own: the whole book (`book.rs`), the calendar's months ahead
//! (`calendar.rs`) and the Targets filter lists (`targets.rs`) and Today's
//! rows over a wider reach (`today.rs`). Each is thin: it starts a job
//! through `tui::work` that calls one store or book function and answers
//! with its result; the result arrives as an event and the app (or the pane
//! that asked) takes it in. No drawing, no SQL and no thread code here.

pub mod book;
pub mod calendar;
pub mod targets;
pub mod today;
