//! The churn report's text: the summary, the table of causes, and the
//! chains behind the selected cause, as lines the pane draws.

use super::*;

impl ChurnPane {
    pub(super) fn report_lines(&self, view: &View<'_>, width: usize) -> Vec<Line<'static>> {
        let theme = view.theme;
        let Some(report) = &self.report else { return Vec::new() };
        let csm = self.csm.and_then(|i| self.csms.get(i)).map_or("any", String::as_str);
        let product = self.product.and_then(|i| self.products.get(i)).map_or("any", String::as_str);
        let mut lines = vec![Line::from(vec![
            Span::styled(" Period ", theme.dim()),
            Span::raw(self.period.label()),
            Span::styled(" · CSM ", theme.dim()),
            Span::raw(csm.to_string()),
            Span::styled(" · Product ", theme.dim()),
            Span::raw(product.to_string()),
            Span::styled(" · by ", theme.dim()),
            Span::raw(if self.any_link { "any link" } else { "root cause" }),
        ])];
        let share = report.controllable_share.map_or("—".to_string(), |r| r.to_percent(1));
        lines.push(Line::from(vec![
            Span::styled(" ARR lost ", theme.dim()),
            Span::styled(report.arr_lost.to_string(), theme.title()),
            Span::styled(
                format!(
                    " · {} · {} · controllable ",
                    crate::domain::count::of(report.accounts, "account", "accounts"),
                    crate::domain::count::of(report.chains, "chain", "chains")
                ),
                theme.dim(),
            ),
            Span::styled(share, theme.title()),
            Span::styled(" of lost ARR", theme.dim()),
        ]));
        lines.push(Line::from(Span::styled(
            fit(
                &format!(
                    " controllable {} · uncontrollable {} · free text {}",
                    report.controllable_arr, report.uncontrollable_arr, report.unclassified_arr
                ),
                width,
            ),
            theme.dim(),
        )));
        lines
    }

    pub(super) fn table_lines(&self, view: &View<'_>, width: usize) -> Vec<Line<'static>> {
        let theme = view.theme;
        let Some(report) = &self.report else { return Vec::new() };
        let rows = self.table(report);
        let heading = if self.any_link { "Cause (any link)" } else { "Root cause" };
        // The cause is measured on the rows on screen and gives way first.
        let window = self.rows.window(rows.len());
        let label =
            window.clone().filter_map(|i| rows.get(i)).map(|row| fit(&row.label, usize::MAX));
        let label = label.map(|text| text.width()).chain([heading.width()]).max().unwrap_or(0);
        let wants = [12, 15, 13, 5, 6].map(Want::fixed);
        let wants = [Want::text(12, label), wants[1], wants[2], wants[3], wants[4]];
        let label_width = columns::layout(&wants, width.saturating_sub(1), 1)[0];
        let mut lines = vec![Line::from(Span::styled(
            format!(
                " {} {:<15} {:>13} {:>5} {:>6}",
                crate::tui::widgets::pad(heading, label_width, false),
                "Kind",
                "ARR lost",
                "Accts",
                "Chains"
            ),
            theme.header(),
        ))];
        if rows.is_empty() {
            let text = if self.chains.is_empty() {
                " No churn chain recorded yet: select an account and press c to record one"
            } else {
                " No chain matches these filters: x clears them"
            };
            lines.push(Line::from(Span::styled(text, theme.dim())));
        }
        for index in window {
            let Some(row) = rows.get(index) else { continue };
            let kind = match (row.free_text, row.kind) {
                (true, _) => "⚑ free text",
                (_, Some(ReasonKind::Controllable)) => "controllable",
                (_, Some(ReasonKind::Uncontrollable)) => "uncontrollable",
                (_, Some(ReasonKind::Terminal)) => "terminal",
                (_, None) => "",
            };
            let selected = index == self.rows.selected;
            let style = if selected && self.drill.is_none() {
                theme.selected()
            } else if selected {
                theme.title()
            } else {
                Style::new()
            };
            lines.push(Line::from(Span::styled(
                format!(
                    " {} {:<15} {:>13} {:>5} {:>6}",
                    crate::tui::widgets::pad(&row.label, label_width, false),
                    kind,
                    row.arr_lost.to_string(),
                    row.accounts,
                    row.chains.len()
                ),
                style,
            )));
        }
        lines
    }

    pub(super) fn chain_lines(
        &self,
        view: &View<'_>,
        width: usize,
        height: usize,
    ) -> Vec<Line<'static>> {
        let theme = view.theme;
        let Some(row) = self.selected_row() else { return Vec::new() };
        let (open, back) =
            (view.keymap.label(SCOPE, Action::Open), view.keymap.label(SCOPE, Action::Back));
        let hint = if self.drill.is_some() {
            format!("{open} edits · {back} back")
        } else {
            format!("{open} to pick one")
        };
        let mut lines = vec![Line::from(vec![
            Span::styled(format!(" Chains behind “{}” ", fit(&row.label, 40)), theme.header()),
            Span::styled(hint, theme.dim()),
        ])];
        let chains = self.behind_selected();
        let selected = self.drill.map(|d| d.selected);
        let mut blocks: Vec<Vec<Line<'static>>> = Vec::new();
        for (index, book_chain) in chains.iter().enumerate() {
            let chain = &book_chain.chain;
            let on = selected == Some(index);
            let style = if on { theme.selected() } else { Style::new() };
            let mut block = vec![Line::from(vec![
                Span::styled(if on { " › " } else { "   " }, theme.key()),
                Span::styled(format!("{} ", chain.event_date), theme.dim()),
                Span::styled(fit(&book_chain.account_name, 28), style),
                Span::styled(
                    format!("  {} lost · CSM {}", chain.arr_lost, book_chain.csm),
                    theme.dim(),
                ),
            ])];
            for part in wrap_words(&chain.sentence(), width.saturating_sub(6).max(10)) {
                block.push(Line::from(format!("     {part}")));
            }
            blocks.push(block);
        }
        // Keep the selected chain in view.
        let first = selected.unwrap_or(0);
        let mut start = 0;
        let fits = |from: usize, to: usize| -> usize {
            blocks[from..=to].iter().map(Vec::len).sum::<usize>()
        };
        while start < first && fits(start, first) + 1 > height {
            start += 1;
        }
        for block in blocks.into_iter().skip(start) {
            lines.extend(block);
        }
        lines
    }
}
