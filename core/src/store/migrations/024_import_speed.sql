-- The flagged notes' index by time alone is read by nothing since Today
-- reads each account's flagged notes through `notes_flagged_by_account`:
-- an import still built it, reading every note (a 100,000-account book's
-- 2.9 million: 0.6 s of the import), and every note written looked at it.
DROP INDEX notes_flagged;
