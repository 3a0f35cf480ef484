-- A note is unique by its account, time and text. The unique index kept
-- every note's full text a second time (as large as the notes themselves);
-- it now keys on a 64-bit hash of the text (XXH3, written by the store with
-- every note; `cockpit_note_hash` is the same function, given to SQL for
-- this migration), and the store compares the text itself whenever two
-- notes share a hash, so two different texts are never taken for one.
--
-- SQLite cannot drop a table's own UNIQUE constraint: the table is built
-- again with the same ids, and its search triggers and the flagged-notes
-- index with it (same text as in the migrations that made them).
CREATE TABLE notes_rebuilt (
    id         INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    at         TEXT NOT NULL,
    kind       TEXT NOT NULL,
    text       TEXT NOT NULL,
    who        TEXT NOT NULL DEFAULT '',
    text_hash  INTEGER NOT NULL
);
INSERT INTO notes_rebuilt (id, account_id, at, kind, text, who, text_hash)
    SELECT id, account_id, at, kind, text, who, cockpit_note_hash(text) FROM notes ORDER BY id;
DROP TABLE notes;
ALTER TABLE notes_rebuilt RENAME TO notes;

CREATE UNIQUE INDEX notes_key ON notes (account_id, at, text_hash);
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
