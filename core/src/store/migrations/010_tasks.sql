-- Tasks: work on an account with an owner, a due date and a status (open,
-- done, skipped), made by hand or by a playbook (its key). Done and skipped
-- tasks are kept: they are the account's history.
CREATE TABLE tasks (
    id          INTEGER PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    owner       TEXT NOT NULL DEFAULT '',
    due_on      TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','done','skipped')),
    playbook    TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL DEFAULT '',
    closed_at   TEXT
);
CREATE INDEX tasks_by_account ON tasks (account_id, status);
-- Today and `cockpit tasks` read the open tasks of one owner.
CREATE INDEX tasks_open_by_owner ON tasks (owner, due_on) WHERE status = 'open';

-- A task's ordered steps, each with its own due date and status.
CREATE TABLE task_steps (
    task_id    INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL CHECK (position >= 1),
    title      TEXT NOT NULL,
    due_on     TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','done','skipped')),
    closed_at  TEXT,
    PRIMARY KEY (task_id, position)
) WITHOUT ROWID;

-- Every status change of a task or a step, with who and when; an undo is a
-- change of its own (`undo` = 1), never an erasure.
CREATE TABLE task_changes (
    id       INTEGER PRIMARY KEY,
    task_id  INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    step     INTEGER,
    at       TEXT NOT NULL,
    who      TEXT NOT NULL DEFAULT '',
    status   TEXT NOT NULL CHECK (status IN ('open','done','skipped')),
    undo     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX task_changes_by_task ON task_changes (task_id);

-- Each occurrence a playbook's trigger fired for (a renewal date, a health
-- change, a note, a new account): a trigger starts its playbook once per
-- occurrence, even when the task it made is later removed.
CREATE TABLE playbook_occurrences (
    account_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    playbook    TEXT NOT NULL,
    occurrence  TEXT NOT NULL,
    at          TEXT NOT NULL,
    PRIMARY KEY (account_id, playbook, occurrence)
) WITHOUT ROWID;
