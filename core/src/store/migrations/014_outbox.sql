-- The team's book (a shared PostgreSQL): what this cockpit authored and has
-- not pushed yet, which version of each shared row it holds, and where it is
-- in the team's stream. A book that never joins a team keeps these empty:
-- the capture triggers are only installed by `cockpit team join`.

-- Events authored here, waiting to be pushed, in the order they were made.
-- `row_key` is the row's stable key as a JSON array; `body` the row as a
-- JSON object (NULL for a deletion); `hlc` the hybrid logical clock.
CREATE TABLE team_outbox (
    seq      INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,
    tbl      TEXT NOT NULL,
    row_key  TEXT NOT NULL,
    op       TEXT NOT NULL CHECK (op IN ('upsert','delete')),
    body     TEXT,
    member   TEXT NOT NULL,
    hlc      INTEGER NOT NULL
);

-- The version each shared row holds: the event that wrote it last by
-- (hlc, event_id). A pulled event older than this is already superseded;
-- one equal to it is already applied (so an event applied twice counts once).
CREATE TABLE team_versions (
    tbl      TEXT NOT NULL,
    row_key  TEXT NOT NULL,
    hlc      INTEGER NOT NULL,
    event_id TEXT NOT NULL,
    PRIMARY KEY (tbl, row_key)
) WITHOUT ROWID;

-- Pulled events that cannot apply yet (their account is not in this book),
-- retried after each pull.
CREATE TABLE team_parked (
    event_id TEXT PRIMARY KEY,
    tbl      TEXT NOT NULL,
    row_key  TEXT NOT NULL,
    op       TEXT NOT NULL,
    body     TEXT,
    member   TEXT NOT NULL,
    hlc      INTEGER NOT NULL
) WITHOUT ROWID;

-- Small named values: the member's name, whether capture is on, the clock,
-- the team's address (without its password), the last event pulled and the
-- last sync.
CREATE TABLE team_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO team_state (key, value) VALUES ('capture', '0'), ('clock', '0');
