-- The book's full-text index: what Ctrl-F searches, kept exact by triggers.
--
-- Three FTS5 tables, one per kind of text, so that each stays small and a
-- search can take the first screen of each (newest notes first) at once:
--
-- * notes_fts indexes the notes' text without a copy of it (external
--   content: the text is read back from `notes` by id). `detail=none` and
--   `columnsize=0` keep only which notes hold a word, not where: a search
--   matches words and word prefixes, never phrases, and ranks by time, so
--   positions and lengths would only make the file larger.
-- * accounts_fts holds each account's name and id.
-- * chains_fts holds each churn chain's causes (taxonomy labels and free
--   text) and their comments, keyed by the chain's id.
--
-- Diacritics are folded, so "Munchen" finds "München". The SQL here is
-- kept to what older SQLite tools read too (no ORDER BY inside an
-- aggregate), so the book still opens in them.

CREATE VIRTUAL TABLE notes_fts USING fts5(
    text, content = 'notes', content_rowid = 'id',
    detail = none, columnsize = 0, tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO notes_fts (notes_fts) VALUES ('rebuild');

-- The words the notes hold, for turning a typed word's start into the
-- whole words it begins (a search of those stops after the first screen;
-- a prefix query would read every matching note first). The `instance`
-- kind reads one entry to find the next word; `row` would count them all.
CREATE VIRTUAL TABLE notes_words USING fts5vocab (notes_fts, instance);

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

-- Accounts have no integer key (the table is WITHOUT ROWID): each gets a
-- search key here, which is its row's rowid in accounts_fts.
CREATE TABLE account_search_keys (
    key        INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE accounts_fts USING fts5(
    id, name, tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO account_search_keys (account_id) SELECT id FROM accounts;
INSERT INTO accounts_fts (rowid, id, name)
    SELECT k.key, a.id, a.name FROM accounts a JOIN account_search_keys k ON k.account_id = a.id;

CREATE TRIGGER accounts_fts_insert AFTER INSERT ON accounts BEGIN
    INSERT INTO account_search_keys (account_id) VALUES (new.id);
    INSERT INTO accounts_fts (rowid, id, name)
        SELECT key, new.id, new.name FROM account_search_keys WHERE account_id = new.id;
END;
CREATE TRIGGER accounts_fts_delete AFTER DELETE ON accounts BEGIN
    DELETE FROM accounts_fts
        WHERE rowid = (SELECT key FROM account_search_keys WHERE account_id = old.id);
    DELETE FROM account_search_keys WHERE account_id = old.id;
END;
CREATE TRIGGER accounts_fts_update AFTER UPDATE OF id, name ON accounts
WHEN old.name IS NOT new.name OR old.id IS NOT new.id BEGIN
    DELETE FROM accounts_fts
        WHERE rowid = (SELECT key FROM account_search_keys WHERE account_id = old.id);
    UPDATE account_search_keys SET account_id = new.id WHERE account_id = old.id;
    INSERT INTO accounts_fts (rowid, id, name)
        SELECT key, new.id, new.name FROM account_search_keys WHERE account_id = new.id;
END;

-- A chain's text: its event and product, then its causes nearest first,
-- each with its comment.
CREATE VIEW chain_text (chain_id, body) AS
    SELECT c.id, trim(c.event || ' ' || c.product || ' · ' || coalesce((
        SELECT group_concat(cause, ' · ') FROM (
            SELECT trim(coalesce(r.label, l.free_text, '') || ' ' || l.note) AS cause
            FROM churn_links AS l LEFT JOIN churn_reasons AS r ON r.id = l.reason_id
            WHERE l.chain_id = c.id ORDER BY l.position
        )
    ), ''))
    FROM churn_chains AS c;

CREATE VIRTUAL TABLE chains_fts USING fts5(
    body, detail = column, tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO chains_fts (rowid, body) SELECT chain_id, body FROM chain_text;

CREATE TRIGGER chains_fts_insert AFTER INSERT ON churn_chains BEGIN
    INSERT INTO chains_fts (rowid, body) SELECT chain_id, body FROM chain_text WHERE chain_id = new.id;
END;
CREATE TRIGGER chains_fts_delete AFTER DELETE ON churn_chains BEGIN
    DELETE FROM chains_fts WHERE rowid = old.id;
END;
CREATE TRIGGER chain_links_fts_insert AFTER INSERT ON churn_links BEGIN
    DELETE FROM chains_fts WHERE rowid = new.chain_id;
    INSERT INTO chains_fts (rowid, body) SELECT chain_id, body FROM chain_text WHERE chain_id = new.chain_id;
END;
CREATE TRIGGER chain_links_fts_delete AFTER DELETE ON churn_links BEGIN
    DELETE FROM chains_fts WHERE rowid = old.chain_id;
    INSERT INTO chains_fts (rowid, body) SELECT chain_id, body FROM chain_text WHERE chain_id = old.chain_id;
END;
CREATE TRIGGER chain_links_fts_update AFTER UPDATE ON churn_links BEGIN
    DELETE FROM chains_fts WHERE rowid IN (old.chain_id, new.chain_id);
    INSERT INTO chains_fts (rowid, body)
        SELECT chain_id, body FROM chain_text WHERE chain_id IN (old.chain_id, new.chain_id);
END;
CREATE TRIGGER churn_reasons_fts_update AFTER UPDATE OF label ON churn_reasons
WHEN old.label IS NOT new.label BEGIN
    DELETE FROM chains_fts
        WHERE rowid IN (SELECT chain_id FROM churn_links WHERE reason_id = new.id);
    INSERT INTO chains_fts (rowid, body) SELECT chain_id, body FROM chain_text
        WHERE chain_id IN (SELECT chain_id FROM churn_links WHERE reason_id = new.id);
END;
