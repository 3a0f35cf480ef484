-- Today's first screen reads one CSM's sponsor changes and severe cases of
-- the last weeks, account by account. Through `notes_key` it read every
-- recent note of the CSM's accounts from the table to look at its kind
-- (about 1,300 rows for 2,000 accounts of a 100,000-account book, for 170
-- flagged ones); this index holds only the flagged notes, by account and
-- time, so the read touches the rows it returns.
CREATE INDEX notes_flagged_by_account ON notes (account_id, at)
    WHERE kind IN ('sponsor_change', 'severe_case');
