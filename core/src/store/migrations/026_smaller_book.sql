-- The latest month's holdings (cross-sell, the Targets product filter) were
-- read through an index by month that held every snapshot row a second time
-- (a 100,000-account book: 88 MB of 887). They are now a kept table of each
-- account's latest row per product, about one row per account and product,
-- kept exact by triggers under any writer (see `store::series`, which drops
-- and re-creates the same text around a bulk load and fills the table from
-- the loaded rows). The triggers use no conflict clause: the statement that
-- fires a trigger overrides the trigger's own (an upsert's did). The book's latest month's holdings are its rows of that
-- month: an account and product with a row in the book's latest month has
-- no later one.
DROP INDEX snapshots_by_month;

CREATE TABLE snapshots_latest (
    account_id TEXT NOT NULL,
    product    TEXT NOT NULL,
    month      INTEGER NOT NULL,
    arr_cents  INTEGER NOT NULL,
    PRIMARY KEY (account_id, product)
) WITHOUT ROWID;

INSERT INTO snapshots_latest (account_id, product, month, arr_cents)
    SELECT account_id, product, max(month), arr_cents FROM snapshots GROUP BY account_id, product;

CREATE TRIGGER snapshots_latest_insert AFTER INSERT ON snapshots BEGIN
    DELETE FROM snapshots_latest
        WHERE account_id = NEW.account_id AND product = NEW.product AND month <= NEW.month;
    INSERT INTO snapshots_latest (account_id, product, month, arr_cents)
        SELECT NEW.account_id, NEW.product, NEW.month, NEW.arr_cents
        WHERE NOT EXISTS (SELECT 1 FROM snapshots_latest
                          WHERE account_id = NEW.account_id AND product = NEW.product);
END;
CREATE TRIGGER snapshots_latest_delete AFTER DELETE ON snapshots BEGIN
    DELETE FROM snapshots_latest
        WHERE account_id = OLD.account_id AND product = OLD.product AND month = OLD.month;
    INSERT INTO snapshots_latest (account_id, product, month, arr_cents)
        SELECT account_id, product, month, arr_cents FROM snapshots
        WHERE account_id = OLD.account_id AND product = OLD.product
          AND NOT EXISTS (SELECT 1 FROM snapshots_latest
                          WHERE account_id = OLD.account_id AND product = OLD.product)
        ORDER BY month DESC LIMIT 1;
END;
CREATE TRIGGER snapshots_latest_update AFTER UPDATE ON snapshots BEGIN
    DELETE FROM snapshots_latest
        WHERE (account_id = OLD.account_id AND product = OLD.product)
           OR (account_id = NEW.account_id AND product = NEW.product);
    INSERT INTO snapshots_latest (account_id, product, month, arr_cents)
        SELECT account_id, product, month, arr_cents FROM snapshots
        WHERE account_id = OLD.account_id AND product = OLD.product
        ORDER BY month DESC LIMIT 1;
    INSERT INTO snapshots_latest (account_id, product, month, arr_cents)
        SELECT account_id, product, month, arr_cents FROM snapshots
        WHERE account_id = NEW.account_id AND product = NEW.product
          AND NOT EXISTS (SELECT 1 FROM snapshots_latest
                          WHERE account_id = NEW.account_id AND product = NEW.product)
        ORDER BY month DESC LIMIT 1;
END;

-- A note is unique by its account, time and text. The unique index held
-- each note's account, its time (20 bytes of text) and a hash of its text
-- (a 100,000-account book's 2.9 million notes: 155 MB); it now holds the
-- account and one 64-bit hash of the time and the text together (XXH3,
-- written by the store with every note; `cockpit_note_key` is the same
-- function, given to SQL for this migration). The store compares the time
-- and the text whenever two notes of an account share a key, so two
-- different notes are never taken for one. An account's notes are still
-- found through the index's leading account.
DROP INDEX notes_key;
ALTER TABLE notes RENAME COLUMN text_hash TO note_key;
UPDATE notes SET note_key = cockpit_note_key(at, text);
CREATE UNIQUE INDEX notes_key ON notes (account_id, note_key);
