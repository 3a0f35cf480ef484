-- Large books: the retention series read every snapshot row (millions) and
-- the month index cost a third of the database and much of an import's time.
--
-- arr_series: each account's total ARR per month (all products added), one
-- compact row per account (zig-zag varint month-to-month differences from
-- first_month on), so the retention series and the bridge read one row per
-- account. The store rebuilds it in the same transaction as every snapshot
-- write; triggers (created at the end of this migration, see
-- `store::series`) mark in arr_series_stale the accounts whose snapshots any
-- other writer changed, and readers do not trust a stale series. Every
-- account with snapshots starts stale: the store builds the series.
--
-- snapshot_months: the months that have snapshots and how many, kept exact by
-- the same triggers, so the book's first and latest month need no index on
-- snapshots.month. Reading one month scans the table, which SQLite does
-- faster than it looked rows up through that index.
DROP INDEX snapshots_by_month;

CREATE TABLE arr_series (
    account_id  TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    first_month INTEGER NOT NULL,
    last_month  INTEGER NOT NULL,
    cents       BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE arr_series_stale (
    account_id TEXT PRIMARY KEY
) WITHOUT ROWID;

CREATE TABLE snapshot_months (
    month INTEGER PRIMARY KEY,
    rows  INTEGER NOT NULL
);

INSERT INTO snapshot_months (month, rows) SELECT month, count(*) FROM snapshots GROUP BY month;
INSERT INTO arr_series_stale (account_id) SELECT DISTINCT account_id FROM snapshots;

-- notes_by_account (account_id, at) repeats the prefix of the unique
-- (account_id, at, text) index, which serves the same reads.
DROP INDEX notes_by_account;

-- The triggers that keep snapshot_months exact and mark moved series stale
-- under any writer (see store::series, which drops and re-creates the same
-- text around a bulk load).
CREATE TRIGGER snapshots_derived_insert AFTER INSERT ON snapshots BEGIN
    INSERT INTO snapshot_months (month, rows) SELECT NEW.month, 0
        WHERE NOT EXISTS (SELECT 1 FROM snapshot_months WHERE month = NEW.month);
    UPDATE snapshot_months SET rows = rows + 1 WHERE month = NEW.month;
    INSERT INTO arr_series_stale (account_id) SELECT NEW.account_id
        WHERE NOT EXISTS (SELECT 1 FROM arr_series_stale WHERE account_id = NEW.account_id);
END;
CREATE TRIGGER snapshots_derived_delete AFTER DELETE ON snapshots BEGIN
    UPDATE snapshot_months SET rows = rows - 1 WHERE month = OLD.month;
    DELETE FROM snapshot_months WHERE month = OLD.month AND rows <= 0;
    INSERT INTO arr_series_stale (account_id) SELECT OLD.account_id
        WHERE NOT EXISTS (SELECT 1 FROM arr_series_stale WHERE account_id = OLD.account_id);
END;
CREATE TRIGGER snapshots_derived_update AFTER UPDATE ON snapshots BEGIN
    UPDATE snapshot_months SET rows = rows - 1 WHERE month = OLD.month;
    INSERT INTO snapshot_months (month, rows) SELECT NEW.month, 0
        WHERE NOT EXISTS (SELECT 1 FROM snapshot_months WHERE month = NEW.month);
    UPDATE snapshot_months SET rows = rows + 1 WHERE month = NEW.month;
    DELETE FROM snapshot_months WHERE month = OLD.month AND rows <= 0;
    INSERT INTO arr_series_stale (account_id) SELECT OLD.account_id
        WHERE NOT EXISTS (SELECT 1 FROM arr_series_stale WHERE account_id = OLD.account_id);
    INSERT INTO arr_series_stale (account_id) SELECT NEW.account_id
        WHERE NOT EXISTS (SELECT 1 FROM arr_series_stale WHERE account_id = NEW.account_id);
END;
