-- Cross-sell reads the products every account holds in the latest month:
-- an index by month holding the rest of the row finds that month's rows
-- without reading the whole series (the primary key leads with the
-- account). The Targets product filter reads the same rows.
CREATE INDEX snapshots_by_month ON snapshots (month, account_id, product, arr_cents);

-- When a contact started in the role (optional, a day).
ALTER TABLE contacts ADD COLUMN since TEXT;
