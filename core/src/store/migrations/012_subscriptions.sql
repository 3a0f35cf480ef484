-- Subscriptions from a billing system (`cockpit import subscriptions`), and
-- a mark on the contracts derived from them.
--
-- The store keeps the subscriptions as the billing export gave them; the
-- import derives each account's monthly ARR snapshots and, for yearly
-- subscriptions, one contract per started year, in the same transaction.
-- An account's product takes its ARR either from subscriptions or from
-- imported snapshots, never both, so the snapshots of an (account, product)
-- that has subscriptions are exactly the derived ones: they need no mark of
-- their own (and the largest table stays as narrow as it was).
CREATE TABLE subscriptions (
    id           TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    product      TEXT NOT NULL,
    start_date   TEXT NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),
    interval     TEXT NOT NULL CHECK (interval IN ('month', 'year')),
    quantity     INTEGER NOT NULL DEFAULT 1 CHECK (quantity >= 0),
    ended_on     TEXT,
    CHECK (ended_on IS NULL OR ended_on >= start_date)
);
CREATE INDEX subscriptions_by_account ON subscriptions (account_id, product);

-- The subscription a contract was derived from (its id is
-- `SUBSCRIPTION_ID/YEAR`); NULL for contracts imported from a contracts file.
-- A re-import replaces exactly the contracts it derived. The index is
-- partial: imported contracts cost it nothing.
ALTER TABLE contracts ADD COLUMN subscription_id TEXT;
CREATE INDEX contracts_by_subscription ON contracts (subscription_id)
    WHERE subscription_id IS NOT NULL;
