-- Large books: scoring the whole book read every account's usage rows (the
-- usage of all measures lies interleaved, so one measure cost a page an
-- account), its tickets and its survey answers, millions of rows.
--
-- usage_series: each account's usage of one measure, every month it has a
-- row, as one compact row (zig-zag varints: month differences and values),
-- keyed by measure first so that one measure of the whole book is one range.
-- signal_series: each account's high and urgent tickets (opening day and
-- days to closing) and NPS answers (day and score), for the accounts that
-- have any. Both are rebuilt from the rows by every import that writes
-- usage, tickets or surveys, in the same transaction (see
-- `store::signals::series`); the store fills them for existing books after
-- this migration.
CREATE TABLE usage_series (
    measure    TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    months     BLOB NOT NULL,
    PRIMARY KEY (measure, account_id)
) WITHOUT ROWID;
CREATE INDEX usage_series_by_account ON usage_series (account_id);

CREATE TABLE signal_series (
    account_id TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    tickets    BLOB NOT NULL,
    answers    BLOB NOT NULL
) WITHOUT ROWID;
