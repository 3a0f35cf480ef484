//! Every contract's renewal and out-year payments, resolved once, so that
//! the renewal rates of any period are a look at the contracts ending (and
//! the payments falling) in it, not a new search of the book.
//!
//! Each contract's follower is found by the domain rule
//! (`Contract::renewal_among`: same account and product, starting within 31
//! days of the end, the earliest first); what the rates need of it is kept
//! compactly (texts once in one buffer, dates and cents), a fraction of the
//! contracts themselves, and the contracts can be fed one at a time.

use super::renewal_rates::{AtrLine, PaymentLine, RenewalRates};
use crate::domain::{Contract, Money};
use chrono::NaiveDate;
use std::collections::HashMap;

/// Texts kept once, each by its index.
#[derive(Debug, Clone, Default)]
struct Texts {
    text: String,
    ends: Vec<u32>,
    index_of: HashMap<String, u32>,
}

impl Texts {
    fn add(&mut self, value: &str) -> u32 {
        let index = u32::try_from(self.ends.len()).unwrap_or(u32::MAX);
        self.text.push_str(value);
        self.ends.push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        index
    }

    /// The index of `value`, added once however often it comes.
    fn intern(&mut self, value: &str) -> u32 {
        if let Some(index) = self.index_of.get(value) {
            return *index;
        }
        let index = self.add(value);
        self.index_of.insert(value.to_string(), index);
        index
    }

    fn get(&self, index: u32) -> &str {
        let index = index as usize;
        let start = if index == 0 { 0 } else { self.ends[index - 1] as usize };
        self.text.get(start..self.ends[index] as usize).unwrap_or_default()
    }
}

/// One contract, as the rates need it.
#[derive(Debug, Clone, Copy)]
struct Entry {
    id: u32,
    account: u32,
    product: u32,
    start_date: NaiveDate,
    end_date: NaiveDate,
    terminated_on: Option<NaiveDate>,
    arr: Money,
    /// The entry that renews this one.
    renewal: Option<u32>,
}

/// An out-year payment of a multi-year contract.
#[derive(Debug, Clone, Copy)]
struct Payment {
    due_date: NaiveDate,
    entry: u32,
    collected: bool,
}

/// A contract up for renewal (an [`AtrLine`] borrowed from the book).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AtrView<'a> {
    pub contract_id: &'a str,
    pub account_id: &'a str,
    pub product: &'a str,
    pub end_date: NaiveDate,
    pub atr: Money,
    pub renewal_id: Option<&'a str>,
    pub renewal_arr: Money,
    pub renewed: Money,
}

/// An out-year payment (a [`PaymentLine`] borrowed from the book).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaymentView<'a> {
    pub contract_id: &'a str,
    pub account_id: &'a str,
    pub product: &'a str,
    pub due_date: NaiveDate,
    pub amount: Money,
    pub collected: bool,
}

/// Every contract's renewal and payments; [`RenewalBook::rates`] gives the
/// renewal rates of a period.
#[derive(Debug, Clone, Default)]
pub struct RenewalBook {
    /// Contract ids, in the order they were fed.
    ids: Texts,
    /// Each contract's account id (not looked up: a table of 100,000
    /// accounts would outweigh the texts).
    accounts: Texts,
    /// Products, each once.
    products: Texts,
    /// By end date, then contract id (once finished).
    entries: Vec<Entry>,
    /// By due date, then contract id.
    payments: Vec<Payment>,
}

impl RenewalBook {
    /// The book of `contracts`.
    pub fn of<'a>(contracts: impl IntoIterator<Item = &'a Contract>) -> RenewalBook {
        let mut book = RenewalBook::default();
        for contract in contracts {
            book.push(contract);
        }
        book.finish()
    }

    /// Room for `contracts` contracts, so that feeding them never regrows.
    pub fn with_capacity(contracts: usize) -> RenewalBook {
        RenewalBook { entries: Vec::with_capacity(contracts), ..RenewalBook::default() }
    }

    /// Adds a contract; [`RenewalBook::finish`] resolves the renewals.
    pub fn push(&mut self, contract: &Contract) {
        self.entries.push(Entry {
            id: self.ids.add(&contract.id),
            account: self.accounts.add(&contract.account_id),
            product: self.products.intern(&contract.product),
            start_date: contract.start_date,
            end_date: contract.end_date,
            terminated_on: contract.terminated_on,
            arr: contract.arr,
            renewal: None,
        });
    }

    /// Orders the entries by end date, resolves every contract's renewal
    /// and lists the out-year payments by due date.
    pub fn finish(mut self) -> RenewalBook {
        self.products.index_of = HashMap::new();
        self.entries.shrink_to_fit();
        let ids = &self.ids;
        self.entries
            .sort_unstable_by(|a, b| (a.end_date, ids.get(a.id)).cmp(&(b.end_date, ids.get(b.id))));
        self.resolve_renewals();
        for (entry, contract) in self.entries.iter().enumerate() {
            let entry = u32::try_from(entry).unwrap_or(u32::MAX);
            for due_date in Contract::out_year_dates(contract.start_date, contract.end_date) {
                let collected = Contract::collected(contract.terminated_on, due_date);
                self.payments.push(Payment { due_date, entry, collected });
            }
        }
        let (entries, ids) = (&self.entries, &self.ids);
        let id = |p: &Payment| ids.get(entries[p.entry as usize].id);
        self.payments.sort_unstable_by(|a, b| (a.due_date, id(a)).cmp(&(b.due_date, id(b))));
        self.payments.shrink_to_fit();
        self
    }

    /// Finds each entry's renewal among the contracts of its account and
    /// product, by the domain rule.
    fn resolve_renewals(&mut self) {
        let mut groups: Vec<u32> =
            (0..self.entries.len()).filter_map(|i| i.try_into().ok()).collect();
        let (entries, accounts) = (&self.entries, &self.accounts);
        let key = |i: u32| {
            let entry = &entries[i as usize];
            (accounts.get(entry.account), entry.product)
        };
        groups.sort_unstable_by(|a, b| key(*a).cmp(&key(*b)));
        let key = |i: u32| {
            let entry = &self.entries[i as usize];
            (self.accounts.get(entry.account), entry.product)
        };
        let mut found = Vec::with_capacity(groups.len());
        let mut start = 0;
        while start < groups.len() {
            let group_key = key(groups[start]);
            let len = groups[start..]
                .iter()
                .position(|i| key(*i) != group_key)
                .unwrap_or(groups.len() - start);
            let group = &groups[start..start + len];
            found.extend(group.iter().map(|&this| (this, self.renewal_in(this, group))));
            start += len;
        }
        for (this, renewal) in found {
            self.entries[this as usize].renewal = renewal;
        }
    }

    /// The entry of `group` that renews `this`: the rule of
    /// `Contract::renewal_among`, on the kept fields.
    fn renewal_in(&self, this: u32, group: &[u32]) -> Option<u32> {
        let contract = &self.entries[this as usize];
        group
            .iter()
            .copied()
            .filter(|other| {
                let candidate = &self.entries[*other as usize];
                *other != this
                    && self.ids.get(candidate.id) != self.ids.get(contract.id)
                    && Contract::starts_within_renewal_gap(contract.end_date, candidate.start_date)
            })
            .min_by(|a, b| {
                let (a, b) = (&self.entries[*a as usize], &self.entries[*b as usize]);
                (a.start_date, self.ids.get(a.id)).cmp(&(b.start_date, self.ids.get(b.id)))
            })
    }

    /// The entries ending and the payments falling due in `from..=to`.
    fn in_period(&self, from: NaiveDate, to: NaiveDate) -> (&[Entry], &[Payment]) {
        let ending = self.entries.partition_point(|e| e.end_date < from)
            ..self.entries.partition_point(|e| e.end_date <= to);
        let due = self.payments.partition_point(|p| p.due_date < from)
            ..self.payments.partition_point(|p| p.due_date <= to);
        (&self.entries[ending], &self.payments[due])
    }

    /// The renewing entry of `entry` and its ARR (0 without one).
    fn renewal_of(&self, entry: &Entry) -> (Option<&Entry>, Money) {
        let renewal = entry.renewal.map(|r| &self.entries[r as usize]);
        (renewal, renewal.map_or(Money::ZERO, |r| r.arr))
    }

    /// The sums and counts of [`RenewalBook::rates`] without listing the
    /// lines behind them (left empty): what a summary shows.
    pub fn totals(&self, from: NaiveDate, to: NaiveDate) -> RenewalRates {
        let (ending, due) = self.in_period(from, to);
        let mut totals = RenewalRates::from_lines(from, to, Vec::new(), Vec::new());
        for entry in ending {
            totals.atr += entry.arr;
            totals.renewed += self.renewal_of(entry).1.min(entry.arr);
        }
        for payment in due {
            let amount = self.entries[payment.entry as usize].arr;
            totals.payments_due += amount;
            if payment.collected {
                totals.payments_collected += amount;
            }
        }
        totals.contracts_up = ending.len();
        totals.payments_count = due.len();
        totals
    }

    /// The contracts up for renewal in `from..=to`, by end date then id,
    /// borrowed from the book (a list needs no copy of every line).
    pub fn atr_views(&self, from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = AtrView<'_>> {
        self.in_period(from, to).0.iter().map(|entry| {
            let (renewal, renewal_arr) = self.renewal_of(entry);
            AtrView {
                contract_id: self.ids.get(entry.id),
                account_id: self.accounts.get(entry.account),
                product: self.products.get(entry.product),
                end_date: entry.end_date,
                atr: entry.arr,
                renewal_id: renewal.map(|r| self.ids.get(r.id)),
                renewal_arr,
                renewed: renewal_arr.min(entry.arr),
            }
        })
    }

    /// The out-year payments due in `from..=to`, by due date then contract
    /// id, borrowed from the book.
    pub fn payment_views(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> impl Iterator<Item = PaymentView<'_>> {
        self.in_period(from, to).1.iter().map(|payment| {
            let entry = &self.entries[payment.entry as usize];
            PaymentView {
                contract_id: self.ids.get(entry.id),
                account_id: self.accounts.get(entry.account),
                product: self.products.get(entry.product),
                due_date: payment.due_date,
                amount: entry.arr,
                collected: payment.collected,
            }
        })
    }

    /// The renewal rates for the dates `from..=to`, with their lines.
    pub fn rates(&self, from: NaiveDate, to: NaiveDate) -> RenewalRates {
        let atr_lines: Vec<AtrLine> = self
            .atr_views(from, to)
            .map(|view| AtrLine {
                contract_id: view.contract_id.to_string(),
                account_id: view.account_id.to_string(),
                product: view.product.to_string(),
                end_date: view.end_date,
                atr: view.atr,
                renewal_id: view.renewal_id.map(str::to_string),
                renewal_arr: view.renewal_arr,
                renewed: view.renewed,
            })
            .collect();
        let payments: Vec<PaymentLine> = self
            .payment_views(from, to)
            .map(|view| PaymentLine {
                contract_id: view.contract_id.to_string(),
                account_id: view.account_id.to_string(),
                product: view.product.to_string(),
                due_date: view.due_date,
                amount: view.amount,
                collected: view.collected,
            })
            .collect();
        RenewalRates::from_lines(from, to, atr_lines, payments)
    }

    /// The number of contracts in the book.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The renewal rates for the dates `from..=to`. `contracts` must include the
/// possible renewals of every contract ending in the period (those starting
/// up to 31 days after `to`); extra contracts do no harm.
pub fn renewal_rates(contracts: &[Contract], from: NaiveDate, to: NaiveDate) -> RenewalRates {
    RenewalBook::of(contracts).rates(from, to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Billing;
    use crate::metrics::renewal_rates::RenewalRates;
    use proptest::prelude::*;

    fn day(offset: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2023, 1, 1).expect("date") + chrono::Duration::days(offset)
    }

    /// The rates by their definition: every contract's renewal searched in
    /// the whole book, every out-year payment listed, then ordered.
    fn by_definition(contracts: &[Contract], from: NaiveDate, to: NaiveDate) -> RenewalRates {
        let mut atr_lines: Vec<AtrLine> = contracts
            .iter()
            .filter(|c| c.end_date >= from && c.end_date <= to)
            .map(|c| {
                let renewal = c.renewal_among(contracts);
                let renewal_arr = renewal.map_or(Money::ZERO, |r| r.arr);
                AtrLine {
                    contract_id: c.id.clone(),
                    account_id: c.account_id.clone(),
                    product: c.product.clone(),
                    end_date: c.end_date,
                    atr: c.arr,
                    renewal_id: renewal.map(|r| r.id.clone()),
                    renewal_arr,
                    renewed: renewal_arr.min(c.arr),
                }
            })
            .collect();
        let mut payments: Vec<PaymentLine> = contracts
            .iter()
            .flat_map(|c| {
                c.out_year_payment_dates().into_iter().map(move |due_date| PaymentLine {
                    contract_id: c.id.clone(),
                    account_id: c.account_id.clone(),
                    product: c.product.clone(),
                    due_date,
                    amount: c.arr,
                    collected: c.payment_collected(due_date),
                })
            })
            .filter(|p| p.due_date >= from && p.due_date <= to)
            .collect();
        atr_lines.sort_by(|a, b| (a.end_date, &a.contract_id).cmp(&(b.end_date, &b.contract_id)));
        payments.sort_by(|a, b| (a.due_date, &a.contract_id).cmp(&(b.due_date, &b.contract_id)));
        RenewalRates::from_lines(from, to, atr_lines, payments)
    }

    fn arb_contracts() -> impl Strategy<Value = Vec<Contract>> {
        // Few accounts and products, so that renewals and near misses abound.
        let one =
            (0..4_u8, 0..2_u8, 0..900_i64, prop::sample::select(vec![12, 24, 36]), 1..500_i64)
                .prop_flat_map(|(account, product, start, months, arr)| {
                    (Just((account, product, start, months, arr)), prop::option::of(0..1_200_i64))
                });
        prop::collection::vec(one, 0..40).prop_map(|rows| {
            rows.into_iter()
                .enumerate()
                .map(|(i, ((account, product, start, months, arr), terminated))| {
                    let start_date = day(start);
                    let end_date = crate::domain::month::add_months(start_date, months)
                        .pred_opt()
                        .expect("day");
                    Contract {
                        id: format!("C{:03}", 40 - i),
                        account_id: format!("A{account}"),
                        product: format!("P{product}"),
                        start_date,
                        end_date,
                        arr: Money::from_units(arr),
                        units: None,
                        billing: Billing::Annual,
                        terminated_on: terminated.map(day),
                    }
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn any_period_gives_the_rates_of_the_definition(
            contracts in arb_contracts(),
            from in 0..1_500_i64,
            days in 0..800_i64,
        ) {
            let (from, to) = (day(from), day(from + days));
            let book = RenewalBook::of(&contracts);
            prop_assert_eq!(book.len(), contracts.len());
            let rates = book.rates(from, to);
            prop_assert_eq!(&rates, &by_definition(&contracts, from, to));
            let lines_left_out =
                RenewalRates { atr_lines: Vec::new(), payments: Vec::new(), ..rates };
            prop_assert_eq!(book.totals(from, to), lines_left_out);
        }
    }

    #[test]
    fn a_renewal_is_resolved_once_for_every_period() {
        let contract = |id: &str, start: i64, end: i64, arr: i64| Contract {
            id: id.into(),
            account_id: "Acme".into(),
            product: "Core".into(),
            start_date: day(start),
            end_date: day(end),
            arr: Money::from_units(arr),
            units: None,
            billing: Billing::Annual,
            terminated_on: None,
        };
        // C1 ends on day 364; C2 starts 20 days later (a renewal at 120),
        // C3 starts 40 days after C2 ends (too late: not a renewal).
        let book = RenewalBook::of(&[
            contract("C1", 0, 364, 100),
            contract("C2", 384, 748, 120),
            contract("C3", 789, 1_153, 90),
        ]);
        let first = book.rates(day(300), day(400));
        assert_eq!((first.atr, first.renewed), (Money::from_units(100), Money::from_units(100)));
        assert_eq!(first.atr_lines[0].renewal_id.as_deref(), Some("C2"));
        let second = book.rates(day(700), day(800));
        assert_eq!((second.atr, second.renewed), (Money::from_units(120), Money::ZERO));
        assert!(book.rates(day(1_200), day(1_300)).atr_lines.is_empty());
    }
}
