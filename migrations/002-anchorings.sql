-- Version 1 -> 2: how each appearance fares in the other versions of its document.
CREATE TABLE anchorings (
    appearance_id INTEGER NOT NULL REFERENCES appearances (id),
    source        TEXT    NOT NULL REFERENCES sources (sha256),
    state         TEXT    NOT NULL CHECK (state IN ('unchanged', 'moved', 'changed', 'missing')),
    start         INTEGER,
    end           INTEGER,
    exact         TEXT,
    score         INTEGER,                -- fuzzy similarity in per mille, for 'changed'
    seq           INTEGER NOT NULL REFERENCES journal (seq),
    PRIMARY KEY (appearance_id, source)
) STRICT;
CREATE INDEX anchorings_by_source ON anchorings (source);
