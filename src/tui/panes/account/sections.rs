//! The account view's sections drawn as lines: overview, contracts, ARR
//! and I/R/U, and the header (the timeline is `timeline.rs`). Reads the pane's state only.

use super::*;

impl AccountPane {
    pub(super) fn body(&self, view: &View<'_>, width: usize) -> Vec<Line<'static>> {
        match self.section {
            0 => self.overview(view, width),
            1 => self.timeline(view, width),
            2 => self.contracts(view),
            3 => self.arr(view, width),
            TASKS => self.tasks.lines(view, width),
            SIGNALS => self.signals(view, width),
            PEOPLE => self.people.lines(view, width),
            DEALS => self.deals.lines(view, width),
            // The Growth section draws itself.
            _ => Vec::new(),
        }
    }

    pub(super) fn overview(&self, view: &View<'_>, width: usize) -> Vec<Line<'static>> {
        let theme = view.theme;
        let mut lines = self.stuck_line(view);
        lines.push(Line::from(Span::styled("Why this colour", theme.header())));
        match &self.loaded.suggestion {
            Some(s) => {
                let verb = if s.is_review(self.loaded.row.as_ref().and_then(|r| r.health)) {
                    "review, keep"
                } else {
                    "suggested"
                };
                lines.push(Line::from(vec![
                    Span::raw(format!("  {verb} ")),
                    theme.health_word(Some(s.health)),
                    Span::styled("   A accept (reason prefilled) · D dismiss", theme.dim()),
                ]));
                for signal in &s.signals {
                    lines.push(Line::from(vec![
                        Span::raw("    "),
                        theme.health(Some(signal.suggests)),
                        Span::raw(format!(" {}", crate::text::inert::line(&signal.why))),
                    ]));
                }
            }
            None => {
                lines.push(Line::from(Span::styled("  no signal suggests a change", theme.dim())))
            }
        }
        if !self.loaded.churn.is_empty() {
            lines.push(Line::from(""));
            lines.push(Line::from(Span::styled("Churn chains", theme.header())));
            for chain in &self.loaded.churn {
                let draft = match chain.status {
                    crate::domain::churn::ChainStatus::Draft => " (draft)",
                    crate::domain::churn::ChainStatus::Saved => "",
                };
                lines.push(Line::from(Span::styled(
                    format!("  {} · {} lost{draft}", chain.event_date, chain.arr_lost),
                    theme.dim(),
                )));
                let sentence = chain.sentence();
                for part in
                    crate::tui::widgets::wrap::wrap_words(&sentence, width.saturating_sub(4))
                {
                    lines.push(Line::from(format!("    {part}")));
                }
            }
        }
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled("Health history", theme.header())));
        if self.loaded.health.is_empty() {
            lines.push(Line::from(Span::styled(
                "  never set — H sets it with a reason",
                theme.dim(),
            )));
        }
        // The authors whole when the reasons keep 60 cells; cut to 10 before.
        let longest =
            self.loaded.health.iter().map(|c| crate::text::inert::width(&c.who)).max().unwrap_or(0);
        let who_width = longest.min(24).min(width.saturating_sub(22 + 60)).max(10);
        for change in &self.loaded.health {
            lines.push(Line::from(vec![
                Span::styled(format!("  {} ", change.at.format("%Y-%m-%d %H:%M")), theme.dim()),
                theme.health(Some(change.health)),
                Span::raw(format!(
                    " {} {}",
                    crate::tui::widgets::pad(&change.who, who_width, false),
                    crate::text::inert::line(&change.reason)
                )),
            ]));
        }
        lines
    }

    pub(super) fn contracts(&self, view: &View<'_>) -> Vec<Line<'static>> {
        let theme = view.theme;
        let contracts = &self.loaded.contracts;
        if contracts.is_empty() {
            return vec![Line::from(Span::styled("No contracts.", theme.dim()))];
        }
        let mut lines = vec![Line::from(Span::styled(
            format!(
                "{:<12} {:<10} {:<10} {:>9} {:>6} {:<8} {}",
                "Product", "Start", "End", "ARR", "Units", "Billing", "At the end"
            ),
            theme.header(),
        ))];
        for contract in contracts.iter().rev() {
            let outcome = match contract.renewal_among(contracts) {
                Some(next) => Span::styled(format!("renewed by {}", next.id), theme.ok()),
                None if contract.terminated_on.is_some() => Span::styled(
                    format!(
                        "terminated {}",
                        contract.terminated_on.map(|d| d.to_string()).unwrap_or_default()
                    ),
                    theme.error(),
                ),
                None if contract.end_date >= view.today => Span::styled(
                    format!("due in {}d", (contract.end_date - view.today).num_days()),
                    theme.warn(),
                ),
                None => Span::styled("not renewed", theme.error()),
            };
            lines.push(Line::from(vec![
                Span::raw(format!(
                    "{:<12} {} {} {:>9} {:>6} {:<8} ",
                    fit(&contract.product, 12),
                    contract.start_date,
                    contract.end_date,
                    contract.arr.to_short(),
                    contract.units.map(|u| u.to_string()).unwrap_or_else(|| "—".into()),
                    contract.billing.as_str(),
                )),
                outcome,
            ]));
            for due in contract.billed_out_year_dates() {
                let state = if due > view.today {
                    "due"
                } else if contract.payment_collected(due) {
                    "collected"
                } else {
                    "not collected"
                };
                lines.push(Line::from(Span::styled(
                    format!(
                        "  └ out-year payment {due} {} ({state}) — a payment, not a renewal",
                        contract.arr.to_short()
                    ),
                    theme.dim(),
                )));
            }
        }
        lines
    }

    pub(super) fn arr(&self, view: &View<'_>, width: usize) -> Vec<Line<'static>> {
        let theme = view.theme;
        let mut lines = vec![Line::from(Span::styled(
            "ARR by product (last 24 snapshot months)",
            theme.header(),
        ))];
        let mut by_product: BTreeMap<&str, BTreeMap<Month, Money>> = BTreeMap::new();
        for snapshot in &self.loaded.snapshots {
            *by_product.entry(&snapshot.product).or_default().entry(snapshot.month).or_default() +=
                snapshot.arr;
        }
        let last = self.loaded.snapshots.iter().map(|s| s.month).max();
        if by_product.is_empty() {
            lines.push(Line::from(Span::styled("  no snapshots", theme.dim())));
        }
        if let Some(last) = last {
            let first = last.minus(23);
            for (product, months) in &by_product {
                let values: Vec<Money> = first
                    .through(last)
                    .map(|m| months.get(&m).copied().unwrap_or_default())
                    .collect();
                let max = values.iter().copied().max().unwrap_or_default();
                let spark: String = values
                    .iter()
                    .map(|v| {
                        const TICKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
                        if v.cents() <= 0 || max.cents() <= 0 {
                            ' '
                        } else {
                            TICKS[usize::try_from(v.cents() * 7 / max.cents()).unwrap_or(0).min(7)]
                        }
                    })
                    .collect();
                let now = values.last().copied().unwrap_or_default();
                lines.push(Line::from(vec![
                    Span::raw(format!("  {} ", crate::tui::widgets::pad(product, 12, false))),
                    Span::styled(spark, theme.series(1)),
                    Span::raw(format!(" {:>8} ({last})", now.to_short())),
                ]));
            }
        }
        lines.push(Line::from(""));
        lines.push(Line::from(vec![
            Span::styled("Bookings per year  ", theme.header()),
            Span::styled("█ initial/incremental ", theme.series(0)),
            Span::styled("▓ renewal ", theme.series(1)),
            Span::styled("░ upsell", theme.series(2)),
        ]));
        // Contracts and won deals (a won deal is an upsell on the day it was won).
        let years: Vec<(i32, Money, Money, Money)> = self
            .loaded
            .iru
            .iter()
            .map(|y| (y.year, y.initial_and_incremental(), y.renewal, y.upsell))
            .collect();
        let max = years.iter().map(|(_, i, r, u)| *i + *r + *u).max().unwrap_or_default();
        let bar_width = width.saturating_sub(34).max(10);
        for (year, i, r, u) in years {
            let mut spans = vec![Span::raw(format!("  {year} "))];
            spans.extend(stacked(
                &[
                    Segment { value: i, style: theme.series(0), fill: '█' },
                    Segment { value: r, style: theme.series(1), fill: '▓' },
                    Segment { value: u, style: theme.series(2), fill: '░' },
                ],
                max,
                bar_width,
            ));
            spans.push(Span::styled(
                format!(" I {} R {} U {}", i.to_short(), r.to_short(), u.to_short()),
                theme.dim(),
            ));
            lines.push(Line::from(spans));
        }
        lines
    }

    /// Why the 4A board flags the account as stuck (`metrics::board::is_stuck`),
    /// when it does: the days in its stage and what holds it there.
    fn stuck_line(&self, view: &View<'_>) -> Vec<Line<'static>> {
        let Some(row) = &self.loaded.row else { return Vec::new() };
        let since =
            row.stage_since.or_else(|| self.loaded.stages.iter().map(|s| s.at.date_naive()).max());
        let days = since.map(|since| (view.today - since).num_days().max(0));
        let rate = self.growth.as_ref().and_then(|growth| growth.totals.rate());
        let standard = crate::metrics::absorption::is_standard(rate);
        let stuck = crate::metrics::board::is_stuck(
            row.stage,
            row.arr,
            row.health,
            standard,
            days,
            self.loaded.stuck_stage_days,
        );
        let (true, Some(days)) = (stuck, days) else { return Vec::new() };
        let stage = row.stage.as_str();
        let why = match (row.stage, rate, row.health) {
            (crate::domain::Stage::Addiction, _, _) => "a trial is meant to end".to_string(),
            (_, rate, health) => format!(
                "absorption {} ≤ 50%, health {}",
                rate.map_or("—".to_string(), |rate| rate.to_percent(0)),
                health.map_or("unset", |health| health.as_str())
            ),
        };
        vec![
            Line::from(Span::styled(
                format!(
                    "⚑ stuck: {} in {stage} (> {}), {why}",
                    crate::domain::count::days(days),
                    self.loaded.stuck_stage_days
                ),
                view.theme.warn(),
            )),
            Line::from(""),
        ]
    }

    pub(super) fn header(&self, view: &View<'_>) -> Vec<Line<'static>> {
        let theme = view.theme;
        let Some(row) = &self.loaded.row else { return Vec::new() };
        let since = match (row.health, row.health_since) {
            (Some(_), Some(date)) => {
                format!(
                    " since {date} ({})",
                    crate::domain::count::days((view.today - date).num_days())
                )
            }
            _ => String::new(),
        };
        let why =
            self.loaded.health.first().map(|c| format!(" — {}", c.reason)).unwrap_or_default();
        let renewal = match row.next_renewal {
            Some(date) => {
                format!("{date} ({})", crate::domain::day_text::distance(date, view.today))
            }
            None => "none".to_string(),
        };
        // The figures the Growth section shows: product potentials take
        // precedence over the account's default (`metrics::absorption`).
        let totals = self.growth.as_ref().map(|growth| growth.totals);
        let absorption =
            match totals.and_then(|t| Some((t.rate()?, t.current_units?, t.potential_units?))) {
                Some((rate, current, potential)) => format!(
                    "{} ({current} of {})",
                    rate.to_percent(0),
                    crate::domain::count::of(potential, "unit", "units")
                ),
                None => "—".to_string(),
            };
        let flags = if row.flags.any() { row.flags.names().join(", ") } else { "none".to_string() };
        vec![
            Line::from(vec![
                // Control characters as their pictures, as everywhere.
                Span::styled(format!("{} ", crate::text::inert::line(&row.name)), theme.title()),
                Span::styled(format!("({}) ", crate::text::inert::line(&row.id)), theme.dim()),
                Span::raw(format!(
                    "ARR {} · tier {} · {} (4A stage {})",
                    row.arr,
                    self.loaded.tier,
                    row.stage.title(),
                    row.stage.number()
                )),
            ]),
            Line::from(vec![
                Span::raw("Health "),
                theme.health_word(row.health),
                Span::raw(format!("{since}{why}")),
            ]),
            Line::from(format!(
                "Renews {renewal} · CSM {} · AM {} · flags {flags} · absorption {absorption}",
                if row.csm.is_empty() { "—".into() } else { crate::text::inert::line(&row.csm) },
                if row.am.is_empty() { "—".into() } else { crate::text::inert::line(&row.am) },
            )),
        ]
    }
}
