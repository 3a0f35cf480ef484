-- The stage and health the team's latest accounts file gave each account:
-- a later file writes a history row only where it gives another one. Files
-- land in the team's order on every member, so every member decides alike.
CREATE TABLE team_file_states (
    account_id TEXT PRIMARY KEY,
    stage      TEXT,
    health     TEXT
) WITHOUT ROWID;
