//! Counts as the cockpit writes them, in the CLI and the TUI alike:
//! `1 day`, `2 days`, `1 account`, `0 chains`. One rule, so no screen ever
//! says "1 accounts".

use std::fmt::Display;

/// `n` followed by `one` when `n` is 1 (or −1), else by `many`:
/// `of(1, "chain", "chains")` is "1 chain", `of(3, …)` "3 chains".
pub fn of<N>(n: N, one: &str, many: &str) -> String
where
    N: Copy + Display + TryInto<i128>,
{
    let singular = n.try_into().is_ok_and(|value: i128| value.abs() == 1);
    format!("{n} {}", if singular { one } else { many })
}

/// `n` days, singular for one: "in 1 day", "30 days late".
pub fn days(n: i64) -> String {
    of(n, "day", "days")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_day_is_singular_and_every_other_count_plural() {
        assert_eq!(days(1), "1 day");
        assert_eq!(days(-1), "-1 day");
        assert_eq!(days(0), "0 days");
        assert_eq!(days(30), "30 days");
    }

    #[test]
    fn any_count_of_any_integer_type_agrees_with_its_noun() {
        assert_eq!(of(1_usize, "account", "accounts"), "1 account");
        assert_eq!(of(2_u64, "account", "accounts"), "2 accounts");
        assert_eq!(of(0_i32, "chain", "chains"), "0 chains");
        assert_eq!(of(1_u32, "entry", "entries"), "1 entry");
        assert_eq!(of(usize::MAX, "row", "rows"), format!("{} rows", usize::MAX));
    }
}
