-- The flagged-notes index keeps only the time of each sponsor change and
-- severe case: the triage reads the few rows it finds from the table, so the
-- index no longer holds every flagged note's text a second time (a large
-- share of a big book's size after an import).
DROP INDEX notes_flagged;
CREATE INDEX notes_flagged ON notes (at)
    WHERE kind IN ('sponsor_change', 'severe_case');
