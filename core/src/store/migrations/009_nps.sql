-- Each account's net promoter score (-100 to 100), when it was surveyed:
-- imported and exported with the account, shown in the book.
ALTER TABLE accounts ADD COLUMN nps INTEGER CHECK (nps BETWEEN -100 AND 100);
