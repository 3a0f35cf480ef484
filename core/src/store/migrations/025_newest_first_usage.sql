-- The whole book's scorecard reads each account's key usage series for its
-- last few months only, yet the series were written oldest first: every
-- read decoded 60 months to keep 6. They are now written newest first
-- (`store::signals::series::encode_usage`), so a read stops at the month
-- before its window. The store writes every series again after this
-- migration; until then none is read.
DELETE FROM usage_series;
DELETE FROM signal_series;
