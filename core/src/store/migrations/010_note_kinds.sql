-- Note kinds beyond the cockpit's own: a CRM's `support`, `task` or
-- `linkedin` notes are kept as their own kind, as written, so the CHECK on
-- `notes.kind` goes. SQLite cannot drop a CHECK, so the table is made again
-- without it, keeping every note's id (the full-text index refers to notes
-- by id and stays as it is) and its indexes and triggers.
CREATE TABLE notes_without_check (
    id         INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    at         TEXT NOT NULL,
    kind       TEXT NOT NULL,
    text       TEXT NOT NULL,
    who        TEXT NOT NULL DEFAULT '',
    UNIQUE (account_id, at, text)
);
INSERT INTO notes_without_check (id, account_id, at, kind, text, who)
    SELECT id, account_id, at, kind, text, who FROM notes ORDER BY id;
DROP TABLE notes;
ALTER TABLE notes_without_check RENAME TO notes;

CREATE INDEX notes_flagged ON notes (at, account_id, kind, who, text)
    WHERE kind IN ('sponsor_change', 'severe_case');

CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes BEGIN
    INSERT INTO notes_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN
    INSERT INTO notes_fts (notes_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER notes_fts_update AFTER UPDATE OF text ON notes
WHEN old.text IS NOT new.text BEGIN
    INSERT INTO notes_fts (notes_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO notes_fts (rowid, text) VALUES (new.id, new.text);
END;

-- The kinds that count as a touch (the `touch_kinds` setting), in lower
-- case: `last_touch` is kept from the notes of these kinds, and the
-- cockpit writes the setting here (and refreshes `last_touch`) when it
-- changes.
CREATE TABLE touch_kinds (
    kind TEXT PRIMARY KEY
) WITHOUT ROWID;
INSERT INTO touch_kinds (kind) VALUES ('call'), ('email'), ('meeting'), ('qbr');
