-- The 4A board and the targets list need every account's next contract end
-- on each open. This covering index lets that be read in account order from
-- the index alone (no sort, no table lookups), which keeps the board of a
-- large book quick to open.
CREATE INDEX contracts_next_end ON contracts (account_id, end_date, terminated_on);
