-- Measured signals for the health scorecard. Usage per account, measure and
-- month, the value exact in thousandths (a daily file is summed into months
-- before it is stored). Keyed by account first, as every reader asks.
CREATE TABLE usage (
    account_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    measure     TEXT NOT NULL,
    month       INTEGER NOT NULL,
    value_milli INTEGER NOT NULL CHECK (value_milli >= 0),
    PRIMARY KEY (account_id, measure, month)
) WITHOUT ROWID;

-- The months each usage measure has rows for, kept by the import: the
-- scorecard asks for the book's latest usage month without scanning usage.
CREATE TABLE usage_months (
    measure TEXT NOT NULL,
    month   INTEGER NOT NULL,
    PRIMARY KEY (measure, month)
) WITHOUT ROWID;

-- Support tickets as the helpdesk exported them; times are RFC 3339.
CREATE TABLE tickets (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    opened_at  TEXT NOT NULL,
    severity   TEXT NOT NULL CHECK (severity IN ('low','normal','high','urgent')),
    closed_at  TEXT,
    subject    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX tickets_by_account ON tickets (account_id, opened_at);

-- Survey answers: NPS 0-10, CSAT 1-5. One answer is its account, time,
-- kind, score and comment (answers carry no respondent).
CREATE TABLE surveys (
    account_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    answered_at TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('nps','csat')),
    score       INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
    comment     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (account_id, answered_at, kind, score, comment)
) WITHOUT ROWID;
