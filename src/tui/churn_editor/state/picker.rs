//! The link picker's ranking: fuzzy search over the live taxonomy, an exact
//! label first, and the typed words offered as free text last. Pure; the
//! editor owns the picker state.

use crate::domain::churn::taxonomy::Reason;
use nucleo_matcher::Matcher;
use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};

/// One row the picker offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Candidate {
    /// An index into the editor's picker list of live reasons.
    Reason(usize),
    /// The query itself, kept as free text.
    FreeText,
}

/// Ranks `reasons` for `query`. An empty query lists every reason in order;
/// otherwise the reasons that fuzzy-match, best first (an exact label
/// first of all), then the free-text row unless the query is exactly a label.
pub fn rank(reasons: &[Reason], query: &str, matcher: &mut Matcher) -> Vec<Candidate> {
    let trimmed = query.trim();
    if trimmed.is_empty() {
        return (0..reasons.len()).map(Candidate::Reason).collect();
    }
    // `Pattern::new` gives no special meaning to ^ $ ! ' so any typed text is safe.
    let pattern =
        Pattern::new(trimmed, CaseMatching::Ignore, Normalization::Smart, AtomKind::Fuzzy);
    let labels = reasons.iter().enumerate().map(|(index, reason)| Labelled(index, &reason.label));
    let mut ranked: Vec<usize> =
        pattern.match_list(labels, matcher).into_iter().map(|(item, _)| item.0).collect();
    let exact = reasons.iter().position(|reason| reason.label.trim().eq_ignore_ascii_case(trimmed));
    if let Some(exact) = exact {
        ranked.retain(|index| *index != exact);
        ranked.insert(0, exact);
    }
    let mut candidates: Vec<Candidate> = ranked.into_iter().map(Candidate::Reason).collect();
    if exact.is_none() {
        candidates.push(Candidate::FreeText);
    }
    candidates
}

struct Labelled<'a>(usize, &'a str);

impl AsRef<str> for Labelled<'_> {
    fn as_ref(&self) -> &str {
        self.1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::churn::ReasonKind;
    use nucleo_matcher::Config;

    fn reasons(labels: &[&str]) -> Vec<Reason> {
        labels
            .iter()
            .enumerate()
            .map(|(i, label)| Reason {
                id: i as i64 + 1,
                label: label.to_string(),
                kind: ReasonKind::Controllable,
                description: String::new(),
                retired: false,
            })
            .collect()
    }

    #[test]
    fn a_few_letters_find_the_reason_and_free_text_comes_last() {
        let list =
            reasons(&["Partner problem", "Partner training", "Sales training", "New sponsor"]);
        let mut matcher = Matcher::new(Config::DEFAULT);
        let ranked = rank(&list, "partn tr", &mut matcher);
        assert_eq!(ranked.first(), Some(&Candidate::Reason(1)));
        assert_eq!(ranked.last(), Some(&Candidate::FreeText));
        assert!(!ranked.contains(&Candidate::Reason(3)));
        let ranked = rank(&list, "spon", &mut matcher);
        assert_eq!(ranked, vec![Candidate::Reason(3), Candidate::FreeText]);
    }

    #[test]
    fn an_exact_label_comes_first_and_needs_no_free_text_row() {
        let list = reasons(&["Sales training", "Partner training"]);
        let mut matcher = Matcher::new(Config::DEFAULT);
        let ranked = rank(&list, "partner TRAINING", &mut matcher);
        assert_eq!(ranked, vec![Candidate::Reason(1)]);
    }

    #[test]
    fn nothing_matching_leaves_only_free_text_and_empty_lists_all() {
        let list = reasons(&["Budget cut"]);
        let mut matcher = Matcher::new(Config::DEFAULT);
        assert_eq!(rank(&list, "zzz 🚀", &mut matcher), vec![Candidate::FreeText]);
        assert_eq!(rank(&list, "  ", &mut matcher), vec![Candidate::Reason(0)]);
    }
}
