//! The tab bar: one numbered tab per pane and the help keys on the right,
//! fitted to the terminal's width so every pane's number stays visible.

/// One pane's names in the tab bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TabTitle {
    pub title: &'static str,
    /// Used when the full titles do not fit.
    pub short: &'static str,
}

/// What the tab bar shows at a given width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TabBar {
    /// Each tab's text, in pane order.
    pub labels: Vec<String>,
    /// Whether `^K jump` is shown beside `? help`.
    pub show_jump: bool,
}

/// The width of ` ? help ` and of ` ? help  ^K jump `.
const HELP_WIDTH: usize = 8;
const HELP_AND_JUMP_WIDTH: usize = 17;

/// Fits the tabs into `width` columns, trying in turn: full titles; short
/// titles; short titles without `^K jump`; then the active pane's short
/// title and only the numbers of the others.
pub fn fit(titles: &[TabTitle], active: usize, width: usize) -> TabBar {
    let label = |index: usize, name: &str| format!(" {} {} ", index + 1, name);
    let total = |labels: &[String]| labels.iter().map(|l| l.chars().count()).sum::<usize>();
    let full: Vec<String> = titles.iter().enumerate().map(|(i, t)| label(i, t.title)).collect();
    if total(&full) + HELP_AND_JUMP_WIDTH <= width {
        return TabBar { labels: full, show_jump: true };
    }
    let short: Vec<String> = titles.iter().enumerate().map(|(i, t)| label(i, t.short)).collect();
    if total(&short) + HELP_AND_JUMP_WIDTH <= width {
        return TabBar { labels: short, show_jump: true };
    }
    if total(&short) + HELP_WIDTH <= width {
        return TabBar { labels: short, show_jump: false };
    }
    // One space between tabs instead of two keeps every name on 80 columns.
    let compact: Vec<String> = titles
        .iter()
        .enumerate()
        .map(|(i, t)| match i {
            0 => format!(" {} {} ", i + 1, t.short),
            _ => format!("{} {} ", i + 1, t.short),
        })
        .collect();
    if total(&compact) + HELP_WIDTH <= width {
        return TabBar { labels: compact, show_jump: false };
    }
    let numbers = titles
        .iter()
        .enumerate()
        .map(|(i, t)| if i == active { label(i, t.short) } else { format!(" {} ", i + 1) })
        .collect();
    TabBar { labels: numbers, show_jump: false }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PANES: [TabTitle; 4] = [
        TabTitle { title: "Today", short: "Today" },
        TabTitle { title: "Account", short: "Acct" },
        TabTitle { title: "4A board", short: "4A" },
        TabTitle { title: "Calendar", short: "Cal" },
    ];

    fn joined(bar: &TabBar) -> String {
        bar.labels.concat()
    }

    #[test]
    fn one_space_between_tabs_before_names_are_dropped() {
        let bar = fit(&PANES, 1, 36);
        assert_eq!(joined(&bar), " 1 Today 2 Acct 3 4A 4 Cal ");
        assert!(!bar.show_jump);
    }

    #[test]
    fn full_titles_when_they_fit() {
        let bar = fit(&PANES, 0, 80);
        assert_eq!(joined(&bar), " 1 Today  2 Account  3 4A board  4 Calendar ");
        assert!(bar.show_jump);
    }

    #[test]
    fn short_titles_then_no_jump_then_numbers() {
        // Full: 9 + 11 + 12 + 12 = 44; short: 9 + 8 + 6 + 7 = 30.
        let bar = fit(&PANES, 1, 60);
        assert_eq!(joined(&bar), " 1 Today  2 Acct  3 4A  4 Cal ");
        assert!(bar.show_jump);
        let bar = fit(&PANES, 1, 40);
        assert_eq!(joined(&bar), " 1 Today  2 Acct  3 4A  4 Cal ");
        assert!(!bar.show_jump);
        let bar = fit(&PANES, 1, 30);
        assert_eq!(joined(&bar), " 1  2 Acct  3  4 ");
        assert!(!bar.show_jump);
    }

    #[test]
    fn every_pane_number_is_shown_at_every_width() {
        for width in 0..120 {
            for active in 0..PANES.len() {
                let text = joined(&fit(&PANES, active, width));
                for n in 1..=PANES.len() {
                    assert!(text.contains(&format!(" {n} ")), "{width} {active}: {text}");
                }
            }
        }
    }
}
