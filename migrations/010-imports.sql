-- Version 8 -> 9: claims brought in by `import csv` and `import claimreview`.
--
-- The imported file is stored as a source like any other, and each imported claim's
-- appearance spans its cell in it. This table keeps where in the file that cell is (row and
-- column, or item and key), the sheet's or feed's own id for the claim (which makes a
-- re-import skip what it already brought in), the article URL the row named, and the rest
-- of the row or item as canonical JSON. Derived from the `claim.add` entries' `imported`
-- field, like every derived table.
CREATE TABLE claim_imports (
    claim_id    TEXT    PRIMARY KEY REFERENCES claims (id),
    source      TEXT    NOT NULL REFERENCES sources (sha256), -- the imported file
    format      TEXT    NOT NULL CHECK (format IN ('csv', 'claimreview')),
    cell_row    INTEGER NOT NULL CHECK (cell_row >= 1), -- CSV: the row's first line; JSON: item number
    cell_column TEXT    NOT NULL,                       -- header name, column number or JSON key
    external_id TEXT,                                   -- the sheet's or feed's id for the claim
    url         TEXT,                                   -- the article the claim appeared in
    record      TEXT,                                   -- everything else, canonical JSON
    seq         INTEGER NOT NULL REFERENCES journal (seq)
) STRICT;
CREATE INDEX claim_imports_by_source ON claim_imports (source);
CREATE INDEX claim_imports_by_external_id ON claim_imports (external_id);
CREATE INDEX claim_imports_by_url ON claim_imports (url);
