//! Counts as the cockpit writes them in its reasons: `1 day`, `2 days`.

/// `n` days, singular for one: "in 1 day", "30 days late".
pub fn days(n: i64) -> String {
    if n.abs() == 1 { format!("{n} day") } else { format!("{n} days") }
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
}
