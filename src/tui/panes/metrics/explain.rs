//! What each number of the Metrics pane means and how it is computed, a
//! sentence or two each, in the words of the domain definitions. Text only.

/// (number, meaning) pairs.
type Explained = &'static [(&'static str, &'static str)];

/// What the retention section's numbers mean.
pub const RETENTION: Explained = &[
    (
        "Cohort",
        "The accounts with ARR > 0 twelve months before the month shown (T−12). \
         Accounts new since then are not in it; members that churned count with 0.",
    ),
    ("NRR", "Net revenue retention: the cohort's ARR at T / its ARR at T−12."),
    (
        "GRR",
        "Gross revenue retention: Σ min(ARR at T, ARR at T−12) / ARR at T−12 over the \
         cohort. Expansion is left out, so GRR ≤ 100% and GRR ≤ NRR.",
    ),
    ("CRR", "Customer renewal rate: the share of the cohort's accounts still with ARR at T."),
    ("DRR", "Dollar renewal rate: the cohort's dollars now / then (numerically the NRR)."),
    (
        "Gap",
        "When CRR is far below DRR, a few big accounts growing hide many lost ones: \
         the aggregate hides churn, look account by account (Enter on CRR).",
    ),
];

/// What the bridge section's numbers mean.
pub const BRIDGE: Explained = &[
    (
        "Bridge",
        "Starting ARR (end of the first month) + new logo + expansion − contraction − \
         lost = ending ARR, from each account's month-to-month changes; it foots exactly.",
    ),
    ("Movements", "0→x is new logo, x→0 lost, up expansion, down contraction, month by month."),
    ("Net new ARR", "New logo + expansion − contraction − lost."),
    (
        "Expansion share",
        "Expansion / (new logo + expansion): how much new ARR came from customers.",
    ),
    ("Net expansion", "Expansion − contraction − lost."),
    ("Churn rate", "(Contraction + lost) / starting ARR."),
    (
        "Lazy NRR",
        "(Starting ARR + net expansion) / starting ARR. NOT NRR: customers new in the \
         period expand into its numerator. Shown only as a contrast.",
    ),
];

/// What the layer cake section's numbers mean.
pub const LAYER_CAKE: Explained = &[
    (
        "Layer cake",
        "The book's ARR at the end of each month, stacked by the year each account \
         started (its first month with ARR). Old layers shrinking under new ones show.",
    ),
    ("Legend", "Each start year with its accounts and their ARR at the period's month."),
];

/// What the pareto section's numbers mean.
pub const PARETO: Explained = &[
    (
        "Ranking",
        "Accounts with ARR > 0 at the month, by ARR descending (ties by account id); \
         bars are ARR as a share of the largest, the line the cumulative share of ARR.",
    ),
    (
        "Tiers",
        "An account goes to the first tier whose cut is above the share held by the \
         accounts ranked above it (the account crossing a cut belongs to that tier).",
    ),
    ("Floor", "The smallest ARR in the tier."),
];

/// What the renewals section's numbers mean.
pub const RENEWALS: Explained = &[
    ("ATR", "Available to renew: the ARR of contracts whose end date falls in the period."),
    (
        "Renewed",
        "For each, the first following contract of the same account and product \
         starting within 31 days of its end, counted up to the ARR it replaces.",
    ),
    ("ATR rate", "Renewed / ATR. Out-year payments of multi-year contracts never enter it."),
    (
        "ARR rate",
        "(Renewed + payments collected) / (ATR + payments due): payments due are the \
         anniversaries inside multi-year terms, collected unless terminated by then.",
    ),
    (
        "Multi-year",
        "A rate over several years is compared with a yearly one only after \
         compounding: a 3-year rate r is a yearly r^(1/3).",
    ),
];

/// What the backtest section's numbers mean.
pub const BACKTEST: Explained = &[
    (
        "Outcomes",
        "Renewals of the ATR rule that ended in the period (the last three years): \
         renewed in full, contracted (renewed below the ATR) or churned (not renewed).",
    ),
    (
        "Flagged",
        "The predictor said red or orange 90 days before the end date, from what was \
         known then: the scorecard's band, one measure's points alone, or the CSM's colour.",
    ),
    ("Caught", "Churned and flagged. Missed: churned and not flagged (the surprises)."),
    ("False alarms", "Renewed in full, yet flagged."),
    (
        "Precision",
        "Caught / flagged: how often a flag was right. Recall: caught / churned, the share \
         of losses seen coming. — when there is nothing to divide by.",
    ),
    (
        "Lead",
        "Median days from the first flag (looked for month by month back from the lead \
         date) to the end date, over the caught.",
    ),
];
