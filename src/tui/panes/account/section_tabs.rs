//! The account view's section line laid out in a width: padded when the
//! titles fit so, tight when not, and scrolled to keep the current section
//! in view (with `‹` `›` where tabs are hidden) when narrower still. The
//! drawing and the mouse read the same layout.

/// One tab of the section line: its section (`None` for the `‹` `›` that
/// say more tabs are hidden), where it starts and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Tab {
    pub(super) index: Option<usize>,
    pub(super) x: usize,
    pub(super) text: String,
}

/// The section tabs laid out in `width` cells: padded (` Title `, a space
/// between) when they all fit so, else tight (`Title`, one space between),
/// else tight from the first tab that keeps the current one in view, with
/// `‹` and `›` where tabs are hidden.
pub(super) fn section_tabs(titles: &[&str], current: usize, width: usize) -> Vec<Tab> {
    let count = |t: &str| t.chars().count();
    let padded: usize = titles.iter().map(|t| count(t) + 3).sum::<usize>();
    let lay = |texts: Vec<(usize, String)>, gap: usize, start: usize| {
        let mut x = start;
        texts
            .into_iter()
            .map(|(index, text)| {
                let tab = Tab { index: Some(index), x, text };
                x += count(&tab.text) + gap;
                tab
            })
            .collect::<Vec<Tab>>()
    };
    if padded.saturating_sub(1) <= width {
        return lay(titles.iter().map(|t| format!(" {t} ")).enumerate().collect(), 1, 0);
    }
    let tight: usize = titles.iter().map(|t| count(t) + 1).sum::<usize>();
    if tight.saturating_sub(1) <= width {
        return lay(titles.iter().map(|t| t.to_string()).enumerate().collect(), 1, 0);
    }
    // Room for `‹ ` and ` ›`: start as late as needed to show the current one.
    let room = width.saturating_sub(4);
    let current = current.min(titles.len().saturating_sub(1));
    let mut first = 0;
    while first < current
        && titles[first..=current].iter().map(|t| count(t) + 1).sum::<usize>() > room + 1
    {
        first += 1;
    }
    let mut shown = Vec::new();
    let mut used = 0;
    for (index, title) in titles.iter().enumerate().skip(first) {
        let need = count(title) + usize::from(!shown.is_empty());
        if used + need > room && index > current {
            break;
        }
        used += need;
        shown.push((index, title.to_string()));
    }
    let last = shown.last().map_or(0, |(index, _)| *index);
    let mut tabs = Vec::new();
    if first > 0 {
        tabs.push(Tab { index: None, x: 0, text: "‹".into() });
    }
    let start = if first > 0 { 2 } else { 0 };
    let tail = lay(shown, 1, start);
    let end = tail.last().map_or(start, |t| t.x + count(&t.text));
    tabs.extend(tail);
    if last + 1 < titles.len() {
        tabs.push(Tab { index: None, x: end + 1, text: "›".into() });
    }
    tabs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_tabs_fit_padded_then_tight_then_scroll_to_the_current_one() {
        let titles = ["Overview", "Timeline", "Contracts", "ARR & I/R/U", "Growth", "Tasks"];
        let text = |tabs: &[Tab]| {
            let mut line = String::new();
            for tab in tabs {
                line.push_str(&" ".repeat(tab.x - line.chars().count()));
                line.push_str(&tab.text);
            }
            line
        };
        assert_eq!(
            text(&section_tabs(&titles, 0, 80)),
            " Overview   Timeline   Contracts   ARR & I/R/U   Growth   Tasks "
        );
        assert_eq!(
            text(&section_tabs(&titles, 0, 55)),
            "Overview Timeline Contracts ARR & I/R/U Growth Tasks"
        );
        let nine = [
            "Overview",
            "Timeline",
            "Contracts",
            "ARR & I/R/U",
            "Growth",
            "Tasks",
            "Signals",
            "Deals",
            "People",
        ];
        // Nine sections on an 80-column screen (78 inside the border): tight.
        let tight = text(&section_tabs(&nine, 8, 78));
        assert_eq!(
            tight,
            "Overview Timeline Contracts ARR & I/R/U Growth Tasks Signals Deals People"
        );
        // Narrower still: the current one stays in view, arrows say more.
        assert_eq!(text(&section_tabs(&nine, 0, 30)), "Overview Timeline ›");
        assert_eq!(text(&section_tabs(&nine, 8, 30)), "‹ Tasks Signals Deals People");
        assert_eq!(text(&section_tabs(&nine, 3, 30)), "‹ Contracts ARR & I/R/U ›");
    }
}
