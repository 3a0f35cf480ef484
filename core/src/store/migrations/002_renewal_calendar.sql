-- The renewal calendar finds out-year payments by the anniversary of a
-- contract's start date; without this index every calendar page would scan
-- all contracts.
CREATE INDEX contracts_by_start ON contracts (start_date);
