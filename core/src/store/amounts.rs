//! Money on its way into and out of SQL: every typed write checks an amount
//! against the bound a single amount may reach, and SQLite's refusal to add
//! up a `SUM` that does not fit is said as what it is. No queries here.

use super::StoreError;
use crate::domain::Money;
use crate::domain::money::MAX_AMOUNT_TEXT;

/// The cents to store for `amount`, refused beyond the bound: the import
/// and the forms check it already, and a write that bypassed them must not
/// put an amount in the book that its sums cannot add up.
pub(crate) fn stored_cents(what: &str, amount: Money) -> Result<i64, StoreError> {
    amount.bounded().map(Money::cents).map_err(|e| StoreError::Invalid(format!("{what} {e}")))
}

/// SQLite's `SUM` of integers refuses a total that does not fit with
/// "integer overflow": said as what it is, not as a database error.
pub(crate) fn sum_refused(error: rusqlite::Error, what: &str) -> StoreError {
    match &error {
        rusqlite::Error::SqliteFailure(_, Some(message))
            if message.contains("integer overflow") =>
        {
            StoreError::Invalid(format!(
                "{what} is too large to add up exactly; each amount may be at most {MAX_AMOUNT_TEXT}"
            ))
        }
        _ => StoreError::Sql(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::MAX_AMOUNT;

    #[test]
    fn an_amount_beyond_the_bound_is_not_stored() {
        assert_eq!(stored_cents("ARR", MAX_AMOUNT).ok(), Some(MAX_AMOUNT.cents()));
        let error = stored_cents("ARR", Money(MAX_AMOUNT.cents() + 1)).expect_err("too large");
        assert_eq!(error.to_string(), "ARR \"10000000000.01\" is too large (at most 10000000000)");
        assert!(stored_cents("ARR lost", Money::OVERFLOW).is_err());
    }

    #[test]
    fn an_sql_sum_that_does_not_fit_says_so() {
        let conn = rusqlite::Connection::open_in_memory().expect("memory");
        let error = conn
            .query_row(
                "SELECT SUM(x) FROM (SELECT 9223372036854775807 AS x UNION ALL SELECT 1)",
                [],
                |row| row.get::<_, i64>(0),
            )
            .expect_err("overflow");
        let message = sum_refused(error, "the ARR of A1's last contracts").to_string();
        assert_eq!(
            message,
            "the ARR of A1's last contracts is too large to add up exactly; each amount may be at most 10000000000"
        );
    }
}
