//! The pipeline: every opportunity with its account, listed by stage (the
//! open ones in the order a deal moves, then won, then lost) and close date,
//! with the count and ARR per stage and per owner. One read of the
//! opportunities table; the CLI's `cockpit opportunities` and the Pipeline
//! pane show this same list. Sums are exact or marked overflowed.

use crate::domain::Money;
use crate::domain::opportunity::OpportunityStage;
use crate::store::opportunities::OpportunityRow;
use crate::store::{Store, StoreResult};
use std::collections::BTreeMap;

/// What the list is narrowed to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PipelineFilter {
    /// The opportunity's owner, matched case-insensitively.
    pub owner: Option<String>,
    pub stage: Option<OpportunityStage>,
    /// "Mine": deals this user owns, or on accounts where they are CSM or AM.
    pub mine: Option<String>,
}

impl PipelineFilter {
    pub fn accepts(&self, row: &OpportunityRow) -> bool {
        let fields = &row.opportunity.fields;
        let is = |name: &str, who: &str| name.trim().eq_ignore_ascii_case(who.trim());
        self.owner.as_ref().is_none_or(|owner| is(&fields.owner, owner))
            && self.stage.is_none_or(|stage| fields.stage == stage)
            && self
                .mine
                .as_ref()
                .is_none_or(|me| is(&fields.owner, me) || is(&row.csm, me) || is(&row.am, me))
    }

    /// The filter in words (`owner dana · stage proposal · mine`), empty
    /// when it lets everything through.
    pub fn words(&self) -> String {
        let mut parts = Vec::new();
        if let Some(owner) = &self.owner {
            parts.push(format!("owner {owner}"));
        }
        if let Some(stage) = self.stage {
            parts.push(format!("stage {}", stage.as_str()));
        }
        if self.mine.is_some() {
            parts.push("mine".to_string());
        }
        parts.join(" · ")
    }
}

/// A count of opportunities and their ARR.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Total {
    pub count: u64,
    pub arr: Money,
}

impl Total {
    fn add(&mut self, arr: Money) {
        self.count += 1;
        self.arr = self.arr.checked_add(arr).unwrap_or(Money::OVERFLOW);
    }
}

/// The list and its totals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pipeline {
    /// By stage, then close date (none last), then id.
    pub rows: Vec<OpportunityRow>,
    /// Every stage, in the order a deal moves, with its total (zero when empty).
    pub by_stage: Vec<(OpportunityStage, Total)>,
    /// Per owner (blank when nobody owns it), by name: the open deals'
    /// total and the won deals' total.
    pub by_owner: Vec<(String, Total, Total)>,
    /// The open deals of the list.
    pub open: Total,
}

/// Orders, filters and totals `rows` (pure; see [`pipeline`]).
pub fn from_rows(mut rows: Vec<OpportunityRow>, filter: &PipelineFilter) -> Pipeline {
    rows.retain(|row| filter.accepts(row));
    rows.sort_by(|a, b| {
        let (fa, fb) = (&a.opportunity.fields, &b.opportunity.fields);
        fa.stage
            .cmp(&fb.stage)
            .then_with(|| fa.close_date.is_none().cmp(&fb.close_date.is_none()))
            .then_with(|| fa.close_date.cmp(&fb.close_date))
            .then_with(|| a.opportunity.id.cmp(&b.opportunity.id))
    });
    let mut by_stage: BTreeMap<OpportunityStage, Total> =
        OpportunityStage::ALL.iter().map(|stage| (*stage, Total::default())).collect();
    let mut by_owner: BTreeMap<String, (Total, Total)> = BTreeMap::new();
    let mut open = Total::default();
    for row in &rows {
        let fields = &row.opportunity.fields;
        by_stage.entry(fields.stage).or_default().add(fields.arr);
        let owner = by_owner.entry(fields.owner.clone()).or_default();
        if fields.stage.is_open() {
            owner.0.add(fields.arr);
            open.add(fields.arr);
        } else if fields.stage == OpportunityStage::Won {
            owner.1.add(fields.arr);
        }
    }
    Pipeline {
        rows,
        by_stage: by_stage.into_iter().collect(),
        by_owner: by_owner.into_iter().map(|(owner, (open, won))| (owner, open, won)).collect(),
        open,
    }
}

/// The book's pipeline, narrowed by `filter`.
pub fn pipeline(store: &Store, filter: &PipelineFilter) -> StoreResult<Pipeline> {
    Ok(from_rows(store.opportunity_rows(false)?, filter))
}

#[cfg(test)]
// Cents are written units_cents (`250_50` is 250.50).
#[allow(clippy::inconsistent_digit_grouping)]
mod tests {
    use super::*;
    use crate::domain::opportunity::{
        Opportunity, OpportunityFields, OpportunityKind, OpportunityStage as S,
    };
    use chrono::{NaiveDate, TimeZone, Utc};

    fn row(
        id: i64,
        stage: S,
        arr: i64,
        owner: &str,
        close: Option<(i32, u32, u32)>,
    ) -> OpportunityRow {
        let at = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).single().expect("t");
        OpportunityRow {
            opportunity: Opportunity {
                id,
                account_id: format!("A{id}"),
                fields: OpportunityFields {
                    product: "Core".into(),
                    kind: OpportunityKind::Upsell,
                    arr: Money::from_cents(arr),
                    stage,
                    owner: owner.into(),
                    close_date: close.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
                    next_step: String::new(),
                },
                lost: None,
                created_at: at,
                updated_at: at,
            },
            account_name: format!("Account {id}"),
            csm: "fran".into(),
            am: owner.into(),
        }
    }

    #[test]
    fn rows_go_by_stage_then_close_date_with_totals_per_stage_and_owner() {
        let rows = vec![
            row(1, S::Won, 1_000_00, "hugo", Some((2025, 2, 1))),
            row(2, S::Proposal, 250_50, "hugo", None),
            row(3, S::Proposal, 100_25, "Dana", Some((2025, 6, 1))),
            row(4, S::Identified, 40_00, "hugo", Some((2025, 9, 1))),
            row(5, S::Proposal, 9_25, "hugo", Some((2025, 5, 1))),
            row(6, S::Lost, 70_00, "dana", Some((2025, 3, 1))),
        ];
        let all = from_rows(rows.clone(), &PipelineFilter::default());
        let ids: Vec<i64> = all.rows.iter().map(|r| r.opportunity.id).collect();
        assert_eq!(ids, vec![4, 5, 3, 2, 1, 6]);
        let proposal = all.by_stage.iter().find(|(s, _)| *s == S::Proposal).expect("p").1;
        // 250.50 + 100.25 + 9.25 = 360.00, by hand.
        assert_eq!(proposal, Total { count: 3, arr: Money::from_cents(360_00) });
        assert_eq!(all.by_stage.len(), 6);
        assert_eq!(
            all.by_stage.iter().find(|(s, _)| *s == S::Commit).expect("c").1,
            Total::default()
        );
        // Open: 40 + 9.25 + 100.25 + 250.50 = 400.00.
        assert_eq!(all.open, Total { count: 4, arr: Money::from_cents(400_00) });
        let hugo = all.by_owner.iter().find(|(o, _, _)| o == "hugo").expect("hugo");
        assert_eq!(hugo.1, Total { count: 3, arr: Money::from_cents(299_75) });
        assert_eq!(hugo.2, Total { count: 1, arr: Money::from_cents(1_000_00) });
        let dana = PipelineFilter { owner: Some("DANA".into()), ..PipelineFilter::default() };
        assert_eq!(from_rows(rows.clone(), &dana).rows.len(), 2);
        let proposals = PipelineFilter {
            owner: Some("hugo".into()),
            stage: Some(S::Proposal),
            ..PipelineFilter::default()
        };
        let ids: Vec<i64> =
            from_rows(rows, &proposals).rows.iter().map(|r| r.opportunity.id).collect();
        assert_eq!(ids, vec![5, 2]);
        // Mine: fran is every account's CSM here; hugo owns 1, 2, 4, 5.
        let mine = |me: &str| PipelineFilter { mine: Some(me.into()), ..PipelineFilter::default() };
        assert_eq!(from_rows(rows_again(), &mine("fran")).rows.len(), 6);
        assert_eq!(from_rows(rows_again(), &mine("Hugo")).rows.len(), 4);
        assert!(from_rows(rows_again(), &mine("sam")).rows.is_empty());
        assert_eq!(mine("x").words(), "mine");
    }

    fn rows_again() -> Vec<OpportunityRow> {
        vec![
            row(1, S::Won, 1_000_00, "hugo", Some((2025, 2, 1))),
            row(2, S::Proposal, 250_50, "hugo", None),
            row(3, S::Proposal, 100_25, "Dana", Some((2025, 6, 1))),
            row(4, S::Identified, 40_00, "hugo", Some((2025, 9, 1))),
            row(5, S::Proposal, 9_25, "hugo", Some((2025, 5, 1))),
            row(6, S::Lost, 70_00, "dana", Some((2025, 3, 1))),
        ]
    }

    proptest::proptest! {
        /// The stages' totals add up to the list: every row in exactly one stage.
        #[test]
        fn stage_totals_foot_to_the_list(arrs in proptest::collection::vec((0usize..6, 0i64..1_000_000_00), 0..40)) {
            let rows: Vec<OpportunityRow> = arrs
                .iter()
                .enumerate()
                .map(|(i, (stage, arr))| row(i as i64, S::ALL[*stage], *arr, if i % 2 == 0 { "a" } else { "b" }, None))
                .collect();
            let all = from_rows(rows, &PipelineFilter::default());
            let count: u64 = all.by_stage.iter().map(|(_, t)| t.count).sum();
            let cents: i64 = all.by_stage.iter().map(|(_, t)| t.arr.cents()).sum();
            proptest::prop_assert_eq!(count as usize, arrs.len());
            proptest::prop_assert_eq!(cents, arrs.iter().map(|(_, a)| a).sum::<i64>());
            let open: i64 = all.by_owner.iter().map(|(_, o, _)| o.arr.cents()).sum();
            proptest::prop_assert_eq!(open, all.open.arr.cents());
        }
    }
}
