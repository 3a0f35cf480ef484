-- The whole domain in one first schema, so that later panes read facts that
-- were kept from the start rather than reconstructed. Money is integer cents,
-- months are integers (year*12 + month-1), dates are ISO text (YYYY-MM-DD),
-- times are RFC 3339 UTC text.

CREATE TABLE accounts (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    csm             TEXT NOT NULL DEFAULT '',
    am              TEXT NOT NULL DEFAULT '',
    segment         TEXT NOT NULL DEFAULT '',
    industry        TEXT NOT NULL DEFAULT '',
    region          TEXT NOT NULL DEFAULT '',
    stage           TEXT NOT NULL DEFAULT 'addiction'
                    CHECK (stage IN ('addiction','adoption','absorption','adaptation')),
    stage_since     TEXT,
    potential_units INTEGER CHECK (potential_units IS NULL OR potential_units >= 0),
    health          TEXT CHECK (health IN ('red','orange','yellow','green')),
    health_since    TEXT,
    flags           INTEGER NOT NULL DEFAULT 0,
    -- Derived facts kept fresh by the store after every write that moves them,
    -- so the book of business reads one table.
    arr_cents       INTEGER NOT NULL DEFAULT 0,
    units           INTEGER NOT NULL DEFAULT 0,
    first_month     INTEGER,
    last_touch      TEXT
) WITHOUT ROWID;
CREATE INDEX accounts_by_csm ON accounts (csm);
CREATE INDEX accounts_by_arr ON accounts (arr_cents DESC);

-- ARR per account, product and month-end: the facts every retention metric
-- is computed from.
CREATE TABLE snapshots (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    product    TEXT NOT NULL,
    month      INTEGER NOT NULL,
    arr_cents  INTEGER NOT NULL CHECK (arr_cents >= 0),
    units      INTEGER CHECK (units IS NULL OR units >= 0),
    PRIMARY KEY (account_id, product, month)
) WITHOUT ROWID;
CREATE INDEX snapshots_by_month ON snapshots (month);

CREATE TABLE contracts (
    id            TEXT PRIMARY KEY,
    account_id    TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    product       TEXT NOT NULL,
    start_date    TEXT NOT NULL,
    end_date      TEXT NOT NULL,
    arr_cents     INTEGER NOT NULL CHECK (arr_cents >= 0),
    units         INTEGER CHECK (units IS NULL OR units >= 0),
    billing       TEXT NOT NULL DEFAULT 'annual' CHECK (billing IN ('annual','prepaid')),
    terminated_on TEXT,
    CHECK (end_date >= start_date)
);
CREATE INDEX contracts_by_account ON contracts (account_id, product, start_date);
CREATE INDEX contracts_by_end ON contracts (end_date);

-- Potential units per account and product (potential absorption).
CREATE TABLE potentials (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    product    TEXT NOT NULL,
    units      INTEGER NOT NULL CHECK (units >= 0),
    PRIMARY KEY (account_id, product)
) WITHOUT ROWID;

-- Every health change with who, when and why; accounts.health is the latest.
CREATE TABLE health_changes (
    id         INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    at         TEXT NOT NULL,
    who        TEXT NOT NULL,
    health     TEXT NOT NULL CHECK (health IN ('red','orange','yellow','green')),
    reason     TEXT NOT NULL
);
CREATE INDEX health_changes_by_account ON health_changes (account_id, at);

CREATE TABLE stage_changes (
    id         INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    at         TEXT NOT NULL,
    who        TEXT NOT NULL,
    stage      TEXT NOT NULL CHECK (stage IN ('addiction','adoption','absorption','adaptation')),
    reason     TEXT NOT NULL
);
CREATE INDEX stage_changes_by_account ON stage_changes (account_id, at);

-- Notes and touches (a touch is a note of kind call, email, meeting or qbr).
CREATE TABLE notes (
    id         INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    at         TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('call','email','meeting','qbr','note','sponsor_change','severe_case')),
    text       TEXT NOT NULL,
    who        TEXT NOT NULL DEFAULT '',
    UNIQUE (account_id, at, text)
);
CREATE INDEX notes_by_account ON notes (account_id, at);

-- Engagement moments: scheduled per tier or added by hand.
CREATE TABLE moments (
    id         INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    title      TEXT NOT NULL DEFAULT '',
    due_on     TEXT NOT NULL,
    done_at    TEXT,
    source     TEXT NOT NULL DEFAULT 'manual' CHECK (source IN ('manual','schedule')),
    UNIQUE (account_id, kind, due_on)
);
CREATE INDEX moments_by_due ON moments (due_on);

-- The churn-reason taxonomy: terminal events, and causes marked controllable or not.
CREATE TABLE churn_reasons (
    id          INTEGER PRIMARY KEY,
    label       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    kind        TEXT NOT NULL CHECK (kind IN ('terminal','controllable','uncontrollable')),
    description TEXT NOT NULL DEFAULT '',
    retired     INTEGER NOT NULL DEFAULT 0
);

-- A churn or contraction with its chain of causes, nearest first.
CREATE TABLE churn_chains (
    id            INTEGER PRIMARY KEY,
    account_id    TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    event         TEXT NOT NULL CHECK (event IN ('churned','contracted')),
    event_date    TEXT NOT NULL,
    arr_lost_cents INTEGER NOT NULL DEFAULT 0 CHECK (arr_lost_cents >= 0),
    product       TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'saved' CHECK (status IN ('draft','saved')),
    who           TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX churn_chains_by_account ON churn_chains (account_id);

CREATE TABLE churn_links (
    chain_id  INTEGER NOT NULL REFERENCES churn_chains (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    reason_id INTEGER REFERENCES churn_reasons (id),
    free_text TEXT,
    note      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (chain_id, position),
    CHECK ((reason_id IS NULL) <> (free_text IS NULL))
);

-- Earlier versions of a chain, kept when it is edited.
CREATE TABLE churn_chain_versions (
    id       INTEGER PRIMARY KEY,
    chain_id INTEGER NOT NULL REFERENCES churn_chains (id) ON DELETE CASCADE,
    at       TEXT NOT NULL,
    who      TEXT NOT NULL,
    sentence TEXT NOT NULL,
    body     TEXT NOT NULL
);

CREATE TABLE success_plans (
    id           INTEGER PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    measure      TEXT NOT NULL,
    unit         TEXT NOT NULL DEFAULT '',
    -- Values in hundredths, exact.
    baseline     INTEGER NOT NULL,
    target       INTEGER NOT NULL,
    current      INTEGER NOT NULL,
    start_date   TEXT NOT NULL,
    target_date  TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX success_plans_by_account ON success_plans (account_id);

CREATE TABLE opportunities (
    id         INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    product    TEXT NOT NULL,
    kind       TEXT NOT NULL DEFAULT 'upsell' CHECK (kind IN ('upsell','cross_sell')),
    arr_cents  INTEGER NOT NULL CHECK (arr_cents >= 0),
    stage      TEXT NOT NULL CHECK (stage IN ('idea','qualified','proposed','won','lost')),
    owner      TEXT NOT NULL DEFAULT '',
    close_date TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX opportunities_by_account ON opportunities (account_id);

-- Trials and proofs of value for accounts in addiction, with the takeaway test.
CREATE TABLE trials (
    id               INTEGER PRIMARY KEY,
    account_id       TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    product          TEXT NOT NULL DEFAULT '',
    start_date       TEXT NOT NULL,
    end_date         TEXT NOT NULL,
    success_criteria TEXT NOT NULL DEFAULT '',
    takeaway         TEXT NOT NULL DEFAULT 'not_yet' CHECK (takeaway IN ('passed','failed','not_yet')),
    note             TEXT NOT NULL DEFAULT ''
);
CREATE INDEX trials_by_account ON trials (account_id);

-- Suggestions (health, stage) the CSM dismissed, so they are not shown again
-- until the signal behind them changes.
CREATE TABLE dismissed_suggestions (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    signal     TEXT NOT NULL,
    at         TEXT NOT NULL,
    who        TEXT NOT NULL,
    PRIMARY KEY (account_id, kind, signal)
) WITHOUT ROWID;

-- Today rows snoozed until a date.
CREATE TABLE snoozes (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    reason     TEXT NOT NULL,
    until      TEXT NOT NULL,
    PRIMARY KEY (account_id, reason)
) WITHOUT ROWID;
