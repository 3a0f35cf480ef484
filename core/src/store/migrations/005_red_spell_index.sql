-- The targets list marks every account red at some point in the last 90
-- days (a red spell), from the health changes. Without this covering index
-- that is a scan of every health change ever recorded; with it, SQLite
-- reads only the changes to red inside the window, from the index alone,
-- which keeps the targets list of a large book quick to open. Partial: only
-- the changes to red are indexed, so the file hardly grows.
CREATE INDEX health_changes_red ON health_changes (at, account_id) WHERE health = 'red';
