-- Version 4 -> 5: the normalized form of each text source, kept for normalized matching.
--
-- Building it takes about a millisecond per megabyte; kept, a normalized lookup in a long
-- source costs microseconds. It is a cache of the source bytes, not a record: a row is
-- written the first time a source needs it, rebuilt when the rule or the Unicode data
-- changes (the `rule` tag), and checked against the bytes by `verify`.
CREATE TABLE normalized_texts (
    sha256     TEXT PRIMARY KEY REFERENCES blobs (sha256),
    rule       TEXT NOT NULL,
    normalized TEXT NOT NULL,
    map        BLOB NOT NULL
) STRICT;
