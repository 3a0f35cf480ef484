//! Churn-reason chains: why an account churned or shrank, recorded the way a
//! death certificate records a cause of death — from the terminal event down
//! to the root cause, each link "due to" the next.
//!
//! Owns the taxonomy words, the chain and its rules (the etiology rule, the
//! soft "anything deeper?" check, root cause, controllability), the proposal
//! of an event from ARR snapshots, and the prefill a new chain opens with.
//! Pure: no SQL, no terminal, no clock — the store persists chains; the
//! editor's state (focus, modes, the picker) is UI state and lives with the
//! terminal app.

pub mod chain;
pub mod prefill;
pub mod taxonomy;

pub use chain::{
    BookChain, ChainError, ChainId, ChainLink, ChainStatus, ChurnChain, ChurnEvent, LinkCause,
};
pub use prefill::{EventProposal, Prefill, choose_prefill, propose_event};
pub use taxonomy::{DEFAULT_TAXONOMY, DefaultReason, Reason, ReasonId, ReasonKind, TaxonomyEdit};
