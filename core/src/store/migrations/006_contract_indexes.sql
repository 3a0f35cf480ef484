-- Every lookup of one account's contracts is served by `contracts_next_end`
-- (account_id, end_date, terminated_on): the next renewal, the lost renewal,
-- an account's contracts, the calendar of one CSM. `contracts_by_account`
-- (account_id, product, start_date) led with the same column and only spared
-- two whole-book reads a sort or a table lookup (past renewals, moment
-- anchors), at the price of a fifth index to write on every import and
-- about 7 MB on a 100,000-account book.
DROP INDEX IF EXISTS contracts_by_account;
