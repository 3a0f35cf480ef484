//! Churn-reason chains: why an account churned or shrank, recorded the way a
//! death certificate records a cause of death — from the terminal event down
//! to the root cause, each link "due to" the next.
//!
//! Owns the taxonomy words, the chain and its rules (the etiology rule, the
//! soft "anything deeper?" check, root cause, controllability), the proposal
//! of an event from ARR snapshots, and the editor's state machine. Pure: no
//! SQL, no terminal, no clock — the store persists chains, the pane draws the
//! editor and maps keys to its operations.

pub mod chain;
pub mod editor;
pub mod prefill;
pub mod taxonomy;

pub use chain::{
    BookChain, ChainError, ChainId, ChainLink, ChainStatus, ChurnChain, ChurnEvent, LinkCause,
};
pub use editor::{
    Candidate, ChainEditor, EditorEffect, EditorOp, Field, Level, Message, Mode, PickTarget,
    PickerRow,
};
pub use prefill::{EventProposal, Prefill, choose_prefill, propose_event};
pub use taxonomy::{DEFAULT_TAXONOMY, DefaultReason, Reason, ReasonId, ReasonKind, TaxonomyEdit};
