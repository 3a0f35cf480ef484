-- The pipeline: opportunities move identified → qualified → proposal →
-- commit → won | lost (the first stages were named idea and proposed), carry
-- the next step, and a lost one says why, controllable or not. SQLite cannot
-- change a CHECK, so the table is rebuilt with its rows and ids.
CREATE TABLE opportunities_pipeline (
    id                INTEGER PRIMARY KEY,
    account_id        TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    product           TEXT NOT NULL,
    kind              TEXT NOT NULL DEFAULT 'upsell' CHECK (kind IN ('upsell','cross_sell')),
    arr_cents         INTEGER NOT NULL CHECK (arr_cents >= 0),
    stage             TEXT NOT NULL
                      CHECK (stage IN ('identified','qualified','proposal','commit','won','lost')),
    owner             TEXT NOT NULL DEFAULT '',
    close_date        TEXT,
    next_step         TEXT NOT NULL DEFAULT '',
    lost_reason       TEXT,
    lost_controllable INTEGER CHECK (lost_controllable IN (0, 1)),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
INSERT INTO opportunities_pipeline
    (id, account_id, product, kind, arr_cents, stage, owner, close_date, created_at, updated_at)
SELECT id, account_id, product, kind, arr_cents,
       CASE stage WHEN 'idea' THEN 'identified' WHEN 'proposed' THEN 'proposal' ELSE stage END,
       owner, close_date, created_at, updated_at
FROM opportunities;
DROP TABLE opportunities;
ALTER TABLE opportunities_pipeline RENAME TO opportunities;
CREATE INDEX opportunities_by_account ON opportunities (account_id);
CREATE INDEX opportunities_by_stage ON opportunities (stage, close_date);

-- The people at each account: who the champion, the executive sponsor and
-- the decision maker are. One row per person and account (the name is the
-- key within the account); `left_on` is the day they left.
CREATE TABLE contacts (
    id         INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name       TEXT NOT NULL CHECK (name <> ''),
    email      TEXT NOT NULL DEFAULT '',
    role       TEXT NOT NULL
               CHECK (role IN ('champion','executive_sponsor','decision_maker','user','billing')),
    title      TEXT NOT NULL DEFAULT '',
    left_on    TEXT,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX contacts_by_account ON contacts (account_id, name);
