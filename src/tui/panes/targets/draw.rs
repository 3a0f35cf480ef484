//! Drawing the targets list: the ranked rows (each with its best cross-sell
//! candidate beside its upsell whitespace), the selected row's score parts,
//! opportunities and cross-sell candidates, and the footer. Reads the
//! pane's state only.

use super::*;
use crate::tui::widgets::cut::cut_lines;

impl TargetsPane {
    pub(super) fn draw_list(&self, frame: &mut Frame<'_>, area: Rect, view: &View<'_>) {
        let theme = view.theme;
        let title = Line::from(vec![
            Span::styled(" Upsell targets ", theme.title()),
            Span::styled("· ranked by priority (? shows the rule) ", theme.dim()),
        ]);
        let block = Block::bordered().title(title).border_style(theme.border(view.active));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        if inner.height < 7 {
            return;
        }
        let Some(list) = &self.list else { return };
        let wide = inner.width >= WIDE;
        let today = view.today;
        let body = Rect { height: inner.height - 6, ..inner };
        let detail_area = Rect { y: inner.y + inner.height - 6, height: 5, ..inner };
        let footer_area = Rect { y: inner.y + inner.height - 1, height: 1, ..inner };
        // Only the rows on screen are measured, so drawing stays cheap.
        let rows: Vec<ListRow<'_>> = self
            .cursor
            .window(self.visible.len())
            .filter_map(|position| {
                let pick = self.row(position, view.book)?;
                let opportunity = if wide {
                    self.open_opportunity(pick.id).map_or(String::new(), |o| {
                        format!(
                            "{} {} {}",
                            o.fields.stage.as_str(),
                            o.fields.arr.to_short(),
                            o.fields.product
                        )
                    })
                } else {
                    String::new()
                };
                Some((position, pick, opportunity, self.best_cross_sell(pick.id)))
            })
            .collect();
        let widths = list_widths(&rows, usize::from(inner.width), wide);
        let [name_w, am_w, stage_w, tier_w, money_w, white_w, opp_w, cross_w] = widths;
        // rank H name AM stage tier ARR abs whitespace cross-sell renew priority(!) [opportunity]
        let mut header = format!(
            "{:>4} H {} {} {:<stage_w$} {:>tier_w$} {:>money_w$} {:>4} {:>white_w$} {} {:>5} {:>money_w$} ",
            "#",
            crate::tui::widgets::pad("Account", name_w, false),
            crate::tui::widgets::pad("AM", am_w, false),
            if wide { "Stage" } else { "4A" },
            if wide { "Tier" } else { "T" },
            "ARR",
            "Abs",
            if wide { "Whitespace" } else { "White" },
            crate::tui::widgets::pad("X-sell", cross_w, true),
            "Renew",
            if wide { "Priority" } else { "Prio" },
        );
        if wide {
            header.push_str(&format!(" {}", fit("Opportunity", opp_w)));
        }
        let mut lines = vec![Line::from(Span::styled(header, theme.header()))];
        if list.is_empty() {
            lines.push(Line::from(""));
            lines.push(Line::from(Span::styled("  No account has whitespace yet.", theme.title())));
            lines.push(Line::from(
                "  Set potential units per account or product (cockpit import potentials).",
            ));
        } else if self.visible.is_empty() && self.is_counting() {
            lines.push(Line::from(""));
            lines.push(Line::from(Span::styled("  Searching…", theme.dim())));
        } else if self.visible.is_empty() {
            lines.push(Line::from(""));
            lines.push(Line::from(Span::styled(
                format!("  No target matches: {}", self.filter_words()),
                theme.warn(),
            )));
            lines.push(Line::from("  x clears the filters."));
        }
        for (position, pick, opportunity, cross_sell) in &rows {
            let (target, account) = (pick.target, pick.account);
            let stage = if wide {
                account.stage.title().to_string()
            } else {
                account.stage.title()[..3].to_string()
            };
            let renewal = account
                .days_to_renewal(today)
                .map_or_else(|| "—".to_string(), |days| format!("{days}d"));
            let guarded =
                account.days_to_renewal(today).is_some_and(|days| days <= RENEWAL_GUARD_DAYS);
            let mut spans = vec![
                Span::styled(format!("{:>4} ", position + 1), theme.dim()),
                theme.health(account.health),
                Span::raw(format!(" {} ", crate::tui::widgets::pad(pick.name, name_w, false))),
                Span::styled(
                    format!(
                        "{} {:<stage_w$} {:>tier_w$} ",
                        crate::tui::widgets::pad(pick.am, am_w, false),
                        stage,
                        account.tier
                    ),
                    theme.dim(),
                ),
                Span::raw(format!(
                    "{:>money_w$} {:>4} {:>white_w$} ",
                    account.arr.to_short(),
                    absorption_percent(account.absorption.rate()),
                    account.absorption.whitespace.to_short(),
                )),
                Span::styled(
                    format!("{} ", crate::tui::widgets::pad(cross_sell, cross_w, true)),
                    theme.dim(),
                ),
                Span::styled(
                    format!("{renewal:>5} "),
                    if guarded { theme.warn() } else { Style::new() },
                ),
                Span::styled(format!("{:>money_w$}", target.priority.to_short()), theme.key()),
            ];
            if account.red_recently {
                spans.push(Span::styled("!", theme.error()));
            } else {
                spans.push(Span::raw(" "));
            }
            if wide {
                spans.push(Span::raw(format!(" {}", fit(opportunity, opp_w))));
            }
            let mut line = Line::from(spans);
            if *position == self.cursor.selected {
                line = theme.select(line);
            }
            lines.push(line);
        }
        frame.render_widget(Paragraph::new(cut_lines(lines, body.width)), body);
        // Why the selected row stands where it does, and its opportunities.
        let mut detail = Vec::new();
        if let Some(pick) = self.selected(view.book) {
            let (target, account) = (pick.target, pick.account);
            detail.push(Line::from(vec![
                Span::styled(format!("{} ", pick.name), theme.title()),
                Span::styled(
                    format!("priority {} = {}", target.priority, explain(*account, today)),
                    theme.dim(),
                ),
            ]));
            let opportunities: Vec<String> = self
                .opportunities
                .get(pick.id)
                .map(|all| {
                    all.iter()
                        .map(|o| {
                            let owner =
                                if o.fields.owner.is_empty() { "—" } else { &o.fields.owner };
                            let close =
                                o.fields.close_date.map_or(String::new(), |d| format!(", {d}"));
                            format!(
                                "{} {} {} ({owner}{close})",
                                o.fields.product,
                                o.fields.arr.to_short(),
                                o.fields.stage.as_str()
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            detail.push(Line::from(vec![
                Span::styled("Opportunities: ", theme.header()),
                Span::raw(if opportunities.is_empty() {
                    let key = view.keymap.first_key("targets", Action::RecordOpportunity);
                    key.map_or("none yet".to_string(), |key| {
                        format!("none yet — {} records one", key.label())
                    })
                } else {
                    opportunities.join(" · ")
                }),
            ]));
            detail.push(self.cross_sell_line(pick.id, view));
        }
        frame.render_widget(
            Paragraph::new(detail)
                .wrap(Wrap { trim: true })
                .block(Block::new().borders(Borders::TOP).border_style(theme.dim())),
            detail_area,
        );
        let whitespace = self.visible_whitespace;
        // Until the filter's walk is counted, the totals are lower bounds.
        let so_far = if self.is_counting() { "≥ " } else { "" };
        let totals = format!(
            "{so_far}{} of {} targets · whitespace {so_far}{} ",
            self.visible.len(),
            list.len(),
            whitespace
        );
        let filter = self.filter_words();
        let left = if filter.is_empty() {
            Line::from(Span::styled(format!("! red in {RED_SPELL_DAYS} days"), theme.dim()))
        } else {
            Line::from(Span::styled(format!("filter: {filter}"), theme.warn()))
        };
        frame.render_widget(Paragraph::new(cut_lines(left, footer_area.width)), footer_area);
        frame.render_widget(
            Paragraph::new(Line::from(Span::styled(totals, theme.dim())))
                .alignment(Alignment::Right),
            footer_area,
        );
    }
}

impl TargetsPane {
    /// The list's cross-sell cell: the best candidate's peer-median value
    /// (its product is in the selected row's cross-sell line), `—` when
    /// none is valued, blank when the account holds every product, `…`
    /// while the picture is read.
    fn best_cross_sell(&self, account_id: &str) -> String {
        let Some(read) = &self.cross_sell else { return "…".to_string() };
        let Some(best) = read.picture.best(account_id) else { return String::new() };
        best.row.peer_median_arr.map_or_else(|| "—".to_string(), |value| value.to_short())
    }

    /// The account's cross-sell candidates: each product it does not hold,
    /// valued from its peers (or refused under the minimum, the count shown).
    fn cross_sell_line(&self, account_id: &str, view: &View<'_>) -> Line<'static> {
        use crate::read::cross_sell::MIN_PEERS;
        let theme = view.theme;
        let head = Span::styled("Cross-sell: ", theme.header());
        if self.cross_sell.is_none() {
            return Line::from(vec![head, Span::styled("reading…", theme.dim())]);
        }
        let candidates = self.candidates(account_id);
        let product = |row: &crate::read::cross_sell::CrossSellRow| {
            self.cross_sell.as_ref().map_or("", |c| c.picture.product(row))
        };
        if candidates.is_empty() {
            return Line::from(vec![head, Span::styled("holds every product", theme.dim())]);
        }
        let mut spans = vec![head];
        for (i, row) in candidates.iter().enumerate() {
            if i > 0 {
                spans.push(Span::styled(" · ", theme.dim()));
            }
            match row.peer_median_arr {
                Some(value) => {
                    spans.push(Span::raw(format!("{} ", fit(product(row), 24))));
                    spans.push(Span::styled(value.to_short(), theme.key()));
                    spans.push(Span::styled(format!(" ({} peers)", row.peers), theme.dim()));
                }
                None => spans.push(Span::styled(
                    format!("{} — {} peers, under {MIN_PEERS}", fit(product(row), 24), row.peers),
                    theme.dim(),
                )),
            }
        }
        Line::from(spans)
    }
}

/// A row on screen: its position, its pick, its opportunity and
/// cross-sell cells.
type ListRow<'a> = (usize, Pick<'a>, String, String);

/// Widths of the list's columns for the rows on screen, in cells: name, AM,
/// stage, tier, money, whitespace and opportunity (zero when narrow). The name and AM
/// are measured; when the row is too narrow the widest text gives way first,
/// and spare room goes to the name.
fn list_widths(rows: &[ListRow<'_>], width: usize, wide: bool) -> [usize; 8] {
    use crate::text::columns::{Want, layout};
    use unicode_width::UnicodeWidthStr;
    let widest = |header: &str, cell: &dyn Fn(&ListRow<'_>) -> usize| {
        rows.iter().map(cell).max().unwrap_or(0).max(header.width())
    };
    let name = widest("Account", &|row| fit(row.1.name, usize::MAX).width());
    let am = widest("AM", &|row| fit(row.1.am, usize::MAX).width());
    let (stage_w, tier_w, money_w, white_w) = if wide { (10, 4, 9, 10) } else { (3, 1, 7, 7) };
    // The cross-sell cell: a short amount.
    let cross_w = 6;
    // rank, H, name, AM, stage, tier, ARR, abs, whitespace, cross-sell,
    // renew, priority with its red mark, and the opportunity when wide.
    let mut wants = vec![
        Want::fixed(4),
        Want::fixed(1),
        Want::text(8, name).flex(),
        Want::text(if wide { 8 } else { 4 }, am),
        Want::fixed(stage_w),
        Want::fixed(tier_w),
        Want::fixed(money_w),
        Want::fixed(4),
        Want::fixed(white_w),
        Want::fixed(cross_w),
        Want::fixed(5),
        Want::fixed(money_w + 1),
    ];
    if wide {
        let opportunity = widest("Opportunity", &|row| fit(&row.2, usize::MAX).width());
        wants.push(Want::text(12, opportunity));
    }
    let widths = layout(&wants, width, 1);
    let at = |i: usize| widths.get(i).copied().unwrap_or(0);
    [at(2), at(3), stage_w, tier_w, money_w, white_w, at(12), cross_w]
}
