//! The churn report: ARR lost and accounts by root cause (the last cause of
//! each chain) and by any link, the controllable share of lost ARR, filtered
//! by period, CSM and product. Every row lists the chains behind it so a
//! reader can open them. Pure: it takes chains the store loaded.

use crate::domain::Money;
use crate::domain::churn::{BookChain, ChainId, ChainLink, LinkCause, ReasonId, ReasonKind};
use crate::metrics::Rate;
use chrono::NaiveDate;
use std::collections::{BTreeSet, HashMap};

/// Which chains the report reads; every field left `None` admits all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportFilter {
    /// First event date included.
    pub from: Option<NaiveDate>,
    /// Last event date included.
    pub to: Option<NaiveDate>,
    /// The account's CSM, compared case-insensitively.
    pub csm: Option<String>,
    /// The chain's product, compared case-insensitively.
    pub product: Option<String>,
}

impl ReportFilter {
    pub fn admits(&self, book_chain: &BookChain) -> bool {
        let chain = &book_chain.chain;
        self.from.is_none_or(|from| chain.event_date >= from)
            && self.to.is_none_or(|to| chain.event_date <= to)
            && self
                .csm
                .as_deref()
                .is_none_or(|csm| book_chain.csm.trim().eq_ignore_ascii_case(csm.trim()))
            && self
                .product
                .as_deref()
                .is_none_or(|product| chain.product.trim().eq_ignore_ascii_case(product.trim()))
    }
}

/// One cause's line: the ARR lost and accounts of the chains it appears in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CauseRow {
    pub label: String,
    /// `None` for free text, whose controllability is unknown.
    pub kind: Option<ReasonKind>,
    pub free_text: bool,
    pub arr_lost: Money,
    /// Distinct accounts.
    pub accounts: usize,
    /// The chains behind the row, for drill-down, in ascending id order.
    pub chains: Vec<ChainId>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChurnReport {
    pub chains: usize,
    pub accounts: usize,
    pub arr_lost: Money,
    /// Each chain once, under its root cause; the rows sum to `arr_lost`.
    pub by_root_cause: Vec<CauseRow>,
    /// Each chain under every distinct cause it names (terminal events left
    /// out), so the rows sum to more than `arr_lost` when chains are long.
    pub by_any_link: Vec<CauseRow>,
    /// ARR lost whose root cause is controllable, uncontrollable, or free text.
    pub controllable_arr: Money,
    pub uncontrollable_arr: Money,
    pub unclassified_arr: Money,
    /// Controllable ARR lost / all ARR lost; `None` when nothing was lost.
    pub controllable_share: Option<Rate>,
}

impl ChurnReport {
    /// `Ok` when the ARR lost, in total and on every row, added up exactly.
    pub fn exact(&self) -> Result<(), crate::domain::money::SumOverflow> {
        let rows = self.by_root_cause.iter().chain(&self.by_any_link).map(|row| row.arr_lost);
        let totals =
            [self.arr_lost, self.controllable_arr, self.uncontrollable_arr, self.unclassified_arr];
        super::all_exact(totals.into_iter().chain(rows))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Reason(ReasonId),
    Free(String),
}

fn key(link: &ChainLink) -> Key {
    match &link.cause {
        LinkCause::Reason { id, .. } => Key::Reason(*id),
        LinkCause::FreeText(text) => Key::Free(text.trim().to_lowercase()),
    }
}

#[derive(Default)]
struct Tally {
    label: String,
    kind: Option<ReasonKind>,
    free_text: bool,
    arr_lost: Money,
    accounts: BTreeSet<String>,
    chains: BTreeSet<ChainId>,
}

impl Tally {
    fn add(&mut self, link: &ChainLink, book_chain: &BookChain) {
        if self.chains.is_empty() {
            self.label = link.label().to_string();
            self.kind = link.kind();
            self.free_text = link.is_free_text();
        }
        self.arr_lost += book_chain.chain.arr_lost;
        self.accounts.insert(book_chain.chain.account_id.clone());
        self.chains.insert(book_chain.chain.id.unwrap_or_default());
    }

    fn into_row(self) -> CauseRow {
        CauseRow {
            label: self.label,
            kind: self.kind,
            free_text: self.free_text,
            arr_lost: self.arr_lost,
            accounts: self.accounts.len(),
            chains: self.chains.into_iter().collect(),
        }
    }
}

fn rows(tallies: HashMap<Key, Tally>) -> Vec<CauseRow> {
    let mut rows: Vec<CauseRow> = tallies.into_values().map(Tally::into_row).collect();
    rows.sort_by(|a, b| {
        b.arr_lost
            .cmp(&a.arr_lost)
            .then(b.accounts.cmp(&a.accounts))
            .then_with(|| a.label.to_lowercase().cmp(&b.label.to_lowercase()))
    });
    rows
}

/// Builds the report from the chains `filter` admits.
pub fn churn_report(chains: &[BookChain], filter: &ReportFilter) -> ChurnReport {
    let mut by_root: HashMap<Key, Tally> = HashMap::new();
    let mut by_any: HashMap<Key, Tally> = HashMap::new();
    let mut accounts = BTreeSet::new();
    let mut report = ChurnReport {
        chains: 0,
        accounts: 0,
        arr_lost: Money::ZERO,
        by_root_cause: Vec::new(),
        by_any_link: Vec::new(),
        controllable_arr: Money::ZERO,
        uncontrollable_arr: Money::ZERO,
        unclassified_arr: Money::ZERO,
        controllable_share: None,
    };
    for book_chain in chains.iter().filter(|c| filter.admits(c)) {
        let chain = &book_chain.chain;
        report.chains += 1;
        report.arr_lost += chain.arr_lost;
        accounts.insert(chain.account_id.clone());
        match chain.controllability() {
            Some(ReasonKind::Controllable) => report.controllable_arr += chain.arr_lost,
            Some(ReasonKind::Uncontrollable) => report.uncontrollable_arr += chain.arr_lost,
            _ => report.unclassified_arr += chain.arr_lost,
        }
        if let Some(root) = chain.root_cause() {
            by_root.entry(key(root)).or_default().add(root, book_chain);
        }
        let mut seen = Vec::new();
        for link in chain.causes() {
            let link_key = key(link);
            if !seen.contains(&link_key) {
                by_any.entry(link_key.clone()).or_default().add(link, book_chain);
                seen.push(link_key);
            }
        }
    }
    report.accounts = accounts.len();
    report.by_root_cause = rows(by_root);
    report.by_any_link = rows(by_any);
    report.controllable_share = Rate::new(report.controllable_arr.cents(), report.arr_lost.cents());
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::churn::{ChainStatus, ChurnChain, ChurnEvent};

    fn reason(id: ReasonId, label: &str) -> ChainLink {
        let kind = match label {
            "Decided not to renew" => ReasonKind::Terminal,
            "New sponsor" | "Corporate edict" | "M&A" => ReasonKind::Uncontrollable,
            _ => ReasonKind::Controllable,
        };
        ChainLink {
            cause: LinkCause::Reason { id, label: label.to_string(), kind },
            note: String::new(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn chain(
        id: ChainId,
        account: &str,
        csm: &str,
        product: &str,
        date: &str,
        event: ChurnEvent,
        cents: i64,
        links: Vec<ChainLink>,
    ) -> BookChain {
        BookChain {
            chain: ChurnChain {
                id: Some(id),
                account_id: account.to_string(),
                event,
                event_date: NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("date"),
                arr_lost: Money(cents),
                product: product.to_string(),
                links,
                status: ChainStatus::Saved,
            },
            account_name: account.to_string(),
            csm: csm.to_string(),
        }
    }

    /// Five chains; the expected figures below are worked by hand.
    fn book() -> Vec<BookChain> {
        use ChurnEvent::{Churned, Contracted};
        let (sponsor, failed, partner) = (
            reason(1, "New sponsor"),
            reason(2, "Failed implementation"),
            reason(3, "Partner training"),
        );
        vec![
            chain(
                1,
                "A1",
                "dana",
                "core",
                "2026-02-01",
                Churned,
                1_200_000,
                vec![sponsor, failed.clone(), partner.clone()],
            ),
            chain(
                2,
                "A2",
                "lee",
                "core",
                "2026-03-01",
                Churned,
                3_000_000,
                vec![reason(4, "Corporate edict"), reason(5, "M&A")],
            ),
            chain(
                3,
                "A3",
                "dana",
                "analytics",
                "2026-03-15",
                Contracted,
                500_050,
                vec![failed.clone(), reason(6, "Oversold / poor fit")],
            ),
            chain(
                4,
                "A1",
                "Dana",
                "analytics",
                "2026-04-01",
                Contracted,
                200_000,
                vec![ChainLink::free_text("Vendor consolidation")],
            ),
            chain(
                5,
                "A4",
                "lee",
                "core",
                "2025-11-30",
                Churned,
                800_000,
                vec![reason(7, "Decided not to renew"), failed, partner],
            ),
        ]
    }

    fn summary(rows: &[CauseRow]) -> Vec<(&str, i64, usize, Vec<ChainId>)> {
        rows.iter()
            .map(|r| (r.label.as_str(), r.arr_lost.cents(), r.accounts, r.chains.clone()))
            .collect()
    }

    #[test]
    fn the_whole_book_sums_by_root_cause_and_by_any_link() {
        let report = churn_report(&book(), &ReportFilter::default());
        assert_eq!((report.chains, report.accounts), (5, 4));
        // 12,000 + 30,000 + 5,000.50 + 2,000 + 8,000
        assert_eq!(report.arr_lost, Money(5_700_050));
        assert_eq!(
            summary(&report.by_root_cause),
            vec![
                ("M&A", 3_000_000, 1, vec![2]),
                ("Partner training", 2_000_000, 2, vec![1, 5]),
                ("Oversold / poor fit", 500_050, 1, vec![3]),
                ("Vendor consolidation", 200_000, 1, vec![4]),
            ]
        );
        let root_total: i64 = report.by_root_cause.iter().map(|r| r.arr_lost.cents()).sum();
        assert_eq!(root_total, report.arr_lost.cents());
        assert!(report.by_root_cause[3].free_text && report.by_root_cause[3].kind.is_none());
        assert_eq!(
            summary(&report.by_any_link),
            vec![
                ("Corporate edict", 3_000_000, 1, vec![2]),
                ("M&A", 3_000_000, 1, vec![2]),
                // 12,000 + 5,000.50 + 8,000
                ("Failed implementation", 2_500_050, 3, vec![1, 3, 5]),
                ("Partner training", 2_000_000, 2, vec![1, 5]),
                ("New sponsor", 1_200_000, 1, vec![1]),
                ("Oversold / poor fit", 500_050, 1, vec![3]),
                ("Vendor consolidation", 200_000, 1, vec![4]),
            ],
            "terminal events are not causes and are left out"
        );
        // Controllable: Partner training 20,000 + Oversold 5,000.50.
        assert_eq!(report.controllable_arr, Money(2_500_050));
        assert_eq!(report.uncontrollable_arr, Money(3_000_000));
        assert_eq!(report.unclassified_arr, Money(200_000));
        assert_eq!(report.controllable_share, Rate::new(2_500_050, 5_700_050));
    }

    #[test]
    fn filters_narrow_by_csm_product_and_period() {
        let dana = ReportFilter { csm: Some("DANA".into()), ..ReportFilter::default() };
        let report = churn_report(&book(), &dana);
        // Chains 1, 3, 4: 12,000 + 5,000.50 + 2,000.
        assert_eq!((report.chains, report.accounts), (3, 2));
        assert_eq!(report.arr_lost, Money(1_900_050));
        assert_eq!(report.controllable_share, Rate::new(1_700_050, 1_900_050));

        let core_2026 = ReportFilter {
            product: Some("core".into()),
            from: NaiveDate::from_ymd_opt(2026, 1, 1),
            to: NaiveDate::from_ymd_opt(2026, 3, 1),
            ..ReportFilter::default()
        };
        let report = churn_report(&book(), &core_2026);
        assert_eq!(report.chains, 2, "chain 5 is in 2025; the end date is included");
        assert_eq!(report.arr_lost, Money(4_200_000));
        assert_eq!(report.controllable_share, Rate::new(1_200_000, 4_200_000));
    }

    #[test]
    fn a_cause_named_twice_in_a_chain_counts_once_and_an_empty_book_has_no_share() {
        let repeated = vec![chain(
            9,
            "A9",
            "kim",
            "",
            "2026-01-01",
            ChurnEvent::Churned,
            100,
            vec![
                reason(2, "Failed implementation"),
                reason(3, "Partner training"),
                reason(2, "Failed implementation"),
            ],
        )];
        let report = churn_report(&repeated, &ReportFilter::default());
        assert_eq!(summary(&report.by_any_link)[0], ("Failed implementation", 100, 1, vec![9]));
        assert_eq!(report.by_root_cause[0].label, "Failed implementation");
        let empty = churn_report(&[], &ReportFilter::default());
        assert_eq!(empty.arr_lost, Money::ZERO);
        assert_eq!(empty.controllable_share, None);
    }

    #[test]
    fn free_text_groups_ignoring_case_and_outer_spaces() {
        let chains = vec![
            chain(
                1,
                "A",
                "",
                "",
                "2026-01-01",
                ChurnEvent::Churned,
                100,
                vec![ChainLink::free_text("Vendor consolidation")],
            ),
            chain(
                2,
                "B",
                "",
                "",
                "2026-01-02",
                ChurnEvent::Churned,
                50,
                vec![ChainLink::free_text(" vendor CONSOLIDATION ")],
            ),
        ];
        let report = churn_report(&chains, &ReportFilter::default());
        assert_eq!(
            summary(&report.by_root_cause),
            vec![("Vendor consolidation", 150, 2, vec![1, 2])]
        );
    }
}
