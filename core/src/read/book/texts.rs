//! The Book's lookups, kept compact on a 100,000-account book: each row's
//! lower-case search text, one after another in a single text, and the rows
//! in account id order for finding an account by its id.

use crate::store::accounts::BookRow;

/// Each row's search text (name, id, CSM and AM, lower case, tab-separated)
/// by row index. A row's text replaced after a write goes at the end.
#[derive(Debug, Default)]
pub(super) struct SearchTexts {
    text: String,
    spans: Vec<(u32, u32)>,
}

impl SearchTexts {
    pub(super) fn of(rows: &[BookRow]) -> SearchTexts {
        let mut texts = SearchTexts { text: String::new(), spans: Vec::with_capacity(rows.len()) };
        for row in rows {
            let span = texts.append(row);
            texts.spans.push(span);
        }
        texts
    }

    pub(super) fn get(&self, index: u32) -> &str {
        let (start, end) = self.spans.get(index as usize).copied().unwrap_or_default();
        self.text.get(start as usize..end as usize).unwrap_or_default()
    }

    /// The row's text after a write changed it.
    pub(super) fn replace(&mut self, index: u32, row: &BookRow) {
        let span = self.append(row);
        if let Some(kept) = self.spans.get_mut(index as usize) {
            *kept = span;
        }
    }

    fn append(&mut self, row: &BookRow) -> (u32, u32) {
        let start = self.text.len();
        let parts = [row.name.as_str(), row.id.as_str(), row.csm.as_str(), row.am.as_str()];
        for (i, part) in parts.into_iter().enumerate() {
            if i > 0 {
                self.text.push('\t');
            }
            if part.is_ascii() {
                self.text.extend(part.chars().map(|c| c.to_ascii_lowercase()));
            } else {
                self.text.push_str(&part.to_lowercase());
            }
        }
        let at = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        (at(start), at(self.text.len()))
    }
}

/// Row indexes in account id order, searched by halving.
#[derive(Debug, Default)]
pub(super) struct IdOrder(Vec<u32>);

impl IdOrder {
    pub(super) fn of(rows: &[BookRow]) -> IdOrder {
        let mut order: Vec<u32> = (0..rows.len()).filter_map(|i| u32::try_from(i).ok()).collect();
        order.sort_unstable_by(|a, b| rows[*a as usize].id.cmp(&rows[*b as usize].id));
        IdOrder(order)
    }

    pub(super) fn find(&self, rows: &[BookRow], id: &str) -> Option<u32> {
        let at = self.0.binary_search_by(|i| rows[*i as usize].id.as_str().cmp(id)).ok()?;
        self.0.get(at).copied()
    }
}
