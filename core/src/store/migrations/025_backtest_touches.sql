-- The backtest reads every account's touch days (calls, emails, meetings,
-- QBRs) at once. Without an index of them it read the whole notes table,
-- note texts and all, to look at each note's kind (2.9 million notes of a
-- 100,000-account book). This index holds only the touches, by account and
-- time: the read is one pass over it in the order the backtest walks the
-- accounts, and SQLite keeps it right under every writer of notes.
CREATE INDEX notes_touches ON notes (account_id, at)
    WHERE kind IN ('call', 'email', 'meeting', 'qbr');
