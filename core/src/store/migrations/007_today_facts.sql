-- What Today reads for one CSM's accounts, kept where one read finds it.
--
-- Each account's total ARR and units `TREND_MONTHS` before the book's latest
-- snapshot month, beside `arr_cents` and `units` (those at the latest month)
-- and refreshed with them: the snapshot trend behind the "ARR or units
-- falling" suggestion then costs no visit to the snapshots of every account.
ALTER TABLE accounts ADD COLUMN trend_arr_cents INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN trend_units INTEGER NOT NULL DEFAULT 0;

-- The notes marked as a sponsor change or a severe case, by time, with what
-- Today shows of them: the few of the last weeks are read from this small
-- index alone, without visiting every account's notes or the notes' rows.
CREATE INDEX notes_flagged ON notes (at, account_id, kind, who, text)
    WHERE kind IN ('sponsor_change', 'severe_case');
