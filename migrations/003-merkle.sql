-- Version 2 -> 3: the journal's Merkle tree and its checkpoints.
--
-- merkle_nodes is filled from the journal entries already written, in Rust, right after this
-- script (SQL cannot hash): see src/store/merkle.rs.
--
-- Version 3 shipped the table with hex TEXT hashes in a rowid table; the migrations run in
-- one transaction up to the newest version, and the filling code writes the newest shape
-- (version 12: 013-merkle-blobs.sql), so the table is created in that shape here.

-- Every completed perfect subtree of the journal's RFC 6962 Merkle tree.
CREATE TABLE merkle_nodes (
    level INTEGER NOT NULL CHECK (level >= 0),
    idx   INTEGER NOT NULL CHECK (idx >= 0),
    hash  BLOB    NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (level, idx)
) STRICT, WITHOUT ROWID;

-- Checkpoints recorded by `claimledger checkpoint`, as printed (C2SP tlog-checkpoint).
CREATE TABLE checkpoints (
    note TEXT    PRIMARY KEY,
    size INTEGER NOT NULL CHECK (size >= 0),
    root TEXT    NOT NULL CHECK (length(root) = 64),
    key  TEXT
) STRICT;
CREATE INDEX checkpoints_by_size ON checkpoints (size);
