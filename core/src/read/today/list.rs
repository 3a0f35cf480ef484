//! `cockpit today`: one CSM's Today read from that CSM's accounts alone —
//! their book rows and facts (as the first screen reads them), the whole
//! book's tier cuts and counts from the store, and the rows of the other
//! CSMs' accounts the user has tasks on. The rows are those of a whole read
//! of the book; a book of 100,000 accounts is never loaded for them.

use super::{TodayFacts, TodayRow, today_rows_from};
use crate::domain::Config;
use crate::read::book::BookIndex;
use crate::read::tasks::due_tasks;
use crate::store::views::CsmRows;
use crate::store::{Store, StoreResult};
use chrono::NaiveDate;
use std::collections::HashSet;

/// Today for one CSM, as `cockpit today` prints it: the rows the Today pane
/// shows for `user`, and how many accounts the book and the user hold (what
/// an empty Today says depends on them).
#[derive(Debug, Clone)]
pub struct TodayList {
    pub rows: Vec<TodayRow>,
    pub book_accounts: usize,
    pub user_accounts: usize,
}

/// Builds Today for `user` on `today` from the user's accounts.
pub fn today_list(
    store: &Store,
    user: &str,
    today: NaiveDate,
    config: &Config,
) -> StoreResult<TodayList> {
    let (book, facts) = user_book(store, user, today, config)?;
    let user_accounts = book.rows().iter().filter(|r| r.csm == user).count();
    let book_accounts = book.len();
    let rows = match facts {
        Some(facts) => today_rows_from(facts, &book, config),
        None => Vec::new(),
    };
    Ok(TodayList { rows, book_accounts, user_accounts })
}

/// The user's accounts (with the rows of the accounts they have tasks on)
/// as a book that knows the whole book's tiers and size, and the facts
/// Today reads beside them; no facts when the user owns no account and has
/// no task due.
pub fn user_book(
    store: &Store,
    user: &str,
    today: NaiveDate,
    config: &Config,
) -> StoreResult<(BookIndex, Option<TodayFacts>)> {
    let CsmRows { mut rows, facts } = store.csm_rows(user, today)?;
    let bounds = store.arr_tier_bounds(&config.tier_cuts_bp)?;
    let tasks = due_tasks(store, user, today)?;
    // A task of the user's on another CSM's account is a row of Today too.
    let others: Vec<String> = tasks.iter().map(|t| t.task.account_id.clone()).collect();
    let facts = match rows.is_empty() && tasks.is_empty() {
        true => None,
        false => Some(TodayFacts::beside_rows(store, user, today, facts, tasks, config)?),
    };
    let mut have: HashSet<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mine = rows.len();
    for id in others {
        if have.insert(id.clone())
            && let Some(row) = store.book_row(&id, today)?
        {
            rows.push(row);
        }
    }
    if rows.len() > mine {
        // The book's rows come largest ARR first, ties by id.
        rows.sort_by(|a, b| b.arr.cmp(&a.arr).then_with(|| a.id.cmp(&b.id)));
    }
    Ok((BookIndex::for_csm(rows, &bounds, config, today, user), facts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::domain::task::NewTask;
    use crate::read::today::today_rows;

    /// `cockpit today` reads the user's accounts only, and gives the rows a
    /// read of the whole book gives, a task on another CSM's account
    /// included; the counts are the whole book's.
    #[test]
    fn today_from_the_users_accounts_is_today_from_the_whole_book() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("demo.db");
        let today = NaiveDate::from_ymd_opt(2026, 3, 2).expect("day");
        let store =
            crate::demo::load::create_demo_database(&path, &Clock::fixed(today)).expect("demo");
        let user = crate::demo::DEMO_CSM;
        let config = Config::default();
        let whole = BookIndex::new(store.book_rows(today).expect("rows"), &config, today, user);
        let other = whole.rows().iter().find(|r| r.csm != user).expect("another CSM's account");
        let at = today.and_hms_opt(9, 0, 0).expect("t").and_utc();
        let task = NewTask {
            account_id: other.id.clone(),
            title: "Cover the QBR".to_string(),
            owner: user.to_string(),
            due_on: today.pred_opt().expect("day"),
            steps: Vec::new(),
            playbook: None,
        };
        store.add_task(&task, user, at).expect("task");
        let expected = today_rows(&store, &whole, user, today, &config).expect("rows");
        assert!(expected.iter().any(|r| r.account_id() == other.id), "the task's row");
        let list = today_list(&store, user, today, &config).expect("list");
        assert_eq!(format!("{:?}", list.rows), format!("{expected:?}"));
        assert_eq!(list.book_accounts, whole.len());
        let mine = whole.rows().iter().filter(|r| r.csm == user).count();
        assert_eq!(list.user_accounts, mine);
        // Someone with no account and no task: no row, the book still counted.
        let nobody = today_list(&store, "nobody", today, &config).expect("list");
        assert!(nobody.rows.is_empty());
        assert_eq!((nobody.book_accounts, nobody.user_accounts), (whole.len(), 0));
    }
}
