-- Large books: the scorecard read every snapshot row of its window for each
-- account's ARR and licences per month (hundreds of thousands of rows for a
-- score today, every row of the book for a backtest), while the ARR per
-- month was already kept as one row an account in arr_series.
--
-- arr_series.units: each month's units beside its ARR, in the same encoding
-- as the cents (zig-zag varint month-to-month differences), as a code: 0 no
-- snapshot that month, 1 snapshots without units, 2 + their units added
-- (see `store::series::add_units`). Kept by the same writers and triggers
-- as the cents. Every series is marked stale here: the store rebuilds them
-- all, units and all, after this migration.
ALTER TABLE arr_series ADD COLUMN units BLOB;

INSERT INTO arr_series_stale (account_id)
    SELECT account_id FROM arr_series
    WHERE account_id NOT IN (SELECT account_id FROM arr_series_stale);
