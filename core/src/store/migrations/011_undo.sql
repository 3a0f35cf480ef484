-- What the cockpit's undo reversed, and when: an undo is history too, never
-- an erasure (health and stage undos also add an entry to their own history).
CREATE TABLE undos (
    id   INTEGER PRIMARY KEY,
    at   TEXT NOT NULL,
    who  TEXT NOT NULL,
    what TEXT NOT NULL
);
