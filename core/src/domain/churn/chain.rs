//! A churn chain: the terminal event (churned or contracted, with date and
//! ARR lost) and its causes, nearest first, each "due to" the next. Owns the
//! sentence form, the etiology rule, the soft "anything deeper?" check and
//! the root cause. Pure data; the store persists it.

use super::taxonomy::{Reason, ReasonId, ReasonKind};
use crate::domain::{Money, UnknownWord};
use chrono::NaiveDate;
use std::fmt;

/// A chain's row id in the store.
pub type ChainId = i64;

/// What happened to the account's ARR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChurnEvent {
    /// ARR went to zero.
    Churned,
    /// ARR fell but the account stayed.
    Contracted,
}

impl ChurnEvent {
    const WORDS: &'static str = "churned, contracted";

    pub fn as_str(self) -> &'static str {
        match self {
            ChurnEvent::Churned => "churned",
            ChurnEvent::Contracted => "contracted",
        }
    }

    /// The capitalised word that opens the sentence.
    pub fn label(self) -> &'static str {
        match self {
            ChurnEvent::Churned => "Churned",
            ChurnEvent::Contracted => "Contracted",
        }
    }

    pub fn parse(text: &str) -> Result<ChurnEvent, UnknownWord> {
        match text.trim().to_ascii_lowercase().as_str() {
            "churned" | "churn" => Ok(ChurnEvent::Churned),
            "contracted" | "contraction" => Ok(ChurnEvent::Contracted),
            _ => Err(UnknownWord { value: text.trim().to_string(), expected: Self::WORDS }),
        }
    }

    pub fn other(self) -> ChurnEvent {
        match self {
            ChurnEvent::Churned => ChurnEvent::Contracted,
            ChurnEvent::Contracted => ChurnEvent::Churned,
        }
    }
}

impl fmt::Display for ChurnEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What one link names: a taxonomy entry (its label and kind as they are
/// now, retired or not) or words typed by hand, flagged as free text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkCause {
    Reason { id: ReasonId, label: String, kind: ReasonKind },
    FreeText(String),
}

/// One "due to" step of a chain, with an optional note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainLink {
    pub cause: LinkCause,
    pub note: String,
}

impl ChainLink {
    pub fn reason(reason: &Reason) -> ChainLink {
        ChainLink {
            cause: LinkCause::Reason {
                id: reason.id,
                label: reason.label.clone(),
                kind: reason.kind,
            },
            note: String::new(),
        }
    }

    pub fn free_text(text: impl Into<String>) -> ChainLink {
        ChainLink { cause: LinkCause::FreeText(text.into()), note: String::new() }
    }

    pub fn label(&self) -> &str {
        match &self.cause {
            LinkCause::Reason { label, .. } => label,
            LinkCause::FreeText(text) => text,
        }
    }

    /// The taxonomy kind; `None` for free text, whose controllability is unknown.
    pub fn kind(&self) -> Option<ReasonKind> {
        match &self.cause {
            LinkCause::Reason { kind, .. } => Some(*kind),
            LinkCause::FreeText(_) => None,
        }
    }

    pub fn is_free_text(&self) -> bool {
        matches!(self.cause, LinkCause::FreeText(_))
    }

    /// Whether this link explains anything: terminal events do not, and
    /// neither does blank free text.
    pub fn is_cause(&self) -> bool {
        match &self.cause {
            LinkCause::Reason { kind, .. } => kind.is_cause(),
            LinkCause::FreeText(text) => !text.trim().is_empty(),
        }
    }
}

/// A draft is kept when the editor is left; only a saved chain is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChainStatus {
    Draft,
    Saved,
}

impl ChainStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ChainStatus::Draft => "draft",
            ChainStatus::Saved => "saved",
        }
    }
}

/// Why a chain cannot be saved, in one line that says what to add.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error(
        "\"{sentence}\" names only what happened, not why — like a death certificate reading \"stopped breathing\"; add the cause behind it, e.g. New sponsor or Failed implementation"
    )]
    NoCause { sentence: String },
    #[error("link {position} is blank: pick a reason or type a few words")]
    BlankLink { position: usize },
}

/// A churn or contraction with its causes, nearest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChurnChain {
    /// `None` until the store has kept it.
    pub id: Option<ChainId>,
    pub account_id: String,
    pub event: ChurnEvent,
    pub event_date: NaiveDate,
    pub arr_lost: Money,
    /// The product that was lost or shrank; empty when the whole account.
    pub product: String,
    pub links: Vec<ChainLink>,
    pub status: ChainStatus,
}

impl ChurnChain {
    pub fn new(
        account_id: impl Into<String>,
        event: ChurnEvent,
        event_date: NaiveDate,
        arr_lost: Money,
    ) -> ChurnChain {
        ChurnChain {
            id: None,
            account_id: account_id.into(),
            event,
            event_date,
            arr_lost,
            product: String::new(),
            links: Vec::new(),
            status: ChainStatus::Draft,
        }
    }

    /// "Churned, due to New sponsor, due to Failed implementation".
    pub fn sentence(&self) -> String {
        sentence(self.event, &self.links)
    }

    /// The links that explain something (not terminal events, not blank text).
    pub fn causes(&self) -> impl Iterator<Item = &ChainLink> {
        self.links.iter().filter(|link| link.is_cause())
    }

    /// The etiology rule: a chain needs at least one cause beyond its
    /// terminal event, and no blank link.
    pub fn check_etiology(&self) -> Result<(), ChainError> {
        if let Some(index) = self.links.iter().position(|link| link.label().trim().is_empty()) {
            return Err(ChainError::BlankLink { position: index + 1 });
        }
        if self.causes().next().is_none() {
            return Err(ChainError::NoCause { sentence: self.sentence() });
        }
        Ok(())
    }

    /// The deepest cause: the last link that is a cause.
    pub fn root_cause(&self) -> Option<&ChainLink> {
        self.links.iter().rev().find(|link| link.is_cause())
    }

    /// The root cause's kind; `None` for free text or no cause.
    pub fn controllability(&self) -> Option<ReasonKind> {
        self.root_cause().and_then(ChainLink::kind)
    }

    /// The soft check: when the root cause is uncontrollable, the question to
    /// ask (never a refusal) whether something deeper was behind it.
    pub fn deeper_question(&self) -> Option<String> {
        let root = self.root_cause()?;
        (root.kind() == Some(ReasonKind::Uncontrollable)).then(|| {
            format!(
                "\"{}\" is outside your control — was something deeper behind it (a rough implementation, a poor fit)? Add it, or save as is.",
                root.label()
            )
        })
    }
}

/// A saved chain with the account facts the report filters and groups on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookChain {
    pub chain: ChurnChain,
    pub account_name: String,
    pub csm: String,
}

/// The sentence for an event and links: the event's label, then ", due to"
/// and each link's label in order.
pub fn sentence(event: ChurnEvent, links: &[ChainLink]) -> String {
    let mut out = event.label().to_string();
    for link in links {
        out.push_str(", due to ");
        out.push_str(link.label());
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn reason(id: ReasonId, label: &str, kind: ReasonKind) -> Reason {
        Reason { id, label: label.to_string(), kind, description: String::new(), retired: false }
    }

    fn date() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 31).expect("date")
    }

    fn chain(links: Vec<ChainLink>) -> ChurnChain {
        let mut chain = ChurnChain::new("A1", ChurnEvent::Churned, date(), Money::from_units(1000));
        chain.links = links;
        chain
    }

    #[test]
    fn the_sentence_reads_from_event_to_root() {
        let c = chain(vec![
            ChainLink::reason(&reason(1, "New sponsor", ReasonKind::Uncontrollable)),
            ChainLink::reason(&reason(2, "Failed implementation", ReasonKind::Controllable)),
            ChainLink::reason(&reason(3, "Partner training", ReasonKind::Controllable)),
        ]);
        assert_eq!(
            c.sentence(),
            "Churned, due to New sponsor, due to Failed implementation, due to Partner training"
        );
        assert_eq!(c.root_cause().map(ChainLink::label), Some("Partner training"));
        assert_eq!(c.controllability(), Some(ReasonKind::Controllable));
        assert_eq!(c.deeper_question(), None);
        assert_eq!(c.check_etiology(), Ok(()));
    }

    #[test]
    fn a_chain_with_only_the_terminal_event_is_refused_with_what_to_add() {
        let bare = chain(vec![]);
        let error = bare.check_etiology().expect_err("refused");
        let text = error.to_string();
        assert!(text.contains("stopped breathing"), "{text}");
        assert!(text.contains("add the cause"), "{text}");
        assert!(!text.contains('\n'));

        // Terminal events used as causes do not count as causes.
        let terminal_only = chain(vec![
            ChainLink::reason(&reason(1, "Sent churn notice", ReasonKind::Terminal)),
            ChainLink::reason(&reason(2, "Decided not to renew", ReasonKind::Terminal)),
        ]);
        assert_eq!(
            terminal_only.check_etiology(),
            Err(ChainError::NoCause {
                sentence: "Churned, due to Sent churn notice, due to Decided not to renew".into()
            })
        );
        assert_eq!(terminal_only.root_cause(), None);
    }

    #[test]
    fn a_terminal_link_before_a_cause_is_fine_and_the_root_skips_trailing_terminals() {
        let c = chain(vec![
            ChainLink::reason(&reason(1, "Decided not to renew", ReasonKind::Terminal)),
            ChainLink::reason(&reason(2, "Budget cut", ReasonKind::Uncontrollable)),
            ChainLink::reason(&reason(3, "Sent churn notice", ReasonKind::Terminal)),
        ]);
        assert_eq!(c.check_etiology(), Ok(()));
        assert_eq!(c.root_cause().map(ChainLink::label), Some("Budget cut"));
        assert_eq!(c.controllability(), Some(ReasonKind::Uncontrollable));
    }

    #[test]
    fn free_text_counts_as_a_cause_but_is_flagged_and_of_unknown_kind() {
        let c = chain(vec![ChainLink::free_text("Their CIO hates SaaS")]);
        assert_eq!(c.check_etiology(), Ok(()));
        assert!(c.links[0].is_free_text());
        assert_eq!(c.controllability(), None);
        let blank = chain(vec![
            ChainLink::reason(&reason(1, "Budget cut", ReasonKind::Uncontrollable)),
            ChainLink::free_text("   "),
        ]);
        assert_eq!(blank.check_etiology(), Err(ChainError::BlankLink { position: 2 }));
    }

    #[test]
    fn an_uncontrollable_root_asks_whether_something_was_deeper() {
        let c =
            chain(vec![ChainLink::reason(&reason(1, "New sponsor", ReasonKind::Uncontrollable))]);
        assert_eq!(c.check_etiology(), Ok(()), "asked, never forced");
        let question = c.deeper_question().expect("asked");
        assert!(question.contains("New sponsor") && question.contains("deeper"));
    }

    #[test]
    fn events_parse() {
        assert_eq!(ChurnEvent::parse("Churned"), Ok(ChurnEvent::Churned));
        assert_eq!(ChurnEvent::parse(" contracted"), Ok(ChurnEvent::Contracted));
        assert!(ChurnEvent::parse("left").is_err());
    }
}
