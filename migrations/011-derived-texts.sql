-- Version 9 -> 10: the text a reader sees in a web page (and, later, a PDF), derived from
-- its stored bytes when the source is added.
--
-- The bytes stay the record; this is the text quotes in the source are anchored in, with
-- the extractor (name/version) that derived it. The same bytes and extractor always give
-- the same text; `verify` derives it again and compares, and reports a row made by another
-- extractor version rather than accepting it.
CREATE TABLE derived_texts (
    sha256    TEXT PRIMARY KEY REFERENCES blobs (sha256),
    extractor TEXT NOT NULL,
    text      TEXT NOT NULL
) STRICT;
