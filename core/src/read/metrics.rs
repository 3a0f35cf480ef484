//! What the Metrics pane shows, computed once and kept: the book's ARR grid
//! and contracts are read when the pane is first shown, every metric is
//! computed from them here (through `metrics::*`, never re-deriving a
//! formula), and recomputed only when the period moves. Drawing reads these
//! results and the chart points prepared beside them; nothing here draws.

use crate::domain::{Money, Month};
use crate::metrics::Rate;
use crate::metrics::bridge::{Bridge, bridge, bridge_by_account};
use crate::metrics::cohorts::{LayerCake, whole_layer_cake};
use crate::metrics::pareto::{Pareto, pareto_at};
use crate::metrics::renewal_book::RenewalBook;
use crate::metrics::renewal_rates::RenewalRates;
use crate::metrics::retention::{
    ArrGrid, MemberChange, Retention, cohort_members, retention_at, trailing_series,
};
use crate::store::{Store, StoreResult};
use chrono::NaiveDate;

/// The months the bridge, Pareto and renewal rates look at: the bridge runs
/// from the end of `to − months` to the end of `to`; renewals over the dates
/// of the months after `to − months` up to `to`; retention and Pareto at `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub to: Month,
    pub months: i32,
}

impl Period {
    pub fn from(&self) -> Month {
        self.to.minus(self.months)
    }

    /// The first and last dates of the renewal period.
    pub fn dates(&self) -> (NaiveDate, NaiveDate) {
        (self.from().plus(1).first_day(), self.to.last_day())
    }
}

/// A row of a drill-down list: the account it opens and its cells. Its
/// words (the account id, a contract id) are kept in its list's one text,
/// so a list of every account of the book is two allocations, not two
/// hundred thousand, and dropping it is free.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DrillRow {
    account: Word,
    /// Cells after the account name, formatted only when the row is drawn
    /// (a list may hold every account of the book).
    pub cells: Cells,
}

/// A word of a drill-down list, kept in the list's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word {
    start: u32,
    end: u32,
}

/// The figures of a drill-down row, by the list it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cells {
    Member { then: Money, now: Money, change: MemberChange },
    Movement { starting: Money, amount: Money, ending: Money },
    Cohort { start: Month, first: Money, now: Money },
    Tier { arr: Money, cumulative: Option<Rate> },
    Contract { id: Word, ends: NaiveDate, atr: Money, renewed: Option<Money> },
    Payment { contract_id: Word, due: NaiveDate, amount: Money, collected: bool },
}

/// The accounts behind one number.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Drill {
    pub title: String,
    /// The header of the cells (after the account column).
    pub header: String,
    pub rows: Vec<DrillRow>,
    /// The rows' words, one after another.
    text: String,
}

impl Drill {
    /// An empty list with its title and the header of its cells.
    pub fn new(title: String, header: String) -> Drill {
        Drill { title, header, ..Drill::default() }
    }

    /// Keeps `text` in the list, for a row's cells.
    pub fn word(&mut self, text: &str) -> Word {
        let at = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let start = at(self.text.len());
        self.text.push_str(text);
        Word { start, end: at(self.text.len()) }
    }

    /// Adds the row of `account_id` with its `cells`.
    pub fn push(&mut self, account_id: &str, cells: Cells) {
        let account = self.word(account_id);
        self.rows.push(DrillRow { account, cells });
    }

    /// The text of a word of this list.
    pub fn text_of(&self, word: Word) -> &str {
        self.text.get(word.start as usize..word.end as usize).unwrap_or_default()
    }

    /// The account a row opens.
    pub fn account_id(&self, row: &DrillRow) -> &str {
        self.text_of(row.account)
    }

    /// A row's cells as drawn, aligned under the list's header.
    pub fn cells_text(&self, row: &DrillRow) -> String {
        match row.cells {
            Cells::Member { then, now, change } => format!(
                "{:>10} {:>10} {:>10}  {:<10}",
                then.to_short(),
                now.to_short(),
                signed(now - then),
                change_word(change)
            ),
            Cells::Movement { starting, amount, ending } => format!(
                "{:>10} {:>10} {:>10}",
                starting.to_short(),
                amount.to_short(),
                ending.to_short()
            ),
            Cells::Cohort { start, first, now } => {
                format!("{:>8} {:>10} {:>10}", start.to_string(), first.to_short(), now.to_short())
            }
            Cells::Tier { arr, cumulative } => format!(
                "{:>10} {:>8}",
                arr.to_short(),
                cumulative.map_or("—".to_string(), |r| r.to_percent(1))
            ),
            Cells::Contract { id, ends, atr, renewed } => format!(
                "{:<12} {:<10} {:>10} {:>10}",
                self.text_of(id),
                ends.to_string(),
                atr.to_short(),
                renewed.map_or("—".to_string(), Money::to_short)
            ),
            Cells::Payment { contract_id, due, amount, collected } => format!(
                "{:<12} {:<10} {:>10} {:>10}",
                self.text_of(contract_id),
                due.to_string(),
                amount.to_short(),
                if collected { "collected" } else { "not paid" }
            ),
        }
    }
}

/// What depends on the period: see [`MetricsData::figures`].
#[derive(Debug, Clone)]
pub struct PeriodFigures {
    pub period: Period,
    pub retention: Retention,
    pub bridge: Bridge,
    pub pareto: Pareto,
    pub renewals: RenewalRates,
}

/// Everything the pane shows, for one period.
#[derive(Debug, Clone)]
pub struct MetricsData {
    pub grid: ArrGrid,
    /// Every contract's renewal and payments, so that moving the period
    /// never queries.
    pub renewal_book: RenewalBook,
    pub period: Period,
    pub series: Vec<Retention>,
    /// (month index, NRR %), (month index, GRR %) for the chart.
    pub nrr_points: Vec<(f64, f64)>,
    pub grr_points: Vec<(f64, f64)>,
    pub retention: Retention,
    pub bridge: Bridge,
    pub cake: LayerCake,
    pub pareto: Pareto,
    pub renewals: RenewalRates,
    /// How long the first load took, in milliseconds.
    pub load_ms: u128,
    /// The backtest of health against outcomes, once the pane has run it.
    pub backtest: Option<super::health::Backtest>,
}

impl MetricsData {
    /// Reads the grid and the contracts, and computes every section for the
    /// default period: the latest twelve months of the book.
    pub fn load(store: &Store, cuts_bp: &[i64]) -> StoreResult<Option<MetricsData>> {
        let started = std::time::Instant::now();
        let grid = store.arr_grid(None)?;
        let Some(last) = grid.last_month() else {
            return Ok(None);
        };
        let renewal_book = super::renewals::renewal_book(store)?;
        let series = trailing_series(&grid);
        let (nrr_points, grr_points) = chart_points(&series);
        let cake = whole_layer_cake(&grid);
        let period = Period { to: last, months: 12 };
        let mut data = MetricsData {
            retention: retention_at(&grid, last),
            bridge: bridge(&grid, period.from(), period.to),
            pareto: pareto_at(&grid, last, cuts_bp),
            renewals: RenewalRates::from_lines(last.first_day(), last.last_day(), vec![], vec![]),
            grid,
            renewal_book,
            period,
            series,
            nrr_points,
            grr_points,
            cake,
            load_ms: 0,
            backtest: None,
        };
        data.set_period(period, cuts_bp);
        data.load_ms = started.elapsed().as_millis();
        Ok(Some(data))
    }

    /// Recomputes the period's numbers (the trailing series and the cake
    /// do not depend on it). The period is kept inside the book.
    pub fn set_period(&mut self, period: Period, cuts_bp: &[i64]) {
        let figures = self.figures(period, cuts_bp);
        self.apply(figures);
    }

    /// `period` moved inside the book's months (at least one month long).
    pub fn clamp(&self, period: Period) -> Period {
        let (Some(first), Some(last)) = (self.grid.first_month(), self.grid.last_month()) else {
            return period;
        };
        let to = Month(period.to.0.clamp(first.0, last.0));
        let months = period.months.clamp(1, (to.0 - first.0).max(1));
        Period { to, months }
    }

    /// The numbers of `period` (clamped into the book), computed without
    /// changing what is shown.
    pub fn figures(&self, period: Period, cuts_bp: &[i64]) -> PeriodFigures {
        let period = self.clamp(period);
        let (from_date, to_date) = period.dates();
        PeriodFigures {
            period,
            retention: retention_at(&self.grid, period.to),
            bridge: bridge(&self.grid, period.from(), period.to),
            pareto: pareto_at(&self.grid, period.to, cuts_bp),
            // The lines behind the totals are listed only when drilled into.
            renewals: self.renewal_book.totals(from_date, to_date),
        }
    }

    /// Shows the numbers of another period.
    pub fn apply(&mut self, figures: PeriodFigures) {
        let PeriodFigures { period, retention, bridge, pareto, renewals } = figures;
        (self.period, self.retention, self.bridge, self.pareto, self.renewals) =
            (period, retention, bridge, pareto, renewals);
    }

    /// Retention members at the period's month, filtered.
    pub fn members_drill(&self, which: MemberFilter) -> Drill {
        let as_of = self.period.to;
        let title = match which {
            MemberFilter::All => "Every cohort member",
            MemberFilter::Churned => "Cohort members that churned",
            MemberFilter::ChurnedOrContracted => "Cohort members that churned or contracted",
        };
        let mut drill = Drill::new(
            format!("{title}: ARR at {} → {as_of}", as_of.minus(12)),
            format!("{:>10} {:>10} {:>10}  {:<10}", "then", "now", "change", ""),
        );
        for m in cohort_members(&self.grid, as_of) {
            let listed = match which {
                MemberFilter::All => true,
                MemberFilter::Churned => m.change == MemberChange::Churned,
                MemberFilter::ChurnedOrContracted => {
                    matches!(m.change, MemberChange::Churned | MemberChange::Contracted)
                }
            };
            if listed {
                let cells = Cells::Member { then: m.then_arr, now: m.now_arr, change: m.change };
                drill.push(&m.account_id, cells);
            }
        }
        drill
    }

    /// The accounts behind one movement of the bridge.
    pub fn bridge_drill(&self, movement: Movement) -> Drill {
        let (from, to) = (self.period.from(), self.period.to);
        let mut drill = Drill::new(
            format!("{} from {from} to {to}", movement.title()),
            format!("{:>10} {:>10} {:>10}", format!("at {from}"), "amount", format!("at {to}")),
        );
        for a in bridge_by_account(&self.grid, from, to) {
            let amount = match movement {
                Movement::NewLogo => a.movements.new_logo,
                Movement::Expansion => a.movements.expansion,
                Movement::Contraction => a.movements.contraction,
                Movement::Lost => a.movements.lost,
            };
            if !amount.is_zero() {
                let cells =
                    Cells::Movement { starting: a.starting_arr, amount, ending: a.ending_arr };
                drill.push(&a.account_id, cells);
            }
        }
        drill
    }

    /// The accounts that started in one year, with their ARR at the period's month.
    pub fn cohort_drill(&self, layer: usize) -> Option<Drill> {
        let year = self.cake.layers.get(layer)?.start_year;
        let to = self.period.to;
        let mut rows: Vec<(Money, usize, Cells)> = (0..self.grid.account_count())
            .filter_map(|account| {
                let start = self.grid.start_month(account)?;
                (start.year() == year).then(|| {
                    let now = self.grid.arr(account, to);
                    let first = self.grid.arr(account, start);
                    (now, account, Cells::Cohort { start, first, now })
                })
            })
            .collect();
        rows.sort_by(|a, b| {
            b.0.cmp(&a.0).then_with(|| self.grid.account_id(a.1).cmp(self.grid.account_id(b.1)))
        });
        let mut drill = Drill::new(
            format!("Accounts that started in {year}, by ARR at {to}"),
            format!("{:>8} {:>10} {:>10}", "started", "first ARR", format!("at {to}")),
        );
        for (_, account, cells) in rows {
            drill.push(self.grid.account_id(account), cells);
        }
        Some(drill)
    }

    /// The accounts of one tier, in rank order.
    pub fn tier_drill(&self, tier: u8) -> Drill {
        let total = self.pareto.total_arr.cents();
        let mut drill = Drill::new(
            format!("Tier {tier} at {}, in rank order", self.pareto.as_of),
            format!("{:>10} {:>8}", "ARR", "cum."),
        );
        for a in self.pareto.accounts_in_tier(tier) {
            let cumulative = Rate::new(a.cumulative_arr.cents(), total);
            drill.push(self.grid.account_id(a.account), Cells::Tier { arr: a.arr, cumulative });
        }
        drill
    }

    /// The contracts behind ATR, or the out-year payments behind payments due.
    pub fn renewals_drill(&self, payments: bool) -> Drill {
        let (from, to) = (self.renewals.from, self.renewals.to);
        let book = &self.renewal_book;
        if payments {
            let mut drill = Drill::new(
                format!("Out-year payments due {from} to {to}"),
                format!("{:<12} {:<10} {:>10} {:>10}", "contract", "due", "amount", ""),
            );
            for p in book.payment_views(from, to) {
                let contract_id = drill.word(p.contract_id);
                let cells = Cells::Payment {
                    contract_id,
                    due: p.due_date,
                    amount: p.amount,
                    collected: p.collected,
                };
                drill.push(p.account_id, cells);
            }
            return drill;
        }
        let mut drill = Drill::new(
            format!("Contracts ending {from} to {to} (ATR)"),
            format!("{:<12} {:<10} {:>10} {:>10}", "contract", "ends", "ATR", "renewed"),
        );
        for l in book.atr_views(from, to) {
            let id = drill.word(l.contract_id);
            let cells = Cells::Contract {
                id,
                ends: l.end_date,
                atr: l.atr,
                renewed: l.renewal_id.is_some().then_some(l.renewed),
            };
            drill.push(l.account_id, cells);
        }
        drill
    }
}

/// Which cohort members to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberFilter {
    All,
    Churned,
    ChurnedOrContracted,
}

/// A movement of the bridge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Movement {
    NewLogo,
    Expansion,
    Contraction,
    Lost,
}

impl Movement {
    pub const ALL: [Movement; 4] =
        [Movement::NewLogo, Movement::Expansion, Movement::Contraction, Movement::Lost];

    pub fn title(self) -> &'static str {
        match self {
            Movement::NewLogo => "New logo",
            Movement::Expansion => "Expansion",
            Movement::Contraction => "Contraction",
            Movement::Lost => "Lost",
        }
    }

    pub fn amount(self, bridge: &Bridge) -> Money {
        match self {
            Movement::NewLogo => bridge.new_logo(),
            Movement::Expansion => bridge.expansion(),
            Movement::Contraction => bridge.contraction(),
            Movement::Lost => bridge.lost(),
        }
    }
}

fn change_word(change: MemberChange) -> &'static str {
    match change {
        MemberChange::Churned => "churned",
        MemberChange::Contracted => "contracted",
        MemberChange::Expanded => "expanded",
        MemberChange::Flat => "flat",
    }
}

/// `+1.2k`, `-300`, `0`.
pub fn signed(money: Money) -> String {
    if money.cents() > 0 { format!("+{}", money.to_short()) } else { money.to_short() }
}

/// Chart points (x, y), for geometry only.
type Points = Vec<(f64, f64)>;

/// NRR and GRR in percent against the month's index in the series; months
/// with an empty cohort are left out.
fn chart_points(series: &[Retention]) -> (Points, Points) {
    let mut nrr = Vec::with_capacity(series.len());
    let mut grr = Vec::with_capacity(series.len());
    for (index, r) in series.iter().enumerate() {
        let x = index as f64;
        if let Some(rate) = r.nrr() {
            nrr.push((x, rate.to_f64() * 100.0));
        }
        if let Some(rate) = r.grr() {
            grr.push((x, rate.to_f64() * 100.0));
        }
    }
    (nrr, grr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drill_keeps_its_words_in_one_text_and_draws_them_in_their_cells() {
        let mut drill = Drill::new("Contracts".to_string(), String::new());
        let ends = NaiveDate::from_ymd_opt(2025, 6, 30).expect("date");
        let id = drill.word("C-17");
        let cells = Cells::Contract {
            id,
            ends,
            atr: Money::from_units(1_200),
            renewed: Some(Money::from_units(1_000)),
        };
        drill.push("ACME-001", cells);
        drill.push("É-2", Cells::Tier { arr: Money::from_units(500), cumulative: Rate::new(1, 4) });
        let ids: Vec<&str> = drill.rows.iter().map(|row| drill.account_id(row)).collect();
        assert_eq!(ids, ["ACME-001", "É-2"]);
        assert_eq!(drill.text_of(id), "C-17");
        let first = drill.cells_text(&drill.rows[0]);
        assert!(first.starts_with("C-17         2025-06-30 "), "{first}");
        assert_eq!(first.len(), 12 + 1 + 10 + 1 + 10 + 1 + 10);
        // 1 of 4 is 25.0%.
        assert!(drill.cells_text(&drill.rows[1]).ends_with("   25.0%"));
    }
}
